//! One call as a handler sees it: TCSAS's `MiniApiCall`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::app_info::AppInfo;
use super::host::{Host, Outbox, WebViewId};
use super::protocol::{Encoded, Outbound};

/// The TCSAS 2.2.17 parameter envelope, serialised exactly as
/// `{"stateEvent": .., "api_name": .., "data": .., "webviewId": ..}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiParams {
    /// This call's state event name (opaque; progress states are published under it).
    #[serde(rename = "stateEvent")]
    pub state_event: String,
    /// The API name the page called.
    pub api_name: String,
    /// What the page passed as `data`, any JSON (`null` when absent).
    pub data: Value,
    /// The webview the call came from (same as [`MiniApiCall::web_view_id`]).
    #[serde(rename = "webviewId")]
    pub webview_id: WebViewId,
}

/// A call to a registered API, handed to its handler.
///
/// `app_info` and `web_view_id` are decided by the shell from the webview the message came
/// from, never from anything the page sends.
pub struct MiniApiCall {
    /// The mini program that called.
    pub app_info: AppInfo,
    /// The API name called.
    pub api_name: String,
    /// The webview that called.
    pub web_view_id: WebViewId,
    /// The TCSAS parameter envelope.
    pub params: ApiParams,
    progress: Option<Arc<Progress>>,
    host: Host,
}

impl std::fmt::Debug for MiniApiCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniApiCall")
            .field("app_info", &self.app_info)
            .field("api_name", &self.api_name)
            .field("web_view_id", &self.web_view_id)
            .field("params", &self.params)
            .finish()
    }
}

impl MiniApiCall {
    /// Builds a call. `progress` is `None` for calls that cannot report progress (a
    /// `sync: true` call, or a test).
    pub(crate) fn new(
        app_info: AppInfo,
        web_view_id: WebViewId,
        params: ApiParams,
        progress: Option<Arc<Progress>>,
        host: Host,
    ) -> MiniApiCall {
        MiniApiCall { app_info, api_name: params.api_name.clone(), web_view_id, params, progress, host }
    }

    /// A call made by hand, for testing a handler without a shell: no page receives its
    /// progress states and its host handle is not running.
    pub fn for_test(api_name: &str, data: Value) -> MiniApiCall {
        let params =
            ApiParams { state_event: format!("{api_name}_1"), api_name: api_name.to_string(), data, webview_id: 1 };
        MiniApiCall::new(AppInfo::fallback("test"), 1, params, None, Host::new())
    }

    /// What the page passed as `data`.
    pub fn data(&self) -> &Value {
        &self.params.data
    }

    /// Sends an intermediate state (TCSAS `sendState`) to the page's `progress` callback.
    /// States arrive live and in order, before the final answer. Returns `false` when the
    /// state cannot reach the page: the call is `sync: true`, or already answered.
    pub fn send_state(&self, data: Value) -> bool {
        match &self.progress {
            Some(progress) => progress.send(&self.params.state_event, data),
            None => false,
        }
    }

    /// The host handle: push events to pages, or end the run.
    pub fn host(&self) -> &Host {
        &self.host
    }
}

/// The path from a running call back to its page: progress states, then the final reply.
/// Exactly one reply goes out: the handler's, or the one [`cancel`](Progress::cancel)
/// sends first (the shell shutting down); a page that closed gets none.
pub(crate) struct Progress {
    outbox: Arc<dyn Outbox>,
    web_view: WebViewId,
    max_states: u32,
    state: Mutex<Phase>,
    states: AtomicU32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    /// The final reply went out.
    Answered,
    /// The page closed: nothing more goes to it.
    PageClosed,
}

/// What became of a call's final reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finish {
    /// It reached the outbox; this many progress states went before it.
    Delivered(u32),
    /// Another reply went first (the call was cancelled): this one was dropped.
    AlreadyAnswered,
    /// The page had closed: dropped.
    PageClosed,
}

impl Progress {
    pub(crate) fn new(outbox: Arc<dyn Outbox>, web_view: WebViewId, max_states: u32) -> Arc<Progress> {
        Arc::new(Progress {
            outbox,
            web_view,
            max_states,
            state: Mutex::new(Phase::Running),
            states: AtomicU32::new(0),
        })
    }

    fn send(&self, state_event: &str, data: Value) -> bool {
        let message = Outbound::State { state_event: state_event.to_string(), data }.encoded();
        let phase = self.state.lock().expect("progress lock");
        if *phase != Phase::Running {
            return false;
        }
        let sent = self.states.load(Ordering::Relaxed);
        if sent >= self.max_states {
            if sent == self.max_states {
                self.states.store(sent + 1, Ordering::Relaxed);
                tracing::warn!(
                    limit = self.max_states,
                    state_event,
                    "a call reached its limit of progress states; later ones are dropped"
                );
            }
            return false;
        }
        self.states.store(sent + 1, Ordering::Relaxed);
        self.outbox.deliver(self.web_view, message);
        true
    }

    /// Delivers the final reply unless another went first or the page closed; no state
    /// can follow it.
    pub(crate) fn finish(&self, reply: Encoded) -> Finish {
        self.finish_then(reply, |_| {})
    }

    /// As [`finish`](Self::finish), running `before` (with the number of states sent) just
    /// before the reply goes out, only when it does: a record of the call (the `--trace`
    /// line) then exists before the page can act on the answer.
    pub(crate) fn finish_then(&self, reply: Encoded, before: impl FnOnce(u32)) -> Finish {
        let mut phase = self.state.lock().expect("progress lock");
        match *phase {
            Phase::Running => {
                *phase = Phase::Answered;
                let states = self.states.load(Ordering::Relaxed).min(self.max_states);
                before(states);
                self.outbox.deliver(self.web_view, reply);
                Finish::Delivered(states)
            }
            Phase::Answered => Finish::AlreadyAnswered,
            Phase::PageClosed => Finish::PageClosed,
        }
    }

    /// The page closed: nothing more is delivered to it.
    pub(crate) fn page_closed(&self) {
        let mut phase = self.state.lock().expect("progress lock");
        if *phase == Phase::Running {
            *phase = Phase::PageClosed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::host::tests::Recorder;
    use serde_json::json;

    #[test]
    fn params_serialise_as_the_tcsas_envelope() {
        let call = MiniApiCall::for_test("myApiName", json!({"name": "kka", "age": 22}));
        assert_eq!(
            serde_json::to_string(&call.params).unwrap(),
            r#"{"stateEvent":"myApiName_1","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":1}"#
        );
    }

    #[test]
    fn states_stop_at_the_final_reply() {
        let recorder = Arc::new(Recorder::default());
        let progress = Progress::new(recorder.clone(), 4, 2);
        let params = ApiParams { state_event: "up_1".into(), api_name: "up".into(), data: Value::Null, webview_id: 4 };
        let call = MiniApiCall::new(AppInfo::fallback("t"), 4, params, Some(progress.clone()), Host::new());
        assert!(call.send_state(json!(1)));
        assert!(call.send_state(json!(2)));
        assert!(!call.send_state(json!(3)), "over the limit of 2 states");
        assert_eq!(progress.finish(Encoded { text: "REPLY".into(), reply_to: Some(1) }), Finish::Delivered(2));
        assert!(!call.send_state(json!(4)));
        assert_eq!(progress.finish(Encoded { text: "AGAIN".into(), reply_to: Some(1) }), Finish::AlreadyAnswered);
        assert_eq!(
            recorder.sent(),
            vec![
                r#"4 {"type":"state","stateEvent":"up_1","data":1}"#.to_string(),
                r#"4 {"type":"state","stateEvent":"up_1","data":2}"#.to_string(),
                "4 REPLY".to_string()
            ]
        );
    }

    #[test]
    fn nothing_reaches_a_closed_page() {
        let recorder = Arc::new(Recorder::default());
        let progress = Progress::new(recorder.clone(), 4, 10);
        progress.page_closed();
        assert_eq!(progress.finish(Encoded { text: "REPLY".into(), reply_to: Some(1) }), Finish::PageClosed);
        assert!(recorder.sent().is_empty());
    }

    #[test]
    fn a_test_call_reports_no_progress() {
        assert!(!MiniApiCall::for_test("x", Value::Null).send_state(json!(1)));
    }
}
