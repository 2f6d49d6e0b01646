//! The `superapp` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::core::mock::read_mocks;
use crate::{sample, Package, RunOptions, Shell};

/// A desktop host for mini programs.
#[derive(Debug, Parser)]
#[command(name = "superapp", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a mini program (the embedded sample when no DIR is given).
    Run(RunArgs),
    /// Measure the bridge against a raw-wry floor, navigation, cold start and memory;
    /// progress on stderr, one JSON object on stdout.
    Bench(BenchArgs),
    /// Open a mini program for WeChat's automator (`miniprogram-automator`), as WeChat
    /// DevTools' `cli auto` does: `automator.launch({cliPath: 'superapp', projectPath})`
    /// runs this. Ends when the client sends `Tool.close`, or when the process that started
    /// it ends.
    Auto(AutoArgs),
    /// Open every page of a mini program in turn (headless) and report which rendered
    /// without an uncaught error; exit status 1 when any did not.
    Smoke(SmokeArgs),
    /// One measurement in a fresh process, run by `bench` (not for direct use).
    #[command(hide = true)]
    BenchChild {
        /// cold-floor, cold-shell or memory.
        kind: String,
        /// The folder holding the packages the child opens.
        dir: PathBuf,
    },
}

/// Flags of `superapp bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A smoke run with tiny samples (for CI: the figures mean little).
    #[arg(long)]
    pub quick: bool,
    /// Use the current display instead of a private Xvfb.
    #[arg(long)]
    pub display: bool,
}

/// The embedded samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SampleKind {
    /// The HTML sample (`sample_miniapp/`).
    Html,
    /// The WXML sample (`sample_wxml/`).
    Wxml,
}

/// Flags of `superapp run`; QA scripts rely on them, keep them stable.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The mini program directory (holding app.json); the embedded sample if absent.
    pub dir: Option<PathBuf>,
    /// Which embedded sample runs when no DIR is given: `html` (pages written for this
    /// shell) or `wxml` (WXML, WXSS and JS, as WeChat mini programs are written).
    #[arg(long, value_enum, default_value = "html")]
    pub sample: SampleKind,
    /// Run with no visible display, under a private Xvfb stopped on exit.
    #[arg(long)]
    pub headless: bool,
    /// A JSON file of canned API answers: {"name": {"result": {..}} | {"fail": ".."}, "delayMs"?, "states"?}.
    #[arg(long, value_name = "FILE")]
    pub mock: Option<PathBuf>,
    /// Fail at once every request, download, upload and socket that no mock rule answers.
    #[arg(long)]
    pub offline: bool,
    /// Write one JSON line per finished call to FILE.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// End the run (status 0) after SECS seconds.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub exit_after: Option<f64>,
    /// Keep mini program storage and webview data under DIR (default: $SUPERAPP_DATA_DIR,
    /// else $XDG_DATA_HOME/superapp-shell, else ~/.local/share/superapp-shell).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Save a PNG of the window to FILE just before the run ends.
    #[arg(long, value_name = "FILE")]
    pub screenshot: Option<PathBuf>,
    /// Also serve WeChat's automator protocol on 127.0.0.1:PORT (as `superapp auto`), so
    /// `automator.connect({wsEndpoint})` can drive this run.
    #[arg(long, value_name = "PORT")]
    pub auto_port: Option<u16>,
    /// The theme: `light` or `dark` (app.json's themeLocation values, wx.getSystemInfoSync().theme,
    /// and prefers-color-scheme in pages).
    #[arg(long, value_enum, default_value = "light")]
    pub theme: ThemeArg,
    /// A web process holding more than MB of memory is ended and the mini program restarted
    /// (with a notice in the window).
    #[arg(long, value_name = "MB", default_value_t = crate::core::watchdog::DEFAULT_MEMORY_LIMIT_MB)]
    pub memory_limit: u64,
}

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeArg {
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl From<ThemeArg> for crate::core::theme::Theme {
    fn from(theme: ThemeArg) -> Self {
        match theme {
            ThemeArg::Light => crate::core::theme::Theme::Light,
            ThemeArg::Dark => crate::core::theme::Theme::Dark,
        }
    }
}

/// Flags of `superapp smoke`.
#[derive(Debug, Args)]
pub struct SmokeArgs {
    /// The mini program (or its project) folder.
    pub dir: PathBuf,
    /// The theme to open it in.
    #[arg(long, value_enum, default_value = "light")]
    pub theme: ThemeArg,
    /// Print the report as JSON on stdout (`{"pages": [{route, outcome, reason, ms, errors, ...}]}`).
    #[arg(long)]
    pub json: bool,
    /// The share of pages (0 to 1) that must be ok for exit status 0 (default 1: every
    /// page).
    #[arg(long, value_name = "RATIO", default_value_t = 1.0)]
    pub min_pass: f64,
    /// Use the current display instead of a private Xvfb.
    #[arg(long)]
    pub display: bool,
    /// Keep storage and webview data under DIR (default: a fresh temporary folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A JSON file of canned API answers, as for `run` (`request GET <url>` entries answer
    /// wx.request offline).
    #[arg(long, value_name = "FILE")]
    pub mock: Option<PathBuf>,
    /// Fail at once every request, download, upload and socket that no mock rule answers.
    #[arg(long)]
    pub offline: bool,
    /// How long one page may take to open and settle, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 15.0)]
    pub page_timeout: f64,
    /// A web process holding more than MB of memory is ended: its page is `crashed`.
    #[arg(long, value_name = "MB", default_value_t = crate::core::watchdog::DEFAULT_MEMORY_LIMIT_MB)]
    pub memory_limit: u64,
    /// Write one PNG per page into DIR, named by route (`DIR/pages/index/index.png`).
    #[arg(long, value_name = "DIR")]
    pub screenshots: Option<PathBuf>,
    /// Compare each page's screenshot with the one in DIR; a page that changed fails, and
    /// its diff image is written beside its screenshot.
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,
    /// Write the screenshots into the --baseline DIR instead of comparing.
    #[arg(long)]
    pub update_baseline: bool,
    /// Write the report as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write the report as JUnit XML (one testcase per page).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also tap every tappable element of each page (a fresh page for each tap), at most
    /// --explore-budget per page, and report what each tap did.
    #[arg(long)]
    pub explore: bool,
    /// How many taps --explore makes on one page.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub explore_budget: usize,
}

/// Flags of `superapp auto` (DevTools' own command line).
#[derive(Debug, Args)]
pub struct AutoArgs {
    /// The mini program directory (holding app.json).
    #[arg(long, value_name = "DIR")]
    pub project: PathBuf,
    /// The port of the automation WebSocket, on 127.0.0.1.
    #[arg(long, value_name = "PORT", default_value_t = 9420)]
    pub auto_port: u16,
    /// Run under a private Xvfb even when there is a display (without a display, always).
    #[arg(long)]
    pub headless: bool,
    /// Keep mini program storage and webview data under DIR (as for `run`).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Write one JSON line per finished call to FILE.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// DevTools' login account: accepted and ignored (no login here).
    #[arg(long, value_name = "ACCOUNT")]
    pub auto_account: Option<String>,
    /// DevTools' login ticket: accepted and ignored.
    #[arg(long, value_name = "TICKET")]
    pub ticket: Option<String>,
    /// DevTools' project trust prompt: accepted and ignored (there is none).
    #[arg(long)]
    pub trust_project: bool,
}

/// Runs a parsed command line and returns the process's exit status.
pub fn run(cli: Cli) -> ExitCode {
    let status = match cli.command {
        Command::Run(args) => run_miniapp(args),
        Command::Auto(args) => run_auto(args),
        Command::Smoke(args) => run_smoke(args),
        Command::Bench(args) => {
            let plan = if args.quick { crate::bench::Plan::quick() } else { crate::bench::Plan::full() };
            crate::bench::run(&plan, !args.display).map(|report| {
                println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
                0
            })
        }
        Command::BenchChild { kind, dir } => crate::bench::child::run(&kind, &dir).map(|()| 0),
    };
    match status {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(message) => {
            eprintln!("superapp: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_miniapp(args: RunArgs) -> Result<i32, String> {
    if args.memory_limit == 0 {
        return Err("--memory-limit must be above 0 MB".into());
    }
    let exit_after = match args.exit_after {
        Some(secs) if secs.is_finite() && secs >= 0.0 => Some(Duration::from_secs_f64(secs)),
        Some(secs) => return Err(format!("--exit-after must be a non-negative number of seconds, got {secs}")),
        None => None,
    };
    let package = match &args.dir {
        Some(dir) => Package::open_themed(dir, args.theme.into())
            .map_err(|err| format!("cannot open the mini program {dir:?}: {err}"))?,
        None => match args.sample {
            SampleKind::Html => Package::embedded(&sample::SAMPLE_MINIAPP, "sample"),
            SampleKind::Wxml => Package::embedded(&sample::SAMPLE_WXML, "sample-wxml"),
        }
        .map_err(|err| err.to_string())?,
    };
    let mut builder = sample::register(Shell::builder()).offline(args.offline);
    if let Some(path) = &args.mock {
        builder = with_mocks(builder, path)?;
    }
    if let Some(dir) = &args.data_dir {
        builder = builder.data_dir(dir.clone());
    }
    let shell = builder.build();
    let options = RunOptions {
        headless: args.headless,
        exit_after,
        trace: args.trace.clone(),
        screenshot: args.screenshot.clone(),
        auto_port: args.auto_port,
        memory_limit_mb: args.memory_limit,
        ..RunOptions::default()
    };
    shell.run(package, &options).map_err(|err| err.to_string())
}

fn run_smoke(args: SmokeArgs) -> Result<i32, String> {
    let dir = &args.dir;
    if !(0.0..=1.0).contains(&args.min_pass) {
        return Err(format!("--min-pass must be a share from 0 to 1, got {}", args.min_pass));
    }
    if !(args.page_timeout.is_finite() && args.page_timeout > 0.0) {
        return Err(format!("--page-timeout must be a positive number of seconds, got {}", args.page_timeout));
    }
    if args.memory_limit == 0 {
        return Err("--memory-limit must be above 0 MB".into());
    }
    if args.update_baseline && args.baseline.is_none() {
        return Err("--update-baseline needs --baseline DIR".into());
    }
    let package = Package::open_themed(dir, args.theme.into())
        .map_err(|err| format!("cannot open the mini program {dir:?}: {err}"))?;
    // A fresh data folder: a smoke run starts from no storage, and leaves none behind.
    let scratch = tempfile::tempdir().map_err(|err| format!("cannot make a temporary data folder: {err}"))?;
    let data = args.data_dir.clone().unwrap_or_else(|| scratch.path().to_path_buf());
    let mut builder = sample::register(Shell::builder()).data_dir(data).offline(args.offline);
    if let Some(path) = &args.mock {
        builder = with_mocks(builder, path)?;
    }
    // A baseline is compared through screenshots: without --screenshots, they go beside
    // the report (or into a temporary folder).
    let screenshots = args.screenshots.clone().or_else(|| {
        args.baseline.as_ref().map(|_| match &args.report {
            Some(report) => report.with_extension("screenshots"),
            None => scratch.path().join("screenshots"),
        })
    });
    let smoke = crate::smoke::Options {
        page_timeout: Duration::from_secs_f64(args.page_timeout),
        screenshots,
        baseline: args.baseline.clone(),
        update_baseline: args.update_baseline,
        explore: args.explore.then_some(args.explore_budget),
    };
    let options = RunOptions { headless: !args.display, memory_limit_mb: args.memory_limit, ..RunOptions::default() };
    let (json, report_file, junit_file) = (args.json, args.report.clone(), args.junit.clone());
    let finish: crate::smoke::Finish = std::sync::Arc::new(move |report: &crate::smoke::report::Report| {
        if json {
            println!("{}", serde_json::to_string_pretty(report).unwrap_or_default());
        } else {
            print!("{}", report.table());
        }
        let write = |path: &PathBuf, text: String| {
            if let Err(err) = std::fs::write(path, text) {
                eprintln!("superapp: cannot write {}: {err}", path.display());
            }
        };
        if let Some(path) = &report_file {
            write(path, crate::smoke::html::html(report));
        }
        if let Some(path) = &junit_file {
            write(path, crate::smoke::junit::junit(report));
        }
    });
    let report = crate::smoke::run(builder, package, options, smoke, finish)?;
    if let Some(status) = report.stopped.as_deref().and_then(crate::smoke::signal_status) {
        return Ok(status);
    }
    Ok(report.status(args.min_pass))
}

/// Adds `--mock` answers (API entries and `request` rules) to a builder.
fn with_mocks(builder: crate::ShellBuilder, path: &std::path::Path) -> Result<crate::ShellBuilder, String> {
    let mut mocks = read_mocks(path).map_err(|err| err.to_string())?;
    let requests = crate::net::request::RequestMocks::take(&mut mocks)
        .map_err(|err| format!("mock file {:?}: {err}", path.display().to_string()))?;
    Ok(builder.mocks(mocks).request_mocks(requests))
}

fn run_auto(args: AutoArgs) -> Result<i32, String> {
    // Never outlive the process that started us (the automator's launcher): no orphaned
    // server holding the port.
    crate::shell::end_with_parent().map_err(|err| format!("cannot follow the parent process: {err}"))?;
    let dir = &args.project;
    let package = Package::open(dir).map_err(|err| format!("cannot open the mini program {dir:?}: {err}"))?;
    let mut builder = sample::register(Shell::builder());
    if let Some(dir) = &args.data_dir {
        builder = builder.data_dir(dir.clone());
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    let options = RunOptions {
        headless: args.headless || !(set("DISPLAY") || set("WAYLAND_DISPLAY")),
        trace: args.trace.clone(),
        auto_port: Some(args.auto_port),
        ..RunOptions::default()
    };
    builder.build().run(package, &options).map_err(|err| err.to_string())
}
