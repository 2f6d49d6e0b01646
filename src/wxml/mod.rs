//! WXML mini programs: pages written in WXML, WXSS and JS, run on WeChat's two-layer
//! model. One logic context per mini program (a hidden webview: `assets/wxml/logic.js`)
//! runs `app.js`, every page's JS and module and the `wx` API; each page's render webview
//! (`assets/wxml/render.js`) only renders the template WeChat's own compiler made and
//! forwards events; `setData` crosses between them through the Rust side.
//!
//! - [`compiler`]: WeChat's own `wcc` and `wcsc`, run as subprocesses.
//! - [`sources`]: which files are taken as they are and which are compiled first.
//! - [`transpiler`]: esbuild (TypeScript, ES modules) and less, as DevTools compiles them.
//! - [`npm`]: DevTools' "Build npm" (`node_modules` into `miniprogram_npm`).
//! - [`compile`]: a package through its compilers; [`cache`]: their answers kept by the
//!   content of their inputs, so an unchanged file is not compiled again.
//! - [`bundle`]: what the two layers load, built once when the mini program opens.

pub mod bundle;
pub mod cache;
pub mod compile;
pub mod compiler;
pub mod npm;
pub mod sources;
pub mod transpiler;
