//! What a mini program's JS says and throws, captured once in every webview
//! (`assets/console.js`) and turned here into what the developer sees: one line for the
//! terminal, the automator's `App.logAdded`/`App.exceptionThrown`, and (next) the preview
//! console. Plain data in, text out.

use serde_json::{json, Value};

use super::host::WebViewId;

/// The tracing target of page errors (`RUST_LOG=superapp::page=error`).
pub const PAGE_TARGET: &str = "superapp::page";
/// The tracing target of pages' `console.*` calls.
pub const CONSOLE_TARGET: &str = "superapp::console";

/// An uncaught error, an unhandled rejection, a script that failed to parse, or a throw
/// from a hook or callback.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsError {
    /// Its message (`TypeError: x is not a function`).
    pub message: String,
    /// Its stack as WebKit gives it (`fn@url:line:col` per line), or empty.
    pub stack: String,
    /// The script it was raised in, where WebKit gives it.
    pub source: Option<String>,
    /// Its line in `source`.
    pub line: Option<u32>,
    /// Its column.
    pub column: Option<u32>,
    /// In a logic context: the page whose code raised it.
    pub page: Option<WebViewId>,
    /// It stopped the page from loading (its script, `Page()` or `onLoad`).
    pub failed_load: bool,
}

/// How a console level shows in the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// `console.error` and `console.warn`: tracing's warn level.
    Warn,
    /// `console.log`, `info` and `debug`: tracing's debug level.
    Debug,
}

/// The terminal severity of a console level.
pub fn severity(level: &str) -> Severity {
    match level {
        "error" | "warn" => Severity::Warn,
        _ => Severity::Debug,
    }
}

/// A console call's arguments as one line: strings as they are, other values as JSON.
pub fn format_args(args: &Value) -> String {
    let one = |value: &Value| match value {
        Value::String(text) => one_line_error(text).unwrap_or_else(|| text.clone()),
        other => other.to_string(),
    };
    match args {
        Value::Array(items) => items.iter().map(one).collect::<Vec<_>>().join(" "),
        other => one(other),
    }
}

/// An `Error` as console.js sends it (its name and message, then one frame a line) as one
/// line for the terminal: `RangeError: disk full (at pages/a/a.js:3:43)`. `None` for any
/// other text.
fn one_line_error(text: &str) -> Option<String> {
    let (head, frames) = text.split_once('\n')?;
    let mut frames = frames.lines().filter(|line| !line.trim().is_empty());
    let first = frames.clone().next()?;
    frames.all(|frame| frame.contains('@') || frame_location(frame).is_some()).then_some(())?;
    match frame_location(first) {
        Some(at) => Some(format!("{head} (at {})", short_source(at))),
        None => Some(head.to_string()),
    }
}

/// Strips the shell's own URL from a script address: `superapp://app/pages/a/a.js` is
/// `pages/a/a.js`.
pub fn short_source(source: &str) -> &str {
    source.strip_prefix("superapp://app/").unwrap_or(source)
}

impl JsError {
    /// `file:line:col` where WebKit gives it, else the first frame of the stack that has
    /// one.
    pub fn location(&self) -> Option<String> {
        if let (Some(source), Some(line)) = (&self.source, self.line) {
            let column = self.column.map(|c| format!(":{c}")).unwrap_or_default();
            return Some(format!("{}:{line}{column}", short_source(source)));
        }
        self.stack.lines().find_map(frame_location).map(str::to_string).map(|at| short_source(&at).to_string())
    }

    /// The stack the automator gets: WebKit's frames, or, where WebKit gave none (a
    /// script that failed to parse), one frame made from where it was raised.
    pub fn stack_or_location(&self) -> String {
        if self.stack.lines().any(|line| frame_location(line).is_some()) {
            return self.stack.clone();
        }
        match self.location() {
            Some(at) => format!("@{at}"),
            None => self.stack.clone(),
        }
    }

    /// The automator's `App.exceptionThrown` parameters.
    pub fn automator_params(&self, webview: WebViewId) -> Value {
        json!({ "message": self.message, "stack": self.stack_or_location(), "webviewId": webview })
    }
}

/// The `url:line:col` of one stack frame (`onLoad@superapp://app/a.js:3:9`), if it has one.
fn frame_location(frame: &str) -> Option<&str> {
    let at = frame.rfind('@').map(|i| &frame[i + 1..]).unwrap_or(frame).trim();
    let mut parts = at.rsplitn(3, ':');
    let (col, line) = (parts.next()?, parts.next()?);
    let ok = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    (ok(col) && ok(line) && parts.next().is_some_and(|url| !url.is_empty())).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_comes_from_webkit_or_else_from_the_first_real_frame() {
        let error = JsError {
            message: "SyntaxError: Unexpected token '}'".into(),
            source: Some("superapp://app/pages/a/a.js".into()),
            line: Some(3),
            column: Some(12),
            ..JsError::default()
        };
        assert_eq!(error.location().as_deref(), Some("pages/a/a.js:3:12"));
        // A parse error has no frames: the automator gets one made from its location.
        assert_eq!(error.stack_or_location(), "@pages/a/a.js:3:12");
        let thrown = JsError {
            message: "Error: boom".into(),
            stack: "@\nonLoad@superapp://app/pages/b/b.js:7:20\nglobal code@superapp://app/x.js:1:1".into(),
            ..JsError::default()
        };
        assert_eq!(thrown.location().as_deref(), Some("pages/b/b.js:7:20"));
        assert_eq!(thrown.stack_or_location(), thrown.stack);
        assert_eq!(JsError::default().location(), None);
    }

    #[test]
    fn console_arguments_read_as_one_line_and_levels_map_to_two_severities() {
        assert_eq!(format_args(&json!(["saved", 3, {"a": 1}, null])), r#"saved 3 {"a":1} null"#);
        // An Error is its name, message and where it was made, on one line.
        let error = "RangeError: disk full\nonLoad@superapp://app/pages/a/a.js:3:43\n@user-script:2:226:50";
        assert_eq!(format_args(&json!(["failed", error])), "failed RangeError: disk full (at pages/a/a.js:3:43)");
        // Text of several lines that is no stack stays as it is.
        assert_eq!(format_args(&json!(["two\nlines"])), "two\nlines");
        assert_eq!(severity("error"), Severity::Warn);
        assert_eq!(severity("warn"), Severity::Warn);
        assert_eq!(severity("log"), Severity::Debug);
    }
}
