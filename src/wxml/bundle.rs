//! What the two layers of a WXML mini program load, built once when it opens: the
//! templates compiled by `wcc`, each page's styles compiled by `wcsc`, the package's JS
//! wrapped as modules for the logic context, and the documents of both layers. Served
//! under `superapp://app/__superapp/wxml/` (and a WXML page's own `pages/x/x.html`).

use std::borrow::Cow;

use super::compiler::{CompileError, Compilers};
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

/// The built-in components' default look (WeChat's: block views, inline text).
const COMPONENT_CSS: &str = "wx-view,wx-page,wx-scroll-view,wx-swiper,wx-form{display:block}\
wx-text,wx-navigator{display:inline}wx-block{display:contents}\
wx-button{display:block;margin:8px auto;padding:0 14px;line-height:2.55;text-align:center;border-radius:5px;\
background:#f8f8f8;border:1px solid rgba(0,0,0,.2);cursor:pointer}\
wx-image{display:inline-block;width:320px;height:240px;overflow:hidden}[hidden]{display:none!important}";

/// 750rpx is the width of the window: WeChat's compiled styles call this for each rpx value.
const RPX_JS: &str = "window.__transformRpx__=function(n,w){if(n===0)return 0;\
var v=Math.floor(n/750*(w||document.documentElement.clientWidth||window.innerWidth)+1e-4);return v===0?1:v;};\n";

/// The address of the logic context's script, where its errors say they are.
pub const APP_SERVICE: &str = "__superapp/wxml/app_service.js";

/// Everything a WXML mini program's layers load.
#[derive(Debug)]
pub struct Bundle {
    gwx: String,
    styles: String,
    app_service: String,
    routes: Vec<String>,
    /// Where each package JS file starts in app_service.js: (its first line, the file).
    lines: Vec<(u32, String)>,
}

impl Bundle {
    /// Compiles a WXML package with WeChat's compilers (a package embedded in the binary
    /// is first written to a temporary folder, which the compilers need).
    pub fn build(package: &Package, compilers: &Compilers) -> Result<Bundle, CompileError> {
        let files = package.files();
        let extracted = match package.dir() {
            Some(_) => None,
            None => Some(Extracted::write(package, &files)?),
        };
        let dir = package.dir().or(extracted.as_ref().map(|e| e.0.as_path())).expect("a folder");
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
        let mut app_service = String::new();
        let mut lines = Vec::new();
        let mut line = 1u32;
        for file in with(".js") {
            let bytes = package.read(&file).map_err(|err| CompileError::Source { message: err.to_string() })?;
            app_service.push_str(&format!(
                "__wxmlLogic.define({}, function (require, module, exports) {{\n",
                serde_json::to_string(&file).expect("a path serialises")
            ));
            line += 1;
            lines.push((line, file.clone()));
            let text = String::from_utf8_lossy(&bytes);
            line += text.matches('\n').count() as u32 + 2;
            app_service.push_str(&text);
            app_service.push_str("\n});\n");
        }
        if files.iter().any(|f| f == "app.js") {
            app_service.push_str("__wxmlLogic.require('app.js');\n");
        }
        Ok(Bundle { gwx, styles, app_service, routes, lines })
    }

    /// The package file and line of a line of app_service.js.
    pub fn locate(&self, line: u32) -> Option<(String, u32)> {
        let i = self.lines.partition_point(|(first, _)| *first <= line).checked_sub(1)?;
        let (first, file) = &self.lines[i];
        Some((file.clone(), line - first + 1))
    }

    /// Rewrites every `app_service.js:line` in `text` (a stack, a message) to the package
    /// file and line it came from.
    pub fn rewrite_locations(&self, text: &str) -> String {
        let needle = "app_service.js:";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(needle) {
            let (before, after) = rest.split_at(at);
            let digits = after[needle.len()..].bytes().take_while(u8::is_ascii_digit).count();
            let line = after[needle.len()..needle.len() + digits].parse::<u32>().ok();
            // `superapp://app/__superapp/wxml/app_service.js` becomes the file's path.
            let before = before.strip_suffix("superapp://app/__superapp/wxml/").unwrap_or(before);
            out.push_str(before);
            match line.and_then(|line| self.locate(line)) {
                Some((file, line)) => out.push_str(&format!("{file}:{line}")),
                None => out.push_str(&after[..needle.len() + digits]),
            }
            rest = &after[needle.len() + digits..];
        }
        out.push_str(rest);
        out
    }

    /// The file served at `path` (`/__superapp/wxml/gwx.js`, `/pages/x/x.html`...), with
    /// its MIME type, if the bundle has it.
    pub fn serve(&self, path: &str) -> Option<(Cow<'static, [u8]>, &'static str)> {
        const JS: &str = "text/javascript; charset=utf-8";
        const HTML: &str = "text/html; charset=utf-8";
        let owned = |text: &str| Cow::Owned(text.as_bytes().to_vec());
        if let Some(name) = path.strip_prefix(PREFIX) {
            let fixed = |text: &'static str| Some((Cow::Borrowed(text.as_bytes()), JS));
            return match name {
                "gwx.js" => Some((owned(&self.gwx), JS)),
                "app_service.js" => Some((owned(&self.app_service), JS)),
                "render.js" => fixed(RENDER_JS),
                "render_main.js" => fixed(RENDER_MAIN_JS),
                "logic.js" => fixed(LOGIC_JS),
                "logic_main.js" => fixed(LOGIC_MAIN_JS),
                "data_path.js" => fixed(DATA_PATH_JS),
                "page_context.js" => fixed(PAGE_CONTEXT_JS),
                "styles.js" => Some((owned(&self.styles), JS)),
                "logic.html" => Some((owned(&logic_document()), HTML)),
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

/// The document of the logic context.
pub fn logic_document() -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\
<script src=\"{PREFIX}page_context.js\"></script><script src=\"{PREFIX}data_path.js\"></script>\
<script src=\"{PREFIX}logic.js\"></script>\
<script src=\"{PREFIX}logic_main.js\"></script><script src=\"{PREFIX}app_service.js\"></script></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_load_their_layer_in_order() {
        let render = render_document();
        let order = ["styles.js", "gwx.js", "data_path.js", "render.js", "render_main.js"];
        let positions: Vec<usize> = order.iter().map(|f| render.find(f).expect(f)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{render}");
        let logic = logic_document();
        let order = ["page_context.js", "data_path.js", "logic.js", "logic_main.js", "app_service.js"];
        let positions: Vec<usize> = order.iter().map(|f| logic.find(f).expect(f)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{logic}");
    }

    #[test]
    fn app_service_lines_map_back_to_their_files() {
        let bundle = Bundle {
            gwx: String::new(),
            styles: String::new(),
            app_service: String::new(),
            routes: Vec::new(),
            lines: vec![(2, "app.js".into()), (10, "pages/a/a.js".into())],
        };
        assert_eq!(bundle.locate(1), None);
        assert_eq!(bundle.locate(2), Some(("app.js".into(), 1)));
        assert_eq!(bundle.locate(12), Some(("pages/a/a.js".into(), 3)));
        assert_eq!(
            bundle.rewrite_locations("onLoad@superapp://app/__superapp/wxml/app_service.js:12:7\n@app_service.js:x"),
            "onLoad@pages/a/a.js:3:7\n@app_service.js:x"
        );
    }

    #[test]
    fn serves_its_files_and_page_documents_only() {
        let bundle = Bundle {
            gwx: "$gwx=1".into(),
            styles: "css()".into(),
            app_service: "define()".into(),
            routes: vec!["pages/a/a".into()],
            lines: Vec::new(),
        };
        assert_eq!(bundle.serve("/__superapp/wxml/gwx.js").unwrap().0.as_ref(), b"$gwx=1");
        assert_eq!(bundle.serve("/__superapp/wxml/styles.js").unwrap().0.as_ref(), b"css()");
        assert!(bundle.serve("/__superapp/wxml/spare.html").unwrap().1.starts_with("text/html"));
        assert!(bundle.serve("/pages/a/a.html").unwrap().1.starts_with("text/html"));
        assert!(bundle.serve("/__superapp/wxml/logic.html").is_some());
        for missing in ["/pages/b/b.html", "/__superapp/wxml/nope.js", "/__superapp/wxml/style/pages/a/a.js", "/app.js"]
        {
            assert!(bundle.serve(missing).is_none(), "{missing}");
        }
    }
}
