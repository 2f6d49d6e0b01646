//! A package through its compilers, each run only for what the compile cache lacks: `wcc`
//! over all WXML and WXS (one unit: templates import each other), `wcsc` over all WXSS
//! (one unit: styles import each other), less per file, esbuild per file (a changed script
//! recompiles alone). Plain CommonJS scripts are taken as they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::cache::{CompileCache, KeyBuilder};
use super::compiler::{CompileError, Compilers, Tool};
use super::sources;
use crate::core::package::Package;

/// What the compilers made of a package.
#[derive(Debug, Default)]
pub struct Compiled {
    /// `wcc`'s script assigning `$gwx`.
    pub gwx: String,
    /// `wcsc`'s scripts by WXSS file (LESS files under their `.wxss` name), and `"comm"`.
    pub wxss: BTreeMap<String, String>,
    /// Each script's CommonJS text by module name (`x.ts` is `x.js`), or its compile error
    /// as `file:line:col: message`.
    pub scripts: BTreeMap<String, Result<String, String>>,
    /// How many compiler answers came from the cache, and how many were made.
    pub cached: usize,
    /// (see `cached`)
    pub made: usize,
}

/// Compiles `package`; with a cache, only what changed since it was last compiled.
pub fn compile(
    package: &Package,
    compilers: &Compilers,
    cache: Option<&CompileCache>,
) -> Result<Compiled, CompileError> {
    let mut files = package.files();
    files.sort();
    let mut texts: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut text = |file: &str| -> Result<Vec<u8>, CompileError> {
        if let Some(bytes) = texts.get(file) {
            return Ok(bytes.clone());
        }
        let bytes = package.read(file).map_err(|err| CompileError::Source { message: err.to_string() })?.into_owned();
        texts.insert(file.to_string(), bytes.clone());
        Ok(bytes)
    };
    let scripts: BTreeMap<String, String> = files
        .iter()
        .filter(|f| f.ends_with(".js"))
        .filter_map(|f| text(f).ok().map(|bytes| (f.clone(), String::from_utf8_lossy(&bytes).into_owned())))
        .collect();
    let plan = sources::plan(&files, |file| scripts.get(file).cloned());
    let mut work = Workdir { package, extracted: None };
    let mut out = Compiled::default();
    let (mut cached, mut made) = (0usize, 0usize);
    let mut through = |cache: Option<&CompileCache>,
                       key: KeyBuilder,
                       make: &mut dyn FnMut() -> Result<String, CompileError>|
     -> Result<String, CompileError> {
        let (value, hit) = match cache {
            Some(cache) => cache.get_or(&key.finish(), make)?,
            None => (make()?, false),
        };
        if hit {
            cached += 1;
        } else {
            made += 1;
        }
        Ok(value)
    };

    // LESS and SCSS, per file: a file's key has every file of its kind (one may import
    // another).
    let mut made_wxss: BTreeMap<String, String> = BTreeMap::new();
    for (tool, ext, sources) in [(Tool::Less, ".less", &plan.less), (Tool::Sass, ".scss", &plan.scss)] {
        let inputs: Vec<(String, Vec<u8>)> = files
            .iter()
            .filter(|f| f.ends_with(ext))
            .map(|f| Ok((f.clone(), text(f)?)))
            .collect::<Result<_, CompileError>>()?;
        for source in sources {
            let key = inputs
                .iter()
                .fold(KeyBuilder::new(tool.name(), &compilers.identity(tool)), |k, (f, b)| k.file(f, b))
                .part(source.as_bytes());
            let css = through(cache, key, &mut || {
                let transpiler = compilers.transpiler()?;
                match tool {
                    Tool::Sass => transpiler.sass(work.root()?, source),
                    _ => transpiler.less(work.root()?, source),
                }
            })?;
            made_wxss.insert(format!("{}.wxss", source.strip_suffix(ext).expect("a file of its kind")), css);
        }
    }

    // WXSS: one unit.
    let mut wxss_files: Vec<String> = files.iter().filter(|f| f.ends_with(".wxss")).cloned().collect();
    wxss_files.extend(made_wxss.keys().cloned());
    wxss_files.sort();
    wxss_files.dedup();
    let mut key = KeyBuilder::new(Tool::Wcsc.name(), &compilers.identity(Tool::Wcsc));
    for file in &wxss_files {
        key = match made_wxss.get(file) {
            Some(css) => key.file(file, css.as_bytes()),
            None => key.file(file, &text(file)?),
        };
    }
    let wxss = through(cache, key, &mut || {
        let root = if made_wxss.is_empty() { work.root()? } else { work.extracted_with(&made_wxss)? };
        let map = compilers.wxss_to_js(root, &wxss_files)?;
        Ok(serde_json::to_string(&map).expect("a map serialises"))
    })?;
    out.wxss = serde_json::from_str(&wxss).unwrap_or_default();

    // WXML and WXS: one unit.
    let wxml: Vec<String> = files.iter().filter(|f| f.ends_with(".wxml")).cloned().collect();
    let wxs: Vec<String> = files.iter().filter(|f| f.ends_with(".wxs")).cloned().collect();
    let mut key = KeyBuilder::new(Tool::Wcc.name(), &compilers.identity(Tool::Wcc));
    for file in wxml.iter().chain(&wxs) {
        key = key.file(file, &text(file)?);
    }
    out.gwx = through(cache, key, &mut || compilers.wxml_to_js(work.root()?, &wxml, &wxs))?;

    // Scripts: plain ones as they are; the others per file, the misses in one esbuild run.
    for file in &plan.plain {
        out.scripts.insert(file.clone(), Ok(scripts.get(file).cloned().unwrap_or_default()));
    }
    if !plan.compiled.is_empty() {
        let identity = compilers.identity(Tool::Esbuild);
        // esbuild reads the project's tsconfig.json.
        let tsconfig = text("tsconfig.json").unwrap_or_default();
        let key_of = |file: &str, bytes: &[u8]| {
            KeyBuilder::new(Tool::Esbuild.name(), &identity).part(&tsconfig).file(file, bytes).finish()
        };
        let mut missing = Vec::new();
        for file in &plan.compiled {
            let hit = cache.and_then(|cache| cache.get(&key_of(file, &text(file).unwrap_or_default())));
            match hit {
                Some(code) => {
                    cached += 1;
                    out.scripts.insert(sources::module_name(file), Ok(code));
                }
                None => missing.push(file.clone()),
            }
        }
        if !missing.is_empty() {
            made += missing.len();
            for (file, code) in compilers.transpiler()?.scripts(work.root()?, &missing)? {
                if let (Some(cache), Ok(code)) = (cache, &code) {
                    cache.put(&key_of(&file, &text(&file).unwrap_or_default()), code);
                }
                out.scripts.insert(sources::module_name(&file), code);
            }
        }
    }
    out.cached = cached;
    out.made = made;
    Ok(out)
}

/// Where the compilers run: the package's own folder, or (for a package embedded in the
/// binary, one with a library the shell supplies, or when LESS output must sit beside its
/// source) a temporary copy made once.
struct Workdir<'a> {
    package: &'a Package,
    extracted: Option<Extracted>,
}

impl Workdir<'_> {
    /// A folder holding the package's files.
    fn root(&mut self) -> Result<&Path, CompileError> {
        // (a library the shell shows in the package is not in its folder)
        if self.extracted.is_none() && !self.package.has_mounts() {
            if let Some(dir) = self.package.dir() {
                return Ok(dir);
            }
        }
        self.copy()
    }

    /// A copy of the package with `extra` files (the WXSS that LESS became) written in.
    fn extracted_with(&mut self, extra: &BTreeMap<String, String>) -> Result<&Path, CompileError> {
        let dir = self.copy()?.to_path_buf();
        for (file, text) in extra {
            std::fs::write(dir.join(file), text).map_err(io)?;
        }
        Ok(self.extracted.as_ref().expect("copied").0.as_path())
    }

    fn copy(&mut self) -> Result<&Path, CompileError> {
        if self.extracted.is_none() {
            self.extracted = Some(Extracted::write(self.package)?);
        }
        Ok(self.extracted.as_ref().expect("copied").0.as_path())
    }
}

fn io(source: std::io::Error) -> CompileError {
    CompileError::Run { tool: "a temporary copy of the package", source }
}

/// A temporary copy of a package, removed when dropped.
struct Extracted(PathBuf);

impl Extracted {
    fn write(package: &Package) -> Result<Extracted, CompileError> {
        let dir = tempfile::Builder::new().prefix("superapp-wxml-").tempdir().map_err(io)?.keep();
        let extracted = Extracted(dir);
        for file in package.files() {
            let bytes = package.read(&file).map_err(|err| CompileError::Source { message: err.to_string() })?;
            let path = extracted.0.join(&file);
            std::fs::create_dir_all(path.parent().expect("a parent")).map_err(io)?;
            std::fs::write(&path, bytes).map_err(io)?;
        }
        Ok(extracted)
    }
}

impl Drop for Extracted {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
