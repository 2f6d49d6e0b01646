//! The desktop clipboard (GTK's, on the UI thread) for `wx.setClipboardData` and
//! `wx.getClipboardData`.

use serde_json::{json, Value};

use crate::core::host::ShellReply;
use crate::core::ui_api::UiApi;

fn clipboard() -> gtk::Clipboard {
    gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD)
}

/// Answers a clipboard call: setting answers at once; getting answers when GTK hands over
/// the text (at once when this run owns the clipboard).
pub fn answer(api: UiApi, data: &Value, reply: ShellReply) {
    match api {
        UiApi::SetClipboardData => {
            let text = match data.get("data") {
                Some(Value::String(text)) => text.clone(),
                Some(other) if !other.is_null() => other.to_string(),
                _ => {
                    let _ = reply.send(Err("parameter error: data must be a string".into()));
                    return;
                }
            };
            let board = clipboard();
            board.set_text(&text);
            board.store();
            let _ = reply.send(Ok(None));
        }
        _ => clipboard().request_text(move |_, text| {
            let text = text.map(|t| t.to_string()).unwrap_or_default();
            let _ = reply.send(Ok(json!({ "data": text }).as_object().cloned()));
        }),
    }
}
