//! `wx.connectSocket` and its `SocketTask`, done on the Rust side (tokio-tungstenite, with
//! rustls for `wss://`), as `wx.request` is.
//!
//! The page's `SocketTask` (assets/socket.js) makes one long call, `__socket`, that lasts
//! as long as the socket: its progress states are the socket's events (`open` with the
//! answer's headers, `message` with text or base64 bytes, `error`), and its answer is the
//! close (`{code, reason}`). `__socketSend` and `__socketClose` name the task. A socket
//! that cannot connect says `error`, then closes with 1006. The host an unreachable one
//! names fails at once, as `wx.request` does ([`Reachability`](super::reachability)).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use crate::core::api_error::ApiError;
use crate::core::call::MiniApiCall;
use crate::core::handler::ApiResult;

/// The built-ins of this module.
pub const APIS: &[&str] = &["__socket", "__socketSend", "__socketClose"];

/// How long a socket may take to connect (WeChat's default `timeout` for connectSocket).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);

/// What a page asks of its open socket.
enum Command {
    Send(Message),
    Close(u16, String),
}

/// The sockets of a shell, by the page's task name.
#[derive(Default)]
pub struct Sockets {
    open: Mutex<HashMap<String, mpsc::UnboundedSender<Command>>>,
}

fn text<'a>(data: &'a Value, key: &str) -> Option<&'a str> {
    data.get(key).and_then(Value::as_str)
}

impl Sockets {
    /// `__socket`: connects, reports the socket's events as progress, and answers its close.
    pub async fn connect(self: Arc<Self>, call: MiniApiCall, reachability: Arc<super::Reachability>) -> ApiResult {
        let data = call.data().clone();
        let url = text(&data, "url").unwrap_or_default().to_string();
        let task = text(&data, "task").unwrap_or_default().to_string();
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return Err(ApiError::new(format!("invalid url {url:?}")));
        }
        let fail = |call: &MiniApiCall, message: String| {
            call.send_state(json!({"event": "error", "errMsg": message}));
            Ok(json!({"code": 1006, "reason": message}).as_object().cloned())
        };
        let mut request = match url.as_str().into_client_request() {
            Ok(request) => request,
            Err(err) => return Err(ApiError::new(format!("invalid url {url:?}: {err}"))),
        };
        if let Some(headers) = data.get("header").and_then(Value::as_object) {
            for (name, value) in headers {
                let value = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
                if let (Ok(name), Ok(value)) = (
                    tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes()),
                    tokio_tungstenite::tungstenite::http::HeaderValue::from_str(&value),
                ) {
                    request.headers_mut().insert(name, value);
                }
            }
        }
        if let Some(protocols) = data.get("protocols").and_then(Value::as_array) {
            let list: Vec<&str> = protocols.iter().filter_map(Value::as_str).collect();
            if list.is_empty() {
                // (no header: a server need not answer with a protocol)
            } else if let Ok(value) = tokio_tungstenite::tungstenite::http::HeaderValue::from_str(&list.join(", ")) {
                request.headers_mut().insert("sec-websocket-protocol", value);
            }
        }
        if let Err(why) = reachability.check(&url) {
            return fail(&call, why);
        }
        let timeout = data.get("timeout").and_then(Value::as_u64).map(Duration::from_millis).unwrap_or(CONNECT_TIMEOUT);
        let connected = tokio::time::timeout(timeout, tokio_tungstenite::connect_async(request)).await;
        let (socket, response) = match connected {
            Err(_) => return fail(&call, "timeout".into()),
            Ok(Err(err)) => {
                reachability.failed(&url, &err.to_string());
                return fail(&call, err.to_string());
            }
            Ok(Ok(pair)) => pair,
        };
        let header: Map<String, Value> = response
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), json!(String::from_utf8_lossy(value.as_bytes()))))
            .collect();
        call.send_state(json!({"event": "open", "header": header}));
        let (commands, mut inbox) = mpsc::unbounded_channel();
        self.open.lock().expect("sockets lock").insert(task.clone(), commands);
        let (mut sink, mut stream) = socket.split();
        let mut closed = (1006u16, String::from("abnormal closure"));
        loop {
            tokio::select! {
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        call.send_state(json!({"event": "message", "data": text.as_str()}));
                    }
                    Some(Ok(Message::Binary(bytes))) => {
                        let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
                        call.send_state(json!({"event": "message", "data": data, "binary": true}));
                    }
                    Some(Ok(Message::Close(frame))) => {
                        closed = frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(err)) => {
                        call.send_state(json!({"event": "error", "errMsg": err.to_string()}));
                        break;
                    }
                    None => break,
                },
                command = inbox.recv() => match command {
                    Some(Command::Send(message)) => {
                        if let Err(err) = sink.send(message).await {
                            call.send_state(json!({"event": "error", "errMsg": err.to_string()}));
                        }
                    }
                    Some(Command::Close(code, reason)) => {
                        let frame = CloseFrame { code: CloseCode::from(code), reason: reason.clone().into() };
                        let _ = sink.send(Message::Close(Some(frame))).await;
                        closed = (code, reason);
                        // (the server's close frame, or the end of the stream, follows)
                        let _ = tokio::time::timeout(Duration::from_secs(2), async {
                            while let Some(Ok(message)) = stream.next().await {
                                if matches!(message, Message::Close(_)) {
                                    break;
                                }
                            }
                        })
                        .await;
                        break;
                    }
                    None => break,
                },
            }
        }
        self.open.lock().expect("sockets lock").remove(&task);
        Ok(json!({"code": closed.0, "reason": closed.1}).as_object().cloned())
    }

    fn command(&self, call: &MiniApiCall, command: Command) -> ApiResult {
        let task = text(call.data(), "task").unwrap_or_default();
        let open = self.open.lock().expect("sockets lock");
        match open.get(task) {
            Some(sender) if sender.send(command).is_ok() => Ok(None),
            _ => Err(ApiError::new("the socket is not open")),
        }
    }

    /// `__socketSend`: `{task, data, binary}` (binary data as base64).
    pub fn send(&self, call: MiniApiCall) -> ApiResult {
        let data = call.data();
        let message = match (text(data, "data"), data.get("binary").and_then(Value::as_bool) == Some(true)) {
            (Some(encoded), true) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|err| ApiError::new(format!("data is not base64: {err}")))?;
                Message::Binary(bytes.into())
            }
            (Some(text), false) => Message::Text(text.to_string().into()),
            _ => return Err(ApiError::new("parameter error: data must be a string or an ArrayBuffer")),
        };
        self.command(&call, Command::Send(message))
    }

    /// `__socketClose`: `{task, code, reason}` (code 1000 unless given).
    pub fn close(&self, call: MiniApiCall) -> ApiResult {
        let data = call.data();
        let code = data.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(1000);
        let reason = text(data, "reason").unwrap_or_default().to_string();
        self.command(&call, Command::Close(code, reason))
    }
}
