//! Host events for pages whose bridge is not listening yet (their document is still
//! loading): held, bounded, and handed over once the page says it is ready.

use std::collections::{HashMap, HashSet, VecDeque};

use super::host::WebViewId;

/// What [`EventHold::offer`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer<M> {
    /// The page listens: deliver now.
    Deliver(M),
    /// Held for later; nothing was dropped.
    Held,
    /// Held, and the oldest held event of that page was dropped to stay within the limit.
    HeldDroppingOldest,
}

/// The events held per page, at most `limit` each.
#[derive(Debug)]
pub struct EventHold<M> {
    limit: usize,
    ready: HashSet<WebViewId>,
    held: HashMap<WebViewId, VecDeque<M>>,
}

impl<M> EventHold<M> {
    /// Holds at most `limit` events per page.
    pub fn new(limit: usize) -> EventHold<M> {
        EventHold { limit: limit.max(1), ready: HashSet::new(), held: HashMap::new() }
    }

    /// An event for `page`: delivered if it listens, else held.
    pub fn offer(&mut self, page: WebViewId, message: M) -> Offer<M> {
        if self.ready.contains(&page) {
            return Offer::Deliver(message);
        }
        let held = self.held.entry(page).or_default();
        held.push_back(message);
        if held.len() > self.limit {
            held.pop_front();
            return Offer::HeldDroppingOldest;
        }
        Offer::Held
    }

    /// The page listens now: its held events, oldest first.
    pub fn ready(&mut self, page: WebViewId) -> Vec<M> {
        self.ready.insert(page);
        self.held.remove(&page).map(Vec::from).unwrap_or_default()
    }

    /// The page is gone: what was held for it is dropped.
    pub fn forget(&mut self, page: WebViewId) {
        self.ready.remove(&page);
        self.held.remove(&page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_wait_for_the_page_and_stay_within_the_limit() {
        let mut hold = EventHold::new(2);
        assert_eq!(hold.offer(1, "a"), Offer::Held);
        assert_eq!(hold.offer(1, "b"), Offer::Held);
        assert_eq!(hold.offer(1, "c"), Offer::HeldDroppingOldest);
        assert_eq!(hold.offer(2, "x"), Offer::Held);
        assert_eq!(hold.ready(1), vec!["b", "c"]);
        assert_eq!(hold.offer(1, "d"), Offer::Deliver("d"));
        hold.forget(2);
        assert_eq!(hold.ready(2), Vec::<&str>::new());
    }
}
