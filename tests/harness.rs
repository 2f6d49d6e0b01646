//! The Rust testing harness (`superapp_shell::testing`) as a host developer uses it: the
//! real shell, headless, with the host's handlers, driven from Rust through the same
//! automation commands as WeChat's automator.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;
use superapp_shell::testing::{self, Failed, Trial, WAIT};
use superapp_shell::{sample, MiniApiCall, Package, Shell, Target};

fn wxml_sample() -> Package {
    Package::embedded(&sample::SAMPLE_WXML, "sample-wxml").expect("the embedded WXML sample")
}

fn html_sample() -> Package {
    Package::embedded(&sample::SAMPLE_MINIAPP, "sample").expect("the embedded sample")
}

/// The sample's handlers, with storage in a fresh folder (kept alive by the caller).
fn sample_shell() -> (superapp_shell::ShellBuilder, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("a temporary data dir");
    (sample::register(Shell::builder()).data_dir(data.path().to_path_buf()), data)
}

/// Elements, taps, input, page data and routing on a WXML mini program.
fn drives_a_wxml_page() -> Result<(), Failed> {
    let (builder, _data) = sample_shell();
    testing::run(builder, wxml_sample(), |app| {
        app.wait_for(".fruit", WAIT)?;
        assert_eq!(app.count("view.fruit")?, 3);
        assert_eq!(app.text(".title")?, "Hello from WXML");
        assert_eq!(app.attribute(".fruit", "data-index")?, json!(0));
        app.tap(".fruit")?;
        app.wait_until(|app| Ok(app.data(Some("fruits[0].picked"))? == json!(true)), WAIT)?;
        assert_eq!(app.data(Some("taps"))?, json!(1));
        app.input("input", "Grace")?;
        app.wait_until(|app| Ok(app.text("#hello")? == "Hello, Grace"), WAIT)?;
        app.set_data(json!({"greeting": "From Rust"}))?;
        assert_eq!(app.text(".title")?, "From Rust");
        let page = app.navigate_to("/pages/detail/detail?from=rust")?;
        assert_eq!((page.path.as_str(), page.query.clone()), ("pages/detail/detail", json!({"from": "rust"})));
        app.wait_until(|app| Ok(app.text("#info")?.starts_with("Opened from rust")), WAIT)?;
        assert_eq!(app.page_stack()?.len(), 2);
        assert_eq!(app.navigate_back()?.path, "pages/index/index");
        Ok(())
    })
}

/// eval awaits Promises and turns a throw into an Err; console and exception streams;
/// the log of bridge calls; host events; a screenshot.
fn evaluates_and_observes() -> Result<(), Failed> {
    let (builder, _data) = sample_shell();
    testing::run(builder, wxml_sample(), |app| {
        assert_eq!(app.eval("6 * 7")?, json!(42));
        assert_eq!(
            app.eval("new Promise(function (r) { setTimeout(function () { r('later'); }, 10); })")?,
            json!("later")
        );
        let err = app.eval("(function () { throw new Error('on purpose'); })()").unwrap_err();
        assert!(err.message().unwrap_or_default().contains("on purpose"), "{err:?}");
        app.eval("console.warn('careful', 1)")?;
        app.wait_until(
            |app| Ok(app.console().iter().any(|e| e["type"] == "warn" && e["args"] == json!(["careful", 1]))),
            WAIT,
        )?;
        app.eval("setTimeout(function () { throw new Error('escaped'); }, 0)")?;
        app.wait_until(
            |app| Ok(app.exceptions().iter().any(|e| e["message"].as_str().unwrap_or("").contains("escaped"))),
            WAIT,
        )?;
        app.eval("wx.invokeNativePlugin({ api_name: 'myApiName', data: { n: 1 } })")?;
        let calls = app.calls();
        let call = calls.iter().find(|c| c.api_name == "myApiName").expect("the call is logged");
        assert!(call.ok);
        assert_eq!(call.data, json!({"n": 1}));
        app.eval("wx.onNativePluginEvent('ping', function (d) { getApp().globalData.pinged = d; })")?;
        app.emit(Target::All, "ping", json!({"n": 2}))?;
        app.wait_until(|app| Ok(app.eval("getApp().globalData.pinged")? == json!({"n": 2})), WAIT)?;
        let png = app.screenshot()?;
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        Ok(())
    })
}

/// mock_api answers a registered API with a Rust closure, then restore_api puts the
/// handler back; a modal is answered from the test.
fn mocks_apis_and_answers_modals() -> Result<(), Failed> {
    let (builder, _data) = sample_shell();
    testing::run(builder, wxml_sample(), |app| {
        app.wait_for("#native", WAIT)?;
        app.mock_api("myApiName", |call: MiniApiCall| async move {
            Ok(json!({"method": format!("mocked for page {}", call.web_view_id)}))
        });
        app.tap("#native")?;
        app.wait_until(|app| Ok(app.data(Some("nativeResult"))? == "mocked for page 1: invokeNativePlugin:ok"), WAIT)?;
        app.restore_api("myApiName");
        app.tap("#native")?;
        app.wait_until(|app| Ok(app.data(Some("nativeResult"))? == "myApiHandler: invokeNativePlugin:ok"), WAIT)?;
        // A built-in can be mocked too.
        app.mock_api("getStorage", |_call: MiniApiCall| async move { Ok(json!({"data": "7", "dataType": "Number"})) });
        assert_eq!(app.call_wx("getStorageSync", vec![json!("anything")])?, json!(7));
        app.restore_api("getStorage");
        let asked = std::thread::scope(|scope| {
            let modal = scope.spawn(|| app.call_wx("showModal", vec![json!({"title": "Sure?"})]));
            app.wait_until(|app| Ok(app.answer_modal(true).is_ok()), WAIT)?;
            modal.join().expect("the modal call")
        })?;
        assert_eq!(asked["confirm"], json!(true));
        Ok(())
    })
}

/// HTML pages: elements by HTML names, a tap, and Page data with a render method.
fn drives_an_html_page() -> Result<(), Failed> {
    let (builder, _data) = sample_shell();
    testing::run(builder, html_sample(), |app| {
        app.wait_for("#run-all", WAIT)?;
        assert_eq!(app.switch_tab("/pages/runtime/runtime")?.path, "pages/runtime/runtime");
        app.wait_for("#like", WAIT)?;
        app.tap("#like")?;
        app.wait_until(|app| Ok(app.data(Some("likes"))? == json!(1)), WAIT)?;
        assert_eq!(app.call_method("like", vec![])?, json!(2));
        assert_eq!(app.text("#likes")?, "2 like(s)");
        Ok(())
    })
}

/// A failing test body fails the run with its message, and the shell still ends.
fn a_failing_body_fails_the_run() -> Result<(), Failed> {
    let (builder, _data) = sample_shell();
    let started = std::time::Instant::now();
    let outcome = testing::run(builder, wxml_sample(), |app| {
        app.wait_for("#no-such-element", Duration::from_millis(300))?;
        Ok(())
    });
    let err = outcome.expect_err("the body failed");
    assert!(err.message().unwrap_or_default().contains("waiting for \"#no-such-element\""), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    Ok(())
}

fn main() -> ExitCode {
    testing::harness(vec![
        Trial::test("drives_a_wxml_page", drives_a_wxml_page),
        Trial::test("evaluates_and_observes", evaluates_and_observes),
        Trial::test("mocks_apis_and_answers_modals", mocks_apis_and_answers_modals),
        Trial::test("drives_an_html_page", drives_an_html_page),
        Trial::test("a_failing_body_fails_the_run", a_failing_body_fails_the_run),
    ])
}
