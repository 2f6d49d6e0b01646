// The Rust example of the README's "Automated tests" section, kept here so that it runs.
use serde_json::json;
use superapp_shell::testing::{self, Failed, Trial, WAIT};
use superapp_shell::{sample, MiniApiCall, Package, Shell};

fn the_button_shows_what_the_handler_answered() -> Result<(), Failed> {
    let builder = sample::register(Shell::builder());
    testing::run(builder, Package::open("sample_wxml")?, |app| {
        app.wait_for("button#native", WAIT)?;
        app.mock_api("myApiName", |_call: MiniApiCall| async { Ok(json!({"method": "mocked"})) });
        app.tap("button#native")?;
        app.wait_until(|app| Ok(app.text("#native-result")? == "mocked: invokeNativePlugin:ok"), WAIT)?;
        assert!(app.calls().iter().any(|call| call.api_name == "myApiName" && call.ok));
        Ok(())
    })
}

fn main() -> std::process::ExitCode {
    testing::harness(vec![Trial::test(
        "the_button_shows_what_the_handler_answered",
        the_button_shows_what_the_handler_answered,
    )])
}
