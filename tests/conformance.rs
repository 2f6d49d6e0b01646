//! Conformance: one four-page mini program (two tab pages), written once as WXML and once
//! as HTML from the same page JS, driven through every route of WeChat's routing table
//! and its tab-switch table. Each route is one row; both forms must log the same hooks,
//! in the same order, with the route's `success` after the new page's `onLoad` and
//! `onShow`. Then `EventChannel` both ways, a query right after a tap navigation, and the
//! App hiding and showing with the window.

mod support;

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superapp_shell::testing::{self, Failed, WAIT};
use superapp_shell::{MiniApiCall, Package, Shell, ShellBuilder};
use support::write_files;

/// How the mini program is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    Wxml,
    Html,
}

const PAGES: [&str; 4] = ["pages/home/home", "pages/tab2/tab2", "pages/a/a", "pages/b/b"];

/// Every page's JS, the same file for both forms: each hook logs `route#id hook [arg]`.
fn page_js(route: &str) -> String {
    let title = route.rsplit('/').next().unwrap();
    format!(
        r#"function logPage(page, hook, arg) {{
  var line = page.route + '#' + page.webViewId + ' ' + hook + (arg === undefined ? '' : ' ' + JSON.stringify(arg));
  wx.invokeNativePlugin({{ api_name: '__hook', sync: true, data: {{ line: line }} }});
}}
Page({{
  data: {{ title: '{title}', shown: 0 }},
  onLoad: function (query) {{
    logPage(this, 'onLoad', query);
    var page = this;
    var channel = this.getOpenerEventChannel();
    channel.on('fromOpener', function (data) {{ logPage(page, 'heard', data); }});
    channel.emit('fromOpened', {{ route: this.route }});
  }},
  onShow: function () {{ logPage(this, 'onShow'); this.setData({{ shown: this.data.shown + 1 }}); }},
  onHide: function () {{ logPage(this, 'onHide'); }},
  onUnload: function () {{ logPage(this, 'onUnload'); }},
  goA: function () {{ wx.navigateTo({{ url: '/pages/a/a' }}); }}
}});
"#
    )
}

const APP_JS: &str = r#"function logApp(hook) {
  wx.invokeNativePlugin({ api_name: '__hook', sync: true, data: { line: 'App ' + hook } });
}
App({
  onLaunch: function () { logApp('onLaunch'); },
  onShow: function () { logApp('onShow'); },
  onHide: function () { logApp('onHide'); }
});
"#;

fn write_package(dir: &Path, form: Form) {
    let app_json = json!({
        "pages": PAGES,
        "tabBar": {"list": [{"pagePath": "pages/home/home", "text": "Home"}, {"pagePath": "pages/tab2/tab2", "text": "Two"}]}
    });
    let config = json!({"appid": format!("wxconform{form:?}").to_lowercase(), "projectname": "Conformance"});
    write_files(
        dir,
        &[("app.json", &app_json.to_string()), ("project.config.json", &config.to_string()), ("app.js", APP_JS)],
    );
    for route in PAGES {
        write_page(dir, form, route);
    }
}

/// One page of the package, in `form`: the same JS, its title, a link to page a.
fn write_page(dir: &Path, form: Form, route: &str) {
    write_files(dir, &[(&format!("{route}.js"), &page_js(route))]);
    let title = route.rsplit('/').next().unwrap();
    match form {
        Form::Wxml => write_files(
            dir,
            &[(
                &format!("{route}.wxml"),
                "<view class=\"title\">{{title}}</view><navigator class=\"go\" url=\"/pages/a/a\">to a</navigator>",
            )],
        ),
        Form::Html => write_files(
            dir,
            &[(
                &format!("{route}.html"),
                &format!(
                    "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\
<div class=\"title\">{title}</div><a class=\"go\" onclick=\"wx.navigateTo({{url: '/pages/a/a'}})\">to a</a>\
<script src=\"{title}.js\"></script></body></html>"
                ),
            )],
        ),
    }
}

/// The shell, with `__hook` recording what pages log, and `__chrome` and `__press`.
fn shell(log: Arc<Mutex<Vec<String>>>) -> (ShellBuilder, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let builder = support::with_chrome_controls(Shell::builder().data_dir(data.path().to_path_buf())).register(
        "__hook",
        move |call: MiniApiCall| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(call.data()["line"].as_str().unwrap_or_default().to_string());
                Ok(())
            }
        },
    );
    // A `--mock` rule for wx.request, as a mock file would give it.
    let mut mocks = superapp_shell::core::mock::parse_mocks(
        r#"{"request GET https://offline.test/items": {"result": {"data": {"items": [1, 2]}}}}"#,
    )
    .unwrap();
    let requests = superapp_shell::net::request::RequestMocks::take(&mut mocks).unwrap();
    (builder.request_mocks(requests), data)
}

/// Calls a routing API from the mini program's JS; its `success` logs `success`.
fn route_js(api: &str, options: Value) -> String {
    format!(
        "new Promise(function (resolve) {{ var o = {options}; \
o.success = function () {{ wx.invokeNativePlugin({{ api_name: '__hook', sync: true, data: {{ line: 'success' }} }}); resolve('ok'); }}; \
o.fail = function (e) {{ resolve(e.errMsg); }}; wx.{api}(o); }})"
    )
}

/// One row of the routing table: what to do, then the hooks it runs, in order.
struct Row {
    what: &'static str,
    api: &'static str,
    options: Value,
    hooks: &'static [&'static str],
    /// The stack afterwards (`getCurrentPages()` and the automator's page stack).
    stack: &'static [&'static str],
}

/// WeChat's routing table and tab-switch table, as the shell implements them for both page
/// kinds (README: "Lifecycle").
fn table() -> Vec<Row> {
    let row = |what, api, options, hooks, stack| Row { what, api, options, hooks, stack };
    vec![
        row(
            "navigateTo from a tab page: the tab page hides",
            "navigateTo",
            json!({"url": "/pages/a/a?x=1"}),
            &["pages/home/home#1 onHide", "pages/a/a#2 onLoad {\"x\":\"1\"}", "pages/a/a#2 onShow", "success"][..],
            &["pages/home/home#1", "pages/a/a#2"][..],
        ),
        row(
            "navigateTo from a page",
            "navigateTo",
            json!({"url": "../b/b"}),
            &["pages/a/a#2 onHide", "pages/b/b#3 onLoad {}", "pages/b/b#3 onShow", "success"],
            &["pages/home/home#1", "pages/a/a#2", "pages/b/b#3"],
        ),
        row(
            "navigateBack delta 2: newest first",
            "navigateBack",
            json!({"delta": 2}),
            &["pages/b/b#3 onUnload", "pages/a/a#2 onUnload", "pages/home/home#1 onShow", "success"],
            &["pages/home/home#1"],
        ),
        row(
            "navigateTo again",
            "navigateTo",
            json!({"url": "/pages/a/a"}),
            &["pages/home/home#1 onHide", "pages/a/a#4 onLoad {}", "pages/a/a#4 onShow", "success"],
            &["pages/home/home#1", "pages/a/a#4"],
        ),
        row(
            "redirectTo: the old page unloads first",
            "redirectTo",
            json!({"url": "/pages/b/b?r=1"}),
            &["pages/a/a#4 onUnload", "pages/b/b#5 onLoad {\"r\":\"1\"}", "pages/b/b#5 onShow", "success"],
            &["pages/home/home#1", "pages/b/b#5"],
        ),
        row(
            "navigateBack one page",
            "navigateBack",
            json!({}),
            &["pages/b/b#5 onUnload", "pages/home/home#1 onShow", "success"],
            &["pages/home/home#1"],
        ),
        row(
            "switchTab to a new tab: the old tab hides and stays alive",
            "switchTab",
            json!({"url": "/pages/tab2/tab2"}),
            &["pages/home/home#1 onHide", "pages/tab2/tab2#6 onLoad {}", "pages/tab2/tab2#6 onShow", "success"],
            &["pages/tab2/tab2#6"],
        ),
        row(
            "navigateTo from the second tab",
            "navigateTo",
            json!({"url": "/pages/a/a"}),
            &["pages/tab2/tab2#6 onHide", "pages/a/a#7 onLoad {}", "pages/a/a#7 onShow", "success"],
            &["pages/tab2/tab2#6", "pages/a/a#7"],
        ),
        row(
            "switchTab back to a live tab: non-tab pages unload, no second onLoad",
            "switchTab",
            json!({"url": "/pages/home/home"}),
            &["pages/a/a#7 onUnload", "pages/home/home#1 onShow", "success"],
            &["pages/home/home#1"],
        ),
        row(
            "switchTab between live tabs",
            "switchTab",
            json!({"url": "/pages/tab2/tab2"}),
            &["pages/home/home#1 onHide", "pages/tab2/tab2#6 onShow", "success"],
            &["pages/tab2/tab2#6"],
        ),
        row(
            "navigateTo before a reLaunch",
            "navigateTo",
            json!({"url": "/pages/a/a"}),
            &["pages/tab2/tab2#6 onHide", "pages/a/a#8 onLoad {}", "pages/a/a#8 onShow", "success"],
            &["pages/tab2/tab2#6", "pages/a/a#8"],
        ),
        row(
            "reLaunch: the stack newest first, then the tabs kept alive",
            "reLaunch",
            json!({"url": "/pages/b/b?y=2"}),
            &[
                "pages/a/a#8 onUnload",
                "pages/tab2/tab2#6 onUnload",
                "pages/home/home#1 onUnload",
                "pages/b/b#9 onLoad {\"y\":\"2\"}",
                "pages/b/b#9 onShow",
                "success",
            ],
            &["pages/b/b#9"],
        ),
    ]
}

/// Waits until the log holds at least `n` lines (hooks that no call waits for).
fn wait_for_lines(log: &Arc<Mutex<Vec<String>>>, n: usize) {
    let deadline = Instant::now() + WAIT;
    while log.lock().unwrap().len() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn take(log: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

fn stack_of(app: &testing::App) -> Result<Vec<String>, Failed> {
    Ok(app.page_stack()?.iter().map(|p| format!("{}#{}", p.path, p.id)).collect())
}

fn js_stack(app: &testing::App) -> Result<Value, Failed> {
    app.eval("JSON.stringify(getCurrentPages().map(function (p) { return p.route + '#' + p.webViewId; }))")
}

/// Runs `test` on the package written in `form` (after `change` edits its files), with
/// the log of what the pages recorded.
fn run_form<F>(form: Form, change: impl FnOnce(&Path), test: F)
where
    F: FnOnce(&testing::App, &Arc<Mutex<Vec<String>>>) -> Result<(), Failed> + Send + 'static,
{
    let tmp = tempfile::tempdir().unwrap();
    write_package(tmp.path(), form);
    change(tmp.path());
    let log = Arc::new(Mutex::new(Vec::new()));
    let (builder, _data) = shell(log.clone());
    testing::run(builder, Package::open(tmp.path()).unwrap(), move |app| test(app, &log))
        .unwrap_or_else(|err| panic!("{form:?}: {err:?}"));
}

/// Every route of the table, on one form.
fn routes_follow_the_table(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, seen| {
            wait_for_lines(seen, 4);
            assert_eq!(
                take(seen),
                ["App onLaunch", "App onShow", "pages/home/home#1 onLoad {}", "pages/home/home#1 onShow"],
                "{form:?}: launch"
            );
            for row in table() {
                let answer = app.eval(&route_js(row.api, row.options.clone()))?;
                assert_eq!(answer, json!("ok"), "{form:?}: {}", row.what);
                // The route's answer came after the hooks: they are all in the log already.
                assert_eq!(take(seen), row.hooks, "{form:?}: {}", row.what);
                assert_eq!(stack_of(app)?, row.stack, "{form:?}: {} (automator)", row.what);
                let expected = serde_json::to_string(row.stack).unwrap();
                assert_eq!(js_stack(app)?, json!(expected), "{form:?}: {} (getCurrentPages)", row.what);
            }
            // The App hides after the page and shows before it: minimised and restored, hidden
            // and shown.
            for (press, hooks) in [
                ("minimize", ["pages/b/b#9 onHide", "App onHide"]),
                ("restore", ["App onShow", "pages/b/b#9 onShow"]),
                ("hide", ["pages/b/b#9 onHide", "App onHide"]),
                ("show", ["App onShow", "pages/b/b#9 onShow"]),
            ] {
                app.eval(&format!("wx.invokeNativePlugin({{ api_name: '__press', data: '{press}' }})"))?;
                wait_for_lines(seen, 2);
                assert_eq!(take(seen), hooks, "{form:?}: {press}");
            }
            Ok(())
        },
    );
}

fn routing_table_on_wxml_pages() {
    routes_follow_the_table(Form::Wxml);
}

fn routing_table_on_html_pages() {
    routes_follow_the_table(Form::Html);
}

/// A tab page's data survives being left: `shown` counts its onShows.
fn tab_pages_keep_their_data(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, _| {
            app.eval(&route_js("switchTab", json!({"url": "/pages/tab2/tab2"})))?;
            app.eval(&route_js("switchTab", json!({"url": "/pages/home/home"})))?;
            app.eval(&route_js("switchTab", json!({"url": "/pages/tab2/tab2"})))?;
            app.eval(&route_js("switchTab", json!({"url": "/pages/home/home"})))?;
            assert_eq!(app.current_page()?.id, 1, "{form:?}: the same home instance");
            assert_eq!(app.data(Some("shown"))?, json!(3), "{form:?}: home kept its data");
            Ok(())
        },
    );
}

fn tab_pages_keep_their_data_on_both_forms() {
    tab_pages_keep_their_data(Form::Wxml);
    tab_pages_keep_their_data(Form::Html);
}

/// `navigateTo({events})`: the opened page's emit in its onLoad reaches the opener's
/// listener; the opener's emit in `success` reaches the listener the opened page added
/// in onLoad; `once` hears one event; an event emitted before any listener is kept for
/// the first one.
fn event_channel(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, seen| {
            wait_for_lines(seen, 4);
            take(seen);
            let js = r#"new Promise(function (resolve) {
          var heard = [];
          wx.navigateTo({
            url: '/pages/a/a',
            events: { fromOpened: function (data) { heard.push(['fromOpened', data]); } },
            success: function (res) {
              res.eventChannel.emit('fromOpener', { n: 1 });
              res.eventChannel.emit('early', 'kept');
              res.eventChannel.once('fromOpened', function () { heard.push(['once']); });
              resolve({ heard: heard, hasChannel: typeof res.eventChannel.on === 'function' });
            }
          });
        })"#;
            let answer = app.eval(js)?;
            assert_eq!(
                answer,
                json!({"heard": [["fromOpened", {"route": "pages/a/a"}]], "hasChannel": true}),
                "{form:?}: the opener heard the opened page's onLoad emit before success"
            );
            // The opened page's listener hears the opener's emit; a later listener gets the
            // event kept for it.
            wait_for_lines(seen, 4);
            let lines = take(seen);
            assert_eq!(
                lines,
                [
                    "pages/home/home#1 onHide",
                    "pages/a/a#2 onLoad {}",
                    "pages/a/a#2 onShow",
                    "pages/a/a#2 heard {\"n\":1}"
                ],
                "{form:?}"
            );
            let kept = app.eval(
                "new Promise(function (resolve) { var p = getCurrentPages(); var page = p[p.length - 1]; \
             page.getOpenerEventChannel().on('early', function (v) { resolve(v); }); })",
            )?;
            assert_eq!(kept, json!("kept"), "{form:?}: an event emitted before the listener is kept for it");
            Ok(())
        },
    );
}

fn event_channel_both_ways_on_both_forms() {
    event_channel(Form::Wxml);
    event_channel(Form::Html);
}

/// Tap a navigator, wait until the automator names the new page, and query it at once:
/// the element is there (a WXML query waits for the page's first render), every time.
fn a_query_right_after_a_tap_navigation_finds_the_new_page(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, _| {
            app.wait_for(".go", WAIT)?;
            for attempt in 0..6 {
                app.tap(".go")?;
                app.wait_until(|app| Ok(app.current_page()?.path == "pages/a/a"), WAIT)?;
                assert_eq!(app.text(".title")?, "a", "{form:?}: attempt {attempt}");
                app.navigate_back()?;
            }
            Ok(())
        },
    );
}

fn a_query_right_after_a_tap_navigation_on_both_forms() {
    a_query_right_after_a_tap_navigation_finds_the_new_page(Form::Wxml);
    a_query_right_after_a_tap_navigation_finds_the_new_page(Form::Html);
}

/// A page whose `onLoad` throws says so on screen (not a blank page), naming the error
/// and where; the run goes on: going back works.
fn a_page_that_fails_to_load_says_so_on_screen(form: Form) {
    let failing = |dir: &Path| {
        write_files(
            dir,
            &[("pages/a/a.js", "Page({\n  onLoad: function () {\n    throw new Error('no data');\n  }\n});\n")],
        )
    };
    run_form(form, failing, move |app, _| {
        app.wait_for(".go", WAIT)?;
        assert_eq!(app.eval(&route_js("navigateTo", json!({"url": "/pages/a/a"})))?, json!("ok"), "{form:?}");
        app.wait_for("#__superapp-error", WAIT)?;
        let shown = app.text("#__superapp-error")?;
        assert!(
            shown.contains("Error: no data") && shown.contains("pages/a/a.js:3:"),
            "{form:?}: the page shows {shown:?}"
        );
        assert_eq!(app.navigate_back()?.path, "pages/home/home", "{form:?}");
        assert_eq!(app.text(".title")?, "home", "{form:?}");
        Ok(())
    });
}

fn a_page_that_fails_to_load_says_so_on_both_forms() {
    a_page_that_fails_to_load_says_so_on_screen(Form::Wxml);
    a_page_that_fails_to_load_says_so_on_screen(Form::Html);
}

/// `wx` has every function of the one list (built-ins and the bridge's own), wherever page
/// JS runs; `nextTick` runs after the current work.
fn wx_has_every_function(form: Form) {
    use superapp_shell::core::builtins::{BRIDGE_FUNCTIONS, DESKTOP, WX_FUNCTIONS};
    let events: Vec<String> =
        DESKTOP.silent_events.iter().flat_map(|e| [format!("on{e}"), format!("off{e}")]).collect();
    let names: Vec<&str> = WX_FUNCTIONS
        .iter()
        .map(|f| f.wx)
        .chain(BRIDGE_FUNCTIONS.iter().copied())
        .chain(DESKTOP.unsupported.iter().copied())
        .chain(DESKTOP.reports.iter().copied())
        .chain(events.iter().map(String::as_str))
        .collect();
    let names = serde_json::to_string(&names).unwrap();
    run_form(
        form,
        |_| {},
        move |app, _| {
            let missing =
                app.eval(&format!("{names}.filter(function (n) {{ return typeof wx[n] !== 'function'; }})"))?;
            assert_eq!(missing, json!([]), "{form:?}");
            let order = app.eval(
                "new Promise(function (resolve) { var seen = []; \
             wx.nextTick(function () { seen.push('tick'); resolve(seen); }); seen.push('now'); })",
            )?;
            assert_eq!(order, json!(["now", "tick"]), "{form:?}");
            // What a desktop has not: a clear failure; its events never come; reports are kept.
            let desktop = app.eval(
                "new Promise(function (resolve) { wx.onKeyboardHeightChange(function () {}); wx.reportAnalytics('x', {a: 1}); \
                 wx.startCompass({ fail: function (e) { wx.getNetworkType({ success: function (n) { \
                 wx.createCameraContext().takePhoto({ fail: function (c) { \
                 resolve([e.errMsg, n.networkType, n.errMsg, JSON.stringify(wx.getExptInfoSync(['k'])), c.errMsg]); } }); } }); } }); })",
            )?;
            assert_eq!(
                desktop,
                json!([
                    "startCompass:fail not supported on this desktop",
                    "wifi",
                    "getNetworkType:ok",
                    "{}",
                    "CameraContext.takePhoto:fail not supported on this desktop"
                ]),
                "{form:?}"
            );
            // The globals and members real code checks for.
            let seen = app.eval(
            "JSON.stringify({ global: typeof global, canIUse: ['showToast', 'getSystemInfoSync.return.theme', 'view', \
             'navigator', 'map', 'noSuchApi'].map(function (s) { return wx.canIUse(s); }), \
             account: wx.getAccountInfoSync(), userData: wx.env.USER_DATA_PATH })",
        )?;
            assert_eq!(
                serde_json::from_str::<Value>(seen.as_str().unwrap()).unwrap(),
                json!({"global": "object", "canIUse": [true, true, true, true, false, false],
                   "account": {"miniProgram": {"appId": format!("wxconform{form:?}").to_lowercase(), "envVersion": "develop", "version": "0.0.0"}, "plugin": {}},
                   "userData": "wxfile://usr"}),
                "{form:?}"
            );
            Ok(())
        },
    );
}

fn wx_has_every_function_on_both_forms() {
    wx_has_every_function(Form::Wxml);
    wx_has_every_function(Form::Html);
}

/// `wx.pageScrollTo`: to a position, at once or over the default 300 ms, and to an element
/// plus an offset; `success` comes once the page is there. Bad options fail clearly.
fn page_scroll_to(form: Form) {
    let tall = move |dir: &Path| {
        match form {
        Form::Wxml => write_files(
            dir,
            &[(
                "pages/home/home.wxml",
                "<view class=\"title\">{{title}}</view><view style=\"height:2000px\"></view>\
                 <view id=\"far\">far</view><view style=\"height:2000px\"></view>",
            )],
        ),
        Form::Html => write_files(
            dir,
            &[(
                "pages/home/home.html",
                "<!doctype html><html><body><div class=\"title\">home</div><div style=\"height:2000px\"></div>\
                 <div id=\"far\">far</div><div style=\"height:2000px\"></div><script src=\"home.js\"></script></body></html>",
            )],
        ),
    }
    };
    run_form(form, tall, move |app, _| {
        app.wait_for("#far", WAIT)?;
        let scroll = |options: &str| {
            app.eval(&format!(
                "new Promise(function (resolve) {{ var o = {options}; \
                 o.success = function () {{ resolve('ok'); }}; o.fail = function (e) {{ resolve(e.errMsg); }}; \
                 wx.pageScrollTo(o); }})"
            ))
        };
        assert_eq!(scroll("{ scrollTop: 300, duration: 0 }")?, json!("ok"), "{form:?}");
        assert_eq!(app.scroll_top()?, 300.0, "{form:?}: at once");
        assert_eq!(scroll("{ scrollTop: 900 }")?, json!("ok"), "{form:?}");
        assert_eq!(app.scroll_top()?, 900.0, "{form:?}: answered once there, after 300 ms");
        let far = app.offset("#far")?.1;
        let selector = if form == Form::Wxml { "view#far" } else { "div#far" };
        assert_eq!(scroll(&format!("{{ selector: '{selector}', offsetTop: -10, duration: 100 }}"))?, json!("ok"));
        assert_eq!(app.scroll_top()?, far - 10.0, "{form:?}: to the element, plus the offset");
        assert_eq!(scroll("{ selector: '#nope' }")?, json!("pageScrollTo:fail no element matches \"#nope\""));
        assert_eq!(
            scroll("{ duration: 10 }")?,
            json!("pageScrollTo:fail parameter error: scrollTop (a number) or selector (a string) is required")
        );
        Ok(())
    });
}

fn page_scroll_to_on_both_forms() {
    page_scroll_to(Form::Wxml);
    page_scroll_to(Form::Html);
}

/// A page of a subpackage (`subpackages` in app.json), regular or independent, is a page
/// like any other: routes reach it by `root/page`, and it runs as the main package's do.
fn a_subpackage_page_is_a_page_like_any_other(form: Form) {
    let with_subpackage = move |dir: &Path| {
        let app_json = json!({
            "pages": PAGES,
            "subPackages": [{"root": "packageA", "pages": ["pages/cat/cat"]},
                            {"root": "packageB", "pages": ["pages/dog/dog"], "independent": true}],
            "preloadRule": {"pages/home/home": {"packages": ["packageA"]}},
            "tabBar": {"list": [{"pagePath": "pages/home/home", "text": "Home"}, {"pagePath": "pages/tab2/tab2", "text": "Two"}]}
        });
        write_files(dir, &[("app.json", &app_json.to_string())]);
        write_page(dir, form, "packageA/pages/cat/cat");
        write_page(dir, form, "packageB/pages/dog/dog");
    };
    run_form(form, with_subpackage, move |app, seen| {
        wait_for_lines(seen, 4);
        take(seen);
        assert_eq!(app.eval(&route_js("navigateTo", json!({"url": "/packageA/pages/cat/cat?k=v"})))?, json!("ok"));
        assert_eq!(
            take(seen),
            [
                "pages/home/home#1 onHide",
                "packageA/pages/cat/cat#2 onLoad {\"k\":\"v\"}",
                "packageA/pages/cat/cat#2 onShow",
                "success"
            ],
            "{form:?}"
        );
        app.wait_for(".title", WAIT)?;
        assert_eq!(app.text(".title")?, "cat", "{form:?}");
        // Relative URLs resolve from the subpackage page.
        assert_eq!(app.eval(&route_js("redirectTo", json!({"url": "../../../pages/a/a"})))?, json!("ok"));
        assert_eq!(app.current_page()?.path, "pages/a/a", "{form:?}");
        // An independent subpackage's page opens the same way.
        assert_eq!(app.eval(&route_js("reLaunch", json!({"url": "/packageB/pages/dog/dog"})))?, json!("ok"));
        assert_eq!(app.current_page()?.path, "packageB/pages/dog/dog", "{form:?}");
        Ok(())
    });
}

fn a_subpackage_page_on_both_forms() {
    a_subpackage_page_is_a_page_like_any_other(Form::Wxml);
    a_subpackage_page_is_a_page_like_any_other(Form::Html);
}

/// `navigationStyle: "custom"` (in a page's .json): the page draws its own bar, so the
/// shell shows none on that page, and shows its own again on the others. The capsule
/// stays (over the page), where `wx.getMenuButtonBoundingClientRect()` says, and its menu
/// restarts the mini program.
fn a_custom_navigation_style_hides_the_shells_bar(form: Form) {
    let custom_b = |dir: &Path| write_files(dir, &[("pages/b/b.json", r#"{"navigationStyle": "custom"}"#)]);
    run_form(form, custom_b, move |app, _| {
        let bar = |app: &testing::App| -> Result<Value, Failed> {
            Ok(app.eval("wx.invokeNativePlugin({ api_name: '__chrome' })")?["navigationBar"].clone())
        };
        let chrome = |app: &testing::App| app.eval("wx.invokeNativePlugin({ api_name: '__chrome' })");
        let capsule = |app: &testing::App| app.eval("wx.getMenuButtonBoundingClientRect()");
        assert!(bar(app)?.is_object(), "{form:?}: home has the shell's bar");
        let on_bar = capsule(app)?;
        let width = chrome(app)?["window"]["windowWidth"].as_i64().unwrap();
        assert_eq!((on_bar["width"].as_i64(), on_bar["height"].as_i64()), (Some(87), Some(32)), "{form:?}: {on_bar}");
        assert_eq!(on_bar["right"].as_i64(), Some(width - 7), "{form:?}: 7 px from the right edge: {on_bar}");
        assert!(on_bar["top"].as_i64().unwrap() >= 0 && on_bar["bottom"].as_i64().unwrap() <= 44, "{on_bar}");
        assert_eq!(chrome(app)?["capsule"]["overPage"], json!(false));
        assert_eq!(app.eval(&route_js("navigateTo", json!({"url": "/pages/b/b"})))?, json!("ok"));
        assert_eq!(bar(app)?, Value::Null, "{form:?}: b draws its own");
        assert_eq!(chrome(app)?["capsule"]["overPage"], json!(true), "{form:?}: the capsule stays, over the page");
        let over_page = capsule(app)?;
        assert_eq!(over_page["right"], on_bar["right"], "{form:?}: {over_page}");
        assert_eq!(over_page["top"].as_i64(), Some(6), "{form:?}: {over_page}");
        assert_eq!(app.eval(&route_js("navigateBack", json!({})))?, json!("ok"));
        assert!(bar(app)?.is_object(), "{form:?}: back on home, the bar is back");
        // The capsule's menu restarts the mini program at its home page.
        assert_eq!(app.eval(&route_js("navigateTo", json!({"url": "/pages/b/b"})))?, json!("ok"));
        app.eval("wx.invokeNativePlugin({ api_name: '__press', data: 'capsule:menu' })")?;
        assert_eq!(chrome(app)?["capsule"]["menuOpen"], json!(true), "{form:?}");
        app.eval("wx.invokeNativePlugin({ api_name: '__press', data: 'capsule:restart' })")?;
        app.wait_until(
            |app| Ok(app.page_stack()?.iter().map(|p| p.path.as_str()).eq(["pages/home/home"])),
            testing::WAIT,
        )?;
        assert_eq!(chrome(app)?["capsule"]["menuOpen"], json!(false), "{form:?}");
        Ok(())
    });
}

fn a_custom_navigation_style_on_both_forms() {
    a_custom_navigation_style_hides_the_shells_bar(Form::Wxml);
    a_custom_navigation_style_hides_the_shells_bar(Form::Html);
}

/// A modal goes with the page that showed it: a reLaunch leaves none over the new page,
/// and its `showModal` is answered with a fail.
fn a_modal_goes_with_its_page(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, _| {
            app.eval(
                "wx.showModal({ title: 'Leave?', content: 'unsaved', fail: function (e) { \
             wx.setStorageSync('modalFail', e.errMsg); } }); 'shown'",
            )?;
            let modal = |app: &testing::App| -> Result<Value, Failed> {
                Ok(app.eval("wx.invokeNativePlugin({ api_name: '__chrome' })")?["modal"].clone())
            };
            assert_eq!(modal(app)?["title"], json!("Leave?"), "{form:?}");
            assert_eq!(app.eval(&route_js("reLaunch", json!({"url": "/pages/b/b"})))?, json!("ok"));
            assert_eq!(modal(app)?, Value::Null, "{form:?}: no modal over the new page");
            app.wait_until(|app| Ok(app.eval("wx.getStorageSync('modalFail')")? != json!("")), WAIT)?;
            assert_eq!(
                app.eval("wx.getStorageSync('modalFail')")?,
                json!("showModal:fail the page that showed it closed"),
                "{form:?}"
            );
            Ok(())
        },
    );
}

fn a_modal_goes_with_its_page_on_both_forms() {
    a_modal_goes_with_its_page(Form::Wxml);
    a_modal_goes_with_its_page(Form::Html);
}

/// Dark mode: a run in the dark theme takes app.json's `"@name"` values from the dark
/// theme of `themeLocation`; pages see `theme: "dark"` and `prefers-color-scheme: dark`.
fn the_dark_theme(form: Form) {
    let tmp = tempfile::tempdir().unwrap();
    write_package(tmp.path(), form);
    let app_json = json!({
        "pages": PAGES,
        "themeLocation": "theme.json",
        "window": {"navigationBarBackgroundColor": "@navBg", "navigationBarTextStyle": "@navText"},
        "tabBar": {"list": [{"pagePath": "pages/home/home", "text": "Home"}, {"pagePath": "pages/tab2/tab2", "text": "Two"}]}
    });
    let theme =
        json!({"light": {"navBg": "#f7f7f7", "navText": "black"}, "dark": {"navBg": "#1f1f1f", "navText": "white"}});
    write_files(tmp.path(), &[("app.json", &app_json.to_string()), ("theme.json", &theme.to_string())]);
    let log = Arc::new(Mutex::new(Vec::new()));
    let (builder, _data) = shell(log);
    let package = Package::open_themed(tmp.path(), superapp_shell::core::theme::Theme::Dark).unwrap();
    testing::run(builder, package, move |app| {
        let seen = app.eval(
            "wx.invokeNativePlugin({ api_name: '__chrome' }).then(function (chrome) { return { \
             bar: chrome.navigationBar.backgroundColor, front: chrome.navigationBar.frontColor, \
             theme: wx.getSystemInfoSync().theme, media: matchMedia('(prefers-color-scheme: dark)').matches, \
             listens: typeof wx.onThemeChange }; })",
        )?;
        assert_eq!(
            seen,
            json!({"bar": "#1f1f1f", "front": "#ffffff", "theme": "dark", "media": true, "listens": "function"}),
            "{form:?}"
        );
        Ok(())
    })
    .unwrap_or_else(|err| panic!("{form:?}: {err:?}"));
}

fn the_dark_theme_on_both_forms() {
    the_dark_theme(Form::Wxml);
    the_dark_theme(Form::Html);
}

/// `wx.createSelectorQuery()`: select, selectAll and the viewport, with
/// boundingClientRect, fields and scrollOffset; the page where it is drawn answers, the
/// callbacks run in order, then exec's.
fn selector_query(form: Form) {
    let items = move |dir: &Path| {
        match form {
        Form::Wxml => write_files(
            dir,
            &[(
                "pages/home/home.wxml",
                "<view id=\"first\" class=\"item\" data-n=\"1\" style=\"height:40px\">a</view>\
                 <view class=\"item\" data-n=\"2\" style=\"height:60px\">b</view>",
            )],
        ),
        Form::Html => write_files(
            dir,
            &[(
                "pages/home/home.html",
                "<!doctype html><html><body><div id=\"first\" class=\"item\" data-n=\"1\" style=\"height:40px\">a</div>\
                 <div class=\"item\" data-n=\"2\" style=\"height:60px\">b</div><script src=\"home.js\"></script></body></html>",
            )],
        ),
    }
    };
    run_form(form, items, move |app, _| {
        app.wait_for("#first", WAIT)?;
        let answer = app.eval(
            "new Promise(function (resolve) { var seen = []; var q = wx.createSelectorQuery(); \
             q.select('#first').boundingClientRect(function (r) { seen.push(['rect', r.id, r.height, r.top >= 0]); }); \
             q.selectAll('.item').fields({ dataset: true, size: true }, function (list) { \
               seen.push(['items', list.map(function (n) { return [n.dataset.n, n.height]; })]); }); \
             q.select('#none').boundingClientRect(); \
             q.selectViewport().scrollOffset(function (v) { seen.push(['viewport', v.scrollTop]); }); \
             q.exec(function (all) { seen.push(['exec', all.length, all[2]]); resolve(seen); }); })",
        )?;
        assert_eq!(
            answer,
            json!([["rect", "first", 40, true], ["items", [["1", 40], ["2", 60]]], ["viewport", 0], ["exec", 4, null]]),
            "{form:?}"
        );
        Ok(())
    });
}

fn selector_query_on_both_forms() {
    selector_query(Form::Wxml);
    selector_query(Form::Html);
}

/// `wx.request` against a real server on 127.0.0.1 (and a `--mock` rule): a GET's data
/// is its query, a POST's a JSON or form body; any status is a success; the answer's data
/// follows dataType and responseType; a timeout, an abort and a refused connection fail,
/// each once.
fn wx_request(form: Form) {
    let server = support::http::TestServer::start();
    let base = server.url.clone();
    let seen = server.seen.clone();
    run_form(
        form,
        |_| {},
        move |app, _| {
            let js = format!(
                r#"new Promise(function (resolve) {{
  var base = {base:?}, out = {{}}, n = 0, total = 10;
  function done(k, v) {{ if (k in out) v = 'twice'; out[k] = v; if (++n === total) resolve(out); }}
  wx.request({{ url: base + '/json', data: {{ q: 'a b' }}, success: function (r) {{ done('json', [r.statusCode, r.data, r.header['x-test'], r.cookies, r.errMsg]); }} }});
  wx.request({{ url: base + '/echo', method: 'POST', data: {{ n: 1 }}, success: function (r) {{ done('post', [r.data.method, r.data.contentType, r.data.body]); }} }});
  wx.request({{ url: base + '/echo', method: 'POST', header: {{ 'Content-Type': 'application/x-www-form-urlencoded' }}, data: {{ a: '1&2' }}, success: function (r) {{ done('form', r.data.body); }} }});
  wx.request({{ url: base + '/missing', dataType: 'text', success: function (r) {{ done('missing', [r.statusCode, r.data]); }} }});
  wx.request({{ url: base + '/bytes', responseType: 'arraybuffer', success: function (r) {{ done('bytes', [r.data instanceof ArrayBuffer, r.data.byteLength, new Uint8Array(r.data)[9]]); }} }});
  wx.request({{ url: base + '/slow', timeout: 200, fail: function (e) {{ done('timeout', e.errMsg); }} }});
  var task = wx.request({{ url: base + '/slow', success: function () {{ done('abort', 'answered'); }}, fail: function (e) {{ done('abort', e.errMsg); }} }});
  setTimeout(function () {{ task.abort(); }}, 300);
  wx.request({{ url: 'https://offline.test/items?page=2', success: function (r) {{ done('mock', [r.statusCode, r.data]); }} }});
  wx.request({{ url: 'http://127.0.0.1:1/', fail: function (e) {{ done('refused', e.errMsg.indexOf('request:fail ') === 0); }} }});
  wx.request({{ url: 'ftp://x', fail: function (e) {{ done('bad', e.errMsg); }} }});
}})"#
            );
            let answer = app.eval(&js)?;
            assert_eq!(
                answer,
                json!({
                    "json": [200, {"hello": "world"}, "yes", ["a=1", "b=2"], "request:ok"],
                    "post": ["POST", "application/json", "{\"n\":1}"],
                    "form": "a=1%262",
                    "missing": [404, "no such page"],
                    "bytes": [true, 10, 9],
                    "timeout": "request:fail timeout",
                    "abort": "request:fail abort",
                    "mock": [200, {"items": [1, 2]}],
                    "refused": true,
                    "bad": "request:fail invalid url \"ftp://x\"",
                }),
                "{form:?}"
            );
            assert!(
                seen.lock().unwrap().contains(&"GET /json?q=a%20b HTTP/1.1".to_string()),
                "{:?}",
                seen.lock().unwrap()
            );
            Ok(())
        },
    );
}

/// `wx.createIntersectionObserver`: an element below the fold is reported once it
/// scrolls into the viewport (not before: its ratio starts at initialRatio), with its id.
fn intersection_observer(form: Form) {
    let tall = move |dir: &Path| {
        match form {
        Form::Wxml => write_files(
            dir,
            &[("pages/home/home.wxml", "<view style=\"height: 3000px\">tall</view><view id=\"target\" style=\"height: 50px\">t</view>")],
        ),
        Form::Html => write_files(
            dir,
            &[(
                "pages/home/home.html",
                "<!doctype html><html><body><div style=\"height: 3000px\">tall</div><div id=\"target\" style=\"height: 50px\">t</div>\
                 <script src=\"home.js\"></script></body></html>",
            )],
        ),
    }
    };
    run_form(form, tall, move |app, _| {
        app.wait_for("#target", WAIT)?;
        app.eval(
            "window.__seen = []; var page = getCurrentPages()[0]; \
             wx.createIntersectionObserver(page).relativeToViewport().observe('#target', function (r) { \
               window.__seen.push([r.id, r.intersectionRatio > 0]); })",
        )?;
        // Nothing while it is out of view.
        app.eval("new Promise(function (resolve) { setTimeout(resolve, 300); })")?;
        assert_eq!(app.eval("window.__seen")?, json!([]), "{form:?}");
        app.eval("wx.pageScrollTo({ scrollTop: 2900, duration: 0 })")?;
        app.wait_until(|app| Ok(app.eval("window.__seen.length")? == json!(1)), WAIT)?;
        assert_eq!(app.eval("window.__seen[0]")?, json!(["target", true]), "{form:?}");
        Ok(())
    });
}

/// `wx.showActionSheet`: the chrome shows the items; a press answers `{tapIndex}`,
/// Cancel fails with `cancel`; a bad itemList is refused.
fn action_sheet(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, _| {
            let chrome = |app: &testing::App| app.eval("wx.invokeNativePlugin({ api_name: '__chrome' })");
            app.eval(
            "window.__sheet = []; wx.showActionSheet({ itemList: ['A', 'B', 'C'], alertText: 'Pick one', \
             success: function (r) { window.__sheet.push(r.tapIndex); }, fail: function (e) { window.__sheet.push(e.errMsg); } })",
        )?;
            app.wait_until(|app| Ok(chrome(app)?["actionSheet"].is_object()), WAIT)?;
            assert_eq!(
                chrome(app)?["actionSheet"],
                json!({"alertText": "Pick one", "items": ["A", "B", "C"]}),
                "{form:?}"
            );
            app.eval("wx.invokeNativePlugin({ api_name: '__press', data: 'actionSheet:1' })")?;
            app.wait_until(|app| Ok(app.eval("window.__sheet.length")? == json!(1)), WAIT)?;
            assert_eq!(chrome(app)?["actionSheet"], Value::Null, "{form:?}: it went");
            app.eval("wx.showActionSheet({ itemList: ['A'], fail: function (e) { window.__sheet.push(e.errMsg); } })")?;
            app.wait_until(|app| Ok(chrome(app)?["actionSheet"].is_object()), WAIT)?;
            app.eval("wx.invokeNativePlugin({ api_name: '__press', data: 'actionSheet:cancel' })")?;
            app.wait_until(|app| Ok(app.eval("window.__sheet.length")? == json!(2)), WAIT)?;
            let seven = app.eval(
            "new Promise(function (resolve) { wx.showActionSheet({ itemList: ['1','2','3','4','5','6','7'], fail: function (e) { resolve(e.errMsg); } }); })",
        )?;
            assert_eq!(app.eval("window.__sheet")?, json!([1, "showActionSheet:fail cancel"]), "{form:?}");
            assert_eq!(
                seven,
                json!("showActionSheet:fail parameter error: itemList has 7 items, at most 6"),
                "{form:?}"
            );
            Ok(())
        },
    );
}

fn action_sheet_on_both_forms() {
    action_sheet(Form::Wxml);
    action_sheet(Form::Html);
}

/// `wx.createWorker`: a real worker runs the package's script with WeChat's `worker`
/// global and `require`; one at a time.
fn worker(form: Form) {
    let files = |dir: &Path| {
        write_files(
            dir,
            &[
                ("workers/fib/util.js", "module.exports = function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); };"),
                (
                    "workers/fib/index.js",
                    "var fib = require('./util');\nworker.onMessage(function (m) { worker.postMessage({ n: m.n, fib: fib(m.n) }); });",
                ),
            ],
        )
    };
    run_form(form, files, move |app, _| {
        let answer = app.eval(
            "new Promise(function (resolve) { var w = wx.createWorker('workers/fib/index.js'); var second; \
             try { wx.createWorker('workers/fib/index.js'); second = 'made'; } catch (e) { second = e.message; } \
             w.onMessage(function (m) { w.terminate(); var again = wx.createWorker('workers/fib/index.js'); again.terminate(); \
             resolve([m, second]); }); w.postMessage({ n: 10 }); })",
        )?;
        assert_eq!(
            answer,
            json!([{"n": 10, "fib": 55}, "wx.createWorker: a worker is running; terminate() it first"]),
            "{form:?}"
        );
        Ok(())
    });
}

fn worker_on_both_forms() {
    worker(Form::Wxml);
    worker(Form::Html);
}

/// `wx.createInnerAudioContext`: a package file plays (onPlay, onEnded); a missing one
/// fails (onError).
fn inner_audio(form: Form) {
    let sound = |dir: &Path| std::fs::write(dir.join("tone.wav"), support::silent_wav(0.3)).unwrap();
    run_form(form, sound, move |app, _| {
        let answer = app.eval(
            "new Promise(function (resolve) { var seen = []; var a = wx.createInnerAudioContext(); \
             a.onPlay(function () { seen.push('play'); }); \
             a.onEnded(function () { seen.push('ended ' + (a.duration > 0.2)); \
               var b = wx.createInnerAudioContext(); b.onError(function (e) { seen.push('error ' + e.errCode); resolve(seen); }); \
               b.src = 'missing.wav'; b.play(); }); \
             a.src = 'tone.wav'; a.play(); })",
        )?;
        assert_eq!(answer, json!(["play", "ended true", "error 4"]), "{form:?}");
        // The background audio manager plays through the same path: setting src starts it.
        let background = app.eval(
            "new Promise(function (resolve) { var seen = []; var m = wx.getBackgroundAudioManager(); \
             m.onPlay(function () { seen.push('play'); }); \
             m.onEnded(function () { seen.push('ended ' + (wx.getBackgroundAudioManager() === m)); resolve(seen); }); \
             m.title = 'Tone'; m.src = 'tone.wav'; })",
        )?;
        assert_eq!(background, json!(["play", "ended true"]), "{form:?}");
        Ok(())
    });
}

/// `wx.createVideoContext(id).play()` plays the page's `<video>`, which then ends: from a
/// data: URL, and from a file of the package (on an HTML page too, where the page's own
/// markup gives the address).
fn video_context(form: Form, from_package: bool) {
    use base64::Engine;
    let wav = base64::engine::general_purpose::STANDARD.encode(support::silent_wav(0.3));
    let page = move |dir: &Path| {
        // a data: URL, or a file of the package (which WebKit's player cannot read from the
        // shell's scheme: the shell gives it the bytes)
        let src = if from_package {
            std::fs::write(dir.join("clip.wav"), support::silent_wav(0.3)).unwrap();
            "/clip.wav".to_string()
        } else {
            format!("data:audio/wav;base64,{wav}")
        };
        match form {
            Form::Wxml => write_files(
                dir,
                &[(
                    "pages/home/home.wxml",
                    &format!("<video id=\"v\" src=\"{src}\" bindended=\"ended\"/><view id=\"first\">x</view>"),
                )],
            ),
            Form::Html => write_files(
                dir,
                &[(
                    "pages/home/home.html",
                    &format!(
                        "<!doctype html><html><body><video id=\"v\" src=\"{src}\"></video><div id=\"first\">x</div>\
                         <script src=\"home.js\"></script><script>document.getElementById('v').addEventListener('ended', \
                         function () {{ getCurrentPages()[0].ended(); }});</script></body></html>"
                    ),
                )],
            ),
        }
    };
    run_form(form, page, move |app, seen| {
        app.wait_for("#first", WAIT)?;
        // (the page's `ended` handler, on both forms)
        app.eval("getCurrentPages()[0].ended = function () { wx.invokeNativePlugin({ api_name: '__hook', data: { line: 'ended' } }); }")?;
        take(seen);
        app.eval("wx.createVideoContext('v').play()")?;
        wait_for_lines(seen, 1);
        assert_eq!(take(seen), ["ended"], "{form:?}");
        Ok(())
    });
}

fn video_context_on_both_forms() {
    for from_package in [false, true] {
        video_context(Form::Wxml, from_package);
        video_context(Form::Html, from_package);
    }
}

fn inner_audio_on_both_forms() {
    inner_audio(Form::Wxml);
    inner_audio(Form::Html);
}

/// The colour of the window's screenshot at a point.
fn pixel(png_bytes: &[u8], x: u32, y: u32) -> (u8, u8, u8) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let channels = frame.line_size / frame.width as usize;
    let i = y as usize * frame.line_size + x as usize * channels;
    (pixels[i], pixels[i + 1], pixels[i + 2])
}

/// Canvas: a `type="2d"` canvas's node from a selector query draws (measureText answers
/// at once), and the old API's `wx.createCanvasContext(canvasId).draw()` replays its calls;
/// both show on screen.
fn canvas(form: Form) {
    let canvases = move |dir: &Path| {
        match form {
        Form::Wxml => write_files(
            dir,
            &[(
                "pages/home/home.wxml",
                "<canvas type=\"2d\" id=\"c\" style=\"width: 100px; height: 50px\"></canvas>\
                 <canvas canvas-id=\"old\" id=\"old\" style=\"width: 100px; height: 50px\"></canvas>",
            )],
        ),
        Form::Html => write_files(
            dir,
            &[(
                "pages/home/home.html",
                "<!doctype html><html><body style=\"margin: 0\"><canvas id=\"c\" style=\"display: block; width: 100px; height: 50px\"></canvas>\
                 <canvas canvas-id=\"old\" id=\"old\" style=\"display: block; width: 100px; height: 50px\"></canvas>\
                 <script src=\"home.js\"></script></body></html>",
            )],
        ),
    }
    };
    run_form(form, canvases, move |app, _| {
        app.wait_for("#old", WAIT)?;
        let measured = app.eval(
            "new Promise(function (resolve) { wx.createSelectorQuery().select('#c').fields({ node: true, size: true }).exec(function (res) { \
               var canvas = res[0].node; canvas.width = res[0].width; canvas.height = res[0].height; \
               var ctx = canvas.getContext('2d'); ctx.fillStyle = '#ff0000'; ctx.fillRect(0, 0, canvas.width, canvas.height); \
               var old = wx.createCanvasContext('old'); old.setFillStyle('#0000ff'); old.fillRect(0, 0, 100, 50); \
               old.draw(false, function () { wx.createSelectorQuery().select('#c').node(function (n) { \
                 resolve([canvas.width, ctx.measureText('abc').width > 0, !!n.node]); }).exec(); }); }); })",
        )?;
        assert_eq!(measured, json!([100, true, true]), "{form:?}: the node, measureText, NodesRef.node()");
        let (x, y) = app.offset("#c")?;
        let (ox, oy) = app.offset("#old")?;
        // (below the shell's 44 px navigation bar)
        let at = |px: f64, py: f64| -> Result<(u8, u8, u8), testing::Failed> {
            Ok(pixel(&app.screenshot()?, px as u32 + 10, py as u32 + 44 + 10))
        };
        app.wait_until(|_| Ok(at(x, y)? == (255, 0, 0)), WAIT)?;
        assert_eq!(at(ox, oy)?, (0, 0, 255), "{form:?}: the old API's calls were replayed");
        Ok(())
    });
}

fn canvas_on_both_forms() {
    canvas(Form::Wxml);
    canvas(Form::Html);
}

fn intersection_observer_on_both_forms() {
    intersection_observer(Form::Wxml);
    intersection_observer(Form::Html);
}

fn wx_request_on_both_forms() {
    wx_request(Form::Wxml);
    wx_request(Form::Html);
}

/// The mini program's files: `wx.getFileSystemManager()` (async, Promise and Sync forms)
/// confined to its own folders, `saveFile`, `getImageInfo`, `downloadFile` and
/// `uploadFile` against a local server, `wxfile://` images loading in the page, the GTK
/// file chooser of `chooseImage` (pressed as a person would) and `previewImage`'s viewer.
fn files(form: Form) {
    let server = support::http::TestServer::start();
    let base = server.url.clone();
    let outside = tempfile::tempdir().unwrap();
    let picked = outside.path().join("photo.png");
    std::fs::write(&picked, support::png(5, 4)).unwrap();
    let picked = picked.to_string_lossy().into_owned();
    run_form(
        form,
        |dir| std::fs::write(dir.join("pic.png"), support::png(3, 2)).unwrap(),
        move |app, _| {
            let _keep = &outside;
            let chrome = |app: &testing::App| app.eval("wx.invokeNativePlugin({ api_name: '__chrome' })");
            let press = |app: &testing::App, control: &str| {
                app.eval(&format!("wx.invokeNativePlugin({{ api_name: '__press', data: {control:?} }})"))
            };
            let js = format!(
                r#"(async function () {{
  var fs = wx.getFileSystemManager(), out = {{}}, usr = wx.env.USER_DATA_PATH;
  var error = function (f) {{ try {{ f(); return 'no error'; }} catch (e) {{ return e.message; }} }};
  fs.mkdirSync(usr + '/notes/old', true);
  fs.writeFileSync(usr + '/notes/a.txt', 'héllo', 'utf8');
  fs.appendFileSync(usr + '/notes/a.txt', new Uint8Array([33]).buffer);
  out.read = fs.readFileSync(usr + '/notes/a.txt', 'utf8');
  var bytes = fs.readFileSync(usr + '/notes/a.txt');
  out.bytes = [bytes instanceof ArrayBuffer, bytes.byteLength];
  out.list = fs.readdirSync(usr + '/notes');
  out.stat = [fs.statSync(usr + '/notes/a.txt').isFile(), fs.statSync(usr + '/notes').isDirectory()];
  out.outside = error(function () {{ fs.readFileSync(usr + '/../../../etc/passwd', 'utf8'); }});
  out.readOnly = error(function () {{ fs.writeFileSync('pic.png', 'x'); }});
  out.missing = await fs.readFile({{ filePath: usr + '/none.txt' }}).catch(function (e) {{ return e.errMsg; }});
  out.async = await new Promise(function (resolve) {{
    fs.readdir({{ dirPath: usr, success: function (r) {{ resolve([r.errMsg, r.files]); }} }});
  }});
  var saved = await wx.saveFile({{ tempFilePath: usr + '/notes/a.txt' }});
  out.saved = [saved.savedFilePath.indexOf('wxfile://store/') === 0, (await wx.getSavedFileList()).fileList.length];
  await wx.removeSavedFile({{ filePath: saved.savedFilePath }});
  out.savedAfter = (await wx.getSavedFileList()).fileList.length;
  var info = await wx.getImageInfo({{ src: 'pic.png' }});
  out.image = [info.width, info.height, info.type, info.path];
  // downloads: into tmp, with progress; into usr; an upload of a file with form data
  var progress = [], heard = [];
  var download = await new Promise(function (resolve) {{
    var task = wx.downloadFile({{ url: {base:?} + '/bytes', success: resolve, fail: resolve }});
    task.onProgressUpdate(function (p) {{ progress.push(p.progress); }});
    task.onHeadersReceived(function (h) {{ heard.push([h.statusCode, h.header['content-length']]); }});
  }});
  out.download = [download.statusCode, download.tempFilePath.indexOf('wxfile://tmp/') === 0,
    fs.readFileSync(download.tempFilePath).byteLength, progress[progress.length - 1], heard];
  var kept = await new Promise(function (resolve) {{
    wx.downloadFile({{ url: {base:?} + '/json', filePath: usr + '/hello.json', success: resolve, fail: resolve }});
  }});
  out.kept = [kept.filePath, fs.readFileSync(usr + '/hello.json', 'utf8')];
  var sent = [];
  var up = await new Promise(function (resolve) {{
    var task = wx.uploadFile({{ url: {base:?} + '/echo', filePath: usr + '/notes/a.txt', name: 'doc', formData: {{ who: 'ann' }},
      success: resolve, fail: resolve }});
    task.onProgressUpdate(function (p) {{ sent.push([p.progress, p.totalBytesSent > 0]); }});
  }});
  var echo = JSON.parse(up.data);
  out.upload = [up.statusCode, echo.method, echo.contentType.indexOf('multipart/form-data') === 0,
    echo.body.indexOf('name="doc"; filename="a.txt"') >= 0, echo.body.indexOf('héllo!') >= 0, echo.body.indexOf('ann') >= 0, sent];
  // a file of its own shows in the page as WeChat names it
  fs.copyFileSync('pic.png', usr + '/copy.png');
  out.shown = await new Promise(function (resolve) {{
    var img = new Image();
    img.onload = function () {{ resolve([img.naturalWidth, img.naturalHeight]); }};
    img.onerror = function () {{ resolve('error'); }};
    img.src = usr + '/copy.png';
  }});
  return out;
}})()"#
            );
            let answer = app.eval(&js)?;
            assert_eq!(
                answer,
                json!({
                    "read": "héllo!",
                    "bytes": [true, 7],
                    "list": ["a.txt", "old"],
                    "stat": [true, true],
                    "outside": "readFileSync:fail permission denied, open \"wxfile://usr/../../../etc/passwd\"",
                    "readOnly": "writeFileSync:fail permission denied, open \"pic.png\"",
                    "missing": "readFile:fail no such file or directory \"wxfile://usr/none.txt\"",
                    "async": ["readdir:ok", ["notes"]],
                    "saved": [true, 1],
                    "savedAfter": 0,
                    "image": [3, 2, "png", "pic.png"],
                    "download": [200, true, 10, 100, [[200, "10"]]],
                    "kept": ["wxfile://usr/hello.json", "{\"hello\":\"world\"}"],
                    "upload": [200, "POST", true, true, true, true, [[100, true]]],
                    "shown": [3, 2],
                }),
                "{form:?}"
            );
            // chooseImage: GTK's file chooser, a file picked in it as a person picks it.
            app.eval(
                "window.__chosen = null; wx.chooseImage({ count: 1, success: function (r) { window.__chosen = r; }, \
                 fail: function (e) { window.__chosen = e.errMsg; } })",
            )?;
            app.wait_until(|app| Ok(chrome(app)?["fileChooser"].is_object()), WAIT)
                .map_err(|_| format!("no chooser: {:?}", chrome(app)))?;
            assert_eq!(chrome(app)?["fileChooser"]["title"], "Choose images", "{form:?}");
            press(app, &format!("fileChooser:{picked}"))?;
            app.wait_until(|app| Ok(!app.eval("window.__chosen")?.is_null()), WAIT)
                .map_err(|_| format!("not chosen: {:?}", chrome(app)))?;
            let temp = app.eval("window.__chosen.tempFilePaths[0]")?;
            let temp = temp.as_str().unwrap_or_default().to_string();
            assert!(temp.starts_with("wxfile://tmp/") && temp.ends_with(".png"), "{form:?}: {temp}");
            assert_eq!(app.eval("window.__chosen.tempFiles[0].size")?, json!(support::png(5, 4).len()));
            let info = app.eval(&format!(
                "wx.getImageInfo({{ src: {temp:?} }}).then(function (i) {{ return [i.width, i.height]; }})"
            ))?;
            assert_eq!(info, json!([5, 4]), "{form:?}: the chosen file is the mini program's");
            app.eval(
                "window.__chosen = null; wx.chooseMessageFile({ count: 1, fail: function (e) { window.__chosen = e.errMsg; } })",
            )?;
            app.wait_until(|app| Ok(chrome(app)?["fileChooser"].is_object()), WAIT)?;
            press(app, "fileChooser:cancel")?;
            app.wait_until(|app| Ok(!app.eval("window.__chosen")?.is_null()), WAIT)?;
            assert_eq!(app.eval("window.__chosen")?, json!("chooseMessageFile:fail cancel"), "{form:?}");
            assert_eq!(chrome(app)?["fileChooser"], Value::Null);
            // previewImage: the viewer, from the current image, through them and closed.
            app.eval(&format!("wx.previewImage({{ urls: ['pic.png', {temp:?}], current: {temp:?} }})"))?;
            app.wait_until(|app| Ok(chrome(app)?["imageViewer"].is_object()), WAIT)?;
            let viewer = chrome(app)?["imageViewer"].clone();
            assert_eq!((&viewer["current"], &viewer["index"], &viewer["count"]), (&json!(temp), &json!(1), &json!(2)));
            assert!(viewer["drawn"].is_array(), "{form:?}: the image is drawn: {viewer}");
            press(app, "imageViewer:prev")?;
            app.wait_until(|app| Ok(chrome(app)?["imageViewer"]["index"] == json!(0)), WAIT)?;
            press(app, "imageViewer:close")?;
            app.wait_until(|app| Ok(chrome(app)?["imageViewer"].is_null()), WAIT)?;
            Ok(())
        },
    );
}

fn files_on_both_forms() {
    files(Form::Wxml);
    files(Form::Html);
}

/// A resize of the window (a person dragging its corner) calls the page's
/// `onResize({size})` with the page's new width, on both page kinds.
fn resize(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, _| {
            app.wait_until(|app| Ok(app.eval("getCurrentPages().length")? == json!(1)), WAIT)?;
            app.eval(
                "window.__sizes = []; getCurrentPages()[0].onResize = function (r) { window.__sizes.push(r.size.windowWidth); }",
            )?;
            app.eval("wx.invokeNativePlugin({ api_name: '__press', data: 'resize:420x700' })")?;
            app.wait_until(|app| Ok(app.eval("window.__sizes.indexOf(420) >= 0")? == json!(true)), WAIT)
                .map_err(|_| format!("{form:?}: onResize saw {:?}", app.eval("window.__sizes")))?;
            let bad = app.eval("wx.invokeNativePlugin({ api_name: '__press', data: 'resize:big' }).catch(function (e) { return e.errMsg; })")?;
            assert_eq!(bad, json!("invokeNativePlugin:fail resize: bad size \"resize:big\""), "{form:?}");
            Ok(())
        },
    );
}

fn resize_on_both_forms() {
    resize(Form::Wxml);
    resize(Form::Html);
}

/// The everyday APIs, on both page kinds: account and authorization simulated as DevTools
/// does (and answerable by a mock), the share menu, the ext config, the update manager,
/// the desktop clipboard read back, and every other function of WeChat's reference present
/// and failing clearly (callbacks, Promise, Sync, events, objects), with `wx.canIUse`
/// telling which.
fn everyday_apis(form: Form) {
    run_form(
        form,
        |dir| write_files(dir, &[("ext.json", r#"{"extEnable": true, "extAppid": "wxext", "ext": {"shop": "kka"}}"#)]),
        move |app, _| {
            use superapp_shell::core::wx_reference::REFERENCE;
            let names: Vec<&str> = REFERENCE.iter().map(|(name, _)| *name).collect();
            let missing = app.eval(&format!(
                "{}.filter(function (n) {{ return typeof wx[n] !== 'function'; }})",
                serde_json::to_string(&names).unwrap()
            ))?;
            assert_eq!(missing, json!([]), "{form:?}: every function of the reference");
            let simulated = app.eval(
                r#"(async function () {
  var login = await wx.login();
  var before = await wx.getSetting();
  await wx.authorize({ scope: 'scope.userLocation' });
  var profile = await wx.getUserProfile({ desc: 'to greet you' });
  var after = await wx.getSetting({ withSubscriptions: true });
  var share = await wx.showShareMenu({ withShareTicket: true, menus: ['shareAppMessage'] });
  var update = await new Promise(function (r) { wx.getUpdateManager().onCheckForUpdate(r); });
  await wx.setClipboardData({ data: 'copied 复制' });
  var clip = await wx.getClipboardData();
  var bad = await wx.authorize({ scope: 'camera' }).catch(function (e) { return e.errMsg; });
  wx.batchSetStorageSync([{ key: 'a', value: 1 }, { key: 'b', value: [2] }]);
  var batch = (await wx.batchGetStorage({ keyList: ['a', 'b', 'none'] })).dataList;
  var launch = wx.getLaunchOptionsSync();
  return { batch: batch, launch: [launch.path, launch.scene], base64: wx.arrayBufferToBase64(wx.base64ToArrayBuffer('AAEC/w==')),
    skyline: wx.getSkylineInfoSync().isSupported, code: /^superapp-/.test(login.code), before: before.authSetting, after: after.authSetting,
    main: after.subscriptionsSetting.mainSwitch, nick: profile.userInfo.nickName, share: share.errMsg,
    ext: wx.getExtConfigSync(), update: update, clip: [clip.data, clip.errMsg], bad: bad };
})()"#,
            )?;
            assert_eq!(
                simulated,
                json!({"code": true, "before": {}, "after": {"scope.userLocation": true, "scope.userInfo": true},
                    "main": true, "nick": "微信用户", "share": "showShareMenu:ok", "ext": {"shop": "kka"},
                    "update": {"hasUpdate": false}, "clip": ["copied 复制", "getClipboardData:ok"],
                    "bad": "authorize:fail invalid scope \"camera\"", "batch": [1, [2], ""],
                    "launch": ["pages/home/home", 1001], "base64": "AAEC/w==", "skyline": false}),
                "{form:?}"
            );
            // What a desktop cannot do: a clear failure in every shape.
            let unsupported = app.eval(
                r#"(async function () {
  var viaCallback = await new Promise(function (r) { wx.requestPayment({ timeStamp: '1', fail: function (e) { r(e.errMsg); } }); });
  var viaPromise = await wx.requestPayment({}).catch(function (e) { return e.errMsg; });
  var viaObject = await new Promise(function (r) { var s = wx.createVKSession({}); s.on('updateAnchors', function () {}); s.start(function () {}); s.stop({ fail: function (e) { r(e.errMsg); } }); });
  var sync; try { wx.getBatteryInfoSync(); } catch (e) { sync = e.message; }
  wx.onLocalServiceResolveFail(function () {});
  return { viaCallback: viaCallback, viaPromise: viaPromise, viaObject: viaObject, sync: /:fail not supported on this desktop$/.test(sync),
    canIUse: ['login', 'requestPayment', 'createVKSession', 'startCompass', 'setClipboardData'].map(function (n) { return wx.canIUse(n); }) };
})()"#,
            )?;
            assert_eq!(
                unsupported,
                json!({"viaCallback": "requestPayment:fail not supported on this desktop",
                    "viaPromise": "requestPayment:fail not supported on this desktop",
                    "viaObject": "VKSession.stop:fail not supported on this desktop", "sync": true,
                    "canIUse": [true, false, false, false, true]}),
                "{form:?}"
            );
            // A mock (as `--mock` and the automator give them) answers a simulated API.
            app.mock_api("login", |_call: MiniApiCall| async { Ok(json!({"code": "from-the-mock"})) });
            assert_eq!(app.eval("wx.login().then(function (r) { return r.code; })")?, json!("from-the-mock"));
            Ok(())
        },
    );
}

fn everyday_apis_on_both_forms() {
    everyday_apis(Form::Wxml);
    everyday_apis(Form::Html);
}

/// `wx.connectSocket` against a local WebSocket server, on both page kinds: headers go
/// out, text and bytes go both ways, `close` closes with its code; the older global
/// socket API works on the last socket; a socket to a port nobody listens on says
/// `onError` then `onClose`.
fn web_socket(form: Form) {
    let url = support::ws::start();
    run_form(
        form,
        |_| {},
        move |app, _| {
            let js = format!(
                r#"new Promise(function (resolve) {{
  var seen = [];
  var task = wx.connectSocket({{ url: {url:?}, header: {{ 'x-token': 'kka' }} }});
  task.onOpen(function (res) {{ seen.push('open ' + (typeof res.header)); task.send({{ data: 'hi' }}); }});
  task.onMessage(function (m) {{
    if (typeof m.data === 'string') {{
      seen.push(m.data);
      if (m.data === 'HI') task.send({{ data: new Uint8Array([1, 2, 3]).buffer }});
    }} else {{
      seen.push(Array.from(new Uint8Array(m.data)).join(','));
      task.close({{ code: 4000, reason: 'bye' }});
    }}
  }});
  task.onClose(function (c) {{
    seen.push('close ' + c.code + ' ' + c.reason);
    var broken = wx.connectSocket({{ url: 'ws://127.0.0.1:1/' }});
    broken.onError(function (e) {{ seen.push('error ' + /Connection refused/.test(e.errMsg)); }});
    broken.onClose(function (c) {{
      seen.push('closed ' + c.code);
      wx.onSocketMessage(function (m) {{ seen.push('global ' + m.data); wx.closeSocket(); }});
      wx.onSocketClose(function () {{ resolve(seen); }});
      wx.connectSocket({{ url: {url:?} }});
    }});
  }});
}})"#
            );
            assert_eq!(
                app.eval(&js)?,
                json!([
                    "open object",
                    "welcome kka",
                    "HI",
                    "3,2,1",
                    "close 4000 bye",
                    "error true",
                    "closed 1006",
                    "global welcome "
                ]),
                "{form:?}"
            );
            Ok(())
        },
    );
}

fn web_socket_on_both_forms() {
    web_socket(Form::Wxml);
    web_socket(Form::Html);
}

/// `wx.cloud` on both page kinds: answered by mock rules of its names (a function, a
/// collection's query chain), and without a rule a clear failure naming the rule to add.
fn wx_cloud(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, _| {
            let asked = Arc::new(Mutex::new(Vec::new()));
            app.mock_api("cloud.callFunction login", |call: MiniApiCall| async move {
                Ok(json!({"openid": "o-1", "echo": call.data()["data"]["x"]}))
            });
            let seen = asked.clone();
            app.mock_api("cloud.database goods", move |call: MiniApiCall| {
                seen.lock().unwrap().push(call.data().clone());
                async { Ok(json!({"data": [{"_id": "a", "n": 1}, {"_id": "b", "n": 2}]})) }
            });
            let answer = app.eval(
                r#"(async function () {
  wx.cloud.init({ env: 'test-env', traceUser: true });
  var fn = await wx.cloud.callFunction({ name: 'login', data: { x: 7 } });
  var db = wx.cloud.database(), _ = db.command;
  var list = await db.collection('goods').where({ n: _.gt(0) }).orderBy('n', 'desc').skip(0).limit(10).get();
  var one = await db.collection('goods').doc('b').get();
  var count = await db.collection('goods').count();
  var none = await new Promise(function (r) { wx.cloud.callFunction({ name: 'pay', fail: function (e) { r(e.errMsg); } }); });
  var table = await db.collection('orders').get().catch(function (e) { return e.errMsg; });
  return { fn: [fn.result, fn.errMsg], list: list.data.length, one: one.data.n, count: count.total, none: none, table: table };
})()"#,
            )?;
            assert_eq!(
                answer,
                json!({"fn": [{"openid": "o-1", "echo": 7}, "cloud.callFunction:ok"], "list": 2, "one": 2, "count": 2,
                    "none": "cloud.callFunction:fail wx.cloud needs WeChat's cloud: answer it with --mock \"cloud.callFunction pay\"",
                    "table": "cloud.database.get:fail wx.cloud needs WeChat's cloud: answer it with --mock \"cloud.database orders\""}),
                "{form:?}"
            );
            let first = asked.lock().unwrap()[0].clone();
            assert_eq!(
                (first["op"].clone(), first["where"].clone(), first["orderBy"].clone(), first["limit"].clone()),
                (json!("get"), json!({"n": {"$gt": 0}}), json!([["n", "desc"]]), json!(10)),
                "{form:?}: the rule sees the query"
            );
            Ok(())
        },
    );
}

fn wx_cloud_on_both_forms() {
    wx_cloud(Form::Wxml);
    wx_cloud(Form::Html);
}

/// The tab bar APIs on both page kinds: a badge and a red dot on the shell's tab bar, a
/// tab's new text, the bar hidden and shown again; a tab that is not there fails.
fn tab_bar_badges(form: Form) {
    run_form(
        form,
        |_| {},
        move |app, _| {
            let chrome = |app: &testing::App| -> Result<Value, Failed> {
                Ok(app.eval("wx.invokeNativePlugin({ api_name: '__chrome' })")?["tabBar"].clone())
            };
            let answers = app.eval(
                r#"(async function () {
  await wx.setTabBarBadge({ index: 1, text: '3' });
  await wx.showTabBarRedDot({ index: 0 });
  await wx.setTabBarItem({ index: 0, text: 'Start' });
  var missing = await wx.setTabBarBadge({ index: 5, text: '1' }).catch(function (e) { return e.errMsg; });
  return missing;
})()"#,
            )?;
            assert_eq!(answers, json!("setTabBarBadge:fail tabbar item not found: index 5 of 2 tabs"), "{form:?}");
            let bar = chrome(app)?;
            assert_eq!(
                (bar["items"].clone(), bar["badges"].clone()),
                (json!(["Start", "Two"]), json!(["•", "3"])),
                "{form:?}"
            );
            app.eval("wx.removeTabBarBadge({ index: 1 }).then(function () { return wx.hideTabBar(); })")?;
            assert_eq!(chrome(app)?, Value::Null, "{form:?}: hidden");
            app.eval("wx.showTabBar()")?;
            assert_eq!(chrome(app)?["badges"], json!(["•", null]), "{form:?}: shown again");
            Ok(())
        },
    );
}

fn tab_bar_badges_on_both_forms() {
    tab_bar_badges(Form::Wxml);
    tab_bar_badges(Form::Html);
}

/// Components before `onLoad` (WXML: HTML pages have none): a page's first tree, its
/// components (nested ones too) created and attached, then the page's `onLoad`, which
/// finds them, and the rest in [`FIRST_TREE_ORDER`]'s order.
fn components_attach_before_on_load() {
    use superapp_shell::core::lifecycle::FIRST_TREE_ORDER;
    let log = |who: &str, what: &str| {
        format!("wx.invokeNativePlugin({{ api_name: '__hook', sync: true, data: {{ line: '{who} ' + {what} }} }})")
    };
    let probe_js = format!(
        "Component({{ properties: {{ name: String }}, lifetimes: {{\n\
         created() {{ {c} }}, attached() {{ {a}; getApp().lib = this.data.name }}, ready() {{ {r} }} }},\n\
         pageLifetimes: {{ show() {{ {s} }} }} }})",
        c = log("component", "'created ' + this.is"),
        a = log("component", "'attached ' + this.data.name"),
        r = log("component", "'ready ' + this.data.name"),
        s = log("component", "'pageLifetimes.show ' + this.data.name"),
    );
    let page_js = format!(
        "Page({{ onLoad() {{ var found = this.selectComponent('#outer'); {l} }},\n\
         onShow() {{ {s} }}, onReady() {{ {r} }} }})",
        l = log("page", "'onLoad found=' + (found && found.data.name) + ' lib=' + getApp().lib"),
        s = log("page", "'onShow'"),
        r = log("page", "'onReady'"),
    );
    run_form(
        Form::Wxml,
        move |dir| {
            write_files(
                dir,
                &[
                    ("pages/a/a.json", r#"{"usingComponents": {"probe": "/components/probe/probe"}}"#),
                    ("pages/a/a.wxml", r#"<probe id="outer" name="outer"/>"#),
                    ("pages/a/a.js", &page_js),
                    (
                        "components/probe/probe.json",
                        r#"{"component": true, "usingComponents": {"leaf": "../leaf/leaf"}}"#,
                    ),
                    ("components/probe/probe.wxml", r#"<leaf name="inner"/>"#),
                    ("components/probe/probe.js", &probe_js),
                    ("components/leaf/leaf.json", r#"{"component": true}"#),
                    ("components/leaf/leaf.wxml", "<view>leaf</view>"),
                    ("components/leaf/leaf.js", &probe_js),
                ],
            )
        },
        |app, seen| {
            wait_for_lines(seen, 4);
            take(seen);
            app.navigate_to("/pages/a/a")?;
            wait_for_lines(seen, 11);
            let lines = take(seen);
            let kinds: Vec<String> = lines
                .iter()
                .filter(|l| !l.starts_with("pages/home"))
                .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
                .collect();
            // Every step of the order comes, in its place; each component goes through the
            // steps in order (a nested one is created and attached after its outer one).
            let rank = |kind: &str| {
                let at = FIRST_TREE_ORDER.iter().position(|step| *step == kind).expect(kind);
                if at == 1 {
                    0
                } else {
                    at
                }
            };
            let ranks: Vec<usize> = kinds.iter().map(|k| rank(k)).collect();
            assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
            let mut steps = kinds.clone();
            steps.sort_by_key(|k| FIRST_TREE_ORDER.iter().position(|step| step == k));
            steps.dedup();
            assert_eq!(steps, FIRST_TREE_ORDER, "{lines:?}");
            for name in ["outer", "inner"] {
                let own: Vec<&str> = lines
                    .iter()
                    .filter(|l| l.ends_with(&format!(" {name}")))
                    .map(|l| l.split(' ').nth(1).unwrap())
                    .collect();
                assert_eq!(own, ["attached", "pageLifetimes.show", "ready"], "{name}: {lines:?}");
            }
            assert!(
                lines.contains(&"page onLoad found=outer lib=inner".to_string()),
                "onLoad finds the components, attached (inner last): {lines:?}"
            );
            assert_eq!(kinds.iter().filter(|k| *k == "component ready").count(), 2, "{lines:?}");
            Ok(())
        },
    );
}

fn main() -> ExitCode {
    support::harness::main(&[
        ("routing_table_on_wxml_pages", routing_table_on_wxml_pages),
        ("routing_table_on_html_pages", routing_table_on_html_pages),
        ("tab_pages_keep_their_data_on_both_forms", tab_pages_keep_their_data_on_both_forms),
        ("event_channel_both_ways_on_both_forms", event_channel_both_ways_on_both_forms),
        ("a_query_right_after_a_tap_navigation_on_both_forms", a_query_right_after_a_tap_navigation_on_both_forms),
        ("a_page_that_fails_to_load_says_so_on_both_forms", a_page_that_fails_to_load_says_so_on_both_forms),
        ("wx_has_every_function_on_both_forms", wx_has_every_function_on_both_forms),
        ("page_scroll_to_on_both_forms", page_scroll_to_on_both_forms),
        ("a_subpackage_page_on_both_forms", a_subpackage_page_on_both_forms),
        ("a_custom_navigation_style_on_both_forms", a_custom_navigation_style_on_both_forms),
        ("a_modal_goes_with_its_page_on_both_forms", a_modal_goes_with_its_page_on_both_forms),
        ("the_dark_theme_on_both_forms", the_dark_theme_on_both_forms),
        ("selector_query_on_both_forms", selector_query_on_both_forms),
        ("wx_request_on_both_forms", wx_request_on_both_forms),
        ("intersection_observer_on_both_forms", intersection_observer_on_both_forms),
        ("action_sheet_on_both_forms", action_sheet_on_both_forms),
        ("worker_on_both_forms", worker_on_both_forms),
        ("inner_audio_on_both_forms", inner_audio_on_both_forms),
        ("video_context_on_both_forms", video_context_on_both_forms),
        ("canvas_on_both_forms", canvas_on_both_forms),
        ("files_on_both_forms", files_on_both_forms),
        ("resize_on_both_forms", resize_on_both_forms),
        ("components_attach_before_on_load", components_attach_before_on_load),
        ("everyday_apis_on_both_forms", everyday_apis_on_both_forms),
        ("web_socket_on_both_forms", web_socket_on_both_forms),
        ("wx_cloud_on_both_forms", wx_cloud_on_both_forms),
        ("tab_bar_badges_on_both_forms", tab_bar_badges_on_both_forms),
    ])
}
