//! The `superapp` process as an operating system sees it: signals, a SIGKILL in the middle
//! of writes, the data directory it picks, the files it leaves, and the processes it
//! starts (none may outlive it).

mod support;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use superapp_shell::core::storage::Storage;

/// A unique mark in the environment of one shell process: its Xvfb and WebKit processes
/// inherit it, so they can be found after it has gone.
fn marker() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("superapp-test-{}-{n}-{nanos}", std::process::id())
}

/// Processes whose environment carries `mark`, as `pid command`.
fn processes_marked(mark: &str) -> Vec<String> {
    let needle = format!("SUPERAPP_TEST_MARK={mark}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|b| *b == 0).any(|var| var == needle.as_bytes()) {
            let cmd = std::fs::read_to_string(entry.path().join("cmdline")).unwrap_or_default().replace('\0', " ");
            found.push(format!("{name} {cmd}"));
        }
    }
    found
}

/// Waits until no process carries `mark` (they end within moments of the shell).
fn assert_none_left(mark: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = processes_marked(mark);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes outlived the shell: {left:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `run --headless --exit-after SECS --mock MOCK --trace TRACE APP`.
fn run_args(secs: &str, mock: &Path, trace: &Path, app: &Path) -> Vec<String> {
    let path = |p: &Path| p.to_str().unwrap().to_string();
    ["run", "--headless", "--exit-after", secs, "--mock"]
        .iter()
        .map(|s| s.to_string())
        .chain([path(mock), "--trace".into(), path(trace), path(app)])
        .collect()
}

fn shell<S: AsRef<std::ffi::OsStr>>(args: &[S], mark: &str, data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_superapp"));
    command
        .args(args)
        .env("RUST_LOG", "info")
        .env("SUPERAPP_TEST_MARK", mark)
        .env("SUPERAPP_DATA_DIR", data)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn trace_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Waits for a trace line that `pred` accepts (the trace is written as calls finish).
fn wait_for_trace(child: &mut Child, path: &Path, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let lines = trace_lines(path);
        if pred(&lines) {
            return lines;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the shell ended ({status}) before the trace showed what was awaited: {lines:?}");
        }
        assert!(Instant::now() < deadline, "timed out waiting on the trace: {lines:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn write_mock(dir: &Path, mocks: Value) -> PathBuf {
    let path = dir.join("mock.json");
    std::fs::write(&path, mocks.to_string()).unwrap();
    path
}

/// Who a stop signal goes to.
#[derive(Debug, Clone, Copy)]
enum To {
    /// The shell alone (`kill PID`, as a service manager that stops the main process).
    Shell,
    /// The shell's whole process group (`kill -- -PGID`, as Ctrl-C in a terminal does).
    Group,
}

fn signal(child: &Child, signal: i32, to: To) {
    // kill(1): the test needs no unsafe code for it.
    let target = match to {
        To::Shell => child.id().to_string(),
        To::Group => format!("-{}", child.id()),
    };
    let status = Command::new("kill").arg(format!("-{signal}")).arg("--").arg(target).status().unwrap();
    assert!(status.success());
}

/// One run of the stop page until `ready`, stopped by `sig` sent `to`; returns the trace
/// and the shell's terminal output.
fn run_and_stop(app: &Path, data: &Path, tmp: &Path, sig: i32, to: To) -> (Vec<Value>, String) {
    let mock = write_mock(
        tmp,
        json!({"slow": {"result": null, "delayMs": 60000}, "ready": {"result": null}, "unloaded": {"result": null},
               "sawFail": {"result": null}, "found": {"result": null}}),
    );
    let trace = tmp.join(format!("trace-{}.jsonl", marker()));
    let mark = marker();
    // Its own process group, as a shell started from a terminal has.
    let mut child = shell(&run_args("60", &mock, &trace, app), &mark, data).process_group(0).spawn().unwrap();
    wait_for_trace(&mut child, &trace, |lines| lines.iter().any(|l| l["api_name"] == "ready"));
    assert!(!processes_marked(&mark).is_empty());
    let sent = Instant::now();
    signal(&child, sig, to);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{sig} to {to:?}: {stderr}");
    assert!(sent.elapsed() < Duration::from_secs(10), "the shell took {:?} to stop", sent.elapsed());
    assert_none_left(&mark);
    (trace_lines(&trace), stderr)
}

fn stopping_on(sig: i32, to: To) {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    support::one_page_app(
        &app,
        r#"
        Page({ onUnload: function () {
          wx.setStorageSync('draft', 'saved on unload');
          wx.invokeNativePlugin({ api_name: 'unloaded', data: { route: this.route } });
        } });
        wx.invokeNativePlugin({ api_name: 'found', data: { draft: wx.getStorageSync('draft') } });
        wx.invokeNativePlugin({ api_name: 'slow', data: 1,
          fail: function (res) { wx.invokeNativePlugin({ api_name: 'sawFail', data: res.errMsg }); } });
        wx.invokeNativePlugin({ api_name: 'ready' });
        "#,
    );
    let data = tmp.path().join("data");
    let (lines, stderr) = run_and_stop(&app, &data, tmp.path(), sig, to);
    let seen = |lines: &[Value], name: &str| lines.iter().find(|l| l["api_name"] == name).cloned();
    assert_eq!(seen(&lines, "found").unwrap()["data"], json!({"draft": ""}));
    // The page unloaded first, and the calls its onUnload made were answered normally;
    // only then was the call in flight at the signal failed, and traced, once.
    let unloaded = seen(&lines, "unloaded").unwrap_or_else(|| panic!("onUnload did not run: {lines:?}\n{stderr}"));
    assert_eq!(
        (unloaded["data"].clone(), unloaded["outcome"].clone()),
        (json!({"route": "pages/index/index"}), json!("ok"))
    );
    let slow: Vec<&Value> = lines.iter().filter(|l| l["api_name"] == "slow").collect();
    assert_eq!(slow.len(), 1, "the call in flight is traced once: {lines:?}");
    assert_eq!(slow[0]["errMsg"], json!("invokeNativePlugin:fail the shell is shutting down"));
    assert!(stderr.contains("shutting down: closing the pages"), "{stderr}");
    // What onUnload stored is there for the next run.
    let (lines, _) = run_and_stop(&app, &data, tmp.path(), 15, To::Shell);
    assert_eq!(seen(&lines, "found").unwrap()["data"], json!({"draft": "saved on unload"}), "{sig} to {to:?}");
}

#[test]
fn sigterm_to_the_shell_unloads_the_pages_keeps_their_writes_and_exits_0() {
    stopping_on(15, To::Shell);
}

#[test]
fn sigint_to_the_shell_does_the_same() {
    stopping_on(2, To::Shell);
}

#[test]
fn ctrl_c_sigint_to_the_process_group_does_the_same() {
    stopping_on(2, To::Group);
}

#[test]
fn sigterm_to_the_process_group_does_the_same() {
    stopping_on(15, To::Group);
}

#[test]
fn a_sigkill_mid_stream_loses_no_acknowledged_write() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    // Writes a stream of keys; each success callback tells the host (through the trace)
    // that its write was acknowledged.
    support::one_page_app(
        &app,
        r#"
        var i = 0;
        function next() {
          var key = 'k' + i, value = { n: i, text: 'value ' + i + ' '.repeat(i % 50) };
          i++;
          wx.setStorage({ key: key, data: value,
            success: function () { wx.invokeNativePlugin({ api_name: 'acked', data: key }); next(); },
            fail: function (res) { wx.invokeNativePlugin({ api_name: 'failed', data: res.errMsg }); } });
        }
        next(); next(); next();
        "#,
    );
    let mock = write_mock(tmp.path(), json!({"acked": {"result": null}, "failed": {"result": null}}));
    let trace = tmp.path().join("trace.jsonl");
    let mark = marker();
    let data = tmp.path().join("data");
    let mut child = shell(&run_args("60", &mock, &trace, &app), &mark, &data).spawn().unwrap();
    wait_for_trace(&mut child, &trace, |lines| lines.iter().filter(|l| l["api_name"] == "acked").count() >= 150);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let acked: Vec<String> = trace_lines(&trace)
        .iter()
        .filter(|l| l["api_name"] == "acked")
        .map(|l| l["data"].as_str().unwrap().to_string())
        .collect();
    assert!(acked.len() >= 150);
    // The store loads, and every acknowledged write is there with its value.
    let storage = Storage::new(data.clone());
    for key in &acked {
        let n: usize = key[1..].parse().unwrap();
        let item = storage.get("wxtest", key).unwrap_or_else(|err| panic!("{key}: {err}"));
        let value: Value = serde_json::from_str(&item.data).unwrap();
        assert_eq!(value, json!({"n": n, "text": format!("value {n}{}", " ".repeat(n % 50))}), "{key}");
        assert_eq!(item.data_type, "Object");
    }
    assert!(trace_lines(&trace).iter().all(|l| l["api_name"] != "failed"));
    assert_none_left(&mark);
    // And the shell itself starts on that store: a run reads the last acknowledged key.
    let last = acked.last().unwrap().clone();
    let reader = tmp.path().join("reader");
    support::one_page_app(&reader, &format!("test(function () {{ return wx.getStorageSync({last:?}); }});"));
    let mock = write_mock(tmp.path(), json!({"__report": {"result": null}}));
    let trace = tmp.path().join("reader.jsonl");
    let output = shell(&run_args("40", &mock, &trace, &reader), &marker(), &data).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report = trace_lines(&trace).into_iter().find(|l| l["api_name"] == "__report").unwrap();
    let n: usize = last[1..].parse().unwrap();
    assert_eq!(report["data"]["n"], json!(n));
}

#[test]
fn a_corrupt_store_file_is_reported_in_the_terminal_and_as_a_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let storage = Storage::new(data.clone());
    storage
        .set(
            "wxtest",
            superapp_shell::core::storage::Item {
                key: "profile".into(),
                data: "{\"a\":1}".into(),
                data_type: "Object".into(),
            },
        )
        .unwrap();
    let file = data.join("wxtest/storage").join(superapp_shell::core::storage::file_name("profile"));
    std::fs::write(&file, b"{\"key\":\"profile\",\"da").unwrap();
    let app = tmp.path().join("app");
    support::one_page_app(
        &app,
        r#"test(async function () {
          var sync, async_;
          try { wx.getStorageSync('profile'); } catch (e) { sync = e.errMsg; }
          try { await wx.getStorage({ key: 'profile' }); } catch (e) { async_ = e.errMsg; }
          return { sync: sync, async: async_, missing: wx.getStorageSync('never') };
        });"#,
    );
    let mock = write_mock(tmp.path(), json!({"__report": {"result": null}}));
    let trace = tmp.path().join("trace.jsonl");
    let mark = marker();
    let output = shell(&run_args("40", &mock, &trace, &app), &mark, &data).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("a storage file is corrupt"), "{stderr}");
    let report = trace_lines(&trace).into_iter().find(|l| l["api_name"] == "__report").unwrap();
    let name = superapp_shell::core::storage::file_name("profile");
    assert_eq!(report["data"]["missing"], json!(""));
    for (key, api) in [("sync", "getStorageSync"), ("async", "getStorage")] {
        let text = report["data"][key].as_str().unwrap();
        assert!(
            text.starts_with(&format!("{api}:fail storage item \"profile\" is corrupt ({name}): not a storage item: ")),
            "{text}"
        );
    }
    assert_none_left(&mark);
}

fn storage_page(dir: &Path) {
    support::one_page_app(dir, "test(function () { wx.setStorageSync('where', 'here'); return true; });");
}

#[test]
fn data_goes_to_data_dir_else_superapp_data_dir_else_xdg_else_home() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    storage_page(&app);
    let mock = write_mock(tmp.path(), json!({"__report": {"result": null}}));
    let run = |extra: &[&str], env: &[(&str, &Path)], unset: &[&str]| {
        let mut args = vec!["run", "--headless", "--exit-after", "40", "--mock", mock.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(app.to_str().unwrap());
        let mark = marker();
        let mut command = shell(&args, &mark, &tmp.path().join("unused"));
        command.env_remove("SUPERAPP_DATA_DIR");
        for name in unset {
            command.env_remove(name);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert_none_left(&mark);
    };
    let stored = |root: &Path| Storage::new(root.to_path_buf()).get("wxtest", "where").map(|item| item.data).ok();
    let flag = tmp.path().join("flag");
    run(&["--data-dir", flag.to_str().unwrap()], &[("SUPERAPP_DATA_DIR", &tmp.path().join("env"))], &[]);
    assert_eq!(stored(&flag).as_deref(), Some("here"), "--data-dir wins");
    assert_eq!(stored(&tmp.path().join("env")), None);
    let env = tmp.path().join("env");
    run(&[], &[("SUPERAPP_DATA_DIR", &env), ("XDG_DATA_HOME", &tmp.path().join("xdg"))], &[]);
    assert_eq!(stored(&env).as_deref(), Some("here"), "then $SUPERAPP_DATA_DIR");
    let xdg = tmp.path().join("xdg");
    run(&[], &[("XDG_DATA_HOME", &xdg)], &[]);
    assert_eq!(stored(&xdg.join("superapp-shell")).as_deref(), Some("here"), "then $XDG_DATA_HOME/superapp-shell");
    let home = tmp.path().join("home");
    run(&[], &[("HOME", &home)], &["XDG_DATA_HOME"]);
    assert_eq!(stored(&home.join(".local/share/superapp-shell")).as_deref(), Some("here"), "then ~/.local/share");
}

#[test]
fn screenshot_from_the_command_line_is_a_png_of_the_window() {
    let tmp = tempfile::tempdir().unwrap();
    let shot = tmp.path().join("shot.png");
    let mark = marker();
    let output = shell(
        &["run", "--headless", "--exit-after", "3", "--screenshot", shot.to_str().unwrap()],
        &mark,
        &tmp.path().join("data"),
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (390, 760), "the window's size");
    let first = &pixels[..3];
    let distinct = pixels.chunks(info.line_size / info.width as usize).filter(|px| &px[..3] != first).count();
    assert!(distinct > 1000, "the screenshot shows something: {distinct} pixels differ from the first");
    assert_none_left(&mark);
}

#[test]
fn an_invalid_package_is_refused_before_any_window_or_display() {
    let tmp = tempfile::tempdir().unwrap();
    support::write_files(
        tmp.path(),
        &[
            (
                "app.json",
                r#"{"pages":["pages/home/home"],"tabBar":{"list":[{"pagePath":"pages/home/home","text":"H"},{"pagePath":"pages/x/x","text":"X"}]}}"#,
            ),
            ("pages/home/home.html", "<p>home</p>"),
        ],
    );
    let shot = tmp.path().join("shot.png");
    let mark = marker();
    let output = shell(
        &["run", "--headless", "--screenshot", shot.to_str().unwrap(), tmp.path().to_str().unwrap()],
        &mark,
        &tmp.path().join("data"),
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.ends_with("app.json: field \"tabBar.list[1].pagePath\": \"pages/x/x\" is not listed in pages\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("started a private Xvfb"), "no display was started: {stderr}");
    assert!(!shot.exists(), "no window was shown");
    assert_none_left(&mark);
}
