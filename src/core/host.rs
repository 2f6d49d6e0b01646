//! The host's handle on a running shell: push events to pages, end the run.

use std::sync::{Arc, RwLock};

use serde_json::Value;

use super::protocol::Outbound;

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

/// Where the core sends what must reach pages. The shell implements it with tao's event
/// loop proxy; tests implement it with a channel.
pub trait Outbox: Send + Sync + 'static {
    /// Delivers one encoded message to one webview, after every message delivered before.
    fn deliver(&self, web_view: WebViewId, message: String);
    /// Delivers one encoded message to every webview the target names.
    fn broadcast(&self, target: Target, message: String);
    /// Ends the run with this exit status.
    fn exit(&self, code: i32);
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
        let message = Outbound::Event {
            event: event.to_string(),
            data,
        }
        .encode();
        outbox.broadcast(target, message);
        Ok(())
    }

    /// Ends the run with this exit status (what `wx.exitMiniProgram()` does with 0).
    pub fn exit(&self, code: i32) -> Result<(), HostError> {
        self.outbox().ok_or(HostError::NotRunning)?.exit(code);
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Mutex;

    /// An outbox that records everything, for unit tests.
    #[derive(Default)]
    pub(crate) struct Recorder {
        pub(crate) sent: Mutex<Vec<String>>,
    }

    impl Outbox for Recorder {
        fn deliver(&self, web_view: WebViewId, message: String) {
            self.sent.lock().unwrap().push(format!("{web_view} {message}"));
        }
        fn broadcast(&self, target: Target, message: String) {
            self.sent.lock().unwrap().push(format!("{target:?} {message}"));
        }
        fn exit(&self, code: i32) {
            self.sent.lock().unwrap().push(format!("exit {code}"));
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
            *recorder.sent.lock().unwrap(),
            vec![
                r#"App("wx1") {"type":"event","event":"tick","data":{"n":1}}"#.to_string(),
                "exit 0".to_string()
            ]
        );
    }
}
