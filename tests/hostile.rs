//! Pages that try what they may not: forge identities, post from frames, navigate away,
//! send garbage, floods and strange values, close with calls in flight. Each test is a
//! real page in the real shell, headless; the shell answers every call it can, exactly
//! once, and keeps running.

mod support;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use superapp_shell::{ApiError, ApiResult, MiniApiCall, RunOptions, Shell, ShellBuilder};
use support::{run_dir, run_page, write_files};

async fn echo(call: MiniApiCall) -> ApiResult<Value> {
    Ok(json!({ "echo": call.data() }))
}

async fn whoami(call: MiniApiCall) -> ApiResult<Value> {
    Ok(json!({ "webViewId": call.web_view_id, "params": call.params, "appId": call.app_info.app_id }))
}

fn basic() -> ShellBuilder {
    Shell::builder()
        .register("echo", echo)
        .register("whoami", whoami)
        .register("chrome", |call: MiniApiCall| async move { call.host().chrome_state().await.map_err(ApiError::new) })
}

/// A two-page mini program (app id `wxtest`): the index page runs `index_script` after the
/// prelude; page b is `b_html`.
fn two_page_app(dir: &std::path::Path, index_script: &str, b_html: &str) {
    support::one_page_app(dir, index_script);
    write_files(dir, &[("app.json", r#"{"pages":["pages/index/index","pages/b/b"]}"#), ("pages/b/b.html", b_html)]);
}

fn claims_of_identity_are_ignored() {
    let outcome = run_page(
        basic(),
        r#"
        test(async function () {
          var forged = await wx.invokeNativePlugin({ api_name: 'whoami',
            data: { webViewId: 99, webviewId: 99, appInfo: { appId: 'evil' }, appId: 'evil' } });
          return { webViewId: forged.webViewId, envelope: forged.params.webviewId, appId: forged.appId };
        });
        "#,
    );
    assert_eq!(*outcome.report(), json!({"webViewId": 1, "envelope": 1, "appId": "wxtest"}));
}

fn frames_post_as_their_page_and_cannot_load_elsewhere() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let builder = basic().register("fromFrame", move |call: MiniApiCall| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push((call.web_view_id, call.data().clone()));
            Ok(())
        }
    });
    let outcome = run_page(
        builder,
        r#"
        function frame(attrs) {
          return new Promise(function (resolve) {
            var f = document.createElement('iframe');
            Object.keys(attrs).forEach(function (k) { f[k] = attrs[k]; });
            f.onload = function () { resolve(f); };
            setTimeout(function () { resolve(f); }, 1000);
            document.body.appendChild(f);
          });
        }
        function post(win, tag) {
          var handlers = win.webkit && win.webkit.messageHandlers;
          if (!handlers || !handlers.ipc) return 'no ipc';
          handlers.ipc.postMessage(JSON.stringify({ type: 'invoke', callbackId: 900000 + tag.length,
            api_name: 'fromFrame', data: tag }));
          return 'posted';
        }
        test(async function () {
          var blank = await frame({});
          var srcdoc = await frame({ srcdoc: '<p>inner</p>' });
          var data = await frame({ src: 'data:text/html,<p id=x>data</p>' });
          var remote = await frame({ src: 'https://example.com/' });
          var sameOrigin = await frame({ src: '/pages/index/index.html?inner=1' });
          var out = {
            blank: post(blank.contentWindow, 'blank'),
            srcdoc: post(srcdoc.contentWindow, 'srcdoc')
          };
          // Frames that would leave the page never load: their document stays blank.
          function loaded(f) {
            try { return f.contentDocument ? f.contentDocument.URL : 'opaque'; } catch (e) { return 'opaque'; }
          }
          out.data = loaded(data);
          out.remote = loaded(remote);
          out.sameOrigin = loaded(sameOrigin);
          await sleep(300);
          return out;
        });
        "#,
    );
    let report = outcome.report();
    assert_eq!(report["blank"], json!("posted"));
    assert_eq!(report["srcdoc"], json!("posted"));
    for key in ["data", "remote", "sameOrigin"] {
        let url = report[key].as_str().unwrap();
        assert!(url == "about:blank" || url.is_empty(), "{key} frame loaded {url}");
    }
    // A frame's message is the page's: attributed to its webview, never to another.
    // (the two frames load independently: either may post first)
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_by_key(|(id, value)| (*id, value.to_string()));
    assert_eq!(seen, vec![(1, json!("blank")), (1, json!("srcdoc"))]);
}

fn the_page_cannot_navigate_itself_or_open_windows() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    two_page_app(
        &dir,
        r#"
        test(async function () {
          window.marker = 'still here';
          var attempts = ['https://example.com/', 'file:///etc/passwd', 'ftp://example.com/', 'about:config',
            '../b/b.html', '/pages/b/b.html', 'superapp://app/pages/b/b.html'];
          for (var i = 0; i < attempts.length; i++) {
            location.href = attempts[i];
            await sleep(100);
          }
          var a = document.createElement('a');
          a.href = '../b/b.html';
          document.body.appendChild(a);
          a.click();
          await sleep(200);
          location.reload();
          await sleep(300);
          var opened = window.open('https://example.com/');
          var openedLocal = window.open('/pages/b/b.html');
          await sleep(200);
          var chrome = await wx.invokeNativePlugin({ api_name: 'chrome' });
          return { marker: window.marker, href: location.href, opened: opened === null, openedLocal: openedLocal === null,
                   pages: getCurrentPages().map(function (p) { return p.route; }), live: chrome.liveWebviews };
        });
        "#,
        "<script>wx.invokeNativePlugin({ api_name: 'bLoaded' })</script>",
    );
    let b_loaded = Arc::new(Mutex::new(0));
    let count = b_loaded.clone();
    let builder = basic().register("bLoaded", move |_call: MiniApiCall| {
        let count = count.clone();
        async move {
            *count.lock().unwrap() += 1;
            Ok(())
        }
    });
    let outcome = run_dir(builder, &dir, RunOptions::default());
    let report = outcome.report();
    assert_eq!(
        *report,
        json!({"marker": "still here", "href": "superapp://app/pages/index/index.html", "opened": true,
               "openedLocal": true, "pages": ["pages/index/index"], "live": 1})
    );
    assert_eq!(*b_loaded.lock().unwrap(), 0, "page b never loaded anywhere");
}

fn strange_values_are_answered_once_each() {
    let builder = basic().max_payload_bytes(256 * 1024).register("emptyOk", |_call: MiniApiCall| async { Ok(()) });
    let outcome = run_page(
        builder,
        r#"
        function raw(message) { window.ipc.postMessage(typeof message === 'string' ? message : JSON.stringify(message)); }
        function nest(n) { var v = 1; for (var i = 0; i < n; i++) v = [v]; return v; }
        async function settle(name, promise) {
          try { return { ok: await promise }; } catch (e) { return { fail: e.errMsg }; }
        }
        test(async function () {
          var out = {};
          out.huge = await settle('huge', wx.invokeNativePlugin({ api_name: 'echo', data: 'x'.repeat(300 * 1024) }));
          out.hugeOk = (await settle('hugeOk', wx.invokeNativePlugin({ api_name: 'echo', data: 'y'.repeat(200 * 1024) }))).ok.echo.length;
          out.deep = await settle('deep', wx.invokeNativePlugin({ api_name: 'echo', data: nest(150) }));
          out.deepOk = JSON.stringify((await wx.invokeNativePlugin({ api_name: 'echo', data: nest(90) })).echo).length;
          out.surrogate = await settle('s', wx.invokeNativePlugin({ api_name: 'echo', data: 'a\uD800b' }));
          var proto = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "k": 1}');
          var echoed = (await wx.invokeNativePlugin({ api_name: 'echo', data: proto })).echo;
          out.proto = { ownProto: Object.prototype.hasOwnProperty.call(echoed, '__proto__'),
                        ownCtor: Object.prototype.hasOwnProperty.call(echoed, 'constructor'),
                        polluted: ({}).polluted === undefined ? 'no' : 'yes', keys: Object.keys(echoed) };
          out.missing = await settle('m', wx.invokeNativePlugin({ data: 1 }));
          out.number = await settle('n', wx.invokeNativePlugin({ api_name: 7 }));
          out.object = await settle('o', wx.invokeNativePlugin({ api_name: { toString: null } }));
          // A forged reply id: a call with the id of one still pending is dropped (the real
          // one is answered once); ids nobody is waiting for reach no callback.
          var slow = wx.invokeNativePlugin({ api_name: 'emptyOk' });
          raw({ type: 'invoke', callbackId: 1, api_name: 'echo', data: 'replay of an answered id' });
          raw({ type: 'invoke', callbackId: 777777, api_name: 'echo', data: 'forged' });
          out.slow = await settle('slow', slow);
          // Forged lifecycle acknowledgements move nothing.
          raw({ type: 'hookDone', hook: 'onUnload' });
          raw({ type: 'hookDone', hook: 'onLoad' });
          raw({ type: 'ready' });
          raw('{"type":"hookDone","hook":"onBoom"}');
          // A flood of malformed messages.
          for (var i = 0; i < 5000; i++) {
            raw(i % 5 === 0 ? 'garbage ' + i : i % 5 === 1 ? '[1,2' : i % 5 === 2 ? '{"callbackId":"x"}'
              : i % 5 === 3 ? '{"type":"nope","callbackId":' + i + '}' : '');
          }
          out.after = (await wx.invokeNativePlugin({ api_name: 'echo', data: 'still answering' })).echo;
          out.pending = window.__superapp.pendingCount();
          return out;
        });
        "#,
    );
    let report = outcome.report();
    assert_eq!(
        report["huge"]["fail"],
        json!(format!(
            "invokeNativePlugin:fail payload too large: {} bytes exceeds the limit of 262144 bytes",
            300 * 1024 + 109
        ))
    );
    assert_eq!(report["hugeOk"], json!(200 * 1024));
    assert_eq!(report["deep"]["fail"], json!("invokeNativePlugin:fail data nests too deep: more than 100 levels"));
    assert_eq!(report["deepOk"], json!(90 * 2 + 1));
    let surrogate = report["surrogate"]["fail"].as_str().unwrap();
    assert!(surrogate.starts_with("invokeNativePlugin:fail data is not valid JSON: "), "{surrogate}");
    assert_eq!(
        report["proto"],
        json!({"ownProto": true, "ownCtor": true, "polluted": "no", "keys": ["__proto__", "constructor", "k"]})
    );
    assert_eq!(report["missing"]["fail"], json!("invokeNativePlugin:fail missing api_name"));
    assert_eq!(report["number"]["fail"], json!("invokeNativePlugin:fail api_name must be a string, got 7"));
    assert_eq!(
        report["object"]["fail"],
        json!("invokeNativePlugin:fail api_name must be a string, got {\"toString\":null}")
    );
    assert_eq!(report["slow"], json!({"ok": {"errMsg": "invokeNativePlugin:ok"}}));
    assert_eq!(report["after"], json!("still answering"));
    assert_eq!(report["pending"], json!(0));
}

/// A page that closes with calls in flight: their answers are dropped, not delivered to a
/// webview that is gone, and nothing stays counted.
fn a_page_closed_with_calls_in_flight_gets_nothing_and_leaks_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    two_page_app(
        &dir,
        r#"
        var visited = false;
        Page({ onShow: function () {
          if (!visited) { visited = true; return; }
          // Back from b: wait until b's webview is gone (its 1 s grace ends before its
          // calls finish), then report what is left in flight.
          (function poll() {
            wx.invokeNativePlugin({ api_name: 'chrome' }).then(function (c) {
              if (c.liveWebviews !== 1) return setTimeout(poll, 50);
              done({ live: c.liveWebviews, inFlight: c.callsInFlight });
            });
          })();
        } });
        setTimeout(function () { wx.navigateTo({ url: '/pages/b/b' }); }, 100);
        "#,
        &support::page_html(
            r#"
                    for (var i = 0; i < 20; i++) wx.invokeNativePlugin({ api_name: 'slow', data: i,
                      complete: function () { wx.invokeNativePlugin({ api_name: 'reachedDeadPage' }); } });
                    wx.invokeNativePlugin({ api_name: 'chrome' }).then(function (c) {
                      return report({ inFlightOnB: c.callsInFlight });
                    }).then(function () { wx.navigateBack(); });
                    "#,
        ),
    );
    let dead = Arc::new(Mutex::new(0));
    let count = dead.clone();
    let builder = basic()
        .register("slow", |_call: MiniApiCall| async {
            tokio::time::sleep(Duration::from_millis(1800)).await;
            Ok(())
        })
        .register("reachedDeadPage", move |_call: MiniApiCall| {
            let count = count.clone();
            async move {
                *count.lock().unwrap() += 1;
                Ok(())
            }
        });
    let outcome = run_dir(builder, &dir, RunOptions::default());
    assert_eq!(outcome.reports.len(), 2, "{:?}", outcome.reports);
    assert!(outcome.reports[0]["inFlightOnB"].as_u64().unwrap() >= 20, "{:?}", outcome.reports);
    // The one call in flight is the `chrome` call asking.
    assert_eq!(outcome.reports[1], json!({"live": 1, "inFlight": 1}));
    assert_eq!(*dead.lock().unwrap(), 0, "no answer reached the closed page");
}

fn main() -> ExitCode {
    support::harness::main(&[
        ("claims_of_identity_are_ignored", claims_of_identity_are_ignored),
        ("frames_post_as_their_page_and_cannot_load_elsewhere", frames_post_as_their_page_and_cannot_load_elsewhere),
        ("the_page_cannot_navigate_itself_or_open_windows", the_page_cannot_navigate_itself_or_open_windows),
        ("strange_values_are_answered_once_each", strange_values_are_answered_once_each),
        (
            "a_page_closed_with_calls_in_flight_gets_nothing_and_leaks_nothing",
            a_page_closed_with_calls_in_flight_gets_nothing_and_leaks_nothing,
        ),
    ])
}
