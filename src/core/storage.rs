//! Per-mini-program key-value storage (`wx.setStorage` and friends), persisted on disk.
//!
//! Layout: `<data dir>/<app id>/storage/<name>.json`, one file per key holding
//! `{"key", "data", "dataType"}` exactly as the page's bridge encoded them (`data` is a
//! string; `dataType` says how to decode it). The name is the hex of the key's UTF-8
//! bytes for keys up to 100 bytes, else `h-` and the SHA-256 of the key: any key works,
//! and keys that differ in any byte (case, Unicode normalisation) stay apart. Every write
//! is atomic and durable: a temporary file is written and fsynced, renamed over the old
//! one, and the folder fsynced; a write answers success only after that.
//!
//! A file that cannot be read back (truncated, corrupt) is never silently dropped: it is
//! logged when the store loads, and reading its key fails with
//! [`StorageError::Corrupt`] until the key is written again or removed.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// WeChat's limit on one key: 1 MB (key plus encoded value).
pub const MAX_ITEM_BYTES: usize = 1024 * 1024;
/// WeChat's limit on one mini program: 10 MB.
pub const MAX_TOTAL_BYTES: usize = 10 * 1024 * 1024;

/// The value types a stored item may have (the TCSAS base library's `dataType`).
pub const DATA_TYPES: [&str; 8] = ["String", "Number", "Boolean", "Date", "Array", "Object", "Undefined", "Null"];

/// Why a storage operation failed; the text follows `"<api>:fail "`.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No item under this key.
    #[error("data not found")]
    NotFound,
    /// The key is not a non-empty string.
    #[error("parameter error: key must be a non-empty string")]
    BadKey,
    /// The `dataType` is not one of [`DATA_TYPES`].
    #[error("parameter error: unknown dataType {0:?}")]
    BadType(String),
    /// The item is over [`MAX_ITEM_BYTES`].
    #[error("exceed storage item max length: {size} bytes, limit {MAX_ITEM_BYTES} bytes (1 MB)")]
    ItemTooLarge {
        /// The item's size.
        size: usize,
    },
    /// The mini program's storage would go over [`MAX_TOTAL_BYTES`].
    #[error("exceed storage max size: {total} bytes, limit {MAX_TOTAL_BYTES} bytes (10 MB)")]
    Full {
        /// The total it would reach.
        total: usize,
    },
    /// The file holding this key cannot be read back.
    #[error("storage item {key:?} is corrupt ({file}): {reason}")]
    Corrupt {
        /// The key asked for.
        key: String,
        /// The file, under the mini program's storage folder.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The disk refused.
    #[error("storage i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// One stored item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Its key.
    pub key: String,
    /// The encoded value.
    pub data: String,
    /// How to decode it.
    #[serde(rename = "dataType")]
    pub data_type: String,
}

impl Item {
    fn size(&self) -> usize {
        self.key.len() + self.data.len()
    }
}

/// `getStorageInfo`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageInfo {
    /// Every key, sorted.
    pub keys: Vec<String>,
    /// Space used, in KB (rounded up), as WeChat reports it.
    pub current_size: usize,
    /// The limit, in KB.
    pub limit_size: usize,
}

struct AppStore {
    dir: PathBuf,
    items: BTreeMap<String, Item>,
    total: usize,
    /// File name -> why it cannot be read.
    corrupt: HashMap<String, String>,
}

/// The storage of every mini program under one data directory.
pub struct Storage {
    root: PathBuf,
    apps: Mutex<HashMap<String, Arc<Mutex<AppStore>>>>,
}

impl Storage {
    /// Storage under `root` (created on first write).
    pub fn new(root: PathBuf) -> Storage {
        Storage { root, apps: Mutex::new(HashMap::new()) }
    }

    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of one mini program's data (storage and webview data).
    pub fn app_dir(root: &Path, app_id: &str) -> PathBuf {
        let safe = !app_id.is_empty()
            && !app_id.starts_with('.')
            && app_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if safe {
            root.join(app_id)
        } else {
            root.join(format!("x-{}", hex(app_id.as_bytes())))
        }
    }

    fn app(&self, app_id: &str) -> Result<Arc<Mutex<AppStore>>, StorageError> {
        let mut apps = self.apps.lock().expect("storage lock");
        if let Some(app) = apps.get(app_id) {
            return Ok(app.clone());
        }
        let dir = Storage::app_dir(&self.root, app_id).join("storage");
        let mut items = BTreeMap::new();
        let mut corrupt = HashMap::new();
        if dir.is_dir() {
            for entry in fs::read_dir(&dir)? {
                let path = entry?.path();
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    // A write that a crash interrupted before its rename: it never
                    // answered success, and the old file (if any) is whole.
                    let _ = fs::remove_file(&path);
                    continue;
                }
                if !name.ends_with(".json") {
                    continue;
                }
                match read_item(&path, &name) {
                    Ok(item) => {
                        items.insert(item.key.clone(), item);
                    }
                    Err(reason) => {
                        tracing::error!(app = app_id, file = ?path, %reason, "a storage file is corrupt; its key fails until written again");
                        corrupt.insert(name, reason);
                    }
                }
            }
        }
        let total = items.values().map(Item::size).sum();
        let app = Arc::new(Mutex::new(AppStore { dir, items, total, corrupt }));
        apps.insert(app_id.to_string(), app.clone());
        Ok(app)
    }

    /// Stores an item, replacing any under the same key.
    pub fn set(&self, app_id: &str, item: Item) -> Result<(), StorageError> {
        if item.key.is_empty() {
            return Err(StorageError::BadKey);
        }
        if !DATA_TYPES.contains(&item.data_type.as_str()) {
            return Err(StorageError::BadType(item.data_type));
        }
        let size = item.size();
        if size > MAX_ITEM_BYTES {
            return Err(StorageError::ItemTooLarge { size });
        }
        let app = self.app(app_id)?;
        let mut app = app.lock().expect("app storage lock");
        let old = app.items.get(&item.key).map(Item::size).unwrap_or(0);
        let total = app.total - old + size;
        if total > MAX_TOTAL_BYTES {
            return Err(StorageError::Full { total });
        }
        fs::create_dir_all(&app.dir)?;
        let name = file_name(&item.key);
        let path = app.dir.join(&name);
        write_atomically(&app.dir, &path, &encode_item(&item))?;
        app.corrupt.remove(&name);
        app.total = total;
        app.items.insert(item.key.clone(), item);
        Ok(())
    }

    /// Reads an item.
    pub fn get(&self, app_id: &str, key: &str) -> Result<Item, StorageError> {
        let app = self.app(app_id)?;
        let app = app.lock().expect("app storage lock");
        if let Some(item) = app.items.get(key) {
            return Ok(item.clone());
        }
        let name = file_name(key);
        match app.corrupt.get(&name) {
            Some(reason) => Err(StorageError::Corrupt { key: key.to_string(), file: name, reason: reason.clone() }),
            None => Err(StorageError::NotFound),
        }
    }

    /// Removes an item (a missing key is not an error).
    pub fn remove(&self, app_id: &str, key: &str) -> Result<(), StorageError> {
        let app = self.app(app_id)?;
        let mut app = app.lock().expect("app storage lock");
        let name = file_name(key);
        let held = app.items.get(key).map(Item::size);
        if held.is_some() || app.corrupt.contains_key(&name) {
            fs::remove_file(app.dir.join(&name))?;
            sync_dir(&app.dir)?;
            app.items.remove(key);
            app.corrupt.remove(&name);
            app.total -= held.unwrap_or(0);
        }
        Ok(())
    }

    /// Removes every item.
    pub fn clear(&self, app_id: &str) -> Result<(), StorageError> {
        let app = self.app(app_id)?;
        let mut app = app.lock().expect("app storage lock");
        let names: Vec<String> =
            app.items.keys().map(|key| file_name(key)).chain(app.corrupt.keys().cloned()).collect();
        for name in names {
            match fs::remove_file(app.dir.join(&name)) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err.into()),
                _ => {}
            }
        }
        if app.dir.is_dir() {
            sync_dir(&app.dir)?;
        }
        app.items.clear();
        app.corrupt.clear();
        app.total = 0;
        Ok(())
    }

    /// Keys and sizes.
    pub fn info(&self, app_id: &str) -> Result<StorageInfo, StorageError> {
        let app = self.app(app_id)?;
        let app = app.lock().expect("app storage lock");
        Ok(StorageInfo {
            keys: app.items.keys().cloned().collect(),
            current_size: app.total.div_ceil(1024),
            limit_size: MAX_TOTAL_BYTES / 1024,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Keys up to this many bytes are stored under the hex of their bytes; longer ones under
/// a hash (a file name has at most 255 bytes).
const MAX_HEX_KEY_BYTES: usize = 100;

/// The file holding `key`.
pub fn file_name(key: &str) -> String {
    if key.len() <= MAX_HEX_KEY_BYTES {
        format!("{}.json", hex(key.as_bytes()))
    } else {
        use sha2::Digest;
        format!("h-{}.json", hex(&sha2::Sha256::digest(key.as_bytes())))
    }
}

/// Reads one storage file back, checking that it holds the key its name says.
fn read_item(path: &Path, name: &str) -> Result<Item, String> {
    let bytes = fs::read(path).map_err(|err| err.to_string())?;
    decode_item(&bytes, name)
}

/// The bytes of an item's file.
pub fn encode_item(item: &Item) -> Vec<u8> {
    serde_json::to_vec(item).expect("an item serialises")
}

/// Decodes the file `name` holding `bytes`: the item, or why it is corrupt (empty, not an
/// item, an unknown `dataType`, or a key that belongs in another file).
pub fn decode_item(bytes: &[u8], name: &str) -> Result<Item, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    let item: Item = serde_json::from_slice(bytes).map_err(|err| format!("not a storage item: {err}"))?;
    if file_name(&item.key) != name {
        return Err(format!("it holds the key {:?}, which belongs in another file", item.key));
    }
    if !DATA_TYPES.contains(&item.data_type.as_str()) {
        return Err(format!("unknown dataType {:?}", item.data_type));
    }
    Ok(item)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new file whole.
pub fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp =
        dir.join(format!(".{}.tmp", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()));
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)?;
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, data: &str, data_type: &str) -> Item {
        Item { key: key.into(), data: data.into(), data_type: data_type.into() }
    }

    #[test]
    fn items_persist_across_instances_and_keep_their_type() {
        let tmp = tempfile::tempdir().unwrap();
        let storage = Storage::new(tmp.path().to_path_buf());
        storage.set("wx1", item("when", "2024-01-02T03:04:05.000Z", "Date")).unwrap();
        storage.set("wx1", item("n", "42", "Number")).unwrap();
        storage.set("wx1", item("n", "43", "Number")).unwrap();
        let again = Storage::new(tmp.path().to_path_buf());
        assert_eq!(again.get("wx1", "when").unwrap(), item("when", "2024-01-02T03:04:05.000Z", "Date"));
        assert_eq!(again.get("wx1", "n").unwrap().data, "43");
        assert_eq!(
            again.info("wx1").unwrap(),
            StorageInfo { keys: vec!["n".into(), "when".into()], current_size: 1, limit_size: 10240 }
        );
        assert!(tmp.path().join("wx1/storage").read_dir().unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")));
    }

    #[test]
    fn mini_programs_do_not_share_items() {
        let tmp = tempfile::tempdir().unwrap();
        let storage = Storage::new(tmp.path().to_path_buf());
        storage.set("wx1", item("k", "a", "String")).unwrap();
        assert!(matches!(storage.get("wx2", "k"), Err(StorageError::NotFound)));
        assert!(matches!(storage.get("../wx1", "k"), Err(StorageError::NotFound)));
        assert_eq!(Storage::app_dir(tmp.path(), "../wx1"), tmp.path().join("x-2e2e2f777831"));
    }

    #[test]
    fn remove_and_clear() {
        let tmp = tempfile::tempdir().unwrap();
        let storage = Storage::new(tmp.path().to_path_buf());
        storage.set("wx1", item("a", "1", "Number")).unwrap();
        storage.set("wx1", item("b", "true", "Boolean")).unwrap();
        storage.remove("wx1", "a").unwrap();
        storage.remove("wx1", "never").unwrap();
        assert_eq!(storage.info("wx1").unwrap().keys, vec!["b"]);
        storage.clear("wx1").unwrap();
        assert_eq!(Storage::new(tmp.path().to_path_buf()).info("wx1").unwrap().keys, Vec::<String>::new());
    }

    #[test]
    fn any_key_works_and_similar_keys_stay_apart() {
        let tmp = tempfile::tempdir().unwrap();
        let storage = Storage::new(tmp.path().to_path_buf());
        let long = "k".repeat(5000);
        let keys = [long.as_str(), "Key", "key", "caf\u{e9}", "cafe\u{301}", "a/../b", "\u{1F600}"];
        for (i, key) in keys.iter().enumerate() {
            storage.set("wx1", item(key, &i.to_string(), "Number")).unwrap();
        }
        let again = Storage::new(tmp.path().to_path_buf());
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(again.get("wx1", key).unwrap().data, i.to_string(), "{key}");
        }
        assert_eq!(again.info("wx1").unwrap().keys.len(), keys.len());
        assert!(file_name(&long).starts_with("h-") && file_name(&long).len() < 80);
        again.remove("wx1", &long).unwrap();
        assert!(matches!(Storage::new(tmp.path().to_path_buf()).get("wx1", &long), Err(StorageError::NotFound)));
    }

    #[test]
    fn a_corrupt_file_is_reported_not_dropped_and_a_new_write_repairs_it() {
        let tmp = tempfile::tempdir().unwrap();
        let storage = Storage::new(tmp.path().to_path_buf());
        storage.set("wx1", item("good", "1", "Number")).unwrap();
        storage.set("wx1", item("torn", "\"a long value\"", "String")).unwrap();
        storage.set("wx1", item("gone", "x", "String")).unwrap();
        let dir = tmp.path().join("wx1/storage");
        let torn = dir.join(file_name("torn"));
        let bytes = std::fs::read(&torn).unwrap();
        std::fs::write(&torn, &bytes[..bytes.len() / 2]).unwrap();
        std::fs::write(dir.join(file_name("gone")), b"").unwrap();
        std::fs::write(dir.join(".7475726e.json.tmp"), b"half a wri").unwrap();
        let again = Storage::new(tmp.path().to_path_buf());
        assert_eq!(again.get("wx1", "good").unwrap().data, "1");
        let err = again.get("wx1", "torn").unwrap_err().to_string();
        assert!(err.starts_with(r#"storage item "torn" is corrupt (746f726e.json): not a storage item: "#), "{err}");
        assert_eq!(
            again.get("wx1", "gone").unwrap_err().to_string(),
            r#"storage item "gone" is corrupt (676f6e65.json): the file is empty"#
        );
        assert!(!dir.join(".7475726e.json.tmp").exists(), "a torn temporary file is cleaned up");
        again.set("wx1", item("torn", "2", "Number")).unwrap();
        again.remove("wx1", "gone").unwrap();
        let third = Storage::new(tmp.path().to_path_buf());
        assert_eq!(third.get("wx1", "torn").unwrap().data, "2");
        assert!(matches!(third.get("wx1", "gone"), Err(StorageError::NotFound)));
    }

    #[test]
    fn enforces_wechat_limits() {
        let tmp = tempfile::tempdir().unwrap();
        let storage = Storage::new(tmp.path().to_path_buf());
        let big = "x".repeat(MAX_ITEM_BYTES);
        let err = storage.set("wx1", item("k", &big, "String")).unwrap_err();
        assert_eq!(err.to_string(), "exceed storage item max length: 1048577 bytes, limit 1048576 bytes (1 MB)");
        let almost = "x".repeat(MAX_ITEM_BYTES - 2);
        for i in 0..10 {
            storage.set("wx1", item(&format!("k{i}"), &almost, "String")).unwrap();
        }
        let err = storage.set("wx1", item("k10", "xx", "String")).unwrap_err();
        assert_eq!(err.to_string(), "exceed storage max size: 10485765 bytes, limit 10485760 bytes (10 MB)");
        // Replacing an item counts only the difference.
        storage.set("wx1", item("k0", "small", "String")).unwrap();
        storage.set("wx1", item("k10", "xx", "String")).unwrap();
        assert!(matches!(storage.set("wx1", item("", "x", "String")), Err(StorageError::BadKey)));
        assert_eq!(
            storage.set("wx1", item("k", "x", "Symbol")).unwrap_err().to_string(),
            "parameter error: unknown dataType \"Symbol\""
        );
    }
}
