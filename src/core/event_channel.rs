//! The `EventChannel`s between an opener page and the page it opened with
//! `wx.navigateTo({events})`: which page is at the other end of an emit. Plain data: the
//! shell carries the events.
//!
//! The opener names its channel with a token of its own (it knows no webview id before
//! the route is answered); the opened page's end is named by its webview id
//! (`this.getOpenerEventChannel()`). A channel closes when either page is closed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::host::WebViewId;

/// Which end of a channel a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// The page that called `navigateTo` (`res.eventChannel`).
    Opener,
    /// The page it opened (`this.getOpenerEventChannel()`).
    Opened,
}

/// Where an emitted event goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The page at the other end.
    pub page: WebViewId,
    /// The side that page holds.
    pub side: Side,
    /// The opener's token for the channel.
    pub token: String,
    /// The opened page (it names the channel on its side).
    pub opened: WebViewId,
}

/// Why an emit went nowhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// No open channel has this end.
    #[error("no event channel {0:?} is open for this page")]
    Unknown(String),
}

#[derive(Debug, Clone)]
struct Channel {
    opener: WebViewId,
    token: String,
}

/// The open channels of one mini program, by opened page.
#[derive(Debug, Default)]
pub struct Channels {
    by_opened: HashMap<WebViewId, Channel>,
}

impl Channels {
    /// No channel open.
    pub fn new() -> Channels {
        Channels::default()
    }

    /// `opener` opened `opened` with a channel it calls `token`.
    pub fn open(&mut self, token: String, opener: WebViewId, opened: WebViewId) {
        self.by_opened.insert(opened, Channel { opener, token });
    }

    /// An event emitted by page `from` on its `side` of a channel (`key` is the opener's
    /// token for the opener's side, the opened page's id for the other): where it goes.
    /// `from` is `None` for a WXML logic context, which runs the code of all its pages
    /// (its tokens are its own, so the key alone names the channel).
    pub fn route(&self, from: Option<WebViewId>, side: Side, key: &str) -> Result<Delivery, ChannelError> {
        let unknown = || ChannelError::Unknown(key.to_string());
        match side {
            Side::Opener => self
                .by_opened
                .iter()
                .find(|(_, channel)| from.is_none_or(|from| channel.opener == from) && channel.token == key)
                .map(|(opened, channel)| Delivery {
                    page: *opened,
                    side: Side::Opened,
                    token: channel.token.clone(),
                    opened: *opened,
                })
                .ok_or_else(unknown),
            Side::Opened => {
                let opened: WebViewId = key.parse().map_err(|_| unknown())?;
                let channel = self
                    .by_opened
                    .get(&opened)
                    .filter(|_| from.is_none_or(|from| from == opened))
                    .ok_or_else(unknown)?;
                Ok(Delivery { page: channel.opener, side: Side::Opener, token: channel.token.clone(), opened })
            }
        }
    }

    /// The page is closed: every channel it is an end of closes.
    pub fn page_closed(&mut self, page: WebViewId) {
        self.by_opened.retain(|opened, channel| *opened != page && channel.opener != page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_cross_to_the_other_end_only() {
        let mut channels = Channels::new();
        channels.open("c1".into(), 1, 2);
        channels.open("c1".into(), 5, 6);
        assert_eq!(
            channels.route(Some(1), Side::Opener, "c1"),
            Ok(Delivery { page: 2, side: Side::Opened, token: "c1".into(), opened: 2 })
        );
        assert_eq!(
            channels.route(Some(6), Side::Opened, "6"),
            Ok(Delivery { page: 5, side: Side::Opener, token: "c1".into(), opened: 6 })
        );
        // A page cannot speak for another page's end.
        assert_eq!(channels.route(Some(3), Side::Opener, "c1"), Err(ChannelError::Unknown("c1".into())));
        assert_eq!(
            channels.route(Some(2), Side::Opened, "6").unwrap_err().to_string(),
            "no event channel \"6\" is open for this page"
        );
        // A logic context speaks for all its pages (its tokens come from one counter).
        let mut logic = Channels::new();
        logic.open("c1".into(), 1, 2);
        logic.open("c2".into(), 2, 3);
        assert_eq!(logic.route(None, Side::Opened, "3").unwrap().page, 2);
        assert_eq!(logic.route(None, Side::Opener, "c1").unwrap().opened, 2);
        assert!(logic.route(None, Side::Opened, "x").is_err());
    }

    #[test]
    fn closing_either_page_closes_the_channel() {
        let mut channels = Channels::new();
        channels.open("a".into(), 1, 2);
        channels.open("b".into(), 2, 3);
        channels.page_closed(2);
        assert!(channels.route(Some(1), Side::Opener, "a").is_err());
        assert!(channels.route(Some(3), Side::Opened, "3").is_err());
        assert!(channels.by_opened.is_empty());
    }

    #[test]
    fn sides_serialise_as_the_bridge_names_them() {
        assert_eq!(serde_json::to_string(&Side::Opened).unwrap(), r#""opened""#);
        assert_eq!(serde_json::from_str::<Side>(r#""opener""#).unwrap(), Side::Opener);
    }
}
