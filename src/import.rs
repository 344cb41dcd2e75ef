//! Pipeline of `forge-spec import`: reads another tool's files, writes spec files, and
//! compiles what it wrote. A rule whose condition-language translation the compiler
//! refuses is written again as PromQL (`expr:`, with a comment), so that the spec
//! written is what the files said, in the language where it checks.

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::LoadError;
use crate::source::{self, SourceSet, Span};
use crate::{Compilation, Options, compile_str, rules};
use std::collections::BTreeSet;
use std::path::PathBuf;

pub use forge_spec_import as formats;

/// What can be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Prometheus rule files (`groups:` of alerting and recording rules).
    Prometheus,
    /// An Alertmanager configuration (`alertmanager.yml`).
    Alertmanager,
    /// Sloth SLO specs (`version: prometheus/v1`).
    Sloth,
    /// Pyrra `ServiceLevelObjective` resources.
    Pyrra,
    /// OpenSLO v1 `SLO` (with `SLI` and `AlertPolicy`) documents.
    Openslo,
}

/// An import: the input files with what the import reported, the spec files written,
/// and the compiler's findings on them.
pub struct Imported {
    pub sources: SourceSet,
    pub diagnostics: Diagnostics,
    pub files: Vec<(String, String)>,
    pub check: Compilation,
}

/// Reads `paths` as `kind` and writes a spec of the service `service` (default: what
/// the files say, else the first file's name).
pub fn import(
    kind: Kind,
    paths: &[PathBuf],
    service: Option<&str>,
    into: &std::path::Path,
) -> Result<Imported, LoadError> {
    let (mut sources, refused) = source::load(paths)?;
    // A spec already in the output directory: the import adds to it, and is checked
    // with it.
    // A directory without spec files (a README, notes) holds no spec to add to.
    let existing: Vec<(String, String)> = if into.is_dir() {
        match source::load(&[into.to_path_buf()]) {
            Ok((set, _)) => set
                .ids()
                .filter_map(|id| set.get(id))
                .map(|f| (f.name.clone(), f.text.clone()))
                .collect(),
            Err(LoadError::Empty { .. }) => Vec::new(),
            Err(e) => return Err(e),
        }
    } else {
        Vec::new()
    };
    let has_service = existing
        .iter()
        .any(|(_, t)| t.starts_with("service:") || t.contains("\nservice:"));
    let mut found: Vec<Diagnostic> = Vec::new();
    for r in refused {
        let id = sources.add(source::SourceFile::new(r.name.clone(), String::new()));
        found.push(
            Diagnostic::new(
                &rules::parse::UNREADABLE_FILE,
                Span::new(id, 0, 0),
                format!("{} was not read: {}", r.name, r.reason),
            )
            .help(r.help),
        );
    }
    let ids: Vec<_> = sources.ids().collect();
    let opts = Options::default();
    let stem = paths
        .first()
        .and_then(|p| p.file_name())
        .map(|n| {
            n.to_string_lossy()
                .split('.')
                .next()
                .unwrap_or("imported")
                .to_string()
        })
        .unwrap_or_else(|| "imported".into());
    let stem = short_service_name(&stem);
    let named = service.unwrap_or(&stem);
    let (files, check) = match kind {
        Kind::Prometheus => {
            let r = formats::prometheus::read(&sources, &ids, service, &mut found);
            prometheus(&r, &existing, has_service, &opts)
        }
        Kind::Alertmanager => {
            let files = formats::alertmanager::import(&sources, &ids, named, &mut found);
            let files = without_service(files, has_service);
            let check = compiled(&existing, &files, &opts);
            (files, check)
        }
        Kind::Sloth | Kind::Pyrra | Kind::Openslo => {
            let files =
                formats::slo::import(kind_name(kind), &sources, &ids, named, service, &mut found);
            let files = without_service(files, has_service);
            let check = compiled(&existing, &files, &opts);
            (files, check)
        }
    };
    let mut diagnostics = Diagnostics { items: found };
    diagnostics.sort();
    // `check` runs what `build` does (the output's secret scan, the rulers' limits).
    let mut check = check;
    if !check.diagnostics.has_errors() {
        let _ = crate::emit_checked(&mut check);
    }
    Ok(Imported {
        sources,
        diagnostics,
        files,
        check,
    })
}

/// A service name from a file name, short enough for every name made of it (the SLO
/// dashboard's uid `<service>-slos` fits Grafana's 40 characters): without a leading
/// `slo-` (Pyrra's `slo-prometheus-rule-evaluation-failures.yaml`), then cut at a `-`.
fn short_service_name(stem: &str) -> String {
    const MAX: usize = 35;
    let s = stem
        .strip_prefix("slo-")
        .or_else(|| stem.strip_prefix("slos-"))
        .filter(|s| !s.is_empty())
        .unwrap_or(stem);
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let head: String = s.chars().take(MAX).collect();
    match head.rfind('-') {
        Some(i) if i > 0 => head[..i].to_string(),
        _ => head,
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Prometheus => "prometheus",
        Kind::Alertmanager => "alertmanager",
        Kind::Sloth => "sloth",
        Kind::Pyrra => "pyrra",
        Kind::Openslo => "openslo",
    }
}

/// The files written, without `service.yaml` when the spec they join has a service.
fn without_service(files: Vec<(String, String)>, has_service: bool) -> Vec<(String, String)> {
    files
        .into_iter()
        .filter(|(n, _)| !(has_service && n == "service.yaml"))
        .collect()
}

/// The spec the import makes: the files already there and the files written.
fn compiled(
    existing: &[(String, String)],
    files: &[(String, String)],
    opts: &Options,
) -> Compilation {
    let refs: Vec<(&str, &str)> = existing
        .iter()
        .chain(files)
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    compile_str(&refs, opts)
}

/// Writes the rules, compiles them, and writes again with every rule the compiler
/// refused in the condition language kept as PromQL; twice at most (a rule refused as
/// PromQL too stays so). Then the findings that are true of the source rule itself
/// (an alert finding, `A…`, or a record's name, N009) are marked with an `allow:` entry
/// on that rule, so that the spec builds as the source ran, and reported as warnings
/// for the user to fix in the spec.
fn prometheus(
    r: &formats::prometheus::Rules,
    existing: &[(String, String)],
    has_service: bool,
    opts: &Options,
) -> (Vec<(String, String)>, Compilation) {
    let mut as_expr = BTreeSet::new();
    let mut marks = formats::prometheus::Marks::new();
    let mut marking = false;
    loop {
        let (files, sites) = formats::prometheus::render(r, &as_expr, &marks);
        let files = without_service(files, has_service);
        let c = compiled(existing, &files, opts);
        // Each file's rules by where they start (they follow one another), so that an
        // error finds its rule by a search, not by a pass over every rule.
        let mut by_file: std::collections::HashMap<&str, Vec<(usize, usize, &String)>> =
            std::collections::HashMap::new();
        for (name, key, range) in &sites {
            by_file
                .entry(name.as_str())
                .or_default()
                .push((range.start, range.end, key));
        }
        let rule_at = |d: &Diagnostic| {
            let at = d.primary.span.start as usize;
            let rules = c
                .sources
                .get(d.primary.span.file)
                .and_then(|f| by_file.get(f.name.as_str()))?;
            let i = rules.partition_point(|(start, _, _)| *start <= at);
            let (_, end, key) = i.checked_sub(1).map(|i| rules[i])?;
            (at < end).then_some(key)
        };
        if !c.diagnostics.has_errors() {
            // Nothing to keep as PromQL or to mark: this is the spec (no second pass).
            let c = with_marks_reported(c, &marks, &sites);
            return (files, c);
        }
        let errors = c.diagnostics.items.iter().filter(|d| d.is_error());
        if !marking {
            let refused: BTreeSet<String> = errors
                .filter_map(&rule_at)
                .filter(|key| !as_expr.contains(*key))
                .cloned()
                .collect();
            if refused.is_empty() {
                marking = true;
            } else {
                as_expr.extend(refused);
            }
            continue;
        }
        let mut new = false;
        for d in errors {
            let true_of_source = d.code.code.starts_with('A') || d.code.code == "N009";
            let Some(key) = rule_at(d).filter(|_| true_of_source) else {
                continue;
            };
            let entry = marks.entry(key.clone()).or_default();
            if !entry.iter().any(|(rule, _)| rule == d.code.name) {
                let reason = format!("imported as the source has it: {}", d.message);
                entry.push((d.code.name.to_string(), reason));
                new = true;
            }
        }
        if !new {
            let c = with_marks_reported(c, &marks, &sites);
            return (files, c);
        }
    }
}

/// The findings the marks allow, reported as warnings of the written spec at their
/// `allow:` entry: the user sees each, and the spec builds.
fn with_marks_reported(
    mut c: Compilation,
    marks: &formats::prometheus::Marks,
    sites: &formats::prometheus::Sites,
) -> Compilation {
    for (file, key, range) in sites {
        let Some(marked) = marks.get(key) else {
            continue;
        };
        let Some(id) = c
            .sources
            .ids()
            .find(|id| c.sources.get(*id).is_some_and(|f| &f.name == file))
        else {
            continue;
        };
        let Some(text) = c.sources.get(id).and_then(|f| f.text.get(range.clone())) else {
            continue;
        };
        let Some(at) = text.find("allow: [") else {
            continue;
        };
        let line = text[at..].find('\n').map_or(text.len(), |e| at + e);
        let span = Span::new(id, range.start + at, range.start + line);
        for (rule, reason) in marked {
            let Some(code) = rules::find(rule) else {
                continue;
            };
            let mut d = Diagnostic::new(code, span, format!("`{key}`: {reason}"))
                .label("true of the source rule, marked")
                .help("the written spec allows it so that it builds as the source ran; fix it there and remove the entry");
            d.severity = crate::diag::Severity::Warning;
            c.diagnostics.items.push(d);
        }
    }
    c.diagnostics.sort();
    c
}
