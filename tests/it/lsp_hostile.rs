//! `forge-spec lsp` against hostile clients and workspaces: broken framing, URIs that
//! leave the workspace, FIFOs, oversized documents, secrets in answers, a working
//! directory that is not the workspace.

use crate::lsp::{Client, position_of, url, workspace};
use serde_json::json;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts the server in `root` without initializing it.
fn spawn(root: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .arg("lsp")
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start forge-spec lsp")
}

/// Waits for a child at most `secs` seconds; its status, or `None` (then it is killed).
fn wait_for(child: &mut Child, secs: u64) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(secs) {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

/// Frames that lie (a `Content-Length` of 10^15, a length with no number, a header
/// line that never ends, a frame cut short): the server ends with an error naming why,
/// never an abort (a signal) and never a hang; a declared length is not allocated.
#[test]
fn hostile_framing_ends_the_server_cleanly() {
    let ws = workspace();
    let long_header = format!("X-Pad: {}\r\n", "a".repeat(100_000));
    for (input, why) in [
        (
            "Content-Length: 1000000000000000\r\n\r\n{}".to_string(),
            "larger than the limit",
        ),
        ("Content-Length: 12ab\r\n\r\n{}".to_string(), "not a number"),
        (long_header, "header line is longer"),
        (
            "Content-Length: 50\r\n\r\n{\"jsonrpc\"".to_string(),
            "ended inside a message",
        ),
    ] {
        let mut child = spawn(ws.path());
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(input.as_bytes());
        drop(stdin);
        let status = wait_for(&mut child, 20).expect("the server ended");
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(
            status.code().is_some(),
            "killed by a signal: {status} {err}"
        );
        assert!(err.contains(why), "{why}: {err}");
    }
}

/// A URI that climbs out of the workspace (`..` percent-encoded as `%2F..%2F`, or
/// plain) is never read: a `didChange` for it reads no file and publishes nothing for
/// it, and a hover in it has nothing to say; the server keeps serving.
#[test]
fn uris_outside_the_workspace_are_not_read() {
    let outer = tempfile::tempdir().unwrap();
    let ws = outer.path().join("ws");
    std::fs::create_dir_all(ws.join("spec")).unwrap();
    for e in std::fs::read_dir("spec").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, ws.join("spec").join(p.file_name().unwrap())).unwrap();
    }
    let secret = "token: xoxb-1234567890-abcdefghijklmnop\n";
    std::fs::write(outer.path().join("outside.yaml"), secret).unwrap();
    let mut c = Client::start(&ws);
    let root = url(&ws);
    for uri in [
        format!("{root}/spec/%2F..%2F..%2Foutside.yaml"),
        format!("{root}/spec/../../outside.yaml"),
        format!("{root}/%2e%2e/outside.yaml"),
    ] {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "x: 1\n"}]}),
        );
        let hover = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
        );
        assert!(!hover.to_string().contains("xoxb"), "{hover}");
        assert!(
            !c.notes
                .iter()
                .any(|n| n.to_string().contains("outside.yaml")),
            "{:?}",
            c.notes
        );
    }
    assert_eq!(
        std::fs::read_to_string(outer.path().join("outside.yaml")).unwrap(),
        secret
    );
    c.shutdown();
}

/// A `didChange` for a document the client never opened, which is a FIFO no one
/// writes to: the server does not wait on it (the change is ignored) and keeps
/// answering.
#[cfg(unix)]
#[test]
fn a_fifo_is_never_waited_on() {
    let ws = workspace();
    let fifo = ws.path().join("spec/fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut c = Client::start(ws.path());
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": url(&fifo), "version": 2}, "contentChanges": [{"text": "a: 1\n"}]}),
    );
    let r = c.request("workspace/symbol", json!({"query": "HighErrorRate"}));
    assert!(r["result"].as_array().is_some_and(|a| !a.is_empty()), "{r}");
    c.shutdown();
}

/// A document larger than a spec file may be gets `check`'s P008 as you type, not
/// silence, and the other files keep their diagnostics.
#[test]
fn an_oversized_document_gets_p008() {
    let ws = workspace();
    let uri = url(&ws.path().join("spec/alerts.yaml"));
    let mut c = Client::start(ws.path());
    let _ = c.diagnostics_for(&uri);
    let big = format!("# {}\n", "x".repeat(60_000)).repeat(300);
    assert!(big.len() > 16 * 1024 * 1024);
    let published = c.open(&uri, &big);
    assert!(
        published.iter().any(|d| d["code"] == "P008"),
        "{}",
        serde_json::to_string(&published)
            .unwrap()
            .chars()
            .take(500)
            .collect::<String>()
    );
    c.shutdown();
}

/// Hover and completion never carry a literal secret of the spec to the editor.
#[test]
fn answers_mask_secrets() {
    let ws = workspace();
    let path = ws.path().join("spec/alerting.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let hook = "https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx";
    let with_secret = text.replacen(
        "api_url_file: /etc/alertmanager/secrets/slack-webhook-url",
        &format!("api_url: '{hook}'"),
        1,
    );
    assert_ne!(text, with_secret);
    std::fs::write(&path, &with_secret).unwrap();
    let mut c = Client::start(ws.path());
    let uri = url(&path);
    let _ = c.open(&uri, &with_secret);
    let at = position_of(&with_secret, "hooks.slack.com");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    let completion = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    for answer in [&hover, &completion] {
        assert!(
            !answer.to_string().contains("abcdefghijklmnopqrstuvwx"),
            "{answer}"
        );
    }
    for n in &c.notes {
        assert!(!n.to_string().contains("abcdefghijklmnopqrstuvwx"), "{n}");
    }
    c.shutdown();
}

/// The server works in the workspace it is given, whatever its working directory:
/// started elsewhere, it publishes the root's diagnostics under the root's URIs,
/// answers on its files, and writes nothing where it was started.
#[test]
fn the_workspace_root_not_the_working_directory() {
    let ws = workspace();
    let elsewhere = tempfile::tempdir().unwrap();
    let alerts = ws.path().join("spec/alerts.yaml");
    let uri = url(&alerts);
    let mut c = Client::start_in(ws.path(), elsewhere.path());
    let first = c.diagnostics_for(&uri);
    assert_eq!(first.len(), 2, "{first:?}");
    let text = std::fs::read_to_string(&alerts).unwrap();
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position_of(&text, "HighLatency")}),
    );
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("**alert** `HighLatency`")),
        "{hover}"
    );
    c.shutdown();
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}
