//! Letting a closed page's webview go.
//!
//! wry connects its IPC handler to the webview's `WebKitUserContentManager` with a closure
//! that holds the webview, and the webview holds its content manager. Destroying the
//! widget does not break that cycle, so every closed page stayed alive in the UI process,
//! with its `WebPageProxy` and a dozen idle GLib timers that each pass of the main loop
//! walks over: 10 s into the bench's navigating, 37 closed pages were alive, and walking
//! their timers took a tenth of all CPU samples. [`let_go`] breaks the cycle as a page
//! closes; [`live_webviews`] counts the webviews not yet released.

use std::sync::atomic::{AtomicUsize, Ordering};

use webkit2gtk::glib::object::ObjectType;
use webkit2gtk::glib::ObjectExt;
use webkit2gtk::WebViewExt;

/// Webviews made by this process and not yet released (finalised).
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// How many webviews this process has made that are not yet released. A closed page's
/// webview is released once WebKit has no more use for it (soon after it closes).
pub fn live_webviews() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Counts `webview` as live until it is released.
#[allow(unsafe_code)]
pub fn track(webview: &webkit2gtk::WebView) {
    LIVE.fetch_add(1, Ordering::Relaxed);
    // SAFETY: the key is ours alone, and the value is only dropped (by GLib, when the
    // object is finalised, on the thread that drops its last reference).
    unsafe { webview.set_data("superapp-release", Released) };
}

/// Breaks the cycle that keeps a webview alive (see the module docs). Call it just before
/// the webview is destroyed: its IPC handler is gone after this.
#[allow(unsafe_code)]
pub fn let_go(webview: &webkit2gtk::WebView) {
    if let Some(manager) = webview.user_content_manager() {
        // SAFETY: `manager` is a live GObject for the whole call; destroying its signal
        // handlers frees their closures, which the UI thread (this one) alone runs.
        unsafe { webkit2gtk::glib::gobject_ffi::g_signal_handlers_destroy(manager.as_ptr().cast()) };
    }
}

/// Dropped with the webview it is attached to.
struct Released;

impl Drop for Released {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
        tracing::debug!("a webview was released");
    }
}
