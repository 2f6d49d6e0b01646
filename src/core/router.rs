//! The page stack model: WeChat's routing rules, as pure data.
//!
//! Each operation checks WeChat's rules and returns the [`Effect`]s the shell applies, in
//! order; the order is the lifecycle order pages observe.

use serde::Serialize;
use serde_json::{Map, Value};

use super::app_config::AppConfig;
use super::host::WebViewId;

/// The most pages the stack holds (WeChat's limit).
pub const MAX_STACK: usize = 10;

/// One live page instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageRef {
    /// The shell-assigned webview id (new for every instance).
    pub web_view_id: WebViewId,
    /// The page route, `pages/a/a`.
    pub route: String,
    /// The query it was opened with, as `onLoad(query)` receives it.
    pub options: Map<String, Value>,
}

/// Why a route change was refused: the text after `"<api>:fail "`, in WeChat's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// `url` is absent or not a string (names the JS type it was).
    #[error("parameter error: parameter.url should be String instead of {0}.")]
    UrlNotString(&'static str),
    /// No page of the package has this route.
    #[error("page \"{0}\" is not found")]
    NotFound(String),
    /// `navigateTo` or `redirectTo` (named) to a tab page.
    #[error("can not {0} a tabbar page")]
    TabPage(&'static str),
    /// The stack already holds [`MAX_STACK`] pages.
    #[error("webview count limit exceed")]
    StackFull,
    /// `navigateBack` on the first page.
    #[error("cannot navigate back at first page.")]
    FirstPage,
    /// `switchTab` to a page that is not a tab.
    #[error("can not switch to no-tabBar page")]
    NotTab,
    /// `switchTab` with a query (quotes the url).
    #[error("url cannot have a query: {0:?}")]
    QueryNotAllowed(String),
}

/// What the shell does to apply a route change, in this order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Create the page's webview on top and show it (it then runs onLoad, onShow).
    Create(PageRef),
    /// Show a live page again (onShow).
    Show(WebViewId),
    /// Hide a page, keeping it alive (onHide).
    Hide(WebViewId),
    /// Unload a page and destroy its webview (onUnload).
    Unload(WebViewId),
}

/// The pages of one mini program: the stack, plus tab pages kept alive off the stack.
#[derive(Debug)]
pub struct Router {
    pages: Vec<String>,
    tabs: Vec<String>,
    stack: Vec<PageRef>,
    alive_tabs: Vec<PageRef>,
    next_id: WebViewId,
}

impl Router {
    /// A router over a package's pages and tab bar; nothing open yet.
    pub fn new(config: &AppConfig, first_id: WebViewId) -> Router {
        Router {
            pages: config.pages.clone(),
            tabs: config
                .tab_bar
                .as_ref()
                .map(|bar| bar.list.iter().map(|item| item.page_path.clone()).collect())
                .unwrap_or_default(),
            stack: Vec::new(),
            alive_tabs: Vec::new(),
            next_id: first_id,
        }
    }

    /// The stack, home first and the current page last (`getCurrentPages()`).
    pub fn stack(&self) -> &[PageRef] {
        &self.stack
    }

    /// The current page.
    pub fn top(&self) -> Option<&PageRef> {
        self.stack.last()
    }

    /// Every live page: the stack and the tab pages kept alive off it.
    pub fn live(&self) -> impl Iterator<Item = &PageRef> {
        self.stack.iter().chain(self.alive_tabs.iter())
    }

    /// Whether `route` is a tab page.
    pub fn is_tab(&self, route: &str) -> bool {
        self.tabs.iter().any(|tab| tab == route)
    }

    /// Opens the first page (`url` may carry a query).
    pub fn launch(&mut self, url: &str) -> Result<Vec<Effect>, RouteError> {
        self.re_launch(None, &Value::String(url.to_string()))
    }

    /// `wx.navigateTo`: pushes a non-tab page, at most [`MAX_STACK`] deep.
    pub fn navigate_to(&mut self, from: Option<&str>, url: &Value) -> Result<Vec<Effect>, RouteError> {
        let api = "navigateTo";
        let (route, options) = self.target(from, url)?;
        if self.is_tab(&route) {
            return Err(RouteError::TabPage(api));
        }
        if self.stack.len() >= MAX_STACK {
            return Err(RouteError::StackFull);
        }
        let mut effects = Vec::new();
        if let Some(top) = self.stack.last() {
            effects.push(Effect::Hide(top.web_view_id));
        }
        effects.push(self.push(route, options));
        Ok(effects)
    }

    /// `wx.redirectTo`: replaces the current page with a non-tab page.
    pub fn redirect_to(&mut self, from: Option<&str>, url: &Value) -> Result<Vec<Effect>, RouteError> {
        let api = "redirectTo";
        let (route, options) = self.target(from, url)?;
        if self.is_tab(&route) {
            return Err(RouteError::TabPage(api));
        }
        let mut effects = Vec::new();
        if let Some(top) = self.stack.pop() {
            effects.push(Effect::Unload(top.web_view_id));
        }
        effects.push(self.push(route, options));
        Ok(effects)
    }

    /// `wx.navigateBack({delta})`: pops `delta` pages (coerced to an integer >= 1, at most
    /// back to the first page).
    pub fn navigate_back(&mut self, delta: &Value) -> Result<Vec<Effect>, RouteError> {
        if self.stack.len() <= 1 {
            return Err(RouteError::FirstPage);
        }
        let delta = match delta {
            Value::Number(n) => n.as_f64().map(|f| f.floor()).unwrap_or(1.0),
            Value::String(s) => s.trim().parse::<f64>().map(|f| f.floor()).unwrap_or(1.0),
            _ => 1.0,
        };
        let delta = if delta.is_finite() && delta >= 1.0 { delta as usize } else { 1 };
        let delta = delta.min(self.stack.len() - 1);
        let mut effects = Vec::new();
        for _ in 0..delta {
            let page = self.stack.pop().expect("checked length");
            effects.push(Effect::Unload(page.web_view_id));
        }
        effects.push(Effect::Show(self.stack.last().expect("one page left").web_view_id));
        Ok(effects)
    }

    /// `wx.reLaunch`: unloads every page, then opens any page (tab pages included).
    pub fn re_launch(&mut self, from: Option<&str>, url: &Value) -> Result<Vec<Effect>, RouteError> {
        let (route, options) = self.target(from, url)?;
        let mut effects = Vec::new();
        while let Some(page) = self.stack.pop() {
            effects.push(Effect::Unload(page.web_view_id));
        }
        for page in self.alive_tabs.drain(..) {
            effects.push(Effect::Unload(page.web_view_id));
        }
        effects.push(self.push(route, options));
        Ok(effects)
    }

    /// `wx.switchTab`: shows a tab page (created the first time, kept alive after) and
    /// closes every non-tab page. A query is not allowed.
    pub fn switch_tab(&mut self, from: Option<&str>, url: &Value) -> Result<Vec<Effect>, RouteError> {
        let (route, options) = self.target(from, url)?;
        if !self.is_tab(&route) {
            return Err(RouteError::NotTab);
        }
        if !options.is_empty() {
            return Err(RouteError::QueryNotAllowed(url.as_str().unwrap_or_default().to_string()));
        }
        if self.stack.len() == 1 && self.stack[0].route == route {
            return Ok(Vec::new());
        }
        let mut effects = Vec::new();
        let mut first = true;
        while let Some(page) = self.stack.pop() {
            if self.is_tab(&page.route) {
                if first {
                    effects.push(Effect::Hide(page.web_view_id));
                }
                self.alive_tabs.push(page);
            } else {
                effects.push(Effect::Unload(page.web_view_id));
            }
            first = false;
        }
        if let Some(i) = self.alive_tabs.iter().position(|page| page.route == route) {
            let page = self.alive_tabs.remove(i);
            effects.push(Effect::Show(page.web_view_id));
            self.stack.push(page);
        } else {
            effects.push(self.push(route, options));
        }
        Ok(effects)
    }

    /// The webview id the next new page will get (a preloaded webview is made with it).
    pub fn next_id(&self) -> WebViewId {
        self.next_id
    }

    fn push(&mut self, route: String, options: Map<String, Value>) -> Effect {
        let page = PageRef { web_view_id: self.next_id, route, options };
        self.next_id += 1;
        self.stack.push(page.clone());
        Effect::Create(page)
    }

    /// Resolves a `url` option against the calling page and checks the page exists.
    fn target(&self, from: Option<&str>, url: &Value) -> Result<(String, Map<String, Value>), RouteError> {
        let url = match url {
            Value::String(url) => url,
            Value::Null => return Err(RouteError::UrlNotString("Undefined")),
            other => return Err(RouteError::UrlNotString(type_name(other))),
        };
        let (path, query) = match url.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (url.as_str(), None),
        };
        let route = resolve(from, path);
        if !self.pages.contains(&route) {
            return Err(RouteError::NotFound(route));
        }
        Ok((route, parse_query(query.unwrap_or(""))))
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "Array",
        Value::Object(_) => "Object",
    }
}

/// Resolves a page path: absolute (`/pages/b/b`) from the package root, relative (`../b/b`)
/// from the calling page's folder. A `.html` suffix is dropped.
pub fn resolve(from: Option<&str>, path: &str) -> String {
    let path = path.strip_suffix(".html").unwrap_or(path);
    let folder = match (path.starts_with('/'), from) {
        (false, Some(from)) => from.rsplit_once('/').map_or("", |(folder, _)| folder),
        _ => "",
    };
    join(folder, path)
}

/// `path` joined to `folder` (`a/b` and `../c/d` is `a/c/d`): `.` and `..` resolved, no
/// leading slash (a `..` above the root stays at the root).
pub fn join(folder: &str, path: &str) -> String {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Parses `a=1&b=x%20y` into `{"a": "1", "b": "x y"}` (values stay strings, as in WeChat).
pub fn parse_query(query: &str) -> Map<String, Value> {
    let mut options = Map::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode =
            |text: &str| percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned();
        options.insert(decode(key), Value::String(decode(value)));
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use Effect::*;

    fn router() -> Router {
        let config = AppConfig::parse(&json!({
            "pages": ["pages/home/home", "pages/a/a", "pages/b/b", "pages/tab2/tab2", "pages/detail/detail"],
            "tabBar": {"list": [{"pagePath": "pages/home/home", "text": "Home"}, {"pagePath": "pages/tab2/tab2", "text": "Two"}]}
        }))
        .unwrap();
        let mut router = Router::new(&config, 1);
        router.launch("pages/home/home").unwrap();
        router
    }

    fn url(text: &str) -> Value {
        Value::String(text.to_string())
    }

    fn routes(router: &Router) -> Vec<(WebViewId, &str)> {
        router.stack().iter().map(|p| (p.web_view_id, p.route.as_str())).collect()
    }

    fn created(id: WebViewId, route: &str, options: Value) -> Effect {
        Create(PageRef { web_view_id: id, route: route.into(), options: options.as_object().unwrap().clone() })
    }

    #[test]
    fn navigate_to_hides_and_pushes_with_the_query() {
        let mut r = router();
        let effects = r.navigate_to(Some("pages/home/home"), &url("/pages/a/a?id=7&name=x%20y")).unwrap();
        assert_eq!(effects, vec![Hide(1), created(2, "pages/a/a", json!({"id": "7", "name": "x y"}))]);
        let effects = r.navigate_to(Some("pages/a/a"), &url("../b/b")).unwrap();
        assert_eq!(effects, vec![Hide(2), created(3, "pages/b/b", json!({}))]);
        assert_eq!(routes(&r), vec![(1, "pages/home/home"), (2, "pages/a/a"), (3, "pages/b/b")]);
    }

    #[test]
    fn navigate_to_refuses_tabs_unknown_pages_and_an_eleventh_page() {
        let mut r = router();
        assert_eq!(
            r.navigate_to(None, &url("/pages/tab2/tab2")).unwrap_err().to_string(),
            "can not navigateTo a tabbar page"
        );
        assert_eq!(
            r.navigate_to(None, &url("/pages/nope/nope")).unwrap_err().to_string(),
            "page \"pages/nope/nope\" is not found"
        );
        assert_eq!(
            r.navigate_to(None, &Value::Null).unwrap_err().to_string(),
            "parameter error: parameter.url should be String instead of Undefined."
        );
        for _ in 1..MAX_STACK {
            r.navigate_to(None, &url("/pages/a/a")).unwrap();
        }
        assert_eq!(r.stack().len(), 10);
        assert_eq!(r.navigate_to(None, &url("/pages/a/a")).unwrap_err().to_string(), "webview count limit exceed");
        assert_eq!(r.stack().len(), 10);
    }

    #[test]
    fn redirect_to_unloads_then_creates() {
        let mut r = router();
        r.navigate_to(None, &url("/pages/a/a")).unwrap();
        assert_eq!(
            r.redirect_to(None, &url("/pages/b/b?x=1")).unwrap(),
            vec![Unload(2), created(3, "pages/b/b", json!({"x": "1"}))]
        );
        assert_eq!(
            r.redirect_to(None, &url("/pages/home/home")).unwrap_err().to_string(),
            "can not redirectTo a tabbar page"
        );
        assert_eq!(routes(&r), vec![(1, "pages/home/home"), (3, "pages/b/b")]);
    }

    #[test]
    fn navigate_back_pops_delta_pages_coerced_and_capped() {
        let mut r = router();
        assert_eq!(r.navigate_back(&json!(1)).unwrap_err().to_string(), "cannot navigate back at first page.");
        for _ in 0..4 {
            r.navigate_to(None, &url("/pages/a/a")).unwrap();
        }
        assert_eq!(r.navigate_back(&json!(2.7)).unwrap(), vec![Unload(5), Unload(4), Show(3)]);
        assert_eq!(r.navigate_back(&json!(-3)).unwrap(), vec![Unload(3), Show(2)]);
        assert_eq!(r.navigate_back(&json!("x")).unwrap(), vec![Unload(2), Show(1)]);
        r.navigate_to(None, &url("/pages/a/a")).unwrap();
        r.navigate_to(None, &url("/pages/a/a")).unwrap();
        assert_eq!(r.navigate_back(&json!(99)).unwrap(), vec![Unload(7), Unload(6), Show(1)]);
    }

    #[test]
    fn switch_tab_keeps_tabs_alive_and_closes_other_pages() {
        let mut r = router();
        r.navigate_to(None, &url("/pages/a/a")).unwrap();
        // From a non-tab page: it unloads; home was already hidden under it.
        assert_eq!(
            r.switch_tab(None, &url("/pages/tab2/tab2")).unwrap(),
            vec![Unload(2), created(3, "pages/tab2/tab2", json!({}))]
        );
        // Back to home: tab2 hides, home shows again without a new onLoad.
        assert_eq!(r.switch_tab(None, &url("/pages/home/home")).unwrap(), vec![Hide(3), Show(1)]);
        assert_eq!(r.switch_tab(None, &url("/pages/tab2/tab2")).unwrap(), vec![Hide(1), Show(3)]);
        assert_eq!(r.switch_tab(None, &url("/pages/tab2/tab2")).unwrap(), vec![]);
        assert_eq!(routes(&r), vec![(3, "pages/tab2/tab2")]);
        assert_eq!(r.live().count(), 2);
        assert_eq!(r.switch_tab(None, &url("/pages/a/a")).unwrap_err().to_string(), "can not switch to no-tabBar page");
        assert_eq!(
            r.switch_tab(None, &url("/pages/home/home?x=1")).unwrap_err().to_string(),
            "url cannot have a query: \"/pages/home/home?x=1\""
        );
    }

    #[test]
    fn re_launch_unloads_everything_then_opens_any_page() {
        let mut r = router();
        r.switch_tab(None, &url("/pages/tab2/tab2")).unwrap();
        r.navigate_to(None, &url("/pages/a/a")).unwrap();
        assert_eq!(
            r.re_launch(None, &url("/pages/detail/detail?from=relaunch")).unwrap(),
            vec![Unload(3), Unload(2), Unload(1), created(4, "pages/detail/detail", json!({"from": "relaunch"}))]
        );
        assert_eq!(r.live().count(), 1);
    }

    #[test]
    fn resolves_relative_and_absolute_paths() {
        assert_eq!(resolve(Some("pages/a/a"), "../b/b"), "pages/b/b");
        assert_eq!(resolve(Some("pages/a/a"), "c"), "pages/a/c");
        assert_eq!(resolve(Some("pages/a/a"), "/pages/x/x.html"), "pages/x/x");
        assert_eq!(resolve(None, "pages/x/x"), "pages/x/x");
    }
}
