//! PNG captures of the shell's window, as a person would see it.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use tao::platform::unix::WindowExtUnix;

/// How long a capture waits for GTK's next frame before it takes the window as it is
/// (a window that is not showing paints no frames).
const FRAME_WAIT: Duration = Duration::from_millis(500);

/// Saves what the window shows now (pages and chrome) as a PNG.
pub fn capture(window: &tao::window::Window, path: &Path) -> Result<(), String> {
    save(&png(window.gtk_window())?, path)
}

/// Writes PNG bytes to `path`.
pub fn save(png: &[u8], path: &Path) -> Result<(), String> {
    std::fs::write(path, png).map_err(|err| format!("cannot write {path:?}: {err}"))
}

/// Calls `then` with the window's PNG once GTK has painted every change made so far
/// (the chrome redraws on the next frame of the window's frame clock), so that a
/// capture taken right after a change shows it. A window that paints no frame within
/// `FRAME_WAIT` is taken as it is: `then` is called exactly once either way.
pub fn after_next_frame(window: &tao::window::Window, then: impl FnOnce(Result<Vec<u8>, String>) + 'static) {
    let gtk_window = window.gtk_window().clone();
    let Some(clock) = gtk_window.frame_clock().filter(|_| gtk_window.is_mapped()) else {
        then(png(&gtk_window));
        return;
    };
    let then = Rc::new(RefCell::new(Some(then)));
    let handler = Rc::new(RefCell::new(None));
    let take = {
        let (then, handler, clock, gtk_window) = (then.clone(), handler.clone(), clock.clone(), gtk_window.clone());
        move || {
            if let Some(id) = handler.borrow_mut().take() {
                clock.disconnect(id);
            }
            if let Some(then) = then.borrow_mut().take() {
                then(png(&gtk_window));
            }
        }
    };
    let painted = take.clone();
    *handler.borrow_mut() = Some(clock.connect_after_paint(move |_| painted()));
    gtk::glib::timeout_add_local_once(FRAME_WAIT, take);
    gtk_window.queue_draw();
}

/// What the window shows now, as PNG bytes.
fn png(window: &gtk::ApplicationWindow) -> Result<Vec<u8>, String> {
    let gdk_window = window.window().ok_or_else(|| "the window is not realised".to_string())?;
    let (width, height) = (gdk_window.width(), gdk_window.height());
    let pixbuf = gdk_window
        .pixbuf(0, 0, width, height)
        .ok_or_else(|| format!("cannot read the window's {width}x{height} pixels"))?;
    pixbuf.save_to_bufferv("png", &[]).map_err(|err| format!("cannot encode the screenshot: {err}"))
}
