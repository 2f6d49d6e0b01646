//! The report as one self-contained HTML page (no network: thumbnails and diff images are
//! embedded): a grid of pages, each with its thumbnail, outcome, time, errors, failed
//! requests and unsupported APIs and components, and a filter by outcome.

use std::path::Path;

use base64::Engine;

use super::junit::escape;
use super::report::{PageResult, Report};
use super::verdict::Outcome;

/// The width of a thumbnail, in px.
pub const THUMBNAIL_WIDTH: u32 = 180;

const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: #f5f6f7; color: #1f2328; }
header { padding: 16px 20px; background: #fff; border-bottom: 1px solid #ddd; position: sticky; top: 0; }
h1 { font-size: 18px; margin: 0 0 6px; }
.filters button { margin: 4px 6px 0 0; padding: 3px 10px; border: 1px solid #bbb; border-radius: 12px; background: #fff; cursor: pointer; }
.filters button.on { background: #1f2328; color: #fff; border-color: #1f2328; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 14px; padding: 16px 20px; }
.page { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 10px; overflow-wrap: anywhere; }
.page img { width: 100%; max-width: 180px; border: 1px solid #eee; display: inline-block; margin: 0 6px 8px 0; vertical-align: top; }
.route { font-family: monospace; font-size: 12px; }
.outcome { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.outcome.ok { background: #1a7f37; } .outcome.error, .outcome.crashed { background: #cf222e; }
.outcome.timeout { background: #9a6700; } .outcome.blank, .outcome.changed { background: #8250df; }
.outcome.network { background: #0969da; } .outcome.notReached { background: #6e7781; }
li.error { color: #a40e26; }
ul { margin: 6px 0 0; padding-left: 18px; font-size: 12px; }
.hidden { display: none; }
";

const SCRIPT: &str = "
(function () {
  var buttons = document.querySelectorAll('.filters button');
  function show(outcome) {
    document.querySelectorAll('.page').forEach(function (page) {
      page.classList.toggle('hidden', outcome !== 'all' && page.dataset.outcome !== outcome);
    });
    buttons.forEach(function (b) { b.classList.toggle('on', b.dataset.filter === outcome); });
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { show(b.dataset.filter); }); });
  show('all');
})();
";

/// The report as an HTML page.
pub fn html(report: &Report) -> String {
    let mut page = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    page.push_str(&format!(
        "<title>superapp smoke: {}</title><style>{STYLE}</style></head><body>\n",
        escape(&report.app)
    ));
    page.push_str(&format!(
        "<header><h1>{}</h1><div id=\"summary\">{}</div>",
        escape(&report.app),
        escape(&report.summary())
    ));
    if let Some(stopped) = &report.stopped {
        page.push_str(&format!("<div id=\"stopped\">stopped early: {}</div>", escape(stopped)));
    }
    page.push_str("<div class=\"filters\"><button data-filter=\"all\">all</button>");
    for (outcome, count) in report.counts() {
        page.push_str(&format!("<button data-filter=\"{0}\">{0} ({count})</button>", outcome.name()));
    }
    page.push_str("</div></header>\n<main>\n");
    for result in &report.pages {
        page.push_str(&card(result));
    }
    page.push_str(&format!("</main>\n<script>{SCRIPT}</script>\n</body></html>\n"));
    page
}

fn card(result: &PageResult) -> String {
    let mut card = format!(
        "<section class=\"page\" data-outcome=\"{}\" data-route=\"{}\">",
        result.outcome.name(),
        escape(&result.route)
    );
    if let Some(shot) = &result.screenshot {
        if let Some(src) = thumbnail(Path::new(&shot.path)) {
            card.push_str(&format!("<img class=\"thumbnail\" alt=\"{}\" src=\"{src}\">", escape(&result.route)));
        }
        if let Some(src) = shot.diff.as_deref().and_then(|diff| thumbnail(Path::new(diff))) {
            card.push_str(&format!("<img class=\"diff\" alt=\"what changed\" src=\"{src}\">"));
        }
    }
    card.push_str(&format!(
        "<div class=\"route\">{}</div><span class=\"outcome {}\">{}</span> <span class=\"ms\">{} ms</span>",
        escape(&result.route),
        result.outcome.name(),
        result.outcome.name(),
        result.ms
    ));
    let mut items: Vec<(&str, String)> = Vec::new();
    items.extend(result.reason.iter().map(|r| ("reason", r.clone())));
    items.extend(result.errors.iter().map(|e| ("error", e.clone())));
    items.extend(result.failed_requests.iter().map(|r| ("request", format!("failed request: {r}"))));
    if !result.missing_apis.is_empty() {
        items.push(("api", format!("missing wx functions: {}", result.missing_apis.join(", "))));
    }
    if !result.unsupported.is_empty() {
        items.push(("component", format!("unsupported components: {}", result.unsupported.join(", "))));
    }
    for action in &result.actions {
        let reached = action.reached.as_ref().map(|r| format!(" → {r}")).unwrap_or_default();
        items.push(("action", format!("tap {}: {}{reached}", action.target, action.outcome.name())));
    }
    if !items.is_empty() {
        card.push_str("<ul>");
        for (class, text) in items {
            card.push_str(&format!("<li class=\"{class}\">{}</li>", escape(&text)));
        }
        card.push_str("</ul>");
    }
    if result.outcome == Outcome::NotReached {
        card.push_str("<ul><li class=\"reason\">not reached</li></ul>");
    }
    card.push_str("</section>\n");
    card
}

/// A PNG scaled down to a thumbnail, as a data URL.
fn thumbnail(path: &Path) -> Option<String> {
    let image = image::open(path).ok()?;
    let height = (f64::from(image.height()) * f64::from(THUMBNAIL_WIDTH) / f64::from(image.width().max(1))) as u32;
    let small = image.resize_exact(THUMBNAIL_WIDTH, height.max(1), image::imageops::FilterType::Triangle);
    let mut png = std::io::Cursor::new(Vec::new());
    small.write_to(&mut png, image::ImageFormat::Png).ok()?;
    Some(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png.into_inner())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_holds_a_card_per_page_and_a_filter_per_outcome() {
        let mut report = Report::new("<demo>", Vec::new());
        let mut bad = PageResult::new("pages/b/b", Outcome::Blank);
        bad.reason = Some("nothing visible".into());
        report.pages = vec![PageResult::new("pages/a/a", Outcome::Ok), bad];
        let page = html(&report);
        assert!(page.contains("<title>superapp smoke: &lt;demo&gt;</title>"));
        assert_eq!(page.matches("<section class=\"page\"").count(), 2);
        assert!(page.contains("data-outcome=\"blank\" data-route=\"pages/b/b\""));
        assert!(page.contains("<button data-filter=\"blank\">blank (1)</button>"));
        assert!(!page.contains("http://") && !page.contains("https://"), "self-contained");
    }
}
