//! Carries out automation commands (src/automation/) in the UI thread: the page stack,
//! native controls and screenshots here; everything inside a page through the JS agent of
//! the right webview, whose answer comes back as `automationDone`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use base64::Engine;
use serde_json::{json, Value};
use tao::window::Window;
use tokio::sync::{broadcast, oneshot};

use super::{MiniProgram, Settle, LOGIC_ID};
use crate::automation::command::{info, AgentCall, Command, Mock, Native, Where};
use crate::automation::protocol;
use crate::automation::server::Answer;
use crate::core::host::WebViewId;
use crate::core::protocol::Outbound;
use crate::shell::screenshot;
use crate::shell::user_event::Control;

/// What every webview of an automated run starts with (mocks and bindings made so far).
#[derive(Debug, Default)]
pub struct AutomationShared {
    mocks: RwLock<Vec<(String, Value)>>,
    bindings: RwLock<Vec<String>>,
}

impl AutomationShared {
    /// The agent's part of a new page's config.
    pub fn config(&self) -> Value {
        let mocks: Vec<Value> = self.mocks.read().expect("mocks lock").iter().map(|(_, spec)| spec.clone()).collect();
        json!({ "mocks": mocks, "bindings": *self.bindings.read().expect("bindings lock") })
    }
}

/// The automation state of a running mini program.
pub struct Automator {
    /// Event frames for the attached client.
    pub events: broadcast::Sender<String>,
    /// What new pages start with.
    pub shared: Arc<AutomationShared>,
    log: bool,
    exited: bool,
    next_seq: u64,
    pending: HashMap<u64, (WebViewId, oneshot::Sender<Answer>)>,
}

impl Automator {
    /// A new automator sending events to `events`.
    pub fn new(events: broadcast::Sender<String>, shared: Arc<AutomationShared>) -> Automator {
        Automator { events, shared, log: false, exited: false, next_seq: 1, pending: HashMap::new() }
    }

    fn emit(&self, method: &str, params: Value) {
        // No client attached: nobody to tell.
        let _ = self.events.send(protocol::event(method, params));
    }
}

/// What the event loop must do after a command.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    /// Nothing more.
    Nothing,
    /// End the run (`Tool.close`).
    Close,
}

impl MiniProgram {
    /// Turns automation on for this run.
    pub fn automate_with(&mut self, automator: Automator) {
        self.automator = Some(automator);
    }

    /// Carries out one command; `reply` gets its answer now or when the agent answers.
    pub fn automate(&mut self, window: &Window, command: Command, reply: oneshot::Sender<Answer>) -> After {
        let Some(automator) = self.automator.as_mut() else {
            let _ = reply.send(Err("automation is not on in this run".into()));
            return After::Nothing;
        };
        let exited = automator.exited;
        let answer = match command {
            Command::GetInfo => Ok(info()),
            Command::Close => {
                let _ = reply.send(Ok(json!({})));
                return After::Close;
            }
            Command::EnableLog => {
                automator.log = true;
                Ok(json!({}))
            }
            Command::Exit => {
                automator.exited = true;
                self.unload_all();
                Ok(json!({}))
            }
            _ if exited => Err("the mini program has exited (App.exit); only Tool.close is left".into()),
            Command::GetPageStack => {
                let stack: Vec<Value> = self.loaded_stack().iter().map(page_json).collect();
                Ok(json!({ "pageStack": stack }))
            }
            Command::GetCurrentPage => {
                self.loaded_stack().last().map(page_json).ok_or_else(|| "there is no current page".to_string())
            }
            Command::CaptureScreenshot => {
                screenshot::after_next_frame(window, move |png| {
                    let data = png.map(|png| json!({ "data": base64::engine::general_purpose::STANDARD.encode(png) }));
                    let _ = reply.send(data);
                });
                return After::Nothing;
            }
            Command::Native(native) => {
                self.native(native, reply);
                return After::Nothing;
            }
            Command::MockWxMethod { method, mock } => {
                let spec = match &mock {
                    None => json!({ "method": method, "restore": true }),
                    Some(Mock::Result(result)) => json!({ "method": method, "result": result }),
                    Some(Mock::Function { declaration, args }) => {
                        json!({ "method": method, "declaration": declaration, "args": args })
                    }
                };
                {
                    let mut mocks = automator.shared.mocks.write().expect("mocks lock");
                    mocks.retain(|(name, _)| name != &method);
                    if mock.is_some() {
                        mocks.push((method.clone(), spec.clone()));
                    }
                }
                self.tell_every_webview("mock", spec);
                Ok(json!({}))
            }
            Command::AddBinding { name } => {
                {
                    let mut bindings = automator.shared.bindings.write().expect("bindings lock");
                    if !bindings.contains(&name) {
                        bindings.push(name.clone());
                    }
                }
                self.tell_every_webview("addBinding", json!({ "name": name }));
                Ok(json!({}))
            }
            Command::Agent(call) => match self.agent(call, reply) {
                Ok(()) => return After::Nothing,
                Err((message, reply)) => {
                    let _ = reply.send(Err(message));
                    return After::Nothing;
                }
            },
        };
        let _ = reply.send(answer);
        After::Nothing
    }

    /// A native control: answered now, or (a route) after the new page has loaded.
    fn native(&mut self, native: Native, reply: oneshot::Sender<Answer>) {
        let settle: Settle = Box::new(move |result: Result<(), String>| {
            let _ = reply.send(result.map(|()| json!({})));
        });
        let routed = match native {
            Native::ConfirmModal | Native::CancelModal if self.modal.is_none() => {
                settle(Err("no modal is showing".into()));
                Ok(())
            }
            Native::ConfirmModal => {
                settle(self.chrome.press(&Control::ModalConfirm));
                Ok(())
            }
            Native::CancelModal => {
                settle(self.chrome.press(&Control::ModalCancel));
                Ok(())
            }
            Native::NavigateLeft => self.route_by_shell(|router| router.navigate_back(&json!(1)), settle),
            Native::SwitchTab(url) => self.route_by_shell(|router| router.switch_tab(None, &json!(url)), settle),
            Native::GoHome => {
                let home = format!("/{}", self.context.package.home());
                self.route_by_shell(|router| router.re_launch(None, &json!(home)), settle)
            }
        };
        if let Err(err) = routed {
            tracing::error!(%err, "a native route failed");
        }
    }

    /// Sends an operation to the agent of the webview `call.at` names.
    fn agent(
        &mut self,
        call: AgentCall,
        reply: oneshot::Sender<Answer>,
    ) -> Result<(), (String, oneshot::Sender<Answer>)> {
        let live =
            |id: WebViewId| self.router.live().any(|page| page.web_view_id == id) && self.pages.contains_key(&id);
        let wxml = self.logic.is_some();
        let target = match call.at {
            Where::Program if wxml => LOGIC_ID,
            Where::Program => match self.router.top() {
                Some(top) => top.web_view_id,
                None => return Err(("there is no current page".into(), reply)),
            },
            Where::View(id) | Where::Instance(id) if !live(id) => {
                return Err((format!("page {id} is not open"), reply));
            }
            Where::View(id) => id,
            Where::Instance(_) if wxml => LOGIC_ID,
            Where::Instance(id) => id,
        };
        let automator = self.automator.as_mut().expect("automation is on");
        let seq = automator.next_seq;
        automator.next_seq += 1;
        automator.pending.insert(seq, (target, reply));
        let message = Outbound::Automation { seq, op: call.op.to_string(), args: call.args }.encoded();
        if wxml && target != LOGIC_ID && !self.rendered.contains(&target) {
            // A query of a page that has shown nothing yet waits for its first render
            // (COMMAND_TIMEOUT bounds the wait, as for any command).
            self.awaiting_render.push((target, message));
        } else {
            self.deliver_when_listening(target, message);
        }
        Ok(())
    }

    /// The stack as the automator sees it: a page is named once it has run `onLoad`.
    fn loaded_stack(&self) -> Vec<crate::core::router::PageRef> {
        self.router.stack().iter().filter(|page| self.hooks.has_loaded(page.web_view_id)).cloned().collect()
    }

    /// Every webview's agent: replace a `wx` function, add a binding.
    fn tell_every_webview(&mut self, op: &str, args: Value) {
        let message = Outbound::Automation { seq: 0, op: op.to_string(), args }.encoded();
        let ids: Vec<WebViewId> = self.pages.keys().copied().collect();
        for id in ids {
            self.deliver_when_listening(id, message.clone());
        }
        if let Some(spare) = &self.spare {
            let id = spare.page.id;
            self.queue(id, message);
        }
    }

    /// An automation message from a webview's agent.
    pub(super) fn agent_done(&mut self, from: WebViewId, seq: u64, outcome: Result<Value, String>) {
        let Some(automator) = self.automator.as_mut() else { return };
        match automator.pending.remove(&seq) {
            Some((webview, reply)) if webview == from => {
                let _ = reply.send(outcome);
            }
            Some(entry) => {
                tracing::warn!(webview = from, seq, "an automation answer from the wrong webview: ignored");
                automator.pending.insert(seq, entry);
            }
            // seq 0: a broadcast nobody waits for.
            None => {}
        }
    }

    /// A console call, an uncaught error or an exposed function's call in a webview.
    pub(super) fn agent_event(&mut self, method: &str, params: Value) {
        let Some(automator) = self.automator.as_ref() else { return };
        if method == "App.logAdded" && !automator.log {
            return;
        }
        automator.emit(method, params);
    }

    /// Answers every operation waiting on a webview that has gone.
    pub(super) fn agent_webview_closed(&mut self, id: WebViewId) {
        let Some(automator) = self.automator.as_mut() else { return };
        let gone: Vec<u64> = automator.pending.iter().filter(|(_, (w, _))| *w == id).map(|(seq, _)| *seq).collect();
        for seq in gone {
            if let Some((_, reply)) = automator.pending.remove(&seq) {
                let _ = reply.send(Err(format!("page {id} closed before answering")));
            }
        }
    }

    /// Ends every waiting operation with `why` (the run is ending, or the mini program
    /// restarts).
    pub(super) fn agent_shut_down(&mut self, why: &str) {
        if let Some(automator) = self.automator.as_mut() {
            for (_, (_, reply)) in automator.pending.drain() {
                let _ = reply.send(Err(why.into()));
            }
        }
    }
}

/// A page as the automator sees it: `{pageId, path, query}`.
fn page_json(page: &crate::core::router::PageRef) -> Value {
    json!({ "pageId": page.web_view_id, "path": page.route, "query": Value::Object(page.options.clone()) })
}
