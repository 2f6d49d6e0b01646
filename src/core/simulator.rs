//! WeChat's account, authorization and sharing APIs, answered as WeChat DevTools'
//! simulator answers them: a desktop has no WeChat account behind it, but everyday mini
//! programs call these at start-up (`wx.login` in `App.onLaunch`, `wx.getSetting` before
//! asking for user info, the share menu on every page) and must go on.
//!
//! - `login` gives a fresh `code` (`superapp-<app id>-<n>`): a backend cannot exchange it,
//!   so a mini program that needs a session answers `login` with a `--mock` rule, or its
//!   backend call with one.
//! - `authorize({scope})` grants the scope at once (DevTools shows a dialog that a person
//!   accepts; QA runs have no person); `getSetting` and `openSetting` report the grants of
//!   this run; `getUserProfile` and `getUserInfo` grant `scope.userInfo` and give
//!   WeChat's anonymous user (`微信用户`, a grey avatar).
//! - The share menu APIs, privacy checks and subscription requests succeed.
//!
//! Each is a built-in in the registry, so a host registration or a `--mock` rule of the
//! same name answers instead, and the automator's `mockWxMethod` replaces it on the page.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use super::api_error::ApiError;
use super::call::MiniApiCall;
use super::handler::{ApiResult, Handler};
use super::registry::RegistryBuilder;

/// Every API this module answers (each also a [`WX_FUNCTIONS`](super::builtins::WX_FUNCTIONS)
/// entry).
pub const APIS: &[&str] = &[
    "login",
    "checkSession",
    "getSetting",
    "openSetting",
    "authorize",
    "getUserProfile",
    "getUserInfo",
    "requestSubscribeMessage",
    "showShareMenu",
    "hideShareMenu",
    "updateShareMenu",
    "getShareInfo",
    "showShareImageMenu",
    "getPrivacySetting",
    "requirePrivacyAuthorize",
    "openPrivacyContract",
];

/// The anonymous user WeChat gives mini programs since 2022, as DevTools shows it.
const NICKNAME: &str = "微信用户";
/// A grey avatar (an SVG data URL: no network).
const AVATAR: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxMzIgMTMyIj48cmVjdCB3aWR0aD0iMTMyIiBoZWlnaHQ9IjEzMiIgZmlsbD0iI2Q5ZDlkOSIvPjxjaXJjbGUgY3g9IjY2IiBjeT0iNTIiIHI9IjI0IiBmaWxsPSIjZmZmIi8+PHBhdGggZD0iTTI0IDEzMmM0LTI4IDIwLTQ0IDQyLTQ0czM4IDE2IDQyIDQ0eiIgZmlsbD0iI2ZmZiIvPjwvc3ZnPg==";

/// The scopes each mini program was granted in this run (by app id).
#[derive(Default)]
struct Grants {
    by_app: Mutex<HashMap<String, BTreeSet<String>>>,
    logins: AtomicU64,
}

impl Grants {
    fn grant(&self, app_id: &str, scope: &str) {
        self.by_app.lock().expect("grants lock").entry(app_id.to_string()).or_default().insert(scope.to_string());
    }

    /// `authSetting`: each granted scope, `true`.
    fn auth_setting(&self, app_id: &str) -> Value {
        let grants = self.by_app.lock().expect("grants lock");
        let scopes = grants.get(app_id).into_iter().flatten().map(|scope| (scope.clone(), Value::Bool(true)));
        Value::Object(scopes.collect())
    }
}

fn object(value: Value) -> ApiResult {
    Ok(value.as_object().cloned())
}

fn user_info() -> Value {
    let user = json!({
        "nickName": NICKNAME, "avatarUrl": AVATAR, "gender": 0,
        "country": "", "province": "", "city": "", "language": "zh_CN"
    });
    json!({
        "userInfo": user,
        "rawData": user.to_string(),
        "signature": "superapp-simulated",
        "encryptedData": "",
        "iv": ""
    })
}

/// One API's answer.
fn answer(grants: &Grants, call: &MiniApiCall) -> ApiResult {
    let app = call.app_info.app_id.as_str();
    let data = call.data();
    match call.api_name.as_str() {
        "login" => {
            let n = grants.logins.fetch_add(1, Ordering::Relaxed) + 1;
            object(json!({ "code": format!("superapp-{app}-{n}") }))
        }
        "getSetting" | "openSetting" => {
            let mut answer = Map::new();
            answer.insert("authSetting".into(), grants.auth_setting(app));
            if data.get("withSubscriptions").and_then(Value::as_bool) == Some(true) {
                answer.insert("subscriptionsSetting".into(), json!({"mainSwitch": true, "itemSettings": {}}));
            }
            Ok(Some(answer))
        }
        "authorize" => match data.get("scope").and_then(Value::as_str) {
            Some(scope) if scope.starts_with("scope.") => {
                grants.grant(app, scope);
                Ok(None)
            }
            other => Err(ApiError::new(format!("invalid scope {:?}", other.unwrap_or_default()))),
        },
        "getUserProfile" | "getUserInfo" => {
            grants.grant(app, "scope.userInfo");
            object(user_info())
        }
        "requestSubscribeMessage" => {
            let ids = data.get("tmplIds").and_then(Value::as_array).cloned().unwrap_or_default();
            if ids.is_empty() {
                return Err(ApiError::new("parameter error: tmplIds must be a non-empty array"));
            }
            let accepted = ids.iter().filter_map(Value::as_str).map(|id| (id.to_string(), json!("accept")));
            Ok(Some(accepted.collect()))
        }
        "getShareInfo" => object(json!({"encryptedData": "", "iv": "", "cloudID": ""})),
        "getPrivacySetting" => {
            object(json!({"needAuthorization": false, "privacyContractName": "《小程序隐私保护指引》"}))
        }
        _ => Ok(None),
    }
}

/// Adds every simulated API whose name the host did not register.
pub fn register(builder: &mut RegistryBuilder) {
    let grants = Arc::new(Grants::default());
    for name in APIS {
        let grants = grants.clone();
        let handler: Arc<dyn Handler> = Arc::new(move |call: MiniApiCall| std::future::ready(answer(&grants, &call)));
        builder.register_default(name, handler);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(grants: &Grants, api: &str, data: Value) -> ApiResult {
        answer(grants, &MiniApiCall::for_test(api, data))
    }

    #[test]
    fn login_gives_a_fresh_code_each_time() {
        let grants = Grants::default();
        let first = call(&grants, "login", json!({})).unwrap().unwrap();
        let second = call(&grants, "login", json!({})).unwrap().unwrap();
        assert!(first["code"].as_str().unwrap().starts_with("superapp-"));
        assert_ne!(first["code"], second["code"]);
    }

    #[test]
    fn authorize_grants_what_get_setting_reports() {
        let grants = Grants::default();
        assert_eq!(call(&grants, "getSetting", json!({})).unwrap().unwrap()["authSetting"], json!({}));
        assert_eq!(call(&grants, "authorize", json!({"scope": "scope.record"})), Ok(None));
        call(&grants, "getUserProfile", json!({"desc": "to show you"})).unwrap();
        let setting = call(&grants, "getSetting", json!({"withSubscriptions": true})).unwrap().unwrap();
        assert_eq!(setting["authSetting"], json!({"scope.record": true, "scope.userInfo": true}));
        assert_eq!(setting["subscriptionsSetting"]["mainSwitch"], json!(true));
        assert_eq!(
            call(&grants, "authorize", json!({"scope": "camera"})).unwrap_err().to_string(),
            "invalid scope \"camera\""
        );
    }

    #[test]
    fn user_info_is_wechats_anonymous_user() {
        let grants = Grants::default();
        let info = call(&grants, "getUserInfo", json!({})).unwrap().unwrap();
        assert_eq!(info["userInfo"]["nickName"], json!(NICKNAME));
        let raw: Value = serde_json::from_str(info["rawData"].as_str().unwrap()).unwrap();
        assert_eq!(raw, info["userInfo"]);
    }

    #[test]
    fn subscriptions_are_accepted_and_need_template_ids() {
        let grants = Grants::default();
        let answer = call(&grants, "requestSubscribeMessage", json!({"tmplIds": ["a", "b"]})).unwrap().unwrap();
        assert_eq!(Value::Object(answer), json!({"a": "accept", "b": "accept"}));
        assert!(call(&grants, "requestSubscribeMessage", json!({})).is_err());
    }
}
