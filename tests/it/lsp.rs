//! `forge-spec lsp`, driven over stdio as an editor drives it: initialize, didOpen,
//! didChange, hover, definition, references, completion, codeAction, rename,
//! malformed requests, shutdown.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

pub(crate) struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: u64,
    /// Notifications received while waiting for responses.
    pub(crate) notes: Vec<Value>,
}

impl Client {
    /// Starts the server in `root` and initializes it.
    pub(crate) fn start(root: &Path) -> Client {
        Client::start_in(root, root)
    }

    /// Starts the server with `cwd` as its working directory and `root` as the
    /// workspace it is given.
    pub(crate) fn start_in(root: &Path, cwd: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .arg("lsp")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start forge-spec lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut c = Client {
            child,
            stdin,
            stdout,
            next: 1,
            notes: Vec::new(),
        };
        let uri = url(root);
        let init = c.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {}}),
        );
        assert!(
            init["result"]["capabilities"]["hoverProvider"] == true,
            "{init}"
        );
        c.notify("initialized", json!({}));
        c
    }

    pub(crate) fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub(crate) fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub(crate) fn read(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "the server closed stdout"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    pub(crate) fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.read();
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.notes.push(msg);
        }
    }

    pub(crate) fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The diagnostics published for `uri` after the next compilation.
    pub(crate) fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let msg = match self.notes.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                Some(i) => self.notes.remove(i),
                None => self.read(),
            };
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
            if msg.get("method").is_some() {
                continue;
            }
        }
    }

    /// Opens a document with this text; the diagnostics published for it.
    pub(crate) fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        self.diagnostics_for(uri)
    }

    /// Sends a document's changes; the diagnostics published for it.
    pub(crate) fn change(&mut self, uri: &str, version: usize, changes: Vec<Value>) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
        self.diagnostics_for(uri)
    }

    pub(crate) fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

pub(crate) fn url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().unwrap().display())
}

/// A copy of the repository's spec in a temp dir (the server compiles `spec/`).
pub(crate) fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("spec")).unwrap();
    for e in std::fs::read_dir("spec").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join("spec").join(p.file_name().unwrap())).unwrap();
    }
    dir
}

pub(crate) fn position_of(text: &str, needle: &str) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": col + 1})
}

/// Diagnostics as you type equal `forge-spec check`'s for the same spec: the server's
/// for the edited file (not yet saved) are exactly check's after saving it.
#[test]
fn diagnostics_follow_the_unsaved_text_and_equal_check() {
    let ws = workspace();
    let alerts = ws.path().join("spec/alerts.yaml");
    let uri = url(&alerts);
    let mut c = Client::start(ws.path());
    // At start: the shipped spec's two warnings, on alerts.yaml.
    let first = c.diagnostics_for(&uri);
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(
        first
            .iter()
            .all(|d| d["code"] == "S006" && d["severity"] == 2)
    );
    assert!(
        first[0]["relatedInformation"][0]["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("spec/slos.yaml")
    );
    let text = std::fs::read_to_string(&alerts).unwrap();
    let typo = text.replacen(
        "increase(ai_forge_training_jobs_failed_total)",
        "increase(ai_forge_training_job_failed_total)",
        1,
    );
    let _ = c.open(&uri, &text);
    let live = c.change(&uri, 2, vec![json!({"text": typo})]);
    let x002: Vec<&Value> = live.iter().filter(|d| d["code"] == "X002").collect();
    assert_eq!(x002.len(), 1, "{live:?}");
    assert_eq!(
        x002[0]["data"]["suggestion"],
        "ai_forge_training_jobs_failed_total"
    );
    // The same text on disk: check says the same, code by code and place by place.
    std::fs::write(&alerts, &typo).unwrap();
    assert_eq!(served(&live), checked(ws.path(), "spec/alerts.yaml"));
    // The quick fix is the suggestion as an edit of the span.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": x002[0]["range"], "context": {"diagnostics": []}}),
    );
    let action = &actions["result"][0];
    assert_eq!(action["kind"], "quickfix", "{actions}");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "ai_forge_training_jobs_failed_total");
    assert_eq!(edit["range"], x002[0]["range"]);
    // Closing without saving the fix goes back to the file on disk (the typo).
    c.shutdown();
}

/// What the server published: (code, line, column), counted from 1 as `check` does.
fn served(published: &[Value]) -> Vec<(String, u64, u64)> {
    let mut found: Vec<(String, u64, u64)> = published
        .iter()
        .map(|d| {
            let at = |k: &str| d["range"]["start"][k].as_u64().unwrap() + 1;
            (
                d["code"].as_str().unwrap().to_string(),
                at("line"),
                at("character"),
            )
        })
        .collect();
    found.sort();
    found
}

/// An LSP position (line, UTF-16 code units) of a byte offset.
fn lsp_position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// A change of `from` (in `text`) to `to`, as an incremental-sync range; applies it.
fn range_edit(text: &mut String, from: &str, to: &str) -> Value {
    let at = text.find(from).unwrap_or_else(|| panic!("{from}"));
    let change = json!({
        "range": {"start": lsp_position(text, at), "end": lsp_position(text, at + from.len())},
        "text": to,
    });
    text.replace_range(at..at + from.len(), to);
    change
}

/// What `forge-spec check --format json spec` says of one file: (code, line, column).
fn checked(root: &Path, file: &str) -> Vec<(String, u64, u64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(["check", "--format", "json", "spec"])
        .current_dir(root)
        .output()
        .unwrap();
    let mut found: Vec<(String, u64, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["file"] == file)
        .map(|v| {
            let at = |k: &str| v[k].as_u64().unwrap();
            (
                v["code"].as_str().unwrap().to_string(),
                at("line"),
                at("column"),
            )
        })
        .collect();
    found.sort();
    found
}

/// Edits sent as ranges (incremental sync, what editors send), several per message,
/// after a character that is one UTF-16 unit but two bytes: the server's text is the
/// edited text, and its diagnostics are `check`'s for that text saved.
#[test]
fn edits_as_ranges_give_what_the_whole_text_gives() {
    let ws = workspace();
    let alerts = ws.path().join("spec/alerts.yaml");
    let uri = url(&alerts);
    let mut c = Client::start(ws.path());
    let _ = c.diagnostics_for(&uri);
    let mut text = std::fs::read_to_string(&alerts).unwrap();
    let _ = c.open(&uri, &text);
    let first = range_edit(
        &mut text,
        "AI Forge is unreachable.",
        "Ça, AI Forge is unreachable.",
    );
    c.change(&uri, 2, vec![first]);
    // After `Ç` (2 bytes, 1 UTF-16 unit) on the same line, then a misspelt metric and a
    // deleted comment line in one message.
    let second = range_edit(&mut text, "is unreachable.", "is down.");
    c.change(&uri, 3, vec![second]);
    let typo = range_edit(
        &mut text,
        "increase(ai_forge_training_jobs_failed_total)",
        "increase(ai_forge_training_job_failed_total)",
    );
    let comment = text.lines().nth(1).unwrap().to_string() + "\n";
    let gone = range_edit(&mut text, &comment, "");
    let live = c.change(&uri, 4, vec![typo, gone]);
    assert!(text.contains("summary: Ça, AI Forge is down."));
    let x002: Vec<&Value> = live.iter().filter(|d| d["code"] == "X002").collect();
    assert_eq!(x002.len(), 1, "{live:?}");
    let at = text.find("ai_forge_training_job_failed_total").unwrap();
    assert_eq!(x002[0]["range"]["start"], lsp_position(&text, at));
    // The same text saved: check says the same, code by code and place by place.
    std::fs::write(&alerts, &text).unwrap();
    assert_eq!(served(&live), checked(ws.path(), "spec/alerts.yaml"));
    c.shutdown();
}

/// Hover, definition, references, completion and rename on the shipped spec.
#[test]
fn navigation_and_completion() {
    let ws = workspace();
    let alerts = ws.path().join("spec/alerts.yaml");
    let uri = url(&alerts);
    let text = std::fs::read_to_string(&alerts).unwrap();
    let mut c = Client::start(ws.path());
    let _ = c.diagnostics_for(&uri);
    let at = position_of(&text, "http_request_duration_seconds");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("**metric** `http_request_duration_seconds`: histogram"),
        "{hover}"
    );
    assert!(
        shown.contains("unit `seconds`") && shown.contains("`route`: at most 50 values"),
        "{shown}"
    );
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    assert!(
        def["result"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("spec/metrics.yaml"),
        "{def}"
    );
    let metrics = std::fs::read_to_string(ws.path().join("spec/metrics.yaml")).unwrap();
    let line = metrics
        .lines()
        .position(|l| l.trim_start().starts_with("http_request_duration_seconds:"))
        .unwrap();
    assert_eq!(def["result"]["range"]["start"]["line"], line);
    // An alert: its PromQL. An SLO: objective and burn-rate windows.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position_of(&text, "HighLatency")}),
    );
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("```promql\nhistogram_quantile(0.95"),
        "{hover}"
    );
    let slos = std::fs::read_to_string(ws.path().join("spec/slos.yaml")).unwrap();
    let slos_uri = url(&ws.path().join("spec/slos.yaml"));
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": slos_uri}, "position": position_of(&slos, "availability")}),
    );
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("**SLO** `availability`: 99.9% over 30d") && shown.contains("14.4×"),
        "{shown}"
    );
    // A receiver: its kind, the routes that lead to it, the alerts it receives.
    let alerting = std::fs::read_to_string(ws.path().join("spec/alerting.yaml")).unwrap();
    let alerting_uri = url(&ws.path().join("spec/alerting.yaml"));
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": alerting_uri}, "position": position_of(&alerting, "pagerduty}")}),
    );
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("**receiver** `pagerduty`: PagerDuty")
            && shown.contains("routes: `severity=\"critical\"`")
            && shown.contains("AIForgeDown")
            && !shown.contains("HighLatency"),
        "{shown}"
    );
    // References: every use across files, the definition among them.
    let refs = c.request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": at, "context": {"includeDeclaration": true}}));
    let files: std::collections::BTreeSet<String> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["uri"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    for f in [
        "alerts.yaml",
        "metrics.yaml",
        "slos.yaml",
        "dashboards.yaml",
    ] {
        assert!(files.contains(f), "{f}: {files:?}");
    }
    // A histogram's `_bucket` series counts as a use (its name part is the range).
    let metrics_path = ws.path().join("spec/metrics.yaml");
    let metrics_text = std::fs::read_to_string(&metrics_path).unwrap();
    let r = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": url(&metrics_path)}, "position": position_of(&metrics_text, "ai_forge_training_job_duration_seconds:"), "context": {"includeDeclaration": true}}),
    );
    let dash: Vec<&Value> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["uri"].as_str().unwrap().ends_with("dashboards.yaml"))
        .collect();
    assert!(!dash.is_empty(), "the _bucket use in a panel: {r}");
    let width = dash[0]["range"]["end"]["character"].as_u64().unwrap()
        - dash[0]["range"]["start"]["character"].as_u64().unwrap();
    assert_eq!(
        width as usize,
        "ai_forge_training_job_duration_seconds".len()
    );
    // Rename: the same places, one edit each.
    let renamed = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": at, "newName": "http_latency_seconds"}),
    );
    let edits: usize = renamed["result"]["changes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_array().unwrap().len())
        .sum();
    assert_eq!(edits, refs["result"].as_array().unwrap().len());
    let bad = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": at, "newName": "has space"}),
    );
    assert!(bad.get("error").is_some(), "{bad}");
    // Completion: metrics, labels, closed values, functions, receivers, SLOs.
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    let labels: Vec<&str> = items["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for want in [
        "http_requests_total",
        "method",
        "\"GET\"",
        "histogram_quantile",
        "pagerduty",
        "availability",
        "30d",
    ] {
        assert!(labels.contains(&want), "{want}");
    }
    // Inside a selector: the metric's labels; after `label="`: its closed values.
    let in_braces = {
        let at = text.find("http_requests_total{code=").unwrap() + "http_requests_total{".len();
        let line = text[..at].matches('\n').count();
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        (line, col)
    };
    let names = |r: &Value| -> Vec<String> {
        r["result"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let r = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": in_braces.0, "character": in_braces.1}}));
    assert_eq!(
        names(&r),
        ["method", "route", "code", "job", "instance"],
        "{r}"
    );
    let r = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": in_braces.0, "character": in_braces.1 + "code=\"".len()}}));
    assert_eq!(names(&r), ["2xx", "3xx", "4xx", "5xx"], "{r}");
    // A fix a rule states (A005's ` for 5m`) is a quick fix too.
    let no_for = text.replacen("> 1s for 5m", "> 1s", 1);
    let d = c.open(&uri, &no_for);
    let a005 = d.iter().find(|d| d["code"] == "A005").expect("A005");
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": a005["range"], "context": {"diagnostics": []}}));
    let fix = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().ends_with("(A005)"))
        .expect("the A005 fix");
    assert_eq!(
        fix["edit"]["changes"][&uri][0]["newText"], " for 5m",
        "{fix}"
    );
    // A rule code in a comment or `allow:`: its documentation.
    let hover = describe_code(&mut c, ws.path());
    assert!(hover.contains("**A004** `missing-runbook`"), "{hover}");
    c.shutdown();
}

fn describe_code(c: &mut Client, root: &Path) -> String {
    let path = root.join("spec/alerts.yaml");
    let uri = url(&path);
    let text = std::fs::read_to_string(&path).unwrap() + "# A004\n";
    let _ = c.open(&uri, &text);
    let line = text.lines().count() - 1;
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 3}}),
    );
    hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Malformed requests and files that do not parse never stop the server: an error
/// answer, then it goes on serving.
#[test]
fn malformed_input_is_answered_not_fatal() {
    let ws = workspace();
    let uri = url(&ws.path().join("spec/alerts.yaml"));
    let mut c = Client::start(ws.path());
    let _ = c.diagnostics_for(&uri);
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request("textDocument/hover", json!("nonsense"));
    assert!(r.get("error").is_some(), "{r}");
    let r = c.request("forge/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": "file:///elsewhere.yaml"}, "position": {"line": 0, "character": 0}}));
    assert!(r.get("error").is_some(), "{r}");
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 99999, "character": 99999}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    // Broken YAML: a parse diagnostic, and the server still answers.
    let d = c.open(&uri, "alerts: [\n  \u{7}");
    assert!(
        d.iter()
            .any(|d| d["code"].as_str().unwrap().starts_with('P')),
        "{d:?}"
    );
    // A notification with no document, and a body that is not JSON-RPC.
    c.notify("textDocument/didChange", json!({}));
    c.send_raw("{\"jsonrpc\": \"2.0\", \"id\": 77, \"method\": \"textDocument/completion\", \"params\": {}}");
    let r = loop {
        let m = c.read();
        if m.get("id") == Some(&json!(77)) {
            break m;
        }
    };
    assert!(r.get("result").is_some() || r.get("error").is_some(), "{r}");
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(
        r["result"]["items"]
            .as_array()
            .is_some_and(|i| !i.is_empty()),
        "{r}"
    );
    c.shutdown();
}

/// A literal secret's quick fix is a command, not an edit that would drop the value:
/// executing it saves the value in `secrets/` (mode 0600) and then asks the client to
/// apply the edit that reads it from there; a second time, with the file holding the
/// value already, is harmless; a file holding another value refuses.
#[test]
fn a_literal_secret_is_moved_by_the_server_not_dropped() {
    let ws = workspace();
    let path = ws.path().join("spec/alerting.yaml");
    let uri = url(&path);
    let url_secret = "https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx";
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "api_url_file: /etc/alertmanager/secrets/slack-webhook-url",
        &format!("api_url: '{url_secret}'"),
    );
    std::fs::write(&path, &text).unwrap();
    let mut c = Client::start(ws.path());
    let published = c.diagnostics_for(&uri);
    let l001: Vec<&Value> = published.iter().filter(|d| d["code"] == "L001").collect();
    assert_eq!(l001.len(), 1, "{published:?}");
    assert!(!l001[0]["message"].as_str().unwrap().contains(url_secret));
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": l001[0]["range"], "context": {"diagnostics": []}}),
    );
    let action = &actions["result"][0];
    assert!(action.get("edit").is_none(), "{action}");
    assert!(!action.to_string().contains(url_secret), "{action}");
    let command = &action["command"];
    assert_eq!(command["command"], "forge-spec.moveSecret");
    let run = |c: &mut Client| {
        c.request(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
    };
    let done = run(&mut c);
    assert!(done.get("error").is_none(), "{done}");
    let secret = ws.path().join("secrets/slack-api-url");
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        format!("{url_secret}\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let apply = c.read();
    assert_eq!(apply["method"], "workspace/applyEdit", "{apply}");
    let edit = &apply["params"]["edit"]["changes"][&uri][0];
    assert_eq!(
        edit["newText"],
        "api_url_file: /etc/alertmanager/secrets/slack-api-url"
    );
    let at = text.find("api_url:").unwrap();
    assert_eq!(
        edit["range"]["start"]["character"],
        json!(at - text[..at].rfind('\n').unwrap() - 1)
    );
    // Again: the file holds the value, fine. With another value: refused.
    assert!(run(&mut c).get("error").is_none());
    let _ = c.read();
    std::fs::write(&secret, "another\n").unwrap();
    let refused = run(&mut c);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("holds another value"),
        "{refused}"
    );
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "another\n");
    c.shutdown();
}

/// Many edits in a row, each a range in a different definition (so each is read on top
/// of the last incremental reading): typing, a deleted line, a renamed alert, a new
/// alert, a comment, mistakes early and late in the file. The diagnostics after them
/// are `check`'s for the final text, place by place — every span moved right.
#[test]
fn chained_edits_keep_every_span_right() {
    let ws = workspace();
    let alerts = ws.path().join("spec/alerts.yaml");
    let uri = url(&alerts);
    let mut c = Client::start(ws.path());
    let _ = c.diagnostics_for(&uri);
    let mut text = std::fs::read_to_string(&alerts).unwrap();
    let _ = c.open(&uri, &text);
    let steps: &[(&str, &str)] = &[
        ("AI Forge is unreachable.", "AI Forge cannot be reached."),
        (
            "    description: The probe of {{ $labels.instance }} has failed for 1 minute.\n",
            "",
        ),
        ("  HighMemoryUsage:", "  HighMemoryUse:"),
        ("> 12GB for 5m", "> 16GB for 10m"),
        (
            "  TrainingJobStuck:",
            "  # Jobs that never end.\n  TrainingJobStuck:",
        ),
        ("up(ollama) == 0", "up(olama) == 0"),
        (
            "  TrainingJobFailed:",
            "  QueueLong:\n    severity: warning\n    condition: ai_forge_training_queue_size > 10 for 15m\n    summary: The queue is long.\n    runbook: runbooks/queue.md\n  TrainingJobFailed:",
        ),
        (
            "ai_forge_training_longest_running_job_seconds > 2h",
            "ai_forge_training_longest_running_jobs_seconds > 2h",
        ),
        ("A training job failed.", "A training job has failed."),
    ];
    let mut live = Vec::new();
    for (i, (from, to)) in steps.iter().enumerate() {
        let change = range_edit(&mut text, from, to);
        live = c.change(&uri, i + 2, vec![change]);
    }
    let found = served(&live);
    assert!(
        found.iter().filter(|d| d.0 == "X002").count() >= 1,
        "{found:?}"
    );
    std::fs::write(&alerts, &text).unwrap();
    assert_eq!(found, checked(ws.path(), "spec/alerts.yaml"));
    c.shutdown();
}

/// The outline: every definition of a document, with its section, at its key.
#[test]
fn document_symbols_are_the_definitions_of_the_file() {
    let ws = workspace();
    let mut c = Client::start(ws.path());
    // (file, section, a definition, whether every key indented two spaces is one)
    for (file, section, name, all_keys) in [
        ("spec/alerts.yaml", "alerts", "TrainingJobStuck", true),
        ("spec/metrics.yaml", "metrics", "http_requests_total", true),
        ("spec/alerting.yaml", "receivers", "pagerduty", false),
        ("spec/logs.yaml", "logs.events", "training_failed", false),
    ] {
        let path = ws.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let r = c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": url(&path)}}),
        );
        let symbols = r["result"].as_array().unwrap();
        let found = symbols
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {r}"));
        assert_eq!(found["containerName"], section);
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{name}:")))
            .unwrap();
        assert_eq!(found["location"]["range"]["start"]["line"], line, "{found}");
        if all_keys {
            let keys = text
                .lines()
                .filter(|l| {
                    l.starts_with("  ") && !l.starts_with("   ") && l.trim_end().ends_with(':')
                })
                .count();
            assert_eq!(symbols.len(), keys, "{r}");
        }
    }
    c.shutdown();
}

/// Workspace symbols: definitions of every file of the spec whose name holds the query,
/// ignoring case, each at its key in its own file.
#[test]
fn workspace_symbols_find_definitions_across_files() {
    let ws = workspace();
    let mut c = Client::start(ws.path());
    let r = c.request("workspace/symbol", json!({"query": "highl"}));
    let found = r["result"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{r}");
    assert_eq!(found[0]["name"], "HighLatency");
    assert!(
        found[0]["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("spec/alerts.yaml")
    );
    let r = c.request("workspace/symbol", json!({"query": "training"}));
    let files: std::collections::BTreeSet<&str> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["containerName"].as_str().unwrap())
        .collect();
    // Training metrics, SLO, alerts, dashboard and log events.
    for section in ["metrics", "alerts", "logs.events"] {
        assert!(files.contains(section), "{section} in {r}");
    }
    let all = c.request("workspace/symbol", json!({"query": ""}));
    assert!(all["result"].as_array().unwrap().len() > 30, "{all}");
    let bad = c.request("workspace/symbol", json!({}));
    assert!(bad.get("error").is_some(), "{bad}");
    c.shutdown();
}
