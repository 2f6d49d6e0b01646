//! The wire protocol between a page's JS bridge (`assets/bridge.js`) and Rust.
//!
//! Page to Rust, one JSON text per `window.ipc.postMessage` (or per synchronous
//! request body):
//!
//! ```text
//! {"type":"invoke","callbackId":7,"api":"invokeNativePlugin","api_name":"myApiName",
//!  "data":{"name":"kka"},"stateEvent":"myApiName_7"}
//! ```
//!
//! Calls made in the same JS turn travel together as one JSON array of such messages
//! (see [`split_batch`]). `api` is the wx-level name that prefixes `errMsg` (`invokeNativePlugin`, or a built-in's
//! own name); `api_name` is the registry name. Rust to page, a batch of messages handed to
//! `window.__superapp.deliver([...])` by one `evaluate_script`:
//!
//! ```text
//! {"type":"reply","callbackId":7,"res":{"result":"success","errMsg":"invokeNativePlugin:ok"}}
//! {"type":"state","stateEvent":"myApiName_7","data":{"percent":50}}
//! {"type":"event","event":"hostTick","data":{"count":1}}
//! ```

use serde::{de::IgnoredAny, Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call_error::CallError;

/// The `errMsg` prefix of `wx.invokeNativePlugin`.
pub const INVOKE_NATIVE_PLUGIN: &str = "invokeNativePlugin";

/// A well-formed call from a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoke {
    /// The page's id for this call; the reply carries it back.
    pub callback_id: u64,
    /// The wx-level API name that prefixes `errMsg`.
    pub api: String,
    /// The registry name of the handler to run.
    pub api_name: String,
    /// What the page passed as `data` (`null` when absent).
    pub data: Value,
    /// The name under which progress states reach this call.
    pub state_event: String,
}

/// What a page's message turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// A call to dispatch.
    Invoke(Invoke),
    /// A call that fails before dispatch; it still gets its one answer.
    Reject {
        /// The page's id for this call.
        callback_id: u64,
        /// The wx-level API name that prefixes `errMsg`.
        api: String,
        /// Why it was refused.
        error: CallError,
    },
}

/// A message that cannot be answered because it names no call: logged and dropped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    /// The text is not JSON, or not an object with a numeric `callbackId`.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The `type` is not one this shell knows.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
}

#[derive(Deserialize)]
struct RawInvoke {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "callbackId")]
    callback_id: u64,
    api: Option<String>,
    api_name: Option<Value>,
    data: Option<Value>,
    #[serde(rename = "stateEvent")]
    state_event: Option<String>,
}

#[derive(Deserialize)]
struct RawHeader {
    #[serde(rename = "callbackId")]
    callback_id: u64,
    api: Option<String>,
    #[allow(dead_code)]
    #[serde(flatten)]
    rest: Option<IgnoredAny>,
}

impl Inbound {
    /// Parses one message from a page. Messages longer than `max_bytes` are not parsed
    /// in full: only their call id is read, and they are rejected as too large.
    pub fn parse(raw: &str, max_bytes: usize) -> Result<Inbound, ProtocolError> {
        if raw.len() > max_bytes {
            let header: RawHeader = serde_json::from_str(raw)
                .map_err(|err| ProtocolError::Malformed(err.to_string()))?;
            return Ok(Inbound::Reject {
                callback_id: header.callback_id,
                api: header.api.unwrap_or_else(|| INVOKE_NATIVE_PLUGIN.to_string()),
                error: CallError::TooLarge {
                    size: raw.len(),
                    limit: max_bytes,
                },
            });
        }
        let msg: RawInvoke =
            serde_json::from_str(raw).map_err(|err| ProtocolError::Malformed(err.to_string()))?;
        match msg.kind.as_deref() {
            Some("invoke") | None => {}
            Some(other) => return Err(ProtocolError::UnknownType(other.to_string())),
        }
        let api = msg.api.unwrap_or_else(|| INVOKE_NATIVE_PLUGIN.to_string());
        let api_name = match msg.api_name {
            Some(Value::String(name)) if !name.is_empty() => name,
            None | Some(Value::Null) => {
                return Ok(Inbound::Reject {
                    callback_id: msg.callback_id,
                    api,
                    error: CallError::MissingApiName,
                })
            }
            Some(Value::String(_)) => {
                return Ok(Inbound::Reject {
                    callback_id: msg.callback_id,
                    api,
                    error: CallError::MissingApiName,
                })
            }
            Some(other) => {
                return Ok(Inbound::Reject {
                    callback_id: msg.callback_id,
                    api,
                    error: CallError::ApiNameNotString(other.to_string()),
                })
            }
        };
        let state_event = msg
            .state_event
            .unwrap_or_else(|| format!("{api_name}_{}", msg.callback_id));
        Ok(Inbound::Invoke(Invoke {
            callback_id: msg.callback_id,
            api,
            api_name,
            data: msg.data.unwrap_or(Value::Null),
            state_event,
        }))
    }
}

/// Splits one IPC text into its messages: a JSON array is a batch of messages sent in
/// one JS turn; anything else is one message. Returns an error for a malformed batch.
pub fn split_batch(raw: &str) -> Result<Vec<&str>, ProtocolError> {
    if !raw.trim_start().starts_with('[') {
        return Ok(vec![raw]);
    }
    let items: Vec<&serde_json::value::RawValue> =
        serde_json::from_str(raw).map_err(|err| ProtocolError::Malformed(err.to_string()))?;
    Ok(items.into_iter().map(|item| item.get()).collect())
}

/// A message from Rust to a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Outbound {
    /// The one final answer to a call.
    Reply {
        /// The page's id for the call.
        #[serde(rename = "callbackId")]
        callback_id: u64,
        /// The object handed to `success` or `fail`, `errMsg` included.
        res: Map<String, Value>,
    },
    /// A progress state of a running call.
    State {
        /// The call's state event name.
        #[serde(rename = "stateEvent")]
        state_event: String,
        /// The payload handed to `progress`.
        data: Value,
    },
    /// An event pushed by the host.
    Event {
        /// The event name (`wx.onNativePluginEvent(name, ..)`).
        event: String,
        /// The payload.
        data: Value,
    },
}

impl Outbound {
    /// Encodes this message as JSON text.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("an outbound message always serialises")
    }
}

/// The `res` of a successful call: the handler's map as it is, with `errMsg` set to
/// `"<api>:ok"`.
pub fn ok_res(api: &str, result: Option<Map<String, Value>>) -> Map<String, Value> {
    let mut res = result.unwrap_or_default();
    res.insert("errMsg".to_string(), Value::String(format!("{api}:ok")));
    res
}

/// The `res` of a failed call: `errMsg` is `"<api>:fail <reason>"`, plus any fields the
/// handler's error carries.
pub fn fail_res(api: &str, error: &CallError) -> Map<String, Value> {
    let mut res = match error {
        CallError::Handler(err) => err.fields().clone(),
        _ => Map::new(),
    };
    res.insert(
        "errMsg".to_string(),
        Value::String(format!("{api}:fail {error}")),
    );
    res
}

/// Builds the one script that delivers a batch of encoded messages to a page.
///
/// Every value placed into the script is JSON text produced by serde_json, never a raw
/// string; JSON is a subset of JS (U+2028 and U+2029 included since ES2019), so it is
/// placed as a literal. (Wrapping large values in `JSON.parse('...')` was measured slower
/// in WebKitGTK for large string payloads: see the README's Performance section.)
pub fn delivery_script<S: AsRef<str>>(messages: &[S]) -> String {
    let total: usize = messages.iter().map(|m| m.as_ref().len() + 16).sum();
    let mut script = String::with_capacity(total + 64);
    script.push_str("window.__superapp&&window.__superapp.deliver([");
    for (i, message) in messages.iter().enumerate() {
        if i > 0 {
            script.push(',');
        }
        script.push_str(message.as_ref());
    }
    script.push_str("])");
    script
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use serde_json::json;

    fn parse(raw: &str) -> Result<Inbound, ProtocolError> {
        Inbound::parse(raw, 1024)
    }

    #[test]
    fn parses_the_seed_call() {
        let raw = r#"{"type":"invoke","callbackId":7,"api":"invokeNativePlugin","api_name":"myApiName","data":{"name":"kka","age":22},"stateEvent":"myApiName_7"}"#;
        assert_eq!(
            parse(raw).unwrap(),
            Inbound::Invoke(Invoke {
                callback_id: 7,
                api: "invokeNativePlugin".into(),
                api_name: "myApiName".into(),
                data: json!({"name": "kka", "age": 22}),
                state_event: "myApiName_7".into(),
            })
        );
    }

    #[test]
    fn fills_defaults_for_optional_fields() {
        let raw = r#"{"callbackId":3,"api_name":"x"}"#;
        let Inbound::Invoke(call) = parse(raw).unwrap() else { panic!() };
        assert_eq!(call.api, "invokeNativePlugin");
        assert_eq!(call.data, Value::Null);
        assert_eq!(call.state_event, "x_3");
    }

    #[test]
    fn missing_api_name_is_an_answerable_rejection() {
        for raw in [
            r#"{"callbackId":1}"#,
            r#"{"callbackId":1,"api_name":null}"#,
            r#"{"callbackId":1,"api_name":""}"#,
        ] {
            assert_eq!(
                parse(raw).unwrap(),
                Inbound::Reject {
                    callback_id: 1,
                    api: "invokeNativePlugin".into(),
                    error: CallError::MissingApiName
                },
                "{raw}"
            );
        }
    }

    #[test]
    fn non_string_api_name_is_rejected_quoting_it() {
        let Inbound::Reject { error, .. } = parse(r#"{"callbackId":1,"api_name":42}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(error.to_string(), "api_name must be a string, got 42");
    }

    #[test]
    fn oversized_message_is_rejected_by_its_header_alone() {
        let raw = format!(
            r#"{{"type":"invoke","callbackId":9,"api_name":"up","data":"{}"}}"#,
            "x".repeat(2000)
        );
        let Inbound::Reject { callback_id, error, .. } = parse(&raw).unwrap() else { panic!() };
        assert_eq!(callback_id, 9);
        assert_eq!(
            error.to_string(),
            format!("payload too large: {} bytes exceeds the limit of 1024 bytes", raw.len())
        );
    }

    #[test]
    fn unanswerable_messages_are_protocol_errors() {
        assert!(matches!(parse("not json"), Err(ProtocolError::Malformed(_))));
        assert!(matches!(parse("[1,2]"), Err(ProtocolError::Malformed(_))));
        assert!(matches!(parse(r#"{"api_name":"x"}"#), Err(ProtocolError::Malformed(_))));
        assert!(matches!(
            parse(r#"{"callbackId":"7","api_name":"x"}"#),
            Err(ProtocolError::Malformed(_))
        ));
        assert_eq!(
            parse(r#"{"type":"hello","callbackId":1}"#),
            Err(ProtocolError::UnknownType("hello".into()))
        );
    }

    #[test]
    fn splits_batches_of_messages() {
        assert_eq!(split_batch(r#"{"callbackId":1}"#).unwrap(), vec![r#"{"callbackId":1}"#]);
        assert_eq!(
            split_batch(r#"[{"callbackId":1,"data":[1,2]}, {"type":"hookDone","hook":"onShow"}]"#).unwrap(),
            vec![r#"{"callbackId":1,"data":[1,2]}"#, r#"{"type":"hookDone","hook":"onShow"}"#]
        );
        assert!(matches!(split_batch("[1,"), Err(ProtocolError::Malformed(_))));
        // A lone array element that is not a call is still parsed (and refused) one by one.
        assert_eq!(split_batch("[1]").unwrap(), vec!["1"]);
    }

    #[test]
    fn encodes_outbound_messages_as_literal_json() {
        let reply = Outbound::Reply {
            callback_id: 7,
            res: ok_res("invokeNativePlugin", json!({"result": "success"}).as_object().cloned()),
        };
        assert_eq!(
            reply.encode(),
            r#"{"type":"reply","callbackId":7,"res":{"result":"success","errMsg":"invokeNativePlugin:ok"}}"#
        );
        let state = Outbound::State { state_event: "up_1".into(), data: json!({"percent": 50}) };
        assert_eq!(state.encode(), r#"{"type":"state","stateEvent":"up_1","data":{"percent":50}}"#);
        let event = Outbound::Event { event: "tick".into(), data: json!(1) };
        assert_eq!(event.encode(), r#"{"type":"event","event":"tick","data":1}"#);
    }

    #[test]
    fn none_result_is_just_the_ok_errmsg() {
        assert_eq!(
            Value::Object(ok_res("invokeNativePlugin", None)),
            json!({"errMsg": "invokeNativePlugin:ok"})
        );
    }

    #[test]
    fn handler_error_fields_reach_the_fail_object() {
        let err = CallError::Handler(ApiError::new("card declined").with("errCode", 1001));
        assert_eq!(
            Value::Object(fail_res("invokeNativePlugin", &err)),
            json!({"errCode": 1001, "errMsg": "invokeNativePlugin:fail card declined"})
        );
    }

    #[test]
    fn delivery_script_embeds_small_json_as_is() {
        let msgs = [r#"{"a":"</script>'\""}"#.to_string(), "2".to_string()];
        assert_eq!(
            delivery_script(&msgs),
            r#"window.__superapp&&window.__superapp.deliver([{"a":"</script>'\""},2])"#
        );
    }
}
