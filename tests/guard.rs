//! The guard of the machine, as a person running a mini program meets it: a web process
//! that grows past the memory limit, that is busy past its deadline, or that crashes is
//! ended, and the mini program starts again from its home page in the same window, with
//! a notice saying why. Real shell, headless, real web processes.

mod support;

use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;
use superapp_shell::testing::{self, App, Failed};
use superapp_shell::{Package, RunOptions, Shell};
use support::write_files;

/// How long a restart may take to be seen.
const RESTART: Duration = Duration::from_secs(30);

/// A WXML mini program whose page `pages/bad/bad` does `bad` in its onLoad; its home page
/// shows a line of text.
fn package(dir: &std::path::Path, bad: &str) -> Package {
    write_files(
        dir,
        &[
            ("app.json", r#"{"pages": ["pages/home/home", "pages/bad/bad"]}"#),
            ("project.config.json", r#"{"appid": "wxguard", "projectname": "Guarded"}"#),
            ("app.js", "App({ onLaunch() { getApp().launches = (getApp().launches || 0) + 1; } })"),
            ("pages/home/home.wxml", "<view class=\"home\">home</view>"),
            ("pages/home/home.js", "Page({})"),
            ("pages/bad/bad.wxml", "<view>bad</view>"),
            ("pages/bad/bad.js", &format!("Page({{ onLoad() {{ {bad} }} }})")),
        ],
    );
    Package::open(dir).expect("the package opens")
}

/// Opens the bad page, waits for the guard to restart the mini program, and checks what
/// the person and the automator see: the notice, the home page back, one restart of
/// `kind` on the bad page.
fn restarts_with_a_notice(app: &App, kind: &str, notice: &str, act: impl FnOnce(&App)) -> Result<(), Failed> {
    app.wait_for(".home", testing::WAIT)?;
    app.call_wx("navigateTo", vec![serde_json::json!({"url": "/pages/bad/bad"})]).ok();
    act(app);
    app.wait_until(|app| Ok(!app.restarts().is_empty()), RESTART)?;
    let restart = &app.restarts()[0];
    assert_eq!(restart["kind"], kind, "{restart}");
    assert_eq!(restart["route"], "pages/bad/bad", "{restart}");
    // The window stays, the home page is back, and the notice says what happened.
    app.wait_until(|app| Ok(app.current_page()?.path == "pages/home/home"), testing::WAIT)?;
    app.wait_for(".home", testing::WAIT)?;
    let state = app.chrome_state_within(testing::WAIT)?;
    let shown = state["notice"].as_str().unwrap_or_default();
    assert!(shown.starts_with("Guarded restarted on pages/bad/bad: ") && shown.contains(notice), "{state}");
    assert_eq!(state["restarts"], 1);
    // A fresh logic context: the App launched again.
    assert_eq!(app.eval("getApp().launches")?, Value::from(1));
    Ok(())
}

fn a_web_process_over_the_memory_limit_is_ended_and_the_mini_program_restarted() -> Result<(), Failed> {
    let dir = tempfile::tempdir().unwrap();
    let grow = "var keep = []; function grow() { for (var i = 0; i < 10; i++) keep.push(new Array(1000000).fill(i)); \
                setTimeout(grow, 0); } grow();";
    let package = package(dir.path(), grow);
    let options = RunOptions {
        headless: true,
        memory_limit_mb: 900,
        exit_after: Some(Duration::from_secs(120)),
        ..RunOptions::default()
    };
    testing::run_with(Shell::builder().data_dir(dir.path().join("data")), package, options, |app| {
        restarts_with_a_notice(app, "memory", "over the limit of 900 MB", |_| {})
    })
}

fn a_web_process_busy_past_its_deadline_is_ended_and_the_mini_program_restarted() -> Result<(), Failed> {
    let dir = tempfile::tempdir().unwrap();
    let package = package(dir.path(), "while (true) {}");
    let options = RunOptions {
        headless: true,
        busy_deadline: Duration::from_secs(2),
        exit_after: Some(Duration::from_secs(120)),
        ..RunOptions::default()
    };
    testing::run_with(Shell::builder().data_dir(dir.path().join("data")), package, options, |app| {
        restarts_with_a_notice(app, "busy", "a script that never ends", |_| {})
    })
}

fn a_crashed_web_process_restarts_the_mini_program() -> Result<(), Failed> {
    let dir = tempfile::tempdir().unwrap();
    // The bad page says it is up; then its web process is killed, as the kernel kills one it is out of memory for.
    let package = package(dir.path(), "console.log('bad page up');");
    let options = RunOptions { headless: true, exit_after: Some(Duration::from_secs(120)), ..RunOptions::default() };
    testing::run_with(Shell::builder().data_dir(dir.path().join("data")), package, options, |app| {
        restarts_with_a_notice(app, "crashed", "its web process crashed", |app| {
            app.wait_until(|app| Ok(app.console().iter().any(|c| c["args"][0] == "bad page up")), testing::WAIT)
                .expect("the bad page loads");
            let killed = support::signal_webkit_processes("WebKitWebProces", libc::SIGKILL);
            assert!(killed > 0, "a web process to crash");
        })
    })
}

/// A mini program that only loads and navigates is never taken for a busy one: its
/// pings are answered while its pages load (the ping waits for a page's bridge, as any
/// message does) and after pages close.
fn a_healthy_mini_program_is_never_restarted() -> Result<(), Failed> {
    let dir = tempfile::tempdir().unwrap();
    let package = package(dir.path(), "");
    let options = RunOptions {
        headless: true,
        busy_deadline: Duration::from_millis(1500),
        exit_after: Some(Duration::from_secs(120)),
        ..RunOptions::default()
    };
    testing::run_with(Shell::builder().data_dir(dir.path().join("data")), package, options, |app| {
        let started = std::time::Instant::now();
        app.wait_for(".home", testing::WAIT)?;
        while started.elapsed() < Duration::from_secs(5) {
            app.navigate_to("/pages/bad/bad")?;
            app.navigate_back()?;
            app.re_launch("/pages/bad/bad")?;
            app.re_launch("/pages/home/home")?;
        }
        // (longer than the deadline again, idle)
        std::thread::sleep(Duration::from_secs(2));
        assert_eq!(app.restarts(), Vec::<Value>::new());
        assert_eq!(app.chrome_state_within(testing::WAIT)?["restarts"], 0);
        Ok(())
    })
}

fn main() -> ExitCode {
    testing::harness(vec![
        testing::Trial::test(
            "a_web_process_over_the_memory_limit_is_ended_and_the_mini_program_restarted",
            a_web_process_over_the_memory_limit_is_ended_and_the_mini_program_restarted,
        ),
        testing::Trial::test(
            "a_web_process_busy_past_its_deadline_is_ended_and_the_mini_program_restarted",
            a_web_process_busy_past_its_deadline_is_ended_and_the_mini_program_restarted,
        ),
        testing::Trial::test(
            "a_crashed_web_process_restarts_the_mini_program",
            a_crashed_web_process_restarts_the_mini_program,
        ),
        testing::Trial::test("a_healthy_mini_program_is_never_restarted", a_healthy_mini_program_is_never_restarted),
    ])
}
