//! End-to-end tests of the mini program runtime: a stack of page webviews in one window,
//! WeChat's routing rules and lifecycle order, the chrome, storage, extApi and system
//! APIs. The real shell runs headless; every test runs on the main thread (see
//! `tests/support/harness.rs`).

mod support;

use std::collections::VecDeque;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use superapp_shell::{ApiResult, MiniApiCall, RunOptions, Shell, ShellBuilder};
use support::write_files;

const PAGES_JS: &str = include_str!("support/pages.js");

/// What a scripted run saw.
#[derive(Default)]
struct Seen {
    /// Lifecycle hooks in the order pages ran them: "route#id hook arg".
    lifecycle: Vec<String>,
    /// The result of every step, in step order.
    results: Vec<Value>,
}

fn page_html(title: &str) -> String {
    format!("<!doctype html><html><head><meta charset=\"utf-8\"></head><body><h1>{title}</h1><script src=\"/common/pages.js\"></script></body></html>")
}

/// A five-page mini program with a two-tab bar: home and tab2 are tabs.
fn routing_app(dir: &Path, app_id: &str) {
    let app_json = json!({
        "pages": ["pages/home/home", "pages/tab2/tab2", "pages/a/a", "pages/b/b", "pages/detail/detail"],
        "window": {"navigationBarTitleText": "Routing", "navigationBarBackgroundColor": "#07c160", "navigationBarTextStyle": "white"},
        "tabBar": {"color": "#7a7e83", "selectedColor": "#07c160", "backgroundColor": "#ffffff",
                   "list": [{"pagePath": "pages/home/home", "text": "Home"}, {"pagePath": "pages/tab2/tab2", "text": "Two"}]},
        "extApi": [{"name": "scanCard"}, {"name": "readBadge", "sync": true}]
    });
    let config = json!({"appid": app_id, "projectname": "Routing"});
    write_files(
        dir,
        &[
            ("app.json", &app_json.to_string()),
            ("project.config.json", &config.to_string()),
            ("common/pages.js", PAGES_JS),
            ("pages/home/home.html", &page_html("home")),
            ("pages/tab2/tab2.html", &page_html("tab2")),
            ("pages/a/a.html", &page_html("a")),
            ("pages/a/a.json", r##"{"navigationBarTitleText": "Page A", "navigationBarBackgroundColor": "#1677ff"}"##),
            ("pages/b/b.html", &page_html("b")),
            ("pages/detail/detail.html", &page_html("detail")),
            (
                "app.js",
                "App({ globalData: { launches: 0 }, onLaunch: function (o) { this.globalData.launches++; this.globalData.launchPath = o.path; wx.invokeNativePlugin({ sync: true, api_name: '__lifecycle', data: { hook: 'App.onLaunch', route: o.path, id: 0, arg: null } }); }, onShow: function () { wx.invokeNativePlugin({ sync: true, api_name: '__lifecycle', data: { hook: 'App.onShow', route: '', id: 0, arg: null } }); }, onHide: function () { wx.invokeNativePlugin({ sync: true, api_name: '__lifecycle', data: { hook: 'App.onHide', route: '', id: 0, arg: null } }); } });",
            ),
        ],
    );
}

/// Runs `steps` (each `{api, args, navigates}` or `{eval}`) through the pages; `extra`
/// registers more handlers.
fn run_steps(dir: &Path, data_dir: &Path, steps: Vec<Value>, extra: impl FnOnce(ShellBuilder) -> ShellBuilder) -> Seen {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let queue = Arc::new(Mutex::new(steps.into_iter().enumerate().collect::<VecDeque<_>>()));
    let (log, results) = (seen.clone(), seen.clone());
    let builder = extra(Shell::builder())
        .register("__lifecycle", move |call: MiniApiCall| {
            let log = log.clone();
            async move {
                let d = call.data();
                let hook = d["hook"].as_str().unwrap_or_default();
                let slow = SLOW_HOOK_MS.load(std::sync::atomic::Ordering::SeqCst);
                if slow > 0 && matches!(hook, "onHide" | "onUnload") {
                    tokio::time::sleep(Duration::from_millis(slow)).await;
                }
                let mut line = format!("{}#{} {hook}", d["route"].as_str().unwrap_or_default(), d["id"]);
                if !d["arg"].is_null() {
                    line.push_str(&format!(" {}", d["arg"]));
                }
                log.lock().unwrap().lifecycle.push(line);
                Ok(())
            }
        })
        .register("__next", move |_call: MiniApiCall| {
            let queue = queue.clone();
            async move {
                let next = queue.lock().unwrap().pop_front();
                Ok(match next {
                    Some((index, mut step)) => {
                        step["index"] = json!(index);
                        json!({ "step": step })
                    }
                    None => json!({ "step": null }),
                }
                .as_object()
                .cloned())
            }
        })
        .register("__result", move |call: MiniApiCall| {
            let results = results.clone();
            async move {
                results.lock().unwrap().results.push(call.params.data);
                Ok(())
            }
        });
    let outcome = support::run_with_data(builder, dir, RunOptions::default(), data_dir);
    assert_eq!(outcome.exit_code, 0);
    let mut seen = std::mem::take(&mut *seen.lock().unwrap());
    seen.results.sort_by_key(|r| r["step"]["index"].as_u64());
    seen
}

fn step(api: &str, args: Value, navigates: bool) -> Value {
    json!({"api": api, "args": args, "navigates": navigates})
}

fn eval(code: &str) -> Value {
    json!({"eval": code})
}

fn err_msg(result: &Value) -> &str {
    result["res"]["errMsg"].as_str().unwrap_or_default()
}

fn routes(result: &Value) -> Vec<String> {
    result["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}#{}", p["route"].as_str().unwrap(), p["webViewId"]))
        .collect()
}

/// How long the `__lifecycle` handler holds the onHide and onUnload hooks (each a sync
/// call, so the page is busy in its hook that long). Zero except in the slow-hooks test.
static SLOW_HOOK_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn routing_follows_wechat_rules_and_lifecycle_order() {
    SLOW_HOOK_MS.store(0, std::sync::atomic::Ordering::SeqCst);
    routing_and_lifecycle_order();
}

/// The same routes with every onHide and onUnload taking 250 ms: the next page's onLoad
/// still waits for them, on every route.
fn lifecycle_order_holds_with_slow_hooks() {
    SLOW_HOOK_MS.store(250, std::sync::atomic::Ordering::SeqCst);
    routing_and_lifecycle_order();
    SLOW_HOOK_MS.store(0, std::sync::atomic::Ordering::SeqCst);
}

fn routing_and_lifecycle_order() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxrouting");
    let steps = vec![
        eval("JSON.stringify(getApp().globalData)"),
        step("navigateTo", json!({"url": "/pages/a/a?id=7&name=x%20y"}), true),
        step("navigateTo", json!({"url": "../b/b"}), true),
        step("navigateTo", json!({"url": "/pages/tab2/tab2"}), true),
        step("navigateTo", json!({"url": "/pages/nope/nope"}), true),
        step("redirectTo", json!({"url": "/pages/detail/detail?from=redirect"}), true),
        step("redirectTo", json!({"url": "/pages/home/home"}), true),
        step("navigateBack", json!({"delta": 1}), true),
        step("navigateBack", json!({"delta": 5}), true),
        step("navigateBack", json!({}), true),
        step("switchTab", json!({"url": "/pages/tab2/tab2"}), true),
        step("navigateTo", json!({"url": "/pages/a/a"}), true),
        step("switchTab", json!({"url": "/pages/home/home"}), true),
        step("switchTab", json!({"url": "/pages/tab2/tab2?x=1"}), true),
        step("switchTab", json!({"url": "/pages/a/a"}), true),
        step("reLaunch", json!({"url": "/pages/detail/detail?from=relaunch"}), true),
        eval("JSON.stringify({ app: getApp().globalData, pages: getCurrentPages() })"),
    ];
    let data = tempfile::tempdir().unwrap();
    let seen = run_steps(tmp.path(), data.path(), steps, |b| b);
    assert_eq!(seen.results.len(), 17, "{:#?}", seen.results);
    // App.onLaunch ran in the first page's App instance.
    assert_eq!(seen.results[0]["value"], json!(r#"{"launches":1,"launchPath":"pages/home/home"}"#));
    let r = &seen.results[1..];
    let expected_errors = [
        (0, "navigateTo:ok"),
        (1, "navigateTo:ok"),
        (2, "navigateTo:fail can not navigateTo a tabbar page"),
        (3, "navigateTo:fail page \"pages/nope/nope\" is not found"),
        (4, "redirectTo:ok"),
        (5, "redirectTo:fail can not redirectTo a tabbar page"),
        (6, "navigateBack:ok"),
        (7, "navigateBack:ok"),
        (8, "navigateBack:fail cannot navigate back at first page."),
        (9, "switchTab:ok"),
        (10, "navigateTo:ok"),
        (11, "switchTab:ok"),
        (12, "switchTab:fail url cannot have a query: \"/pages/tab2/tab2?x=1\""),
        (13, "switchTab:fail can not switch to no-tabBar page"),
        (14, "reLaunch:ok"),
    ];
    for (i, errmsg) in expected_errors {
        assert_eq!(err_msg(&r[i]), errmsg, "step {i}: {}", r[i]);
    }
    // getCurrentPages() as the page that made each failing call saw it.
    assert_eq!(routes(&r[2]), ["pages/home/home#1", "pages/a/a#2", "pages/b/b#3"]);
    assert_eq!(routes(&r[5]), ["pages/home/home#1", "pages/a/a#2", "pages/detail/detail#4"]);
    assert_eq!(routes(&r[8]), ["pages/home/home#1"]);
    assert_eq!(routes(&r[13]), ["pages/home/home#1"]);
    assert_eq!(r[2]["pages"][1]["options"], json!({"id": "7", "name": "x y"}));
    assert_eq!(
        serde_json::from_str::<Value>(r[15]["value"].as_str().unwrap()).unwrap(),
        // Each page has its own App instance: onLaunch ran in the first page only. The
        // page's own entry is its page object (with its data).
        json!({"app": {"launches": 0},
               "pages": [{"route": "pages/detail/detail", "options": {"from": "relaunch"}, "webViewId": 7, "data": {}}]})
    );
    let order: Vec<&str> = seen.lifecycle.iter().map(String::as_str).filter(|l| !l.ends_with("onReady")).collect();
    assert_eq!(
        order,
        [
            "pages/home/home#0 App.onLaunch",
            "#0 App.onShow",
            "pages/home/home#1 onLoad {}",
            "pages/home/home#1 onShow",
            // navigateTo a: the old page hides, the new one loads with its query
            "pages/home/home#1 onHide",
            "pages/a/a#2 onLoad {\"id\":\"7\",\"name\":\"x y\"}",
            "pages/a/a#2 onShow",
            "pages/a/a#2 onHide",
            "pages/b/b#3 onLoad {}",
            "pages/b/b#3 onShow",
            // redirectTo: the old page unloads first
            "pages/b/b#3 onUnload",
            "pages/detail/detail#4 onLoad {\"from\":\"redirect\"}",
            "pages/detail/detail#4 onShow",
            // navigateBack: popped pages unload, the revealed one shows
            "pages/detail/detail#4 onUnload",
            "pages/a/a#2 onShow",
            "pages/a/a#2 onUnload",
            "pages/home/home#1 onShow",
            // switchTab to a new tab: the old tab hides, the new one loads
            "pages/home/home#1 onHide",
            "pages/tab2/tab2#5 onLoad {}",
            "pages/tab2/tab2#5 onShow",
            "pages/tab2/tab2#5 onHide",
            "pages/a/a#6 onLoad {}",
            "pages/a/a#6 onShow",
            // switchTab back to a live tab: non-tab pages unload, home shows without onLoad
            "pages/a/a#6 onUnload",
            "pages/home/home#1 onShow",
            // reLaunch: everything unloads, including the tab kept alive
            "pages/home/home#1 onUnload",
            "pages/tab2/tab2#5 onUnload",
            "pages/detail/detail#7 onLoad {\"from\":\"relaunch\"}",
            "pages/detail/detail#7 onShow",
        ]
    );
    // onReady comes once after the first render, before onUnload (the test pages act only
    // after onReady, so each of them renders).
    for id in 1..=7 {
        let ready = positions(&seen.lifecycle, &format!("#{id} onReady"));
        let unload = positions(&seen.lifecycle, &format!("#{id} onUnload"));
        assert_eq!(ready.len(), 1, "page {id} onReady in {:?}", seen.lifecycle);
        if let Some(unload) = unload.first() {
            assert!(ready[0] < *unload, "page {id} got onReady after onUnload: {:?}", seen.lifecycle);
        }
    }
}

fn positions(log: &[String], needle: &str) -> Vec<usize> {
    log.iter()
        .enumerate()
        .filter(|(_, l)| l.ends_with(needle) || l.contains(&format!("{needle} ")))
        .map(|(i, _)| i)
        .collect()
}

fn the_stack_holds_at_most_ten_pages() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxten");
    let mut steps: Vec<Value> = (0..9).map(|_| step("navigateTo", json!({"url": "/pages/a/a"}), true)).collect();
    steps.push(step("navigateTo", json!({"url": "/pages/b/b"}), true));
    steps.push(eval("window.__superapp.config.webviewId"));
    let data = tempfile::tempdir().unwrap();
    let seen = run_steps(tmp.path(), data.path(), steps, |b| b);
    let r = &seen.results;
    assert!(r[..9].iter().all(|x| err_msg(x) == "navigateTo:ok"), "{r:#?}");
    assert_eq!(err_msg(&r[9]), "navigateTo:fail webview count limit exceed");
    assert_eq!(r[9]["pages"].as_array().unwrap().len(), 10);
    assert_eq!(r[10]["value"], json!(10));
}

/// A closed HTML page's webview is released: after five trips to a page and back, no more
/// webviews are alive than before the first (the `live` handler waits up to 3 s for that).
fn closed_html_pages_release_their_webviews() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxrelease");
    let live = || eval("wx.invokeNativePlugin({ api_name: 'live' }).then(function (r) { return r.live; })");
    let mut steps = vec![live()];
    for _ in 0..5 {
        steps.push(step("navigateTo", json!({"url": "/pages/a/a"}), true));
        steps.push(step("navigateBack", json!({}), true));
    }
    steps.push(live());
    let data = tempfile::tempdir().unwrap();
    let first = Arc::new(Mutex::new(None::<usize>));
    let seen = run_steps(tmp.path(), data.path(), steps, move |b| {
        b.register("live", move |_call: MiniApiCall| {
            let first = first.clone();
            async move {
                let deadline = std::time::Instant::now() + Duration::from_secs(3);
                let limit = *first.lock().unwrap();
                let mut n = superapp_shell::shell::live_webviews();
                while limit.is_some_and(|limit| n > limit) && std::time::Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    n = superapp_shell::shell::live_webviews();
                }
                first.lock().unwrap().get_or_insert(n);
                Ok(json!({ "live": n }))
            }
        })
    });
    let r = &seen.results;
    assert!(r[1..11].iter().all(|x| err_msg(x).ends_with(":ok")), "{r:#?}");
    let (before, after) = (r[0]["value"].as_u64().unwrap(), r[11]["value"].as_u64().unwrap());
    assert!(before >= 1, "the home page at least: {before}");
    assert!(after <= before, "closed pages were not released: {before} webviews before, {after} after");
}

fn runs_one_after_another_share_a_web_context() {
    // Two builds of one mini program, run one after the other with one data directory:
    // the second run serves its own files, and leaves no second network process behind
    // (WebKit never ends a context's network process, so the shell keeps one per directory).
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    routing_app(first.path(), "wxreuse");
    routing_app(second.path(), "wxreuse");
    write_files(second.path(), &[("pages/home/home.html", &page_html("home, second build"))]);
    let data = tempfile::tempdir().unwrap();
    let title = || vec![eval("document.querySelector('h1').textContent")];
    let seen = run_steps(first.path(), data.path(), title(), |b| b);
    assert_eq!(seen.results[0]["value"], json!("home"));
    let after_first = support::webkit_processes("WebKitNetwork");
    assert!(after_first >= 1, "the first run started a network process");
    let seen = run_steps(second.path(), data.path(), title(), |b| b);
    assert_eq!(seen.results[0]["value"], json!("home, second build"));
    assert_eq!(
        support::webkit_processes("WebKitNetwork"),
        after_first,
        "the second run reused the first one's network process"
    );
}

fn storage_keeps_types_and_survives_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxstore");
    let data = tempfile::tempdir().unwrap();
    let write = eval(
        r#"(async function () {
          wx.setStorageSync('s', 'text');
          wx.setStorageSync('n', 42.5);
          wx.setStorageSync('b', false);
          wx.setStorageSync('nul', null);
          wx.setStorageSync('d', new Date(Date.UTC(2024, 1, 29, 12, 30)));
          wx.setStorageSync('arr', [1, 'two', { three: 3 }]);
          await wx.setStorage({ key: 'obj', data: { nested: { ok: true }, list: [] } });
          wx.setStorageSync('gone', 1);
          wx.removeStorageSync('gone');
          return wx.getStorageInfoSync();
        })()"#,
    );
    let seen = run_steps(tmp.path(), data.path(), vec![write], |b| b);
    assert_eq!(
        seen.results[0]["value"],
        json!({"keys": ["arr", "b", "d", "n", "nul", "obj", "s"], "currentSize": 1, "limitSize": 10240})
    );
    assert!(data.path().join("wxstore/storage").is_dir());
    // A second run of the shell, same data directory: every value is back with its type.
    let read = eval(
        r#"(async function () {
          var d = wx.getStorageSync('d');
          var obj = await wx.getStorage({ key: 'obj' });
          var missing;
          try { await wx.getStorage({ key: 'gone' }); } catch (e) { missing = e.errMsg; }
          return {
            s: wx.getStorageSync('s'), n: wx.getStorageSync('n'), b: wx.getStorageSync('b'),
            nul: wx.getStorageSync('nul'), isDate: d instanceof Date, d: d.toISOString(),
            arr: wx.getStorageSync('arr'), obj: obj, missingAsync: missing,
            missingSync: wx.getStorageSync('gone')
          };
        })()"#,
    );
    let seen = run_steps(tmp.path(), data.path(), vec![read], |b| b);
    assert_eq!(
        seen.results[0]["value"],
        json!({"s": "text", "n": 42.5, "b": false, "nul": null, "isDate": true, "d": "2024-02-29T12:30:00.000Z",
               "arr": [1, "two", {"three": 3}], "obj": {"data": {"nested": {"ok": true}, "list": []}, "errMsg": "getStorage:ok"},
               "missingAsync": "getStorage:fail data not found", "missingSync": ""})
    );
    // Web storage is kept per mini program too (each has its own web context data),
    // though every package is served from the same origin. (WebKit keeps no cookies
    // for a custom scheme, so there are none to share.)
    let web = "localStorage.setItem('who', __SUPERAPP_CONFIG__.appId); localStorage.getItem('who')";
    let seen = run_steps(tmp.path(), data.path(), vec![eval(web)], |b| b);
    assert_eq!(seen.results[0]["value"], json!("wxstore"));
    // Another mini program with the same data directory sees none of it.
    let other = tempfile::tempdir().unwrap();
    routing_app(other.path(), "wxother");
    let probe =
        "wx.getStorageInfoSync().keys.length + ':' + JSON.stringify(wx.getStorageSync('s')) + ':' + localStorage.getItem('who')";
    let seen = run_steps(other.path(), data.path(), vec![eval(probe)], |b| b);
    assert_eq!(seen.results[0]["value"], json!("0:\"\":null"));
    // While the mini program itself finds its own again in a later run.
    let seen = run_steps(tmp.path(), data.path(), vec![eval(probe)], |b| b);
    assert_eq!(seen.results[0]["value"], json!("7:\"text\":wxstore"));
}

fn storage_limits_fail_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxlimits");
    let data = tempfile::tempdir().unwrap();
    let code = r#"(async function () {
      var out = {};
      var almost = 'x'.repeat(1024 * 1024 - 2);
      try { wx.setStorageSync('big', almost + 'xxxx'); } catch (e) { out.item = e.message; }
      for (var i = 0; i < 10; i++) wx.setStorageSync('k' + i, almost);
      try { await wx.setStorage({ key: 'k10', data: 'more' }); } catch (e) { out.total = e.errMsg; }
      try { wx.setStorageSync('f', function () {}); } catch (e) { out.fn = e.errMsg; }
      out.fnAsync = await wx.setStorage({ key: 'f', data: Symbol('x') }).catch(function (e) { return e.errMsg; });
      out.info = wx.getStorageInfoSync().currentSize;
      wx.clearStorageSync();
      out.cleared = wx.getStorageInfoSync().keys.length;
      // Any key works (a long one once failed: the key was the file name), and keys that
      // differ only by case or Unicode normalisation stay apart.
      var keys = ['L'.repeat(300), 'Key', 'key', 'caf\u00e9', 'cafe\u0301'];
      keys.forEach(function (k, i) { wx.setStorageSync(k, i); });
      out.keys = keys.map(function (k) { return wx.getStorageSync(k); });
      out.keyCount = wx.getStorageInfoSync().keys.length;
      return out;
    })()"#;
    let seen = run_steps(tmp.path(), data.path(), vec![eval(code)], |b| b);
    assert_eq!(
        seen.results[0]["value"],
        json!({
            "item": "setStorageSync:fail exceed storage item max length: 1048581 bytes, limit 1048576 bytes (1 MB)",
            "total": "setStorage:fail exceed storage max size: 10485767 bytes, limit 10485760 bytes (10 MB)",
            "fn": "setStorageSync:fail a function cannot be stored",
            "fnAsync": "setStorage:fail a symbol cannot be stored",
            "info": 10240,
            "cleared": 0,
            "keys": [0, 1, 2, 3, 4],
            "keyCount": 5,
        })
    );
}

async fn scan_card(call: MiniApiCall) -> ApiResult<serde_json::Value> {
    Ok(json!({"card": call.data()["kind"], "apiName": call.api_name}))
}

fn ext_api_calls_registered_handlers_directly() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxext");
    let data = tempfile::tempdir().unwrap();
    let code = r#"(async function () {
      var viaCallback = await new Promise(function (resolve) {
        wx.scanCard({ kind: 'visa', success: resolve, fail: resolve });
      });
      var viaPromise = await wx.scanCard({ kind: 'amex' });
      var direct = wx.readBadge({ door: 3 });
      var unregistered;
      try { wx.readBadge2 ? 0 : 0; await wx.scanCard({ kind: 'boom' }); } catch (e) { unregistered = e.errMsg; }
      return { viaCallback: viaCallback, viaPromise: viaPromise, direct: direct, failed: unregistered,
               notDeclared: typeof wx.notDeclared };
    })()"#;
    let seen = run_steps(tmp.path(), data.path(), vec![eval(code)], |b| {
        b.register("scanCard", |call: MiniApiCall| async move {
            if call.data()["kind"] == "boom" {
                return Err(superapp_shell::ApiError::new("card reader jammed"));
            }
            scan_card(call).await
        })
        .register("readBadge", |call: MiniApiCall| async move {
            Ok(json!({"door": call.data()["door"], "open": true}))
        })
    });
    assert_eq!(
        seen.results[0]["value"],
        json!({
            "viaCallback": {"card": "visa", "apiName": "scanCard", "errMsg": "scanCard:ok"},
            "viaPromise": {"card": "amex", "apiName": "scanCard", "errMsg": "scanCard:ok"},
            "direct": {"door": 3, "open": true, "errMsg": "readBadge:ok"},
            "failed": "scanCard:fail card reader jammed",
            "notDeclared": "undefined",
        })
    );
}

/// Steps that read the chrome back through the host: `__chrome` answers
/// `Host::chrome_state()`, `__press` presses a control, `__shot` takes a screenshot.
fn with_chrome_probes(builder: ShellBuilder, shots: &Path) -> ShellBuilder {
    let shots = shots.to_path_buf();
    support::with_chrome_controls(builder).register("__shot", move |call: MiniApiCall| {
        let path = shots.join(format!("{}.png", call.data().as_str().unwrap_or("shot")));
        async move {
            call.host().screenshot(&path).await.map_err(superapp_shell::ApiError::new)?;
            Ok(())
        }
    })
}

fn chrome() -> Value {
    eval("wx.invokeNativePlugin({ api_name: '__chrome' })")
}

/// JS: `untilChrome(test)` reads `__chrome` every 20 ms until `test(state)` holds or
/// 5 s pass, and resolves with the last state read (the test's asserts judge it).
const UNTIL_CHROME: &str = "function untilChrome(test) { var end = Date.now() + 5000; return (function poll() { \
    return wx.invokeNativePlugin({ api_name: '__chrome' }).then(function (s) { \
    return test(s) || Date.now() > end ? s : new Promise(function (r) { setTimeout(r, 20); }).then(poll); }); })(); }";

/// An eval step whose script may call `untilChrome`.
fn eval_until_chrome(script: &str) -> Value {
    eval(&format!("(function () {{ {UNTIL_CHROME} {script} }})()"))
}

fn press(control: &str) -> Value {
    json!({"eval": format!("wx.invokeNativePlugin({{ api_name: '__press', data: '{control}' }})"), "navigates": true})
}

fn the_chrome_shows_titles_bars_toasts_and_modals() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxchrome");
    let data = tempfile::tempdir().unwrap();
    let shots = tempfile::tempdir().unwrap();
    let steps = vec![
        chrome(),                                                                  // 0: home, a tab page
        step("navigateTo", json!({"url": "/pages/a/a"}), true),                    // 1
        chrome(),                                                                  // 2: a, own .json title
        step("setNavigationBarTitle", json!({"title": "Set by the page"}), false), // 3
        step("setNavigationBarColor", json!({"frontColor": "#000000", "backgroundColor": "#ff0000"}), false), // 4
        step("setNavigationBarColor", json!({"frontColor": "#123456", "backgroundColor": "#ff0000"}), false), // 5
        chrome(),                                                                  // 6
        eval("wx.invokeNativePlugin({ api_name: '__shot', data: 'titled' })"),     // 7
        step("showToast", json!({"title": "Saved", "icon": "success", "duration": 60000}), false), // 8
        chrome(),                                                                  // 9
        step("showLoading", json!({"title": "Loading", "mask": true}), false),     // 10
        chrome(),                                                                  // 11
        step("hideLoading", json!({}), false),                                     // 12
        step("showToast", json!({"title": "Brief", "icon": "none", "duration": 100}), false), // 13
        eval_until_chrome("return untilChrome(function (s) { return !s.toast; });"), // 14
        chrome(),                                                                  // 15: the brief toast is gone
        eval_until_chrome(
            r#"var answer = wx.showModal({ title: 'Delete?', content: 'This cannot be undone', confirmText: 'Delete' });
            return untilChrome(function (s) { return s.modal; }).then(function (state) {
              wx.invokeNativePlugin({ api_name: '__press', data: 'modal:confirm' });
              return answer.then(function (res) { return { state: state.modal, res: res }; });
            });"#,
        ), // 16
        eval_until_chrome(
            r#"var answer = wx.showModal({ title: 'Again', showCancel: true });
            return untilChrome(function (s) { return s.modal; }).then(function () {
              wx.invokeNativePlugin({ api_name: '__press', data: 'modal:cancel' });
              return answer;
            });"#,
        ), // 17
        press("back"),                                                             // 18: back to home
        chrome(),                                                                  // 19
        press("tab:1"),                                                            // 20: tap tab "Two"
        chrome(),                                                                  // 21
        eval("JSON.stringify(wx.getWindowInfo())"),                                // 22
        eval("JSON.stringify(wx.getSystemInfoSync())"),                            // 23
    ];
    let seen = run_steps(tmp.path(), data.path(), steps, |b| with_chrome_probes(b, shots.path()));
    let r = &seen.results;
    assert_eq!(r.len(), 24, "{r:#?}");
    let nav = |i: usize| r[i]["value"]["navigationBar"].clone();
    assert_eq!(
        nav(0),
        json!({"title": "Routing", "backgroundColor": "#07c160", "frontColor": "#ffffff", "backButton": false})
    );
    assert_eq!(r[0]["value"]["tabBar"], json!({"selected": 0, "items": ["Home", "Two"], "badges": [null, null]}));
    assert_eq!(
        nav(2),
        json!({"title": "Page A", "backgroundColor": "#1677ff", "frontColor": "#ffffff", "backButton": true})
    );
    assert_eq!(r[2]["value"]["tabBar"], Value::Null);
    assert_eq!(
        err_msg(&r[5]),
        "setNavigationBarColor:fail parameter error: frontColor must be \"#ffffff\" or \"#000000\", got \"#123456\""
    );
    assert_eq!(
        nav(6),
        json!({"title": "Set by the page", "backgroundColor": "#ff0000", "frontColor": "#000000", "backButton": true})
    );
    assert_eq!(
        r[9]["value"]["toast"],
        json!({"kind": "toast", "title": "Saved", "icon": "✓", "spinner": false, "mask": false})
    );
    assert_eq!(
        r[11]["value"]["toast"],
        json!({"kind": "loading", "title": "Loading", "icon": "", "spinner": true, "mask": true})
    );
    assert_eq!(r[15]["value"]["toast"], Value::Null);
    assert_eq!(
        r[16]["value"],
        json!({"state": {"title": "Delete?", "content": "This cannot be undone", "cancelText": "Cancel", "confirmText": "Delete"},
               "res": {"confirm": true, "cancel": false, "errMsg": "showModal:ok"}})
    );
    assert_eq!(r[17]["value"], json!({"confirm": false, "cancel": true, "errMsg": "showModal:ok"}));
    assert_eq!(nav(19)["title"], json!("Routing"));
    assert_eq!(routes(&r[19]), ["pages/home/home#1"]);
    assert_eq!(r[21]["value"]["tabBar"]["selected"], json!(1));
    assert_eq!(routes(&r[21]), ["pages/tab2/tab2#3"]);
    let window: Value = serde_json::from_str(r[22]["value"].as_str().unwrap()).unwrap();
    // The default window is 390x760 logical pixels; the page area is what is left below
    // the 44 px navigation bar and above the 50 px tab bar (tab2 is a tab page).
    assert_eq!((window["pixelRatio"].clone(), window["windowWidth"].clone()), (json!(1), json!(390)));
    assert_eq!(window["windowHeight"], json!(760 - 44 - 50));
    let system: Value = serde_json::from_str(r[23]["value"].as_str().unwrap()).unwrap();
    assert_eq!(system["platform"], json!("linux"));
    assert_eq!(system["windowWidth"], json!(390));
    assert!(system["SDKVersion"].is_string());

    // The screenshot: the navigation bar is the red the page set, with black title text.
    let png = std::fs::File::open(shots.path().join("titled.png")).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(png)).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let channels = frame.line_size / frame.width as usize;
    let at = |x: u32, y: u32| {
        let i = y as usize * frame.line_size + x as usize * channels;
        (pixels[i], pixels[i + 1], pixels[i + 2])
    };
    assert_eq!((frame.width, frame.height), (390, 760));
    assert_eq!(at(385, 4), (255, 0, 0), "the bar's corner is the colour the page set");
    let dark = (100..290).flat_map(|x| (8..36).map(move |y| (x, y))).filter(|&(x, y)| {
        let (r, g, b) = at(x, y);
        r < 100 && g < 100 && b < 100
    });
    assert!(dark.count() > 50, "the title is drawn in black on the bar");
}

fn a_host_registration_overrides_a_built_in() {
    let tmp = tempfile::tempdir().unwrap();
    routing_app(tmp.path(), "wxoverride");
    let data = tempfile::tempdir().unwrap();
    let seen =
        run_steps(tmp.path(), data.path(), vec![step("showToast", json!({"title": "hi"}), false), chrome()], |b| {
            b.register("showToast", |call: MiniApiCall| async move {
                Ok(json!({"handledBy": "host", "title": call.data()["title"]}))
            })
            .register("__chrome", |call: MiniApiCall| async move {
                Ok(call.host().chrome_state().await.map_err(superapp_shell::ApiError::new)?.as_object().cloned())
            })
        });
    assert_eq!(seen.results[0]["res"], json!({"handledBy": "host", "title": "hi", "errMsg": "showToast:ok"}));
    assert_eq!(seen.results[1]["value"]["toast"], Value::Null);
}

/// An HTML page gets pull-down refresh too: the gesture where its config enables it, its
/// `onPullDownRefresh`, the indicator until `wx.stopPullDownRefresh()`.
fn an_html_page_pulls_down_to_refresh() {
    let tmp = tempfile::tempdir().unwrap();
    let script = r#"
        var pulls = 0;
        Page({ onPullDownRefresh: function () { pulls++; } });
        function chrome() { return wx.invokeNativePlugin({ api_name: 'chrome' }).then(function (r) { return r.on; }); }
        function until(test) {
          return new Promise(function (resolve) { (function poll() { if (test()) resolve(); else setTimeout(poll, 20); })(); });
        }
        test(async function () {
          var at = function (type, y, buttons) {
            document.body.dispatchEvent(new MouseEvent(type, { bubbles: true, clientY: y, button: 0, buttons: buttons }));
          };
          at('mousedown', 5, 1); at('mousemove', 80, 1); at('mouseup', 80, 0);
          await until(function () { return pulls === 1; });
          var during = await chrome();
          await wx.stopPullDownRefresh();
          return { pulls: pulls, during: during, after: await chrome() };
        });
    "#;
    support::one_page_app(tmp.path(), script);
    support::write_files(tmp.path(), &[("pages/index/index.json", r#"{"enablePullDownRefresh": true}"#)]);
    let builder = Shell::builder().register("chrome", |call: MiniApiCall| async move {
        let state = call.host().chrome_state().await.map_err(superapp_shell::ApiError::new)?;
        Ok(json!({ "on": state["pullDownRefresh"] }))
    });
    let outcome = support::run_dir(builder, tmp.path(), RunOptions::default());
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(outcome.report(), &json!({"pulls": 1, "during": true, "after": false}));
}

const TESTS: &[(&str, fn())] = &[
    ("routing_follows_wechat_rules_and_lifecycle_order", routing_follows_wechat_rules_and_lifecycle_order),
    ("lifecycle_order_holds_with_slow_hooks", lifecycle_order_holds_with_slow_hooks),
    ("the_stack_holds_at_most_ten_pages", the_stack_holds_at_most_ten_pages),
    ("closed_html_pages_release_their_webviews", closed_html_pages_release_their_webviews),
    ("storage_keeps_types_and_survives_a_restart", storage_keeps_types_and_survives_a_restart),
    ("storage_limits_fail_clearly", storage_limits_fail_clearly),
    ("runs_one_after_another_share_a_web_context", runs_one_after_another_share_a_web_context),
    ("ext_api_calls_registered_handlers_directly", ext_api_calls_registered_handlers_directly),
    ("the_chrome_shows_titles_bars_toasts_and_modals", the_chrome_shows_titles_bars_toasts_and_modals),
    ("a_host_registration_overrides_a_built_in", a_host_registration_overrides_a_built_in),
    ("an_html_page_pulls_down_to_refresh", an_html_page_pulls_down_to_refresh),
];

fn main() -> ExitCode {
    support::harness::main(TESTS)
}
