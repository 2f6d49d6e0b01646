//! One mini program page: a wry webview loading a package page over the `superapp://`
//! scheme, with the JS bridge injected and its IPC wired to the bridge.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde_json::json;
use wry::http::{header, Request, Response, StatusCode};
use wry::{RequestAsyncResponder, WebView, WebViewBuilder};

use crate::core::bridge::{Bridge, Origin};
use crate::core::host::{Outbox, WebViewId};
use crate::core::package::{mime_type, Package, PackageError};

/// The custom scheme pages load from.
pub const SCHEME: &str = "superapp";
/// The origin every package file is served under.
pub const ORIGIN: &str = "superapp://app";
/// The path of synchronous calls (`sync: true`), reserved in every package.
pub const SYNC_PATH: &str = "/__superapp/invoke";

/// The JS bridge, injected into every page.
const BRIDGE_JS: &str = include_str!("../../assets/bridge.js");

/// The shell's view of which webview belongs to which mini program, shared with the
/// custom protocol handler (which runs for every webview of a web context).
pub type Origins = Arc<RwLock<HashMap<WebViewId, Origin>>>;

/// A live page.
pub struct Page {
    /// The shell-assigned id.
    pub id: WebViewId,
    /// The mini program it belongs to.
    pub app_id: String,
    /// The webview.
    pub webview: WebView,
}

/// What every page of one shell run shares.
#[derive(Clone)]
pub struct PageContext {
    /// The package pages load from.
    pub package: Arc<Package>,
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
}

/// The init script of one page: its config as JSON, then the bridge.
pub fn init_script(id: WebViewId, origin: &Origin, max_payload: usize, extra: Option<&str>) -> String {
    let config = json!({
        "webviewId": id,
        "appId": origin.app_info.app_id,
        "maxPayload": max_payload,
    });
    let extra = extra.unwrap_or("");
    format!("window.__SUPERAPP_CONFIG__ = {config};\n{BRIDGE_JS}\n{extra}")
}

/// The URL of a page route.
pub fn page_url(route: &str) -> String {
    format!("{ORIGIN}/{route}.html")
}

/// Creates the webview of `route` as a child of `container`.
pub fn open(
    context: &PageContext,
    container: &impl gtk::prelude::IsA<gtk::Container>,
    id: WebViewId,
    route: &str,
) -> Result<Page, wry::Error> {
    let origin = Origin {
        web_view_id: id,
        app_info: Arc::new(context.package.app_info().clone()),
    };
    context
        .origins
        .write()
        .expect("origins lock")
        .insert(id, origin.clone());
    let id_text = id.to_string();
    let ipc = {
        let context = context.clone();
        let origin = origin.clone();
        move |request: Request<String>| {
            context
                .bridge
                .on_message(&context.runtime, &origin, request.body(), &context.outbox);
        }
    };
    let protocol = {
        let context = context.clone();
        move |webview: wry::WebViewId<'_>, request: Request<Vec<u8>>, responder: RequestAsyncResponder| {
            serve(&context, webview, request, responder)
        }
    };
    let builder = WebViewBuilder::new()
        .with_id(&id_text)
        .with_url(page_url(route))
        .with_initialization_script(init_script(
            id,
            &origin,
            context.bridge.max_payload(),
            context.inject_script.as_deref(),
        ))
        .with_asynchronous_custom_protocol(SCHEME.to_string(), protocol)
        .with_ipc_handler(ipc)
        .with_navigation_handler(|url: String| {
            let allowed = url.starts_with(&format!("{ORIGIN}/"));
            if !allowed {
                tracing::warn!(%url, "refused a navigation away from the package");
            }
            allowed
        })
        .with_new_window_req_handler(|url: String, _features| {
            tracing::warn!(%url, "refused to open a new window");
            wry::NewWindowResponse::Deny
        });
    use wry::WebViewBuilderExtUnix;
    let webview = builder.build_gtk(container)?;
    Ok(Page {
        id,
        app_id: origin.app_info.app_id.clone(),
        webview,
    })
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

fn text_response(status: StatusCode, text: &str) -> Response<Cow<'static, [u8]>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Cow::Owned(text.as_bytes().to_vec()))
        .expect("valid response")
}
