//! DevTools' "Tools > Build npm", done by the shell when it opens a mini program: each
//! dependency in the mini program's `package.json` that is installed under its
//! `node_modules` is copied into `miniprogram_npm/<name>`: the folder its `package.json`
//! names in `miniprogram` (default `miniprogram_dist`) when it has one, else its `main`
//! file as `index.js`; the dependencies of those packages too, each under its own name. A bare `require('pkg')` (and, for "Components", a component path)
//! then resolves there (assets/wxml/logic.js). Built when `miniprogram_npm/<name>` is
//! missing or older than the installed package; otherwise left as it is.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why a package could not be built.
#[derive(Debug, thiserror::Error)]
pub enum NpmError {
    /// A file could not be read or written.
    #[error("build npm: {path:?}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// What to copy for one installed dependency.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A folder (its `miniprogram` field, or `miniprogram_dist`), copied whole.
    Folder(String),
    /// Its main file, copied as `index.js`.
    Main(String),
}

/// What `package_json` (an installed dependency's) says to copy.
pub fn source_of(package_json: &Value, has_folder: impl Fn(&str) -> bool) -> Source {
    if let Some(folder) = package_json.get("miniprogram").and_then(Value::as_str) {
        return Source::Folder(folder.trim_matches('/').to_string());
    }
    if has_folder("miniprogram_dist") {
        return Source::Folder("miniprogram_dist".into());
    }
    let main = package_json.get("main").and_then(Value::as_str).unwrap_or("index.js");
    let main = main.trim_start_matches("./");
    Source::Main(if main.ends_with(".js") { main.to_string() } else { format!("{main}.js") })
}

/// Builds `miniprogram_npm` in `root` (the mini program folder) from `root/node_modules`,
/// for the dependencies of `root/package.json`; returns the names it built.
pub fn build(root: &Path) -> Result<Vec<String>, NpmError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| NpmError::Io { path, source }
    };
    let Ok(text) = std::fs::read(root.join("package.json")) else { return Ok(Vec::new()) };
    let Ok(manifest) = serde_json::from_slice::<Value>(&text) else { return Ok(Vec::new()) };
    let dependencies = |manifest: &Value| -> Vec<String> {
        manifest.get("dependencies").and_then(Value::as_object).map(|d| d.keys().cloned().collect()).unwrap_or_default()
    };
    // The dependencies, and theirs (as DevTools builds them: each under its own name).
    let mut names: std::collections::VecDeque<String> = dependencies(&manifest).into();
    let mut seen: std::collections::HashSet<String> = names.iter().cloned().collect();
    let mut built = Vec::new();
    while let Some(name) = names.pop_front() {
        let installed = root.join("node_modules").join(&name);
        let Ok(meta) = std::fs::read(installed.join("package.json")) else { continue };
        let Ok(package_json) = serde_json::from_slice::<Value>(&meta) else { continue };
        for more in dependencies(&package_json) {
            if seen.insert(more.clone()) {
                names.push_back(more);
            }
        }
        let target = root.join("miniprogram_npm").join(&name);
        if newer_or_same(&target, &installed.join("package.json")) {
            continue;
        }
        if target.exists() {
            std::fs::remove_dir_all(&target).map_err(io(&target))?;
        }
        match source_of(&package_json, |folder| installed.join(folder).is_dir()) {
            Source::Folder(folder) => copy_dir(&installed.join(folder), &target)?,
            Source::Main(main) => {
                std::fs::create_dir_all(&target).map_err(io(&target))?;
                let from = installed.join(&main);
                std::fs::copy(&from, target.join("index.js")).map_err(io(&from))?;
            }
        }
        built.push(name);
    }
    Ok(built)
}

/// Whether `target` exists and is no older than `source`.
fn newer_or_same(target: &Path, source: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|meta| meta.modified()).ok();
    match (modified(target), modified(source)) {
        (Some(target), Some(source)) => target >= source,
        _ => false,
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), NpmError> {
    std::fs::create_dir_all(to).map_err(|source| NpmError::Io { path: to.to_path_buf(), source })?;
    let entries = std::fs::read_dir(from).map_err(|source| NpmError::Io { path: from.to_path_buf(), source })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest).map_err(|source| NpmError::Io { path: path.clone(), source })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_dependency_gives_its_miniprogram_folder_or_its_main_file() {
        assert_eq!(source_of(&json!({"miniprogram": "dist/"}), |_| false), Source::Folder("dist".into()));
        assert_eq!(
            source_of(&json!({"main": "lib/x"}), |f| f == "miniprogram_dist"),
            Source::Folder("miniprogram_dist".into())
        );
        assert_eq!(source_of(&json!({"main": "./lib/x"}), |_| false), Source::Main("lib/x.js".into()));
        assert_eq!(source_of(&json!({}), |_| false), Source::Main("index.js".into()));
    }

    #[test]
    fn build_copies_what_each_dependency_names_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("package.json", r#"{"dependencies": {"plain": "1", "comp": "1", "absent": "1"}}"#);
        write("node_modules/plain/package.json", r#"{"main": "lib/plain.js"}"#);
        write("node_modules/plain/lib/plain.js", "module.exports = 1;");
        write(
            "node_modules/comp/package.json",
            r#"{"miniprogram": "dist", "dependencies": {"dep": "1", "plain": "1"}}"#,
        );
        write("node_modules/comp/dist/index.js", "module.exports = 2;");
        write("node_modules/comp/dist/sub/a.js", "module.exports = 3;");
        write("node_modules/dep/package.json", r#"{}"#);
        write("node_modules/dep/index.js", "module.exports = 4;");
        // (a dependency's own dependencies too, each once)
        assert_eq!(build(root).unwrap(), ["plain", "comp", "dep"]);
        assert_eq!(
            std::fs::read_to_string(root.join("miniprogram_npm/plain/index.js")).unwrap(),
            "module.exports = 1;"
        );
        assert!(root.join("miniprogram_npm/comp/sub/a.js").is_file());
        // Built already and not older: left as it is.
        assert!(build(root).unwrap().is_empty());
    }
}
