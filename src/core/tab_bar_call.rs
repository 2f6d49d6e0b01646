//! The tab bar APIs (`wx.setTabBarBadge`, `removeTabBarBadge`, `showTabBarRedDot`,
//! `hideTabBarRedDot`, `showTabBar`, `hideTabBar`, `setTabBarItem`, `setTabBarStyle`),
//! read once into what the shell's tab bar does. A shop sets its cart's count so.
//!
//! Decided where WeChat is silent: they work from any page (the bar is the mini
//! program's); with a custom tab bar (`tabBar.custom`, the mini program's own component)
//! they succeed and change nothing, as WeChat says they no longer apply; with no tab bar at
//! all they fail.

use serde_json::Value;

use super::ui_api::UiApi;

/// What a tab bar call asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabBarCall {
    /// Show `text` on a tab (more than 3 characters end in `…`, as WeChat shows them).
    Badge {
        /// The tab.
        index: usize,
        /// The badge.
        text: String,
    },
    /// Show a red dot on a tab.
    RedDot {
        /// The tab.
        index: usize,
    },
    /// Neither badge nor dot on a tab.
    Clear {
        /// The tab.
        index: usize,
    },
    /// Show or hide the bar.
    Visible(bool),
    /// A tab's text.
    Item {
        /// The tab.
        index: usize,
        /// Its new text, if given.
        text: Option<String>,
    },
    /// The bar's colours, accepted (the shell keeps its own look).
    Style,
}

/// Reads `data` of tab bar API `api`, for a bar of `tabs` tabs.
pub fn parse(api: UiApi, data: &Value, tabs: usize) -> Result<TabBarCall, String> {
    let index = || -> Result<usize, String> {
        match data.get("index").and_then(Value::as_u64) {
            Some(i) if (i as usize) < tabs => Ok(i as usize),
            Some(i) => Err(format!("tabbar item not found: index {i} of {tabs} tabs")),
            None => Err("parameter error: index must be a number".into()),
        }
    };
    Ok(match api {
        UiApi::SetTabBarBadge => {
            let index = index()?;
            let text = match data.get("text") {
                Some(Value::String(text)) => text.clone(),
                _ => return Err("parameter error: text must be a string".into()),
            };
            // (more than 3 characters show as "...", as WeChat shows them)
            let text = if text.chars().count() > 3 { text.chars().take(3).collect::<String>() + "…" } else { text };
            TabBarCall::Badge { index, text }
        }
        UiApi::ShowTabBarRedDot => TabBarCall::RedDot { index: index()? },
        UiApi::RemoveTabBarBadge | UiApi::HideTabBarRedDot => TabBarCall::Clear { index: index()? },
        UiApi::ShowTabBar => TabBarCall::Visible(true),
        UiApi::HideTabBar => TabBarCall::Visible(false),
        UiApi::SetTabBarItem => {
            TabBarCall::Item { index: index()?, text: data.get("text").and_then(Value::as_str).map(str::to_string) }
        }
        UiApi::SetTabBarStyle => TabBarCall::Style,
        other => return Err(format!("{other} is not a tab bar api")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn calls_read_as_wechat_reads_them() {
        assert_eq!(
            parse(UiApi::SetTabBarBadge, &json!({"index": 1, "text": "3"}), 2),
            Ok(TabBarCall::Badge { index: 1, text: "3".into() })
        );
        assert_eq!(
            parse(UiApi::SetTabBarBadge, &json!({"index": 0, "text": "1000"}), 2),
            Ok(TabBarCall::Badge { index: 0, text: "100…".into() })
        );
        assert_eq!(parse(UiApi::HideTabBarRedDot, &json!({"index": 0}), 2), Ok(TabBarCall::Clear { index: 0 }));
        assert_eq!(parse(UiApi::HideTabBar, &json!({"animation": true}), 2), Ok(TabBarCall::Visible(false)));
        assert_eq!(
            parse(UiApi::SetTabBarItem, &json!({"index": 0, "text": "Cart"}), 2),
            Ok(TabBarCall::Item { index: 0, text: Some("Cart".into()) })
        );
        assert_eq!(
            parse(UiApi::ShowTabBarRedDot, &json!({"index": 2}), 2),
            Err("tabbar item not found: index 2 of 2 tabs".into())
        );
        assert_eq!(
            parse(UiApi::SetTabBarBadge, &json!({"index": 0, "text": 3}), 2),
            Err("parameter error: text must be a string".into())
        );
    }
}
