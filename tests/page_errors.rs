//! What a developer sees in the terminal when a page fails: the same lines for a page
//! written as WXML and as HTML, from the real `superapp` process (headless). Each case is
//! one page JS; the run is stopped once every expected line has been printed.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How the page is written.
#[derive(Debug, Clone, Copy)]
enum Form {
    Wxml,
    Html,
}

/// A package of one page, `pages/home/home`, whose JS is `js`.
fn write_package(dir: &Path, form: Form, js: &str) {
    support::write_files(
        dir,
        &[("app.json", r#"{"pages":["pages/home/home"]}"#), ("app.js", "App({})"), ("pages/home/home.js", js)],
    );
    match form {
        Form::Wxml => support::write_files(dir, &[("pages/home/home.wxml", "<view>home</view>")]),
        Form::Html => support::write_files(
            dir,
            &[(
                "pages/home/home.html",
                "<!doctype html><html><body>home<script src=\"home.js\"></script></body></html>",
            )],
        ),
    }
}

/// The shell's terminal lines (timestamps cut off) until each of `expected` has been
/// printed by some line, or 30 s have passed; then the run is stopped.
fn terminal_until(dir: &Path, expected: &[&str]) -> Vec<String> {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_superapp"))
        .args(["run", "--headless", dir.to_str().unwrap()])
        .env("RUST_LOG", "info")
        .env("SUPERAPP_DATA_DIR", data.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (send, lines) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // `2026-12-05T11:04:21.933915Z ERROR ...`: what follows the timestamp.
            let line = line.split_once(' ').map(|(_, rest)| rest.trim_start().to_string()).unwrap_or(line);
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while !expected.iter().all(|want| seen.iter().any(|line: &String| line.contains(want))) {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    seen.extend(lines.try_iter());
    assert_eq!(status.code(), Some(0), "{seen:#?}");
    seen
}

/// (what, page JS, the lines the terminal must show: each a part of one line)
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "a throw in onLoad",
        "Page({\n  onLoad: function () {\n    throw new Error('boom in onLoad');\n  }\n});\n",
        &["ERROR superapp::page: Error: boom in onLoad app=", " route=pages/home/home at=pages/home/home.js:3:20"],
    ),
    (
        "a syntax error",
        "Page({\n  onLoad: function () {\n    var x = ;\n  }\n});\n",
        &["ERROR superapp::page: SyntaxError: Unexpected token ';' app=", " route=pages/home/home at=pages/home/home.js:3:0"],
    ),
    (
        "an unhandled rejection",
        "Page({\n  onLoad: function () {\n    Promise.reject(new TypeError('nobody caught this'));\n  }\n});\n",
        &["ERROR superapp::page: TypeError: nobody caught this app=", " route=pages/home/home at=pages/home/home.js:3:"],
    ),
    (
        "console.error of an Error: its name and message, not only its stack",
        "Page({\n  onLoad: function () {\n    console.error('failed', new RangeError('disk full'));\n  }\n});\n",
        &["WARN superapp::console: console.error: failed RangeError: disk full (at pages/home/home.js:3:43) app="],
    ),
    (
        "console.error and console.warn",
        "Page({\n  onLoad: function () {\n    console.error('careful', { a: 1 });\n    console.warn('mind', 2);\n  }\n});\n",
        &[
            "WARN superapp::console: console.error: careful {\"a\":1} app=",
            "WARN superapp::console: console.warn: mind 2 app=",
        ],
    ),
];

#[test]
fn page_errors_reach_the_terminal_with_their_page_on_both_forms() {
    let mut failures = Vec::new();
    for (what, js, expected) in CASES {
        for form in [Form::Wxml, Form::Html] {
            let tmp = tempfile::tempdir().unwrap();
            write_package(tmp.path(), form, js);
            let seen = terminal_until(tmp.path(), expected);
            for want in *expected {
                let line = seen.iter().find(|line| line.contains(want));
                match line {
                    // Errors name their page on the same line as the message.
                    Some(line) if line.contains("route=pages/home/home") => {}
                    _ => failures.push(format!("{what} ({form:?}): no line with {want:?} and its route in {seen:#?}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
