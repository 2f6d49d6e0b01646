//! A test harness for host developers: run the real shell headless from your own `cargo
//! test`, with your handlers, and drive the mini program from Rust, through the same
//! automation commands WeChat's `miniprogram-automator` uses.
//!
//! ```no_run
//! use superapp_shell::testing::{self, Trial};
//! use superapp_shell::{Package, Shell};
//!
//! fn taps_a_fruit() -> Result<(), testing::Failed> {
//!     let package = Package::open("sample_wxml")?;
//!     testing::run(Shell::builder(), package, |app| {
//!         app.wait_for(".fruit", testing::WAIT)?;
//!         app.tap(".fruit")?;
//!         app.wait_until(|app| Ok(app.data(Some("taps"))? == 1), testing::WAIT)?;
//!         Ok(())
//!     })
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     testing::harness(vec![Trial::test("taps_a_fruit", taps_a_fruit)])
//! }
//! ```
//!
//! In `Cargo.toml`, the test target sets `harness = false`. The tests of one binary run one
//! after another on the main thread (GTK allows windows on one thread per process);
//! `cargo nextest run` runs each in its own process, so in parallel, and name filters work
//! in both.

mod app;

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use app::{App, CallLog, PageInfo};
pub use libtest_mimic::{Arguments, Failed, Trial};

use crate::automation::server;
use crate::shell::AutomationHook;
use crate::{Package, RunOptions, ShellBuilder};

/// A reasonable time to wait for something a page shows.
pub const WAIT: Duration = Duration::from_secs(10);

/// Runs `test` against the real shell, headless: the shell (with `builder`'s handlers) opens
/// `package`, `test` drives it from another thread, and the run ends when `test` returns.
/// A test error or panic fails the run, with its message.
pub fn run<F>(builder: ShellBuilder, package: Package, test: F) -> Result<(), Failed>
where
    F: FnOnce(&App) -> Result<(), Failed> + Send + 'static,
{
    let options = RunOptions { headless: true, exit_after: Some(Duration::from_secs(300)), ..RunOptions::default() };
    run_with(builder, package, options, test)
}

/// [`run`] with other options (a visible window, a trace file, a window size...).
pub fn run_with<F>(builder: ShellBuilder, package: Package, options: RunOptions, test: F) -> Result<(), Failed>
where
    F: FnOnce(&App) -> Result<(), Failed> + Send + 'static,
{
    let overrides = crate::core::registry::Overrides::default();
    let log = Arc::new(Mutex::new(Vec::new()));
    let builder = builder.api_overrides(overrides.clone()).also_observe(Arc::new(app::Recorder(log.clone())));
    let shell = builder.build();
    let host = shell.host();
    let test = Arc::new(Mutex::new(Some(test)));
    let body = Arc::new(Mutex::new(None::<std::thread::JoinHandle<Result<(), Failed>>>));
    let started = body.clone();
    let hook = AutomationHook(Arc::new(move |dispatch: server::Dispatch, events| {
        let Some(test) = test.lock().expect("test lock").take() else { return };
        let (overrides, log, host) = (overrides.clone(), log.clone(), host.clone());
        let handle = std::thread::Builder::new()
            .name("superapp-test".into())
            .spawn(move || {
                let app = App::new(dispatch.clone(), events, overrides, log, host);
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&app)));
                // Whatever happened, end the run.
                app.close();
                match outcome {
                    Ok(result) => result,
                    Err(payload) => std::panic::resume_unwind(payload),
                }
            })
            .expect("a test thread starts");
        *started.lock().expect("body lock") = Some(handle);
    }));
    let options = RunOptions { automation: Some(hook), ..options };
    let status = shell.run(package, &options).map_err(|err| Failed::from(format!("the shell did not run: {err}")))?;
    let handle = body.lock().expect("body lock").take().ok_or_else(|| Failed::from("the test never started"))?;
    match handle.join() {
        Ok(result) => result?,
        Err(payload) => std::panic::resume_unwind(payload),
    }
    if status != 0 {
        return Err(format!("the shell ended with status {status}").into());
    }
    Ok(())
}

/// Runs `trials` as a libtest-compatible binary (`cargo test`, `cargo nextest run`, name
/// filters, `--list`), one at a time on the main thread.
pub fn harness(trials: Vec<Trial>) -> std::process::ExitCode {
    let mut args = Arguments::from_args();
    // GTK runs windows on one thread per process, for the life of the process.
    args.test_threads = Some(1);
    libtest_mimic::run(&args, trials).exit_code()
}
