//! `wx.createSelectorQuery()`: what one `exec()` asks of a page, read once here. The page
//! where it is drawn (an HTML page, or a WXML page's render webview) answers each query
//! with the fields asked for, in order (assets/bridge.js).

use serde::Serialize;
use serde_json::Value;

/// The fields asked of each node (`boundingClientRect` is `rect` and `size`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fields {
    /// The node's `id`.
    pub id: bool,
    /// Its `data-*` values.
    pub dataset: bool,
    /// `left`, `right`, `top`, `bottom` (in the viewport).
    pub rect: bool,
    /// `width`, `height`.
    pub size: bool,
    /// `scrollLeft`, `scrollTop`.
    pub scroll_offset: bool,
    /// Node properties by name (`value`, `scrollHeight`...).
    pub properties: Vec<String>,
    /// Computed styles by name.
    pub computed_style: Vec<String>,
    /// The node itself (a `canvas` of `type="2d"`: its Canvas object, in the page's JS).
    pub node: bool,
}

/// One query of an `exec()`: a selector (or the viewport) and the fields wanted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeQuery {
    /// A CSS selector (WXML names on WXML pages); `None` for the viewport.
    pub selector: Option<String>,
    /// `select` (the first match, or null) rather than `selectAll` (every match).
    pub single: bool,
    /// What to read.
    pub fields: Fields,
    /// The component instance whose template the selector is written for
    /// (`query.in(component)`): its classes are matched as it scopes them; 0 for none.
    #[serde(skip_serializing_if = "is_zero")]
    pub owner: u64,
}

fn is_zero(owner: &u64) -> bool {
    *owner == 0
}

/// A query that cannot be asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SelectorQueryError {
    /// The data is not a list of queries.
    #[error("parameter error: queries must be a list, got {0}")]
    NotAList(String),
    /// One query is malformed.
    #[error("parameter error: query {0}: {1}")]
    Query(usize, String),
}

/// Reads `{queries: [{selector | null, single, fields: {...}}]}`.
pub fn parse(data: &Value) -> Result<Vec<NodeQuery>, SelectorQueryError> {
    let Some(list) = data.get("queries").and_then(Value::as_array) else {
        return Err(SelectorQueryError::NotAList(data.get("queries").map_or("nothing".into(), Value::to_string)));
    };
    list.iter()
        .enumerate()
        .map(|(i, query)| {
            let bad = |message: String| SelectorQueryError::Query(i, message);
            let selector = match query.get("selector") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
                Some(other) => return Err(bad(format!("selector must be a non-empty string, got {other}"))),
            };
            let f = query.get("fields").cloned().unwrap_or(Value::Null);
            let flag = |key: &str| f.get(key).and_then(Value::as_bool).unwrap_or(false);
            let names = |key: &str| -> Result<Vec<String>, SelectorQueryError> {
                match f.get(key) {
                    None | Some(Value::Null) => Ok(Vec::new()),
                    Some(Value::Array(items)) => items
                        .iter()
                        .map(|item| {
                            item.as_str()
                                .map(str::to_string)
                                .ok_or_else(|| bad(format!("{key} must list names, got {item}")))
                        })
                        .collect(),
                    Some(other) => Err(bad(format!("{key} must list names, got {other}"))),
                }
            };
            let fields = Fields {
                id: flag("id"),
                dataset: flag("dataset"),
                rect: flag("rect"),
                size: flag("size"),
                scroll_offset: flag("scrollOffset"),
                properties: names("properties")?,
                computed_style: names("computedStyle")?,
                node: flag("node"),
            };
            let owner = query.get("owner").and_then(Value::as_u64).unwrap_or(0);
            Ok(NodeQuery {
                selector,
                single: query.get("single").and_then(Value::as_bool).unwrap_or(true),
                fields,
                owner,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_are_read_once_and_bad_ones_named() {
        let queries = parse(&json!({"queries": [
            {"selector": "#a", "single": true, "fields": {"rect": true, "size": true}},
            {"selector": null, "fields": {"scrollOffset": true}},
            {"selector": ".item", "single": false, "fields": {"dataset": true, "computedStyle": ["color"]}, "owner": 4}
        ]}))
        .unwrap();
        assert_eq!(queries.len(), 3);
        assert!(queries[0].fields.rect && queries[0].fields.size && queries[0].single);
        assert_eq!(queries[1].selector, None);
        assert_eq!(queries[2].fields.computed_style, ["color"]);
        assert!(!queries[2].single);
        assert_eq!((queries[1].owner, queries[2].owner), (0, 4));
        assert_eq!(serde_json::to_value(&queries[2]).unwrap()["owner"], 4);
        assert_eq!(
            serde_json::to_value(&queries[1]).unwrap(),
            json!({"selector": null, "single": true, "fields": {"id": false, "dataset": false, "rect": false,
                   "size": false, "scrollOffset": true, "properties": [], "computedStyle": [], "node": false}})
        );
        assert_eq!(
            parse(&json!({"queries": [{"selector": 3}]})).unwrap_err().to_string(),
            "parameter error: query 0: selector must be a non-empty string, got 3"
        );
        assert_eq!(parse(&json!({})).unwrap_err().to_string(), "parameter error: queries must be a list, got nothing");
    }
}
