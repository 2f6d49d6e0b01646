//! `app.json` and page `.json` files: pages, window, tabBar, extApi, as WeChat defines them.

use serde::Serialize;
use serde_json::{Map, Value};

/// A field of a package file is missing or wrong: (file, field, message).
pub type FieldError = (String, String, String);

/// `navigationBarTextStyle`: the colour of the navigation bar's title and buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextStyle {
    /// Black text.
    Black,
    /// White text.
    White,
}

/// `navigationStyle`: whether the shell draws the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NavigationStyle {
    /// The shell's bar, with the title and the back button.
    #[default]
    Default,
    /// No bar: the page draws its own (and gets the whole height).
    Custom,
}

/// The `window` keys of `app.json`, or of a page's `.json` (each may be absent).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowConfig {
    /// `navigationBarTitleText`.
    pub navigation_bar_title_text: Option<String>,
    /// `navigationBarBackgroundColor` (`#rrggbb`).
    pub navigation_bar_background_color: Option<String>,
    /// `navigationBarTextStyle`.
    pub navigation_bar_text_style: Option<TextStyle>,
    /// `backgroundColor` (`#rrggbb`) of the window behind the page.
    pub background_color: Option<String>,
    /// `enablePullDownRefresh`: pulling the page down at its top runs `onPullDownRefresh`.
    pub enable_pull_down_refresh: Option<bool>,
    /// `navigationStyle`.
    pub navigation_style: Option<NavigationStyle>,
}

/// The window settings of one page after merging, with WeChat's defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageWindow {
    /// The navigation bar title.
    pub navigation_bar_title_text: String,
    /// The navigation bar colour (default `#000000`).
    pub navigation_bar_background_color: String,
    /// The navigation bar text style (default white).
    pub navigation_bar_text_style: TextStyle,
    /// The window background (default `#ffffff`).
    pub background_color: String,
    /// Whether pulling the page down refreshes it (default false).
    pub enable_pull_down_refresh: bool,
    /// Whether the shell draws the navigation bar (default) or the page does (custom).
    pub navigation_style: NavigationStyle,
}

impl WindowConfig {
    /// This config with `over`'s keys taking precedence.
    pub fn merged(&self, over: &WindowConfig) -> WindowConfig {
        WindowConfig {
            navigation_bar_title_text: over
                .navigation_bar_title_text
                .clone()
                .or_else(|| self.navigation_bar_title_text.clone()),
            navigation_bar_background_color: over
                .navigation_bar_background_color
                .clone()
                .or_else(|| self.navigation_bar_background_color.clone()),
            navigation_bar_text_style: over.navigation_bar_text_style.or(self.navigation_bar_text_style),
            background_color: over.background_color.clone().or_else(|| self.background_color.clone()),
            enable_pull_down_refresh: over.enable_pull_down_refresh.or(self.enable_pull_down_refresh),
            navigation_style: over.navigation_style.or(self.navigation_style),
        }
    }

    /// The effective settings, WeChat's defaults filling what is absent.
    pub fn resolve(&self) -> PageWindow {
        PageWindow {
            navigation_bar_title_text: self.navigation_bar_title_text.clone().unwrap_or_default(),
            navigation_bar_background_color: self
                .navigation_bar_background_color
                .clone()
                .unwrap_or_else(|| "#000000".into()),
            navigation_bar_text_style: self.navigation_bar_text_style.unwrap_or(TextStyle::White),
            background_color: self.background_color.clone().unwrap_or_else(|| "#ffffff".into()),
            enable_pull_down_refresh: self.enable_pull_down_refresh.unwrap_or(false),
            navigation_style: self.navigation_style.unwrap_or_default(),
        }
    }

    /// Reads window keys from an object (`app.json`'s `window`, or a page `.json`).
    pub fn parse(object: &Map<String, Value>, file: &str, prefix: &str) -> Result<WindowConfig, FieldError> {
        let text = |key: &str| -> Result<Option<String>, FieldError> {
            match object.get(key) {
                None => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(other) => Err(err(file, &format!("{prefix}{key}"), format!("expected a string, got {other}"))),
            }
        };
        let color = |key: &str| -> Result<Option<String>, FieldError> {
            let value = text(key)?;
            if let Some(color) = &value {
                if !is_hex_color(color) {
                    return Err(err(
                        file,
                        &format!("{prefix}{key}"),
                        format!("expected a colour like \"#07c160\", got {color:?}"),
                    ));
                }
            }
            Ok(value)
        };
        let style = match text("navigationBarTextStyle")?.as_deref() {
            None => None,
            Some("black") => Some(TextStyle::Black),
            Some("white") => Some(TextStyle::White),
            Some(other) => {
                return Err(err(
                    file,
                    &format!("{prefix}navigationBarTextStyle"),
                    format!("expected \"black\" or \"white\", got {other:?}"),
                ))
            }
        };
        let navigation_style = match text("navigationStyle")?.as_deref() {
            None => None,
            Some("default") => Some(NavigationStyle::Default),
            Some("custom") => Some(NavigationStyle::Custom),
            Some(other) => {
                return Err(err(
                    file,
                    &format!("{prefix}navigationStyle"),
                    format!("expected \"default\" or \"custom\", got {other:?}"),
                ))
            }
        };
        let pull_down = match object.get("enablePullDownRefresh") {
            None => None,
            Some(Value::Bool(on)) => Some(*on),
            Some(other) => {
                return Err(err(
                    file,
                    &format!("{prefix}enablePullDownRefresh"),
                    format!("expected true or false, got {other}"),
                ))
            }
        };
        Ok(WindowConfig {
            enable_pull_down_refresh: pull_down,
            navigation_style,
            navigation_bar_title_text: text("navigationBarTitleText")?,
            navigation_bar_background_color: color("navigationBarBackgroundColor")?,
            navigation_bar_text_style: style,
            background_color: color("backgroundColor")?,
        })
    }
}

/// One tab of the tab bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TabItem {
    /// The tab's page route.
    pub page_path: String,
    /// Its label.
    pub text: String,
}

/// `app.json`'s `tabBar`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TabBar {
    /// Label colour (default `#7a7e83`).
    pub color: String,
    /// Label colour of the selected tab (default `#07c160`).
    pub selected_color: String,
    /// Bar colour (default `#f7f7f7`).
    pub background_color: String,
    /// 2 to 5 tabs.
    pub list: Vec<TabItem>,
    /// `custom: true`: the mini program's `custom-tab-bar/index` component is the tab bar
    /// of each tab page, and the shell draws none.
    pub custom: bool,
}

/// One custom API a mini program declares in `extApi`, callable as `wx.<name>(opts)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtApi {
    /// The API name (a JS identifier).
    pub name: String,
    /// Whether `wx.<name>()` is synchronous.
    pub sync: bool,
}

/// The parsed `app.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    /// Page routes, home first: the main package's, then each subpackage's
    /// (`root/page`). A subpackage page is a page like any other.
    pub pages: Vec<String>,
    /// The subpackages (`subpackages` or `subPackages`; `preloadRule` is accepted and has
    /// nothing to do: every page is local).
    pub subpackages: Vec<Subpackage>,
    /// The app-wide window settings.
    pub window: WindowConfig,
    /// The tab bar, if any.
    pub tab_bar: Option<TabBar>,
    /// Custom APIs callable directly.
    pub ext_api: Vec<ExtApi>,
    /// `useExtendedLib`: the libraries WeChat supplies to the mini program.
    pub extended_libs: Vec<ExtendedLib>,
    /// `sitemapLocation`: the search index rules (read by WeChat's search, not by a
    /// running mini program: accepted).
    pub sitemap_location: Option<String>,
}

/// A library of `useExtendedLib` that WeChat supplies (`{"weui": true}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtendedLib {
    /// WeUI's component library, required as `weui-miniprogram/<component>/<component>`.
    Weui,
    /// kbone, the web-to-mini-program runtime.
    Kbone,
}

fn parse_extended_libs(value: Option<&Value>) -> Result<Vec<ExtendedLib>, FieldError> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let Value::Object(libs) = value else {
        return Err(err(
            "app.json",
            "useExtendedLib",
            format!("expected an object like {{\"weui\": true}}, got {value}"),
        ));
    };
    let mut out = Vec::new();
    for (name, on) in libs {
        let field = format!("useExtendedLib.{name}");
        let lib = match name.as_str() {
            "weui" => ExtendedLib::Weui,
            "kbone" => ExtendedLib::Kbone,
            other => return Err(err("app.json", &field, format!("expected \"weui\" or \"kbone\", got {other:?}"))),
        };
        match on {
            // (WeChat also takes a version string)
            Value::Bool(true) | Value::String(_) => out.push(lib),
            Value::Bool(false) => {}
            other => return Err(err("app.json", &field, format!("expected true or false, got {other}"))),
        }
    }
    Ok(out)
}

impl AppConfig {
    /// Whether `route` is a tab page.
    pub fn is_tab(&self, route: &str) -> bool {
        self.tab_bar.as_ref().is_some_and(|bar| bar.list.iter().any(|item| item.page_path == route))
    }

    /// Parses and validates `app.json`.
    pub fn parse(app: &Value) -> Result<AppConfig, FieldError> {
        let file = "app.json";
        let Value::Object(app) = app else {
            return Err(err(file, "", format!("expected an object, got {app}")));
        };
        let mut pages = parse_pages(app.get("pages"), "pages", "", &[])?;
        let subpackages = parse_subpackages(app, &pages)?;
        let main_pages = pages.clone();
        pages.extend(subpackages.iter().flat_map(|sub| sub.pages.iter().cloned()));
        let window = match app.get("window") {
            None => WindowConfig::default(),
            Some(Value::Object(window)) => WindowConfig::parse(window, file, "window.")?,
            Some(other) => return Err(err(file, "window", format!("expected an object, got {other}"))),
        };
        let tab_bar = match app.get("tabBar") {
            None => None,
            Some(Value::Object(bar)) => Some(parse_tab_bar(bar, &main_pages)?),
            Some(other) => return Err(err(file, "tabBar", format!("expected an object, got {other}"))),
        };
        let ext_api = match app.get("extApi") {
            None => Vec::new(),
            Some(Value::Array(list)) => {
                list.iter().enumerate().map(|(i, item)| parse_ext_api(i, item)).collect::<Result<_, _>>()?
            }
            Some(other) => return Err(err(file, "extApi", format!("expected an array, got {other}"))),
        };
        let extended_libs = parse_extended_libs(app.get("useExtendedLib"))?;
        let sitemap_location = match app.get("sitemapLocation") {
            None => None,
            Some(Value::String(path)) => Some(path.clone()),
            Some(other) => return Err(err(file, "sitemapLocation", format!("expected a file name, got {other}"))),
        };
        Ok(AppConfig { pages, subpackages, window, tab_bar, ext_api, extended_libs, sitemap_location })
    }
}

fn err(file: &str, field: &str, message: String) -> FieldError {
    (file.to_string(), field.to_string(), message)
}

/// Whether `text` is `#rgb` or `#rrggbb` (optionally `#rrggbbaa`).
pub fn is_hex_color(text: &str) -> bool {
    text.strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A subpackage of `app.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subpackage {
    /// Its folder (`packageA`).
    pub root: String,
    /// Its name, if it has one.
    pub name: Option<String>,
    /// Whether it runs without the main package (accepted; every page is local here).
    pub independent: bool,
    /// Its pages' routes, root included (`packageA/pages/cat/cat`).
    pub pages: Vec<String>,
}

fn parse_subpackages(app: &Map<String, Value>, main: &[String]) -> Result<Vec<Subpackage>, FieldError> {
    let file = "app.json";
    let (key, list) = match (app.get("subpackages"), app.get("subPackages")) {
        (Some(_), Some(_)) => return Err(err(file, "subPackages", "give subpackages or subPackages, not both".into())),
        (Some(list), None) => ("subpackages", list),
        (None, Some(list)) => ("subPackages", list),
        (None, None) => return Ok(Vec::new()),
    };
    let Value::Array(list) = list else { return Err(err(file, key, format!("expected an array, got {list}"))) };
    let mut seen: Vec<String> = main.to_vec();
    let mut out = Vec::with_capacity(list.len());
    for (i, sub) in list.iter().enumerate() {
        let field = |name: &str| format!("{key}[{i}].{name}");
        let Value::Object(sub) = sub else {
            return Err(err(file, &format!("{key}[{i}]"), format!("expected an object, got {sub}")));
        };
        let root = match sub.get("root") {
            Some(Value::String(root)) => root.trim_matches('/').to_string(),
            other => {
                let got = other.map_or("nothing".to_string(), Value::to_string);
                return Err(err(file, &field("root"), format!("expected a folder name, got {got}")));
            }
        };
        if root.is_empty() || root.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
            return Err(err(file, &field("root"), format!("{root:?} is not a folder of the package")));
        }
        let name = sub.get("name").and_then(Value::as_str).map(str::to_string);
        let independent = sub.get("independent").and_then(Value::as_bool).unwrap_or(false);
        let pages = parse_pages(sub.get("pages"), &field("pages"), &format!("{root}/"), &seen)?;
        seen.extend(pages.iter().cloned());
        out.push(Subpackage { root, name, independent, pages });
    }
    Ok(out)
}

/// The page list at `field`, each route prefixed with `prefix` (a subpackage's root);
/// none may repeat `seen` or itself.
fn parse_pages(pages: Option<&Value>, field: &str, prefix: &str, seen: &[String]) -> Result<Vec<String>, FieldError> {
    let file = "app.json";
    let list = match pages {
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => return Err(err(file, field, "must list at least one page".into())),
        None => return Err(err(file, field, "is missing".into())),
        Some(other) => return Err(err(file, field, format!("expected an array, got {other}"))),
    };
    let list_field = field;
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, page) in list.iter().enumerate() {
        let field = format!("{list_field}[{i}]");
        let Some(page) = page.as_str() else {
            return Err(err(file, &field, format!("expected a string, got {page}")));
        };
        let valid = !page.is_empty()
            && !page.starts_with('/')
            && !page.ends_with(".html")
            && !page.contains(['?', '\\', '%'])
            && page.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..");
        if !valid {
            return Err(err(file, &field, format!("{page:?} is not a page path like \"pages/index/index\"")));
        }
        let page = format!("{prefix}{page}");
        if out.iter().chain(seen).any(|seen| *seen == page) {
            return Err(err(file, &field, format!("{page:?} is listed twice")));
        }
        out.push(page);
    }
    Ok(out)
}

fn parse_tab_bar(bar: &Map<String, Value>, pages: &[String]) -> Result<TabBar, FieldError> {
    let file = "app.json";
    let color = |key: &str, default: &str| -> Result<String, FieldError> {
        match bar.get(key) {
            None => Ok(default.to_string()),
            Some(Value::String(c)) if is_hex_color(c) => Ok(c.clone()),
            Some(other) => {
                Err(err(file, &format!("tabBar.{key}"), format!("expected a colour like \"#07c160\", got {other}")))
            }
        }
    };
    let list = match bar.get("list") {
        Some(Value::Array(list)) => list,
        None => return Err(err(file, "tabBar.list", "is missing".into())),
        Some(other) => return Err(err(file, "tabBar.list", format!("expected an array, got {other}"))),
    };
    if !(2..=5).contains(&list.len()) {
        return Err(err(file, "tabBar.list", format!("must have 2 to 5 items, has {}", list.len())));
    }
    let mut items: Vec<TabItem> = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let field = |key: &str| format!("tabBar.list[{i}].{key}");
        let text_of = |key: &str| -> Result<String, FieldError> {
            match item.get(key) {
                Some(Value::String(text)) => Ok(text.clone()),
                None => Err(err(file, &field(key), "is missing".into())),
                Some(other) => Err(err(file, &field(key), format!("expected a string, got {other}"))),
            }
        };
        let page_path = text_of("pagePath")?;
        if !pages.contains(&page_path) {
            return Err(err(file, &field("pagePath"), format!("{page_path:?} is not listed in pages")));
        }
        if items.iter().any(|seen| seen.page_path == page_path) {
            return Err(err(file, &field("pagePath"), format!("{page_path:?} is listed twice")));
        }
        items.push(TabItem { page_path, text: text_of("text")? });
    }
    Ok(TabBar {
        custom: bar.get("custom").and_then(Value::as_bool).unwrap_or(false),
        color: color("color", "#7a7e83")?,
        selected_color: color("selectedColor", "#07c160")?,
        background_color: color("backgroundColor", "#f7f7f7")?,
        list: items,
    })
}

fn parse_ext_api(i: usize, item: &Value) -> Result<ExtApi, FieldError> {
    let file = "app.json";
    let name = match item.get("name") {
        Some(Value::String(name)) => name.clone(),
        None => return Err(err(file, &format!("extApi[{i}].name"), "is missing".into())),
        Some(other) => return Err(err(file, &format!("extApi[{i}].name"), format!("expected a string, got {other}"))),
    };
    let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !identifier {
        return Err(err(file, &format!("extApi[{i}].name"), format!("{name:?} is not a JS identifier")));
    }
    if super::builtins::is_reserved_wx_name(&name) {
        return Err(err(
            file,
            &format!("extApi[{i}].name"),
            format!("{name:?} is reserved: it would replace a wx built-in"),
        ));
    }
    let sync = match item.get("sync") {
        None => false,
        Some(Value::Bool(sync)) => *sync,
        Some(other) => return Err(err(file, &format!("extApi[{i}].sync"), format!("expected a boolean, got {other}"))),
    };
    Ok(ExtApi { name, sync })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(app: Value) -> Result<AppConfig, String> {
        AppConfig::parse(&app).map_err(|(file, field, message)| format!("{file}: field {field:?}: {message}"))
    }

    #[test]
    fn parses_every_supported_key() {
        let config = parse(json!({
            "pages": ["pages/a/a", "pages/b/b", "pages/c/c"],
            "window": {"navigationBarTitleText": "Shop", "navigationBarBackgroundColor": "#07c160",
                       "navigationBarTextStyle": "black", "backgroundColor": "#eeeeee"},
            "tabBar": {"color": "#000", "list": [{"pagePath": "pages/a/a", "text": "A"}, {"pagePath": "pages/b/b", "text": "B"}]},
            "extApi": [{"name": "scanCard", "sync": true}, {"name": "openDoor"}],
            "useExtendedLib": {"weui": true, "kbone": false},
            "sitemapLocation": "sitemap.json"
        }))
        .unwrap();
        assert_eq!(config.extended_libs, [ExtendedLib::Weui]);
        assert_eq!(config.sitemap_location.as_deref(), Some("sitemap.json"));
        let bad = parse(json!({"pages": ["a/a"], "useExtendedLib": {"vant": true}})).unwrap_err();
        assert_eq!(bad, r#"app.json: field "useExtendedLib.vant": expected "weui" or "kbone", got "vant""#);
        assert_eq!(config.window.navigation_bar_text_style, Some(TextStyle::Black));
        let bar = config.tab_bar.as_ref().unwrap();
        assert_eq!((bar.color.as_str(), bar.selected_color.as_str()), ("#000", "#07c160"));
        assert!(config.is_tab("pages/b/b") && !config.is_tab("pages/c/c"));
        assert_eq!(
            config.ext_api,
            vec![ExtApi { name: "scanCard".into(), sync: true }, ExtApi { name: "openDoor".into(), sync: false },]
        );
    }

    #[test]
    fn subpackage_pages_are_pages_with_their_root() {
        for key in ["subpackages", "subPackages"] {
            let config = AppConfig::parse(&json!({
                "pages": ["pages/index/index"],
                key: [
                    {"root": "packageA/", "pages": ["pages/cat/cat", "pages/dog/dog"]},
                    {"root": "packageB", "name": "b", "independent": true, "pages": ["pages/apple/apple"]}
                ],
                "preloadRule": {"pages/index/index": {"packages": ["packageA"]}}
            }))
            .unwrap();
            assert_eq!(
                config.pages,
                ["pages/index/index", "packageA/pages/cat/cat", "packageA/pages/dog/dog", "packageB/pages/apple/apple"]
            );
            assert_eq!(config.subpackages[1].name.as_deref(), Some("b"));
            assert!(config.subpackages[1].independent);
        }
        let refused = |app: Value| AppConfig::parse(&app).unwrap_err();
        assert_eq!(
            refused(json!({"pages": ["a"], "subpackages": [{"root": "p", "pages": ["x", "x"]}]})),
            err("app.json", "subpackages[0].pages[1]", "\"p/x\" is listed twice".into())
        );
        assert_eq!(
            refused(json!({"pages": ["a"], "subpackages": [{"root": "../up", "pages": ["x"]}]})),
            err("app.json", "subpackages[0].root", "\"../up\" is not a folder of the package".into())
        );
        assert_eq!(
            refused(json!({"pages": ["a"], "subpackages": [], "subPackages": []})),
            err("app.json", "subPackages", "give subpackages or subPackages, not both".into())
        );
        // A tab page lives in the main package.
        let tab = json!({"pages": ["a"], "subpackages": [{"root": "p", "pages": ["x"]}],
                         "tabBar": {"list": [{"pagePath": "a", "text": "A"}, {"pagePath": "p/x", "text": "X"}]}});
        assert!(AppConfig::parse(&tab).is_err());
    }

    #[test]
    fn page_keys_override_the_app_window() {
        let app = WindowConfig {
            navigation_bar_title_text: Some("App".into()),
            background_color: Some("#111111".into()),
            ..Default::default()
        };
        let page =
            WindowConfig::parse(json!({"navigationBarTitleText": "Page"}).as_object().unwrap(), "p.json", "").unwrap();
        let resolved = app.merged(&page).resolve();
        assert_eq!(resolved.navigation_bar_title_text, "Page");
        assert_eq!(resolved.background_color, "#111111");
        assert_eq!(resolved.navigation_bar_background_color, "#000000");
        assert_eq!(resolved.navigation_bar_text_style, TextStyle::White);
        assert!(!resolved.enable_pull_down_refresh);
        let app = WindowConfig { enable_pull_down_refresh: Some(true), ..Default::default() };
        assert!(app.merged(&page).resolve().enable_pull_down_refresh);
        let off =
            WindowConfig::parse(json!({"enablePullDownRefresh": false}).as_object().unwrap(), "p.json", "").unwrap();
        assert!(!app.merged(&off).resolve().enable_pull_down_refresh);
    }

    #[test]
    fn refuses_bad_fields_naming_them() {
        let two = json!([{"pagePath": "a", "text": "A"}, {"pagePath": "b", "text": "B"}]);
        let six: Vec<Value> =
            ["a", "b", "c", "d", "e", "f"].iter().map(|p| json!({"pagePath": p, "text": p})).collect();
        let cases = [
            (
                json!({"pages": ["a"], "window": {"navigationBarTextStyle": "red"}}),
                r#"app.json: field "window.navigationBarTextStyle": expected "black" or "white", got "red""#,
            ),
            (
                json!({"pages": ["a"], "window": {"navigationBarBackgroundColor": "green"}}),
                r##"app.json: field "window.navigationBarBackgroundColor": expected a colour like "#07c160", got "green""##,
            ),
            (
                json!({"pages": ["a"], "window": {"enablePullDownRefresh": "yes"}}),
                r#"app.json: field "window.enablePullDownRefresh": expected true or false, got "yes""#,
            ),
            (
                json!({"pages": ["a"], "tabBar": {"list": [{"pagePath": "a", "text": "A"}]}}),
                r#"app.json: field "tabBar.list": must have 2 to 5 items, has 1"#,
            ),
            (
                json!({"pages": ["a", "b", "c", "d", "e", "f"], "tabBar": {"list": six}}),
                r#"app.json: field "tabBar.list": must have 2 to 5 items, has 6"#,
            ),
            (
                json!({"pages": ["a"], "tabBar": {"list": two}}),
                r#"app.json: field "tabBar.list[1].pagePath": "b" is not listed in pages"#,
            ),
            (
                json!({"pages": ["a", "b"], "tabBar": {"list": [{"pagePath": "a"}, {"pagePath": "b", "text": "B"}]}}),
                r#"app.json: field "tabBar.list[0].text": is missing"#,
            ),
            (
                json!({"pages": ["a"], "extApi": [{"name": "no-dash"}]}),
                r#"app.json: field "extApi[0].name": "no-dash" is not a JS identifier"#,
            ),
            (
                json!({"pages": ["a"], "extApi": [{"name": "x", "sync": "yes"}]}),
                r#"app.json: field "extApi[0].sync": expected a boolean, got "yes""#,
            ),
            (
                json!({"pages": ["a"], "extApi": [{"name": "navigateTo"}]}),
                r#"app.json: field "extApi[0].name": "navigateTo" is reserved: it would replace a wx built-in"#,
            ),
            (
                json!({"pages": ["a"], "extApi": [{"name": "ok"}, {"name": "invokeNativePlugin"}]}),
                r#"app.json: field "extApi[1].name": "invokeNativePlugin" is reserved: it would replace a wx built-in"#,
            ),
            (
                json!({"pages": ["a"], "extApi": [{"name": "nextTick"}]}),
                r#"app.json: field "extApi[0].name": "nextTick" is reserved: it would replace a wx built-in"#,
            ),
            (
                json!({"pages": ["a"], "extApi": [{"name": "__proto__"}]}),
                r#"app.json: field "extApi[0].name": "__proto__" is reserved: it would replace a wx built-in"#,
            ),
            (
                json!({"pages": ["a"], "extApi": [{"name": "constructor"}]}),
                r#"app.json: field "extApi[0].name": "constructor" is reserved: it would replace a wx built-in"#,
            ),
            (
                json!({"pages": ["a?x=1"]}),
                r#"app.json: field "pages[0]": "a?x=1" is not a page path like "pages/index/index""#,
            ),
        ];
        for (app, expected) in cases {
            assert_eq!(parse(app).unwrap_err(), expected);
        }
    }
}
