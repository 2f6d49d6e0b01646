//! Route calls, answered after the new page has loaded: the router decides the effects,
//! the lifecycle queue orders the hooks, and the call's answer waits behind them as a
//! barrier ([`LifecycleQueue::push_settle`](crate::core::lifecycle::LifecycleQueue::push_settle)).
//! The page stack the pages see (`getCurrentPages()`) names a page from its `onLoad` on.

use serde_json::Value;

use super::{MiniProgram, LOGIC_ID};
use crate::core::host::WebViewId;
use crate::core::protocol::Outbound;
use crate::core::router::{Effect, RouteError, Router};
use crate::core::ui_api::UiApi;
use crate::shell::ShellError;

/// Answers a route call once: `Ok` after its hooks ran, `Err` with the reason otherwise.
pub(crate) type Settle = Box<dyn FnOnce(Result<(), String>)>;

impl MiniProgram {
    /// Carries out a routing built-in from page `from`: `settle` gets the refusal at once,
    /// or `Ok` after the new page's `onLoad` and `onShow` (or the revealed page's `onShow`).
    /// An `Err` is a shell fault (a page could not open); `settle` has been told.
    pub(crate) fn route_call(
        &mut self,
        from: WebViewId,
        api: UiApi,
        data: &Value,
        settle: Settle,
    ) -> Result<(), ShellError> {
        let from_route = self.router.live().find(|page| page.web_view_id == from).map(|page| page.route.clone());
        let from_page = from_route.as_deref();
        let url = &data["url"];
        let opener_channel = data.get("eventChannel").and_then(Value::as_str).map(str::to_string);
        let decided = match api {
            UiApi::NavigateTo => self.router.navigate_to(from_page, url),
            UiApi::RedirectTo => self.router.redirect_to(from_page, url),
            UiApi::ReLaunch => self.router.re_launch(from_page, url),
            UiApi::SwitchTab => self.router.switch_tab(from_page, url),
            UiApi::NavigateBack => self.router.navigate_back(&data["delta"]),
            other => panic!("{other} is not a routing API"),
        };
        match decided {
            Ok(effects) => {
                if let (Some(channel), Some(Effect::Create(page))) = (opener_channel, effects.last()) {
                    self.channels.open(channel, from, page.web_view_id);
                }
                let caller = Some(self.host_of(from)).filter(|host| *host != LOGIC_ID);
                self.apply_then_settle(effects, caller, settle)
            }
            Err(err) => {
                settle(Err(err.to_string()));
                Ok(())
            }
        }
    }

    /// `caller`: the webview whose JS gets the answer, kept alive until it has it (a page
    /// that closes itself with `redirectTo` or `navigateBack` still gets its `success`).
    fn apply_then_settle(
        &mut self,
        effects: Vec<Effect>,
        caller: Option<WebViewId>,
        settle: Settle,
    ) -> Result<(), ShellError> {
        if let Err(err) = self.apply(effects) {
            settle(Err(err.to_string()));
            return Err(err);
        }
        self.settle_after_hooks(caller, settle);
        Ok(())
    }

    /// A route the shell itself takes (the back button, a tab, the automator's native
    /// controls), answered through `settle` as a page's route call is.
    pub(crate) fn route_by_shell(
        &mut self,
        decide: impl FnOnce(&mut Router) -> Result<Vec<Effect>, RouteError>,
        settle: Settle,
    ) -> Result<(), ShellError> {
        match decide(&mut self.router) {
            Ok(effects) => self.apply_then_settle(effects, None, settle),
            Err(err) => {
                settle(Err(err.to_string()));
                Ok(())
            }
        }
    }

    fn settle_after_hooks(&mut self, caller: Option<WebViewId>, settle: Settle) {
        self.next_settle += 1;
        let token = self.next_settle;
        self.settles.insert(token, (caller, settle));
        self.hooks.push_settle(token);
        let actions = self.hooks.pump();
        self.act(actions);
    }

    /// The hooks before a route call's barrier have run: answer it.
    pub(super) fn settled(&mut self, token: u64) {
        self.publish_stack();
        if let Some((_, settle)) = self.settles.remove(&token) {
            settle(Ok(()));
        }
    }

    /// Whether a route call made by `page` waits for its answer.
    pub(super) fn awaits_settle(&self, page: WebViewId) -> bool {
        self.settles.values().any(|(caller, _)| *caller == Some(page))
    }

    /// Fails every route call still waiting with `why` (the run is ending, or the mini
    /// program restarts).
    pub(super) fn fail_unsettled(&mut self, why: &str) {
        for token in self.hooks.drain_settles() {
            if let Some((_, settle)) = self.settles.remove(&token) {
                settle(Err(why.into()));
            }
        }
        for (_, (_, settle)) in self.settles.drain() {
            settle(Err(why.into()));
        }
    }

    /// The page stack as pages see it: the router's, less the pages whose `onLoad` has not
    /// gone out yet.
    pub(crate) fn visible_stack(&self) -> Vec<crate::core::router::PageRef> {
        self.router.stack().iter().filter(|page| self.hooks.has_started(page.web_view_id)).cloned().collect()
    }

    /// Tells every live page (and the logic context) the stack `getCurrentPages()` returns.
    pub(super) fn publish_stack(&mut self) {
        let stack = Outbound::Pages { pages: self.visible_stack() }.encoded();
        let live: Vec<WebViewId> = self.router.live().map(|page| page.web_view_id).collect();
        for id in live {
            if self.pages.contains_key(&id) {
                self.queue(id, stack.clone());
            }
        }
        if self.logic.is_some() {
            self.send_to_logic(stack);
        }
    }

    /// The webview whose JS runs page `page`'s code: the logic context of a WXML mini
    /// program, the page itself otherwise.
    pub(crate) fn host_of(&self, page: WebViewId) -> WebViewId {
        if self.logic.is_some() {
            LOGIC_ID
        } else {
            page
        }
    }
}
