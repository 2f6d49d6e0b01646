//! `wx.downloadFile` and `wx.uploadFile`, done on the Rust side with the shell's HTTP
//! client: a download is written into the mini program's `wxfile://tmp` (or the
//! `filePath` it gives under `wxfile://usr`) and reports its progress; an upload sends
//! one of its files as `multipart/form-data` with `formData`. Any status is a success,
//! as for `wx.request`. `--mock` rules `request GET <url>` (and `request POST <url>` for
//! uploads) answer them offline: a download's file holds the rule's `data`.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Map, Value};

use super::request::{Requests, DEFAULT_TIMEOUT};
use crate::core::api_error::ApiError;
use crate::core::call::MiniApiCall;
use crate::files::fs::FsOp;
use crate::files::path::FilePath;
use crate::files::Files;

fn url_of(data: &Value) -> Result<String, ApiError> {
    let url = data.get("url").and_then(Value::as_str).unwrap_or_default();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ApiError::new(format!("invalid url {url:?}")));
    }
    Ok(url.to_string())
}

fn headers_of(data: &Value) -> Vec<(String, String)> {
    data.get("header")
        .and_then(Value::as_object)
        .map(|map| map.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default()
}

fn timeout_of(data: &Value) -> Duration {
    data.get("timeout").and_then(Value::as_u64).map_or(DEFAULT_TIMEOUT, Duration::from_millis)
}

/// An answer's headers as the page gets them (`{name: value}`).
fn header_map(reply: &reqwest::Response) -> Map<String, Value> {
    reply
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned())))
        .collect()
}

fn mock_text(answer: &Map<String, Value>) -> Vec<u8> {
    match answer.get("data") {
        Some(Value::String(text)) => text.as_bytes().to_vec(),
        Some(other) => other.to_string().into_bytes(),
        None => Vec::new(),
    }
}

impl Requests {
    /// GETs `url` whole (a mock rule answers with its `data`); a status other than 2xx
    /// is an error naming it.
    pub async fn get_bytes(&self, url: &str) -> Result<Vec<u8>, ApiError> {
        if let Some(mock) = self.mocks().find("GET", url) {
            let answer = mock.outcome.clone().map_err(ApiError::new)?.unwrap_or_default();
            return Ok(mock_text(&answer));
        }
        let reply = self.send_checked(url, self.client().get(url).timeout(DEFAULT_TIMEOUT)).await?;
        if !reply.status().is_success() {
            return Err(ApiError::new(format!("GET {url} answered {}", reply.status().as_u16())));
        }
        Ok(reply.bytes().await.map_err(super::request::failure)?.to_vec())
    }

    /// `wx.downloadFile({url, header, timeout, filePath})`: `{tempFilePath | filePath,
    /// statusCode}`; progress states `{progress, totalBytesWritten,
    /// totalBytesExpectedToWrite}` as it arrives.
    pub async fn download(
        self: Arc<Self>,
        files: Arc<Files>,
        call: MiniApiCall,
    ) -> Result<Option<Map<String, Value>>, ApiError> {
        let app = files.of(&call)?;
        let data = call.data().clone();
        let url = url_of(&data)?;
        let target = match data.get("filePath").and_then(Value::as_str) {
            Some(path) => {
                let path = FilePath::parse(path).map_err(|err| ApiError::new(err.to_string()))?;
                if !path.writable() {
                    return Err(ApiError::new(format!("permission denied, open {:?}", path.to_wx())));
                }
                Some(path)
            }
            None => None,
        };
        let (status, bytes) = if let Some(mock) = self.mocks().find("GET", &url) {
            if !mock.delay.is_zero() {
                tokio::time::sleep(mock.delay).await;
            }
            let answer = mock.outcome.clone().map_err(ApiError::new)?.unwrap_or_default();
            let status = answer.get("statusCode").and_then(Value::as_u64).unwrap_or(200);
            (status, mock_text(&answer))
        } else {
            let mut request = self.client().get(&url).timeout(timeout_of(&data));
            for (name, value) in headers_of(&data) {
                request = request.header(name, value);
            }
            let reply = self.send_checked(&url, request).await?;
            let status = reply.status().as_u16() as u64;
            call.send_state(json!({"headersReceived": {"header": header_map(&reply), "statusCode": status}}));
            let total = reply.content_length().unwrap_or(0);
            let mut body = Vec::new();
            let mut stream = reply.bytes_stream();
            let mut said = 0;
            while let Some(chunk) = stream.next().await {
                body.extend_from_slice(&chunk.map_err(super::request::failure)?);
                let progress = (body.len() as u64 * 100).checked_div(total).map_or(0, |p| p.min(100));
                if progress != said || total == 0 {
                    said = progress;
                    call.send_state(json!({"progress": progress, "totalBytesWritten": body.len(),
                        "totalBytesExpectedToWrite": total}));
                }
            }
            (status, body)
        };
        let name = url.split(['?', '#']).next().unwrap_or(&url).rsplit('/').next().unwrap_or("").to_string();
        let answer = tokio::task::spawn_blocking(move || match target {
            Some(path) => {
                let wx = path.to_wx();
                app.run(FsOp::Write { path, data: bytes, append: false }).map(|_| json!({"filePath": wx}))
            }
            None => app.temp_file(&name, &bytes).map(|temp| json!({"tempFilePath": temp})),
        })
        .await
        .map_err(|err| ApiError::new(err.to_string()))?
        .map_err(|err| ApiError::new(err.to_string()))?;
        let mut answer = answer.as_object().cloned().unwrap_or_default();
        answer.insert("statusCode".into(), json!(status));
        Ok(Some(answer))
    }

    /// `wx.uploadFile({url, filePath, name, header, formData, timeout})`: `{data,
    /// statusCode}` (the answer's body as text).
    pub async fn upload(
        self: Arc<Self>,
        files: Arc<Files>,
        call: MiniApiCall,
    ) -> Result<Option<Map<String, Value>>, ApiError> {
        let app = files.of(&call)?;
        let data = call.data().clone();
        let url = url_of(&data)?;
        let field = data.get("name").and_then(Value::as_str).filter(|n| !n.is_empty());
        let Some(field) = field.map(str::to_string) else {
            return Err(ApiError::new("parameter error: name must be a non-empty string"));
        };
        let path = data.get("filePath").and_then(Value::as_str).unwrap_or_default().to_string();
        let located = FilePath::parse(&path).map_err(|err| ApiError::new(err.to_string()))?;
        let bytes = tokio::task::spawn_blocking(move || app.read(&located))
            .await
            .map_err(|err| ApiError::new(err.to_string()))?
            .map_err(|err| ApiError::new(err.to_string()))?;
        if let Some(mock) = self.mocks().find("POST", &url) {
            let mut answer = mock.clone().into_handler().call(call).await?.unwrap_or_default();
            answer.entry("statusCode").or_insert(json!(200));
            answer.entry("data").or_insert(json!(""));
            return Ok(Some(answer));
        }
        let file_name = path.rsplit('/').next().unwrap_or("file").to_string();
        let mime = mime_guess::from_path(&file_name).first_or_octet_stream().to_string();
        let size = bytes.len();
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name)
            .mime_str(&mime)
            .map_err(|err| ApiError::new(err.to_string()))?;
        let mut form = reqwest::multipart::Form::new();
        if let Some(extra) = data.get("formData").and_then(Value::as_object) {
            for (key, value) in extra {
                let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
                form = form.text(key.clone(), text);
            }
        }
        form = form.part(field, part);
        let mut request = self.client().post(&url).timeout(timeout_of(&data)).multipart(form);
        for (name, value) in headers_of(&data) {
            if !name.eq_ignore_ascii_case("content-type") {
                request = request.header(name, value);
            }
        }
        let reply = self.send_checked(&url, request).await?;
        let status = reply.status().as_u16();
        // (the body goes out whole: its progress is said once it has gone)
        call.send_state(json!({"progress": 100, "totalBytesSent": size, "totalBytesExpectedToSend": size}));
        call.send_state(json!({"headersReceived": {"header": header_map(&reply), "statusCode": status}}));
        let body = reply.text().await.map_err(super::request::failure)?;
        Ok(json!({"data": body, "statusCode": status}).as_object().cloned())
    }
}
