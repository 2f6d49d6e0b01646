//! One WebKit web context per data directory, kept for the life of the process.
//!
//! WebKit never ends a web context's network process, even when the context is dropped
//! (see tauri-apps/tauri#14626), so a fresh context for each run of the shell would leave
//! one `WebKitNetworkProcess` behind per run. A host that opens mini programs one after
//! another in one process reuses the context of the same data directory instead. The
//! `superapp://` scheme is registered on a context once, so its handler serves whichever
//! run currently owns the context, through [`SharedWebContext::current`].

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
    /// Whether the `superapp://` scheme is registered on it yet.
    pub scheme_registered: bool,
    /// The run that owns the context now, as the scheme handler sees it.
    pub current: Arc<RwLock<Option<PageContext>>>,
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
                    current: Arc::default(),
                }))
            })
            .clone()
    })
}
