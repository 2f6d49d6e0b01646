//! Where windows appear: the user's display, or a private Xvfb for `--headless`.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use super::ShellError;

/// The private Xvfb of this process, started at most once and reused by every later run.
static XVFB: OnceLock<Mutex<Option<Xvfb>>> = OnceLock::new();

/// A private X server. It dies with this process: the kernel sends it SIGTERM when the
/// thread that started it ends (PR_SET_PDEATHSIG), so start it from a thread that lives
/// as long as the process (the main thread). It is deliberately not stopped earlier: GDK
/// ends the process with status 1 when its display goes away under it.
struct Xvfb {
    child: Child,
    display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes sure windows have somewhere to go before GTK starts: with `headless`, starts (or
/// reuses) a private Xvfb and points `$DISPLAY` at it; without, requires `$DISPLAY` or
/// `$WAYLAND_DISPLAY`.
pub fn ensure(headless: bool) -> Result<(), ShellError> {
    if !headless {
        let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
        return if set("DISPLAY") || set("WAYLAND_DISPLAY") { Ok(()) } else { Err(ShellError::NoDisplay) };
    }
    let slot = XVFB.get_or_init(|| Mutex::new(None));
    let mut slot = slot.lock().expect("xvfb lock");
    if slot.is_none() {
        *slot = Some(start_xvfb()?);
    }
    let display = &slot.as_ref().expect("started").display;
    std::env::set_var("DISPLAY", display);
    std::env::remove_var("WAYLAND_DISPLAY");
    // Xvfb has no GPU: WebKit's DMABUF renderer would composite through Mesa's software GL.
    // Painting into shared memory instead is faster here (a WXML setData round trip 4.3 ->
    // 3.6 ms, navigateTo -> onReady 61 -> 45 ms) and smaller (about 60 MiB less per web
    // process). A value the user set is kept.
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    // A private display has no session bus: GTK's settings (the file chooser's) are kept
    // in memory rather than failing to reach dconf on every change. A value the user set
    // is kept.
    if std::env::var_os("GSETTINGS_BACKEND").is_none() {
        std::env::set_var("GSETTINGS_BACKEND", "memory");
    }
    Ok(())
}

fn start_xvfb() -> Result<Xvfb, ShellError> {
    let mut command = Command::new("Xvfb");
    command
        .args(["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp", "-noreset"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // A process group of its own: a terminal's Ctrl-C (sent to the shell's group)
        // must not take the display away before the shell has closed its pages.
        .process_group(0);
    #[allow(unsafe_code)]
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|err| ShellError::Xvfb(format!("cannot run Xvfb: {err}")))?;
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    BufReader::new(stdout).read_line(&mut line).map_err(|err| ShellError::Xvfb(err.to_string()))?;
    let number = line.trim();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        let _ = child.kill();
        let status = child.wait().ok();
        return Err(ShellError::Xvfb(format!("Xvfb did not report a display (exit status {status:?})")));
    }
    tracing::info!(display = %format!(":{number}"), "started a private Xvfb");
    Ok(Xvfb { child, display: format!(":{number}") })
}
