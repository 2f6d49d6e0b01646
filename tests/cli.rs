//! The `superapp` command line, run as QA and scripts run it: a real process, headless.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn superapp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_superapp"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env("SUPERAPP_DATA_DIR", std::env::temp_dir().join("superapp-cli-tests"))
        .output()
        .expect("superapp runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn trace_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn without_a_display_it_names_the_headless_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_superapp"))
        .args(["run"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "superapp: no display: $DISPLAY is not set; pass --headless to run under a private Xvfb\n"
    );
}

#[test]
fn a_bad_mock_file_is_refused_naming_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let mock = tmp.path().join("mock.json");
    std::fs::write(&mock, r#"{"getUser": {"result": {"a": 1}, "fail": "x"}}"#).unwrap();
    let output = superapp(&["run", "--headless", "--mock", mock.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "superapp: mock file {:?}: \"getUser\": expected exactly one of \"result\" or \"fail\"\n",
            mock.display().to_string()
        )
    );
    // A wx.request rule must say its method and url.
    std::fs::write(&mock, r#"{"request https://a.test/items": {"result": {"data": 1}}}"#).unwrap();
    let output = superapp(&["run", "--headless", "--mock", mock.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "superapp: mock file {:?}: \"request https://a.test/items\": expected \"request <METHOD> <url>\"\n",
            mock.display().to_string()
        )
    );
}

#[test]
fn an_invalid_package_is_refused_naming_file_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    support::write_files(tmp.path(), &[("app.json", r#"{"pages":["pages/missing/missing"]}"#)]);
    let output = superapp(&["run", "--headless", tmp.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.ends_with(
            "app.json: field \"pages[0]\": page \"pages/missing/missing\" has no file \"pages/missing/missing.html\" or \"pages/missing/missing.wxml\"\n"
        ),
        "{message}"
    );
}

#[test]
fn wxss_and_wxml_errors_are_one_line_and_exit_2_before_any_page_opens() {
    let cases = [
        ("app.wxss", "page { color: red; }\n.a { color: red\n", "app.wxss:2:12: unexpected token '$'"),
        ("app.wxss", "page {}\n.a { color: red; }}\n", "app.wxss:2:19: error at token '}'"),
        (
            "pages/home/home.wxml",
            "<view><text>{{a}}</text></vie>\n",
            "pages/home/home.wxml:1:26: expect end-tag 'view'., near 'vie'",
        ),
    ];
    for (file, text, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let mut files = vec![
            ("app.json", r#"{"pages":["pages/home/home"]}"#),
            ("app.js", "App({})"),
            ("app.wxss", "page {}"),
            ("pages/home/home.js", "Page({})"),
            ("pages/home/home.wxml", "<view>home</view>"),
        ];
        files.retain(|(name, _)| *name != file);
        files.push((file, text));
        support::write_files(tmp.path(), &files);
        let output = Command::new(env!("CARGO_BIN_EXE_superapp"))
            .args(["run", "--headless", tmp.path().to_str().unwrap()])
            .env("RUST_LOG", "info")
            .env("SUPERAPP_DATA_DIR", std::env::temp_dir().join("superapp-cli-tests"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{file}: {}", stderr(&output));
        // The one line, and nothing else: no page opened, no Xvfb started.
        assert_eq!(stderr(&output), format!("superapp: {expected}\n"), "{file}");
    }
}

#[test]
fn smoke_opens_every_page_and_reports_each() {
    let tmp = tempfile::tempdir().unwrap();
    support::write_files(
        tmp.path(),
        &[
            ("app.json", r#"{"pages": ["pages/ok/ok", "pages/bad/bad", "pages/sub/sub"]}"#),
            ("app.js", "App({})"),
            ("pages/ok/ok.wxml", "<view>ok</view>"),
            ("pages/ok/ok.js", "Page({})"),
            ("pages/bad/bad.wxml", "<view>bad</view>"),
            ("pages/bad/bad.js", "Page({\n  onLoad: function () {\n    wx.noSuchApi();\n  }\n});\n"),
            ("pages/sub/sub.wxml", "<view>{{n}}</view><live-pusher url=\"rtmp://x\"/>"),
            ("pages/sub/sub.js", "Page({ data: { n: 1 } })"),
        ],
    );
    let output = superapp(&["smoke", tmp.path().to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows: Vec<(String, String, Value)> = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["route"].as_str().unwrap().into(), p["outcome"].as_str().unwrap().into(), p["errors"].clone()))
        .collect();
    assert_eq!(rows[0], ("pages/ok/ok".into(), "ok".into(), json!([])));
    assert_eq!((rows[1].0.as_str(), rows[1].1.as_str()), ("pages/bad/bad", "error"));
    let error = rows[1].2[0].as_str().unwrap();
    assert!(error.starts_with("TypeError:") && error.ends_with("(at pages/bad/bad.js:3:17)"), "{error}");
    assert_eq!(rows[2], ("pages/sub/sub".into(), "ok".into(), json!([])));
    assert_eq!(report["pages"][2]["unsupported"], json!(["live-pusher"]), "components the shell lacks");
    assert_eq!(report["pages"][0]["unsupported"], json!([]));
    // The table, for a person.
    let output = superapp(&["smoke", tmp.path().to_str().unwrap()]);
    let table = String::from_utf8_lossy(&output.stdout);
    let last = table.lines().last().unwrap_or_default();
    assert!(last.starts_with("2 of 3 pages ok (1 error), in ") && last.ends_with(" ms a page)"), "{table}");
    assert!(table.contains("wx functions pages called that the shell lacks: noSuchApi (1)\n"), "{table}");
    assert!(table.contains("components pages used that the shell lacks: live-pusher (1)\n"), "{table}");
    // A known share of failing pages may be accepted.
    let output = superapp(&["smoke", tmp.path().to_str().unwrap(), "--min-pass", "0.6"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn exit_after_bounds_the_run_of_the_sample() {
    let output = Command::new(env!("CARGO_BIN_EXE_superapp"))
        .args(["run", "--headless", "--exit-after", "1"])
        .env("RUST_LOG", "info")
        .env("SUPERAPP_DATA_DIR", std::env::temp_dir().join("superapp-cli-tests"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Log lines into a pipe are plain text: no colour codes.
    let log = stderr(&output);
    assert!(log.contains(" INFO ") && log.contains("page opened"), "{log}");
    assert!(!log.contains('\x1b'), "{log}");
    let output = superapp(&["run", "--headless", "--exit-after", "-1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--exit-after must be a non-negative number of seconds, got -1"));
}

#[test]
fn mocks_answer_like_handlers_and_the_trace_records_every_call() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    // The page reports through `__report`, itself answered by a mock: the trace is how
    // this test sees what the page saw.
    support::one_page_app(
        &app,
        r#"
        test(async function () {
          var states = [];
          var user = await new Promise(function (resolve) {
            wx.invokeNativePlugin({ api_name: 'getUser', data: { id: 7 },
              progress: function (s) { states.push(s); }, success: resolve, fail: resolve });
          });
          var pay;
          try { await wx.invokeNativePlugin({ api_name: 'pay', data: { amount: 3 } }); } catch (e) { pay = e; }
          var seed = await wx.invokeNativePlugin({ api_name: 'myApiName', data: { name: 'kka', age: 22 } });
          var nulled = await wx.invokeNativePlugin({ api_name: 'myApiName2' });
          return { user: user, states: states, pay: pay, seed: seed, nulled: nulled };
        });
        "#,
    );
    let mock = tmp.path().join("mock.json");
    std::fs::write(
        &mock,
        r#"{
          "getUser": {"result": {"name": "kka"}, "delayMs": 200, "states": [{"p": 1}, {"p": 2}]},
          "pay": {"fail": "card declined"},
          "myApiName2": {"result": null},
          "__report": {"result": null}
        }"#,
    )
    .unwrap();
    let trace = tmp.path().join("trace.jsonl");
    let output = superapp(&[
        "run",
        "--headless",
        "--exit-after",
        "40",
        "--mock",
        mock.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
        app.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = trace_lines(&trace);
    let names: Vec<&str> = lines.iter().map(|l| l["api_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["getUser", "pay", "myApiName", "myApiName2", "__report", "exitMiniProgram"]);
    for line in &lines {
        assert_eq!(line["appId"], json!("wxtest"));
        assert_eq!(line["webViewId"], json!(1));
        assert!(line["time"].as_str().unwrap().ends_with('Z'), "{line}");
        assert!(line["durationUs"].is_u64(), "{line}");
    }
    let get_user = &lines[0];
    assert_eq!(get_user["data"], json!({"id": 7}));
    assert_eq!(get_user["outcome"], json!("ok"));
    assert_eq!(get_user["result"], json!({"name": "kka"}));
    assert_eq!(get_user["states"], json!(2));
    assert!(get_user["durationUs"].as_u64().unwrap() >= 200_000, "{get_user}");
    assert_eq!(lines[1]["outcome"], json!("fail"));
    assert_eq!(lines[1]["errMsg"], json!("invokeNativePlugin:fail card declined"));
    assert_eq!(lines[1]["data"], json!({"amount": 3}));
    assert_eq!(lines[2]["result"], json!({"result": "success", "method": "myApiHandler"}));
    assert_eq!(
        lines[4]["data"],
        json!({
            "user": {"name": "kka", "errMsg": "invokeNativePlugin:ok"},
            "states": [{"p": 1}, {"p": 2}],
            "pay": {"errMsg": "invokeNativePlugin:fail card declined"},
            "seed": {"result": "success", "method": "myApiHandler", "errMsg": "invokeNativePlugin:ok"},
            "nulled": {"errMsg": "invokeNativePlugin:ok"},
        })
    );
}

#[test]
fn bench_quick_prints_every_figure_as_json() {
    // A smoke run: it checks the report's shape, never its timings.
    let output = superapp(&["bench", "--quick"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON object");
    let number = |path: &[&str]| {
        let mut value = &report;
        for key in path {
            value = &value[*key];
        }
        assert!(value.is_number(), "{path:?} is {value} in {report:#}");
    };
    for side in ["floor", "bridge"] {
        number(&[side, "seq_p50_us"]);
        number(&[side, "seq_p99_us"]);
        number(&[side, "throughput_cps"]);
        for size in ["1024", "65536", "1048576"] {
            number(&[side, "payload_p50_us", size]);
        }
    }
    number(&["bridge", "sync_p50_us"]);
    for inflight in ["1", "10", "100", "1000", "10000"] {
        number(&["bridge", "throughput_cps_by_inflight", inflight]);
    }
    for key in ["seq_p50", "throughput", "payload_1MiB_p50"] {
        number(&["ratio", key]);
    }
    number(&["navigate_to_onload_p50_ms"]);
    number(&["navigate_back_p50_ms"]);
    number(&["cold_start_ms", "floor"]);
    number(&["cold_start_ms", "shell"]);
    number(&["open", "large_project_ms", "first"]);
    number(&["open", "large_project_ms", "second"]);
    number(&["open", "second_vs_cold_start"]);
    for pages in ["1", "5", "10"] {
        number(&["memory_pss_mib", pages]);
    }
    assert!(stderr(&output).contains("floor: raw wry round trips"));
    number(&["floor_tokio_hop", "seq_p50_us"]);
    number(&["wxml", "navigate_to_ready_ms"]);
    number(&["wxml", "set_data_p50_us"]);
    number(&["wxml", "set_data_list_p50_us"]);
}
