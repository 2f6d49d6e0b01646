//! `superapp bench`: our bridge against a raw-wry floor in the same run, page navigation,
//! cold start and memory. Progress goes to stderr, one JSON object to stdout.
//!
//! Where JS timers are too coarse (WebKitGTK's `performance.now()` ticks in 1 ms steps)
//! round trips are timed on the Rust side: in a sequential loop the interval between
//! consecutive arrivals of calls is one full round trip.

pub mod automation;
pub mod bridge;
pub mod child;
pub mod floor;
pub mod large_project;
pub mod pss;
pub mod stats;
pub mod wxml;

use std::time::Instant;

use serde_json::{json, Map, Value};

use stats::{intervals_us, median, quantile, round1};

/// The page-side driver, shared by the floor and the bridge.
pub const BENCH_JS: &str = include_str!("../../assets/bench.js");

/// How many samples of each kind.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Alternating rounds of floor and bridge runs (the samples of all rounds are pooled,
    /// so drift on a shared machine hits both sides alike).
    pub rounds: usize,
    /// Sequential 1 KiB round trips.
    pub seq: usize,
    /// Payload sizes echoed.
    pub payload_sizes: Vec<usize>,
    /// Samples per payload size.
    pub payload_samples: Vec<usize>,
    /// Sequential `sync: true` calls (bridge only).
    pub sync: usize,
    /// Calls in flight for the throughput runs.
    pub inflight: Vec<usize>,
    /// Calls per throughput run (at least the number in flight).
    pub throughput_calls: usize,
    /// Throughput runs per in-flight count (the median is kept).
    pub throughput_rounds: usize,
    /// Navigation rounds.
    pub nav_rounds: usize,
    /// Fresh processes per cold start figure.
    pub cold_starts: usize,
    /// How long each page waits after its load before the first timed call, in ms.
    pub settle_ms: u64,
    /// Automation requests of each kind.
    pub automation_samples: usize,
}

impl Plan {
    /// The full plan: sample sizes at which two runs agree within 10% on this machine.
    pub fn full() -> Plan {
        Plan {
            rounds: 11,
            seq: 1000,
            payload_sizes: vec![1024, 65536, 1048576],
            payload_samples: vec![300, 120, 20],
            sync: 400,
            inflight: vec![1, 10, 100, 1000, 10000],
            throughput_calls: 3000,
            throughput_rounds: 1,
            nav_rounds: 30,
            cold_starts: 5,
            settle_ms: 300,
            automation_samples: 500,
        }
    }

    /// A smoke run for CI: every figure, tiny samples (the numbers mean little).
    pub fn quick() -> Plan {
        Plan {
            rounds: 1,
            seq: 40,
            payload_sizes: vec![1024, 65536, 1048576],
            payload_samples: vec![10, 5, 3],
            sync: 10,
            inflight: vec![1, 10, 100, 1000, 10000],
            throughput_calls: 100,
            throughput_rounds: 1,
            nav_rounds: 2,
            cold_starts: 1,
            settle_ms: 0,
            automation_samples: 10,
        }
    }

    /// The plan as the page reads it.
    pub fn to_json(&self, transport: &str) -> Value {
        json!({
            "transport": transport,
            "seq": self.seq,
            "payloadSizes": self.payload_sizes,
            "payloadSamples": self.payload_samples,
            "sync": self.sync,
            "inflight": self.inflight,
            "throughputCalls": self.throughput_calls,
            "throughputRounds": self.throughput_rounds,
            "settleMs": self.settle_ms,
        })
    }
}

/// What one run of the page driver produced.
pub struct RunData {
    /// Every call's phase and arrival time on the Rust side.
    pub arrivals: Vec<(String, Instant)>,
    /// What the page measured itself (throughput per in-flight count).
    pub js: Value,
    /// Floor only: from a message's arrival to its reply handed to `evaluate_script`, us.
    pub handled_us: Vec<f64>,
    /// Floor with a tokio hop only: from a message's arrival to its tokio task starting, us.
    pub hop_us: Vec<f64>,
}

const WARMUP: f64 = 0.1;

fn us(value: Option<f64>) -> Value {
    value.map(|v| json!(round1(v))).unwrap_or(Value::Null)
}

fn pooled(runs: &[RunData], phase: &str) -> Vec<f64> {
    runs.iter().flat_map(|run| intervals_us(&run.arrivals, phase, WARMUP)).collect()
}

fn summarise(plan: &Plan, runs: &[RunData], with_sync: bool) -> Map<String, Value> {
    let seq = pooled(runs, "seq");
    let mut out = Map::new();
    out.insert("seq_p50_us".into(), us(median(&seq)));
    out.insert("seq_p99_us".into(), us(quantile(&seq, 0.99)));
    out.insert("seq_samples".into(), json!(seq.len()));
    let by_round: Vec<Value> = runs.iter().map(|run| us(median(&intervals_us(&run.arrivals, "seq", WARMUP)))).collect();
    out.insert("seq_p50_us_by_round".into(), Value::Array(by_round));
    let mut payload = Map::new();
    for size in &plan.payload_sizes {
        payload.insert(size.to_string(), us(median(&pooled(runs, &format!("payload{size}")))));
    }
    out.insert("payload_p50_us".into(), Value::Object(payload));
    // Throughput: the median over rounds, per in-flight count.
    let mut by_inflight = Map::new();
    for inflight in &plan.inflight {
        let key = inflight.to_string();
        let rates: Vec<f64> = runs.iter().filter_map(|run| run.js["throughput"][&key].as_f64()).collect();
        by_inflight.insert(key, median(&rates).map(|v| json!(v.round())).unwrap_or(Value::Null));
    }
    let max = plan.inflight.iter().max().map(|n| n.to_string()).unwrap_or_default();
    out.insert("throughput_cps".into(), by_inflight.get(&max).cloned().unwrap_or(Value::Null));
    if with_sync {
        out.insert("sync_p50_us".into(), us(median(&pooled(runs, "sync"))));
        out.insert("throughput_cps_by_inflight".into(), Value::Object(by_inflight));
    }
    out
}

/// The median over rounds of `bridge / floor`, each round's pair run back to back: on a
/// shared, noisy machine this is steadier than a ratio of pooled figures.
fn paired_ratio(bridge: &[RunData], floor: &[RunData], figure: impl Fn(&RunData) -> Option<f64>) -> Value {
    let ratios: Vec<f64> = bridge.iter().zip(floor).filter_map(|(b, f)| Some(figure(b)? / figure(f)?)).collect();
    median(&ratios).map(|r| json!((r * 100.0).round() / 100.0)).unwrap_or(Value::Null)
}

fn ratio(a: &Value, b: &Value) -> Value {
    match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) if b > 0.0 => json!((a / b * 100.0).round() / 100.0),
        _ => Value::Null,
    }
}

/// Runs the benchmark and returns its JSON report. Must run on the main thread.
pub fn run(plan: &Plan, headless: bool) -> Result<Value, String> {
    crate::shell::display::ensure(headless).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let step = |what: &str| eprintln!("[{:>6.1} s] {what}", started.elapsed().as_secs_f64());

    // A runtime for the floor variant whose replies hop through tokio, like the bridge's.
    let hop_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (mut floor_runs, mut hop_runs, mut bridge_runs) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=plan.rounds {
        step(&format!("round {round}/{}: floor: raw wry round trips", plan.rounds));
        floor_runs.push(floor::run(plan, None)?);
        step(&format!("round {round}/{}: bridge: wx.invokeNativePlugin to a registered async handler", plan.rounds));
        bridge_runs.push(bridge::run(plan)?);
        step(&format!("round {round}/{}: floor with a tokio hop", plan.rounds));
        hop_runs.push(floor::run(plan, Some(hop_runtime.handle().clone()))?);
    }
    drop(hop_runtime);
    let floor = summarise(plan, &floor_runs, false);
    let floor_tokio = summarise(plan, &hop_runs, false);
    let bridge = summarise(plan, &bridge_runs, true);

    step("profile: where one bridge round trip goes");
    let breakdown = profile_round_trip(plan, &floor_runs, &hop_runs)?;

    step("navigation: navigateTo and navigateBack");
    let (to, back) = bridge::navigation(plan.nav_rounds)?;

    let dir = std::env::temp_dir().join(format!("superapp-bench-{}-children", std::process::id()));
    child::write_packages(&dir)?;
    step("wxml: navigateTo -> onReady of a 100-item wx:for page, setData -> shown (a page showing the field, the 100-item page), in a fresh process");
    let wxml = wxml_child(plan.nav_rounds, &dir).unwrap_or_else(|err| {
        eprintln!("bench: the WXML figures are missing: {err}");
        wxml::Figures { ready_ms: Vec::new(), set_data_us: Vec::new(), set_data_list_us: Vec::new() }
    });
    step("automation: App.callFunction (echo) and Page.getElement over the automator's WebSocket, in a fresh process");
    let (auto_call, auto_find) = match automation_child(plan.automation_samples, &dir) {
        Ok(figures) => figures,
        Err(err) => {
            eprintln!("bench: the automation figures are missing: {err}");
            (Vec::new(), Vec::new())
        }
    };
    step("cold start: fresh processes");
    let (mut cold_floor, mut cold_shell) = (Vec::new(), Vec::new());
    for _ in 0..plan.cold_starts {
        cold_floor.push(child::spawn_and_time("cold-floor", &dir)?.0);
        cold_shell.push(child::spawn_and_time("cold-shell", &dir)?.0);
    }
    step(&format!(
        "open: a generated {}-page project, first start (empty compile cache) and second start",
        large_project::PAGES
    ));
    let (mut large_first, mut large_second) = (Vec::new(), Vec::new());
    for _ in 0..plan.cold_starts {
        let _ = std::fs::remove_dir_all(dir.join("large-data"));
        large_first.push(child::spawn_and_time("large-project", &dir)?.0);
        large_second.push(child::spawn_and_time("large-project", &dir)?.0);
    }
    step("memory: 1, 5 and 10 pages in the stack");
    let (_, memory_line) = child::spawn_and_time("memory", &dir)?;
    let memory: Value = serde_json::from_str(&memory_line).map_err(|e| format!("memory child: {e}: {memory_line}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    step("done");

    let max_inflight = plan.inflight.iter().max().map(|n| n.to_string()).unwrap_or_default();
    let seq_p50 = |run: &RunData| median(&intervals_us(&run.arrivals, "seq", WARMUP));
    let per_page = match (memory["1"].as_f64(), memory["10"].as_f64()) {
        (Some(one), Some(ten)) => json!(round1((ten - one) / 9.0)),
        _ => Value::Null,
    };
    let cold_floor_ms = median(&cold_floor).map(round1);
    let cold_shell_ms = median(&cold_shell).map(round1);
    Ok(json!({
        "machine": machine(),
        "floor": floor,
        "floor_tokio_hop": floor_tokio,
        "bridge": bridge,
        "ratio": {
            "seq_p50": paired_ratio(&bridge_runs, &floor_runs, seq_p50),
            "seq_p50_vs_floor_tokio_hop": paired_ratio(&bridge_runs, &hop_runs, seq_p50),
            "throughput": paired_ratio(&bridge_runs, &floor_runs, |run| run.js["throughput"][&max_inflight].as_f64()),
            "payload_1MiB_p50": paired_ratio(&bridge_runs, &floor_runs, |run| {
                median(&intervals_us(&run.arrivals, "payload1048576", WARMUP))
            }),
            "pooled": {
                "seq_p50": ratio(&bridge["seq_p50_us"], &floor["seq_p50_us"]),
                "throughput": ratio(&bridge["throughput_cps"], &floor["throughput_cps"]),
                "payload_1MiB_p50": ratio(&bridge["payload_p50_us"]["1048576"], &floor["payload_p50_us"]["1048576"]),
            },
            "cold_start": ratio(&json!(cold_shell_ms), &json!(cold_floor_ms)),
        },
        "round_trip_breakdown_p50_us": breakdown,
        "navigate_to_onload_p50_ms": median(&to).map(round1),
        "navigate_back_p50_ms": median(&back).map(round1),
        "navigate_samples": to.len(),
        "wxml": {
            "navigate_to_ready_ms": median(&wxml.ready_ms).map(round1),
            "set_data_p50_us": median(&wxml.set_data_us).map(round1),
            "set_data_p99_us": quantile(&wxml.set_data_us, 0.99).map(round1),
            "set_data_list_p50_us": median(&wxml.set_data_list_us).map(round1),
            "set_data_list_p99_us": quantile(&wxml.set_data_list_us, 0.99).map(round1),
            "samples": {
                "navigate": wxml.ready_ms.len(),
                "set_data": wxml.set_data_us.len(),
                "set_data_list": wxml.set_data_list_us.len(),
            },
        },
        "automation": {
            "call_function_p50_us": median(&auto_call).map(round1),
            "get_element_p50_us": median(&auto_find).map(round1),
            "samples": auto_call.len(),
        },
        "cold_start_ms": {"floor": cold_floor_ms, "shell": cold_shell_ms, "runs": plan.cold_starts},
        "open": {
            "large_project_ms": {
                "first": median(&large_first).map(round1),
                "second": median(&large_second).map(round1),
                "pages": large_project::PAGES,
                "runs": plan.cold_starts,
            },
            "second_vs_cold_start": ratio(&json!(median(&large_second).map(round1)), &json!(cold_shell_ms)),
        },
        "memory_pss_mib": memory,
        "memory_per_extra_page_mib": per_page,
    }))
}

/// Runs the WXML figures in a child process.
fn wxml_child(rounds: usize, dir: &std::path::Path) -> Result<wxml::Figures, String> {
    let list = child_lists(&format!("wxml-{rounds}"), dir)?;
    Ok(wxml::Figures {
        ready_ms: list("ready"),
        set_data_us: list("set_data"),
        set_data_list_us: list("set_data_list"),
    })
}

/// Runs child `kind`, whose line is a JSON object of number lists: the list by key.
fn child_lists(kind: &str, dir: &std::path::Path) -> Result<impl Fn(&str) -> Vec<f64>, String> {
    let (_, line) = child::spawn_and_time(kind, dir)?;
    let figures: Value = serde_json::from_str(&line).map_err(|e| format!("{kind} child: {e}: {line}"))?;
    Ok(move |key: &str| figures[key].as_array().into_iter().flatten().filter_map(Value::as_f64).collect())
}

/// Runs the automation figures in a child process: (callFunction us, getElement us).
fn automation_child(samples: usize, dir: &std::path::Path) -> Result<(Vec<f64>, Vec<f64>), String> {
    let list = child_lists(&format!("automation-{samples}"), dir)?;
    Ok((list("call"), list("find")))
}

/// Times each stage of sequential bridge round trips (see [`crate::core::profile`]) and
/// sets them beside the floor's two stages.
fn profile_round_trip(plan: &Plan, floor_runs: &[RunData], hop_runs: &[RunData]) -> Result<Value, String> {
    use crate::core::profile::{self, Stage};
    use std::collections::BTreeMap;
    let seq_only =
        Plan { payload_samples: vec![0; plan.payload_sizes.len()], sync: 0, inflight: Vec::new(), ..plan.clone() };
    profile::enable();
    let run = bridge::run(&seq_only);
    let marks = profile::take();
    run?;
    let order = [Stage::Parsed, Stage::HandlerStarted, Stage::ReplySent, Stage::ReplyReceived, Stage::Evaluated];
    let mut calls: BTreeMap<u64, [Option<Instant>; 5]> = BTreeMap::new();
    for (stage, id, at) in marks {
        let slot = order.iter().position(|s| *s == stage).expect("a known stage");
        calls.entry(id).or_default()[slot].get_or_insert(at);
    }
    let names = [
        "ui_parse_to_tokio_task",
        "tokio_task_to_reply_sent",
        "reply_sent_to_ui_loop",
        "ui_loop_to_evaluate_script",
        "evaluate_script_to_next_call_parsed",
    ];
    let mut spans: Vec<Vec<f64>> = vec![Vec::new(); 5];
    let ids: Vec<u64> = calls.keys().copied().collect();
    let skip = (ids.len() as f64 * WARMUP) as usize;
    for pair in ids.windows(2).skip(skip) {
        let (this, next) = (&calls[&pair[0]], &calls[&pair[1]]);
        let mut times: Vec<Option<Instant>> = this.to_vec();
        times.push(next[0]);
        if times.iter().any(Option::is_none) {
            continue;
        }
        for (i, span) in spans.iter_mut().enumerate() {
            span.push((times[i + 1].expect("checked") - times[i].expect("checked")).as_secs_f64() * 1e6);
        }
    }
    let mut bridge = Map::new();
    for (name, values) in names.iter().zip(&spans) {
        bridge.insert(name.to_string(), us(median(values)));
    }
    // The median of one per-call figure over every call of the given runs.
    let pooled = |runs: &[RunData], figure: fn(&RunData) -> &[f64]| {
        median(&runs.iter().flat_map(|run| figure(run).iter().copied()).collect::<Vec<_>>())
    };
    let floor_seq =
        median(&floor_runs.iter().flat_map(|run| intervals_us(&run.arrivals, "seq", WARMUP)).collect::<Vec<_>>());
    let floor_handled = pooled(floor_runs, |run| &run.handled_us);
    Ok(json!({
        "bridge": bridge,
        "floor": {
            "arrival_to_evaluate_script": us(floor_handled),
            "evaluate_script_to_next_arrival": us(floor_seq.zip(floor_handled).map(|(a, b)| a - b)),
        },
        "floor_tokio_hop": {
            "arrival_to_tokio_task": us(pooled(hop_runs, |run| &run.hop_us)),
            "arrival_to_evaluate_script": us(pooled(hop_runs, |run| &run.handled_us)),
        },
    }))
}

fn machine() -> Value {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let webkit = format!("{}.{}.{}", webkit2gtk_version(0), webkit2gtk_version(1), webkit2gtk_version(2));
    json!({"cores": cores, "kernel": kernel.trim(), "webkitgtk": webkit})
}

fn webkit2gtk_version(part: usize) -> u32 {
    #[allow(unsafe_code)]
    // SAFETY: plain getters of the linked library's version.
    unsafe {
        match part {
            0 => webkit2gtk_sys::webkit_get_major_version(),
            1 => webkit2gtk_sys::webkit_get_minor_version(),
            _ => webkit2gtk_sys::webkit_get_micro_version(),
        }
    }
}
