//! `forge-spec lsp`: the whole compiler in the editor, over the Language Server
//! Protocol on stdio (transport: `lsp-server`; message types: `lsp-types`).
//!
//! - Diagnostics: on open, change and save, the spec directory is compiled with the
//!   editor's unsaved texts in place of the files on disk — the same stages and the same
//!   findings as `forge-spec check`, each with its code, related locations and help —
//!   and published for every file of the spec (an empty list clears a file).
//! - Hover: a metric's type, unit, labels and help; an SLO's objective, window and
//!   burn-rate windows; an alert's severity and the PromQL its condition lowers to; a
//!   receiver's kind; a rule code's documentation; a function's signature.
//! - Go to definition, find references and rename of metrics, SLOs, alerts, receivers,
//!   dashboards and targets, across the spec's files (references are the name's
//!   whole-word occurrences).
//! - Outline (document symbols): a file's definitions, by section; workspace symbols:
//!   the definitions of every file whose name holds the query.
//! - Completion: metric, label, closed label value, function, receiver, SLO names,
//!   durations and units.
//! - Code actions: the replacement a diagnostic suggests (did-you-mean), the edits a
//!   rule states (A005's `for`), and for a literal secret (L001) a command that saves the
//!   value in `secrets/` and only then asks the client to apply the edit reading it
//!   from there.
//!
//! Incremental where typing is: changes arrive as ranges; a file is read again from
//! its edit on ([`crate::syntax::incremental`]: one definition or section, the other
//! spans moved); expressions read before come from a memo ([`crate::expr::Memo`]); the
//! emission and scan of the output wait for a pause ([`QUIET`]). Resolution and the
//! checks run on the whole spec.
//!
//! A malformed request gets an error response and the server keeps serving; a spec
//! that does not parse gets its parse diagnostics.

mod analysis;
mod convert;
use convert::*;

use crate::source::{self, SourceFile, SourceSet, Span};
use crate::{Compilation, Options, diag, rules};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Url;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The command of the quick fix of a literal secret: the server saves the value in the
/// secrets directory, then asks the client to apply the spec's edit.
const MOVE_SECRET: &str = "forge-spec.moveSecret";

/// How long the client must be silent before the rest of `check` runs (emitting the
/// output and scanning it, which takes ten times a keystroke's compilation).
const QUIET: std::time::Duration = std::time::Duration::from_millis(250);

/// Runs the server on stdin and stdout until the client says `exit`.
pub fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (connection, io) = crate::framing::stdio()?;
    let (id, params) = connection.initialize_start()?;
    let root = root_of(&params);
    if let Some(root) = &root {
        std::env::set_current_dir(root)?;
    }
    connection.initialize_finish(
        id,
        json!({
            "capabilities": capabilities(),
            "serverInfo": {"name": "forge-spec", "version": env!("CARGO_PKG_VERSION")},
        }),
    )?;
    let mut server = Server::new(std::env::current_dir()?);
    server.compile();
    server.complete();
    server.publish(&connection)?;
    server.prepare();
    loop {
        // The rest of `check` waits for a pause in the typing.
        let message = if server.complete_pending {
            match connection.receiver.recv_timeout(QUIET) {
                Ok(m) => m,
                Err(e) if e.is_timeout() => {
                    if server.complete() {
                        server.publish(&connection)?;
                    }
                    continue;
                }
                Err(_) => break,
            }
        } else {
            match connection.receiver.recv() {
                Ok(m) => m,
                Err(_) => break,
            }
        };
        match message {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    break;
                }
                let response = server.request(req);
                connection.sender.send(Message::Response(response))?;
                for m in std::mem::take(&mut server.outbox) {
                    connection.sender.send(m)?;
                }
            }
            Message::Notification(n) => {
                if server.notification(n) {
                    crate::stage("compile", || server.compile());
                    crate::stage("publish", || server.publish(&connection))?;
                }
            }
            Message::Response(_) => {}
        }
        server.replaced = None;
        if connection.receiver.is_empty() {
            server.prepare();
        }
    }
    drop(connection);
    io.join()?;
    Ok(())
}

/// Every string of an answer made safe to show (secrets masked, control characters
/// neutralised): a hover, a completion's detail or a symbol never carries a spec's
/// literal secret to the editor. The texts of edits (`newText`) are the spec's own and
/// are left as they are.
fn redact_json(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(safe) = crate::secrets::redact(s) {
                *s = safe;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                if k != "newText" {
                    redact_json(item);
                }
            }
        }
        _ => {}
    }
}

fn capabilities() -> Value {
    json!({
        // Changes as edited ranges (incremental sync).
        "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "renameProvider": true,
        "documentSymbolProvider": true,
        "workspaceSymbolProvider": true,
        "codeActionProvider": {"codeActionKinds": ["quickfix"]},
        "executeCommandProvider": {"commands": [MOVE_SECRET]},
        "completionProvider": {"triggerCharacters": ["(", "{", ",", "=", "\"", " "]},
    })
}

/// The workspace root the client names (`rootUri`, else the first workspace folder).
fn root_of(params: &Value) -> Option<PathBuf> {
    let uri = params
        .get("rootUri")
        .and_then(Value::as_str)
        .or_else(|| params.pointer("/workspaceFolders/0/uri")?.as_str())?;
    Url::parse(uri).ok()?.to_file_path().ok()
}

/// Places in the spec: a document's URI and an LSP range in it.
type Places = Vec<(String, Value)>;

/// One file as the server last read it.
struct Read {
    id: source::FileId,
    text: String,
    parsed: crate::syntax::Parsed,
    /// A copy of `parsed` made while the client was quiet, which the next compilation
    /// consumes (copying every parsed file takes milliseconds a keystroke need not wait).
    spare: Option<crate::syntax::Parsed>,
}

struct Server {
    root: PathBuf,
    /// What is compiled: `spec/` under the root when it exists, else the root.
    spec: PathBuf,
    /// Unsaved texts, by file name relative to the root.
    open: HashMap<String, String>,
    last: Option<Compilation>,
    /// The last compilation has not been emitted and scanned yet.
    complete_pending: bool,
    /// How each file was read at the last compilation, by name.
    parsed: HashMap<String, Read>,
    /// Files that had diagnostics at the last publication (to clear them).
    published: BTreeSet<String>,
    /// Expressions read by earlier compilations.
    expressions: std::sync::Arc<crate::expr::Memo>,
    /// Requests to the client, sent after the response to the request being answered,
    /// and how many were sent (their ids).
    outbox: Vec<Message>,
    sent: u64,
    /// The compilation replaced by the last one: dropped once its successor's
    /// diagnostics are out, not before (freeing a large model takes milliseconds).
    replaced: Option<Compilation>,
}

impl Server {
    fn new(root: PathBuf) -> Self {
        let spec = if root.join("spec").is_dir() {
            PathBuf::from("spec")
        } else {
            PathBuf::from(".")
        };
        Server {
            root,
            spec,
            open: HashMap::new(),
            last: None,
            complete_pending: false,
            parsed: HashMap::new(),
            published: BTreeSet::new(),
            expressions: std::sync::Arc::default(),
            replaced: None,
            outbox: Vec::new(),
            sent: 0,
        }
    }

    /// Compiles the spec directory with the unsaved texts in place of the files:
    /// parsing only the files whose text changed since the last compilation, and
    /// without emitting (see [`Server::complete`]).
    fn compile(&mut self) {
        let (files, mut refused) = match source::load(std::slice::from_ref(&self.spec)) {
            Ok((sources, refused)) => (sources.files, refused),
            Err(_) => (Vec::new(), Vec::new()),
        };
        // A file refused on disk but open in the editor is judged by its unsaved text.
        refused.retain(|r| !self.open.contains_key(&r.name));
        let mut texts: Vec<(String, String)> =
            files.into_iter().map(|f| (f.name, f.text)).collect();
        for (name, text) in &self.open {
            match texts.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1.clone_from(text),
                None if self.in_spec(name) => texts.push((name.clone(), text.clone())),
                None => {}
            }
        }
        texts.sort();
        // An unsaved text gets the budgets a file on disk gets (P008, not a stall).
        texts.retain(|(name, text)| match source::over_budget(name, text) {
            Some(r) => {
                refused.push(r);
                false
            }
            None => true,
        });
        // An organisation (services/<name>/…) is compiled whole.
        if texts
            .iter()
            .any(|(n, _)| crate::org::service_of(n).is_some())
        {
            let refs: Vec<(&str, &str)> = texts
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let opts = self.options();
            let mut comp = crate::compile_str(&refs, &opts);
            crate::report_refused(&mut comp, refused);
            self.replaced = self.last.replace(comp);
            self.complete_pending = true;
            return;
        }
        let mut sources = SourceSet::default();
        let mut parsed = Vec::with_capacity(texts.len());
        let mut cache = HashMap::with_capacity(texts.len());
        for (name, text) in texts {
            let id = sources.add(SourceFile::new(name.clone(), text));
            let Some(file) = sources.get(id) else {
                continue;
            };
            // A file read before as the same source is read again from its edit on.
            let (p, spare) = match self.parsed.remove(&name) {
                Some(read) if read.id == id && read.text == file.text => (read.parsed, read.spare),
                Some(read) if read.id == id => (
                    crate::syntax::incremental::reparse(id, &read.text, read.parsed, file),
                    None,
                ),
                _ => (crate::syntax::parse_spec(id, file), None),
            };
            parsed.push(spare.unwrap_or_else(|| p.clone()));
            let read = Read {
                id,
                text: file.text.clone(),
                parsed: p,
                spare: None,
            };
            cache.insert(name, read);
        }
        self.parsed = cache;
        let opts = self.options();
        let mut comp = crate::compile_parsed(sources, parsed, "spec", &opts);
        crate::report_refused(&mut comp, refused);
        self.replaced = self.last.replace(comp);
        self.complete_pending = true;
    }

    /// While the client is quiet: the copies of the parsed files the next compilation
    /// will consume.
    fn prepare(&mut self) {
        for read in self.parsed.values_mut() {
            if read.spare.is_none() {
                read.spare = Some(read.parsed.clone());
            }
        }
    }

    /// The options of a compilation, which reads expressions through the memo (and
    /// starts its next generation).
    fn options(&self) -> Options {
        self.expressions.next_generation();
        Options {
            expressions: Some(self.expressions.clone()),
            ..Options::default()
        }
    }

    /// What `check` adds to the compilation: a spec without errors is emitted and its
    /// output scanned (literal secrets, engine limits). Run after a pause of [`QUIET`]
    /// in the client's messages, so that typing is not held up by it; true when it
    /// found something.
    fn complete(&mut self) -> bool {
        if !std::mem::take(&mut self.complete_pending) {
            return false;
        }
        let Some(comp) = &mut self.last else {
            return false;
        };
        if comp.diagnostics.has_errors() {
            return false;
        }
        let before = comp.diagnostics.items.len();
        let _ = crate::emit_checked(comp);
        comp.diagnostics.items.len() != before
    }

    fn in_spec(&self, name: &str) -> bool {
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        yaml && (self.spec == Path::new(".") || Path::new(name).starts_with(&self.spec))
    }

    /// The file name (relative to the root) of a document: `None` for a URI that is
    /// not a file under the root (`..` in any form, `%2F..%2F` decoded included, is
    /// never resolved: such a name is refused, not followed out of the workspace).
    fn name_of(&self, uri: &str) -> Option<String> {
        let path = Url::parse(uri).ok()?.to_file_path().ok()?;
        let rel = path.strip_prefix(&self.root).ok()?;
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        (plain && !rel.as_os_str().is_empty()).then(|| rel.to_string_lossy().into_owned())
    }

    fn uri_of(&self, name: &str) -> Option<String> {
        Url::from_file_path(self.root.join(name))
            .ok()
            .map(|u| u.to_string())
    }

    /// Takes a notification; true when the spec must be compiled again.
    fn notification(&mut self, n: Notification) -> bool {
        let uri = n
            .params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .and_then(|u| self.name_of(u));
        let Some(name) = uri else {
            return false;
        };
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Some(text) = n
                    .params
                    .pointer("/textDocument/text")
                    .and_then(Value::as_str)
                {
                    self.open.insert(name, text.to_string());
                }
                true
            }
            "textDocument/didChange" => {
                // Changes to a document the client did not open apply to the file.
                // Read as `check` reads a spec file: a regular file (no FIFO waited on,
                // no link followed) within the size budget, else the change is ignored.
                if !self.open.contains_key(&name) {
                    let path = self.root.join(&name);
                    let Ok(bytes) =
                        crate::write::read_regular(&path, crate::source::MAX_FILE_BYTES)
                    else {
                        return false;
                    };
                    let Ok(text) = String::from_utf8(bytes) else {
                        return false;
                    };
                    self.open.insert(name.clone(), text);
                }
                let Some(text) = self.open.get_mut(&name) else {
                    return false;
                };
                let changes = n.params.get("contentChanges").and_then(Value::as_array);
                for change in changes.into_iter().flatten() {
                    apply_change(text, change);
                }
                true
            }
            "textDocument/didClose" => {
                self.open.remove(&name);
                true
            }
            "textDocument/didSave" => true,
            _ => false,
        }
    }

    /// Publishes the diagnostics of every file of the spec.
    fn publish(
        &mut self,
        connection: &Connection,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let Some(comp) = &self.last else {
            return Ok(());
        };
        let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for f in &comp.sources.files {
            if !f.name.starts_with('<') {
                by_file.entry(f.name.clone()).or_default();
            }
        }
        for d in &comp.diagnostics.items {
            if d.severity == diag::Severity::Allow {
                continue;
            }
            let Some(file) = comp.sources.get(d.primary.span.file) else {
                continue;
            };
            if let Some(v) = self.lsp_diagnostic(d, &comp.sources) {
                by_file.entry(file.name.clone()).or_default().push(v);
            }
        }
        for gone in std::mem::take(&mut self.published) {
            by_file.entry(gone).or_default();
        }
        for (name, diagnostics) in by_file {
            let Some(uri) = self.uri_of(&name) else {
                continue;
            };
            if !diagnostics.is_empty() {
                self.published.insert(name);
            }
            let mut params = json!({"uri": uri, "diagnostics": diagnostics});
            redact_json(&mut params);
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    params,
                )))?;
        }
        Ok(())
    }

    fn lsp_diagnostic(&self, d: &diag::Diagnostic, sources: &SourceSet) -> Option<Value> {
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        let related: Vec<Value> = d
            .secondary
            .iter()
            .filter_map(|l| {
                let file = sources.get(l.span.file)?;
                Some(json!({
                    "location": {"uri": self.uri_of(&file.name)?, "range": range(file, l.span)},
                    "message": l.message,
                }))
            })
            .collect();
        let file = sources.get(d.primary.span.file)?;
        Some(json!({
            "range": range(file, d.primary.span),
            "severity": if d.is_error() { 1 } else { 2 },
            "code": d.code.code,
            "source": "forge-spec",
            "message": message,
            "relatedInformation": related,
            "data": {"suggestion": d.suggestion, "name": d.code.name},
        }))
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/hover" => self.hover(&req.params),
            "textDocument/definition" => self.definition(&req.params),
            "textDocument/references" => self.references(&req.params),
            "textDocument/completion" => self.completion(&req.params),
            "textDocument/codeAction" => self.code_actions(&req.params),
            "textDocument/rename" => self.rename(&req.params),
            "textDocument/documentSymbol" => self.symbols(&req.params),
            "workspace/symbol" => self.workspace_symbols(&req.params),
            "workspace/executeCommand" => self.execute(&req.params),
            other => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("forge-spec does not answer `{other}`"),
                );
            }
        };
        match result {
            Ok(mut value) => {
                redact_json(&mut value);
                Response::new_ok(id, value)
            }
            Err(message) => invalid(id, crate::secrets::redact(&message).into_owned()),
        }
    }

    /// A request's `textDocument`: its URI, and its file name relative to the root.
    fn document<'p>(&self, params: &'p Value) -> Result<(&'p str, String), String> {
        let uri = params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .ok_or("missing textDocument.uri")?;
        let name = self.name_of(uri).ok_or("not a file of the workspace")?;
        Ok((uri, name))
    }
}

impl Server {
    /// `workspace/executeCommand` of [`MOVE_SECRET`]: saves the secret of the literal-secret
    /// diagnostic at the argument's place in `secrets/` beside the root's output, then
    /// asks the client to apply the edit that reads it from there.
    fn execute(&mut self, params: &Value) -> Result<Value, String> {
        if params.get("command").and_then(Value::as_str) != Some(MOVE_SECRET) {
            return Err("unknown command".into());
        }
        let arg = params.pointer("/arguments/0").ok_or("missing argument")?;
        let comp = self.last.as_ref().ok_or("the spec is not compiled")?;
        let uri = arg
            .get("uri")
            .and_then(Value::as_str)
            .ok_or("missing uri")?;
        let name = self.name_of(uri).ok_or("not a file of the workspace")?;
        let range_arg = arg.get("range").ok_or("missing range")?;
        let (d, file) = comp
            .diagnostics
            .items
            .iter()
            .filter_map(|d| Some((d, comp.sources.get(d.primary.span.file)?)))
            .find(|(d, f)| f.name == name && &range(f, d.primary.span) == range_arg)
            .ok_or("no literal secret there now")?;
        let secret = crate::fix::moved_secret(d, &comp.sources).ok_or("no literal secret there")?;
        let dir = crate::write::secrets_dir(&self.root.join("generated"));
        match crate::fix::save_secret(&dir, &secret) {
            Ok(true) => {}
            Ok(false) => return Err(format!("secrets/{} holds another value", secret.name)),
            Err(e) => return Err(format!("cannot write secrets/{}: {e}", secret.name)),
        }
        let edits = text_edits(file, d);
        self.sent += 1;
        self.outbox.push(Message::Request(Request::new(
            RequestId::from(format!("forge-spec/{}", self.sent)),
            "workspace/applyEdit".into(),
            json!({"label": format!("secret moved to secrets/{}", secret.name), "edit": {"changes": {uri: edits}}}),
        )));
        Ok(Value::Null)
    }
}

fn invalid(id: RequestId, message: String) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, message)
}
