//! WXML foundations: WeChat's own compilers run on a tutorial page, and their output runs
//! in a real page of the shell (WebKitGTK), headless.

mod support;

use std::process::ExitCode;

use serde_json::json;
use superapp_shell::wxml::compiler::{CompileError, Compilers};
use superapp_shell::{RunOptions, Shell};
use support::write_files;

const HOME_WXML: &str = r#"<view class="c"><text class="title">hello {{name}}</text>
<view wx:for="{{list}}" wx:key="id" data-i="{{index}}" bindtap="pick">{{index + 1}}. {{item.t}}</view>
<view wx:if="{{list.length > 5}}">many</view><view wx:else>few</view>
<button bind:tap="buttonHandler">go</button></view>"#;

fn wcc_output_renders_a_virtual_tree_in_a_real_page() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_files(
        dir,
        &[("pages/home/home.wxml", HOME_WXML), ("pages/home/home.wxss", ".title { font-size: 32rpx; }\n")],
    );
    let compilers = Compilers::locate().expect("npm ci installed the compilers");
    let gwx = compilers.wxml_to_js(dir, &["pages/home/home.wxml".into()], &[]).unwrap();
    let wxss = compilers.wxss_to_js(dir, &["pages/home/home.wxss".into()]).unwrap();
    assert!(wxss.contains_key("comm"), "{:?}", wxss.keys());
    assert!(
        wxss["pages/home/home.wxss"].contains("font-size: \",[0,32]"),
        "rpx kept for the screen: {}",
        wxss["pages/home/home.wxss"]
    );
    // The compiled script, served from the package, run by a test page.
    support::one_page_app(
        dir,
        r#"
        test(function () {
          var render = $gwx('pages/home/home.wxml');
          var tree = render({ name: 'kka', list: [{ id: 1, t: 'a' }, { id: 2, t: 'b' }] }, {}, {});
          function strip(node) {
            if (typeof node !== 'object') return node;
            return { tag: node.tag, attr: node.attr, children: (node.children || []).map(strip) };
          }
          return strip(tree);
        });
        "#,
    );
    let page = std::fs::read_to_string(dir.join("pages/index/index.html")).unwrap();
    let page = page.replacen("<body>", "<body><script src=\"/gwx.js\"></script>", 1);
    write_files(dir, &[("gwx.js", &gwx), ("pages/index/index.html", &page)]);
    let outcome = support::run_dir(Shell::builder(), dir, RunOptions::default());
    let view =
        |i: u64, text: &str| json!({"tag": "wx-view", "attr": {"bindtap": "pick", "data-i": i}, "children": [text]});
    assert_eq!(
        *outcome.report(),
        json!({"tag": "wx-page", "children": [{"tag": "wx-view", "attr": {"class": "c"}, "children": [
            {"tag": "wx-text", "attr": {"class": "title"}, "children": ["hello kka"]},
            view(0, "1. a"),
            view(1, "2. b"),
            {"tag": "wx-view", "attr": {}, "children": ["few"]},
            {"tag": "wx-button", "attr": {"bind:tap": "buttonHandler"}, "children": ["go"]},
        ]}]})
    );
}

const EVENTS_WXML: &str = r#"<view id="outer" capture-bind:tap="outerCapture" bindtap="outerBind">
  <view id="mid" bind:tap="midBind">
    <view id="inner" catchtap="innerCatch" data-user-name="{{who}}" data-n="{{n}}">{{label}}</view>
    <view id="plain" hidden="{{hide}}">plain</view>
  </view>
  <text id="t" class="count {{count > 1 ? 'many' : ''}}">{{count}}</text>
  <view wx:for="{{list}}" wx:key="*this" class="item">{{index}}:{{item}}</view>
</view>"#;

/// The renderer (`assets/wxml/render.js`) on compiled WXML, in a real page: taps follow
/// WeChat's capture, bubble and catch order with typed datasets, and new data patches the
/// DOM in place.
fn the_renderer_patches_in_place_and_orders_events() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_files(dir, &[("pages/home/home.wxml", EVENTS_WXML)]);
    let gwx = Compilers::locate().unwrap().wxml_to_js(dir, &["pages/home/home.wxml".into()], &[]).unwrap();
    support::one_page_app(
        dir,
        r#"
        test(function () {
          var R = window.__wxmlRender, render = $gwx('pages/home/home.wxml');
          var data = { who: 'kka', n: 7, label: 'L', count: 1, list: ['a', 'b'], hide: false };
          var host = document.createElement('div');
          document.body.appendChild(host);
          R.mount(host, render(data, {}, {}));
          var seen = [];
          R.onEvent(function (handler, event) { seen.push([handler, event.type, event.currentTarget.id, event.target.dataset]); });
          var $ = function (id) { return document.getElementById(id); };
          var out = {};
          $('inner').click();
          out.innerTap = seen.splice(0);
          $('plain').click();
          out.plainTap = seen.splice(0).map(function (c) { return c[0] + '@' + c[2]; });
          var before = { t: $('t'), inner: $('inner'), first: host.querySelectorAll('.item')[0] };
          data.count = 2; data.list = ['a', 'B', 'c']; data.hide = true;
          R.patch(render(data, {}, {}));
          var items = host.querySelectorAll('.item');
          out.patched = {
            sameT: before.t === $('t'), sameInner: before.inner === $('inner'), sameFirst: before.first === items[0],
            t: $('t').textContent, tClass: $('t').className, items: Array.prototype.map.call(items, function (e) { return e.textContent; }),
            plainHidden: $('plain').hidden
          };
          return out;
        });
        "#,
    );
    let page = std::fs::read_to_string(dir.join("pages/index/index.html")).unwrap();
    let page =
        page.replacen("<body>", "<body><script src=\"/gwx.js\"></script><script src=\"/render.js\"></script>", 1);
    write_files(
        dir,
        &[("gwx.js", &gwx), ("render.js", include_str!("../assets/wxml/render.js")), ("pages/index/index.html", &page)],
    );
    let outcome = support::run_dir(Shell::builder(), dir, RunOptions::default());
    assert_eq!(
        *outcome.report(),
        json!({
            // capture on the root first; the inner catch stops the bubble there.
            "innerTap": [["outerCapture", "tap", "outer", {"userName": "kka", "n": 7}], ["innerCatch", "tap", "inner", {"userName": "kka", "n": 7}]],
            "plainTap": ["outerCapture@outer", "midBind@mid", "outerBind@outer"],
            "patched": {"sameT": true, "sameInner": true, "sameFirst": true, "t": "2", "tClass": "count many",
                        "items": ["0:a", "1:B", "2:c"], "plainHidden": true}
        })
    );
}

fn source_errors_name_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), &[("pages/bad/bad.wxml", "<view>{{a</view>"), ("bad.wxss", ".a { color: red\n")]);
    let compilers = Compilers::locate().unwrap();
    let err = compilers.wxml_to_js(tmp.path(), &["pages/bad/bad.wxml".into()], &[]).unwrap_err();
    assert!(matches!(&err, CompileError::Source { message } if message.starts_with("pages/bad/bad.wxml:1:")), "{err}");
    let err = compilers.wxss_to_js(tmp.path(), &["bad.wxss".into()]).unwrap_err();
    assert!(err.to_string().contains("bad.wxss(1:"), "{err}");
}

fn main() -> ExitCode {
    support::harness::main(&[
        ("wcc_output_renders_a_virtual_tree_in_a_real_page", wcc_output_renders_a_virtual_tree_in_a_real_page),
        ("the_renderer_patches_in_place_and_orders_events", the_renderer_patches_in_place_and_orders_events),
        ("source_errors_name_file_line_and_column", source_errors_name_file_line_and_column),
    ])
}
