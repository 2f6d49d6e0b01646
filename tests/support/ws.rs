//! A small WebSocket server on 127.0.0.1 for the tests of `wx.connectSocket`: real
//! sockets, one thread per connection. On connect it says `welcome <x-token header>`;
//! then it answers a text with the text in capitals and bytes with the bytes reversed,
//! and a close with a close.

use std::net::TcpListener;

use tokio_tungstenite::tungstenite;
use tungstenite::handshake::server::{Request, Response};
use tungstenite::Message;

/// Starts the server (it lives as long as the test process); returns `ws://127.0.0.1:<port>`.
#[allow(clippy::result_large_err)]
pub fn start() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut token = String::new();
                let callback = |request: &Request, response: Response| {
                    token = request.headers().get("x-token").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                    Ok(response)
                };
                let Ok(mut socket) = tungstenite::accept_hdr(stream, callback) else { return };
                let _ = socket.send(Message::Text(format!("welcome {token}").into()));
                while let Ok(message) = socket.read() {
                    let answer = match message {
                        Message::Text(text) => Message::Text(text.to_uppercase().into()),
                        Message::Binary(bytes) => {
                            Message::Binary(bytes.iter().rev().copied().collect::<Vec<u8>>().into())
                        }
                        Message::Close(_) => break,
                        _ => continue,
                    };
                    if socket.send(answer).is_err() {
                        break;
                    }
                }
                let _ = socket.flush();
            });
        }
    });
    url
}
