//! The lifecycle hook queue: hooks run one page at a time, in WeChat's order.
//!
//! The router decides *which* hooks run (its [`Effect`](super::router::Effect)s); this
//! queue decides *when*: the next hook goes out only once the page running the last one
//! has acknowledged it (or its time ran out), so a slow `onHide` of one page can never
//! interleave with the `onLoad` of the next. A new page's `onLoad` also waits until the
//! page has said its document is ready. Plain data in, [`Action`]s out: the shell sends
//! the messages and runs the timers.
//!
//! A route call is answered through the same queue: [`LifecycleQueue::push_settle`] puts
//! a barrier after the route's hooks, and its [`Action::Settle`] comes out only once they
//! have all run. So the caller's `success` follows the new page's `onLoad` and `onShow`,
//! on HTML and WXML pages alike (WeChat's order; `eventChannel` depends on it).

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::host::WebViewId;

/// How long a page may take to run a hook before the next one goes out anyway.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a new page may take to load and run `onLoad` and `onShow`.
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an unloaded page's webview lives on, hidden: the answer to the call that
/// unloaded it, and whatever its `onUnload` started, still reach it.
pub const UNLOAD_GRACE: Duration = Duration::from_secs(1);

/// The order of a new WXML page's hooks and those of the custom components in its first
/// tree, as WeChat runs them: a page can use in `onLoad` what its components set up in
/// `attached` (`selectComponent`, a library's `wx.lib.init(this)`). The logic runtime
/// (`assets/wxml/logic_main.js`) runs `onLoad` once the render layer has drawn the first
/// tree, components included (at most 5 s), and holds the components' `ready` for
/// `onReady`; the conformance suite checks this list.
pub const FIRST_TREE_ORDER: &[&str] = &[
    "component created",
    "component attached",
    "page onLoad",
    "component pageLifetimes.show",
    "page onShow",
    "component ready",
    "page onReady",
];

/// A page (and App) lifecycle hook, as it crosses the bridge (`"onShow"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Hook {
    /// A new page: the page runs `onLoad(query)` then `onShow` (and, for the first page
    /// of a run, `App.onLaunch` and `App.onShow` before them).
    OnLoad,
    /// The page (and with `app`, the App) is shown again.
    OnShow,
    /// The page (and with `app`, the App) is hidden.
    OnHide,
    /// The page is closed.
    OnUnload,
    /// The page was pulled down at its top (or called `wx.startPullDownRefresh`).
    OnPullDownRefresh,
}

/// The order when the whole mini program hides or shows (the window is minimised or
/// hidden, then restored): going away, the page hides before the App; coming back, the App
/// shows before the page. Both page kinds take it from here.
pub fn app_runs_first(hook: Hook) -> bool {
    hook != Hook::OnHide
}

/// One hook waiting its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The page that runs it.
    pub page: WebViewId,
    /// Which hook.
    pub hook: Hook,
    /// Whether the App runs the same hook (the window was minimised or restored).
    pub app: bool,
}

/// One entry of the queue: a hook, or the answer of a route call that waits for the
/// hooks queued before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Hook(Step),
    Settle(u64),
}

/// What the shell must do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Send this hook to its page.
    Run(Step),
    /// Every hook queued before this route call's barrier has run: answer the call.
    Settle(u64),
    /// Call [`LifecycleQueue::timed_out`] with this generation after this long.
    StartTimer {
        /// Names the hook being waited for.
        generation: u64,
        /// How long to wait.
        after: Duration,
    },
    /// Destroy this page's webview after this long (it has run `onUnload`).
    DestroyAfter {
        /// The page.
        page: WebViewId,
        /// The grace period.
        after: Duration,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Awaiting {
    step: Step,
    generation: u64,
    /// False while a new page's document is not ready: its `onLoad` is not sent yet.
    sent: bool,
}

/// The queue of one mini program's hooks.
#[derive(Debug, Default)]
pub struct LifecycleQueue {
    steps: VecDeque<Item>,
    awaiting: Option<Awaiting>,
    generation: u64,
    ready: HashSet<WebViewId>,
    gone: HashSet<WebViewId>,
    /// Pages whose `onLoad` has gone out.
    started: HashSet<WebViewId>,
    /// Pages that have run `onLoad` and `onShow` (or ran out of time doing it).
    loaded: HashSet<WebViewId>,
    /// The last hook that ran out of time, and its page.
    overran: Option<(WebViewId, Hook)>,
}

impl LifecycleQueue {
    /// An empty queue.
    pub fn new() -> LifecycleQueue {
        LifecycleQueue::default()
    }

    /// Queues a hook; call [`pump`](Self::pump) after queueing a batch.
    pub fn push(&mut self, page: WebViewId, hook: Hook, app: bool) {
        self.steps.push_back(Item::Hook(Step { page, hook, app }));
    }

    /// Queues the answer of a route call (named by `token`): [`Action::Settle`] comes out
    /// once every hook queued before it has run, timed out, or lost its page.
    pub fn push_settle(&mut self, token: u64) {
        self.steps.push_back(Item::Settle(token));
    }

    /// Whether the page's `onLoad` has been sent (`getCurrentPages()` names it from then).
    pub fn has_started(&self, page: WebViewId) -> bool {
        self.started.contains(&page)
    }

    /// Whether the page has run `onLoad` and `onShow` (the automator names it from then).
    pub fn has_loaded(&self, page: WebViewId) -> bool {
        self.loaded.contains(&page)
    }

    /// The page the queue is waiting for, if any.
    pub fn waiting_for(&self) -> Option<(WebViewId, Hook)> {
        self.awaiting.map(|a| (a.step.page, a.step.hook))
    }

    /// The last hook that ran out of time (the queue went on without it), and its page.
    pub fn overran(&self) -> Option<(WebViewId, Hook)> {
        self.overran
    }

    /// Whether no hook is running or waiting.
    pub fn is_idle(&self) -> bool {
        self.awaiting.is_none() && self.steps.is_empty()
    }

    /// Sends the next hooks while none is running.
    pub fn pump(&mut self) -> Vec<Action> {
        let mut actions = Vec::new();
        while self.awaiting.is_none() {
            let step = match self.steps.pop_front() {
                None => break,
                Some(Item::Settle(token)) => {
                    actions.push(Action::Settle(token));
                    continue;
                }
                Some(Item::Hook(step)) => step,
            };
            if self.gone.contains(&step.page) {
                continue;
            }
            self.generation += 1;
            let generation = self.generation;
            let is_load = step.hook == Hook::OnLoad;
            let sent = !is_load || self.ready.contains(&step.page);
            self.awaiting = Some(Awaiting { step, generation, sent });
            if sent {
                actions.push(self.run(step));
            }
            let after = if is_load { LOAD_TIMEOUT } else { HOOK_TIMEOUT };
            actions.push(Action::StartTimer { generation, after });
        }
        actions
    }

    /// A new page's document is ready: its `onLoad` may go out when its turn comes.
    pub fn page_ready(&mut self, page: WebViewId) -> Vec<Action> {
        self.ready.insert(page);
        match &mut self.awaiting {
            Some(awaiting) if awaiting.step.page == page && !awaiting.sent => {
                awaiting.sent = true;
                let step = awaiting.step;
                vec![self.run(step)]
            }
            _ => Vec::new(),
        }
    }

    /// A page finished a hook. Only the hook the queue is waiting for moves it on; an
    /// acknowledgement from another page, or of another hook, is ignored (a page cannot
    /// hurry the order of the others).
    pub fn done(&mut self, page: WebViewId, hook: Hook) -> Vec<Action> {
        let expected = self.awaiting.is_some_and(|a| a.sent && a.step.page == page && a.step.hook == hook);
        if !expected {
            return Vec::new();
        }
        self.awaiting = None;
        let mut actions = Vec::new();
        match hook {
            Hook::OnUnload => actions.push(Action::DestroyAfter { page, after: UNLOAD_GRACE }),
            Hook::OnLoad => {
                self.loaded.insert(page);
            }
            _ => {}
        }
        actions.extend(self.pump());
        actions
    }

    /// The timer of `generation` ended: if its hook is still running, go on without it.
    /// A page that was being unloaded is destroyed after the grace period all the same.
    pub fn timed_out(&mut self, generation: u64) -> Vec<Action> {
        let Some(awaiting) = self.awaiting else { return Vec::new() };
        if awaiting.generation != generation {
            return Vec::new();
        }
        tracing::warn!(
            webview = awaiting.step.page,
            hook = ?awaiting.step.hook,
            "a page did not finish a lifecycle hook in time"
        );
        self.awaiting = None;
        self.overran = Some((awaiting.step.page, awaiting.step.hook));
        let mut actions = Vec::new();
        match awaiting.step.hook {
            Hook::OnUnload => actions.push(Action::DestroyAfter { page: awaiting.step.page, after: UNLOAD_GRACE }),
            // A page whose onLoad ran out of time is still the page: name it.
            Hook::OnLoad => {
                self.started.insert(awaiting.step.page);
                self.loaded.insert(awaiting.step.page);
            }
            _ => {}
        }
        actions.extend(self.pump());
        actions
    }

    /// Every route answer still waiting (the run is ending), in order; the queue keeps its
    /// hooks.
    pub fn drain_settles(&mut self) -> Vec<u64> {
        let mut tokens = Vec::new();
        self.steps.retain(|item| match item {
            Item::Settle(token) => {
                tokens.push(*token);
                false
            }
            Item::Hook(_) => true,
        });
        tokens
    }

    fn run(&mut self, step: Step) -> Action {
        if step.hook == Hook::OnLoad {
            self.started.insert(step.page);
        }
        Action::Run(step)
    }

    /// The page's webview is gone: its queued hooks are dropped, and the queue stops
    /// waiting for it.
    pub fn forget(&mut self, page: WebViewId) -> Vec<Action> {
        self.gone.insert(page);
        self.ready.remove(&page);
        self.started.remove(&page);
        self.loaded.remove(&page);
        self.steps.retain(|item| !matches!(item, Item::Hook(step) if step.page == page));
        if self.awaiting.is_some_and(|a| a.step.page == page) {
            self.awaiting = None;
            return self.pump();
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(page: WebViewId, hook: Hook) -> Action {
        Action::Run(Step { page, hook, app: false })
    }

    fn runs(actions: &[Action]) -> Vec<Action> {
        actions.iter().copied().filter(|a| matches!(a, Action::Run(_))).collect()
    }

    #[test]
    fn a_new_page_loads_only_after_the_old_page_hid_and_its_document_is_ready() {
        let mut queue = LifecycleQueue::new();
        queue.push(1, Hook::OnHide, false);
        queue.push(2, Hook::OnLoad, false);
        assert_eq!(runs(&queue.pump()), vec![run(1, Hook::OnHide)]);
        // The new page is ready before the old page has finished hiding: it waits.
        assert_eq!(queue.page_ready(2), vec![]);
        assert_eq!(runs(&queue.done(1, Hook::OnHide)), vec![run(2, Hook::OnLoad)]);
        assert_eq!(queue.done(2, Hook::OnLoad), vec![]);
        assert_eq!(queue.waiting_for(), None);
    }

    #[test]
    fn a_load_waits_for_the_document_when_its_turn_comes_first() {
        let mut queue = LifecycleQueue::new();
        queue.push(1, Hook::OnLoad, false);
        assert_eq!(queue.pump(), vec![Action::StartTimer { generation: 1, after: LOAD_TIMEOUT }]);
        assert_eq!(queue.page_ready(1), vec![run(1, Hook::OnLoad)]);
        // The ready message is not an acknowledgement.
        assert_eq!(queue.waiting_for(), Some((1, Hook::OnLoad)));
    }

    #[test]
    fn acknowledgements_from_other_pages_or_of_other_hooks_are_ignored() {
        let mut queue = LifecycleQueue::new();
        queue.push(1, Hook::OnUnload, false);
        queue.push(2, Hook::OnShow, false);
        queue.pump();
        assert_eq!(queue.done(2, Hook::OnShow), vec![], "page 2 forged its turn");
        assert_eq!(queue.done(1, Hook::OnShow), vec![], "the wrong hook");
        let actions = queue.done(1, Hook::OnUnload);
        assert_eq!(
            actions,
            vec![
                Action::DestroyAfter { page: 1, after: UNLOAD_GRACE },
                run(2, Hook::OnShow),
                Action::StartTimer { generation: 2, after: HOOK_TIMEOUT },
            ]
        );
    }

    #[test]
    fn a_stale_timer_does_nothing_and_a_live_one_moves_on() {
        let mut queue = LifecycleQueue::new();
        queue.push(1, Hook::OnHide, false);
        queue.push(2, Hook::OnUnload, false);
        queue.push(3, Hook::OnShow, true);
        queue.pump();
        queue.done(1, Hook::OnHide);
        assert_eq!(queue.timed_out(1), vec![], "generation 1 was acknowledged");
        assert_eq!(queue.overran(), None);
        let actions = queue.timed_out(2);
        assert_eq!(queue.overran(), Some((2, Hook::OnUnload)), "the hook that ran out of time is remembered");
        assert_eq!(actions[0], Action::DestroyAfter { page: 2, after: UNLOAD_GRACE });
        assert_eq!(actions[1], Action::Run(Step { page: 3, hook: Hook::OnShow, app: true }));
    }

    #[test]
    fn a_forgotten_page_loses_its_hooks() {
        let mut queue = LifecycleQueue::new();
        queue.push(1, Hook::OnLoad, false);
        queue.push(1, Hook::OnHide, false);
        queue.push(2, Hook::OnShow, false);
        queue.pump();
        assert_eq!(runs(&queue.forget(1)), vec![run(2, Hook::OnShow)]);
        queue.push(1, Hook::OnShow, false);
        queue.done(2, Hook::OnShow);
        assert_eq!(queue.waiting_for(), None);
    }

    #[test]
    fn a_route_answer_waits_for_the_new_page_to_load_and_show() {
        let mut queue = LifecycleQueue::new();
        queue.push(1, Hook::OnHide, false);
        queue.push(2, Hook::OnLoad, false);
        queue.push_settle(7);
        assert_eq!(runs(&queue.pump()), vec![run(1, Hook::OnHide)]);
        assert!(!queue.has_started(2));
        assert_eq!(runs(&queue.done(1, Hook::OnHide)), vec![], "page 2 is not ready yet");
        assert_eq!(queue.page_ready(2), vec![run(2, Hook::OnLoad)]);
        assert!(queue.has_started(2) && !queue.has_loaded(2));
        assert_eq!(queue.done(2, Hook::OnLoad), vec![Action::Settle(7)]);
        assert!(queue.has_loaded(2));
        assert!(queue.is_idle());
    }

    #[test]
    fn a_route_answer_with_no_hooks_before_it_goes_at_once_and_a_lost_page_does_not_hold_it() {
        let mut queue = LifecycleQueue::new();
        queue.push_settle(1);
        assert_eq!(queue.pump(), vec![Action::Settle(1)]);
        queue.push(3, Hook::OnLoad, false);
        queue.push_settle(2);
        queue.pump();
        assert_eq!(queue.forget(3), vec![Action::Settle(2)]);
        queue.push(4, Hook::OnUnload, false);
        queue.push_settle(3);
        queue.push(5, Hook::OnLoad, false);
        queue.push_settle(4);
        queue.pump();
        assert_eq!(queue.drain_settles(), vec![3, 4]);
        assert_eq!(queue.waiting_for(), Some((4, Hook::OnUnload)));
    }

    #[test]
    fn hooks_serialise_as_their_js_names() {
        assert_eq!(serde_json::to_string(&Hook::OnUnload).unwrap(), r#""onUnload""#);
        assert_eq!(serde_json::from_str::<Hook>(r#""onLoad""#).unwrap(), Hook::OnLoad);
    }

    /// The shell's driver, with tokio's paused clock: timers run as real tokio sleeps and
    /// the queue moves on when a page never answers.
    #[tokio::test(start_paused = true)]
    async fn with_paused_time_a_silent_page_holds_the_queue_for_its_timeout_only() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut queue = LifecycleQueue::new();
        queue.push(1, Hook::OnHide, false);
        queue.push(2, Hook::OnShow, false);
        let started = tokio::time::Instant::now();
        let mut sent = Vec::new();
        let act = |actions: Vec<Action>, sent: &mut Vec<(Step, Duration)>| {
            for action in actions {
                match action {
                    Action::Run(step) => sent.push((step, started.elapsed())),
                    Action::StartTimer { generation, after } => {
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(after).await;
                            let _ = tx.send(generation);
                        });
                    }
                    Action::DestroyAfter { .. } | Action::Settle(_) => {}
                }
            }
        };
        act(queue.pump(), &mut sent);
        let generation = rx.recv().await.unwrap();
        act(queue.timed_out(generation), &mut sent);
        let times: Vec<_> = sent.iter().map(|(step, at)| (step.page, *at)).collect();
        assert_eq!(times, vec![(1, Duration::ZERO), (2, HOOK_TIMEOUT)]);
    }
}
