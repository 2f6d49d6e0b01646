//! The choosers' requests and answers (`wx.chooseImage`, `wx.chooseMedia`,
//! `wx.chooseMessageFile`), as plain data: what the person is asked for (kinds of file,
//! how many), and the chosen files in each API's own shape.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Which chooser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChooseApi {
    /// `wx.chooseImage`.
    Image,
    /// `wx.chooseMedia`.
    Media,
    /// `wx.chooseMessageFile`.
    MessageFile,
}

/// What the GTK file chooser is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChooseRequest {
    /// The API.
    pub api: ChooseApi,
    /// At most this many files.
    pub count: usize,
    /// The file name extensions offered (lower case, no dot); empty: any file.
    pub extensions: Vec<String>,
    /// The dialog's title.
    pub title: String,
}

/// Image extensions the choosers offer.
pub const IMAGES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "bmp", "svg"];
/// Video extensions the choosers offer.
pub const VIDEOS: &[&str] = &["mp4", "webm", "ogv", "mov", "m4v"];

/// A file the person chose, copied into the mini program's `tmp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// Its `wxfile://tmp/...` path.
    pub temp: String,
    /// Its name where it was chosen.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Width and height, when it is an image.
    pub dimensions: Option<(usize, usize)>,
}

impl ChooseRequest {
    /// Reads the options of `api` (`chooseImage`, `chooseMedia`, `chooseMessageFile`).
    pub fn parse(api: &str, data: &Value) -> Result<ChooseRequest, String> {
        let api = match api {
            "chooseImage" => ChooseApi::Image,
            "chooseMedia" => ChooseApi::Media,
            "chooseMessageFile" => ChooseApi::MessageFile,
            other => return Err(format!("{other:?} is not a chooser")),
        };
        let (limit, default) = if api == ChooseApi::MessageFile { (100, None) } else { (20, Some(9)) };
        let count = match (data.get("count").and_then(Value::as_u64), default) {
            (Some(n), _) if (1..=limit).contains(&n) => n as usize,
            (None, Some(n)) => n,
            (Some(n), _) => return Err(format!("parameter error: count must be 1 to {limit}, got {n}")),
            (None, None) => return Err("parameter error: count is missing".into()),
        };
        // (a desktop has no camera: asking only for it fails)
        let sources: Vec<&str> = data
            .get("sourceType")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !sources.is_empty() && !sources.contains(&"album") {
            return Err("not supported on this desktop: sourceType camera".into());
        }
        let list = |key: &str| -> Vec<String> {
            data.get(key)
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(Value::as_str).map(str::to_ascii_lowercase).collect())
                .unwrap_or_default()
        };
        let of = |names: &[&str]| names.iter().map(|e| e.to_string()).collect::<Vec<_>>();
        let extensions = match api {
            ChooseApi::Image => of(IMAGES),
            ChooseApi::Media => {
                let kinds = list("mediaType");
                let images = kinds.is_empty() || kinds.iter().any(|k| k == "image" || k == "mix");
                let videos = kinds.is_empty() || kinds.iter().any(|k| k == "video" || k == "mix");
                let mut out = Vec::new();
                if images {
                    out.extend(of(IMAGES));
                }
                if videos {
                    out.extend(of(VIDEOS));
                }
                out
            }
            ChooseApi::MessageFile => {
                let given: Vec<String> =
                    list("extension").into_iter().map(|e| e.trim_start_matches('.').to_string()).collect();
                match data.get("type").and_then(Value::as_str).unwrap_or("all") {
                    "image" => of(IMAGES),
                    "video" => of(VIDEOS),
                    _ => given,
                }
            }
        };
        let title = match api {
            ChooseApi::Image => "Choose images",
            ChooseApi::Media => "Choose images or videos",
            ChooseApi::MessageFile => "Choose files",
        };
        Ok(ChooseRequest { api, count, extensions, title: title.to_string() })
    }

    /// The API's answer for these chosen files.
    pub fn answer(&self, chosen: &[Chosen]) -> Map<String, Value> {
        let is_video = |c: &Chosen| {
            let ext = c.name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            VIDEOS.contains(&ext.as_str())
        };
        let value = match self.api {
            ChooseApi::Image => json!({
                "tempFilePaths": chosen.iter().map(|c| c.temp.clone()).collect::<Vec<_>>(),
                "tempFiles": chosen.iter().map(|c| json!({"path": c.temp, "size": c.size})).collect::<Vec<_>>(),
            }),
            ChooseApi::Media => {
                let videos = chosen.iter().filter(|c| is_video(c)).count();
                let kind = if videos == 0 {
                    "image"
                } else if videos == chosen.len() {
                    "video"
                } else {
                    "mix"
                };
                json!({
                    "type": kind,
                    "tempFiles": chosen.iter().map(|c| {
                        let (width, height) = c.dimensions.unwrap_or((0, 0));
                        json!({"tempFilePath": c.temp, "size": c.size, "fileType": if is_video(c) { "video" } else { "image" },
                               "width": width, "height": height, "duration": 0, "thumbTempFilePath": ""})
                    }).collect::<Vec<_>>(),
                })
            }
            ChooseApi::MessageFile => json!({
                "tempFiles": chosen.iter().map(|c| {
                    let kind = if is_video(c) { "video" } else if c.dimensions.is_some() { "image" } else { "file" };
                    json!({"path": c.temp, "size": c.size, "name": c.name, "type": kind, "time": 0})
                }).collect::<Vec<_>>(),
            }),
        };
        value.as_object().cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_chooser_asks_for_its_kinds_of_file() {
        let image = ChooseRequest::parse("chooseImage", &json!({"count": 2})).unwrap();
        assert_eq!((image.count, image.extensions.contains(&"png".to_string())), (2, true));
        assert_eq!(ChooseRequest::parse("chooseImage", &json!({})).unwrap().count, 9);
        let videos = ChooseRequest::parse("chooseMedia", &json!({"mediaType": ["video"]})).unwrap();
        assert!(videos.extensions.contains(&"mp4".into()) && !videos.extensions.contains(&"png".into()));
        let pdf =
            ChooseRequest::parse("chooseMessageFile", &json!({"count": 1, "type": "file", "extension": [".PDF"]}))
                .unwrap();
        assert_eq!(pdf.extensions, ["pdf"]);
        for (api, data, message) in [
            ("chooseMessageFile", json!({}), "parameter error: count is missing"),
            ("chooseImage", json!({"count": 0}), "parameter error: count must be 1 to 20, got 0"),
            ("chooseImage", json!({"sourceType": ["camera"]}), "not supported on this desktop: sourceType camera"),
        ] {
            assert_eq!(ChooseRequest::parse(api, &data).unwrap_err(), message, "{api} {data}");
        }
    }

    #[test]
    fn each_chooser_answers_in_its_own_shape() {
        let png =
            Chosen { temp: "wxfile://tmp/a.png".into(), name: "a.png".into(), size: 10, dimensions: Some((4, 3)) };
        let mp4 = Chosen { temp: "wxfile://tmp/b.mp4".into(), name: "b.mp4".into(), size: 20, dimensions: None };
        let ask = |api: &str| ChooseRequest::parse(api, &json!({"count": 3})).unwrap();
        assert_eq!(
            Value::Object(ask("chooseImage").answer(std::slice::from_ref(&png))),
            json!({"tempFilePaths": ["wxfile://tmp/a.png"], "tempFiles": [{"path": "wxfile://tmp/a.png", "size": 10}]})
        );
        let media = Value::Object(ask("chooseMedia").answer(&[png.clone(), mp4.clone()]));
        assert_eq!(media["type"], "mix");
        assert_eq!(media["tempFiles"][0]["width"], 4);
        assert_eq!(media["tempFiles"][1]["fileType"], "video");
        let files = Value::Object(ask("chooseMessageFile").answer(&[mp4]));
        let asked = ask("chooseMedia");
        assert_eq!(serde_json::from_value::<ChooseRequest>(serde_json::to_value(&asked).unwrap()).unwrap(), asked);
        assert_eq!(
            files["tempFiles"][0],
            json!({"path": "wxfile://tmp/b.mp4", "size": 20, "name": "b.mp4", "type": "video", "time": 0})
        );
    }
}
