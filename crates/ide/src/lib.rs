//! The analysis layer under the language server (as rust-analyzer's `ide` or biome's
//! `Workspace`): a workspace of spec files — on disk, or open in an editor with unsaved
//! texts — compiled on demand, and the language features on it, all in terms of file
//! names (relative to the workspace's root) and byte offsets:
//! [`Workspace::apply_change`], [`Workspace::diagnostics`], [`Workspace::hover`],
//! [`Workspace::definition`], [`Workspace::references`], [`Workspace::rename`],
//! [`Workspace::completions`], [`Workspace::symbols`], [`Workspace::fixes`].
//!
//! It knows nothing of the protocol: no JSON, no URIs, no UTF-16 positions (the
//! crate does not depend on them). `src/lsp/` is transport, typed dispatch and the
//! conversions; `check --fix` and the code actions share [`forge_spec_pipeline::fix::fix_of`].
//!
//! Incremental where typing is: changes arrive as byte ranges; a file is read again
//! from its edit on ([`forge_spec_pipeline::syntax::reparse`]: one definition or section, the
//! other spans moved); expressions read before come from a memo ([`forge_spec_pipeline::expr::Memo`]);
//! the emission and scan of the output wait for [`Workspace::complete`]. Resolution and
//! the checks run on the whole spec.
//!
//! It never changes the process's working directory: files are read under the root
//! and named relative to it.

#![forbid(unsafe_code)]

mod features;

pub use features::{Completion, CompletionKind, Hover, Symbol, SymbolKind};

use forge_spec_pipeline::source::{self, SourceFile, SourceSet};
use forge_spec_pipeline::{Compilation, Options};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One file as the workspace last read it.
struct Read {
    id: source::FileId,
    text: String,
    parsed: forge_spec_pipeline::syntax::Parsed,
    /// A copy of `parsed` made while the client was quiet, which the next compilation
    /// consumes (copying every parsed file takes milliseconds a keystroke need not wait).
    spare: Option<forge_spec_pipeline::syntax::Parsed>,
}

/// A change to a file's text: all of it, or a byte range of the current text.
pub enum Change {
    Whole(String),
    Range {
        start: usize,
        end: usize,
        text: String,
    },
}

/// The spec files of one root, their unsaved texts, and the last compilation.
pub struct Workspace {
    root: PathBuf,
    /// What is compiled, relative to the root: `spec/` when it exists, else the root.
    spec: PathBuf,
    /// Unsaved texts, by file name relative to the root.
    open: HashMap<String, String>,
    last: Option<Compilation>,
    /// The last compilation has not been emitted and scanned yet.
    complete_pending: bool,
    /// How each file was read at the last compilation, by name.
    parsed: HashMap<String, Read>,
    /// Expressions read by earlier compilations.
    expressions: std::sync::Arc<forge_spec_pipeline::expr::Memo>,
    /// The compilation replaced by the last one: dropped once its successor's
    /// diagnostics are out ([`Workspace::settle`]), not before (freeing a large model
    /// takes milliseconds).
    replaced: Option<Compilation>,
}

impl Workspace {
    /// The workspace of the directory `root` (absolute).
    pub fn new(root: PathBuf) -> Self {
        let spec = if root.join("spec").is_dir() {
            PathBuf::from("spec")
        } else {
            PathBuf::new()
        };
        Workspace {
            root,
            spec,
            open: HashMap::new(),
            last: None,
            complete_pending: false,
            parsed: HashMap::new(),
            expressions: std::sync::Arc::default(),
            replaced: None,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The name (relative to the root) of a path: `None` for a path that is not a plain
    /// file path under the root (`..` in any form is never resolved: such a name is
    /// refused, not followed out of the workspace).
    pub fn name_of(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        (plain && !rel.as_os_str().is_empty()).then(|| rel.to_string_lossy().into_owned())
    }

    /// The last compilation.
    pub fn compilation(&self) -> Option<&Compilation> {
        self.last.as_ref()
    }

    /// A file of the last compilation, by name.
    pub fn file(&self, name: &str) -> Option<(source::FileId, &SourceFile)> {
        let comp = self.last.as_ref()?;
        comp.sources
            .ids()
            .find_map(|id| Some((id, comp.sources.get(id).filter(|f| f.name == name)?)))
    }

    /// The editor opened a file with this text.
    pub fn open(&mut self, name: String, text: String) {
        self.open.insert(name, text);
    }

    /// The editor closed a file: the file on disk counts again.
    pub fn close(&mut self, name: &str) {
        self.open.remove(name);
    }

    /// The text changes apply to: the unsaved text, or for a file the editor did not
    /// open, the file read from disk as `check` reads a spec file (a regular file, no
    /// link followed, no FIFO waited on, within the size budget), which becomes the
    /// unsaved text. `None` when it cannot be read.
    pub fn edited_text(&mut self, name: &str) -> Option<&str> {
        if !self.open.contains_key(name) {
            let path = self.root.join(name);
            let bytes = forge_spec_pipeline::write::read_regular(
                &path,
                forge_spec_pipeline::source::MAX_FILE_BYTES,
            )
            .ok()?;
            let text = String::from_utf8(bytes).ok()?;
            self.open.insert(name.to_string(), text);
        }
        self.open.get(name).map(String::as_str)
    }

    /// Applies one change to a file's text ([`Workspace::edited_text`]); false when
    /// there is no such text. A range past the end is clamped.
    pub fn apply_change(&mut self, name: &str, change: Change) -> bool {
        if self.edited_text(name).is_none() {
            return false;
        }
        let Some(text) = self.open.get_mut(name) else {
            return false;
        };
        match change {
            Change::Whole(new) => *text = new,
            Change::Range {
                start,
                end,
                text: new,
            } => {
                let start = floor_char(text, start.min(text.len()));
                let end = floor_char(text, end.clamp(start, text.len()));
                text.replace_range(start..end, &new);
            }
        }
        true
    }

    /// Whether a name is a spec file of the workspace.
    pub fn in_spec(&self, name: &str) -> bool {
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        yaml && (self.spec.as_os_str().is_empty() || Path::new(name).starts_with(&self.spec))
    }

    /// Compiles the spec directory with the unsaved texts in place of the files:
    /// parsing only the files whose text changed since the last compilation, and
    /// without emitting (see [`Workspace::complete`]).
    pub fn compile(&mut self) {
        let dir = self.root.join(&self.spec);
        let (files, mut refused) =
            match source::load_in(std::slice::from_ref(&dir), Some(&self.root)) {
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
            .any(|(n, _)| forge_spec_pipeline::org::service_of(n).is_some())
        {
            let refs: Vec<(&str, &str)> = texts
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let opts = self.options();
            let mut comp = forge_spec_pipeline::compile_str(&refs, &opts);
            forge_spec_pipeline::report_refused(&mut comp, refused);
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
                    forge_spec_pipeline::syntax::reparse(id, &read.text, read.parsed, file),
                    None,
                ),
                _ => (forge_spec_pipeline::syntax::parse_spec(id, file), None),
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
        let mut comp = forge_spec_pipeline::compile_parsed(sources, parsed, "spec", &opts);
        forge_spec_pipeline::report_refused(&mut comp, refused);
        self.replaced = self.last.replace(comp);
        self.complete_pending = true;
    }

    /// While the client is quiet: the copies of the parsed files the next compilation
    /// will consume.
    pub fn prepare(&mut self) {
        for read in self.parsed.values_mut() {
            if read.spare.is_none() {
                read.spare = Some(read.parsed.clone());
            }
        }
    }

    /// Drops the compilation the last one replaced.
    pub fn settle(&mut self) {
        self.replaced = None;
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

    /// Whether the last compilation waits for [`Workspace::complete`].
    pub fn complete_pending(&self) -> bool {
        self.complete_pending
    }

    /// What `check` adds to the compilation: a spec without errors is emitted and its
    /// output scanned (literal secrets, engine limits). Run after a pause in the
    /// editor's messages, so that typing is not held up by it; true when it found
    /// something.
    pub fn complete(&mut self) -> bool {
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
        let _ = forge_spec_pipeline::emit_checked(comp);
        comp.diagnostics.items.len() != before
    }

    /// The diagnostics of the last compilation by file name: every file of the spec
    /// (an empty list for a clean one; catalogues, named `<…>`, left out), findings
    /// silenced by `allow:` left out.
    pub fn diagnostics(&self) -> BTreeMap<String, Vec<&forge_spec_pipeline::diag::Diagnostic>> {
        let mut by_file: BTreeMap<String, Vec<&forge_spec_pipeline::diag::Diagnostic>> =
            BTreeMap::new();
        let Some(comp) = &self.last else {
            return by_file;
        };
        for f in &comp.sources.files {
            if !f.name.starts_with('<') {
                by_file.entry(f.name.clone()).or_default();
            }
        }
        for d in &comp.diagnostics.items {
            if d.severity == forge_spec_pipeline::diag::Severity::Allow {
                continue;
            }
            if let Some(file) = comp.sources.get(d.primary.span.file) {
                by_file.entry(file.name.clone()).or_default().push(d);
            }
        }
        by_file
    }
}

/// The char boundary at or before `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
