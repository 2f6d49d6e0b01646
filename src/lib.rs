//! superapp-shell: a desktop host for mini programs.
//!
//! A tao window hosts wry webviews; each webview is one mini program page. An injected JS
//! bridge gives pages `wx.invokeNativePlugin({api_name, data, success, fail, complete,
//! progress, sync})`, answered by async Rust handlers that the host registers before the
//! shell starts, following the TCSAS (Tencent Cloud Super App as a Service) contract.
//!
//! ```no_run
//! use superapp_shell::{ApiResult, MiniApiCall, Package, RunOptions, Shell};
//!
//! async fn my_api(call: MiniApiCall) -> ApiResult<serde_json::Value> {
//!     Ok(serde_json::json!({"hello": call.data()}))
//! }
//!
//! let shell = Shell::builder().register("myApiName", my_api).build();
//! let package = Package::open("my_miniapp").unwrap();
//! let status = shell.run(package, &RunOptions { headless: true, ..Default::default() }).unwrap();
//! ```
//!
//! # Layout
//!
//! - [`core`]: the pure core, no window. [`core::protocol`] is the wire format between
//!   JS and Rust; [`core::registry`] holds handlers and dispatches with timeouts and panic
//!   capture; [`core::bridge`] turns page messages into calls that get exactly one
//!   answer; [`core::package`] reads a mini program package with safe paths;
//!   [`core::mock`] and [`core::trace`] back the `--mock` and `--trace` flags;
//!   [`core::router`] and [`core::lifecycle`] decide the page stack and the order of
//!   lifecycle hooks; [`core::ui_api`] and [`core::builtins`] declare every built-in once;
//!   [`core::limits`] bounds what a page can make the shell hold; [`core::watchdog`]
//!   decides when a web process has to go (memory, pings unanswered, a crash);
//!   [`core::storage`] keeps each mini program's storage, crash-safe;
//!   [`core::simulator`] answers WeChat's account and sharing APIs as DevTools does;
//!   [`core::wx_reference`] lists every function of WeChat's API reference.
//! - [`shell`]: the thin layer that names tao and wry: the window, the page webviews,
//!   the `superapp://` scheme, the event loop and the private Xvfb of `--headless`.
//! - [`wxml`]: WXML mini programs: WeChat's own compilers run as subprocesses, and the
//!   bundle the two layers load.
//! - [`net`]: `wx.request`, `wx.downloadFile`, `wx.uploadFile` and `wx.connectSocket`,
//!   done in Rust (reqwest and tokio-tungstenite with rustls), mockable by URL; hosts that
//!   cannot be reached fail at once ([`net::reachability`]).
//! - [`files`]: a mini program's own files (`wxfile://usr|tmp|store`, confined to its
//!   folder under the data directory, and its package read only): the file system
//!   manager, saved files, image info, the choosers and the image viewer's requests.
//! - [`automation`]: WeChat's `miniprogram-automator` protocol: frames, one typed command
//!   enum, and the WebSocket server of `superapp auto`.
//! - [`testing`]: a Rust test harness on the same commands, for host developers.
//! - [`smoke`]: `superapp smoke`, every page opened in turn and judged as a person would
//!   ([`smoke::verdict`]), within a deadline each, with screenshots against a baseline
//!   ([`smoke::visual`]) and reports for people and CI ([`smoke::html`], [`smoke::junit`]).
//! - [`cli`]: the `superapp` command line.
//! - [`bench`](mod@bench): `superapp bench`, the bridge measured against a raw-wry floor.
//! - `assets/bridge.js`: the JS bridge injected into every page, with the page-side APIs
//!   beside it (`managers.js`, `desktop.js`, `socket.js`, `cloud.js`, `worklet.js`,
//!   `animation.js`, and `reference.js` last: the rest of WeChat's API); `assets/wxml/`: the two
//!   layers of a WXML mini program; `assets/automation/agent.js`: what automation does
//!   inside a webview; `assets/smoke/`: what a smoke run adds to every webview.
//! - `sample_miniapp/`: the sample mini program, embedded in the binary.

#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod automation;
pub mod bench;
pub mod cli;
pub mod core;
pub mod files;
pub mod net;
pub mod sample;
pub mod shell;
pub mod smoke;
pub mod testing;
pub mod wxml;

pub use crate::core::api_error::ApiError;
pub use crate::core::app_info::{AppInfo, VerType};
pub use crate::core::bridge::{CallObserver, CallRecord};
pub use crate::core::call::{ApiParams, MiniApiCall};
pub use crate::core::call_error::CallError;
pub use crate::core::handler::{ApiResult, Handler, IntoReply};
pub use crate::core::host::{Host, HostError, Target, WebViewId};
pub use crate::core::limits::Limits;
pub use crate::core::package::Package;
pub use crate::shell::{AutomationHook, RunOptions, Shell, ShellBuilder, ShellError};
