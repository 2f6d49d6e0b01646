//! The bridge side: the real shell, a registered async handler, `wx.invokeNativePlugin`.
//! Also page navigation, timed from marks the pages set.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Plan, RunData, BENCH_JS};
use crate::{ApiError, MiniApiCall, Package, RunOptions, Shell};

pub(super) fn write(dir: &Path, files: &[(&str, String)]) -> Result<(), String> {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub(super) fn temp_dir(name: &str) -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("superapp-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Runs the plan through the bridge.
pub fn run(plan: &Plan) -> Result<RunData, String> {
    let dir = temp_dir("bridge")?;
    let html = format!(
        "<!doctype html><html><body><p>bridge</p><script>window.BENCH = {};</script><script>{BENCH_JS}</script></body></html>",
        plan.to_json("bridge")
    );
    write(&dir, &[("app.json", r#"{"pages":["pages/bench/bench"]}"#.into()), ("pages/bench/bench.html", html)])?;
    let arrivals: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let results: Arc<Mutex<Option<Value>>> = Arc::default();
    let (rec, res) = (arrivals.clone(), results.clone());
    let shell = Shell::builder()
        .data_dir(dir.join("data"))
        .register("bench", move |mut call: MiniApiCall| {
            let now = Instant::now();
            let (rec, res) = (rec.clone(), res.clone());
            async move {
                let phase = call.params.data["p"].as_str().unwrap_or_default().to_string();
                rec.lock().expect("arrivals").push((phase.clone(), now));
                if phase.starts_with("payload") {
                    let data = call.params.data["d"].take();
                    return Ok(json!({ "d": data }));
                }
                if phase == "done" || phase == "error" {
                    *res.lock().expect("results") = Some(call.params.data["d"].take());
                    call.host().exit(0).map_err(ApiError::new)?;
                }
                Ok(Value::Null)
            }
        })
        .build();
    let package = Package::open(&dir).map_err(|e| e.to_string())?;
    let options = RunOptions { headless: true, exit_after: Some(Duration::from_secs(600)), ..RunOptions::default() };
    shell.run(package, &options).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    let results = results.lock().expect("results").take().ok_or("the bridge page never finished")?;
    if let Some(error) = results.as_str() {
        return Err(format!("the bridge page failed: {error}"));
    }
    let arrivals = arrivals.lock().expect("arrivals").clone();
    Ok(RunData { arrivals, js: results, handled_us: Vec::new(), hop_us: Vec::new() })
}

/// Navigation timings, in ms: (navigateTo -> new page's onLoad, navigateBack -> revealed
/// page's onShow), `rounds` of each.
pub fn navigation(rounds: usize) -> Result<(Vec<f64>, Vec<f64>), String> {
    let dir = temp_dir("nav")?;
    let mark = "function mark(m) { return wx.invokeNativePlugin({ api_name: 'mark', data: m, sync: true }); }";
    let a = format!(
        "<!doctype html><html><body><p>a</p><script>{mark}
        Page({{ onShow: function () {{
          if (!mark('onShow').go) {{ wx.exitMiniProgram(); return; }}
          setTimeout(function () {{ mark('navStart'); wx.navigateTo({{ url: '/pages/b/b' }}); }}, 30);
        }} }});</script></body></html>"
    );
    let b = format!(
        "<!doctype html><html><body><p>b</p><script>{mark}
        Page({{ onLoad: function () {{
          mark('onLoad');
          setTimeout(function () {{ mark('backStart'); wx.navigateBack(); }}, 30);
        }} }});</script></body></html>"
    );
    write(
        &dir,
        &[("app.json", r#"{"pages":["pages/a/a","pages/b/b"]}"#.into()), ("pages/a/a.html", a), ("pages/b/b.html", b)],
    )?;
    let marks: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let rec = marks.clone();
    let shell = Shell::builder()
        .data_dir(dir.join("data"))
        .register("mark", move |call: MiniApiCall| {
            let now = Instant::now();
            let rec = rec.clone();
            async move {
                let name = call.data().as_str().unwrap_or_default().to_string();
                let mut marks = rec.lock().expect("marks");
                marks.push((name, now));
                let shown = marks.iter().filter(|(m, _)| m == "onShow").count();
                // The first onShow is the launch; each later one ends a round.
                Ok(json!({ "go": shown <= rounds }))
            }
        })
        .build();
    run_and_remove(shell, &dir)?;
    let marks = marks.lock().expect("marks").clone();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let to = between(&marks, "navStart", "onLoad").into_iter().map(ms).collect();
    let back = between(&marks, "backStart", "onShow").into_iter().map(ms).collect();
    Ok((to, back))
}

/// Runs the package in `dir` headless (at most 5 minutes), then removes the folder.
pub(super) fn run_and_remove(shell: Shell, dir: &Path) -> Result<(), String> {
    let package = Package::open(dir).map_err(|e| e.to_string())?;
    let options = RunOptions { headless: true, exit_after: Some(Duration::from_secs(300)), ..RunOptions::default() };
    shell.run(package, &options).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// The time from each mark named `from` to a mark named `to` right after it.
pub(super) fn between(marks: &[(String, Instant)], from: &str, to: &str) -> Vec<Duration> {
    marks.windows(2).filter(|pair| pair[0].0 == from && pair[1].0 == to).map(|pair| pair[1].1 - pair[0].1).collect()
}
