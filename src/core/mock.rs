//! Canned answers from a `--mock` file, so a mini program runs without host code.
//!
//! The file is a JSON object mapping API names to answers:
//!
//! ```json
//! {
//!   "getUser":  {"result": {"name": "kka"}, "delayMs": 200, "states": [{"percent": 50}]},
//!   "pay":      {"fail": "card declined"}
//! }
//! ```

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::call::MiniApiCall;
use super::handler::Handler;

/// Why a mock file was refused.
#[derive(Debug, thiserror::Error)]
#[error("mock file {file:?}: {message}")]
pub struct MockError {
    file: String,
    message: String,
}

/// One canned answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Mock {
    /// The answer: a result map (`None` for `"result": null`) or a fail reason.
    pub outcome: Result<Option<Map<String, Value>>, String>,
    /// How long to wait before answering.
    pub delay: Duration,
    /// Progress states sent first, in order.
    pub states: Vec<Value>,
}

impl Mock {
    /// This mock as a handler, to register like any other.
    pub fn into_handler(self) -> Arc<dyn Handler> {
        let mock = Arc::new(self);
        Arc::new(move |call: MiniApiCall| {
            let mock = mock.clone();
            async move {
                for state in &mock.states {
                    call.send_state(state.clone());
                }
                if !mock.delay.is_zero() {
                    tokio::time::sleep(mock.delay).await;
                }
                mock.outcome.clone().map_err(ApiError::new)
            }
        })
    }
}

/// Reads a mock file: a JSON object of API name to answer.
pub fn read_mocks(path: &std::path::Path) -> Result<Vec<(String, Mock)>, MockError> {
    let file = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|err| MockError { file: file.clone(), message: err.to_string() })?;
    parse_mocks(&text).map_err(|message| MockError { file, message })
}

/// Parses mock file text; the error names the entry and the problem.
pub fn parse_mocks(text: &str) -> Result<Vec<(String, Mock)>, String> {
    let value: Value = serde_json::from_str(text).map_err(|err| format!("invalid JSON: {err}"))?;
    let Value::Object(entries) = value else {
        return Err(format!("expected an object of API names, got {}", kind(&value)));
    };
    let mut mocks = Vec::with_capacity(entries.len());
    for (name, entry) in entries {
        let mock = parse_entry(&entry).map_err(|message| format!("{name:?}: {message}"))?;
        mocks.push((name, mock));
    }
    Ok(mocks)
}

fn parse_entry(entry: &Value) -> Result<Mock, String> {
    let Value::Object(fields) = entry else {
        return Err(format!("expected an object, got {}", kind(entry)));
    };
    if let Some(key) = fields.keys().find(|key| !matches!(key.as_str(), "result" | "fail" | "delayMs" | "states")) {
        return Err(format!("unknown key {key:?} (expected result, fail, delayMs, states)"));
    }
    let outcome = match (fields.get("result"), fields.get("fail")) {
        (Some(Value::Object(map)), None) => Ok(Some(map.clone())),
        (Some(Value::Null), None) => Ok(None),
        (Some(other), None) => return Err(format!("\"result\" must be an object or null, got {}", kind(other))),
        (None, Some(Value::String(reason))) => Err(reason.clone()),
        (None, Some(other)) => return Err(format!("\"fail\" must be a string, got {}", kind(other))),
        _ => return Err("expected exactly one of \"result\" or \"fail\"".to_string()),
    };
    let delay = match fields.get("delayMs") {
        None => Duration::ZERO,
        Some(value) => Duration::from_millis(
            value.as_u64().ok_or_else(|| format!("\"delayMs\" must be a non-negative integer, got {value}"))?,
        ),
    };
    let states = match fields.get("states") {
        None => Vec::new(),
        Some(Value::Array(states)) => states.clone(),
        Some(other) => return Err(format!("\"states\" must be an array, got {}", kind(other))),
    };
    Ok(Mock { outcome, delay, states })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_results_failures_delays_and_states() {
        let mocks = parse_mocks(
            r#"{"a": {"result": {"x": 1}, "delayMs": 5, "states": [1, 2]}, "b": {"fail": "nope"}, "c": {"result": null}}"#,
        )
        .unwrap();
        assert_eq!(
            mocks,
            vec![
                (
                    "a".into(),
                    Mock {
                        outcome: Ok(json!({"x": 1}).as_object().cloned()),
                        delay: Duration::from_millis(5),
                        states: vec![json!(1), json!(2)]
                    }
                ),
                ("b".into(), Mock { outcome: Err("nope".into()), delay: Duration::ZERO, states: vec![] }),
                ("c".into(), Mock { outcome: Ok(None), delay: Duration::ZERO, states: vec![] }),
            ]
        );
    }

    #[test]
    fn names_the_problem() {
        let cases = [
            ("[]", "expected an object of API names, got an array"),
            ("{", "invalid JSON: EOF while parsing an object at line 1 column 1"),
            (r#"{"a": 1}"#, r#""a": expected an object, got a number"#),
            (r#"{"a": {}}"#, r#""a": expected exactly one of "result" or "fail""#),
            (r#"{"a": {"result": {}, "fail": "x"}}"#, r#""a": expected exactly one of "result" or "fail""#),
            (r#"{"a": {"result": [1]}}"#, r#""a": "result" must be an object or null, got an array"#),
            (r#"{"a": {"fail": 3}}"#, r#""a": "fail" must be a string, got a number"#),
            (r#"{"a": {"fail": "x", "delayMs": -1}}"#, r#""a": "delayMs" must be a non-negative integer, got -1"#),
            (r#"{"a": {"fail": "x", "states": {}}}"#, r#""a": "states" must be an array, got an object"#),
            (
                r#"{"a": {"fail": "x", "delay": 1}}"#,
                r#""a": unknown key "delay" (expected result, fail, delayMs, states)"#,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_mocks(text).unwrap_err(), expected, "{text}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_mock_answers_after_its_delay() {
        let (_, mock) = parse_mocks(r#"{"a": {"fail": "no", "delayMs": 300}}"#).unwrap().remove(0);
        let started = tokio::time::Instant::now();
        let result = mock.into_handler().call(MiniApiCall::for_test("a", Value::Null)).await;
        assert_eq!(result, Err(ApiError::new("no")));
        assert_eq!(started.elapsed(), Duration::from_millis(300));
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = read_mocks(std::path::Path::new("/nonexistent/m.json")).unwrap_err();
        assert!(err.to_string().starts_with(r#"mock file "/nonexistent/m.json": "#), "{err}");
    }
}
