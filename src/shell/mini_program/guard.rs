//! The guard of the machine, carried out on a running mini program (the watchdog in
//! `core/watchdog.rs` decides): each tick samples the memory of its web processes and
//! pings them (a message their bridge answers); a web process over the memory limit,
//! silent past the busy deadline, or
//! crashed is ended and the mini program restarted from its home page, with a notice on
//! screen and a `Shell.restarted` event for automation (which `superapp smoke` reads).

use std::time::Instant;

use serde_json::json;

use super::{MiniProgram, LOGIC_ID};
use crate::core::event_channel::Channels;
use crate::core::event_hold::EventHold;
use crate::core::host::WebViewId;
use crate::core::lifecycle::LifecycleQueue;
use crate::core::protocol::Outbound;
use crate::core::router::Router;
use crate::core::watchdog::{Fault, Sample, Step};
use crate::shell::chrome::ToastKind;
use crate::shell::processes;
use crate::shell::ShellError;

/// The automation event of a restart: `{kind, reason, route, webviewId}` (superapp's own,
/// beside WeChat's `App.*` events).
pub const RESTARTED_EVENT: &str = "Shell.restarted";

impl MiniProgram {
    /// One tick of the watchdog: sample, then ping, wait or restart.
    pub fn guard_tick(&mut self) {
        if self.unloaded_all {
            return;
        }
        let memory_mb = processes::web_processes_mb().into_iter().map(|(_, mb)| mb).max();
        let sample = Sample { memory_mb, sync_in_flight: self.context.bridge.sync_in_flight() };
        match self.watchdog.tick(Instant::now(), sample) {
            Step::Wait => {}
            Step::Ping => self.ping(),
            Step::Kill(fault) => self.restart_after(fault),
        }
    }

    /// Pings the web process: the logic context's, or the current page's. The ping goes
    /// as a message to its bridge (held while it loads, like any message), which answers
    /// at once; an answer from another webview, or of another ping, changes nothing.
    fn ping(&mut self) {
        let target = match self.logic {
            Some(_) => Some(LOGIC_ID),
            None => self.router.top().map(|top| top.web_view_id).filter(|id| self.pages.contains_key(id)),
        };
        let Some(target) = target else { return };
        let seq = self.watchdog.pinged(Instant::now());
        self.ping_target = Some(target);
        self.deliver_when_listening(target, Outbound::Ping { seq }.encoded());
    }

    /// A pong from webview `from`.
    pub(super) fn pong(&mut self, from: WebViewId, seq: u64) {
        if self.ping_target == Some(from) {
            self.watchdog.answered(seq);
        }
    }

    /// A page was destroyed: a ping it was sent will never be answered.
    pub(super) fn unpinged(&mut self, id: WebViewId) {
        if self.ping_target == Some(id) {
            self.ping_target = None;
            self.watchdog.reset_ping();
        }
    }

    /// How long the web process has not answered a ping, in ms (0: it answers).
    pub(super) fn busy_ms(&self) -> u64 {
        self.watchdog.unanswered_for(Instant::now()).map_or(0, |waited| waited.as_millis() as u64)
    }

    /// What the mini program waits for now, for `chrome_state()` (and so for smoke's word
    /// on a page that timed out): `busyMs` (how long its web process has not answered a
    /// ping), its memory, the lifecycle hook running (`{page, hook}`)
    /// and the last that ran out of time (`overran`), the route calls not answered,
    /// the pages that have not rendered yet, and whether a synchronous call holds it.
    pub(super) fn waiting(&self) -> serde_json::Value {
        let hook = self.hooks.waiting_for().map(|(page, hook)| json!({ "page": page, "hook": hook }));
        let unrendered: Vec<_> = match self.logic {
            Some(_) => {
                self.router.live().map(|page| page.web_view_id).filter(|id| !self.rendered.contains(id)).collect()
            }
            None => Vec::new(),
        };
        let overran = self.hooks.overran().map(|(page, hook)| json!({ "page": page, "hook": hook }));
        json!({
            "busyMs": self.busy_ms(),
            "memoryMb": self.watchdog.memory_mb(),
            "hook": hook,
            "overran": overran,
            "routeCalls": self.settles.len(),
            "unrendered": unrendered,
            "syncCall": self.context.bridge.sync_in_flight(),
        })
    }

    /// WebKit says a web process of this mini program's `generation` ended: unless the
    /// shell ended it, that is a crash, and the mini program restarts.
    pub fn web_process_gone(&mut self, generation: u64, crashed: bool) {
        if generation == self.restarts && crashed && !self.unloaded_all {
            self.restart_after(Fault::Crashed);
        }
    }

    /// Ends the web process for `fault`, tells the developer and automation, and restarts.
    fn restart_after(&mut self, fault: Fault) {
        let top = self.router.top().cloned();
        let route = top.as_ref().map(|page| page.route.clone()).unwrap_or_default();
        let app = self.context.package.app_info().app_id.clone();
        tracing::error!(%app, %route, kind = fault.kind(), "{}: restarting the mini program", fault.describe());
        self.agent_event(
            RESTARTED_EVENT,
            json!({
                "kind": fault.kind(),
                "reason": fault.describe(),
                "route": route,
                "webviewId": top.map(|page| page.web_view_id),
                "memoryMb": self.watchdog.memory_mb(),
            }),
        );
        let why = format!("the mini program restarted: {}", fault.describe());
        match self.restart(&why, None) {
            Ok(()) => {
                let name = &self.context.package.app_info().name;
                let on = if route.is_empty() { String::new() } else { format!(" on {route}") };
                self.chrome.notice.show(&format!("{name} restarted{on}: {}.", fault.describe()));
            }
            Err(err) => tracing::error!(%err, "the mini program could not restart"),
        }
    }

    /// Starts the mini program again in a fresh web process, at `url` (a page and its
    /// query, as a launch path) or its home page: the old process is ended, everything
    /// waiting on it is answered with `why`, and the page ids go on from the last (a late
    /// answer for an old page never reaches a new one). A `url` that names no page is an
    /// error, and the home page opens.
    pub(super) fn restart(&mut self, why: &str, url: Option<&str>) -> Result<(), String> {
        if let Some(page) = self.pages.values().next() {
            use webkit2gtk::WebViewExt;
            use wry::WebViewExtUnix;
            // (a wedged process would spin on after its webviews are gone)
            page.webview.webview().terminate_web_process();
        }
        // Signals and pings of the old web process are stale from here on.
        self.restarts += 1;
        self.watchdog.reset();
        self.ping_target = None;
        self.agent_shut_down(why);
        self.fail_unsettled(why);
        self.fail_tasks(None, why);
        self.fail_modal(why);
        self.fail_action_sheet(why);
        self.cancel_chooser();
        self.chrome.image_viewer.hide();
        self.chrome.hide_toast(ToastKind::Toast);
        self.chrome.hide_toast(ToastKind::Loading);
        self.chrome.set_refreshing(false);
        let ids: Vec<_> = self.pages.keys().copied().collect();
        for id in ids {
            self.context.bridge.page_closed(id);
            self.context.origins.write().expect("origins lock").remove(&id);
            self.agent_webview_closed(id);
        }
        self.pages.clear();
        self.spare = None;
        self.queued.clear();
        self.held = EventHold::new(self.context.bridge.limits().max_held_events);
        self.hooks = LifecycleQueue::new();
        self.logic = None;
        self.launched = false;
        self.refreshing = None;
        self.navs.clear();
        self.page_refs.clear();
        self.channels = Channels::new();
        self.rendered.clear();
        self.awaiting_render.clear();
        // (one id is skipped: a spare made for the next id may still speak from the old
        // process)
        self.router = Router::new(self.context.package.config(), self.router.next_id() + 1);
        if self.context.wxml.is_some() {
            self.open_logic().map_err(|err| err.to_string())?;
        }
        let home = format!("/{}", self.context.package.home());
        let (effects, refused) = match self.router.launch(url.unwrap_or(&home)) {
            Ok(effects) => (effects, None),
            Err(err) => {
                let effects = self.router.launch(&home).map_err(|err| format!("cannot open the home page: {err}"))?;
                (effects, Some(err.to_string()))
            }
        };
        self.apply(effects).map_err(|err: ShellError| err.to_string())?;
        refused.map_or(Ok(()), Err)
    }
}
