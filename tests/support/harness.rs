//! A small libtest-like runner for tests that must all run on the main thread.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Instant;

/// Runs the selected tests one after another on this (the main) thread. Understands
/// name filters, `--exact`, `--list` (and `--format terse`, for nextest) and `--ignored`
/// (runs nothing: there are no ignored tests).
pub fn main(tests: &[(&'static str, fn())]) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|arg| arg == name);
    let filters: Vec<&str> = args
        .iter()
        .filter(|arg| !arg.starts_with("--"))
        .filter(|arg| !matches!(arg.as_str(), "terse" | "pretty" | "json"))
        .map(String::as_str)
        .collect();
    let exact = flag("--exact");
    let selected: Vec<_> = tests
        .iter()
        .filter(|(name, _)| {
            filters.is_empty()
                || filters.iter().any(|filter| if exact { name == filter } else { name.contains(filter) })
        })
        .collect();
    if flag("--list") {
        if !flag("--ignored") {
            for (name, _) in &selected {
                println!("{name}: test");
            }
        }
        return ExitCode::SUCCESS;
    }
    if flag("--ignored") {
        println!("0 passed, 0 failed");
        return ExitCode::SUCCESS;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .try_init();
    println!("\nrunning {} tests on the main thread", selected.len());
    let (mut passed, mut failed) = (0, Vec::new());
    for (name, test) in selected {
        let started = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(test));
        let secs = started.elapsed().as_secs_f64();
        match result {
            Ok(()) => {
                passed += 1;
                println!("test {name} ... ok ({secs:.1} s)");
            }
            Err(_) => {
                failed.push(*name);
                println!("test {name} ... FAILED ({secs:.1} s)");
            }
        }
    }
    if !failed.is_empty() {
        println!("\nfailures:");
        for name in &failed {
            println!("    {name}");
        }
    }
    println!("\n{passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
