//! The built-in `wx` APIs, registered as handlers in the same registry as custom APIs
//! (a host registration with a built-in's name overrides it).
//!
//! Storage is answered here, in the pure core. Routing, chrome and system information
//! need the UI thread: their handlers forward the call as a
//! [`ShellRequest`](super::host::ShellRequest) and await its answer.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::api_error::ApiError;
use super::call::MiniApiCall;
use super::handler::{ApiResult, Handler};
use super::registry::RegistryBuilder;
use super::storage::{Item, Storage};

/// Built-ins answered on the UI thread.
pub const UI_THREAD_APIS: &[&str] = &[
    "navigateTo",
    "redirectTo",
    "navigateBack",
    "reLaunch",
    "switchTab",
    "showToast",
    "hideToast",
    "showLoading",
    "hideLoading",
    "showModal",
    "setNavigationBarTitle",
    "setNavigationBarColor",
    "getSystemInfo",
    "getWindowInfo",
    "getDeviceInfo",
    "getAppBaseInfo",
];

/// How long `showModal` may wait for a person: a day.
pub const MODAL_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Adds every built-in whose name the host did not register.
pub fn register(builder: &mut RegistryBuilder, storage: Arc<Storage>) {
    for name in UI_THREAD_APIS {
        let added = builder.register_default(name, Arc::new(forward_to_shell));
        if added && *name == "showModal" {
            builder.set_timeout_if_default(name, MODAL_TIMEOUT);
        }
    }
    builder.register_default("exitMiniProgram", Arc::new(exit_mini_program));
    let storage_api = |op: fn(&Storage, &str, &Value) -> ApiResult| -> Arc<dyn Handler> {
        let storage = storage.clone();
        Arc::new(move |call: MiniApiCall| {
            let storage = storage.clone();
            async move {
                let app_id = call.app_info.app_id.clone();
                // File writes and fsync block: keep them off the async workers.
                tokio::task::spawn_blocking(move || op(&storage, &app_id, call.data()))
                    .await
                    .map_err(|err| ApiError::new(format!("storage task failed: {err}")))?
            }
        })
    };
    builder.register_default("setStorage", storage_api(set_storage));
    builder.register_default("getStorage", storage_api(get_storage));
    builder.register_default("removeStorage", storage_api(remove_storage));
    builder.register_default("clearStorage", storage_api(|s, app, _| s.clear(app).map(|_| None).map_err(ApiError::new)));
    builder.register_default("getStorageInfo", storage_api(|s, app, _| {
        let info = s.info(app).map_err(ApiError::new)?;
        Ok(serde_json::to_value(info).ok().and_then(|v| v.as_object().cloned()))
    }));
}

/// Forwards a built-in call to the UI thread and returns its answer.
async fn forward_to_shell(call: MiniApiCall) -> ApiResult {
    let host = call.host().clone();
    host.request(call.web_view_id, &call.api_name, call.params.data)
        .await
        .map_err(ApiError::new)
}

/// `wx.exitMiniProgram`: ends the run with status 0.
async fn exit_mini_program(call: MiniApiCall) -> ApiResult {
    call.host().exit(0).map_err(ApiError::new)?;
    Ok(None)
}

fn key_of(data: &Value) -> Result<&str, ApiError> {
    match data.get("key") {
        Some(Value::String(key)) if !key.is_empty() => Ok(key),
        _ => Err(ApiError::new("parameter error: key must be a non-empty string")),
    }
}

fn set_storage(storage: &Storage, app_id: &str, data: &Value) -> ApiResult {
    let key = key_of(data)?.to_string();
    let encoded = match data.get("data") {
        Some(Value::String(text)) => text.clone(),
        _ => return Err(ApiError::new("parameter error: data must be encoded as a string")),
    };
    let data_type = data.get("dataType").and_then(Value::as_str).unwrap_or("String").to_string();
    storage
        .set(app_id, Item { key, data: encoded, data_type })
        .map_err(ApiError::new)?;
    Ok(None)
}

fn get_storage(storage: &Storage, app_id: &str, data: &Value) -> ApiResult {
    let item = storage.get(app_id, key_of(data)?).map_err(ApiError::new)?;
    Ok(json!({"data": item.data, "dataType": item.data_type}).as_object().cloned())
}

fn remove_storage(storage: &Storage, app_id: &str, data: &Value) -> ApiResult {
    storage.remove(app_id, key_of(data)?).map_err(ApiError::new)?;
    Ok(None::<Map<String, Value>>)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(tmp: &std::path::Path) -> crate::core::registry::Registry {
        let mut builder = RegistryBuilder::new().register("getStorage", |_c: MiniApiCall| async {
            Ok(json!({"overridden": true}).as_object().cloned())
        });
        register(&mut builder, Arc::new(Storage::new(tmp.to_path_buf())));
        builder.build()
    }

    #[tokio::test]
    async fn storage_round_trips_through_the_registry() {
        let tmp = tempfile::tempdir().unwrap();
        let registry = registry(tmp.path());
        let set = MiniApiCall::for_test("setStorage", json!({"key": "k", "data": "[1,2]", "dataType": "Array"}));
        assert_eq!(registry.dispatch(set).await, Ok(None));
        let info = registry.dispatch(MiniApiCall::for_test("getStorageInfo", Value::Null)).await.unwrap();
        assert_eq!(Value::Object(info.unwrap()), json!({"keys": ["k"], "currentSize": 1, "limitSize": 10240}));
        let bad = MiniApiCall::for_test("setStorage", json!({"key": "k", "data": 5}));
        assert_eq!(registry.dispatch(bad).await.unwrap_err().to_string(), "parameter error: data must be encoded as a string");
    }

    #[tokio::test]
    async fn a_host_registration_overrides_a_built_in() {
        let tmp = tempfile::tempdir().unwrap();
        let registry = registry(tmp.path());
        let got = registry.dispatch(MiniApiCall::for_test("getStorage", json!({"key": "k"}))).await;
        assert_eq!(got, Ok(json!({"overridden": true}).as_object().cloned()));
        assert!(registry.contains("navigateTo") && registry.contains("exitMiniProgram"));
        assert_eq!(registry.timeout_of("showModal"), MODAL_TIMEOUT);
    }
}
