//! What pages say that is not a call: console output and errors (logged in the terminal
//! and passed to the automator, from the one capture in assets/console.js), the events of
//! `EventChannel`s, and a WXML page's first render.

use serde_json::{json, Value};

use super::{MiniProgram, LOGIC_ID};
use crate::core::console::{self, JsError, Severity, CONSOLE_TARGET, PAGE_TARGET};
use crate::core::event_channel::Side;
use crate::core::host::WebViewId;
use crate::core::protocol::Outbound;

impl MiniProgram {
    /// The page a message from webview `from` speaks for: the page it names, from a logic
    /// context (a page that has closed too: a timer it left behind is still its code);
    /// the webview itself otherwise.
    fn speaker(&self, from: WebViewId, page: Option<WebViewId>) -> Option<WebViewId> {
        if from == LOGIC_ID {
            page.filter(|page| *page != LOGIC_ID && (self.pages.contains_key(page) || *page < self.router.next_id()))
        } else {
            Some(from)
        }
    }

    fn route_of(&self, page: Option<WebViewId>) -> String {
        match page {
            Some(id) => self.router.live().find(|p| p.web_view_id == id).map(|p| p.route.clone()).unwrap_or_default(),
            None => String::new(),
        }
    }

    /// A `console.*` call: `error` and `warn` at warn level, the rest at debug, under
    /// `superapp::console`; the automator gets it as `App.logAdded`.
    pub(super) fn console(&mut self, from: WebViewId, page: Option<WebViewId>, level: &str, args: Value) {
        let page = self.speaker(from, page);
        let app = self.context.package.app_info().app_id.clone();
        let route = self.route_of(page);
        let text = self.source_lines(&console::format_args(&args));
        match console::severity(level) {
            Severity::Warn => tracing::warn!(target: CONSOLE_TARGET, %app, %route, "console.{level}: {text}"),
            Severity::Debug => tracing::debug!(target: CONSOLE_TARGET, %app, %route, "console.{level}: {text}"),
        }
        self.agent_event("App.logAdded", json!({ "type": level, "args": args, "webviewId": page.unwrap_or(from) }));
    }

    /// An uncaught error (or a throw from a hook): logged at error level under
    /// `superapp::page` with the app, the page route and where; the automator gets it as
    /// `App.exceptionThrown`; a page that it stopped from loading shows it.
    pub(super) fn exception(&mut self, from: WebViewId, mut error: JsError) {
        let page = self.speaker(from, error.page);
        error.stack = self.source_lines(&error.stack);
        let located = error.source.as_deref().and_then(|source| self.locate(source, error.line.unwrap_or(0)));
        if let Some((file, line)) = located {
            error.source = Some(file);
            error.line = Some(line);
        }
        let app = self.context.package.app_info().app_id.clone();
        let mut route = self.route_of(page);
        if route.is_empty() {
            // A script that failed before any page ran (a syntax error in the logic
            // context): the page whose JS file it is.
            let file = error.source.as_deref().and_then(|source| source.strip_suffix(".js"));
            if let Some(page_route) = file.filter(|file| self.context.package.pages().iter().any(|p| p == file)) {
                route = page_route.to_string();
            }
        }
        let at = error.location().unwrap_or_else(|| "unknown location".into());
        tracing::error!(target: PAGE_TARGET, %app, %route, %at, "{}", error.message);
        if error.failed_load {
            if let Some(page) = page.filter(|page| *page != LOGIC_ID) {
                let message = format!("{} ({at})", error.message);
                self.deliver_when_listening(page, Outbound::PageError { message }.encoded());
                // What it shows now is all it will show: queries held for its first render
                // go out (after the error box).
                self.first_render(page);
            }
        }
        let mut params = error.automator_params(page.unwrap_or(from));
        // A render webview lives on briefly after its page unloaded (WeChat's is gone at
        // once): what its own scripts throw then is said so (smoke does not charge it).
        if from != LOGIC_ID && self.logic.is_some() && !self.router.live().any(|live| live.web_view_id == from) {
            params["closing"] = serde_json::Value::Bool(true);
        }
        self.agent_event("App.exceptionThrown", params);
    }

    /// An `EventChannel` end emitted an event: it goes to the other end's page.
    pub(super) fn channel_emit(
        &mut self,
        from: WebViewId,
        page: Option<WebViewId>,
        side: Side,
        key: String,
        name: String,
        args: Value,
    ) {
        let speaker = if from == LOGIC_ID { None } else { Some(from) };
        match self.channels.route(speaker, side, &key) {
            Ok(delivery) => {
                let host = self.host_of(delivery.page);
                let message = Outbound::ChannelEvent {
                    side: delivery.side,
                    token: delivery.token,
                    opened: delivery.opened,
                    name,
                    args,
                };
                self.deliver_when_listening(host, message.encoded());
            }
            Err(err) => {
                tracing::debug!(webview = from, ?page, %err, event = %name, "an event channel emit went nowhere")
            }
        }
    }

    /// A WXML page's render webview rendered: automation queries held for its first
    /// render go out.
    pub(super) fn first_render(&mut self, page: WebViewId) {
        if !self.rendered.insert(page) {
            return;
        }
        let (now, later): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.awaiting_render).into_iter().partition(|(id, _)| *id == page);
        self.awaiting_render = later;
        for (id, message) in now {
            self.deliver_when_listening(id, message);
        }
    }

    /// Rewrites the logic context's module addresses in `text` to package files.
    fn source_lines(&self, text: &str) -> String {
        match &self.context.wxml {
            Some(bundle) => bundle.rewrite_locations(text),
            None => text.to_string(),
        }
    }

    /// The package file and line of a logic context's script location.
    fn locate(&self, source: &str, line: u32) -> Option<(String, u32)> {
        self.context.wxml.as_ref()?.locate(source, line)
    }
}
