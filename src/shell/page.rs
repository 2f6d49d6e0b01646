//! One mini program page: a wry webview loading a package page over the `superapp://`
//! scheme, with the JS bridge injected and its IPC wired to the bridge.

use std::borrow::Cow;
use std::sync::{Arc, RwLock};

use serde_json::{json, Value};
use tao::event_loop::EventLoopProxy;
use wry::http::{header, Request, Response, StatusCode};
use wry::{RequestAsyncResponder, WebContext, WebView, WebViewBuilder};

use super::user_event::UserEvent;
use crate::core::protocol::{split_batch, PageMessage};
use crate::core::router::PageRef;
use crate::wxml::bundle::SPARE_ROUTE;

use crate::core::bridge::{log_dropped, Bridge, Origin};
use crate::core::host::{Outbox, WebViewId};
use crate::core::package::{mime_type, Package, PackageError};

/// The custom scheme pages load from.
pub const SCHEME: &str = "superapp";

/// The scheme of the mini program's own files (`wxfile://usr/...`), as WeChat's.
pub const FILE_SCHEME: &str = "wxfile";
/// The origin every package file is served under.
pub const ORIGIN: &str = "superapp://app";
/// The path of synchronous calls (`sync: true`), reserved in every package.
pub const SYNC_PATH: &str = "/__superapp/invoke";

/// Where a worker of `wx.createWorker` starts (`assets/worker.js`), for both page kinds.
pub const WORKER_PATH: &str = "/__superapp/worker.js";

/// Where a page loads the mini program's own files: `wxfile://usr/a.png` is
/// `/__superapp/wxfile/usr/a.png` (assets/bridge.js maps them).
pub const FILES_PATH: &str = "/__superapp/wxfile/";

const WORKER_JS: &str = include_str!("../../assets/worker.js");

/// The JS bridge, injected into every page.
const BRIDGE_JS: &str = include_str!("../../assets/bridge.js");
const CANVAS_JS: &str = include_str!("../../assets/canvas.js");
const DATA_PATH_JS: &str = include_str!("../../assets/wxml/data_path.js");
const AGENT_JS: &str = include_str!("../../assets/automation/agent.js");
/// The capture of console output and errors, injected right after the bridge.
const CONSOLE_JS: &str = include_str!("../../assets/console.js");
const MANAGERS_JS: &str = include_str!("../../assets/managers.js");
const DESKTOP_JS: &str = include_str!("../../assets/desktop.js");
const SOCKET_JS: &str = include_str!("../../assets/socket.js");
const CLOUD_JS: &str = include_str!("../../assets/cloud.js");
const WORKLET_JS: &str = include_str!("../../assets/worklet.js");
const ANIMATION_JS: &str = include_str!("../../assets/animation.js");
const MISSING_FONTS_JS: &str = include_str!("../../assets/missing_fonts.js");
const REFERENCE_JS: &str = include_str!("../../assets/reference.js");

/// The shell's view of which webview belongs to which mini program, shared with the
/// custom protocol handler (which runs for every webview of a web context).
pub use crate::core::bridge::Origins;

/// A live page.
pub struct Page {
    /// The shell-assigned id.
    pub id: WebViewId,
    /// The mini program it belongs to.
    pub app_id: String,
    /// The webview.
    pub webview: WebView,
}

impl Drop for Page {
    fn drop(&mut self) {
        use wry::WebViewExtUnix;
        super::release::let_go(&self.webview.webview());
    }
}

/// What every page of one shell run shares.
#[derive(Clone)]
pub struct PageContext {
    /// The package pages load from.
    pub package: Arc<Package>,
    /// The mini program's own files (`wxfile://...`, served at [`FILES_PATH`]).
    pub files: crate::files::fs::AppFiles,
    /// The bridge answering calls.
    pub bridge: Arc<Bridge>,
    /// The tokio runtime handlers run on.
    pub runtime: tokio::runtime::Handle,
    /// The path back to the UI thread.
    pub outbox: Arc<dyn Outbox>,
    /// Webview id to origin.
    pub origins: Origins,
    /// A script injected after the bridge, if any.
    pub inject_script: Option<String>,
    /// The mini program's `app.js`, run in every page after the bridge, if any (HTML
    /// mini programs).
    pub app_js: Option<String>,
    /// What a WXML mini program's layers load (None for HTML mini programs).
    pub wxml: Option<Arc<crate::wxml::bundle::Bundle>>,
    /// The path to the UI thread, for lifecycle acknowledgements.
    pub proxy: EventLoopProxy<UserEvent>,
    /// With automation on: what each new webview's agent starts with.
    pub automation: Option<Arc<super::mini_program::AutomationShared>>,
}

/// Per-page facts for the init script.
pub struct PageSetup<'a> {
    /// The page instance.
    pub page: &'a PageRef,
    /// Whether this is the first page of the run (App.onLaunch runs there).
    pub launch: bool,
    /// The stack as `getCurrentPages()` returns it.
    pub stack: Value,
    /// Whether this webview is a WXML logic context, whose calls may be its pages'.
    pub acts_for_pages: bool,
}

/// The init script of one page: its config as JSON, then the bridge, then `app.js`
/// and any injected script.
pub fn init_script(context: &PageContext, origin: &Origin, setup: &PageSetup<'_>) -> String {
    let config = json!({
        "webviewId": origin.web_view_id,
        "appId": origin.app_info.app_id,
        "maxPayload": context.bridge.max_payload(),
        "route": if setup.page.route == SPARE_ROUTE { "" } else { setup.page.route.as_str() },
        "query": setup.page.options,
        "launch": setup.launch,
        "pages": setup.stack,
        "extApi": context.package.config().ext_api,
        "wxFunctions": crate::core::builtins::WX_FUNCTIONS,
        "components": crate::core::builtins::COMPONENTS,
        "desktop": crate::core::builtins::DESKTOP,
        "reference": crate::core::wx_reference::REFERENCE,
        "extConfig": context.package.ext_config(),
        "launchPath": context.package.home(),
        "account": origin.app_info.account_info(),
        "automation": context.automation.as_ref().map(|shared| shared.config()),
        "html": context.wxml.is_none(),
    });
    let mut script =
        format!("window.__SUPERAPP_CONFIG__ = {config};\n{DATA_PATH_JS}\n{BRIDGE_JS}\n{CANVAS_JS}\n{CONSOLE_JS}\n{MANAGERS_JS}\n{DESKTOP_JS}\n{SOCKET_JS}\n{CLOUD_JS}\n{WORKLET_JS}\n{ANIMATION_JS}\n{MISSING_FONTS_JS}\n{REFERENCE_JS}\n");
    if context.automation.is_some() {
        script.push_str(AGENT_JS);
        script.push('\n');
    }
    let mut extras = String::new();
    for extra in [&context.app_js, &context.inject_script].into_iter().flatten() {
        extras.push_str(";\n");
        extras.push_str(extra);
        extras.push('\n');
    }
    if setup.page.route == SPARE_ROUTE {
        // A preloaded render webview: its page is not known yet, so the injected script
        // runs when one is attached (render_main.js), with the page's route in the config.
        script.push_str(&format!("window.__superappOnAttach = function () {{\n{extras}\n}};\n"));
    } else {
        script.push_str(&extras);
    }
    script
}

/// The URL of a page route.
pub fn page_url(route: &str) -> String {
    format!("{ORIGIN}/{route}.html")
}

/// Creates the webview of a page as a child of `container`. The `superapp://` scheme is
/// registered once per web context: for its first webview, pass `register_scheme`, the
/// slot naming the run that owns the context (the handler serves that run).
///
/// With `related`, the new webview shares that webview's web process: the pages of one
/// mini program then run in one process, which costs far less memory and start-up time
/// per page than a process each.
pub fn open(
    context: &PageContext,
    web_context: &mut WebContext,
    register_scheme: Option<Arc<RwLock<Option<PageContext>>>>,
    container: &impl gtk::prelude::IsA<gtk::Container>,
    setup: &PageSetup<'_>,
    related: Option<webkit2gtk::WebView>,
    lane: std::rc::Rc<super::lane::Lane>,
) -> Result<Page, wry::Error> {
    let id = setup.page.web_view_id;
    let app_info = Arc::new(context.package.app_info().clone());
    let origin = match setup.acts_for_pages {
        // The logic context of a WXML mini program makes the calls of its pages' code.
        true => Origin { web_view_id: id, app_info, acts_for: Some(context.origins.clone()) },
        false => Origin::new(id, app_info),
    };
    context.origins.write().expect("origins lock").insert(id, origin.clone());
    let id_text = id.to_string();
    let ipc = {
        let context = context.clone();
        let origin = origin.clone();
        move |request: Request<String>| {
            let messages = match split_batch(request.body()) {
                Ok(messages) => messages,
                Err(err) => {
                    tracing::warn!(webview = id, %err, "dropped a malformed batch from a page");
                    return;
                }
            };
            // The two-layer messages of a batch go to the mini program at once, through
            // the lane (lane.rs), or else through the event loop as one event. A page's
            // readiness and its hooks go through the loop. The order of the batch is kept.
            let through_loop = |event: UserEvent| {
                lane.queued(id);
                let _ = context.proxy.send_event(event);
            };
            let mut two_layer = Vec::new();
            let send_two_layer = |two_layer: &mut Vec<PageMessage>| {
                if two_layer.is_empty() {
                    return;
                }
                if let Err(batch) = lane.deliver(id, std::mem::take(two_layer)) {
                    through_loop(UserEvent::TwoLayer(id, batch));
                }
            };
            for body in messages {
                match PageMessage::parse(body, context.bridge.limits()) {
                    Ok(PageMessage::Call(inbound)) => {
                        context.bridge.dispatch(&context.runtime, &origin, inbound, &context.outbox)
                    }
                    Ok(PageMessage::Ready) => {
                        send_two_layer(&mut two_layer);
                        through_loop(UserEvent::PageReady(id));
                    }
                    Ok(PageMessage::HookDone(hook)) => {
                        send_two_layer(&mut two_layer);
                        through_loop(UserEvent::HookDone(id, hook));
                    }
                    Ok(message @ PageMessage::PageHookDone { .. }) => {
                        // (the loop looks at the end of the run after each hook)
                        send_two_layer(&mut two_layer);
                        through_loop(UserEvent::TwoLayer(id, vec![message]));
                    }
                    Ok(message) => two_layer.push(message),
                    Err(err) => log_dropped(&origin, body, &err),
                }
            }
            send_two_layer(&mut two_layer);
        }
    };
    let mut builder = WebViewBuilder::new_with_web_context(web_context)
        .with_id(&id_text)
        .with_url(page_url(&setup.page.route))
        .with_initialization_script(init_script(context, &origin, setup))
        .with_ipc_handler(ipc)
        .with_navigation_handler({
            let policy = NavigationPolicy::new(page_url(&setup.page.route));
            move |url: String| {
                let allowed = policy.allows(&url);
                if !allowed {
                    tracing::warn!(webview = id, %url, "refused a navigation: pages change only through wx.navigateTo and friends");
                }
                allowed
            }
        })
        .with_new_window_req_handler(|url: String, _features| {
            tracing::warn!(%url, "refused to open a new window");
            wry::NewWindowResponse::Deny
        });
    if let Some(owner) = register_scheme {
        // `wxfile://usr/a.png`: the mini program's own files, as WeChat names them.
        let files_owner = owner.clone();
        builder = builder.with_asynchronous_custom_protocol(
            FILE_SCHEME.to_string(),
            move |_: wry::WebViewId<'_>, request: Request<Vec<u8>>, responder: RequestAsyncResponder| {
                let current = files_owner.read().expect("web context owner").clone();
                let uri = request.uri();
                let inner = format!("{}{}", uri.host().unwrap_or_default(), uri.path());
                let response = match current {
                    Some(context) => own_file(&context, &inner),
                    None => text_response(StatusCode::SERVICE_UNAVAILABLE, "the mini program has ended"),
                };
                responder.respond(response);
            },
        );
        builder = builder.with_asynchronous_custom_protocol(
            SCHEME.to_string(),
            move |webview: wry::WebViewId<'_>, request: Request<Vec<u8>>, responder: RequestAsyncResponder| {
                let current = owner.read().expect("web context owner").clone();
                match current {
                    Some(context) => serve(&context, webview, request, responder),
                    None => responder.respond(
                        Response::builder()
                            .status(StatusCode::SERVICE_UNAVAILABLE)
                            .body(b"the mini program has ended".to_vec())
                            .expect("a static response"),
                    ),
                }
            },
        );
    }
    use wry::WebViewBuilderExtUnix;
    if let Some(related) = related {
        builder = builder.with_related_view(related);
    }
    let webview = builder.build_gtk(container)?;
    {
        use wry::WebViewExtUnix;
        super::webkit_features::turn_off(&webview.webview());
        super::release::track(&webview.webview());
    }
    Ok(Page { id, app_id: origin.app_info.app_id.clone(), webview })
}

/// Which navigations a page's webview may make. WeChat has no links: a page changes only
/// through the routing APIs, each a new webview. So the webview loads its own page once;
/// after that every navigation of it or of its frames is refused (links, `location.href`,
/// `location.reload()`, forms, other schemes), except frames that stay blank
/// (`about:blank`, `about:srcdoc`), which keep the page's origin, and fragment changes
/// (`#section`) of the page itself.
pub struct NavigationPolicy {
    page: String,
    loaded: std::sync::atomic::AtomicBool,
}

impl NavigationPolicy {
    /// The policy of a webview that loads `page`.
    pub fn new(page: String) -> NavigationPolicy {
        NavigationPolicy { page, loaded: std::sync::atomic::AtomicBool::new(false) }
    }

    /// Whether the webview may navigate to `url` now.
    pub fn allows(&self, url: &str) -> bool {
        use std::sync::atomic::Ordering;
        if url == "about:blank" || url == "about:srcdoc" {
            return true;
        }
        if url == self.page && !self.loaded.swap(true, Ordering::SeqCst) {
            return true;
        }
        // A fragment of the loaded page stays in the same document.
        self.loaded.load(Ordering::SeqCst)
            && url.strip_prefix(self.page.as_str()).is_some_and(|rest| rest.starts_with('#'))
    }
}

/// Answers one request on the `superapp://` scheme: a synchronous call, or a package file.
fn serve(
    context: &PageContext,
    webview: wry::WebViewId<'_>,
    request: Request<Vec<u8>>,
    responder: RequestAsyncResponder,
) {
    let path = request.uri().path().to_string();
    if path == SYNC_PATH {
        let origin = webview
            .parse::<WebViewId>()
            .ok()
            .and_then(|id| context.origins.read().expect("origins lock").get(&id).cloned());
        let Some(origin) = origin else {
            responder.respond(text_response(StatusCode::FORBIDDEN, "unknown webview"));
            return;
        };
        let body = match String::from_utf8(request.into_body()) {
            Ok(body) => body,
            Err(_) => {
                responder.respond(text_response(StatusCode::BAD_REQUEST, "body is not UTF-8"));
                return;
            }
        };
        let bridge = context.bridge.clone();
        context.runtime.spawn(async move {
            let response = match bridge.call_sync(origin, body).await {
                Ok(res) => Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Cow::Owned(serde_json::Value::Object(res).to_string().into_bytes()))
                    .expect("valid response"),
                Err(err) => text_response(StatusCode::BAD_REQUEST, &err.to_string()),
            };
            responder.respond(response);
        });
        return;
    }
    if path == WORKER_PATH {
        let response = Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/javascript; charset=utf-8")
            .body(Cow::Borrowed(WORKER_JS.as_bytes()))
            .expect("valid response");
        responder.respond(response);
        return;
    }
    if let Some(inner) = path.strip_prefix(FILES_PATH) {
        responder.respond(own_file(context, inner));
        return;
    }
    if let Some((bytes, mime)) = context.wxml.as_ref().and_then(|bundle| bundle.serve(&path)) {
        let response = Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime)
            .header(header::CACHE_CONTROL, "no-store")
            .body(bytes)
            .expect("valid response");
        responder.respond(response);
        return;
    }
    let response = match context.package.read(&path) {
        Ok(bytes) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime_type(&path))
            .header(header::CACHE_CONTROL, "no-store")
            .body(bytes)
            .expect("valid response"),
        Err(err @ PackageError::UnsafePath(_)) => {
            tracing::warn!(%err, "refused a request");
            text_response(StatusCode::FORBIDDEN, &err.to_string())
        }
        Err(err) => {
            tracing::info!(%err, "a page asked for a missing file");
            text_response(StatusCode::NOT_FOUND, &err.to_string())
        }
    };
    responder.respond(response);
}

/// One of the mini program's own files (`inner`: `usr/a.png`), or 404 saying why.
fn own_file(context: &PageContext, inner: &str) -> Response<Cow<'static, [u8]>> {
    let inner = percent_encoding::percent_decode_str(inner).decode_utf8_lossy().into_owned();
    let own = crate::files::path::FilePath::parse(&format!("wxfile://{inner}"))
        .map_err(|err| err.to_string())
        .and_then(|file| match file {
            crate::files::path::FilePath::Own { .. } => context.files.read(&file).map_err(|err| err.to_string()),
            crate::files::path::FilePath::Package(_) => Err(format!("not a wxfile path {inner:?}")),
        });
    match own {
        Ok(bytes) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime_type(&inner))
            .header(header::CACHE_CONTROL, "no-store")
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .body(Cow::Owned(bytes))
            .expect("valid response"),
        Err(err) => text_response(StatusCode::NOT_FOUND, &err),
    }
}

fn text_response(status: StatusCode, text: &str) -> Response<Cow<'static, [u8]>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Cow::Owned(text.as_bytes().to_vec()))
        .expect("valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_loads_once_and_never_navigates_after() {
        let policy = NavigationPolicy::new(page_url("pages/a/a"));
        assert!(!policy.allows("superapp://app/pages/b/b.html"), "not its own page");
        assert!(policy.allows("superapp://app/pages/a/a.html"));
        for url in [
            "superapp://app/pages/a/a.html",
            "superapp://app/pages/b/b.html",
            "https://example.com/",
            "file:///etc/passwd",
            "data:text/html,<p>x</p>",
            "javascript:alert(1)",
        ] {
            assert!(!policy.allows(url), "{url}");
        }
        assert!(policy.allows("about:blank") && policy.allows("about:srcdoc"));
        assert!(policy.allows("superapp://app/pages/a/a.html#section"));
    }
}
