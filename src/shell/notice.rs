//! The chrome's notice: one line at the top of the page area that tells a person what the
//! shell did on its own (the mini program restarted, and why). A click on it, or the next
//! notice, replaces it; it stays until then, so that nobody misses it.

use gtk::prelude::*;
use serde_json::Value;

/// Its style (added to the chrome's).
pub const CSS: &str = "
#notice { background-color: #fff3cd; border-bottom: 1px solid #e0c36a; }
#notice label { color: #5c4400; padding: 8px 12px; font-size: 13px; }
";

/// The notice's widgets (in the chrome's overlay).
pub struct Notice {
    layer: gtk::EventBox,
    text: gtk::Label,
}

impl Notice {
    /// Builds it into `overlay`, hidden.
    pub fn new(overlay: &gtk::Overlay) -> Notice {
        let layer = gtk::EventBox::new();
        layer.set_widget_name("notice");
        layer.set_valign(gtk::Align::Start);
        let text = gtk::Label::new(None);
        text.set_line_wrap(true);
        text.set_xalign(0.0);
        layer.add(&text);
        layer.connect_button_press_event(|layer, _| {
            layer.hide();
            gtk::glib::Propagation::Stop
        });
        overlay.add_overlay(&layer);
        text.show();
        Notice { layer, text }
    }

    /// Shows `message`.
    pub fn show(&self, message: &str) {
        self.text.set_text(message);
        self.layer.show();
    }

    /// Hides it.
    pub fn hide(&self) {
        self.layer.hide();
    }

    /// What it shows, for `chrome_state()` (`null` when hidden).
    pub fn state(&self) -> Value {
        match self.layer.is_visible() {
            true => Value::String(self.text.text().to_string()),
            false => Value::Null,
        }
    }
}
