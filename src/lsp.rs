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

    /// `textDocument/documentSymbol`: the document's definitions, section by section
    /// (the editor's outline).
    fn symbols(&self, params: &Value) -> Result<Value, String> {
        let (_, name) = self.document(params)?;
        let comp = self.last.as_ref().ok_or("the spec is not compiled")?;
        let id = comp
            .sources
            .ids()
            .find(|id| comp.sources.get(*id).is_some_and(|f| f.name == name))
            .ok_or("not a file of the spec")?;
        Ok(Value::Array(self.file_symbols(comp, id)))
    }

    /// `workspace/symbol`: the definitions of every file of the spec whose name holds
    /// the query (ignoring case; all of them for an empty query).
    fn workspace_symbols(&self, params: &Value) -> Result<Value, String> {
        let query = params
            .get("query")
            .and_then(Value::as_str)
            .ok_or("missing query")?
            .to_lowercase();
        let comp = self.last.as_ref().ok_or("the spec is not compiled")?;
        let found: Vec<Value> = comp
            .sources
            .ids()
            .flat_map(|id| self.file_symbols(comp, id))
            .filter(|s| {
                s["name"]
                    .as_str()
                    .is_some_and(|n| n.to_lowercase().contains(&query))
            })
            .collect();
        Ok(Value::Array(found))
    }

    /// The definitions of one file of the compilation, as LSP symbol informations.
    fn file_symbols(&self, comp: &Compilation, id: source::FileId) -> Vec<Value> {
        let Some(file) = comp.sources.get(id) else {
            return Vec::new();
        };
        let Some(uri) = self
            .uri_of(&file.name)
            .filter(|_| !file.name.starts_with('<'))
        else {
            return Vec::new();
        };
        let read;
        let spec = match self.parsed.get(&file.name).filter(|r| r.text == file.text) {
            Some(r) => r.parsed.file.as_ref(),
            None => {
                read = crate::syntax::parse_spec(id, file);
                read.file.as_ref()
            }
        };
        let Some(spec) = spec else {
            return Vec::new();
        };
        fn keys<V>(m: &crate::syntax::Map<V>) -> Vec<&crate::syntax::Spanned<String>> {
            m.0.iter().map(|(k, _)| k).collect()
        }
        // LSP symbol kinds: 19 object, 13 variable, 14 constant, 24 event, 12 function,
        // 3 namespace, 11 interface, 1 file, 5 class.
        let sections = [
            ("targets", 19, keys(&spec.targets)),
            ("metrics", 13, keys(&spec.metrics)),
            ("slos", 14, keys(&spec.slos)),
            ("alerts", 24, keys(&spec.alerts)),
            ("records", 12, keys(&spec.records)),
            ("groups", 3, keys(&spec.groups)),
            ("receivers", 11, keys(&spec.receivers)),
            ("dashboards", 1, keys(&spec.dashboards)),
            ("teams", 5, keys(&spec.teams)),
            (
                "logs.events",
                24,
                spec.logs
                    .as_ref()
                    .map(|l| keys(&l.events))
                    .unwrap_or_default(),
            ),
        ];
        sections
            .into_iter()
            .flat_map(|(section, kind, keys)| {
                let uri = uri.clone();
                keys.into_iter().map(move |k| {
                    json!({
                        "name": k.value,
                        "kind": kind,
                        "location": {"uri": uri, "range": range(file, k.span)},
                        "containerName": section,
                    })
                })
            })
            .collect()
    }

    /// The compiled file behind a request's `textDocument`, and the byte offset of its
    /// `position`.
    fn at(&self, params: &Value) -> Result<(&Compilation, &SourceFile, usize), String> {
        let comp = self.last.as_ref().ok_or("the spec is not compiled")?;
        let (_, name) = self.document(params)?;
        let file = comp
            .sources
            .files
            .iter()
            .find(|f| f.name == name)
            .ok_or("not a file of the spec")?;
        let line = params
            .pointer("/position/line")
            .and_then(Value::as_u64)
            .ok_or("missing position.line")?;
        let character = params
            .pointer("/position/character")
            .and_then(Value::as_u64)
            .ok_or("missing position.character")?;
        Ok((comp, file, offset(file, line, character)))
    }

    fn hover(&self, params: &Value) -> Result<Value, String> {
        let (comp, file, at) = self.at(params)?;
        let Some((word, span)) = word_at(&file.text, at) else {
            return Ok(Value::Null);
        };
        let Some(text) = describe(comp, word) else {
            return Ok(Value::Null);
        };
        Ok(json!({
            "contents": {"kind": "markdown", "value": text},
            "range": range(file, Span::new(source::FileId::default(), span.0, span.1)),
        }))
    }

    fn definition(&self, params: &Value) -> Result<Value, String> {
        let (comp, file, at) = self.at(params)?;
        let Some((word, _)) = word_at(&file.text, at) else {
            return Ok(Value::Null);
        };
        Ok(match definition_of(comp, word) {
            Some(span) => self.location(&comp.sources, span).unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    fn location(&self, sources: &SourceSet, span: Span) -> Option<Value> {
        let file = sources.get(span.file)?;
        Some(json!({"uri": self.uri_of(&file.name)?, "range": range(file, span)}))
    }

    /// Every whole-word occurrence of the defined name under the cursor.
    fn occurrences(&self, params: &Value) -> Result<Option<Places>, String> {
        let (comp, file, at) = self.at(params)?;
        let Some((word, _)) = word_at(&file.text, at) else {
            return Ok(None);
        };
        if definition_of(comp, word).is_none() {
            return Ok(None);
        }
        // A histogram's or summary's series (`x_bucket`, `x_sum`, `x_count`) name it too.
        let series: &[&str] = match comp
            .model
            .as_ref()
            .and_then(|m| m.metrics.iter().find(|x| x.name.value == word))
            .map(|x| x.kind)
        {
            Some(crate::expr::MetricKind::Histogram) => &["_bucket", "_sum", "_count"],
            Some(crate::expr::MetricKind::Summary) => &["_sum", "_count"],
            _ => &[],
        };
        let mut found = Vec::new();
        for f in comp
            .sources
            .files
            .iter()
            .filter(|f| !f.name.starts_with('<'))
        {
            let Some(uri) = self.uri_of(&f.name) else {
                continue;
            };
            for (start, _) in f.text.match_indices(word) {
                let end = start + word.len();
                let before = f.text[..start].chars().next_back();
                let rest = &f.text[end..];
                let rest = series
                    .iter()
                    .find_map(|s| rest.strip_prefix(s))
                    .unwrap_or(rest);
                let mut after = rest.chars();
                // `name:` (a YAML key) ends the name; `name:x` (a longer name) does not.
                let joined = match after.next() {
                    Some(':') => after.next().is_some_and(is_word),
                    Some(c) => is_word(c),
                    None => false,
                };
                if before.is_some_and(is_word) || joined {
                    continue;
                }
                let span = Span::new(source::FileId::default(), start, end);
                found.push((uri.clone(), range(f, span)));
            }
        }
        Ok(Some(found))
    }

    fn references(&self, params: &Value) -> Result<Value, String> {
        Ok(match self.occurrences(params)? {
            Some(found) => Value::Array(
                found
                    .into_iter()
                    .map(|(uri, range)| json!({"uri": uri, "range": range}))
                    .collect(),
            ),
            None => Value::Null,
        })
    }

    fn rename(&self, params: &Value) -> Result<Value, String> {
        let new = params
            .get("newName")
            .and_then(Value::as_str)
            .ok_or("missing newName")?;
        if new.is_empty() || !new.chars().all(is_word) {
            return Err(format!("`{new}` is not a name the spec can use"));
        }
        let Some(found) = self.occurrences(params)? else {
            return Err("no metric, SLO, alert, receiver, dashboard or target here".into());
        };
        let mut changes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (uri, range) in found {
            changes
                .entry(uri)
                .or_default()
                .push(json!({"range": range, "newText": new}));
        }
        Ok(json!({"changes": changes}))
    }

    fn completion(&self, params: &Value) -> Result<Value, String> {
        if let Ok((comp, file, at)) = self.at(params) {
            let line_start = file.text[..at].rfind('\n').map_or(0, |i| i + 1);
            if let Some(items) = selector_completion(comp, &file.text[line_start..at]) {
                return Ok(json!({"isIncomplete": false, "items": items}));
            }
        }
        let comp = self.last.as_ref().ok_or("the spec is not compiled")?;
        let mut items = Vec::new();
        let mut item = |label: String, kind: u32, detail: String| {
            items.push(json!({"label": label, "kind": kind, "detail": detail}));
        };
        if let Some(m) = &comp.model {
            let mut labels: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for mt in &m.metrics {
                item(
                    mt.name.value.clone(),
                    6,
                    format!("{} metric", mt.kind.as_str()),
                );
                for l in &mt.labels {
                    let values = labels.entry(l.name.value.as_str()).or_default();
                    values.extend(l.values.iter().flatten().map(|v| v.value.as_str()));
                }
            }
            for (label, values) in labels {
                item(label.to_string(), 10, "label".into());
                for v in values {
                    item(format!("\"{v}\""), 12, format!("value of `{label}`"));
                }
            }
            for s in &m.slos {
                item(s.name.value.clone(), 18, "SLO".into());
            }
            for r in &m.receivers {
                item(r.name.value.clone(), 18, "receiver".into());
            }
        }
        for f in crate::expr::functions::FUNCTIONS {
            item(
                f.name.to_string(),
                3,
                format!("function of {} argument(s)", f.args.len()),
            );
        }
        for d in [
            "1m", "5m", "10m", "30m", "1h", "6h", "1d", "3d", "7d", "30d",
        ] {
            item(d.to_string(), 21, "duration".into());
        }
        for u in crate::syntax::closed::UNITS {
            item((*u).to_string(), 21, "unit".into());
        }
        Ok(json!({"isIncomplete": false, "items": items}))
    }

    /// The replacements the diagnostics in the range suggest, as quick fixes.
    fn code_actions(&self, params: &Value) -> Result<Value, String> {
        let comp = self.last.as_ref().ok_or("the spec is not compiled")?;
        let (uri, name) = self.document(params)?;
        let start_line = params
            .pointer("/range/start/line")
            .and_then(Value::as_u64)
            .ok_or("missing range")?;
        let end_line = params
            .pointer("/range/end/line")
            .and_then(Value::as_u64)
            .unwrap_or(start_line);
        let mut actions = Vec::new();
        for d in &comp.diagnostics.items {
            // The diagnostic's file, if it is this document and starts in the range.
            let Some(file) = comp.sources.get(d.primary.span.file) else {
                continue;
            };
            let r = range(file, d.primary.span);
            let line = r
                .pointer("/start/line")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            if file.name != name || line < start_line || line > end_line {
                continue;
            }
            // A literal secret is moved by the server (a command), never dropped.
            if let Some(secret) = crate::fix::moved_secret(d, &comp.sources) {
                let title = format!(
                    "Move the secret to secrets/{} and read it from there ({})",
                    secret.name, d.code.code
                );
                actions.push(json!({
                    "title": title,
                    "kind": "quickfix",
                    "diagnostics": [self.lsp_diagnostic(d, &comp.sources)],
                    "command": {"title": title, "command": MOVE_SECRET, "arguments": [{"uri": uri, "range": r}]},
                }));
                continue;
            }
            if d.masks_span {
                continue;
            }
            // The fix the rule states as span edits, else the did-you-mean replacement.
            let (title, edits) = if !d.edits.is_empty() {
                let edits = text_edits(file, d);
                let what = d.help.as_deref().unwrap_or(d.code.name);
                (format!("Fix: {what} ({})", d.code.code), edits)
            } else if let Some(suggestion) = &d.suggestion
                && crate::fix::plausible(comp.sources.slice(d.primary.span), suggestion)
            {
                let edits = vec![json!({"range": r, "newText": suggestion})];
                (
                    format!("Replace with `{suggestion}` ({})", d.code.code),
                    edits,
                )
            } else {
                continue;
            };
            actions.push(json!({
                "title": title,
                "kind": "quickfix",
                "diagnostics": [self.lsp_diagnostic(d, &comp.sources)],
                "isPreferred": true,
                "edit": {"changes": {uri: edits}},
            }));
        }
        Ok(Value::Array(actions))
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

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-'
}

/// The name under a byte offset, with its byte range.
fn word_at(text: &str, at: usize) -> Option<(&str, (usize, usize))> {
    let at = at.min(text.len());
    if !text.is_char_boundary(at) {
        return None;
    }
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = at
        + text[at..]
            .find(|c: char| !is_word(c))
            .unwrap_or(text.len() - at);
    // A YAML key's colon (`HighLatency:`) is not part of the name.
    let end = start + text[start..end].trim_end_matches(':').len();
    (end > start).then(|| (&text[start..end], (start, end)))
}

/// A byte offset from an LSP position (a line, and UTF-16 code units in it).
fn offset(file: &SourceFile, line: u64, character: u64) -> usize {
    offset_in(&file.text, line, character)
}

/// The byte offset of an LSP position (line, UTF-16 code units) in a text; past the
/// end of a line, its end; past the last line, the text's end.
fn offset_in(text: &str, line: u64, character: u64) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0u64;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16() as u64;
    }
    end
}

/// The edits a rule states, as LSP text edits of `file`.
fn text_edits(file: &SourceFile, d: &diag::Diagnostic) -> Vec<Value> {
    d.edits
        .iter()
        .map(|(span, text)| json!({"range": range(file, *span), "newText": text}))
        .collect()
}

/// Applies one change of a `didChange`: the text of a range (incremental sync), or the
/// whole text. A change without text is ignored; a range past the end is clamped.
fn apply_change(text: &mut String, change: &Value) {
    let Some(new) = change.get("text").and_then(Value::as_str) else {
        return;
    };
    let Some(range) = change.get("range") else {
        new.clone_into(text);
        return;
    };
    let at = |key: &str| {
        let p = range.get(key)?;
        let line = p.get("line")?.as_u64()?;
        let character = p.get("character")?.as_u64()?;
        Some(offset_in(text, line, character))
    };
    if let (Some(start), Some(end)) = (at("start"), at("end")) {
        text.replace_range(start..end.max(start), new);
    }
}

/// An LSP position of a byte offset.
fn position(file: &SourceFile, at: usize) -> Value {
    let at = at.min(file.text.len());
    let line_start = file.text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = file.text[..line_start].matches('\n').count();
    let character: usize = file
        .text
        .get(line_start..at)
        .map_or(0, |s| s.chars().map(char::len_utf16).sum());
    json!({"line": line, "character": character})
}

fn range(file: &SourceFile, span: Span) -> Value {
    json!({"start": position(file, span.start as usize), "end": position(file, span.end as usize)})
}

/// A receiver's place in the route tree: the routes that name it (their matchers from
/// the root down) and the alerts of the spec that reach it.
fn receiver_routes(
    m: Option<&crate::ir::Model>,
    root: &crate::ir::Route,
    receiver: &str,
) -> String {
    fn walk(r: &crate::ir::Route, above: &[String], receiver: &str, out: &mut Vec<String>) {
        let mut path = above.to_vec();
        if !r.matchers.is_empty() {
            path.push(crate::ir::routing::describe(r));
        }
        if r.receiver.as_ref().is_some_and(|x| x.value == receiver) {
            out.push(if path.is_empty() {
                "the root route (every alert no other route takes)".to_string()
            } else {
                format!("`{}`", path.join("` → `"))
            });
        }
        for child in &r.routes {
            walk(child, &path, receiver, out);
        }
    }
    let mut routes = Vec::new();
    walk(root, &[], receiver, &mut routes);
    let mut text = String::new();
    if !routes.is_empty() {
        text.push_str("\n\nroutes: ");
        text.push_str(&routes.join("; "));
    }
    let Some(m) = m else {
        return text;
    };
    let sim = crate::ir::routing::Simulator::new(root);
    let mut alerts: Vec<String> = crate::ir::routing::alert_labels(m)
        .into_iter()
        .filter(|(_, _, labels)| sim.simulate(labels).iter().any(|d| d.receiver == receiver))
        .map(|(name, _, _)| name)
        .collect();
    alerts.sort();
    alerts.dedup();
    let shown = alerts.len().min(10);
    if !alerts.is_empty() {
        text.push_str(&format!("\n\nreceives: {}", alerts[..shown].join(", ")));
        if alerts.len() > shown {
            text.push_str(&format!(" and {} more", alerts.len() - shown));
        }
    }
    text
}

/// Inside a selector's braces (`metric{…`): the metric's label names, or after
/// `label=` (`!=`, `=~`, `!~`, an opening quote) the label's closed values. None
/// elsewhere.
fn selector_completion(comp: &Compilation, prefix: &str) -> Option<Vec<Value>> {
    let open = prefix.rfind('{')?;
    if prefix[open..].contains('}') {
        return None;
    }
    let before = &prefix[..open];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .last()
        .map(|(i, _)| i)?;
    let metric = &before[start..];
    let m = comp.model.as_ref()?;
    let mt = m.metrics.iter().find(|x| x.name.value == metric)?;
    let current = prefix[open + 1..]
        .rsplit(',')
        .next()
        .unwrap_or("")
        .trim_start();
    let item = |label: &str, kind: u32, detail: String| json!({"label": label, "kind": kind, "detail": detail});
    match current.find(['=', '!']) {
        Some(i) => {
            let label = current[..i].trim();
            let l = mt.labels.iter().find(|l| l.name.value == label)?;
            Some(
                l.values
                    .iter()
                    .flatten()
                    .map(|v| item(&v.value, 12, format!("value of `{label}` of `{metric}`")))
                    .collect(),
            )
        }
        None => Some(
            mt.labels
                .iter()
                .map(|l| l.name.value.as_str())
                .chain(["job", "instance"])
                .map(|l| item(l, 10, format!("label of `{metric}`")))
                .collect(),
        ),
    }
}

/// Where a name of the spec is defined.
fn definition_of(comp: &Compilation, word: &str) -> Option<Span> {
    let m = comp.model.as_ref()?;
    m.metrics
        .iter()
        .filter(|x| !x.catalog)
        .map(|x| &x.name)
        .chain(m.slos.iter().map(|x| &x.name))
        .chain(m.alerts.iter().map(|x| &x.name))
        .chain(m.receivers.iter().map(|x| &x.name))
        .chain(m.dashboards.iter().map(|x| &x.uid))
        .chain(m.targets.iter().map(|x| &x.name))
        .find(|n| n.value == word)
        .map(|n| n.span)
}

/// What the hover shows for a name.
fn describe(comp: &Compilation, word: &str) -> Option<String> {
    if let Some(code) = rules::find(word).filter(|c| c.code == word) {
        return Some(format!(
            "**{}** `{}` (default: {})\n\n{}",
            code.code,
            code.name,
            code.severity,
            code.doc.trim()
        ));
    }
    let m = comp.model.as_ref();
    if let Some(mt) = m.and_then(|m| m.metrics.iter().find(|x| x.name.value == word)) {
        let mut s = format!("**metric** `{word}`: {}", mt.kind.as_str());
        if let Some(u) = &mt.unit_text {
            s.push_str(&format!(", unit `{}`", u.value));
        }
        if let Some(h) = &mt.help {
            s.push_str(&format!("\n\n{}", h.value));
        }
        if !mt.labels.is_empty() {
            s.push_str("\n\nlabels:");
            for l in &mt.labels {
                let values = match (&l.values, &l.max_values) {
                    (Some(vs), _) => vs
                        .iter()
                        .map(|v| v.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    (None, Some(max)) => format!("at most {} values", max.value),
                    (None, None) => "free".into(),
                };
                s.push_str(&format!("\n- `{}`: {values}", l.name.value));
            }
        }
        return Some(s);
    }
    if let Some(slo) = m.and_then(|m| m.slos.iter().find(|x| x.name.value == word)) {
        let mut s = format!(
            "**SLO** `{word}`: {}% over {}",
            crate::expr::units::fmt_num(slo.objective * 100.0),
            slo.period
        );
        if let Some(d) = &slo.description {
            s.push_str(&format!("\n\n{}", d.value));
        }
        if !slo.windows.is_empty() {
            s.push_str("\n\nburn-rate alerts:");
            for w in &slo.windows {
                s.push_str(&format!(
                    "\n- {:?}: {}× over {} and {}",
                    w.urgency,
                    crate::expr::units::fmt_num(w.factor),
                    w.long,
                    w.short
                ));
            }
        }
        return Some(s);
    }
    if let Some(a) = m.and_then(|m| m.alerts.iter().find(|x| x.name.value == word)) {
        let mut s = format!("**alert** `{word}` ({})", a.severity.value);
        if let Some(e) = &a.when {
            s.push_str(&format!("\n\n```promql\n{}\n```", e.promql));
        }
        if let Some(sum) = &a.summary {
            s.push_str(&format!("\n\n{}", sum.value));
        }
        return Some(s);
    }
    if let Some(r) = m.and_then(|m| m.receivers.iter().find(|x| x.name.value == word)) {
        let kinds: Vec<&str> = r.in_table_order().map(|i| i.kind.title).collect();
        let mut text = format!("**receiver** `{word}`: {}", kinds.join(", "));
        if let Some(routing) = m.and_then(|m| m.routing.as_ref()) {
            text.push_str(&receiver_routes(m, &routing.root, word));
        }
        return Some(text);
    }
    let f = crate::expr::functions::FUNCTIONS
        .iter()
        .find(|f| f.name == word)?;
    Some(format!(
        "**function** `{}` ({} argument(s))",
        f.name,
        f.args.len()
    ))
}
