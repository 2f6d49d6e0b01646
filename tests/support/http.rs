//! A small HTTP/1.1 server on 127.0.0.1 for the tests of `wx.request`: real sockets, one
//! thread per connection, answers by path:
//! - `/json`: `{"hello": "world"}` with `x-test: yes` and two cookies;
//! - `/echo`: the request's method, query, content type and body, as JSON;
//! - `/missing`: 404; `/bytes`: the bytes 0 to 9; `/slow`: an answer after 3 s.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running server: its address, and every request line it saw.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// `GET /json?x=1`, in arrival order.
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    /// Starts the server (it lives as long as the test process).
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &log);
                });
            }
        });
        TestServer { url, seen }
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim().to_string();
        let mut length = 0usize;
        let mut content_type = String::new();
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let header = header.trim();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "content-type" => content_type = value.trim().to_string(),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        log.lock().unwrap().push(line.clone());
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let (status, extra, bytes): (&str, &str, Vec<u8>) = match path {
            "/json" => {
                ("200 OK", "x-test: yes\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n", br#"{"hello":"world"}"#.to_vec())
            }
            "/echo" => {
                let echo = serde_json::json!({
                    "method": method, "query": query, "contentType": content_type,
                    "body": String::from_utf8_lossy(&body),
                });
                ("200 OK", "", echo.to_string().into_bytes())
            }
            "/bytes" => ("200 OK", "", (0u8..10).collect()),
            "/slow" => {
                std::thread::sleep(Duration::from_secs(3));
                ("200 OK", "", b"late".to_vec())
            }
            _ => ("404 Not Found", "", b"no such page".to_vec()),
        };
        let mut out = stream.try_clone()?;
        write!(out, "HTTP/1.1 {status}\r\ncontent-length: {}\r\n{extra}\r\n", bytes.len())?;
        out.write_all(&bytes)?;
        out.flush()?;
    }
}
