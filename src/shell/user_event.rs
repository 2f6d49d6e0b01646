//! The messages other threads send to the UI thread through tao's event loop proxy.

use tao::event_loop::EventLoopProxy;

use crate::core::host::{Outbox, Target, WebViewId};

/// A request for the UI thread.
#[derive(Debug)]
pub enum UserEvent {
    /// Deliver an encoded message to one webview (queued, sent once per loop pass).
    Deliver(WebViewId, String),
    /// Deliver an encoded message to every webview the target names.
    Broadcast(Target, String),
    /// End the run with this exit status.
    Exit(i32),
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
}
