//! Why a call failed: the text after `"<api>:fail "` in the page's `errMsg`.

use super::api_error::ApiError;

/// Every way a call can fail. Each becomes the call's one `fail` answer; the messages are
/// part of the documented contract (README, "Failures").
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// No handler is registered under this name.
    #[error("api {0:?} is not registered")]
    NotRegistered(String),
    /// The call named no `api_name` (absent, null or empty).
    #[error("missing api_name")]
    MissingApiName,
    /// `api_name` was not a string; holds its JSON text.
    #[error("api_name must be a string, got {0}")]
    ApiNameNotString(String),
    /// The encoded call was larger than the shell accepts.
    #[error("payload too large: {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The size of the encoded call in bytes.
        size: usize,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The call nests arrays and objects deeper than the shell accepts.
    #[error("data nests too deep: more than {limit} levels")]
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// The call is not valid JSON (a lone UTF-16 surrogate, for one), though its call id
    /// could be read.
    #[error("data is not valid JSON: {0}")]
    InvalidJson(String),
    /// The call's fields have the wrong types (`api` not a string, for one), though its
    /// call id could be read.
    #[error("malformed call: {0}")]
    MalformedCall(String),
    /// The page already has this many calls waiting for an answer.
    #[error("too many calls in flight: the limit is {limit} per page")]
    TooManyInFlight {
        /// The configured limit.
        limit: usize,
    },
    /// The shell is shutting down (SIGINT, SIGTERM, or the run ended) before the handler
    /// answered.
    #[error("the shell is shutting down")]
    ShuttingDown,
    /// The handler returned an error.
    #[error("{0}")]
    Handler(ApiError),
    /// The handler panicked; the shell keeps running.
    #[error("api {api:?} panicked: {message}")]
    Panicked {
        /// The API whose handler panicked.
        api: String,
        /// The panic's message.
        message: String,
    },
    /// The handler did not finish within its timeout and was cancelled.
    #[error("api {api:?} timed out after {ms} ms")]
    TimedOut {
        /// The API whose handler timed out.
        api: String,
        /// The timeout in milliseconds.
        ms: u128,
    },
}
