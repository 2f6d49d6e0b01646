//! A mini program's files on the desktop: `wx.getFileSystemManager()`, `wx.saveFile` and
//! the saved-file APIs, `wx.getImageInfo`, the choosers (`wx.chooseImage`,
//! `wx.chooseMedia`, `wx.chooseMessageFile`) and `wx.previewImage`.
//!
//! - [`path`]: where a path names a file (its own areas, the package), decided without
//!   the disk; a path out of reach is refused.
//! - [`fs`]: the file operations, on one mini program's folder.
//! - [`chooser`]: what a chooser's answer looks like for each API.
//!
//! Each mini program's files live in `<data dir>/<app>/files/{usr,tmp,store}`, beside its
//! storage; `tmp` is emptied when the mini program starts. The window's parts (the GTK
//! file chooser, the image viewer) are the shell's (`src/shell/file_chooser.rs`,
//! `src/shell/image_viewer.rs`).

pub mod chooser;
pub mod fs;
pub mod path;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use serde_json::{json, Map, Value};

use crate::core::api_error::ApiError;
use crate::core::call::MiniApiCall;
use crate::core::package::Package;
use crate::core::registry::RegistryBuilder;
use crate::core::storage::Storage;
use crate::core::ui_api::UiApi;
use crate::net::request::Requests;
use fs::{AppFiles, FileError, FsOp};
use path::FilePath;

/// The built-ins this module registers.
pub const APIS: &[&str] =
    &["__fileSystem", "getImageInfo", "chooseImage", "chooseMedia", "chooseMessageFile", "previewImage"];

/// The files of every mini program a shell runs, by app id.
#[derive(Debug)]
pub struct Files {
    data_dir: PathBuf,
    apps: RwLock<HashMap<String, AppFiles>>,
}

impl Files {
    /// Files under `data_dir` (the shell's data directory).
    pub fn new(data_dir: PathBuf) -> Arc<Files> {
        Arc::new(Files { data_dir, apps: RwLock::new(HashMap::new()) })
    }

    /// Makes `app_id`'s files reachable, with its package; its `tmp` starts empty.
    pub fn open(&self, app_id: &str, package: Arc<Package>) -> AppFiles {
        let root = Storage::app_dir(&self.data_dir, app_id).join("files");
        let _ = std::fs::remove_dir_all(root.join(path::Area::Tmp.name()));
        let files = AppFiles { root, package };
        self.apps.write().expect("files lock").insert(app_id.to_string(), files.clone());
        files
    }

    /// The files of the mini program that made `call`.
    pub fn of(&self, call: &MiniApiCall) -> Result<AppFiles, ApiError> {
        self.apps
            .read()
            .expect("files lock")
            .get(&call.app_info.app_id)
            .cloned()
            .ok_or_else(|| ApiError::new(format!("no files for {:?}", call.app_info.app_id)))
    }
}

/// Runs `work` (which touches the disk) off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, FileError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| ApiError::new(format!("file task failed: {err}")))?
        .map_err(|err| ApiError::new(err.to_string()))
}

/// Adds this module's built-ins unless the host registered its own.
pub fn register(builder: &mut RegistryBuilder, files: Arc<Files>, requests: Arc<Requests>) {
    let f = files.clone();
    builder.register_default(
        "__fileSystem",
        Arc::new(move |call: MiniApiCall| {
            let files = f.clone();
            async move {
                let app = files.of(&call)?;
                let op = FsOp::parse(call.data()).map_err(|err| ApiError::new(err.to_string()))?;
                blocking(move || app.run(op)).await.map(Some)
            }
        }),
    );
    let f = files.clone();
    let r = requests.clone();
    builder.register_default(
        "getImageInfo",
        Arc::new(move |call: MiniApiCall| {
            let (files, requests) = (f.clone(), r.clone());
            async move { image_info(&files.of(&call)?, &requests, call.data()).await.map(Some) }
        }),
    );
    for api in ["chooseImage", "chooseMedia", "chooseMessageFile"] {
        let f = files.clone();
        builder.register_default(
            api,
            Arc::new(move |call: MiniApiCall| {
                let files = f.clone();
                async move { choose(&files.of(&call)?, call).await }
            }),
        );
        builder.set_timeout_if_default(api, crate::core::builtins::MODAL_TIMEOUT);
    }
    let f = files.clone();
    builder.register_default(
        "previewImage",
        Arc::new(move |call: MiniApiCall| {
            let (files, requests) = (f.clone(), requests.clone());
            async move { preview(&files.of(&call)?, &requests, call).await }
        }),
    );
}

/// An image's bytes, from its package, its own files or the network (`src`), and the
/// path the page may use for it (a download is kept in `wxfile://tmp`).
async fn image_bytes(files: &AppFiles, requests: &Requests, src: &str) -> Result<(Vec<u8>, String), ApiError> {
    if src.starts_with("http://") || src.starts_with("https://") {
        let bytes = requests.get_bytes(src).await?;
        let (files, kept) = (files.clone(), bytes.clone());
        let name = src.split(['?', '#']).next().unwrap_or(src).rsplit('/').next().unwrap_or("").to_string();
        let path = blocking(move || files.temp_file(&name, &kept)).await?;
        return Ok((bytes, path));
    }
    let path = FilePath::parse(src).map_err(|err| ApiError::new(err.to_string()))?;
    let (files, wx) = (files.clone(), src.to_string());
    let bytes = blocking(move || files.read(&path)).await?;
    Ok((bytes, wx))
}

/// `wx.getImageInfo({src})`: `{width, height, path, orientation, type}`.
async fn image_info(files: &AppFiles, requests: &Requests, data: &Value) -> Result<Map<String, Value>, ApiError> {
    let src = data.get("src").and_then(Value::as_str).unwrap_or_default();
    if src.is_empty() {
        return Err(ApiError::new("parameter error: src must be a non-empty string"));
    }
    let (bytes, path) = image_bytes(files, requests, src).await?;
    let size = imagesize::blob_size(&bytes).map_err(|_| ApiError::new(format!("not an image {src:?}")))?;
    let kind = match imagesize::image_type(&bytes) {
        Ok(imagesize::ImageType::Png) => "png",
        Ok(imagesize::ImageType::Jpeg) => "jpeg",
        Ok(imagesize::ImageType::Gif) => "gif",
        Ok(imagesize::ImageType::Webp) => "webp",
        Ok(imagesize::ImageType::Bmp) => "bmp",
        _ => "unknown",
    };
    Ok(json!({"width": size.width, "height": size.height, "path": path, "orientation": "up", "type": kind})
        .as_object()
        .cloned()
        .unwrap_or_default())
}

/// The choosers: the shell asks a person for files (a GTK file chooser); each is copied
/// into `wxfile://tmp` and answered in the API's own shape.
async fn choose(files: &AppFiles, call: MiniApiCall) -> Result<Option<Map<String, Value>>, ApiError> {
    let request = chooser::ChooseRequest::parse(&call.api_name, call.data()).map_err(ApiError::new)?;
    let asked = serde_json::to_value(&request).expect("a choose request serialises");
    let picked = call.host().request(call.web_view_id, UiApi::ChooseFiles, asked).await.map_err(ApiError::new)?;
    let paths: Vec<PathBuf> = picked
        .and_then(|answer| answer.get("paths").cloned())
        .and_then(|paths| serde_json::from_value(paths).ok())
        .unwrap_or_default();
    if paths.is_empty() {
        return Err(ApiError::new("cancel"));
    }
    let app = files.clone();
    let chosen = blocking(move || {
        paths
            .iter()
            .take(request.count)
            .map(|path| {
                let bytes = std::fs::read(path).map_err(|err| FileError::Io(format!("{err} {path:?}")))?;
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let temp = app.temp_file(&name, &bytes)?;
                let size = imagesize::blob_size(&bytes).ok().map(|s| (s.width, s.height));
                Ok(chooser::Chosen { temp, name, size: bytes.len() as u64, dimensions: size })
            })
            .collect::<Result<Vec<_>, FileError>>()
    })
    .await?;
    Ok(Some(request.answer(&chosen)))
}

/// `wx.previewImage({urls, current})`: the shell shows them in its image viewer; the call
/// is answered once it shows them.
async fn preview(
    files: &AppFiles,
    requests: &Requests,
    call: MiniApiCall,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let urls: Vec<String> = call
        .data()
        .get("urls")
        .and_then(Value::as_array)
        .map(|urls| urls.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if urls.is_empty() {
        return Err(ApiError::new("parameter error: urls must be a non-empty list of strings"));
    }
    let current = call.data().get("current").and_then(Value::as_str).unwrap_or(&urls[0]).to_string();
    // The viewer shows files on disk: its own files (and downloads, kept in tmp) as they
    // are; a package file is copied into tmp.
    let mut shown = Vec::new();
    for url in &urls {
        let (bytes, path) = image_bytes(files, requests, url).await?;
        let disk = match FilePath::parse(&path).ok().and_then(|own| files.disk(&own)) {
            Some(disk) => disk,
            None => {
                let (app, name) = (files.clone(), url.clone());
                let temp = blocking(move || app.temp_file(&name, &bytes)).await?;
                files.disk(&FilePath::parse(&temp).expect("a temp path")).expect("a temp file is on disk")
            }
        };
        shown.push(disk);
    }
    let at = urls.iter().position(|url| *url == current).unwrap_or(0);
    call.host()
        .request(call.web_view_id, UiApi::PreviewImage, json!({"files": shown, "current": at, "urls": urls}))
        .await
        .map_err(ApiError::new)?;
    Ok(None)
}
