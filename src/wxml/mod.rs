//! WXML mini programs (work in progress, issue "Real mini programs"): pages written in
//! WXML, WXSS and JS on WeChat's two-layer model.
//!
//! So far: [`compiler`], WeChat's own `wcc` and `wcsc` run as subprocesses. Next: the
//! logic context (one hidden webview per mini program running `app.js`, page JS, modules
//! and the `wx` API) and the render webviews (one per page, rendering `$gwx`'s virtual
//! tree and forwarding events), with `setData` crossing through the Rust side.

pub mod compiler;
