//! One running mini program in the window: its page webviews stacked in one container,
//! the router that decides them, the chrome around them, and the built-in calls only the
//! UI thread can answer.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tao::window::Window;

use super::chrome::{Chrome, NavState, ToastKind};
use super::page::{self, Page, PageContext, PageSetup};
use super::screenshot;
use super::user_event::{Control, UserEvent};
use super::web_context::SharedWebContext;
use super::ShellError;
use crate::core::app_config::is_hex_color;
use crate::core::host::{ShellRequest, Target, WebViewId};
use crate::core::profile::{self, Stage};
use crate::core::protocol::delivery_script;
use crate::core::router::{Effect, Router};

/// How long a page may take to run a lifecycle hook before the next one goes out anyway.
const HOOK_TIMEOUT: Duration = Duration::from_secs(3);

/// How long an unloaded page's webview lives on, hidden: the answer to the call that
/// unloaded it, and whatever its onUnload started, still reach it.
const UNLOAD_GRACE: Duration = Duration::from_secs(1);

type Answer = Result<Option<Map<String, Value>>, String>;

/// A lifecycle step waiting its turn: hooks run one page at a time, in WeChat's order.
enum Hook {
    /// A new page: it runs onLoad and onShow itself once its document is parsed.
    Created(WebViewId),
    /// A hook the shell sends (`onShow`, `onHide`, `onUnload`), optionally to App too.
    Send { page: WebViewId, hook: &'static str, app: bool },
}

/// The running mini program.
pub struct MiniProgram {
    context: PageContext,
    web_context: Rc<RefCell<SharedWebContext>>,
    router: Router,
    pages: HashMap<WebViewId, Page>,
    navs: HashMap<WebViewId, NavState>,
    chrome: Chrome,
    queued: HashMap<WebViewId, Vec<String>>,
    hooks: VecDeque<Hook>,
    awaiting: Option<(WebViewId, u64)>,
    hook_generation: u64,
    toast_generation: u64,
    modal: Option<tokio::sync::oneshot::Sender<Answer>>,
    launched: bool,
}

impl MiniProgram {
    /// Sets up the chrome and opens the home page.
    pub fn open(
        context: PageContext,
        web_context: Rc<RefCell<SharedWebContext>>,
        chrome: Chrome,
    ) -> Result<MiniProgram, ShellError> {
        web_context.borrow().own(Some(context.clone()));
        let router = Router::new(context.package.config(), 1);
        let mut program = MiniProgram {
            context,
            web_context,
            router,
            pages: HashMap::new(),
            navs: HashMap::new(),
            chrome,
            queued: HashMap::new(),
            hooks: VecDeque::new(),
            awaiting: None,
            hook_generation: 0,
            toast_generation: 0,
            modal: None,
            launched: false,
        };
        let home = program.context.package.home().to_string();
        let effects = program.router.launch(&home).map_err(ShellError::Window)?;
        program.apply(effects)?;
        Ok(program)
    }

    /// Queues an encoded message for a page (sent at the end of the loop pass).
    pub fn queue(&mut self, id: WebViewId, message: String) {
        if profile::enabled() {
            if let Some(call) = profile::reply_id(&message) {
                profile::mark(Stage::ReplyReceived, call);
            }
        }
        self.queued.entry(id).or_default().push(message);
    }

    /// Queues a message for every page the target names.
    pub fn broadcast(&mut self, target: &Target, message: String) {
        let ids: Vec<WebViewId> = self
            .pages
            .values()
            .filter(|page| match target {
                Target::All => true,
                Target::App(app_id) => &page.app_id == app_id,
                Target::WebView(id) => page.id == *id,
            })
            .map(|page| page.id)
            .collect();
        for id in ids {
            self.queue(id, message.clone());
        }
    }

    /// Delivers everything queued: one `evaluate_script` per page.
    pub fn flush(&mut self) {
        for (id, messages) in self.queued.drain() {
            if let Some(page) = self.pages.get(&id) {
                if let Err(err) = page.webview.evaluate_script(&delivery_script(&messages)) {
                    tracing::error!(webview = id, %err, "cannot deliver to a page");
                }
                if profile::enabled() {
                    for call in messages.iter().filter_map(|m| profile::reply_id(m)) {
                        profile::mark(Stage::Evaluated, call);
                    }
                }
            }
        }
    }

    /// Applies route effects in order, then shows the new top page and its chrome.
    fn apply(&mut self, effects: Vec<Effect>) -> Result<(), ShellError> {
        for effect in effects {
            match effect {
                Effect::Create(page_ref) => {
                    let stack = serde_json::to_value(self.router.stack()).unwrap_or_default();
                    let setup = PageSetup { page: &page_ref, launch: !self.launched, stack };
                    self.launched = true;
                    let related = self.pages.values().next().map(|page| {
                        use wry::WebViewExtUnix;
                        page.webview.webview()
                    });
                    let mut shared = self.web_context.borrow_mut();
                    let scheme = shared.scheme_to_register();
                    let page = page::open(
                        &self.context,
                        &mut shared.context,
                        scheme,
                        &self.chrome.pages,
                        &setup,
                        related,
                    )?;
                    shared.scheme_registered();
                    drop(shared);
                    let window = self.context.package.page_window(&page_ref.route);
                    self.navs.insert(page.id, NavState::from_window(&window));
                    self.pages.insert(page.id, page);
                    tracing::info!(webview = page_ref.web_view_id, route = %page_ref.route, "page opened");
                    self.hooks.push_back(Hook::Created(page_ref.web_view_id));
                }
                Effect::Show(id) => self.hooks.push_back(Hook::Send { page: id, hook: "onShow", app: false }),
                Effect::Hide(id) => self.hooks.push_back(Hook::Send { page: id, hook: "onHide", app: false }),
                Effect::Unload(id) => {
                    self.navs.remove(&id);
                    self.hooks.push_back(Hook::Send { page: id, hook: "onUnload", app: false });
                }
            }
        }
        let top = self.router.top().map(|page| page.web_view_id);
        for page in self.pages.values() {
            let _ = page.webview.set_visible(Some(page.id) == top);
        }
        self.refresh_chrome();
        let stack = json!({"type": "pages", "pages": self.router.stack()}).to_string();
        let live: Vec<WebViewId> = self.router.live().map(|page| page.web_view_id).collect();
        for id in live {
            self.queue(id, stack.clone());
        }
        self.pump_hooks();
        Ok(())
    }

    fn refresh_chrome(&mut self) {
        let Some(top) = self.router.top().cloned() else { return };
        if let Some(nav) = self.navs.get(&top.web_view_id) {
            self.chrome.show_nav(nav, self.router.stack().len() > 1);
        }
        let selected = self.context.package.config().tab_bar.as_ref().and_then(|bar| {
            bar.list.iter().position(|item| item.page_path == top.route)
        });
        self.chrome.show_tabs(selected);
    }

    /// Sends the next lifecycle hook if none is running.
    fn pump_hooks(&mut self) {
        while self.awaiting.is_none() {
            let Some(hook) = self.hooks.pop_front() else { return };
            let (page, message) = match hook {
                Hook::Created(page) => (page, None),
                Hook::Send { page, hook, app } => {
                    (page, Some(json!({"type": "lifecycle", "hook": hook, "app": app}).to_string()))
                }
            };
            if !self.pages.contains_key(&page) {
                continue;
            }
            if let Some(message) = message {
                self.queue(page, message);
            }
            self.hook_generation += 1;
            self.awaiting = Some((page, self.hook_generation));
            let generation = self.hook_generation;
            let proxy = self.context.proxy.clone();
            self.context.runtime.spawn(async move {
                tokio::time::sleep(HOOK_TIMEOUT).await;
                let _ = proxy.send_event(UserEvent::HookTimeout(generation));
            });
        }
    }

    /// A page ran a hook; an `onUnload` page is destroyed after a grace period.
    pub fn hook_done(&mut self, id: WebViewId, hook: &str) {
        if hook == "onUnload" {
            self.destroy_later(id);
        }
        if self.awaiting.is_some_and(|(page, _)| page == id) {
            self.awaiting = None;
            self.pump_hooks();
        }
    }

    /// A page did not acknowledge a hook in time.
    pub fn hook_timeout(&mut self, generation: u64) {
        if let Some((page, current)) = self.awaiting {
            if current == generation {
                tracing::warn!(webview = page, "a page did not finish a lifecycle hook in time");
                if !self.router.live().any(|live| live.web_view_id == page) {
                    self.destroy_later(page);
                }
                self.awaiting = None;
                self.pump_hooks();
            }
        }
    }

    fn destroy_later(&self, id: WebViewId) {
        let proxy = self.context.proxy.clone();
        self.context.runtime.spawn(async move {
            tokio::time::sleep(UNLOAD_GRACE).await;
            let _ = proxy.send_event(UserEvent::Destroy(id));
        });
    }

    /// Destroys an unloaded page's webview.
    pub fn destroy(&mut self, id: WebViewId) {
        if self.router.live().any(|page| page.web_view_id == id) {
            return;
        }
        if let Some(page) = self.pages.remove(&id) {
            self.queued.remove(&id);
            self.context.origins.write().expect("origins lock").remove(&id);
            drop(page);
            tracing::info!(webview = id, "page closed");
        }
    }

    /// The window was minimised or restored: the top page and the App hide or show.
    pub fn minimized(&mut self, minimized: bool) {
        if let Some(top) = self.router.top() {
            let hook = if minimized { "onHide" } else { "onShow" };
            self.hooks.push_back(Hook::Send { page: top.web_view_id, hook, app: true });
            self.pump_hooks();
        }
    }

    /// A chrome control was clicked.
    pub fn clicked(&mut self, control: Control) -> Result<(), ShellError> {
        match control {
            Control::Back => {
                if let Ok(effects) = self.router.navigate_back(&json!(1)) {
                    self.apply(effects)?;
                }
            }
            Control::Tab(i) => {
                let route = self
                    .context
                    .package
                    .config()
                    .tab_bar
                    .as_ref()
                    .and_then(|bar| bar.list.get(i))
                    .map(|item| format!("/{}", item.page_path));
                if let Some(route) = route {
                    match self.router.switch_tab(None, &Value::String(route)) {
                        Ok(effects) => self.apply(effects)?,
                        Err(err) => tracing::warn!(%err, "tab click refused"),
                    }
                }
            }
            Control::ModalConfirm | Control::ModalCancel => {
                self.chrome.hide_modal();
                if let Some(reply) = self.modal.take() {
                    let confirm = control == Control::ModalConfirm;
                    let _ = reply.send(Ok(json!({"confirm": confirm, "cancel": !confirm}).as_object().cloned()));
                }
            }
        }
        Ok(())
    }

    /// The toast of this generation reached its duration.
    pub fn toast_elapsed(&mut self, generation: u64) {
        if generation == self.toast_generation {
            self.chrome.hide_toast(ToastKind::Toast);
        }
    }

    /// Answers a built-in call or host request.
    pub fn request(&mut self, window: &Window, request: ShellRequest) -> Result<(), ShellError> {
        let ShellRequest { web_view_id, api_name, data, reply } = request;
        if api_name == "showModal" {
            if self.modal.is_some() {
                let _ = reply.send(Err("another modal is showing".into()));
                return Ok(());
            }
            let text = |key: &str, default: &str| {
                data.get(key).and_then(Value::as_str).unwrap_or(default).to_string()
            };
            let show_cancel = data.get("showCancel").and_then(Value::as_bool).unwrap_or(true);
            self.chrome.show_modal(
                &text("title", ""),
                &text("content", ""),
                show_cancel,
                &text("cancelText", "Cancel"),
                &text("confirmText", "OK"),
            );
            self.modal = Some(reply);
            return Ok(());
        }
        let answer = self.answer(window, web_view_id, &api_name, &data);
        let answer = match answer {
            Ok(answer) => answer,
            Err(Failure::Call(message)) => Err(message),
            Err(Failure::Shell(err)) => {
                let _ = reply.send(Err(err.to_string()));
                return Err(err);
            }
        };
        let _ = reply.send(answer);
        Ok(())
    }

    fn answer(&mut self, window: &Window, from: WebViewId, api: &str, data: &Value) -> Result<Answer, Failure> {
        let from_route = self
            .router
            .live()
            .find(|page| page.web_view_id == from)
            .map(|page| page.route.clone());
        let from_page = from_route.as_deref();
        let routed = match api {
            "navigateTo" => Some(self.router.navigate_to(from_page, &data["url"])),
            "redirectTo" => Some(self.router.redirect_to(from_page, &data["url"])),
            "reLaunch" => Some(self.router.re_launch(from_page, &data["url"])),
            "switchTab" => Some(self.router.switch_tab(from_page, &data["url"])),
            "navigateBack" => Some(self.router.navigate_back(&data["delta"])),
            _ => None,
        };
        if let Some(routed) = routed {
            let effects = routed.map_err(|err| Failure::Call(strip_fail(&err)))?;
            self.apply(effects)?;
            return Ok(Ok(None));
        }
        match api {
            "showToast" => {
                let title = data.get("title").and_then(Value::as_str).unwrap_or("");
                let icon = data.get("icon").and_then(Value::as_str).unwrap_or("success");
                if !matches!(icon, "success" | "error" | "loading" | "none") {
                    return Err(Failure::Call(format!("parameter error: icon must be success, error, loading or none, got {icon:?}")));
                }
                let duration = data.get("duration").and_then(Value::as_u64).unwrap_or(1500);
                let mask = data.get("mask").and_then(Value::as_bool).unwrap_or(false);
                self.chrome.show_toast(ToastKind::Toast, title, icon, mask);
                self.toast_generation += 1;
                let generation = self.toast_generation;
                let proxy = self.context.proxy.clone();
                self.context.runtime.spawn(async move {
                    tokio::time::sleep(Duration::from_millis(duration)).await;
                    let _ = proxy.send_event(UserEvent::ToastElapsed(generation));
                });
            }
            "hideToast" => {
                self.chrome.hide_toast(ToastKind::Toast);
            }
            "showLoading" => {
                let title = data.get("title").and_then(Value::as_str).unwrap_or("");
                let mask = data.get("mask").and_then(Value::as_bool).unwrap_or(false);
                self.toast_generation += 1;
                self.chrome.show_toast(ToastKind::Loading, title, "loading", mask);
            }
            "hideLoading" => {
                self.chrome.hide_toast(ToastKind::Loading);
            }
            "setNavigationBarTitle" => {
                let Some(title) = data.get("title").and_then(Value::as_str) else {
                    return Err(Failure::Call("parameter error: title must be a string".into()));
                };
                if let Some(nav) = self.navs.get_mut(&from) {
                    nav.title = title.to_string();
                }
                self.refresh_chrome();
            }
            "setNavigationBarColor" => {
                let front = data.get("frontColor").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
                if front != "#ffffff" && front != "#000000" {
                    return Err(Failure::Call(format!("parameter error: frontColor must be \"#ffffff\" or \"#000000\", got {front:?}")));
                }
                let background = data.get("backgroundColor").and_then(Value::as_str).unwrap_or_default();
                if !is_hex_color(background) {
                    return Err(Failure::Call(format!("parameter error: backgroundColor must be a colour like \"#07c160\", got {background:?}")));
                }
                if let Some(nav) = self.navs.get_mut(&from) {
                    nav.front = front;
                    nav.background = background.to_string();
                }
                self.refresh_chrome();
            }
            "getWindowInfo" => return Ok(Ok(Some(self.window_info(window)))),
            "getDeviceInfo" => return Ok(Ok(Some(device_info()))),
            "getAppBaseInfo" => return Ok(Ok(Some(app_base_info()))),
            "getSystemInfo" => {
                let mut info = self.window_info(window);
                info.extend(device_info());
                info.extend(app_base_info());
                return Ok(Ok(Some(info)));
            }
            "__chromeState" => {
                let mut state = self.chrome.state().as_object().cloned().unwrap_or_default();
                state.insert("pages".into(), serde_json::to_value(self.router.stack()).unwrap_or_default());
                state.insert("liveWebviews".into(), json!(self.pages.len()));
                state.insert("window".into(), Value::Object(self.window_info(window)));
                return Ok(Ok(Some(state)));
            }
            "__press" => {
                match data.as_str().unwrap_or_default() {
                    "close" => {
                        // What the window manager's close button does: a delete-event,
                        // which tao turns into CloseRequested.
                        use gtk::prelude::GtkWindowExt;
                        use tao::platform::unix::WindowExtUnix;
                        window.gtk_window().close();
                    }
                    "minimize" => self.minimized(true),
                    "restore" => self.minimized(false),
                    "back" => self.chrome.press(&Control::Back).map_err(Failure::Call)?,
                    "modal:confirm" => self.chrome.press(&Control::ModalConfirm).map_err(Failure::Call)?,
                    "modal:cancel" => self.chrome.press(&Control::ModalCancel).map_err(Failure::Call)?,
                    other => match other.strip_prefix("tab:").and_then(|i| i.parse().ok()) {
                        Some(i) => self.chrome.press(&Control::Tab(i)).map_err(Failure::Call)?,
                        None => return Err(Failure::Call(format!("unknown control {other:?}"))),
                    },
                }
            }
            "__screenshot" => {
                let path = data.as_str().unwrap_or_default();
                screenshot::capture(window, std::path::Path::new(path)).map_err(Failure::Call)?;
            }
            other => return Err(Failure::Call(format!("{other:?} is not a shell api"))),
        }
        Ok(Ok(None))
    }

    fn window_info(&self, window: &Window) -> Map<String, Value> {
        let scale = window.scale_factor();
        let inner = window.inner_size().to_logical::<f64>(scale);
        let screen = window
            .current_monitor()
            .map(|m| m.size().to_logical::<f64>(m.scale_factor()))
            .map(|s| (s.width, s.height))
            .unwrap_or((inner.width, inner.height));
        use gtk::prelude::WidgetExt;
        let (page_w, page_h) = (self.chrome.pages.allocated_width(), self.chrome.pages.allocated_height());
        json!({
            "pixelRatio": scale,
            "screenWidth": screen.0,
            "screenHeight": screen.1,
            "windowWidth": page_w,
            "windowHeight": page_h,
            "outerWidth": inner.width,
            "outerHeight": inner.height,
            "statusBarHeight": 0,
            "screenTop": 0,
            "safeArea": {"left": 0, "top": 0, "right": page_w, "bottom": page_h, "width": page_w, "height": page_h},
        })
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    /// Closes every page (the run is ending).
    pub fn close(mut self) {
        self.chrome.detach();
        self.pages.clear();
        self.web_context.borrow().own(None);
        if let Some(reply) = self.modal.take() {
            let _ = reply.send(Err("the shell is shutting down".into()));
        }
    }
}

enum Failure {
    Call(String),
    Shell(ShellError),
}

impl From<ShellError> for Failure {
    fn from(err: ShellError) -> Failure {
        Failure::Shell(err)
    }
}

/// `"navigateTo:fail page ..."` -> `"page ..."` (the bridge adds the prefix back).
fn strip_fail(message: &str) -> String {
    message
        .split_once(":fail ")
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_else(|| message.to_string())
}

fn device_info() -> Map<String, Value> {
    json!({
        "brand": "desktop",
        "model": "superapp-shell",
        "system": format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        "platform": std::env::consts::OS,
        "abi": std::env::consts::ARCH,
        "cpuType": std::env::consts::ARCH,
        "benchmarkLevel": -1,
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}

fn app_base_info() -> Map<String, Value> {
    let language = std::env::var("LANG")
        .ok()
        .and_then(|lang| lang.split('.').next().map(str::to_string))
        .filter(|lang| !lang.is_empty() && lang != "C" && lang != "POSIX")
        .unwrap_or_else(|| "en".into());
    json!({
        "SDKVersion": env!("CARGO_PKG_VERSION"),
        "version": env!("CARGO_PKG_VERSION"),
        "language": language,
        "theme": "light",
        "enableDebug": false,
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}
