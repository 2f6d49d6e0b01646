//! Where a path a mini program gives names a file, decided without touching the disk.
//!
//! A mini program sees three areas of its own, each a folder under its data directory,
//! and its package:
//! - `wxfile://usr/...` (`wx.env.USER_DATA_PATH`): its files, read and written freely;
//! - `wxfile://tmp/...`: files the shell made for it (chosen, downloaded): read only;
//! - `wxfile://store/...`: files kept with `wx.saveFile`: read, and removed with
//!   `removeSavedFile`;
//! - any other path (`/images/a.png`, `images/a.png`): a package file, read only.
//!
//! `.` and `..` are resolved here; a path that leaves its area, or any other scheme
//! (`file://`, `http://`, another `wxfile://` area), is refused.

use std::path::PathBuf;

/// One of a mini program's own folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// `wxfile://usr`: `wx.env.USER_DATA_PATH`.
    Usr,
    /// `wxfile://tmp`: temporary files the shell made for it.
    Tmp,
    /// `wxfile://store`: files kept with `wx.saveFile`.
    Store,
}

impl Area {
    /// Every area, in the order their folders are listed.
    pub const ALL: [Area; 3] = [Area::Usr, Area::Tmp, Area::Store];

    /// The area's name: its folder, and its `wxfile://` host.
    pub fn name(self) -> &'static str {
        match self {
            Area::Usr => "usr",
            Area::Tmp => "tmp",
            Area::Store => "store",
        }
    }

    fn parse(name: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|area| area.name() == name)
    }
}

/// A path, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilePath {
    /// A file in one of its own areas: the path inside it (`""` for the area itself).
    Own {
        /// The area.
        area: Area,
        /// The path inside it, `/`-separated, without `.` or `..`.
        inner: String,
    },
    /// A package file (read only): its path from the package root.
    Package(String),
}

/// A path that names nothing a mini program may reach.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("permission denied, open {0:?}")]
pub struct Denied(pub String);

impl FilePath {
    /// Locates `path` as a mini program wrote it.
    pub fn parse(path: &str) -> Result<FilePath, Denied> {
        let denied = || Denied(path.to_string());
        if let Some(rest) = path.strip_prefix("wxfile://") {
            let (host, inner) = rest.split_once('/').unwrap_or((rest, ""));
            let area = Area::parse(host).ok_or_else(denied)?;
            return Ok(FilePath::Own { area, inner: normalise(inner).ok_or_else(denied)? });
        }
        // Any other scheme (file:, http:, data:...) is not a file of its own.
        if path.is_empty() || path.contains("://") || path.contains('\0') || path.starts_with("data:") {
            return Err(denied());
        }
        let inner = normalise(path.trim_start_matches('/')).ok_or_else(denied)?;
        if inner.is_empty() {
            return Err(denied());
        }
        Ok(FilePath::Package(inner))
    }

    /// Whether a mini program may write here (only under `wxfile://usr`).
    pub fn writable(&self) -> bool {
        matches!(self, FilePath::Own { area: Area::Usr, .. })
    }

    /// The file on disk, for one of its own areas, under `root` (its files folder).
    pub fn on_disk(&self, root: &std::path::Path) -> Option<PathBuf> {
        match self {
            FilePath::Own { area, inner } => {
                let mut path = root.join(area.name());
                for part in inner.split('/').filter(|p| !p.is_empty()) {
                    path.push(part);
                }
                Some(path)
            }
            FilePath::Package(_) => None,
        }
    }

    /// The path as a mini program writes it (`wxfile://usr/a/b.txt`, `images/a.png`).
    pub fn to_wx(&self) -> String {
        match self {
            FilePath::Own { area, inner } if inner.is_empty() => format!("wxfile://{}", area.name()),
            FilePath::Own { area, inner } => format!("wxfile://{}/{inner}", area.name()),
            FilePath::Package(inner) => inner.clone(),
        }
    }
}

/// `a/./b/../c/` is `a/c`; `None` when `..` leaves the top.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part if part.contains('\\') => return None,
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(area: Area, inner: &str) -> FilePath {
        FilePath::Own { area, inner: inner.into() }
    }

    #[test]
    fn paths_are_located_in_their_area_or_the_package() {
        let p = |path: &str| FilePath::parse(path);
        assert_eq!(p("wxfile://usr/a/b.txt"), Ok(own(Area::Usr, "a/b.txt")));
        assert_eq!(p("wxfile://usr"), Ok(own(Area::Usr, "")));
        assert_eq!(p("wxfile://usr/a/./c/../b.txt"), Ok(own(Area::Usr, "a/b.txt")));
        assert_eq!(p("wxfile://tmp/x.png"), Ok(own(Area::Tmp, "x.png")));
        assert_eq!(p("wxfile://store/k.bin"), Ok(own(Area::Store, "k.bin")));
        assert_eq!(p("/images/a.png"), Ok(FilePath::Package("images/a.png".into())));
        assert_eq!(p("images/../b.png"), Ok(FilePath::Package("b.png".into())));
        assert!(p("wxfile://usr/a").unwrap().writable());
        assert!(!p("wxfile://tmp/a").unwrap().writable() && !p("/a.png").unwrap().writable());
    }

    #[test]
    fn a_path_out_of_its_area_is_refused_quoting_it() {
        for path in [
            "wxfile://usr/../tmp/x",
            "wxfile://usr/../../etc/passwd",
            "wxfile://other/x",
            "file:///etc/passwd",
            "http://example.com/a.png",
            "../outside.txt",
            "/",
            "",
            "wxfile://usr/a\\..\\..\\b",
        ] {
            assert_eq!(FilePath::parse(path), Err(Denied(path.into())), "{path}");
        }
        assert_eq!(Denied("wxfile://other/x".into()).to_string(), "permission denied, open \"wxfile://other/x\"");
    }

    #[test]
    fn own_files_live_in_their_area_folder() {
        let root = std::path::Path::new("/data/app/files");
        assert_eq!(
            FilePath::parse("wxfile://usr/a/b.txt").unwrap().on_disk(root),
            Some(PathBuf::from("/data/app/files/usr/a/b.txt"))
        );
        assert_eq!(FilePath::parse("a.png").unwrap().on_disk(root), None);
        assert_eq!(FilePath::parse("wxfile://usr/x/../y").unwrap().to_wx(), "wxfile://usr/y");
        assert_eq!(FilePath::parse("wxfile://usr/").unwrap().to_wx(), "wxfile://usr");
    }
}
