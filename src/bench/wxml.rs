//! WXML figures: navigateTo to the new page's onReady (a page of a 100-item `wx:for`), and
//! `setData` of one field until the page shows it (the callback runs after the render
//! webview has patched its DOM). Timed on the Rust side from marks the logic context sets.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::json;

use super::bridge::{between, run_and_remove, temp_dir, write};
use crate::{MiniApiCall, Shell};

/// setData samples per visit of the list page.
const SET_DATA_PER_ROUND: usize = 20;

/// (navigateTo -> onReady in ms, setData -> its callback in us), `rounds` visits of the list page.
pub fn run(rounds: usize) -> Result<(Vec<f64>, Vec<f64>), String> {
    let dir = temp_dir("wxml")?;
    let mark = "function mark(m) { wx.invokeNativePlugin({ api_name: 'mark', data: m }); }";
    let a_js = format!(
        "{mark}
        Page({{ onShow() {{
          wx.invokeNativePlugin({{ api_name: 'round' }}).then(function (r) {{
            if (!r.go) {{ wx.exitMiniProgram(); return; }}
            setTimeout(function () {{ mark('navStart'); wx.navigateTo({{ url: '/pages/list/list' }}); }}, 30);
          }});
        }} }});"
    );
    let list_js = format!(
        "{mark}
        var items = [];
        for (var i = 0; i < 100; i++) items.push('item ' + i);
        Page({{
          data: {{ items: items, v: 0 }},
          onReady() {{
            mark('onReady');
            var page = this, n = 0;
            function next() {{
              if (n++ >= {SET_DATA_PER_ROUND}) {{ wx.navigateBack(); return; }}
              mark('setData');
              page.setData({{ v: n }}, function () {{ mark('shown'); setTimeout(next, 5); }});
            }}
            // (not at once: the onReady mark must reach the host before the first setData's)
            setTimeout(next, 5);
          }}
        }});"
    );
    write(
        &dir,
        &[
            ("app.json", r#"{"pages":["pages/a/a","pages/list/list"]}"#.into()),
            ("pages/a/a.wxml", "<view>a</view>".into()),
            ("pages/a/a.js", a_js),
            (
                "pages/list/list.wxml",
                r#"<view id="v">{{v}}</view><view wx:for="{{items}}" wx:key="*this" class="row">{{index}}: {{item}}</view>"#
                    .into(),
            ),
            ("pages/list/list.js", list_js),
        ],
    )?;
    let marks: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let (rec, shown) = (marks.clone(), Arc::new(Mutex::new(0usize)));
    let shell = Shell::builder()
        .data_dir(dir.join("data"))
        .register("mark", move |call: MiniApiCall| {
            let now = Instant::now();
            rec.lock().expect("marks").push((call.data().as_str().unwrap_or_default().to_string(), now));
            async { Ok(()) }
        })
        .register("round", move |_call: MiniApiCall| {
            let mut shown = shown.lock().expect("rounds");
            *shown += 1;
            let go = *shown <= rounds;
            async move { Ok(json!({ "go": go })) }
        })
        .build();
    run_and_remove(shell, &dir)?;
    let marks = marks.lock().expect("marks").clone();
    let ready = between(&marks, "navStart", "onReady").iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    let set_data = between(&marks, "setData", "shown").iter().map(|d| d.as_secs_f64() * 1_000_000.0).collect();
    Ok((ready, set_data))
}
