//! Work a `wx` call asks of a page where it is drawn: `wx.pageScrollTo` and
//! `SelectorQuery.exec()`. The core reads the call's options
//! ([`PageScroll`](crate::core::page_scroll::PageScroll),
//! [`selector_query`](crate::core::selector_query)); the page (an HTML page, or a WXML
//! page's render webview: assets/bridge.js) does it and answers; only then is the call
//! answered. Every task gets exactly one answer: the page's, or a fail when the page
//! closes or the run ends first.

use serde_json::Value;

use super::MiniProgram;
use crate::core::host::{ShellReply, WebViewId};
use crate::core::page_scroll::PageScroll;
use crate::core::protocol::{Outbound, PageTask};
use crate::core::selector_query;
use crate::core::ui_api::UiApi;

impl MiniProgram {
    /// Starts `api` (`pageScrollTo` or `__selectorQuery`) for a call made by page `from`;
    /// `reply` gets its answer once the page has done it.
    pub(super) fn page_task(&mut self, from: WebViewId, api: UiApi, data: &Value, reply: ShellReply) {
        let task = match api {
            UiApi::PageScrollTo => PageScroll::from_options(data).map(PageTask::ScrollTo).map_err(|e| e.to_string()),
            UiApi::SelectorQuery => selector_query::parse(data)
                .map(|queries| PageTask::SelectorQuery { queries })
                .map_err(|e| e.to_string()),
            other => panic!("{other} is not a page task"),
        };
        let task = match task {
            Ok(task) => task,
            Err(err) => {
                let _ = reply.send(Err(err));
                return;
            }
        };
        // pageScrollTo scrolls the current page (as WeChat's does); a query asks the page
        // that made it, or the current page when no page did.
        let caller = self.router.live().any(|page| page.web_view_id == from).then_some(from);
        let target = match (&task, caller) {
            (PageTask::SelectorQuery { .. }, Some(page)) => Some(page),
            _ => self.router.top().map(|page| page.web_view_id),
        };
        let Some(page) = target else {
            let _ = reply.send(Err("no page is showing".into()));
            return;
        };
        self.next_task += 1;
        let seq = self.next_task;
        self.tasks.insert(seq, (page, reply));
        self.deliver_when_listening(page, Outbound::PageTask { seq, task }.encoded());
    }

    /// Page `from` did task `seq` (or could not).
    pub(super) fn page_task_done(&mut self, from: WebViewId, seq: u64, outcome: Result<Value, String>) {
        match self.tasks.remove(&seq) {
            Some((page, reply)) if page == from => {
                let answer = outcome.map(|value| match value {
                    Value::Null => None,
                    Value::Object(map) => Some(map),
                    other => Some(serde_json::Map::from_iter([("value".to_string(), other)])),
                });
                let _ = reply.send(answer);
            }
            Some(other) => {
                // Not that page's to answer: keep it for its own page.
                tracing::warn!(webview = from, seq, "a page answered another page's task");
                self.tasks.insert(seq, other);
            }
            None => tracing::debug!(webview = from, seq, "an answer to no task"),
        }
    }

    /// Fails the tasks of `page` (it closed), or of every page (`None`: the run ends).
    pub(super) fn fail_tasks(&mut self, page: Option<WebViewId>, why: &str) {
        let ended: Vec<u64> =
            self.tasks.iter().filter(|(_, (of, _))| page.is_none_or(|page| *of == page)).map(|(seq, _)| *seq).collect();
        for seq in ended {
            if let Some((_, reply)) = self.tasks.remove(&seq) {
                let _ = reply.send(Err(why.to_string()));
            }
        }
    }
}
