//! The `superapp` binary: parse arguments, set up tracing, call the library.

use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let cli = superapp_shell::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal: not in a pipe, a pager or a log file.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    superapp_shell::cli::run(cli)
}
