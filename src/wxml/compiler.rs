//! WeChat's own compilers, run as subprocesses: `wcc` turns a package's WXML (and WXS)
//! into one script defining `$gwx(path)`, a function that, given page data, returns the
//! page's virtual tree (`{tag: "wx-page", children: [{tag: "wx-view", attr, children}]}`);
//! `wcsc` turns WXSS into scripts that insert the CSS with `rpx` converted for the screen.
//!
//! They ship as x86-64 Linux (and macOS, Windows) executables in the MIT npm package
//! `miniprogram-compiler` 0.2.3 by wechat-miniprogram, installed by `npm ci` from this
//! repository's `package-lock.json` (`scripts/install-deps.sh` does it). Nothing here needs
//! Node: only the two executables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the compilers are looked for, relative to a folder holding `node_modules`.
pub const PACKAGE_BIN: &str = "node_modules/miniprogram-compiler/bin/linux";

/// The environment variable naming a folder that holds `wcc` and `wcsc`.
pub const DIR_VAR: &str = "SUPERAPP_WXML_COMPILER_DIR";

/// Why a package's WXML or WXSS could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The compilers are not installed.
    #[error("WeChat's WXML compiler is not installed (looked in {searched}): run `npm ci` in the superapp-shell checkout, or set ${DIR_VAR} to a folder holding wcc and wcsc")]
    NotInstalled {
        /// The folders looked in.
        searched: String,
    },
    /// A compiler could not be run.
    #[error("cannot run {tool}: {source}")]
    Run {
        /// `wcc` or `wcsc`.
        tool: &'static str,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The source has an error; `message` is the compiler's, naming file, line and column.
    #[error("{message}")]
    Source {
        /// The compiler's message, e.g. `pages/home/home.wxml:1:16: unexpected end`.
        message: String,
    },
}

/// The compilers a package goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// WeChat's WXML compiler.
    Wcc,
    /// WeChat's WXSS compiler.
    Wcsc,
    /// TypeScript and ES modules into CommonJS.
    Esbuild,
    /// LESS into WXSS.
    Less,
    /// SCSS into WXSS (the `sass` npm package, dart-sass in JS).
    Sass,
}

impl Tool {
    /// The tool's name (and its folder in the compile cache).
    pub fn name(self) -> &'static str {
        match self {
            Tool::Wcc => "wcc",
            Tool::Wcsc => "wcsc",
            Tool::Esbuild => "esbuild",
            Tool::Less => "less",
            Tool::Sass => "sass",
        }
    }
}

/// The two compilers (and, beside them in `node_modules`, esbuild and less).
#[derive(Debug, Clone)]
pub struct Compilers {
    wcc: PathBuf,
    wcsc: PathBuf,
    transpiler: Option<super::transpiler::Transpiler>,
    node_modules: Option<PathBuf>,
}

impl Compilers {
    /// Finds the compilers: in `$SUPERAPP_WXML_COMPILER_DIR`, else under `node_modules`
    /// of the current folder, of the folders above the running executable, or of this
    /// crate's own checkout.
    pub fn locate() -> Result<Compilers, CompileError> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os(DIR_VAR).filter(|dir| !dir.is_empty()) {
            candidates.push(PathBuf::from(dir));
        }
        if let Ok(cwd) = std::env::current_dir() {
            candidates.push(cwd.join(PACKAGE_BIN));
        }
        if let Ok(exe) = std::env::current_exe() {
            candidates.extend(exe.ancestors().skip(1).take(4).map(|dir| dir.join(PACKAGE_BIN)));
        }
        candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(PACKAGE_BIN));
        for dir in &candidates {
            if let Ok(compilers) = Compilers::at(dir) {
                return Ok(compilers);
            }
        }
        let searched = candidates.iter().map(|dir| dir.display().to_string()).collect::<Vec<_>>().join(", ");
        Err(CompileError::NotInstalled { searched })
    }

    /// The compilers in `dir` (`wcc` and `wcsc`), made executable if they are not (npm
    /// unpacks them without the executable bit).
    pub fn at(dir: &Path) -> Result<Compilers, CompileError> {
        let found = |name: &str| -> Result<PathBuf, CompileError> {
            let path = dir.join(name);
            let meta = std::fs::metadata(&path)
                .map_err(|_| CompileError::NotInstalled { searched: dir.display().to_string() })?;
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o111 == 0 {
                let mut permissions = meta.permissions();
                permissions.set_mode(permissions.mode() | 0o755);
                std::fs::set_permissions(&path, permissions)
                    .map_err(|source| CompileError::Run { tool: "chmod", source })?;
            }
            Ok(path)
        };
        // `node_modules/miniprogram-compiler/bin/linux`: esbuild and less are beside it.
        let node_modules = dir.ancestors().nth(3).filter(|d| d.file_name().is_some_and(|n| n == "node_modules"));
        let transpiler = node_modules.and_then(super::transpiler::Transpiler::at);
        let node_modules = node_modules.map(Path::to_path_buf);
        Ok(Compilers { wcc: found("wcc")?, wcsc: found("wcsc")?, transpiler, node_modules })
    }

    /// WeChat's WeUI component library (weui-miniprogram, MIT, installed beside the
    /// compilers by `npm ci`): its `miniprogram_dist` folder, if installed.
    pub fn weui_library(&self) -> Option<PathBuf> {
        let dir = self.node_modules.as_ref()?.join("weui-miniprogram/miniprogram_dist");
        dir.is_dir().then_some(dir)
    }

    /// What the compile cache keys on for `tool`: the executable's path, size and time.
    pub fn identity(&self, tool: Tool) -> String {
        match tool {
            Tool::Wcc => super::cache::identity(&self.wcc),
            Tool::Wcsc => super::cache::identity(&self.wcsc),
            Tool::Esbuild | Tool::Less | Tool::Sass => {
                self.transpiler.as_ref().map(|t| t.identity(tool)).unwrap_or_default()
            }
        }
    }

    /// esbuild and less, for TypeScript, ES modules and LESS; an error naming what to do
    /// when they are not installed.
    pub fn transpiler(&self) -> Result<&super::transpiler::Transpiler, CompileError> {
        self.transpiler.as_ref().ok_or_else(|| CompileError::Source {
            message: "this mini program has TypeScript, ES modules or LESS, and esbuild is not installed: run `npm ci` in the superapp-shell checkout".into(),
        })
    }

    /// Compiles the WXML files (paths relative to `root`, `pages/home/home.wxml`) and WXS
    /// modules into one script that assigns `$gwx`.
    pub fn wxml_to_js(&self, root: &Path, wxml: &[String], wxs: &[String]) -> Result<String, CompileError> {
        let mut command = Command::new(&self.wcc);
        // `-d` keeps debug names; `-cc 0` is the list of custom components (none yet).
        command.current_dir(root).args(["-d", "-cc", "0"]).args(wxml).args(wxs).args(["-gn", "$gwx"]);
        run("wcc", command)
    }

    /// Compiles WXSS files (relative to `root`) into a map of file name (as given) to the
    /// script that inserts its CSS, plus `"comm"`: the shared script (the rpx conversion)
    /// that must run first.
    pub fn wxss_to_js(&self, root: &Path, wxss: &[String]) -> Result<BTreeMap<String, String>, CompileError> {
        if wxss.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut command = Command::new(&self.wcsc);
        // `-pc N`: the first N files each get their own entry (named as given). Given as
        // `./x.wxss`, which is how wcsc resolves an absolute `@import "/common/x.wxss"`.
        command
            .current_dir(root)
            .args(["-db", "-pc", &wxss.len().to_string()])
            .args(wxss.iter().map(|file| format!("./{file}")));
        let output = run("wcsc", command)?;
        Ok(parse_wcsc_output(&output)
            .into_iter()
            .map(|(name, script)| (name.strip_prefix("./").map(str::to_string).unwrap_or(name), script))
            .collect())
    }
}

fn run(tool: &'static str, mut command: Command) -> Result<String, CompileError> {
    let output = command.output().map_err(|source| CompileError::Run { tool, source })?;
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    // wcsc reports source errors on stderr with status 0: any `ERR:` line is a failure.
    let failed = !output.status.success() || stderr.lines().any(|line| line.starts_with("ERR"));
    if failed {
        let message = source_errors(&stderr).unwrap_or_else(|| format!("{tool} failed ({})", output.status));
        return Err(CompileError::Source { message });
    }
    String::from_utf8(output.stdout)
        .map_err(|_| CompileError::Source { message: format!("{tool} wrote text that is not UTF-8") })
}

/// The compilers' error report as one line per error, `file:line:column: message`, without
/// their noise: `wcsc`'s `ERR: app.wxss(3:12): unexpected token `$`` and its closing
/// `error file count: 0` become `app.wxss:3:12: unexpected token '$'`; `wcc` already writes
/// `file:line:column: message`. `None` when nothing is left.
pub fn source_errors(stderr: &str) -> Option<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in stderr.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("error file count") {
            continue;
        }
        let line = line.strip_prefix("ERR:").map(str::trim).unwrap_or(line);
        let line = match located(line) {
            Some((file, at, message)) => format!("{}:{at}: {message}", file.strip_prefix("./").unwrap_or(file)),
            None => line.to_string(),
        };
        let line = line.replace('`', "'").replace("'./", "'");
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// `app.wxss(3:12): message` as (`app.wxss`, `3:12`, `message`).
fn located(line: &str) -> Option<(&str, &str, &str)> {
    let (head, message) = line.split_once("): ")?;
    let (file, at) = head.rsplit_once('(')?;
    let valid =
        at.split(':').count() == 2 && at.split(':').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    valid.then_some((file, at, message))
}

/// Splits `wcsc`'s output, `key=value=key=value...` with each value a JS string body
/// (`=` written as `\x3d`), into a map with the values unescaped.
pub fn parse_wcsc_output(text: &str) -> BTreeMap<String, String> {
    let parts: Vec<&str> = text.split('=').collect();
    parts.chunks(2).filter(|pair| pair.len() == 2).map(|pair| (pair[0].to_string(), unescape_js(pair[1]))).collect()
}

/// Undoes JS string escapes: `\n`, `\t`, `\r`, `\\`, `\'`, `\"`, `\xNN` and `\uNNNN`; an
/// unknown escape keeps its character.
pub fn unescape_js(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push('\\');
            break;
        };
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Option<char> {
            let digits: String = (0..n).filter_map(|_| chars.next()).collect();
            u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32)
        };
        match next {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' => out.push('\0'),
            'x' => out.push(hex(&mut chars, 2).unwrap_or('\u{fffd}')),
            'u' => out.push(hex(&mut chars, 4).unwrap_or('\u{fffd}')),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiler_errors_come_out_one_line_each_without_the_noise() {
        assert_eq!(
            source_errors("ERR: app.wxss(3:12): unexpected token `$`\n\nerror file count: 0\n").as_deref(),
            Some("app.wxss:3:12: unexpected token '$'")
        );
        assert_eq!(
            source_errors("ERR: path `nope.wxss` not found from `app.wxss`.\n\nerror file count: 0").as_deref(),
            Some("path 'nope.wxss' not found from 'app.wxss'.")
        );
        assert_eq!(
            source_errors("ERR: ./common/bad.wxss(1:10): unexpected token `$`\n").as_deref(),
            Some("common/bad.wxss:1:10: unexpected token '$'")
        );
        assert_eq!(
            source_errors("pages/home/home.wxml:1:26: expect end-tag `view`., near `vie`\n").as_deref(),
            Some("pages/home/home.wxml:1:26: expect end-tag 'view'., near 'vie'")
        );
        assert_eq!(source_errors("\nerror file count: 0\n"), None);
    }

    #[test]
    fn splits_and_unescapes_wcsc_output() {
        let map = parse_wcsc_output(
            r"version=v0.4=comm=var a \x3d 1;\nvar s\x3d\x22x\x22=./app.wxss=setCssToHead([\x27page{}\x27])()",
        );
        assert_eq!(map["version"], "v0.4");
        assert_eq!(map["comm"], "var a = 1;\nvar s=\"x\"");
        assert_eq!(map["./app.wxss"], "setCssToHead(['page{}'])()");
    }

    #[test]
    fn unescapes_every_js_escape() {
        assert_eq!(unescape_js(r#"a\\b\'c\u00e9\x41\tend\"q\z"#), "a\\b'cé\u{41}\tend\"qz");
        assert_eq!(unescape_js("trailing\\"), "trailing\\");
    }

    #[test]
    fn a_missing_install_names_where_it_looked_and_what_to_do() {
        let err = Compilers::at(Path::new("/nonexistent/compilers")).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/compilers") && err.contains("npm ci"), "{err}");
    }
}
