//! WXML figures: navigateTo to the new page's onReady (a page of a 100-item `wx:for`), and
//! `setData` of one field until the page shows it (the callback runs after the render
//! webview has patched its DOM), on a page that shows that field and on the 100-item page.
//! Timed on the Rust side from marks the logic context sets.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::json;

use super::bridge::{between, run_and_remove, temp_dir, write};
use crate::{MiniApiCall, Shell};

/// setData samples per visit of a page.
const SET_DATA_PER_ROUND: usize = 20;

/// The WXML figures of one run.
pub struct Figures {
    /// navigateTo -> onReady of the 100-item page, ms.
    pub ready_ms: Vec<f64>,
    /// setData -> its callback on a page showing the field, us.
    pub set_data_us: Vec<f64>,
    /// setData -> its callback on the 100-item page, us.
    pub set_data_list_us: Vec<f64>,
}

/// The JS of a page that marks its onReady as `ready`, then runs setData of one field
/// `SET_DATA_PER_ROUND` times, marking `set` before each and `shown` in its callback.
fn setting_page(data: &str, ready: &str, set: &str, shown: &str) -> String {
    format!(
        "function mark(m) {{ wx.invokeNativePlugin({{ api_name: 'mark', data: m }}); }}
        {data}
        Page({{
          data: {{ items: items, v: 0 }},
          onReady() {{
            mark('{ready}');
            var page = this, n = 0;
            function next() {{
              if (n++ >= {SET_DATA_PER_ROUND}) {{ wx.navigateBack(); return; }}
              mark('{set}');
              page.setData({{ v: n }}, function () {{ mark('{shown}'); setTimeout(next, 5); }});
            }}
            // (not at once: the onReady mark must reach the host before the first setData's)
            setTimeout(next, 5);
          }}
        }});"
    )
}

/// `rounds` visits of each page: (navigateTo -> onReady in ms, setData -> callback in us
/// on the field page, the same on the 100-item page).
pub fn run(rounds: usize) -> Result<Figures, String> {
    let dir = temp_dir("wxml")?;
    let a_js = "Page({ onShow() {
          wx.invokeNativePlugin({ api_name: 'round' }).then(function (r) {
            if (!r.url) { wx.exitMiniProgram(); return; }
            setTimeout(function () {
              wx.invokeNativePlugin({ api_name: 'mark', data: r.start });
              wx.navigateTo({ url: r.url });
            }, 30);
          });
        } });"
        .to_string();
    let list_items = "var items = []; for (var i = 0; i < 100; i++) items.push('item ' + i);";
    write(
        &dir,
        &[
            ("app.json", r#"{"pages":["pages/a/a","pages/list/list","pages/field/field"]}"#.into()),
            ("pages/a/a.wxml", "<view>a</view>".into()),
            ("pages/a/a.js", a_js),
            (
                "pages/list/list.wxml",
                r#"<view id="v">{{v}}</view><view wx:for="{{items}}" wx:key="*this" class="row">{{index}}: {{item}}</view>"#
                    .into(),
            ),
            ("pages/list/list.js", setting_page(list_items, "onReady", "setData", "shown")),
            ("pages/field/field.wxml", r#"<view id="v">{{v}}</view>"#.into()),
            ("pages/field/field.js", setting_page("var items = [];", "fieldReady", "fieldSet", "fieldShown")),
        ],
    )?;
    let marks: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let (rec, visits) = (marks.clone(), Arc::new(Mutex::new(0usize)));
    let shell = Shell::builder()
        .data_dir(dir.join("data"))
        .register("mark", move |call: MiniApiCall| {
            let now = Instant::now();
            rec.lock().expect("marks").push((call.data().as_str().unwrap_or_default().to_string(), now));
            async { Ok(()) }
        })
        .register("round", move |_call: MiniApiCall| {
            // The two pages take turns: list, field, list, field...
            let mut visits = visits.lock().expect("rounds");
            *visits += 1;
            let reply = match *visits {
                n if n > 2 * rounds => json!({}),
                n if n % 2 == 1 => json!({ "url": "/pages/list/list", "start": "navStart" }),
                _ => json!({ "url": "/pages/field/field", "start": "fieldNav" }),
            };
            async move { Ok(reply) }
        })
        .build();
    run_and_remove(shell, &dir)?;
    let marks = marks.lock().expect("marks").clone();
    let ms = |from, to| between(&marks, from, to).iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    let us = |from, to| between(&marks, from, to).iter().map(|d| d.as_secs_f64() * 1_000_000.0).collect();
    Ok(Figures {
        ready_ms: ms("navStart", "onReady"),
        set_data_us: us("fieldSet", "fieldShown"),
        set_data_list_us: us("setData", "shown"),
    })
}
