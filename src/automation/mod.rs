//! Automation: WeChat's own test client, `miniprogram-automator`, drives the shell as it
//! drives WeChat DevTools, and the Rust [`testing`](crate::testing) harness drives it through
//! the same commands.
//!
//! # Layout
//! - [`protocol`]: the wire format (JSON text frames: request, reply, event).
//! - [`command`]: the automator's methods as one typed [`Command`](command::Command), parsed
//!   with a clear error for anything else, and where each runs (plain data, no window).
//! - [`server`]: the WebSocket server of `superapp auto` and `--auto-port`
//!   (tokio-tungstenite): one client at a time, every request answered exactly once.
//! - The shell carries commands out (`src/shell/automation.rs`); inside the webviews the
//!   agent (`assets/automation/agent.js`) finds elements, taps, reads data, calls `wx`.

pub mod command;
pub mod protocol;
pub mod server;
