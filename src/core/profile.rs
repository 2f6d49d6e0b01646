//! Opt-in timestamps along one bridge round trip, for `superapp bench`'s breakdown of where
//! the time goes. Off unless [`enable`] was called: then each stage costs one lock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Parsed on the UI thread (IPC closure).
    Parsed,
    /// The handler started, on a tokio worker.
    HandlerStarted,
    /// The reply left the tokio worker for the UI thread.
    ReplySent,
    /// The reply reached the UI thread's event loop.
    ReplyReceived,
    /// The delivery script was handed to the webview.
    Evaluated,
}

static ENABLED: AtomicBool = AtomicBool::new(false);
static MARKS: Mutex<Vec<(Stage, u64, Instant)>> = Mutex::new(Vec::new());

/// Starts recording (clears earlier marks).
pub fn enable() {
    MARKS.lock().expect("profile lock").clear();
    ENABLED.store(true, Ordering::SeqCst);
}

/// Stops recording and returns the marks: (stage, callback id, time).
pub fn take() -> Vec<(Stage, u64, Instant)> {
    ENABLED.store(false, Ordering::SeqCst);
    std::mem::take(&mut *MARKS.lock().expect("profile lock"))
}

/// Whether recording is on.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Records that call `id` reached `stage`.
pub fn mark(stage: Stage, id: u64) {
    if enabled() {
        let now = Instant::now();
        MARKS.lock().expect("profile lock").push((stage, id, now));
    }
}
