//! The error a handler returns: becomes the page's `fail` callback.

use serde_json::{Map, Value};

/// A handler's failure. Its message follows `"invokeNativePlugin:fail "` in the page's
/// `errMsg`; its extra fields are copied onto the fail object (and onto the `Error` a
/// `sync: true` call throws).
///
/// ```
/// use superapp_shell::ApiError;
/// let err = ApiError::new("card declined").with("errCode", 1001);
/// assert_eq!(err.to_string(), "card declined");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    message: String,
    fields: Map<String, Value>,
}

impl ApiError {
    /// An error with this message and no extra fields.
    pub fn new(message: impl std::fmt::Display) -> ApiError {
        ApiError { message: message.to_string(), fields: Map::new() }
    }

    /// Adds a field to the fail object the page receives (`errMsg` cannot be overridden).
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> ApiError {
        let key = key.into();
        if key != "errMsg" {
            self.fields.insert(key, value.into());
        }
        self
    }

    /// The message, without the `errMsg` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The extra fields copied onto the fail object.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }
}

impl From<String> for ApiError {
    fn from(message: String) -> ApiError {
        ApiError::new(message)
    }
}

impl From<&str> for ApiError {
    fn from(message: &str) -> ApiError {
        ApiError::new(message)
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> ApiError {
        ApiError::new(format!("invalid data: {err}"))
    }
}

impl From<std::io::Error> for ApiError {
    fn from(err: std::io::Error) -> ApiError {
        ApiError::new(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errmsg_cannot_be_set_as_a_field() {
        let err = ApiError::new("no").with("errMsg", "x").with("errCode", 7);
        assert_eq!(Value::Object(err.fields().clone()), json!({"errCode": 7}));
    }

    #[test]
    fn converts_from_common_errors() {
        let err: ApiError = serde_json::from_str::<u8>("x").unwrap_err().into();
        assert!(err.message().starts_with("invalid data: "), "{err}");
    }
}
