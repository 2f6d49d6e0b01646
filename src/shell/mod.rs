//! The thin shell layer: the only code that names tao or wry.
//!
//! [`Shell::run`] opens one tao window holding the mini program's page webview, starts a
//! tokio runtime for handlers, and runs the event loop on the calling thread until the
//! window closes, the mini program exits, or `exit_after` elapses. Replies come back to
//! the UI thread as [`UserEvent`](user_event::UserEvent)s through the event loop proxy
//! and are delivered, batched per loop pass, by one `evaluate_script` per page.

pub mod display;
pub mod page;
pub mod screenshot;
pub mod user_event;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tao::dpi::LogicalSize;
use tao::event::{Event, WindowEvent};
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tao::platform::run_return::EventLoopExtRunReturn;
use tao::platform::unix::{EventLoopBuilderExtUnix, WindowExtUnix};
use tao::window::WindowBuilder;

use crate::core::bridge::{Bridge, CallObserver, DEFAULT_MAX_PAYLOAD};
use crate::core::handler::Handler;
use crate::core::host::{Host, Outbox, Target, WebViewId};
use crate::core::mock::Mock;
use crate::core::package::Package;
use crate::core::protocol::delivery_script;
use crate::core::registry::{Registry, RegistryBuilder};
use crate::core::trace::TraceWriter;
use crate::MiniApiCall;

use page::{Page, PageContext};
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
        }
    }
}

/// Builds a [`Shell`]: register handlers (TCSAS `registerMiniAppApi`) and set limits.
pub struct ShellBuilder {
    registry: RegistryBuilder,
    max_payload: usize,
    host: Host,
    observer: Option<Arc<dyn CallObserver>>,
}

impl ShellBuilder {
    /// Registers `handler` under `name`.
    ///
    /// # Panics
    /// When `name` is already registered.
    pub fn register(mut self, name: &str, handler: impl Handler) -> ShellBuilder {
        self.registry = self.registry.register(name, handler);
        self
    }

    /// Registers `handler` under `name` with its own timeout.
    ///
    /// # Panics
    /// When `name` is already registered.
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

    /// The timeout of every API registered without its own (default 30 s).
    pub fn default_timeout(mut self, timeout: Duration) -> ShellBuilder {
        self.registry = self.registry.default_timeout(timeout);
        self
    }

    /// The largest encoded call a page may send, in bytes (default 8 MiB).
    pub fn max_payload_bytes(mut self, bytes: usize) -> ShellBuilder {
        self.max_payload = bytes;
        self
    }

    /// Sees every finished call (in addition to `RunOptions::trace`).
    pub fn observer(mut self, observer: Arc<dyn CallObserver>) -> ShellBuilder {
        self.observer = Some(observer);
        self
    }

    /// Freezes the set of APIs. Built-ins not overridden by a registration are added.
    pub fn build(mut self) -> Shell {
        self.registry
            .register_default("exitMiniProgram", Arc::new(exit_mini_program));
        Shell {
            registry: Arc::new(self.registry.build()),
            max_payload: self.max_payload,
            host: self.host,
            observer: self.observer,
        }
    }
}

/// Built-in `wx.exitMiniProgram`: ends the run with status 0.
async fn exit_mini_program(call: MiniApiCall) -> crate::ApiResult {
    call.host().exit(0).map_err(crate::ApiError::new)?;
    Ok(None)
}

/// A desktop host for one mini program, with a fixed set of native APIs.
pub struct Shell {
    registry: Arc<Registry>,
    max_payload: usize,
    host: Host,
    observer: Option<Arc<dyn CallObserver>>,
}

impl Shell {
    /// Starts building a shell.
    pub fn builder() -> ShellBuilder {
        ShellBuilder {
            registry: RegistryBuilder::new(),
            max_payload: DEFAULT_MAX_PAYLOAD,
            host: Host::new(),
            observer: None,
        }
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
    /// call this from the same thread every time (the main thread is best).
    pub fn run(&self, package: Package, options: &RunOptions) -> Result<i32, ShellError> {
        display::ensure(options.headless)?;
        let trace: Option<Arc<dyn CallObserver>> = match &options.trace {
            Some(path) => Some(Arc::new(TraceWriter::create(path).map_err(|source| ShellError::Trace {
                path: path.clone(),
                source,
            })?)),
            None => None,
        };
        let observer = match (trace, self.observer.clone()) {
            (Some(a), Some(b)) => Some(Arc::new(Both(a, b)) as Arc<dyn CallObserver>),
            (a, b) => a.or(b),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("superapp-handler")
            .enable_all()
            .build()
            .map_err(ShellError::Runtime)?;
        let bridge = Arc::new(Bridge::new(self.registry.clone(), self.max_payload, self.host.clone(), observer));

        let mut event_loop = EventLoopBuilder::<UserEvent>::with_user_event()
            .with_any_thread(true)
            .build();
        let outbox: Arc<dyn Outbox> = Arc::new(ProxyOutbox::new(event_loop.create_proxy()));
        let app_info = package.app_info().clone();
        let window = WindowBuilder::new()
            .with_title(format!("{} - superapp", app_info.name))
            .with_inner_size(LogicalSize::new(options.window_size.0, options.window_size.1))
            .build(&event_loop)
            .map_err(|err| ShellError::Window(err.to_string()))?;
        let vbox = window
            .default_vbox()
            .ok_or_else(|| ShellError::Window("the window has no GTK box".into()))?;

        let home = package.home().to_string();
        let context = PageContext {
            package: Arc::new(package),
            bridge,
            runtime: runtime.handle().clone(),
            outbox: outbox.clone(),
            origins: Arc::new(RwLock::new(HashMap::new())),
            inject_script: options.inject_script.clone(),
        };
        let mut pages: Vec<Page> = vec![page::open(&context, vbox, 1, &home)?];
        tracing::info!(app = %app_info.app_id, page = %home, "mini program opened");

        self.host.attach(outbox.clone());
        if let Some(limit) = options.exit_after {
            let outbox = outbox.clone();
            runtime.spawn(async move {
                tokio::time::sleep(limit).await;
                tracing::info!(?limit, "--exit-after elapsed");
                outbox.exit(0);
            });
        }

        let mut exit_code = 0;
        let mut queued: HashMap<WebViewId, Vec<String>> = HashMap::new();
        event_loop.run_return(|event, _target, control_flow| {
            *control_flow = ControlFlow::Wait;
            match event {
                Event::UserEvent(UserEvent::Deliver(id, message)) => {
                    queued.entry(id).or_default().push(message);
                }
                Event::UserEvent(UserEvent::Broadcast(target, message)) => {
                    for page in pages.iter().filter(|page| targets(&target, page)) {
                        queued.entry(page.id).or_default().push(message.clone());
                    }
                }
                Event::UserEvent(UserEvent::Exit(code)) => {
                    exit_code = code;
                    if let Some(path) = &options.screenshot {
                        match screenshot::capture(&window, path) {
                            Ok(()) => tracing::info!(?path, "saved a screenshot"),
                            Err(err) => tracing::error!(%err, "screenshot failed"),
                        }
                    }
                    *control_flow = ControlFlow::Exit;
                }
                Event::WindowEvent {
                    event: WindowEvent::CloseRequested,
                    ..
                } => {
                    exit_code = 0;
                    *control_flow = ControlFlow::Exit;
                }
                Event::MainEventsCleared => {
                    for (id, messages) in queued.drain() {
                        if let Some(page) = pages.iter().find(|page| page.id == id) {
                            if let Err(err) = page.webview.evaluate_script(&delivery_script(&messages)) {
                                tracing::error!(webview = id, %err, "cannot deliver to a page");
                            }
                        }
                    }
                }
                _ => {}
            }
        });

        self.host.detach();
        pages.clear();
        drop(window);
        runtime.shutdown_timeout(Duration::from_secs(1));
        tracing::info!(exit_code, "shell stopped");
        Ok(exit_code)
    }
}

fn targets(target: &Target, page: &Page) -> bool {
    match target {
        Target::All => true,
        Target::App(app_id) => &page.app_id == app_id,
        Target::WebView(id) => page.id == *id,
    }
}

struct Both(Arc<dyn CallObserver>, Arc<dyn CallObserver>);

impl CallObserver for Both {
    fn finished(&self, record: &crate::core::bridge::CallRecord<'_>) {
        self.0.finished(record);
        self.1.finished(record);
    }
}
