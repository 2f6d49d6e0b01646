//! One WebKit web context per data directory, kept for the life of the process.
//!
//! WebKit never ends a web context's network process, even when the context is dropped
//! (see tauri-apps/tauri#14626), so a fresh context for each run of the shell would leave
//! one `WebKitNetworkProcess` behind per run. A host that opens mini programs one after
//! another in one process reuses the context of the same data directory instead. The
//! `superapp://` scheme is registered on a context once, so its handler serves whichever
//! run owns the context at the time.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, RwLock};

use wry::WebContext;

use super::page::PageContext;

/// A web context shared by the runs that use its data directory (one at a time).
pub struct SharedWebContext {
    /// The WebKit context.
    pub context: WebContext,
    scheme_registered: bool,
    owner: Arc<RwLock<Option<PageContext>>>,
}

impl SharedWebContext {
    /// Makes `run` the owner the scheme handler serves (`None`: the run has ended).
    pub fn own(&self, run: Option<PageContext>) {
        *self.owner.write().expect("web context owner") = run;
    }

    /// The owner slot for a scheme handler, while none is registered on this context.
    pub fn scheme_to_register(&self) -> Option<Arc<RwLock<Option<PageContext>>>> {
        (!self.scheme_registered).then(|| self.owner.clone())
    }

    /// Records that a webview registered the scheme on this context.
    pub fn scheme_registered(&mut self) {
        self.scheme_registered = true;
    }
}

thread_local! {
    static CONTEXTS: RefCell<HashMap<PathBuf, Rc<RefCell<SharedWebContext>>>> = RefCell::default();
}

/// The web context for `data_dir` on this thread, created the first time.
pub fn for_dir(data_dir: &Path) -> Rc<RefCell<SharedWebContext>> {
    CONTEXTS.with(|contexts| {
        contexts
            .borrow_mut()
            .entry(data_dir.to_path_buf())
            .or_insert_with(|| {
                Rc::new(RefCell::new(SharedWebContext {
                    context: WebContext::new(Some(data_dir.to_path_buf())),
                    scheme_registered: false,
                    owner: Arc::default(),
                }))
            })
            .clone()
    })
}
