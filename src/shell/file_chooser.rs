//! The choosers' window part (`wx.chooseImage`, `wx.chooseMedia`,
//! `wx.chooseMessageFile`): GTK's own file chooser dialog, modal over the window, offering
//! the kinds of file the request names. Its answer is `{paths}` (the files on disk), or
//! none when cancelled; the files module copies them into the mini program's files.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use gtk::prelude::*;
use serde_json::json;

use crate::core::host::ShellReply;
use crate::files::chooser::ChooseRequest;

/// The response of files picked by [`FileChooser::choose`].
const PICKED: gtk::ResponseType = gtk::ResponseType::Other(1);

/// A file chooser dialog, open until it is answered.
pub struct FileChooser {
    dialog: gtk::FileChooserDialog,
    /// Files given by [`FileChooser::choose`] (as a person would pick them), used when it
    /// is accepted.
    preset: Rc<RefCell<Option<Vec<PathBuf>>>>,
    reply: Rc<RefCell<Option<ShellReply>>>,
}

impl FileChooser {
    /// Opens a chooser over `parent` for `request`; `reply` gets its answer.
    pub fn open(parent: &impl IsA<gtk::Window>, request: &ChooseRequest, reply: ShellReply) -> FileChooser {
        let dialog = gtk::FileChooserDialog::with_buttons(
            Some(request.title.as_str()),
            Some(parent),
            gtk::FileChooserAction::Open,
            &[("Cancel", gtk::ResponseType::Cancel), ("Open", gtk::ResponseType::Accept)],
        );
        dialog.set_modal(true);
        dialog.set_select_multiple(request.count > 1);
        if !request.extensions.is_empty() {
            let filter = gtk::FileFilter::new();
            filter.set_name(Some(&request.extensions.iter().map(|e| format!("*.{e}")).collect::<Vec<_>>().join(" ")));
            for ext in &request.extensions {
                filter.add_pattern(&format!("*.{ext}"));
                filter.add_pattern(&format!("*.{}", ext.to_ascii_uppercase()));
            }
            dialog.add_filter(filter);
        }
        let preset: Rc<RefCell<Option<Vec<PathBuf>>>> = Rc::new(RefCell::new(None));
        let reply = Rc::new(RefCell::new(Some(reply)));
        let (chosen, answer) = (preset.clone(), reply.clone());
        let count = request.count;
        dialog.connect_response(move |dialog, response| {
            let paths: Vec<PathBuf> = match response {
                gtk::ResponseType::Accept => dialog.filenames(),
                PICKED => chosen.borrow_mut().take().unwrap_or_default(),
                _ => Vec::new(),
            };
            if let Some(reply) = answer.borrow_mut().take() {
                let paths: Vec<PathBuf> = paths.into_iter().take(count).collect();
                let _ = reply.send(Ok(json!({ "paths": paths }).as_object().cloned()));
            }
            dialog.close();
        });
        dialog.show_all();
        FileChooser { dialog, preset, reply }
    }

    /// Whether it is still waiting for an answer.
    pub fn is_open(&self) -> bool {
        self.reply.borrow().is_some()
    }

    /// Picks `paths` and presses Open, as a person would. (GTK's dialog stops an Open
    /// whose files its own view has not selected yet: the pick is its own response.)
    pub fn choose(&self, paths: Vec<PathBuf>) {
        *self.preset.borrow_mut() = Some(paths);
        self.dialog.response(PICKED);
    }

    /// Presses Cancel.
    pub fn cancel(&self) {
        self.dialog.response(gtk::ResponseType::Cancel);
    }

    /// What it shows (for `chromeState`).
    pub fn state(&self) -> serde_json::Value {
        json!({ "title": self.dialog.title().map(|t| t.to_string()), "multiple": self.dialog.selects_multiple() })
    }
}
