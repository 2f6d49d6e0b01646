//! The handlers the sample mini program calls, written as the code a host developer
//! would copy: each is a plain `async fn(MiniApiCall) -> ApiResult<T>`, where `T` is
//! anything that serialises to a JSON object (a struct, `json!({..})`), or `()`.

use std::time::Duration;

use include_dir::{include_dir, Dir};
use serde::Serialize;
use serde_json::{json, Value};

use crate::{ApiError, ApiResult, MiniApiCall, ShellBuilder, Target};

/// The sample mini program, embedded in the binary.
pub static SAMPLE_MINIAPP: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sample_miniapp");

/// The WXML sample mini program (WXML, WXSS and JS on the two layers), embedded too.
pub static SAMPLE_WXML: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sample_wxml");

/// The seed example: logs what it received and answers with a fixed map.
pub async fn my_api_handler(call: MiniApiCall) -> ApiResult<Value> {
    tracing::info!(
        api_name = %call.api_name,
        app_info = %serde_json::to_string(&call.app_info).unwrap_or_default(),
        web_view_id = call.web_view_id,
        params = %serde_json::to_string(&call.params).unwrap_or_default(),
        "myApiHandler called"
    );
    Ok(json!({"result": "success", "method": "myApiHandler"}))
}

/// Reports progress: five states of `{percent}`, 100 ms apart, then the total.
pub async fn simulate_download(call: MiniApiCall) -> ApiResult<Value> {
    let total = call.data().get("bytes").and_then(|v| v.as_u64()).unwrap_or(1000);
    for step in 1..=5u64 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        call.send_state(json!({"percent": step * 20, "received": total * step / 5}));
    }
    Ok(json!({"bytes": total}))
}

/// Facts about the host, as `getHostInfo` answers them.
#[derive(Debug, Serialize)]
pub struct HostInfo {
    /// The host's name.
    pub host: &'static str,
    /// Its version.
    pub version: &'static str,
    /// The operating system.
    pub os: &'static str,
}

/// A quick answer meant for `sync: true` calls: facts about the host, as a struct.
pub async fn get_host_info(_call: MiniApiCall) -> ApiResult<HostInfo> {
    Ok(HostInfo { host: "superapp-shell", version: env!("CARGO_PKG_VERSION"), os: std::env::consts::OS })
}

/// Always fails, with an error code the page can read.
pub async fn pay_with_card(call: MiniApiCall) -> ApiResult<()> {
    let amount = call.data().get("amount").cloned().unwrap_or_default();
    Err(ApiError::new(format!("card declined for amount {amount}")).with("errCode", 1001))
}

/// Answers at once, then pushes a `hostGreeting` event to the calling mini program.
pub async fn request_host_event(call: MiniApiCall) -> ApiResult<()> {
    let host = call.host().clone();
    let app_id = call.app_info.app_id.clone();
    let text = call.data().get("text").and_then(|v| v.as_str()).unwrap_or("hello").to_string();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = host.emit(Target::App(app_id), "hostGreeting", json!({"text": text, "from": "rust"}));
    });
    Ok(())
}

/// Registers every handler the sample needs.
pub fn register(builder: ShellBuilder) -> ShellBuilder {
    builder
        .register("myApiName", my_api_handler)
        .register("simulateDownload", simulate_download)
        .register("getHostInfo", get_host_info)
        .register("payWithCard", pay_with_card)
        .register("requestHostEvent", request_host_event)
}
