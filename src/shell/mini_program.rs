//! One running mini program in the window: its page webviews stacked in one container,
//! the router that decides them, the chrome around them, and the built-in calls only the
//! UI thread can answer.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tao::window::Window;

use super::chrome::{Chrome, NavState, ToastKind};
use super::lane::Lane;
use super::page::{self, Page, PageContext, PageSetup};
use super::screenshot;
use super::user_event::{Control, UserEvent};
use super::web_context::SharedWebContext;
use super::ShellError;
use crate::core::app_config::is_hex_color;
use crate::core::event_hold::{EventHold, Offer};
use crate::core::host::{ShellReply, ShellRequest, Target, WebViewId};
use crate::core::lifecycle::{app_runs_first, Action, Hook, LifecycleQueue, UNLOAD_GRACE};
use crate::core::profile::{self, Stage};
use crate::core::protocol::{delivery_script, Encoded, Outbound, PageMessage};
use crate::wxml::bundle::{LOGIC_ROUTE, SPARE_ROUTE};

/// The webview id of a WXML mini program's logic context (never a page's: the router
/// numbers pages from 1).
pub const LOGIC_ID: WebViewId = 1_000_000_000;
use crate::core::router::{Effect, Router};

mod action_sheet;
mod automation;
mod files;
mod guard;
mod modal;
mod page_output;
mod page_task;
mod press;
mod routing;
use crate::core::event_channel::Channels;
use crate::core::ui_api::UiApi;
pub use automation::{After, AutomationShared, Automator};
pub use guard::RESTARTED_EVENT;
use routing::Settle;

type Answer = Result<Option<Map<String, Value>>, String>;

/// The running mini program.
pub struct MiniProgram {
    context: PageContext,
    web_context: Rc<RefCell<SharedWebContext>>,
    router: Router,
    pages: HashMap<WebViewId, Page>,
    navs: HashMap<WebViewId, NavState>,
    chrome: Chrome,
    queued: HashMap<WebViewId, Vec<Encoded>>,
    /// Host events for pages not listening yet, delivered when they are.
    held: EventHold<Encoded>,
    hooks: LifecycleQueue,
    toast_generation: u64,
    /// The logic context of a WXML mini program.
    logic: Option<Logic>,
    /// The modal showing, and the page that showed it.
    modal: Option<(WebViewId, ShellReply)>,
    /// The action sheet showing, with its page and its call's reply.
    action_sheet: Option<(WebViewId, ShellReply)>,
    /// The file chooser of `wx.chooseImage` & co., while open.
    chooser: Option<crate::shell::file_chooser::FileChooser>,
    launched: bool,
    /// The page whose pull-down refresh is showing.
    refreshing: Option<WebViewId>,
    /// A WXML mini program's preloaded render webview, for the next new page.
    spare: Option<Spare>,
    /// Automation (`superapp auto`, the testing harness), when on.
    automator: Option<Automator>,
    /// Every page has been sent its onUnload (the run is ending).
    unloaded_all: bool,
    /// The short way from the webviews' IPC handlers to this mini program.
    lane: Rc<Lane>,
    /// Every page opened and not yet destroyed: its route and query, by webview.
    page_refs: HashMap<WebViewId, crate::core::router::PageRef>,
    /// Page tasks (`pageScrollTo`, selector queries) waiting for their page, by number.
    tasks: HashMap<u64, (WebViewId, ShellReply)>,
    next_task: u64,
    /// Route calls waiting for their hooks, by barrier token.
    settles: HashMap<u64, (Option<WebViewId>, Settle)>,
    next_settle: u64,
    /// The `EventChannel`s between pages.
    channels: Channels,
    /// WXML pages whose render webview has shown its first render.
    rendered: std::collections::HashSet<WebViewId>,
    /// Automation messages for WXML pages that have not rendered yet.
    awaiting_render: Vec<(WebViewId, Encoded)>,
    /// The App is hidden (the window is minimised or hidden).
    app_hidden: bool,
    /// The guard of its web process (guard.rs).
    watchdog: crate::core::watchdog::Watchdog,
    /// How many times it restarted: the generation its webviews' signals carry.
    restarts: u64,
    /// The webview the watchdog's waiting ping went to.
    ping_target: Option<WebViewId>,
}

impl MiniProgram {
    /// Sets up the chrome and opens the home page.
    pub fn open(
        context: PageContext,
        web_context: Rc<RefCell<SharedWebContext>>,
        chrome: Chrome,
        lane: Rc<Lane>,
        watchdog: crate::core::watchdog::Watchdog,
    ) -> Result<MiniProgram, ShellError> {
        web_context.borrow().own(Some(context.clone()));
        let router = Router::new(context.package.config(), 1);
        let held_limit = context.bridge.limits().max_held_events;
        let mut program = MiniProgram {
            context,
            web_context,
            router,
            pages: HashMap::new(),
            navs: HashMap::new(),
            chrome,
            queued: HashMap::new(),
            held: EventHold::new(held_limit),
            hooks: LifecycleQueue::new(),
            toast_generation: 0,
            modal: None,
            action_sheet: None,
            chooser: None,
            launched: false,
            logic: None,
            refreshing: None,
            spare: None,
            automator: None,
            unloaded_all: false,
            lane,
            settles: HashMap::new(),
            page_refs: HashMap::new(),
            tasks: HashMap::new(),
            next_task: 0,
            next_settle: 0,
            channels: Channels::new(),
            rendered: Default::default(),
            awaiting_render: Vec::new(),
            app_hidden: false,
            watchdog,
            restarts: 0,
            ping_target: None,
        };
        if program.context.wxml.is_some() {
            program.open_logic()?;
        }
        let home = program.context.package.home().to_string();
        let effects = program
            .router
            .launch(&home)
            .map_err(|err| ShellError::Window(format!("cannot open the home page: {err}")))?;
        program.apply(effects)?;
        Ok(program)
    }

    /// Opens a webview in the mini program's web context and in the web process of its
    /// other webviews: a WXML mini program's logic context, its render webviews and its
    /// spare share one process, as the pages of an HTML one do.
    fn open_webview(&self, setup: &PageSetup<'_>) -> Result<Page, wry::Error> {
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
            setup,
            related,
            self.lane.clone(),
        );
        if page.is_ok() {
            shared.scheme_registered();
        }
        if let Ok(page) = &page {
            // A crash (or the kernel's OOM killer) restarts the mini program (guard.rs).
            use webkit2gtk::WebViewExt;
            use wry::WebViewExtUnix;
            let (proxy, generation) = (self.context.proxy.clone(), self.restarts);
            page.webview.webview().connect_web_process_terminated(move |_, reason| {
                let crashed = reason != webkit2gtk::WebProcessTerminationReason::TerminatedByApi;
                let _ = proxy.send_event(UserEvent::WebProcessGone(generation, crashed));
            });
        }
        page
    }

    /// Opens the hidden logic context of a WXML mini program.
    fn open_logic(&mut self) -> Result<(), ShellError> {
        let page_ref =
            crate::core::router::PageRef { web_view_id: LOGIC_ID, route: LOGIC_ROUTE.to_string(), options: Map::new() };
        let setup = PageSetup { page: &page_ref, launch: false, stack: Value::Array(Vec::new()), acts_for_pages: true };
        let page = self.open_webview(&setup)?;
        let _ = page.webview.set_visible(false);
        self.pages.insert(LOGIC_ID, page);
        self.logic = Some(Logic { ready: false, backlog: Vec::new(), launched: false, traffic: 0 });
        tracing::info!("logic context opened");
        Ok(())
    }

    /// Makes a render webview ahead of time for the next new page of a WXML mini program
    /// (after a page has rendered, so that it does not slow that page down). It gets the
    /// id the router will give that page; it is dropped if another page takes that id.
    fn preload(&mut self) {
        let page_ref = crate::core::router::PageRef {
            web_view_id: self.router.next_id(),
            route: SPARE_ROUTE.to_string(),
            options: Map::new(),
        };
        let stack = serde_json::to_value(self.router.stack()).unwrap_or_default();
        let setup = PageSetup { page: &page_ref, launch: false, stack, acts_for_pages: false };
        match self.open_webview(&setup) {
            Ok(page) => {
                let _ = page.webview.set_visible(false);
                tracing::debug!(webview = page.id, "preloaded a render webview");
                self.spare = Some(Spare { page, ready: false });
            }
            Err(err) => tracing::warn!(%err, "cannot preload a render webview"),
        }
    }

    /// Sends a message to the logic context (held until its bridge listens).
    fn send_to_logic(&mut self, message: Encoded) {
        match &mut self.logic {
            Some(logic) if !logic.ready => logic.backlog.push(message),
            Some(_) => self.queue(LOGIC_ID, message),
            None => tracing::warn!("a message for a logic context, but this mini program has none"),
        }
    }

    /// A message of the two layers of a WXML mini program, from webview `from`. Only the
    /// logic context may say a page ran a hook or send a page's data; only a page's render
    /// webview may say it rendered or that a handler fired.
    pub fn two_layer(&mut self, from: WebViewId, message: PageMessage) {
        let from_logic = from == LOGIC_ID && self.logic.is_some();
        let from_page = from != LOGIC_ID && self.logic.is_some() && self.pages.contains_key(&from);
        // (what crosses for a page that is still open: a closed page's leftovers do not count)
        let counted = match &message {
            PageMessage::SetData { page, .. } | PageMessage::Component { page: Some(page), .. } => {
                self.pages.contains_key(page)
            }
            PageMessage::Rendered { .. } | PageMessage::Component { page: None, .. } => from_page,
            _ => false,
        };
        if let (true, Some(logic)) = (counted, self.logic.as_mut()) {
            logic.traffic += 1;
        }
        match message {
            PageMessage::PageHookDone { page, hook } if from_logic => self.hook_done(page, hook),
            PageMessage::SetData { page, seq, data } if from_logic => {
                if page != LOGIC_ID && self.pages.contains_key(&page) {
                    self.queue(page, Outbound::SetData { seq, data }.encoded());
                }
            }
            PageMessage::Rendered { seq } if from_page => {
                self.send_to_logic(Outbound::Rendered { page: from, seq }.encoded());
                self.first_render(from);
                if self.spare.is_none() {
                    self.preload();
                }
            }
            PageMessage::Component { page: None, data } if from_page => {
                self.send_to_logic(Outbound::Component { page: from, data }.encoded());
            }
            PageMessage::Component { page: Some(page), data } if from_logic => {
                if self.pages.contains_key(&page) {
                    self.queue(page, Outbound::Component { page, data }.encoded());
                }
            }
            PageMessage::WxmlEvent { handler, event } if from_page => {
                self.send_to_logic(Outbound::WxmlEvent { page: from, handler, event }.encoded())
            }
            PageMessage::AutomationDone { seq, outcome } => self.agent_done(from, seq, outcome),
            PageMessage::Pong { seq } => self.pong(from, seq),
            PageMessage::Console { level, args, page } => self.console(from, page, &level, args),
            PageMessage::Exception(error) => self.exception(from, error),
            PageMessage::ChannelEmit { side, key, event, args, page } => {
                self.channel_emit(from, page, side, key, event, args)
            }
            PageMessage::PageTaskDone { seq, outcome } => self.page_task_done(from, seq, outcome),
            PageMessage::AutomationBinding { name, args } => {
                self.agent_event("App.bindingCalled", json!({ "name": name, "args": args }))
            }
            other => {
                tracing::warn!(webview = from, message = ?other, "ignored a two-layer message from the wrong webview")
            }
        }
    }

    /// A batch of two-layer messages from webview `from`, in order, then delivered at once.
    pub fn two_layer_batch(&mut self, from: WebViewId, messages: Vec<PageMessage>) {
        for message in messages {
            self.two_layer(from, message);
        }
        self.flush();
    }

    /// Sends a message to a webview once its bridge listens (the logic context's backlog,
    /// or the event hold of a page still loading).
    fn deliver_when_listening(&mut self, id: WebViewId, message: Encoded) {
        if id == LOGIC_ID {
            self.send_to_logic(message);
            return;
        }
        match self.held.offer(id, message) {
            Offer::Deliver(message) => self.queue(id, message),
            Offer::Held => {}
            Offer::HeldDroppingOldest => tracing::warn!(webview = id, "too many messages held for a loading page"),
        }
    }

    /// Queues an encoded message for a page (sent at the end of the loop pass).
    pub fn queue(&mut self, id: WebViewId, message: Encoded) {
        if let Some(call) = message.reply_to {
            profile::mark(Stage::ReplyReceived, call);
        }
        self.queued.entry(id).or_default().push(message);
    }

    /// Queues a message for every page the target names.
    pub fn broadcast(&mut self, target: &Target, message: String) {
        let message = Encoded { text: message, reply_to: None };
        let mut ids: Vec<WebViewId> = self
            .pages
            .values()
            .filter(|page| match target {
                Target::All => true,
                Target::App(app_id) => &page.app_id == app_id,
                Target::WebView(id) => page.id == *id,
            })
            .map(|page| page.id)
            .collect();
        // A WXML page's JS (its listeners) runs in the logic context: an event for the page
        // reaches it there too.
        if self.logic.is_some() && !ids.is_empty() && !ids.contains(&LOGIC_ID) {
            ids.push(LOGIC_ID);
        }
        for id in ids {
            match self.held.offer(id, message.clone()) {
                Offer::Deliver(message) => self.queue(id, message),
                Offer::Held => {}
                Offer::HeldDroppingOldest => tracing::warn!(
                    webview = id,
                    "a page that is not listening yet has too many host events held; dropped the oldest"
                ),
            }
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
                    for call in messages.iter().filter_map(|m| m.reply_to) {
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
                Effect::Create(page_ref) if self.spare.as_ref().is_some_and(|s| s.page.id == page_ref.web_view_id) => {
                    // WeChat's trick: the new page's render webview was made ahead of time;
                    // it only needs to be told its page. If it is still loading, the page
                    // waits for its `ready` as any new page does (its id is this page's).
                    let Spare { page, ready } = self.spare.take().expect("checked");
                    let id = page_ref.web_view_id;
                    self.page_refs.insert(id, page_ref.clone());
                    let window = self.context.package.page_window(&page_ref.route);
                    self.navs.insert(id, NavState::from_window(&window));
                    self.pages.insert(id, page);
                    let attach = Outbound::Attach { route: page_ref.route.clone(), query: page_ref.options.clone() };
                    tracing::info!(webview = id, route = %page_ref.route, loaded = ready, "page opened (preloaded)");
                    self.hooks.push(id, Hook::OnLoad, false);
                    if ready {
                        for message in self.held.ready(id) {
                            self.queue(id, message);
                        }
                        self.queue(id, attach.encoded());
                        let actions = self.hooks.page_ready(id);
                        self.act(actions);
                    } else {
                        self.deliver_when_listening(id, attach.encoded());
                    }
                }
                Effect::Create(page_ref) => {
                    // (a spare is always made for the next id: none can be left here)
                    self.spare = None;
                    let stack = serde_json::to_value(self.router.stack()).unwrap_or_default();
                    let setup = PageSetup { page: &page_ref, launch: !self.launched, stack, acts_for_pages: false };
                    self.launched = true;
                    let page = self.open_webview(&setup)?;
                    self.page_refs.insert(page_ref.web_view_id, page_ref.clone());
                    let window = self.context.package.page_window(&page_ref.route);
                    self.navs.insert(page.id, NavState::from_window(&window));
                    self.pages.insert(page.id, page);
                    tracing::info!(webview = page_ref.web_view_id, route = %page_ref.route, "page opened");
                    self.hooks.push(page_ref.web_view_id, Hook::OnLoad, false);
                }
                Effect::Show(id) => self.hooks.push(id, Hook::OnShow, false),
                Effect::Hide(id) => self.hooks.push(id, Hook::OnHide, false),
                Effect::Unload(id) => {
                    self.navs.remove(&id);
                    self.dismiss_modal_of(id);
                    self.dismiss_action_sheet_of(id);
                    self.hooks.push(id, Hook::OnUnload, false);
                }
            }
        }
        let top = self.router.top().map(|page| page.web_view_id);
        if self.refreshing.is_some() && self.refreshing != top {
            self.refreshing = None;
            self.chrome.set_refreshing(false);
        }
        for page in self.pages.values() {
            let _ = page.webview.set_visible(Some(page.id) == top);
        }
        self.refresh_chrome();
        self.publish_stack();
        let actions = self.hooks.pump();
        self.act(actions);
        Ok(())
    }

    fn refresh_chrome(&mut self) {
        let Some(top) = self.router.top().cloned() else { return };
        if let Some(nav) = self.navs.get(&top.web_view_id) {
            self.chrome.show_nav(nav, self.router.stack().len() > 1);
        }
        let selected = self
            .context
            .package
            .config()
            .tab_bar
            .as_ref()
            .and_then(|bar| bar.list.iter().position(|item| item.page_path == top.route));
        self.chrome.show_tabs(selected);
    }

    /// Carries out what the lifecycle queue decided.
    fn act(&mut self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Settle(token) => self.settled(token),
                Action::Run(step) if self.logic.is_some() => {
                    // WXML: the page's JS runs in the logic context.
                    if step.hook == Hook::OnLoad {
                        // getCurrentPages() names the page from its onLoad on.
                        self.publish_stack();
                    }
                    // (from the page's own record: a page closed before its onLoad ran is no
                    // longer the router's, and still loads, then unloads, in order)
                    let page = self.page_refs.get(&step.page).cloned();
                    let logic = self.logic.as_mut().expect("checked");
                    let launch = step.hook == Hook::OnLoad && !logic.launched;
                    logic.launched |= launch;
                    let message = Outbound::PageLifecycle {
                        page: step.page,
                        hook: step.hook,
                        app: step.app,
                        app_first: app_runs_first(step.hook),
                        route: page.as_ref().map(|p| p.route.clone()).unwrap_or_default(),
                        query: page.map(|p| p.options).unwrap_or_default(),
                        launch,
                    };
                    self.send_to_logic(message.encoded());
                }
                Action::Run(step) => {
                    if step.hook == Hook::OnLoad {
                        self.publish_stack();
                    }
                    let message =
                        Outbound::Lifecycle { hook: step.hook, app: step.app, app_first: app_runs_first(step.hook) }
                            .encoded();
                    self.queue(step.page, message);
                }
                Action::StartTimer { generation, after } => {
                    self.later(after, UserEvent::HookTimeout(generation));
                }
                Action::DestroyAfter { page, after } => self.later(after, UserEvent::Destroy(page)),
            }
        }
    }

    fn later(&self, after: Duration, event: UserEvent) {
        let proxy = self.context.proxy.clone();
        self.context.runtime.spawn(async move {
            tokio::time::sleep(after).await;
            let _ = proxy.send_event(event);
        });
    }

    /// A page's document is ready: its onLoad may run when its turn comes.
    pub fn page_ready(&mut self, id: WebViewId) {
        if let Some(spare) = self.spare.as_mut().filter(|spare| spare.page.id == id) {
            spare.ready = true;
            return;
        }
        if !self.pages.contains_key(&id) {
            return;
        }
        for message in self.held.ready(id) {
            self.queue(id, message);
        }
        if id == LOGIC_ID {
            if let Some(logic) = &mut self.logic {
                logic.ready = true;
                let backlog = std::mem::take(&mut logic.backlog);
                for message in backlog {
                    self.queue(LOGIC_ID, message);
                }
            }
            return;
        }
        let actions = self.hooks.page_ready(id);
        self.act(actions);
    }

    /// A page ran a hook; an `onUnload` page is destroyed after a grace period.
    pub fn hook_done(&mut self, id: WebViewId, hook: Hook) {
        let actions = self.hooks.done(id, hook);
        self.act(actions);
    }

    /// A page did not acknowledge a hook in time.
    pub fn hook_timeout(&mut self, generation: u64) {
        let actions = self.hooks.timed_out(generation);
        self.act(actions);
    }

    /// Destroys an unloaded page's webview.
    pub fn destroy(&mut self, id: WebViewId) {
        if self.router.live().any(|page| page.web_view_id == id) {
            return;
        }
        if self.awaits_settle(id) {
            // It closed itself with a route call: its answer comes after the new page's
            // hooks; the grace period counts again from here.
            self.later(UNLOAD_GRACE, UserEvent::Destroy(id));
            return;
        }
        if let Some(page) = self.pages.remove(&id) {
            self.queued.remove(&id);
            self.held.forget(id);
            self.context.bridge.page_closed(id);
            self.context.origins.write().expect("origins lock").remove(&id);
            self.agent_webview_closed(id);
            self.channels.page_closed(id);
            self.page_refs.remove(&id);
            self.fail_tasks(Some(id), "the page closed first");
            self.unpinged(id);
            self.rendered.remove(&id);
            self.awaiting_render.retain(|(page, _)| *page != id);
            drop(page);
            let actions = self.hooks.forget(id);
            self.act(actions);
            tracing::info!(webview = id, "page closed");
        }
    }

    /// Starts closing every page, as the shell shuts down: each live page gets its
    /// onUnload (the current page first), one at a time.
    pub fn unload_all(&mut self) {
        // Once is enough (App.exit, then Tool.close or a signal).
        if std::mem::replace(&mut self.unloaded_all, true) {
            return;
        }
        let mut pages: Vec<WebViewId> = self.router.stack().iter().rev().map(|page| page.web_view_id).collect();
        pages.extend(
            self.router.live().map(|page| page.web_view_id).filter(|id| !pages.contains(id)).collect::<Vec<_>>(),
        );
        for id in pages {
            self.hooks.push(id, Hook::OnUnload, false);
        }
        let actions = self.hooks.pump();
        self.act(actions);
    }

    /// Whether no lifecycle hook is running or waiting.
    pub fn hooks_idle(&self) -> bool {
        self.hooks.is_idle()
    }

    /// The window was minimised or hidden (`true`), or restored or shown again: the top
    /// page and the App hide or show. Minimising a hidden window (or hiding a minimised
    /// one) changes nothing: the App hides once and shows once.
    pub fn minimized(&mut self, minimized: bool) {
        if std::mem::replace(&mut self.app_hidden, minimized) == minimized {
            return;
        }
        if let Some(top) = self.router.top() {
            let hook = if minimized { Hook::OnHide } else { Hook::OnShow };
            self.hooks.push(top.web_view_id, hook, true);
            let actions = self.hooks.pump();
            self.act(actions);
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
                self.modal_pressed(control == Control::ModalConfirm);
            }
            // (the capsule's menu opens by itself)
            Control::CapsuleMenu => {}
            Control::CapsuleRestart => {
                self.chrome.close_capsule_menu();
                let home = format!("/{}", self.context.package.pages()[0]);
                match self.router.re_launch(None, &Value::String(home)) {
                    Ok(effects) => self.apply(effects)?,
                    Err(err) => tracing::warn!(%err, "restart refused"),
                }
            }
            Control::ActionItem(i) => self.action_pressed(Some(i)),
            Control::ActionCancel => self.action_pressed(None),
            Control::ViewerPrev | Control::ViewerNext | Control::ViewerClose => self.viewer_pressed(control),
            Control::CapsuleClose => {
                let _ = self.context.proxy.send_event(UserEvent::Exit(0));
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
        let ShellRequest { web_view_id, api, data, reply } = request;
        if api == UiApi::ShowModal {
            self.show_modal(web_view_id, &data, reply);
            return Ok(());
        }
        if api == UiApi::ShowActionSheet {
            self.show_action_sheet(web_view_id, &data, reply);
            return Ok(());
        }
        if api == UiApi::ChooseFiles {
            self.choose_files(window, &data, reply);
            return Ok(());
        }
        if api == UiApi::PreviewImage {
            self.preview_image(window, &data, reply);
            return Ok(());
        }
        if matches!(api, UiApi::SetClipboardData | UiApi::GetClipboardData) {
            super::clipboard::answer(api, &data, reply);
            return Ok(());
        }
        if api == UiApi::Screenshot {
            let path = std::path::PathBuf::from(data.as_str().unwrap_or_default());
            screenshot::after_next_frame(window, move |png| {
                let _ = reply.send(png.and_then(|png| screenshot::save(&png, &path)).map(|()| None));
            });
            return Ok(());
        }
        if matches!(api, UiApi::PageScrollTo | UiApi::SelectorQuery) {
            self.page_task(web_view_id, api, &data, reply);
            return Ok(());
        }
        if api.is_route() {
            let settle: Settle = Box::new(move |result| {
                let _ = reply.send(result.map(|()| None));
            });
            return self.route_call(web_view_id, api, &data, settle);
        }
        let answer = self.answer(window, web_view_id, api, &data);
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

    fn answer(&mut self, window: &Window, from: WebViewId, api: UiApi, data: &Value) -> Result<Answer, Failure> {
        match api {
            // (request() carries these out: answered after the new page has loaded)
            UiApi::NavigateTo | UiApi::RedirectTo | UiApi::ReLaunch | UiApi::SwitchTab | UiApi::NavigateBack => {
                return Err(Failure::Call(format!("{api} is answered by route_call()")))
            }
            // (request() answers these later: when the modal is pressed, after the next
            // frame, when the page has scrolled)
            UiApi::ShowModal
            | UiApi::ShowActionSheet
            | UiApi::ChooseFiles
            | UiApi::PreviewImage
            | UiApi::SetClipboardData
            | UiApi::GetClipboardData
            | UiApi::Screenshot
            | UiApi::PageScrollTo
            | UiApi::SelectorQuery => return Err(Failure::Call(format!("{api} is answered later, by request()"))),
            UiApi::ShowToast => {
                let title = data.get("title").and_then(Value::as_str).unwrap_or("");
                let icon = data.get("icon").and_then(Value::as_str).unwrap_or("success");
                if !matches!(icon, "success" | "error" | "loading" | "none") {
                    return Err(Failure::Call(format!(
                        "parameter error: icon must be success, error, loading or none, got {icon:?}"
                    )));
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
            UiApi::HideToast => {
                self.chrome.hide_toast(ToastKind::Toast);
            }
            UiApi::ShowLoading => {
                let title = data.get("title").and_then(Value::as_str).unwrap_or("");
                let mask = data.get("mask").and_then(Value::as_bool).unwrap_or(false);
                self.toast_generation += 1;
                self.chrome.show_toast(ToastKind::Loading, title, "loading", mask);
            }
            UiApi::HideLoading => {
                self.chrome.hide_toast(ToastKind::Loading);
            }
            UiApi::SetNavigationBarTitle => {
                let Some(title) = data.get("title").and_then(Value::as_str) else {
                    return Err(Failure::Call("parameter error: title must be a string".into()));
                };
                if let Some(nav) = self.navs.get_mut(&from) {
                    nav.title = title.to_string();
                }
                self.refresh_chrome();
            }
            UiApi::SetNavigationBarColor => {
                let front = data.get("frontColor").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
                if front != "#ffffff" && front != "#000000" {
                    return Err(Failure::Call(format!(
                        "parameter error: frontColor must be \"#ffffff\" or \"#000000\", got {front:?}"
                    )));
                }
                let background = data.get("backgroundColor").and_then(Value::as_str).unwrap_or_default();
                if !is_hex_color(background) {
                    return Err(Failure::Call(format!(
                        "parameter error: backgroundColor must be a colour like \"#07c160\", got {background:?}"
                    )));
                }
                if let Some(nav) = self.navs.get_mut(&from) {
                    nav.front = front;
                    nav.background = background.to_string();
                }
                self.refresh_chrome();
            }
            UiApi::SetTabBarBadge
            | UiApi::RemoveTabBarBadge
            | UiApi::ShowTabBarRedDot
            | UiApi::HideTabBarRedDot
            | UiApi::ShowTabBar
            | UiApi::HideTabBar
            | UiApi::SetTabBarItem
            | UiApi::SetTabBarStyle => {
                let Some(bar) = self.context.package.config().tab_bar.as_ref() else {
                    return Err(Failure::Call("this mini program has no tab bar".into()));
                };
                if bar.custom {
                    // (its own component is the bar: these no longer apply, as in WeChat)
                    return Ok(Ok(None));
                }
                let call = crate::core::tab_bar_call::parse(api, data, bar.list.len()).map_err(Failure::Call)?;
                self.chrome.tab_bar_call(call);
                self.refresh_chrome();
            }
            UiApi::StartPullDownRefresh => {
                // The current page's, whoever calls it; a pull gesture only where the
                // page's config enables it (the API works on any page, as a program asks).
                let Some(top) = self.router.top().cloned() else { return Ok(Ok(None)) };
                let gesture = data.get("gesture").and_then(Value::as_bool).unwrap_or(false);
                if gesture && !self.context.package.page_window(&top.route).enable_pull_down_refresh {
                    return Err(Failure::Call(format!("pull-down refresh is not enabled for page {:?}", top.route)));
                }
                if self.refreshing != Some(top.web_view_id) {
                    self.refreshing = Some(top.web_view_id);
                    self.chrome.set_refreshing(true);
                    self.hooks.push(top.web_view_id, Hook::OnPullDownRefresh, false);
                    let actions = self.hooks.pump();
                    self.act(actions);
                }
            }
            UiApi::StopPullDownRefresh => {
                self.refreshing = None;
                self.chrome.set_refreshing(false);
            }
            UiApi::GetWindowInfo => return Ok(Ok(Some(self.window_info(window)))),
            UiApi::GetMenuButtonBoundingClientRect => {
                return Ok(Ok(self.chrome.capsule_rect().as_object().cloned()));
            }
            UiApi::GetDeviceInfo => return Ok(Ok(Some(device_info()))),
            UiApi::GetAppBaseInfo => return Ok(Ok(Some(app_base_info(self.context.package.theme())))),
            UiApi::GetSystemInfo => {
                let mut info = self.window_info(window);
                info.extend(device_info());
                info.extend(app_base_info(self.context.package.theme()));
                return Ok(Ok(Some(info)));
            }
            UiApi::ChromeState => {
                let mut state = self.chrome.state().as_object().cloned().unwrap_or_default();
                state.insert("pages".into(), serde_json::to_value(self.router.stack()).unwrap_or_default());
                state.insert("liveWebviews".into(), json!(self.pages.len()));
                state.insert("fileChooser".into(), self.chooser_state());
                let preloaded = self.spare.as_ref().filter(|spare| spare.ready).map(|spare| spare.page.id);
                state.insert("preloadedWebview".into(), json!(preloaded));
                let in_flight: usize = self.pages.keys().map(|id| self.context.bridge.in_flight(*id)).sum();
                state.insert("callsInFlight".into(), json!(in_flight));
                state.insert("renderTraffic".into(), json!(self.logic.as_ref().map_or(0, |logic| logic.traffic)));
                state.insert("waiting".into(), self.waiting());
                state.insert("restarts".into(), json!(self.restarts));
                state.insert("window".into(), Value::Object(self.window_info(window)));
                return Ok(Ok(Some(state)));
            }
            UiApi::Press => self.press(window, data.as_str().unwrap_or_default()).map_err(Failure::Call)?,
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
        self.agent_shut_down("the shell is shutting down");
        self.fail_unsettled("the shell is shutting down");
        self.fail_tasks(None, "the shell is shutting down");
        self.chrome.detach();
        self.spare = None;
        self.pages.clear();
        self.web_context.borrow().own(None);
        self.fail_modal("the shell is shutting down");
        self.fail_action_sheet("the shell is shutting down");
        self.cancel_chooser();
        self.chrome.image_viewer.hide();
    }
}

/// A preloaded render webview.
struct Spare {
    page: Page,
    /// Its document has loaded.
    ready: bool,
}

/// The state of a WXML mini program's logic context.
struct Logic {
    /// Its bridge listens.
    ready: bool,
    /// Messages for it before it listened.
    backlog: Vec<Encoded>,
    /// App.onLaunch has been sent with a first page.
    launched: bool,
    /// How many data, component and render messages have crossed between the layers
    /// (`renderTraffic` in the chrome state: QA waits for it to rest).
    traffic: u64,
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

/// Puts a window-state event for `window` on GDK's event queue, the event a window
/// manager's (un)minimise produces. (Under Xvfb there is no window manager to do it.)
fn queue_window_state(window: &Window, iconified: bool) -> Result<(), String> {
    use gtk::gdk::ffi;
    use gtk::glib::translate::{ToGlibPtr, ToGlibPtrMut};
    use gtk::prelude::WidgetExt;
    use tao::platform::unix::WindowExtUnix;
    let gdk_window = window.gtk_window().window().ok_or("the window is not realised")?;
    let mut event = gtk::gdk::Event::new(gtk::gdk::EventType::WindowState);
    #[allow(unsafe_code)]
    // SAFETY: `event` was made as a GDK_WINDOW_STATE event, so its union holds a
    // GdkEventWindowState; `window` gets a new reference, which gdk_event_free releases.
    unsafe {
        let raw = ToGlibPtrMut::<*mut ffi::GdkEvent>::to_glib_none_mut(&mut event).0 as *mut ffi::GdkEventWindowState;
        (*raw).window = ToGlibPtr::<*mut ffi::GdkWindow>::to_glib_full(&gdk_window);
        (*raw).send_event = 1;
        (*raw).changed_mask = ffi::GDK_WINDOW_STATE_ICONIFIED;
        (*raw).new_window_state = if iconified { ffi::GDK_WINDOW_STATE_ICONIFIED } else { 0 };
    }
    event.put();
    Ok(())
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

fn app_base_info(theme: crate::core::theme::Theme) -> Map<String, Value> {
    let language = std::env::var("LANG")
        .ok()
        .and_then(|lang| lang.split('.').next().map(str::to_string))
        .filter(|lang| !lang.is_empty() && lang != "C" && lang != "POSIX")
        .unwrap_or_else(|| "en".into());
    json!({
        "SDKVersion": crate::automation::command::SDK_VERSION,
        "version": env!("CARGO_PKG_VERSION"),
        "language": language,
        "theme": theme.name(),
        "enableDebug": false,
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}
