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
}

impl Report {
    /// How many pages had each outcome: (ok, error, timeout).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |outcome| self.pages.iter().filter(|p| p.outcome == outcome).count();
        (count(Outcome::Ok), count(Outcome::Error), count(Outcome::Timeout))
    }

    /// The exit status: 0 when every page is ok, 1 otherwise.
    pub fn status(&self) -> i32 {
        if self.counts().0 == self.pages.len() {
            0
        } else {
            1
        }
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
        }
        let (ok, error, timeout) = self.counts();
        out.push_str(&format!(
            "{ok} of {} pages rendered without an uncaught error ({error} with errors, {timeout} timed out)\n",
            self.pages.len()
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_each_page_and_counts_them() {
        let report = Report {
            pages: vec![
                PageResult { route: "pages/a/a".into(), outcome: Outcome::Ok, ms: 12, errors: vec![] },
                PageResult {
                    route: "pages/b/b".into(),
                    outcome: Outcome::Error,
                    ms: 30,
                    errors: vec!["TypeError: x is undefined (at pages/b/b.js:3:9)".into()],
                },
            ],
        };
        assert_eq!(
            report.table(),
            "ok          12 ms  pages/a/a\nERROR       30 ms  pages/b/b\n                     TypeError: x is undefined (at pages/b/b.js:3:9)\n\
             1 of 2 pages rendered without an uncaught error (1 with errors, 0 timed out)\n"
        );
        assert_eq!(report.status(), 1);
        assert_eq!(
            serde_json::to_value(&report.pages[0]).unwrap(),
            serde_json::json!({"route": "pages/a/a", "outcome": "ok", "ms": 12, "errors": []})
        );
    }
}
