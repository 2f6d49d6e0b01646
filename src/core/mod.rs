//! The pure core: everything that needs no window. Unit-tested without a display.

pub mod api_error;
pub mod app_config;
pub mod app_info;
pub mod bridge;
pub mod builtins;
pub mod call;
pub mod call_error;
pub mod console;
pub mod event_channel;
pub mod event_hold;
pub mod handler;
pub mod host;
pub mod lifecycle;
pub mod limits;
pub mod mock;
pub mod package;
pub mod page_scroll;
pub(crate) mod profile;
pub mod protocol;
pub mod registry;
pub mod router;
pub mod selector_query;
pub mod storage;
pub mod theme;
pub mod trace;
pub mod ui_api;
