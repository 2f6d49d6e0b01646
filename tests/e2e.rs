//! End-to-end tests of the bridge: the real shell, headless under a private Xvfb, driving
//! real pages, asserting what the page and the handlers saw.
//!
//! GTK's main context belongs to one thread per process for the life of the process, and
//! a thread that ran WebKit should never exit, so this binary has its own harness
//! (`harness = false`): every test runs one after another on the main thread. It takes
//! test-name filters like libtest (`cargo test --test e2e -- events`), `--exact`, and
//! `--list`.

mod support;

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superapp_shell::{sample, ApiError, ApiResult, MiniApiCall, Package, RunOptions, Shell, ShellBuilder, Target};
use support::{run_dir, run_page, write_files};

async fn echo(call: MiniApiCall) -> ApiResult<serde_json::Value> {
    Ok(json!({ "echo": call.data() }))
}

async fn refuse(_call: MiniApiCall) -> ApiResult {
    Err(ApiError::new("card declined").with("errCode", 1001))
}

/// The handlers most tests share.
fn basic() -> ShellBuilder {
    Shell::builder()
        .register("echo", echo)
        .register("none", |_call: MiniApiCall| async { Ok(()) })
        .register("refuse", refuse)
}

fn sample_runs_every_demo_and_shows_it() {
    // On the bridge page: waits for all six demos, reports what the page shows, then taps
    // over to the runtime tab, which reports its storage demo and exits.
    let inject = r#"
        if (window.__SUPERAPP_CONFIG__.route === 'pages/index/index') {
          var poll = setInterval(function () {
            var r = window.sampleResults || {};
            var finished = ['seed', 'progress', 'sync', 'failing', 'unregistered', 'event']
              .every(function (k) { return r[k] && r[k].outcome; });
            if (!finished) return;
            clearInterval(poll);
            wx.invokeNativePlugin({ api_name: '__report', data: {
              results: r,
              seedText: document.querySelector('#seed .out').textContent,
              progressBar: document.querySelector('#progress progress').value
            }, complete: function () { wx.switchTab({ url: '/pages/runtime/runtime' }); } });
          }, 50);
        } else if (window.__SUPERAPP_CONFIG__.route === 'pages/runtime/runtime') {
          // Reports once the page shows its onReady (the shell sends onLoad in turn, after
          // the bridge page's onHide, so there is no fixed time to wait).
          var waitReady = setInterval(function () {
            var hooks = Array.from(document.querySelectorAll('#lifecycle li')).map(function (li) {
              return li.textContent.split('  ')[1];
            });
            if (hooks.indexOf('onReady') < 0) return;
            clearInterval(waitReady);
            wx.invokeNativePlugin({ api_name: '__report', data: {
              visits: document.getElementById('visits').textContent,
              lifecycle: hooks
            }, complete: function () { wx.exitMiniProgram(); } });
          }, 50);
        }
    "#;
    let data = tempfile::tempdir().unwrap();
    let run = || {
        let (builder, reports) =
            support::with_reporter(sample::register(Shell::builder()).data_dir(data.path().into()));
        let package = Package::embedded(&sample::SAMPLE_MINIAPP, "sample").unwrap();
        let options = RunOptions {
            headless: true,
            exit_after: Some(support::RUN_LIMIT),
            inject_script: Some(inject.to_string()),
            ..RunOptions::default()
        };
        let exit_code = builder.build().run(package, &options).unwrap();
        assert_eq!(exit_code, 0);
        let reports = reports.lock().unwrap().clone();
        assert_eq!(reports.len(), 2, "{reports:?}");
        reports
    };
    let reports = run();
    let report = &reports[0];
    let results = &report["results"];
    assert_eq!(
        results["seed"],
        json!({"outcome": "ok", "value": {"result": "success", "method": "myApiHandler", "errMsg": "invokeNativePlugin:ok"}})
    );
    assert_eq!(
        results["progress"],
        json!({"outcome": "ok", "value": {"states": [20, 40, 60, 80, 100], "res": {"bytes": 5000, "errMsg": "invokeNativePlugin:ok"}}})
    );
    assert_eq!(
        results["sync"],
        json!({"outcome": "ok", "value": {"host": "superapp-shell", "version": env!("CARGO_PKG_VERSION"), "os": "linux",
                                          "errMsg": "invokeNativePlugin:ok", "viaExtApi": "superapp-shell"}})
    );
    assert_eq!(
        results["failing"],
        json!({"outcome": "fail", "value": {"errCode": 1001, "errMsg": "invokeNativePlugin:fail card declined for amount 42"}})
    );
    assert_eq!(
        results["unregistered"],
        json!({"outcome": "fail", "value": {"errMsg": "invokeNativePlugin:fail api \"notRegisteredApi\" is not registered"}})
    );
    assert_eq!(
        results["event"],
        json!({"outcome": "ok", "value": {"event": "hostGreeting", "data": {"text": "hello from the host", "from": "rust"}}})
    );
    assert!(report["seedText"].as_str().unwrap().contains("\"method\":\"myApiHandler\""), "{report}");
    assert_eq!(report["progressBar"], json!(100));
    assert_eq!(reports[1]["lifecycle"], json!(["onLoad {}", "onShow", "onReady"]));
    assert_eq!(reports[1]["visits"], json!("Opened 1 time(s)"));
    // The storage demo survives a restart of the shell.
    let reports = run();
    let visits = reports[1]["visits"].as_str().unwrap();
    assert!(visits.starts_with("Opened 2 time(s); last time: 20") && visits.ends_with('Z'), "{visits}");
}

/// Every built-in is declared once (`WX_FUNCTIONS`); a page has each of them on `wx`,
/// each reaching a registered api, and the bridge's own functions too.
fn the_bridge_exposes_every_built_in() {
    use superapp_shell::core::builtins::{BRIDGE_FUNCTIONS, WX_FUNCTIONS};
    let names: Vec<&str> = WX_FUNCTIONS.iter().map(|f| f.wx).chain(BRIDGE_FUNCTIONS.iter().copied()).collect();
    let outcome = run_page(
        basic(),
        &format!(
            "test(function () {{ return {{ missing: {names}.filter(function (n) {{ return typeof wx[n] !== 'function'; }}) }}; }});",
            names = serde_json::to_string(&names).unwrap()
        ),
    );
    assert_eq!(*outcome.report(), json!({"missing": []}));
    let shell = basic().build();
    for function in WX_FUNCTIONS {
        assert!(
            shell.registry().contains(function.api),
            "wx.{} calls {:?}, which is not registered",
            function.wx,
            function.api
        );
    }
}

fn handler_sees_the_tcsas_envelope_and_the_shells_origin() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let count = seen.clone();
    let builder = Shell::builder().register("seenCount", move |_call: MiniApiCall| {
        let count = count.clone();
        async move { Ok(json!({"n": count.lock().unwrap().len()})) }
    });
    let builder = builder.register("whoami", move |call: MiniApiCall| {
        let sink = sink.clone();
        async move {
            sink.lock().unwrap().push(json!({
                "api_name": call.api_name,
                "web_view_id": call.web_view_id,
                "app_info": call.app_info,
                "params": serde_json::to_string(&call.params).unwrap(),
            }));
            Ok(json!({"result": "success", "method": "myApiHandler"}))
        }
    });
    let outcome = run_page(
        builder,
        r#"
        test(async function () {
          var res = await wx.invokeNativePlugin({ api_name: 'whoami', data: { name: 'kka', age: 22 } });
          // A page cannot claim another webview or app: these extra fields are ignored.
          window.ipc.postMessage(JSON.stringify({ type: 'invoke', callbackId: 999, api_name: 'whoami',
            data: 'forged', webviewId: 77, appInfo: { appId: 'evil' } }));
          await until(function () { return wx.invokeNativePlugin({ api_name: 'seenCount' }).then(function (r) { return r.n === 2; }); });
          return { res: res };
        });
        "#,
    );
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(
        outcome.report()["res"],
        json!({"result": "success", "method": "myApiHandler", "errMsg": "invokeNativePlugin:ok"})
    );
    let app_info = json!({"appId": "wxtest", "name": "Test App", "version": "2.1.0", "appVerType": "preview"});
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            json!({
                "api_name": "whoami", "web_view_id": 1, "app_info": app_info,
                "params": r#"{"stateEvent":"whoami_1","api_name":"whoami","data":{"name":"kka","age":22},"webviewId":1}"#,
            }),
            json!({
                "api_name": "whoami", "web_view_id": 1, "app_info": app_info,
                "params": r#"{"stateEvent":"whoami_999","api_name":"whoami","data":"forged","webviewId":1}"#,
            }),
        ]
    );
}

fn callbacks_route_by_errmsg_in_order() {
    let outcome = run_page(
        basic(),
        r#"
        function capture(apiName, data) {
          return new Promise(function (resolve) {
            var seen = [];
            var returned = wx.invokeNativePlugin({
              api_name: apiName, data: data,
              success: function (res) { seen.push(['success', res]); },
              fail: function (res) { seen.push(['fail', res]); },
              complete: function (res) {
                seen.push(['complete', res]);
                resolve({ order: seen.map(function (s) { return s[0]; }), sameObject: seen[0][1] === res,
                          res: res, returned: typeof returned });
              }
            });
          });
        }
        test(async function () {
          var out = {};
          out.ok = await capture('echo', { x: 1 });
          out.none = await capture('none');
          out.fail = await capture('refuse');
          out.promiseOk = await wx.invokeNativePlugin({ api_name: 'echo', data: [1, 'two', null] });
          try {
            await wx.invokeNativePlugin({ api_name: 'refuse' });
            out.promiseFail = 'resolved';
          } catch (res) {
            out.promiseFail = res;
          }
          out.completeOnly = await new Promise(function (resolve) {
            var returned = wx.invokeNativePlugin({ api_name: 'none', complete: function (res) {
              resolve({ returned: typeof returned, res: res });
            } });
          });
          out.successThrows = await new Promise(function (resolve) {
            wx.invokeNativePlugin({ api_name: 'none',
              success: function () { throw new Error('page bug'); },
              complete: function (res) { resolve(res.errMsg); } });
          });
          return out;
        });
        "#,
    );
    let report = outcome.report();
    assert_eq!(
        report["ok"],
        json!({"order": ["success", "complete"], "sameObject": true,
               "res": {"echo": {"x": 1}, "errMsg": "invokeNativePlugin:ok"}, "returned": "undefined"})
    );
    assert_eq!(
        report["none"],
        json!({"order": ["success", "complete"], "sameObject": true,
               "res": {"errMsg": "invokeNativePlugin:ok"}, "returned": "undefined"})
    );
    assert_eq!(
        report["fail"],
        json!({"order": ["fail", "complete"], "sameObject": true,
               "res": {"errCode": 1001, "errMsg": "invokeNativePlugin:fail card declined"}, "returned": "undefined"})
    );
    assert_eq!(report["promiseOk"], json!({"echo": [1, "two", null], "errMsg": "invokeNativePlugin:ok"}));
    assert_eq!(report["promiseFail"], json!({"errCode": 1001, "errMsg": "invokeNativePlugin:fail card declined"}));
    assert_eq!(report["completeOnly"], json!({"returned": "undefined", "res": {"errMsg": "invokeNativePlugin:ok"}}));
    assert_eq!(report["successThrows"], json!("invokeNativePlugin:ok"));
}

fn progress_arrives_live_and_in_order_before_the_answer() {
    let gate = Arc::new(tokio::sync::Notify::new());
    let wait = gate.clone();
    let builder = basic()
        // Sends one state, then waits until the page, having seen it, opens the gate:
        // this only finishes if states reach the page while the handler still runs.
        .register_with_timeout(
            "gated",
            move |call: MiniApiCall| {
                let wait = wait.clone();
                async move {
                    call.send_state(json!({"step": 1}));
                    wait.notified().await;
                    call.send_state(json!({"step": 2}));
                    Ok(json!({"done": true}))
                }
            },
            Duration::from_secs(10),
        )
        .register("openGate", move |_call: MiniApiCall| {
            let gate = gate.clone();
            async move {
                gate.notify_one();
                Ok(())
            }
        })
        .register("count", |call: MiniApiCall| async move {
            for i in 0..200 {
                call.send_state(json!(i));
            }
            Ok(())
        });
    let outcome = run_page(
        builder,
        r#"
        test(async function () {
          var gated = await new Promise(function (resolve) {
            var log = [];
            wx.invokeNativePlugin({ api_name: 'gated',
              progress: function (state) {
                log.push('progress ' + state.step);
                if (state.step === 1) wx.invokeNativePlugin({ api_name: 'openGate' });
              },
              success: function (res) { log.push('success ' + JSON.stringify(res)); },
              fail: function (res) { log.push('fail ' + res.errMsg); },
              complete: function () { resolve(log); } });
          });
          var counted = await new Promise(function (resolve) {
            var states = [];
            wx.invokeNativePlugin({ api_name: 'count',
              progress: function (n) { states.push(n); },
              complete: function (res) { resolve({ states: states, errMsg: res.errMsg }); } });
          });
          var inOrder = counted.states.every(function (n, i) { return n === i; });
          return { gated: gated, count: counted.states.length, inOrder: inOrder, errMsg: counted.errMsg };
        });
        "#,
    );
    let report = outcome.report();
    assert_eq!(
        report["gated"],
        json!(["progress 1", "progress 2", "success {\"done\":true,\"errMsg\":\"invokeNativePlugin:ok\"}"])
    );
    assert_eq!(report["count"], json!(200));
    assert_eq!(report["inOrder"], json!(true));
    assert_eq!(report["errMsg"], json!("invokeNativePlugin:ok"));
}

fn sync_calls_return_or_throw() {
    let builder = basic().register("count", |call: MiniApiCall| async move {
        let delivered = call.send_state(json!(1));
        Ok(json!({ "stateDelivered": delivered }))
    });
    let outcome = run_page(
        builder,
        r#"
        function caught(opts) {
          try {
            return { returned: wx.invokeNativePlugin(opts) };
          } catch (e) {
            return { isError: e instanceof Error, message: e.message, errMsg: e.errMsg, errCode: e.errCode };
          }
        }
        test(async function () {
          var big = 'x'.repeat(300000);
          return {
            ok: caught({ api_name: 'echo', data: { a: 'b', n: 1.5 }, sync: true }),
            none: caught({ api_name: 'none', sync: true }),
            refused: caught({ api_name: 'refuse', sync: true }),
            unregistered: caught({ api_name: 'nope', sync: true }),
            badName: caught({ sync: true }),
            big: caught({ api_name: 'echo', data: big, sync: true }).returned.echo === big,
            progressDropped: caught({ api_name: 'count', sync: true, progress: function () {} })
          };
        });
        "#,
    );
    let report = outcome.report();
    assert_eq!(report["ok"], json!({"returned": {"echo": {"a": "b", "n": 1.5}, "errMsg": "invokeNativePlugin:ok"}}));
    assert_eq!(report["none"], json!({"returned": {"errMsg": "invokeNativePlugin:ok"}}));
    assert_eq!(
        report["refused"],
        json!({"isError": true, "message": "invokeNativePlugin:fail card declined",
               "errMsg": "invokeNativePlugin:fail card declined", "errCode": 1001})
    );
    assert_eq!(report["unregistered"]["message"], json!("invokeNativePlugin:fail api \"nope\" is not registered"));
    assert_eq!(report["badName"]["message"], json!("invokeNativePlugin:fail missing api_name"));
    assert_eq!(report["big"], json!(true));
    assert_eq!(
        report["progressDropped"],
        json!({"returned": {"stateDelivered": false, "errMsg": "invokeNativePlugin:ok"}})
    );
}

fn every_failure_is_one_clear_answer_and_the_shell_goes_on() {
    let builder = basic()
        .max_payload_bytes(64 * 1024)
        .register("explode", |_call: MiniApiCall| async {
            if true {
                panic!("boom");
            }
            Ok(())
        })
        .register_with_timeout(
            "hang",
            |_call: MiniApiCall| async {
                std::future::pending::<()>().await;
                Ok(())
            },
            Duration::from_millis(300),
        );
    let outcome = run_page(
        builder,
        r#"
        var answers = {};
        function call(label, opts) {
          answers[label] = { success: 0, fail: 0, complete: 0 };
          return new Promise(function (resolve) {
            opts.success = function (res) { answers[label].success++; };
            opts.fail = function (res) { answers[label].fail++; answers[label].errMsg = res.errMsg; };
            opts.complete = function (res) { answers[label].complete++; resolve(); };
            wx.invokeNativePlugin(opts);
          });
        }
        test(async function () {
          await Promise.all([
            call('unregistered', { api_name: 'nope' }),
            call('missingName', { data: 1 }),
            call('numberName', { api_name: 42 }),
            call('handlerError', { api_name: 'refuse' }),
            call('panic', { api_name: 'explode' }),
            call('timeout', { api_name: 'hang' }),
            call('oversized', { api_name: 'echo', data: 'x'.repeat(70000) }),
            call('notJson', { api_name: 'echo', data: { n: 10n } })
          ]);
          await call('afterPanic', { api_name: 'echo', data: 'still here' });
          await sleep(500); // any second answer would arrive by now
          return answers;
        });
        "#,
    );
    let report = outcome.report();
    let expected = [
        ("unregistered", "invokeNativePlugin:fail api \"nope\" is not registered"),
        ("missingName", "invokeNativePlugin:fail missing api_name"),
        ("numberName", "invokeNativePlugin:fail api_name must be a string, got 42"),
        ("handlerError", "invokeNativePlugin:fail card declined"),
        ("panic", "invokeNativePlugin:fail api \"explode\" panicked: boom"),
        ("timeout", "invokeNativePlugin:fail api \"hang\" timed out after 300 ms"),
    ];
    for (label, errmsg) in expected {
        assert_eq!(report[label], json!({"success": 0, "fail": 1, "complete": 1, "errMsg": errmsg}), "{label}");
    }
    let oversized = report["oversized"]["errMsg"].as_str().unwrap();
    assert!(
        oversized.starts_with("invokeNativePlugin:fail payload too large: 70")
            && oversized.ends_with(" bytes exceeds the limit of 65536 bytes"),
        "{oversized}"
    );
    assert_eq!(report["oversized"]["complete"], json!(1));
    let not_json = report["notJson"]["errMsg"].as_str().unwrap();
    assert!(not_json.starts_with("invokeNativePlugin:fail data is not JSON: "), "{not_json}");
    assert_eq!(report["afterPanic"], json!({"success": 1, "fail": 0, "complete": 1}));
}

fn malformed_messages_are_dropped_without_harm() {
    let outcome = run_page(
        basic(),
        r#"
        test(async function () {
          ['not json', '[1,2]', '{"callbackId":"7","api_name":"echo"}', '{"type":"hello","callbackId":3}',
           '{"api_name":"echo"}', ''].forEach(function (m) { window.ipc.postMessage(m); });
          var res = await wx.invokeNativePlugin({ api_name: 'echo', data: 'after garbage' });
          return { res: res, pending: window.__superapp.pendingCount() };
        });
        "#,
    );
    assert_eq!(
        *outcome.report(),
        json!({"res": {"echo": "after garbage", "errMsg": "invokeNativePlugin:ok"}, "pending": 0})
    );
}

fn host_events_reach_the_targeted_pages() {
    let builder = basic()
        .register("emitAll", |call: MiniApiCall| async move {
            let host = call.host();
            host.emit(Target::All, "a", json!({"n": 1})).unwrap();
            host.emit(Target::App("wxtest".into()), "b", json!("to this app")).unwrap();
            host.emit(Target::App("other".into()), "c", json!("to another app")).unwrap();
            host.emit(Target::WebView(call.web_view_id), "d", json!(["to", "this", "page"])).unwrap();
            host.emit(Target::WebView(call.web_view_id + 1), "e", json!("to another page")).unwrap();
            Ok(())
        })
        .register("emitAfterOff", |call: MiniApiCall| async move {
            call.host().emit(Target::All, "a", json!({"n": 2})).unwrap();
            Ok(())
        });
    let shell_ready = Arc::new(AtomicUsize::new(0));
    let ready = shell_ready.clone();
    let builder = builder.register("listening", move |_call: MiniApiCall| {
        let ready = ready.clone();
        async move {
            ready.store(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let data = tempfile::tempdir().unwrap();
    let (builder, reports) = support::with_reporter(builder.data_dir(data.path().into()));
    let shell = builder.build();
    // The host pushes from its own thread through the handle it got before running.
    let host = shell.host();
    let pusher = std::thread::spawn(move || {
        let started = Instant::now();
        while shell_ready.load(Ordering::SeqCst) == 0 && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(10));
        }
        host.emit(Target::All, "fromThread", json!({"pushed": "outside any call"}))
    });
    let tmp = tempfile::tempdir().unwrap();
    support::one_page_app(
        tmp.path(),
        r#"
        test(async function () {
          var named = [], general = [];
          ['a', 'b', 'c', 'd', 'e'].forEach(function (name) {
            wx.onNativePluginEvent(name, function (data) { named.push([name, data]); });
          });
          var second = [];
          wx.onNativePluginEvent('a', function (data) { second.push(data.n); });
          var id = wx.onGeneralNativeEvent(function (payload) { general.push(payload); });
          await wx.invokeNativePlugin({ api_name: 'emitAll' });
          // The script runs while the document loads: events wait until its bridge
          // listens, so they may come after the reply. Three are for this page.
          await until(function () { return general.length >= 3; });
          wx.offGeneralNativeEvent(id);
          await wx.invokeNativePlugin({ api_name: 'emitAfterOff' });
          var fromThread = new Promise(function (resolve) { wx.onNativePluginEvent('fromThread', resolve); });
          await wx.invokeNativePlugin({ api_name: 'listening' });
          return { named: named, general: general, second: second, fromThread: await fromThread,
                   idType: typeof id };
        });
        "#,
    );
    let exit_code = shell
        .run(
            Package::open(tmp.path()).unwrap(),
            &RunOptions { headless: true, exit_after: Some(support::RUN_LIMIT), ..RunOptions::default() },
        )
        .unwrap();
    assert_eq!(exit_code, 0);
    assert_eq!(pusher.join().unwrap(), Ok(()));
    let reports = reports.lock().unwrap();
    assert_eq!(
        reports[0],
        json!({
            "named": [["a", {"n": 1}], ["b", "to this app"], ["d", ["to", "this", "page"]], ["a", {"n": 2}]],
            "general": [{"event": "a", "data": {"n": 1}}, {"event": "b", "data": "to this app"},
                        {"event": "d", "data": ["to", "this", "page"]}],
            "second": [1, 2],
            "fromThread": {"pushed": "outside any call"},
            "idType": "number",
        })
    );
    assert!(shell.host().emit(Target::All, "late", Value::Null).is_err(), "a stopped shell took an event");
}

/// Events emitted to a page whose document is still loading wait until its bridge
/// listens, then arrive in order (they were lost before).
fn events_for_a_loading_page_wait_until_it_listens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    support::one_page_app(&dir, "wx.invokeNativePlugin({ api_name: 'openAndEmit' });");
    write_files(
        &dir,
        &[
            ("app.json", r#"{"pages":["pages/index/index","pages/b/b"]}"#),
            // The listener is in a script of its own, loaded while the page is parsed:
            // events that arrive before it runs must wait for it.
            (
                "pages/b/b.html",
                &format!(
                    "<!doctype html><html><body><script>{}</script><script src=\"/pages/b/listen.js\"></script></body></html>",
                    support::PRELUDE
                ),
            ),
            (
                "pages/b/listen.js",
                r#"
                var got = [];
                wx.onNativePluginEvent('n', function (n) {
                  got.push(n);
                  if (got.length === 5) done({ got: got, id: window.__SUPERAPP_CONFIG__.webviewId });
                });
                setTimeout(function () { done({ got: got, id: window.__SUPERAPP_CONFIG__.webviewId }); }, 3000);
                "#,
            ),
        ],
    );
    let builder = basic().register("openAndEmit", |call: MiniApiCall| async move {
        let host = call.host().clone();
        host.request(call.web_view_id, superapp_shell::core::ui_api::UiApi::NavigateTo, json!({"url": "/pages/b/b"}))
            .await
            .map_err(ApiError::new)?;
        // Page b exists now, but its document is still loading.
        for n in 0..5 {
            host.emit(Target::WebView(2), "n", json!(n)).map_err(ApiError::new)?;
        }
        Ok(())
    });
    let outcome = run_dir(builder, &dir, RunOptions::default());
    assert_eq!(*outcome.report(), json!({"got": [0, 1, 2, 3, 4], "id": 2}));
}

fn concurrent_calls_each_reach_their_own_callbacks() {
    let builder = basic().register("delayEcho", |call: MiniApiCall| async move {
        let ms = call.data()["ms"].as_u64().unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(call.params.data.as_object().cloned())
    });
    let outcome = run_page(
        builder,
        r#"
        test(async function () {
          var finished = [];
          var calls = [];
          for (var i = 0; i < 400; i++) {
            (function (i) {
              var ms = (i * 37) % 60;
              calls.push(new Promise(function (resolve) {
                wx.invokeNativePlugin({ api_name: 'delayEcho', data: { i: i, ms: ms },
                  success: function (res) { finished.push(i); resolve(res.i === i && res.ms === ms ? 'ok' : 'mismatch ' + i); },
                  fail: function (res) { resolve('fail ' + i + ' ' + res.errMsg); } });
              }));
            })(i);
          }
          var results = await Promise.all(calls);
          var burst = [];
          for (var j = 0; j < 3000; j++) burst.push(wx.invokeNativePlugin({ api_name: 'echo', data: j }));
          var echoed = await Promise.all(burst);
          var burstBad = echoed.filter(function (res, j) { return res.echo !== j; }).length;
          var inCallOrder = finished.every(function (n, k) { return n === k; });
          return { count: results.length, bad: results.filter(function (r) { return r !== 'ok'; }),
                   inCallOrder: inCallOrder, burst: echoed.length, burstBad: burstBad,
                   pending: window.__superapp.pendingCount() };
        });
        "#,
    );
    assert_eq!(
        *outcome.report(),
        json!({"count": 400, "bad": [], "inCallOrder": false, "burst": 3000, "burstBad": 0, "pending": 0})
    );
}

fn pages_stay_inside_the_package() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    support::one_page_app(
        &dir,
        r#"
        test(async function () {
          window.marker = 'still here';
          location.href = 'https://example.com/';
          await sleep(300);
          var opened = window.open('https://example.com/');
          await sleep(200);
          async function get(path) {
            var r = await fetch(path);
            return { status: r.status, type: r.headers.get('content-type'), text: r.status === 200 ? await r.text() : '' };
          }
          return {
            refusedWindow: opened === null,
            marker: window.marker,
            href: location.href,
            own: await get('/data/hello.txt'),
            json: (await get('/data/a.json')).type,
            traversal: (await get('/..%2f..%2foutside.txt')).status,
            symlink: (await get('/data/escape.txt')).status,
            missing: (await get('/data/nope.txt')).status,
            reserved: (await get('/__superapp/invoke')).status
          };
        });
        "#,
    );
    write_files(&dir, &[("data/hello.txt", "hello, package"), ("data/a.json", "{}")]);
    std::fs::write(tmp.path().join("outside.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside.txt"), dir.join("data/escape.txt")).unwrap();
    let outcome = run_dir(basic(), &dir, RunOptions::default());
    let report = outcome.report();
    assert_eq!(report["marker"], json!("still here"));
    assert_eq!(report["refusedWindow"], json!(true), "window.open returned a window");
    assert_eq!(report["href"], json!("superapp://app/pages/index/index.html"));
    assert_eq!(report["own"], json!({"status": 200, "type": "text/plain; charset=utf-8", "text": "hello, package"}));
    assert_eq!(report["json"], json!("application/json; charset=utf-8"));
    assert_eq!(report["traversal"], json!(403));
    assert_eq!(report["symlink"], json!(403));
    assert_eq!(report["missing"], json!(404));
    assert_eq!(report["reserved"], json!(400));
}

fn the_run_ends_with_exit_after_or_a_host_exit() {
    // A page that never exits is bounded by exit_after.
    let started = Instant::now();
    let outcome = run_dir(
        basic(),
        &{
            let tmp = tempfile::tempdir().unwrap().keep();
            support::one_page_app(&tmp, "document.getElementById('status').textContent = 'idle';");
            tmp
        },
        RunOptions { exit_after: Some(Duration::from_millis(1500)), ..RunOptions::default() },
    );
    assert_eq!(outcome.exit_code, 0);
    assert!(outcome.reports.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(1500));
    // The host ends a run with its own status.
    let builder = basic().register("quit", |call: MiniApiCall| async move {
        call.host().exit(3).map_err(ApiError::new)?;
        Ok(())
    });
    let outcome = run_page(
        builder,
        "report({ quitting: true }).then(function () { wx.invokeNativePlugin({ api_name: 'quit' }); });",
    );
    assert_eq!(outcome.exit_code, 3);
    assert_eq!(outcome.reports, vec![json!({"quitting": true})]);
    // Closing the window ends the run with status 0 (well before the run limit).
    let builder = basic().register("closeWindow", |call: MiniApiCall| async move {
        call.host().press("close").await.map_err(ApiError::new)?;
        Ok(())
    });
    let started = Instant::now();
    let outcome = run_page(
        builder,
        "report({ closing: true }).then(function () { wx.invokeNativePlugin({ api_name: 'closeWindow' }); });",
    );
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(outcome.reports, vec![json!({"closing": true})]);
    assert!(started.elapsed() < support::RUN_LIMIT / 2, "the run ended by its limit, not by the close");
}

type Test = (&'static str, fn());

const TESTS: &[Test] = &[
    ("the_bridge_exposes_every_built_in", the_bridge_exposes_every_built_in),
    ("sample_runs_every_demo_and_shows_it", sample_runs_every_demo_and_shows_it),
    ("handler_sees_the_tcsas_envelope_and_the_shells_origin", handler_sees_the_tcsas_envelope_and_the_shells_origin),
    ("callbacks_route_by_errmsg_in_order", callbacks_route_by_errmsg_in_order),
    ("progress_arrives_live_and_in_order_before_the_answer", progress_arrives_live_and_in_order_before_the_answer),
    ("sync_calls_return_or_throw", sync_calls_return_or_throw),
    (
        "every_failure_is_one_clear_answer_and_the_shell_goes_on",
        every_failure_is_one_clear_answer_and_the_shell_goes_on,
    ),
    ("malformed_messages_are_dropped_without_harm", malformed_messages_are_dropped_without_harm),
    ("host_events_reach_the_targeted_pages", host_events_reach_the_targeted_pages),
    ("events_for_a_loading_page_wait_until_it_listens", events_for_a_loading_page_wait_until_it_listens),
    ("concurrent_calls_each_reach_their_own_callbacks", concurrent_calls_each_reach_their_own_callbacks),
    ("pages_stay_inside_the_package", pages_stay_inside_the_package),
    ("the_run_ends_with_exit_after_or_a_host_exit", the_run_ends_with_exit_after_or_a_host_exit),
];

fn main() -> ExitCode {
    support::harness::main(TESTS)
}
