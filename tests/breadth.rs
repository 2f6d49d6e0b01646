//! Real-world breadth: what everyday mini programs rely on, each on the real shell,
//! headless: values that keep their functions across the two layers, the everyday `wx`
//! APIs, components attached before `onLoad`, a custom tab bar, `definitionFilter`, SCSS,
//! `wx.cloud`, `wx.worklet` and requests to hosts that cannot be reached.

mod support;

use std::process::ExitCode;

use serde_json::json;
use superapp_shell::testing::{self, WAIT};
use superapp_shell::Shell;
use support::{copy_dir, style, write_files};

/// Writes `files` into a fresh folder and runs the real shell on it with `test`.
fn run_package<F>(files: &[(&str, &str)], test: F)
where
    F: FnOnce(&testing::App) -> Result<(), testing::Failed> + Send + 'static,
{
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), files);
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, test).unwrap();
}

/// A value holding a function (a chart's `ec.onInit`), an object of a class and an event's
/// `detail.callback` reach the other side as they are, as in WeChat where both live in the
/// logic layer; `groupSetData` runs its updates.
fn values_keep_their_functions_between_a_page_and_its_components() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            ("pages/a/a.json", r#"{"usingComponents": {"chart": "/components/chart/chart"}}"#),
            (
                "pages/a/a.wxml",
                r#"<chart ec="{{ec}}" store="{{store}}" bind:ask="onAsk"/><view class="plain">{{store.label}}</view>"#,
            ),
            (
                "pages/a/a.js",
                "class Store { constructor() { this.label = 'shop' } name() { return 'store:' + this.label } }\n\
                 Page({ data: { ec: { onInit: (canvas) => 'drawn on ' + canvas, lazy: false } },\n\
                 onLoad() { this.setData({ store: new Store() }) },\n\
                 onAsk(e) { e.detail.callback('called back') } })",
            ),
            ("components/chart/chart.json", r#"{"component": true}"#),
            (
                "components/chart/chart.wxml",
                r#"<view class="drawn">{{drawn}}</view><view class="store">{{named}}</view><view class="grouped">{{grouped}}</view><view class="answer">{{answer}}</view>"#,
            ),
            (
                "components/chart/chart.js",
                "Component({ properties: { ec: Object, store: Object }, data: { drawn: '', named: '', grouped: '', answer: '' },\n\
                 observers: { store(s) { if (s && typeof s.name === 'function') this.setData({ named: s.name() }) } },\n\
                 lifetimes: { attached() {\n\
                   var ec = this.data.ec;\n\
                   this.setData({ drawn: typeof ec.onInit === 'function' ? ec.onInit('canvas') + (ec.lazy ? ' lazily' : '') : 'no onInit' });\n\
                   this.groupSetData(() => { this.setData({ grouped: 'grouped' }) });\n\
                 },\n\
                 ready() { this.triggerEvent('ask', { callback: (v) => this.setData({ answer: v }) }) } } })",
            ),
        ],
        |app| {
            app.wait_until(|app| Ok(app.text("chart >>> .drawn")? == "drawn on canvas"), WAIT)
                .map_err(|_| format!("drew {:?}", app.text("chart >>> .drawn")))?;
            app.wait_until(|app| Ok(app.text("chart >>> .store")? == "store:shop"), WAIT)
                .map_err(|_| format!("store {:?}", app.text("chart >>> .store")))?;
            assert_eq!(app.text(".plain")?, "shop", "a class's object keeps its fields for the template");
            assert_eq!(app.text("chart >>> .grouped")?, "grouped");
            app.wait_until(|app| Ok(app.text("chart >>> .answer")? == "called back"), WAIT)
                .map_err(|_| format!("answer {:?}", app.text("chart >>> .answer")))?;
            // The page's own data keeps them too.
            assert_eq!(
                app.eval("(function (p) { return [typeof p.data.ec.onInit, p.data.store.name()]; })(getCurrentPages()[0])")?,
                json!(["function", "store:shop"])
            );
            Ok(())
        },
    );
}

/// A behavior's `definitionFilter` rewrites the definitions that list it, nested ones
/// through `definitionFilterArr`; the real `miniprogram-computed` (npm, built as DevTools
/// builds it) gives a component its `computed` and `watch`.
fn behaviors_rewrite_definitions_with_definition_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let modules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules");
    for package in ["miniprogram-computed", "rfdc", "fast-deep-equal"] {
        copy_dir(&modules.join(package), &tmp.path().join("node_modules").join(package));
    }
    write_files(
        tmp.path(),
        &[
            ("package.json", r#"{"dependencies": {"miniprogram-computed": "7.1.0"}}"#),
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "behaviors/shout.js",
                "var inner = Behavior({ definitionFilter(def) { def.methods = def.methods || {}; def.methods.whisper = function () { return 'psst' } } });
                 module.exports = Behavior({ behaviors: [inner], definitionFilter(def, arr) {
                   arr[0](def);
                   def.data = Object.assign({}, def.data, { loud: String(def.data.word).toUpperCase() });
                 } });",
            ),
            ("pages/a/a.json", r#"{"usingComponents": {"sum": "/components/sum/sum", "loud": "/components/loud/loud"}}"#),
            ("pages/a/a.wxml", r#"<sum id="s" a="{{1}}" b="{{n}}"/><loud/>"#),
            ("pages/a/a.js", "Page({ data: { n: 2 }, bump() { this.setData({ n: this.data.n + 10 }) } })"),
            ("components/sum/sum.json", r#"{"component": true}"#),
            ("components/sum/sum.wxml", r#"<view class="sum">{{total}} {{seen}}</view>"#),
            (
                "components/sum/sum.js",
                "const computedBehavior = require('miniprogram-computed').behavior;
                 Component({ behaviors: [computedBehavior], properties: { a: Number, b: Number }, data: { seen: 0 },
                 computed: { total(data) { return data.a + data.b } },
                 watch: { 'b': function () { this.setData({ seen: this.data.seen + 1 }) } } })",
            ),
            ("components/loud/loud.json", r#"{"component": true}"#),
            ("components/loud/loud.wxml", r#"<view class="loud">{{loud}} {{quiet}}</view>"#),
            (
                "components/loud/loud.js",
                "Component({ behaviors: [require('../../behaviors/shout.js')], data: { word: 'hey', quiet: '' },
                 lifetimes: { attached() { this.setData({ quiet: this.whisper() }) } } })",
            ),
        ],
    );
    let package = superapp_shell::Package::open(tmp.path()).unwrap();
    testing::run(Shell::builder(), package, |app| {
        app.wait_until(|app| Ok(app.text("loud >>> .loud")? == "HEY psst"), WAIT)
            .map_err(|_| format!("loud shows {:?}", app.text("loud >>> .loud")))?;
        app.wait_until(|app| Ok(app.text("sum >>> .sum")?.starts_with("3 ")), WAIT)
            .map_err(|_| format!("sum shows {:?} {:?}", app.text("sum >>> .sum"), app.exceptions()))?;
        let seen: u64 = app.text("sum >>> .sum")?.split(' ').nth(1).unwrap().parse().unwrap();
        app.call_method("bump", vec![])?;
        app.wait_until(|app| Ok(app.text("sum >>> .sum")? == format!("13 {}", seen + 1)), WAIT)
            .map_err(|_| format!("sum shows {:?}", app.text("sum >>> .sum")))?;
        assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
        Ok(())
    })
    .unwrap();
}

/// How a one-page mini program is written: as WXML, or as an HTML page.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Wxml,
    Html,
}

/// A one-page package of `kind`: WXML and WXSS, or the same as an HTML page with its style.
fn one_page(dir: &std::path::Path, kind: Kind, wxss: &str, wxml: &str, html: &str) {
    let app_json = r#"{"pages": ["pages/a/a"]}"#;
    match kind {
        Kind::Wxml => write_files(
            dir,
            &[("app.json", app_json), ("app.js", "App({})"), ("app.wxss", wxss), ("pages/a/a.wxml", wxml), ("pages/a/a.js", "Page({})")],
        ),
        Kind::Html => write_files(
            dir,
            &[
                ("app.json", app_json),
                (
                    "pages/a/a.html",
                    &format!("<!doctype html><html><head><meta charset=\"utf-8\"><style>{wxss}</style></head><body>{html}</body></html>"),
                ),
            ],
        ),
    }
}

/// A host that cannot be reached fails, and every later request to it fails at once
/// without trying (naming why); offline, every request no mock rule answers fails at once,
/// sockets too, and the mocked ones answer. On both page kinds.
fn unreachable_hosts_and_offline_fail_at_once() {
    for kind in [Kind::Wxml, Kind::Html] {
        let tmp = tempfile::tempdir().unwrap();
        one_page(tmp.path(), kind, "", "<view>a</view>", "<div>a</div>");
        let package = superapp_shell::Package::open(tmp.path()).unwrap();
        testing::run(Shell::builder(), package, move |app| {
            let answer = app.eval(
                r#"(async function () {
  var fail = function (o) { return new Promise(function (r) { o.fail = function (e) { r(e.errMsg); }; o.success = function () { r('answered'); }; wx.request(o); }); };
  var first = await fail({ url: 'http://no-such-host.invalid/items' });
  var second = await fail({ url: 'http://no-such-host.invalid/other' });
  return [first.indexOf('request:fail ') === 0 && first.indexOf('unreachable') < 0, second];
})()"#,
            )?;
            assert_eq!(answer[0], json!(true), "{kind:?}: {answer}");
            let second = answer[1].as_str().unwrap_or_default();
            assert!(
                second.starts_with("request:fail no-such-host.invalid:80 is unreachable (")
                    && second.ends_with("not tried again for 60s"),
                "{kind:?}: {second}"
            );
            Ok(())
        })
        .unwrap();
        let mut mocks = superapp_shell::core::mock::parse_mocks(
            r#"{"request GET https://shop.test/items": {"result": {"data": {"items": [1]}}}}"#,
        )
        .unwrap();
        let requests = superapp_shell::net::request::RequestMocks::take(&mut mocks).unwrap();
        let builder = Shell::builder().offline(true).request_mocks(requests);
        let package = superapp_shell::Package::open(tmp.path()).unwrap();
        testing::run(builder, package, move |app| {
            let answer = app.eval(
                r#"(async function () {
  var ask = function (url) { return new Promise(function (r) { wx.request({ url: url, success: r, fail: function (e) { r(e.errMsg); } }); }); };
  var mocked = await ask('https://shop.test/items');
  var other = await ask('http://127.0.0.1:9/x');
  var socket = await new Promise(function (r) { wx.connectSocket({ url: 'ws://127.0.0.1:9/' }).onError(function (e) { r(e.errMsg); }); });
  return [mocked.data, other, socket];
})()"#,
            )?;
            assert_eq!(
                answer,
                json!([{"items": [1]}, "request:fail offline: no mock rule answers http://127.0.0.1:9/x",
                    "offline: no mock rule answers ws://127.0.0.1:9/"]),
                "{kind:?}"
            );
            Ok(())
        })
        .unwrap();
    }
}

/// SCSS (DevTools' `sass` compiler plugin): variables, nesting, a mixin and an imported
/// partial, in app and page styles, with rpx kept for the screen.
fn scss_compiles_as_in_devtools() {
    run_package(
        &[
            ("project.config.json", r#"{"appid": "wxscss", "setting": {"useCompilerPlugins": ["sass"]}}"#),
            ("app.json", r#"{"pages": ["pages/a/a"]}"#),
            ("app.js", "App({})"),
            (
                "styles/_theme.scss",
                "$brand: rgb(7, 193, 96);\n@mixin boxed($w) { width: $w; border: 1px solid $brand; }\n",
            ),
            ("app.scss", "@import './styles/theme';\n.brand { color: $brand; }\n"),
            ("pages/a/a.wxml", r#"<view class="card"><text class="brand title">hi</text></view>"#),
            ("pages/a/a.js", "Page({})"),
            (
                "pages/a/a.scss",
                "@import '../../styles/theme';\n.card { @include boxed(375rpx); .title { font-size: 16px + 4px; } }\n",
            ),
        ],
        |app| {
            app.wait_for(".card .title", WAIT)?;
            assert_eq!(style(app, ".title", "color")?, json!("rgb(7, 193, 96)"), "app.scss, through a partial");
            assert_eq!(style(app, ".title", "font-size")?, json!("20px"), "nesting and arithmetic");
            let width = style(app, ".card", "width")?;
            let window = app.eval("window.innerWidth")?.as_f64().unwrap();
            let px: f64 = width.as_str().unwrap().trim_end_matches("px").parse().unwrap();
            assert!((px - window / 2.0).abs() < 1.0, "375rpx is half the window: {width} of {window}");
            Ok(())
        },
    );
}

/// A custom tab bar (`tabBar.custom` with `custom-tab-bar/index`): each tab page draws
/// its own instance, `getTabBar()` returns it on pages and components, a tap on it
/// switches tabs, and the shell draws no tab bar of its own.
fn a_custom_tab_bar_is_each_tab_pages_component() {
    let tab_page = |i: u32| {
        format!(
            "Page({{ onShow() {{ this.getTabBar().setData({{ selected: {i} }}) }},\n\
             fromComponent() {{ return this.selectComponent('#probe').tabBarIs() }} }})"
        )
    };
    let (home_js, two_js) = (tab_page(0), tab_page(1));
    let files: Vec<(&str, &str)> = vec![
        (
            "app.json",
            r#"{"pages": ["pages/home/home", "pages/two/two", "pages/plain/plain"], "usingComponents": {"probe": "/components/probe/probe"},
               "tabBar": {"custom": true, "list": [{"pagePath": "pages/home/home", "text": "Home"}, {"pagePath": "pages/two/two", "text": "Two"}]}}"#,
        ),
        ("app.js", "App({})"),
        ("custom-tab-bar/index.json", r#"{"component": true}"#),
        (
            "custom-tab-bar/index.wxml",
            r#"<view class="bar"><view wx:for="{{list}}" wx:key="path" class="item {{selected === index ? 'on' : ''}}" data-path="{{item.path}}" bindtap="go">{{item.text}}</view></view>"#,
        ),
        ("custom-tab-bar/index.wxss", ".bar { position: fixed; bottom: 0; left: 0; right: 0; height: 50px; display: flex; } .item { flex: 1; }"),
        (
            "custom-tab-bar/index.js",
            "Component({ data: { selected: -1, list: [{ path: '/pages/home/home', text: 'Home' }, { path: '/pages/two/two', text: 'Two' }] },\n\
             methods: { go(e) { wx.switchTab({ url: e.currentTarget.dataset.path }) } } })",
        ),
        ("components/probe/probe.json", r#"{"component": true}"#),
        ("components/probe/probe.wxml", "<view/>"),
        ("components/probe/probe.js", "Component({ methods: { tabBarIs() { return this.getTabBar() && this.getTabBar().is } } })"),
        ("pages/home/home.wxml", r#"<view class="title">home</view><probe id="probe"/>"#),
        ("pages/home/home.js", &home_js),
        ("pages/two/two.wxml", r#"<view class="title">two</view><probe id="probe"/>"#),
        ("pages/two/two.js", &two_js),
        ("pages/plain/plain.wxml", r#"<view class="title">plain</view>"#),
        ("pages/plain/plain.js", "Page({ bar() { return this.getTabBar() } })"),
    ];
    run_package(&files, |app| {
        const ON: &str = "custom-tab-bar >>> .item.on";
        app.wait_until(|app| Ok(app.count(ON)? == 1 && app.text(ON)? == "Home"), WAIT)
            .map_err(|_| format!("home's bar: {:?}", app.text(ON)))?;
        assert_eq!(app.call_method("fromComponent", vec![])?, json!("custom-tab-bar/index"));
        let chrome = app.chrome_state_within(WAIT)?;
        assert!(chrome["tabBar"].is_null(), "the shell draws no tab bar: {chrome}");
        app.tap("custom-tab-bar >>> .item:not(.on)")?;
        app.wait_until(|app| Ok(app.current_page()?.path == "pages/two/two"), WAIT)?;
        app.wait_until(|app| Ok(app.count(ON)? == 1 && app.text(ON)? == "Two"), WAIT)
            .map_err(|_| format!("two's bar: {:?}", app.text(ON)))?;
        app.navigate_to("/pages/plain/plain")?;
        assert_eq!(app.count("custom-tab-bar")?, 0, "not on a page that is no tab");
        assert_eq!(app.call_method("bar", vec![])?, serde_json::Value::Null);
        Ok(())
    });
}

/// A Skyline page on the WebView renderer (as WeChat falls back): `wx.worklet`'s shared
/// and derived values, timing and spring animations, runOnJS, and `applyAnimatedStyle`
/// drawing on the page's elements.
fn a_skyline_page_animates_with_worklets() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a"], "renderer": "skyline", "componentFramework": "glass-easel", "lazyCodeLoading": "requiredComponents"}"#),
            ("app.js", "App({})"),
            ("pages/a/a.json", r#"{"renderer": "skyline", "navigationStyle": "custom"}"#),
            ("pages/a/a.wxml", r#"<view class="box" bindtap="go">box</view><view class="done">{{done}}</view>"#),
            (
                "pages/a/a.js",
                "const { shared, derived, timing, spring, runOnJS, Easing } = wx.worklet;\n\
                 Page({ data: { done: '' },\n\
                 onLoad() {\n\
                   this.x = shared(0);\n\
                   this.half = derived(() => { 'worklet'; return this.x.value / 2 });\n\
                   this.applyAnimatedStyle('.box', () => { 'worklet'; return { transform: `translateX(${this.x.value}px)`, opacity: 1 - this.half.value / 100 } });\n\
                 },\n\
                 finished(how) { this.setData({ done: how + ' ' + this.half.value }) },\n\
                 go() { const finished = runOnJS(this.finished.bind(this)); this.x.value = timing(100, { duration: 200, easing: Easing.out(Easing.cubic) }, (ok) => { 'worklet'; finished(ok ? 'timed' : 'stopped') }) },\n\
                 springs() { const s = shared(0); return new Promise((r) => { s.value = spring(10, {}, () => r(Math.round(s.value))) }) } })",
            ),
        ],
        |app| {
            app.wait_for(".box", WAIT)?;
            app.tap(".box")?;
            app.wait_until(|app| Ok(app.text(".done")? == "timed 50"), WAIT)
                .map_err(|_| format!("done shows {:?}", app.text(".done")))?;
            assert_eq!(style(app, ".box", "transform")?, json!("matrix(1, 0, 0, 1, 100, 0)"));
            assert_eq!(style(app, ".box", "opacity")?, json!("0.5"));
            assert_eq!(app.call_method("springs", vec![])?, json!(10));
            Ok(())
        },
    );
}

/// An icon font and an image from a CDN that cannot be reached leave visible placeholders:
/// the icon a grey block (not a box glyph), on both page kinds; a WXML `<image>` a grey
/// picture with its `error`.
fn unreachable_icon_fonts_and_images_leave_placeholders() {
    const FONT: &str = "@font-face { font-family: 'iconfont'; src: url('https://no-such-cdn.invalid/iconfont.woff2') format('woff2'); }\n\
         .iconfont { font-family: 'iconfont' !important; font-size: 16px; color: rgb(255, 0, 0); }\n\
         .icon-home:before { content: '\\e600'; }\n";
    for kind in [Kind::Wxml, Kind::Html] {
        let tmp = tempfile::tempdir().unwrap();
        one_page(
            tmp.path(),
            kind,
            FONT,
            r#"<text class="iconfont icon-home"></text><text class="plain">text</text><image class="pic" src="https://no-such-cdn.invalid/a.png" binderror="failed"/><view class="why">{{why}}</view>"#,
            r#"<span class="iconfont icon-home"></span><span class="plain">text</span>"#,
        );
        if let Kind::Wxml = kind {
            write_files(
                tmp.path(),
                &[(
                    "pages/a/a.js",
                    "Page({ data: { why: '' }, failed(e) { this.setData({ why: e.detail.errMsg }) } })",
                )],
            );
        }
        let package = superapp_shell::Package::open(tmp.path()).unwrap();
        testing::run(Shell::builder(), package, move |app| {
            app.wait_until(|app| Ok(style(app, ".iconfont", "color")? == json!("rgba(0, 0, 0, 0)")), WAIT)
                .map_err(|_| format!("{kind:?}: the icon is {:?}", style(app, ".iconfont", "color")))?;
            assert_eq!(style(app, ".plain", "color")?, json!("rgb(0, 0, 0)"), "{kind:?}: other text is untouched");
            if let Kind::Wxml = kind {
                app.wait_until(|app| Ok(!app.text(".why")?.is_empty()), WAIT)?;
                assert_eq!(style(app, ".pic", "background-color")?, json!("rgb(237, 237, 237)"));
            }
            Ok(())
        })
        .unwrap();
    }
}

/// What component libraries' example apps do: `wx.createAnimation`'s export drawn through
/// the `animation` attribute (the builder itself kept in data, as iView's notice bar keeps
/// it), a component's module also opened as a page (ColorUI's), and a property given
/// its default calls no observer (Vant's sticky header).
fn library_patterns_work() {
    run_package(
        &[
            ("app.json", r#"{"pages": ["pages/a/a", "pages/part/part"]}"#),
            ("app.js", "App({ globalData: { observed: [] } })"),
            ("pages/a/a.json", r#"{"usingComponents": {"part": "/pages/part/part"}}"#),
            (
                "pages/a/a.wxml",
                r#"<view class="mover" animation="{{moves}}">move</view><part id="p" limit="{{null}}" label="given"/>"#,
            ),
            (
                "pages/a/a.js",
                "Page({ data: { moves: null },\n\
                 onReady() {\n\
                   const animation = wx.createAnimation({ duration: 50, timingFunction: 'linear' });\n\
                   this.setData({ animation });\n\
                   this.data.animation.option.transition.duration = 80;\n\
                   this.setData({ moves: this.data.animation.translateX(100).opacity(0.5).step().export() });\n\
                 } })",
            ),
            ("pages/part/part.json", r#"{"component": true}"#),
            ("pages/part/part.wxml", r#"<view class="label">{{label}}</view>"#),
            (
                "pages/part/part.js",
                "Component({ properties: { limit: { type: null, observer: 'changed' }, label: { type: String, value: 'none', observer: 'changed' } },\n\
                 methods: { changed(value) { getApp().globalData.observed.push(value) } } })",
            ),
        ],
        |app| {
            app.wait_until(|app| Ok(style(app, ".mover", "transform")? == json!("matrix(1, 0, 0, 1, 100, 0)")), WAIT)
                .map_err(|_| format!("the mover is at {:?}", style(app, ".mover", "transform")))?;
            app.wait_until(|app| Ok(style(app, ".mover", "opacity")? == json!("0.5")), WAIT)?;
            assert_eq!(app.eval("getApp().globalData.observed")?, json!(["given"]), "no observer for a default");
            app.navigate_to("/pages/part/part")?;
            app.wait_until(|app| Ok(app.text(".label")? == "none"), WAIT)?;
            assert!(app.exceptions().is_empty(), "{:?}", app.exceptions());
            Ok(())
        },
    );
}

fn main() -> ExitCode {
    support::harness::main(&[
        (
            "values_keep_their_functions_between_a_page_and_its_components",
            values_keep_their_functions_between_a_page_and_its_components,
        ),
        ("behaviors_rewrite_definitions_with_definition_filter", behaviors_rewrite_definitions_with_definition_filter),
        ("unreachable_hosts_and_offline_fail_at_once", unreachable_hosts_and_offline_fail_at_once),
        ("scss_compiles_as_in_devtools", scss_compiles_as_in_devtools),
        ("a_custom_tab_bar_is_each_tab_pages_component", a_custom_tab_bar_is_each_tab_pages_component),
        ("a_skyline_page_animates_with_worklets", a_skyline_page_animates_with_worklets),
        ("unreachable_icon_fonts_and_images_leave_placeholders", unreachable_icon_fonts_and_images_leave_placeholders),
        ("library_patterns_work", library_patterns_work),
    ])
}
