//! The compile cache: what a compiler made from given inputs, kept on disk by the content
//! of those inputs, so that a mini program opened again compiles only what changed (and a
//! changed file recompiles alone where its compiler works per file, as esbuild does).
//!
//! An entry is named by the SHA-256 of the compiler's identity (its path, size and
//! modification time: another version misses) and of every input's name and bytes. Entries
//! are written whole (to a temporary name, then renamed), so a crash leaves no half entry;
//! a cache that cannot be read or written is skipped, never an error. Entries unused for
//! [`MAX_AGE`] are removed when the cache opens.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::Digest;

/// How long an unused entry is kept.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);

/// A compile cache in one folder (`<data dir>/compile-cache`).
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: PathBuf,
}

/// The name of one entry: what made it (`wcc`, `esbuild`...) and the digest of its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    tool: &'static str,
    digest: String,
}

/// Builds a [`Key`] from a compiler's identity and its inputs, in order.
#[derive(Debug, Clone)]
pub struct KeyBuilder {
    tool: &'static str,
    hasher: sha2::Sha256,
}

impl KeyBuilder {
    /// A key for `tool`, whose identity (version, path) is `identity`.
    pub fn new(tool: &'static str, identity: &str) -> KeyBuilder {
        let mut builder = KeyBuilder { tool, hasher: sha2::Sha256::new() };
        builder = builder.part(b"superapp compile cache 1").part(tool.as_bytes()).part(identity.as_bytes());
        builder
    }

    /// Adds one input (each is length-prefixed, so `ab`+`c` differs from `a`+`bc`).
    pub fn part(mut self, bytes: &[u8]) -> KeyBuilder {
        self.hasher.update((bytes.len() as u64).to_le_bytes());
        self.hasher.update(bytes);
        self
    }

    /// Adds a named input: a file's name and its bytes.
    pub fn file(self, name: &str, bytes: &[u8]) -> KeyBuilder {
        self.part(name.as_bytes()).part(bytes)
    }

    /// The key.
    pub fn finish(self) -> Key {
        let digest = self.hasher.finalize();
        Key { tool: self.tool, digest: digest.iter().take(20).map(|b| format!("{b:02x}")).collect() }
    }
}

impl CompileCache {
    /// The cache in `dir` (created when the first entry is written); entries unused for
    /// [`MAX_AGE`] are removed.
    pub fn open(dir: impl Into<PathBuf>) -> CompileCache {
        let cache = CompileCache { dir: dir.into() };
        cache.remove_older_than(MAX_AGE);
        cache
    }

    /// The folder of the cache.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(key.tool).join(&key.digest)
    }

    /// The entry for `key`, if there is one (and marks it used).
    pub fn get(&self, key: &Key) -> Option<String> {
        let path = self.path(key);
        let text = std::fs::read_to_string(&path).ok()?;
        if let Ok(file) = std::fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(SystemTime::now());
        }
        Some(text)
    }

    /// Keeps `value` as the entry for `key`. A cache that cannot be written is skipped.
    pub fn put(&self, key: &Key, value: &str) {
        let path = self.path(key);
        let written = (|| -> std::io::Result<()> {
            let folder = path.parent().expect("an entry has a folder");
            std::fs::create_dir_all(folder)?;
            let mut temp = tempfile::NamedTempFile::new_in(folder)?;
            std::io::Write::write_all(&mut temp, value.as_bytes())?;
            temp.persist(&path).map_err(|err| err.error)?;
            Ok(())
        })();
        if let Err(err) = written {
            tracing::debug!(path = %path.display(), %err, "the compile cache was not written");
        }
    }

    /// The entry for `key` (and `true`: it came from the cache), or `make`'s answer (and
    /// `false`), kept when it is `Ok`.
    pub fn get_or<E>(&self, key: &Key, make: impl FnOnce() -> Result<String, E>) -> Result<(String, bool), E> {
        if let Some(hit) = self.get(key) {
            return Ok((hit, true));
        }
        let made = make()?;
        self.put(key, &made);
        Ok((made, false))
    }

    fn remove_older_than(&self, age: Duration) {
        let Ok(tools) = std::fs::read_dir(&self.dir) else { return };
        let now = SystemTime::now();
        for entry in tools.flatten().flat_map(|tool| std::fs::read_dir(tool.path()).into_iter().flatten().flatten()) {
            let old = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| now.duration_since(modified).is_ok_and(|since| since > age));
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A compiler's identity for [`KeyBuilder::new`]: its path, size and modification time.
pub fn identity(path: &Path) -> String {
    let meta = std::fs::metadata(path).ok();
    let size = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    let modified = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}:{size}:{modified}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_changes_with_any_input_and_only_then() {
        let key = |parts: &[(&str, &str)]| {
            parts.iter().fold(KeyBuilder::new("wcc", "v1"), |k, (name, text)| k.file(name, text.as_bytes())).finish()
        };
        let base = key(&[("a.wxml", "<view/>"), ("b.wxml", "<text/>")]);
        assert_eq!(base, key(&[("a.wxml", "<view/>"), ("b.wxml", "<text/>")]));
        assert_ne!(base, key(&[("a.wxml", "<view/> "), ("b.wxml", "<text/>")]), "a file's text");
        assert_ne!(base, key(&[("a.wxml", "<view/>"), ("c.wxml", "<text/>")]), "a file's name");
        assert_ne!(base, key(&[("a.wxml", "<view/><"), ("b.wxml", "text/>")]), "where one input ends");
        assert_ne!(base, KeyBuilder::new("wcc", "v2").file("a.wxml", b"<view/>").file("b.wxml", b"<text/>").finish());
        assert_ne!(base.digest, KeyBuilder::new("wcsc", "v1").finish().digest);
    }

    #[test]
    fn entries_are_kept_read_back_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CompileCache::open(dir.path().join("cache"));
        let key = KeyBuilder::new("esbuild", "v1").file("a.ts", b"let a: number = 1").finish();
        assert_eq!(cache.get(&key), None);
        let mut runs = 0;
        let mut make = || -> Result<String, ()> {
            runs += 1;
            Ok("let a = 1;".into())
        };
        assert_eq!(cache.get_or(&key, &mut make), Ok(("let a = 1;".to_string(), false)));
        assert_eq!(cache.get_or(&key, &mut make), Ok(("let a = 1;".to_string(), true)));
        assert_eq!(runs, 1, "the second answer came from the cache");
        // A failure is not kept.
        let other = KeyBuilder::new("esbuild", "v1").file("b.ts", b"let b").finish();
        assert_eq!(cache.get_or(&other, || Err::<String, _>("bad")), Err("bad"));
        assert_eq!(cache.get(&other), None);
        // An entry unused for longer than the limit goes when the cache opens.
        let entry = cache.path(&key);
        let old = SystemTime::now() - MAX_AGE - Duration::from_secs(60);
        std::fs::File::options().append(true).open(&entry).unwrap().set_modified(old).unwrap();
        let reopened = CompileCache::open(dir.path().join("cache"));
        assert_eq!(reopened.get(&key), None);
    }

    #[test]
    fn a_cache_that_cannot_be_written_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "not a folder").unwrap();
        let cache = CompileCache::open(blocker.join("cache"));
        let key = KeyBuilder::new("wcc", "v1").finish();
        assert_eq!(cache.get_or(&key, || Ok::<_, ()>("made".into())), Ok(("made".to_string(), false)));
        assert_eq!(cache.get(&key), None);
    }
}
