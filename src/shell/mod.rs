//! The thin shell layer: the only code that names tao or wry.
//!
//! [`Shell::run`] opens one tao window holding the mini program's page webview, starts a
//! tokio runtime for handlers, and runs the event loop on the calling thread until the
//! window closes, the mini program exits, or `exit_after` elapses. Replies come back to
//! the UI thread as `UserEvent`s through the event loop proxy
//! and are delivered, batched per loop pass, by one `evaluate_script` per page.

pub(crate) mod action_sheet;
pub(crate) mod chrome;
pub(crate) mod clipboard;
pub(crate) mod display;
pub(crate) mod file_chooser;
pub(crate) mod image_viewer;
pub(crate) mod lane;
pub(crate) mod mini_program;
pub(crate) mod notice;
pub(crate) mod page;
mod parent;
pub mod processes;
pub(crate) mod release;
pub(crate) mod screenshot;
pub mod stop_signals;
pub(crate) mod user_event;
pub(crate) mod web_context;
pub(crate) mod webkit_features;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tao::dpi::LogicalSize;
use tao::event::{Event, WindowEvent};
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tao::platform::run_return::EventLoopExtRunReturn;
use tao::platform::unix::{EventLoopBuilderExtUnix, WindowExtUnix};
use tao::window::WindowBuilder;

pub use mini_program::RESTARTED_EVENT;
pub use parent::end_with_parent;
pub use release::live_webviews;

use crate::core::app_config::ExtendedLib;
use crate::core::bridge::{Bridge, CallObserver};
use crate::core::builtins;
use crate::core::handler::Handler;
use crate::core::host::{Host, Outbox};
use crate::core::limits::Limits;
use crate::core::mock::Mock;
use crate::core::package::{Package, PageKind};
use crate::core::registry::{Registry, RegistryBuilder};
use crate::core::storage::Storage;
use crate::core::trace::TraceWriter;
use crate::wxml::bundle::Bundle;
use crate::wxml::cache::CompileCache;
use crate::wxml::compiler::Compilers;

use chrome::Chrome;
use mini_program::MiniProgram;
use page::PageContext;
use user_event::{ProxyOutbox, UserEvent};

/// Why the shell could not run.
#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    /// Neither `$DISPLAY` nor `$WAYLAND_DISPLAY` is set and `--headless` was not given.
    #[error("no display: $DISPLAY is not set; pass --headless to run under a private Xvfb")]
    NoDisplay,
    /// The private X server for `--headless` could not start.
    #[error("cannot start Xvfb for --headless (install the xvfb and xauth packages): {0}")]
    Xvfb(String),
    /// The trace file could not be created.
    #[error("cannot create the trace file {path:?}: {source}")]
    Trace {
        /// The file asked for.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The tokio runtime could not start.
    #[error("cannot start the handler runtime: {0}")]
    Runtime(std::io::Error),
    /// The window could not be created.
    #[error("cannot create the window: {0}")]
    Window(String),
    /// A webview could not be created.
    #[error("cannot create a webview: {0}")]
    WebView(#[from] wry::Error),
    /// A WXML mini program could not be compiled.
    #[error("{0}")]
    Wxml(#[from] crate::wxml::compiler::CompileError),
    /// `miniprogram_npm` could not be built from `node_modules`.
    #[error("{0}")]
    Npm(#[from] crate::wxml::npm::NpmError),
    /// The automation server could not start.
    #[error("{0}")]
    Automation(#[from] crate::automation::server::ServerError),
}

/// How one run of the shell behaves.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Run under a private Xvfb instead of the user's display.
    pub headless: bool,
    /// End the run (exit status 0) after this long.
    pub exit_after: Option<Duration>,
    /// Write one JSON line per finished call to this file.
    pub trace: Option<PathBuf>,
    /// The window's inner size in logical pixels.
    pub window_size: (u32, u32),
    /// A script injected into every page after the bridge and before the page's own
    /// scripts (for QA and tests).
    pub inject_script: Option<String>,
    /// Save a PNG of the window to this file just before the run ends.
    pub screenshot: Option<PathBuf>,
    /// Serve WeChat's automator protocol on 127.0.0.1 at this port (`superapp auto`).
    pub auto_port: Option<u16>,
    /// Drive this run from Rust: called once, as the run starts, with the same command
    /// path the automation server uses (the [`testing`](crate::testing) harness).
    pub automation: Option<AutomationHook>,
    /// A web process holding more than this many MB (resident) is ended and its mini
    /// program restarted (`--memory-limit`; default
    /// [`DEFAULT_MEMORY_LIMIT_MB`](crate::core::watchdog::DEFAULT_MEMORY_LIMIT_MB)).
    pub memory_limit_mb: u64,
    /// A web process that answers no ping for this long is ended and its mini program
    /// restarted (default [`DEFAULT_BUSY_DEADLINE`](crate::core::watchdog::DEFAULT_BUSY_DEADLINE)).
    pub busy_deadline: Duration,
}

/// Receives a run's automation handle: the dispatch of commands, and the event frames.
#[derive(Clone)]
pub struct AutomationHook(
    pub Arc<dyn Fn(crate::automation::server::Dispatch, tokio::sync::broadcast::Sender<String>) + Send + Sync>,
);

impl std::fmt::Debug for AutomationHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AutomationHook")
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            headless: false,
            exit_after: None,
            trace: None,
            window_size: (390, 760),
            inject_script: None,
            screenshot: None,
            auto_port: None,
            automation: None,
            memory_limit_mb: crate::core::watchdog::DEFAULT_MEMORY_LIMIT_MB,
            busy_deadline: crate::core::watchdog::DEFAULT_BUSY_DEADLINE,
        }
    }
}

/// Builds a [`Shell`]: register handlers (TCSAS `registerMiniAppApi`) and set limits.
pub struct ShellBuilder {
    registry: RegistryBuilder,
    limits: Limits,
    host: Host,
    observer: Option<Arc<dyn CallObserver>>,
    data_dir: Option<PathBuf>,
    request_mocks: crate::net::request::RequestMocks,
    offline: bool,
}

impl ShellBuilder {
    /// Registers `handler` under `name`.
    ///
    /// # Panics
    /// When `name` is already registered.
    #[track_caller]
    pub fn register(mut self, name: &str, handler: impl Handler) -> ShellBuilder {
        self.registry = self.registry.register(name, handler);
        self
    }

    /// Registers `handler` under `name` with its own timeout.
    ///
    /// # Panics
    /// When `name` is already registered.
    #[track_caller]
    pub fn register_with_timeout(mut self, name: &str, handler: impl Handler, timeout: Duration) -> ShellBuilder {
        self.registry = self.registry.register_with_timeout(name, handler, timeout);
        self
    }

    /// Answers these APIs with canned answers (`--mock`), replacing any handler of the
    /// same name.
    pub fn mocks(mut self, mocks: Vec<(String, Mock)>) -> ShellBuilder {
        for (name, mock) in mocks {
            self.registry.replace(&name, mock.into_handler());
        }
        self
    }

    /// Offline: every `wx.request`, download, upload and socket that no mock rule answers
    /// fails at once (`--offline`).
    pub fn offline(mut self, offline: bool) -> ShellBuilder {
        self.offline = offline;
        self
    }

    /// Mock rules for `wx.request` (`request <METHOD> <url>` entries of a mock file).
    pub fn request_mocks(mut self, mocks: crate::net::request::RequestMocks) -> ShellBuilder {
        self.request_mocks = mocks;
        self
    }

    /// The timeout of every API registered without its own (default 30 s).
    pub fn default_timeout(mut self, timeout: Duration) -> ShellBuilder {
        self.registry = self.registry.default_timeout(timeout);
        self
    }

    /// The largest encoded call a page may send, in bytes (default 8 MiB).
    pub fn max_payload_bytes(mut self, bytes: usize) -> ShellBuilder {
        self.limits.max_payload_bytes = bytes;
        self
    }

    /// Every limit at once (see [`Limits`] for each default).
    ///
    /// # Panics
    /// When a limit is out of range (a zero, or a JSON depth beyond
    /// [`MAX_JSON_DEPTH`](crate::core::limits::MAX_JSON_DEPTH)).
    #[track_caller]
    pub fn limits(mut self, limits: Limits) -> ShellBuilder {
        limits.check();
        self.limits = limits;
        self
    }

    /// Sees every finished call (in addition to `RunOptions::trace`).
    pub fn observer(mut self, observer: Arc<dyn CallObserver>) -> ShellBuilder {
        self.observer = Some(observer);
        self
    }

    /// Where mini programs keep their storage and webview data (default: see
    /// [`default_data_dir`]).
    pub fn data_dir(mut self, dir: PathBuf) -> ShellBuilder {
        self.data_dir = Some(dir);
        self
    }

    /// Lets `overrides` answer in place of registered handlers (the testing harness).
    pub(crate) fn api_overrides(mut self, overrides: crate::core::registry::Overrides) -> ShellBuilder {
        self.registry = self.registry.overrides(overrides);
        self
    }

    /// Adds an observer after any the host set (the testing harness's call log).
    pub(crate) fn also_observe(mut self, observer: Arc<dyn CallObserver>) -> ShellBuilder {
        self.observer = Some(match self.observer.take() {
            Some(first) => Arc::new(Both(first, observer)),
            None => observer,
        });
        self
    }

    /// Freezes the set of APIs. Built-ins not overridden by a registration are added.
    pub fn build(mut self) -> Shell {
        let data_dir = self.data_dir.unwrap_or_else(default_data_dir);
        let storage = Arc::new(Storage::new(data_dir.clone()));
        builtins::register(&mut self.registry, storage);
        let files = crate::files::Files::new(data_dir.clone());
        let requests = crate::net::register(
            &mut self.registry,
            std::mem::take(&mut self.request_mocks),
            files.clone(),
            self.offline,
        );
        crate::files::register(&mut self.registry, files.clone(), requests);
        Shell {
            registry: Arc::new(self.registry.build()),
            limits: self.limits,
            host: self.host,
            observer: self.observer,
            data_dir,
            files,
        }
    }
}

/// The data directory used when none is set: `$SUPERAPP_DATA_DIR`, else
/// `$XDG_DATA_HOME/superapp-shell`, else `~/.local/share/superapp-shell`.
pub fn default_data_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("SUPERAPP_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("superapp-shell")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/superapp-shell")))
        .unwrap_or_else(|| std::env::temp_dir().join("superapp-shell"))
}

/// How long a shutdown (SIGINT, SIGTERM) waits for the pages' onUnload, and the calls
/// they make, before the calls still in flight are failed and the run ends.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A desktop host for one mini program, with a fixed set of native APIs.
pub struct Shell {
    registry: Arc<Registry>,
    limits: Limits,
    host: Host,
    observer: Option<Arc<dyn CallObserver>>,
    data_dir: PathBuf,
    files: Arc<crate::files::Files>,
}

impl Shell {
    /// Starts building a shell.
    pub fn builder() -> ShellBuilder {
        ShellBuilder {
            registry: RegistryBuilder::new(),
            limits: Limits::default(),
            host: Host::new(),
            observer: None,
            data_dir: None,
            request_mocks: Default::default(),
            offline: false,
        }
    }

    /// Where mini programs keep their storage and webview data.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The handle the host uses to push events to pages while the shell runs.
    pub fn host(&self) -> Host {
        self.host.clone()
    }

    /// The APIs this shell answers.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Opens the mini program and runs the event loop on this thread until the window
    /// closes (status 0), the mini program calls `wx.exitMiniProgram()` (status 0), the
    /// host calls [`Host::exit`], or `exit_after` elapses (status 0). Returns the status.
    ///
    /// GTK allows one thread per process to run windows, for the life of the process:
    /// call this from the same thread every time (the main thread is best). Runs one after
    /// another reuse the WebKit context (and its network process) of their data directory.
    pub fn run(&self, mut package: Package, options: &RunOptions) -> Result<i32, ShellError> {
        // A WXML mini program is compiled before any display or window.
        let wxml = match package.kind() {
            PageKind::Wxml => {
                // DevTools' "Build npm", when node_modules has what miniprogram_npm lacks.
                if let Some(dir) = package.dir() {
                    let built = crate::wxml::npm::build(dir)?;
                    if !built.is_empty() {
                        tracing::info!(packages = ?built, "built miniprogram_npm from node_modules");
                    }
                }
                let compilers = Compilers::locate()?;
                // useExtendedLib: WeUI's components, as WeChat supplies them.
                if package.config().extended_libs.contains(&ExtendedLib::Weui) {
                    match compilers.weui_library() {
                        Some(dir) => package.mount(crate::wxml::bundle::WEUI_ROOT, dir),
                        None => tracing::warn!(
                            "useExtendedLib weui: weui-miniprogram is not installed (run `npm ci` in the superapp-shell checkout)"
                        ),
                    }
                }
                let cache = CompileCache::open(self.data_dir.join("compile-cache"));
                Some(Arc::new(Bundle::build(&package, &compilers, Some(&cache))?))
            }
            PageKind::Html => None,
        };
        // The port is taken before anything starts: a busy port is a clear error at once.
        let auto_listener = match options.auto_port {
            Some(port) => Some(crate::automation::server::bind(port)?),
            None => None,
        };
        display::ensure(options.headless)?;
        let trace: Option<Arc<dyn CallObserver>> = match &options.trace {
            Some(path) => Some(Arc::new(
                TraceWriter::create(path).map_err(|source| ShellError::Trace { path: path.clone(), source })?,
            )),
            None => None,
        };
        let observer = match (trace, self.observer.clone()) {
            (Some(a), Some(b)) => Some(Arc::new(Both(a, b)) as Arc<dyn CallObserver>),
            (a, b) => a.or(b),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("superapp-handler")
            // The shell's SIGINT/SIGTERM handler runs here (stop_signals.rs).
            .on_thread_start(stop_signals::unblock_in_this_thread)
            .enable_all()
            .build()
            .map_err(ShellError::Runtime)?;
        let bridge = Arc::new(Bridge::new(self.registry.clone(), self.limits, self.host.clone(), observer));

        // WebKit's processes, started from this thread, start with SIGINT/SIGTERM blocked:
        // a Ctrl-C to the process group reaches the shell alone.
        let _signals_blocked = stop_signals::StopSignalsBlocked::new();
        let mut event_loop = EventLoopBuilder::<UserEvent>::with_user_event().with_any_thread(true).build();
        // The run's theme: WebKit answers `prefers-color-scheme` from GTK's preference.
        if let Some(settings) = gtk::Settings::default() {
            use gtk::prelude::GtkSettingsExt;
            settings.set_gtk_application_prefer_dark_theme(package.theme() == crate::core::theme::Theme::Dark);
        }
        let proxy_outbox = ProxyOutbox::new(event_loop.create_proxy());
        let deliveries = proxy_outbox.delivery_count();
        let outbox: Arc<dyn Outbox> = Arc::new(proxy_outbox);
        let app_info = package.app_info().clone();
        let window = WindowBuilder::new()
            .with_title(format!("{} - superapp", app_info.name))
            .with_inner_size(LogicalSize::new(options.window_size.0, options.window_size.1))
            .build(&event_loop)
            .map_err(|err| ShellError::Window(err.to_string()))?;
        let vbox = window.default_vbox().ok_or_else(|| ShellError::Window("the window has no GTK box".into()))?;
        // (a custom tab bar is the mini program's own component, drawn in its pages)
        let drawn_tab_bar = package.config().tab_bar.clone().filter(|bar| !bar.custom);
        let chrome = Chrome::new(vbox, drawn_tab_bar, event_loop.create_proxy());
        {
            use gtk::prelude::*;
            let proxy = event_loop.create_proxy();
            window.gtk_window().connect_window_state_event(move |_, event| {
                let changed = event.changed_mask();
                if changed.contains(gtk::gdk::WindowState::ICONIFIED) {
                    let minimized = event.new_window_state().contains(gtk::gdk::WindowState::ICONIFIED);
                    let _ = proxy.send_event(UserEvent::Minimized(minimized));
                }
                gtk::glib::Propagation::Proceed
            });
            // A window hidden and shown again (by the host, or a tray) hides and shows
            // the App as minimising does.
            let hidden = event_loop.create_proxy();
            window.gtk_window().connect_hide(move |_| {
                let _ = hidden.send_event(UserEvent::Minimized(true));
            });
            let shown = event_loop.create_proxy();
            window.gtk_window().connect_show(move |_| {
                let _ = shown.send_event(UserEvent::Minimized(false));
            });
        }
        let web_data = crate::core::storage::Storage::app_dir(&self.data_dir, &app_info.app_id).join("webview");
        let web_context = web_context::for_dir(&web_data);
        // HTML pages each run app.js; a WXML mini program runs it once, in its logic context.
        let app_js = match package.kind() {
            PageKind::Html => package.read("/app.js").ok().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
            PageKind::Wxml => None,
        };
        let shutdown_proxy = event_loop.create_proxy();
        let package = Arc::new(package);
        let files = self.files.open(&app_info.app_id, package.clone());
        let context = PageContext {
            package,
            files,
            bridge: bridge.clone(),
            runtime: runtime.handle().clone(),
            outbox: outbox.clone(),
            origins: Arc::new(RwLock::new(HashMap::new())),
            inject_script: options.inject_script.clone(),
            app_js,
            wxml,
            proxy: event_loop.create_proxy(),
            automation: (auto_listener.is_some() || options.automation.is_some())
                .then(|| Arc::new(mini_program::AutomationShared::default())),
        };
        let shared = context.automation.clone();
        let lane = lane::Lane::new();
        let watchdog = crate::core::watchdog::Watchdog::new(options.memory_limit_mb, options.busy_deadline);
        let program = Rc::new(RefCell::new(MiniProgram::open(context, web_context, chrome, lane.clone(), watchdog)?));
        lane.connect(&program);
        if let Some(shared) = shared {
            let (events, _) = tokio::sync::broadcast::channel(4096);
            program.borrow_mut().automate_with(mini_program::Automator::new(events.clone(), shared));
            let proxy = event_loop.create_proxy();
            let dispatch: crate::automation::server::Dispatch = Arc::new(move |command| {
                let (reply, answer) = tokio::sync::oneshot::channel();
                // An ended loop drops the reply: the caller hears that the shell ended.
                let _ = proxy.send_event(UserEvent::Automation(command, reply));
                answer
            });
            if let Some(listener) = auto_listener {
                let port = options.auto_port.unwrap_or_default();
                tracing::info!(port, "automation server listening on 127.0.0.1");
                runtime.spawn(crate::automation::server::serve(listener, dispatch.clone(), events.clone()));
            }
            if let Some(hook) = &options.automation {
                (hook.0)(dispatch, events);
            }
        }
        tracing::info!(app = %app_info.app_id, "mini program opened");

        self.host.attach(outbox.clone());
        {
            let proxy = event_loop.create_proxy();
            runtime.spawn(async move {
                use tokio::signal::unix::{signal, SignalKind};
                let (Ok(mut interrupt), Ok(mut terminate)) =
                    (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
                else {
                    tracing::warn!("cannot listen for SIGINT and SIGTERM");
                    return;
                };
                let name = tokio::select! {
                    _ = interrupt.recv() => "SIGINT",
                    _ = terminate.recv() => "SIGTERM",
                };
                let _ = proxy.send_event(UserEvent::Shutdown(name));
            });
        }
        {
            let proxy = event_loop.create_proxy();
            runtime.spawn(async move {
                let mut ticks = tokio::time::interval(crate::core::watchdog::TICK);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticks.tick().await;
                    if proxy.send_event(UserEvent::GuardTick).is_err() {
                        break;
                    }
                }
            });
        }
        if let Some(limit) = options.exit_after {
            let outbox = outbox.clone();
            runtime.spawn(async move {
                tokio::time::sleep(limit).await;
                tracing::info!(?limit, "--exit-after elapsed");
                outbox.exit(0);
            });
        }

        let mut exit_code = 0;
        let mut stop = Stop::Running;
        event_loop.run_return(|event, _target, control_flow| {
            *control_flow = ControlFlow::Wait;
            let mut program = program.borrow_mut();
            let mut exit = |code: i32, control_flow: &mut ControlFlow| {
                exit_code = code;
                if let Some(path) = &options.screenshot {
                    match screenshot::capture(&window, path) {
                        Ok(()) => tracing::info!(?path, "saved a screenshot"),
                        Err(err) => tracing::error!(%err, "screenshot failed"),
                    }
                }
                *control_flow = ControlFlow::Exit;
            };
            let result = match event {
                // A lone reply goes to its page at once; a burst is batched and goes at
                // the end of this loop pass (MainEventsCleared).
                Event::UserEvent(UserEvent::Deliver(id, message)) => {
                    program.queue(id, message);
                    if deliveries.received() {
                        program.flush();
                    }
                    Ok(())
                }
                Event::UserEvent(UserEvent::Broadcast(target, message)) => {
                    program.broadcast(&target, message);
                    if deliveries.received() {
                        program.flush();
                    }
                    Ok(())
                }
                Event::UserEvent(UserEvent::Request(request)) => program.request(&window, request),
                Event::UserEvent(UserEvent::Clicked(control)) => program.clicked(control),
                Event::UserEvent(UserEvent::HookDone(id, hook)) => {
                    lane.handled(id);
                    program.hook_done(id, hook);
                    Ok(())
                }
                Event::UserEvent(UserEvent::TwoLayer(from, messages)) => {
                    lane.handled(from);
                    program.two_layer_batch(from, messages);
                    Ok(())
                }
                Event::UserEvent(UserEvent::PageReady(id)) => {
                    lane.handled(id);
                    program.page_ready(id);
                    Ok(())
                }
                Event::UserEvent(UserEvent::Destroy(id)) => {
                    program.destroy(id);
                    Ok(())
                }
                Event::UserEvent(UserEvent::HookTimeout(generation)) => {
                    program.hook_timeout(generation);
                    Ok(())
                }
                Event::UserEvent(UserEvent::ToastElapsed(generation)) => {
                    program.toast_elapsed(generation);
                    Ok(())
                }
                Event::UserEvent(UserEvent::GuardTick) => {
                    if stop == Stop::Running {
                        program.guard_tick();
                    }
                    Ok(())
                }
                Event::UserEvent(UserEvent::WebProcessGone(generation, crashed)) => {
                    if stop == Stop::Running {
                        program.web_process_gone(generation, crashed);
                    }
                    Ok(())
                }
                Event::UserEvent(UserEvent::Minimized(minimized)) => {
                    program.minimized(minimized);
                    Ok(())
                }
                Event::UserEvent(UserEvent::Automation(command, reply)) => {
                    if program.automate(&window, command, reply) == mini_program::After::Close && stop == Stop::Running
                    {
                        let _ = shutdown_proxy.send_event(UserEvent::Shutdown("Tool.close"));
                    }
                    // The agent's part goes out now, not at the end of the loop pass.
                    program.flush();
                    Ok(())
                }
                Event::UserEvent(UserEvent::Shutdown(signal)) => {
                    if stop == Stop::Running {
                        stop = Stop::Unloading;
                        tracing::info!(signal, "shutting down: closing the pages");
                        program.unload_all();
                        let proxy = shutdown_proxy.clone();
                        runtime.spawn(async move {
                            tokio::time::sleep(SHUTDOWN_GRACE).await;
                            let _ = proxy.send_event(UserEvent::Exit(0));
                        });
                    }
                    Ok(())
                }
                Event::UserEvent(UserEvent::Exit(code)) => {
                    // Calls still in flight (the grace period ran out, or the run ends
                    // another way) are answered now with a fail, and traced.
                    let answered = bridge.shut_down();
                    if answered > 0 {
                        tracing::info!(calls = answered, "answered the calls still in flight with a fail");
                    }
                    program.flush();
                    exit(code, control_flow);
                    Ok(())
                }
                Event::WindowEvent { event: WindowEvent::CloseRequested, .. } => {
                    exit(0, control_flow);
                    Ok(())
                }
                Event::MainEventsCleared => {
                    program.flush();
                    Ok(())
                }
                _ => Ok(()),
            };
            if let Err(err) = result {
                tracing::error!(%err, "the shell cannot go on");
                exit(1, control_flow);
            } else if stop == Stop::Unloading && *control_flow != ControlFlow::Exit && program.hooks_idle() {
                // Every page ran its onUnload (or ran out of time): the calls it made are
                // answered normally (within the grace period), then the run ends with 0.
                stop = Stop::Settling;
                program.flush();
                let (bridge, proxy) = (bridge.clone(), shutdown_proxy.clone());
                runtime.spawn(async move {
                    bridge.settled().await;
                    let _ = proxy.send_event(UserEvent::Exit(0));
                });
            }
        });

        self.host.detach();
        // (the lane holds only a weak reference)
        Rc::into_inner(program).expect("the loop has ended: the run owns its mini program").into_inner().close();
        drop(window);
        // Calls made while the pages closed (their onUnload's, refused at once) are
        // answered and traced before the runtime stops.
        runtime.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(1), bridge.settled()).await;
        });
        runtime.shutdown_timeout(Duration::from_secs(1));
        tracing::info!(exit_code, "shell stopped");
        Ok(exit_code)
    }
}

/// How far a stop (SIGINT, SIGTERM, `Tool.close`) has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// No stop asked for.
    Running,
    /// The pages are running their onUnload, one at a time.
    Unloading,
    /// Every page has unloaded; the calls their onUnload made are being answered.
    Settling,
}

struct Both(Arc<dyn CallObserver>, Arc<dyn CallObserver>);

impl CallObserver for Both {
    fn finished(&self, record: &crate::core::bridge::CallRecord<'_>) {
        self.0.finished(record);
        self.1.finished(record);
    }
}
