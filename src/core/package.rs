//! The mini program package: `project.config.json`, `app.json`, page files, safe paths.
//!
//! A package is a directory on disk or one embedded in the binary (the sample). Page
//! `pages/x/y` is the file `pages/x/y.html`. Every path a page asks for resolves inside
//! the package or is refused.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use include_dir::Dir;
use serde_json::Value;

use super::app_config::{AppConfig, PageWindow, WindowConfig};
use super::app_info::{AppInfo, VerType};
use super::theme::{self, Theme, ThemeError};

/// Why a package cannot be opened or a file in it cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// A file could not be read.
    #[error("cannot read {path:?}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A package file is not valid JSON.
    #[error("{file}: invalid JSON: {message}")]
    Json {
        /// The package file, relative to the package root.
        file: String,
        /// What the parser said.
        message: String,
    },
    /// A field of a package file is missing or wrong.
    #[error("{file}: field {field:?}: {message}")]
    Field {
        /// The package file, relative to the package root.
        file: String,
        /// The field, as a JSON path (`pages[2]`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A path leaves the package (`..`, absolute, encoded traversal, outbound symlink).
    #[error("unsafe path {0:?}")]
    UnsafePath(String),
    /// No such file in the package.
    #[error("not found: {0:?}")]
    NotFound(String),
}

enum Root {
    Disk(PathBuf),
    Embedded(&'static Dir<'static>),
}

/// What a mini program's pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `pages/x/x.html`: pages written for this shell, each its own JS context.
    Html,
    /// `pages/x/x.wxml` with `x.js` (and optional `x.wxss`): WeChat's two-layer model.
    Wxml,
}

/// An opened, validated mini program package.
pub struct Package {
    root: Root,
    app_info: AppInfo,
    config: AppConfig,
    page_windows: std::collections::HashMap<String, PageWindow>,
    kind: PageKind,
    theme: Theme,
    /// The current theme's variables, when `app.json` has a `themeLocation`.
    theme_vars: Option<serde_json::Map<String, Value>>,
    /// Libraries the shell supplies, each a folder seen under a package path
    /// (`useExtendedLib`'s WeUI under `miniprogram_npm/weui-miniprogram`).
    mounts: Vec<(String, PathBuf)>,
    /// The `ext` of `ext.json` when it says `extEnable` (`wx.getExtConfigSync()`).
    ext_config: Value,
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let root = match &self.root {
            Root::Disk(path) => path.display().to_string(),
            Root::Embedded(_) => "<embedded>".to_string(),
        };
        f.debug_struct("Package")
            .field("root", &root)
            .field("app_info", &self.app_info)
            .field("pages", &self.config.pages)
            .finish()
    }
}

impl Package {
    /// Opens and validates the package in `dir`: a mini program folder (holding
    /// `app.json`), or a project folder whose `project.config.json` names it with
    /// `miniprogramRoot`, as WeChat DevTools opens it. Either way the project's
    /// `project.config.json` gives the identity.
    pub fn open(dir: impl AsRef<Path>) -> Result<Package, PackageError> {
        Package::open_themed(dir, Theme::Light)
    }

    /// [`Package::open`] in `theme`: `"@name"` values of `app.json` and page `.json` files
    /// come from that theme of the `themeLocation` file.
    pub fn open_themed(dir: impl AsRef<Path>, theme: Theme) -> Result<Package, PackageError> {
        let dir = dir.as_ref();
        let dir = dir.canonicalize().map_err(|source| PackageError::Io { path: dir.to_path_buf(), source })?;
        let project = Project::find(&dir)?;
        let fallback_name = project
            .dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "miniapp".to_string());
        let fallback = AppInfo { app_id: local_app_id(&project.dir), ..AppInfo::fallback(&fallback_name) };
        Package::load(Root::Disk(project.root), fallback, project.config, theme)
    }

    /// Opens and validates a package embedded in the binary.
    pub fn embedded(dir: &'static Dir<'static>, name: &str) -> Result<Package, PackageError> {
        let fallback = AppInfo { app_id: format!("local-embedded-{name}"), ..AppInfo::fallback(name) };
        Package::load(Root::Embedded(dir), fallback, None, Theme::Light)
    }

    /// `project`: the project's `project.config.json`, when it was read already (it may
    /// lie above the package root); otherwise the root's own is read, if any.
    fn load(root: Root, fallback: AppInfo, project: Option<Value>, theme: Theme) -> Result<Package, PackageError> {
        let mut package = Package {
            root,
            app_info: fallback.clone(),
            config: AppConfig {
                pages: Vec::new(),
                subpackages: Vec::new(),
                window: WindowConfig::default(),
                tab_bar: None,
                ext_api: Vec::new(),
                extended_libs: Vec::new(),
                sitemap_location: None,
            },
            page_windows: std::collections::HashMap::new(),
            kind: PageKind::Html,
            theme,
            theme_vars: None,
            mounts: Vec::new(),
            ext_config: Value::Object(Default::default()),
        };
        let project = match project {
            Some(config) => Some(config),
            None if package.exists("project.config.json") => Some(package.read_json("project.config.json")?),
            None => None,
        };
        if let Some(config) = project {
            package.app_info = app_info_from(&config, fallback)?;
        }
        let mut app = package.read_json("app.json")?;
        if let Some(location) = app.get("themeLocation").and_then(Value::as_str).map(str::to_string) {
            let location = location.trim_start_matches('/').to_string();
            let themes = package.read_json(&location)?;
            let theme_error = |file: &str, err: ThemeError| match err {
                ThemeError::Unknown(field, name, theme) => PackageError::Field {
                    file: file.to_string(),
                    field,
                    message: format!("{name:?} is not in the {theme:?} theme of {location}"),
                },
                other => {
                    PackageError::Field { file: location.clone(), field: String::new(), message: other.to_string() }
                }
            };
            let vars = theme::variables(&themes, theme).map_err(|err| theme_error(&location, err))?.clone();
            theme::apply(&mut app, &vars, theme).map_err(|err| theme_error("app.json", err))?;
            package.theme_vars = Some(vars);
        }
        package.config = AppConfig::parse(&app).map_err(field_error)?;
        let mut kinds = Vec::new();
        for (i, page) in package.config.pages.iter().enumerate() {
            let field = || format!("pages[{i}]");
            let (html, wxml, js) = (format!("{page}.html"), format!("{page}.wxml"), format!("{page}.js"));
            let kind = if package.exists(&html) {
                PageKind::Html
            } else if package.exists(&wxml) {
                // (its script may be TypeScript, compiled as DevTools does)
                if !package.exists(&js) && !package.exists(&format!("{page}.ts")) {
                    let message = format!("WXML page {page:?} has no file {js:?}");
                    return Err(PackageError::Field { file: "app.json".into(), field: field(), message });
                }
                PageKind::Wxml
            } else {
                let message = format!("page {page:?} has no file {html:?} or {wxml:?}");
                return Err(PackageError::Field { file: "app.json".into(), field: field(), message });
            };
            if let Some(first) = kinds.first().filter(|first| **first != kind) {
                let message = format!(
                    "page {page:?} is {kind:?} but the first page is {first:?}: a mini program's pages are all HTML or all WXML"
                );
                return Err(PackageError::Field { file: "app.json".into(), field: field(), message });
            }
            kinds.push(kind);
            let json_file = format!("{page}.json");
            let own = if package.exists(&json_file) {
                let mut page_json = package.read_json(&json_file)?;
                if let Some(vars) = &package.theme_vars {
                    theme::apply(&mut page_json, vars, theme).map_err(|err| match err {
                        ThemeError::Unknown(field, name, theme) => PackageError::Field {
                            file: json_file.clone(),
                            field,
                            message: format!("{name:?} is not in the {theme:?} theme"),
                        },
                        other => PackageError::Field {
                            file: json_file.clone(),
                            field: String::new(),
                            message: other.to_string(),
                        },
                    })?;
                }
                match page_json {
                    Value::Object(object) => WindowConfig::parse(&object, &json_file, "").map_err(field_error)?,
                    other => {
                        return Err(PackageError::Field {
                            file: json_file,
                            field: String::new(),
                            message: format!("expected an object, got {other}"),
                        })
                    }
                }
            } else {
                WindowConfig::default()
            };
            let window = package.config.window.merged(&own).resolve();
            package.page_windows.insert(page.clone(), window);
        }
        package.kind = kinds.first().copied().unwrap_or(PageKind::Html);
        if package.exists("ext.json") {
            let ext = package.read_json("ext.json")?;
            if ext.get("extEnable").and_then(Value::as_bool) == Some(true) {
                package.ext_config = ext.get("ext").cloned().unwrap_or_else(|| Value::Object(Default::default()));
            }
        }
        Ok(package)
    }

    /// The `ext` of the package's `ext.json` (`{}` without one, or when it is not enabled).
    pub fn ext_config(&self) -> &Value {
        &self.ext_config
    }

    /// The theme this package was opened in.
    pub fn theme(&self) -> Theme {
        self.theme
    }

    /// What the pages are written in.
    pub fn kind(&self) -> PageKind {
        self.kind
    }

    /// The package's folder, when it is on disk (not embedded in the binary).
    pub fn dir(&self) -> Option<&Path> {
        match &self.root {
            Root::Disk(dir) => Some(dir),
            Root::Embedded(_) => None,
        }
    }

    /// Every file of the package, relative to its root, sorted (dot folders and
    /// `node_modules` left out).
    pub fn files(&self) -> Vec<String> {
        fn walk(dir: &include_dir::Dir<'_>, out: &mut Vec<String>) {
            for file in dir.files() {
                out.push(file.path().to_string_lossy().into_owned());
            }
            for sub in dir.dirs() {
                walk(sub, out);
            }
        }
        let mut out = Vec::new();
        match &self.root {
            Root::Embedded(dir) => walk(dir, &mut out),
            Root::Disk(root) => {
                let mut stack = vec![root.clone()];
                while let Some(dir) = stack.pop() {
                    let Ok(entries) = std::fs::read_dir(&dir) else { continue };
                    for entry in entries.flatten() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if name.starts_with('.') || name == "node_modules" {
                            continue;
                        }
                        let path = entry.path();
                        let Ok(kind) = entry.file_type() else { continue };
                        if kind.is_dir() {
                            stack.push(path);
                        } else if kind.is_file() {
                            if let Ok(relative) = path.strip_prefix(root) {
                                out.push(relative.to_string_lossy().into_owned());
                            }
                        }
                    }
                }
            }
        }
        for (prefix, dir) in &self.mounts {
            let mut stack = vec![dir.clone()];
            while let Some(folder) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&folder) else { continue };
                for entry in entries.flatten() {
                    let path = entry.path();
                    let Ok(kind) = entry.file_type() else { continue };
                    if kind.is_dir() {
                        stack.push(path);
                    } else if let Ok(relative) = path.strip_prefix(dir) {
                        out.push(format!("{prefix}/{}", relative.to_string_lossy()));
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Shows the folder `dir` as the package's `prefix` (a library the shell supplies),
    /// unless the package has that folder itself.
    pub fn mount(&mut self, prefix: &str, dir: PathBuf) {
        let prefix = prefix.trim_matches('/').to_string();
        let own = match &self.root {
            Root::Disk(root) => root.join(&prefix).is_dir(),
            Root::Embedded(root) => root.get_dir(&prefix).is_some(),
        };
        if !own {
            self.mounts.push((prefix, dir));
        }
    }

    /// Whether a library is shown in the package ([`Package::mount`]).
    pub fn has_mounts(&self) -> bool {
        !self.mounts.is_empty()
    }

    /// The mini program's identity.
    pub fn app_info(&self) -> &AppInfo {
        &self.app_info
    }

    /// The pages listed in `app.json`, home page first.
    pub fn pages(&self) -> &[String] {
        &self.config.pages
    }

    /// The home page's route (`pages/index/index`).
    pub fn home(&self) -> &str {
        &self.config.pages[0]
    }

    /// The parsed `app.json`.
    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    /// The window settings of a page: `app.json`'s `window`, overridden by the page's own
    /// `.json`, with WeChat's defaults.
    pub fn page_window(&self, route: &str) -> PageWindow {
        self.page_windows.get(route).cloned().unwrap_or_else(|| self.config.window.resolve())
    }

    /// Reads a file by the percent-encoded path of a request (`/pages/a/a.html`).
    pub fn read(&self, url_path: &str) -> Result<Cow<'static, [u8]>, PackageError> {
        let relative = safe_relative_path(url_path)?;
        for (prefix, dir) in &self.mounts {
            let Some(inner) = relative.strip_prefix(prefix.as_str()).and_then(|rest| rest.strip_prefix('/')) else {
                continue;
            };
            let real = dir.join(inner).canonicalize().map_err(|_| PackageError::NotFound(relative.clone()))?;
            let base = dir.canonicalize().map_err(|_| PackageError::NotFound(relative.clone()))?;
            if !real.starts_with(&base) {
                return Err(PackageError::UnsafePath(url_path.to_string()));
            }
            if !real.is_file() {
                return Err(PackageError::NotFound(relative));
            }
            return std::fs::read(&real).map(Cow::Owned).map_err(|source| PackageError::Io { path: real, source });
        }
        match &self.root {
            Root::Embedded(dir) => dir
                .get_file(&relative)
                .map(|file| Cow::Borrowed(file.contents()))
                .ok_or(PackageError::NotFound(relative)),
            Root::Disk(root) => {
                let joined = root.join(&relative);
                let real = match joined.canonicalize() {
                    Ok(real) => real,
                    Err(_) => return Err(PackageError::NotFound(relative)),
                };
                if !real.starts_with(root) {
                    return Err(PackageError::UnsafePath(url_path.to_string()));
                }
                if !real.is_file() {
                    return Err(PackageError::NotFound(relative));
                }
                std::fs::read(&real).map(Cow::Owned).map_err(|source| PackageError::Io { path: real, source })
            }
        }
    }

    fn exists(&self, relative: &str) -> bool {
        self.read(relative).is_ok()
    }

    fn read_json(&self, file: &str) -> Result<Value, PackageError> {
        let bytes = self.read(file).map_err(|err| match err {
            PackageError::NotFound(_) => PackageError::Field {
                file: file.to_string(),
                field: String::new(),
                message: "file is missing".to_string(),
            },
            other => other,
        })?;
        serde_json::from_slice(&bytes)
            .map_err(|err| PackageError::Json { file: file.to_string(), message: err.to_string() })
    }
}

/// The MIME type to serve a package file with.
pub fn mime_type(path: &str) -> String {
    mime_guess::from_path(path)
        .first_raw()
        .map(|mime| match mime {
            "text/html"
            | "text/plain"
            | "text/css"
            | "text/javascript"
            | "application/javascript"
            | "application/json" => {
                format!("{mime}; charset=utf-8")
            }
            other => other.to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".to_string())
}

/// Turns a request path into a package-relative path, refusing anything that could leave
/// the package: `..` and `.` segments, absolute paths, backslashes, NUL, and their
/// percent-encoded forms.
pub fn safe_relative_path(url_path: &str) -> Result<String, PackageError> {
    let unsafe_path = || PackageError::UnsafePath(url_path.to_string());
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8().map_err(|_| unsafe_path())?;
    let trimmed = decoded.strip_prefix('/').unwrap_or(&decoded);
    if trimmed.is_empty() || trimmed.starts_with('/') || trimmed.contains(['\\', '\0']) {
        return Err(unsafe_path());
    }
    if trimmed
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == ".." || segment.contains(':'))
    {
        return Err(unsafe_path());
    }
    Ok(trimmed.to_string())
}

/// Where a project on disk keeps its mini program: DevTools' `miniprogramRoot`.
struct Project {
    /// The folder of `project.config.json` (or the folder opened, without one).
    dir: PathBuf,
    /// The mini program's folder, holding `app.json`.
    root: PathBuf,
    /// `project.config.json`, if there is one.
    config: Option<Value>,
}

impl Project {
    /// The project of folder `dir` (canonical): `dir` itself, its `miniprogramRoot`, or
    /// (when `dir` is that mini program folder) the project above it.
    fn find(dir: &Path) -> Result<Project, PackageError> {
        const FILE: &str = "project.config.json";
        let read = |folder: &Path| -> Result<Option<Value>, PackageError> {
            let path = folder.join(FILE);
            match std::fs::read(&path) {
                Ok(bytes) => serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|err| PackageError::Json { file: FILE.into(), message: err.to_string() }),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(PackageError::Io { path, source }),
            }
        };
        let named_root = |folder: &Path, config: &Value| -> Result<Option<PathBuf>, PackageError> {
            let field =
                |message: String| PackageError::Field { file: FILE.into(), field: "miniprogramRoot".into(), message };
            let name = match config.get("miniprogramRoot") {
                None | Some(Value::Null) => return Ok(None),
                Some(Value::String(name)) => name.trim_end_matches('/'),
                Some(other) => return Err(field(format!("expected a string, got {other}"))),
            };
            if name.is_empty() || name == "." {
                return Ok(None);
            }
            let root =
                folder.join(name).canonicalize().map_err(|_| field(format!("folder {name:?} does not exist")))?;
            if !root.starts_with(folder) || !root.is_dir() {
                return Err(field(format!("{name:?} is not a folder inside the project")));
            }
            Ok(Some(root))
        };
        if let Some(config) = read(dir)? {
            let root = named_root(dir, &config)?.unwrap_or_else(|| dir.to_path_buf());
            return Ok(Project { dir: dir.to_path_buf(), root, config: Some(config) });
        }
        // The mini program folder of a project opened directly: the project is above it.
        if dir.join("app.json").is_file() {
            for above in dir.ancestors().skip(1).take(3) {
                if let Ok(Some(config)) = read(above) {
                    if named_root(above, &config).ok().flatten().as_deref() == Some(dir) {
                        return Ok(Project { dir: above.to_path_buf(), root: dir.to_path_buf(), config: Some(config) });
                    }
                }
            }
        }
        Ok(Project { dir: dir.to_path_buf(), root: dir.to_path_buf(), config: None })
    }
}

/// The app id of a package whose `project.config.json` names none: `local-` and 16 hex
/// digits of the SHA-256 of its folder's canonical path. Stable for a folder, distinct
/// between folders, so two such packages never share storage or web data. For a
/// project with a `miniprogramRoot`, the folder is the project's.
pub fn local_app_id(canonical_dir: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(canonical_dir.as_os_str().as_encoded_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("local-{hex}")
}

fn app_info_from(config: &Value, fallback: AppInfo) -> Result<AppInfo, PackageError> {
    let file = "project.config.json";
    let text = |key: &str| -> Result<Option<String>, PackageError> {
        match config.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(PackageError::Field {
                file: file.into(),
                field: key.into(),
                message: format!("expected a string, got {other}"),
            }),
        }
    };
    let mut info = fallback;
    if let Some(app_id) = text("appid")?.filter(|id| !id.trim().is_empty()) {
        info.app_id = app_id;
    }
    if let Some(name) = text("projectname")? {
        info.name = name;
    }
    if let Some(version) = text("version")? {
        info.version = version;
    }
    let ver_type = match config.get("verType") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => Some(other.to_string()),
    };
    if let Some(ver_type) = ver_type {
        info.ver_type = VerType::parse(&ver_type).ok_or_else(|| PackageError::Field {
            file: file.into(),
            field: "verType".into(),
            message: format!("expected develop, preview, audit or online, got {ver_type:?}"),
        })?;
    }
    Ok(info)
}

fn field_error((file, field, message): (String, String, String)) -> PackageError {
    PackageError::Field { file, field, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }

    fn sample(dir: &Path) {
        write(
            dir,
            &[
                ("app.json", r#"{"pages":["pages/index/index","pages/b/b"]}"#),
                ("project.config.json", r#"{"appid":"wx42","projectname":"Demo"}"#),
                ("pages/index/index.html", "<p>home</p>"),
                ("pages/b/b.html", "<p>b</p>"),
            ],
        );
    }

    #[test]
    fn a_project_opens_from_its_folder_or_its_miniprogram_root_alike() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            &[
                ("project.config.json", r#"{"appid":"wxdemo","projectname":"Demo","miniprogramRoot":"miniprogram/"}"#),
                ("miniprogram/app.json", r#"{"pages":["pages/index/index"]}"#),
                ("miniprogram/pages/index/index.html", "<p>home</p>"),
            ],
        );
        for dir in [tmp.path().to_path_buf(), tmp.path().join("miniprogram")] {
            let package = Package::open(&dir).unwrap();
            assert_eq!(package.app_info().app_id, "wxdemo", "{dir:?}");
            assert_eq!(package.pages(), ["pages/index/index"]);
            assert_eq!(package.dir(), Some(tmp.path().join("miniprogram").canonicalize().unwrap().as_path()));
        }
        // A miniprogramRoot that is not there is named.
        write(tmp.path(), &[("project.config.json", r#"{"miniprogramRoot":"src/"}"#)]);
        assert_eq!(
            Package::open(tmp.path()).unwrap_err().to_string(),
            r#"project.config.json: field "miniprogramRoot": folder "src" does not exist"#
        );
        write(tmp.path(), &[("project.config.json", r#"{"miniprogramRoot":"../"}"#)]);
        assert_eq!(
            Package::open(tmp.path()).unwrap_err().to_string(),
            r#"project.config.json: field "miniprogramRoot": ".." is not a folder inside the project"#
        );
    }

    #[test]
    fn opens_a_package_and_reads_its_identity() {
        let tmp = tempfile::tempdir().unwrap();
        sample(tmp.path());
        let package = Package::open(tmp.path()).unwrap();
        assert_eq!(package.pages(), ["pages/index/index", "pages/b/b"]);
        assert_eq!(package.home(), "pages/index/index");
        assert_eq!(package.app_info().app_id, "wx42");
        assert_eq!(package.app_info().name, "Demo");
        assert_eq!(package.app_info().version, "0.0.0");
        assert_eq!(&*package.read("/pages/b/b.html").unwrap(), b"<p>b</p>");
        assert_eq!(&*package.read("/pages/b/b%2Ehtml").unwrap(), b"<p>b</p>");
    }

    #[test]
    fn identity_defaults_without_project_config() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("shop");
        write(&dir, &[("app.json", r#"{"pages":["p"]}"#), ("p.html", "")]);
        let info = Package::open(&dir).unwrap().app_info().clone();
        let id = local_app_id(&dir.canonicalize().unwrap());
        assert_eq!(info, AppInfo { app_id: id.clone(), ..AppInfo::fallback("shop") });
        assert!(id.starts_with("local-") && id.len() == 22, "{id}");
        // Stable for the folder, distinct from another folder without an appid.
        assert_eq!(Package::open(&dir).unwrap().app_info().app_id, id);
        let other = tmp.path().join("shop2");
        write(
            &other,
            &[("app.json", r#"{"pages":["p"]}"#), ("p.html", ""), ("project.config.json", r#"{"appid":""}"#)],
        );
        let other_id = Package::open(&other).unwrap().app_info().app_id.clone();
        assert!(other_id.starts_with("local-") && other_id != id, "{other_id}");
    }

    #[test]
    fn refuses_invalid_packages_naming_file_and_field() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[], r#"app.json: field "": file is missing"#),
            (&[("app.json", "{")], "app.json: invalid JSON: EOF while parsing an object at line 1 column 1"),
            (&[("app.json", "{}")], r#"app.json: field "pages": is missing"#),
            (&[("app.json", r#"{"pages":[]}"#)], r#"app.json: field "pages": must list at least one page"#),
            (&[("app.json", r#"{"pages":[3]}"#)], r#"app.json: field "pages[0]": expected a string, got 3"#),
            (
                &[
                    ("app.json", r#"{"pages":["a"]}"#),
                    ("a.html", ""),
                    ("a.json", r#"{"navigationBarTextStyle":"blue"}"#),
                ],
                r#"a.json: field "navigationBarTextStyle": expected "black" or "white", got "blue""#,
            ),
            (
                &[("app.json", r#"{"pages":["a"]}"#), ("a.html", ""), ("a.json", "[1]")],
                r#"a.json: field "": expected an object, got [1]"#,
            ),
            (
                &[("app.json", r#"{"pages":["../x"]}"#)],
                r#"app.json: field "pages[0]": "../x" is not a page path like "pages/index/index""#,
            ),
            (
                &[("app.json", r#"{"pages":["a"]}"#)],
                r#"app.json: field "pages[0]": page "a" has no file "a.html" or "a.wxml""#,
            ),
            (
                &[("app.json", r#"{"pages":["a"]}"#), ("a.wxml", "<view/>")],
                r#"app.json: field "pages[0]": WXML page "a" has no file "a.js""#,
            ),
            (
                &[("app.json", r#"{"pages":["a","b"]}"#), ("a.wxml", "<view/>"), ("a.js", "Page({})"), ("b.html", "")],
                r#"app.json: field "pages[1]": page "b" is Html but the first page is Wxml: a mini program's pages are all HTML or all WXML"#,
            ),
            (
                &[("app.json", r#"{"pages":["a","a"]}"#), ("a.html", "")],
                r#"app.json: field "pages[1]": "a" is listed twice"#,
            ),
            (
                &[("app.json", r#"{"pages":["a"]}"#), ("a.html", ""), ("project.config.json", r#"{"appid":5}"#)],
                r#"project.config.json: field "appid": expected a string, got 5"#,
            ),
            (
                &[("app.json", r#"{"pages":["a"]}"#), ("a.html", ""), ("project.config.json", r#"{"verType":"beta"}"#)],
                r#"project.config.json: field "verType": expected develop, preview, audit or online, got "beta""#,
            ),
        ];
        for (files, expected) in cases {
            let tmp = tempfile::tempdir().unwrap();
            write(tmp.path(), files);
            assert_eq!(Package::open(tmp.path()).unwrap_err().to_string(), *expected);
        }
    }

    #[test]
    fn refuses_paths_that_leave_the_package() {
        for path in [
            "/../secret",
            "/pages/../../secret",
            "/%2e%2e/secret",
            "/pages/%2E%2E/%2e%2e/secret",
            "//etc/passwd",
            "/%2Fetc/passwd",
            "/a\\..\\b",
            "/a/./b",
            "/",
            "",
            "/c:/x",
            "/a%00b",
        ] {
            assert!(matches!(safe_relative_path(path), Err(PackageError::UnsafePath(_))), "{path} was accepted");
        }
        assert_eq!(safe_relative_path("/pages/a%20b/c.html").unwrap(), "pages/a b/c.html");
    }

    #[test]
    fn refuses_symlinks_that_leave_the_package() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside.txt");
        fs::write(&outside, "secret").unwrap();
        let dir = tmp.path().join("app");
        sample(&dir);
        std::os::unix::fs::symlink(&outside, dir.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.join("pages/b/b.html"), dir.join("inside.html")).unwrap();
        let package = Package::open(&dir).unwrap();
        assert!(matches!(package.read("/link.txt"), Err(PackageError::UnsafePath(_))));
        assert_eq!(&*package.read("/inside.html").unwrap(), b"<p>b</p>");
        assert!(matches!(package.read("/nope.html"), Err(PackageError::NotFound(_))));
        assert!(matches!(package.read("/pages"), Err(PackageError::NotFound(_))));
    }

    #[test]
    fn serves_text_with_a_charset() {
        assert_eq!(mime_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(mime_type("a.png"), "image/png");
        assert_eq!(mime_type("a.unknownext"), "application/octet-stream");
    }
}
