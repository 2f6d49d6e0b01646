//! Custom components: which tag names a page or component may use (`usingComponents` in
//! its `.json`, plus `app.json`'s for every page and component), each resolved to the
//! component's path in the package (`components/card/card`), as WeChat resolves them:
//! `/x` from the package root, `./x` and `../x` from the file's folder, and a bare `pkg/x`
//! from `miniprogram_npm` (from the file's folder up to the root; a package folder means
//! its `index`), else from the file's folder. Decided here, without a window: both layers
//! get the table as data.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::router::join;
use serde_json::Value;

/// A `usingComponents` entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComponentError {
    /// The path names no component (no `.wxml` there).
    #[error("{owner}.json: usingComponents.{tag}: no component at {path:?}")]
    Missing {
        /// The page or component whose `.json` names it.
        owner: String,
        /// The tag.
        tag: String,
        /// The path as written.
        path: String,
    },
    /// A plugin's component (`plugin://...`): plugins are not supported.
    #[error("{owner}.json: usingComponents.{tag}: plugin components ({path:?}) are not supported")]
    Plugin {
        /// The page or component whose `.json` names it.
        owner: String,
        /// The tag.
        tag: String,
        /// The path as written.
        path: String,
    },
}

/// Every page's and component's tags, resolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ComponentTable {
    /// Owner (a page route or a component path) -> tag -> component path.
    pub using: BTreeMap<String, BTreeMap<String, String>>,
    /// Every component reached from the pages.
    #[serde(skip)]
    pub components: BTreeSet<String>,
    /// A component's `styleIsolation` as its `.json` gives it (its JS `options` may give
    /// another, which wins); a component given neither is [`StyleIsolation::Isolated`].
    pub isolation: BTreeMap<String, StyleIsolation>,
    /// A component's generics (`componentGenerics` in its `.json`) that have a default:
    /// component path -> generic name -> the default component's path. (A generic
    /// without a default must be given by the owner, `generic:name="tag"`.)
    pub generics: BTreeMap<String, BTreeMap<String, String>>,
    /// A custom tab bar (`tabBar.custom`): the component drawn at the end of each tab
    /// page (`custom-tab-bar/index`), and those pages.
    #[serde(rename = "customTabBar")]
    pub custom_tab_bar: Option<CustomTabBar>,
}

/// The custom tab bar of a mini program: [`CUSTOM_TAB_BAR`] on each of its tab pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomTabBar {
    /// The component's path.
    pub path: String,
    /// The tab pages' routes.
    pub pages: Vec<String>,
}

/// Where WeChat looks for a custom tab bar, and the tag it has on each tab page.
pub const CUSTOM_TAB_BAR: &str = "custom-tab-bar/index";
/// The tag of the custom tab bar on a tab page (`this.getTabBar()` finds it).
pub const CUSTOM_TAB_BAR_TAG: &str = "custom-tab-bar";

/// How a component's classes and the page's meet (WeChat's `styleIsolation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StyleIsolation {
    /// Neither the page's class rules reach into the component, nor its rules out
    /// (WeChat's default for components).
    Isolated,
    /// The page's class rules reach in; the component's stay inside
    /// (`addGlobalClass: true` means this).
    ApplyShared,
    /// Both ways: the component's rules apply page-wide.
    Shared,
}

impl StyleIsolation {
    /// The value as a `.json` or `options` writes it; `None` for anything else (WeChat's
    /// page-only `page-*` values included: a component is treated as isolated then).
    pub fn parse(text: &str) -> Option<StyleIsolation> {
        match text {
            "isolated" => Some(StyleIsolation::Isolated),
            "apply-shared" => Some(StyleIsolation::ApplyShared),
            "shared" => Some(StyleIsolation::Shared),
            _ => None,
        }
    }
}

impl ComponentTable {
    /// Builds the table from the pages' routes; `json` reads a file's `.json` (by path
    /// without extension), `exists` says whether a package file exists. Entries that cannot
    /// be used are left out and returned as errors (the rest of the table still works).
    ///
    /// `tab_pages`: the tab pages of a `tabBar.custom` mini program; with a component at
    /// [`CUSTOM_TAB_BAR`], each of them has it under [`CUSTOM_TAB_BAR_TAG`].
    pub fn build(
        pages: &[String],
        app_using: Option<&Value>,
        tab_pages: Option<&[String]>,
        json: impl Fn(&str) -> Option<Value>,
        exists: impl Fn(&str) -> bool,
    ) -> (ComponentTable, Vec<ComponentError>) {
        let mut table = ComponentTable::default();
        let mut errors = Vec::new();
        if let Some(tab_pages) = tab_pages {
            if exists(&format!("{CUSTOM_TAB_BAR}.js")) || exists(&format!("{CUSTOM_TAB_BAR}.ts")) {
                table.custom_tab_bar =
                    Some(CustomTabBar { path: CUSTOM_TAB_BAR.to_string(), pages: tab_pages.to_vec() });
            } else {
                errors.push(ComponentError::Missing {
                    owner: "app".into(),
                    tag: "(tabBar.custom)".into(),
                    path: format!("/{CUSTOM_TAB_BAR}"),
                });
            }
        }
        let global = resolve_all("app", app_using, &exists, &mut errors);
        let mut todo: Vec<String> = pages.to_vec();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        while let Some(owner) = todo.pop() {
            if !seen.insert(owner.clone()) {
                continue;
            }
            let own = json(&owner);
            if let Some(isolation) = own
                .as_ref()
                .and_then(|j| j.get("styleIsolation"))
                .and_then(Value::as_str)
                .and_then(StyleIsolation::parse)
            {
                table.isolation.insert(owner.clone(), isolation);
            }
            let mut using = global.clone();
            if let Some(bar) = table.custom_tab_bar.as_ref().filter(|bar| bar.pages.contains(&owner)) {
                using.insert(CUSTOM_TAB_BAR_TAG.to_string(), bar.path.clone());
            }
            using.extend(resolve_all(
                &owner,
                own.as_ref().and_then(|j| j.get("usingComponents")),
                &exists,
                &mut errors,
            ));
            let defaults = resolve_all(
                &owner,
                own.as_ref().and_then(|j| j.get("componentGenerics")).map(generic_defaults).as_ref(),
                &exists,
                &mut errors,
            );
            for path in using.values().chain(defaults.values()) {
                if table.components.insert(path.clone()) {
                    todo.push(path.clone());
                }
            }
            if !defaults.is_empty() {
                table.generics.insert(owner.clone(), defaults);
            }
            if !using.is_empty() {
                table.using.insert(owner, using);
            }
        }
        // (a component's own tag is not a reference to itself)
        for (owner, using) in table.using.iter_mut() {
            using.retain(|_, path| path != owner);
        }
        (table, errors)
    }
}

/// `componentGenerics` (`{"item": true, "cell": {"default": "../cell/cell"}}`) as a
/// `usingComponents`-like map of the generics that have a default.
fn generic_defaults(generics: &Value) -> Value {
    let Value::Object(generics) = generics else { return Value::Null };
    generics
        .iter()
        .filter_map(|(name, spec)| Some((name.clone(), spec.get("default")?.as_str()?.into())))
        .collect::<serde_json::Map<String, Value>>()
        .into()
}

fn resolve_all(
    owner: &str,
    using: Option<&Value>,
    exists: &impl Fn(&str) -> bool,
    errors: &mut Vec<ComponentError>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(Value::Object(using)) = using else { return out };
    for (tag, path) in using {
        let Some(path) = path.as_str() else { continue };
        match resolve(owner, path, exists) {
            Ok(resolved) => {
                out.insert(tag.clone(), resolved);
            }
            Err(kind) => errors.push(kind(owner.to_string(), tag.clone(), path.to_string())),
        }
    }
    out
}

type ErrorKind = fn(String, String, String) -> ComponentError;

/// Resolves `path` as written in `owner`'s `usingComponents`.
pub fn resolve(owner: &str, path: &str, exists: &impl Fn(&str) -> bool) -> Result<String, ErrorKind> {
    if path.starts_with("plugin://") || path.starts_with("plugin-private://") {
        return Err(|owner, tag, path| ComponentError::Plugin { owner, tag, path });
    }
    let missing: ErrorKind = |owner, tag, path| ComponentError::Missing { owner, tag, path };
    let folder = owner.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
    let is_component = |stem: &str| exists(&format!("{stem}.wxml")) || exists(&format!("{stem}.js"));
    // A path naming a folder means its index.
    let found = |stem: String| -> Option<String> {
        if is_component(&stem) {
            return Some(stem);
        }
        let index = format!("{stem}/index");
        is_component(&index).then_some(index)
    };
    let candidates: Vec<String> = if let Some(rooted) = path.strip_prefix('/') {
        vec![join("", rooted)]
    } else if path.starts_with("./") || path.starts_with("../") {
        vec![join(folder, path)]
    } else {
        // miniprogram_npm from the file's folder up to the root, then beside the file.
        let segments: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        let mut list: Vec<String> = (0..=segments.len())
            .rev()
            .map(|depth| join(&segments[..depth].join("/"), &format!("miniprogram_npm/{path}")))
            .collect();
        list.push(join(folder, path));
        list.push(join("", path));
        list
    };
    candidates.into_iter().find_map(found).ok_or(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FILES: &[&str] = &[
        "components/card/card.wxml",
        "components/card/card.js",
        "components/badge/index.wxml",
        "components/list/list.wxml",
        "pages/a/item/item.wxml",
        "miniprogram_npm/weui-miniprogram/cell/cell.wxml",
        "miniprogram_npm/lib/index.wxml",
        "pages/a/miniprogram_npm/local/x.wxml",
    ];

    fn exists(file: &str) -> bool {
        FILES.contains(&file)
    }

    #[test]
    fn paths_resolve_as_in_wechat() {
        let r = |owner: &str, path: &str| resolve(owner, path, &exists).ok();
        assert_eq!(r("pages/a/a", "/components/card/card").as_deref(), Some("components/card/card"));
        assert_eq!(r("pages/a/a", "../../components/card/card").as_deref(), Some("components/card/card"));
        assert_eq!(r("pages/a/a", "./item/item").as_deref(), Some("pages/a/item/item"));
        assert_eq!(r("pages/a/a", "/components/badge").as_deref(), Some("components/badge/index"), "a folder");
        assert_eq!(
            r("pages/a/a", "weui-miniprogram/cell/cell").as_deref(),
            Some("miniprogram_npm/weui-miniprogram/cell/cell")
        );
        assert_eq!(r("pages/a/a", "lib").as_deref(), Some("miniprogram_npm/lib/index"), "an npm package's index");
        assert_eq!(
            r("pages/a/a", "local/x").as_deref(),
            Some("pages/a/miniprogram_npm/local/x"),
            "the nearest miniprogram_npm"
        );
        assert_eq!(r("pages/a/a", "item/item").as_deref(), Some("pages/a/item/item"), "beside the file");
        assert_eq!(r("pages/a/a", "components/card/card").as_deref(), Some("components/card/card"), "from the root");
        assert_eq!(r("pages/a/a", "/nope/nope"), None);
        let plugin = resolve("pages/a/a", "plugin://myPlugin/comp", &exists).unwrap_err();
        assert_eq!(
            plugin("pages/a/a".into(), "x".into(), "plugin://myPlugin/comp".into()).to_string(),
            "pages/a/a.json: usingComponents.x: plugin components (\"plugin://myPlugin/comp\") are not supported"
        );
    }

    #[test]
    fn the_table_follows_components_into_components_with_app_wide_ones() {
        let json = |file: &str| match file {
            "pages/a/a" => Some(json!({"usingComponents": {"card": "/components/card/card", "nope": "./nope"}})),
            "components/card/card" => Some(json!({"component": true, "usingComponents": {"badge": "../badge/index"}})),
            _ => None,
        };
        let app = json!({"cell": "weui-miniprogram/cell/cell"});
        let (table, errors) =
            ComponentTable::build(&["pages/a/a".into(), "pages/b/b".into()], Some(&app), None, json, exists);
        assert_eq!(
            errors,
            [ComponentError::Missing { owner: "pages/a/a".into(), tag: "nope".into(), path: "./nope".into() }]
        );
        assert_eq!(errors[0].to_string(), "pages/a/a.json: usingComponents.nope: no component at \"./nope\"");
        let cell = "miniprogram_npm/weui-miniprogram/cell/cell".to_string();
        assert_eq!(
            table.using["pages/a/a"],
            BTreeMap::from([("card".into(), "components/card/card".into()), ("cell".into(), cell.clone())])
        );
        assert_eq!(table.using["pages/b/b"], BTreeMap::from([("cell".into(), cell.clone())]));
        assert_eq!(table.using["components/card/card"]["badge"], "components/badge/index");
        assert!(!table.using[&cell].contains_key("cell"), "a component's own tag is not itself");
        assert_eq!(
            table.components,
            BTreeSet::from(["components/badge/index".into(), "components/card/card".into(), cell])
        );
    }

    #[test]
    fn a_components_json_gives_its_isolation_and_its_generics_defaults() {
        let json = |file: &str| match file {
            "pages/a/a" => Some(json!({"usingComponents": {"list": "/components/list/list"}})),
            "components/list/list" => Some(json!({
                "component": true,
                "styleIsolation": "apply-shared",
                "componentGenerics": {"item": {"default": "../card/card"}, "other": true}
            })),
            "components/card/card" => Some(json!({"component": true, "styleIsolation": "page-shared"})),
            _ => None,
        };
        let (table, errors) = ComponentTable::build(&["pages/a/a".into()], None, None, json, exists);
        assert_eq!(errors, []);
        assert_eq!(table.isolation, BTreeMap::from([("components/list/list".into(), StyleIsolation::ApplyShared)]));
        assert_eq!(
            table.generics["components/list/list"],
            BTreeMap::from([("item".into(), "components/card/card".into())])
        );
        assert!(table.components.contains("components/card/card"), "a generic's default is a component too");
        assert_eq!(serde_json::to_value(&table).unwrap()["isolation"], json!({"components/list/list": "apply-shared"}));
    }
}
