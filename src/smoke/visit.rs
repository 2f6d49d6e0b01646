//! One page's visit, driven through the shell's automation commands: open it (a
//! `reLaunch`, or a restart into it after trouble), wait for its first render and for its
//! calls to settle, look at what it shows, take its screenshot, and gather its evidence
//! for the verdict. Every wait has the page's deadline; a page that misses it is asked
//! what it waited for.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::report::{self, Action, PageResult, Report};
use super::verdict::{self, Evidence, Outcome, Seen, Stopped};
use super::{visual, Options};
use crate::core::host::WebViewId;
use crate::shell::mini_program::LOGIC_ID;
use crate::testing::{App, Failed};

/// How long the shell's own thread may take to say what a page waits for: past it, the
/// shell is wedged.
const ASK: Duration = Duration::from_secs(3);
/// How long a rendered page's calls may take to settle before it is looked at.
const SETTLE: Duration = Duration::from_millis(1500);
/// How long a page must have made no call and sent nothing between its layers to count
/// as settled (a chart's first frame is drawn and encoded in that time).
const QUIET: Duration = Duration::from_millis(120);
/// How long a page that keeps sending between its layers is waited for.
const DRAWING: Duration = Duration::from_millis(600);
/// Memory growing faster than this (MB a second) means the page is still allocating.
const GROWING_MB_PER_S: f64 = 100.0;
/// A page whose visit grew the web process by this many MB is watched until it stops.
const GREW_MB: u64 = 150;
/// The APIs whose failures are failed requests.
const NETWORK_APIS: [&str; 4] = ["request", "downloadFile", "uploadFile", "connectSocket"];

/// How a visit ended.
pub enum Visit {
    /// The page was judged.
    Done(PageResult),
    /// The run is ending (a signal, the shell closed): this page is not reached.
    Stopped(PageResult),
    /// The shell's own thread stopped answering.
    Wedged(PageResult),
}

/// Why a step of a visit did not finish.
enum Failure {
    /// Its deadline passed.
    Timeout,
    /// The shell restarted the mini program (its web process crashed, ran over the memory
    /// limit or was busy past the guard's deadline).
    Restarted,
    /// The shell is ending.
    Ended,
    /// The command failed, with this message.
    Other(String),
}

fn failure(err: Failed) -> Failure {
    let message = err.message().unwrap_or("failed").to_string();
    if message.contains("timed out after") {
        Failure::Timeout
    } else if message.contains("the mini program restarted") {
        Failure::Restarted
    } else if message.contains("shutting down") || message.contains("the shell ended") {
        Failure::Ended
    } else {
        Failure::Other(message)
    }
}

/// Where each log stood when a visit began.
#[derive(Clone, Copy)]
struct Marks {
    exceptions: usize,
    console: usize,
    calls: usize,
    restarts: usize,
}

/// Drives the visits of one run.
pub struct Driver<'a> {
    app: &'a App,
    options: &'a Options,
    /// The next page opens in a fresh web process (the last one got stuck).
    fresh: bool,
    /// Each page visited, by webview id: its index in the report (late errors go there).
    visited: HashMap<WebViewId, usize>,
    /// The page visited last: its id and index in the report.
    last: Option<(WebViewId, usize)>,
    /// Exceptions already charged to a page.
    charged: usize,
    /// Routes tapping reached.
    reached: Vec<String>,
    /// The last timeout was the page before's doing.
    blamed_before: bool,
    /// The memory of the web processes when the current visit began, in MB.
    started_mb: u64,
    /// How much the memory grew during each visit since the last restart: (its index in
    /// the report, MB).
    grown: Vec<(usize, u64)>,
}

impl<'a> Driver<'a> {
    /// A driver of `app`'s pages.
    pub fn new(app: &'a App, options: &'a Options) -> Driver<'a> {
        Driver {
            app,
            options,
            fresh: false,
            visited: HashMap::new(),
            last: None,
            charged: 0,
            reached: Vec::new(),
            blamed_before: false,
            started_mb: 0,
            grown: Vec::new(),
        }
    }

    fn marks(&self) -> Marks {
        Marks {
            exceptions: self.app.exceptions().len(),
            console: self.app.console().len(),
            calls: self.app.calls().len(),
            restarts: self.app.restarts().len(),
        }
    }

    /// Visits `route`; the report holds the pages visited so far (a page's late errors
    /// are added to it). A page held up by the page before it (an `onUnload` that never
    /// ends) is charged nothing: that page is, and this one opens again in a fresh web
    /// process.
    pub fn visit(&mut self, route: &str, report: &Mutex<Report>) -> Visit {
        let first = self.visit_once(route, report);
        if std::mem::take(&mut self.blamed_before) {
            let again = self.visit_once(route, report);
            // (a page opened by a restart sometimes never renders: once more, fresh)
            let unrendered = matches!(&again, Visit::Done(page) if page.outcome == Outcome::Timeout
                && page.reason.as_deref() == Some("its first render did not arrive"));
            if unrendered {
                return self.visit_once(route, report);
            }
            return again;
        }
        first
    }

    fn visit_once(&mut self, route: &str, report: &Mutex<Report>) -> Visit {
        self.charge_late(report);
        let marks = self.marks();
        self.started_mb = memory_mb();
        let started = Instant::now();
        let deadline = started + self.options.page_timeout;
        let mut result = PageResult::new(route, Outcome::Ok);
        let mut evidence = Evidence::default();
        let page = match self.open(route, deadline) {
            Ok(page) => Some(page),
            Err(failure) => match self.stopped(failure, None, marks, route, report) {
                Ok(stopped) => {
                    evidence.stopped = Some(stopped);
                    None
                }
                Err(visit) => return visit(result),
            },
        };
        if let Some(page) = page {
            self.visited.insert(page, report.lock().expect("report lock").pages.len());
            match self.look(page, route, deadline, &mut result) {
                Ok(seen) => {
                    evidence.seen = Some(seen);
                    evidence.stopped = self.restarted_since(marks, report).or_else(|| self.modal_up());
                }
                Err(failure) => match self.stopped(failure, Some(page), marks, route, report) {
                    Ok(stopped) => evidence.stopped = Some(stopped),
                    Err(visit) => return visit(result),
                },
            }
            self.last = Some((page, report.lock().expect("report lock").pages.len()));
        }
        self.gather(page, marks, &mut result, &mut evidence, report);
        if self.app.restarts().len() > marks.restarts {
            self.grown.clear();
        } else {
            let index = report.lock().expect("report lock").pages.len();
            self.grown.push((index, memory_mb().saturating_sub(self.started_mb)));
        }
        evidence.changed = result.screenshot.as_ref().is_some_and(|shot| shot.diff.is_some());
        let (outcome, reason) = verdict::judge(&evidence);
        result.seen = evidence.seen;
        result.outcome = outcome;
        result.reason = reason;
        result.ms = started.elapsed().as_millis() as u64;
        // (taps come after the verdict: what a tap does is the tap's, not the page's)
        if let (Some(budget), None) = (self.options.explore, &evidence.stopped) {
            result.actions = self.explore(route, budget);
        }
        Visit::Done(result)
    }

    /// Opens `route` as the current page; its webview id.
    fn open(&mut self, route: &str, deadline: Instant) -> Result<WebViewId, Failure> {
        let url = format!("/{route}");
        if std::mem::take(&mut self.fresh) {
            self.app.press_within(&format!("restart:{url}"), left(deadline)).map_err(failure)?;
        } else {
            let relaunch = json!({"method": "reLaunch", "args": [{"url": url}]});
            self.app.send_within("App.callWxMethod", relaunch, left(deadline)).map_err(failure)?;
        }
        // (a restarted mini program names its page once the page has run onLoad)
        loop {
            let current = self.app.send_within("App.getCurrentPage", json!({}), left(deadline));
            match current {
                Ok(page) if page["path"] == route => return page["pageId"].as_u64().ok_or(Failure::Timeout),
                Ok(_) | Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                Ok(page) => return Err(Failure::Other(format!("the current page is {}, not {route}", page["path"]))),
                Err(err) => return Err(failure(err)),
            }
        }
    }

    /// Waits for the page's first render and its calls, then looks at it (and takes its
    /// screenshot).
    fn look(
        &mut self,
        page: WebViewId,
        route: &str,
        deadline: Instant,
        result: &mut PageResult,
    ) -> Result<Seen, Failure> {
        // A query answers once the page has rendered (a WXML page's first render).
        self.app
            .send_within("Page.getElements", json!({"pageId": page, "selector": "page"}), left(deadline))
            .map_err(failure)?;
        let settled_by = deadline.min(Instant::now() + SETTLE);
        self.settle(settled_by);
        self.while_growing(self.started_mb, deadline);
        let mut seen = self.inspect(page, deadline)?;
        // A canvas whose first frame is on its way: the page is still drawing.
        while seen.awaiting_frames > 0 && Instant::now() < settled_by {
            std::thread::sleep(Duration::from_millis(30));
            self.settle(settled_by);
            seen = self.inspect(page, deadline)?;
        }
        if let Some(dir) = &self.options.screenshots {
            let shot = self.app.send_within("App.captureScreenshot", json!({}), left(deadline)).map_err(failure)?;
            let png = decode(&shot).map_err(Failure::Other)?;
            match visual::keep(dir, self.options.baseline.as_deref(), self.options.update_baseline, route, &png) {
                Ok(shot) => result.screenshot = Some(shot),
                Err(err) => result.errors.push(format!("screenshot not kept: {err}")),
            }
        }
        Ok(seen)
    }

    /// What page `page` shows now.
    fn inspect(&self, page: WebViewId, deadline: Instant) -> Result<Seen, Failure> {
        let seen = self.app.send_within("Page.inspect", json!({"pageId": page}), left(deadline)).map_err(failure)?;
        serde_json::from_value(seen).map_err(|err| Failure::Other(err.to_string()))
    }

    /// Waits until no call is in flight and nothing has crossed between a WXML page's
    /// layers (its components drawing, a canvas's frames) for [`QUIET`], at most until
    /// `until`. A page that keeps drawing (an animation, a ticking timer) is waited for
    /// only [`DRAWING`]; then its calls alone count.
    fn settle(&self, until: Instant) {
        let mut quiet_since: Option<Instant> = None;
        let mut traffic = Value::Null;
        let drawing_until = Instant::now() + DRAWING;
        while Instant::now() < until && quiet_since.is_none_or(|since| since.elapsed() < QUIET) {
            match self.app.chrome_state_within(left(until)) {
                Ok(state)
                    if state["callsInFlight"] == 0
                        && (state["renderTraffic"] == traffic || Instant::now() >= drawing_until) =>
                {
                    quiet_since.get_or_insert_with(Instant::now);
                }
                Ok(state) => {
                    quiet_since = None;
                    traffic = state["renderTraffic"].clone();
                }
                Err(_) => return,
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Waits while the web process's memory grows fast (a page allocating without end
    /// reaches the memory limit during its own visit, and is charged with it), at most
    /// until `deadline`.
    fn while_growing(&self, started_mb: u64, deadline: Instant) {
        let mut last = memory_mb();
        if last < started_mb + GREW_MB {
            return;
        }
        let restarts = self.app.restarts().len();
        while Instant::now() < deadline && self.app.restarts().len() == restarts {
            std::thread::sleep(Duration::from_millis(100));
            let now = memory_mb();
            if (now.saturating_sub(last) as f64) * 10.0 < GROWING_MB_PER_S {
                return;
            }
            last = now;
        }
    }

    /// The page visited earlier whose web process grew most while it was open, if it grew
    /// more than the current one: a memory limit reached now is its doing.
    fn grew_most_before(&self, current_growth: u64) -> Option<(usize, u64)> {
        self.grown
            .iter()
            .copied()
            .filter(|(_, grew)| *grew >= GREW_MB && *grew > current_growth)
            .max_by_key(|(_, grew)| *grew)
    }

    /// Why the shell restarted the mini program during this visit, if it did. Memory a
    /// page before this one took (a timer that allocates on) that ran out now is that
    /// page's: it is charged, and this one opens again.
    fn restarted_since(&mut self, marks: Marks, report: &Mutex<Report>) -> Option<Stopped> {
        let restart = self.app.restarts().get(marks.restarts).cloned()?;
        let reason = restart["reason"].as_str().unwrap_or("its web process ended").to_string();
        let grew_here = restart["memoryMb"].as_u64().unwrap_or(0).saturating_sub(self.started_mb);
        let culprit = self.grew_most_before(grew_here).filter(|_| restart["kind"] == "memory");
        self.grown.clear();
        if let Some((index, grew)) = culprit {
            if let Some(earlier) = report.lock().expect("report lock").pages.get_mut(index) {
                earlier.outcome = Outcome::Crashed;
                earlier.reason = Some(format!(
                    "its web process grew by {grew} MB while it was open, and went on after it was left: {reason}"
                ));
            }
            self.blamed_before = true;
            return Some(Stopped::Crashed(format!("the page before used up the memory: {reason}")));
        }
        Some(match restart["kind"].as_str() {
            Some("busy") => Stopped::Timeout(reason),
            _ => Stopped::Crashed(reason),
        })
    }

    /// A modal still up once the page has settled: the page waits for a person.
    fn modal_up(&self) -> Option<Stopped> {
        let state = self.app.chrome_state_within(ASK).ok()?;
        let title = state["modal"]["title"].as_str()?;
        Some(Stopped::Timeout(format!("a modal is up: {title:?} (it waits for a person)")))
    }

    /// What became of a visit whose step failed: a page result's reason (`Ok`), or the
    /// end of the run (`Err`).
    fn stopped(
        &mut self,
        failure: Failure,
        page: Option<WebViewId>,
        marks: Marks,
        route: &str,
        report: &Mutex<Report>,
    ) -> Result<Stopped, fn(PageResult) -> Visit> {
        if matches!(failure, Failure::Restarted) {
            // (the shell's answer can come before its event has been read)
            let _ = self.app.wait_until(|app| Ok(app.restarts().len() > marks.restarts), ASK);
        }
        if let Some(stopped) = self.restarted_since(marks, report) {
            return Ok(stopped);
        }
        match failure {
            Failure::Ended => Err(|mut result: PageResult| {
                result.outcome = Outcome::NotReached;
                Visit::Stopped(result)
            }),
            Failure::Restarted => Ok(Stopped::Crashed("the mini program restarted".into())),
            // (an error of the page's opening: a route that failed, a page with no Page()
            // instance: the page's own)
            Failure::Other(message) => Ok(Stopped::Error(message)),
            Failure::Timeout => match self.diagnose(page, route, report) {
                Some(reason) => {
                    self.fresh = true;
                    Ok(Stopped::Timeout(reason))
                }
                None => Err(|mut result: PageResult| {
                    result.outcome = Outcome::Timeout;
                    result.reason = Some("the shell stopped answering".into());
                    Visit::Wedged(result)
                }),
            },
        }
    }

    /// What a page that missed its deadline waited for (`None`: the shell itself did not
    /// answer). A hook of the page before that did not finish is charged to that page.
    fn diagnose(&mut self, page: Option<WebViewId>, route: &str, report: &Mutex<Report>) -> Option<String> {
        let state = self.app.chrome_state_within(ASK).ok()?;
        let waiting = &state["waiting"];
        let mut reasons = Vec::new();
        let busy = waiting["busyMs"].as_u64().unwrap_or(0);
        if busy >= 1000 {
            reasons.push(format!(
                "its web process is busy: no answer for {:.1} s (a script that never ends)",
                busy as f64 / 1000.0
            ));
        }
        // A hook of the page before that is still running, or ran out of time, is why.
        let before = self.last.filter(|(id, _)| Some(*id) != page);
        let hook_of = |key: &str| {
            let hook = waiting[key].as_object()?;
            Some((hook.get("page").and_then(Value::as_u64)?, hook.get("hook").and_then(Value::as_str)?.to_string()))
        };
        let earlier = [hook_of("hook"), hook_of("overran")]
            .into_iter()
            .flatten()
            .find(|(of, _)| before.is_some_and(|(id, _)| id == *of));
        if let (Some((_, index)), Some((_, name))) = (before, earlier) {
            let mut report = report.lock().expect("report lock");
            if let Some(earlier) = report.pages.get_mut(index) {
                earlier.outcome = Outcome::Timeout;
                earlier.reason = Some(format!("its {name} did not finish when the next page opened"));
                reasons.push(format!("the {name} of the page before ({}) did not finish", earlier.route));
            }
            self.blamed_before = true;
        } else if let Some((_, name)) = hook_of("hook") {
            reasons.push(format!("its {name} has not finished"));
        }
        if let Some(title) = state["modal"]["title"].as_str() {
            reasons.push(format!("a modal is up: {title:?}"));
        }
        if waiting["routeCalls"].as_u64().unwrap_or(0) > 0 {
            reasons.push(format!("the route to {route} was not answered"));
        }
        if page.is_some_and(|page| waiting["unrendered"].as_array().is_some_and(|ids| ids.contains(&json!(page)))) {
            reasons.push("its first render did not arrive".into());
        }
        if reasons.is_empty() {
            reasons.push("it did not answer in time".into());
        }
        Some(reasons.join("; "))
    }

    /// The errors, requests, APIs and components of the visit. An error that names a page
    /// visited before is that page's.
    fn gather(
        &mut self,
        page: Option<WebViewId>,
        marks: Marks,
        result: &mut PageResult,
        evidence: &mut Evidence,
        report: &Mutex<Report>,
    ) {
        let ours = |from: Option<u64>| page.is_some() && from == page || from == Some(LOGIC_ID) || from.is_none();
        let exceptions = self.app.exceptions();
        for exception in &exceptions[marks.exceptions..] {
            if !ours(exception["webviewId"].as_u64()) {
                self.charge_to_earlier(exception, report);
                continue;
            }
            let line = error_line(exception);
            if verdict::is_network_error(&line) {
                continue;
            }
            if let Some(api) = report::missing_api(&line) {
                if !result.missing_apis.contains(&api) {
                    result.missing_apis.push(api);
                }
            }
            result.errors.push(line);
        }
        self.charged = exceptions.len();
        for call in &self.app.calls()[marks.calls..] {
            if !call.ok && Some(call.web_view_id) == page && NETWORK_APIS.contains(&call.api_name.as_str()) {
                let method = call.data["method"].as_str().unwrap_or("GET").to_ascii_uppercase();
                let url = call.data["url"].as_str().unwrap_or("");
                let why = call.res["errMsg"].as_str().unwrap_or("failed");
                result.failed_requests.push(format!("{method} {url}: {why}"));
            }
        }
        let mut unsupported: Vec<String> = self.app.console()[marks.console..]
            .iter()
            .filter(|entry| entry["type"] == "warn")
            .filter_map(|entry| report::unsupported_component(entry["args"][0].as_str()?))
            .collect();
        unsupported.sort();
        unsupported.dedup();
        result.unsupported = unsupported;
        evidence.errors = result.errors.clone();
        evidence.failed_requests = result.failed_requests.clone();
    }

    /// Uncaught errors of pages already judged, raised since (a timer a page left behind):
    /// they are that page's, not the current one's.
    fn charge_late(&mut self, report: &Mutex<Report>) {
        let exceptions = self.app.exceptions();
        for exception in exceptions.iter().skip(self.charged) {
            self.charge_to_earlier(exception, report);
        }
        self.charged = exceptions.len();
    }

    /// Charges an error to the page visited before that raised it, if one did.
    fn charge_to_earlier(&self, exception: &Value, report: &Mutex<Report>) {
        // (a render webview's own error while it is being closed: not the page's doing)
        if exception["closing"] == true {
            return;
        }
        let Some(index) = exception["webviewId"].as_u64().and_then(|id| self.visited.get(&id)) else { return };
        let mut report = report.lock().expect("report lock");
        let Some(page) = report.pages.get_mut(*index) else { return };
        let line = error_line(exception);
        // (a modal it showed failing as the next page opened is smoke's doing)
        if verdict::is_network_error(&line) || verdict::is_closed_under_it(&line) {
            return;
        }
        page.errors.push(format!("{line} (after the page was left)"));
        if matches!(page.outcome, Outcome::Ok | Outcome::Blank | Outcome::Network | Outcome::Changed) {
            page.outcome = Outcome::Error;
            page.reason = None;
        }
    }

    /// `--explore`: taps each tappable element of `route` once, each on a fresh copy of
    /// the page, at most `budget`.
    fn explore(&mut self, route: &str, budget: usize) -> Vec<Action> {
        let mut actions = Vec::new();
        for index in 0..budget {
            let marks = self.marks();
            let deadline = Instant::now() + self.options.page_timeout;
            let Ok(page) = self.open(route, deadline) else { break };
            let found =
                self.app.send_within("Page.getTappables", json!({"pageId": page, "limit": budget}), left(deadline));
            let Some(target) = found.ok().and_then(|found| found["elements"].get(index).cloned()) else { break };
            let name = match target["text"].as_str().filter(|text| !text.is_empty()) {
                Some(text) => format!("{} {text:?}", target["tagName"].as_str().unwrap_or("element")),
                None => target["tagName"].as_str().unwrap_or("element").to_string(),
            };
            let tapped = self.app.send_within(
                "Element.tap",
                json!({"pageId": page, "elementId": target["elementId"]}),
                left(deadline),
            );
            self.settle(deadline.min(Instant::now() + SETTLE));
            let mut action =
                Action { target: name, outcome: Outcome::Ok, errors: Vec::new(), reached: None, calls: Vec::new() };
            match tapped.map_err(failure) {
                Ok(_) => {}
                Err(Failure::Timeout) => {
                    action.outcome = Outcome::Timeout;
                    self.fresh = true;
                }
                Err(Failure::Restarted) => action.outcome = Outcome::Crashed,
                Err(Failure::Ended) => break,
                Err(Failure::Other(message)) => action.errors.push(message),
            }
            if self.app.restarts().len() > marks.restarts {
                action.outcome = Outcome::Crashed;
            }
            if let Ok(current) = self.app.send_within("App.getCurrentPage", json!({}), ASK) {
                let now = current["path"].as_str().unwrap_or_default().to_string();
                if now != route && !now.is_empty() {
                    if !self.reached.contains(&now) {
                        self.reached.push(now.clone());
                    }
                    action.reached = Some(now);
                }
            }
            for exception in &self.app.exceptions()[marks.exceptions..] {
                action.errors.push(error_line(exception));
            }
            if action.outcome == Outcome::Ok && !action.errors.is_empty() {
                action.outcome = Outcome::Error;
            }
            for call in &self.app.calls()[marks.calls..] {
                if !action.calls.contains(&call.api_name) {
                    action.calls.push(call.api_name.clone());
                }
            }
            actions.push(action);
        }
        self.charged = self.app.exceptions().len();
        actions
    }

    /// Pages tapping reached that are not among `routes`.
    pub fn reached_unlisted(&self, routes: &[String]) -> Vec<String> {
        self.reached.iter().filter(|route| !routes.contains(route)).cloned().collect()
    }
}

/// The memory of the largest web process of this shell, in MB.
fn memory_mb() -> u64 {
    crate::shell::processes::web_processes_mb().into_iter().map(|(_, mb)| mb).max().unwrap_or(0)
}

/// The time left until `deadline` (at least a little, so that a command is sent).
fn left(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(50))
}

fn decode(shot: &Value) -> Result<Vec<u8>, String> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap_or_default())
        .map_err(|err| err.to_string())
}

/// An `App.exceptionThrown` as one line: its message, and where.
pub fn error_line(exception: &Value) -> String {
    let message = exception["message"].as_str().unwrap_or("an error");
    let at = exception["stack"]
        .as_str()
        .and_then(|stack| stack.lines().find_map(|frame| frame.rsplit_once('@').map(|(_, at)| at.trim().to_string())))
        .map(|at| crate::core::console::short_source(&at).to_string());
    match at {
        Some(at) if !at.is_empty() => format!("{message} (at {at})"),
        _ => message.to_string(),
    }
}
