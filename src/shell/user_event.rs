//! The messages other threads (and GTK signal handlers) send to the UI thread through
//! tao's event loop proxy.

use tao::event_loop::EventLoopProxy;

use crate::core::host::{Outbox, ShellRequest, Target, WebViewId};

/// A chrome control a person can press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// The navigation bar's back button.
    Back,
    /// A tab of the tab bar, by index.
    Tab(usize),
    /// The modal's confirm button.
    ModalConfirm,
    /// The modal's cancel button.
    ModalCancel,
}

/// A request for the UI thread.
#[derive(Debug)]
pub enum UserEvent {
    /// Deliver an encoded message to one webview (queued, sent once per loop pass).
    Deliver(WebViewId, String),
    /// Deliver an encoded message to every webview the target names.
    Broadcast(Target, String),
    /// End the run with this exit status.
    Exit(i32),
    /// A built-in call or host request only the UI thread can answer.
    Request(ShellRequest),
    /// A chrome control was clicked.
    Clicked(Control),
    /// A page finished running a lifecycle hook (`onUnload` also means: destroy me).
    HookDone(WebViewId, String),
    /// An unloaded page's grace period ended: destroy its webview.
    Destroy(WebViewId),
    /// A lifecycle hook took too long; go on without its acknowledgement.
    HookTimeout(u64),
    /// The toast shown as this generation reached its duration.
    ToastElapsed(u64),
    /// The window was minimised (`true`) or restored.
    Minimized(bool),
}

/// The shell's [`Outbox`]: everything goes to the UI thread as a [`UserEvent`], in order.
pub struct ProxyOutbox {
    proxy: EventLoopProxy<UserEvent>,
}

impl ProxyOutbox {
    /// An outbox sending through this proxy.
    pub fn new(proxy: EventLoopProxy<UserEvent>) -> ProxyOutbox {
        ProxyOutbox { proxy }
    }

    fn send(&self, event: UserEvent) {
        if self.proxy.send_event(event).is_err() {
            tracing::debug!("the event loop has ended; a message was not delivered");
        }
    }
}

impl Outbox for ProxyOutbox {
    fn deliver(&self, web_view: WebViewId, message: String) {
        self.send(UserEvent::Deliver(web_view, message));
    }

    fn broadcast(&self, target: Target, message: String) {
        self.send(UserEvent::Broadcast(target, message));
    }

    fn exit(&self, code: i32) {
        self.send(UserEvent::Exit(code));
    }

    fn request(&self, request: ShellRequest) {
        self.send(UserEvent::Request(request));
    }
}
