//! WXML foundations: WeChat's own compilers run on a tutorial page, and their output runs
//! in a real page of the shell (WebKitGTK), headless.

mod support;

use std::process::ExitCode;

use serde_json::{json, Value};
use superapp_shell::testing::{self, WAIT};
use superapp_shell::wxml::compiler::{CompileError, Compilers};
use superapp_shell::{RunOptions, Shell};
use support::{copy_dir, style, write_files};

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
    with_scripts(dir, &[("gwx.js", &gwx)]);
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
  <view id="press" bindtouchstart="ts" bindtouchend="te" bindlongpress="lp" bindtap="tp">press</view>
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
        test(async function () {
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
          // The mouse as a finger: a short press taps; a long one is a longpress, not a tap.
          function mouse(type) { $('press').dispatchEvent(new MouseEvent(type, { bubbles: true })); }
          var pressed = function () { return seen.splice(0).map(function (c) { return c[0]; }).filter(function (h) { return h !== 'outerCapture' && h !== 'outerBind'; }); };
          mouse('mousedown'); mouse('mouseup'); $('press').click();
          out.shortPress = pressed();
          mouse('mousedown');
          await new Promise(function (resolve) {
            (function poll() { if (seen.some(function (c) { return c[0] === 'lp'; })) resolve(); else setTimeout(poll, 20); })();
          });
          mouse('mouseup'); $('press').click();
          out.longPress = pressed();
          out.patched = {
            sameT: before.t === $('t'), sameInner: before.inner === $('inner'), sameFirst: before.first === items[0],
            t: $('t').textContent, tClass: $('t').className, items: Array.prototype.map.call(items, function (e) { return e.textContent; }),
            plainHidden: $('plain').hidden
          };
          return out;
        });
        "#,
    );
    with_scripts(dir, &[("gwx.js", &gwx), ("render.js", include_str!("../assets/wxml/render.js"))]);
    let outcome = support::run_dir(Shell::builder(), dir, RunOptions::default());
    assert_eq!(
        *outcome.report(),
        json!({
            // capture on the root first; the inner catch stops the bubble there.
            "innerTap": [["outerCapture", "tap", "outer", {"userName": "kka", "n": 7}], ["innerCatch", "tap", "inner", {"userName": "kka", "n": 7}]],
            "plainTap": ["outerCapture@outer", "midBind@mid", "outerBind@outer"],
            "shortPress": ["ts", "te", "tp"],
            "longPress": ["ts", "lp", "te"],
            "patched": {"sameT": true, "sameInner": true, "sameFirst": true, "t": "2", "tClass": "count many",
                        "items": ["0:a", "1:B", "2:c"], "plainHidden": true}
        })
    );
}

/// The logic runtime (`assets/wxml/logic.js`) in a real page: one App and one instance of
/// each module for all pages, `require` by relative and absolute path, page instances with
/// their own data, `setData` with path keys and its callback after the render, and
/// `wx.nextTick`.
fn the_logic_runtime_shares_app_and_modules_and_sets_data_by_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    support::one_page_app(
        dir,
        r#"
        test(function () {
          var L = window.__wxmlLogic;
          L.define('app.js', function (require, module, exports) { App({ globalData: { user: 'kka' } }); });
          L.define('utils/counter.js', function (require, module, exports) {
            var n = 0; exports.next = function () { return ++n; };
          });
          L.define('utils/format.js', function (require, module) {
            var counter = require('./counter');
            module.exports = function (s) { return s + counter.next(); };
          });
          L.define('pages/a/a.js', function (require) {
            var format = require('../../utils/format'), counter = require('/utils/counter.js');
            Page({ data: { list: [{ x: 1 }], user: getApp().globalData.user },
                   tag: function () { return format(this.route) + '/' + counter.next(); } });
          });
          L.define('pages/b/b.js', function (require) {
            var counter = require('../../utils/counter');
            Page({ data: { n: 0 }, bump: function () { return counter.next(); } });
          });
          var sent = [];
          L.onSetData(function (m) { sent.push(m); });
          L.require('app.js');
          var a = L.createPage('pages/a/a', 1, { q: '1' });
          var b = L.createPage('pages/b/b', 2, {});
          var a2 = L.createPage('pages/a/a', 3, {});
          var out = { tagA: a.tag(), bumpB: b.bump(), options: a.options, user: a.data.user };
          var called = [];
          a.setData({ 'list[0].x': 5, 'obj.deep.k': 'v', 'arr[2]': 'z', plain: true }, function () { called.push(this.route); });
          out.dataA = a.data;
          out.dataA2 = a2.data;
          out.sent = sent;
          out.calledBeforeRender = called.slice();
          L.rendered(sent[0].seq);
          out.calledAfterRender = called;
          L.setStack([1, 3]);
          out.pages = getCurrentPages().map(function (p) { return p.route + '#' + p.webViewId; });
          try { Page({}); } catch (e) { out.pageOutsideItsFile = e.message; }
          var order = [];
          wx.nextTick(function () { order.push('tick'); });
          order.push('sync');
          return new Promise(function (resolve) { setTimeout(function () { out.order = order; resolve(out); }, 0); });
        });
        "#,
    );
    with_scripts(
        dir,
        &[
            ("data_path.js", include_str!("../assets/wxml/data_path.js")),
            ("logic.js", include_str!("../assets/wxml/logic.js")),
        ],
    );
    let outcome = support::run_dir(Shell::builder(), dir, RunOptions::default());
    assert_eq!(
        *outcome.report(),
        json!({
            "tagA": "pages/a/a1/2",
            "bumpB": 3,
            "options": {"q": "1"},
            "user": "kka",
            "dataA": {"list": [{"x": 5}], "user": "kka", "obj": {"deep": {"k": "v"}}, "arr": [null, null, "z"], "plain": true},
            "dataA2": {"list": [{"x": 1}], "user": "kka"},
            "sent": [{"webviewId": 1, "seq": 1, "data": {"list[0].x": 5, "obj.deep.k": "v", "arr[2]": "z", "plain": true}}],
            "calledBeforeRender": [],
            "calledAfterRender": ["pages/a/a"],
            "pages": ["pages/a/a#1", "pages/a/a#3"],
            "pageOutsideItsFile": "Page() must be called from a page's own JS file",
            "order": ["sync", "tick"],
        })
    );
}

/// A tutorial-style WXML mini program on the two layers: one logic context shares App and
/// modules between pages; the render webviews show the compiled templates with WXSS (rpx
/// against the window width); a click is a tap reaching the `bindtap` handler with its
/// dataset; `setData` with a path key re-renders, then runs its callback; navigateTo opens
/// the next WXML page with its query.
fn a_wxml_mini_program_runs_on_two_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_files(
        dir,
        &[
            (
                "app.json",
                r#"{"pages":["pages/index/index","pages/logs/logs"],"window":{"navigationBarTitleText":"Tutorial"},"sitemapLocation":"sitemap.json"}"#,
            ),
            ("project.config.json", r#"{"appid":"wxtutorial"}"#),
            (
                "app.js",
                "App({ globalData: { visits: 0 }, onLaunch: function () { this.globalData.launched = true; } });",
            ),
            ("app.wxss", "page { background: #f8f8f8; }\n.title { font-size: 40rpx; }\n"),
            ("utils/counter.js", "var n = 0;\nmodule.exports = { next: function () { return ++n; } };\n"),
            (
                "pages/index/index.wxml",
                r#"<view class="container">
  <text id="title" class="title">{{motto}}</text>
  <view wx:for="{{items}}" wx:key="*this" class="item" data-index="{{index}}" bindtap="pick">{{index}}: {{item}}</view>
  <view id="count">{{count}}</view>
  <button id="go" bind:tap="goLogs">logs</button>
</view>"#,
            ),
            (
                "pages/index/index.js",
                r#"const counter = require('../../utils/counter.js');
function seen(data) { wx.invokeNativePlugin({ api_name: '__seen', data: data }); }
Page({
  data: { motto: 'Hello World', items: ['a', 'b', 'c'], count: 0 },
  onLoad(query) {
    seen({ hook: 'index.onLoad', launched: getApp().globalData.launched === true });
    // An answer reaches the logic context that asked, and its Promise.
    wx.getStorageInfo().then(function (info) { seen({ hook: 'answered', keys: info.keys.length }); });
    // A host event for this page reaches its JS, in the logic context.
    wx.onNativePluginEvent('hello', function (data) { seen({ hook: 'event', data: data }); });
    wx.invokeNativePlugin({ api_name: '__emitToMe' });
  },
  onReady() { seen({ hook: 'index.onReady' }); },
  pick(e) {
    const i = e.currentTarget.dataset.index;
    this.setData({ ['items[' + i + ']']: 'picked', count: counter.next() }, () => {
      seen({ hook: 'picked', i: i, type: e.type, data: this.data });
    });
  },
  goLogs() {
    // Work a page schedules keeps its page: this callback runs when the logs page opens
    // the gate, yet its call is this page's.
    const app = getApp();
    new Promise(function (open) { app.globalData.openGate = open; })
      .then(function () { seen({ hook: 'gated' }); });
    getApp().globalData.visits = counter.next();
    wx.navigateTo({ url: '../logs/logs?from=index' });
  }
});"#,
            ),
            ("pages/logs/logs.wxml", r#"<view id="logs">visits {{visits}} from {{from}}</view>"#),
            (
                "pages/logs/logs.js",
                r#"const counter = require('/utils/counter');
Page({
  data: { visits: 0, from: '' },
  onLoad(q) {
    getApp().globalData.openGate();
    const seen = (data) => wx.invokeNativePlugin({ api_name: '__seen', data: data });
    setTimeout(() => seen({ hook: 'timer' }), 0);
    // After an await nothing says which page resumed: the calls are the top page's.
    (async function () { await null; seen({ hook: 'awaited' }); })();
    this.setData({ visits: getApp().globalData.visits, from: q.from }, () => {
      wx.invokeNativePlugin({ api_name: '__seen', data: { hook: 'logs.rendered',
        pages: getCurrentPages().map(p => p.route), next: counter.next() } });
    });
  }
});"#,
            ),
        ],
    );
    // QA's script in the render webviews: act like a person, report what the page shows.
    let inject = qa(r#"
        if (route === 'pages/index/index') {
          when(function () { return document.querySelectorAll('.item').length === 3; }, function () {
            document.querySelectorAll('.item')[1].click();
            when(function () { return document.getElementById('count').textContent === '1'; }, function () {
              var title = document.getElementById('title');
              seen({ hook: 'index.dom', title: title.textContent, titleSize: getComputedStyle(title).fontSize,
                     items: Array.prototype.map.call(document.querySelectorAll('.item'), function (e) { return e.textContent; }),
                     tag: title.localName });
              document.getElementById('go').click();
            });
          });
        } else if (route === 'pages/logs/logs') {
          when(function () { var l = document.getElementById('logs'); return l && /from index/.test(l.textContent); }, function () {
            seen({ hook: 'logs.dom', text: document.getElementById('logs').textContent });
            setTimeout(function () { wx.exitMiniProgram(); }, 100);
          });
        }
    "#);
    let (builder, seen) = seen_recorder();
    let builder = builder.register("__emitToMe", |call: superapp_shell::MiniApiCall| async move {
        let page = superapp_shell::Target::WebView(call.web_view_id);
        call.host().emit(page, "hello", json!({"to": call.web_view_id})).map_err(superapp_shell::ApiError::new)
    });
    let options = RunOptions { inject_script: Some(inject), ..RunOptions::default() };
    let outcome = support::run_dir(builder, dir, options);
    assert_eq!(outcome.exit_code, 0);
    let seen = seen.lock().unwrap().clone();
    let find = |hook: &str| {
        seen.iter().find(|s| s["hook"] == hook).cloned().unwrap_or_else(|| panic!("no {hook} in {seen:#?}"))
    };
    // Calls made by a page's code carry that page's webViewId (the render webviews' own
    // calls, from QA's script, carry theirs).
    assert_eq!(find("index.onLoad"), json!({"hook": "index.onLoad", "launched": true, "webViewId": 1}));
    assert_eq!(find("index.onReady")["webViewId"], json!(1));
    // Listeners, answers, timers and promise callbacks run as the page that set them up.
    assert_eq!(find("event"), json!({"hook": "event", "data": {"to": 1}, "webViewId": 1}));
    assert_eq!(find("answered"), json!({"hook": "answered", "keys": 0, "webViewId": 1}));
    assert_eq!(find("gated")["webViewId"], json!(1));
    assert_eq!(find("timer")["webViewId"], json!(2));
    assert_eq!(find("awaited")["webViewId"], json!(2));
    assert_eq!(
        find("picked"),
        json!({"hook": "picked", "i": 1, "type": "tap", "webViewId": 1,
               "data": {"motto": "Hello World", "items": ["a", "picked", "c"], "count": 1}})
    );
    assert_eq!(
        find("index.dom"),
        // 40rpx at a 390 px wide window: 20.8, floored as WeChat does.
        json!({"hook": "index.dom", "title": "Hello World", "titleSize": "20px", "items": ["0: a", "1: picked", "2: c"],
               "tag": "wx-text", "webViewId": 1})
    );
    // The relative URL resolved from the calling page; the module's state is shared.
    assert_eq!(
        find("logs.rendered"),
        json!({"hook": "logs.rendered", "pages": ["pages/index/index", "pages/logs/logs"], "next": 3, "webViewId": 2})
    );
    assert_eq!(find("logs.dom")["text"], json!("visits 2 from index"));
}

/// Templates, import, include and WXS modules (compiled by wcc), `wx:for-item`,
/// `wx:for-index`, `wx:elif` and `<block>`, the input, image and navigator components,
/// WXSS `@import` and the `page` root, and rpx at two window widths.
fn templates_components_and_rpx_work() {
    for (width, card) in [(390u32, "195px"), (600, "300px")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write_files(
            dir,
            &[
                ("app.json", r#"{"pages":["pages/p/p","pages/q/q"]}"#),
                ("project.config.json", r#"{"appid":"wxparts"}"#),
                ("tpl/card.wxml", r#"<template name="card"><view class="card">{{title}}: {{n}}</view></template>"#),
                ("tpl/footer.wxml", r#"<view id="footer">footer {{year}}</view>"#),
                ("utils/fmt.wxs", "module.exports = { up: function (s) { return s.toUpperCase(); } };"),
                (
                    "pages/p/p.wxml",
                    r#"<import src="../../tpl/card.wxml"/>
<wxs module="fmt" src="../../utils/fmt.wxs"></wxs>
<wxs module="inline">module.exports = { twice: function (n) { return n * 2; } };</wxs>
<template is="card" data="{{title: 'A', n: 1}}"/>
<view id="up">{{fmt.up(name)}} {{inline.twice(3)}}</view>
<include src="../../tpl/footer.wxml"/>
<input id="in" value="{{name}}" bindinput="typed"/>
<image id="img" src="https://example.com/a.png" mode="aspectFit"/>
<navigator id="nav" url="../q/q?x=1">next</navigator>
<view wx:for="{{rows}}" wx:for-item="row" wx:for-index="i" wx:key="id" class="row">{{i}}={{row.name}}</view>
<block wx:if="{{rows.length > 2}}"><view id="many">many</view></block><view wx:elif="{{rows.length > 0}}" id="some">some</view>"#,
                ),
                ("pages/p/p.wxss", "@import \"../../common/base.wxss\";\n.card { width: 375rpx; }"),
                ("common/base.wxss", "page { background-color: rgb(1, 2, 3); }\n.row { color: rgb(4, 5, 6); }"),
                (
                    "pages/p/p.js",
                    r#"Page({
  data: { name: 'kka', year: 2026, rows: [{ id: 'x', name: 'ex' }, { id: 'y', name: 'why' }] },
  typed(e) {
    this.setData({ name: e.detail.value });
    wx.invokeNativePlugin({ api_name: '__seen', data: { hook: 'typed', type: e.type, value: e.detail.value } });
  }
});"#,
                ),
                ("pages/q/q.wxml", r#"<view id="q">q {{x}}</view>"#),
                ("pages/q/q.js", r#"Page({ data: { x: '' }, onLoad(query) { this.setData({ x: query.x }); } });"#),
            ],
        );
        let inject = qa(r#"
            if (route === 'pages/p/p') {
              when(function () { return $('#up'); }, function () {
                seen({ hook: 'p.dom', card: $('.card').textContent, cardWidth: getComputedStyle($('.card')).width,
                       up: $('#up').textContent, footer: $('#footer').textContent, input: $('#in input').value,
                       img: !!$('#img img'),
                       rows: Array.prototype.map.call(document.querySelectorAll('.row'), function (e) { return e.textContent; }),
                       branch: $('#many') ? 'many' : $('#some') ? 'some' : 'none',
                       pageBackground: getComputedStyle(document.body).backgroundColor,
                       rowColor: getComputedStyle($('.row')).color });
                var input = $('#in input');
                input.value = 'typed!';
                input.dispatchEvent(new Event('input', { bubbles: true }));
                when(function () { return $('#up').textContent === 'TYPED! 6'; }, function () { $('#nav').click(); });
              });
            } else if (route === 'pages/q/q') {
              when(function () { return $('#q') && $('#q').textContent === 'q 1'; }, function () {
                seen({ hook: 'q.dom', pages: getCurrentPages().map(function (p) { return p.route; }) });
                setTimeout(function () { wx.exitMiniProgram(); }, 50);
              });
            }
        "#);
        let (builder, seen) = seen_recorder();
        let options = RunOptions { inject_script: Some(inject), window_size: (width, 760), ..RunOptions::default() };
        let outcome = support::run_dir(builder, dir, options);
        assert_eq!(outcome.exit_code, 0);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            vec![
                json!({"hook": "p.dom", "card": "A: 1", "cardWidth": card, "up": "KKA 6", "footer": "footer 2026",
                       "input": "kka", "img": true, "rows": ["0=ex", "1=why"], "branch": "some",
                       // `page {}` styles the page's root; @import brought base.wxss in.
                       "pageBackground": "rgb(1, 2, 3)", "rowColor": "rgb(4, 5, 6)", "webViewId": 1}),
                json!({"hook": "typed", "type": "input", "value": "typed!", "webViewId": 1}),
                json!({"hook": "q.dom", "pages": ["pages/p/p", "pages/q/q"], "webViewId": 2}),
            ],
            "window width {width}"
        );
    }
}

/// A QA script for the pages, wrapped with its helpers: `route` (the page's), `seen(data)`
/// (reports to the host's `__seen`), `when(test, then)` (waits for a condition) and `$`.
fn qa(body: &str) -> String {
    format!(
        "(function () {{
  var route = window.__SUPERAPP_CONFIG__.route;
  function seen(data) {{ wx.invokeNativePlugin({{ api_name: '__seen', data: data }}); }}
  function when(test, then) {{ (function poll() {{ if (test()) then(); else setTimeout(poll, 30); }})(); }}
  var $ = function (s) {{ return document.querySelector(s); }};
{body}
}})();"
    )
}

/// Writes `scripts` (file name, text) into the package of `one_page_app` in `dir` and loads
/// them, in order, at the top of its page's body (before the test's own script).
fn with_scripts(dir: &std::path::Path, scripts: &[(&str, &str)]) {
    let page_file = dir.join("pages/index/index.html");
    let tags: String = scripts.iter().map(|(name, _)| format!("<script src=\"/{name}\"></script>")).collect();
    let page = std::fs::read_to_string(&page_file).unwrap().replacen("<body>", &format!("<body>{tags}"), 1);
    std::fs::write(&page_file, page).unwrap();
    write_files(dir, scripts);
}

/// Writes a two-page WXML mini program: page a (a view `#a` and `a_js`) and page b
/// (`b_wxml` and `b_js`), with app id `app_id`.
fn two_pages(dir: &std::path::Path, app_id: &str, a_js: &str, b_wxml: &str, b_js: &str) {
    let config = format!(r#"{{"appid":"{app_id}"}}"#);
    write_files(
        dir,
        &[
            ("app.json", r#"{"pages":["pages/a/a","pages/b/b"]}"#),
            ("project.config.json", &config),
            ("pages/a/a.wxml", r#"<view id="a">a</view>"#),
            ("pages/a/a.js", a_js),
            ("pages/b/b.wxml", b_wxml),
            ("pages/b/b.js", b_js),
        ],
    );
}

/// Adds a `chrome` handler answering `Host::chrome_state()` (what the chrome shows).
fn with_chrome(builder: superapp_shell::ShellBuilder) -> superapp_shell::ShellBuilder {
    builder.register("chrome", |call: superapp_shell::MiniApiCall| async move {
        call.host().chrome_state().await.map_err(superapp_shell::ApiError::new)
    })
}

/// A shell with a `__seen` handler recording each call's data and the webViewId it came as.
fn seen_recorder() -> (superapp_shell::ShellBuilder, std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let builder = Shell::builder().register("__seen", move |call: superapp_shell::MiniApiCall| {
        let log = log.clone();
        async move {
            let mut data = call.params.data;
            data["webViewId"] = json!(call.web_view_id);
            log.lock().unwrap().push(data);
            Ok(())
        }
    });
    (builder, seen)
}

/// A long page: scrolling calls onPageScroll with the scroll position, and reaching the
/// bottom calls onReachBottom once; an event cannot name a lifecycle hook.
fn scrolling_calls_on_page_scroll_and_on_reach_bottom() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_files(
        dir,
        &[
            ("app.json", r#"{"pages":["pages/long/long"]}"#),
            ("project.config.json", r#"{"appid":"wxscroll"}"#),
            ("pages/long/long.wxml", r#"<view wx:for="{{rows}}" wx:key="*this" class="row">{{item}}</view>"#),
            ("pages/long/long.wxss", ".row { height: 100px; }"),
            (
                "pages/long/long.js",
                r#"var rows = [];
for (var i = 0; i < 40; i++) rows.push('row ' + i);
var scrolls = [], loads = 0;
Page({
  data: { rows: rows },
  onLoad() { loads++; },
  onPageScroll(e) {
    scrolls.push(e.scrollTop);
    if (e.scrollTop === 300) wx.invokeNativePlugin({ api_name: '__scrolled' });
  },
  onReachBottom() {
    wx.invokeNativePlugin({ api_name: '__seen', data: { hook: 'bottom', scrolledTo300: scrolls.indexOf(300) >= 0, loads: loads } })
      .then(function () { wx.exitMiniProgram(); });
  }
});"#,
            ),
        ],
    );
    let inject = qa(r#"
        if (route !== 'pages/long/long') return;
        function when(test, then) { (function poll() { if (test()) then(); else setTimeout(poll, 30); })(); }
        when(function () { return document.querySelectorAll('.row').length === 40; }, function () {
          // A forged event naming a lifecycle hook is ignored.
          window.__superapp.post({ type: 'wxmlEvent', handler: 'onLoad', event: {} });
          // Once the page's logic has seen the scroll to 300 (the host tells this page),
          // scroll to the bottom.
          wx.onNativePluginEvent('scrolled', function () {
            window.scrollTo(0, document.documentElement.scrollHeight);
          });
          window.scrollTo(0, 300);
        });
    "#);
    let (builder, seen) = seen_recorder();
    let builder = builder.register("__scrolled", |call: superapp_shell::MiniApiCall| async move {
        call.host()
            .emit(superapp_shell::Target::WebView(1), "scrolled", json!(null))
            .map_err(superapp_shell::ApiError::new)
    });
    let options = RunOptions { inject_script: Some(inject), ..RunOptions::default() };
    let outcome = support::run_dir(builder, dir, options);
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![json!({"hook": "bottom", "scrolledTo300": true, "loads": 1, "webViewId": 1})]
    );
}

/// Pull-down refresh: a mouse drag down from the top of a page whose config enables it runs
/// its onPullDownRefresh and shows the indicator until wx.stopPullDownRefresh(); on a page
/// that does not enable it the gesture is refused, but wx.startPullDownRefresh() still works.
fn pull_down_refresh_runs_on_pull_down_refresh() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_files(
        dir,
        &[
            ("app.json", r#"{"pages":["pages/a/a","pages/b/b"],"window":{"enablePullDownRefresh":false}}"#),
            ("project.config.json", r#"{"appid":"wxpull"}"#),
            ("pages/a/a.wxml", r#"<view class="row">a</view>"#),
            ("pages/a/a.json", r#"{"enablePullDownRefresh":true}"#),
            (
                "pages/a/a.js",
                r#"function seen(d) { return wx.invokeNativePlugin({ api_name: '__seen', data: d }); }
function chrome() { return wx.invokeNativePlugin({ api_name: 'chrome' }).then(function (r) { return r.pullDownRefresh; }); }
Page({
  onPullDownRefresh() {
    chrome().then(function (on) {
      seen({ page: 'a', indicator: on });
      return wx.stopPullDownRefresh();
    }).then(chrome).then(function (on) {
      seen({ page: 'a', indicatorAfterStop: on });
      wx.navigateTo({ url: '/pages/b/b' });
    });
  }
});"#,
            ),
            ("pages/b/b.wxml", r#"<view class="row">b</view>"#),
            (
                "pages/b/b.js",
                r#"Page({
  onPullDownRefresh() {
    wx.invokeNativePlugin({ api_name: '__seen', data: { page: 'b', pulled: true } })
      .then(function () { return wx.stopPullDownRefresh(); })
      .then(function () { wx.exitMiniProgram(); });
  }
});"#,
            ),
        ],
    );
    let inject = qa(r#"
        function drag() {
          var at = function (type, y, buttons) {
            document.body.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: 20, clientY: y, button: 0, buttons: buttons }));
          };
          at('mousedown', 10, 1); at('mousemove', 40, 1); at('mousemove', 90, 1); at('mouseup', 90, 0);
        }
        when(function () { return $('.row'); }, function () {
          if (route === 'pages/a/a') { drag(); return; }
          if (route !== 'pages/b/b') return;
          wx.startPullDownRefresh({ gesture: true }).then(null, function (res) {
            seen({ page: 'b', refused: res.errMsg });
            wx.startPullDownRefresh();
          });
        });
    "#);
    let (builder, seen) = seen_recorder();
    let builder = with_chrome(builder);
    let options = RunOptions { inject_script: Some(inject), ..RunOptions::default() };
    let outcome = support::run_dir(builder, dir, options);
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            json!({"page": "a", "indicator": true, "webViewId": 1}),
            json!({"page": "a", "indicatorAfterStop": false, "webViewId": 1}),
            json!({"page": "b", "refused": "startPullDownRefresh:fail pull-down refresh is not enabled for page \"pages/b/b\"", "webViewId": 2}),
            json!({"page": "b", "pulled": true, "webViewId": 2}),
        ]
    );
}

/// A WXML mini program preloads the render webview of its next page once a page has
/// rendered: the next new page opens in it (with its query, styles and data, and the
/// injected script seeing its route), and a new spare follows.
fn the_next_page_opens_in_a_preloaded_webview() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    two_pages(
        dir,
        "wxspare",
        r#"function chrome() { return wx.invokeNativePlugin({ api_name: 'chrome' }); }
Page({
  onReady() {
    (function poll() {
      chrome().then(function (c) {
        if (c.preloadedWebview === 2) wx.navigateTo({ url: '/pages/b/b?x=1' });
        else setTimeout(poll, 20);
      });
    })();
  }
});"#,
        r#"<view id="b" class="big">{{x}} {{greeting}}</view>"#,
        r#"Page({ data: { greeting: 'hi' }, onLoad(q) { this.setData({ x: q.x }); } });"#,
    );
    write_files(dir, &[("pages/b/b.wxss", ".big { font-size: 30px; }")]);
    let inject = qa(r#"
        if (route !== 'pages/b/b') return;
        when(function () { return $('#b') && /1 hi/.test($('#b').textContent); }, function () {
          wx.invokeNativePlugin({ api_name: 'chrome' }).then(function (c) {
            seen({ path: location.pathname, text: $('#b').textContent, size: getComputedStyle($('#b')).fontSize,
                   query: window.__SUPERAPP_CONFIG__.query, nextSpare: c.preloadedWebview });
            wx.exitMiniProgram();
          });
        });
    "#);
    let (builder, seen) = seen_recorder();
    let builder = with_chrome(builder);
    let options = RunOptions { inject_script: Some(inject), ..RunOptions::default() };
    let outcome = support::run_dir(builder, dir, options);
    assert_eq!(outcome.exit_code, 0);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["path"], json!("/__superapp/wxml/spare.html"));
    assert_eq!(seen[0]["text"], json!("1 hi"));
    assert_eq!(seen[0]["size"], json!("30px"));
    assert_eq!(seen[0]["query"], json!({"x": "1"}));
    assert_eq!(seen[0]["webViewId"], json!(2));
    // (the spare for page 3 may not have loaded yet: null or 3)
    assert!(seen[0]["nextSpare"].is_null() || seen[0]["nextSpare"] == json!(3), "{seen:?}");
}

/// A page opened while its preloaded webview is still loading waits for it, as any new page
/// waits for its document: navigateTo at once from the first page's onReady (the spare was
/// made a moment before) and from the second page's.
fn a_page_opened_into_a_loading_spare_waits_for_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    two_pages(
        dir,
        "wxspare2",
        r#"Page({ onReady() { wx.navigateTo({ url: '/pages/b/b?n=1' }); } });"#,
        r#"<view id="b">{{n}}</view>"#,
        r#"Page({
  onLoad(q) { this.setData({ n: q.n }); },
  onReady() {
    wx.invokeNativePlugin({ api_name: '__seen', data: { n: this.data.n, pages: getCurrentPages().length } });
    if (getCurrentPages().length < 3) wx.navigateTo({ url: '/pages/b/b?n=' + (getCurrentPages().length + 1) });
    else wx.exitMiniProgram();
  }
});"#,
    );
    let (builder, seen) = seen_recorder();
    let outcome = support::run_dir(builder, dir, RunOptions::default());
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![json!({"n": "1", "pages": 2, "webViewId": 2}), json!({"n": "3", "pages": 3, "webViewId": 3})]
    );
}

/// A closed page's webview is released: going to a page and back six times leaves no
/// more webviews alive than after the first time (each return waits, up to 3 s, for the
/// closed page to be let go).
fn closed_pages_release_their_webviews() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    two_pages(
        dir,
        "wxrelease",
        r#"var visits = 0, first = null;
Page({
  onShow() {
    var visit = visits++;
    if (visit === 0) { wx.navigateTo({ url: '/pages/b/b' }); return; }
    var deadline = Date.now() + 3000;
    (function poll() {
      wx.invokeNativePlugin({ api_name: 'live' }).then(function (r) {
        var n = r.live;
        if (first !== null && n > first && Date.now() < deadline) { setTimeout(poll, 20); return; }
        if (first === null) first = n;
        wx.invokeNativePlugin({ api_name: '__seen', data: { visit: visit, live: n } });
        if (visit < 6) wx.navigateTo({ url: '/pages/b/b' });
        else wx.exitMiniProgram();
      });
    })();
  }
});"#,
        r#"<view id="b">b</view>"#,
        r#"Page({ onReady() { wx.navigateBack(); } });"#,
    );
    let (builder, seen) = seen_recorder();
    let builder = builder.register("live", |_call: superapp_shell::MiniApiCall| async move {
        Ok(json!({ "live": superapp_shell::shell::live_webviews() }))
    });
    let outcome = support::run_dir(builder, dir, RunOptions::default());
    assert_eq!(outcome.exit_code, 0);
    let live: Vec<u64> = seen.lock().unwrap().iter().map(|s| s["live"].as_u64().unwrap()).collect();
    assert_eq!(live.len(), 6, "{live:?}");
    assert!(live[0] >= 2, "the logic context and page a at least: {live:?}");
    assert!(live.iter().all(|n| *n <= live[0]), "closed pages were not released: {live:?}");
}

/// A WXML mini program's logic context, its render webviews and its spare share one web
/// process (a message between the layers wakes one process, not two).
fn the_layers_share_one_web_process() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    two_pages(
        dir,
        "wxoneprocess",
        r#"Page({ onReady() { wx.navigateTo({ url: '/pages/b/b' }); } });"#,
        r#"<view>b</view>"#,
        r#"Page({
  onReady() {
    (function poll() {
      wx.invokeNativePlugin({ api_name: 'chrome' }).then(function (c) {
        if (c.preloadedWebview !== 3) { setTimeout(poll, 20); return; }
        wx.invokeNativePlugin({ api_name: 'processes' }).then(function (r) {
          wx.invokeNativePlugin({ api_name: '__seen', data: r });
          wx.exitMiniProgram();
        });
      });
    })();
  }
});"#,
    );
    let (builder, seen) = seen_recorder();
    let builder = with_chrome(builder).register("processes", |_call: superapp_shell::MiniApiCall| async move {
        Ok(json!({ "web": support::webkit_processes("WebKitWebProces"), "live": superapp_shell::shell::live_webviews() }))
    });
    let outcome = support::run_dir(builder, dir, RunOptions::default());
    assert_eq!(outcome.exit_code, 0);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    // the logic context, pages a and b, and the spare for the next page
    assert!(seen[0]["live"].as_u64().unwrap() >= 4, "{seen:?}");
    assert_eq!(seen[0]["web"], json!(1), "{seen:?}");
}

/// The embedded WXML sample, as a person would use it: pick a fruit, type a name, call the
/// Rust handler, open the detail page.
fn the_wxml_sample_runs() {
    let inject = qa(r#"
        var text = function (s) { return $(s) ? $(s).textContent.replace(/\s+/g, ' ').trim() : ''; };
        if (route === 'pages/index/index') {
          when(function () { return document.querySelectorAll('.fruit').length === 3; }, function () {
            document.querySelectorAll('.fruit')[1].click();
            var input = $('#name input');
            input.value = 'kka';
            input.dispatchEvent(new Event('input', { bubbles: true }));
            $('#native').click();
            when(function () { return text('#native-result') !== '' && text('#host') !== ''; }, function () {
              seen({ hook: 'index', banana: text('.fruit.picked'), card: text('.card .muted'), native: text('#native-result'),
                     hello: text('#hello'), host: text('#host') });
              $('#detail').click();
            });
          });
        } else if (route === 'pages/detail/detail') {
          when(function () { return /from index/.test(text('#info')); }, function () {
            seen({ hook: 'detail', info: text('#info') });
            wx.exitMiniProgram();
          });
        }
    "#);
    let (builder, seen) = seen_recorder();
    let builder = superapp_shell::sample::register(builder);
    let data = tempfile::tempdir().unwrap();
    let package = superapp_shell::Package::embedded(&superapp_shell::sample::SAMPLE_WXML, "sample-wxml").unwrap();
    let options = RunOptions {
        headless: true,
        exit_after: Some(support::RUN_LIMIT),
        inject_script: Some(inject),
        ..RunOptions::default()
    };
    let exit_code = builder.data_dir(data.path().into()).build().run(package, &options).unwrap();
    assert_eq!(exit_code, 0);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            json!({"hook": "index", "banana": "2. Banana ¥1.20 ✓", "card": "Tapped 1 time(s). The page JS runs in the logic context; this view only renders.",
                   "native": "myApiHandler: invokeNativePlugin:ok", "hello": "Hello, kka",
                   "host": format!("Shown by superapp-shell {} on {}.", env!("CARGO_PKG_VERSION"), std::env::consts::OS), "webViewId": 1}),
            json!({"hook": "detail", "info": "Opened from index; 1 tap(s) so far (shared App); 3 price(s) formatted (shared module).", "webViewId": 2}),
        ]
    );
}

fn source_errors_name_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), &[("pages/bad/bad.wxml", "<view>{{a</view>"), ("bad.wxss", ".a { color: red\n")]);
    let compilers = Compilers::locate().unwrap();
    let err = compilers.wxml_to_js(tmp.path(), &["pages/bad/bad.wxml".into()], &[]).unwrap_err();
    assert!(matches!(&err, CompileError::Source { message } if message.starts_with("pages/bad/bad.wxml:1:")), "{err}");
    let err = compilers.wxss_to_js(tmp.path(), &["bad.wxss".into()]).unwrap_err();
    assert_eq!(err.to_string(), "bad.wxss:1:12: unexpected token '$'");
    // An absolute @import resolves from the package root, from any folder.
    write_files(
        tmp.path(),
        &[
            ("common/reset.wxss", ".r { color: red; }\n"),
            ("sub/pages/a/a.wxss", "@import \"/common/reset.wxss\";\n.a { color: blue; }\n"),
        ],
    );
    let compiled =
        compilers.wxss_to_js(tmp.path(), &["sub/pages/a/a.wxss".into(), "common/reset.wxss".into()]).unwrap();
    // (the imported file's rules go into the shared script, referenced by the importer)
    assert!(compiled["sub/pages/a/a.wxss"].contains(r#"[2,"./common/reset.wxss"]"#), "{compiled:?}");
    assert!(compiled["comm"].contains("r { color: red;"), "{compiled:?}");
    let err = compilers.wxss_to_js(tmp.path(), &["missing.wxss".into()]);
    assert!(err.is_err());
}

/// Timers of hidden webviews run at full speed: the logic context, a hidden webview that
/// runs every page's JS, and an HTML page below the top of the stack. (WebKit throttles
/// hidden pages by default: a 10 ms interval there fired about once a second.) A 10 ms
/// interval must tick many times before a 2 s timeout set with it fires. The logic
/// context's animation frames run too (a hidden webview gets none from WebKit).
fn timers_run_at_full_speed_in_hidden_webviews() {
    const COUNT: &str = "var ticks = 0, frames = 0;
function count() {
  setInterval(function () { ticks++; }, 10);
  requestAnimationFrame(function frame(time) {
    if (typeof time === 'number') frames++;
    requestAnimationFrame(frame);
  });
  setTimeout(function () {
    wx.invokeNativePlugin({ api_name: '__seen', data: { ticks: ticks, frames: frames } })
      .then(function () { wx.exitMiniProgram(); });
  }, 2000);
}";
    // WXML: the page's JS runs in the hidden logic context.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let wxml_js = format!("{COUNT}\nPage({{ onLoad() {{ count(); }} }});");
    write_files(
        dir,
        &[("app.json", r#"{"pages":["pages/a/a"]}"#), ("pages/a/a.wxml", "<view>a</view>"), ("pages/a/a.js", &wxml_js)],
    );
    let (builder, seen) = seen_recorder();
    assert_eq!(support::run_dir(builder, dir, RunOptions::default()).exit_code, 0);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0]["ticks"].as_u64().unwrap() >= 50, "the logic context's timers were slowed down: {seen:?}");
    assert!(seen[0]["frames"].as_u64().unwrap() >= 20, "the logic context's animation frames stalled: {seen:?}");

    // HTML: the first page counts while the second page covers it.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let first = format!(
        "<!doctype html><html><body><script>{COUNT}\ncount(); wx.navigateTo({{ url: '/pages/b/b' }});</script></body></html>"
    );
    write_files(
        dir,
        &[
            ("app.json", r#"{"pages":["pages/a/a","pages/b/b"]}"#),
            ("pages/a/a.html", &first),
            ("pages/b/b.html", "<!doctype html><html><body>b</body></html>"),
        ],
    );
    let (builder, seen) = seen_recorder();
    assert_eq!(support::run_dir(builder, dir, RunOptions::default()).exit_code, 0);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0]["ticks"].as_u64().unwrap() >= 50, "a covered page's timers were slowed down: {seen:?}");
}

/// Each JS file is its own module: a syntax error in one page's file stops that page alone
/// (it shows the error, naming the file and line), the others run; a module whose code
/// threw is not kept, so requiring it again names the same error.
fn one_bad_module_stops_only_the_pages_that_need_it() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home", "pages/b/b", "pages/c/c"]}"#),
            ("app.js", "App({})"),
            ("utils/flaky.js", "throw new Error('flaky failed');\n"),
            ("pages/home/home.wxml", "<view class=\"home\">home</view>"),
            ("pages/home/home.js", "Page({})"),
            ("pages/b/b.wxml", "<view class=\"b\">b</view>"),
            ("pages/b/b.js", "Page({\n  data: { x: ; }\n});\n"),
            ("pages/c/c.wxml", "<view class=\"c\">{{word}}</view>"),
            ("pages/c/c.js", "Page({ data: { word: 'c works' } });"),
        ],
        |app| {
            app.wait_for(".home", WAIT)?;
            let twice = app.eval(
                "[1, 2].map(function () { try { __wxmlLogic.require('utils/flaky.js'); return 'kept'; } \
             catch (e) { return e.message; } })",
            )?;
            assert_eq!(twice, json!(["flaky failed", "flaky failed"]));
            app.navigate_to("/pages/b/b")?;
            app.wait_for("#__superapp-error", WAIT)?;
            let shown = app.text("#__superapp-error")?;
            assert!(shown.contains("SyntaxError") && shown.contains("pages/b/b.js:2"), "{shown}");
            app.navigate_back()?;
            app.navigate_to("/pages/c/c")?;
            app.wait_for(".c", WAIT)?;
            assert_eq!(app.text(".c")?, "c works");
            Ok(())
        },
    );
}

/// `global` is shared by app.js and every module (WeChat's demo sets `global.isDemo` in
/// app.js before `App()`); `require.async` gives a Promise of a module.
fn global_and_require_async_work_as_in_wechat() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home"]}"#),
            ("app.js", "global.isDemo = true;\nApp({ globalData: { fromApp: global.isDemo } });"),
            ("utils/later.js", "module.exports = { word: 'later' };"),
            ("pages/home/home.wxml", "<view class=\"home\">{{demo}} {{word}}</view>"),
            (
                "pages/home/home.js",
                "Page({ data: { demo: '', word: '' }, onLoad: function () { var page = this; \
                 this.setData({ demo: String(global.isDemo && getApp().globalData.fromApp) }); \
                 require.async('../../utils/later.js').then(function (m) { page.setData({ word: m.word }); }); } });",
            ),
        ],
        |app| {
            app.wait_until(|app| Ok(app.count(".home")? == 1 && app.text(".home")? == "true later"), WAIT)?;
            Ok(())
        },
    );
}

/// A relative image path resolves from the page's folder on every page, the launch page and
/// the pages opened after it (in a preloaded render webview) alike.
fn relative_image_paths_resolve_from_the_page_on_every_page() {
    let dot =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"6\"><rect width=\"8\" height=\"6\"/></svg>";
    let page = "<image class=\"pic\" src=\"../img/dot.svg\"></image>";
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home", "pages/b/b"]}"#),
            ("app.js", "App({})"),
            ("pages/img/dot.svg", dot),
            ("pages/home/home.wxml", page),
            ("pages/home/home.js", "Page({})"),
            ("pages/b/b.wxml", page),
            ("pages/b/b.js", "Page({})"),
        ],
        |app| {
            let loaded = |app: &testing::App| -> Result<bool, testing::Failed> {
                let page = app.current_page()?.id;
                let found = app.send(
                    "Page.getWindowProperties",
                    json!({"pageId": page, "names": ["document.images.0.naturalWidth"]}),
                )?;
                // (0 until it loads, and for good when it cannot)
                Ok(found["properties"][0].as_f64().is_some_and(|width| width > 0.0))
            };
            app.wait_until(loaded, WAIT)?;
            app.navigate_to("/pages/b/b")?;
            app.wait_until(loaded, WAIT)?;
            Ok(())
        },
    );
}

/// A page built with `Component({...})` and a `Behavior`: data from both, a property from
/// the query (typed), page hooks in `methods`, lifetimes in WeChat's order, a tap handler.
fn a_page_built_with_component_and_behavior_runs() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home", "pages/comp/comp"]}"#),
            ("app.js", "App({ globalData: { log: [] } })"),
            ("pages/home/home.wxml", "<view class=\"home\">home</view>"),
            ("pages/home/home.js", "Page({})"),
            (
                "behaviors/counter.js",
                "module.exports = Behavior({ data: { count: 1 }, methods: { bump: function () { \
                 this.setData({ count: this.data.count + 1 }); } }, \
                 lifetimes: { created: function () { getApp().globalData.log.push('behavior created'); } } });",
            ),
            ("pages/comp/comp.wxml", "<view class=\"out\" bindtap=\"bump\">{{title}} {{count}} {{n}}</view>"),
            (
                "pages/comp/comp.js",
                "var counter = require('../../behaviors/counter.js');\n\
                 var log = function (what) { getApp().globalData.log.push(what); };\n\
                 Component({ behaviors: [counter], properties: { n: Number, tag: { type: String, value: 'none' } }, \
                 data: { title: 'comp' }, \
                 lifetimes: { created: function () { log('created'); }, attached: function () { log('attached ' + this.properties.n); }, \
                   ready: function () { log('ready'); } }, \
                 pageLifetimes: { show: function () { log('show'); } }, \
                 methods: { onLoad: function (q) { log('onLoad ' + q.n + ' ' + typeof this.data.n + ' ' + this.data.tag); }, \
                   onShow: function () { log('onShow'); } } });",
            ),
        ],
        |app| {
        app.wait_for(".home", WAIT)?;
        app.navigate_to("/pages/comp/comp?n=7")?;
        app.wait_until(|app| Ok(app.count(".out")? == 1 && app.text(".out")? == "comp 1 7"), WAIT)?;
        app.tap(".out")?;
        app.wait_until(|app| Ok(app.text(".out")? == "comp 2 7"), WAIT)?;
        app.wait_until(|app| Ok(app.eval("getApp().globalData.log.length")? == json!(7)), WAIT)?;
        assert_eq!(
            app.eval("getApp().globalData.log")?,
            json!(["behavior created", "created", "attached 7", "onLoad 7 number none", "show", "onShow", "ready"])
        );
        Ok(())
        },
    );
}

/// What DevTools compiles before WeChat's compilers: TypeScript (`.ts` with no `.js`), ES
/// modules (`import`/`export`, default imports of them included) and LESS (`.less` with no
/// `.wxss`) all run; a TypeScript file with an error stops only the page that needs it.
fn typescript_es_modules_and_less_compile_as_in_devtools() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home", "pages/bad/bad"]}"#),
            ("app.ts", "import { greet } from './utils/greet'\nApp({ globalData: { hello: greet('ts') } })\n"),
            ("utils/greet.ts", "export function greet(who: string): string { return 'hi ' + who }\nexport default 42\n"),
            ("utils/plain.js", "export const twice = (n) => n * 2;\n"),
            (
                "pages/home/home.ts",
                "import answer from '../../utils/greet'\nimport { twice } from '../../utils/plain'\n\
                 Page({ data: { a: 0, h: '' }, onLoad() { this.setData({ a: twice(answer), h: getApp().globalData.hello }) } })\n",
            ),
            ("pages/home/home.wxml", "<view class=\"v\">{{h}} {{a}}</view>"),
            ("pages/home/home.less", "@c: #ff0000;\n.v { color: @c; }\n"),
            ("pages/bad/bad.ts", "Page({ data: { x: 1 as } })\n"),
            ("pages/bad/bad.wxml", "<view>bad</view>"),
        ],
        |app| {
        app.wait_until(|app| Ok(app.count(".v")? == 1 && app.text(".v")? == "hi ts 84"), WAIT)?;
        assert_eq!(style(app, ".v", "color")?, json!("rgb(255, 0, 0)"), "the LESS rule applies");
        app.navigate_to("/pages/bad/bad")?;
        app.wait_for("#__superapp-error", WAIT)?;
        let shown = app.text("#__superapp-error")?;
        assert!(shown.contains("pages/bad/bad.ts:1:"), "the error names the TypeScript file: {shown}");
        Ok(())
        },
    );
}

/// DevTools' "Build npm": dependencies installed in `node_modules` are built into
/// `miniprogram_npm` when the mini program opens, and a bare `require('pkg')` (or
/// `'pkg/sub'`) resolves there, from any folder.
fn npm_packages_build_and_resolve_as_in_devtools() {
    let tmp = run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home"]}"#),
            ("app.js", "App({})"),
            ("package.json", r#"{"dependencies": {"left-pad-ish": "1.0.0", "mp-lib": "1.0.0"}}"#),
            ("node_modules/left-pad-ish/package.json", r#"{"main": "lib/pad.js"}"#),
            ("node_modules/left-pad-ish/lib/pad.js", "module.exports = function (s, n) { while (s.length < n) s = '0' + s; return s; };"),
            ("node_modules/mp-lib/package.json", r#"{"miniprogram": "dist"}"#),
            ("node_modules/mp-lib/dist/index.js", "module.exports = { name: 'mp-lib' };"),
            ("node_modules/mp-lib/dist/extra/tools.js", "exports.twice = function (n) { return n * 2; };"),
            ("pages/home/home.wxml", "<view class=\"v\">{{text}}</view>"),
            (
                "pages/home/home.js",
                "var pad = require('left-pad-ish'); var lib = require('mp-lib'); var tools = require('mp-lib/extra/tools');\n\
                 Page({ data: { text: pad('7', 3) + ' ' + lib.name + ' ' + tools.twice(21) } });",
            ),
        ],
        |app| {
        app.wait_until(|app| Ok(app.count(".v")? == 1 && app.text(".v")? == "007 mp-lib 42"), WAIT)?;
        Ok(())
        },
    );
    assert!(tmp.path().join("miniprogram_npm/left-pad-ish/index.js").is_file());
    assert!(tmp.path().join("miniprogram_npm/mp-lib/extra/tools.js").is_file());
}

/// The compile cache: a second compile of an unchanged package runs no compiler and gives
/// the same output; a changed script recompiles alone, a changed template reruns wcc only.
fn the_compile_cache_recompiles_only_what_changed() {
    use superapp_shell::wxml::cache::CompileCache;
    use superapp_shell::wxml::compile::compile;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("app");
    write_files(
        &dir,
        &[
            ("app.json", r#"{"pages": ["pages/a/a", "pages/b/b"]}"#),
            ("app.js", "App({})"),
            ("app.less", "@c: #00f;\n.x { color: @c; }\n"),
            ("pages/a/a.ts", "Page({ data: { n: 1 as number } })\n"),
            ("pages/a/a.wxml", "<view>{{n}}</view>"),
            ("pages/b/b.js", "export const b = 2;\nPage({})\n"),
            ("pages/b/b.wxml", "<view>b</view>"),
            ("pages/b/b.wxss", ".b { margin: 10rpx; }"),
        ],
    );
    let compilers = Compilers::locate().unwrap();
    let cache = CompileCache::open(tmp.path().join("cache"));
    let open = || superapp_shell::Package::open(&dir).unwrap();
    let first = compile(&open(), &compilers, Some(&cache)).unwrap();
    // less (app.less), wcsc, wcc, esbuild for a.ts and b.js.
    assert_eq!((first.made, first.cached), (5, 0));
    let second = compile(&open(), &compilers, Some(&cache)).unwrap();
    assert_eq!((second.made, second.cached), (0, 5));
    assert_eq!(second.gwx, first.gwx);
    assert_eq!(second.wxss, first.wxss);
    assert_eq!(second.scripts, first.scripts);
    assert!(second.wxss["comm"].contains("#00f"), "the LESS made the app style");
    // One changed script: esbuild runs for it alone.
    write_files(&dir, &[("pages/a/a.ts", "Page({ data: { n: 2 as number } })\n")]);
    let third = compile(&open(), &compilers, Some(&cache)).unwrap();
    assert_eq!((third.made, third.cached), (1, 4));
    assert!(third.scripts["pages/a/a.js"].as_ref().unwrap().contains("n: 2"), "{:?}", third.scripts);
    // One changed template: wcc runs again, nothing else.
    write_files(&dir, &[("pages/b/b.wxml", "<view>b2</view>")]);
    let fourth = compile(&open(), &compilers, Some(&cache)).unwrap();
    assert_eq!((fourth.made, fourth.cached), (1, 4));
    assert!(fourth.gwx.contains("b2"));
    // Without a cache, everything is made.
    assert_eq!(compile(&open(), &compilers, None).unwrap().made, 5);
}

/// Custom components: `usingComponents` (a page's, relative; the app's, absolute), a
/// component inside a component, properties with their types, defaults and observers,
/// `observers`, the default and a named slot (holding the page's own nodes, whose handlers
/// stay the page's), `triggerEvent` heard by the page's `bind:`, the component's own
/// handlers, its styles, and its lifetimes (attached, ready, detached).
fn custom_components_render_with_properties_slots_and_events() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home"], "usingComponents": {"g-badge": "/components/badge/badge"}}"#),
            ("app.js", "App({ globalData: { events: [] } })"),
            ("pages/home/home.json", r#"{"usingComponents": {"my-card": "../../components/card/card"}}"#),
            (
                "pages/home/home.wxml",
                r#"<my-card wx:if="{{!gone}}" id="c1" class="card-host" title="{{title}}" count="{{n}}" bind:picked="onPicked"><text class="slotted" bindtap="onSlotTap">slot {{title}}</text><view slot="foot" class="foot">foot</view></my-card><view class="picked">{{picked}}</view>"#,
            ),
            (
                "pages/home/home.js",
                "Page({ data: { title: 'T1', n: '2', picked: '', gone: false },
                 onPicked(e) { this.setData({ picked: e.detail.value + ':' + e.type }) },
                 onSlotTap() { this.setData({ title: 'T2' }) } })",
            ),
            ("components/card/card.json", r#"{"component": true}"#),
            (
                "components/card/card.wxml",
                r#"<view class="card"><view class="title">{{title}}|{{count + 1}}|{{doubled}}</view><slot></slot><view class="pick" bindtap="pick">pick</view><view class="log">{{log}}</view><slot name="foot"></slot><g-badge class="b" label="{{title}}"/></view>"#,
            ),
            ("components/card/card.wxss", ".title { color: rgb(0, 0, 255); }"),
            (
                "components/card/card.js",
                "Component({ options: { multipleSlots: true },
                 properties: { title: { type: String, value: 'none', observer(now, was) { this.setData({ log: this.data.log + was + '>' + now + ';' }) } }, count: Number },
                 data: { doubled: 0, log: '' },
                 observers: { count(c) { this.setData({ doubled: c * 2 }) } },
                 lifetimes: { attached() { getApp().globalData.events.push('attached ' + this.data.title) },
                   ready() { getApp().globalData.events.push('ready') }, detached() { getApp().globalData.events.push('detached') } },
                 methods: { pick() { this.triggerEvent('picked', { value: this.data.title }) },\n\
                   badgeOwner() { return this.selectComponent('.b').selectOwnerComponent() === this } } })",
            ),
            ("components/badge/badge.json", r#"{"component": true}"#),
            ("components/badge/badge.wxml", r#"<text class="badge">[{{label}}]</text>"#),
            ("components/badge/badge.js", "Component({ properties: { label: String } })"),
        ],
        |app| {
            // (selectors cross into a component with `>>>`, as WeChat's do)
            const TITLE: &str = "my-card >>> .title";
            const BADGE: &str = "my-card >>> g-badge >>> .badge";
            app.wait_until(|app| Ok(app.count(TITLE)? == 1 && app.text(TITLE)? == "T1|3|4"), WAIT)?;
            assert_eq!(app.text(".slotted")?, "slot T1", "the default slot holds the page's node");
            assert_eq!(app.count("my-card .foot")?, 1, "the named slot");
            app.wait_until(|app| Ok(app.count(BADGE)? == 1 && app.text(BADGE)? == "[T1]"), WAIT)?;
            assert_eq!(app.text("my-card >>> .log")?, "none>T1;", "a property's observer");
            assert_eq!(style(app, TITLE, "color")?, json!("rgb(0, 0, 255)"), "the component's styles apply");
            // The component's own handler triggers an event the page hears.
            app.tap("my-card >>> .pick")?;
            app.wait_until(|app| Ok(app.text(".picked")? == "T1:picked"), WAIT)?;
            // The slotted node's handler is the page's; the new title flows into both components.
            app.tap(".slotted")?;
            app.wait_until(|app| Ok(app.text(TITLE)? == "T2|3|4" && app.text(BADGE)? == "[T2]"), WAIT)?;
            assert_eq!(app.text("my-card >>> .log")?, "none>T1;T1>T2;");
            assert_eq!(app.eval("getApp().globalData.events")?, json!(["attached T1", "ready"]));
            // The page's and the component's selectComponent, and the owner of a component.
            let select = |js: &str| app.eval(&format!("(function (page) {{ return {js}; }})(getCurrentPages()[0])"));
            assert_eq!(select("page.selectComponent('#c1').data.title")?, json!("T2"));
            assert_eq!(select("page.selectAllComponents('.card-host').length")?, json!(1));
            assert_eq!(select("page.selectComponent('my-card.card-host').is")?, json!("components/card/card"));
            assert_eq!(select("page.selectComponent('#nope')")?, Value::Null);
            assert_eq!(select("page.selectComponent('.b')")?, Value::Null, "not in the page's own template");
            assert_eq!(select("page.selectComponent('#c1').badgeOwner()")?, json!(true));
            assert_eq!(select("page.selectComponent('#c1').getPageId() === 'pageId-' + page.webViewId")?, json!(true));
            // A property the component set itself stands until the owner gives a new value.
            select("page.selectComponent('#c1').setData({ title: 'own' })")?;
            app.wait_until(|app| Ok(app.text(TITLE)?.starts_with("own|")), WAIT)?;
            app.set_data(json!({"n": "4"}))?;
            app.wait_until(|app| Ok(app.text(TITLE)? == "own|5|8"), WAIT)?;
            app.set_data(json!({"title": "T3"}))?;
            app.wait_until(|app| Ok(app.text(TITLE)? == "T3|5|8"), WAIT)?;
            app.eval("getCurrentPages()[0].setData({ gone: true })")?;
            app.wait_until(|app| Ok(app.count("my-card")? == 0), WAIT)?;
            app.wait_until(|app| Ok(app.eval("getApp().globalData.events.length")? == json!(3)), WAIT)?;
            assert_eq!(app.eval("getApp().globalData.events[2]")?, json!("detached"));
            Ok(())
        },
    );
}

/// The built-in controls, used as a person (and WeChat's automator) uses them: each fires
/// its event with WeChat's `detail`, and a form submits its named fields' values and
/// resets them.
fn built_in_controls_fire_their_events_with_their_detail() {
    const WXML: &str = r#"<form bindsubmit="onSubmit" bindreset="onReset">
<input name="who" value="ann" class="who"/>
<switch name="on" class="sw" bindchange="onSwitch"/>
<checkbox-group name="fruits" bindchange="onBoxes"><label class="lab-a"><checkbox value="a"/>A</label><checkbox value="b" checked="{{true}}"/></checkbox-group>
<radio-group name="size" bindchange="onRadio"><radio value="s" class="r-s"/><radio value="m" checked="{{true}}"/></radio-group>
<slider name="level" value="30" show-value class="sl" bindchange="onSlide"/>
<picker name="pick" mode="selector" range="{{kinds}}" value="1" bindchange="onPick" class="pk"><view>pick {{kinds[1]}}</view></picker>
<button form-type="submit" type="primary" class="go">go</button>
<button form-type="reset" class="clear">clear</button>
</form>
<swiper class="swp" indicator-dots bindchange="onSwipe"><swiper-item>1</swiper-item><swiper-item>2</swiper-item></swiper>
<scroll-view scroll-y class="sv" style="height: 100px" bindscrolltolower="onLower"><view style="height: 600px">tall</view></scroll-view>
<progress percent="40" show-info class="pg"/>
<icon type="success" size="30" class="ic"/>
<rich-text nodes="{{html}}" class="rt"/>
<map class="mp" longitude="113.3" latitude="23.1"/>
<radio-group class="both"><radio value="x" checked="{{true}}"/><radio value="y" checked="{{true}}" class="last"/></radio-group>
<view class="log">{{log}}</view>"#;
    const JS: &str = r#"Page({
  data: { log: '', kinds: ['x', 'y', 'z'], html: '<b class="bold">hi</b><script>window.bad = 1</script><img class="pic" src="nope.png" onerror="window.bad = 2">' },
  add(s) { this.setData({ log: this.data.log + s + ';' }) },
  onSwitch(e) { this.add('switch ' + e.detail.value) },
  onBoxes(e) { this.add('boxes ' + e.detail.value.join(',')) },
  onRadio(e) { this.add('radio ' + e.detail.value) },
  onSlide(e) { this.add('slide ' + e.detail.value) },
  onPick(e) { this.add('pick ' + e.detail.value) },
  onSwipe(e) { this.add('swipe ' + e.detail.current + ' ' + e.detail.source) },
  onLower() { this.add('lower') },
  onSubmit(e) { this.add('submit ' + JSON.stringify(e.detail.value)) },
  onReset() { this.add('reset') }
})"#;
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home"]}"#),
            ("app.js", "App({})"),
            ("pages/home/home.wxml", WXML),
            ("pages/home/home.js", JS),
        ],
        |app| {
            app.wait_for(".log", WAIT)?;
            let page = app.current_page()?.id;
            let call = |selector: &str, name: &str, args: Value| -> Result<Value, testing::Failed> {
                let found = app.send("Page.getElement", json!({"pageId": page, "selector": selector}))?;
                app.send(
                    "Element.callFunction",
                    json!({"pageId": page, "elementId": found["elementId"], "functionName": name, "args": args}),
                )
            };
            let log_is = |want: &str| -> Result<(), testing::Failed> {
                let want = want.to_string();
                app.wait_until(move |app| Ok(app.text(".log")? == want), WAIT)
            };
            call(".sw", "switch.tap", json!([]))?;
            log_is("switch true;")?;
            app.tap(".lab-a")?;
            log_is("switch true;boxes a,b;")?;
            app.tap(".r-s")?;
            log_is("switch true;boxes a,b;radio s;")?;
            call(".sl", "slider.slideTo", json!([70]))?;
            log_is("switch true;boxes a,b;radio s;slide 70;")?;
            call(".swp", "swiper.swipeTo", json!([1]))?;
            log_is("switch true;boxes a,b;radio s;slide 70;swipe 1 touch;")?;
            call(".sv", "scroll-view.scrollTo", json!([0, 500]))?;
            log_is("switch true;boxes a,b;radio s;slide 70;swipe 1 touch;lower;")?;
            app.tap(".go")?;
            log_is(
                r#"switch true;boxes a,b;radio s;slide 70;swipe 1 touch;lower;submit {"who":"ann","on":true,"fruits":["a","b"],"size":"s","level":70,"pick":1};"#,
            )?;
            app.tap(".clear")?;
            app.tap(".go")?;
            log_is(
                r#"switch true;boxes a,b;radio s;slide 70;swipe 1 touch;lower;submit {"who":"ann","on":true,"fruits":["a","b"],"size":"s","level":70,"pick":1};reset;submit {"who":"ann","on":false,"fruits":["b"],"size":"m","level":30,"pick":1};"#,
            )?;
            // What they show.
            assert_eq!(app.count(".pk .wx-picker-option")?, 3, "the picker's choices");
            assert_eq!(
                (app.count(".both .wx-checked")?, app.count(".both .last.wx-checked")?),
                (1, 1),
                "a group whose template checks two radios checks the last"
            );
            assert_eq!(app.text(".mp")?.trim(), "<map> is not available on the desktop", "a placeholder names it");
            assert_eq!(app.text(".pg")?.trim(), "40%");
            assert_eq!(app.text(".sl")?.trim(), "30", "the slider shows its value (reset to 30)");
            assert_eq!(app.count(".rt .bold")?, 1, "rich-text renders its nodes");
            let rich = app.send("Page.getElement", json!({"pageId": page, "selector": ".rt"}))?;
            let html = app.send(
                "Element.getDOMProperties",
                json!({"pageId": page, "elementId": rich["elementId"], "names": ["innerHTML"]}),
            )?;
            let html = html["properties"][0].as_str().unwrap_or_default().to_string();
            assert!(html.contains("hi") && !html.contains("script"), "without scripts: {html}");
            assert_eq!(app.attribute(".rt .pic", "onerror")?, Value::Null, "or event attributes");
            let primary = [style(app, ".go", "background-color")?, style(app, ".go", "color")?];
            assert_eq!(primary, [json!("rgb(7, 193, 96)"), json!("rgb(255, 255, 255)")], "a primary button");
            Ok(())
        },
    );
}

/// movable-view (moved by its x and y, by a drag and by the automator's `moveTo`, kept in
/// its area and its direction), picker-view (its value, a drag on a column), a
/// scroll-view's refresher (pulled, then restored), cover-view and cover-image.
fn movable_views_picker_views_refreshers_and_cover_views_work() {
    const WXML: &str = r#"<movable-area style="width: 200px; height: 200px"><movable-view class="mv" direction="all" x="{{x}}" y="{{y}}" style="width: 50px; height: 50px" bindchange="onMove"/></movable-area>
<movable-area style="width: 200px; height: 100px"><movable-view class="mh" direction="horizontal" style="width: 50px; height: 50px" bindchange="onMove"/></movable-area>
<picker-view class="pv" style="width: 300px; height: 170px" indicator-style="height: 34px;" value="{{pv}}" bindchange="onPick"><picker-view-column class="years"><view wx:for="{{years}}" wx:key="*this">{{item}}</view></picker-view-column><picker-view-column><view>a</view><view>b</view><view>c</view></picker-view-column></picker-view>
<scroll-view scroll-y class="rf" style="height: 100px" refresher-enabled refresher-default-style="none" refresher-triggered="{{refreshing}}" bindrefresherrefresh="onRefresh" bindrefresherrestore="onRestore"><view slot="refresher" class="mine" style="display: block; height: 40px">custom</view><view style="height: 300px">list</view></scroll-view>
<cover-view class="cv">cover text</cover-view><cover-image class="ci" src="/pic.svg" bindload="onImage"/>
<view class="log">{{log}}</view>"#;
    const JS: &str = r#"Page({
  data: { log: '', x: 0, y: 0, pv: [2, 1], years: [2020, 2021, 2022, 2023, 2024, 2025], refreshing: false },
  add(s) { this.setData({ log: this.data.log + s + ';' }) },
  onMove(e) { this.add('move ' + e.detail.x + ',' + e.detail.y + ' ' + (e.detail.source || "''")) },
  onPick(e) { this.add('pick ' + e.detail.value.join(',')) },
  onRefresh() { this.add('refresh'); this.setData({ refreshing: true }); setTimeout(() => this.setData({ refreshing: false }), 50) },
  onRestore() { this.add('restore') },
  onImage(e) { this.add('image ' + e.detail.width + 'x' + e.detail.height) }
})"#;
    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="12" height="8"><rect width="12" height="8" fill="red"/></svg>"#;
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home"]}"#),
            ("app.js", "App({})"),
            ("pages/home/home.wxml", WXML),
            ("pages/home/home.js", JS),
            ("pic.svg", SVG),
        ],
        |app| {
            app.wait_for(".log", WAIT)?;
            let page = app.current_page()?.id;
            let element = |selector: &str| -> Result<Value, testing::Failed> {
                Ok(app.send("Page.getElement", json!({"pageId": page, "selector": selector}))?["elementId"].clone())
            };
            let log_is = |want: &str| -> Result<(), testing::Failed> {
                let wanted = want.to_string();
                app.wait_until(move |app| Ok(app.text(".log")? == wanted), WAIT)
                    .map_err(|_| format!("the log is {:?}, not {want:?}", app.text(".log")).into())
            };
            let touch = |selector: &str, kind: &str, x: f64, y: f64| -> Result<Value, testing::Failed> {
                let point = json!([{"identifier": 0, "clientX": x, "clientY": y}]);
                app.send(
                    &format!("Element.{kind}"),
                    json!({"pageId": page, "elementId": element(selector)?, "touches": point, "changedTouches": point}),
                )
            };
            app.wait_until(|app| Ok(app.text(".log")? == "image 12x8;"), WAIT)?;
            assert_eq!(app.text(".cv")?, "cover text");
            // movable-view: x and y from the page (source ''), the automator's moveTo (kept
            // inside its area), a drag; one that moves only across.
            app.set_data(json!({"x": 30, "y": 40}))?;
            let mut log = "image 12x8;move 30,40 '';".to_string();
            log_is(&log)?;
            let mv = element(".mv")?;
            app.send(
                "Element.callFunction",
                json!({"pageId": page, "elementId": mv, "functionName": "movable-view.moveTo", "args": [500, 10]}),
            )?;
            log += "move 150,10 touch;";
            log_is(&log)?;
            let at = app.send(
                "Element.getProperties",
                json!({"pageId": page, "elementId": mv, "names": ["_translateX", "_translateY"]}),
            )?;
            assert_eq!(at["properties"], json!([150, 10]), "what the automator's property('x') reads");
            let (left, top) = app.offset(".mh")?;
            touch(".mh", "touchstart", left + 5.0, top + 5.0)?;
            touch(".mh", "touchmove", left + 45.0, top + 45.0)?;
            touch(".mh", "touchend", left + 45.0, top + 45.0)?;
            log += "move 40,0 touch;";
            log_is(&log)?;
            // picker-view: the rows its value names are in the middle; a drag on a column
            // comes to rest on another row and says every column's.
            let years = element(".years")?;
            let scroll_top = |id: &Value| -> Result<Value, testing::Failed> {
                Ok(app.send(
                    "Element.getDOMProperties",
                    json!({"pageId": page, "elementId": id, "names": ["scrollTop"]}),
                )?["properties"][0]
                    .clone())
            };
            assert_eq!(scroll_top(&years)?, json!(68), "row 2 of 34 px rows");
            let (left, top) = app.offset(".years")?;
            touch(".years", "touchstart", left + 20.0, top + 100.0)?;
            touch(".years", "touchmove", left + 20.0, top + 32.0)?;
            touch(".years", "touchend", left + 20.0, top + 32.0)?;
            log += "pick 4,1;";
            log_is(&log)?;
            // The refresher: pulled down past its threshold, it refreshes until the page
            // sets refresher-triggered back to false.
            // (its own `slot="refresher"` child shows only while it is pulled)
            assert_eq!(style(app, ".mine", "display")?, json!("none"));
            let (left, top) = app.offset(".rf")?;
            touch(".rf", "touchstart", left + 10.0, top + 10.0)?;
            touch(".rf", "touchmove", left + 10.0, top + 90.0)?;
            assert_eq!(style(app, ".mine", "display")?, json!("block"), "pulled: the custom refresher shows");
            touch(".rf", "touchend", left + 10.0, top + 90.0)?;
            log += "refresh;restore;";
            log_is(&log)?;
            app.wait_until(|app| Ok(style(app, ".mine", "display")? == json!("none")), WAIT)?;
            assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
            Ok(())
        },
    );
}

/// `useExtendedLib: {weui: true}`: WeUI's components resolve as `weui-miniprogram/...`
/// (weui-miniprogram, bundled with the shell) and render with WeUI's styles, without a
/// file written into the mini program's folder.
fn weui_components_come_with_use_extended_lib() {
    let tmp = run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"], "useExtendedLib": {"weui": true}}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.json",
                r#"{"usingComponents": {"mp-cells": "weui-miniprogram/cells/cells", "mp-cell": "weui-miniprogram/cell/cell"}}"#,
            ),
            (
                "pages/a/a.wxml",
                r#"<mp-cells title="Settings"><mp-cell value="Volume" footer="80%"></mp-cell></mp-cells>"#,
            ),
            ("pages/a/a.js", "Page({})"),
        ],
        |app| {
            app.wait_until(|app| Ok(app.count(".weui-cell")? == 1), WAIT)?;
            assert_eq!(app.text(".weui-cells__title")?.trim(), "Settings");
            assert_eq!(app.text(".weui-cell__bd")?.trim(), "Volume");
            assert_eq!(app.text(".weui-cell__ft")?.trim(), "80%");
            assert_eq!(style(app, ".weui-cell", "display")?, json!("flex"), "WeUI's styles apply");
            assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
            Ok(())
        },
    );
    assert!(!tmp.path().join("miniprogram_npm").exists(), "nothing was written into the mini program");
}

/// `this.animate(selector, keyframes, duration, callback)` on a page and in a component:
/// the render webview plays WeChat's keyframes, holds the last one, and the callback runs
/// when they end; `clearAnimation` takes them away.
fn animate_plays_keyframes_and_calls_back() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/home/home"]}"#),
            ("app.js", "App({})"),
            ("pages/home/home.json", r#"{"usingComponents": {"fader": "/components/fader/fader"}}"#),
            ("pages/home/home.wxml", r#"<view id="box" style="width: 50px; height: 50px">box</view><fader id="f"/><view class="log">{{log}}</view>"#),
            (
                "pages/home/home.js",
                "Page({ data: { log: '' },\n\
                 go() { this.animate('#box', [{ opacity: 1, translate: [0, 0] }, { opacity: 0.5, translate: [40, 0], ease: 'linear' }], 100, () => {\n\
                   this.setData({ log: this.data.log + 'page;' }); }); },\n\
                 clear() { this.clearAnimation('#box', () => { this.setData({ log: this.data.log + 'cleared;' }); }); } })",
            ),
            ("components/fader/fader.json", r#"{"component": true}"#),
            ("components/fader/fader.wxml", r#"<view class="inner">in</view>"#),
            (
                "components/fader/fader.js",
                "Component({ methods: { fade(done) { this.animate('.inner', [{ opacity: 1 }, { opacity: 0.25 }], 50, done); } } })",
            ),
        ],
        |app| {
            app.wait_for("fader >>> .inner", WAIT)?;
            app.call_method("go", vec![])?;
            app.wait_until(|app| Ok(app.text(".log")? == "page;"), WAIT)?;
            assert_eq!(style(app, "#box", "opacity")?, json!("0.5"), "the last keyframe holds");
            assert_eq!(style(app, "#box", "transform")?, json!("matrix(1, 0, 0, 1, 40, 0)"));
            app.eval(
                "getCurrentPages()[0].selectComponent('#f').fade(function () { getCurrentPages()[0].setData({ log: getCurrentPages()[0].data.log + 'component;' }); })",
            )?;
            app.wait_until(|app| Ok(app.text(".log")? == "page;component;"), WAIT)?;
            assert_eq!(style(app, "fader >>> .inner", "opacity")?, json!("0.25"), "a component animates its own template");
            app.call_method("clear", vec![])?;
            app.wait_until(|app| Ok(app.text(".log")? == "page;component;cleared;"), WAIT)?;
            assert_eq!(style(app, "#box", "opacity")?, json!("1"), "cleared");
            Ok(())
        },
    );
}

/// `<video>`: a package file plays through `wx.createVideoContext` and the automator's
/// `callContextMethod`, with WeChat's events.
fn video_plays_with_its_context_and_events() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.wxml",
                r#"<video id="v" src="/tone.wav" bindplay="ev" bindended="ev" bindpause="ev"/><view class="log">{{log}}</view>
<video class="bad" src="/not-media.wav" binderror="bad"/><view class="bad-log">{{bad}}</view>"#,
            ),
            (
                "pages/a/a.js",
                "Page({ data: { log: '', bad: '' }, ev(e) { this.setData({ log: this.data.log + e.type + ';' }) },\n\
              bad(e) { this.setData({ bad: e.detail.errMsg.slice(0, 9) }) },\n\
              play() { wx.createVideoContext('v').play() } })",
            ),
        ],
    );
    std::fs::write(tmp.path().join("tone.wav"), support::silent_wav(0.3)).unwrap();
    std::fs::write(tmp.path().join("not-media.wav"), "this is not a sound").unwrap();
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, |app| {
        app.wait_for("#v", WAIT)?;
        app.call_method("play", vec![])?;
        // (a media element pauses as it ends, then says it ended)
        app.wait_until(|app| Ok(app.text(".log")? == "play;pause;ended;"), WAIT)?;
        // As WeChat's automator drives it: a ContextElement.
        let page = app.current_page()?.id;
        let found = app.send("Page.getElement", json!({"pageId": page, "selector": "video"}))?;
        assert_eq!(found["videoId"], json!("v"));
        app.send(
            "Element.callContextMethod",
            json!({"pageId": page, "elementId": found["elementId"], "method": "play", "args": []}),
        )?;
        app.wait_until(|app| Ok(app.text(".log")? == "play;pause;ended;play;pause;ended;"), WAIT)?;
        // A source WebKit cannot play: the error event, and the player says so on screen.
        app.wait_until(|app| Ok(app.text(".bad-log")? == "MEDIA_ERR"), WAIT)?;
        assert!(app.text(".bad")?.contains("This video cannot play here (MEDIA_ERR"), "{:?}", app.text(".bad"));
        Ok(())
    })
    .unwrap();
}

/// `image` says `load` (with its size) or `error`; an input keeps what was typed when other
/// data changes (its `value` is applied when the template's value changes).
fn images_say_load_and_error_and_inputs_keep_typed_text() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.wxml",
                r#"<image src="/dot.png" bindload="loaded" binderror="failed"/><image src="/missing.png" binderror="failed"/>
<input class="free" placeholder="type"/><view class="log">{{log}}</view>"#,
            ),
            (
                "pages/a/a.js",
                "Page({ data: { log: '' }, add(s) { this.setData({ log: this.data.log + s + ';' }) },\n\
                 loaded(e) { this.add('load ' + e.detail.width + 'x' + e.detail.height) }, failed(e) { this.add('error') } })",
            ),
        ],
    );
    std::fs::write(tmp.path().join("dot.png"), support::png(3, 2)).unwrap();
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, |app| {
        app.wait_until(|app| Ok(app.text(".log")?.matches(';').count() == 2), WAIT)?;
        let mut seen: Vec<String> = app.text(".log")?.split(';').filter(|s| !s.is_empty()).map(String::from).collect();
        seen.sort();
        assert_eq!(seen, ["error", "load 3x2"]);
        app.input(".free", "typed")?;
        app.call_method("add", vec![json!("other")])?;
        app.wait_until(|app| Ok(app.text(".log")?.ends_with("other;")), WAIT)?;
        let page = app.current_page()?.id;
        let found = app.send("Page.getElement", json!({"pageId": page, "selector": ".free"}))?;
        let value = app.send(
            "Element.getProperties",
            json!({"pageId": page, "elementId": found["elementId"], "names": ["value"]}),
        )?;
        assert_eq!(value["properties"][0], json!("typed"), "what was typed stays");
        Ok(())
    })
    .unwrap();
}

/// `externalClasses`: the classes the owner sets on the host (`inner-class="red big"`)
/// take the place of that name inside the component, and follow the owner's data.
fn external_classes_come_from_the_owner() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            ("pages/a/a.json", r#"{"usingComponents": {"ext": "/components/ext/ext"}}"#),
            ("pages/a/a.wxml", r#"<ext inner-class="{{cls}}"/>"#),
            ("pages/a/a.js", "Page({ data: { cls: 'red big' } })"),
            ("components/ext/ext.json", r#"{"component": true}"#),
            ("components/ext/ext.wxml", r#"<view class="box inner-class">x</view>"#),
            ("components/ext/ext.js", "Component({ externalClasses: ['inner-class'] })"),
        ],
        |app| {
            // The owner's classes are the page's (unscoped: page selectors find them), on
            // the component's own element.
            app.wait_until(|app| Ok(app.count("ext .red.big")? == 1), WAIT)?;
            assert_eq!(app.attribute("ext .red", "class")?, json!("components-ext-ext--box red big"));
            assert_eq!(
                app.count("ext >>> .inner-class")? + app.count("ext .inner-class")?,
                0,
                "the name itself is gone"
            );
            app.set_data(json!({"cls": "blue"}))?;
            app.wait_until(|app| Ok(app.count("ext .blue")? == 1 && app.count("ext .red")? == 0), WAIT)?;
            Ok(())
        },
    );
}

/// Component styles are scoped as WeChat scopes them (`styleIsolation`): an isolated
/// component's class rules stay in and the page's stay out; `addGlobalClass` lets the
/// page's in; `shared` lets its own out; `:host` is the component's element; `~name` is
/// the page's class. Selector queries in a component, and `>>>` from the page, find its
/// elements. Generics take the owner's component, or the default.
fn component_styles_are_isolated_as_in_wechat() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.json",
                r#"{"usingComponents": {"iso": "/components/iso/iso", "apply": "/components/apply/apply", "shared": "/components/shared/shared", "list": "/components/list/list", "card-a": "/components/card-a/card-a"}}"#,
            ),
            (
                "pages/a/a.wxml",
                r#"<view class="t" id="page-t">page</view><view class="leak" id="leak">leak?</view><view class="shared-x" id="sx">shared?</view><iso id="iso"/><apply/><shared/><list id="given" generic:item="card-a"/><list id="default"/>"#,
            ),
            ("pages/a/a.wxss", ".t { color: rgb(255, 0, 0); }"),
            ("pages/a/a.js", "Page({})"),
            ("components/iso/iso.json", r#"{"component": true}"#),
            ("components/iso/iso.wxml", r#"<view class="t">iso</view><view class="~t" id="tilde">tilde</view>"#),
            (
                "components/iso/iso.wxss",
                ".t { font-size: 20px; } :host { display: block; margin-top: 3px; } .leak { color: rgb(0, 128, 0); }",
            ),
            (
                "components/iso/iso.js",
                "Component({ lifetimes: { attached() { this.createSelectorQuery().select('.t').boundingClientRect((rect) => { this.foundInAttached = !!rect; }).exec(); } },\n\
                 methods: { measure() { return new Promise((resolve) => {\n\
                   this.createSelectorQuery().select('.t').boundingClientRect((rect) => resolve(rect && rect.height > 0)).exec(); }); } } })",
            ),
            ("components/apply/apply.json", r#"{"component": true}"#),
            ("components/apply/apply.wxml", r#"<view class="t u">apply</view>"#),
            ("components/apply/apply.wxss", ".u { font-size: 21px; }"),
            ("components/apply/apply.js", "Component({ options: { addGlobalClass: true } })"),
            ("components/shared/shared.json", r#"{"component": true, "styleIsolation": "shared"}"#),
            ("components/shared/shared.wxml", r#"<view class="t">shared</view>"#),
            ("components/shared/shared.wxss", ".shared-x { color: rgb(0, 0, 255); }"),
            ("components/shared/shared.js", "Component({})"),
            (
                "components/list/list.json",
                r#"{"component": true, "componentGenerics": {"item": {"default": "../card-b/card-b"}}}"#,
            ),
            ("components/list/list.wxml", r#"<item label="one"/>"#),
            ("components/list/list.js", "Component({})"),
            ("components/card-a/card-a.json", r#"{"component": true}"#),
            ("components/card-a/card-a.wxml", r#"<text class="c">A:{{label}}</text>"#),
            ("components/card-a/card-a.js", "Component({ properties: { label: String } })"),
            ("components/card-b/card-b.json", r#"{"component": true}"#),
            ("components/card-b/card-b.wxml", r#"<text class="c">B:{{label}}</text>"#),
            ("components/card-b/card-b.js", "Component({ properties: { label: String } })"),
        ],
        |app| {
            app.wait_for("iso >>> .t", WAIT)?;
            app.wait_for("apply >>> .t", WAIT)?;
            let red = json!("rgb(255, 0, 0)");
            assert_eq!(style(app, "#page-t", "color")?, red, "the page's own rule");
            assert_ne!(style(app, "iso >>> .t", "color")?, red, "the page's class rule stays out of an isolated component");
            assert_eq!(style(app, "iso >>> .t", "font-size")?, json!("20px"), "its own rule applies inside");
            assert_eq!(style(app, "iso", "margin-top")?, json!("3px"), ":host is the component's element");
            assert_ne!(style(app, "#leak", "color")?, json!("rgb(0, 128, 0)"), "its class rule stays out of the page");
            assert_eq!(style(app, "iso >>> #tilde", "color")?, red, "~t is the page's class");
            assert_eq!(style(app, "apply >>> .t", "color")?, red, "addGlobalClass: the page's rule reaches in");
            assert_eq!(style(app, "apply >>> .t", "font-size")?, json!("21px"), "and its own applies");
            assert_eq!(style(app, "#sx", "color")?, json!("rgb(0, 0, 255)"), "shared: its rule applies page-wide");
            assert_eq!(style(app, "shared >>> .t", "color")?, red, "and the page's reach in");
            // Selector queries: in the component (its own class names), and across from the page.
            let page = "getCurrentPages()[0]";
            assert_eq!(app.eval(&format!("{page}.selectComponent('#iso').measure()"))?, json!(true));
            // (its template is there when `attached` runs, as in WeChat)
            app.wait_until(
                |app| Ok(app.eval("getCurrentPages()[0].selectComponent('#iso').foundInAttached")? == json!(true)),
                WAIT,
            )?;
            assert_eq!(
                app.eval(
                    "new Promise((resolve) => wx.createSelectorQuery().selectAll('iso >>> .t').boundingClientRect((r) => resolve(r.length)).exec())"
                )?,
                json!(1)
            );
            // Generics: the owner's choice, else the default.
            app.wait_until(|app| Ok(app.text("#given >>> item >>> .c")? == "A:one"), WAIT)?;
            app.wait_until(|app| Ok(app.text("#default >>> item >>> .c")? == "B:one"), WAIT)?;
            assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
            Ok(())
        },
    );
}

/// `relations`: items slotted into a box (parent and child) are linked both ways when they
/// are attached, in the page's order, and unlinked when they go.
fn relations_link_parents_and_children() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({ globalData: { log: [] } })"),
            (
                "pages/a/a.json",
                r#"{"usingComponents": {"list-box": "/components/list-box/list-box", "list-item": "/components/list-item/list-item", "list-note": "/components/list-note/list-note"}}"#,
            ),
            (
                "pages/a/a.wxml",
                r#"<list-box id="box"><list-item name="a"/><list-item wx:if="{{two}}" name="b"/><view><list-note name="n"/></view></list-box>"#,
            ),
            ("pages/a/a.js", "Page({ data: { two: true } })"),
            ("components/list-box/list-box.json", r#"{"component": true}"#),
            ("components/list-box/list-box.wxml", "<view class=\"box\"><slot></slot></view>"),
            (
                "components/list-box/list-box.js",
                "Component({ relations: { '../list-item/list-item': { type: 'child',\n\
                   linked(item) { getApp().globalData.log.push('box+' + item.data.name) },\n\
                   unlinked(item) { getApp().globalData.log.push('box-' + item.data.name) } },\n\
                   notes: { type: 'descendant', target: require('../../behaviors/note.js'),\n\
                   linked(note) { getApp().globalData.log.push('note+' + note.data.name + ':' + note.hasBehavior(require('../../behaviors/note.js'))) } } },\n\
                 methods: { names() { return this.getRelationNodes('../list-item/list-item').map(i => i.data.name) } } })",
            ),
            ("behaviors/note.js", "module.exports = Behavior({ properties: { name: String } })"),
            ("components/list-note/list-note.json", r#"{"component": true}"#),
            ("components/list-note/list-note.wxml", "<text>{{name}}</text>"),
            (
                "components/list-note/list-note.js",
                "Component({ behaviors: [require('../../behaviors/note.js')],\n\
                 relations: { box: { type: 'ancestor', target: '../list-box/list-box' } } })",
            ),
            ("components/list-item/list-item.json", r#"{"component": true}"#),
            ("components/list-item/list-item.wxml", "<view class=\"item\">{{name}}</view>"),
            (
                "components/list-item/list-item.js",
                "Component({ properties: { name: String },\n\
                 relations: { '../list-box/list-box': { type: 'parent', linked(box) { getApp().globalData.log.push(this.data.name + '>box') } } },\n\
                 methods: { box() { return this.getRelationNodes('../list-box/list-box')[0] } } })",
            ),
        ],
        |app| {
            app.wait_until(|app| Ok(app.count("list-item >>> .item")? == 2), WAIT)
                .map_err(|_| format!("{:?} {:?}", app.exceptions(), app.console()))?;
            app.wait_until(|app| Ok(app.eval("getApp().globalData.log.length")? == json!(5)), WAIT)
                .map_err(|_| format!("the log is {:?}", app.eval("getApp().globalData.log")))?;
            // (a relation by `target` links any component with that behavior)
            assert_eq!(app.eval("getApp().globalData.log")?, json!(["box+a", "a>box", "box+b", "b>box", "note+n:true"]));
            let page = "getCurrentPages()[0]";
            assert_eq!(app.eval(&format!("{page}.selectComponent('#box').names()"))?, json!(["a", "b"]));
            app.set_data(json!({"two": false}))?;
            app.wait_until(|app| Ok(app.eval("getApp().globalData.log.length")? == json!(6)), WAIT)
                .map_err(|_| format!("the log is {:?}", app.eval("getApp().globalData.log")))?;
            assert_eq!(app.eval("getApp().globalData.log[5]")?, json!("box-b"));
            assert_eq!(app.eval(&format!("{page}.selectComponent('#box').names()"))?, json!(["a"]));
            Ok(())
        },
    );
}

/// Vant Weapp (the most used component library), installed with npm as a mini program
/// team installs it, renders from `miniprogram_npm` unchanged: a button's click, a
/// checkbox group (relations, the form-field behavior) and its change.
fn vant_components_render_from_miniprogram_npm() {
    let tmp = tempfile::tempdir().unwrap();
    let vant = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/@vant/weapp");
    copy_dir(&vant, &tmp.path().join("node_modules/@vant/weapp"));
    write_files(
        tmp.path(),
        &[
            ("package.json", r#"{"dependencies": {"@vant/weapp": "1.11.7"}}"#),
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.json",
                r#"{"usingComponents": {"van-button": "@vant/weapp/button/index", "van-checkbox": "@vant/weapp/checkbox/index",
                    "van-checkbox-group": "@vant/weapp/checkbox-group/index"}}"#,
            ),
            (
                "pages/a/a.wxml",
                r#"<van-button type="primary" bind:click="tap">Taps {{n}}</van-button>
<van-checkbox-group value="{{boxes}}" bind:change="box"><van-checkbox name="a">A</van-checkbox><van-checkbox name="b" class="b">B</van-checkbox></van-checkbox-group>
<view class="log">{{n}} {{boxes}}</view>"#,
            ),
            (
                "pages/a/a.js",
                "Page({ data: { n: 0, boxes: ['a'] }, tap() { this.setData({ n: this.data.n + 1 }) }, box(e) { this.setData({ boxes: e.detail }) } })",
            ),
        ],
    );
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, |app| {
        app.wait_until(|app| Ok(app.count(".van-checkbox__icon--checked")? == 1), WAIT)?;
        app.tap(".van-button")?;
        app.wait_until(|app| Ok(app.text(".log")? == "1 a"), WAIT)?;
        app.tap(".b .van-checkbox__icon-wrap")?;
        app.wait_until(|app| Ok(app.text(".log")? == "1 a,b"), WAIT)?;
        app.wait_until(|app| Ok(app.count(".van-checkbox__icon--checked")? == 2), WAIT)?;
        assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
        Ok(())
    })
    .unwrap();
}

/// TDesign (Tencent's component library), installed with npm as a mini program team
/// installs it, renders from `miniprogram_npm` unchanged: a button's tap, a switch's
/// change, a cell with its note, and its externalClasses (`t-class`).
fn tdesign_components_render_from_miniprogram_npm() {
    let tmp = tempfile::tempdir().unwrap();
    let tdesign = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/tdesign-miniprogram");
    copy_dir(&tdesign, &tmp.path().join("node_modules/tdesign-miniprogram"));
    write_files(
        tmp.path(),
        &[
            ("package.json", r#"{"dependencies": {"tdesign-miniprogram": "1.16.0"}}"#),
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.json",
                r#"{"usingComponents": {"t-button": "tdesign-miniprogram/button/button", "t-switch": "tdesign-miniprogram/switch/switch",
                    "t-cell": "tdesign-miniprogram/cell/cell"}}"#,
            ),
            (
                "pages/a/a.wxml",
                r#"<t-button theme="primary" t-class="big" bind:tap="tap">Taps {{n}}</t-button>
<t-switch value="{{on}}" bind:change="flip"/>
<t-cell title="Volume" note="80%"/>
<view class="log">{{n}} {{on}}</view>"#,
            ),
            ("pages/a/a.wxss", ".big.big { outline-style: dashed; }"),
            (
                "pages/a/a.js",
                "Page({ data: { n: 0, on: false }, tap() { this.setData({ n: this.data.n + 1 }) }, flip(e) { this.setData({ on: e.detail.value }) } })",
            ),
        ],
    );
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, |app| {
        app.wait_until(|app| Ok(app.count("t-button .t-button--primary")? == 1), WAIT)?;
        // (an external class and the component's own are of equal weight in WeChat: the
        // page makes its rule weightier)
        assert_eq!(style(app, "t-button .big", "outline-style")?, json!("dashed"), "t-class: the page's class");
        app.tap("t-button .t-button")?;
        app.wait_until(|app| Ok(app.text(".log")? == "1 false"), WAIT)?;
        app.tap("t-switch .t-switch__body")?;
        app.wait_until(|app| Ok(app.text(".log")? == "1 true"), WAIT)?;
        app.wait_until(|app| Ok(app.count("t-switch .t-switch__body--checked")? == 1), WAIT)?;
        assert_eq!(app.text("t-cell .t-cell__title-text")?, "Volume");
        assert_eq!(app.text("t-cell .t-cell__note")?.trim(), "80%");
        assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
        Ok(())
    })
    .unwrap();
}

/// text's `decode`, `space` and `selectable`; page-meta's page style; the audio
/// component; and a resize of the window reaching the page's components
/// (`pageLifetimes.resize`) with the new size.
fn text_page_meta_audio_and_resize_lifetimes() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            ("pages/a/a.json", r#"{"usingComponents": {"sizer": "/components/sizer/sizer"}}"#),
            (
                "pages/a/a.wxml",
                r#"<page-meta page-style="color: rgb(1, 2, 3)"/><text class="t1" decode>a&lt;b&amp;c&nbsp;d</text>
<text class="t2" space="nbsp">a  b</text><text class="t3" selectable>sel</text><text class="t4">plain</text>
<audio class="au" src="/s.wav" name="Song" author="Ann" controls/><sizer/>"#,
            ),
            ("pages/a/a.js", "Page({})"),
            ("components/sizer/sizer.json", r#"{"component": true}"#),
            ("components/sizer/sizer.wxml", r#"<view class="size">{{width}}</view>"#),
            (
                "components/sizer/sizer.js",
                "Component({ data: { width: 0 }, pageLifetimes: { resize(r) { this.setData({ width: r.size.windowWidth }) } } })",
            ),
        ],
    );
    std::fs::write(tmp.path().join("s.wav"), support::silent_wav(0.5)).unwrap();
    let builder = support::with_chrome_controls(Shell::builder());
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(builder, package, |app| {
        app.wait_for(".t1", WAIT)?;
        assert_eq!(app.text(".t1")?, "a<b&c\u{a0}d", "decode");
        assert_eq!(app.text(".t2")?, "a\u{a0}\u{a0}b", "space=nbsp keeps both spaces");
        assert_eq!(style(app, ".t3", "-webkit-user-select")?, json!("text"), "selectable");
        assert_eq!(
            style(app, ".t4", "-webkit-user-select")?,
            json!("none"),
            "text is not selectable by default, as in WeChat"
        );
        assert_eq!(style(app, ".t4", "color")?, json!("rgb(1, 2, 3)"), "page-meta's page-style");
        assert_eq!(app.text(".au")?.trim(), "Song · Ann");
        let page = app.current_page()?.id;
        let audio = app.send("Page.getElement", json!({"pageId": page, "selector": ".au"}))?;
        // (the package file plays from a blob URL, once read)
        app.wait_until(
            move |app| {
                let html = app.send(
                    "Element.getDOMProperties",
                    json!({"pageId": page, "elementId": audio["elementId"], "names": ["innerHTML"]}),
                )?;
                Ok(html["properties"][0].as_str().unwrap_or_default().contains("<audio controls=\"\" src=\"blob:"))
            },
            WAIT,
        )?;
        app.eval("wx.invokeNativePlugin({ api_name: '__press', data: 'resize:430x700' })")?;
        app.wait_until(|app| Ok(app.text("sizer >>> .size")? == "430"), WAIT)?;
        assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
        Ok(())
    })
    .unwrap();
}

/// `triggerEvent` as WeChat scopes it: without `bubbles` only the host hears it; with
/// `bubbles` it goes up the owner's template and stops at its boundary; with `composed`
/// as well it goes on into the page's.
fn trigger_event_bubbles_within_its_owner_unless_composed() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({ globalData: { heard: [] } })"),
            ("pages/a/a.json", r#"{"usingComponents": {"outer": "/components/outer/outer"}}"#),
            ("pages/a/a.wxml", r#"<view bind:ping="pagePing"><outer id="o"/></view>"#),
            ("pages/a/a.js", "Page({ pagePing(e) { getApp().globalData.heard.push('page:' + e.detail.how) } })"),
            ("components/outer/outer.json", r#"{"component": true, "usingComponents": {"inner": "../inner/inner"}}"#),
            (
                "components/outer/outer.wxml",
                r#"<view bind:ping="outerPing"><inner id="i" bind:ping="hostPing"/></view>"#,
            ),
            (
                "components/outer/outer.js",
                "Component({ methods: {\n\
                   outerPing(e) { getApp().globalData.heard.push('outer:' + e.detail.how) },\n\
                   hostPing(e) { getApp().globalData.heard.push('host:' + e.detail.how) },\n\
                   send(how, options) { this.selectComponent('#i').triggerEvent('ping', { how: how }, options) } } })",
            ),
            ("components/inner/inner.json", r#"{"component": true}"#),
            ("components/inner/inner.wxml", "<text>inner</text>"),
            ("components/inner/inner.js", "Component({})"),
        ],
        |app| {
            app.wait_for("outer >>> inner", WAIT)?;
            let heard = |app: &testing::App| app.eval("getApp().globalData.heard.join(' ')");
            let send = |how: &str, options: &str| {
                app.eval(&format!("getCurrentPages()[0].selectComponent('#o').send('{how}', {options})"))
            };
            send("plain", "{}")?;
            app.wait_until(|app| Ok(heard(app)? == json!("host:plain")), WAIT)?;
            send("bubbles", "{ bubbles: true }")?;
            app.wait_until(|app| Ok(heard(app)? == json!("host:plain host:bubbles outer:bubbles")), WAIT)?;
            send("composed", "{ bubbles: true, composed: true }")?;
            app.wait_until(
                |app| {
                    Ok(heard(app)?
                        == json!("host:plain host:bubbles outer:bubbles host:composed outer:composed page:composed"))
                },
                WAIT,
            )
            .map_err(|_| format!("heard {:?}", heard(app)))?;
            Ok(())
        },
    );
}

/// The picker's modes, chosen as a person chooses (the automator's `input` on a picker):
/// a row, the rows of several columns (each column's `columnchange`, then `change`), a
/// date and a time, each with WeChat's `detail`.
fn pickers_answer_in_each_mode() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "pages/a/a.wxml",
                r#"<picker class="one" range="{{kinds}}" range-key="name" value="0" bindchange="log">{{kinds[0].name}}</picker>
<picker class="two" mode="multiSelector" range="{{[['a', 'b'], ['x', 'y', 'z']]}}" value="{{[0, 0]}}" bindchange="log" bindcolumnchange="column">two</picker>
<picker class="date" mode="date" value="2026-01-02" start="2026-01-01" end="2026-12-31" bindchange="log">date</picker>
<picker class="time" mode="time" value="09:00" bindchange="log">time</picker>
<view class="log">{{out}}</view>"#,
            ),
            (
                "pages/a/a.js",
                "Page({ data: { out: '', kinds: [{ name: 'tea' }, { name: 'coffee' }] },\n\
                 log(e) { this.setData({ out: this.data.out + JSON.stringify(e.detail.value) + ';' }) },\n\
                 column(e) { this.setData({ out: this.data.out + 'col' + e.detail.column + '=' + e.detail.value + ';' }) } })",
            ),
        ],
        |app| {
            app.wait_for(".log", WAIT)?;
            assert!(app.text(".one")?.trim_start().starts_with("tea"), "its content shows");
            let log_is = |want: &str| {
                let wanted = want.to_string();
                app.wait_until(move |app| Ok(app.text(".log")? == wanted), WAIT)
                    .map_err(|_| format!("the log is {:?}, not {want:?}", app.text(".log")))
            };
            app.input(".one", "1")?;
            log_is("1;")?;
            app.input(".two", "[1, 2]")?;
            log_is("1;col0=1;[1,0];col1=2;[1,2];")?;
            app.input(".date", "2026-05-06")?;
            log_is("1;col0=1;[1,0];col1=2;[1,2];\"2026-05-06\";")?;
            app.input(".time", "18:30")?;
            log_is("1;col0=1;[1,0];col1=2;[1,2];\"2026-05-06\";\"18:30\";")?;
            Ok(())
        },
    );
}

/// WXS response: event handlers and `change:prop` observers written in a WXS module run
/// in the render layer with WeChat's ComponentDescriptor (`setStyle`, `addClass`,
/// `getState`, `getDataset`, `callMethod` into the owner's JS), on a page and in a
/// component; a handler returning false stops the event.
fn wxs_handlers_run_in_the_render_layer() {
    const WXS: &str = "module.exports = {\n\
        down: function (e, owner) { var s = e.instance.getState(); s.n = (s.n || 0) + 1;\n\
          e.instance.setStyle({ 'background-color': 'rgb(1, 2, 3)' }); e.instance.addClass('hit');\n\
          owner.callMethod('heard', { n: s.n, k: e.instance.getDataset().k }); return false; },\n\
        changed: function (now, was, owner, ins) { ins.setStyle({ width: now + 'px' });\n\
          owner.callMethod('changed', { now: now, was: was === undefined ? null : was }); }\n\
      };";
    let page_wxml = format!(
        r#"<wxs module="h">{WXS}</wxs><view class="box" bindtap="outer"><view class="inner" data-k="K" bindtap="{{{{h.down}}}}" change:w="{{{{h.changed}}}}" w="{{{{w}}}}">x</view></view><flip/><view class="log">{{{{log}}}}</view>"#
    );
    let comp_wxml = format!(
        r#"<wxs module="h">{WXS}</wxs><view class="c-inner" data-k="C" bindtap="{{{{h.down}}}}" change:w="{{{{h.changed}}}}" w="{{{{3}}}}">c</view>"#
    );
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            ("pages/a/a.json", r#"{"usingComponents": {"flip": "/components/flip/flip"}}"#),
            ("pages/a/a.wxml", &page_wxml),
            (
                "pages/a/a.js",
                "Page({ data: { log: '', w: 10 }, add(s) { this.setData({ log: this.data.log + s + ';' }) },\n\
                 heard(a) { this.add('page heard ' + a.n + a.k) }, changed(a) { this.add('page w ' + a.was + '>' + a.now) },\n\
                 outer() { this.add('outer') } })",
            ),
            ("components/flip/flip.json", r#"{"component": true}"#),
            ("components/flip/flip.wxml", &comp_wxml),
            (
                "components/flip/flip.js",
                "Component({ methods: { heard(a) { getCurrentPages()[0].add('comp heard ' + a.n + a.k) },\n\
                 changed(a) { getCurrentPages()[0].add('comp w ' + a.was + '>' + a.now) } } })",
            ),
        ],
    );
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, |app| {
        app.wait_for(".inner", WAIT)?;
        let log_has = |want: &'static str| {
            app.wait_until(move |app| Ok(app.text(".log")?.contains(want)), WAIT)
                .map_err(|_| format!("the log is {:?}, without {want:?}", app.text(".log")))
        };
        // change:w on the first render, on the page and in the component
        log_has("page w null>10;")?;
        log_has("comp w null>3;")?;
        assert_eq!(style(app, ".inner", "width")?, json!("10px"));
        app.set_data(json!({"w": 20}))?;
        log_has("page w 10>20;")?;
        assert_eq!(style(app, ".inner", "width")?, json!("20px"));
        // a tap: the WXS handler, its state kept between calls, false stops the bubbling
        app.tap(".inner")?;
        log_has("page heard 1K;")?;
        app.tap(".inner")?;
        log_has("page heard 2K;")?;
        assert!(!app.text(".log")?.contains("outer"), "returning false stopped the event");
        assert_eq!(style(app, ".inner", "background-color")?, json!("rgb(1, 2, 3)"));
        assert_eq!(app.count(".inner.hit")?, 1, "addClass");
        // in a component: callMethod reaches the component's method; its class is its own
        app.tap("flip >>> .c-inner")?;
        log_has("comp heard 1C;")?;
        assert_eq!(app.count("flip >>> .c-inner.hit")?, 1, "{:?}", app.attribute("flip >>> .c-inner", "class"));
        assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
        Ok(())
    })
    .unwrap();
}

/// `Page({behaviors})`, as WeChat's Page takes them (WeChat's demo builds 38 pages so): a
/// behavior's data and methods are the page's, its hooks run before the page's own. A
/// function given to setData stays in the page's data and reaches a component's Function
/// property (WeUI's searchbar takes its `search` so).
fn a_page_takes_behaviors() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "behaviors/theme.js",
                "module.exports = Behavior({ data: { theme: 'light', seen: '' },\n\
                 onLoad() { this.setData({ seen: this.data.seen + 'behavior;' }) },\n\
                 methods: { themeChanged(t) { this.setData({ theme: t }) }, shout() { return 'behavior' } } })",
            ),
            ("pages/a/a.json", r#"{"usingComponents": {"asker": "/components/asker/asker"}}"#),
            ("pages/a/a.wxml", "<view class=\"out\">{{theme}} {{seen}}</view><asker ask=\"{{ask}}\"/>"),
            ("components/asker/asker.json", r#"{"component": true}"#),
            ("components/asker/asker.wxml", "<view class=\"answer\">{{answer}}</view>"),
            (
                "components/asker/asker.js",
                "Component({ properties: { ask: { type: Function } }, data: { answer: '' },\n\
                 observers: { ask(fn) { if (typeof fn === 'function') this.setData({ answer: fn('q') }) } } })",
            ),
            (
                "pages/a/a.js",
                "Page({ behaviors: [require('../../behaviors/theme.js')], data: { seen: 'start;' },\n\
                 onLoad() { this.themeChanged('dark'); this.setData({ seen: this.data.seen + 'page;', ask: (q) => q + '!' }) },\n\
                 shout() { return 'page' } })",
            ),
        ],
        |app| {
            app.wait_until(|app| Ok(app.text(".out")? == "dark start;behavior;page;"), WAIT)
                .map_err(|_| format!("shows {:?}", app.text(".out")))?;
            assert_eq!(app.eval("getCurrentPages()[0].shout()")?, json!("page"), "the page's own method wins");
            // a function in setData stays the page's, and reaches a Function property
            assert_eq!(app.eval("typeof getCurrentPages()[0].data.ask")?, json!("function"));
            app.wait_until(|app| Ok(app.text("asker >>> .answer")? == "q!"), WAIT)?;
            Ok(())
        },
    );
}

/// Writes `files` into a fresh folder and runs the real shell on it (headless) with
/// `test`; the folder stays until the returned guard is dropped.
fn run_package<F>(files: &[(&str, &str)], test: F) -> tempfile::TempDir
where
    F: FnOnce(&testing::App) -> Result<(), testing::Failed> + Send + 'static,
{
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), files);
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, test).unwrap();
    tmp
}

fn main() -> ExitCode {
    support::harness::main(&[
        ("wcc_output_renders_a_virtual_tree_in_a_real_page", wcc_output_renders_a_virtual_tree_in_a_real_page),
        ("the_renderer_patches_in_place_and_orders_events", the_renderer_patches_in_place_and_orders_events),
        (
            "the_logic_runtime_shares_app_and_modules_and_sets_data_by_path",
            the_logic_runtime_shares_app_and_modules_and_sets_data_by_path,
        ),
        ("a_wxml_mini_program_runs_on_two_layers", a_wxml_mini_program_runs_on_two_layers),
        ("templates_components_and_rpx_work", templates_components_and_rpx_work),
        ("scrolling_calls_on_page_scroll_and_on_reach_bottom", scrolling_calls_on_page_scroll_and_on_reach_bottom),
        ("pull_down_refresh_runs_on_pull_down_refresh", pull_down_refresh_runs_on_pull_down_refresh),
        ("the_next_page_opens_in_a_preloaded_webview", the_next_page_opens_in_a_preloaded_webview),
        ("a_page_opened_into_a_loading_spare_waits_for_it", a_page_opened_into_a_loading_spare_waits_for_it),
        ("closed_pages_release_their_webviews", closed_pages_release_their_webviews),
        ("the_layers_share_one_web_process", the_layers_share_one_web_process),
        ("the_wxml_sample_runs", the_wxml_sample_runs),
        ("timers_run_at_full_speed_in_hidden_webviews", timers_run_at_full_speed_in_hidden_webviews),
        ("source_errors_name_file_line_and_column", source_errors_name_file_line_and_column),
        ("one_bad_module_stops_only_the_pages_that_need_it", one_bad_module_stops_only_the_pages_that_need_it),
        ("global_and_require_async_work_as_in_wechat", global_and_require_async_work_as_in_wechat),
        ("a_page_built_with_component_and_behavior_runs", a_page_built_with_component_and_behavior_runs),
        ("component_styles_are_isolated_as_in_wechat", component_styles_are_isolated_as_in_wechat),
        ("tdesign_components_render_from_miniprogram_npm", tdesign_components_render_from_miniprogram_npm),
        ("text_page_meta_audio_and_resize_lifetimes", text_page_meta_audio_and_resize_lifetimes),
        ("pickers_answer_in_each_mode", pickers_answer_in_each_mode),
        ("wxs_handlers_run_in_the_render_layer", wxs_handlers_run_in_the_render_layer),
        ("a_page_takes_behaviors", a_page_takes_behaviors),
        (
            "trigger_event_bubbles_within_its_owner_unless_composed",
            trigger_event_bubbles_within_its_owner_unless_composed,
        ),
        (
            "movable_views_picker_views_refreshers_and_cover_views_work",
            movable_views_picker_views_refreshers_and_cover_views_work,
        ),
        ("npm_packages_build_and_resolve_as_in_devtools", npm_packages_build_and_resolve_as_in_devtools),
        ("the_compile_cache_recompiles_only_what_changed", the_compile_cache_recompiles_only_what_changed),
        ("weui_components_come_with_use_extended_lib", weui_components_come_with_use_extended_lib),
        ("animate_plays_keyframes_and_calls_back", animate_plays_keyframes_and_calls_back),
        ("video_plays_with_its_context_and_events", video_plays_with_its_context_and_events),
        ("external_classes_come_from_the_owner", external_classes_come_from_the_owner),
        ("relations_link_parents_and_children", relations_link_parents_and_children),
        ("vant_components_render_from_miniprogram_npm", vant_components_render_from_miniprogram_npm),
        ("images_say_load_and_error_and_inputs_keep_typed_text", images_say_load_and_error_and_inputs_keep_typed_text),
        (
            "built_in_controls_fire_their_events_with_their_detail",
            built_in_controls_fire_their_events_with_their_detail,
        ),
        (
            "custom_components_render_with_properties_slots_and_events",
            custom_components_render_with_properties_slots_and_events,
        ),
        (
            "typescript_es_modules_and_less_compile_as_in_devtools",
            typescript_es_modules_and_less_compile_as_in_devtools,
        ),
        (
            "relative_image_paths_resolve_from_the_page_on_every_page",
            relative_image_paths_resolve_from_the_page_on_every_page,
        ),
    ])
}
