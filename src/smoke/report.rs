//! What `superapp smoke` found: one row per page, as plain data, printed as a table or as
//! JSON. Decided here, without a window.

use serde::Serialize;

pub use super::verdict::{Outcome, Seen};

/// How one page fared on its first load.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageResult {
    /// The page's route.
    pub route: String,
    /// How it fared (see [`Outcome`]).
    pub outcome: Outcome,
    /// Why, where the outcome has a reason: what a page that timed out waited for, why
    /// its web process ended, how many requests failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How long its visit took (reLaunch to settled), in ms.
    pub ms: u64,
    /// The uncaught errors it raised while loading: `message (at file:line:col)`.
    pub errors: Vec<String>,
    /// Its requests that failed: `GET <url>: <errMsg>`.
    pub failed_requests: Vec<String>,
    /// The `wx` functions it called that the shell lacks.
    pub missing_apis: Vec<String>,
    /// The components it used that the shell does not implement (shown as plain elements).
    pub unsupported: Vec<String>,
    /// What its viewport showed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<Seen>,
    /// Its screenshot (`--screenshots`), and how it compares with the baseline's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<Shot>,
    /// What tapping each of its tappable elements did (`--explore`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

impl PageResult {
    /// A page with an outcome and nothing else known of it yet.
    pub fn new(route: &str, outcome: Outcome) -> PageResult {
        PageResult {
            route: route.to_string(),
            outcome,
            reason: None,
            ms: 0,
            errors: Vec::new(),
            failed_requests: Vec::new(),
            missing_apis: Vec::new(),
            unsupported: Vec::new(),
            seen: None,
            screenshot: None,
            actions: Vec::new(),
        }
    }
}

/// A page's screenshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shot {
    /// The PNG written, as given (under `--screenshots`).
    pub path: String,
    /// Against the baseline: the pixels that differ beyond the colour threshold, or
    /// `None` without a baseline (or with none for this page yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_pixels: Option<u64>,
    /// The image of the differences, written beside the screenshot when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// One tap of `--explore`, on a fresh copy of its page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// What was tapped: `button "Pay"`, `view`...
    pub target: String,
    /// `ok`, `error` (an uncaught error), `crashed` or `timeout`.
    pub outcome: Outcome,
    /// The uncaught errors it raised.
    pub errors: Vec<String>,
    /// The page it led to, if the route changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached: Option<String>,
    /// The APIs it called, in order (each once).
    pub calls: Vec<String>,
}

/// The component a render layer's console warning names, if it is the warning that a
/// component is not supported (`[superapp] <swiper> is not supported yet: ...`).
pub fn unsupported_component(warning: &str) -> Option<String> {
    let rest = warning.strip_prefix("[superapp] <")?;
    let (name, tail) = rest.split_once('>')?;
    tail.starts_with(" is not supported").then(|| name.to_string())
}

/// Every page's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The mini program's name.
    pub app: String,
    /// One per page, in `app.json`'s order.
    pub pages: Vec<PageResult>,
    /// Why the run ended before every page was opened (`SIGTERM`, or the shell stopped
    /// answering), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Pages `--explore` reached by tapping that are not in the list it opened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reached_unlisted: Vec<String>,
    /// How long the run took, in ms.
    pub ms: u64,
    /// The subpackage roots (a page under none is the main package's).
    #[serde(skip)]
    pub roots: Vec<String>,
}

impl Report {
    /// An empty report of `app`'s pages.
    pub fn new(app: &str, roots: Vec<String>) -> Report {
        Report { app: app.to_string(), pages: Vec::new(), stopped: None, reached_unlisted: Vec::new(), ms: 0, roots }
    }

    /// How many pages had each outcome, in [`Outcome::ALL`]'s order (outcomes no page had
    /// left out).
    pub fn counts(&self) -> Vec<(Outcome, usize)> {
        Outcome::ALL
            .iter()
            .map(|outcome| (*outcome, self.pages.iter().filter(|p| p.outcome == *outcome).count()))
            .filter(|(_, count)| *count > 0)
            .collect()
    }

    /// How many pages are ok.
    pub fn ok(&self) -> usize {
        self.pages.iter().filter(|p| p.outcome == Outcome::Ok).count()
    }

    /// The exit status: 0 when at least `min_pass` of the pages (a share, 0 to 1; 1 means
    /// every page) are ok, 1 otherwise.
    pub fn status(&self, min_pass: f64) -> i32 {
        if self.ok() as f64 >= (min_pass * self.pages.len() as f64).ceil() {
            0
        } else {
            1
        }
    }

    /// The package a page belongs to: its subpackage's root, or `main`.
    pub fn package_of(&self, route: &str) -> String {
        self.roots.iter().find(|root| route.starts_with(&format!("{root}/"))).cloned().unwrap_or_else(|| "main".into())
    }

    /// The `wx` functions pages called that the shell does not have, with how many pages
    /// met each.
    pub fn missing_apis(&self) -> Vec<(String, usize)> {
        tally(self.pages.iter().map(|page| page.missing_apis.clone()))
    }

    /// The components pages used that the shell does not implement, with how many pages
    /// used each, most used first.
    pub fn unsupported_components(&self) -> Vec<(String, usize)> {
        tally(self.pages.iter().map(|page| page.unsupported.clone()))
    }

    /// The counts as one line: `2 of 3 pages ok (1 error)`.
    pub fn summary(&self) -> String {
        let others: Vec<String> = self
            .counts()
            .into_iter()
            .filter(|(outcome, _)| *outcome != Outcome::Ok)
            .map(|(outcome, count)| format!("{count} {}", outcome.name()))
            .collect();
        let mut line = format!("{} of {} pages ok", self.ok(), self.pages.len());
        if !others.is_empty() {
            line.push_str(&format!(" ({})", others.join(", ")));
        }
        let per_page = match self.pages.iter().filter(|p| p.outcome != Outcome::NotReached).count() {
            0 => 0,
            opened => self.ms / opened as u64,
        };
        line.push_str(&format!(", in {:.1} s ({per_page} ms a page)", self.ms as f64 / 1000.0));
        line
    }

    /// The report as a person reads it: one line per page, then the counts.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let indent = " ".repeat(21);
        for page in &self.pages {
            let seen = match &page.seen {
                Some(seen) => {
                    format!("  ({} elements, {} characters, {} images)", seen.elements, seen.text_length, seen.images)
                }
                None => String::new(),
            };
            out.push_str(&format!("{:<11} {:>6} ms  {}{seen}\n", page.outcome.mark(), page.ms, page.route));
            if let Some(reason) = &page.reason {
                out.push_str(&format!("{indent}{reason}\n"));
            }
            for error in &page.errors {
                out.push_str(&format!("{indent}{error}\n"));
            }
            for request in &page.failed_requests {
                out.push_str(&format!("{indent}failed request: {request}\n"));
            }
            if !page.unsupported.is_empty() {
                let names: Vec<String> = page.unsupported.iter().map(|name| format!("<{name}>")).collect();
                out.push_str(&format!("{indent}not supported: {}\n", names.join(" ")));
            }
            if let Some(diff) = page.screenshot.as_ref().and_then(|shot| shot.diff.as_ref()) {
                out.push_str(&format!("{indent}changed: {diff}\n"));
            }
            for action in &page.actions {
                let reached = action.reached.as_ref().map(|route| format!(" -> {route}")).unwrap_or_default();
                out.push_str(&format!("{indent}tap {}: {}{reached}\n", action.target, action.outcome.name()));
                for error in &action.errors {
                    out.push_str(&format!("{indent}  {error}\n"));
                }
            }
        }
        let mut packages: Vec<(String, usize, usize)> = Vec::new();
        for page in &self.pages {
            let package = self.package_of(&page.route);
            let ok = usize::from(page.outcome == Outcome::Ok);
            match packages.iter_mut().find(|(p, _, _)| *p == package) {
                Some((_, pass, all)) => {
                    *pass += ok;
                    *all += 1;
                }
                None => packages.push((package, ok, 1)),
            }
        }
        if packages.len() > 1 {
            out.push_str("by package:\n");
            for (package, pass, all) in &packages {
                out.push_str(&format!("  {pass:>4} of {all:<4} {package}\n"));
            }
        }
        let missing = self.missing_apis();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|(name, pages)| format!("{name} ({pages})")).collect();
            out.push_str(&format!("wx functions pages called that the shell lacks: {}\n", list.join(", ")));
        }
        let unsupported = self.unsupported_components();
        if !unsupported.is_empty() {
            let list: Vec<String> = unsupported.iter().map(|(name, pages)| format!("{name} ({pages})")).collect();
            out.push_str(&format!("components pages used that the shell lacks: {}\n", list.join(", ")));
        }
        if !self.reached_unlisted.is_empty() {
            out.push_str(&format!(
                "pages reached by tapping that are not in the list: {}\n",
                self.reached_unlisted.join(", ")
            ));
        }
        if let Some(stopped) = &self.stopped {
            out.push_str(&format!("stopped early: {stopped}\n"));
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }
}

/// The `wx` functions an error says a page called that the shell lacks (`TypeError:
/// wx.x is not a function`).
pub fn missing_api(error: &str) -> Option<String> {
    let name = error.split("wx.").nth(1)?.split(" is not a function").next()?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then(|| name.to_string())
}

/// How many pages named each name (each page's names once), most named first.
fn tally(pages: impl Iterator<Item = Vec<String>>) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for name in pages.flatten() {
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_each_page_and_counts_them() {
        let mut report = Report::new("demo", vec!["packageA".into()]);
        report.ms = 3000;
        let mut a = PageResult::new("pages/a/a", Outcome::Ok);
        a.ms = 12;
        a.unsupported = vec!["swiper".into()];
        a.seen = Some(Seen { elements: 5, text_length: 40, images: 1, boxes: 2, awaiting_frames: 0 });
        let mut b = PageResult::new("packageA/pages/b/b", Outcome::Error);
        b.ms = 30;
        b.errors = vec!["TypeError: wx.createWorker is not a function. (In 'wx.createWorker()') (at b.js:3:9)".into()];
        b.missing_apis = vec!["createWorker".into()];
        b.unsupported = vec!["map".into(), "swiper".into()];
        let mut c = PageResult::new("pages/c/c", Outcome::Timeout);
        c.reason = Some("its onLoad has not finished".into());
        c.ms = 15000;
        report.pages = vec![a, b, c, PageResult::new("pages/d/d", Outcome::NotReached)];
        report.stopped = Some("SIGTERM".into());
        assert_eq!(
            report.table(),
            "ok              12 ms  pages/a/a  (5 elements, 40 characters, 1 images)\n\
             \x20                    not supported: <swiper>\n\
             ERROR           30 ms  packageA/pages/b/b\n\
             \x20                    TypeError: wx.createWorker is not a function. (In 'wx.createWorker()') (at b.js:3:9)\n\
             \x20                    not supported: <map> <swiper>\n\
             TIMEOUT      15000 ms  pages/c/c\n\
             \x20                    its onLoad has not finished\n\
             NOT REACHED      0 ms  pages/d/d\n\
             by package:\n     1 of 3    main\n     0 of 1    packageA\n\
             wx functions pages called that the shell lacks: createWorker (1)\n\
             components pages used that the shell lacks: swiper (2), map (1)\n\
             stopped early: SIGTERM\n\
             1 of 4 pages ok (1 error, 1 timeout, 1 notReached), in 3.0 s (1000 ms a page)\n"
        );
        assert_eq!(report.status(1.0), 1);
        assert_eq!(report.status(0.25), 0);
        assert_eq!(
            serde_json::to_value(&report.pages[0]).unwrap(),
            serde_json::json!({"route": "pages/a/a", "outcome": "ok", "ms": 12, "errors": [], "failedRequests": [],
                "missingApis": [], "unsupported": ["swiper"],
                "seen": {"elements": 5, "textLength": 40, "images": 1, "boxes": 2}})
        );
        assert_eq!(
            unsupported_component("[superapp] <swiper> is not supported yet: shown as a plain element").as_deref(),
            Some("swiper")
        );
        assert_eq!(unsupported_component("[superapp] page x has no handler y"), None);
        assert_eq!(missing_api("TypeError: wx.login is not a function. (In 'wx.login()')").as_deref(), Some("login"));
        assert_eq!(missing_api("TypeError: x is not a function"), None);
    }
}
