//! `wx.request`: an HTTP request done on the Rust side (reqwest with rustls), answered as
//! WeChat answers it: `{data, statusCode, header, cookies}`; any status is a success (a
//! 404 is `request:ok` with `statusCode: 404`), a network failure, a timeout or an abort
//! is a fail. `--mock` rules named `request <METHOD> <url>` answer matching requests
//! instead, so a mini program runs offline.
//!
//! What the options mean is decided here as plain data ([`RequestOptions::parse`],
//! [`response`]); [`Requests`] carries them out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::core::api_error::ApiError;
use crate::core::call::MiniApiCall;
use crate::core::mock::Mock;

/// WeChat's default request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The methods `wx.request` takes.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PATCH"];

/// Why a request could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// No URL, or not http(s).
    #[error("invalid url {0:?}")]
    Url(String),
    /// A method WeChat does not take.
    #[error("invalid method {0:?}")]
    Method(String),
    /// A header that is not a string map.
    #[error("header must be an object of strings, got {0}")]
    Header(String),
}

/// How the answer's body is given to the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    /// `json` (the default): parsed when it is JSON, else the text.
    Json,
    /// Anything else: the text.
    Text,
}

/// `responseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// `text` (the default).
    Text,
    /// `arraybuffer`: the bytes (carried as base64, an `ArrayBuffer` in the page).
    ArrayBuffer,
}

/// A request as the options describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestOptions {
    /// The URL, with `data` as its query for GET.
    pub url: String,
    /// The method, upper case.
    pub method: String,
    /// The headers, as given (`content-type` defaults to JSON).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Option<Vec<u8>>,
    /// `dataType`.
    pub data_type: DataType,
    /// `responseType`.
    pub response_type: ResponseType,
    /// `timeout` (ms), or the default.
    pub timeout: Duration,
    /// The name of this request's `RequestTask` (unique to the JS context that made it),
    /// for `abort()`.
    pub task: Option<String>,
}

impl RequestOptions {
    /// Reads `wx.request`'s options (without their callbacks), as WeChat reads them: an
    /// object `data` is the query of a GET, a JSON body otherwise (or a form body when
    /// `content-type` says `application/x-www-form-urlencoded`); a string is sent as it is.
    pub fn parse(options: &Value) -> Result<RequestOptions, RequestError> {
        let url = options.get("url").and_then(Value::as_str).unwrap_or_default().to_string();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(RequestError::Url(url));
        }
        let method = options.get("method").and_then(Value::as_str).unwrap_or("GET").to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            return Err(RequestError::Method(method));
        }
        let mut headers = Vec::new();
        match options.get("header") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    let value = match value {
                        Value::String(text) => text.clone(),
                        Value::Number(_) | Value::Bool(_) => value.to_string(),
                        other => return Err(RequestError::Header(other.to_string())),
                    };
                    headers.push((name.clone(), value));
                }
            }
            Some(other) => return Err(RequestError::Header(other.to_string())),
        }
        let content_type = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.to_ascii_lowercase());
        let form = content_type.as_deref().is_some_and(|c| c.contains("application/x-www-form-urlencoded"));
        let data = options.get("data").filter(|d| !d.is_null());
        let mut url = url;
        let mut body = None;
        match data {
            None => {}
            Some(Value::String(text)) if method == "GET" && text.is_empty() => {}
            Some(Value::String(text)) if method == "GET" => {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str(text);
            }
            Some(Value::Object(map)) if method == "GET" => {
                let query = form_encode(map);
                if !query.is_empty() {
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str(&query);
                }
            }
            Some(Value::String(text)) => body = Some(text.clone().into_bytes()),
            Some(Value::Object(map)) if form => body = Some(form_encode(map).into_bytes()),
            Some(other) => body = Some(other.to_string().into_bytes()),
        }
        if content_type.is_none() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        let data_type = match options.get("dataType").and_then(Value::as_str) {
            None | Some("json") => DataType::Json,
            Some(_) => DataType::Text,
        };
        let response_type = match options.get("responseType").and_then(Value::as_str) {
            Some("arraybuffer") => ResponseType::ArrayBuffer,
            _ => ResponseType::Text,
        };
        let timeout =
            options.get("timeout").and_then(Value::as_u64).map(Duration::from_millis).unwrap_or(DEFAULT_TIMEOUT);
        let task = options.get("__task").and_then(Value::as_str).map(str::to_string);
        Ok(RequestOptions { url, method, headers, body, data_type, response_type, timeout, task })
    }
}

/// `a=1&b=x%20y`: an object as a form (or query) string; non-string values as JSON.
pub fn form_encode(map: &Map<String, Value>) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    map.iter()
        .map(|(key, value)| {
            let value = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            format!("{}={}", utf8_percent_encode(key, NON_ALPHANUMERIC), utf8_percent_encode(&value, NON_ALPHANUMERIC))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The success answer for a response: `data` as `dataType` and `responseType` say
/// (bytes as base64 with `__arrayBuffer: true`, which the page turns into an
/// `ArrayBuffer`), `statusCode`, `header` and `cookies`.
pub fn response(
    options: &RequestOptions,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Map<String, Value> {
    let mut header = Map::new();
    let mut cookies = Vec::new();
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("set-cookie") {
            cookies.push(Value::String(value.clone()));
        }
        // (a repeated header keeps its values joined, as WeChat gives them)
        match header.get_mut(name) {
            Some(Value::String(old)) => {
                old.push_str(", ");
                old.push_str(value);
            }
            _ => {
                header.insert(name.clone(), Value::String(value.clone()));
            }
        }
    }
    let data = match options.response_type {
        ResponseType::ArrayBuffer => Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
        ResponseType::Text => {
            let text = String::from_utf8_lossy(body).into_owned();
            match options.data_type {
                DataType::Json => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                DataType::Text => Value::String(text),
            }
        }
    };
    let mut out = Map::new();
    out.insert("data".into(), data);
    out.insert("statusCode".into(), json!(status));
    out.insert("header".into(), Value::Object(header));
    out.insert("cookies".into(), Value::Array(cookies));
    if options.response_type == ResponseType::ArrayBuffer {
        out.insert("__arrayBuffer".into(), Value::Bool(true));
    }
    out
}

/// `--mock` rules for `wx.request`: an entry named `request <METHOD> <url>` (`*` for any
/// method; a url ending in `*` matches by prefix; the query is not compared) answers the
/// requests it matches: its `result` is `{data, statusCode?, header?}`, its `fail` a
/// failure.
#[derive(Debug, Clone, Default)]
pub struct RequestMocks(Vec<(String, String, Mock)>);

impl RequestMocks {
    /// Takes the `request ...` entries out of `mocks`; an entry named `request ...` that
    /// is not `request <METHOD> <url>` is an error naming it.
    pub fn take(mocks: &mut Vec<(String, Mock)>) -> Result<RequestMocks, String> {
        let mut rules = Vec::new();
        let mut rest = Vec::new();
        for (name, mock) in mocks.drain(..) {
            let Some(rule) = name.strip_prefix("request ") else {
                rest.push((name, mock));
                continue;
            };
            let mut parts = rule.split_whitespace();
            let (Some(method), Some(url), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!("{name:?}: expected \"request <METHOD> <url>\""));
            };
            let method = method.to_ascii_uppercase();
            if method != "*" && !METHODS.contains(&method.as_str()) {
                return Err(format!("{name:?}: invalid method {method:?}"));
            }
            rules.push((method, url.to_string(), mock));
        }
        *mocks = rest;
        Ok(RequestMocks(rules))
    }

    /// The rule answering `method` `url`, if any (the first that matches).
    pub fn find(&self, method: &str, url: &str) -> Option<&Mock> {
        let bare = url.split(['?', '#']).next().unwrap_or(url);
        self.0
            .iter()
            .find(|(m, pattern, _)| {
                (m == "*" || m == method)
                    && match pattern.strip_suffix('*') {
                        Some(prefix) => url.starts_with(prefix),
                        None => pattern == bare || pattern == url,
                    }
            })
            .map(|(_, _, mock)| mock)
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The requests of a shell: one HTTP client (its connections reused), the mock rules and
/// the requests in flight (for `RequestTask.abort()`).
pub struct Requests {
    client: reqwest::Client,
    mocks: RequestMocks,
    reachability: Arc<super::Reachability>,
    in_flight: Mutex<HashMap<String, tokio::task::AbortHandle>>,
}

impl Requests {
    /// A client with WeChat's defaults, these mock rules, and what it knows of the hosts
    /// it reaches (offline: every request without a mock fails at once).
    pub fn new(mocks: RequestMocks, reachability: Arc<super::Reachability>) -> Arc<Requests> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("superapp-shell/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(super::reachability::CONNECT_TIMEOUT)
            .build()
            .expect("an HTTP client with rustls builds");
        Arc::new(Requests { client, mocks, reachability, in_flight: Mutex::new(HashMap::new()) })
    }

    /// What the shell knows of the hosts it reaches.
    pub(crate) fn reachability(&self) -> &Arc<super::Reachability> {
        &self.reachability
    }

    /// Sends `request` to `url`: at once a failure when its host is unreachable (or the
    /// shell is offline); a failure to connect marks the host unreachable.
    pub(crate) async fn send_checked(
        &self,
        url: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ApiError> {
        self.reachability.check(url).map_err(ApiError::new)?;
        match request.send().await {
            Ok(reply) => Ok(reply),
            Err(err) => {
                if err.is_connect() {
                    self.reachability.failed(url, &root_cause(&err));
                }
                Err(failure(err))
            }
        }
    }

    /// The mock rules.
    pub(crate) fn mocks(&self) -> &RequestMocks {
        &self.mocks
    }

    /// The HTTP client.
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// `wx.request`.
    pub async fn request(self: Arc<Self>, call: MiniApiCall) -> Result<Option<Map<String, Value>>, ApiError> {
        let options = RequestOptions::parse(call.data()).map_err(|err| ApiError::new(err.to_string()))?;
        if let Some(mock) = self.mocks.find(&options.method, &options.url) {
            let answer = mock.clone().into_handler().call(call).await?;
            let mut answer = answer.unwrap_or_default();
            answer.entry("statusCode").or_insert(json!(200));
            answer.entry("header").or_insert(json!({}));
            answer.entry("data").or_insert(json!(""));
            return Ok(Some(answer));
        }
        let task = options.task.clone();
        let this = self.clone();
        self.tracked(task, async move { this.send(&options).await.map(Some) }).await
    }

    /// Runs `work` as the page's task `task` (its abort() stops it: it then answers
    /// `abort`).
    pub(crate) async fn tracked(
        &self,
        task: Option<String>,
        work: impl std::future::Future<Output = Result<Option<Map<String, Value>>, ApiError>> + Send + 'static,
    ) -> Result<Option<Map<String, Value>>, ApiError> {
        let send = tokio::spawn(work);
        if let Some(task) = task {
            self.in_flight.lock().expect("in-flight lock").insert(task.clone(), send.abort_handle());
            let result = send.await;
            self.in_flight.lock().expect("in-flight lock").remove(&task);
            return finish(result);
        }
        finish(send.await)
    }

    /// `RequestTask.abort()`: the request `task` of this page stops; it answers `abort`.
    pub async fn abort(self: Arc<Self>, call: MiniApiCall) -> Result<Option<Map<String, Value>>, ApiError> {
        let task = call.data().get("task").and_then(Value::as_str).unwrap_or_default();
        if let Some(handle) = self.in_flight.lock().expect("in-flight lock").remove(task) {
            handle.abort();
        }
        Ok(None)
    }

    async fn send(&self, options: &RequestOptions) -> Result<Map<String, Value>, ApiError> {
        let method =
            reqwest::Method::from_bytes(options.method.as_bytes()).map_err(|err| ApiError::new(err.to_string()))?;
        let mut request = self.client.request(method, &options.url).timeout(options.timeout);
        for (name, value) in &options.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &options.body {
            request = request.body(body.clone());
        }
        let reply = self.send_checked(&options.url, request).await?;
        let status = reply.status().as_u16();
        let headers: Vec<(String, String)> = reply
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        let body = reply.bytes().await.map_err(failure)?;
        Ok(response(options, status, &headers, &body))
    }
}

fn finish(
    result: Result<Result<Option<Map<String, Value>>, ApiError>, tokio::task::JoinError>,
) -> Result<Option<Map<String, Value>>, ApiError> {
    match result {
        Ok(answer) => answer,
        Err(err) if err.is_cancelled() => Err(ApiError::new("abort")),
        Err(err) => Err(ApiError::new(format!("request task failed: {err}"))),
    }
}

/// The innermost cause of an error (`dns error: failed to lookup address information: ...`,
/// `Connection refused (os error 111)`), for a short reason.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &dyn std::error::Error = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// A reqwest error as WeChat's fail reasons: `timeout`, or the cause.
pub(crate) fn failure(err: reqwest::Error) -> ApiError {
    if err.is_timeout() {
        return ApiError::new("timeout");
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    ApiError::new(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_as_wechat_reads_them() {
        let get =
            RequestOptions::parse(&json!({"url": "https://a.test/items?x=1", "data": {"q": "a b", "n": 2}})).unwrap();
        assert_eq!(get.url, "https://a.test/items?x=1&q=a%20b&n=2");
        assert_eq!((get.method.as_str(), get.body.as_ref()), ("GET", None));
        assert_eq!(get.headers, [("content-type".to_string(), "application/json".to_string())]);
        assert_eq!(
            (get.data_type, get.response_type, get.timeout),
            (DataType::Json, ResponseType::Text, DEFAULT_TIMEOUT)
        );
        let post = RequestOptions::parse(
            &json!({"url": "http://a.test/", "method": "post", "data": {"a": [1]}, "timeout": 500, "__task": "k-3"}),
        )
        .unwrap();
        assert_eq!((post.method.as_str(), post.body.as_deref()), ("POST", Some(&br#"{"a":[1]}"#[..])));
        assert_eq!((post.timeout, post.task.as_deref()), (Duration::from_millis(500), Some("k-3")));
        let form = RequestOptions::parse(&json!({"url": "http://a.test/", "method": "POST", "data": {"a": "1&2"},
            "header": {"Content-Type": "application/x-www-form-urlencoded"}, "dataType": "text", "responseType": "arraybuffer"})).unwrap();
        assert_eq!(form.body.as_deref(), Some(&b"a=1%262"[..]));
        assert_eq!(form.headers.len(), 1, "the page's content-type is kept");
        assert_eq!((form.data_type, form.response_type), (DataType::Text, ResponseType::ArrayBuffer));
        for (bad, message) in [
            (json!({"url": "ftp://x"}), "invalid url \"ftp://x\""),
            (json!({}), "invalid url \"\""),
            (json!({"url": "http://x", "method": "FETCH"}), "invalid method \"FETCH\""),
            (json!({"url": "http://x", "header": [1]}), "header must be an object of strings, got [1]"),
        ] {
            assert_eq!(RequestOptions::parse(&bad).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn answers_carry_data_as_asked_status_header_and_cookies() {
        let options = RequestOptions::parse(&json!({"url": "http://a.test/"})).unwrap();
        let headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            ("set-cookie".to_string(), "a=1".to_string()),
            ("set-cookie".to_string(), "b=2".to_string()),
        ];
        let answer = response(&options, 404, &headers, br#"{"ok":false}"#);
        assert_eq!(
            Value::Object(answer),
            json!({"data": {"ok": false}, "statusCode": 404,
                   "header": {"content-type": "application/json", "set-cookie": "a=1, b=2"}, "cookies": ["a=1", "b=2"]})
        );
        assert_eq!(response(&options, 200, &[], b"not json")["data"], json!("not json"));
        let bytes = RequestOptions::parse(&json!({"url": "http://a.test/", "responseType": "arraybuffer"})).unwrap();
        let answer = response(&bytes, 200, &[], &[0, 255]);
        assert_eq!((answer["data"].clone(), answer["__arrayBuffer"].clone()), (json!("AP8="), json!(true)));
    }

    #[test]
    fn mock_rules_match_by_method_and_url() {
        let mut mocks = crate::core::mock::parse_mocks(
            r#"{"request GET https://a.test/items": {"result": {"data": [1]}},
                "request * https://a.test/api/*": {"fail": "offline"},
                "getUser": {"result": {}}}"#,
        )
        .unwrap();
        let rules = RequestMocks::take(&mut mocks).unwrap();
        assert_eq!(mocks.len(), 1, "the other mocks stay");
        assert!(rules.find("GET", "https://a.test/items?page=2").is_some(), "the query is not compared");
        assert!(rules.find("POST", "https://a.test/items").is_none());
        assert_eq!(rules.find("DELETE", "https://a.test/api/x/1").unwrap().outcome, Err("offline".into()));
        assert!(rules.find("GET", "https://b.test/items").is_none());
        let mut bad = crate::core::mock::parse_mocks(r#"{"request https://a.test/": {"result": {}}}"#).unwrap();
        assert_eq!(
            RequestMocks::take(&mut bad).unwrap_err(),
            r#""request https://a.test/": expected "request <METHOD> <url>""#
        );
    }
}
