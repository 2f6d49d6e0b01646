//! A handler is just an `async fn(MiniApiCall) -> ApiResult`, or a closure of that shape.

use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::call::MiniApiCall;

/// What a handler returns: a result map for the page's `success` (`None` gives just
/// `errMsg`), or an error for its `fail`.
pub type ApiResult = Result<Option<Map<String, Value>>, ApiError>;

/// A boxed, sendable future, as handlers are stored.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Anything that can answer a [`MiniApiCall`]. Implemented for every
/// `Fn(MiniApiCall) -> impl Future<Output = ApiResult>` that is `Send + Sync + 'static`,
/// so an `async fn` is a handler:
///
/// ```
/// use superapp_shell::{ApiResult, MiniApiCall};
/// async fn my_api(call: MiniApiCall) -> ApiResult {
///     Ok(serde_json::json!({"echo": call.data()}).as_object().cloned())
/// }
/// let _ = superapp_shell::Shell::builder().register("myApi", my_api);
/// ```
pub trait Handler: Send + Sync + 'static {
    /// Starts answering one call.
    fn call(&self, call: MiniApiCall) -> BoxFuture<ApiResult>;
}

impl<F, Fut> Handler for F
where
    F: Fn(MiniApiCall) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ApiResult> + Send + 'static,
{
    fn call(&self, call: MiniApiCall) -> BoxFuture<ApiResult> {
        Box::pin(self(call))
    }
}
