//! The chrome's action sheet (`wx.showActionSheet`): a list of up to six items and a
//! Cancel button at the bottom of the window, over a dimmed page, as WeChat draws it.

use gtk::prelude::*;
use serde_json::{json, Value};

use super::user_event::Control;

/// Makes the click handler of a control's button.
pub type MakeHandler = Box<dyn Fn(Control) -> Box<dyn Fn(&gtk::Button)>>;

/// WeChat's limit on `itemList`.
pub const MAX_ITEMS: usize = 6;

/// The action sheet's widgets (in the chrome's overlay).
pub struct ActionSheet {
    layer: gtk::EventBox,
    alert: gtk::Label,
    list: gtk::Box,
    items: Vec<gtk::Button>,
    cancel: gtk::Button,
    on_click: MakeHandler,
}

/// Its style (added to the chrome's).
pub const CSS: &str = "
#action-layer { background-color: rgba(0,0,0,0.45); }
#action-sheet { background-color: #f7f7f7; border-radius: 12px 12px 0 0; }
#action-sheet button { background-image: none; background-color: #ffffff; border: none; border-radius: 0; box-shadow: none; min-height: 56px; }
#action-sheet button label { font-size: 17px; }
#action-alert { color: #888888; padding: 16px; background-color: #ffffff; }
#action-cancel { margin-top: 8px; }
";

impl ActionSheet {
    /// Builds it into `overlay`, hidden; `on_click(control)` makes a button's handler.
    pub fn new(overlay: &gtk::Overlay, on_click: MakeHandler) -> ActionSheet {
        let layer = gtk::EventBox::new();
        layer.set_widget_name("action-layer");
        let sheet = gtk::Box::new(gtk::Orientation::Vertical, 1);
        sheet.set_widget_name("action-sheet");
        sheet.set_valign(gtk::Align::End);
        let alert = gtk::Label::new(None);
        alert.set_widget_name("action-alert");
        alert.set_line_wrap(true);
        let list = gtk::Box::new(gtk::Orientation::Vertical, 1);
        let cancel = gtk::Button::with_label("Cancel");
        cancel.set_widget_name("action-cancel");
        cancel.connect_clicked(on_click(Control::ActionCancel));
        sheet.pack_start(&alert, false, false, 0);
        sheet.pack_start(&list, false, false, 0);
        sheet.pack_start(&cancel, false, false, 0);
        layer.add(&sheet);
        overlay.add_overlay(&layer);
        layer.show_all();
        layer.hide();
        ActionSheet { layer, alert, list, items: Vec::new(), cancel, on_click }
    }

    /// Shows `items` (in `color`, a CSS colour) under `alert` (none when empty).
    pub fn show(&mut self, alert: &str, items: &[String], color: &str) {
        for old in self.items.drain(..) {
            self.list.remove(&old);
        }
        for (i, text) in items.iter().enumerate() {
            let button = gtk::Button::with_label(text);
            button.connect_clicked((self.on_click)(Control::ActionItem(i)));
            if let Some(label) = button.child().and_then(|c| c.downcast::<gtk::Label>().ok()) {
                label.set_markup(&format!(
                    "<span foreground=\"{}\">{}</span>",
                    gtk::glib::markup_escape_text(color),
                    gtk::glib::markup_escape_text(text)
                ));
            }
            self.list.pack_start(&button, false, false, 0);
            self.items.push(button);
        }
        self.alert.set_text(alert);
        self.layer.show_all();
        self.alert.set_visible(!alert.is_empty());
    }

    /// Hides it.
    pub fn hide(&self) {
        self.layer.hide();
    }

    /// The button a control names, if it is one of the sheet's.
    pub fn button(&self, control: &Control) -> Option<&gtk::Button> {
        match control {
            Control::ActionItem(i) => self.items.get(*i),
            Control::ActionCancel => Some(&self.cancel),
            _ => None,
        }
    }

    /// What it shows (null when hidden).
    pub fn state(&self) -> Value {
        if !self.layer.is_visible() {
            return Value::Null;
        }
        let items: Vec<String> = self
            .items
            .iter()
            .filter_map(|b| b.child().and_then(|c| c.downcast::<gtk::Label>().ok()).map(|l| l.text().to_string()))
            .collect();
        json!({ "alertText": self.alert.is_visible().then(|| self.alert.text().to_string()), "items": items })
    }
}
