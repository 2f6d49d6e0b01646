//! PNG captures of the shell's window, as a person would see it.

use std::path::Path;

use gtk::prelude::*;

/// Saves what the window shows now (pages and chrome) as a PNG.
pub fn capture(window: &tao::window::Window, path: &Path) -> Result<(), String> {
    std::fs::write(path, png(window)?).map_err(|err| format!("cannot write {path:?}: {err}"))
}

/// What the window shows now, as PNG bytes.
pub fn png(window: &tao::window::Window) -> Result<Vec<u8>, String> {
    use tao::platform::unix::WindowExtUnix;
    let gdk_window = window.gtk_window().window().ok_or_else(|| "the window is not realised".to_string())?;
    let (width, height) = (gdk_window.width(), gdk_window.height());
    let pixbuf = gdk_window
        .pixbuf(0, 0, width, height)
        .ok_or_else(|| format!("cannot read the window's {width}x{height} pixels"))?;
    pixbuf.save_to_bufferv("png", &[]).map_err(|err| format!("cannot encode the screenshot: {err}"))
}
