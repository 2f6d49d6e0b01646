//! `wx.getFileSystemManager()` and `wx.saveFile` & co.: each operation is read once from
//! the page's data ([`FsOp::parse`]) and carried out on one mini program's files
//! ([`AppFiles::run`]), answered with WeChat's fields or a [`FileError`] whose text is
//! WeChat's `errMsg` reason.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use serde_json::{json, Map, Value};

use super::path::{Area, Denied, FilePath};
use crate::core::package::Package;

/// How much a mini program may keep under `wxfile://usr` and `wxfile://store` together
/// (WeChat's limit).
pub const SPACE_LIMIT: u64 = 200 * 1024 * 1024;

/// Why a file operation failed (the text is WeChat's, after `<api>:fail `).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// A path out of reach.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// A write where only reading is allowed (the package, `wxfile://tmp`).
    #[error("permission denied, open {0:?}")]
    ReadOnly(String),
    /// Nothing there.
    #[error("no such file or directory {0:?}")]
    NotFound(String),
    /// Something already there.
    #[error("file already exists {0:?}")]
    Exists(String),
    /// A folder with something in it, removed without `recursive`.
    #[error("directory not empty {0:?}")]
    NotEmpty(String),
    /// A folder where a file is wanted.
    #[error("illegal operation on a directory, open {0:?}")]
    IsDirectory(String),
    /// A file where a folder is wanted.
    #[error("not a directory {0:?}")]
    NotDirectory(String),
    /// A parameter missing or of the wrong type.
    #[error("parameter error: {0}")]
    Parameter(String),
    /// An encoding WeChat does not have.
    #[error("invalid encoding {0:?}")]
    Encoding(String),
    /// More than [`SPACE_LIMIT`].
    #[error("the maximum size of the file storage limit is exceeded")]
    Full,
    /// Any other failure of the disk.
    #[error("{0}")]
    Io(String),
}

/// How text is turned into bytes and back (`encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `utf8` / `utf-8`.
    Utf8,
    /// `base64`.
    Base64,
    /// `hex`.
    Hex,
    /// `binary` / `latin1` / `ascii`: one char per byte.
    Latin1,
    /// No encoding: an `ArrayBuffer` (carried as base64).
    Bytes,
}

impl Encoding {
    fn parse(value: Option<&Value>) -> Result<Encoding, FileError> {
        let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(Encoding::Bytes) };
        let name = value.as_str().ok_or_else(|| FileError::Encoding(value.to_string()))?;
        Ok(match name.to_ascii_lowercase().as_str() {
            "utf8" | "utf-8" | "ucs2" | "ucs-2" | "utf16le" | "utf-16le" => Encoding::Utf8,
            "base64" => Encoding::Base64,
            "hex" => Encoding::Hex,
            "binary" | "latin1" | "ascii" => Encoding::Latin1,
            _ => return Err(FileError::Encoding(name.to_string())),
        })
    }

    /// `text` in this encoding, as bytes.
    pub fn decode(self, text: &str) -> Result<Vec<u8>, FileError> {
        match self {
            Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
            Encoding::Base64 | Encoding::Bytes => base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|err| FileError::Parameter(format!("data is not base64: {err}"))),
            Encoding::Hex => (0..text.len() / 2)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<_, _>>()
                .map_err(|_| FileError::Parameter(format!("data is not hex: {text:?}"))),
            Encoding::Latin1 => Ok(text.chars().map(|c| c as u32 as u8).collect()),
        }
    }

    /// `bytes` as the page gets them (an `ArrayBuffer` travels as base64).
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Base64 | Encoding::Bytes => base64::engine::general_purpose::STANDARD.encode(bytes),
            Encoding::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            Encoding::Latin1 => bytes.iter().map(|&b| b as char).collect(),
        }
    }
}

/// One file operation, as the page asked it.
#[derive(Debug, Clone, PartialEq)]
pub enum FsOp {
    /// `access({path})`.
    Access(FilePath),
    /// `stat({path, recursive})`.
    Stat(FilePath, bool),
    /// `getFileInfo({filePath})`.
    FileInfo(FilePath),
    /// `readFile({filePath, encoding, position, length})`.
    Read {
        /// The file.
        path: FilePath,
        /// How its bytes are given.
        encoding: Encoding,
        /// From this byte.
        position: Option<u64>,
        /// At most this many bytes.
        length: Option<u64>,
    },
    /// `writeFile` / `appendFile({filePath, data, encoding})` (data as bytes).
    Write {
        /// The file.
        path: FilePath,
        /// Its new bytes.
        data: Vec<u8>,
        /// Added at its end rather than replacing it.
        append: bool,
    },
    /// `copyFile({srcPath, destPath})`.
    Copy(FilePath, FilePath),
    /// `rename({oldPath, newPath})`.
    Rename(FilePath, FilePath),
    /// `unlink({filePath})`.
    Unlink(FilePath),
    /// `mkdir({dirPath, recursive})`.
    Mkdir(FilePath, bool),
    /// `rmdir({dirPath, recursive})`.
    Rmdir(FilePath, bool),
    /// `readdir({dirPath})`.
    Readdir(FilePath),
    /// `truncate({filePath, length})`.
    Truncate(FilePath, u64),
    /// `saveFile({tempFilePath, filePath?})`: keeps a temporary file.
    Save {
        /// The temporary file.
        from: FilePath,
        /// Where to keep it (under `wxfile://usr`); none: `wxfile://store`.
        to: Option<FilePath>,
    },
    /// `getSavedFileList()`.
    SavedList,
    /// `removeSavedFile({filePath})`.
    RemoveSaved(FilePath),
}

impl FsOp {
    /// Reads `{op, ...}` (the operation's name and its options).
    pub fn parse(data: &Value) -> Result<FsOp, FileError> {
        let op = data.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = |key: &str| -> Result<FilePath, FileError> {
            match data.get(key) {
                Some(Value::String(path)) => Ok(FilePath::parse(path)?),
                Some(other) => Err(FileError::Parameter(format!("{key} must be a string, got {other}"))),
                None => Err(FileError::Parameter(format!("{key} is missing"))),
            }
        };
        let flag = |key: &str| data.get(key).and_then(Value::as_bool).unwrap_or(false);
        let number = |key: &str| data.get(key).and_then(Value::as_u64);
        Ok(match op {
            "access" => FsOp::Access(path("path")?),
            "stat" => FsOp::Stat(path("path")?, flag("recursive")),
            "getFileInfo" => FsOp::FileInfo(path("filePath")?),
            "readFile" => FsOp::Read {
                path: path("filePath")?,
                encoding: Encoding::parse(data.get("encoding"))?,
                position: number("position"),
                length: number("length"),
            },
            "writeFile" | "appendFile" => {
                let encoding = Encoding::parse(data.get("encoding"))?;
                let bytes = match data.get("data") {
                    // (an ArrayBuffer comes as base64, marked)
                    Some(Value::String(text)) if flag("__arrayBuffer") => Encoding::Base64.decode(text)?,
                    Some(Value::String(text)) => {
                        (if encoding == Encoding::Bytes { Encoding::Utf8 } else { encoding }).decode(text)?
                    }
                    Some(other) => {
                        return Err(FileError::Parameter(format!(
                            "data must be a string or an ArrayBuffer, got {other}"
                        )))
                    }
                    None => return Err(FileError::Parameter("data is missing".into())),
                };
                FsOp::Write { path: path("filePath")?, data: bytes, append: op == "appendFile" }
            }
            "copyFile" => FsOp::Copy(path("srcPath")?, path("destPath")?),
            "rename" => FsOp::Rename(path("oldPath")?, path("newPath")?),
            "unlink" => FsOp::Unlink(path("filePath")?),
            "mkdir" => FsOp::Mkdir(path("dirPath")?, flag("recursive")),
            "rmdir" => FsOp::Rmdir(path("dirPath")?, flag("recursive")),
            "readdir" => FsOp::Readdir(path("dirPath")?),
            "truncate" => FsOp::Truncate(path("filePath")?, number("length").unwrap_or(0)),
            "saveFile" => FsOp::Save {
                from: path("tempFilePath")?,
                to: data.get("filePath").is_some().then(|| path("filePath")).transpose()?,
            },
            "getSavedFileList" => FsOp::SavedList,
            "removeSavedFile" => FsOp::RemoveSaved(path("filePath")?),
            other => return Err(FileError::Parameter(format!("unknown file operation {other:?}"))),
        })
    }
}

/// One mini program's files: its own folders under `root`, and its package.
#[derive(Clone)]
pub struct AppFiles {
    /// Its files folder (`<data dir>/<app>/files`): `usr`, `tmp` and `store` in it.
    pub root: PathBuf,
    /// Its package (read only).
    pub package: Arc<Package>,
}

impl std::fmt::Debug for AppFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppFiles").field("root", &self.root).finish_non_exhaustive()
    }
}

fn io_error(path: &FilePath, err: std::io::Error) -> FileError {
    use std::io::ErrorKind;
    let shown = path.to_wx();
    match err.kind() {
        ErrorKind::NotFound => FileError::NotFound(shown),
        ErrorKind::AlreadyExists => FileError::Exists(shown),
        ErrorKind::DirectoryNotEmpty => FileError::NotEmpty(shown),
        ErrorKind::IsADirectory => FileError::IsDirectory(shown),
        ErrorKind::NotADirectory => FileError::NotDirectory(shown),
        _ => FileError::Io(format!("{err} {shown:?}")),
    }
}

fn seconds(time: std::io::Result<std::time::SystemTime>) -> u64 {
    time.ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs())
}

fn stats(meta: &std::fs::Metadata) -> Value {
    use std::os::unix::fs::PermissionsExt;
    json!({
        "mode": meta.permissions().mode(),
        "size": meta.len(),
        "lastAccessedTime": seconds(meta.accessed()),
        "lastModifiedTime": seconds(meta.modified()),
        "isFile": meta.is_file(),
        "isDirectory": meta.is_dir(),
    })
}

fn folder_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => folder_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

impl AppFiles {
    /// The file on disk of one of its own paths; a package path is `None`.
    pub fn disk(&self, path: &FilePath) -> Option<PathBuf> {
        path.on_disk(&self.root)
    }

    /// Reads a file it may read: its own, or the package's.
    pub fn read(&self, path: &FilePath) -> Result<Vec<u8>, FileError> {
        match self.disk(path) {
            Some(file) => {
                if file.is_dir() {
                    return Err(FileError::IsDirectory(path.to_wx()));
                }
                std::fs::read(&file).map_err(|err| io_error(path, err))
            }
            None => self
                .package
                .read(&format!("/{}", path.to_wx()))
                .map(|bytes| bytes.into_owned())
                .map_err(|_| FileError::NotFound(path.to_wx())),
        }
    }

    /// Writes a new temporary file (a download, a chosen file) named `name` and returns
    /// its `wxfile://tmp/...` path.
    pub fn temp_file(&self, name_hint: &str, bytes: &[u8]) -> Result<String, FileError> {
        let dir = self.root.join(Area::Tmp.name());
        std::fs::create_dir_all(&dir).map_err(|err| FileError::Io(err.to_string()))?;
        let ext = Path::new(name_hint)
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|e| format!(".{}", e.to_ascii_lowercase()))
            .unwrap_or_default();
        let mut file = tempfile::Builder::new()
            .prefix("")
            .suffix(&ext)
            .rand_bytes(12)
            .tempfile_in(&dir)
            .map_err(|err| FileError::Io(err.to_string()))?;
        file.write_all(bytes).map_err(|err| FileError::Io(err.to_string()))?;
        let (_, kept) = file.keep().map_err(|err| FileError::Io(err.to_string()))?;
        let name = kept.file_name().and_then(|n| n.to_str()).expect("a name tempfile made");
        Ok(format!("wxfile://tmp/{name}"))
    }

    fn writable(&self, path: &FilePath) -> Result<PathBuf, FileError> {
        if !path.writable() {
            return Err(FileError::ReadOnly(path.to_wx()));
        }
        let file = self.disk(path).expect("a writable path is on disk");
        std::fs::create_dir_all(self.root.join(Area::Usr.name())).map_err(|err| FileError::Io(err.to_string()))?;
        Ok(file)
    }

    fn room_for(&self, more: u64) -> Result<(), FileError> {
        let used = folder_size(&self.root.join(Area::Usr.name())) + folder_size(&self.root.join(Area::Store.name()));
        if used + more > SPACE_LIMIT {
            return Err(FileError::Full);
        }
        Ok(())
    }

    /// Carries out `op`; the answer's fields are WeChat's (without `errMsg`).
    pub fn run(&self, op: FsOp) -> Result<Map<String, Value>, FileError> {
        let ok = |value: Value| Ok(value.as_object().cloned().unwrap_or_default());
        match op {
            FsOp::Access(path) => match self.disk(&path) {
                Some(file) if file.exists() => ok(json!({})),
                Some(_) => Err(FileError::NotFound(path.to_wx())),
                None => self.read(&path).map(|_| Map::new()),
            },
            FsOp::Stat(path, recursive) => {
                let Some(file) = self.disk(&path) else {
                    let size = self.read(&path)?.len();
                    return ok(json!({"stats": {"mode": 0o444, "size": size, "lastAccessedTime": 0,
                        "lastModifiedTime": 0, "isFile": true, "isDirectory": false}}));
                };
                let meta = std::fs::metadata(&file).map_err(|err| io_error(&path, err))?;
                if !recursive || !meta.is_dir() {
                    return ok(json!({"stats": stats(&meta)}));
                }
                // recursive: [{path, stats}] of everything under it, the folder itself first.
                let mut all = vec![json!({"path": "/", "stats": stats(&meta)})];
                fn walk(dir: &Path, at: &str, out: &mut Vec<Value>) {
                    let Ok(entries) = std::fs::read_dir(dir) else { return };
                    let mut entries: Vec<_> = entries.flatten().collect();
                    entries.sort_by_key(|e| e.file_name());
                    for entry in entries {
                        let name = format!("{at}/{}", entry.file_name().to_string_lossy());
                        if let Ok(meta) = entry.metadata() {
                            out.push(json!({"path": name, "stats": stats(&meta)}));
                            if meta.is_dir() {
                                walk(&entry.path(), &name, out);
                            }
                        }
                    }
                }
                walk(&file, "", &mut all);
                ok(json!({"stats": all}))
            }
            FsOp::FileInfo(path) => {
                let bytes = self.read(&path)?;
                let digest = sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&bytes));
                ok(
                    json!({"size": bytes.len(), "digest": digest.iter().map(|b| format!("{b:02x}")).collect::<String>()}),
                )
            }
            FsOp::Read { path, encoding, position, length } => {
                let bytes = self.read(&path)?;
                let start = (position.unwrap_or(0) as usize).min(bytes.len());
                let end = length.map_or(bytes.len(), |n| (start + n as usize).min(bytes.len()));
                let data = encoding.encode(&bytes[start..end]);
                if encoding == Encoding::Bytes {
                    ok(json!({"data": data, "__arrayBuffer": true}))
                } else {
                    ok(json!({"data": data}))
                }
            }
            FsOp::Write { path, data, append } => {
                let file = self.writable(&path)?;
                if file.is_dir() {
                    return Err(FileError::IsDirectory(path.to_wx()));
                }
                if !file.parent().is_some_and(Path::is_dir) {
                    return Err(FileError::NotFound(path.to_wx()));
                }
                self.room_for(data.len() as u64)?;
                let mut out = std::fs::OpenOptions::new()
                    .create(true)
                    .write(true)
                    .append(append)
                    .truncate(!append)
                    .open(&file)
                    .map_err(|err| io_error(&path, err))?;
                out.write_all(&data).map_err(|err| io_error(&path, err))?;
                ok(json!({}))
            }
            FsOp::Copy(from, to) => {
                let bytes = self.read(&from)?;
                self.run(FsOp::Write { path: to, data: bytes, append: false })
            }
            FsOp::Rename(from, to) => {
                let source = self.writable(&from)?;
                let target = self.writable(&to)?;
                std::fs::rename(&source, &target).map_err(|err| io_error(&from, err))?;
                ok(json!({}))
            }
            FsOp::Unlink(path) => {
                let file = self.writable(&path)?;
                if file.is_dir() {
                    return Err(FileError::IsDirectory(path.to_wx()));
                }
                std::fs::remove_file(&file).map_err(|err| io_error(&path, err))?;
                ok(json!({}))
            }
            FsOp::Mkdir(path, recursive) => {
                let dir = self.writable(&path)?;
                if dir.exists() && !recursive {
                    return Err(FileError::Exists(path.to_wx()));
                }
                let made = if recursive { std::fs::create_dir_all(&dir) } else { std::fs::create_dir(&dir) };
                made.map_err(|err| io_error(&path, err))?;
                ok(json!({}))
            }
            FsOp::Rmdir(path, recursive) => {
                let dir = self.writable(&path)?;
                if matches!(&path, FilePath::Own { inner, .. } if inner.is_empty()) {
                    return Err(FileError::ReadOnly(path.to_wx()));
                }
                if !dir.is_dir() {
                    return Err(if dir.exists() {
                        FileError::NotDirectory(path.to_wx())
                    } else {
                        FileError::NotFound(path.to_wx())
                    });
                }
                let removed = if recursive { std::fs::remove_dir_all(&dir) } else { std::fs::remove_dir(&dir) };
                removed.map_err(|err| io_error(&path, err))?;
                ok(json!({}))
            }
            FsOp::Readdir(path) => {
                let Some(dir) = self.disk(&path) else { return Err(FileError::NotDirectory(path.to_wx())) };
                if matches!(&path, FilePath::Own { inner, .. } if inner.is_empty()) && !dir.exists() {
                    return ok(json!({"files": []})); // (an area not made yet is empty)
                }
                let entries = std::fs::read_dir(&dir).map_err(|err| io_error(&path, err))?;
                let mut files: Vec<String> =
                    entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
                files.sort();
                ok(json!({"files": files}))
            }
            FsOp::Truncate(path, length) => {
                let file = self.writable(&path)?;
                let out = std::fs::OpenOptions::new().write(true).open(&file).map_err(|err| io_error(&path, err))?;
                out.set_len(length).map_err(|err| io_error(&path, err))?;
                ok(json!({}))
            }
            FsOp::Save { from, to } => {
                let bytes = self.read(&from)?;
                self.room_for(bytes.len() as u64)?;
                let saved = match to {
                    Some(to) => {
                        self.run(FsOp::Write { path: to.clone(), data: bytes, append: false })?;
                        to.to_wx()
                    }
                    None => {
                        let dir = self.root.join(Area::Store.name());
                        std::fs::create_dir_all(&dir).map_err(|err| FileError::Io(err.to_string()))?;
                        let name = match &from {
                            FilePath::Own { inner, .. } | FilePath::Package(inner) => {
                                inner.rsplit('/').next().unwrap_or(inner).to_string()
                            }
                        };
                        let mut unique = name.clone();
                        let mut n = 1;
                        while dir.join(&unique).exists() {
                            n += 1;
                            unique = format!("{n}-{name}");
                        }
                        std::fs::write(dir.join(&unique), &bytes).map_err(|err| FileError::Io(err.to_string()))?;
                        format!("wxfile://store/{unique}")
                    }
                };
                ok(json!({"savedFilePath": saved}))
            }
            FsOp::SavedList => {
                let dir = self.root.join(Area::Store.name());
                let mut list = Vec::new();
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    let mut entries: Vec<_> = entries.flatten().collect();
                    entries.sort_by_key(|e| e.file_name());
                    for entry in entries {
                        let Ok(meta) = entry.metadata() else { continue };
                        list.push(json!({
                            "filePath": format!("wxfile://store/{}", entry.file_name().to_string_lossy()),
                            "size": meta.len(),
                            "createTime": seconds(meta.modified()),
                        }));
                    }
                }
                ok(json!({"fileList": list}))
            }
            FsOp::RemoveSaved(path) => {
                let FilePath::Own { area: Area::Store, .. } = &path else {
                    return Err(FileError::ReadOnly(path.to_wx()));
                };
                let file = self.disk(&path).expect("a store path is on disk");
                std::fs::remove_file(&file).map_err(|err| io_error(&path, err))?;
                ok(json!({}))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> (tempfile::TempDir, AppFiles) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("app.json"), r#"{"pages": ["pages/a/a"]}"#).unwrap();
        std::fs::create_dir_all(tmp.path().join("pages/a")).unwrap();
        std::fs::write(tmp.path().join("pages/a/a.html"), "<p>a</p>").unwrap();
        std::fs::write(tmp.path().join("hello.txt"), "hi from the package").unwrap();
        let package = Arc::new(Package::open(tmp.path()).unwrap());
        let files = AppFiles { root: tmp.path().join("data/files"), package };
        (tmp, files)
    }

    fn run(files: &AppFiles, data: Value) -> Result<Value, String> {
        FsOp::parse(&data).and_then(|op| files.run(op)).map(Value::Object).map_err(|err| err.to_string())
    }

    #[test]
    fn files_are_written_read_listed_and_removed_under_usr() {
        let (_tmp, files) = files();
        let ok = |data: Value| run(&files, data).unwrap();
        ok(json!({"op": "mkdir", "dirPath": "wxfile://usr/notes/2026", "recursive": true}));
        ok(json!({"op": "writeFile", "filePath": "wxfile://usr/notes/a.txt", "data": "héllo", "encoding": "utf8"}));
        ok(json!({"op": "appendFile", "filePath": "wxfile://usr/notes/a.txt", "data": "2121", "encoding": "hex"}));
        assert_eq!(
            ok(json!({"op": "readFile", "filePath": "wxfile://usr/notes/a.txt", "encoding": "utf8"})),
            json!({"data": "héllo!!"})
        );
        assert_eq!(
            ok(json!({"op": "readFile", "filePath": "wxfile://usr/notes/a.txt", "position": 1, "length": 2})),
            json!({"data": "w6k=", "__arrayBuffer": true}),
            "no encoding: the bytes, as an ArrayBuffer"
        );
        ok(json!({"op": "writeFile", "filePath": "wxfile://usr/b.bin", "data": "AAEC", "__arrayBuffer": true}));
        assert_eq!(
            ok(json!({"op": "readFile", "filePath": "wxfile://usr/b.bin", "encoding": "hex"})),
            json!({"data": "000102"})
        );
        assert_eq!(ok(json!({"op": "readdir", "dirPath": "wxfile://usr/notes"})), json!({"files": ["2026", "a.txt"]}));
        assert_eq!(ok(json!({"op": "stat", "path": "wxfile://usr/b.bin"}))["stats"]["size"], 3);
        let all = ok(json!({"op": "stat", "path": "wxfile://usr", "recursive": true}));
        let paths: Vec<&str> = all["stats"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["/", "/b.bin", "/notes", "/notes/2026", "/notes/a.txt"]);
        ok(json!({"op": "rename", "oldPath": "wxfile://usr/b.bin", "newPath": "wxfile://usr/c.bin"}));
        ok(json!({"op": "copyFile", "srcPath": "hello.txt", "destPath": "wxfile://usr/hello.txt"}));
        assert_eq!(
            ok(json!({"op": "readFile", "filePath": "wxfile://usr/hello.txt", "encoding": "utf8"}))["data"],
            "hi from the package"
        );
        assert_eq!(
            run(&files, json!({"op": "rmdir", "dirPath": "wxfile://usr/notes"})),
            Err("directory not empty \"wxfile://usr/notes\"".into())
        );
        ok(json!({"op": "rmdir", "dirPath": "wxfile://usr/notes", "recursive": true}));
        ok(json!({"op": "unlink", "filePath": "wxfile://usr/c.bin"}));
        assert_eq!(ok(json!({"op": "readdir", "dirPath": "wxfile://usr"})), json!({"files": ["hello.txt"]}));
        assert!(files.root.join("usr/hello.txt").is_file(), "files live in the app's own folder");
    }

    #[test]
    fn bad_paths_and_operations_fail_with_wechats_reasons() {
        let (_tmp, files) = files();
        let fail = |data: Value| run(&files, data).unwrap_err();
        assert_eq!(
            fail(json!({"op": "readFile", "filePath": "wxfile://usr/none.txt"})),
            "no such file or directory \"wxfile://usr/none.txt\""
        );
        assert_eq!(
            fail(json!({"op": "writeFile", "filePath": "/etc/passwd", "data": "x"})),
            "permission denied, open \"etc/passwd\"",
            "a package path is read only"
        );
        assert_eq!(
            fail(json!({"op": "readFile", "filePath": "wxfile://usr/../../../etc/passwd"})),
            "permission denied, open \"wxfile://usr/../../../etc/passwd\""
        );
        assert_eq!(
            fail(json!({"op": "writeFile", "filePath": "wxfile://tmp/x", "data": "x"})),
            "permission denied, open \"wxfile://tmp/x\""
        );
        assert_eq!(
            fail(json!({"op": "writeFile", "filePath": "wxfile://usr/no/dir/x", "data": "x"})),
            "no such file or directory \"wxfile://usr/no/dir/x\""
        );
        assert_eq!(
            fail(json!({"op": "readFile", "filePath": "wxfile://usr/a", "encoding": "klingon"})),
            "invalid encoding \"klingon\""
        );
        assert_eq!(fail(json!({"op": "readFile"})), "parameter error: filePath is missing");
        assert_eq!(fail(json!({"op": "format"})), "parameter error: unknown file operation \"format\"");
        run(&files, json!({"op": "mkdir", "dirPath": "wxfile://usr/d"})).unwrap();
        assert_eq!(fail(json!({"op": "mkdir", "dirPath": "wxfile://usr/d"})), "file already exists \"wxfile://usr/d\"");
        assert_eq!(
            fail(json!({"op": "readFile", "filePath": "wxfile://usr/d"})),
            "illegal operation on a directory, open \"wxfile://usr/d\""
        );
    }

    #[test]
    fn temporary_files_are_saved_listed_and_removed() {
        let (_tmp, files) = files();
        let temp = files.temp_file("photo.PNG", b"png bytes").unwrap();
        assert!(temp.starts_with("wxfile://tmp/") && temp.ends_with(".png"), "{temp}");
        let saved = run(&files, json!({"op": "saveFile", "tempFilePath": temp})).unwrap();
        let saved = saved["savedFilePath"].as_str().unwrap().to_string();
        assert!(saved.starts_with("wxfile://store/"), "{saved}");
        let list = run(&files, json!({"op": "getSavedFileList"})).unwrap();
        assert_eq!(list["fileList"][0]["filePath"], saved.as_str());
        assert_eq!(list["fileList"][0]["size"], 9);
        run(&files, json!({"op": "removeSavedFile", "filePath": saved})).unwrap();
        assert_eq!(run(&files, json!({"op": "getSavedFileList"})).unwrap(), json!({"fileList": []}));
        assert_eq!(
            run(&files, json!({"op": "removeSavedFile", "filePath": "wxfile://usr/x"})).unwrap_err(),
            "permission denied, open \"wxfile://usr/x\""
        );
    }
}
