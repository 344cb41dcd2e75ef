//! `ai-forge-service [--listen 127.0.0.1:8000]`: serves `/metrics`, `/healthz`,
//! `/fault?…` (inject faults) and `/quit`, and simulates traffic every 100 ms.

use ai_forge_service::App;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

fn main() {
    let mut listen = "127.0.0.1:8000".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--listen" => listen = args.next().unwrap_or(listen),
            other => {
                eprintln!("usage: ai-forge-service [--listen ADDR] (unknown argument `{other}`)");
                std::process::exit(2);
            }
        }
    }
    let listener = match TcpListener::bind(&listen) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {listen}: {e}");
            std::process::exit(2);
        }
    };
    let app = Arc::new(App::new());
    let ticker = Arc::clone(&app);
    std::thread::spawn(move || {
        loop {
            ticker.tick();
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    eprintln!("ai-forge-service listening on {listen}");
    for stream in listener.incoming().flatten() {
        let app = Arc::clone(&app);
        std::thread::spawn(move || handle(&app, stream));
    }
}

fn respond(mut s: &TcpStream, status: &str, ctype: &str, body: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn handle(app: &App, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut accept = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("accept:") {
                    accept = v.trim().to_string();
                }
            }
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/metrics" => {
            let om = accept.contains("application/openmetrics-text");
            let ctype = if om {
                "application/openmetrics-text; version=1.0.0; charset=utf-8"
            } else {
                "text/plain; version=0.0.4; charset=utf-8"
            };
            respond(&stream, "200 OK", ctype, &app.exposition(om));
        }
        "/healthz" => respond(&stream, "200 OK", "text/plain", "ok\n"),
        "/fault" => {
            let result = app
                .faults
                .lock()
                .map_err(|_| "poisoned".to_string())
                .and_then(|mut f| f.apply(query).map(|()| format!("{:?}\n", *f)));
            match result {
                Ok(body) => respond(&stream, "200 OK", "text/plain", &body),
                Err(e) => respond(&stream, "400 Bad Request", "text/plain", &format!("{e}\n")),
            }
        }
        "/quit" => {
            respond(&stream, "200 OK", "text/plain", "bye\n");
            std::process::exit(0);
        }
        _ => respond(&stream, "404 Not Found", "text/plain", "not found\n"),
    }
}
