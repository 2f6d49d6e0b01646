//! Who a mini program is: the identity a handler sees in [`MiniApiCall::app_info`](crate::MiniApiCall).

use serde::Serialize;

/// The version type of a mini program, as TCSAS numbers them (Develop 0 .. Online 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerType {
    /// A development build: what a desktop preview runs unless told otherwise.
    Develop,
    /// A preview build shared for testing.
    Preview,
    /// A build under review.
    Audit,
    /// The released build.
    Online,
}

impl VerType {
    /// Reads a version type from its name (`develop`, `preview`, `audit`, `online`,
    /// any case) or its TCSAS number (0 to 3).
    pub fn parse(text: &str) -> Option<VerType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "develop" | "0" => Some(VerType::Develop),
            "preview" | "1" => Some(VerType::Preview),
            "audit" | "2" => Some(VerType::Audit),
            "online" | "3" => Some(VerType::Online),
            _ => None,
        }
    }

    /// WeChat's name for it in `wx.getAccountInfoSync().miniProgram.envVersion`:
    /// `develop`, `trial` (a preview or a build under review) or `release`.
    pub fn env_version(self) -> &'static str {
        match self {
            VerType::Develop => "develop",
            VerType::Preview | VerType::Audit => "trial",
            VerType::Online => "release",
        }
    }
}

/// A mini program's identity, read from its package's `project.config.json`.
///
/// Serialises with TCSAS's Flutter `AppInfo` key names (`appId`, `name`, `version`,
/// `appVerType`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The mini program's id (`appid` in `project.config.json`).
    pub app_id: String,
    /// Its display name (`projectname` in `project.config.json`).
    pub name: String,
    /// Its version (`version` in `project.config.json`, else `"0.0.0"`).
    pub version: String,
    /// Its version type (`verType` in `project.config.json`, else develop).
    #[serde(rename = "appVerType")]
    pub ver_type: VerType,
}

impl AppInfo {
    /// What `wx.getAccountInfoSync()` returns: `{miniProgram: {appId, envVersion, version},
    /// plugin: {}}`.
    pub fn account_info(&self) -> serde_json::Value {
        serde_json::json!({
            "miniProgram": {"appId": self.app_id, "envVersion": self.ver_type.env_version(), "version": self.version},
            "plugin": {}
        })
    }

    /// The identity used when a package says nothing about itself: app id `"local"`,
    /// the given name, version `"0.0.0"`, develop.
    pub fn fallback(name: &str) -> AppInfo {
        AppInfo {
            app_id: "local".to_string(),
            name: name.to_string(),
            version: "0.0.0".to_string(),
            ver_type: VerType::Develop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_tcsas_key_names() {
        let info =
            AppInfo { app_id: "wx123".into(), name: "Demo".into(), version: "1.2.0".into(), ver_type: VerType::Online };
        assert_eq!(
            serde_json::to_string(&info).unwrap(),
            r#"{"appId":"wx123","name":"Demo","version":"1.2.0","appVerType":"online"}"#
        );
    }

    #[test]
    fn parses_version_types_by_name_and_number() {
        assert_eq!(VerType::parse("Preview"), Some(VerType::Preview));
        assert_eq!(VerType::parse("3"), Some(VerType::Online));
        assert_eq!(VerType::parse("beta"), None);
    }

    #[test]
    fn account_info_says_the_app_and_its_environment_as_wechat_does() {
        let mut info = AppInfo::fallback("demo");
        info.app_id = "wx42".into();
        info.ver_type = VerType::Preview;
        assert_eq!(
            info.account_info(),
            serde_json::json!({"miniProgram": {"appId": "wx42", "envVersion": "trial", "version": "0.0.0"}, "plugin": {}})
        );
        assert_eq!(VerType::Online.env_version(), "release");
        assert_eq!(VerType::Develop.env_version(), "develop");
    }
}
