//! The build cache of an organisation (beside the pipeline, like `write`): one entry a
//! service, keyed by everything its own findings and files depend on — its files, the
//! root files (teams, shared receivers, defaults, lints), the options, the compiler
//! (version and executable). A service whose key is unchanged is neither re-checked nor
//! re-emitted: its findings come from the entry, its files are the previous output's
//! (linked into the new one), and the organisation reads its routing from a parse of
//! only its `service:`, `targets:`, `receivers:` and `routing:` sections. What spans
//! services (the organisation's checks, its Alertmanager tree) runs on every build.
//!
//! Never trusted: an entry is used only when it parses, was written by this very
//! compiler for this output directory under the same key, every span in it lands in
//! a loaded file, and every file it lists is in the output with the length and
//! modification time recorded after it was written. Anything else is a miss; a
//! corrupt or foreign entry is said in a note.

use crate::diag::{Diagnostic, Label, Severity};
use crate::ir::org::Summary;
use crate::source::{FileId, SourceSet, Span};
use crate::{Options, ir, rules};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The entry format; entries of another format are foreign.
const FORMAT: u32 = 3;

/// A build cache directory, used for one output directory.
pub struct Cache {
    dir: PathBuf,
    /// The output directory (canonical when it exists) the entries' files are in.
    out: PathBuf,
    compiler: String,
    /// Why entries were not used (corrupt, foreign, changed output), with the services.
    notes: Mutex<BTreeMap<String, Vec<String>>>,
}

/// A span as a file name and byte range: file ids differ from build to build.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
struct Loc {
    file: String,
    start: u32,
    end: u32,
}

#[derive(Serialize, Deserialize, Debug)]
struct CachedLabel {
    at: Loc,
    message: String,
}

#[derive(Serialize, Deserialize, Debug)]
struct CachedDiagnostic {
    code: String,
    severity: String,
    message: String,
    primary: CachedLabel,
    secondary: Vec<CachedLabel>,
    help: Option<String>,
    note: Option<String>,
    masks_span: bool,
    #[serde(default)]
    moves_secret: bool,
    subject: Option<Loc>,
    #[serde(default)]
    unresolved: Option<String>,
    #[serde(default)]
    suggestion: Option<String>,
    #[serde(default)]
    dropped: Option<String>,
    #[serde(default)]
    edits: Vec<(Loc, String)>,
}

/// A file of the output as it was after the build that wrote it.
#[derive(Serialize, Deserialize, Debug)]
struct Written {
    path: String,
    len: u64,
    modified_ns: u128,
}

#[derive(Serialize, Deserialize, Debug)]
struct Entry {
    format: u32,
    compiler: String,
    out: String,
    key: String,
    files: Vec<Written>,
    diagnostics: Vec<CachedDiagnostic>,
    dashboards: Vec<(String, Loc)>,
    slos: Vec<String>,
    references: Vec<(String, String, Loc)>,
    alerts: Vec<(String, BTreeMap<String, String>, Vec<String>)>,
    counts: [usize; 5],
}

/// What a hit gives back.
pub struct Hit {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    pub files: Vec<String>,
}

/// The compiler: its version and its executable (length and modification time), so a
/// rebuilt forge-spec never reads its predecessor's entries.
fn compiler() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}:{}", m.len(), modified_ns(&m)))
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

fn modified_ns(m: &std::fs::Metadata) -> u128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

impl Cache {
    /// The cache in `dir` for builds into `out`.
    pub fn new(dir: impl Into<PathBuf>, out: &Path) -> Cache {
        Cache {
            dir: dir.into(),
            out: std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf()),
            compiler: compiler(),
            notes: Mutex::new(BTreeMap::new()),
        }
    }

    /// What the cache had to say (corrupt or foreign entries, changed outputs): one
    /// line a reason, with the services it concerned.
    pub fn notes(&self) -> Vec<String> {
        let notes = self
            .notes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        notes
            .iter()
            .map(|(why, services)| {
                let mut services = services.clone();
                services.sort();
                let more = services.len().saturating_sub(5);
                let mut list = services.into_iter().take(5).collect::<Vec<_>>().join(", ");
                if more > 0 {
                    list.push_str(&format!(" and {more} more"));
                }
                format!("build cache: {why}; rebuilt: {list}")
            })
            .collect()
    }

    fn note(&self, why: &str, service: &str) {
        self.notes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(why.to_string())
            .or_default()
            .push(service.to_string());
    }

    fn path(&self, service: &str) -> PathBuf {
        self.dir.join("services").join(format!("{service}.json"))
    }

    /// The key of a service: the compiler, the options, and the names and texts of the
    /// root files and of the service's files.
    /// What every service's key starts from: the compiler, the options, and the root
    /// files (hashed once for all services).
    pub fn root_key(&self, sources: &SourceSet, root: &[FileId], opts: &Options) -> blake3::Hasher {
        let mut h = blake3::Hasher::new();
        h.update(format!("forge-spec-cache {FORMAT}\n{}\n", self.compiler).as_bytes());
        h.update(format!("{}\n{:?}\n", opts.time_scale, opts.only).as_bytes());
        hash_files(&mut h, sources, root);
        h
    }

    /// The key of a service: [`Cache::root_key`] and the names and texts of its files.
    pub fn key(&self, root_key: &blake3::Hasher, sources: &SourceSet, own: &[FileId]) -> String {
        let mut h = root_key.clone();
        hash_files(&mut h, sources, own);
        h.finalize().to_hex().to_string()
    }

    /// The entry of `service` under `key`, if it can be trusted.
    pub fn lookup(&self, service: &str, key: &str, files: &HashMap<&str, FileId>) -> Option<Hit> {
        let path = self.path(service);
        let bytes = std::fs::read(&path).ok()?;
        let entry: Entry = match serde_json::from_slice(&bytes) {
            Ok(e) => e,
            Err(_) => {
                self.note("an entry is unreadable (corrupt), ignored", service);
                return None;
            }
        };
        if entry.format != FORMAT
            || entry.compiler != self.compiler
            || entry.out != self.out.display().to_string()
        {
            self.note(
                "an entry was written by another forge-spec or for another output directory, ignored",
                service,
            );
            return None;
        }
        if entry.key != key {
            return None;
        }
        for w in &entry.files {
            let ok = std::fs::symlink_metadata(self.out.join(&w.path))
                .is_ok_and(|m| m.is_file() && m.len() == w.len && modified_ns(&m) == w.modified_ns);
            if !ok {
                self.note("a file of the output changed since it was written", service);
                return None;
            }
        }
        let span = |l: &Loc| -> Option<Span> {
            let id = files.get(l.file.as_str())?;
            Some(Span::new(*id, l.start as usize, l.end as usize))
        };
        let mut diagnostics = Vec::new();
        for d in &entry.diagnostics {
            let Some(code) = rules::find(&d.code) else {
                self.note("an entry does not fit this forge-spec, ignored", service);
                return None;
            };
            let label = |l: &CachedLabel| {
                Some(Label {
                    span: span(&l.at)?,
                    message: l.message.clone(),
                })
            };
            let (Some(primary), Some(severity)) = (label(&d.primary), Severity::parse(&d.severity))
            else {
                self.note("an entry does not fit the spec, ignored", service);
                return None;
            };
            let secondary: Option<Vec<Label>> = d.secondary.iter().map(label).collect();
            let subject = match &d.subject {
                Some(l) => Some(span(l)?),
                None => None,
            };
            diagnostics.push(Diagnostic {
                code,
                severity,
                message: d.message.clone(),
                primary,
                secondary: secondary?,
                help: d.help.clone(),
                note: d.note.clone(),
                masks_span: d.masks_span,
                moves_secret: d.moves_secret,
                subject,
                unresolved: d.unresolved.clone(),
                suggestion: d.suggestion.clone(),
                dropped: d.dropped.clone(),
                edits: d
                    .edits
                    .iter()
                    .map(|(l, t)| Some((span(l)?, t.clone())))
                    .collect::<Option<Vec<_>>>()?,
            });
        }
        let dashboards: Option<Vec<ir::S>> = entry
            .dashboards
            .iter()
            .map(|(uid, l)| Some(ir::S::new(uid.clone(), span(l)?)))
            .collect();
        let references: Option<Vec<(String, ir::S)>> = entry
            .references
            .iter()
            .map(|(kind, name, l)| Some((kind.clone(), ir::S::new(name.clone(), span(l)?))))
            .collect();
        Some(Hit {
            diagnostics,
            summary: Summary {
                dashboards: dashboards?,
                slos: entry.slos,
                references: references?,
                alerts: entry.alerts,
                counts: entry.counts,
            },
            files: entry.files.into_iter().map(|w| w.path).collect(),
        })
    }

    /// Records a service built by this run, after its files were written. Failing to
    /// write the cache costs the next build time, never correctness: it is not an error.
    pub fn save(
        &self,
        service: &str,
        key: &str,
        unit: &ir::org::Unit,
        diagnostics: &[Diagnostic],
        sources: &SourceSet,
    ) {
        let loc = |s: Span| Loc {
            file: sources
                .get(s.file)
                .map_or_else(String::new, |f| f.name.clone()),
            start: s.start,
            end: s.end,
        };
        let label = |l: &Label| CachedLabel {
            at: loc(l.span),
            message: l.message.clone(),
        };
        let mut files = Vec::new();
        for path in &unit.files {
            let Ok(m) = std::fs::symlink_metadata(self.out.join(path)) else {
                return;
            };
            files.push(Written {
                path: path.clone(),
                len: m.len(),
                modified_ns: modified_ns(&m),
            });
        }
        let entry = Entry {
            format: FORMAT,
            compiler: self.compiler.clone(),
            out: self.out.display().to_string(),
            key: key.to_string(),
            files,
            diagnostics: diagnostics
                .iter()
                .map(|d| CachedDiagnostic {
                    code: d.code.code.to_string(),
                    severity: d.severity.to_string(),
                    message: d.message.clone(),
                    primary: label(&d.primary),
                    secondary: d.secondary.iter().map(label).collect(),
                    help: d.help.clone(),
                    note: d.note.clone(),
                    masks_span: d.masks_span,
                    moves_secret: d.moves_secret,
                    subject: d.subject.map(loc),
                    unresolved: d.unresolved.clone(),
                    suggestion: d.suggestion.clone(),
                    dropped: d.dropped.clone(),
                    edits: d.edits.iter().map(|(s, t)| (loc(*s), t.clone())).collect(),
                })
                .collect(),
            dashboards: unit
                .summary
                .dashboards
                .iter()
                .map(|d| (d.value.clone(), loc(d.span)))
                .collect(),
            slos: unit.summary.slos.clone(),
            references: unit
                .summary
                .references
                .iter()
                .map(|(kind, r)| (kind.clone(), r.value.clone(), loc(r.span)))
                .collect(),
            alerts: unit.summary.alerts.clone(),
            counts: unit.summary.counts,
        };
        let Ok(text) = serde_json::to_vec(&entry) else {
            return;
        };
        let path = self.path(service);
        let Some(dir) = path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // The entry's own name holds a regular file (an entry, perhaps corrupt) or
        // nothing: a link or a directory there is left as it is, never written
        // through; the temporary is created exclusively.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            self.note(
                "something that is not a file is where an entry goes (left as it is)",
                service,
            );
            return;
        }
        let Ok(tmp) = crate::write::new_temp(dir, TEMP_PREFIX, &text) else {
            return;
        };
        if std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Removes the entries of services that are no longer in the organisation, and the
    /// temporaries of killed builds: only files the cache wrote (an entry is a regular
    /// `<service>.json` holding this format's JSON); a README or anything else stays.
    pub fn prune(&self, services: &[&str]) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("services")) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            let stale_temp = name
                .strip_prefix(TEMP_PREFIX)
                .and_then(|rest| rest.split('-').next()?.parse::<u32>().ok())
                .is_some_and(|pid| !process_alive(pid));
            let gone_entry = name
                .strip_suffix(".json")
                .is_some_and(|svc| !services.contains(&svc))
                && is_entry(&path);
            if stale_temp || gone_entry {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// The prefix of the cache's temporaries (`.forge-cache-<pid>-<n>`).
const TEMP_PREFIX: &str = ".forge-cache-";

/// Whether a process with this id runs (a temporary of a live build is not removed).
fn process_alive(pid: u32) -> bool {
    pid == std::process::id() || std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Whether `path` is a cache entry: a regular file (not followed, not waited on)
/// holding a JSON object with the entry's `format` and `compiler`.
fn is_entry(path: &Path) -> bool {
    let Ok(bytes) = crate::write::read_regular(path, 256 * 1024 * 1024) else {
        return false;
    };
    #[derive(Deserialize)]
    struct Head {
        format: u32,
        compiler: String,
    }
    serde_json::from_slice::<Head>(&bytes).is_ok_and(|h| h.format > 0 && !h.compiler.is_empty())
}

/// Whether the cache directory `dir` is inside (or is) one of the spec directories.
pub fn inside_spec(dir: &Path, specs: &[PathBuf]) -> bool {
    // The cache may not exist yet: the writer's real path resolves what does.
    let real = |p: &Path| crate::write::real_path(p).unwrap_or_else(|_| p.to_path_buf());
    let cache = real(dir);
    specs
        .iter()
        .filter(|s| s.is_dir())
        .any(|s| cache.starts_with(real(s)))
}

fn hash_files(h: &mut blake3::Hasher, sources: &SourceSet, files: &[FileId]) {
    for f in files.iter().filter_map(|id| sources.get(*id)) {
        h.update(format!("{}\n{}\n", f.name, f.text.len()).as_bytes());
        h.update(f.text.as_bytes());
    }
}

/// The top-level sections the organisation reads of a cached service.
const ROUTING_VIEW: &[&str] = &[
    "version",
    "service",
    "defaults",
    "targets",
    "receivers",
    "routing",
];

/// What the organisation parses of a cached service's file.
#[derive(Debug, PartialEq, Eq)]
pub enum View {
    /// None of the sections it reads: nothing to parse.
    Nothing,
    /// The text with every other top-level section blanked (each byte but line ends
    /// turned into a space, so spans stay where they were).
    Blanked(String),
    /// Not a block mapping of top-level keys this can follow (flow style, several
    /// documents): the file is parsed whole.
    Whole,
}

/// The routing view of a spec file: only its `service:`, `targets:`, `receivers:`,
/// `routing:`, `defaults:` and `version:` sections.
pub fn routing_view(text: &str) -> View {
    // Top-level sections: (kept, start byte), in order.
    let mut sections: Vec<(bool, usize)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let first = line.as_bytes().first().copied().unwrap_or(b'\n');
        if !matches!(first, b' ' | b'#' | b'\n' | b'\r') {
            let key = line.split(':').next().unwrap_or("");
            let plain = !key.is_empty()
                && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && line[key.len()..].starts_with(':');
            if !plain {
                return View::Whole;
            }
            sections.push((ROUTING_VIEW.contains(&key), at));
        }
        at += line.len();
    }
    if !sections.iter().any(|(kept, _)| *kept) {
        return View::Nothing;
    }
    let mut out = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    // Text before the first section (comments) is kept as it is.
    let first = sections.first().map_or(bytes.len(), |s| s.1);
    out.extend_from_slice(&bytes[..first]);
    for (i, (kept, start)) in sections.iter().enumerate() {
        let end = sections.get(i + 1).map_or(bytes.len(), |s| s.1);
        let part = &bytes[*start..end];
        if *kept {
            out.extend_from_slice(part);
        } else {
            out.extend(part.iter().map(|b| match b {
                b'\n' | b'\r' => *b,
                _ => b' ',
            }));
        }
    }
    // Every byte is the text's or an ASCII space in place of a whole section's bytes.
    String::from_utf8(out).map_or(View::Whole, View::Blanked)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept sections are the text's, byte for byte and at the same offsets; the
    /// others are spaces (multi-byte characters too), line ends kept.
    #[test]
    fn routing_view_keeps_offsets() {
        let text = "# head\nservice: {name: a}\nalerts:\n  A: {summary: \"é €\"}\nrouting:\n  receiver: x\n";
        let View::Blanked(view) = routing_view(text) else {
            panic!("not blanked");
        };
        assert_eq!(view.len(), text.len());
        assert_eq!(view.lines().count(), text.lines().count());
        for kept in ["# head", "service: {name: a}", "routing:\n  receiver: x"] {
            let at = text.find(kept).unwrap();
            assert_eq!(&view[at..at + kept.len()], kept);
        }
        assert!(!view.contains("alerts") && !view.contains('é'));
    }

    #[test]
    fn routing_view_of_other_files_and_other_shapes() {
        assert_eq!(
            routing_view("metrics:\n  a_total: {type: counter}\n"),
            View::Nothing
        );
        assert_eq!(routing_view(""), View::Nothing);
        assert_eq!(routing_view("{service: {name: a}}\n"), View::Whole);
        assert_eq!(routing_view("---\nservice: {name: a}\n"), View::Whole);
        assert_eq!(routing_view("\"service\": {name: a}\n"), View::Whole);
    }
}
