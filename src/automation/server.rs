//! The automation server: a WebSocket on 127.0.0.1 that `miniprogram-automator` connects
//! to. One client at a time (a second one is told so in a close frame and let go); each
//! request is parsed into a [`Command`], carried out by the shell through [`Dispatch`],
//! and answered exactly once: with its result, its error, or a timeout.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use super::command::{info, Command};
use super::protocol::{self, Request};

/// How long one command may take before it is answered with a timeout.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// What the shell answers a command with.
pub type Answer = Result<Value, String>;

/// Hands a command to the shell; the receiver gets its answer.
pub type Dispatch = Arc<dyn Fn(Command) -> oneshot::Receiver<Answer> + Send + Sync>;

/// The server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Another process holds the port.
    #[error("port {0} is in use: the automation server cannot listen on it")]
    PortInUse(u16),
    /// Any other failure to listen.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen {
        /// The port.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
}

/// Takes the port on 127.0.0.1 (only: automation gives full control of the mini program).
pub fn bind(port: u16) -> Result<StdListener, ServerError> {
    let listener = StdListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            ServerError::PortInUse(port)
        } else {
            ServerError::Listen { port, source }
        }
    })?;
    listener.set_nonblocking(true).map_err(|source| ServerError::Listen { port, source })?;
    Ok(listener)
}

/// Serves clients until the runtime ends. `events` carries the event frames
/// (`App.logAdded`...) to the attached client.
pub async fn serve(listener: StdListener, dispatch: Dispatch, events: broadcast::Sender<String>) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(err) => {
            tracing::error!(%err, "the automation server cannot listen");
            return;
        }
    };
    let attached = Arc::new(AtomicBool::new(false));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                tracing::warn!(%err, "an automation client could not connect");
                continue;
            }
        };
        let (dispatch, events, attached) = (dispatch.clone(), events.subscribe(), attached.clone());
        tokio::spawn(async move {
            if let Err(err) = connection(stream, dispatch, events, attached).await {
                tracing::debug!(%peer, %err, "an automation connection ended");
            }
        });
    }
}

/// A frame for the writer, and who waits until it is written.
type Outgoing = (Message, Option<oneshot::Sender<()>>);

/// The frames of one connection, sent in order by its writer task.
#[derive(Clone)]
struct FrameQueue(mpsc::UnboundedSender<Outgoing>);

impl FrameQueue {
    /// Queues a text frame; false once the writer has stopped.
    fn send(&self, text: impl Into<String>) -> bool {
        self.0.send((Message::text(text.into()), None)).is_ok()
    }

    /// Sends a text frame and waits until it is written (or the writer has stopped).
    async fn written(&self, text: impl Into<String>) {
        let (done, wait) = oneshot::channel();
        if self.0.send((Message::text(text.into()), Some(done))).is_ok() {
            let _ = wait.await;
        }
    }
}

async fn connection(
    stream: TcpStream,
    dispatch: Dispatch,
    mut events: broadcast::Receiver<String>,
    attached: Arc<AtomicBool>,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    // The launcher polls until the socket opens; a poll that is no WebSocket just ends.
    let mut socket = tokio_tungstenite::accept_async(stream).await?;
    if attached.swap(true, Ordering::AcqRel) {
        tracing::warn!("a second automation client was refused: one is attached");
        let frame = CloseFrame { code: CloseCode::Policy, reason: "another automation client is attached".into() };
        socket.close(Some(frame)).await?;
        return Ok(());
    }
    tracing::info!("an automation client attached");
    let _detach = Detach(attached);
    let (mut sink, mut source) = socket.split();
    let (out, mut outgoing) = mpsc::unbounded_channel::<Outgoing>();
    let out = FrameQueue(out);
    let writer = tokio::spawn(async move {
        while let Some((message, written)) = outgoing.recv().await {
            let closing = matches!(message, Message::Close(_));
            if sink.send(message).await.is_err() || closing {
                break;
            }
            if let Some(written) = written {
                let _ = written.send(());
            }
        }
    });
    let forward = {
        let out = out.clone();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => {
                        if !out.send(event) {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(dropped = n, "the automation client is slow: events were dropped")
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        })
    };
    // The requests in flight: a client that goes away takes them with it, so the slot is
    // free at once (the shell's late answers fall on closed channels).
    let mut requests = tokio::task::JoinSet::new();
    let ended = loop {
        while requests.try_join_next().is_some() {}
        let text = match source.next().await {
            None | Some(Ok(Message::Close(_))) => break Ok(()),
            Some(Err(err)) => break Err(err),
            Some(Ok(Message::Text(text))) => text.to_string(),
            Some(Ok(Message::Binary(_))) => {
                out.send(protocol::frame_error("bad frame: binary frames are not requests"));
                continue;
            }
            Some(Ok(_)) => continue,
        };
        let request = match Request::parse(&text) {
            Ok(request) => request,
            Err(err) => {
                let frame = match Request::id_of(&text) {
                    Some(id) => protocol::reply(&id, Err(err.to_string())),
                    None => protocol::frame_error(&err.to_string()),
                };
                out.send(frame);
                continue;
            }
        };
        let command = {
            let _enter = tracing::info_span!("automation", method = %request.method).entered();
            match Command::parse(&request) {
                Ok(command) => command,
                Err(err) => {
                    out.send(protocol::reply(&request.id, Err(err.to_string())));
                    continue;
                }
            }
        };
        let (out, dispatch) = (out.clone(), dispatch.clone());
        match command {
            Command::GetInfo => {
                out.send(protocol::reply(&request.id, Ok(info())));
            }
            Command::Close => {
                // Answered first: the client waits for this answer, then the shell ends,
                // whether or not the client stays to see it.
                tokio::spawn(async move {
                    out.written(protocol::reply(&request.id, Ok(serde_json::json!({})))).await;
                    drop(dispatch(Command::Close));
                });
            }
            // Each request runs on its own: a client may answer a modal (Tool.native)
            // while an evaluate waits for it.
            command => {
                requests.spawn(async move {
                    let answer = run(&dispatch, command, &request.method).await;
                    out.send(protocol::reply(&request.id, answer));
                });
            }
        }
    };
    requests.abort_all();
    forward.abort();
    drop(out);
    drop(_detach);
    tracing::info!("the automation client detached");
    // The frames already queued still go out, if the client is there to take them.
    let _ = writer.await;
    ended
}

/// Carries out one command, with a timeout.
pub async fn run(dispatch: &Dispatch, command: Command, method: &str) -> Answer {
    let answer = dispatch(command);
    match tokio::time::timeout(COMMAND_TIMEOUT, answer).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => Err(format!("{method}: the shell ended before answering")),
        Err(_) => Err(format!("{method} timed out after {} s", COMMAND_TIMEOUT.as_secs())),
    }
}

/// Frees the client slot when a connection ends, however it ends.
struct Detach(Arc<AtomicBool>);

impl Drop for Detach {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shell that keeps every reply and never answers; the replies it holds.
    #[allow(clippy::type_complexity)]
    fn silent() -> (Dispatch, Arc<std::sync::Mutex<Vec<oneshot::Sender<Answer>>>>) {
        let kept = Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = kept.clone();
        let silent: Dispatch = Arc::new(move |_command| {
            let (reply, answer) = oneshot::channel();
            keep.lock().unwrap().push(reply);
            answer
        });
        (silent, kept)
    }

    #[tokio::test(start_paused = true)]
    async fn every_command_gets_one_answer_even_when_the_shell_gives_none() {
        // A shell that keeps the reply and never answers: a timeout, after 60 s.
        let (silent, _kept) = silent();
        let answer = run(&silent, Command::GetPageStack, "App.getPageStack").await;
        assert_eq!(answer, Err("App.getPageStack timed out after 60 s".to_string()));
        // A shell that has ended (the reply dropped): said at once.
        let ended: Dispatch = Arc::new(|_command| oneshot::channel().1);
        let answer = run(&ended, Command::GetPageStack, "App.getPageStack").await;
        assert_eq!(answer, Err("App.getPageStack: the shell ended before answering".to_string()));
    }

    /// A client connected to `port`, or `None` if the server refused it (the slot is taken).
    async fn attach(
        port: u16,
    ) -> Option<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>> {
        let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}")).await.unwrap();
        socket.send(Message::text(r#"{"id":"info","method":"Tool.getInfo","params":{}}"#)).await.unwrap();
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.contains(r#""id":"info""#) => Some(socket),
            _ => None,
        }
    }

    #[tokio::test]
    async fn a_client_that_leaves_with_requests_pending_frees_the_slot_at_once() {
        // A shell that never answers: the request stays pending until its 60 s timeout.
        let (silent, kept) = silent();
        let listener = bind(0).unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(serve(listener, silent, broadcast::channel(8).0));

        let mut client = attach(port).await.expect("the first client is served");
        // A client that says goodbye (miniProgram.disconnect()), then one that just goes.
        for graceful in [true, false] {
            assert!(attach(port).await.is_none(), "a second client is refused while one is attached");
            let pending = kept.lock().unwrap().len();
            client.send(Message::text(r#"{"id":1,"method":"App.getPageStack","params":{}}"#)).await.unwrap();
            while kept.lock().unwrap().len() == pending {
                tokio::task::yield_now().await;
            }
            if graceful {
                client.close(None).await.unwrap();
            }
            drop(client);
            // The server sees the disconnect asynchronously: try again until it has, well
            // within the command timeout.
            let started = tokio::time::Instant::now();
            let mut next = None;
            while next.is_none() && started.elapsed() < COMMAND_TIMEOUT / 6 {
                next = attach(port).await;
            }
            client =
                next.unwrap_or_else(|| panic!("graceful {graceful}: the slot was still taken after the client left"));
        }
    }
}
