//! The runner of the tests that drive real windows: libtest-mimic through
//! `superapp_shell::testing::harness` (one test at a time on the main thread; name filters,
//! `--exact`, `--list`, and `cargo nextest run`, which gives each test its own process).

use std::process::ExitCode;

use superapp_shell::testing::{self, Trial};

/// Runs the selected tests one after another on this (the main) thread.
pub fn main(tests: &[(&'static str, fn())]) -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .try_init();
    let trials = tests
        .iter()
        .map(|&(name, test)| {
            Trial::test(name, move || {
                test();
                Ok(())
            })
        })
        .collect();
    testing::harness(trials)
}
