//! WebKit features the shell turns off in every webview, through WebKitGTK's feature API
//! (`webkit_settings_set_feature_enabled`, WebKitGTK 2.42 and later). Its functions are
//! looked up when first needed, so an older WebKitGTK still runs the shell (with a
//! warning, and these features left on).

// (calls into WebKitGTK's C API that webkit2gtk-rs does not wrap yet)
#![allow(unsafe_code)]

use std::ffi::{c_char, c_void, CStr};
use std::sync::OnceLock;

use webkit2gtk::glib::translate::ToGlibPtr;
use webkit2gtk::WebViewExt;

/// Timer throttling of hidden pages. A WXML mini program's logic context is a hidden
/// webview that runs every page's JS, and WeChat never slows it down: with WebKit's
/// default, a 10 ms `setInterval` there fired once a second after the first second, and a
/// 1 s one every 2 s. HTML pages below the top of the stack keep their timers too, as
/// WeChat's pages do. (WebKit's general timer clamping, `DOMTimersThrottling`, stays on:
/// turning it off too made every WXML figure of the bench slower.)
const OFF: &[&str] = &["HiddenPageDOMTimerThrottling"];

type SetFeatureEnabled = unsafe extern "C" fn(*mut c_void, *mut c_void, i32);

/// The setter and the features of [`OFF`] (owned by WebKit's feature list, which lives as
/// long as the process).
struct Features {
    set_enabled: SetFeatureEnabled,
    off: Vec<*mut c_void>,
}

// SAFETY: the pointers are WebKit's static feature descriptions, never freed; they are only
// used on the UI thread, in `turn_off`.
unsafe impl Send for Features {}
unsafe impl Sync for Features {}

/// Turns the features of [`OFF`] off in `webview` (before its page runs any script).
pub fn turn_off(webview: &webkit2gtk::WebView) {
    let Some(features) = features() else { return };
    let Some(settings) = webview.settings() else { return };
    let settings_ptr: *mut webkit2gtk::ffi::WebKitSettings = settings.to_glib_none().0;
    for feature in &features.off {
        // SAFETY: a live WebKitSettings and a feature from WebKit's own list.
        unsafe { (features.set_enabled)(settings_ptr.cast(), *feature, 0) };
    }
}

fn features() -> Option<&'static Features> {
    static FEATURES: OnceLock<Option<Features>> = OnceLock::new();
    FEATURES
        .get_or_init(|| {
            let found = lookup();
            if found.is_none() {
                tracing::warn!(
                    "this WebKitGTK has no feature API (2.42 or later): timers of hidden pages, the WXML logic context's included, stay throttled"
                );
            }
            found
        })
        .as_ref()
}

fn symbol(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only reads.
    let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!found.is_null()).then_some(found)
}

fn lookup() -> Option<Features> {
    type AllFeatures = unsafe extern "C" fn() -> *mut c_void;
    type Length = unsafe extern "C" fn(*mut c_void) -> usize;
    type Get = unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void;
    type Identifier = unsafe extern "C" fn(*mut c_void) -> *const c_char;
    // SAFETY: each symbol is WebKitGTK's function of that name, with the C signature of
    // its documentation (gsize is usize, gboolean is i32).
    unsafe {
        let all: AllFeatures = std::mem::transmute(symbol(c"webkit_settings_get_all_features")?);
        let length: Length = std::mem::transmute(symbol(c"webkit_feature_list_get_length")?);
        let get: Get = std::mem::transmute(symbol(c"webkit_feature_list_get")?);
        let identifier: Identifier = std::mem::transmute(symbol(c"webkit_feature_get_identifier")?);
        let set_enabled: SetFeatureEnabled = std::mem::transmute(symbol(c"webkit_settings_set_feature_enabled")?);
        let list = all();
        if list.is_null() {
            return None;
        }
        let mut off = Vec::new();
        for i in 0..length(list) {
            let feature = get(list, i);
            let name = identifier(feature);
            if !name.is_null() && OFF.iter().any(|wanted| CStr::from_ptr(name).to_bytes() == wanted.as_bytes()) {
                off.push(feature);
            }
        }
        if off.len() < OFF.len() {
            tracing::warn!(
                found = off.len(),
                wanted = OFF.len(),
                "this WebKitGTK lacks some of the features the shell turns off"
            );
        }
        Some(Features { set_enabled, off })
    }
}
