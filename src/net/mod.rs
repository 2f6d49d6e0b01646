//! Network APIs, done on the Rust side: [`request`] is `wx.request` (reqwest with
//! rustls), with `--mock` rules that answer by URL and method; [`transfer`] is
//! `wx.downloadFile` and `wx.uploadFile`, to and from the mini program's files.

pub mod request;
pub mod transfer;

use std::sync::Arc;

use serde_json::Value;
use std::time::Duration;

use crate::core::call::MiniApiCall;
use crate::core::registry::RegistryBuilder;
use crate::files::Files;
use request::{RequestMocks, Requests};

/// The built-ins this module registers.
pub const APIS: &[&str] = &["request", "__abortRequest", "downloadFile", "uploadFile"];

/// How long the registry lets a request run: the request's own `timeout` ends it first.
pub const REGISTRY_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Adds `request` (and `__abortRequest`, what `RequestTask.abort()` calls),
/// `downloadFile` and `uploadFile` unless the host registered its own; returns the
/// requests' client (other built-ins fetch with it).
pub fn register(builder: &mut RegistryBuilder, mocks: RequestMocks, files: Arc<Files>) -> Arc<Requests> {
    let requests = Requests::new(mocks);
    for (api, upload) in [("downloadFile", false), ("uploadFile", true)] {
        let (requests, files) = (requests.clone(), files.clone());
        if builder.register_default(
            api,
            Arc::new(move |call: MiniApiCall| {
                let (requests, files) = (requests.clone(), files.clone());
                async move {
                    let task = call.data().get("__task").and_then(Value::as_str).map(str::to_string);
                    let this = requests.clone();
                    if upload {
                        requests.tracked(task, this.upload(files, call)).await
                    } else {
                        requests.tracked(task, this.download(files, call)).await
                    }
                }
            }),
        ) {
            builder.set_timeout_if_default(api, REGISTRY_TIMEOUT);
        }
    }
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
    let aborting = requests.clone();
    builder.register_default(
        "__abortRequest",
        Arc::new(move |call: MiniApiCall| {
            let requests = aborting.clone();
            async move { requests.abort(call).await }
        }),
    );
    requests
}
