//! `wx.showActionSheet`: one sheet at a time, drawn by the chrome, answered with the
//! item's index (`{tapIndex}`) or failed with `cancel`; like a modal, it belongs to the
//! page that showed it and goes when that page closes.

use serde_json::{json, Value};

use super::MiniProgram;
use crate::core::host::{ShellReply, WebViewId};
use crate::shell::action_sheet::MAX_ITEMS;

impl MiniProgram {
    /// Shows an action sheet for page `from` (`data`: `{itemList, itemColor, alertText}`).
    pub(super) fn show_action_sheet(&mut self, from: WebViewId, data: &Value, reply: ShellReply) {
        if self.closing(from) {
            let _ = reply.send(Err(crate::core::ui_api::CLOSED_WITH_ITS_PAGE.into()));
            return;
        }
        let items: Option<Vec<String>> = data
            .get("itemList")
            .and_then(Value::as_array)
            .and_then(|list| list.iter().map(|item| item.as_str().map(str::to_string)).collect());
        let items = match items {
            Some(items) if !items.is_empty() && items.len() <= MAX_ITEMS => items,
            Some(items) if !items.is_empty() => {
                let _ = reply
                    .send(Err(format!("parameter error: itemList has {} items, at most {MAX_ITEMS}", items.len())));
                return;
            }
            _ => {
                let _ = reply.send(Err("parameter error: itemList must be 1 to 6 strings".into()));
                return;
            }
        };
        if self.action_sheet.is_some() {
            let _ = reply.send(Err("another action sheet is showing".into()));
            return;
        }
        let color = data.get("itemColor").and_then(Value::as_str).unwrap_or("#000000");
        let alert = data.get("alertText").and_then(Value::as_str).unwrap_or("");
        self.chrome.action_sheet.show(alert, &items, color);
        let owner = if self.router.live().any(|page| page.web_view_id == from) {
            from
        } else {
            self.router.top().map_or(from, |page| page.web_view_id)
        };
        self.action_sheet = Some((owner, reply));
    }

    /// An item (`Some(index)`) or Cancel (`None`) was pressed.
    pub(super) fn action_pressed(&mut self, item: Option<usize>) {
        self.chrome.action_sheet.hide();
        if let Some((_, reply)) = self.action_sheet.take() {
            let _ = reply.send(match item {
                Some(index) => Ok(json!({ "tapIndex": index }).as_object().cloned()),
                None => Err("cancel".into()),
            });
        }
    }

    /// Page `page` is unloading: its action sheet goes.
    pub(super) fn dismiss_action_sheet_of(&mut self, page: WebViewId) {
        if self.action_sheet.as_ref().is_some_and(|(owner, _)| *owner == page) {
            self.fail_action_sheet(crate::core::ui_api::CLOSED_WITH_ITS_PAGE);
        }
    }

    /// Hides the action sheet, if any, and fails its call with `why`.
    pub(super) fn fail_action_sheet(&mut self, why: &str) {
        if let Some((_, reply)) = self.action_sheet.take() {
            self.chrome.action_sheet.hide();
            let _ = reply.send(Err(why.to_string()));
        }
    }
}
