//! `wx.pageScrollTo`: where the current page scrolls to, and how fast, decided from the
//! call's options. The page carries it out (assets/bridge.js) and says when it is there;
//! the call's `success` comes then, as WeChat's does after the scroll.
//!
//! Decided where WeChat is silent: `selector` wins over `scrollTop` when both are given;
//! `duration` defaults to WeChat's 300 ms; the page scrolled is the current (top) page,
//! whichever page made the call.

use serde::Serialize;
use serde_json::Value;

/// WeChat's default `duration`, in ms.
pub const DEFAULT_DURATION_MS: u64 = 300;

/// Where to scroll to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageScroll {
    /// The target, in px from the top of the page (when no `selector`).
    pub scroll_top: Option<f64>,
    /// A CSS selector (WXML names on WXML pages): scroll to the first match's top.
    pub selector: Option<String>,
    /// Added to the selected element's top, in px.
    pub offset_top: f64,
    /// How long the scroll takes, in ms (0: at once).
    pub duration: u64,
}

/// Why options were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageScrollError {
    /// Neither a target position nor a selector.
    #[error("parameter error: scrollTop (a number) or selector (a string) is required")]
    NoTarget,
    /// `scrollTop` is not a number.
    #[error("parameter error: scrollTop must be a number, got {0}")]
    ScrollTop(String),
    /// `selector` is not a non-empty string.
    #[error("parameter error: selector must be a non-empty string, got {0}")]
    Selector(String),
    /// `offsetTop` is not a number.
    #[error("parameter error: offsetTop must be a number, got {0}")]
    OffsetTop(String),
    /// `duration` is not a non-negative number.
    #[error("parameter error: duration must be a non-negative number of ms, got {0}")]
    Duration(String),
}

impl PageScroll {
    /// Reads `wx.pageScrollTo`'s options (its callbacks already taken off).
    pub fn from_options(data: &Value) -> Result<PageScroll, PageScrollError> {
        let number = |key: &str| match data.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(other.to_string()),
        };
        let scroll_top = number("scrollTop").map_err(PageScrollError::ScrollTop)?;
        let selector = match data.get("selector") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(other) => return Err(PageScrollError::Selector(other.to_string())),
        };
        let offset_top = number("offsetTop").map_err(PageScrollError::OffsetTop)?.unwrap_or(0.0);
        let duration = match number("duration").map_err(PageScrollError::Duration)? {
            None => DEFAULT_DURATION_MS,
            Some(ms) if ms >= 0.0 && ms.is_finite() => ms.round() as u64,
            Some(ms) => return Err(PageScrollError::Duration(ms.to_string())),
        };
        if scroll_top.is_none() && selector.is_none() {
            return Err(PageScrollError::NoTarget);
        }
        let scroll_top = if selector.is_some() { None } else { scroll_top.map(|top| top.max(0.0)) };
        Ok(PageScroll { scroll_top, selector, offset_top, duration })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_become_a_target_and_a_duration() {
        assert_eq!(
            PageScroll::from_options(&json!({"scrollTop": 120})),
            Ok(PageScroll { scroll_top: Some(120.0), selector: None, offset_top: 0.0, duration: 300 })
        );
        assert_eq!(
            PageScroll::from_options(&json!({"scrollTop": -5, "duration": 0})),
            Ok(PageScroll { scroll_top: Some(0.0), selector: None, offset_top: 0.0, duration: 0 })
        );
        // The selector wins over scrollTop.
        assert_eq!(
            PageScroll::from_options(&json!({"scrollTop": 10, "selector": "#far", "offsetTop": -8, "duration": 120.4})),
            Ok(PageScroll { scroll_top: None, selector: Some("#far".into()), offset_top: -8.0, duration: 120 })
        );
    }

    #[test]
    fn bad_options_are_refused_quoting_the_value() {
        let refused = |data: Value| PageScroll::from_options(&data).unwrap_err().to_string();
        assert_eq!(refused(json!({})), "parameter error: scrollTop (a number) or selector (a string) is required");
        assert_eq!(refused(json!({"scrollTop": "10"})), "parameter error: scrollTop must be a number, got \"10\"");
        assert_eq!(refused(json!({"selector": ""})), "parameter error: selector must be a non-empty string, got \"\"");
        assert_eq!(
            refused(json!({"scrollTop": 1, "duration": -1})),
            "parameter error: duration must be a non-negative number of ms, got -1"
        );
        assert_eq!(
            refused(json!({"selector": "#a", "offsetTop": true})),
            "parameter error: offsetTop must be a number, got true"
        );
    }
}
