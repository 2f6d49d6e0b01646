//! Automation figures, as WeChat's automator sees them: sequential requests over the
//! WebSocket of `--auto-port`, timed from send to reply on the client side: `App.callFunction`
//! of an echo function (it runs in the WXML logic context) and `Page.getElement` (in the
//! page's render webview).

use std::net::TcpListener;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::bridge::{temp_dir, write};
use crate::{Package, RunOptions, Shell};

/// Requests of each kind timed (after a warm-up of 20).
const WARMUP: usize = 20;

/// (callFunction round trips in us, getElement round trips in us).
pub fn run(samples: usize) -> Result<(Vec<f64>, Vec<f64>), String> {
    let dir = temp_dir("automation")?;
    write(
        &dir,
        &[
            ("app.json", r#"{"pages":["pages/a/a"]}"#.into()),
            (
                "pages/a/a.wxml",
                r#"<view class="row" wx:for="{{rows}}" wx:key="*this">{{item}}</view><view id="target">x</view>"#
                    .into(),
            ),
            ("pages/a/a.js", "Page({ data: { rows: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } });".into()),
        ],
    )?;
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let shell = Shell::builder().data_dir(dir.join("data")).build();
    let host = shell.host();
    let client = std::thread::spawn(move || -> Result<(Vec<f64>, Vec<f64>), String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let figures = runtime.block_on(drive(port, samples));
        if figures.is_err() {
            // The run ends with the client, whatever went wrong.
            let _ = host.exit(1);
        }
        figures
    });
    let package = Package::open(&dir).map_err(|e| e.to_string())?;
    let options = RunOptions {
        headless: true,
        auto_port: Some(port),
        exit_after: Some(Duration::from_secs(300)),
        ..RunOptions::default()
    };
    let status = shell.run(package, &options).map_err(|e| e.to_string());
    let figures = client.join().map_err(|_| "the automation client panicked".to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    status?;
    figures
}

async fn drive(port: u16, samples: usize) -> Result<(Vec<f64>, Vec<f64>), String> {
    let url = format!("ws://127.0.0.1:{port}");
    let started = Instant::now();
    let (mut socket, _) = loop {
        match tokio_tungstenite::connect_async(&url).await {
            Ok(connected) => break connected,
            Err(_) if started.elapsed() < Duration::from_secs(60) => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(err) => return Err(format!("cannot connect to the automation server: {err}")),
        }
    };
    let mut next = 0u64;
    let mut request = async |method: &str, params: Value| -> Result<(Value, f64), String> {
        next += 1;
        let id = next;
        let sent = Instant::now();
        let frame = json!({ "id": id, "method": method, "params": params }).to_string();
        socket.send(Message::text(frame)).await.map_err(|e| e.to_string())?;
        loop {
            let message = socket.next().await.ok_or("the server closed")?.map_err(|e| e.to_string())?;
            let Message::Text(text) = message else { continue };
            let reply: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            if reply["id"] == json!(id) {
                let us = sent.elapsed().as_secs_f64() * 1_000_000.0;
                if let Some(error) = reply.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok((reply["result"].clone(), us));
            }
        }
    };
    // The page is up once its element is (until then there may be no current page).
    let page = loop {
        let up = match request("App.getCurrentPage", json!({})).await {
            Ok((current, _)) => {
                let id = current["pageId"].clone();
                request("Page.getElement", json!({ "pageId": id, "selector": "#target" })).await.map(|_| id)
            }
            Err(err) => Err(err),
        };
        match up {
            Ok(id) => break id,
            Err(err) if started.elapsed() > Duration::from_secs(60) => {
                return Err(format!("the page never came up: {err}"))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let (mut call, mut find) = (Vec::new(), Vec::new());
    for i in 0..samples + WARMUP {
        let (result, us) =
            request("App.callFunction", json!({ "functionDeclaration": "function (x) { return x; }", "args": [i] }))
                .await?;
        if result["result"] != json!(i) {
            return Err(format!("the echo answered {result}"));
        }
        if i >= WARMUP {
            call.push(us);
        }
        let (_, us) = request("Page.getElement", json!({ "pageId": page, "selector": "view.row" })).await?;
        if i >= WARMUP {
            find.push(us);
        }
    }
    request("Tool.close", json!({})).await?;
    Ok((call, find))
}
