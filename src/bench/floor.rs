//! The floor: a minimal raw wry page whose JS posts a message that the IPC handler answers
//! with `evaluate_script` through the event loop proxy. No registry, no tokio, no envelope:
//! what the webview itself costs.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tao::dpi::LogicalSize;
use tao::event::{Event, WindowEvent};
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tao::platform::run_return::EventLoopExtRunReturn;
use tao::platform::unix::{EventLoopBuilderExtUnix, WindowExtUnix};
use tao::window::WindowBuilder;
use wry::http::Request;
use wry::{WebViewBuilder, WebViewBuilderExtUnix};

use super::{Plan, RunData, BENCH_JS};

enum FloorEvent {
    /// A reply script, and for sequential calls the arrival time of the call.
    Eval(String, Option<Instant>),
    Done,
}

/// Runs the plan against the floor on this thread's event loop. With `hop`, each reply is
/// built on that tokio runtime and sent back through the proxy, as the bridge's handlers
/// are: the difference between the two floors is what the thread hop costs.
pub fn run(plan: &Plan, hop: Option<tokio::runtime::Handle>) -> Result<RunData, String> {
    let mut event_loop = EventLoopBuilder::<FloorEvent>::with_user_event().with_any_thread(true).build();
    let proxy = event_loop.create_proxy();
    let window = WindowBuilder::new()
        .with_title("superapp bench: floor")
        .with_inner_size(LogicalSize::new(390, 760))
        .build(&event_loop)
        .map_err(|err| err.to_string())?;
    let arrivals: Rc<RefCell<Vec<(String, Instant)>>> = Rc::default();
    let mut handled_us: Vec<f64> = Vec::new();
    let hop_us: std::sync::Arc<std::sync::Mutex<Vec<f64>>> = std::sync::Arc::default();
    let results: Rc<RefCell<Option<Value>>> = Rc::default();
    let ipc = {
        let (arrivals, results, hop_us) = (arrivals.clone(), results.clone(), hop_us.clone());
        move |request: Request<String>| {
            let now = Instant::now();
            let Ok(message) = serde_json::from_str::<Value>(request.body()) else { return };
            let id = message["id"].as_u64().unwrap_or(0);
            let phase = message["p"].as_str().unwrap_or_default();
            arrivals.borrow_mut().push((phase.to_string(), now));
            let script = if phase.starts_with("payload") {
                format!("window.__floorReply({id},{})", message["d"])
            } else {
                format!("window.__floorReply({id},null)")
            };
            let timed = (phase == "seq").then_some(now);
            match &hop {
                Some(runtime) => {
                    let (proxy, hop_us) = (proxy.clone(), hop_us.clone());
                    runtime.spawn(async move {
                        if let Some(arrived) = timed {
                            hop_us.lock().expect("hop times").push(arrived.elapsed().as_secs_f64() * 1e6);
                        }
                        let _ = proxy.send_event(FloorEvent::Eval(script, timed));
                    });
                }
                None => {
                    let _ = proxy.send_event(FloorEvent::Eval(script, timed));
                }
            }
            if phase == "done" || phase == "error" {
                *results.borrow_mut() = Some(message["d"].clone());
                let _ = proxy.send_event(FloorEvent::Done);
            }
        }
    };
    let html = format!(
        "<!doctype html><html><body><p>floor</p><script>window.BENCH = {};</script><script>{BENCH_JS}</script></body></html>",
        plan.to_json("floor")
    );
    let webview = WebViewBuilder::new()
        .with_html(html)
        .with_ipc_handler(ipc)
        .build_gtk(window.default_vbox().ok_or("no GTK box")?)
        .map_err(|err| err.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(600);
    event_loop.run_return(|event, _, control_flow| {
        *control_flow = ControlFlow::WaitUntil(deadline);
        match event {
            Event::UserEvent(FloorEvent::Eval(script, arrived)) => {
                let _ = webview.evaluate_script(&script);
                if let Some(arrived) = arrived {
                    handled_us.push(arrived.elapsed().as_secs_f64() * 1e6);
                }
            }
            Event::UserEvent(FloorEvent::Done) | Event::WindowEvent { event: WindowEvent::CloseRequested, .. } => {
                *control_flow = ControlFlow::Exit;
            }
            Event::NewEvents(tao::event::StartCause::ResumeTimeReached { .. }) => *control_flow = ControlFlow::Exit,
            _ => {}
        }
    });
    {
        // (as a closed page's: without it the webview and its web process outlive the round)
        use wry::WebViewExtUnix;
        crate::shell::release::let_go(&webview.webview());
    }
    drop(webview);
    drop(window);
    let results = results.borrow_mut().take().ok_or("the floor page never finished")?;
    if let Some(error) = results.as_str() {
        return Err(format!("the floor page failed: {error}"));
    }
    let arrivals = arrivals.borrow().clone();
    let hop_us = std::mem::take(&mut *hop_us.lock().expect("hop times"));
    Ok(RunData { arrivals, js: results, handled_us, hop_us })
}
