//! The running mini program as a test sees it: blocking calls that send automation
//! commands to the shell and wait for their answers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::broadcast;

use super::Failed;
use crate::automation::command::Command;
use crate::automation::protocol::Request;
use crate::automation::server::{self, Dispatch};
use crate::core::bridge::{CallObserver, CallRecord};
use crate::core::handler::Handler;
use crate::core::host::WebViewId;
use crate::core::registry::Overrides;
use crate::{Host, Target};

/// A page of the stack.
#[derive(Debug, Clone, PartialEq)]
pub struct PageInfo {
    /// Its webview id (`pageId` to the automator).
    pub id: WebViewId,
    /// Its route, without a leading slash.
    pub path: String,
    /// Its query.
    pub query: Value,
}

/// One finished bridge call, as the page received its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CallLog {
    /// The API called.
    pub api_name: String,
    /// The calling page.
    pub web_view_id: WebViewId,
    /// The call's data.
    pub data: Value,
    /// The answer (`errMsg` included).
    pub res: Value,
    /// Whether it succeeded.
    pub ok: bool,
}

/// Records every call (the shell's observer).
pub(super) struct Recorder(pub Arc<Mutex<Vec<CallLog>>>);

impl CallObserver for Recorder {
    fn finished(&self, record: &CallRecord<'_>) {
        self.0.lock().expect("call log lock").push(CallLog {
            api_name: record.api_name.to_string(),
            web_view_id: record.web_view_id,
            data: record.data.clone(),
            res: Value::Object(record.res.clone()),
            ok: record.ok,
        });
    }
}

/// The mini program under test.
pub struct App {
    dispatch: Dispatch,
    runtime: tokio::runtime::Runtime,
    overrides: Overrides,
    calls: Arc<Mutex<Vec<CallLog>>>,
    console: Arc<Mutex<Vec<Value>>>,
    exceptions: Arc<Mutex<Vec<Value>>>,
    restarts: Arc<Mutex<Vec<Value>>>,
    host: Host,
}

impl App {
    pub(super) fn new(
        dispatch: Dispatch,
        events: broadcast::Sender<String>,
        overrides: Overrides,
        calls: Arc<Mutex<Vec<CallLog>>>,
        host: Host,
    ) -> App {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a test runtime");
        let (console, exceptions) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
        let restarts = Arc::new(Mutex::new(Vec::new()));
        let mut receiver = events.subscribe();
        let (c, e, r) = (console.clone(), exceptions.clone(), restarts.clone());
        std::thread::spawn(move || loop {
            match receiver.blocking_recv() {
                Ok(frame) => {
                    let Ok(event) = serde_json::from_str::<Value>(&frame) else { continue };
                    match event["method"].as_str() {
                        Some("App.logAdded") => c.lock().expect("console lock").push(event["params"].clone()),
                        Some("App.exceptionThrown") => e.lock().expect("exceptions lock").push(event["params"].clone()),
                        Some(crate::shell::RESTARTED_EVENT) => {
                            r.lock().expect("restarts lock").push(event["params"].clone())
                        }
                        _ => {}
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            }
        });
        let app = App { dispatch, runtime, overrides, calls, console, exceptions, restarts, host };
        let _ = app.send("App.enableLog", json!({}));
        app
    }

    /// Sends one automator request (`"Page.getData"`, `{pageId}`) and waits for its result.
    pub fn send(&self, method: &str, params: Value) -> Result<Value, Failed> {
        let request = Request { id: json!(0), method: method.to_string(), params };
        let command = Command::parse(&request).map_err(|err| Failed::from(err.to_string()))?;
        self.runtime.block_on(server::run(&self.dispatch, command, method)).map_err(Failed::from)
    }

    /// [`send`](App::send), waiting at most `timeout` for the answer (an `Err` saying it
    /// timed out after that).
    pub fn send_within(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, Failed> {
        let request = Request { id: json!(0), method: method.to_string(), params };
        let command = Command::parse(&request).map_err(|err| Failed::from(err.to_string()))?;
        match self
            .runtime
            .block_on(async { tokio::time::timeout(timeout, server::run(&self.dispatch, command, method)).await })
        {
            Ok(answer) => answer.map_err(Failed::from),
            Err(_) => Err(format!("{method} timed out after {} ms", timeout.as_millis()).into()),
        }
    }

    /// What the shell's chrome shows and what the mini program waits for
    /// (`host.chrome_state()`), waiting at most `timeout`.
    pub fn chrome_state_within(&self, timeout: Duration) -> Result<Value, Failed> {
        match self.runtime.block_on(async { tokio::time::timeout(timeout, self.host.chrome_state()).await }) {
            Ok(state) => state.map_err(Failed::from),
            Err(_) => Err(format!("the shell did not answer within {} ms", timeout.as_millis()).into()),
        }
    }

    /// Presses a control as a person would (`host.press(control)`), waiting at most
    /// `timeout`.
    pub fn press_within(&self, control: &str, timeout: Duration) -> Result<(), Failed> {
        match self.runtime.block_on(async { tokio::time::timeout(timeout, self.host.press(control)).await }) {
            Ok(pressed) => pressed.map_err(Failed::from),
            Err(_) => Err(format!("the shell did not answer within {} ms", timeout.as_millis()).into()),
        }
    }

    /// Every restart of the mini program by the shell's guard so far (its web process
    /// crashed, ran over the memory limit or was busy past its deadline): `{kind, reason,
    /// route, webviewId}`.
    pub fn restarts(&self) -> Vec<Value> {
        self.restarts.lock().expect("restarts lock").clone()
    }

    /// Ends the run (the test body has returned).
    pub(super) fn close(&self) {
        let _ = self.runtime.block_on(server::run(&self.dispatch, Command::Close, "Tool.close"));
    }

    /// The page stack, home first.
    pub fn page_stack(&self) -> Result<Vec<PageInfo>, Failed> {
        let stack = self.send("App.getPageStack", json!({}))?;
        Ok(stack["pageStack"].as_array().into_iter().flatten().map(page_info).collect())
    }

    /// The page on top.
    pub fn current_page(&self) -> Result<PageInfo, Failed> {
        Ok(page_info(&self.send("App.getCurrentPage", json!({}))?))
    }

    fn route(&self, api: &str, options: Value) -> Result<PageInfo, Failed> {
        self.call_wx(api, vec![options])?;
        self.current_page()
    }

    /// `wx.navigateTo({url})`; the new current page.
    pub fn navigate_to(&self, url: &str) -> Result<PageInfo, Failed> {
        self.route("navigateTo", json!({ "url": url }))
    }

    /// `wx.redirectTo({url})`.
    pub fn redirect_to(&self, url: &str) -> Result<PageInfo, Failed> {
        self.route("redirectTo", json!({ "url": url }))
    }

    /// `wx.navigateBack({delta: 1})`.
    pub fn navigate_back(&self) -> Result<PageInfo, Failed> {
        self.route("navigateBack", json!({ "delta": 1 }))
    }

    /// `wx.reLaunch({url})`.
    pub fn re_launch(&self, url: &str) -> Result<PageInfo, Failed> {
        self.route("reLaunch", json!({ "url": url }))
    }

    /// `wx.switchTab({url})`.
    pub fn switch_tab(&self, url: &str) -> Result<PageInfo, Failed> {
        self.route("switchTab", json!({ "url": url }))
    }

    /// Presses the modal's confirm (`true`) or cancel button.
    pub fn answer_modal(&self, confirm: bool) -> Result<(), Failed> {
        let method = if confirm { "confirmModal" } else { "cancelModal" };
        self.send("Tool.native", json!({ "method": method })).map(drop)
    }

    /// Calls `wx[method](...args)` where the mini program's JS runs; an async API answers
    /// with its success object, a failing one is an `Err` with its errMsg.
    pub fn call_wx(&self, method: &str, args: Vec<Value>) -> Result<Value, Failed> {
        Ok(self.send("App.callWxMethod", json!({ "method": method, "args": args }))?["result"].take())
    }

    /// Evaluates JS where the mini program's own JS runs (the logic context of a WXML mini
    /// program, the top page of an HTML one); a Promise is awaited; a throw is an `Err`.
    pub fn eval(&self, js: &str) -> Result<Value, Failed> {
        let declaration = "function (code) { return (0, eval)(code); }";
        Ok(self.send("App.callFunction", json!({ "functionDeclaration": declaration, "args": [js] }))?["result"].take())
    }

    fn page_id(&self) -> Result<WebViewId, Failed> {
        Ok(self.current_page()?.id)
    }

    fn element(&self, selector: &str) -> Result<(WebViewId, u64), Failed> {
        let page = self.page_id()?;
        let found = self.send("Page.getElement", json!({ "pageId": page, "selector": selector }))?;
        let id = found["elementId"].as_u64().ok_or_else(|| Failed::from("no element id"))?;
        Ok((page, id))
    }

    /// How many elements of the current page match `selector` (CSS; WXML names on WXML
    /// pages).
    pub fn count(&self, selector: &str) -> Result<usize, Failed> {
        let page = self.page_id()?;
        let found = self.send("Page.getElements", json!({ "pageId": page, "selector": selector }))?;
        Ok(found["elements"].as_array().map_or(0, Vec::len))
    }

    /// Waits (without a fixed sleep: it polls the page every 20 ms) until an element of the
    /// current page matches `selector`.
    pub fn wait_for(&self, selector: &str, timeout: Duration) -> Result<(), Failed> {
        self.wait_until(|app| Ok(app.count(selector)? > 0), timeout)
            .map_err(|err| Failed::from(format!("waiting for {selector:?}: {}", message(&err))))
    }

    /// Waits until `test` is true (polled every 20 ms), at most `timeout`.
    pub fn wait_until(
        &self,
        mut test: impl FnMut(&App) -> Result<bool, Failed>,
        timeout: Duration,
    ) -> Result<(), Failed> {
        let end = Instant::now() + timeout;
        loop {
            let last = test(self);
            if matches!(last, Ok(true)) {
                return Ok(());
            }
            if Instant::now() >= end {
                let why = match last {
                    Err(err) => format!(" (last: {})", message(&err)),
                    _ => String::new(),
                };
                return Err(format!("not true after {timeout:?}{why}").into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn on_element(&self, selector: &str, method: &str, params: Value) -> Result<Value, Failed> {
        let (page, element) = self.element(selector)?;
        let mut params = params;
        params["pageId"] = json!(page);
        params["elementId"] = json!(element);
        self.send(method, params)
    }

    /// Taps the first element matching `selector` (a `bind:tap` handler on WXML pages, a
    /// click on HTML ones).
    pub fn tap(&self, selector: &str) -> Result<(), Failed> {
        self.on_element(selector, "Element.tap", json!({})).map(drop)
    }

    /// Types `text` into an input or textarea (its `input` event fires).
    pub fn input(&self, selector: &str, text: &str) -> Result<(), Failed> {
        self.on_element(selector, "Element.callFunction", json!({ "functionName": "input.input", "args": [text] }))
            .map(drop)
    }

    /// The text an element shows (its `innerText`).
    pub fn text(&self, selector: &str) -> Result<String, Failed> {
        let found = self.on_element(selector, "Element.getDOMProperties", json!({ "names": ["innerText"] }))?;
        Ok(found["properties"][0].as_str().unwrap_or_default().to_string())
    }

    /// Where an element is on its page: `(left, top)` in px from the page's top left.
    pub fn offset(&self, selector: &str) -> Result<(f64, f64), Failed> {
        let found = self.on_element(selector, "Element.getOffset", json!({}))?;
        Ok((found["left"].as_f64().unwrap_or_default(), found["top"].as_f64().unwrap_or_default()))
    }

    /// How far the current page is scrolled down, in px.
    pub fn scroll_top(&self) -> Result<f64, Failed> {
        let page = self.page_id()?;
        let found = self.send("Page.getWindowProperties", json!({ "pageId": page, "names": ["scrollY"] }))?;
        found["properties"][0].as_f64().ok_or_else(|| Failed::from(format!("scrollY is not a number: {found}")))
    }

    /// An attribute of an element (`null` when absent; data-* keep their types on WXML pages).
    pub fn attribute(&self, selector: &str, name: &str) -> Result<Value, Failed> {
        Ok(self.on_element(selector, "Element.getAttributes", json!({ "names": [name] }))?["attributes"][0].take())
    }

    /// The current page instance's data (or the value at `path`, `"list[1].x"`).
    pub fn data(&self, path: Option<&str>) -> Result<Value, Failed> {
        let page = self.page_id()?;
        Ok(self.send("Page.getData", json!({ "pageId": page, "path": path }))?["data"].take())
    }

    /// `setData` on the current page instance; returns once the page has rendered it.
    pub fn set_data(&self, data: Value) -> Result<(), Failed> {
        let page = self.page_id()?;
        self.send("Page.setData", json!({ "pageId": page, "data": data })).map(drop)
    }

    /// Calls a method of the current page instance; its result (awaited if a Promise).
    pub fn call_method(&self, method: &str, args: Vec<Value>) -> Result<Value, Failed> {
        let page = self.page_id()?;
        Ok(self.send("Page.callMethod", json!({ "pageId": page, "method": method, "args": args }))?["result"].take())
    }

    /// Answers API `name` (registered or built-in, `invokeNativePlugin` names included) with
    /// `handler` until [`restore_api`](App::restore_api).
    pub fn mock_api(&self, name: &str, handler: impl Handler) {
        self.overrides.write().expect("overrides lock").insert(name.to_string(), Arc::new(handler));
    }

    /// Puts API `name`'s own handler back.
    pub fn restore_api(&self, name: &str) {
        self.overrides.write().expect("overrides lock").remove(name);
    }

    /// Pushes a host event to pages (`wx.onNativePluginEvent` listeners).
    pub fn emit(&self, target: Target, event: &str, data: Value) -> Result<(), Failed> {
        self.host.emit(target, event, data).map_err(|err| Failed::from(err.to_string()))
    }

    /// Every bridge call answered so far, in order.
    pub fn calls(&self) -> Vec<CallLog> {
        self.calls.lock().expect("call log lock").clone()
    }

    /// Every `console.*` call of every webview so far: `{type, args, webviewId}`.
    pub fn console(&self) -> Vec<Value> {
        self.console.lock().expect("console lock").clone()
    }

    /// Every uncaught error and unhandled rejection so far: `{message, stack, webviewId}`.
    pub fn exceptions(&self) -> Vec<Value> {
        self.exceptions.lock().expect("exceptions lock").clone()
    }

    /// A PNG of the window, chrome included.
    pub fn screenshot(&self) -> Result<Vec<u8>, Failed> {
        use base64::Engine;
        let shot = self.send("App.captureScreenshot", json!({}))?;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap_or_default())
            .map_err(|err| Failed::from(err.to_string()))
    }
}

fn page_info(page: &Value) -> PageInfo {
    PageInfo {
        id: page["pageId"].as_u64().unwrap_or_default(),
        path: page["path"].as_str().unwrap_or_default().to_string(),
        query: page["query"].clone(),
    }
}

fn message(failed: &Failed) -> String {
    failed.message().unwrap_or("failed").to_string()
}
