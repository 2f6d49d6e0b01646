//! The compilers beside WeChat's, for what DevTools compiles before WeChat's compilers
//! run: esbuild (TypeScript and ES modules into CommonJS, one process for a whole package
//! or for one changed file) and less (LESS into WXSS). Both come from this repository's
//! `package-lock.json` (`npm ci`); esbuild is a native executable, less runs on Node.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::compiler::{source_errors, CompileError};

/// esbuild and less, found under a `node_modules` folder.
#[derive(Debug, Clone)]
pub struct Transpiler {
    esbuild: PathBuf,
    lessc: PathBuf,
    sass: PathBuf,
}

impl Transpiler {
    /// The tools under `node_modules`, if esbuild is there.
    pub fn at(node_modules: &Path) -> Option<Transpiler> {
        let esbuild = node_modules.join("@esbuild/linux-x64/bin/esbuild");
        esbuild.is_file().then(|| Transpiler {
            esbuild,
            lessc: node_modules.join("less/bin/lessc"),
            sass: node_modules.join("sass/sass.js"),
        })
    }

    /// What the compile cache keys on for esbuild or less.
    pub fn identity(&self, tool: super::compiler::Tool) -> String {
        match tool {
            super::compiler::Tool::Less => super::cache::identity(&self.lessc.join("../../package.json")),
            super::compiler::Tool::Sass => super::cache::identity(&self.sass.join("../package.json")),
            _ => super::cache::identity(&self.esbuild),
        }
    }

    /// Compiles `files` (TypeScript or ES modules, relative to `root`) into CommonJS, one
    /// answer per file: its code, or its error as `file:line:col: message`. One esbuild
    /// run for all; when one file has an error, each is compiled alone to tell which.
    pub fn scripts(
        &self,
        root: &Path,
        files: &[String],
    ) -> Result<BTreeMap<String, Result<String, String>>, CompileError> {
        if files.is_empty() {
            return Ok(BTreeMap::new());
        }
        let out = tempfile::tempdir().map_err(|source| CompileError::Run { tool: "esbuild", source })?;
        if self.esbuild_run(root, files, out.path())?.is_ok() {
            return files.iter().map(|file| Ok((file.clone(), read_output(out.path(), file)))).collect();
        }
        let mut compiled = BTreeMap::new();
        for file in files {
            let one = tempfile::tempdir().map_err(|source| CompileError::Run { tool: "esbuild", source })?;
            let result = match self.esbuild_run(root, std::slice::from_ref(file), one.path())? {
                Ok(()) => read_output(one.path(), file),
                Err(message) => Err(message),
            };
            compiled.insert(file.clone(), result);
        }
        Ok(compiled)
    }

    fn esbuild_run(&self, root: &Path, files: &[String], out: &Path) -> Result<Result<(), String>, CompileError> {
        let output = Command::new(&self.esbuild)
            .current_dir(root)
            .args(files)
            .arg(format!("--outdir={}", out.display()))
            .args(["--outbase=.", "--format=cjs", "--target=es2020", "--log-level=error", "--color=false"])
            .output()
            .map_err(|source| CompileError::Run { tool: "esbuild", source })?;
        if output.status.success() {
            return Ok(Ok(()));
        }
        Ok(Err(esbuild_error(&String::from_utf8_lossy(&output.stderr))))
    }

    /// Compiles a LESS file (relative to `root`) into CSS for WeChat's WXSS compiler.
    pub fn less(&self, root: &Path, file: &str) -> Result<String, CompileError> {
        let output = Command::new("node")
            .current_dir(root)
            .arg(&self.lessc)
            .args(["--no-color", file])
            .output()
            .map_err(|source| CompileError::Run { tool: "lessc (node)", source })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr.lines().next().unwrap_or("lessc failed").to_string();
            return Err(CompileError::Source { message: less_error(file, &first) });
        }
        String::from_utf8(output.stdout)
            .map_err(|_| CompileError::Source { message: format!("{file}: lessc wrote text that is not UTF-8") })
    }
}

impl Transpiler {
    /// Compiles an SCSS file (relative to `root`) into CSS for WeChat's WXSS compiler, as
    /// DevTools' `sass` compiler plugin does (its `@import`s resolve from its folder).
    pub fn sass(&self, root: &Path, file: &str) -> Result<String, CompileError> {
        let output = Command::new("node")
            .current_dir(root)
            .arg(&self.sass)
            .args(["--no-source-map", "--no-color", "--quiet", file])
            .output()
            .map_err(|source| CompileError::Run { tool: "sass (node)", source })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(CompileError::Source { message: sass_error(file, &stderr) });
        }
        String::from_utf8(output.stdout)
            .map_err(|_| CompileError::Source { message: format!("{file}: sass wrote text that is not UTF-8") })
    }
}

/// sass's report (`Error: Undefined variable.`, then a code excerpt, then `  bad.scss 1:13
/// root stylesheet`) as one line: `bad.scss:1:13: Error: Undefined variable.`.
pub fn sass_error(file: &str, stderr: &str) -> String {
    let message = stderr.lines().next().unwrap_or("sass failed").trim();
    let at = stderr.lines().map(str::trim).find_map(|line| {
        let (path, rest) = line.split_once(' ')?;
        let (row, col) = rest.split_whitespace().next()?.split_once(':')?;
        (path.ends_with(".scss") || path.ends_with(".sass")).then(|| format!("{path}:{row}:{col}"))
    });
    match at {
        Some(at) => format!("{at}: {message}"),
        None => format!("{file}: {message}"),
    }
}

fn read_output(out: &Path, file: &str) -> Result<String, String> {
    let stem = file.strip_suffix(".ts").or_else(|| file.strip_suffix(".js")).unwrap_or(file);
    std::fs::read_to_string(out.join(format!("{stem}.js")))
        .map_err(|err| format!("{file}: esbuild wrote no output: {err}"))
}

/// esbuild's report (`✘ [ERROR] Expected ";" but found "y"`, then `    bad.js:1:6:`) as one
/// line: `bad.js:1:6: Expected ";" but found "y"`.
pub fn esbuild_error(stderr: &str) -> String {
    let mut lines = stderr.lines().map(str::trim);
    let Some(message) = lines.find_map(|line| line.strip_prefix("✘ [ERROR] ")) else {
        return source_errors(stderr).unwrap_or_else(|| "esbuild failed".into());
    };
    match lines.find(|line| line.ends_with(':') && line.matches(':').count() >= 3) {
        Some(at) => format!("{} {message}", at),
        None => message.to_string(),
    }
}

/// lessc's first line (`NameError: variable @nope is undefined in /x/bad.less on line 1,
/// column 13:`) as `bad.less:1:13: NameError: variable @nope is undefined`.
pub fn less_error(file: &str, first: &str) -> String {
    let Some((message, rest)) = first.split_once(" in ") else { return format!("{file}: {first}") };
    let numbers: Vec<&str> =
        rest.split(|c: char| !c.is_ascii_digit()).filter(|part| !part.is_empty()).collect::<Vec<_>>();
    match numbers.as_slice() {
        [.., line, column] => format!("{file}:{line}:{column}: {message}"),
        _ => format!("{file}: {first}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_errors_come_out_on_one_line_naming_file_line_and_column() {
        let stderr =
            "✘ [ERROR] Expected \";\" but found \"y\"\n\n    bad.js:1:6:\n      1 │ let x y\n        │       ^\n";
        assert_eq!(esbuild_error(stderr), "bad.js:1:6: Expected \";\" but found \"y\"");
        assert_eq!(
            less_error("bad.less", "NameError: variable @nope is undefined in /tmp/esb/bad.less on line 1, column 13:"),
            "bad.less:1:13: NameError: variable @nope is undefined"
        );
    }

    #[test]
    fn sass_errors_name_file_line_and_column() {
        let stderr = "Error: Undefined variable.\n  \u{2577}\n2 \u{2502}   color: $nope;\n  \u{2575}\n  pages/a/bad.scss 2:10  root stylesheet\n";
        assert_eq!(sass_error("pages/a/bad.scss", stderr), "pages/a/bad.scss:2:10: Error: Undefined variable.");
        assert_eq!(sass_error("x.scss", "Error: boom\n"), "x.scss: Error: boom");
    }
}
