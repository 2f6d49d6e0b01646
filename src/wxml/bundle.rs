//! What the two layers of a WXML mini program load, built once when it opens: the
//! templates compiled by `wcc`, each page's styles compiled by `wcsc`, the package's JS
//! wrapped as modules for the logic context, and the documents of both layers. Served
//! under `superapp://app/__superapp/wxml/` (and a WXML page's own `pages/x/x.html`).

use std::borrow::Cow;

use super::compiler::{CompileError, Compilers};
use super::sources;
use crate::core::package::Package;

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

/// The built-in components' default look (WeChat's: block views, inline text).
const COMPONENT_CSS: &str = "wx-view,wx-page,wx-scroll-view,wx-swiper,wx-form{display:block}\
wx-text,wx-navigator{display:inline}wx-block{display:contents}\
wx-button{display:block;margin:8px auto;padding:0 14px;line-height:2.55;text-align:center;border-radius:5px;\
background:#f8f8f8;border:1px solid rgba(0,0,0,.2);cursor:pointer}\
wx-image{display:inline-block;width:320px;height:240px;overflow:hidden}[hidden]{display:none!important}";

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
    routes: Vec<String>,
}

impl Bundle {
    /// Compiles a WXML package with WeChat's compilers (a package embedded in the binary
    /// is first written to a temporary folder, which the compilers need).
    pub fn build(package: &Package, compilers: &Compilers) -> Result<Bundle, CompileError> {
        let mut files = package.files();
        // Each script is read once: the plan looks at it, and a plain one is its module.
        let scripts: std::collections::HashMap<String, String> = files
            .iter()
            .filter(|f| f.ends_with(".js"))
            .filter_map(|f| package.read(f).ok().map(|bytes| (f.clone(), String::from_utf8_lossy(&bytes).into_owned())))
            .collect();
        let plan = sources::plan(&files, |file| scripts.get(file).cloned());
        // The compilers need files on disk, and LESS compiles to WXSS beside its source:
        // then they work on a temporary copy.
        let extracted = match package.dir() {
            Some(_) if plan.less.is_empty() => None,
            _ => Some(Extracted::write(package, &files)?),
        };
        let dir = extracted.as_ref().map(|e| e.0.as_path()).or(package.dir()).expect("a folder");
        for less in &plan.less {
            let css = compilers.transpiler()?.less(dir, less)?;
            let wxss = format!("{}.wxss", less.strip_suffix(".less").expect("a .less file"));
            std::fs::write(dir.join(&wxss), css)
                .map_err(|source| CompileError::Run { tool: "a temporary copy of the package", source })?;
            files.push(wxss);
        }
        files.sort();
        let with = |ext: &str| files.iter().filter(|f| f.ends_with(ext)).cloned().collect::<Vec<_>>();
        let gwx = compilers.wxml_to_js(dir, &with(".wxml"), &with(".wxs"))?;
        let wxss_files = with(".wxss");
        let compiled =
            if wxss_files.is_empty() { Default::default() } else { compilers.wxss_to_js(dir, &wxss_files)? };
        let routes: Vec<String> = package.pages().to_vec();
        // One file for every page's styles (a preloaded render webview learns its route
        // only later): each route's styles are a function its page runs.
        let mut styles = String::from(RPX_JS);
        if let Some(comm) = compiled.get("comm") {
            styles.push_str(comm);
            styles.push_str(";\n");
        }
        styles.push_str("window.__wxmlStyles = {};\n");
        for route in &routes {
            styles.push_str(&format!(
                "__wxmlStyles[{}] = function () {{\n",
                serde_json::to_string(route).expect("a route serialises")
            ));
            for file in ["app.wxss".to_string(), format!("{route}.wxss")] {
                if let Some(insert) = compiled.get(&file) {
                    styles.push('(');
                    styles.push_str(insert);
                    styles.push_str(")();\n");
                }
            }
            styles.push_str("};\n");
        }
        let mut modules = std::collections::BTreeMap::new();
        for file in &plan.plain {
            let text =
                scripts.get(file).ok_or_else(|| CompileError::Source { message: format!("cannot read {file:?}") })?;
            modules.insert(file.clone(), module_script(file, text));
        }
        let compiled = if plan.compiled.is_empty() {
            Default::default()
        } else {
            compilers.transpiler()?.scripts(dir, &plan.compiled)?
        };
        for (file, code) in compiled {
            let name = sources::module_name(&file);
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
        Ok(Bundle { gwx, styles, modules, routes })
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
        // (with the scheme, or already shortened to `__superapp/wxml/modules/...`)
        text.replace(&format!("superapp://app{MODULES}"), "").replace(&MODULES[1..], "")
    }

    /// The document of the logic context: the runtime, then each module's script (in the
    /// order of the package's files), then the start (app.js).
    pub fn logic_document(&self) -> String {
        let mut modules = String::new();
        for file in self.modules.keys() {
            let src = format!("{MODULES}{file}");
            modules.push_str(&format!("<script src=\"{}\"></script>", html_attribute(&src)));
        }
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\
<script src=\"{PREFIX}page_context.js\"></script><script src=\"{PREFIX}data_path.js\"></script>\
<script src=\"{PREFIX}component.js\"></script><script src=\"{PREFIX}logic.js\"></script>\
<script src=\"{PREFIX}logic_main.js\"></script>\
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
                "render.js" => fixed(RENDER_JS),
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

/// A temporary copy of an embedded package, removed when dropped.
struct Extracted(std::path::PathBuf);

impl Extracted {
    fn write(package: &Package, files: &[String]) -> Result<Extracted, CompileError> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("superapp-wxml-{}-{n}", std::process::id()));
        let io = |err: std::io::Error| CompileError::Run { tool: "a temporary copy of the package", source: err };
        let extracted = Extracted(dir);
        for file in files {
            let bytes = package.read(file).map_err(|err| CompileError::Source { message: err.to_string() })?;
            let path = extracted.0.join(file);
            std::fs::create_dir_all(path.parent().expect("a parent")).map_err(io)?;
            std::fs::write(&path, bytes).map_err(io)?;
        }
        Ok(extracted)
    }
}

impl Drop for Extracted {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
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
<script src=\"{PREFIX}render.js\"></script><script src=\"{PREFIX}render_main.js\"></script></body></html>"
    )
}

/// The last script of the logic context: names the modules the package has (so that one
/// whose script did not load says so), then runs app.js.
fn start_script(modules: &std::collections::BTreeMap<String, String>) -> String {
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
        Bundle {
            gwx: "$gwx=1".into(),
            styles: "css()".into(),
            modules: modules.iter().map(|(file, text)| (file.to_string(), module_script(file, text))).collect(),
            routes: vec!["pages/a/a".into()],
        }
    }

    #[test]
    fn documents_load_their_layer_in_order() {
        let render = render_document();
        let order = ["styles.js", "gwx.js", "data_path.js", "render.js", "render_main.js"];
        let positions: Vec<usize> = order.iter().map(|f| render.find(f).expect(f)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{render}");
        let logic = bundle(&[("app.js", "App({})"), ("pages/a/a.js", "Page({})")]).logic_document();
        let order = [
            "page_context.js",
            "data_path.js",
            "component.js",
            "logic.js",
            "logic_main.js",
            "modules/app.js",
            "modules/pages/a/a.js",
            "start.js",
        ];
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
        let (start, _) = bundle.serve("/__superapp/wxml/start.js").unwrap();
        assert_eq!(
            String::from_utf8(start.into_owned()).unwrap(),
            "__wxmlLogic.expect([\"app.js\",\"pages/a/a.js\"]);\n__wxmlLogic.require('app.js');\n"
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
