//! Conversions between the protocol and the workspace: URIs and file names (relative
//! to the root), ranges and spans (through the line index of [`SourceFile`]: UTF-16
//! positions), diagnostics and edits.

use super::lsp;
use crate::diag;
use crate::ide::Workspace;
use crate::source::{SourceFile, Span};
use lsp_types::Url;
use std::collections::HashMap;

/// The workspace's files as the protocol names them.
pub(super) struct Files<'w> {
    pub ws: &'w Workspace,
}

impl Files<'_> {
    /// The file name (relative to the root) of a document: `None` for a URI that is
    /// not a file under the root (`..` in any form, `%2F..%2F` decoded included, is
    /// never resolved: such a name is refused, not followed out of the workspace).
    pub fn name_of(&self, uri: &Url) -> Option<String> {
        self.ws.name_of(&uri.to_file_path().ok()?)
    }

    /// A request's document: its file name, or why it has none.
    pub fn document(&self, uri: &Url) -> Result<String, String> {
        self.name_of(uri)
            .ok_or_else(|| "not a file of the workspace".into())
    }

    pub fn uri_of(&self, name: &str) -> Option<Url> {
        Url::from_file_path(self.ws.root().join(name)).ok()
    }

    /// The protocol's location of a span of the last compilation.
    pub fn location(&self, span: Span) -> Option<lsp::Location> {
        let file = self.ws.compilation()?.sources.get(span.file)?;
        Some(lsp::Location {
            uri: self.uri_of(&file.name)?,
            range: range(file, span),
        })
    }

    /// A diagnostic as the protocol carries it: its help in the message, its code,
    /// related locations, and (as `data`) its suggestion and rule name.
    pub fn diagnostic(&self, d: &diag::Diagnostic) -> Option<lsp::Diagnostic> {
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        let related = d
            .secondary
            .iter()
            .filter_map(|l| {
                Some(lsp::DiagnosticRelatedInformation {
                    location: self.location(l.span)?,
                    message: l.message.clone(),
                })
            })
            .collect();
        Some(lsp::Diagnostic {
            range: self.location(d.primary.span)?.range,
            severity: Some(super::severity(d)),
            code: Some(lsp::NumberOrString::String(d.code.code.into())),
            source: Some("forge-spec".into()),
            message,
            related_information: Some(related),
            data: Some(serde_json::json!({"suggestion": d.suggestion, "name": d.code.name})),
            ..Default::default()
        })
    }

    /// Edits of the last compilation's files, by document.
    pub fn changes(&self, edits: &[(Span, String)]) -> HashMap<Url, Vec<lsp::TextEdit>> {
        let mut changes: HashMap<Url, Vec<lsp::TextEdit>> = HashMap::new();
        for (span, text) in edits {
            if let Some(l) = self.location(*span) {
                changes.entry(l.uri).or_default().push(lsp::TextEdit {
                    range: l.range,
                    new_text: text.clone(),
                });
            }
        }
        changes
    }
}

/// The protocol's position of a byte offset.
fn position(file: &SourceFile, at: usize) -> lsp::Position {
    let (line, character) = file.utf16_position(at);
    lsp::Position { line, character }
}

/// The protocol's range of a span of `file`.
pub(super) fn range(file: &SourceFile, span: Span) -> lsp::Range {
    lsp::Range {
        start: position(file, span.start as usize),
        end: position(file, span.end as usize),
    }
}
