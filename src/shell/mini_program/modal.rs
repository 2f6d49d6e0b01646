//! `wx.showModal`: one modal at a time, drawn by the chrome, answered when a button is
//! pressed; it belongs to the page that showed it and goes when that page closes.

use serde_json::{json, Value};

use super::MiniProgram;
use crate::core::host::{ShellReply, WebViewId};

impl MiniProgram {
    /// Shows a modal for page `from` (`data`: the call's options).
    pub(super) fn show_modal(&mut self, from: WebViewId, data: &Value, reply: ShellReply) {
        if self.closing(from) {
            // (a page closed before its onLoad ran still runs it, then unloads: a modal
            // it shows then goes with it at once, instead of over the next page)
            let _ = reply.send(Err(crate::core::ui_api::CLOSED_WITH_ITS_PAGE.into()));
            return;
        }
        if self.modal.is_some() {
            let _ = reply.send(Err("another modal is showing".into()));
            return;
        }
        let text = |key: &str, default: &str| data.get(key).and_then(Value::as_str).unwrap_or(default).to_string();
        let show_cancel = data.get("showCancel").and_then(Value::as_bool).unwrap_or(true);
        self.chrome.show_modal(
            &text("title", ""),
            &text("content", ""),
            show_cancel,
            &text("cancelText", "Cancel"),
            &text("confirmText", "OK"),
        );
        // Its page: the caller, or the page on top when no page made the call.
        let owner = if self.router.live().any(|page| page.web_view_id == from) {
            from
        } else {
            self.router.top().map_or(from, |page| page.web_view_id)
        };
        self.modal = Some((owner, reply));
    }

    /// Whether `page` is a page that has been closed and is still unloading.
    pub(super) fn closing(&self, page: WebViewId) -> bool {
        self.page_refs.contains_key(&page) && !self.router.live().any(|live| live.web_view_id == page)
    }

    /// A button of the modal was pressed.
    pub(super) fn modal_pressed(&mut self, confirm: bool) {
        self.chrome.hide_modal();
        if let Some((_, reply)) = self.modal.take() {
            let _ = reply.send(Ok(json!({"confirm": confirm, "cancel": !confirm}).as_object().cloned()));
        }
    }

    /// Page `page` is unloading: its modal goes (a reLaunch leaves none over the new page).
    pub(super) fn dismiss_modal_of(&mut self, page: WebViewId) {
        if self.modal.as_ref().is_some_and(|(owner, _)| *owner == page) {
            self.fail_modal(crate::core::ui_api::CLOSED_WITH_ITS_PAGE);
        }
    }

    /// Hides the modal, if any, and fails its call with `why`.
    pub(super) fn fail_modal(&mut self, why: &str) {
        if let Some((_, reply)) = self.modal.take() {
            self.chrome.hide_modal();
            let _ = reply.send(Err(why.to_string()));
        }
    }
}
