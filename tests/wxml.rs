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
        ("source_errors_name_file_line_and_column", source_errors_name_file_line_and_column),
    ])
}
