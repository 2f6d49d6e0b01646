//! `superapp smoke` as QA runs it: the real binary, headless, on packages built to be
//! hostile, on the WXML sample for the visual baseline and the tap-through, and its HTML
//! report read back from a real webview.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superapp_shell::testing::{self, Failed, Trial};
use superapp_shell::{Package, Shell};
use support::write_files;

fn superapp() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_superapp"));
    command.env("RUST_LOG", "warn").env("SUPERAPP_DATA_DIR", std::env::temp_dir().join("superapp-smoke-tests"));
    command
}

fn run(args: &[&str]) -> Output {
    superapp().args(args).output().expect("superapp runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}\n{}", String::from_utf8_lossy(&output.stdout), stderr(output)))
}

/// Route to page result.
fn page<'a>(report: &'a Value, route: &str) -> &'a Value {
    report["pages"].as_array().unwrap().iter().find(|p| p["route"] == route).unwrap_or_else(|| panic!("no {route}"))
}

/// The hostile package: every page does one thing a page should not.
const HOSTILE_PAGES: [&str; 13] = [
    "pages/ok/ok",
    "pages/late/late",
    "pages/comp/comp",
    "pages/blank/blank",
    "pages/offline/offline",
    "pages/modal/modal",
    "pages/unload/unload",
    "pages/after/after",
    "pages/hang/hang",
    "pages/crash/crash",
    "pages/memory/memory",
    "pages/busy/busy",
    "pages/end/end",
];

fn hostile(dir: &Path) {
    let pages: Vec<String> = HOSTILE_PAGES.iter().map(|p| format!("{p:?}")).collect();
    let app = format!("{{\"pages\": [{}]}}", pages.join(", "));
    write_files(
        dir,
        &[
            ("app.json", &app),
            ("project.config.json", r#"{"appid": "wxhostile", "projectname": "Hostile"}"#),
            ("app.js", "App({})"),
            ("pages/ok/ok.wxml", "<view>fine</view>"),
            ("pages/ok/ok.js", "Page({})"),
            ("pages/end/end.wxml", "<view>the end</view>"),
            ("pages/end/end.js", "Page({})"),
            ("pages/after/after.wxml", "<view>after</view>"),
            ("pages/after/after.js", "Page({})"),
            // A timer this page leaves behind throws while later pages are open.
            ("pages/late/late.wxml", "<view>late</view>"),
            ("pages/late/late.js", "Page({ onLoad() { setTimeout(function () { throw new Error('late timer'); }, 250); } })"),
            // A component's callback throws.
            ("pages/comp/comp.wxml", "<boom/>"),
            ("pages/comp/comp.js", "Page({})"),
            ("pages/comp/comp.json", r#"{"usingComponents": {"boom": "/components/boom/boom"}}"#),
            ("components/boom/boom.wxml", "<view>a component</view>"),
            (
                "components/boom/boom.js",
                "Component({ lifetimes: { attached() { setTimeout(function () { throw new Error('component boom'); }, 0); } } })",
            ),
            ("components/boom/boom.json", r#"{"component": true}"#),
            // Its data never comes: an empty frame, nothing a person would call content.
            ("pages/blank/blank.wxml", "<view style=\"height: 300px\"><view wx:for=\"{{items}}\">{{item}}</view></view>"),
            ("pages/blank/blank.js", "Page({ data: { items: [] } })"),
            // Its backend is unreachable.
            ("pages/offline/offline.wxml", "<view wx:for=\"{{items}}\">{{item}}</view>"),
            (
                "pages/offline/offline.js",
                "Page({ data: { items: [] }, onLoad() { var self = this; wx.request({ url: 'http://127.0.0.1:9/items', \
                 success(res) { self.setData({ items: res.data }); } }); } })",
            ),
            ("pages/unload/unload.wxml", "<view>unload</view>"),
            ("pages/unload/unload.js", "Page({ onUnload() { while (true) {} } })"),
            ("pages/hang/hang.wxml", "<view>never</view>"),
            ("pages/hang/hang.js", "Page({ onLoad() { while (true) {} } })"),
            // It says it is up (a file the test waits for), then holds a call while the
            // test crashes its web process.
            ("pages/crash/crash.wxml", "<view>crash</view>"),
            (
                "pages/crash/crash.js",
                "Page({ onLoad() { wx.getFileSystemManager().writeFileSync(wx.env.USER_DATA_PATH + '/crash-me', 'x'); \
                 wx.showModal({ title: 'holding' }); } })",
            ),
            ("pages/memory/memory.wxml", "<view>memory</view>"),
            (
                "pages/memory/memory.js",
                "Page({ onLoad() { var keep = []; function grow() { for (var i = 0; i < 10; i++) keep.push(new Array(1000000).fill(i)); \
                 setTimeout(grow, 0); } grow(); } })",
            ),
            // Its modal stays up: it waits for a person.
            ("pages/modal/modal.wxml", "<view>modal</view>"),
            ("pages/modal/modal.js", "Page({ onLoad() { wx.showModal({ title: 'Agree?', content: 'terms' }); } })"),
            ("pages/busy/busy.wxml", "<view>busy</view>"),
            ("pages/busy/busy.js", "Page({ onReady() { setTimeout(function () { for (;;) {} }, 0); } })"),
        ],
    );
}

const TIMEOUT_SECS: u64 = 6;

fn a_hostile_mini_program_ends_within_its_bound_with_each_outcome_right() -> Result<(), Failed> {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, data) = (tmp.path().join("app"), tmp.path().join("data"));
    hostile(&dir);
    let (junit, html) = (tmp.path().join("junit.xml"), tmp.path().join("report.html"));
    let timeout = TIMEOUT_SECS.to_string();
    let started = Instant::now();
    let child = superapp()
        .args(["smoke", dir.to_str().unwrap(), "--json", "--page-timeout", &timeout, "--memory-limit", "900"])
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
            "--report",
            html.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The crash page says it is up: kill its web process, as the kernel kills one it is out of memory for.
    let marker = data.join("wxhostile/files/usr/crash-me");
    let pid = child.id();
    let crasher = std::thread::spawn(move || {
        let end = Instant::now() + Duration::from_secs(120);
        while !marker.exists() && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
        }
        support::signal_processes_under(pid, "WebKitWebProces", libc::SIGKILL)
    });
    let output = child.wait_with_output().unwrap();
    let took = started.elapsed();
    assert!(crasher.join().unwrap() > 0, "the crash page's web process was found");
    // The bound: pages x (deadline + the few seconds a restart takes) plus start-up.
    let bound = Duration::from_secs(HOSTILE_PAGES.len() as u64 * (TIMEOUT_SECS + 5) + 30);
    assert!(took < bound, "took {took:?}, more than {bound:?}");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json_of(&output);
    let outcome = |route: &str| page(&report, route)["outcome"].as_str().unwrap().to_string();
    let reason = |route: &str| page(&report, route)["reason"].as_str().unwrap_or_default().to_string();
    let errors = |route: &str| page(&report, route)["errors"].clone();
    assert_eq!(outcome("pages/ok/ok"), "ok", "{report:#}");
    assert_eq!(errors("pages/ok/ok"), json!([]));
    // The late timer's error is its page's, not the page open when it fired.
    assert_eq!(outcome("pages/late/late"), "error", "{report:#}");
    assert!(errors("pages/late/late")[0].as_str().unwrap().starts_with("Error: late timer"), "{report:#}");
    for route in ["pages/comp/comp", "pages/blank/blank", "pages/offline/offline"] {
        assert!(
            errors(route).as_array().unwrap().iter().all(|e| !e.as_str().unwrap().contains("late timer")),
            "{route}: {report:#}"
        );
    }
    // A component's error names its page.
    assert_eq!(outcome("pages/comp/comp"), "error");
    assert!(errors("pages/comp/comp")[0].as_str().unwrap().contains("component boom"), "{report:#}");
    assert_eq!(outcome("pages/blank/blank"), "blank", "{report:#}");
    assert_eq!(page(&report, "pages/blank/blank")["seen"]["textLength"], 0);
    assert_eq!(outcome("pages/offline/offline"), "network", "{report:#}");
    let failed = page(&report, "pages/offline/offline")["failedRequests"][0].as_str().unwrap().to_string();
    assert!(failed.starts_with("GET http://127.0.0.1:9/items: request:fail"), "{failed}");
    // An onUnload that never ends is its own page's fault, not the next page's.
    assert_eq!(outcome("pages/unload/unload"), "timeout", "{report:#}");
    assert!(reason("pages/unload/unload").contains("onUnload did not finish"), "{report:#}");
    assert_eq!(outcome("pages/after/after"), "ok", "{report:#}");
    assert_eq!(outcome("pages/hang/hang"), "timeout");
    assert!(reason("pages/hang/hang").contains("busy"), "{report:#}");
    assert_eq!(outcome("pages/crash/crash"), "crashed", "{report:#}");
    assert!(reason("pages/crash/crash").contains("crashed"), "{report:#}");
    assert_eq!(outcome("pages/memory/memory"), "crashed", "{report:#}");
    assert!(reason("pages/memory/memory").contains("over the limit of 900 MB"), "{report:#}");
    assert_eq!(outcome("pages/busy/busy"), "timeout", "{report:#}");
    assert!(reason("pages/busy/busy").contains("busy"), "{report:#}");
    assert_eq!(outcome("pages/modal/modal"), "timeout", "{report:#}");
    assert!(reason("pages/modal/modal").starts_with("a modal is up: \"Agree?\""), "{report:#}");
    // After all that, a page opens as it should.
    assert_eq!(outcome("pages/end/end"), "ok", "{report:#}");
    // The JUnit file, as a CI server reads it.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), HOSTILE_PAGES.len());
    let failure = |name: &str| {
        let case = cases.iter().find(|c| c.attribute("name") == Some(name)).unwrap();
        case.children().find(|c| c.has_tag_name("failure")).map(|f| f.attribute("type").unwrap().to_string())
    };
    assert_eq!(failure("pages/ok/ok"), None);
    assert_eq!(failure("pages/hang/hang").as_deref(), Some("timeout"));
    assert_eq!(failure("pages/crash/crash").as_deref(), Some("crashed"));
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
    assert_eq!(suite.attribute("tests"), Some("13"));
    assert!(html.exists());
    Ok(())
}

fn mock_answers_let_a_mini_program_with_an_unreachable_backend_be_measured() -> Result<(), Failed> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    write_files(
        &dir,
        &[
            ("app.json", r#"{"pages": ["pages/shop/shop"]}"#),
            ("app.js", "App({})"),
            ("pages/shop/shop.wxml", "<view wx:for=\"{{items}}\" class=\"item\">{{item}}</view>"),
            (
                "pages/shop/shop.js",
                "Page({ data: { items: [] }, onLoad() { var self = this; wx.request({ url: 'http://127.0.0.1:9/items', \
                 success(res) { self.setData({ items: res.data }); } }); } })",
            ),
        ],
    );
    let unreachable = run(&["smoke", dir.to_str().unwrap(), "--json"]);
    assert_eq!(page(&json_of(&unreachable), "pages/shop/shop")["outcome"], "network");
    let mocks = tmp.path().join("mocks.json");
    std::fs::write(&mocks, r#"{"request GET http://127.0.0.1:9/items": {"result": {"data": ["tea", "cake"]}}}"#)
        .unwrap();
    let mocked = run(&["smoke", dir.to_str().unwrap(), "--json", "--mock", mocks.to_str().unwrap()]);
    assert_eq!(mocked.status.code(), Some(0), "{}", stderr(&mocked));
    let shop = json_of(&mocked)["pages"][0].clone();
    assert_eq!((shop["outcome"].as_str(), shop["failedRequests"].clone()), (Some("ok"), json!([])), "{shop}");
    assert!(shop["seen"]["textLength"].as_u64().unwrap() >= "teacake".len() as u64, "{shop}");
    Ok(())
}

fn sigterm_writes_the_report_of_the_pages_done_and_lists_the_rest() -> Result<(), Failed> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    write_files(
        &dir,
        &[
            ("app.json", r#"{"pages": ["pages/ok/ok", "pages/after/after", "pages/hang/hang", "pages/end/end"]}"#),
            ("app.js", "App({})"),
            ("pages/ok/ok.wxml", "<view>fine</view>"),
            ("pages/ok/ok.js", "Page({})"),
            ("pages/after/after.wxml", "<view>after</view>"),
            ("pages/after/after.js", "Page({})"),
            ("pages/hang/hang.wxml", "<view>never</view>"),
            ("pages/hang/hang.js", "Page({ onLoad() { while (true) {} } })"),
            ("pages/end/end.wxml", "<view>the end</view>"),
            ("pages/end/end.js", "Page({})"),
        ],
    );
    let mut child = superapp()
        .args(["smoke", dir.to_str().unwrap(), "--json", "--page-timeout", "20"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the hanging page is open (its deadline is long), the run is stopped.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = Vec::new();
    for line in lines.by_ref().map_while(Result::ok) {
        let opened = line.contains("page opened") && line.contains("pages/hang/hang");
        log.push(line);
        if opened {
            break;
        }
    }
    // (the rest of its log is read on, so that writing it never fails)
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let stopped = Instant::now();
    unsafe_kill(child.id(), libc::SIGTERM);
    let output = child.wait_with_output().unwrap();
    log.extend(rest.join().unwrap());
    assert!(stopped.elapsed() < Duration::from_secs(15), "took {:?} after SIGTERM", stopped.elapsed());
    assert_eq!(output.status.code(), Some(143), "{}", log.join("\n"));
    let report = json_of(&output);
    assert_eq!(report["stopped"], "SIGTERM");
    assert_eq!(page(&report, "pages/ok/ok")["outcome"], "ok");
    assert_eq!(page(&report, "pages/after/after")["outcome"], "ok");
    for route in ["pages/hang/hang", "pages/end/end"] {
        assert_eq!(page(&report, route)["outcome"], "notReached", "{route}: {report:#}");
    }
    assert_eq!(report["pages"].as_array().unwrap().len(), 4);
    Ok(())
}

fn unsafe_kill(pid: u32, signal: i32) {
    #[allow(unsafe_code)]
    // SAFETY: kill(2) has no memory preconditions; the pid is our child's.
    unsafe {
        libc::kill(pid as i32, signal);
    }
}

fn the_sample_twice_gives_no_visual_change_and_a_changed_style_one() -> Result<(), Failed> {
    let tmp = tempfile::tempdir().unwrap();
    let sample = tmp.path().join("sample");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_wxml"), &sample);
    let (shots, baseline) = (tmp.path().join("shots"), tmp.path().join("baseline"));
    let smoke = |extra: &[&str]| {
        let mut args = vec!["smoke", sample.to_str().unwrap(), "--json", "--screenshots", shots.to_str().unwrap()];
        args.extend_from_slice(&["--baseline", baseline.to_str().unwrap()]);
        args.extend_from_slice(extra);
        run(&args)
    };
    let first = smoke(&["--update-baseline"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(baseline.join("pages/index/index.png").exists());
    let again = smoke(&[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let report = json_of(&again);
    for page in report["pages"].as_array().unwrap() {
        assert_eq!(page["screenshot"]["changedPixels"], 0, "{page:#}");
    }
    // A style changes on the detail page only.
    let wxss = sample.join("pages/detail/detail.wxss");
    let mut style = std::fs::read_to_string(&wxss).unwrap_or_default();
    style.push_str("\npage { background-color: #ffd0d0; }\n");
    std::fs::write(&wxss, style).unwrap();
    let html = tmp.path().join("report.html");
    let changed = smoke(&["--report", html.to_str().unwrap()]);
    assert_eq!(changed.status.code(), Some(1), "{}", stderr(&changed));
    let report = json_of(&changed);
    let outcomes: Vec<(String, String)> = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["route"].as_str().unwrap().into(), p["outcome"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("pages/index/index".into(), "ok".into()),
            ("pages/detail/detail".into(), "changed".into()),
            ("pages/controls/controls".into(), "ok".into())
        ]
    );
    assert!(shots.join("pages/detail/detail.diff.png").exists());
    report_reads_back_in_a_webview(&html)
}

/// The HTML report, opened as a page in the real shell: its cards, thumbnails and filter.
fn report_reads_back_in_a_webview(html: &Path) -> Result<(), Failed> {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("app.json", r#"{"pages": ["pages/report/report"]}"#),
            ("pages/report/report.html", &std::fs::read_to_string(html).unwrap()),
        ],
    );
    let package = Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder().data_dir(tmp.path().join("data")), package, |app| {
        app.wait_for("section.page", testing::WAIT)?;
        assert_eq!(app.count("section.page")?, 3);
        assert_eq!(app.count("section.page img.thumbnail")?, 3, "a thumbnail per page");
        assert_eq!(app.count("section[data-outcome=changed] img.diff")?, 1, "the diff of the changed page");
        assert_eq!(app.attribute("section[data-outcome=changed]", "data-route")?, json!("pages/detail/detail"));
        assert!(app.text("#summary")?.starts_with("2 of 3 pages ok (1 changed)"), "{}", app.text("#summary")?);
        app.tap("button[data-filter=changed]")?;
        app.wait_until(|app| Ok(app.count("section.page.hidden")? == 2), testing::WAIT)?;
        app.tap("button[data-filter=all]")?;
        app.wait_until(|app| Ok(app.count("section.page.hidden")? == 0), testing::WAIT)?;
        Ok(())
    })
}

fn explore_taps_through_the_wxml_sample() -> Result<(), Failed> {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_wxml");
    let output = run(&["smoke", sample.to_str().unwrap(), "--json", "--explore", "--explore-budget", "6"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json_of(&output);
    let index = page(&report, "pages/index/index");
    let actions = index["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 6, "{index:#}");
    for action in actions {
        assert_eq!(action["outcome"], "ok", "{action}");
    }
    // The fruit rows answer their tap in the logic layer; the navigator leads on.
    assert!(actions.iter().any(|a| a["target"].as_str().unwrap().starts_with("view \"1. Apple")), "{index:#}");
    assert!(actions.iter().any(|a| a["reached"] == "pages/detail/detail"), "{index:#}");
    assert!(actions.iter().any(|a| a["calls"].as_array().unwrap().iter().any(|c| c == "myApiName")), "{index:#}");
    Ok(())
}

/// Vant's calendar sets its data in `created`, before it is attached: that data must wait
/// for the component's first data (drawn alone, its template loops for ever on dates it
/// lacks, and the web process grows until the machine runs out of memory).
fn vants_calendar_opens_and_so_does_the_next_page() -> Result<(), Failed> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    write_files(
        &dir,
        &[
            (
                "app.json",
                r#"{"pages": ["pages/calendar/calendar", "pages/next/next"],
                    "usingComponents": {"van-calendar": "@vant/weapp/calendar/index"}}"#,
            ),
            ("app.js", "App({})"),
            (
                "pages/calendar/calendar.wxml",
                "<view style=\"height: 600px\"><van-calendar poppable=\"{{ false }}\" show-confirm=\"{{ false }}\" /></view>",
            ),
            ("pages/calendar/calendar.js", "Page({})"),
            ("pages/next/next.wxml", "<view>next</view>"),
            ("pages/next/next.js", "Page({})"),
        ],
    );
    let vant = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/@vant/weapp/dist");
    copy_dir(&vant, &dir.join("miniprogram_npm/@vant/weapp"));
    let output = run(&["smoke", dir.to_str().unwrap(), "--json", "--page-timeout", "10"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json_of(&output);
    let calendar = page(&report, "pages/calendar/calendar");
    assert_eq!(calendar["outcome"], "ok", "{report:#}");
    // The days of a month show (2024-01-15 is the day smoke runs on).
    assert!(calendar["seen"]["textLength"].as_u64().unwrap() > 40, "{report:#}");
    assert_eq!(page(&report, "pages/next/next")["outcome"], "ok", "{report:#}");
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn main() -> ExitCode {
    testing::harness(vec![
        Trial::test(
            "a_hostile_mini_program_ends_within_its_bound_with_each_outcome_right",
            a_hostile_mini_program_ends_within_its_bound_with_each_outcome_right,
        ),
        Trial::test(
            "mock_answers_let_a_mini_program_with_an_unreachable_backend_be_measured",
            mock_answers_let_a_mini_program_with_an_unreachable_backend_be_measured,
        ),
        Trial::test(
            "sigterm_writes_the_report_of_the_pages_done_and_lists_the_rest",
            sigterm_writes_the_report_of_the_pages_done_and_lists_the_rest,
        ),
        Trial::test(
            "the_sample_twice_gives_no_visual_change_and_a_changed_style_one",
            the_sample_twice_gives_no_visual_change_and_a_changed_style_one,
        ),
        Trial::test("explore_taps_through_the_wxml_sample", explore_taps_through_the_wxml_sample),
        Trial::test("vants_calendar_opens_and_so_does_the_next_page", vants_calendar_opens_and_so_does_the_next_page),
    ])
}
