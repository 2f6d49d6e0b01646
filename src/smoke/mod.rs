//! `superapp smoke`: opens every page of a mini program, one after another (a `reLaunch`
//! to each, headless unless told otherwise), judges each as a person would (it rendered,
//! its viewport shows content, it raised no uncaught error of its own), and reports. It
//! drives the real shell through the same automation commands as the test harness
//! ([`crate::testing`]).
//!
//! A run always ends, and its report is always written: each page has a deadline; a page
//! that misses it is a `timeout` with what it waited for, and the next page opens in a
//! fresh web process; a web process that crashes or runs over the memory limit is a
//! `crashed` page, and the shell's guard restarts the mini program; SIGINT and SIGTERM end
//! the run with the pages done so far and the rest listed as not reached.
//!
//! - [`verdict`]: how a page is judged, from its evidence.
//! - [`report`]: the result, as data, a table and JSON; [`html`] and [`junit`] write it
//!   for people and for CI servers.
//! - [`visual`]: screenshots compared with a baseline.
//! - [`visit`]: one page's visit (and `--explore`'s taps), driven through the shell.
//! - `assets/smoke/`: what a smoke run injects into every webview (still pages, and the
//!   look at what a page shows).

pub mod html;
pub mod junit;
pub mod report;
pub mod verdict;
pub mod visit;
pub mod visual;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::core::package::Package;
use crate::shell::{RunOptions, ShellBuilder};
use crate::testing;
use report::{PageResult, Report};
use verdict::Outcome;

/// Injected into every webview of a smoke run: pages that look the same on every run.
pub const STILL_JS: &str = include_str!("../../assets/smoke/still.js");
/// Injected into every webview of a smoke run: what a page shows, what can be tapped.
pub const INSPECT_JS: &str = include_str!("../../assets/smoke/inspect.js");

/// The default deadline of one page.
pub const DEFAULT_PAGE_TIMEOUT: Duration = Duration::from_secs(15);

/// How a smoke run goes.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long one page may take to open and settle.
    pub page_timeout: Duration,
    /// Write one PNG per page here, named by route.
    pub screenshots: Option<PathBuf>,
    /// Compare each screenshot with the one of the same name here.
    pub baseline: Option<PathBuf>,
    /// Write the screenshots into the baseline instead of comparing.
    pub update_baseline: bool,
    /// Tap every tappable element of each page, at most this many per page.
    pub explore: Option<usize>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            page_timeout: DEFAULT_PAGE_TIMEOUT,
            screenshots: None,
            baseline: None,
            update_baseline: false,
            explore: None,
        }
    }
}

/// Writes the report wherever it goes, once, however the run ends: normally, after a
/// signal, or (from the driving thread, just before the process exits) when the shell
/// stops answering.
pub type Finish = Arc<dyn Fn(&Report) + Send + Sync>;

/// The exit status of a run that could not go on because the shell stopped answering.
pub const WEDGED_STATUS: i32 = 3;

/// Opens each page of `package` in turn and reports how each fared.
pub fn run(
    builder: ShellBuilder,
    package: Package,
    options: RunOptions,
    smoke: Options,
    finish: Finish,
) -> Result<Report, String> {
    let routes = package.pages().to_vec();
    let roots = package.config().subpackages.iter().map(|sub| sub.root.clone()).collect();
    let report = Arc::new(Mutex::new(Report::new(&package.app_info().name, roots)));
    let stop = StopSignal::listen();
    let started = Instant::now();
    let options = RunOptions {
        inject_script: Some(format!("{STILL_JS}\n{INSPECT_JS}\n{}", options.inject_script.clone().unwrap_or_default())),
        // (a wedged page is smoke's to judge: its deadline comes first)
        busy_deadline: smoke.page_timeout + Duration::from_secs(30),
        ..options
    };
    let out = report.clone();
    let wedged = finish.clone();
    let ran = testing::run_with(builder, package, options, move |app| {
        let mut driver = visit::Driver::new(app, &smoke);
        for (i, route) in routes.iter().enumerate() {
            if let Some(signal) = stop.get() {
                not_reached(&out, &routes[i..], signal);
                break;
            }
            match driver.visit(route, &out) {
                visit::Visit::Done(page) => out.lock().expect("report lock").pages.push(page),
                visit::Visit::Stopped(page) => {
                    out.lock().expect("report lock").pages.push(page);
                    let signal = stop.get().unwrap_or("the shell ended");
                    not_reached(&out, &routes[i + 1..], signal);
                    break;
                }
                visit::Visit::Wedged(page) => {
                    // The shell's own thread answers nothing: no clean end is possible.
                    let mut report = out.lock().expect("report lock");
                    report.pages.push(page);
                    let why = "the shell stopped answering";
                    for route in &routes[i + 1..] {
                        report.pages.push(PageResult::new(route, Outcome::NotReached));
                    }
                    report.stopped = Some(why.into());
                    report.ms = started.elapsed().as_millis() as u64;
                    wedged(&report);
                    std::process::exit(WEDGED_STATUS);
                }
            }
        }
        out.lock().expect("report lock").reached_unlisted = driver.reached_unlisted(&routes);
        Ok(())
    });
    let mut report = report.lock().expect("report lock").clone();
    report.ms = started.elapsed().as_millis() as u64;
    if let Err(err) = ran {
        // A run stopped by a signal ends the shell on purpose.
        if report.stopped.is_none() {
            return Err(err.message().unwrap_or("the shell failed").to_string());
        }
    }
    finish(&report);
    Ok(report)
}

/// Lists `routes` as not reached, and why the run stopped.
fn not_reached(report: &Mutex<Report>, routes: &[String], why: &str) {
    let mut report = report.lock().expect("report lock");
    for route in routes {
        report.pages.push(PageResult::new(route, Outcome::NotReached));
    }
    report.stopped = Some(why.to_string());
}

/// SIGINT or SIGTERM, once either has arrived (the shell hears them too, and closes).
#[derive(Clone)]
pub struct StopSignal(Arc<Mutex<Option<&'static str>>>);

impl StopSignal {
    /// Starts listening, on a thread of its own.
    pub fn listen() -> StopSignal {
        let heard = StopSignal(Arc::default());
        let slot = heard.0.clone();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
        if let Ok(runtime) = runtime {
            std::thread::Builder::new()
                .name("superapp-smoke-signals".into())
                .spawn(move || {
                    runtime.block_on(async move {
                        use tokio::signal::unix::{signal, SignalKind};
                        let (Ok(mut interrupt), Ok(mut terminate)) =
                            (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
                        else {
                            return;
                        };
                        let name = tokio::select! {
                            _ = interrupt.recv() => "SIGINT",
                            _ = terminate.recv() => "SIGTERM",
                        };
                        *slot.lock().expect("signal lock") = Some(name);
                    })
                })
                .ok();
        }
        heard
    }

    /// The signal heard, if one was.
    pub fn get(&self) -> Option<&'static str> {
        *self.0.lock().expect("signal lock")
    }
}

/// The exit status after `signal` (128 + its number, as a shell reports it).
pub fn signal_status(signal: &str) -> Option<i32> {
    match signal {
        "SIGINT" => Some(130),
        "SIGTERM" => Some(143),
        _ => None,
    }
}
