//! Load: 100,000 calls from 4 pages at once, mixing handlers that succeed, fail, panic,
//! time out and send progress. Every call is answered exactly once with the right
//! outcome, a navigation issued during the flood completes, and the shell's memory comes
//! back near where it started (the figures are printed).

mod support;

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use superapp_shell::{ApiError, MiniApiCall, RunOptions, Shell};
use support::write_files;

/// Calls per flooding page (4 pages).
const PER_PAGE: usize = 25_000;

/// The flood each of the four pages runs: `PER_PAGE` calls in waves of at most 5,000 in
/// flight, one of five kinds by index; every answer is checked, and counted per call.
const FLOOD_JS: &str = r#"
function flood(tag) {
  var total = __PER_PAGE__, wave = 5000;
  var answers = new Uint8Array(total), bad = [], outcomes = { ok: 0, fail: 0, panic: 0, timeout: 0, progress: 0 };
  var kinds = ['ok', 'fail', 'panic', 'timeout', 'progress'];
  function one(i) {
    var kind = kinds[i % 5], states = 0;
    return new Promise(function (resolve) {
      wx.invokeNativePlugin({ api_name: 'load_' + kind, data: { i: i, tag: tag },
        progress: function (s) { if (s.i === i) states++; },
        success: function (res) {
          answers[i]++;
          if (kind === 'ok' && res.i === i) outcomes.ok++;
          else if (kind === 'progress' && res.i === i && states === 3) outcomes.progress++;
          else if (bad.length < 10) bad.push([i, kind, 'success', res, states]);
        },
        fail: function (res) {
          answers[i]++;
          if (kind === 'fail' && res.errCode === i) outcomes.fail++;
          else if (kind === 'panic' && res.errMsg === 'invokeNativePlugin:fail api "load_panic" panicked: load panic ' + i) outcomes.panic++;
          else if (kind === 'timeout' && res.errMsg === 'invokeNativePlugin:fail api "load_timeout" timed out after 300 ms') outcomes.timeout++;
          else if (bad.length < 10) bad.push([i, kind, 'fail', res]);
        },
        complete: resolve });
    });
  }
  var started = Date.now();
  var next = 0;
  function runWave() {
    var batch = [];
    for (var n = 0; n < wave && next < total; n++) batch.push(one(next++));
    return Promise.all(batch).then(function () { return next < total ? runWave() : null; });
  }
  return runWave().then(function () {
    var once = 0;
    for (var i = 0; i < total; i++) if (answers[i] === 1) once++;
    return { tag: tag, calls: total, answeredOnce: once, outcomes: outcomes, bad: bad,
             pending: window.__superapp.pendingCount(), ms: Date.now() - started };
  });
}
"#;

fn page(next: Option<&str>, tag: &str) -> String {
    let go = match next {
        Some(url) => format!("wx.navigateTo({{ url: '{url}' }});"),
        None => String::new(),
    };
    support::page_html(&format!(
        "{}\nwx.invokeNativePlugin({{ api_name: 'memory', data: 'start' }}).then(function () {{\n  flood('{tag}').then(function (r) {{ wx.invokeNativePlugin({{ api_name: 'flooded', data: r }}); }});\n  {go}\n}});",
        FLOOD_JS.replace("__PER_PAGE__", &PER_PAGE.to_string())
    ))
}

fn vm_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024.0
}

fn trimmed_rss_mib() -> f64 {
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim only returns free heap pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
    vm_rss_mib()
}

fn a_flood_of_100k_calls_from_4_pages_is_answered_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("app.json", r#"{"pages":["pages/p1/p1","pages/p2/p2","pages/p3/p3","pages/p4/p4","pages/late/late"]}"#),
            ("project.config.json", r#"{"appid":"wxload"}"#),
            ("pages/p1/p1.html", &page(Some("/pages/p2/p2"), "p1")),
            ("pages/p2/p2.html", &page(Some("/pages/p3/p3"), "p2")),
            ("pages/p3/p3.html", &page(Some("/pages/p4/p4"), "p3")),
            // The fourth page navigates while all four floods run.
            ("pages/p4/p4.html", &page(Some("/pages/late/late"), "p4")),
            (
                "pages/late/late.html",
                "<script>Page({ onLoad: function () { wx.invokeNativePlugin({ api_name: 'navigated', data: getCurrentPages().length }); } });</script>",
            ),
        ],
    );
    let handled = Arc::new([(); 5].map(|_| AtomicUsize::new(0)));
    let flooded = Arc::new(Mutex::new(Vec::<Value>::new()));
    let navigated = Arc::new(Mutex::new(None::<(Value, usize)>));
    let memory = Arc::new(Mutex::new(Vec::<f64>::new()));
    let count = |k: usize| {
        let handled = handled.clone();
        move || handled[k].fetch_add(1, Ordering::Relaxed)
    };
    let (c0, c1, c2, c3, c4) = (count(0), count(1), count(2), count(3), count(4));
    let (f, n, m) = (flooded.clone(), navigated.clone(), memory.clone());
    let answered_at_navigation = Arc::new(AtomicUsize::new(0));
    let answered = answered_at_navigation.clone();
    let handled_for_nav = handled.clone();
    let builder = Shell::builder()
        .register("load_ok", move |call: MiniApiCall| {
            c0();
            async move { Ok(json!({ "i": call.data()["i"] })) }
        })
        .register("load_fail", move |call: MiniApiCall| {
            c1();
            async move { Err::<(), _>(ApiError::new("refused").with("errCode", call.data()["i"].clone())) }
        })
        .register("load_panic", move |call: MiniApiCall| {
            c2();
            async move {
                tokio::task::yield_now().await;
                let i = call.data()["i"].as_u64().unwrap_or(0);
                if i < u64::MAX {
                    panic!("load panic {i}");
                }
                Ok(())
            }
        })
        .register_with_timeout(
            "load_timeout",
            move |_call: MiniApiCall| {
                c3();
                async move {
                    std::future::pending::<()>().await;
                    Ok(())
                }
            },
            Duration::from_millis(300),
        )
        .register("load_progress", move |call: MiniApiCall| {
            c4();
            async move {
                let i = call.data()["i"].clone();
                for step in 0..3 {
                    call.send_state(json!({ "i": i, "step": step }));
                    tokio::task::yield_now().await;
                }
                Ok(json!({ "i": i }))
            }
        })
        .register("flooded", move |call: MiniApiCall| {
            let f = f.clone();
            async move {
                let host = call.host().clone();
                let mut flooded = f.lock().unwrap();
                flooded.push(call.params.data);
                if flooded.len() == 4 {
                    tokio::spawn(async move {
                        // Let the last answers land, then end the run.
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        let _ = host.exit(0);
                    });
                }
                Ok(())
            }
        })
        .register("navigated", move |call: MiniApiCall| {
            let n = n.clone();
            let done: usize = handled_for_nav.iter().map(|c| c.load(Ordering::Relaxed)).sum();
            answered.store(done, Ordering::Relaxed);
            async move {
                *n.lock().unwrap() = Some((call.params.data, done));
                Ok(())
            }
        })
        .register("memory", move |_call: MiniApiCall| {
            let m = m.clone();
            async move {
                m.lock().unwrap().push(vm_rss_mib());
                Ok(())
            }
        });
    // Panicking handlers are part of the mix: keep 20,000 panic reports off the terminal.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        if !text.contains("load panic") {
            eprintln!("{text}");
        }
    }));
    let before = trimmed_rss_mib();
    // Samples the RSS while the run goes on, for the peak figure.
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let mut peak: f64 = 0.0;
            while sampling.load(Ordering::Relaxed) {
                peak = peak.max(vm_rss_mib());
                std::thread::sleep(Duration::from_millis(50));
            }
            peak
        })
    };
    let outcome = support::run_dir(
        builder,
        tmp.path(),
        RunOptions { exit_after: Some(Duration::from_secs(120)), ..RunOptions::default() },
    );
    std::panic::set_hook(hook);
    sampling.store(false, Ordering::Relaxed);
    let peak = sampler.join().unwrap();
    let after = trimmed_rss_mib();
    assert_eq!(outcome.exit_code, 0);
    let flooded = flooded.lock().unwrap().clone();
    assert_eq!(flooded.len(), 4, "every page finished its flood: {flooded:?}");
    let per_kind = PER_PAGE / 5 * 4;
    for report in &flooded {
        let tag = report["tag"].as_str().unwrap();
        assert_eq!(report["bad"], json!([]), "{tag}: wrong outcomes");
        assert_eq!(report["answeredOnce"], json!(PER_PAGE), "{tag}: every call answered exactly once");
        assert_eq!(report["pending"], json!(0), "{tag}");
        let each = PER_PAGE / 5;
        assert_eq!(
            report["outcomes"],
            json!({"ok": each, "fail": each, "panic": each, "timeout": each, "progress": each}),
            "{tag}"
        );
    }
    for (k, counter) in handled.iter().enumerate() {
        assert_eq!(counter.load(Ordering::Relaxed), per_kind, "handler {k} ran once per call");
    }
    let (stack, at) = navigated.lock().unwrap().clone().expect("the navigation during the flood completed");
    assert_eq!(stack, json!(5));
    let total = per_kind * 5;
    assert!(at < total, "the navigation completed during the flood ({at} of {total} calls handled by then)");
    let started = memory.lock().unwrap().first().copied().unwrap();
    let seconds: Vec<f64> = flooded.iter().map(|r| r["ms"].as_f64().unwrap() / 1000.0).collect();
    println!(
        "load: {total} calls from 4 pages; floods took {seconds:.1?} s; shell RSS {before:.0} MiB before the run, \
         {started:.0} MiB with the first page, {peak:.0} MiB at the peak of the flood, {after:.0} MiB after (malloc_trim)"
    );
    // Back near the start (the first page open): what the flood took is released, but
    // for allocator slack.
    assert!(after - started < 64.0, "RSS grew from {started:.0} to {after:.0} MiB");
}

fn main() -> ExitCode {
    // 60,000 failing calls would each log a warning: keep the terminal readable.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    support::harness::main(&[(
        "a_flood_of_100k_calls_from_4_pages_is_answered_exactly_once",
        a_flood_of_100k_calls_from_4_pages_is_answered_exactly_once,
    )])
}
