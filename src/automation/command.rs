//! The automator's methods as one typed command, parsed from a request with a clear error
//! for anything else, and what carrying each out takes ([`Command::parse`] gives it with its [`Where`]): plain data, no
//! window.

use serde_json::{json, Map, Value};

use super::protocol::Request;
use crate::core::host::WebViewId;

/// The base-library level of the `wx` API this shell implements: what `Tool.getInfo` and
/// `wx.getAppBaseInfo().SDKVersion` report (the automator refuses anything below 2.7.3).
pub const SDK_VERSION: &str = "3.0.0";

/// The `Element.callFunction` names of the built-in controls the agent carries out (as
/// WeChat's automator sends them: `<tag>.<method>`), besides `input.input` and
/// `textarea.input`.
pub const ELEMENT_FUNCTIONS: &[&str] = &[
    "switch.tap",
    "slider.slideTo",
    "swiper.swipeTo",
    "scroll-view.scrollTo",
    "scroll-view.scrollTop",
    "scroll-view.scrollLeft",
    "scroll-view.scrollWidth",
    "scroll-view.scrollHeight",
    "movable-view.moveTo",
];

/// A request that cannot be carried out.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CommandError {
    /// A method this shell does not implement.
    #[error("{0} is not supported by superapp-shell")]
    Unsupported(String),
    /// A parameter is missing or of the wrong type.
    #[error("{method}: {message}")]
    BadParams {
        /// The method.
        method: String,
        /// What is wrong.
        message: String,
    },
}

/// A native control of the shell (`Tool.native`).
#[derive(Debug, Clone, PartialEq)]
pub enum Native {
    /// The modal's confirm button.
    ConfirmModal,
    /// The modal's cancel button.
    CancelModal,
    /// A tab of the tab bar, by page URL.
    SwitchTab(String),
    /// The navigation bar's back button.
    NavigateLeft,
    /// Back to the home page (`reLaunch`).
    GoHome,
}

/// How `App.mockWxMethod` replaces a `wx` function.
#[derive(Debug, Clone, PartialEq)]
pub enum Mock {
    /// Answer with this value.
    Result(Value),
    /// Run this function (JS source) with the call's arguments and then these.
    Function {
        /// Its source.
        declaration: String,
        /// Extra arguments after the call's.
        args: Vec<Value>,
    },
}

/// One automator command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `Tool.getInfo`.
    GetInfo,
    /// `Tool.close`: answered, then the shell ends.
    Close,
    /// `Tool.native`.
    Native(Native),
    /// `App.getPageStack`.
    GetPageStack,
    /// `App.getCurrentPage`.
    GetCurrentPage,
    /// `App.captureScreenshot`.
    CaptureScreenshot,
    /// `App.exit`: the mini program ends; the server stays until `Tool.close`.
    Exit,
    /// `App.enableLog`: `App.logAdded` events from now on.
    EnableLog,
    /// `App.mockWxMethod`; `None` restores the original.
    MockWxMethod {
        /// The `wx` function.
        method: String,
        /// The replacement.
        mock: Option<Mock>,
    },
    /// `App.addBinding`.
    AddBinding {
        /// The global function's name.
        name: String,
    },
    /// Something the JS agent of a webview carries out.
    Agent(AgentCall),
}

/// Which webview's agent carries out a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// Where the mini program's own JS runs: the logic context of a WXML mini program, the
    /// top page of an HTML one.
    Program,
    /// The webview that shows page `pageId` (for elements and window properties).
    View(WebViewId),
    /// Where page `pageId`'s instance lives (its data and methods): the logic context of a
    /// WXML mini program, the page itself for HTML.
    Instance(WebViewId),
}

/// A call of a function of the JS agent (assets/automation/agent.js).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentCall {
    /// Where it runs.
    pub at: Where,
    /// The agent function.
    pub op: &'static str,
    /// Its argument.
    pub args: Value,
}

impl Command {
    /// Parses a request into a command.
    pub fn parse(request: &Request) -> Result<Command, CommandError> {
        let p = Params { method: &request.method, params: &request.params };
        let agent = |at: Where, op: &'static str, args: Value| Ok(Command::Agent(AgentCall { at, op, args }));
        match request.method.as_str() {
            "Tool.getInfo" => Ok(Command::GetInfo),
            "Tool.close" => Ok(Command::Close),
            "Tool.native" => {
                let native = match p.string("method")?.as_str() {
                    "confirmModal" => Native::ConfirmModal,
                    "cancelModal" => Native::CancelModal,
                    "navigateLeft" => Native::NavigateLeft,
                    "goHome" => Native::GoHome,
                    "switchTab" => {
                        let data = request.params.get("data");
                        let url = data.and_then(|d| d.get("url").or(Some(d))).and_then(Value::as_str);
                        Native::SwitchTab(url.ok_or_else(|| p.bad("data.url must be a string"))?.to_string())
                    }
                    other => return Err(CommandError::Unsupported(format!("Tool.native {other}"))),
                };
                Ok(Command::Native(native))
            }
            "App.getPageStack" => Ok(Command::GetPageStack),
            "App.getCurrentPage" => Ok(Command::GetCurrentPage),
            "App.captureScreenshot" => Ok(Command::CaptureScreenshot),
            "App.exit" => Ok(Command::Exit),
            "App.enableLog" => Ok(Command::EnableLog),
            "App.addBinding" => Ok(Command::AddBinding { name: p.identifier("name")? }),
            "App.mockWxMethod" => {
                p.plugin_free()?;
                let method = p.identifier("method")?;
                let mock = match (request.params.get("functionDeclaration"), request.params.get("result")) {
                    (Some(Value::String(declaration)), _) => {
                        Some(Mock::Function { declaration: declaration.clone(), args: p.args()? })
                    }
                    (Some(other), _) => {
                        return Err(p.bad(&format!("functionDeclaration must be a string, got {other}")))
                    }
                    (None, Some(result)) => Some(Mock::Result(result.clone())),
                    (None, None) => None,
                };
                Ok(Command::MockWxMethod { method, mock })
            }
            "App.callWxMethod" => {
                p.plugin_free()?;
                agent(Where::Program, "callWxMethod", json!({ "method": p.identifier("method")?, "args": p.args()? }))
            }
            "App.callFunction" => agent(
                Where::Program,
                "callFunction",
                json!({ "functionDeclaration": p.string("functionDeclaration")?, "args": p.args()? }),
            ),
            "Page.getElement" | "Page.getElements" | "Page.getElementByXpath" | "Page.getElementsByXpath" => {
                let method = request.method.as_str();
                agent(
                    Where::View(p.page()?),
                    "getElements",
                    json!({
                        "selector": p.string("selector")?,
                        "single": !method.contains("Elements"),
                        "xpath": method.contains("Xpath"),
                    }),
                )
            }
            "Page.getData" => {
                let path = match request.params.get("path") {
                    None | Some(Value::Null) => Value::Null,
                    Some(Value::String(path)) => json!(path),
                    Some(other) => return Err(p.bad(&format!("path must be a string, got {other}"))),
                };
                let page = p.page()?;
                agent(Where::Instance(page), "getData", json!({ "pageId": page, "path": path }))
            }
            "Page.setData" => {
                let page = p.page()?;
                agent(Where::Instance(page), "setData", json!({ "pageId": page, "data": p.object("data")? }))
            }
            "Page.callMethod" => {
                let page = p.page()?;
                agent(
                    Where::Instance(page),
                    "callMethod",
                    json!({ "pageId": page, "method": p.string("method")?, "args": p.args()? }),
                )
            }
            // superapp's own (for `superapp smoke`, with assets/smoke/inspect.js injected):
            // what the page shows in its viewport, and what on it can be tapped.
            "Page.inspect" => agent(Where::View(p.page()?), "inspect", json!({})),
            "Page.getTappables" => {
                let limit = request.params.get("limit").and_then(Value::as_u64).unwrap_or(20);
                agent(Where::View(p.page()?), "tappables", json!({ "limit": limit }))
            }
            "Page.getWindowProperties" => {
                agent(Where::View(p.page()?), "getWindowProperties", json!({ "names": p.names()? }))
            }
            // A custom component's instance lives in the logic context.
            "Element.getData" | "Element.setData" | "Element.callMethod" => {
                let page = p.page()?;
                let node = p.id("nodeId")?;
                let (op, args) = match request.method.as_str() {
                    "Element.getData" => {
                        let path = request.params.get("path").cloned().unwrap_or(Value::Null);
                        ("componentData", json!({ "path": path }))
                    }
                    "Element.setData" => ("componentSetData", json!({ "data": p.object("data")? })),
                    _ => ("componentCallMethod", json!({ "method": p.string("method")?, "args": p.args()? })),
                };
                let mut args = args;
                args["pageId"] = json!(page);
                args["nodeId"] = json!(node);
                agent(Where::Instance(page), op, args)
            }
            method if method.starts_with("Element.") => {
                let at = Where::View(p.page()?);
                let element = p.element()?;
                let (op, args) = match &method["Element.".len()..] {
                    "getElement" | "getElements" => (
                        "getElements",
                        json!({ "selector": p.string("selector")?, "single": method == "Element.getElement" }),
                    ),
                    "getWXML" => {
                        let outer = match request.params.get("type").and_then(Value::as_str) {
                            Some("outer") => true,
                            Some("inner") | None => false,
                            Some(other) => return Err(p.bad(&format!("type must be inner or outer, got {other:?}"))),
                        };
                        ("getWXML", json!({ "outer": outer }))
                    }
                    "getAttributes" => ("getAttributes", json!({ "names": p.names()? })),
                    "getStyles" => ("getStyles", json!({ "names": p.names()? })),
                    "getDOMProperties" => ("getDOMProperties", json!({ "names": p.names()? })),
                    "getProperties" => ("getProperties", json!({ "names": p.names()? })),
                    "getOffset" => ("getOffset", json!({})),
                    "tap" => ("tap", json!({})),
                    "longpress" => ("longpress", json!({})),
                    "touchstart" | "touchmove" | "touchend" => {
                        ("touch", json!({ "type": &method["Element.".len()..], "params": request.params }))
                    }
                    "triggerEvent" => (
                        "triggerEvent",
                        json!({ "type": p.string("type")?, "detail": request.params.get("detail").cloned().unwrap_or(json!({})) }),
                    ),
                    "dispatchEvent" => (
                        "dispatchEvent",
                        json!({ "eventName": p.string("eventName")?, "detail": request.params.get("detail").cloned().unwrap_or(json!({})) }),
                    ),
                    "callContextMethod" => {
                        ("callContextMethod", json!({ "method": p.identifier("method")?, "args": p.args()? }))
                    }
                    "callFunction" => {
                        let name = p.string("functionName")?;
                        if matches!(name.as_str(), "input.input" | "textarea.input") {
                            ("input", json!({ "args": p.args()? }))
                        } else if ELEMENT_FUNCTIONS.contains(&name.as_str()) {
                            ("elementFunction", json!({ "name": name, "args": p.args()? }))
                        } else {
                            return Err(CommandError::Unsupported(format!("Element.callFunction {name}")));
                        }
                    }
                    _ => return Err(CommandError::Unsupported(method.to_string())),
                };
                let mut args = args;
                args["elementId"] = json!(element);
                agent(at, op, args)
            }
            other => Err(CommandError::Unsupported(other.to_string())),
        }
    }

    /// The method's short name, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Command::GetInfo => "getInfo",
            Command::Close => "close",
            Command::Native(_) => "native",
            Command::GetPageStack => "getPageStack",
            Command::GetCurrentPage => "getCurrentPage",
            Command::CaptureScreenshot => "captureScreenshot",
            Command::Exit => "exit",
            Command::EnableLog => "enableLog",
            Command::MockWxMethod { .. } => "mockWxMethod",
            Command::AddBinding { .. } => "addBinding",
            Command::Agent(call) => call.op,
        }
    }
}

/// The `Tool.getInfo` result.
pub fn info() -> Value {
    json!({ "SDKVersion": SDK_VERSION, "version": env!("CARGO_PKG_VERSION") })
}

/// Reads one request's parameters, naming the method in every error.
struct Params<'a> {
    method: &'a str,
    params: &'a Value,
}

impl Params<'_> {
    fn bad(&self, message: &str) -> CommandError {
        CommandError::BadParams { method: self.method.to_string(), message: message.to_string() }
    }

    fn string(&self, key: &str) -> Result<String, CommandError> {
        match self.params.get(key) {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(other) => Err(self.bad(&format!("{key} must be a string, got {other}"))),
            None => Err(self.bad(&format!("{key} is missing"))),
        }
    }

    /// A JS identifier (a `wx` method or a global's name).
    fn identifier(&self, key: &str) -> Result<String, CommandError> {
        let name = self.string(key)?;
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
        if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            return Err(self.bad(&format!("{key} must be a JS identifier, got {name:?}")));
        }
        Ok(name)
    }

    fn object(&self, key: &str) -> Result<Map<String, Value>, CommandError> {
        match self.params.get(key) {
            Some(Value::Object(map)) => Ok(map.clone()),
            Some(other) => Err(self.bad(&format!("{key} must be an object, got {other}"))),
            None => Err(self.bad(&format!("{key} is missing"))),
        }
    }

    fn args(&self) -> Result<Vec<Value>, CommandError> {
        match self.params.get("args") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(args)) => Ok(args.clone()),
            Some(other) => Err(self.bad(&format!("args must be an array, got {other}"))),
        }
    }

    fn names(&self) -> Result<Vec<String>, CommandError> {
        match self.params.get("names") {
            Some(Value::Array(names)) if names.iter().all(Value::is_string) => {
                Ok(names.iter().filter_map(|n| n.as_str().map(str::to_string)).collect())
            }
            Some(other) => Err(self.bad(&format!("names must be an array of strings, got {other}"))),
            None => Err(self.bad("names is missing")),
        }
    }

    fn id(&self, key: &str) -> Result<u64, CommandError> {
        match self.params.get(key) {
            Some(value) => value.as_u64().ok_or_else(|| self.bad(&format!("{key} must be a number, got {value}"))),
            None => Err(self.bad(&format!("{key} is missing"))),
        }
    }

    fn page(&self) -> Result<WebViewId, CommandError> {
        self.id("pageId")
    }

    fn element(&self) -> Result<u64, CommandError> {
        self.id("elementId")
    }

    /// Plugins are not supported: a `pluginId` is refused rather than ignored.
    fn plugin_free(&self) -> Result<(), CommandError> {
        match self.params.get("pluginId") {
            None | Some(Value::Null) => Ok(()),
            Some(_) => Err(CommandError::Unsupported(format!("{} for a plugin", self.method))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(method: &str, params: Value) -> Result<Command, CommandError> {
        Command::parse(&Request { id: json!("1"), method: method.into(), params })
    }

    #[test]
    fn parses_tool_and_app_methods() {
        assert_eq!(parse("Tool.getInfo", json!({})), Ok(Command::GetInfo));
        assert_eq!(
            parse("Tool.native", json!({"method": "switchTab", "data": {"url": "/pages/b/b"}})),
            Ok(Command::Native(Native::SwitchTab("/pages/b/b".into())))
        );
        assert_eq!(parse("Tool.native", json!({"method": "confirmModal"})), Ok(Command::Native(Native::ConfirmModal)));
        assert_eq!(
            parse("App.mockWxMethod", json!({"method": "getStorageSync", "result": 5})),
            Ok(Command::MockWxMethod { method: "getStorageSync".into(), mock: Some(Mock::Result(json!(5))) })
        );
        assert_eq!(
            parse(
                "App.mockWxMethod",
                json!({"method": "showModal", "functionDeclaration": "function () {}", "args": [1]})
            ),
            Ok(Command::MockWxMethod {
                method: "showModal".into(),
                mock: Some(Mock::Function { declaration: "function () {}".into(), args: vec![json!(1)] })
            })
        );
        assert_eq!(
            parse("App.mockWxMethod", json!({"method": "showModal"})),
            Ok(Command::MockWxMethod { method: "showModal".into(), mock: None })
        );
        assert_eq!(
            parse("App.callWxMethod", json!({"method": "getStorageInfo", "args": []})),
            Ok(Command::Agent(AgentCall {
                at: Where::Program,
                op: "callWxMethod",
                args: json!({"method": "getStorageInfo", "args": []})
            }))
        );
    }

    #[test]
    fn element_functions_of_the_built_in_controls_go_to_the_agent() {
        let Command::Agent(call) = parse(
            "Element.callFunction",
            json!({"pageId": 2, "elementId": 9, "functionName": "slider.slideTo", "args": [70]}),
        )
        .unwrap() else {
            panic!("an agent call")
        };
        assert_eq!((call.at, call.op), (Where::View(2), "elementFunction"));
        assert_eq!(call.args, json!({"name": "slider.slideTo", "args": [70], "elementId": 9}));
    }

    #[test]
    fn page_and_element_methods_name_where_they_run() {
        let Command::Agent(call) = parse("Page.getElements", json!({"pageId": 2, "selector": ".item"})).unwrap() else {
            panic!("an agent call")
        };
        assert_eq!(call.at, Where::View(2));
        assert_eq!(call.args, json!({"selector": ".item", "single": false, "xpath": false}));
        let Command::Agent(call) = parse("Page.getData", json!({"pageId": 2, "path": "list"})).unwrap() else {
            panic!("an agent call")
        };
        assert_eq!(call.at, Where::Instance(2));
        let Command::Agent(call) = parse(
            "Element.callFunction",
            json!({"pageId": 2, "elementId": 9, "functionName": "input.input", "args": ["hi"]}),
        )
        .unwrap() else {
            panic!("an agent call")
        };
        assert_eq!((call.at, call.op), (Where::View(2), "input"));
        assert_eq!(call.args, json!({"args": ["hi"], "elementId": 9}));
    }

    #[test]
    fn refuses_what_it_cannot_do_with_a_clear_message() {
        let message = |m: &str, p: Value| parse(m, p).unwrap_err().to_string();
        assert_eq!(
            message("Tool.enableRemoteDebug", json!({})),
            "Tool.enableRemoteDebug is not supported by superapp-shell"
        );
        assert_eq!(
            message("Element.setData", json!({"pageId": 1, "elementId": 2})),
            "Element.setData: nodeId is missing"
        );
        assert_eq!(message("Page.getElement", json!({"pageId": 1})), "Page.getElement: selector is missing");
        assert_eq!(
            message("Page.getElement", json!({"pageId": "1", "selector": "a"})),
            "Page.getElement: pageId must be a number, got \"1\""
        );
        assert_eq!(
            message("App.callWxMethod", json!({"method": "a.b"})),
            "App.callWxMethod: method must be a JS identifier, got \"a.b\""
        );
        assert_eq!(
            message("App.callWxMethod", json!({"method": "x", "pluginId": "p"})),
            "App.callWxMethod for a plugin is not supported by superapp-shell"
        );
        assert_eq!(
            message("Page.setData", json!({"pageId": 1, "data": 3})),
            "Page.setData: data must be an object, got 3"
        );
        assert_eq!(
            message("Element.callFunction", json!({"pageId": 1, "elementId": 2, "functionName": "camera.takePhoto"})),
            "Element.callFunction camera.takePhoto is not supported by superapp-shell"
        );
    }

    #[test]
    fn reports_a_base_library_the_client_accepts() {
        let info = info();
        let version: Vec<u32> = info["SDKVersion"].as_str().unwrap().split('.').map(|n| n.parse().unwrap()).collect();
        assert!(version >= vec![2, 7, 3], "{info}");
    }
}
