//! The host's handle on a running shell: push events to pages, end the run.

use std::sync::{Arc, RwLock};

use serde_json::Value;

use super::protocol::{Encoded, Outbound};
use super::ui_api::UiApi;

/// The numeric id of one page webview, decided by the shell.
pub type WebViewId = u64;

/// Which pages an event goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every page of every mini program.
    All,
    /// Every page of the mini program with this app id.
    App(String),
    /// One webview.
    WebView(WebViewId),
}

/// Where the answer to a [`ShellRequest`] goes: its result, or why it failed.
pub type ShellReply = tokio::sync::oneshot::Sender<Result<Option<serde_json::Map<String, Value>>, String>>;

/// A built-in call that only the UI thread can answer (routing, chrome, system info),
/// or a request from the host to drive or inspect the chrome.
#[derive(Debug)]
pub struct ShellRequest {
    /// The webview that called (0 for requests from the host).
    pub web_view_id: WebViewId,
    /// What is asked.
    pub api: UiApi,
    /// The call's data.
    pub data: Value,
    /// Where the answer goes.
    pub reply: ShellReply,
}

/// Where the core sends what must reach pages. The shell implements it with tao's event
/// loop proxy; tests implement it with a channel.
pub trait Outbox: Send + Sync + 'static {
    /// Delivers one encoded message to one webview, after every message delivered before.
    fn deliver(&self, web_view: WebViewId, message: Encoded);
    /// Delivers one encoded message to every webview the target names.
    fn broadcast(&self, target: Target, message: String);
    /// Ends the run with this exit status.
    fn exit(&self, code: i32);
    /// Hands a request to the UI thread.
    fn request(&self, request: ShellRequest);
}

/// Errors from [`Host`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// The shell has not started yet, or has stopped.
    #[error("the shell is not running")]
    NotRunning,
}

/// A cheap, cloneable handle the host uses to reach pages while the shell runs.
///
/// Get one from [`Shell::host`](crate::Shell::host) before running, or from
/// [`MiniApiCall::host`](crate::MiniApiCall::host) inside a handler.
#[derive(Clone, Default)]
pub struct Host {
    outbox: Arc<RwLock<Option<Arc<dyn Outbox>>>>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host").field("running", &self.is_running()).finish()
    }
}

impl Host {
    /// A handle not yet attached to a running shell.
    pub fn new() -> Host {
        Host::default()
    }

    /// Attaches the handle to a running shell's outbox (done by the shell).
    pub fn attach(&self, outbox: Arc<dyn Outbox>) {
        *self.outbox.write().expect("host lock") = Some(outbox);
    }

    /// Detaches the handle when the shell stops (done by the shell).
    pub fn detach(&self) {
        *self.outbox.write().expect("host lock") = None;
    }

    /// Whether a shell is running behind this handle.
    pub fn is_running(&self) -> bool {
        self.outbox.read().expect("host lock").is_some()
    }

    pub(crate) fn outbox(&self) -> Option<Arc<dyn Outbox>> {
        self.outbox.read().expect("host lock").clone()
    }

    /// Pushes an event to the target's pages: `wx.onNativePluginEvent(event, cb)` listeners
    /// get `data`, `wx.onGeneralNativeEvent(cb)` listeners get `{event, data}`.
    pub fn emit(&self, target: Target, event: &str, data: Value) -> Result<(), HostError> {
        let outbox = self.outbox().ok_or(HostError::NotRunning)?;
        let message = Outbound::Event { event: event.to_string(), data }.encode();
        outbox.broadcast(target, message);
        Ok(())
    }

    /// Ends the run with this exit status (what `wx.exitMiniProgram()` does with 0).
    pub fn exit(&self, code: i32) -> Result<(), HostError> {
        self.outbox().ok_or(HostError::NotRunning)?.exit(code);
        Ok(())
    }

    /// Asks the UI thread to run a shell request and waits for its answer.
    pub async fn request(
        &self,
        web_view_id: WebViewId,
        api: UiApi,
        data: Value,
    ) -> Result<Option<serde_json::Map<String, Value>>, String> {
        let outbox = self.outbox().ok_or_else(|| HostError::NotRunning.to_string())?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        outbox.request(ShellRequest { web_view_id, api, data, reply });
        answer.await.map_err(|_| "the shell stopped before answering".to_string())?
    }

    /// The chrome as a person sees it now: navigation bar, tab bar, toast, modal, the
    /// page stack and window size (for tests and QA scripts).
    pub async fn chrome_state(&self) -> Result<Value, String> {
        Ok(Value::Object(self.request(0, UiApi::ChromeState, Value::Null).await?.unwrap_or_default()))
    }

    /// Drives the chrome as a person would, by emitting the real widget signal:
    /// `"back"`, `"tab:<index>"`, `"modal:confirm"`, `"modal:cancel"`, `"minimize"`,
    /// `"restore"`, `"close"` (the window's close button), `"capsule:menu"`,
    /// `"capsule:restart"` (its menu's item), `"capsule:close"`, `"actionSheet:<index>"`,
    /// `"actionSheet:cancel"`.
    pub async fn press(&self, control: &str) -> Result<(), String> {
        self.request(0, UiApi::Press, Value::String(control.to_string())).await.map(|_| ())
    }

    /// Saves a PNG of the window once it has painted every change made so far.
    pub async fn screenshot(&self, path: &std::path::Path) -> Result<(), String> {
        let path = Value::String(path.display().to_string());
        self.request(0, UiApi::Screenshot, path).await.map(|_| ())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Mutex;

    /// An outbox that records everything, for unit tests.
    #[derive(Default)]
    pub(crate) struct Recorder {
        sent: Mutex<Vec<String>>,
    }

    impl Recorder {
        /// A new recorder, and the same recorder as the outbox a bridge or host sends to.
        pub(crate) fn with_outbox() -> (Arc<Recorder>, Arc<dyn Outbox>) {
            let recorder = Arc::new(Recorder::default());
            (recorder.clone(), recorder)
        }

        /// What was sent so far, in order.
        pub(crate) fn sent(&self) -> Vec<String> {
            self.sent.lock().unwrap().clone()
        }
    }

    impl Outbox for Recorder {
        fn deliver(&self, web_view: WebViewId, message: Encoded) {
            self.sent.lock().unwrap().push(format!("{web_view} {}", message.text));
        }
        fn broadcast(&self, target: Target, message: String) {
            self.sent.lock().unwrap().push(format!("{target:?} {message}"));
        }
        fn exit(&self, code: i32) {
            self.sent.lock().unwrap().push(format!("exit {code}"));
        }
        fn request(&self, request: ShellRequest) {
            self.sent.lock().unwrap().push(format!("request {} {}", request.api, request.data));
        }
    }

    #[test]
    fn emit_needs_a_running_shell() {
        let host = Host::new();
        assert_eq!(host.emit(Target::All, "x", Value::Null), Err(HostError::NotRunning));
        let recorder = Arc::new(Recorder::default());
        host.attach(recorder.clone());
        host.emit(Target::App("wx1".into()), "tick", serde_json::json!({"n": 1})).unwrap();
        host.exit(0).unwrap();
        host.detach();
        assert_eq!(host.exit(0), Err(HostError::NotRunning));
        assert_eq!(
            recorder.sent(),
            vec![r#"App("wx1") {"type":"event","event":"tick","data":{"n":1}}"#.to_string(), "exit 0".to_string()]
        );
    }
}
