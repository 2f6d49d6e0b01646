//! Shared by the behaviour tests: write real mini program packages to temporary
//! directories, and run the real shell on them headless.

#![allow(dead_code)]

pub mod harness;
pub mod http;
pub mod ws;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use superapp_shell::{MiniApiCall, Package, RunOptions, ShellBuilder};

/// The test prelude, placed before each test page's script.
pub const PRELUDE: &str = include_str!("prelude.js");

/// How long any one test run may take before it is stopped (and fails for not reporting).
pub const RUN_LIMIT: Duration = Duration::from_secs(40);

/// Writes files into `dir`, creating folders.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The HTML of a test page running `script` after the prelude.
pub fn page_html(script: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><p id=\"status\">test page</p>\n<script>\n{PRELUDE}\n</script>\n<script>\n{script}\n</script></body></html>"
    )
}

/// Writes a one-page mini program (app id `wxtest`) whose page runs `script`.
pub fn one_page_app(dir: &Path, script: &str) {
    write_files(
        dir,
        &[
            ("app.json", r#"{"pages":["pages/index/index"]}"#),
            (
                "project.config.json",
                r#"{"appid":"wxtest","projectname":"Test App","version":"2.1.0","verType":"preview"}"#,
            ),
            ("pages/index/index.html", &page_html(script)),
        ],
    );
}

/// What one run of the shell produced.
#[derive(Debug)]
pub struct Outcome {
    /// The shell's exit status.
    pub exit_code: i32,
    /// Every value the page reported, in order.
    pub reports: Vec<Value>,
}

impl Outcome {
    /// The one report the page made; panics if it made none, several, or an error one.
    pub fn report(&self) -> &Value {
        assert_eq!(self.reports.len(), 1, "expected one report, got {:?}", self.reports);
        let report = &self.reports[0];
        if let Some(error) = report.get("error") {
            panic!("the page reported an error: {error}");
        }
        report
    }
}

/// Registers the `__report` handler the prelude calls and returns what it collects.
pub fn with_reporter(builder: ShellBuilder) -> (ShellBuilder, Arc<Mutex<Vec<Value>>>) {
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = reports.clone();
    let builder = builder.register("__report", move |call: MiniApiCall| {
        let sink = sink.clone();
        async move {
            sink.lock().unwrap().push(call.params.data);
            Ok(())
        }
    });
    (builder, reports)
}

/// Runs the real shell headless on the package in `dir` with these handlers, keeping
/// mini program data in a fresh temporary directory.
pub fn run_dir(builder: ShellBuilder, dir: &Path, options: RunOptions) -> Outcome {
    let data = tempfile::tempdir().unwrap();
    run_with_data(builder, dir, options, data.path())
}

/// Runs the real shell headless on the package in `dir`, keeping mini program data in
/// `data_dir`.
pub fn run_with_data(builder: ShellBuilder, dir: &Path, options: RunOptions, data_dir: &Path) -> Outcome {
    let (builder, reports) = with_reporter(builder.data_dir(data_dir.to_path_buf()));
    let shell = builder.build();
    let package = Package::open(dir).expect("the test package opens");
    let options = RunOptions { headless: true, exit_after: Some(options.exit_after.unwrap_or(RUN_LIMIT)), ..options };
    let exit_code = shell.run(package, &options).expect("the shell runs");
    let reports = reports.lock().unwrap().clone();
    Outcome { exit_code, reports }
}

/// Runs a one-page mini program whose page runs `script`.
pub fn run_page(builder: ShellBuilder, script: &str) -> Outcome {
    let tmp = tempfile::tempdir().unwrap();
    one_page_app(tmp.path(), script);
    run_dir(builder, tmp.path(), RunOptions::default())
}

/// The processes this test process started (directly or below a child) whose name starts
/// with `name` (`WebKitWebProcess`, `WebKitNetwork`).
pub fn webkit_processes(name: &str) -> usize {
    let me = std::process::id();
    superapp_shell::bench::pss::process_tree(me)
        .iter()
        .filter(|(pid, comm)| *pid != me && comm.starts_with(name))
        .count()
}

/// Sends `signal` to the processes under `root` whose name starts with `name`; how many.
pub fn signal_processes_under(root: u32, name: &str, signal: i32) -> usize {
    let targets: Vec<u32> = superapp_shell::bench::pss::process_tree(root)
        .into_iter()
        .filter(|(pid, comm)| *pid != root && comm.starts_with(name))
        .map(|(pid, _)| pid)
        .collect();
    for pid in &targets {
        #[allow(unsafe_code)]
        // SAFETY: kill(2) has no memory preconditions; the pid is one of our descendants.
        unsafe {
            libc::kill(*pid as i32, signal);
        }
    }
    targets.len()
}

/// Sends `signal` to this test process's processes whose name starts with `name`.
pub fn signal_webkit_processes(name: &str, signal: i32) -> usize {
    signal_processes_under(std::process::id(), name, signal)
}

/// A white PNG of `width` x `height` pixels.
#[allow(dead_code)]
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().unwrap().write_image_data(&vec![255; (width * height * 3) as usize]).unwrap();
    }
    bytes
}

/// A WAV file of `seconds` of silence (8 kHz, 16-bit mono): media the shell can play.
pub fn silent_wav(seconds: f64) -> Vec<u8> {
    let samples = (8000.0 * seconds) as u32;
    let data = samples * 2;
    let mut wav = Vec::with_capacity(44 + data as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    for field in [16u32.to_le_bytes().to_vec(), 1u16.to_le_bytes().to_vec(), 1u16.to_le_bytes().to_vec()] {
        wav.extend_from_slice(&field);
    }
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&16000u32.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data.to_le_bytes());
    wav.resize(44 + data as usize, 0);
    wav
}

/// `builder` with the chrome at a page's reach, as a person sees and uses it:
/// `wx.invokeNativePlugin({api_name: '__chrome'})` answers `host.chrome_state()`, and
/// `{api_name: '__press', data: control}` is `host.press(control)`.
#[allow(dead_code)]
pub fn with_chrome_controls(builder: ShellBuilder) -> ShellBuilder {
    builder
        .register("__chrome", |call: MiniApiCall| async move {
            let state = call.host().chrome_state().await.map_err(superapp_shell::ApiError::new)?;
            Ok(state.as_object().cloned())
        })
        .register("__press", |call: MiniApiCall| async move {
            let control = call.data().as_str().unwrap_or_default().to_string();
            call.host().press(&control).await.map_err(superapp_shell::ApiError::new)?;
            Ok(())
        })
}

/// Copies folder `from` (and everything under it) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The computed style `name` of the first element `selector` finds on the current page.
pub fn style(
    app: &superapp_shell::testing::App,
    selector: &str,
    name: &str,
) -> Result<Value, superapp_shell::testing::Failed> {
    let page = app.current_page()?.id;
    let found = app.send("Page.getElement", serde_json::json!({"pageId": page, "selector": selector}))?;
    let styles = app.send(
        "Element.getStyles",
        serde_json::json!({"pageId": page, "elementId": found["elementId"], "names": [name]}),
    )?;
    Ok(styles["styles"][0].clone())
}
