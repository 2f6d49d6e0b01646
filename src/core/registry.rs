//! The handler registry and dispatch: lookup, timeout, panic and error capture.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde_json::{Map, Value};

use super::call::MiniApiCall;
use super::call_error::CallError;
use super::handler::Handler;

/// The default time a handler has to answer: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

struct Entry {
    handler: Arc<dyn Handler>,
    timeout: Option<Duration>,
}

/// Handlers that answer instead of the registered ones while they are set (the testing
/// harness's `mock_api`), by API name.
pub type Overrides = Arc<RwLock<HashMap<String, Arc<dyn Handler>>>>;

/// The fixed set of APIs a running shell answers. Built once by [`RegistryBuilder`];
/// nothing can be added after, by construction (only a test's [`Overrides`] may answer
/// in their place).
pub struct Registry {
    entries: HashMap<String, Entry>,
    default_timeout: Duration,
    overrides: Option<Overrides>,
}

/// Collects handlers by name before the shell starts (TCSAS `registerMiniAppApi`).
pub struct RegistryBuilder {
    entries: HashMap<String, Entry>,
    default_timeout: Duration,
    overrides: Option<Overrides>,
}

impl Default for RegistryBuilder {
    fn default() -> Self {
        RegistryBuilder { entries: HashMap::new(), default_timeout: DEFAULT_TIMEOUT, overrides: None }
    }
}

impl RegistryBuilder {
    /// An empty builder with the default timeout.
    pub fn new() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// Registers a handler under `name`.
    ///
    /// # Panics
    /// When `name` is already registered: registering one name twice is a programmer
    /// mistake.
    #[track_caller]
    pub fn register(self, name: &str, handler: impl Handler) -> RegistryBuilder {
        self.insert(name, Arc::new(handler), None)
    }

    /// Registers a handler under `name` with its own timeout.
    ///
    /// # Panics
    /// When `name` is already registered.
    #[track_caller]
    pub fn register_with_timeout(self, name: &str, handler: impl Handler, timeout: Duration) -> RegistryBuilder {
        self.insert(name, Arc::new(handler), Some(timeout))
    }

    /// Registers `handler` under `name` unless the name is taken; returns whether it was
    /// added. For defaults that a host registration overrides (built-ins, mocks).
    pub fn register_default(&mut self, name: &str, handler: Arc<dyn Handler>) -> bool {
        if self.entries.contains_key(name) {
            return false;
        }
        self.entries.insert(name.to_string(), Entry { handler, timeout: None });
        true
    }

    /// Gives `name` its own timeout if it has none (built-ins that wait for a person).
    pub fn set_timeout_if_default(&mut self, name: &str, timeout: Duration) {
        if let Some(entry) = self.entries.get_mut(name) {
            entry.timeout.get_or_insert(timeout);
        }
    }

    /// Replaces or adds the handler under `name` (mocks from `--mock` use this).
    pub fn replace(&mut self, name: &str, handler: Arc<dyn Handler>) {
        self.entries.insert(name.to_string(), Entry { handler, timeout: None });
    }

    #[track_caller]
    fn insert(mut self, name: &str, handler: Arc<dyn Handler>, timeout: Option<Duration>) -> Self {
        assert!(!self.entries.contains_key(name), "api {name:?} is registered twice: each api name takes one handler");
        self.entries.insert(name.to_string(), Entry { handler, timeout });
        self
    }

    /// Sets the timeout of every API registered without its own.
    pub fn default_timeout(mut self, timeout: Duration) -> RegistryBuilder {
        self.default_timeout = timeout;
        self
    }

    /// Whether a handler is registered under `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Lets `overrides` answer in place of the registered handlers, by name.
    pub fn overrides(mut self, overrides: Overrides) -> RegistryBuilder {
        self.overrides = Some(overrides);
        self
    }

    /// Freezes the set of APIs.
    pub fn build(self) -> Registry {
        Registry { entries: self.entries, default_timeout: self.default_timeout, overrides: self.overrides }
    }
}

impl Registry {
    /// Whether a handler is registered under `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// The registered names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.entries.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The timeout that applies to `name`.
    pub fn timeout_of(&self, name: &str) -> Duration {
        self.entries.get(name).and_then(|entry| entry.timeout).unwrap_or(self.default_timeout)
    }

    /// Runs the handler for `call` and waits for its answer, at most its timeout. The
    /// handler's future is polled within the caller's tokio task (no extra spawn), with
    /// panics caught at every poll. A handler error, a panic, a timeout (the handler's
    /// future is then dropped, which cancels it) and an unknown name each come back as a
    /// [`CallError`]. Must be called within a tokio runtime.
    pub async fn dispatch(&self, call: MiniApiCall) -> Result<Option<Map<String, Value>>, CallError> {
        let overriding =
            self.overrides.as_ref().and_then(|o| o.read().expect("overrides lock").get(&call.api_name).cloned());
        let (handler, timeout) = match (overriding, self.entries.get(&call.api_name)) {
            (Some(handler), entry) => (handler, entry.and_then(|e| e.timeout).unwrap_or(self.default_timeout)),
            (None, Some(entry)) => (entry.handler.clone(), entry.timeout.unwrap_or(self.default_timeout)),
            (None, None) => return Err(CallError::NotRegistered(call.api_name)),
        };
        let api = call.api_name.clone();
        // Even building the future runs host code: catch a panic there too.
        let future = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.call(call))) {
            Ok(future) => future,
            Err(payload) => return Err(CallError::Panicked { api, message: panic_message(payload) }),
        };
        match tokio::time::timeout(timeout, CatchUnwind(future)).await {
            Ok(Ok(result)) => result.map_err(CallError::Handler),
            Ok(Err(payload)) => Err(CallError::Panicked { api, message: panic_message(payload) }),
            Err(_elapsed) => Err(CallError::TimedOut { api, ms: timeout.as_millis() }),
        }
    }
}

/// Polls a handler's future, turning a panic in any poll into an `Err` with its payload.
struct CatchUnwind(crate::core::handler::BoxFuture<crate::core::handler::Reply>);

impl std::future::Future for CatchUnwind {
    type Output = Result<crate::core::handler::Reply, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(result)) => std::task::Poll::Ready(Ok(result)),
            Err(payload) => std::task::Poll::Ready(Err(payload)),
        }
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a non-string panic payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiError, ApiResult};
    use serde_json::json;

    async fn echo(call: MiniApiCall) -> ApiResult<serde_json::Value> {
        Ok(json!({"echo": call.data()}))
    }

    fn registry() -> Registry {
        RegistryBuilder::new()
            .register("echo", echo)
            .register("none", |_call: MiniApiCall| async { Ok(()) })
            .register("refuse", |_call: MiniApiCall| async {
                Err::<(), _>(ApiError::new("card declined").with("errCode", 1001))
            })
            .register("explode", |_call: MiniApiCall| async {
                tokio::task::yield_now().await;
                if true {
                    panic!("boom 42");
                }
                Ok(())
            })
            .register("explodeEarly", |_call: MiniApiCall| -> std::future::Ready<ApiResult> {
                panic!("before any future")
            })
            .register("hang", |_call: MiniApiCall| async {
                std::future::pending::<()>().await;
                Ok(())
            })
            .register_with_timeout(
                "slow",
                |_call: MiniApiCall| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    Ok(())
                },
                Duration::from_secs(10),
            )
            .build()
    }

    #[tokio::test]
    async fn dispatches_to_the_named_handler() {
        let result = registry().dispatch(MiniApiCall::for_test("echo", json!([1, "a"]))).await;
        assert_eq!(result, Ok(json!({"echo": [1, "a"]}).as_object().cloned()));
        let result = registry().dispatch(MiniApiCall::for_test("none", Value::Null)).await;
        assert_eq!(result, Ok(None));
    }

    #[tokio::test]
    async fn unknown_name_is_not_registered() {
        let err = registry().dispatch(MiniApiCall::for_test("nope", Value::Null)).await.unwrap_err();
        assert_eq!(err.to_string(), r#"api "nope" is not registered"#);
    }

    #[tokio::test]
    async fn handler_error_keeps_its_message_and_fields() {
        let err = registry().dispatch(MiniApiCall::for_test("refuse", Value::Null)).await.unwrap_err();
        assert_eq!(err.to_string(), "card declined");
        let CallError::Handler(api_error) = err else { panic!() };
        assert_eq!(api_error.fields().get("errCode"), Some(&json!(1001)));
    }

    #[tokio::test]
    async fn panic_becomes_an_error_and_dispatch_goes_on() {
        let registry = registry();
        let err = registry.dispatch(MiniApiCall::for_test("explode", Value::Null)).await.unwrap_err();
        assert_eq!(err.to_string(), r#"api "explode" panicked: boom 42"#);
        let err = registry.dispatch(MiniApiCall::for_test("explodeEarly", Value::Null)).await.unwrap_err();
        assert_eq!(err.to_string(), r#"api "explodeEarly" panicked: before any future"#);
        assert!(registry.dispatch(MiniApiCall::for_test("none", Value::Null)).await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn hanging_handler_times_out_at_the_default() {
        let started = tokio::time::Instant::now();
        let err = registry().dispatch(MiniApiCall::for_test("hang", Value::Null)).await.unwrap_err();
        assert_eq!(err.to_string(), r#"api "hang" timed out after 30000 ms"#);
        assert_eq!(started.elapsed(), DEFAULT_TIMEOUT);
    }

    #[tokio::test(start_paused = true)]
    async fn per_api_timeout_overrides_the_default() {
        let registry = RegistryBuilder::new()
            .default_timeout(Duration::from_secs(1))
            .register("slow", |_call: MiniApiCall| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok(())
            })
            .build();
        let err = registry.dispatch(MiniApiCall::for_test("slow", Value::Null)).await.unwrap_err();
        assert_eq!(err, CallError::TimedOut { api: "slow".into(), ms: 1000 });
        // The registry built in `registry()` gives "slow" 10 s: 5 s of work succeeds.
        assert_eq!(super::tests::registry().dispatch(MiniApiCall::for_test("slow", Value::Null)).await, Ok(None));
    }

    #[tokio::test(start_paused = true)]
    async fn a_timed_out_handler_is_cancelled() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
        let registry = RegistryBuilder::new()
            .register_with_timeout(
                "late",
                move |_call: MiniApiCall| {
                    let tx = tx.clone();
                    async move {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        tx.send(()).unwrap();
                        Ok(())
                    }
                },
                Duration::from_secs(1),
            )
            .build();
        assert!(registry.dispatch(MiniApiCall::for_test("late", Value::Null)).await.is_err());
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(rx.try_recv().is_err(), "the aborted handler ran to its end");
    }

    #[test]
    #[should_panic(expected = r#"api "dup" is registered twice"#)]
    fn registering_a_name_twice_panics_naming_it() {
        let _ = RegistryBuilder::new().register("dup", echo).register("dup", echo);
    }

    #[test]
    fn register_default_yields_to_an_existing_name() {
        let mut builder = RegistryBuilder::new().register("echo", echo);
        assert!(!builder.register_default("echo", Arc::new(|_c: MiniApiCall| async { Ok(()) })));
        assert!(builder.register_default("other", Arc::new(|_c: MiniApiCall| async { Ok(()) })));
        assert_eq!(builder.build().names(), vec!["echo", "other"]);
    }
}
