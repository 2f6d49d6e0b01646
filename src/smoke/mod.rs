//! `superapp smoke`: opens every page of a mini program, one after another (a `reLaunch`
//! to each, headless unless told otherwise), and reports which rendered without an
//! uncaught error, which raised one (with its message and place) and which did not render
//! within the automation command timeout. It drives the real shell through the same automation commands as the test
//! harness ([`crate::testing`]).
//!
//! - [`report`]: the result, as data, a table and JSON.

pub mod report;

use std::time::Instant;

use serde_json::{json, Value};

use crate::core::package::Package;
use crate::shell::{RunOptions, ShellBuilder};
use crate::testing::{self, App, Failed};
use report::{Outcome, PageResult, Report};

/// Opens each page of `package` in turn and reports how each fared.
pub fn run(builder: ShellBuilder, package: Package, options: RunOptions) -> Result<Report, String> {
    let routes = package.pages().to_vec();
    let roots = package.config().subpackages.iter().map(|sub| sub.root.clone()).collect();
    let report = std::sync::Arc::new(std::sync::Mutex::new(Report { pages: Vec::new(), roots }));
    let out = report.clone();
    testing::run_with(builder, package, options, move |app| {
        // (the home page's own first load is part of the run; each page is then opened anew)
        for route in routes {
            let result = visit(app, &route);
            out.lock().expect("report lock").pages.push(result);
        }
        Ok(())
    })
    .map_err(|err| text(&err))?;
    let report = report.lock().expect("report lock").clone();
    Ok(report)
}

fn visit(app: &App, route: &str) -> PageResult {
    let before = app.exceptions().len();
    let logged = app.console().len();
    let started = Instant::now();
    let opened = app.send("App.callWxMethod", json!({"method": "reLaunch", "args": [{"url": format!("/{route}")}]}));
    // A query answers once the page has rendered (a WXML page's first render), or fails.
    let rendered = opened.and_then(|_| app.count("*").map(drop));
    let ms = started.elapsed().as_millis() as u64;
    // This page's errors, and those of no page (the logic context's own): not those of the
    // page left behind (a call of its failing as it closes).
    let page = app.current_page().ok().filter(|page| page.path == route).map(|page| page.id);
    let errors: Vec<String> = app.exceptions()[before..]
        .iter()
        .filter(|exception| {
            let from = exception["webviewId"].as_u64();
            page.is_none() || from == page || from == Some(crate::shell::mini_program::LOGIC_ID)
        })
        .map(error_line)
        .collect();
    let outcome = match (&rendered, errors.is_empty()) {
        (Err(err), _) if is_timeout(err) => Outcome::Timeout,
        (Err(_), _) | (Ok(()), false) => Outcome::Error,
        (Ok(()), true) => Outcome::Ok,
    };
    let mut errors = errors;
    if let Err(err) = &rendered {
        if !is_timeout(err) {
            errors.insert(0, text(err));
        }
    }
    let mut unsupported: Vec<String> = app.console()[logged..]
        .iter()
        .filter(|entry| entry["type"] == "warn")
        .filter_map(|entry| report::unsupported_component(entry["args"][0].as_str()?))
        .collect();
    unsupported.sort();
    unsupported.dedup();
    PageResult { route: route.to_string(), outcome, ms, errors, unsupported }
}

fn is_timeout(err: &Failed) -> bool {
    text(err).contains("timed out")
}

fn text(err: &Failed) -> String {
    err.message().unwrap_or("failed").to_string()
}

/// An `App.exceptionThrown` as one line: its message, and where.
fn error_line(exception: &Value) -> String {
    let message = exception["message"].as_str().unwrap_or("an error");
    let at = exception["stack"]
        .as_str()
        .and_then(|stack| stack.lines().find_map(|frame| frame.rsplit_once('@').map(|(_, at)| at.trim().to_string())))
        .map(|at| crate::core::console::short_source(&at).to_string());
    match at {
        Some(at) if !at.is_empty() => format!("{message} (at {at})"),
        _ => message.to_string(),
    }
}
