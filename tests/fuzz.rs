//! Fuzzing with proptest (stable toolchain): the IPC message parser, the storage codec,
//! the package loader and a mini program's file paths and operations take any input
//! without panicking, and keep their promises.
//!
//! The suite runs 256 inputs per property. The documented long run (README, "Security
//! and limits") gives each of its eight properties 250,000 inputs, 2 million in all:
//!
//! ```sh
//! PROPTEST_CASES=250000 cargo test --release --test fuzz
//! ```
//!
//! Failures found become the regression cases at the bottom of this file (proptest's
//! own regression file is off: the cases are written out as tests instead).

use proptest::prelude::*;
use serde_json::{json, Value};
use superapp_shell::core::app_config::AppConfig;
use superapp_shell::core::limits::Limits;
use superapp_shell::core::package::{safe_relative_path, Package};
use superapp_shell::core::protocol::{split_batch, Inbound, PageMessage};
use superapp_shell::core::storage::{decode_item, encode_item, file_name, Item, DATA_TYPES};
use superapp_shell::files::fs::{AppFiles, FsOp};
use superapp_shell::files::path::{Area, FilePath};

fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

/// Any JSON value, up to a modest depth, with keys that matter to the parsers.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("invoke"),
            Just("hookDone"),
            Just("ready"),
            Just("onShow"),
            Just("pages/a/a"),
            Just("#07c160")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        let key = prop_oneof![
            Just("callbackId".to_string()),
            Just("api_name".to_string()),
            Just("api".to_string()),
            Just("type".to_string()),
            Just("data".to_string()),
            Just("hook".to_string()),
            Just("pages".to_string()),
            Just("window".to_string()),
            Just("tabBar".to_string()),
            Just("list".to_string()),
            Just("extApi".to_string()),
            Just("__proto__".to_string()),
            "[a-zA-Z]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..6).prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Message text: well-formed calls, near-misses of them, and plain noise.
fn message_text() -> impl Strategy<Value = String> {
    prop_oneof![
        json_value().prop_map(|v| v.to_string()),
        (any::<u64>(), ".{0,10}", json_value()).prop_map(|(id, name, data)| {
            json!({"type": "invoke", "callbackId": id, "api_name": name, "data": data}).to_string()
        }),
        (any::<u64>(), json_value(), 0usize..40).prop_map(|(id, data, cut)| {
            let text = json!({"callbackId": id, "api_name": "x", "data": data}).to_string();
            let cut = text.len().saturating_sub(cut);
            text[..(0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)].to_string()
        }),
        (1usize..300).prop_map(|depth| format!(
            r#"{{"callbackId":1,"data":{}0{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )),
        "\\PC{0,64}",
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// The IPC parser never panics; a message with a top-level numeric `callbackId` that
    /// is an invoke is always answerable (a call, possibly a refusal), however deep,
    /// large or malformed its data.
    #[test]
    fn the_message_parser_takes_anything(text in message_text(), small in any::<bool>()) {
        let limits = if small { Limits { max_payload_bytes: 64, max_json_depth: 4, ..Limits::default() } } else { Limits::default() };
        let parsed = PageMessage::parse(&text, &limits);
        let _ = Inbound::parse(&text, &limits);
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&text) {
            let is_invoke = matches!(map.get("type"), None | Some(Value::Null))
                || map.get("type") == Some(&json!("invoke"));
            if map.get("callbackId").is_some_and(Value::is_u64) && is_invoke && !map.contains_key("type") {
                prop_assert!(matches!(parsed, Ok(PageMessage::Call(_))), "{text} -> {parsed:?}");
            }
        }
    }

    /// Batches split without panicking, and a batch of calls splits into those calls.
    #[test]
    fn batches_split_into_their_messages(texts in prop::collection::vec(json_value(), 0..8), noise in "\\PC{0,40}") {
        let _ = split_batch(&noise);
        let joined = format!("[{}]", texts.iter().map(Value::to_string).collect::<Vec<_>>().join(","));
        let parts = split_batch(&joined).unwrap();
        prop_assert_eq!(parts.len(), texts.len());
        for (part, value) in parts.iter().zip(&texts) {
            // Each message's text, exactly as it was sent.
            let sent = value.to_string();
            prop_assert_eq!(*part, sent.as_str());
        }
    }

    /// The storage codec: any item round-trips through its file, any bytes decode to an
    /// item or an error (never a panic), and distinct keys get distinct files.
    #[test]
    fn the_storage_codec_round_trips_and_refuses_garbage(
        key in "\\PC{1,200}",
        other in "\\PC{1,200}",
        data in "\\PC{0,100}",
        kind in 0..DATA_TYPES.len(),
        garbage in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let item = Item { key: key.clone(), data, data_type: DATA_TYPES[kind].to_string() };
        let name = file_name(&key);
        prop_assert!(name.len() <= 255, "{name}");
        prop_assert_eq!(decode_item(&encode_item(&item), &name), Ok(item.clone()));
        let elsewhere = file_name(&(key.clone() + "x"));
        prop_assert!(decode_item(&encode_item(&item), &elsewhere).is_err());
        if other != key {
            prop_assert_ne!(file_name(&other), name.clone());
        }
        let _ = decode_item(&garbage, &name);
        let bytes = encode_item(&item);
        let _ = decode_item(&bytes[..bytes.len() / 2], &name);
    }

    /// app.json of any shape: parsed or refused with a message naming `app.json`.
    #[test]
    fn app_json_of_any_shape_is_parsed_or_refused(value in json_value(), pages in prop::collection::vec("[a-z/.]{0,12}", 0..4)) {
        for candidate in [value.clone(), json!({"pages": pages, "window": value.clone()}), json!({"pages": ["a"], "tabBar": value.clone()}), json!({"pages": ["a"], "extApi": value})] {
            match AppConfig::parse(&candidate) {
                Ok(config) => prop_assert!(!config.pages.is_empty()),
                Err((file, field, message)) => {
                    prop_assert_eq!(file, "app.json");
                    prop_assert!(!message.is_empty(), "{field}");
                }
            }
        }
    }

    /// Page and request paths: a safe path never leaves the package.
    #[test]
    fn safe_paths_never_leave_the_package(path in "[a-z./%2fFcC\\\\:]{0,24}") {
        if let Ok(relative) = safe_relative_path(&path) {
            prop_assert!(!relative.starts_with('/'));
            prop_assert!(relative.split('/').all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(':')), "{relative}");
            prop_assert!(!relative.contains('\\'));
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// The whole package loader on disk, with any app.json text and page files.
    #[test]
    fn the_package_loader_takes_any_app_json(text in prop_oneof![json_value().prop_map(|v| v.to_string()), "\\PC{0,80}"], with_page in any::<bool>()) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("app.json"), &text).unwrap();
        if with_page {
            std::fs::write(tmp.path().join("a.html"), "<p>a</p>").unwrap();
        }
        match Package::open(tmp.path()) {
            Ok(package) => prop_assert!(!package.pages().is_empty()),
            Err(err) => prop_assert!(err.to_string().contains("app.json"), "{err}"),
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A mini program's file paths: one of its own areas never leads out of its folder
    /// (whatever `..`, `.`, `%2f`, `\\` or scheme it holds), and nothing else is writable.
    #[test]
    fn file_paths_never_leave_their_area(
        area in prop_oneof![Just("wxfile://usr"), Just("wxfile://tmp"), Just("wxfile://store"), Just("wxfile://x"), Just(""), Just("file://")],
        rest in "[a-z./%2f\\\\:]{0,24}",
    ) {
        let path = format!("{area}{rest}");
        let root = std::path::Path::new("/data/app/files");
        if let Ok(located) = FilePath::parse(&path) {
            match &located {
                FilePath::Own { inner, .. } => {
                    let disk = located.on_disk(root).unwrap();
                    prop_assert!(disk.starts_with(root), "{path} -> {disk:?}");
                    prop_assert!(inner.split('/').all(|s| s != ".." && s != "." && !s.contains('\\')), "{inner}");
                    prop_assert!(disk.components().all(|c| !matches!(c, std::path::Component::ParentDir)), "{disk:?}");
                }
                FilePath::Package(inner) => {
                    prop_assert!(!located.writable());
                    prop_assert!(!inner.is_empty() && !inner.starts_with('/') && !inner.contains("://"), "{inner}");
                }
            }
            prop_assert_eq!(located.writable(), matches!(located, FilePath::Own { area: Area::Usr, .. }));
        }
    }

    /// Any file operation, with any options, is answered (an answer or WeChat's reason)
    /// without panicking, and writes nothing outside the mini program's folder.
    #[test]
    fn file_operations_take_any_options(op in prop_oneof![
        Just("access"), Just("stat"), Just("readFile"), Just("writeFile"), Just("appendFile"), Just("copyFile"),
        Just("rename"), Just("unlink"), Just("mkdir"), Just("rmdir"), Just("readdir"), Just("truncate"),
        Just("saveFile"), Just("getSavedFileList"), Just("removeSavedFile"), Just("format")
    ], options in json_value(), path in "(wxfile://usr/)?[a-z./]{0,12}") {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("app.json"), r#"{"pages": ["a"]}"#).unwrap();
        std::fs::write(tmp.path().join("a.html"), "<p>a</p>").unwrap();
        let files = AppFiles { root: tmp.path().join("data/files"), package: std::sync::Arc::new(Package::open(tmp.path()).unwrap()) };
        let mut data = match options { Value::Object(map) => map, _ => serde_json::Map::new() };
        data.insert("op".into(), json!(op));
        for key in ["path", "filePath", "dirPath", "srcPath", "destPath", "oldPath", "newPath", "tempFilePath"] {
            data.entry(key).or_insert_with(|| json!(path));
        }
        data.entry("data").or_insert_with(|| json!("x"));
        let answered = FsOp::parse(&Value::Object(data)).and_then(|op| files.run(op));
        if let Err(err) = answered {
            prop_assert!(!err.to_string().is_empty());
        }
        let mut outside = Vec::new();
        for entry in std::fs::read_dir(tmp.path()).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !["app.json", "a.html", "data"].contains(&name.as_str()) {
                outside.push(name);
            }
        }
        prop_assert!(outside.is_empty(), "{outside:?}");
    }
}

// Regression cases: each input below once failed a property above.

/// A call whose `api` field is not a string was dropped without an answer.
#[test]
fn regression_a_call_with_a_non_string_api_is_answered() {
    let parsed = PageMessage::parse(r#"{"api":false,"callbackId":0}"#, &Limits::default());
    assert!(matches!(parsed, Ok(PageMessage::Call(Inbound::Reject { callback_id: 0, .. }))), "{parsed:?}");
}
