//! The short way for the messages of a WXML mini program's two layers.
//!
//! A webview's IPC handler runs on the UI thread, as the event loop does, so it can hand a
//! batch of two-layer messages (setData, rendered, a page's events) to the mini program at
//! once instead of through the event loop, a hop that costs a loop pass on each side of a
//! `setData`. A batch still goes through the loop when the mini program is busy, and so
//! does every later batch of that webview while one of its messages waits there: the
//! messages of one webview keep their order whichever way they go.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use super::mini_program::MiniProgram;
use crate::core::host::WebViewId;
use crate::core::protocol::PageMessage;

/// The way from the IPC handlers of one run's webviews to its mini program.
#[derive(Default)]
pub struct Lane {
    program: RefCell<Weak<RefCell<MiniProgram>>>,
    /// Per webview, how many of its messages wait in the event loop.
    waiting: RefCell<HashMap<WebViewId, usize>>,
}

impl Lane {
    /// A lane that leads nowhere yet (every batch goes through the loop until
    /// [`Lane::connect`]).
    pub fn new() -> Rc<Lane> {
        Rc::new(Lane::default())
    }

    /// Leads the lane to the mini program.
    pub fn connect(&self, program: &Rc<RefCell<MiniProgram>>) {
        *self.program.borrow_mut() = Rc::downgrade(program);
    }

    /// Delivers a batch from webview `from` now, or gives it back to go through the loop.
    pub fn deliver(&self, from: WebViewId, messages: Vec<PageMessage>) -> Result<(), Vec<PageMessage>> {
        if self.waits(from) {
            return Err(messages);
        }
        let Some(program) = self.program.borrow().upgrade() else {
            return Err(messages);
        };
        let Ok(mut program) = program.try_borrow_mut() else {
            return Err(messages);
        };
        program.two_layer_batch(from, messages);
        Ok(())
    }

    /// Whether a message of webview `from` waits in the event loop (its next batches must
    /// follow it there).
    pub fn waits(&self, from: WebViewId) -> bool {
        self.waiting.borrow().contains_key(&from)
    }

    /// One message of webview `from` went into the event loop.
    pub fn queued(&self, from: WebViewId) {
        *self.waiting.borrow_mut().entry(from).or_default() += 1;
    }

    /// The event loop handled one message of webview `from`.
    pub fn handled(&self, from: WebViewId) {
        let mut waiting = self.waiting.borrow_mut();
        if let Some(n) = waiting.get_mut(&from) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                waiting.remove(&from);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_leading_nowhere_gives_the_batch_back() {
        let lane = Lane::new();
        let batch = vec![PageMessage::Rendered { seq: 1 }];
        assert_eq!(lane.deliver(7, batch.clone()), Err(batch));
    }

    #[test]
    fn a_webview_waits_until_the_loop_handled_each_of_its_messages() {
        let lane = Lane::new();
        lane.queued(7);
        lane.queued(7);
        assert!(lane.waits(7));
        assert!(!lane.waits(8), "other webviews go on");
        lane.handled(7);
        assert!(lane.waits(7), "one message still waits");
        lane.handled(7);
        assert!(!lane.waits(7));
        lane.handled(7);
        assert!(!lane.waits(7), "an extra acknowledgement changes nothing");
        lane.queued(7);
        assert!(lane.waits(7));
    }

    #[test]
    fn a_waiting_webview_gets_its_batch_back() {
        let lane = Lane::new();
        lane.queued(3);
        let batch = vec![PageMessage::Rendered { seq: 2 }];
        assert_eq!(lane.deliver(3, batch.clone()), Err(batch));
    }
}
