//! The automator's wire format: JSON text frames over a WebSocket. A request is
//! `{"id", "method", "params"}`; its reply `{"id", "result"}` or `{"id", "error": {"message"}}`;
//! an event `{"method", "params"}` has no id.

use serde::Deserialize;
use serde_json::{json, Value};

/// A frame that is not a request.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FrameError {
    /// Not JSON.
    #[error("bad frame: not JSON: {0}")]
    NotJson(String),
    /// JSON, but no request (`id` and `method` are needed).
    #[error("bad frame: {0}")]
    NotRequest(String),
}

/// One request from the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The client's id for it (a uuid string for miniprogram-automator), echoed in the reply.
    pub id: Value,
    /// `Domain.method`, e.g. `App.callWxMethod`.
    pub method: String,
    /// The parameters (an object; `{}` when absent).
    pub params: Value,
}

#[derive(Deserialize)]
struct RawRequest {
    id: Option<Value>,
    method: Option<Value>,
    params: Option<Value>,
}

impl Request {
    /// Parses a text frame. A frame with an id but no usable method is still answered:
    /// the error carries the id (see [`FrameError`] and [`Request::id_of`]).
    pub fn parse(text: &str) -> Result<Request, FrameError> {
        let raw: RawRequest = serde_json::from_str(text).map_err(|err| FrameError::NotJson(err.to_string()))?;
        let id = match raw.id {
            Some(id @ (Value::String(_) | Value::Number(_))) => id,
            Some(other) => return Err(FrameError::NotRequest(format!("id must be a string or a number, got {other}"))),
            None => return Err(FrameError::NotRequest("no id".into())),
        };
        let method = match raw.method {
            Some(Value::String(method)) => method,
            other => {
                return Err(FrameError::NotRequest(format!(
                    "method must be a string, got {}",
                    other.map_or("nothing".to_string(), |v| v.to_string())
                )))
            }
        };
        let params = match raw.params {
            None | Some(Value::Null) => json!({}),
            Some(params @ Value::Object(_)) => params,
            Some(other) => return Err(FrameError::NotRequest(format!("params must be an object, got {other}"))),
        };
        Ok(Request { id, method, params })
    }

    /// The id of a frame that did not parse as a request, if it has one (so that the
    /// error can be answered to it).
    pub fn id_of(text: &str) -> Option<Value> {
        let value: Value = serde_json::from_str(text).ok()?;
        match value.get("id")? {
            id @ (Value::String(_) | Value::Number(_)) => Some(id.clone()),
            _ => None,
        }
    }
}

/// The reply to request `id`: its result, or an error with a message.
pub fn reply(id: &Value, outcome: Result<Value, String>) -> String {
    match outcome {
        Ok(result) => json!({ "id": id, "result": result }).to_string(),
        Err(message) => json!({ "id": id, "error": { "message": message } }).to_string(),
    }
}

/// An error frame for a frame that had no id.
pub fn frame_error(message: &str) -> String {
    json!({ "error": { "message": message } }).to_string()
}

/// An event: `App.logAdded`, `App.exceptionThrown`, `App.bindingCalled`.
pub fn event(method: &str, params: Value) -> String {
    json!({ "method": method, "params": params }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_requests_and_refuses_other_frames() {
        let request = Request::parse(r#"{"id":"a1","method":"App.getPageStack"}"#).unwrap();
        assert_eq!(request, Request { id: json!("a1"), method: "App.getPageStack".into(), params: json!({}) });
        let request = Request::parse(r#"{"id":7,"method":"Page.getElement","params":{"selector":"view"}}"#).unwrap();
        assert_eq!(request.params, json!({"selector": "view"}));
        assert!(matches!(Request::parse("{"), Err(FrameError::NotJson(_))));
        assert_eq!(
            Request::parse(r#"{"id":"x","method":3}"#),
            Err(FrameError::NotRequest("method must be a string, got 3".into()))
        );
        assert_eq!(Request::parse(r#"{"method":"Tool.close"}"#), Err(FrameError::NotRequest("no id".into())));
        assert_eq!(
            Request::parse(r#"{"id":"x","method":"Tool.close","params":[1]}"#),
            Err(FrameError::NotRequest("params must be an object, got [1]".into()))
        );
        assert_eq!(Request::id_of(r#"{"id":"x","method":3}"#), Some(json!("x")));
        assert_eq!(Request::id_of("nope"), None);
    }

    #[test]
    fn writes_replies_and_events_as_the_client_reads_them() {
        assert_eq!(reply(&json!("a1"), Ok(json!({"pageId": 1}))), r#"{"id":"a1","result":{"pageId":1}}"#);
        assert_eq!(reply(&json!("a2"), Err("boom".into())), r#"{"id":"a2","error":{"message":"boom"}}"#);
        assert_eq!(
            event("App.bindingCalled", json!({"name": "f", "args": [1]})),
            r#"{"method":"App.bindingCalled","params":{"name":"f","args":[1]}}"#
        );
        assert_eq!(frame_error("bad frame: no id"), r#"{"error":{"message":"bad frame: no id"}}"#);
    }
}
