//! The report as JUnit XML, the form CI servers read: one `testcase` per page, a
//! `failure` with its outcome and messages for a page that is not ok, `skipped` for a page
//! not reached.

use super::report::{PageResult, Report};
use super::verdict::Outcome;

/// The report as a JUnit XML document.
pub fn junit(report: &Report) -> String {
    let failures = report.pages.iter().filter(|p| !matches!(p.outcome, Outcome::Ok | Outcome::NotReached)).count();
    let skipped = report.pages.iter().filter(|p| p.outcome == Outcome::NotReached).count();
    let seconds = report.ms as f64 / 1000.0;
    let app = escape(&report.app);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"superapp smoke\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{seconds:.3}\">\n",
        report.pages.len()
    ));
    xml.push_str(&format!(
        "  <testsuite name=\"{app}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{seconds:.3}\">\n",
        report.pages.len()
    ));
    for page in &report.pages {
        let class = escape(&format!("{}.{}", report.app, report.package_of(&page.route)));
        let open = format!(
            "    <testcase classname=\"{class}\" name=\"{}\" time=\"{:.3}\"",
            escape(&page.route),
            page.ms as f64 / 1000.0
        );
        match page.outcome {
            Outcome::Ok => xml.push_str(&format!("{open}/>\n")),
            Outcome::NotReached => xml.push_str(&format!(
                "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                escape(&format!("not reached: {}", report.stopped.as_deref().unwrap_or("the run stopped")))
            )),
            outcome => xml.push_str(&format!(
                "{open}>\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                outcome.name(),
                escape(&headline(page)),
                escape(&details(page))
            )),
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// One line: the outcome and its first reason or error.
fn headline(page: &PageResult) -> String {
    let first = page.reason.iter().chain(&page.errors).chain(&page.failed_requests).next();
    match first {
        Some(first) => format!("{}: {first}", page.outcome.name()),
        None => page.outcome.name().to_string(),
    }
}

/// Everything known, a line each.
fn details(page: &PageResult) -> String {
    let mut lines: Vec<String> = page.reason.iter().cloned().collect();
    lines.extend(page.errors.iter().cloned());
    lines.extend(page.failed_requests.iter().map(|r| format!("failed request: {r}")));
    if !page.missing_apis.is_empty() {
        lines.push(format!("missing wx functions: {}", page.missing_apis.join(", ")));
    }
    if let Some(diff) = page.screenshot.as_ref().and_then(|shot| shot.diff.as_ref()) {
        lines.push(format!("changed from the baseline: {diff}"));
    }
    lines.join("\n")
}

/// Text made safe for XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            // (XML 1.0 allows no other control characters, even escaped)
            c if (c as u32) < 0x20 && c != '\t' && c != '\r' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_is_a_testcase_and_failures_carry_their_messages() {
        let mut report = Report::new("Shop & Co", vec!["pkg".into()]);
        report.ms = 2500;
        let mut bad = PageResult::new("pkg/pages/b/b", Outcome::Error);
        bad.errors = vec!["TypeError: a < b".into()];
        bad.ms = 1200;
        report.pages =
            vec![PageResult::new("pages/a/a", Outcome::Ok), bad, PageResult::new("pages/c/c", Outcome::NotReached)];
        report.stopped = Some("SIGTERM".into());
        let xml = junit(&report);
        assert!(
            xml.contains(
                "<testsuites name=\"superapp smoke\" tests=\"3\" failures=\"1\" skipped=\"1\" time=\"2.500\">"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase classname=\"Shop &amp; Co.main\" name=\"pages/a/a\" time=\"0.000\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "<failure type=\"error\" message=\"error: TypeError: a &lt; b\">TypeError: a &lt; b</failure>"
            ),
            "{xml}"
        );
        assert!(xml.contains("<skipped message=\"not reached: SIGTERM\"/>"), "{xml}");
        assert_eq!(escape("a\u{1}b\n"), "a\u{fffd}b&#10;");
    }
}
