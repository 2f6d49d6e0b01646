//! The messages other threads (and GTK signal handlers) send to the UI thread through
//! tao's event loop proxy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tao::event_loop::EventLoopProxy;

use crate::core::host::{Outbox, ShellRequest, Target, WebViewId};
use crate::core::lifecycle::Hook;
use crate::core::protocol::Encoded;

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
    /// The capsule's menu button ("···"): opens its menu.
    CapsuleMenu,
    /// The capsule menu's "Restart" item: the mini program starts again at its home page.
    CapsuleRestart,
    /// The capsule's close button: the mini program ends (as `wx.exitMiniProgram()`).
    CapsuleClose,
    /// An item of the action sheet, by index.
    ActionItem(usize),
    /// The action sheet's Cancel.
    ActionCancel,
    /// The image viewer's "‹".
    ViewerPrev,
    /// The image viewer's "›".
    ViewerNext,
    /// The image viewer's "✕" (or a tap on the image).
    ViewerClose,
}

/// A request for the UI thread.
#[derive(Debug)]
pub enum UserEvent {
    /// Deliver an encoded message to one webview (queued, sent once per loop pass).
    Deliver(WebViewId, Encoded),
    /// Deliver an encoded message to every webview the target names.
    Broadcast(Target, String),
    /// End the run with this exit status.
    Exit(i32),
    /// A built-in call or host request only the UI thread can answer.
    Request(ShellRequest),
    /// A chrome control was clicked.
    Clicked(Control),
    /// Messages of a WXML mini program's two layers (setData, rendered, events, hooks run
    /// by the logic context), from this webview, that go through the event loop: hooks,
    /// and batches the lane could not take (`lane.rs`).
    TwoLayer(WebViewId, Vec<crate::core::protocol::PageMessage>),
    /// A page's document is ready for its onLoad.
    PageReady(WebViewId),
    /// A page finished running a lifecycle hook.
    HookDone(WebViewId, Hook),
    /// An unloaded page's grace period ended: destroy its webview.
    Destroy(WebViewId),
    /// A lifecycle hook took too long; go on without its acknowledgement.
    HookTimeout(u64),
    /// The toast shown as this generation reached its duration.
    ToastElapsed(u64),
    /// The window was minimised (`true`) or restored.
    Minimized(bool),
    /// SIGINT or SIGTERM (named): close the pages, answer what is in flight, end with 0.
    Shutdown(&'static str),
    /// The watchdog's tick (src/shell/mini_program/guard.rs).
    GuardTick,
    /// A web process of the mini program's generation ended; `true`: it crashed (WebKit's
    /// reason is not that the shell ended it).
    WebProcessGone(u64, bool),
    /// An automation command and where its answer goes.
    Automation(crate::automation::command::Command, tokio::sync::oneshot::Sender<crate::automation::server::Answer>),
}

/// The shell's [`Outbox`]: everything goes to the UI thread as a [`UserEvent`], in order.
///
/// It counts the deliveries sent but not yet taken off the event loop, so that the UI
/// thread can tell a lone reply (hand it to the page at once) from a burst (batch it into
/// one `evaluate_script` per page at the end of the loop pass).
pub struct ProxyOutbox {
    proxy: EventLoopProxy<UserEvent>,
    deliveries_in_flight: Arc<AtomicUsize>,
}

/// The UI thread's side of [`ProxyOutbox`]'s count of deliveries in flight.
#[derive(Clone)]
pub struct DeliveryCount(Arc<AtomicUsize>);

impl DeliveryCount {
    /// Counts one delivery taken off the event loop; true when it was the last one sent.
    pub fn received(&self) -> bool {
        self.0.fetch_sub(1, Ordering::AcqRel) == 1
    }
}

impl ProxyOutbox {
    /// An outbox sending through this proxy.
    pub fn new(proxy: EventLoopProxy<UserEvent>) -> ProxyOutbox {
        ProxyOutbox { proxy, deliveries_in_flight: Arc::default() }
    }

    /// The count the UI thread decrements as it takes each delivery off the loop.
    pub fn delivery_count(&self) -> DeliveryCount {
        DeliveryCount(self.deliveries_in_flight.clone())
    }

    /// Sends `event`; false when the event loop has ended.
    fn send(&self, event: UserEvent) -> bool {
        let sent = self.proxy.send_event(event).is_ok();
        if !sent {
            tracing::debug!("the event loop has ended; a message was not delivered");
        }
        sent
    }

    fn send_delivery(&self, event: UserEvent) {
        // Counted before it is sent, so the count never reads zero while one is queued.
        self.deliveries_in_flight.fetch_add(1, Ordering::AcqRel);
        if !self.send(event) {
            self.deliveries_in_flight.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Outbox for ProxyOutbox {
    fn deliver(&self, web_view: WebViewId, message: Encoded) {
        self.send_delivery(UserEvent::Deliver(web_view, message));
    }

    fn broadcast(&self, target: Target, message: String) {
        self.send_delivery(UserEvent::Broadcast(target, message));
    }

    fn exit(&self, code: i32) {
        self.send(UserEvent::Exit(code));
    }

    fn request(&self, request: ShellRequest) {
        self.send(UserEvent::Request(request));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_delivery_in_flight_says_so() {
        let count = DeliveryCount(Arc::new(AtomicUsize::new(3)));
        assert!(!count.received());
        assert!(!count.received());
        assert!(count.received(), "the third of three was the last one in flight");
    }
}
