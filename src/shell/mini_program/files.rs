//! The window's part of the file APIs: the GTK file chooser of `wx.chooseImage` & co.
//! (one at a time, modal over the window) and `wx.previewImage`'s viewer.

use std::path::PathBuf;

use serde_json::Value;
use tao::window::Window;

use super::MiniProgram;
use crate::core::host::ShellReply;
use crate::files::chooser::ChooseRequest;
use crate::shell::file_chooser::FileChooser;
use crate::shell::user_event::Control;

impl MiniProgram {
    /// Opens the file chooser for a chooser call (`data`: a [`ChooseRequest`]).
    pub(super) fn choose_files(&mut self, window: &Window, data: &Value, reply: ShellReply) {
        use tao::platform::unix::WindowExtUnix;
        if self.chooser.as_ref().is_some_and(FileChooser::is_open) {
            let _ = reply.send(Err("another file chooser is open".into()));
            return;
        }
        let request = match serde_json::from_value::<ChooseRequest>(data.clone()) {
            Ok(request) => request,
            Err(err) => {
                let _ = reply.send(Err(format!("parameter error: {err}")));
                return;
            }
        };
        self.chooser = Some(FileChooser::open(window.gtk_window(), &request, reply));
    }

    /// Shows `wx.previewImage`'s images (`data`: `{files, urls, current}`).
    pub(super) fn preview_image(&mut self, window: &Window, data: &Value, reply: ShellReply) {
        use tao::platform::unix::WindowExtUnix;
        let files: Vec<PathBuf> = serde_json::from_value(data["files"].clone()).unwrap_or_default();
        let urls: Vec<String> = serde_json::from_value(data["urls"].clone()).unwrap_or_default();
        let current = data.get("current").and_then(Value::as_u64).unwrap_or(0) as usize;
        if files.is_empty() {
            let _ = reply.send(Err("parameter error: no images".into()));
            return;
        }
        self.chrome.image_viewer.show(window.gtk_window(), files, urls, current);
        let _ = reply.send(Ok(None));
    }

    /// A button of the image viewer was pressed.
    pub(super) fn viewer_pressed(&mut self, control: Control) {
        match control {
            Control::ViewerPrev => self.chrome.image_viewer.step(-1),
            Control::ViewerNext => self.chrome.image_viewer.step(1),
            _ => self.chrome.image_viewer.hide(),
        }
    }

    /// Picks `files` in the open chooser and presses Open (`None`: presses Cancel).
    pub(super) fn press_chooser(&mut self, files: Option<Vec<PathBuf>>) -> Result<(), String> {
        let chooser = self.chooser.as_ref().filter(|c| c.is_open()).ok_or("no file chooser is open")?;
        match files {
            Some(files) => chooser.choose(files),
            None => chooser.cancel(),
        }
        Ok(())
    }

    /// The chooser's state, for `chromeState` (null when none is open).
    pub(super) fn chooser_state(&self) -> Value {
        self.chooser.as_ref().filter(|c| c.is_open()).map_or(Value::Null, FileChooser::state)
    }

    /// Cancels an open chooser (the run is ending).
    pub(super) fn cancel_chooser(&mut self) {
        if let Some(chooser) = self.chooser.take().filter(|c| c.is_open()) {
            chooser.cancel();
        }
    }
}
