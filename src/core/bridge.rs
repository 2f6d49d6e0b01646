//! The bridge: turns a page's message into a dispatched call and its one answer.
//!
//! The shell hands every IPC message to [`Bridge::on_message`] (on the UI thread: it only
//! parses and spawns) and every synchronous request to [`Bridge::call_sync`]. Answers go
//! back through an [`Outbox`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};
use tracing::Instrument;

use super::app_info::AppInfo;
use super::call::{ApiParams, Finish, MiniApiCall, Progress};
use super::call_error::CallError;
use super::host::{Host, Outbox, WebViewId};
use super::limits::Limits;
use super::profile::{self, Stage};
use super::protocol::{fail_res, ok_res, Inbound, Invoke, Outbound, ProtocolError};
use super::registry::Registry;

/// Where a message came from, as the shell knows it (never as the page claims).
#[derive(Debug, Clone)]
pub struct Origin {
    /// The webview that sent it.
    pub web_view_id: WebViewId,
    /// The mini program loaded in that webview.
    pub app_info: Arc<AppInfo>,
    /// For the logic context of a WXML mini program only: the pages it runs the JS of. A
    /// call it makes for one of them (`"page": id`, the page whose code is running) is
    /// that page's call; any other claim is ignored.
    pub acts_for: Option<Origins>,
}

/// The shell's view of which webview belongs to which mini program.
pub type Origins = Arc<std::sync::RwLock<HashMap<WebViewId, Origin>>>;

impl Origin {
    /// The origin of a webview's messages (not a logic context).
    pub fn new(web_view_id: WebViewId, app_info: Arc<AppInfo>) -> Origin {
        Origin { web_view_id, app_info, acts_for: None }
    }

    /// Who a call really comes from: this webview, or, for a logic context, the page of
    /// its mini program that the call names.
    pub fn of_call(&self, inbound: &Inbound) -> Origin {
        let (Some(pages), Inbound::Invoke(Invoke { on_behalf_of: Some(page), .. })) = (&self.acts_for, inbound) else {
            return self.clone();
        };
        let pages = pages.read().expect("origins lock");
        match pages.get(page) {
            Some(origin) if origin.app_info.app_id == self.app_info.app_id && origin.acts_for.is_none() => {
                origin.clone()
            }
            _ => self.clone(),
        }
    }
}

/// One finished call, as observers (the `--trace` file) see it.
#[derive(Debug)]
pub struct CallRecord<'a> {
    /// When the call arrived.
    pub time: SystemTime,
    /// The calling mini program.
    pub app_id: &'a str,
    /// The calling webview.
    pub web_view_id: WebViewId,
    /// The API called (empty when the call named none).
    pub api_name: &'a str,
    /// What the page passed as `data`.
    pub data: &'a Value,
    /// The answer the page received, `errMsg` included.
    pub res: &'a Map<String, Value>,
    /// Whether the answer was a success.
    pub ok: bool,
    /// From arrival to answer.
    pub duration: Duration,
    /// How many progress states reached the page before the answer.
    pub states: u32,
}

/// Sees every finished call.
pub trait CallObserver: Send + Sync + 'static {
    /// Called once per call, after its answer was sent.
    fn finished(&self, record: &CallRecord<'_>);
}

/// Dispatches calls from pages to the registry and answers each exactly once.
pub struct Bridge {
    registry: Arc<Registry>,
    limits: Limits,
    host: Host,
    observer: Option<Arc<dyn CallObserver>>,
    in_flight: Mutex<InFlight>,
    /// The dispatched calls not finished yet (answered and recorded), refused ones
    /// included: the shell waits for them before it stops its runtime.
    unfinished: Arc<Unfinishing>,
    /// Synchronous calls being answered (their page's web process waits for them).
    sync_calls: std::sync::atomic::AtomicUsize,
}

/// A count of unfinished calls, and a signal when it comes back to zero (an atomic on
/// each call; a wake-up only at zero).
#[derive(Default)]
struct Unfinishing {
    count: std::sync::atomic::AtomicUsize,
    none_left: tokio::sync::Notify,
}

/// One dispatched call, counted in [`Bridge::settled`] until it has been answered and
/// recorded, or answered by a shutdown (a handler still running then does not hold the
/// shell up).
struct Unfinished {
    of: Arc<Unfinishing>,
    done: std::sync::atomic::AtomicBool,
}

impl Unfinished {
    fn new(of: &Arc<Unfinishing>) -> Arc<Unfinished> {
        of.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Arc::new(Unfinished { of: of.clone(), done: Default::default() })
    }

    fn finish(&self) {
        use std::sync::atomic::Ordering::SeqCst;
        if !self.done.swap(true, SeqCst) && self.of.count.fetch_sub(1, SeqCst) == 1 {
            self.of.none_left.notify_waiters();
        }
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The asynchronous calls answered neither yet, by page and call id.
#[derive(Default)]
struct InFlight {
    calls: HashMap<(WebViewId, u64), Pending>,
    per_page: HashMap<WebViewId, usize>,
    shutting_down: bool,
}

struct Pending {
    api: String,
    progress: Arc<Progress>,
    unfinished: Arc<Unfinished>,
    /// What the trace records if a shutdown answers the call (only when observed).
    trace: Option<PendingTrace>,
}

struct PendingTrace {
    origin: Origin,
    arrived: (SystemTime, Instant),
    api_name: String,
    data: Value,
}

/// Counts one synchronous call while it is answered.
struct SyncCall<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> SyncCall<'a> {
    fn start(count: &'a std::sync::atomic::AtomicUsize) -> SyncCall<'a> {
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        SyncCall(count)
    }
}

impl Drop for SyncCall<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Bridge {
    /// A bridge over a frozen registry.
    pub fn new(registry: Arc<Registry>, limits: Limits, host: Host, observer: Option<Arc<dyn CallObserver>>) -> Bridge {
        limits.check();
        Bridge {
            registry,
            limits,
            host,
            observer,
            in_flight: Mutex::default(),
            unfinished: Default::default(),
            sync_calls: Default::default(),
        }
    }

    /// Resolves once every dispatched call has finished: answered, and recorded by the
    /// observer (the `--trace`). Calls made during a shutdown are refused at once, but
    /// their answers and records still run on the runtime.
    pub async fn settled(&self) {
        loop {
            // (listening before looking, so a call finishing in between is not missed)
            let none_left = self.unfinished.none_left.notified();
            tokio::pin!(none_left);
            none_left.as_mut().enable();
            if self.unfinished.count.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                return;
            }
            none_left.await;
        }
    }

    /// Whether a synchronous call is being answered now: its page's web process (and so
    /// every page of the mini program) waits for it, and is not busy.
    pub fn sync_in_flight(&self) -> bool {
        self.sync_calls.load(std::sync::atomic::Ordering::SeqCst) > 0
    }

    /// The registry this bridge dispatches to.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The limit on one encoded call, in bytes.
    pub fn max_payload(&self) -> usize {
        self.limits.max_payload_bytes
    }

    /// The limits this bridge enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// How many asynchronous calls of this page are waiting for their answer.
    pub fn in_flight(&self, web_view: WebViewId) -> usize {
        self.in_flight.lock().expect("in-flight lock").per_page.get(&web_view).copied().unwrap_or(0)
    }

    /// A page closed: answers still running for it are dropped (and logged) instead of
    /// reaching a webview that is gone.
    pub fn page_closed(&self, web_view: WebViewId) {
        let mut in_flight = self.in_flight.lock().expect("in-flight lock");
        let mut dropped = 0;
        in_flight.calls.retain(|(page, _), pending| {
            if *page == web_view {
                pending.progress.page_closed();
                dropped += 1;
                false
            } else {
                true
            }
        });
        in_flight.per_page.remove(&web_view);
        if dropped > 0 {
            tracing::info!(
                webview = web_view,
                calls = dropped,
                "a page closed with calls in flight; their answers will be dropped"
            );
        }
    }

    /// The shell is shutting down: every call still running is answered now with a fail
    /// (`<api>:fail the shell is shutting down`), and later calls get the same at once.
    /// Returns how many were answered.
    pub fn shut_down(&self) -> usize {
        let mut in_flight = self.in_flight.lock().expect("in-flight lock");
        in_flight.shutting_down = true;
        let calls = std::mem::take(&mut in_flight.calls);
        in_flight.per_page.clear();
        drop(in_flight);
        let count = calls.len();
        for ((_, callback_id), pending) in calls {
            let res = fail_res(&pending.api, &CallError::ShuttingDown);
            // Recorded before its answer leaves, as every answer is.
            if let Some(trace) = &pending.trace {
                self.observe(&trace.origin, trace.arrived, &trace.api_name, Some(&trace.data), &res, false, 0);
            }
            pending.progress.finish(Outbound::Reply { callback_id, res }.encoded());
            pending.unfinished.finish();
        }
        count
    }

    /// Handles one asynchronous message: parses it, then answers it on `runtime` through
    /// `outbox`. A message that names no call is logged and dropped.
    pub fn on_message(
        self: &Arc<Self>,
        runtime: &tokio::runtime::Handle,
        origin: &Origin,
        raw: &str,
        outbox: &Arc<dyn Outbox>,
    ) {
        match Inbound::parse(raw, &self.limits) {
            Ok(inbound) => self.dispatch(runtime, origin, inbound, outbox),
            Err(err) => log_dropped(origin, raw, &err),
        }
    }

    /// Answers one parsed call on `runtime` through `outbox`.
    pub fn dispatch(
        self: &Arc<Self>,
        runtime: &tokio::runtime::Handle,
        origin: &Origin,
        inbound: Inbound,
        outbox: &Arc<dyn Outbox>,
    ) {
        let arrived = (SystemTime::now(), Instant::now());
        // The answer goes back to the webview that sent the call (its callback ids are its
        // own); the handler sees who made it (a logic context's page, see Origin::of_call).
        let sender = origin.web_view_id;
        let called_by = origin.of_call(&inbound);
        let (callback_id, api) = match &inbound {
            Inbound::Invoke(call) => (call.callback_id, call.api.clone()),
            Inbound::Reject { callback_id, api, .. } => (*callback_id, api.clone()),
        };
        profile::mark(Stage::Parsed, callback_id);
        let progress = Progress::new(outbox.clone(), sender, self.limits.max_states_per_call);
        let unfinished = Unfinished::new(&self.unfinished);
        let trace = self.observer.as_ref().map(|_| match &inbound {
            Inbound::Invoke(call) => PendingTrace {
                origin: called_by.clone(),
                arrived,
                api_name: call.api_name.clone(),
                data: call.data.clone(),
            },
            Inbound::Reject { .. } => {
                PendingTrace { origin: called_by.clone(), arrived, api_name: String::new(), data: Value::Null }
            }
        });
        let refused = match self.admit(sender, callback_id, api, &progress, &unfinished, trace) {
            Admission::Admitted => None,
            Admission::Refused(error) => Some(error),
            Admission::Duplicate => {
                tracing::warn!(
                    webview = sender,
                    id = callback_id,
                    "dropped a call whose id is already in flight (a replayed or forged callbackId)"
                );
                return;
            }
        };
        let bridge = self.clone();
        let origin = called_by;
        let span = call_span(&origin, &inbound);
        runtime.spawn(
            async move {
                let answer = bridge.answer(&origin, inbound, refused, Some(progress.clone())).await;
                bridge.release(sender, answer.callback_id);
                let message = Outbound::Reply { callback_id: answer.callback_id, res: answer.res };
                let encoded = message.encoded();
                profile::mark(Stage::ReplySent, answer.callback_id);
                let Outbound::Reply { res, .. } = &message else { unreachable!("a reply") };
                // The call is recorded before its answer leaves, so that a trace lists calls
                // in the order the page saw their answers.
                let observe = |states| {
                    bridge.observe(&origin, arrived, &answer.api_name, answer.data.as_ref(), res, answer.ok, states)
                };
                match progress.finish_then(encoded, observe) {
                    Finish::Delivered(_) => {}
                    Finish::AlreadyAnswered => {
                        tracing::info!(ok = answer.ok, "dropped a result: the call was already answered (shutdown)")
                    }
                    Finish::PageClosed => tracing::info!(ok = answer.ok, "dropped a result: its page has closed"),
                }
                unfinished.finish();
            }
            .instrument(span),
        );
    }

    /// Handles one synchronous call and returns the `res` the page receives. Progress
    /// states cannot reach a page blocked in a synchronous call: they are dropped.
    pub async fn call_sync(self: Arc<Self>, origin: Origin, raw: String) -> Result<Map<String, Value>, ProtocolError> {
        let arrived = (SystemTime::now(), Instant::now());
        let inbound = Inbound::parse(&raw, &self.limits).inspect_err(|err| log_dropped(&origin, &raw, err))?;
        drop(raw);
        let origin = origin.of_call(&inbound);
        let span = call_span(&origin, &inbound);
        let refused = self.in_flight.lock().expect("in-flight lock").shutting_down.then_some(CallError::ShuttingDown);
        async move {
            let _holding = SyncCall::start(&self.sync_calls);
            let answer = self.answer(&origin, inbound, refused, None).await;
            self.observe(&origin, arrived, &answer.api_name, answer.data.as_ref(), &answer.res, answer.ok, 0);
            Ok(answer.res)
        }
        .instrument(span)
        .await
    }

    /// Counts a call in, unless its page is at its limit, the shell is shutting down, or
    /// the id is already in flight.
    fn admit(
        &self,
        web_view: WebViewId,
        callback_id: u64,
        api: String,
        progress: &Arc<Progress>,
        unfinished: &Arc<Unfinished>,
        trace: Option<PendingTrace>,
    ) -> Admission {
        let mut in_flight = self.in_flight.lock().expect("in-flight lock");
        if in_flight.shutting_down {
            return Admission::Refused(CallError::ShuttingDown);
        }
        if in_flight.calls.contains_key(&(web_view, callback_id)) {
            return Admission::Duplicate;
        }
        let count = in_flight.per_page.entry(web_view).or_insert(0);
        if *count >= self.limits.max_calls_in_flight {
            return Admission::Refused(CallError::TooManyInFlight { limit: self.limits.max_calls_in_flight });
        }
        *count += 1;
        in_flight.calls.insert(
            (web_view, callback_id),
            Pending { api, progress: progress.clone(), unfinished: unfinished.clone(), trace },
        );
        Admission::Admitted
    }

    fn release(&self, web_view: WebViewId, callback_id: u64) {
        let mut in_flight = self.in_flight.lock().expect("in-flight lock");
        if in_flight.calls.remove(&(web_view, callback_id)).is_some() {
            if let Some(count) = in_flight.per_page.get_mut(&web_view) {
                *count -= 1;
                if *count == 0 {
                    in_flight.per_page.remove(&web_view);
                }
            }
        }
    }

    async fn answer(
        &self,
        origin: &Origin,
        inbound: Inbound,
        refused: Option<CallError>,
        progress: Option<Arc<Progress>>,
    ) -> Answer {
        let invoke = match (inbound, refused) {
            (Inbound::Invoke(invoke), Some(error)) => {
                tracing::warn!(%error, "call refused");
                return Answer {
                    callback_id: invoke.callback_id,
                    res: fail_res(&invoke.api, &error),
                    ok: false,
                    api_name: invoke.api_name,
                    data: self.observer.as_ref().map(|_| invoke.data),
                };
            }
            (Inbound::Invoke(invoke), None) => invoke,
            (Inbound::Reject { callback_id, api, error }, _) => {
                tracing::warn!(%error, "call refused");
                return Answer {
                    callback_id,
                    res: fail_res(&api, &error),
                    ok: false,
                    api_name: String::new(),
                    data: None,
                };
            }
        };
        let Invoke { callback_id, api, api_name, data, state_event, .. } = invoke;
        profile::mark(Stage::HandlerStarted, callback_id);
        tracing::debug!(data = %data, "call data");
        let trace_data = self.observer.as_ref().map(|_| data.clone());
        let params = ApiParams { state_event, api_name: api_name.clone(), data, webview_id: origin.web_view_id };
        let call =
            MiniApiCall::new((*origin.app_info).clone(), origin.web_view_id, params, progress, self.host.clone());
        let (res, ok) = match self.registry.dispatch(call).await {
            Ok(result) => {
                tracing::debug!(result = ?result, "call succeeded");
                (ok_res(&api, result), true)
            }
            Err(error) => {
                log_failure(&error);
                (fail_res(&api, &error), false)
            }
        };
        Answer { callback_id, res, ok, api_name, data: trace_data }
    }

    #[allow(clippy::too_many_arguments)]
    fn observe(
        &self,
        origin: &Origin,
        arrived: (SystemTime, Instant),
        api_name: &str,
        data: Option<&Value>,
        res: &Map<String, Value>,
        ok: bool,
        states: u32,
    ) {
        if let Some(observer) = &self.observer {
            observer.finished(&CallRecord {
                time: arrived.0,
                app_id: &origin.app_info.app_id,
                web_view_id: origin.web_view_id,
                api_name,
                data: data.unwrap_or(&Value::Null),
                res,
                ok,
                duration: arrived.1.elapsed(),
                states,
            });
        }
    }
}

enum Admission {
    Admitted,
    Refused(CallError),
    Duplicate,
}

struct Answer {
    callback_id: u64,
    res: Map<String, Value>,
    ok: bool,
    api_name: String,
    data: Option<Value>,
}

fn call_span(origin: &Origin, inbound: &Inbound) -> tracing::Span {
    match inbound {
        Inbound::Invoke(call) => tracing::info_span!(
            "call",
            api = %call.api_name,
            webview = origin.web_view_id,
            id = call.callback_id
        ),
        Inbound::Reject { callback_id, .. } => {
            tracing::info_span!("call", api = "", webview = origin.web_view_id, id = callback_id)
        }
    }
}

fn log_failure(error: &CallError) {
    match error {
        CallError::Handler(_) | CallError::NotRegistered(_) => tracing::info!(%error, "call failed"),
        _ => tracing::warn!(%error, "call failed"),
    }
}

/// Logs a message that names no call (it cannot be answered) and drops it.
///
/// A flood of them stays readable: the first [`DROPS_LOGGED_IN_FULL`] are logged each,
/// then one line per thousand (with the count so far); all are logged at debug level.
pub fn log_dropped(origin: &Origin, raw: &str, err: &ProtocolError) {
    static DROPPED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = DROPPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let shown: String = raw.chars().take(200).collect();
    if should_log_drop(count) {
        tracing::warn!(webview = origin.web_view_id, %err, message = %shown, dropped_so_far = count, "dropped a message from a page");
    } else {
        tracing::debug!(webview = origin.web_view_id, %err, message = %shown, "dropped a message from a page");
    }
}

/// How many dropped messages are each logged as a warning before only every thousandth is.
pub const DROPS_LOGGED_IN_FULL: u64 = 20;

fn should_log_drop(count: u64) -> bool {
    count <= DROPS_LOGGED_IN_FULL || count.is_multiple_of(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::host::tests::Recorder;
    use crate::core::registry::RegistryBuilder;
    use crate::{ApiError, ApiResult};
    use serde_json::json;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Calls(Mutex<Vec<String>>);
    impl CallObserver for Calls {
        fn finished(&self, record: &CallRecord<'_>) {
            self.0.lock().unwrap().push(format!(
                "{} {} {} {} {}",
                record.api_name,
                record.data,
                record.ok,
                record.states,
                Value::Object(record.res.clone())
            ));
        }
    }

    async fn progress(call: MiniApiCall) -> ApiResult<serde_json::Value> {
        for percent in [25, 50, 75] {
            call.send_state(json!({ "percent": percent }));
            tokio::task::yield_now().await;
        }
        Ok(json!({"done": true}))
    }

    fn bridge(observer: Option<Arc<dyn CallObserver>>) -> Arc<Bridge> {
        let registry = RegistryBuilder::new()
            .register("progress", progress)
            .register("whoami", |call: MiniApiCall| async move {
                Ok(json!({"params": call.params, "app": call.app_info.app_id}))
            })
            .register("refuse", |_call: MiniApiCall| async { Err::<(), _>(ApiError::new("no")) })
            .build();
        let limits = Limits { max_payload_bytes: 256, ..Limits::default() };
        Arc::new(Bridge::new(Arc::new(registry), limits, Host::new(), observer))
    }

    fn origin() -> Origin {
        Origin::new(3, Arc::new(AppInfo::fallback("t")))
    }

    async fn run(bridge: &Arc<Bridge>, messages: &[&str]) -> Vec<String> {
        let (recorder, outbox) = Recorder::with_outbox();
        for raw in messages {
            bridge.on_message(&tokio::runtime::Handle::current(), &origin(), raw, &outbox);
        }
        answered(bridge).await;
        recorder.sent()
    }

    /// Waits until every call dispatched so far has its answer.
    async fn answered(bridge: &Bridge) {
        tokio::time::timeout(Duration::from_secs(5), bridge.settled()).await.expect("every call answered within 5 s");
    }

    /// Waits until `outbox` has sent `n` messages.
    async fn sent(recorder: &Recorder, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while recorder.sent().len() < n {
            assert!(tokio::time::Instant::now() < deadline, "{n} messages within 5 s: {:?}", recorder.sent());
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    #[test]
    fn only_a_logic_context_acts_for_its_own_pages() {
        let app = Arc::new(AppInfo::fallback("t"));
        let pages: Origins = Arc::default();
        pages.write().unwrap().insert(2, Origin::new(2, app.clone()));
        let other_app = Arc::new(AppInfo { app_id: "other".into(), ..AppInfo::fallback("o") });
        pages.write().unwrap().insert(5, Origin::new(5, other_app));
        let logic = Origin { web_view_id: 9, app_info: app.clone(), acts_for: Some(pages.clone()) };
        let call = |page: &str| {
            Inbound::parse(&format!(r#"{{"callbackId":1,"api_name":"x"{page}}}"#), &Limits::default()).unwrap()
        };
        assert_eq!(logic.of_call(&call(r#","page":2"#)).web_view_id, 2);
        assert_eq!(logic.of_call(&call(r#","page":5"#)).web_view_id, 9, "a page of another mini program");
        assert_eq!(logic.of_call(&call(r#","page":7"#)).web_view_id, 9, "no such page");
        assert_eq!(logic.of_call(&call("")).web_view_id, 9);
        let page = Origin::new(2, app);
        assert_eq!(page.of_call(&call(r#","page":9"#)).web_view_id, 2, "a page cannot act for another");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_made_for_a_page_is_answered_to_the_logic_context_that_sent_it() {
        let app = Arc::new(AppInfo::fallback("t"));
        let pages: Origins = Arc::default();
        pages.write().unwrap().insert(2, Origin::new(2, app.clone()));
        let logic = Origin { web_view_id: 9, app_info: app, acts_for: Some(pages) };
        let (recorder, outbox) = Recorder::with_outbox();
        let raw = r#"{"callbackId":1,"api_name":"whoami","page":2}"#;
        let bridge = bridge(None);
        bridge.on_message(&tokio::runtime::Handle::current(), &logic, raw, &outbox);
        answered(&bridge).await;
        let sent = recorder.sent();
        assert_eq!(sent.len(), 1);
        assert!(sent[0].starts_with(r#"9 {"type":"reply","callbackId":1,"res":{"params":{"stateEvent":"whoami_1","api_name":"whoami","data":null,"webviewId":2}"#), "{sent:?}");
    }

    #[test]
    fn a_flood_of_dropped_messages_logs_a_few_lines() {
        let logged = (1..=5000).filter(|&n| should_log_drop(n)).count();
        assert_eq!(logged, 20 + 5);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn progress_states_precede_the_reply_in_order() {
        let sent = run(&bridge(None), &[r#"{"callbackId":1,"api_name":"progress","stateEvent":"progress_1"}"#]).await;
        assert_eq!(
            sent,
            vec![
                r#"3 {"type":"state","stateEvent":"progress_1","data":{"percent":25}}"#,
                r#"3 {"type":"state","stateEvent":"progress_1","data":{"percent":50}}"#,
                r#"3 {"type":"state","stateEvent":"progress_1","data":{"percent":75}}"#,
                r#"3 {"type":"reply","callbackId":1,"res":{"done":true,"errMsg":"invokeNativePlugin:ok"}}"#,
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_handler_sees_the_shells_origin_not_the_pages_claims() {
        let sent = run(
            &bridge(None),
            &[r#"{"callbackId":5,"api_name":"whoami","data":{"a":1},"webviewId":99,"appId":"evil"}"#],
        )
        .await;
        assert_eq!(
            sent,
            vec![
                r#"3 {"type":"reply","callbackId":5,"res":{"params":{"stateEvent":"whoami_5","api_name":"whoami","data":{"a":1},"webviewId":3},"app":"local","errMsg":"invokeNativePlugin:ok"}}"#
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_answerable_call_gets_one_answer_and_bad_messages_none() {
        let big = format!(r#"{{"callbackId":4,"api_name":"whoami","data":"{}"}}"#, "x".repeat(300));
        let sent = run(
            &bridge(None),
            &[
                r#"{"callbackId":1,"api_name":"nope"}"#,
                r#"{"callbackId":2,"api_name":7}"#,
                r#"{"callbackId":3,"api":"exitMiniProgram"}"#,
                &big,
                r#"{"callbackId":6,"api_name":"refuse"}"#,
                "garbage",
                r#"{"api_name":"refuse"}"#,
            ],
        )
        .await;
        let mut sent = sent;
        sent.sort();
        assert_eq!(
            sent,
            vec![
                r#"3 {"type":"reply","callbackId":1,"res":{"errMsg":"invokeNativePlugin:fail api \"nope\" is not registered"}}"#.to_string(),
                r#"3 {"type":"reply","callbackId":2,"res":{"errMsg":"invokeNativePlugin:fail api_name must be a string, got 7"}}"#.to_string(),
                r#"3 {"type":"reply","callbackId":3,"res":{"errMsg":"exitMiniProgram:fail missing api_name"}}"#.to_string(),
                format!(r#"3 {{"type":"reply","callbackId":4,"res":{{"errMsg":"invokeNativePlugin:fail payload too large: {} bytes exceeds the limit of 256 bytes"}}}}"#, big.len()),
                r#"3 {"type":"reply","callbackId":6,"res":{"errMsg":"invokeNativePlugin:fail no"}}"#.to_string(),
            ]
        );
    }

    /// A bridge whose `gated` handler answers once the gate (the returned sender) opens.
    fn gated_bridge(limit: usize) -> (Arc<Bridge>, tokio::sync::watch::Sender<bool>) {
        gated_bridge_observed(limit, None)
    }

    fn gated_bridge_observed(
        limit: usize,
        observer: Option<Arc<dyn CallObserver>>,
    ) -> (Arc<Bridge>, tokio::sync::watch::Sender<bool>) {
        let (gate, opened) = tokio::sync::watch::channel(false);
        let registry = RegistryBuilder::new()
            .register("gated", move |_call: MiniApiCall| {
                let mut opened = opened.clone();
                async move {
                    let _ = opened.wait_for(|open| *open).await;
                    Ok(json!({"late": true}))
                }
            })
            .build();
        let limits = Limits { max_calls_in_flight: limit, ..Limits::default() };
        (Arc::new(Bridge::new(Arc::new(registry), limits, Host::new(), observer)), gate)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_a_shutdown_answers_is_traced_once_with_its_fail() {
        let calls = Arc::new(Calls::default());
        let (bridge, gate) = gated_bridge_observed(10, Some(calls.clone()));
        let (_recorder, outbox) = Recorder::with_outbox();
        let rt = tokio::runtime::Handle::current();
        bridge.on_message(&rt, &origin(), r#"{"callbackId":1,"api_name":"gated","data":{"k":1}}"#, &outbox);
        assert_eq!(bridge.shut_down(), 1);
        answered(&bridge).await;
        assert_eq!(
            *calls.0.lock().unwrap(),
            vec![r#"gated {"k":1} false 0 {"errMsg":"invokeNativePlugin:fail the shell is shutting down"}"#]
        );
        // (the handler's own result, when it comes, is dropped: the call has its answer)
        gate.send_replace(true);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn over_its_in_flight_limit_a_page_gets_a_fail_at_once_and_ids_are_not_replayed() {
        let (bridge, gate) = gated_bridge(2);
        let (recorder, outbox) = Recorder::with_outbox();
        let rt = tokio::runtime::Handle::current();
        for id in [1, 2, 2, 3] {
            bridge.on_message(&rt, &origin(), &format!(r#"{{"callbackId":{id},"api_name":"gated"}}"#), &outbox);
        }
        assert_eq!(bridge.in_flight(3), 2);
        sent(&recorder, 1).await;
        assert_eq!(
            recorder.sent(),
            vec![
                r#"3 {"type":"reply","callbackId":3,"res":{"errMsg":"invokeNativePlugin:fail too many calls in flight: the limit is 2 per page"}}"#
            ]
        );
        gate.send_replace(true);
        answered(&bridge).await;
        assert_eq!(bridge.in_flight(3), 0);
        let mut sent = recorder.sent();
        sent.sort();
        assert_eq!(sent.len(), 3, "one answer each for calls 1, 2 and 3; none for the replayed 2: {sent:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shutdown_answers_calls_in_flight_once_and_a_closed_page_gets_nothing() {
        let (bridge, gate) = gated_bridge(100);
        let (recorder, outbox) = Recorder::with_outbox();
        let rt = tokio::runtime::Handle::current();
        let closing = Origin::new(4, Arc::new(AppInfo::fallback("t")));
        bridge.on_message(&rt, &origin(), r#"{"callbackId":1,"api":"getThing","api_name":"gated"}"#, &outbox);
        bridge.on_message(&rt, &closing, r#"{"callbackId":1,"api_name":"gated"}"#, &outbox);
        bridge.page_closed(4);
        assert_eq!(bridge.shut_down(), 1);
        bridge.on_message(&rt, &origin(), r#"{"callbackId":2,"api_name":"gated"}"#, &outbox);
        gate.send_replace(true);
        answered(&bridge).await;
        let mut sent = recorder.sent();
        sent.sort();
        assert_eq!(
            sent,
            vec![
                r#"3 {"type":"reply","callbackId":1,"res":{"errMsg":"getThing:fail the shell is shutting down"}}"#,
                r#"3 {"type":"reply","callbackId":2,"res":{"errMsg":"invokeNativePlugin:fail the shell is shutting down"}}"#,
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn settled_waits_for_answers_but_not_for_handlers_a_shutdown_answered() {
        use futures_util::FutureExt;
        let (bridge, gate) = gated_bridge(100);
        let (recorder, outbox) = Recorder::with_outbox();
        let rt = tokio::runtime::Handle::current();
        assert!(bridge.settled().now_or_never().is_some(), "nothing dispatched yet");
        bridge.on_message(&rt, &origin(), r#"{"callbackId":1,"api_name":"gated"}"#, &outbox);
        assert!(bridge.settled().now_or_never().is_none(), "a call is running");
        bridge.shut_down();
        // The gated handler still runs, but its call has its answer.
        tokio::time::timeout(Duration::from_secs(5), bridge.settled()).await.expect("settled after the shutdown");
        // A call during the shutdown is refused at once; settled waits for its answer.
        bridge.on_message(&rt, &origin(), r#"{"callbackId":2,"api_name":"gated"}"#, &outbox);
        tokio::time::timeout(Duration::from_secs(5), bridge.settled()).await.expect("the refusal went out");
        assert!(recorder.sent().iter().any(|m| m.contains(r#""callbackId":2"#)), "{:?}", recorder.sent());
        gate.send_replace(true);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sync_calls_answer_directly_and_drop_progress() {
        let calls = Arc::new(Calls::default());
        let bridge = bridge(Some(calls.clone()));
        let res = bridge
            .clone()
            .call_sync(origin(), r#"{"callbackId":1,"api_name":"progress","data":[1]}"#.into())
            .await
            .unwrap();
        assert_eq!(Value::Object(res), json!({"done": true, "errMsg": "invokeNativePlugin:ok"}));
        assert!(bridge.clone().call_sync(origin(), "{".into()).await.is_err());
        assert_eq!(
            *calls.0.lock().unwrap(),
            vec![r#"progress [1] true 0 {"done":true,"errMsg":"invokeNativePlugin:ok"}"#]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn observers_see_states_outcome_and_data() {
        let calls = Arc::new(Calls::default());
        let bridge = bridge(Some(calls.clone()));
        run(
            &bridge,
            &[r#"{"callbackId":1,"api_name":"progress","data":{"k":"v"}}"#, r#"{"callbackId":2,"api_name":"refuse"}"#],
        )
        .await;
        let mut seen = calls.0.lock().unwrap().clone();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                r#"progress {"k":"v"} true 3 {"done":true,"errMsg":"invokeNativePlugin:ok"}"#,
                r#"refuse null false 0 {"errMsg":"invokeNativePlugin:fail no"}"#,
            ]
        );
    }
}
