//! Real-world breadth: what everyday mini programs rely on, each on the real shell,
//! headless: values that keep their functions across the two layers, the everyday `wx`
//! APIs, components attached before `onLoad`, a custom tab bar, `definitionFilter`, SCSS,
//! `wx.cloud`, `wx.worklet` and requests to hosts that cannot be reached.

mod support;

use std::process::ExitCode;

use serde_json::json;
use superapp_shell::testing::{self, WAIT};
use superapp_shell::Shell;
use support::write_files;

/// Writes `files` into a fresh folder and runs the real shell on it with `test`.
fn run_package<F>(files: &[(&str, &str)], test: F)
where
    F: FnOnce(&testing::App) -> Result<(), testing::Failed> + Send + 'static,
{
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), files);
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, test).unwrap();
}

/// A value holding a function (a chart's `ec.onInit`), an object of a class and an event's
/// `detail.callback` reach the other side as they are, as in WeChat where both live in the
/// logic layer; `groupSetData` runs its updates.
fn values_keep_their_functions_between_a_page_and_its_components() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            ("pages/a/a.json", r#"{"usingComponents": {"chart": "/components/chart/chart"}}"#),
            (
                "pages/a/a.wxml",
                r#"<chart ec="{{ec}}" store="{{store}}" bind:ask="onAsk"/><view class="plain">{{store.label}}</view>"#,
            ),
            (
                "pages/a/a.js",
                "class Store { constructor() { this.label = 'shop' } name() { return 'store:' + this.label } }\n\
                 Page({ data: { ec: { onInit: (canvas) => 'drawn on ' + canvas, lazy: false } },\n\
                 onLoad() { this.setData({ store: new Store() }) },\n\
                 onAsk(e) { e.detail.callback('called back') } })",
            ),
            ("components/chart/chart.json", r#"{"component": true}"#),
            (
                "components/chart/chart.wxml",
                r#"<view class="drawn">{{drawn}}</view><view class="store">{{named}}</view><view class="grouped">{{grouped}}</view><view class="answer">{{answer}}</view>"#,
            ),
            (
                "components/chart/chart.js",
                "Component({ properties: { ec: Object, store: Object }, data: { drawn: '', named: '', grouped: '', answer: '' },\n\
                 observers: { store(s) { if (s && typeof s.name === 'function') this.setData({ named: s.name() }) } },\n\
                 lifetimes: { attached() {\n\
                   var ec = this.data.ec;\n\
                   this.setData({ drawn: typeof ec.onInit === 'function' ? ec.onInit('canvas') + (ec.lazy ? ' lazily' : '') : 'no onInit' });\n\
                   this.groupSetData(() => { this.setData({ grouped: 'grouped' }) });\n\
                 },\n\
                 ready() { this.triggerEvent('ask', { callback: (v) => this.setData({ answer: v }) }) } } })",
            ),
        ],
        |app| {
            app.wait_until(|app| Ok(app.text("chart >>> .drawn")? == "drawn on canvas"), WAIT)
                .map_err(|_| format!("drew {:?}", app.text("chart >>> .drawn")))?;
            app.wait_until(|app| Ok(app.text("chart >>> .store")? == "store:shop"), WAIT)
                .map_err(|_| format!("store {:?}", app.text("chart >>> .store")))?;
            assert_eq!(app.text(".plain")?, "shop", "a class's object keeps its fields for the template");
            assert_eq!(app.text("chart >>> .grouped")?, "grouped");
            app.wait_until(|app| Ok(app.text("chart >>> .answer")? == "called back"), WAIT)
                .map_err(|_| format!("answer {:?}", app.text("chart >>> .answer")))?;
            // The page's own data keeps them too.
            assert_eq!(
                app.eval("(function (p) { return [typeof p.data.ec.onInit, p.data.store.name()]; })(getCurrentPages()[0])")?,
                json!(["function", "store:shop"])
            );
            Ok(())
        },
    );
}

fn main() -> ExitCode {
    support::harness::main(&[(
        "values_keep_their_functions_between_a_page_and_its_components",
        values_keep_their_functions_between_a_page_and_its_components,
    )])
}
