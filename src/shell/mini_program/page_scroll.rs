//! `wx.pageScrollTo`: the core reads the options
//! ([`PageScroll`](crate::core::page_scroll::PageScroll)), the current page scrolls
//! (assets/bridge.js, in an HTML page or a WXML page's render webview alike) and says when
//! it is there; only then is the call answered. Every scroll gets exactly one answer: the
//! page's, or a fail when the page closes or the run ends first.

use serde_json::Value;

use super::MiniProgram;
use crate::core::host::WebViewId;
use crate::core::page_scroll::PageScroll;
use crate::core::protocol::Outbound;

/// Where a scroll's answer goes.
pub(crate) type ScrollReply = tokio::sync::oneshot::Sender<Result<Option<serde_json::Map<String, Value>>, String>>;

impl MiniProgram {
    /// Scrolls the current page as `data` (the call's options) says; `reply` gets the
    /// answer once the page is there.
    pub(super) fn page_scroll_to(&mut self, data: &Value, reply: ScrollReply) {
        let scroll = match PageScroll::from_options(data) {
            Ok(scroll) => scroll,
            Err(err) => {
                let _ = reply.send(Err(err.to_string()));
                return;
            }
        };
        let Some(page) = self.router.top().map(|page| page.web_view_id) else {
            let _ = reply.send(Err("no page is showing".into()));
            return;
        };
        self.next_scroll += 1;
        let seq = self.next_scroll;
        self.scrolls.insert(seq, (page, reply));
        self.deliver_when_listening(page, Outbound::ScrollTo { seq, scroll }.encoded());
    }

    /// Page `from` carried out scroll `seq` (or could not).
    pub(super) fn scrolled(&mut self, from: WebViewId, seq: u64, error: Option<String>) {
        match self.scrolls.remove(&seq) {
            Some((page, reply)) if page == from => {
                let _ = reply.send(error.map_or(Ok(None), Err));
            }
            Some(other) => {
                // Not that page's to answer: keep it for its own page.
                tracing::warn!(webview = from, seq, "a page answered another page's scroll");
                self.scrolls.insert(seq, other);
            }
            None => tracing::debug!(webview = from, seq, "an answer to no scroll"),
        }
    }

    /// Fails the scrolls of `page` (it closed), or of every page (`None`: the run ends).
    pub(super) fn fail_scrolls(&mut self, page: Option<WebViewId>, why: &str) {
        let ended: Vec<u64> = self
            .scrolls
            .iter()
            .filter(|(_, (of, _))| page.is_none_or(|page| *of == page))
            .map(|(seq, _)| *seq)
            .collect();
        for seq in ended {
            if let Some((_, reply)) = self.scrolls.remove(&seq) {
                let _ = reply.send(Err(why.to_string()));
            }
        }
    }
}
