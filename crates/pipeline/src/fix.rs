//! `forge-spec check --fix`: the fixes the diagnostics carry — the edits a rule states
//! (` for 5m` added to a noisy condition) and the replacement every did-you-mean
//! suggests (a misspelt key, metric, receiver, SLO, type, severity…) — applied to the
//! spec files in place: only those spans change, so comments and layout stay. The same
//! edits are the language server's quick fixes.
//!
//! A literal secret (L001) is fixed by moving it: its value is written to a file of
//! the secrets directory (`secrets/`, mode 0600, never replacing one) before the spec
//! reads it from there (`api_url_file:`); a secret that cannot be saved is not fixed.

use crate::Compilation;
use crate::diag::Diagnostic;
use crate::source::{SourceSet, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A secret the fix of a literal secret moves out of the spec: the name of its file in
/// the secrets directory, and its value.
pub struct MovedSecret {
    pub name: String,
    pub value: String,
}

/// The secret the fix of a diagnostic that moves one ([`Diagnostic::moves_secret`])
/// takes out of the spec: the YAML scalar under the diagnostic, to the file its edit
/// names.
pub fn moved_secret(d: &Diagnostic, sources: &SourceSet) -> Option<MovedSecret> {
    if !d.moves_secret {
        return None;
    }
    let (_, text) = d.edits.first()?;
    let name = text.rsplit('/').next()?.trim().to_string();
    let scalar = crate::source::SourceFile::new("secret", sources.slice(d.primary.span));
    let value: String = crate::syntax::parse_as(crate::source::FileId(0), &scalar).ok()?;
    (!name.is_empty() && !value.is_empty()).then_some(MovedSecret { name, value })
}

/// How sure a fix is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// The rule states the edit (`for 5m` added, a secret moved): always applied.
    Stated,
    /// A did-you-mean replacement of a name: applied where it is the small correction
    /// it should be ([`plausible`]).
    Suggested,
}

/// What applying a fix does besides editing the spec.
pub enum Effect {
    /// Only the spec's text changes.
    EditsSpec,
    /// The secret is saved in the secrets directory first; the edit, which reads it from
    /// there, applies only once it is saved.
    SavesSecret(MovedSecret),
}

/// The fix a diagnostic carries, as data: `check --fix` applies it to the files, the
/// language server offers it as a code action (a command when it saves a secret).
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    /// Replacements (an empty span inserts), in the spec's files.
    pub edits: Vec<(Span, String)>,
    pub effect: Effect,
}

/// The fix of a diagnostic, if it has one: the edits its rule states, else the
/// replacement its did-you-mean suggests (a quoted name keeps its quotes). A diagnostic
/// whose span is a secret has no fix but the move of that secret.
pub fn fix_of(d: &Diagnostic, sources: &SourceSet) -> Option<Fix> {
    let code = d.code.code;
    if d.moves_secret {
        let secret = moved_secret(d, sources)?;
        return Some(Fix {
            title: format!(
                "Move the secret to secrets/{} and read it from there ({code})",
                secret.name
            ),
            applicability: Applicability::Stated,
            edits: d.edits.clone(),
            effect: Effect::SavesSecret(secret),
        });
    }
    if d.masks_span {
        return None;
    }
    if !d.edits.is_empty() {
        let what = d.help.as_deref().unwrap_or(d.code.name);
        return Some(Fix {
            title: format!("Fix: {what} ({code})"),
            applicability: Applicability::Stated,
            edits: d.edits.clone(),
            effect: Effect::EditsSpec,
        });
    }
    let s = d.suggestion.as_ref()?;
    let span = d.primary.span;
    if span.start >= span.end {
        return None;
    }
    // A quoted scalar keeps its quotes: the name inside them is replaced.
    let mut at = span;
    let t = sources.slice(span);
    if t.len() >= 2
        && (t.starts_with('"') && t.ends_with('"') || t.starts_with('\'') && t.ends_with('\''))
        && !s.starts_with(['"', '\''])
    {
        at = span.sub(1, span.len() - 1);
    }
    if !plausible(sources.slice(at), s) {
        return None;
    }
    Some(Fix {
        title: format!("Replace with `{s}` ({code})"),
        applicability: Applicability::Suggested,
        edits: vec![(at, s.clone())],
        effect: Effect::EditsSpec,
    })
}

/// Saves a moved secret in the secrets directory `dir`: true when its file holds the
/// value now (written, or already there with it); false when a file of that name holds
/// something else.
pub fn save_secret(dir: &Path, secret: &MovedSecret) -> std::io::Result<bool> {
    let content = format!("{}\n", secret.value);
    crate::write::secret_files(dir, &[(secret.name.clone(), content.clone())])?;
    // Read back without following a link or waiting on a FIFO planted there.
    let held = crate::write::read_regular(&dir.join(&secret.name), 1 << 20)?;
    Ok(held == content.as_bytes())
}

/// One file's new text, and the replacements (byte range of the text read, new text)
/// that made it.
pub struct Fixed {
    pub path: PathBuf,
    pub text: String,
    pub edits: usize,
    original: String,
    parts: Vec<(usize, usize, String)>,
}

/// `text` with the (sorted, disjoint) replacements applied.
fn apply(text: &str, parts: &[(usize, usize, String)]) -> String {
    let mut out = text.to_string();
    for (start, end, with) in parts.iter().rev() {
        out.replace_range(*start..*end, with);
    }
    out
}

/// The fixed text of every spec file a suggestion applies to. Overlapping suggestions
/// keep the first; catalogues are never edited. A literal secret is fixed only when
/// `saved` says its value is safe in its file.
pub fn fixes(comp: &Compilation, saved: &mut dyn FnMut(&MovedSecret) -> bool) -> Vec<Fixed> {
    // (start, end, text, stated by the rule)
    let mut by_file: BTreeMap<u32, Vec<(usize, usize, String, bool)>> = BTreeMap::new();
    for d in &comp.diagnostics.items {
        let Some(fix) = fix_of(d, &comp.sources) else {
            continue;
        };
        if let Effect::SavesSecret(secret) = &fix.effect
            && !saved(secret)
        {
            continue;
        }
        for (span, text) in fix.edits {
            by_file.entry(span.file.0).or_default().push((
                span.start as usize,
                span.end as usize,
                text,
                fix.applicability == Applicability::Stated,
            ));
        }
    }
    let mut out = Vec::new();
    for (id, mut edits) in by_file {
        let Some(file) = comp.sources.files.get(id as usize) else {
            continue;
        };
        if crate::syntax::catalogs::is_catalog_file(&file.name) {
            continue;
        }
        edits.sort();
        edits.dedup();
        let mut kept: Vec<(usize, usize, String, bool)> = Vec::new();
        for e in edits {
            let fits = file
                .text
                .get(e.0..e.1)
                .is_some_and(|t| e.3 || plausible(t, &e.2));
            if fits && kept.last().is_none_or(|k| k.1 <= e.0) {
                kept.push(e);
            }
        }
        let parts: Vec<(usize, usize, String)> = kept
            .iter()
            .map(|(start, end, with, _)| (*start, *end, with.clone()))
            .collect();
        out.push(Fixed {
            path: PathBuf::from(&file.name),
            text: apply(&file.text, &parts),
            original: file.text.clone(),
            parts,
            edits: kept.len(),
        });
    }
    out
}

/// Whether replacing `original` by `suggestion` is the small correction it should be:
/// where a diagnostic's span is wider than the name (an expression whose positions
/// cannot be mapped exactly points at the whole scalar), nothing is replaced.
pub fn plausible(original: &str, suggestion: &str) -> bool {
    let (a, b) = (original.chars().count(), suggestion.chars().count());
    original != suggestion
        && crate::diag::did_you_mean(original, [suggestion]).is_some()
        && a.abs_diff(b) <= a.max(b) / 3 + 1
}

/// Writes a fixed file in place of the one read, through a temporary file created
/// exclusively in the same directory and renamed over it (never a half-written spec,
/// never a planted link written through), keeping its permissions. Refuses when the
/// file changed since it was read (`expected`), or is a symbolic link.
pub fn write(fixed: &Fixed, expected: &str) -> std::io::Result<()> {
    crate::write::replace_file(&fixed.path, expected.as_bytes(), fixed.text.as_bytes())
}

/// The fixes that leave the spec no worse: all of them when the spec they make parses
/// and has no more errors than before, else edit by edit, each kept when the spec with
/// it and those kept before passes the same test. (An edit on an alias — `*c` →
/// `*c for 5m` — does not parse, and is dropped; the others stay.) Returns the fixes
/// kept, and for each file some edits of which were dropped, how many.
pub fn verified(comp: &Compilation, fixed: Vec<Fixed>) -> (Vec<Fixed>, Vec<(PathBuf, usize)>) {
    let mut texts: Vec<(String, String)> = comp
        .sources
        .files
        .iter()
        .filter(|f| !f.name.starts_with('<'))
        .map(|f| (f.name.clone(), f.text.clone()))
        .collect();
    let score = |texts: &[(String, String)]| -> (usize, usize) {
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let c = crate::compile_str(&refs, &crate::Options::default());
        let parse = c
            .diagnostics
            .items
            .iter()
            .filter(|d| d.is_error() && d.code.code.starts_with('P'))
            .count();
        (parse, c.diagnostics.count(crate::diag::Severity::Error))
    };
    let with = |texts: &[(String, String)], path: &Path, text: &str| -> Vec<(String, String)> {
        texts
            .iter()
            .map(|(n, t)| {
                let t = if Path::new(n) == path { text } else { t };
                (n.clone(), t.to_string())
            })
            .collect()
    };
    let before = score(&texts);
    let no_worse = |after: (usize, usize)| after.0 <= before.0 && after.1 <= before.1;
    let all = fixed
        .iter()
        .fold(texts.clone(), |t, f| with(&t, &f.path, &f.text));
    if no_worse(score(&all)) {
        return (fixed, Vec::new());
    }
    let (mut kept, mut dropped) = (Vec::new(), Vec::new());
    for f in fixed {
        let mut parts: Vec<(usize, usize, String)> = Vec::new();
        for part in &f.parts {
            let mut trial = parts.clone();
            trial.push(part.clone());
            let next = with(&texts, &f.path, &apply(&f.original, &trial));
            if no_worse(score(&next)) {
                parts = trial;
            }
        }
        if parts.len() < f.parts.len() {
            dropped.push((f.path.clone(), f.parts.len() - parts.len()));
        }
        if parts.is_empty() {
            continue;
        }
        let text = apply(&f.original, &parts);
        texts = with(&texts, &f.path, &text);
        kept.push(Fixed {
            edits: parts.len(),
            text,
            parts,
            ..f
        });
    }
    (kept, dropped)
}
