//! Network APIs, done on the Rust side: [`request`] is `wx.request` (reqwest with
//! rustls), with `--mock` rules that answer by URL and method; [`transfer`] is
//! `wx.downloadFile` and `wx.uploadFile`, to and from the mini program's files.

pub mod reachability;
pub mod request;
pub mod socket;
pub mod transfer;

use std::sync::Arc;

use serde_json::Value;
use std::time::Duration;

use crate::core::call::MiniApiCall;
use crate::core::registry::RegistryBuilder;
use crate::files::Files;
pub use reachability::Reachability;
use request::{RequestMocks, Requests};
use socket::Sockets;

/// The built-ins this module registers.
pub const APIS: &[&str] =
    &["request", "__abortRequest", "downloadFile", "uploadFile", "__socket", "__socketSend", "__socketClose"];

/// How long the registry lets a request run: the request's own `timeout` ends it first.
pub const REGISTRY_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Adds `request` (and `__abortRequest`, what `RequestTask.abort()` calls),
/// `downloadFile` and `uploadFile` unless the host registered its own; returns the
/// requests' client (other built-ins fetch with it).
pub fn register(builder: &mut RegistryBuilder, mocks: RequestMocks, files: Arc<Files>, offline: bool) -> Arc<Requests> {
    let requests = Requests::new(mocks, Arc::new(Reachability::new(offline)));
    let sockets = Arc::new(Sockets::default());
    let (connecting, reach) = (sockets.clone(), requests.reachability().clone());
    if builder.register_default(
        "__socket",
        Arc::new(move |call: MiniApiCall| connecting.clone().connect(call, reach.clone())),
    ) {
        builder.set_timeout_if_default("__socket", REGISTRY_TIMEOUT);
    }
    let sending = sockets.clone();
    builder.register_default("__socketSend", Arc::new(move |call: MiniApiCall| std::future::ready(sending.send(call))));
    builder
        .register_default("__socketClose", Arc::new(move |call: MiniApiCall| std::future::ready(sockets.close(call))));
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
