//! Measurements that need a fresh process: cold start, memory, and the WXML and automation
//! figures (a preview or `superapp auto` session is a fresh process; late in one long bench
//! process every round trip is slower). The benchmark runs `superapp bench-child <kind>`
//! and reads one line from its stdout.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tao::event::Event;
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tao::platform::run_return::EventLoopExtRunReturn;
use tao::platform::unix::{EventLoopBuilderExtUnix, WindowExtUnix};
use tao::window::WindowBuilder;
use wry::{WebViewBuilder, WebViewBuilderExtUnix};

use super::pss::tree_pss_mib;
use crate::{MiniApiCall, Package, RunOptions, Shell};

/// The kinds of child run.
pub const KINDS: &[&str] = &["cold-floor", "cold-shell", "memory", "large-project"];

/// Starts a child, returns the time from spawn to its first stdout line, and the line.
pub fn spawn_and_time(kind: &str, dir: &Path) -> Result<(f64, String), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(["bench-child", kind])
        .arg(dir)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).map_err(|e| e.to_string())?;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let _ = child.wait();
    if line.trim().is_empty() {
        return Err(format!("bench child {kind} printed nothing"));
    }
    Ok((elapsed, line.trim().to_string()))
}

fn ready_and_exit(line: &str) -> ! {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    // Measured: end now, as a person closing the window would not wait for teardown.
    std::process::exit(0)
}

/// Runs one child measurement (called by the hidden `bench-child` subcommand).
pub fn run(kind: &str, dir: &Path) -> Result<(), String> {
    match kind {
        "cold-floor" => cold_floor(),
        "cold-shell" => cold_shell(dir),
        "large-project" => large_project(dir),
        "memory" => memory(dir),
        other => {
            let count = |prefix: &str| other.strip_prefix(prefix).and_then(|n| n.parse::<usize>().ok());
            if let Some(samples) = count("automation-") {
                let (call, find) = super::automation::run(samples)?;
                println!("{}", json!({ "call": call, "find": find }));
            } else if let Some(rounds) = count("wxml-") {
                let figures = super::wxml::run(rounds)?;
                println!(
                    "{}",
                    json!({
                        "ready": figures.ready_ms,
                        "set_data": figures.set_data_us,
                        "set_data_list": figures.set_data_list_us,
                    })
                );
            } else {
                return Err(format!("unknown bench child {other:?}"));
            }
            Ok(())
        }
    }
}

fn cold_floor() -> Result<(), String> {
    let mut event_loop = EventLoopBuilder::<()>::with_user_event().with_any_thread(true).build();
    let window = WindowBuilder::new().with_title("floor").build(&event_loop).map_err(|e| e.to_string())?;
    let html = "<!doctype html><html><body><p>floor</p><script>document.addEventListener('DOMContentLoaded', function () { window.ipc.postMessage('ready'); });</script></body></html>";
    let _webview = WebViewBuilder::new()
        .with_html(html)
        .with_ipc_handler(|_| ready_and_exit("ready"))
        .build_gtk(window.default_vbox().ok_or("no GTK box")?)
        .map_err(|e| e.to_string())?;
    event_loop.run_return(|_event: Event<()>, _, control_flow| *control_flow = ControlFlow::Wait);
    Err("the floor page never loaded".into())
}

fn cold_shell(dir: &Path) -> Result<(), String> {
    run_until_ready(&dir.join("data"), &dir.join("cold"), "the shell page never loaded")
}

/// Opens the generated large project (its compile cache in `large-data`, kept between
/// runs: the first run after the benchmark empties it compiles everything).
fn large_project(dir: &Path) -> Result<(), String> {
    run_until_ready(&dir.join("large-data"), &dir.join("large"), "the large project's first page never became ready")
}

/// Runs the mini program in `package` until a page calls `benchReady`, which ends the
/// process.
fn run_until_ready(data: &Path, package: &Path, never: &str) -> Result<(), String> {
    let shell = Shell::builder()
        .data_dir(data.to_path_buf())
        .register("benchReady", |_call: MiniApiCall| -> std::future::Ready<crate::ApiResult> {
            ready_and_exit("ready")
        })
        .build();
    let package = Package::open(package).map_err(|e| e.to_string())?;
    shell.run(package, &RunOptions::default()).map_err(|e| e.to_string())?;
    Err(never.into())
}

fn memory(dir: &Path) -> Result<(), String> {
    let readings = std::sync::Arc::new(std::sync::Mutex::new(serde_json::Map::new()));
    let rec = readings.clone();
    let shell = Shell::builder()
        .data_dir(dir.join("data"))
        .register("memory", move |call: MiniApiCall| {
            let rec = rec.clone();
            async move {
                // Let the new page finish loading and the web processes settle.
                tokio::time::sleep(Duration::from_millis(1500)).await;
                let pages = call.data().as_u64().unwrap_or(0).to_string();
                let mib = tree_pss_mib(std::process::id());
                let mut readings = rec.lock().expect("readings");
                readings.insert(pages, json!((mib * 10.0).round() / 10.0));
                if readings.len() == 3 {
                    ready_and_exit(&serde_json::Value::Object(readings.clone()).to_string());
                }
                Ok(())
            }
        })
        .build();
    let package = Package::open(dir.join("memory")).map_err(|e| e.to_string())?;
    shell.run(package, &RunOptions::default()).map_err(|e| e.to_string())?;
    Err("the memory run never finished".into())
}

/// Writes the packages the children open.
pub fn write_packages(dir: &Path) -> Result<(), String> {
    let cold = "<!doctype html><html><body><p>cold</p><script>Page({ onLoad: function () { wx.invokeNativePlugin({ api_name: 'benchReady' }); } });</script></body></html>";
    let memory_page = "<!doctype html><html><body><p>page</p><script>
      Page({ onLoad: function () {
        var depth = getCurrentPages().length;
        var go = function () { if (depth < 10) wx.navigateTo({ url: '/pages/p/p' }); };
        if (depth === 1 || depth === 5 || depth === 10) wx.invokeNativePlugin({ api_name: 'memory', data: depth }).then(go);
        else go();
      } });</script></body></html>";
    let files: [(&str, &str); 4] = [
        ("cold/app.json", r#"{"pages":["pages/index/index"]}"#),
        ("cold/pages/index/index.html", cold),
        ("memory/app.json", r#"{"pages":["pages/p/p"]}"#),
        ("memory/pages/p/p.html", memory_page),
    ];
    super::large_project::write(&dir.join("large"))?;
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}
