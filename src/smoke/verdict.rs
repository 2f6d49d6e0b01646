//! How a page is judged, as a person would judge it: it must have rendered, show content
//! in its viewport (text, an image, a shape of its own colour: not only the background),
//! and raise no
//! uncaught error of its own. Plain evidence in, one outcome out.

use serde::Serialize;

/// A page's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Rendered, shows content, raised no uncaught error.
    Ok,
    /// Raised an uncaught error of its own (or could not be opened).
    Error,
    /// Did not finish opening within the deadline (`reason` says what it waited for).
    Timeout,
    /// Rendered, but nothing shows: no text, no image with a size.
    Blank,
    /// Rendered, and failed requests are its only errors (its backend is unreachable).
    Network,
    /// Its web process crashed, or was ended for using more memory than the limit.
    Crashed,
    /// Fine otherwise, but its screenshot differs from the baseline's.
    Changed,
    /// Never opened: the run was stopped (SIGINT, SIGTERM) or the shell stopped answering.
    NotReached,
}

impl Outcome {
    /// Every outcome, in the order reports list them.
    pub const ALL: [Outcome; 8] = [
        Outcome::Ok,
        Outcome::Error,
        Outcome::Timeout,
        Outcome::Blank,
        Outcome::Network,
        Outcome::Crashed,
        Outcome::Changed,
        Outcome::NotReached,
    ];

    /// Its name, as the JSON gives it.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Timeout => "timeout",
            Outcome::Blank => "blank",
            Outcome::Network => "network",
            Outcome::Crashed => "crashed",
            Outcome::Changed => "changed",
            Outcome::NotReached => "notReached",
        }
    }

    /// Its mark in the table: upper case for a failure.
    pub fn mark(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "ERROR",
            Outcome::Timeout => "TIMEOUT",
            Outcome::Blank => "BLANK",
            Outcome::Network => "NETWORK",
            Outcome::Crashed => "CRASHED",
            Outcome::Changed => "CHANGED",
            Outcome::NotReached => "NOT REACHED",
        }
    }
}

/// What the viewport showed, from the page's own DOM (assets/smoke/inspect.js).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seen {
    /// Elements in the page's document.
    pub elements: u64,
    /// Characters of text visible in the viewport (input values and placeholders too).
    pub text_length: u64,
    /// Images visible with a size: loaded images, canvases with something drawn, videos,
    /// svgs, background images.
    pub images: u64,
    /// Elements visible with a background colour of their own (a badge, a dot, a bar).
    pub boxes: u64,
    /// Canvases whose node the page's code asked for and whose first frame has not come
    /// (a WXML page draws them from its logic context): the page is still drawing.
    #[serde(default, skip_serializing)]
    pub awaiting_frames: u64,
}

impl Seen {
    /// Whether a person sees content: text, an image with a size, or a shape drawn in a
    /// colour of its own (only the page's background is blank; an empty canvas, an empty
    /// list or a container without colour shows nothing).
    pub fn has_content(&self) -> bool {
        self.text_length > 0 || self.images > 0 || self.boxes > 0
    }
}

/// Why a page did not finish opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// The deadline passed; what it was waiting for.
    Timeout(String),
    /// Its web process crashed or was ended; why.
    Crashed(String),
    /// It could not be opened or looked at: the shell's answer.
    Error(String),
}

/// Everything known of one page's visit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// It did not finish opening.
    pub stopped: Option<Stopped>,
    /// What it showed (`None`: it could not be looked at).
    pub seen: Option<Seen>,
    /// Its own uncaught errors (failed requests left unhandled not among them).
    pub errors: Vec<String>,
    /// Its requests that failed.
    pub failed_requests: Vec<String>,
    /// Its screenshot differs from the baseline's.
    pub changed: bool,
}

/// An uncaught error that is a failed request left unhandled (`request:fail ...`): it
/// counts as the network's, not as the page's own.
pub fn is_network_error(message: &str) -> bool {
    let message = message.strip_prefix("Error: ").unwrap_or(message);
    ["request:fail", "downloadFile:fail", "uploadFile:fail", "connectSocket:fail"]
        .iter()
        .any(|prefix| message.starts_with(prefix))
}

/// An uncaught error that only says the page was closed under its modal (smoke opening
/// the next page while it was up): not the page's doing.
pub fn is_closed_under_it(message: &str) -> bool {
    message.contains(crate::core::ui_api::CLOSED_WITH_ITS_PAGE)
}

/// The outcome and its reason. The first that holds: crashed, timeout, error, network,
/// blank, changed, ok.
pub fn judge(evidence: &Evidence) -> (Outcome, Option<String>) {
    match &evidence.stopped {
        Some(Stopped::Crashed(why)) => return (Outcome::Crashed, Some(why.clone())),
        Some(Stopped::Timeout(why)) => return (Outcome::Timeout, Some(why.clone())),
        Some(Stopped::Error(why)) => return (Outcome::Error, Some(why.clone())),
        None => {}
    }
    if !evidence.errors.is_empty() {
        return (Outcome::Error, None);
    }
    if !evidence.failed_requests.is_empty() {
        let why = format!("{} request(s) failed", evidence.failed_requests.len());
        return (Outcome::Network, Some(why));
    }
    match evidence.seen {
        Some(seen) if !seen.has_content() => {
            return (Outcome::Blank, Some("nothing visible: no text, no image, no shape of its own colour".into()))
        }
        None => return (Outcome::Error, Some("the page could not be looked at".into())),
        Some(_) => {}
    }
    if evidence.changed {
        return (Outcome::Changed, Some("its screenshot differs from the baseline".into()));
    }
    (Outcome::Ok, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: Seen = Seen { elements: 3, text_length: 12, images: 0, boxes: 1, awaiting_frames: 0 };

    fn with(change: impl FnOnce(&mut Evidence)) -> (Outcome, Option<String>) {
        let mut evidence = Evidence { seen: Some(TEXT), ..Evidence::default() };
        change(&mut evidence);
        judge(&evidence)
    }

    #[test]
    fn each_outcome_comes_from_its_evidence_in_order() {
        assert_eq!(with(|_| {}), (Outcome::Ok, None));
        assert_eq!(with(|e| e.seen = Some(Seen { images: 1, text_length: 0, ..TEXT })).0, Outcome::Ok);
        // Shapes in a colour of their own are content (WeUI's steps are dots); only the
        // page's background is blank.
        assert_eq!(with(|e| e.seen = Some(Seen { text_length: 0, boxes: 9, ..TEXT })).0, Outcome::Ok);
        assert_eq!(with(|e| e.seen = Some(Seen { elements: 40, ..Seen::default() })).0, Outcome::Blank);
        assert_eq!(with(|e| e.changed = true).0, Outcome::Changed);
        assert_eq!(with(|e| e.failed_requests = vec!["GET https://x/".into()]).0, Outcome::Network);
        // A failed request explains a blank page.
        assert_eq!(
            with(|e| {
                e.failed_requests = vec!["GET https://x/".into()];
                e.seen = Some(Seen::default());
            })
            .0,
            Outcome::Network
        );
        assert_eq!(
            with(|e| {
                e.errors = vec!["TypeError: x".into()];
                e.failed_requests = vec!["GET https://x/".into()];
            })
            .0,
            Outcome::Error
        );
        assert_eq!(
            with(|e| e.stopped = Some(Stopped::Timeout("onLoad has not finished".into()))),
            (Outcome::Timeout, Some("onLoad has not finished".into()))
        );
        assert_eq!(
            with(|e| {
                e.stopped = Some(Stopped::Crashed("its web process crashed".into()));
                e.errors = vec!["x".into()];
            })
            .0,
            Outcome::Crashed
        );
        assert_eq!(with(|e| e.seen = None).0, Outcome::Error);
    }

    #[test]
    fn failed_requests_left_unhandled_are_the_networks() {
        assert!(is_network_error("request:fail connect error: Connection refused"));
        assert!(is_network_error("Error: downloadFile:fail timeout"));
        assert!(!is_network_error("TypeError: request is not a function"));
        assert!(!is_network_error("showModal:fail the page that showed it closed"));
        assert!(is_closed_under_it("showModal:fail the page that showed it closed"));
    }

    #[test]
    fn outcomes_have_one_name_each() {
        let names: std::collections::HashSet<_> = Outcome::ALL.iter().map(|o| o.name()).collect();
        assert_eq!(names.len(), Outcome::ALL.len());
        assert_eq!(serde_json::to_value(Outcome::NotReached).unwrap(), "notReached");
        for outcome in Outcome::ALL {
            assert_eq!(serde_json::to_value(outcome).unwrap(), outcome.name());
        }
    }
}
