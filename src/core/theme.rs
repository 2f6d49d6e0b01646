//! Dark mode as WeChat defines it: `app.json`'s `themeLocation` names a theme file
//! (`{"light": {...}, "dark": {...}}`), and a value `"@name"` in `app.json` or a page's
//! `.json` is `name` in the current theme's map. The theme is chosen per run
//! (`superapp run --theme dark`); pages see it in `wx.getSystemInfoSync().theme` and in
//! `@media (prefers-color-scheme: dark)`.

use serde::Serialize;
use serde_json::{Map, Value};

/// The current theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Light (WeChat's default).
    #[default]
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// Its name, as the theme file and `wx` name it.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// A `"@name"` the theme does not define, or a theme file without the theme.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ThemeError {
    /// The theme file has no object for the theme.
    #[error("has no {0:?} theme")]
    NoTheme(&'static str),
    /// A value names a variable the theme lacks: (field, variable).
    #[error("field {0:?}: {1:?} is not in the {2:?} theme")]
    Unknown(String, String, &'static str),
}

/// The variables of `theme` in a theme file.
pub fn variables(file: &Value, theme: Theme) -> Result<&Map<String, Value>, ThemeError> {
    file.get(theme.name()).and_then(Value::as_object).ok_or(ThemeError::NoTheme(theme.name()))
}

/// Replaces every string `"@name"` in `value` with `name` from `vars`.
pub fn apply(value: &mut Value, vars: &Map<String, Value>, theme: Theme) -> Result<(), ThemeError> {
    fn walk(value: &mut Value, path: &str, vars: &Map<String, Value>, theme: Theme) -> Result<(), ThemeError> {
        match value {
            Value::String(text) if text.starts_with('@') => {
                let name = &text[1..];
                *value = vars
                    .get(name)
                    .cloned()
                    .ok_or_else(|| ThemeError::Unknown(path.to_string(), text.clone(), theme.name()))?;
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    walk(item, &format!("{path}[{i}]"), vars, theme)?;
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    walk(item, &path, vars, theme)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    walk(value, "", vars, theme)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variables_are_taken_from_the_current_theme() {
        let file = json!({"light": {"fg": "black", "bg": "#ffffff"}, "dark": {"fg": "white", "bg": "#1f1f1f"}});
        let mut app = json!({"window": {"navigationBarTextStyle": "@fg", "backgroundColor": "@bg", "title": "x"},
                             "tabBar": {"list": [{"iconPath": "@bg"}]}});
        apply(&mut app, variables(&file, Theme::Dark).unwrap(), Theme::Dark).unwrap();
        assert_eq!(
            app,
            json!({"window": {"navigationBarTextStyle": "white", "backgroundColor": "#1f1f1f", "title": "x"},
                   "tabBar": {"list": [{"iconPath": "#1f1f1f"}]}})
        );
        let mut bad = json!({"window": {"navigationBarTextStyle": "@nope"}});
        assert_eq!(
            apply(&mut bad, variables(&file, Theme::Light).unwrap(), Theme::Light).unwrap_err().to_string(),
            r#"field "window.navigationBarTextStyle": "@nope" is not in the "light" theme"#
        );
        assert_eq!(variables(&json!({"light": {}}), Theme::Dark).unwrap_err().to_string(), r#"has no "dark" theme"#);
    }
}
