//! What the two layers of a WXML mini program load, built once when it opens: the
//! templates compiled by `wcc`, each page's styles compiled by `wcsc`, the package's JS
//! wrapped as modules for the logic context, and the documents of both layers. Served
//! under `superapp://app/__superapp/wxml/` (and a WXML page's own `pages/x/x.html`).

use std::borrow::Cow;

use super::cache::CompileCache;
use super::compile::compile;
use super::compiler::{CompileError, Compilers};
use crate::core::components::ComponentTable;
use crate::core::package::Package;

/// Where `useExtendedLib: {weui: true}` shows WeUI's components (as WeChat resolves
/// `weui-miniprogram/cell/cell`).
pub const WEUI_ROOT: &str = "miniprogram_npm/weui-miniprogram";

/// The folder the bundle is served from.
pub const PREFIX: &str = "/__superapp/wxml/";

/// The route of the logic context's document (`superapp://app/<route>.html`).
pub const LOGIC_ROUTE: &str = "__superapp/wxml/logic";

const RENDER_JS: &str = include_str!("../../assets/wxml/render.js");
const RENDER_MAIN_JS: &str = include_str!("../../assets/wxml/render_main.js");
const LOGIC_JS: &str = include_str!("../../assets/wxml/logic.js");
const LOGIC_MAIN_JS: &str = include_str!("../../assets/wxml/logic_main.js");
const DATA_PATH_JS: &str = include_str!("../../assets/wxml/data_path.js");
const PAGE_CONTEXT_JS: &str = include_str!("../../assets/wxml/page_context.js");
const COMPONENT_JS: &str = include_str!("../../assets/wxml/component.js");

/// The built-in components' default look (WeChat's, with WeUI as the reference).
const COMPONENT_CSS: &str = include_str!("../../assets/wxml/components.css");
const CONTROLS_JS: &str = include_str!("../../assets/wxml/controls.js");

/// 750rpx is the width of the window: WeChat's compiled styles call this for each rpx value.
const RPX_JS: &str = "window.__transformRpx__=function(n,w){if(n===0)return 0;\
var v=Math.floor(n/750*(w||document.documentElement.clientWidth||window.innerWidth)+1e-4);return v===0?1:v;};\n";

/// Where the package's JS files are served, each as its own script (a module), so that a
/// syntax error in one stops that module alone and names its own file and line.
pub const MODULES: &str = "/__superapp/wxml/modules/";

/// A module's script: the file's text, wrapped on its first line so its lines stay the
/// file's lines.
fn module_script(file: &str, text: &str) -> String {
    format!(
        "__wxmlLogic.define({}, function (require, module, exports) {{{text}\n}});\n",
        serde_json::to_string(file).expect("a path serialises")
    )
}

/// Everything a WXML mini program's layers load.
#[derive(Debug)]
pub struct Bundle {
    gwx: String,
    styles: String,
    /// Each package JS file's module script, by file.
    modules: std::collections::BTreeMap<String, String>,
    /// Every module's script in one (`modules.js`: one request instead of one per file),
    /// and the line of `modules.js` each module starts on.
    joined: String,
    starts: Vec<(u32, String)>,
    routes: Vec<String>,
    /// `components.js`: the custom components' table, for both layers.
    components: String,
}

/// The package's custom components; an entry that cannot be used is said once, in the
/// terminal, and left out (its tag then renders as a plain element).
fn component_table(package: &Package) -> ComponentTable {
    let files: std::collections::HashSet<String> = package.files().into_iter().collect();
    let json = |file: &str| -> Option<serde_json::Value> {
        serde_json::from_slice(&package.read(&format!("{file}.json")).ok()?).ok()
    };
    let app_using = json("app").and_then(|app| app.get("usingComponents").cloned());
    let tab_pages: Option<Vec<String>> = package
        .config()
        .tab_bar
        .as_ref()
        .filter(|bar| bar.custom)
        .map(|bar| bar.list.iter().map(|item| item.page_path.clone()).collect());
    let (table, errors) =
        ComponentTable::build(package.pages(), app_using.as_ref(), tab_pages.as_deref(), json, |f| files.contains(f));
    for error in errors {
        tracing::error!(target: crate::core::console::PAGE_TARGET, "{error}");
    }
    table
}

/// Where the modules are served in one script.
pub const JOINED: &str = "/__superapp/wxml/modules.js";

/// The modules' scripts in one, ending by setting `__wxmlModulesLoaded` (it is not set
/// when the script did not parse), and the line each module starts on.
fn join(modules: &std::collections::BTreeMap<String, String>) -> (String, Vec<(u32, String)>) {
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(modules.len());
    let mut line = 1u32;
    for (file, script) in modules {
        starts.push((line, file.clone()));
        joined.push_str(script);
        line += script.matches('\n').count() as u32;
    }
    joined.push_str("window.__wxmlModulesLoaded = true;\n");
    (joined, starts)
}

impl Bundle {
    /// Compiles a WXML package with WeChat's compilers (and esbuild and less); with a
    /// compile cache, only what changed since the package was last compiled.
    pub fn build(
        package: &Package,
        compilers: &Compilers,
        cache: Option<&CompileCache>,
    ) -> Result<Bundle, CompileError> {
        let started = std::time::Instant::now();
        let compiled = compile(package, compilers, cache)?;
        tracing::info!(
            made = compiled.made,
            cached = compiled.cached,
            ms = started.elapsed().as_millis() as u64,
            "compiled the mini program"
        );
        let routes: Vec<String> = package.pages().to_vec();
        // One file for every page's styles (a preloaded render webview learns its route
        // only later): each route's styles are a function its page runs.
        let mut styles = String::from(RPX_JS);
        if let Some(comm) = compiled.wxss.get("comm") {
            styles.push_str(comm);
            styles.push_str(";\n");
        }
        // Each file's styles once, as a function; each route's (and component's) call
        // them by name: a file used by many pages (app.wxss, WeUI's) is not repeated.
        let weui = package.config().extended_libs.contains(&crate::core::app_config::ExtendedLib::Weui);
        let weui_style = format!("{WEUI_ROOT}/weui-wxss/dist/style/weui.wxss");
        let table = component_table(package);
        let mut used: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut calls = |files: Vec<String>| -> String {
            let mut out = String::new();
            for file in files.into_iter().filter(|file| compiled.wxss.contains_key(file)) {
                out.push_str(&format!(
                    "__wxmlStyleFiles[{}](suffix);\n",
                    serde_json::to_string(&file).expect("a path serialises")
                ));
                used.insert(file);
            }
            out
        };
        let mut routes_js = String::from("window.__wxmlStyles = {};\n");
        for route in &routes {
            // With WeUI's library, its styles come first, as if app.wxss imported them.
            let files =
                weui.then(|| weui_style.clone()).into_iter().chain(["app.wxss".to_string(), format!("{route}.wxss")]);
            routes_js.push_str(&format!(
                "__wxmlStyles[{}] = function () {{\nvar suffix = '';\n{}}};\n",
                serde_json::to_string(route).expect("a route serialises"),
                calls(files.collect())
            ));
        }
        // Custom components: the tags each page and component uses, and each component's
        // styles (inserted where it is first used, once per class prefix: `suffix` is
        // the prefix wcsc's output puts before each class name; '' for page-wide).
        routes_js.push_str("window.__wxmlComponentStyles = {};\n");
        for path in &table.components {
            let call = calls(vec![format!("{path}.wxss")]);
            if !call.is_empty() {
                routes_js.push_str(&format!(
                    "__wxmlComponentStyles[{}] = function (suffix) {{\n{call}}};\n",
                    serde_json::to_string(path).expect("a path serialises")
                ));
            }
        }
        styles.push_str("window.__wxmlStyleFiles = {};\n");
        for file in &used {
            styles.push_str(&format!(
                "__wxmlStyleFiles[{}] = function (suffix) {{\n({})(suffix);\n}};\n",
                serde_json::to_string(file).expect("a path serialises"),
                compiled.wxss[file]
            ));
        }
        styles.push_str(&routes_js);
        let components =
            format!("window.__wxmlComponents = {};\n", serde_json::to_string(&table).expect("the table serialises"));
        let mut modules = std::collections::BTreeMap::new();
        for (name, code) in compiled.scripts {
            let script = match code {
                Ok(code) => module_script(&name, &code),
                // Only the modules that need it fail, each naming the error.
                Err(message) => {
                    tracing::error!(target: crate::core::console::PAGE_TARGET, "{message}");
                    let thrown = serde_json::to_string(&message).expect("a string serialises");
                    module_script(&name, &format!("throw new SyntaxError({thrown});"))
                }
            };
            modules.insert(name, script);
        }
        let mut bundle = Bundle::assemble(compiled.gwx, styles, modules, routes);
        bundle.components = components;
        Ok(bundle)
    }

    fn assemble(
        gwx: String,
        styles: String,
        modules: std::collections::BTreeMap<String, String>,
        routes: Vec<String>,
    ) -> Bundle {
        let (joined, starts) = join(&modules);
        let components = "window.__wxmlComponents = {\"using\": {}};\n".to_string();
        Bundle { gwx, styles, modules, joined, starts, routes, components }
    }

    /// Where a logic-context location is in the package: `(file, line)` for a module's own
    /// address, or for a line of `modules.js`.
    pub fn locate(&self, source: &str, line: u32) -> Option<(String, u32)> {
        if source.ends_with(JOINED) || source == &JOINED[1..] {
            let at = self.starts.partition_point(|(start, _)| *start <= line).checked_sub(1)?;
            let (start, file) = &self.starts[at];
            return Some((file.clone(), line - start + 1));
        }
        self.module_file(source).map(|file| (file, line))
    }

    /// The package file a script address names (`superapp://app/__superapp/wxml/modules/
    /// pages/a/a.js` is `pages/a/a.js`), if it is a module of this bundle.
    pub fn module_file(&self, source: &str) -> Option<String> {
        let file = source.split_once(MODULES).map(|(_, file)| file)?;
        self.modules.contains_key(file).then(|| file.to_string())
    }

    /// Rewrites every module address in `text` (a stack, a message) to its package file:
    /// `onLoad@superapp://app/__superapp/wxml/modules/pages/a/a.js:3:7` becomes
    /// `onLoad@pages/a/a.js:3:7`.
    pub fn rewrite_locations(&self, text: &str) -> String {
        // `modules.js:L:C` (with the scheme or without) is the module at that line.
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let short = &JOINED[1..];
        while let Some(at) = rest.find(short) {
            let before = &rest[..at];
            let prefix = before.strip_suffix("superapp://app/").unwrap_or(before);
            let after = &rest[at + short.len()..];
            let digits = |text: &str| -> Option<(u32, usize)> {
                let text = text.strip_prefix(':')?;
                let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
                Some((text[..end].parse().ok()?, end + 1))
            };
            match digits(after).and_then(|(line, used)| Some((self.locate(short, line)?, used))) {
                Some(((file, line), used)) => {
                    out.push_str(prefix);
                    out.push_str(&format!("{file}:{line}"));
                    rest = &after[used..];
                }
                None => {
                    out.push_str(&rest[..at + short.len()]);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        // (with the scheme, or already shortened to `__superapp/wxml/modules/...`)
        out.replace(&format!("superapp://app{MODULES}"), "").replace(&MODULES[1..], "")
    }

    /// The document of the logic context: the runtime, then the modules (in one script),
    /// then the start (app.js).
    pub fn logic_document(&self) -> String {
        let modules = format!("<script src=\"{JOINED}\"></script>");
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\
<script src=\"{PREFIX}page_context.js\"></script><script src=\"{PREFIX}data_path.js\"></script>\
<script src=\"{PREFIX}component.js\"></script><script src=\"{PREFIX}logic.js\"></script>\
<script src=\"{PREFIX}components.js\"></script><script src=\"{PREFIX}logic_main.js\"></script>\
{modules}<script src=\"{PREFIX}start.js\"></script></body></html>"
        )
    }

    /// The file served at `path` (`/__superapp/wxml/gwx.js`, `/pages/x/x.html`...), with
    /// its MIME type, if the bundle has it.
    pub fn serve(&self, path: &str) -> Option<(Cow<'static, [u8]>, &'static str)> {
        const JS: &str = "text/javascript; charset=utf-8";
        const HTML: &str = "text/html; charset=utf-8";
        let owned = |text: &str| Cow::Owned(text.as_bytes().to_vec());
        if let Some(file) = path.strip_prefix(MODULES) {
            return self.modules.get(file).map(|script| (owned(script), JS));
        }
        if let Some(name) = path.strip_prefix(PREFIX) {
            let fixed = |text: &'static str| Some((Cow::Borrowed(text.as_bytes()), JS));
            return match name {
                "gwx.js" => Some((owned(&self.gwx), JS)),
                "start.js" => Some((owned(&start_script(&self.modules)), JS)),
                "begin.js" => Some((owned(&begin_script(&self.modules)), JS)),
                "modules.js" => Some((owned(&self.joined), JS)),
                "components.js" => Some((owned(&self.components), JS)),
                "render.js" => fixed(RENDER_JS),
                "controls.js" => fixed(CONTROLS_JS),
                "render_main.js" => fixed(RENDER_MAIN_JS),
                "logic.js" => fixed(LOGIC_JS),
                "logic_main.js" => fixed(LOGIC_MAIN_JS),
                "data_path.js" => fixed(DATA_PATH_JS),
                "page_context.js" => fixed(PAGE_CONTEXT_JS),
                "component.js" => fixed(COMPONENT_JS),
                "styles.js" => Some((owned(&self.styles), JS)),
                "logic.html" => Some((owned(&self.logic_document()), HTML)),
                "spare.html" => Some((owned(&render_document()), HTML)),
                _ => None,
            };
        }
        let route = path.strip_prefix('/')?.strip_suffix(".html")?;
        self.routes.iter().any(|r| r == route).then(|| (owned(&render_document()), HTML))
    }
}

/// The route of a preloaded render webview's document: it shows no page until the shell
/// attaches one (`superapp://app/<route>.html`).
pub const SPARE_ROUTE: &str = "__superapp/wxml/spare";

/// The document of a render webview: the same for every page (the page's route comes in
/// its config, or later in an `attach` message).
pub fn render_document() -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{COMPONENT_CSS}</style>\
<script src=\"{PREFIX}styles.js\"></script></head><body><div id=\"wx-root\"></div>\
<script src=\"{PREFIX}gwx.js\"></script><script src=\"{PREFIX}data_path.js\"></script>\
<script src=\"{PREFIX}components.js\"></script><script src=\"{PREFIX}controls.js\"></script>\
<script src=\"{PREFIX}render.js\"></script><script src=\"{PREFIX}render_main.js\"></script></body></html>"
    )
}

/// The last script of the logic context. When `modules.js` did not parse (a syntax error
/// in one file), each module loads as its own script instead, so that the error names its
/// own file and line and stops only the pages that need it; then the start.
fn start_script(modules: &std::collections::BTreeMap<String, String>) -> String {
    let mut tags = String::new();
    for file in modules.keys() {
        tags.push_str(&format!("<script src=\"{}\"></script>", html_attribute(&format!("{MODULES}{file}"))));
    }
    tags.push_str(&format!("<script src=\"{PREFIX}begin.js\"></script>"));
    format!(
        "if (window.__wxmlModulesLoaded) {{\n{}}} else {{\n  document.write({});\n}}\n",
        begin_script(modules),
        serde_json::to_string(&tags).expect("a string serialises").replace("</", "<\\/")
    )
}

/// Names the modules the package has (so that one whose script did not load says so),
/// then runs app.js.
fn begin_script(modules: &std::collections::BTreeMap<String, String>) -> String {
    let files: Vec<&String> = modules.keys().collect();
    let mut script = format!("__wxmlLogic.expect({});\n", serde_json::to_string(&files).expect("paths serialise"));
    if modules.contains_key("app.js") {
        script.push_str("__wxmlLogic.require('app.js');\n");
    }
    script
}

/// `text` as an HTML attribute value (between double quotes).
fn html_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(modules: &[(&str, &str)]) -> Bundle {
        Bundle::assemble(
            "$gwx=1".into(),
            "css()".into(),
            modules.iter().map(|(file, text)| (file.to_string(), module_script(file, text))).collect(),
            vec!["pages/a/a".into()],
        )
    }

    #[test]
    fn documents_load_their_layer_in_order() {
        let render = render_document();
        let order =
            ["styles.js", "gwx.js", "data_path.js", "components.js", "controls.js", "render.js", "render_main.js"];
        let positions: Vec<usize> = order.iter().map(|f| render.find(f).expect(f)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{render}");
        let logic = bundle(&[("app.js", "App({})"), ("pages/a/a.js", "Page({})")]).logic_document();
        let order =
            ["page_context.js", "data_path.js", "component.js", "logic.js", "logic_main.js", "modules.js", "start.js"];
        let positions: Vec<usize> = order.iter().map(|f| logic.find(f).expect(f)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{logic}");
    }

    #[test]
    fn a_module_keeps_its_files_lines_and_its_address_maps_back() {
        let bundle = bundle(&[("app.js", "App({})"), ("pages/a/a.js", "Page({\n  onLoad() {}\n})")]);
        let (script, _) = bundle.serve("/__superapp/wxml/modules/pages/a/a.js").unwrap();
        let script = String::from_utf8(script.into_owned()).unwrap();
        assert_eq!(script.lines().nth(1), Some("  onLoad() {}"), "line 2 of the file is line 2 of its script");
        assert!(script.starts_with(r#"__wxmlLogic.define("pages/a/a.js", function (require, module, exports) {Page({"#));
        assert_eq!(
            bundle.module_file("superapp://app/__superapp/wxml/modules/pages/a/a.js"),
            Some("pages/a/a.js".to_string())
        );
        assert_eq!(bundle.module_file("superapp://app/__superapp/wxml/modules/nope.js"), None);
        assert_eq!(
            bundle.rewrite_locations("onLoad@superapp://app/__superapp/wxml/modules/pages/a/a.js:3:7\n@logic.js:1"),
            "onLoad@pages/a/a.js:3:7\n@logic.js:1"
        );
        assert_eq!(bundle.rewrite_locations("(at __superapp/wxml/modules/pages/a/a.js:3:7)"), "(at pages/a/a.js:3:7)");
        let (begin, _) = bundle.serve("/__superapp/wxml/begin.js").unwrap();
        let begin = String::from_utf8(begin.into_owned()).unwrap();
        assert_eq!(begin, "__wxmlLogic.expect([\"app.js\",\"pages/a/a.js\"]);\n__wxmlLogic.require('app.js');\n");
        let (start, _) = bundle.serve("/__superapp/wxml/start.js").unwrap();
        assert_eq!(
            String::from_utf8(start.into_owned()).unwrap(),
            format!(
                "if (window.__wxmlModulesLoaded) {{\n{begin}}} else {{\n  document.write({});\n}}\n",
                r#""<script src=\"/__superapp/wxml/modules/app.js\"><\/script><script src=\"/__superapp/wxml/modules/pages/a/a.js\"><\/script><script src=\"/__superapp/wxml/begin.js\"><\/script>""#
            )
        );
    }

    #[test]
    fn the_joined_modules_map_back_to_each_file_and_line() {
        let bundle =
            bundle(&[("app.js", "App({})\n// two"), ("pages/a/a.js", "Page({\n  onLoad() {}\n})"), ("z.js", "x")]);
        let (joined, _) = bundle.serve("/__superapp/wxml/modules.js").unwrap();
        let joined = String::from_utf8(joined.into_owned()).unwrap();
        let lines: Vec<&str> = joined.lines().collect();
        // app.js: lines 1-3 (its 2 lines and the closing one); pages/a/a.js from line 4.
        assert_eq!(lines[4], "  onLoad() {}");
        assert_eq!(bundle.locate("superapp://app/__superapp/wxml/modules.js", 5), Some(("pages/a/a.js".into(), 2)));
        assert_eq!(bundle.locate("__superapp/wxml/modules.js", 2), Some(("app.js".into(), 2)));
        assert_eq!(bundle.locate("superapp://app/__superapp/wxml/modules.js", 8), Some(("z.js".into(), 1)));
        assert_eq!(bundle.locate("superapp://app/__superapp/wxml/modules/z.js", 1), Some(("z.js".into(), 1)));
        assert_eq!(bundle.locate("superapp://app/__superapp/wxml/logic.js", 1), None);
        assert_eq!(lines.last(), Some(&"window.__wxmlModulesLoaded = true;"));
        assert_eq!(
            bundle.rewrite_locations(
                "onLoad@superapp://app/__superapp/wxml/modules.js:5:3\nrun@__superapp/wxml/modules.js:1:40\n@x.js:modules.js"
            ),
            "onLoad@pages/a/a.js:2:3\nrun@app.js:1:40\n@x.js:modules.js"
        );
    }

    #[test]
    fn serves_its_files_and_page_documents_only() {
        let bundle = bundle(&[("app.js", "App({})")]);
        assert_eq!(bundle.serve("/__superapp/wxml/gwx.js").unwrap().0.as_ref(), b"$gwx=1");
        assert_eq!(bundle.serve("/__superapp/wxml/styles.js").unwrap().0.as_ref(), b"css()");
        assert!(bundle.serve("/__superapp/wxml/spare.html").unwrap().1.starts_with("text/html"));
        assert!(bundle.serve("/pages/a/a.html").unwrap().1.starts_with("text/html"));
        assert!(bundle.serve("/__superapp/wxml/logic.html").is_some());
        for missing in [
            "/pages/b/b.html",
            "/__superapp/wxml/nope.js",
            "/__superapp/wxml/style/pages/a/a.js",
            "/app.js",
            "/__superapp/wxml/modules/nope.js",
        ] {
            assert!(bundle.serve(missing).is_none(), "{missing}");
        }
    }
}
