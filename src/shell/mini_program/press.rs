//! The host's presses (`host.press(control)`, the automator's and the tests' way to act
//! as a person on the window and its chrome): each text read once into a [`Press`], then
//! carried out on the real widgets.

use std::path::PathBuf;

use tao::window::Window;

use super::MiniProgram;
use crate::shell::user_event::Control;

/// What a press does.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Press {
    /// `close`: the window manager's close button (a delete-event).
    Close,
    /// `minimize` / `restore`: the window-state event a window manager sends.
    Minimize(bool),
    /// `hide` / `show`.
    Visible(bool),
    /// `resize:<width>x<height>`: as a person dragging the window's corner.
    Resize(f64, f64),
    /// A chrome button: `back`, `tab:<i>`, `modal:confirm|cancel`,
    /// `capsule:menu|restart|close`, `actionSheet:<i>|cancel`, `imageViewer:prev|next|close`.
    Button(Control),
    /// `restart` or `restart:<url>`: the mini program starts again in a fresh web process,
    /// as after a crash, at its home page or at `url` (the capsule's Restart keeps the web
    /// process and relaunches the home page).
    Restart(Option<String>),
    /// `fileChooser:<path>|<path>` (files picked in the open chooser) or
    /// `fileChooser:cancel` (`None`).
    Choose(Option<Vec<PathBuf>>),
}

impl Press {
    /// Reads a press; an unknown one is an error quoting it.
    pub(super) fn parse(text: &str) -> Result<Press, String> {
        let index = |prefix: &str| text.strip_prefix(prefix).and_then(|i| i.parse().ok());
        Ok(match text {
            "close" => Press::Close,
            "minimize" => Press::Minimize(true),
            "restore" => Press::Minimize(false),
            "hide" => Press::Visible(false),
            "show" => Press::Visible(true),
            "restart" => Press::Restart(None),
            "back" => Press::Button(Control::Back),
            "modal:confirm" => Press::Button(Control::ModalConfirm),
            "modal:cancel" => Press::Button(Control::ModalCancel),
            "capsule:menu" => Press::Button(Control::CapsuleMenu),
            "capsule:restart" => Press::Button(Control::CapsuleRestart),
            "capsule:close" => Press::Button(Control::CapsuleClose),
            "actionSheet:cancel" => Press::Button(Control::ActionCancel),
            "imageViewer:prev" => Press::Button(Control::ViewerPrev),
            "imageViewer:next" => Press::Button(Control::ViewerNext),
            "imageViewer:close" => Press::Button(Control::ViewerClose),
            "fileChooser:cancel" => Press::Choose(None),
            _ => {
                if let Some(url) = text.strip_prefix("restart:") {
                    return Ok(Press::Restart(Some(url.to_string())));
                }
                if let Some(files) = text.strip_prefix("fileChooser:") {
                    return Ok(Press::Choose(Some(files.split('|').map(PathBuf::from).collect())));
                }
                if let Some(size) = text.strip_prefix("resize:") {
                    let parsed = size.split_once('x').map(|(w, h)| (w.parse::<f64>(), h.parse::<f64>()));
                    return match parsed {
                        Some((Ok(w), Ok(h))) if w > 0.0 && h > 0.0 => Ok(Press::Resize(w, h)),
                        _ => Err(format!("resize: bad size {text:?}")),
                    };
                }
                match (index("tab:"), index("actionSheet:")) {
                    (Some(i), _) => Press::Button(Control::Tab(i)),
                    (_, Some(i)) => Press::Button(Control::ActionItem(i)),
                    _ => return Err(format!("unknown control {text:?}")),
                }
            }
        })
    }
}

impl MiniProgram {
    /// Carries out the press `text`.
    pub(super) fn press(&mut self, window: &Window, text: &str) -> Result<(), String> {
        match Press::parse(text)? {
            Press::Close => {
                use gtk::prelude::GtkWindowExt;
                use tao::platform::unix::WindowExtUnix;
                window.gtk_window().close();
            }
            Press::Minimize(iconified) => super::queue_window_state(window, iconified)?,
            Press::Visible(visible) => window.set_visible(visible),
            Press::Resize(w, h) => window.set_inner_size(tao::dpi::LogicalSize::new(w, h)),
            Press::Button(control) => self.chrome.press(&control)?,
            Press::Choose(files) => self.press_chooser(files)?,
            Press::Restart(url) => self.restart("the mini program restarted: the host asked", url.as_deref())?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presses_are_read_once_and_unknown_ones_named() {
        assert_eq!(Press::parse("tab:2"), Ok(Press::Button(Control::Tab(2))));
        assert_eq!(Press::parse("actionSheet:0"), Ok(Press::Button(Control::ActionItem(0))));
        assert_eq!(Press::parse("resize:420x700"), Ok(Press::Resize(420.0, 700.0)));
        assert_eq!(
            Press::parse("fileChooser:/a.png|/b.png"),
            Ok(Press::Choose(Some(vec![PathBuf::from("/a.png"), PathBuf::from("/b.png")])))
        );
        assert_eq!(Press::parse("fileChooser:cancel"), Ok(Press::Choose(None)));
        assert_eq!(Press::parse("imageViewer:next"), Ok(Press::Button(Control::ViewerNext)));
        assert_eq!(Press::parse("restore"), Ok(Press::Minimize(false)));
        assert_eq!(Press::parse("restart"), Ok(Press::Restart(None)));
        assert_eq!(Press::parse("restart:/pages/b/b?x=1"), Ok(Press::Restart(Some("/pages/b/b?x=1".into()))));
        assert_eq!(Press::parse("resize:big"), Err("resize: bad size \"resize:big\"".into()));
        assert_eq!(Press::parse("resize:0x10"), Err("resize: bad size \"resize:0x10\"".into()));
        assert_eq!(Press::parse("tab:x"), Err("unknown control \"tab:x\"".into()));
    }
}
