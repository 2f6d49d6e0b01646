//! `wx.previewImage`'s viewer: a window of its own over the mini program's (transient for
//! it), the images on black one at a time, scaled to fit, with "‹" and "›" to go through
//! them and a tap (or "✕", or closing the window) to close, as WeChat shows them.

use std::path::PathBuf;

use gtk::prelude::*;
use serde_json::{json, Value};

use super::action_sheet::MakeHandler;
use super::user_event::Control;

/// Its style (added to the chrome's).
pub const CSS: &str = "
#viewer-layer { background-color: #000000; }
#viewer-layer button { background-image: none; background-color: rgba(255,255,255,0.15); border: none; box-shadow: none; min-width: 44px; min-height: 44px; }
#viewer-layer button label, #viewer-count { color: #ffffff; font-size: 18px; }
";

/// The viewer's window and widgets.
pub struct ImageViewer {
    window: gtk::Window,
    image: gtk::Image,
    count: gtk::Label,
    prev: gtk::Button,
    next: gtk::Button,
    close: gtk::Button,
    files: Vec<PathBuf>,
    urls: Vec<String>,
    current: usize,
}

impl ImageViewer {
    /// Builds its window, hidden; `on_click(control)` makes a button's handler.
    pub fn new(on_click: MakeHandler) -> ImageViewer {
        let window = gtk::Window::new(gtk::WindowType::Toplevel);
        window.set_title("Preview");
        window.set_default_size(390, 700);
        let layer = gtk::EventBox::new();
        layer.set_widget_name("viewer-layer");
        let column = gtk::Box::new(gtk::Orientation::Vertical, 8);
        let image = gtk::Image::new();
        image.set_vexpand(true);
        let row = gtk::Box::new(gtk::Orientation::Horizontal, 16);
        row.set_halign(gtk::Align::Center);
        row.set_margin_bottom(16);
        let prev = gtk::Button::with_label("‹");
        let count = gtk::Label::new(None);
        count.set_widget_name("viewer-count");
        let next = gtk::Button::with_label("›");
        let close = gtk::Button::with_label("✕");
        prev.connect_clicked(on_click(Control::ViewerPrev));
        next.connect_clicked(on_click(Control::ViewerNext));
        close.connect_clicked(on_click(Control::ViewerClose));
        // (a tap on the image closes it, as in WeChat)
        let tap = on_click(Control::ViewerClose);
        let tapped = close.clone();
        layer.connect_button_release_event(move |_, _| {
            tap(&tapped);
            gtk::glib::Propagation::Stop
        });
        row.pack_start(&prev, false, false, 0);
        row.pack_start(&count, false, false, 0);
        row.pack_start(&next, false, false, 0);
        row.pack_start(&close, false, false, 0);
        column.pack_start(&image, true, true, 0);
        column.pack_start(&row, false, false, 0);
        layer.add(&column);
        window.add(&layer);
        // (closing the window is "✕")
        let closed = on_click(Control::ViewerClose);
        let closing = close.clone();
        window.connect_delete_event(move |_, _| {
            closed(&closing);
            gtk::glib::Propagation::Stop
        });
        ImageViewer { window, image, count, prev, next, close, files: Vec::new(), urls: Vec::new(), current: 0 }
    }

    /// Shows `files` (the images of `urls`), from `current`, over `parent`.
    pub fn show(&mut self, parent: &impl IsA<gtk::Window>, files: Vec<PathBuf>, urls: Vec<String>, current: usize) {
        self.files = files;
        self.urls = urls;
        self.current = current.min(self.files.len().saturating_sub(1));
        self.window.set_transient_for(Some(parent));
        let (width, height) = (parent.as_ref().allocated_width(), parent.as_ref().allocated_height());
        if width > 0 && height > 0 {
            self.window.resize(width, height);
        }
        self.window.show_all();
        self.window.present();
        self.draw();
    }

    fn draw(&self) {
        let Some(file) = self.files.get(self.current) else { return };
        let (width, height) = self.window.size();
        let (width, height) = (width.max(200), height.max(200) - 80);
        match gtk::gdk_pixbuf::Pixbuf::from_file_at_scale(file, width, height.max(100), true) {
            Ok(pixbuf) => self.image.set_from_pixbuf(Some(&pixbuf)),
            Err(err) => {
                tracing::warn!(%err, file = %file.display(), "previewImage: cannot show an image");
                self.image.set_from_icon_name(Some("image-missing"), gtk::IconSize::Dialog);
            }
        }
        self.count.set_text(&format!("{} / {}", self.current + 1, self.files.len()));
        self.prev.set_sensitive(self.current > 0);
        self.next.set_sensitive(self.current + 1 < self.files.len());
    }

    /// Goes to the previous (`-1`) or next (`1`) image.
    pub fn step(&mut self, by: isize) {
        let to = self.current as isize + by;
        if to >= 0 && (to as usize) < self.files.len() {
            self.current = to as usize;
            self.draw();
        }
    }

    /// Hides it.
    pub fn hide(&self) {
        self.window.hide();
    }

    /// The button a control names, if it is one of the viewer's.
    pub fn button(&self, control: &Control) -> Option<&gtk::Button> {
        match control {
            Control::ViewerPrev => Some(&self.prev),
            Control::ViewerNext => Some(&self.next),
            Control::ViewerClose => Some(&self.close),
            _ => None,
        }
    }

    /// What it shows (null when hidden): the current image's URL, its place and the
    /// image's size as drawn.
    pub fn state(&self) -> Value {
        if !self.window.is_visible() {
            return Value::Null;
        }
        let drawn = self.image.pixbuf().map(|p| [p.width(), p.height()]);
        json!({
            "current": self.urls.get(self.current),
            "index": self.current,
            "count": self.files.len(),
            "drawn": drawn,
        })
    }
}
