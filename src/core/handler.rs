//! A handler is just an `async fn(MiniApiCall) -> ApiResult<T>`, or a closure of that
//! shape, where `T` is any [`Serialize`] value that is a JSON object (or nothing).

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::call::MiniApiCall;

/// What a handler returns: a value for the page's `success` (a struct, a map or
/// `json!({..})` that serialises to a JSON object; `()`, `None` or `null` give just
/// `errMsg`), or an error for its `fail`. `T` defaults to today's map.
pub type ApiResult<T = Option<Map<String, Value>>> = Result<T, ApiError>;

/// The answer a handler's result turns into: the fields of `success`, or the error.
pub type Reply = Result<Option<Map<String, Value>>, ApiError>;

/// A boxed, sendable future, as handlers are stored.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Turns what a handler returned into the page's answer (as axum's `IntoResponse` does).
/// A success that is not a JSON object (a number, a string, an array) cannot become
/// `success(res)`: it is a clear fail naming what it was, never an empty success.
pub trait IntoReply {
    /// The answer.
    fn into_reply(self) -> Reply;
}

impl<T: Serialize> IntoReply for Result<T, ApiError> {
    fn into_reply(self) -> Reply {
        match serde_json::to_value(self?) {
            Ok(Value::Null) => Ok(None),
            Ok(Value::Object(map)) => Ok(Some(map)),
            Ok(other) => {
                let mut shown = other.to_string();
                if shown.len() > 80 {
                    let cut = (0..=77).rev().find(|&i| shown.is_char_boundary(i)).unwrap_or(0);
                    shown.truncate(cut);
                    shown.push_str("...");
                }
                Err(ApiError::new(format!("the handler returned {shown}, not an object")))
            }
            Err(err) => Err(ApiError::new(format!("the handler's result is not JSON: {err}"))),
        }
    }
}

/// Anything that can answer a [`MiniApiCall`]. Implemented for every
/// `Fn(MiniApiCall) -> impl Future<Output = ApiResult<T>>` that is `Send + Sync + 'static`,
/// so an `async fn` is a handler:
///
/// ```
/// use superapp_shell::{ApiResult, MiniApiCall};
/// #[derive(serde::Serialize)]
/// struct Echo { echo: serde_json::Value }
/// async fn my_api(call: MiniApiCall) -> ApiResult<Echo> {
///     Ok(Echo { echo: call.data().clone() })
/// }
/// let _ = superapp_shell::Shell::builder().register("myApi", my_api);
/// ```
pub trait Handler: Send + Sync + 'static {
    /// Starts answering one call.
    fn call(&self, call: MiniApiCall) -> BoxFuture<Reply>;
}

impl<F, Fut> Handler for F
where
    F: Fn(MiniApiCall) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoReply,
{
    fn call(&self, call: MiniApiCall) -> BoxFuture<Reply> {
        let future = self(call);
        Box::pin(async move { future.await.into_reply() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Order {
        id: u32,
        paid: bool,
    }

    #[test]
    fn objects_and_nothing_are_successes() {
        assert_eq!(
            Ok::<_, ApiError>(Order { id: 7, paid: true }).into_reply(),
            Ok(json!({"id": 7, "paid": true}).as_object().cloned())
        );
        assert_eq!(Ok::<_, ApiError>(()).into_reply(), Ok(None));
        assert_eq!(Ok::<_, ApiError>(None::<Map<String, Value>>).into_reply(), Ok(None));
        assert_eq!(Ok::<_, ApiError>(json!({"a": 1})).into_reply(), Ok(json!({"a": 1}).as_object().cloned()));
    }

    #[test]
    fn a_non_object_success_is_a_clear_fail() {
        assert_eq!(
            Ok::<_, ApiError>(42).into_reply().unwrap_err().to_string(),
            "the handler returned 42, not an object"
        );
        assert_eq!(
            Ok::<_, ApiError>(json!(["a", "b"])).into_reply().unwrap_err().to_string(),
            r#"the handler returned ["a","b"], not an object"#
        );
        let long = "x".repeat(200);
        let message = Ok::<_, ApiError>(long).into_reply().unwrap_err().to_string();
        assert!(message.ends_with("..., not an object") && message.len() < 120, "{message}");
    }

    #[test]
    fn errors_pass_through() {
        let err = ApiError::new("no").with("errCode", 3);
        assert_eq!(Err::<(), _>(err.clone()).into_reply(), Err(err));
    }
}
