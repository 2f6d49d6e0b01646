//! `superapp bench`: our bridge against a raw-wry floor in the same run, page navigation,
//! cold start and memory. Progress goes to stderr, one JSON object to stdout.
//!
//! Where JS timers are too coarse (WebKitGTK's `performance.now()` ticks in 1 ms steps)
//! round trips are timed on the Rust side: in a sequential loop the interval between
//! consecutive arrivals of calls is one full round trip.

pub mod bridge;
pub mod child;
pub mod floor;
pub mod pss;
pub mod stats;

use std::time::Instant;

use serde_json::{json, Map, Value};

use stats::{intervals_us, median, quantile, round1};

/// The page-side driver, shared by the floor and the bridge.
pub const BENCH_JS: &str = include_str!("../../assets/bench.js");

/// How many samples of each kind.
#[derive(Debug, Clone)]
pub struct Plan {
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
}

impl Plan {
    /// The full plan: sample sizes at which two runs agree within 10% on this machine.
    pub fn full() -> Plan {
        Plan {
            seq: 3000,
            payload_sizes: vec![1024, 65536, 1048576],
            payload_samples: vec![1000, 300, 40],
            sync: 1000,
            inflight: vec![1, 10, 100, 1000, 10000],
            throughput_calls: 5000,
            throughput_rounds: 3,
            nav_rounds: 30,
            cold_starts: 5,
        }
    }

    /// A smoke run for CI: every figure, tiny samples (the numbers mean little).
    pub fn quick() -> Plan {
        Plan {
            seq: 40,
            payload_sizes: vec![1024, 65536, 1048576],
            payload_samples: vec![10, 5, 3],
            sync: 10,
            inflight: vec![1, 10, 100, 1000, 10000],
            throughput_calls: 100,
            throughput_rounds: 1,
            nav_rounds: 2,
            cold_starts: 1,
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
        })
    }
}

/// What one run of the page driver produced.
pub struct RunData {
    /// Every call's phase and arrival time on the Rust side.
    pub arrivals: Vec<(String, Instant)>,
    /// What the page measured itself (throughput per in-flight count).
    pub js: Value,
}

const WARMUP: f64 = 0.1;

fn us(value: Option<f64>) -> Value {
    value.map(|v| json!(round1(v))).unwrap_or(Value::Null)
}

fn summarise(plan: &Plan, data: &RunData, with_sync: bool) -> Map<String, Value> {
    let seq = intervals_us(&data.arrivals, "seq", WARMUP);
    let mut out = Map::new();
    out.insert("seq_p50_us".into(), us(median(&seq)));
    out.insert("seq_p99_us".into(), us(quantile(&seq, 0.99)));
    out.insert("seq_samples".into(), json!(seq.len()));
    let mut payload = Map::new();
    for size in &plan.payload_sizes {
        let intervals = intervals_us(&data.arrivals, &format!("payload{size}"), WARMUP);
        payload.insert(size.to_string(), us(median(&intervals)));
    }
    out.insert("payload_p50_us".into(), Value::Object(payload));
    let by_inflight = data.js["throughput"].clone();
    let max = plan.inflight.iter().max().map(|n| n.to_string()).unwrap_or_default();
    out.insert("throughput_cps".into(), by_inflight[&max].as_f64().map(|v| json!(v.round())).unwrap_or(Value::Null));
    if with_sync {
        let sync = intervals_us(&data.arrivals, "sync", WARMUP);
        out.insert("sync_p50_us".into(), us(median(&sync)));
        let rounded: Map<String, Value> = by_inflight
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), json!(v.as_f64().unwrap_or(0.0).round()))).collect())
            .unwrap_or_default();
        out.insert("throughput_cps_by_inflight".into(), Value::Object(rounded));
    }
    out
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

    step("floor: raw wry round trips");
    let floor_data = floor::run(plan)?;
    step("bridge: wx.invokeNativePlugin to a registered async handler");
    let bridge_data = bridge::run(plan)?;
    let floor = summarise(plan, &floor_data, false);
    let bridge = summarise(plan, &bridge_data, true);

    step("navigation: navigateTo and navigateBack");
    let (to, back) = bridge::navigation(plan.nav_rounds)?;

    let dir = std::env::temp_dir().join(format!("superapp-bench-{}-children", std::process::id()));
    child::write_packages(&dir)?;
    step("cold start: fresh processes");
    let (mut cold_floor, mut cold_shell) = (Vec::new(), Vec::new());
    for _ in 0..plan.cold_starts {
        cold_floor.push(child::spawn_and_time("cold-floor", &dir)?.0);
        cold_shell.push(child::spawn_and_time("cold-shell", &dir)?.0);
    }
    step("memory: 1, 5 and 10 pages in the stack");
    let (_, memory_line) = child::spawn_and_time("memory", &dir)?;
    let memory: Value = serde_json::from_str(&memory_line).map_err(|e| format!("memory child: {e}: {memory_line}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    step("done");

    let per_page = match (memory["1"].as_f64(), memory["10"].as_f64()) {
        (Some(one), Some(ten)) => json!(round1((ten - one) / 9.0)),
        _ => Value::Null,
    };
    let cold_floor_ms = median(&cold_floor).map(round1);
    let cold_shell_ms = median(&cold_shell).map(round1);
    Ok(json!({
        "machine": machine(),
        "floor": floor,
        "bridge": bridge,
        "ratio": {
            "seq_p50": ratio(&bridge["seq_p50_us"], &floor["seq_p50_us"]),
            "throughput": ratio(&bridge["throughput_cps"], &floor["throughput_cps"]),
            "payload_1MiB_p50": ratio(&bridge["payload_p50_us"]["1048576"], &floor["payload_p50_us"]["1048576"]),
            "cold_start": ratio(&json!(cold_shell_ms), &json!(cold_floor_ms)),
        },
        "navigate_to_onload_p50_ms": median(&to).map(round1),
        "navigate_back_p50_ms": median(&back).map(round1),
        "navigate_samples": to.len(),
        "cold_start_ms": {"floor": cold_floor_ms, "shell": cold_shell_ms, "runs": plan.cold_starts},
        "memory_pss_mib": memory,
        "memory_per_extra_page_mib": per_page,
    }))
}

fn machine() -> Value {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let webkit = format!(
        "{}.{}.{}",
        webkit2gtk_version(0),
        webkit2gtk_version(1),
        webkit2gtk_version(2)
    );
    json!({"cores": cores, "kernel": kernel.trim(), "webkitgtk": webkit})
}

fn webkit2gtk_version(part: usize) -> u32 {
    // SAFETY: plain getters of the linked library's version.
    unsafe {
        match part {
            0 => webkit2gtk_sys::webkit_get_major_version(),
            1 => webkit2gtk_sys::webkit_get_minor_version(),
            _ => webkit2gtk_sys::webkit_get_micro_version(),
        }
    }
}
