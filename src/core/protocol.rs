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
//! {"type":"lifecycle","hook":"onHide","app":false}
//! {"type":"pages","pages":[{"webViewId":1,"route":"pages/index/index","options":{}}]}
//! ```
//!
//! Besides calls, a page tells the shell when its document is ready and when it has run a
//! lifecycle hook (see [`PageMessage`]):
//!
//! ```text
//! {"type":"ready"}
//! {"type":"hookDone","hook":"onShow"}
//! ```
//!
//! Every kind of message that crosses the bridge is named here, typed; nothing else
//! builds or recognises them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::call_error::CallError;
use super::console::JsError;
use super::event_channel::Side;
use super::host::WebViewId;
use super::lifecycle::Hook;
use super::limits::Limits;
use super::router::PageRef;

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
    /// From a WXML logic context: the page whose code made the call (see
    /// [`Origin::of_call`](super::bridge::Origin::of_call)).
    pub on_behalf_of: Option<WebViewId>,
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
    callback_id: Option<u64>,
    hook: Option<Value>,
    api: Option<String>,
    api_name: Option<Value>,
    data: Option<Value>,
    #[serde(rename = "stateEvent")]
    state_event: Option<String>,
    #[serde(rename = "webviewId")]
    webview_id: Option<u64>,
    seq: Option<u64>,
    handler: Option<String>,
    event: Option<Value>,
    page: Option<u64>,
    ok: Option<bool>,
    value: Option<Value>,
    error: Option<Value>,
    level: Option<String>,
    args: Option<Value>,
    message: Option<Value>,
    stack: Option<Value>,
    name: Option<String>,
    source: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    #[serde(rename = "failedLoad")]
    failed_load: Option<bool>,
    side: Option<Side>,
    key: Option<String>,
}

/// What one pass over a message's text tells, before any parsing: how deep it nests, and
/// its top-level `callbackId` and `api` (enough to answer a call that is refused unread).
#[derive(Debug, Default, PartialEq)]
struct Header {
    depth: usize,
    callback_id: Option<u64>,
    api: Option<String>,
}

/// Scans `raw` once, without recursion (any depth is safe).
fn scan_header(raw: &str) -> Header {
    let bytes = raw.as_bytes();
    let mut header = Header::default();
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut key: Option<&str> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                // Skip to the closing quote (memchr: strings are most of a big payload).
                while let Some(at) = memchr::memchr2(b'"', b'\\', &bytes[i.min(bytes.len())..]) {
                    i += at;
                    if bytes[i] == b'"' {
                        break;
                    }
                    i += 2;
                }
                if i >= bytes.len() || bytes[i] != b'"' {
                    i = bytes.len();
                }
                let text = &raw[start..(i + 1).min(raw.len())];
                if depth == 1 {
                    if expect_key {
                        key = Some(text);
                        expect_key = false;
                    } else if key.take() == Some("\"api\"") {
                        header.api = serde_json::from_str(text).ok();
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                header.depth = header.depth.max(depth);
                expect_key = depth == 1 && bytes[i] == b'{';
                if depth == 2 {
                    key = None;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => {
                expect_key = true;
                key = None;
            }
            b'-' | b't' | b'f' | b'n' if depth == 1 => key = None,
            b'0'..=b'9' if depth == 1 && key.is_some() => {
                let start = i;
                while i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() {
                    i += 1;
                }
                if key.take() == Some("\"callbackId\"") {
                    header.callback_id = raw[start..=i].parse().ok();
                }
            }
            _ => {}
        }
        i += 1;
    }
    header
}

/// Any message a page sends.
#[derive(Debug, Clone, PartialEq)]
pub enum PageMessage {
    /// A call (answerable, even when refused).
    Call(Inbound),
    /// The page's document is parsed and its bridge is listening: it may run `onLoad`.
    Ready,
    /// The answer to [`Outbound::Ping`] `seq`: the web process runs JS.
    Pong {
        /// The ping's number.
        seq: u64,
    },
    /// The page finished running a lifecycle hook the shell sent.
    HookDone(Hook),
    /// From the logic context of a WXML mini program: a page's hook has run.
    PageHookDone {
        /// The page whose hook ran.
        page: WebViewId,
        /// The hook.
        hook: Hook,
    },
    /// From the logic context: `setData` of a page, for its render webview.
    SetData {
        /// The page.
        page: WebViewId,
        /// The logic context's number for this setData (its callback waits for it).
        seq: u64,
        /// The changes, path keys as given (`"list[1].x"`).
        data: Value,
    },
    /// From a render webview: it has rendered setData `seq`.
    Rendered {
        /// The setData's number.
        seq: u64,
    },
    /// From a render webview: a WXML event handler fired (`bind:tap="pick"`).
    WxmlEvent {
        /// The handler's name in the page's JS.
        handler: String,
        /// WeChat's event object (`type`, `target`, `currentTarget`, `detail`, ...).
        event: Value,
    },
    /// A custom component's message between a page's render webview (where its instances
    /// are created, given properties, and fire events) and the logic context (where their
    /// JS runs and sets their data): the shell carries it to the other side as it is.
    Component {
        /// From the logic context: the page whose render webview it is for.
        page: Option<WebViewId>,
        /// The message (`{kind: "created" | "props" | "detached" | "event" | "data" |
        /// "trigger" | "rendered", ...}`: assets/wxml/component.js, render.js).
        data: Value,
    },
    /// From the automation agent: operation `seq` ended.
    AutomationDone {
        /// The shell's number for the operation.
        seq: u64,
        /// Its value, or its error message.
        outcome: Result<Value, String>,
    },
    /// A `console.*` call in any webview (assets/console.js).
    Console {
        /// `log`, `info`, `warn`, `error` or `debug`.
        level: String,
        /// Its arguments, as JSON (an `Error` as its message and stack).
        args: Value,
        /// In a logic context: the page whose code made it.
        page: Option<WebViewId>,
    },
    /// An uncaught error, an unhandled rejection, a script that failed to parse, or a
    /// throw from a hook or callback, in any webview (assets/console.js).
    Exception(JsError),
    /// An end of an `EventChannel` emitted an event.
    ChannelEmit {
        /// The side the emitting page holds.
        side: Side,
        /// The channel as that side names it (the opener's token, or the opened page's id).
        key: String,
        /// The event's name.
        event: String,
        /// Its arguments.
        args: Value,
        /// In a logic context: the page whose code emitted it.
        page: Option<WebViewId>,
    },
    /// From a page: it carried out [`Outbound::PageTask`] `seq`.
    PageTaskDone {
        /// The shell's number for the task.
        seq: u64,
        /// Its value, or why the page could not do it.
        outcome: Result<Value, String>,
    },
    /// From the automation agent: an exposed function was called.
    AutomationBinding {
        /// The function's name.
        name: String,
        /// Its arguments.
        args: Value,
    },
}

impl Inbound {
    /// Parses one call from a page. A message longer than `limits.max_payload_bytes`,
    /// or nested deeper than `limits.max_json_depth`, is not parsed: one scan of its text
    /// reads its call id, and it is rejected. A message that is not a call is an error
    /// here.
    pub fn parse(raw: &str, limits: &Limits) -> Result<Inbound, ProtocolError> {
        match PageMessage::parse(raw, limits)? {
            PageMessage::Call(inbound) => Ok(inbound),
            other => Err(ProtocolError::UnknownType(other.kind().into())),
        }
    }
}

impl PageMessage {
    /// The message's `type` on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            PageMessage::Call(_) => "invoke",
            PageMessage::Ready => "ready",
            PageMessage::Pong { .. } => "pong",
            PageMessage::HookDone(_) | PageMessage::PageHookDone { .. } => "hookDone",
            PageMessage::SetData { .. } => "setData",
            PageMessage::Rendered { .. } => "rendered",
            PageMessage::WxmlEvent { .. } => "wxmlEvent",
            PageMessage::Component { .. } => "component",
            PageMessage::AutomationDone { .. } => "automationDone",
            PageMessage::Console { .. } => "console",
            PageMessage::Exception(_) => "exception",
            PageMessage::ChannelEmit { .. } => "channelEmit",
            PageMessage::PageTaskDone { .. } => "pageTaskDone",
            PageMessage::AutomationBinding { .. } => "automationBinding",
        }
    }

    /// Parses one message from a page (see [`Inbound::parse`] for calls and limits).
    pub fn parse(raw: &str, limits: &Limits) -> Result<PageMessage, ProtocolError> {
        let too_large = raw.len() > limits.max_payload_bytes;
        let header = if too_large { scan_header(&raw[..floor_char_boundary(raw, 4096)]) } else { scan_header(raw) };
        let refusal = if too_large {
            Some(CallError::TooLarge { size: raw.len(), limit: limits.max_payload_bytes })
        } else if header.depth > limits.max_json_depth {
            Some(CallError::TooDeep { limit: limits.max_json_depth })
        } else {
            None
        };
        if let Some(error) = refusal {
            let callback_id = header
                .callback_id
                .ok_or_else(|| ProtocolError::Malformed(format!("{error}, and no callbackId before it")))?;
            return Ok(PageMessage::Call(Inbound::Reject {
                callback_id,
                api: header.api.unwrap_or_else(|| INVOKE_NATIVE_PLUGIN.to_string()),
                error,
            }));
        }
        let msg: RawInvoke = match serde_json::from_str(raw) {
            Ok(msg) => msg,
            // Not a call serde accepts, but its call id is readable: answer it.
            Err(err) if header.callback_id.is_some() => {
                let error = if err.is_syntax() || err.is_eof() {
                    CallError::InvalidJson(err.to_string())
                } else {
                    CallError::MalformedCall(err.to_string())
                };
                return Ok(PageMessage::Call(Inbound::Reject {
                    callback_id: header.callback_id.expect("checked"),
                    api: header.api.unwrap_or_else(|| INVOKE_NATIVE_PLUGIN.to_string()),
                    error,
                }));
            }
            Err(err) => return Err(ProtocolError::Malformed(err.to_string())),
        };
        match msg.kind.as_deref() {
            Some("invoke") | None => {}
            Some("ready") => return Ok(PageMessage::Ready),
            Some("pong") => {
                let seq = msg.seq.ok_or_else(|| ProtocolError::Malformed("pong needs seq".into()))?;
                return Ok(PageMessage::Pong { seq });
            }
            Some("hookDone") => {
                let hook = msg.hook.unwrap_or(Value::Null);
                let hook: Hook = serde_json::from_value(hook.clone())
                    .map_err(|_| ProtocolError::Malformed(format!("unknown hook {hook}")))?;
                return Ok(match msg.webview_id {
                    Some(page) => PageMessage::PageHookDone { page, hook },
                    None => PageMessage::HookDone(hook),
                });
            }
            Some("setData") => {
                let (Some(page), Some(seq)) = (msg.webview_id, msg.seq) else {
                    return Err(ProtocolError::Malformed("setData needs webviewId and seq".into()));
                };
                return Ok(PageMessage::SetData { page, seq, data: msg.data.unwrap_or(Value::Null) });
            }
            Some("rendered") => {
                let seq = msg.seq.ok_or_else(|| ProtocolError::Malformed("rendered needs seq".into()))?;
                return Ok(PageMessage::Rendered { seq });
            }
            Some("wxmlEvent") => {
                let handler = msg.handler.ok_or_else(|| ProtocolError::Malformed("wxmlEvent needs handler".into()))?;
                return Ok(PageMessage::WxmlEvent { handler, event: msg.event.unwrap_or(Value::Null) });
            }
            Some("component") => {
                return Ok(PageMessage::Component { page: msg.webview_id, data: msg.data.unwrap_or(Value::Null) });
            }
            Some("automationDone") => {
                let seq = msg.seq.ok_or_else(|| ProtocolError::Malformed("automationDone needs seq".into()))?;
                let outcome = match msg.ok {
                    Some(true) => Ok(msg.value.unwrap_or(Value::Null)),
                    _ => Err(match msg.error {
                        Some(Value::String(text)) => text,
                        Some(other) => other.to_string(),
                        None => "the operation failed".to_string(),
                    }),
                };
                return Ok(PageMessage::AutomationDone { seq, outcome });
            }
            Some("console") => {
                return Ok(PageMessage::Console {
                    level: msg.level.unwrap_or_else(|| "log".into()),
                    args: msg.args.unwrap_or(Value::Array(Vec::new())),
                    page: msg.page,
                })
            }
            Some("exception") => {
                let text = |v: Option<Value>| match v {
                    Some(Value::String(text)) => text,
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                return Ok(PageMessage::Exception(JsError {
                    message: text(msg.message),
                    stack: text(msg.stack),
                    source: msg.source.filter(|s| !s.is_empty()),
                    line: msg.line.filter(|l| *l > 0),
                    column: msg.column,
                    page: msg.page,
                    failed_load: msg.failed_load.unwrap_or(false),
                }));
            }
            Some("pageTaskDone") => {
                let seq = msg.seq.ok_or_else(|| ProtocolError::Malformed("pageTaskDone needs seq".into()))?;
                let outcome = match msg.error {
                    None | Some(Value::Null) => Ok(msg.value.unwrap_or(Value::Null)),
                    Some(Value::String(text)) => Err(text),
                    Some(other) => Err(other.to_string()),
                };
                return Ok(PageMessage::PageTaskDone { seq, outcome });
            }
            Some("channelEmit") => {
                let (Some(side), Some(key), Some(event)) = (msg.side, msg.key, msg.name) else {
                    return Err(ProtocolError::Malformed("channelEmit needs side, key and name".into()));
                };
                return Ok(PageMessage::ChannelEmit {
                    side,
                    key,
                    event,
                    args: msg.args.unwrap_or(Value::Array(Vec::new())),
                    page: msg.page,
                });
            }
            Some("automationBinding") => {
                let name = msg.name.ok_or_else(|| ProtocolError::Malformed("automationBinding needs name".into()))?;
                return Ok(PageMessage::AutomationBinding { name, args: msg.args.unwrap_or(Value::Array(Vec::new())) });
            }
            Some(other) => return Err(ProtocolError::UnknownType(other.to_string())),
        }
        let Some(callback_id) = msg.callback_id else {
            return Err(ProtocolError::Malformed("missing field `callbackId`".into()));
        };
        let api = msg.api.unwrap_or_else(|| INVOKE_NATIVE_PLUGIN.to_string());
        let api_name = match msg.api_name {
            Some(Value::String(name)) if !name.is_empty() => name,
            None | Some(Value::Null) => {
                return Ok(PageMessage::Call(Inbound::Reject { callback_id, api, error: CallError::MissingApiName }))
            }
            Some(Value::String(_)) => {
                return Ok(PageMessage::Call(Inbound::Reject { callback_id, api, error: CallError::MissingApiName }))
            }
            Some(other) => {
                return Ok(PageMessage::Call(Inbound::Reject {
                    callback_id,
                    api,
                    error: CallError::ApiNameNotString(other.to_string()),
                }))
            }
        };
        let state_event = msg.state_event.unwrap_or_else(|| format!("{api_name}_{}", callback_id));
        Ok(PageMessage::Call(Inbound::Invoke(Invoke {
            callback_id,
            api,
            api_name,
            data: msg.data.unwrap_or(Value::Null),
            state_event,
            on_behalf_of: msg.page,
        })))
    }
}

/// The largest index `<= at` that is a char boundary of `text`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
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
    /// Run a lifecycle hook; the page answers [`PageMessage::HookDone`].
    Lifecycle {
        /// The hook.
        hook: Hook,
        /// Whether the App runs it too (the window was minimised or restored).
        app: bool,
        /// Whether the App runs it before the page ([`app_runs_first`](super::lifecycle::app_runs_first)).
        #[serde(rename = "appFirst")]
        app_first: bool,
    },
    /// An event from the other end of an `EventChannel`.
    #[serde(rename = "channelEvent")]
    ChannelEvent {
        /// The side of the channel that receives it.
        side: Side,
        /// The opener's token for the channel.
        token: String,
        /// The opened page (the channel's name on its side).
        opened: WebViewId,
        /// The event's name.
        name: String,
        /// Its arguments.
        args: Value,
    },
    /// To a page (a WXML page's render webview): its code failed to load; show why.
    #[serde(rename = "pageError")]
    PageError {
        /// One line: the message and where.
        message: String,
    },
    /// The page stack changed (what `getCurrentPages()` returns).
    Pages {
        /// Home first, current last.
        pages: Vec<PageRef>,
    },
    /// To the logic context of a WXML mini program: run a page's hook (`onLoad` creates
    /// the page instance); it answers [`PageMessage::PageHookDone`].
    #[serde(rename = "lifecycle")]
    PageLifecycle {
        /// The page.
        #[serde(rename = "webviewId")]
        page: WebViewId,
        /// The hook.
        hook: Hook,
        /// Whether the App runs it too.
        app: bool,
        /// Whether the App runs it before the page.
        #[serde(rename = "appFirst")]
        app_first: bool,
        /// The page's route.
        route: String,
        /// Its query (`onLoad(query)`).
        query: Map<String, Value>,
        /// Whether this is the first page of the run (App.onLaunch runs before it).
        launch: bool,
    },
    /// To a render webview: `setData` from its page's logic.
    #[serde(rename = "setData")]
    SetData {
        /// The logic context's number for it.
        seq: u64,
        /// The changes, path keys as given.
        data: Value,
    },
    /// To a preloaded render webview: it now shows this page (its route's styles and
    /// template; its data follows as `setData`).
    #[serde(rename = "attach")]
    Attach {
        /// The page's route.
        route: String,
        /// Its query.
        query: Map<String, Value>,
    },
    /// To the automation agent of a webview: carry out operation `op`
    /// (assets/automation/agent.js); it answers [`PageMessage::AutomationDone`].
    #[serde(rename = "automation")]
    Automation {
        /// The shell's number for it.
        seq: u64,
        /// The agent's operation.
        op: String,
        /// Its argument.
        args: Value,
    },
    /// The shell's watchdog asks whether the web process is alive: the page answers
    /// [`PageMessage::Pong`] with the same number as soon as its JS runs.
    Ping {
        /// The ping's number.
        seq: u64,
    },
    /// To a page, where it is drawn (a WXML page's render webview): do `task`, then
    /// answer [`PageMessage::PageTaskDone`].
    #[serde(rename = "pageTask")]
    PageTask {
        /// The shell's number for it.
        seq: u64,
        /// What to do.
        #[serde(flatten)]
        task: PageTask,
    },
    /// To the logic context: a page's render webview rendered setData `seq`.
    #[serde(rename = "rendered")]
    Rendered {
        /// The page.
        #[serde(rename = "webviewId")]
        page: WebViewId,
        /// The setData's number.
        seq: u64,
    },
    /// A custom component's message ([`PageMessage::Component`]), to the other layer:
    /// `webviewId` is the page it concerns.
    #[serde(rename = "component")]
    Component {
        /// The page.
        #[serde(rename = "webviewId")]
        page: WebViewId,
        /// The message.
        data: Value,
    },
    /// To the logic context: an event handler of a page fired.
    #[serde(rename = "wxmlEvent")]
    WxmlEvent {
        /// The page.
        #[serde(rename = "webviewId")]
        page: WebViewId,
        /// The handler's name.
        handler: String,
        /// WeChat's event object.
        event: Value,
    },
}

/// What a page does where it is drawn, for a `wx` call made by page code (which, on a
/// WXML page, runs in the logic context).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op")]
pub enum PageTask {
    /// `wx.pageScrollTo`.
    #[serde(rename = "scrollTo")]
    ScrollTo(crate::core::page_scroll::PageScroll),
    /// `SelectorQuery.exec()`: each query's answer, in order.
    #[serde(rename = "selectorQuery")]
    SelectorQuery {
        /// The queries.
        queries: Vec<crate::core::selector_query::NodeQuery>,
    },
}

impl Outbound {
    /// Encodes this message as JSON text.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("an outbound message always serialises")
    }

    /// Encodes this message for delivery to one page, remembering which call it answers.
    pub fn encoded(&self) -> Encoded {
        let reply_to = match self {
            Outbound::Reply { callback_id, .. } => Some(*callback_id),
            _ => None,
        };
        Encoded { text: self.encode(), reply_to }
    }
}

/// An encoded [`Outbound`] message on its way to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The JSON text placed into the delivery script.
    pub text: String,
    /// The call it answers, when it is a reply.
    pub reply_to: Option<u64>,
}

impl AsRef<str> for Encoded {
    fn as_ref(&self) -> &str {
        &self.text
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
    res.insert("errMsg".to_string(), Value::String(format!("{api}:fail {error}")));
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
        let message = message.as_ref();
        if message.contains("\"__proto__\"") {
            // In a JS object literal `"__proto__": x` sets the prototype instead of a key;
            // JSON.parse makes it the own key it is in the data.
            script.push_str("JSON.parse(");
            script.push_str(&serde_json::to_string(message).expect("a string serialises"));
            script.push(')');
        } else {
            script.push_str(message);
        }
    }
    script.push_str("])");
    script
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use serde_json::json;

    fn limits() -> Limits {
        Limits { max_payload_bytes: 1024, max_json_depth: 8, ..Limits::default() }
    }

    fn parse(raw: &str) -> Result<Inbound, ProtocolError> {
        Inbound::parse(raw, &limits())
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
                on_behalf_of: None,
            })
        );
        let Inbound::Invoke(call) = parse(r#"{"callbackId":1,"api_name":"x","page":4}"#).unwrap() else { panic!() };
        assert_eq!(call.on_behalf_of, Some(4));
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
        for raw in [r#"{"callbackId":1}"#, r#"{"callbackId":1,"api_name":null}"#, r#"{"callbackId":1,"api_name":""}"#] {
            assert_eq!(
                parse(raw).unwrap(),
                Inbound::Reject { callback_id: 1, api: "invokeNativePlugin".into(), error: CallError::MissingApiName },
                "{raw}"
            );
        }
    }

    #[test]
    fn non_string_api_name_is_rejected_quoting_it() {
        let Inbound::Reject { error, .. } = parse(r#"{"callbackId":1,"api_name":42}"#).unwrap() else { panic!() };
        assert_eq!(error.to_string(), "api_name must be a string, got 42");
    }

    #[test]
    fn oversized_message_is_rejected_by_its_header_alone() {
        let raw = format!(r#"{{"type":"invoke","callbackId":9,"api_name":"up","data":"{}"}}"#, "x".repeat(2000));
        let Inbound::Reject { callback_id, error, .. } = parse(&raw).unwrap() else { panic!() };
        assert_eq!(callback_id, 9);
        assert_eq!(
            error.to_string(),
            format!("payload too large: {} bytes exceeds the limit of 1024 bytes", raw.len())
        );
    }

    #[test]
    fn over_deep_messages_are_refused_by_their_header_alone() {
        let deep = format!(
            r#"{{"type":"invoke","callbackId":12,"api":"setStorage","api_name":"x","data":{}1{}}}"#,
            "[".repeat(9),
            "]".repeat(9)
        );
        assert_eq!(
            parse(&deep).unwrap(),
            Inbound::Reject { callback_id: 12, api: "setStorage".into(), error: CallError::TooDeep { limit: 8 } }
        );
        // Deeper than serde_json itself would go: still answered.
        let deeper =
            format!(r#"{{"callbackId":13,"api_name":"x","data":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        let roomy = Limits { max_json_depth: 8, ..Limits::default() };
        assert!(matches!(
            Inbound::parse(&deeper, &roomy).unwrap(),
            Inbound::Reject { callback_id: 13, error: CallError::TooDeep { .. }, .. }
        ));
        // Just at the limit is fine.
        let ok = format!(r#"{{"callbackId":14,"api_name":"x","data":{}1{}}}"#, "[".repeat(7), "]".repeat(7));
        assert!(matches!(parse(&ok).unwrap(), Inbound::Invoke(_)));
        // Too deep and no call id before the depth: cannot be answered.
        let anonymous = format!(r#"{{"data":{}1{}}}"#, "[".repeat(20), "]".repeat(20));
        assert!(matches!(parse(&anonymous), Err(ProtocolError::Malformed(_))));
    }

    #[test]
    fn the_header_scan_reads_only_top_level_keys() {
        let header =
            scan_header(r#"{"data":{"callbackId":1,"api":"fake"},"api":"re\"al","callbackId":77,"s":"{[\"]}"}"#);
        assert_eq!(header, Header { depth: 2, callback_id: Some(77), api: Some("re\"al".into()) });
        assert_eq!(scan_header("").depth, 0);
        assert_eq!(scan_header(r#"{"callbackId":-1}"#).callback_id, None);
        assert_eq!(scan_header("\"unterminated").depth, 0);
    }

    #[test]
    fn unanswerable_messages_are_protocol_errors() {
        assert!(matches!(parse("not json"), Err(ProtocolError::Malformed(_))));
        assert!(matches!(parse("[1,2]"), Err(ProtocolError::Malformed(_))));
        assert!(matches!(parse(r#"{"api_name":"x"}"#), Err(ProtocolError::Malformed(_))));
        assert!(matches!(
            PageMessage::parse(r#"{"type":"hookDone","hook":"onBoom"}"#, &limits()),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(parse(r#"{"callbackId":"7","api_name":"x"}"#), Err(ProtocolError::Malformed(_))));
        assert_eq!(parse(r#"{"type":"hello","callbackId":1}"#), Err(ProtocolError::UnknownType("hello".into())));
    }

    #[test]
    fn parses_every_kind_of_page_message() {
        assert_eq!(PageMessage::parse(r#"{"type":"ready"}"#, &limits()), Ok(PageMessage::Ready));
        assert_eq!(PageMessage::parse(r#"{"type":"pong","seq":7}"#, &limits()), Ok(PageMessage::Pong { seq: 7 }));
        assert_eq!(Outbound::Ping { seq: 7 }.encoded().text, r#"{"type":"ping","seq":7}"#);
        assert_eq!(
            PageMessage::parse(r#"{"type":"hookDone","hook":"onUnload"}"#, &limits()),
            Ok(PageMessage::HookDone(Hook::OnUnload))
        );
        assert!(matches!(
            PageMessage::parse(r#"{"type":"invoke","callbackId":1,"api_name":"x"}"#, &limits()),
            Ok(PageMessage::Call(Inbound::Invoke(_)))
        ));
        // A lifecycle message is not a call.
        assert_eq!(parse(r#"{"type":"hookDone","hook":"onShow"}"#), Err(ProtocolError::UnknownType("hookDone".into())));
    }

    #[test]
    fn parses_and_encodes_the_two_layer_messages() {
        let parse = |raw: &str| PageMessage::parse(raw, &limits());
        assert_eq!(
            parse(r#"{"type":"hookDone","hook":"onLoad","webviewId":3}"#),
            Ok(PageMessage::PageHookDone { page: 3, hook: Hook::OnLoad })
        );
        assert_eq!(
            parse(r#"{"type":"setData","webviewId":3,"seq":9,"data":{"a.b":1}}"#),
            Ok(PageMessage::SetData { page: 3, seq: 9, data: serde_json::json!({"a.b": 1}) })
        );
        assert_eq!(parse(r#"{"type":"rendered","seq":9}"#), Ok(PageMessage::Rendered { seq: 9 }));
        assert_eq!(
            parse(r#"{"type":"wxmlEvent","handler":"pick","event":{"type":"tap"}}"#),
            Ok(PageMessage::WxmlEvent { handler: "pick".into(), event: serde_json::json!({"type": "tap"}) })
        );
        assert!(matches!(parse(r#"{"type":"setData","seq":1}"#), Err(ProtocolError::Malformed(_))));
        let hook = Outbound::PageLifecycle {
            page: 3,
            hook: Hook::OnLoad,
            app: false,
            app_first: true,
            route: "pages/a/a".into(),
            query: Map::new(),
            launch: true,
        };
        assert_eq!(
            hook.encode(),
            r#"{"type":"lifecycle","webviewId":3,"hook":"onLoad","app":false,"appFirst":true,"route":"pages/a/a","query":{},"launch":true}"#
        );
        assert_eq!(Outbound::Rendered { page: 3, seq: 9 }.encode(), r#"{"type":"rendered","webviewId":3,"seq":9}"#);
        assert_eq!(
            parse(r#"{"type":"component","data":{"kind":"created","id":1}}"#),
            Ok(PageMessage::Component { page: None, data: serde_json::json!({"kind": "created", "id": 1}) })
        );
        assert_eq!(
            parse(r#"{"type":"component","webviewId":4,"data":{"kind":"data","id":1}}"#),
            Ok(PageMessage::Component { page: Some(4), data: serde_json::json!({"kind": "data", "id": 1}) })
        );
        assert_eq!(
            Outbound::Component { page: 4, data: serde_json::json!({"kind": "trigger"}) }.encode(),
            r#"{"type":"component","webviewId":4,"data":{"kind":"trigger"}}"#
        );
        assert_eq!(
            Outbound::Attach { route: "pages/a/a".into(), query: Map::new() }.encode(),
            r#"{"type":"attach","route":"pages/a/a","query":{}}"#
        );
    }

    #[test]
    fn encodes_the_shells_own_messages() {
        let hook = Outbound::Lifecycle { hook: Hook::OnHide, app: true, app_first: false };
        assert_eq!(hook.encode(), r#"{"type":"lifecycle","hook":"onHide","app":true,"appFirst":false}"#);
        let event = Outbound::ChannelEvent {
            side: crate::core::event_channel::Side::Opened,
            token: "c1".into(),
            opened: 4,
            name: "hello".into(),
            args: serde_json::json!([1]),
        };
        assert_eq!(
            event.encode(),
            r#"{"type":"channelEvent","side":"opened","token":"c1","opened":4,"name":"hello","args":[1]}"#
        );
        let page = PageRef { web_view_id: 2, route: "pages/a/a".into(), options: Map::new() };
        assert_eq!(
            Outbound::Pages { pages: vec![page] }.encode(),
            r#"{"type":"pages","pages":[{"webViewId":2,"route":"pages/a/a","options":{}}]}"#
        );
        assert_eq!(Outbound::Event { event: "e".into(), data: Value::Null }.encoded().reply_to, None);
        let reply = Outbound::Reply { callback_id: 42, res: Map::new() };
        assert_eq!(
            reply.encoded(),
            Encoded { text: r#"{"type":"reply","callbackId":42,"res":{}}"#.into(), reply_to: Some(42) }
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
    fn a_page_task_goes_out_and_comes_back_as_literal_wire_text() {
        let scroll =
            crate::core::page_scroll::PageScroll::from_options(&json!({"selector": "#far", "offsetTop": -8})).unwrap();
        assert_eq!(
            Outbound::PageTask { seq: 3, task: PageTask::ScrollTo(scroll) }.encode(),
            r##"{"type":"pageTask","seq":3,"op":"scrollTo","scrollTop":null,"selector":"#far","offsetTop":-8.0,"duration":300}"##
        );
        let limits = Limits::default();
        assert_eq!(
            PageMessage::parse(r#"{"type":"pageTaskDone","seq":3,"value":[{"top":1}]}"#, &limits).unwrap(),
            PageMessage::PageTaskDone { seq: 3, outcome: Ok(json!([{"top": 1}])) }
        );
        assert_eq!(
            PageMessage::parse(r##"{"type":"pageTaskDone","seq":4,"error":"no element matches \"#x\""}"##, &limits)
                .unwrap(),
            PageMessage::PageTaskDone { seq: 4, outcome: Err("no element matches \"#x\"".into()) }
        );
    }

    #[test]
    fn none_result_is_just_the_ok_errmsg() {
        assert_eq!(Value::Object(ok_res("invokeNativePlugin", None)), json!({"errMsg": "invokeNativePlugin:ok"}));
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
    fn a_proto_key_is_delivered_through_json_parse() {
        let msgs = [r#"{"data":{"__proto__":{"x":1}}}"#.to_string()];
        assert_eq!(
            delivery_script(&msgs),
            r#"window.__superapp&&window.__superapp.deliver([JSON.parse("{\"data\":{\"__proto__\":{\"x\":1}}}")])"#
        );
    }

    #[test]
    fn a_call_serde_cannot_read_is_answered_when_its_id_is_readable() {
        let raw = r#"{"type":"invoke","callbackId":5,"api_name":"echo","data":"\ud800"}"#;
        let Inbound::Reject { callback_id, error, .. } = parse(raw).unwrap() else { panic!() };
        assert_eq!(callback_id, 5);
        assert!(error.to_string().starts_with("data is not valid JSON: "), "{error}");
    }

    /// Found by the fuzzer: a call whose `api` is not a string went unanswered.
    #[test]
    fn a_call_with_fields_of_the_wrong_type_is_answered() {
        let Inbound::Reject { callback_id, api, error } = parse(r#"{"api":false,"callbackId":0}"#).unwrap() else {
            panic!()
        };
        assert_eq!((callback_id, api.as_str()), (0, "invokeNativePlugin"));
        assert_eq!(
            error.to_string(),
            "malformed call: invalid type: boolean `false`, expected a string at line 1 column 12"
        );
        assert!(matches!(parse(r#"{"callbackId":4,"stateEvent":[]}"#), Ok(Inbound::Reject { callback_id: 4, .. })));
    }

    #[test]
    fn delivery_script_embeds_small_json_as_is() {
        let msgs = [r#"{"a":"</script>'\""}"#.to_string(), "2".to_string()];
        assert_eq!(delivery_script(&msgs), r#"window.__superapp&&window.__superapp.deliver([{"a":"</script>'\""},2])"#);
    }
}
