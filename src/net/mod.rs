//! Network APIs, done on the Rust side: [`request`] is `wx.request` (reqwest with
//! rustls), with `--mock` rules that answer by URL and method.

pub mod request;

use std::sync::Arc;
use std::time::Duration;

use crate::core::call::MiniApiCall;
use crate::core::registry::RegistryBuilder;
use request::{RequestMocks, Requests};

/// The built-ins this module registers.
pub const APIS: &[&str] = &["request", "__abortRequest"];

/// How long the registry lets a request run: the request's own `timeout` ends it first.
pub const REGISTRY_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Adds `request` (and `__abortRequest`, what `RequestTask.abort()` calls) unless the
/// host registered its own.
pub fn register(builder: &mut RegistryBuilder, mocks: RequestMocks) {
    let requests = Requests::new(mocks);
    let sending = requests.clone();
    if builder.register_default(
        "request",
        Arc::new(move |call: MiniApiCall| {
            let requests = sending.clone();
            async move { requests.request(call).await }
        }),
    ) {
        builder.set_timeout_if_default("request", REGISTRY_TIMEOUT);
    }
    builder.register_default(
        "__abortRequest",
        Arc::new(move |call: MiniApiCall| {
            let requests = requests.clone();
            async move { requests.abort(call).await }
        }),
    );
}
