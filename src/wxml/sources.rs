//! Which of a package's files the layers take as they are and which are compiled first,
//! as WeChat DevTools compiles them: TypeScript (`.ts` with no `.js` beside it) and ES
//! modules (`import`/`export`) become CommonJS modules; LESS (`.less` with no `.wxss`
//! beside it) becomes WXSS. Each file is planned on its own, so one changed file can be
//! compiled alone.

/// How a script reaches the logic context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// CommonJS already (`require`, `module.exports`): taken as it is, lines and all.
    Plain,
    /// Uses `import`/`export`: compiled to CommonJS.
    EsModule,
    /// TypeScript: compiled to CommonJS.
    TypeScript,
}

/// How `file` (with text `text`) reaches the logic context.
pub fn script_kind(file: &str, text: &str) -> ScriptKind {
    if file.ends_with(".ts") {
        return ScriptKind::TypeScript;
    }
    if uses_es_modules(text) {
        ScriptKind::EsModule
    } else {
        ScriptKind::Plain
    }
}

/// Whether `text` has an `import` or `export` statement: the word at the start of a
/// statement (after a line break, `;`, `}` or `)`: minified code has `...};export default
/// x;`) and followed as a statement is (`import {`, `import x from`, `import "x"`,
/// `export default`, `export const`...), not `import(` (a dynamic import, valid in
/// CommonJS) nor a word that merely starts so (`exported`).
fn uses_es_modules(text: &str) -> bool {
    let bytes = text.as_bytes();
    let statement_start = |at: usize| {
        bytes[..at]
            .iter()
            .rev()
            .find(|b| !matches!(b, b' ' | b'\t'))
            .is_none_or(|b| matches!(b, b'\n' | b'\r' | b';' | b'}' | b')'))
    };
    for word in ["import", "export"] {
        for (at, _) in text.match_indices(word) {
            if !statement_start(at) {
                continue;
            }
            let rest = &text[at + word.len()..];
            let next = rest.chars().next();
            let ok = if word == "import" {
                matches!(next, Some('{' | '*' | '"' | '\''))
                    || next == Some(' ') && {
                        let after = rest.trim_start();
                        after.starts_with(['{', '*', '"', '\''])
                            || after.split_whitespace().nth(1) == Some("from")
                            || after.split([',', ' ']).next().is_some_and(|name| !name.is_empty())
                                && after.contains(" from ")
                    }
            } else {
                matches!(next, Some('{' | '*'))
                    || next == Some(' ') && {
                        let after = rest.trim_start();
                        ["default", "const", "let", "var", "function", "class", "async", "{", "*"]
                            .iter()
                            .any(|k| after.starts_with(k))
                    }
            };
            if ok {
                return true;
            }
        }
    }
    false
}

/// The module name a script is required by: `x.ts` is `x.js`.
pub fn module_name(file: &str) -> String {
    match file.strip_suffix(".ts") {
        Some(stem) => format!("{stem}.js"),
        None => file.to_string(),
    }
}

/// What a package's files need.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Scripts taken as they are.
    pub plain: Vec<String>,
    /// Scripts compiled to CommonJS first.
    pub compiled: Vec<String>,
    /// LESS files that stand for the WXSS file of the same name.
    pub less: Vec<String>,
    /// SCSS files that stand for the WXSS file of the same name (partials, `_x.scss`,
    /// are only imported).
    pub scss: Vec<String>,
}

/// Plans `files` (sorted package paths); `read` gives a script's text.
pub fn plan(files: &[String], read: impl Fn(&str) -> Option<String>) -> Plan {
    let has = |file: &str| files.binary_search_by(|f| f.as_str().cmp(file)).is_ok();
    let mut plan = Plan::default();
    for file in files {
        if file.ends_with(".d.ts") || file.starts_with("miniprogram_npm/") && file.ends_with(".ts") {
            continue;
        }
        if let Some(stem) = file.strip_suffix(".ts") {
            if !has(&format!("{stem}.js")) {
                plan.compiled.push(file.clone());
            }
        } else if file.ends_with(".js") {
            match script_kind(file, &read(file).unwrap_or_default()) {
                ScriptKind::Plain => plan.plain.push(file.clone()),
                _ => plan.compiled.push(file.clone()),
            }
        } else if let Some(stem) = file.strip_suffix(".less") {
            if !has(&format!("{stem}.wxss")) {
                plan.less.push(file.clone());
            }
        } else if let Some(stem) = file.strip_suffix(".scss") {
            let partial = stem.rsplit('/').next().is_some_and(|name| name.starts_with('_'));
            if !partial && !has(&format!("{stem}.wxss")) {
                plan.scss.push(file.clone());
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn es_modules_and_typescript_are_compiled_commonjs_is_not() {
        assert_eq!(script_kind("a.js", "const x = require('./x');\nmodule.exports = x;"), ScriptKind::Plain);
        assert_eq!(script_kind("a.js", "import { x } from './x'\n"), ScriptKind::EsModule);
        assert_eq!(script_kind("a.js", "  export default {}\n"), ScriptKind::EsModule);
        assert_eq!(script_kind("a.js", "import './side-effect'\n"), ScriptKind::EsModule);
        assert_eq!(script_kind("a.js", "const m = import('./lazy');\nvar exported = 1;"), ScriptKind::Plain);
        assert_eq!(script_kind("a.ts", "let a: number = 1"), ScriptKind::TypeScript);
        // minified, as libraries ship it (TDesign's miniprogram_dist)
        assert_eq!(script_kind("a.js", "const props={a:1};export default props;"), ScriptKind::EsModule);
        assert_eq!(script_kind("a.js", "import{a}from\"./a\";a();"), ScriptKind::EsModule);
        assert_eq!(script_kind("a.js", "var s = 'we import things'; x.export = 1;"), ScriptKind::Plain);
        assert_eq!(module_name("pages/a/a.ts"), "pages/a/a.js");
    }

    #[test]
    fn the_plan_takes_what_devtools_compiles() {
        let files: Vec<String> = [
            "app.js",
            "app.less",
            "app.wxss",
            "pages/a/a.less",
            "pages/a/a.ts",
            "pages/b/b.js",
            "pages/b/b.ts",
            "types/wx.d.ts",
            "utils/esm.js",
        ]
        .iter()
        .map(|f| f.to_string())
        .collect();
        let plan = plan(&files, |file| Some(if file == "utils/esm.js" { "export const a = 1" } else { "" }.into()));
        assert_eq!(plan.plain, ["app.js", "pages/b/b.js"]);
        assert_eq!(plan.compiled, ["pages/a/a.ts", "utils/esm.js"]);
        assert_eq!(plan.less, ["pages/a/a.less"]);
        let scss_files: Vec<String> =
            ["a.scss", "b.scss", "b.wxss", "styles/_theme.scss"].iter().map(|f| f.to_string()).collect();
        let scss = super::plan(&scss_files, |_| None);
        assert_eq!(scss.scss, ["a.scss"], "a partial, or a .scss beside its .wxss, is not compiled alone");
    }
}
