//! What `superapp smoke` found: one row per page, as plain data, printed as a table or as
//! JSON. Decided here, without a window.

use serde::Serialize;

/// How one page fared on its first load.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageResult {
    /// The page's route.
    pub route: String,
    /// `ok`, `error` (it loaded with uncaught errors, or failed to load) or `timeout`.
    pub outcome: Outcome,
    /// How long it took to load (reLaunch to first render), in ms.
    pub ms: u64,
    /// The uncaught errors it raised while loading: `message (at file:line:col)`.
    pub errors: Vec<String>,
    /// The components it used that the shell does not implement (shown as plain elements).
    pub unsupported: Vec<String>,
}

/// The component a render layer's console warning names, if it is the warning that a
/// component is not supported (`[superapp] <swiper> is not supported yet: ...`).
pub fn unsupported_component(warning: &str) -> Option<String> {
    let rest = warning.strip_prefix("[superapp] <")?;
    let (name, tail) = rest.split_once('>')?;
    tail.starts_with(" is not supported").then(|| name.to_string())
}

/// A page's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Rendered without an uncaught error.
    Ok,
    /// Raised an uncaught error (or could not be opened).
    Error,
    /// Did not render within the time allowed.
    Timeout,
}

/// Every page's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// One per page, in `app.json`'s order.
    pub pages: Vec<PageResult>,
    /// The subpackage roots (a page under none is the main package's).
    #[serde(skip)]
    pub roots: Vec<String>,
}

impl Report {
    /// How many pages had each outcome: (ok, error, timeout).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |outcome| self.pages.iter().filter(|p| p.outcome == outcome).count();
        (count(Outcome::Ok), count(Outcome::Error), count(Outcome::Timeout))
    }

    /// The exit status: 0 when at least `min_pass` of the pages (a share, 0 to 1; 1 means
    /// every page) are ok, 1 otherwise.
    pub fn status(&self, min_pass: f64) -> i32 {
        let ok = self.counts().0 as f64;
        if ok >= (min_pass * self.pages.len() as f64).ceil() {
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
    /// met each (from `wx.x is not a function` errors).
    pub fn missing_apis(&self) -> Vec<(String, usize)> {
        tally(self.pages.iter().map(|page| {
            let mut names: Vec<String> = page
                .errors
                .iter()
                .filter_map(|error| {
                    let name = error.split("wx.").nth(1)?.split(" is not a function").next()?;
                    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
                        .then(|| name.to_string())
                })
                .collect();
            names.dedup();
            names
        }))
    }

    /// The components pages used that the shell does not implement, with how many pages
    /// used each, most used first.
    pub fn unsupported_components(&self) -> Vec<(String, usize)> {
        tally(self.pages.iter().map(|page| page.unsupported.clone()))
    }

    /// The report as a person reads it: one line per page, then the counts.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            let mark = match page.outcome {
                Outcome::Ok => "ok     ",
                Outcome::Error => "ERROR  ",
                Outcome::Timeout => "TIMEOUT",
            };
            out.push_str(&format!("{mark} {:>6} ms  {}\n", page.ms, page.route));
            for error in &page.errors {
                out.push_str(&format!("                     {error}\n"));
            }
            if !page.unsupported.is_empty() {
                let names: Vec<String> = page.unsupported.iter().map(|name| format!("<{name}>")).collect();
                out.push_str(&format!("                     not supported: {}\n", names.join(" ")));
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
        let (ok, error, timeout) = self.counts();
        out.push_str(&format!(
            "{ok} of {} pages rendered without an uncaught error ({error} with errors, {timeout} timed out)\n",
            self.pages.len()
        ));
        out
    }
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
        let report = Report {
            roots: vec!["packageA".into()],
            pages: vec![
                PageResult {
                    route: "pages/a/a".into(),
                    outcome: Outcome::Ok,
                    ms: 12,
                    errors: vec![],
                    unsupported: vec!["swiper".into()],
                },
                PageResult {
                    route: "packageA/pages/b/b".into(),
                    outcome: Outcome::Error,
                    ms: 30,
                    errors: vec![
                        "TypeError: wx.createWorker is not a function. (In 'wx.createWorker()') (at b.js:3:9)".into(),
                    ],
                    unsupported: vec!["map".into(), "swiper".into()],
                },
            ],
        };
        assert_eq!(
            report.table(),
            "ok          12 ms  pages/a/a\n\
             \x20                    not supported: <swiper>\n\
             ERROR       30 ms  packageA/pages/b/b\n\
             \x20                    TypeError: wx.createWorker is not a function. (In 'wx.createWorker()') (at b.js:3:9)\n\
             \x20                    not supported: <map> <swiper>\n\
             by package:\n     1 of 1    main\n     0 of 1    packageA\n\
             wx functions pages called that the shell lacks: createWorker (1)\n\
             components pages used that the shell lacks: swiper (2), map (1)\n\
             1 of 2 pages rendered without an uncaught error (1 with errors, 0 timed out)\n"
        );
        assert_eq!(report.status(1.0), 1);
        assert_eq!(report.status(0.5), 0);
        assert_eq!(
            serde_json::to_value(&report.pages[0]).unwrap(),
            serde_json::json!({"route": "pages/a/a", "outcome": "ok", "ms": 12, "errors": [], "unsupported": ["swiper"]})
        );
        assert_eq!(
            unsupported_component("[superapp] <swiper> is not supported yet: shown as a plain element").as_deref(),
            Some("swiper")
        );
        assert_eq!(unsupported_component("[superapp] page x has no handler y"), None);
    }
}
