//! `forge-spec lsp`: the whole compiler in the editor, over the Language Server
//! Protocol on stdio.
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
//! This module is the transport (`lsp-server` over [`crate::framing`]), the typed
//! dispatch (`lsp-types` end to end) and the conversions (`convert`: URIs ↔ file
//! names, UTF-16 positions ↔ byte offsets through the sources' line index); what
//! is answered comes from the analysis layer, [`crate::ide::Workspace`], which is
//! incremental where typing is. The emission and scan of the output wait for a pause
//! ([`QUIET`]).
//!
//! A malformed request gets an error response and the server keeps serving; a spec
//! that does not parse gets its parse diagnostics.

mod convert;

use crate::diag;
use crate::ide::{Change, CompletionKind, SymbolKind, Workspace};
use convert::Files;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::{Url, notification::Notification as _, request::Request as _};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// The command of the quick fix of a literal secret: the server saves the value in the
/// secrets directory, then asks the client to apply the spec's edit.
const MOVE_SECRET: &str = "forge-spec.moveSecret";

/// How long the client must be silent before the rest of `check` runs (emitting the
/// output and scanning it, which takes ten times a keystroke's compilation).
const QUIET: std::time::Duration = std::time::Duration::from_millis(250);

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Runs the server on stdin and stdout until the client says `exit`.
pub fn run() -> Result<(), Error> {
    let (connection, io) = crate::framing::stdio()?;
    let (id, params) = connection.initialize_start()?;
    let params: lsp::InitializeParams = serde_json::from_value(params)?;
    let root = match root_of(&params) {
        Some(root) => root,
        None => std::env::current_dir()?,
    };
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "forge-spec".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let mut server = Server {
        ws: Workspace::new(root),
        published: BTreeSet::new(),
        outbox: Vec::new(),
        sent: 0,
    };
    server.ws.compile();
    server.ws.complete();
    server.publish(&connection)?;
    server.ws.prepare();
    loop {
        // The rest of `check` waits for a pause in the typing.
        let message = if server.ws.complete_pending() {
            match connection.receiver.recv_timeout(QUIET) {
                Ok(m) => m,
                Err(e) if e.is_timeout() => {
                    if server.ws.complete() {
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
                    crate::stage("compile", || server.ws.compile());
                    crate::stage("publish", || server.publish(&connection))?;
                }
            }
            Message::Response(_) => {}
        }
        server.ws.settle();
        if connection.receiver.is_empty() {
            server.ws.prepare();
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

fn capabilities() -> lsp::ServerCapabilities {
    use lsp::OneOf::Left;
    lsp::ServerCapabilities {
        // Changes as edited ranges (incremental sync).
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                    lsp::SaveOptions {
                        include_text: Some(false),
                    },
                )),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(Left(true)),
        references_provider: Some(Left(true)),
        rename_provider: Some(Left(true)),
        document_symbol_provider: Some(Left(true)),
        workspace_symbol_provider: Some(Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![MOVE_SECRET.into()],
            ..Default::default()
        }),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(["(", "{", ",", "=", "\"", " "].map(String::from).to_vec()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The workspace root the client names (`rootUri`, else the first workspace folder).
fn root_of(params: &lsp::InitializeParams) -> Option<std::path::PathBuf> {
    #[allow(deprecated)] // rootUri: what clients send, the folders being newer
    let uri = params.root_uri.as_ref().or_else(|| {
        params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| &f.uri)
    })?;
    uri.to_file_path().ok()
}

/// The arguments of [`MOVE_SECRET`]: the diagnostic's document and range.
#[derive(serde::Serialize, serde::Deserialize)]
struct MoveSecret {
    uri: Url,
    range: lsp::Range,
}

struct Server {
    ws: Workspace,
    /// Files that had diagnostics at the last publication (to clear them).
    published: BTreeSet<String>,
    /// Requests to the client, sent after the response to the request being answered,
    /// and how many were sent (their ids).
    outbox: Vec<Message>,
    sent: u64,
}

/// A request's or notification's parameters, typed.
fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, String> {
    serde_json::from_value(v).map_err(|e| format!("invalid parameters: {e}"))
}

/// An answer, serialised and made safe to show.
fn answer<R: serde::Serialize>(r: R) -> Result<Value, String> {
    let mut v = serde_json::to_value(r).map_err(|e| e.to_string())?;
    redact_json(&mut v);
    Ok(v)
}

impl Server {
    fn files(&self) -> Files<'_> {
        Files { ws: &self.ws }
    }

    /// Takes a notification; true when the spec must be compiled again.
    fn notification(&mut self, n: Notification) -> bool {
        use lsp::notification as note;
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<lsp::DidOpenTextDocumentParams>(n.params) else {
                    return false;
                };
                let Some(name) = self.files().name_of(&p.text_document.uri) else {
                    return false;
                };
                self.ws.open(name, p.text_document.text);
                true
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<lsp::DidChangeTextDocumentParams>(n.params) else {
                    return false;
                };
                let Some(name) = self.files().name_of(&p.text_document.uri) else {
                    return false;
                };
                let mut changed = false;
                for c in p.content_changes {
                    let change = match c.range {
                        None => Change::Whole(c.text),
                        Some(r) => {
                            // Positions count in the text as the earlier changes left it
                            // (read from disk first when the file is not open).
                            let Some(text) = self.ws.edited_text(&name) else {
                                return false;
                            };
                            let at = |p: lsp::Position| {
                                crate::source::utf16_offset(text, p.line, p.character)
                            };
                            Change::Range {
                                start: at(r.start),
                                end: at(r.end),
                                text: c.text,
                            }
                        }
                    };
                    changed |= self.ws.apply_change(&name, change);
                }
                changed
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<lsp::DidCloseTextDocumentParams>(n.params) else {
                    return false;
                };
                let Some(name) = self.files().name_of(&p.text_document.uri) else {
                    return false;
                };
                self.ws.close(&name);
                true
            }
            note::DidSaveTextDocument::METHOD => params::<lsp::DidSaveTextDocumentParams>(n.params)
                .is_ok_and(|p| self.files().name_of(&p.text_document.uri).is_some()),
            _ => false,
        }
    }

    /// Publishes the diagnostics of every file of the spec.
    fn publish(&mut self, connection: &Connection) -> Result<(), Error> {
        if self.ws.compilation().is_none() {
            return Ok(());
        }
        let files = self.files();
        let mut by_file: HashMap<String, Vec<lsp::Diagnostic>> = self
            .ws
            .diagnostics()
            .into_iter()
            .map(|(name, ds)| {
                let ds = ds.iter().filter_map(|d| files.diagnostic(d)).collect();
                (name, ds)
            })
            .collect();
        for gone in std::mem::take(&mut self.published) {
            by_file.entry(gone).or_default();
        }
        let mut names: Vec<String> = by_file.keys().cloned().collect();
        names.sort();
        for name in names {
            let diagnostics = by_file.remove(&name).unwrap_or_default();
            let Some(uri) = self.files().uri_of(&name) else {
                continue;
            };
            if !diagnostics.is_empty() {
                self.published.insert(name);
            }
            let p = lsp::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version: None,
            };
            let params = answer(p)?;
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    lsp::notification::PublishDiagnostics::METHOD.into(),
                    params,
                )))?;
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp::request as r;
        let id = req.id.clone();
        let p = req.params;
        let result = match req.method.as_str() {
            r::HoverRequest::METHOD => params(p).and_then(|p| self.hover(p)),
            r::GotoDefinition::METHOD => params(p).and_then(|p| self.definition(p)),
            r::References::METHOD => params(p).and_then(|p| self.references(p)),
            r::Completion::METHOD => params(p).and_then(|p| self.completion(p)),
            r::CodeActionRequest::METHOD => params(p).and_then(|p| self.code_actions(p)),
            r::Rename::METHOD => params(p).and_then(|p| self.rename(p)),
            r::DocumentSymbolRequest::METHOD => params(p).and_then(|p| self.symbols(p)),
            r::WorkspaceSymbolRequest::METHOD => params(p).and_then(|p| self.workspace_symbols(p)),
            r::ExecuteCommand::METHOD => params(p).and_then(|p| self.execute(p)),
            other => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("forge-spec does not answer `{other}`"),
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => invalid(id, crate::secrets::redact(&message).into_owned()),
        }
    }

    /// The file name and byte offset of a document position.
    fn at(&self, p: &lsp::TextDocumentPositionParams) -> Result<(String, usize), String> {
        let files = self.files();
        let name = files.document(&p.text_document.uri)?;
        let (_, file) = self.ws.file(&name).ok_or("not a file of the spec")?;
        let at = file.utf16_offset(p.position.line, p.position.character);
        Ok((name, at))
    }

    fn hover(&self, p: lsp::HoverParams) -> Result<Value, String> {
        let (name, at) = self.at(&p.text_document_position_params)?;
        let Some(h) = self.ws.hover(&name, at) else {
            return Ok(Value::Null);
        };
        answer(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: self.files().location(h.span).map(|l| l.range),
        })
    }

    fn definition(&self, p: lsp::GotoDefinitionParams) -> Result<Value, String> {
        let (name, at) = self.at(&p.text_document_position_params)?;
        match self
            .ws
            .definition(&name, at)
            .and_then(|s| self.files().location(s))
        {
            Some(l) => answer(lsp::GotoDefinitionResponse::Scalar(l)),
            None => Ok(Value::Null),
        }
    }

    fn references(&self, p: lsp::ReferenceParams) -> Result<Value, String> {
        let (name, at) = self.at(&p.text_document_position)?;
        match self.ws.references(&name, at) {
            Some(found) => {
                let files = self.files();
                answer(
                    found
                        .into_iter()
                        .filter_map(|s| files.location(s))
                        .collect::<Vec<_>>(),
                )
            }
            None => Ok(Value::Null),
        }
    }

    fn rename(&self, p: lsp::RenameParams) -> Result<Value, String> {
        let (name, at) = self.at(&p.text_document_position)?;
        let edits = self.ws.rename(&name, at, &p.new_name)?;
        answer(lsp::WorkspaceEdit {
            changes: Some(self.files().changes(&edits)),
            ..Default::default()
        })
    }

    fn completion(&self, p: lsp::CompletionParams) -> Result<Value, String> {
        let (name, at) = self
            .at(&p.text_document_position)
            .unwrap_or_else(|_| (String::new(), 0));
        if self.ws.compilation().is_none() {
            return Err("the spec is not compiled".into());
        }
        let items: Vec<lsp::CompletionItem> = self
            .ws
            .completions(&name, at)
            .into_iter()
            .map(|c| lsp::CompletionItem {
                label: c.label,
                kind: Some(completion_kind(c.kind)),
                detail: Some(c.detail),
                ..Default::default()
            })
            .collect();
        answer(lsp::CompletionResponse::List(lsp::CompletionList {
            is_incomplete: false,
            items,
        }))
    }

    fn symbols(&self, p: lsp::DocumentSymbolParams) -> Result<Value, String> {
        let name = self.files().document(&p.text_document.uri)?;
        self.ws.compilation().ok_or("the spec is not compiled")?;
        self.ws.file(&name).ok_or("not a file of the spec")?;
        answer(self.symbol_informations(self.ws.symbols(&name)))
    }

    fn workspace_symbols(&self, p: lsp::WorkspaceSymbolParams) -> Result<Value, String> {
        self.ws.compilation().ok_or("the spec is not compiled")?;
        answer(self.symbol_informations(self.ws.workspace_symbols(&p.query)))
    }

    fn symbol_informations(&self, symbols: Vec<crate::ide::Symbol>) -> Vec<lsp::SymbolInformation> {
        let files = self.files();
        symbols
            .into_iter()
            .filter_map(|s| {
                #[allow(deprecated)] // `deprecated` is a required field of the type
                Some(lsp::SymbolInformation {
                    name: s.name,
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: files.location(s.span)?,
                    container_name: Some(s.section.into()),
                })
            })
            .collect()
    }

    /// The fixes of the diagnostics that start in the range, as quick fixes: an edit,
    /// or for a fix that saves a secret first, the command that does.
    fn code_actions(&self, p: lsp::CodeActionParams) -> Result<Value, String> {
        self.ws.compilation().ok_or("the spec is not compiled")?;
        let files = self.files();
        let uri = p.text_document.uri;
        let name = files.document(&uri)?;
        let lines = p.range.start.line as usize..=p.range.end.line as usize;
        let mut actions = Vec::new();
        for (d, fix) in self.ws.fixes(&name, lines) {
            let Some(diagnostic) = files.diagnostic(d) else {
                continue;
            };
            let action = match fix.effect {
                crate::fix::Effect::SavesSecret(_) => lsp::CodeAction {
                    title: fix.title.clone(),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    command: Some(lsp::Command {
                        title: fix.title,
                        command: MOVE_SECRET.into(),
                        arguments: Some(vec![
                            serde_json::to_value(MoveSecret {
                                uri: uri.clone(),
                                range: diagnostic.range,
                            })
                            .map_err(|e| e.to_string())?,
                        ]),
                    }),
                    ..Default::default()
                },
                crate::fix::Effect::EditsSpec => lsp::CodeAction {
                    title: fix.title,
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic]),
                    is_preferred: Some(true),
                    edit: Some(lsp::WorkspaceEdit {
                        changes: Some(files.changes(&fix.edits)),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            };
            actions.push(lsp::CodeActionOrCommand::CodeAction(action));
        }
        answer(actions)
    }

    /// `workspace/executeCommand` of [`MOVE_SECRET`]: saves the secret of the
    /// literal-secret diagnostic at the argument's place in `secrets/` beside the root's
    /// output, then asks the client to apply the edit that reads it from there.
    fn execute(&mut self, p: lsp::ExecuteCommandParams) -> Result<Value, String> {
        if p.command != MOVE_SECRET {
            return Err("unknown command".into());
        }
        let arg = p.arguments.into_iter().next().ok_or("missing argument")?;
        let arg: MoveSecret = params(arg)?;
        let files = self.files();
        let name = files.document(&arg.uri)?;
        self.ws.compilation().ok_or("the spec is not compiled")?;
        let (_, fix) = self
            .ws
            .fixes(
                &name,
                arg.range.start.line as usize..=arg.range.start.line as usize,
            )
            .into_iter()
            .find(|(d, _)| files.diagnostic(d).is_some_and(|x| x.range == arg.range))
            .ok_or("no literal secret there now")?;
        let crate::fix::Effect::SavesSecret(secret) = &fix.effect else {
            return Err("no literal secret there".into());
        };
        let dir = crate::write::secrets_dir(&self.ws.root().join("generated"));
        match crate::fix::save_secret(&dir, secret) {
            Ok(true) => {}
            Ok(false) => return Err(format!("secrets/{} holds another value", secret.name)),
            Err(e) => return Err(format!("cannot write secrets/{}: {e}", secret.name)),
        }
        let edit = lsp::ApplyWorkspaceEditParams {
            label: Some(format!("secret moved to secrets/{}", secret.name)),
            edit: lsp::WorkspaceEdit {
                changes: Some(files.changes(&fix.edits)),
                ..Default::default()
            },
        };
        let params = serde_json::to_value(edit).map_err(|e| e.to_string())?;
        self.sent += 1;
        self.outbox.push(Message::Request(Request::new(
            RequestId::from(format!("forge-spec/{}", self.sent)),
            lsp::request::ApplyWorkspaceEdit::METHOD.into(),
            params,
        )));
        Ok(Value::Null)
    }
}

fn completion_kind(k: CompletionKind) -> lsp::CompletionItemKind {
    use lsp::CompletionItemKind as K;
    match k {
        CompletionKind::Metric => K::FIELD,
        CompletionKind::Label => K::PROPERTY,
        CompletionKind::LabelValue => K::ENUM_MEMBER,
        CompletionKind::Function => K::FUNCTION,
        CompletionKind::Slo | CompletionKind::Receiver => K::REFERENCE,
        CompletionKind::Duration | CompletionKind::Unit => K::CONSTANT,
    }
}

fn symbol_kind(k: SymbolKind) -> lsp::SymbolKind {
    use lsp::SymbolKind as K;
    match k {
        SymbolKind::Target => K::OBJECT,
        SymbolKind::Metric => K::VARIABLE,
        SymbolKind::Slo => K::CONSTANT,
        SymbolKind::Alert | SymbolKind::LogEvent => K::EVENT,
        SymbolKind::Record => K::FUNCTION,
        SymbolKind::Group => K::NAMESPACE,
        SymbolKind::Receiver => K::INTERFACE,
        SymbolKind::Dashboard => K::FILE,
        SymbolKind::Team => K::CLASS,
    }
}

fn invalid(id: RequestId, message: String) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, message)
}

/// The diagnostic's protocol form (used by the conversions).
pub(crate) fn severity(d: &diag::Diagnostic) -> lsp::DiagnosticSeverity {
    if d.is_error() {
        lsp::DiagnosticSeverity::ERROR
    } else {
        lsp::DiagnosticSeverity::WARNING
    }
}
