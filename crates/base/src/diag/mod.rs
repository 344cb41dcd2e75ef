//! Diagnostics: the one `Diagnostic` type every stage produces, the code registry's
//! metadata type, and the renderers (human via miette, json, sarif, github).

pub mod codes;
mod render;

pub use render::{Format, render};

use crate::source::Span;
use std::fmt;

/// How serious a finding is. `Allow` turns a rule off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Allow,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" | "deny" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "allow" | "off" => Some(Severity::Allow),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Allow => "allow",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a code is: its identifier, its kebab-case name, its default severity and
/// its documentation (the doc comment of the rule's declaration).
#[derive(Debug)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub doc: &'static str,
    /// Cannot be silenced or made a warning (`lints:`, `allow:`): what it guards
    /// against would otherwise be written out (a literal secret, a broken config).
    pub fixed: bool,
}

impl Code {
    /// The order of the stage that finds this code, for root-causes-first output:
    /// parse, organisation, names, expressions, then the rest.
    pub fn stage(&self) -> u8 {
        match self.code.as_bytes().first() {
            Some(b'P') => 0,
            Some(b'O') => 1,
            Some(b'N') => 2,
            Some(b'X') => 3,
            _ => 4,
        }
    }

    /// The first sentence of the documentation after "## What it does".
    pub fn summary(&self) -> String {
        let mut lines = self.doc.lines().map(str::trim);
        for line in lines.by_ref() {
            if line.starts_with("## What it does") {
                break;
            }
        }
        let para: Vec<&str> = lines
            .skip_while(|l| l.is_empty())
            .take_while(|l| !l.is_empty())
            .collect();
        let text = para.join(" ");
        match text.find(". ") {
            Some(i) => text[..=i].to_string(),
            None if text.is_empty() => self.name.to_string(),
            None => text,
        }
    }
}

/// Declares a code with its documentation. The doc comment is the documentation:
/// `forge-spec explain` and `generated/docs/rules.md` print it.
#[macro_export]
macro_rules! declare_code {
    ($(#[doc = $doc:literal])* $vis:vis $ident:ident = ($code:literal, $name:literal, $sev:ident $(, $fixed:ident)?);) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::diag::Code = $crate::diag::Code {
            code: $code,
            name: $name,
            severity: $crate::diag::Severity::$sev,
            doc: concat!($($doc, "\n"),*),
            fixed: $crate::declare_code!(@fixed $($fixed)?),
        };
    };
    (@fixed) => { false };
    (@fixed fixed) => { true };
}

/// A span with a message: the primary one points at the problem, secondary ones at
/// related definitions ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding: what is wrong (message), where (labels), how to fix it (help).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub note: Option<String>,
    /// The primary span is a secret: renderers mask all of it in source snippets.
    pub masks_span: bool,
    /// The span of the name of the definition the finding is about (a metric, SLO,
    /// alert, panel, log event): the primary span unless [`Diagnostic::about`] or
    /// [`Diagnostic::about_none`] says otherwise. `allow:` on a definition silences
    /// what is about it, whatever the message says or where it points.
    pub subject: Option<Span>,
    /// The name a reference named and resolution did not find (`unknown metric `x``).
    /// When the definition of that name was dropped by the parser's error recovery, the
    /// finding is a consequence of the parse error, not a cause, and is not reported.
    pub unresolved: Option<String>,
    /// What the primary span most likely should say (the did-you-mean name): the fix
    /// a code action or `check --fix` applies.
    pub suggestion: Option<String>,
    /// The definition this error made the compiler drop (a metric of no known type):
    /// unresolved references to it are consequences, not reported.
    pub dropped: Option<String>,
    /// The fix the rule states, as span edits (replace each span's text; an empty span
    /// inserts): what `check --fix` and the language server's quick fix apply.
    pub edits: Vec<(Span, String)>,
    /// The stated fix moves the secret under the primary span into the file its edit
    /// names (`secrets/<name>`) before the spec reads it from there: a fixer saves the
    /// value first, and applies the edit only when it is saved.
    pub moves_secret: bool,
}

impl Diagnostic {
    pub fn new(code: &'static Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
            note: None,
            masks_span: false,
            subject: Some(span),
            unresolved: None,
            suggestion: None,
            dropped: None,
            edits: Vec::new(),
            moves_secret: false,
        }
    }

    /// Says the stated fix moves the secret under the span into the file its edit names.
    pub fn moving_secret(mut self) -> Self {
        self.moves_secret = true;
        self
    }

    /// Adds an edit to the fix the rule states: `text` in place of `span`.
    pub fn edit(mut self, span: Span, text: impl Into<String>) -> Self {
        self.edits.push((span, text.into()));
        self
    }

    /// Says the error dropped the definition `name` from the model.
    pub fn drops(mut self, name: impl Into<String>) -> Self {
        self.dropped = Some(name.into());
        self
    }

    /// Says the finding is an unresolved reference to `name`.
    pub fn unresolved(mut self, name: impl Into<String>) -> Self {
        self.unresolved = Some(name.into());
        self
    }

    /// Says which definition the finding is about, by the span of its name.
    pub fn about(mut self, name: Span) -> Self {
        self.subject = Some(name);
        self
    }

    /// Says the finding is about no one definition (the whole catalogue, a route), so
    /// no definition's `allow:` silences it.
    pub fn about_none(mut self) -> Self {
        self.subject = None;
        self
    }

    /// Marks the primary span as a secret, masked wherever the source is shown.
    pub fn secret(mut self) -> Self {
        self.masks_span = true;
        self
    }

    /// The text under the caret.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// The help line. One that introduces a list the finding had nothing for (`its
    /// labels: ` and no label) says `none` rather than stopping short.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        let mut help: String = help.into();
        let trimmed = help.trim_end().len();
        help.truncate(trimmed);
        if help.ends_with(':') {
            help.push_str(" none");
        }
        self.help = Some(help);
        self
    }

    /// "did you mean `x`?" when a known name is close to `unknown`, else `fallback`.
    pub fn suggest<'a>(
        self,
        unknown: &str,
        known: impl IntoIterator<Item = &'a str>,
        fallback: impl Into<String>,
    ) -> Self {
        match did_you_mean(unknown, known) {
            Some(s) => self.did_you_mean(s),
            None => self.help(fallback),
        }
    }

    /// "did you mean `s`?", with `s` as the suggested replacement of the primary span.
    pub fn did_you_mean(mut self, s: &str) -> Self {
        self.suggestion = Some(s.to_string());
        self.help(format!("did you mean `{s}`?"))
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Collects diagnostics across stages; sorting makes the output order deterministic.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, it: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(it);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Forgets unresolved references that are consequences of parse errors: those
    /// to a definition the parser dropped (`failed`), or all of them when a file did
    /// not parse at all (`all`: any name may have been defined there).
    /// Definitions dropped by an error ([`Diagnostic::drops`]) count as `failed` too.
    pub fn forget_unresolved(&mut self, failed: &std::collections::HashSet<String>, all: bool) {
        let dropped: std::collections::HashSet<String> = self
            .items
            .iter()
            .filter_map(|d| d.dropped.clone())
            .collect();
        // `x_bucket`, `x_sum`, `x_count` are series of the histogram or summary `x`.
        let gone = |name: &str| {
            std::iter::once(name)
                .chain(
                    ["_bucket", "_sum", "_count"]
                        .iter()
                        .filter_map(|s| name.strip_suffix(s)),
                )
                .any(|n| failed.contains(n) || dropped.contains(n))
        };
        self.items.retain(|d| match &d.unresolved {
            Some(name) => !all && !gone(name),
            None => true,
        });
    }

    /// Sorts root causes first — errors before warnings, and among them by stage
    /// (what the parser found, then the organisation's structure, names, expressions,
    /// then every other check) — then by file, position, code and message; drops exact
    /// repeats.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (
                a.severity,
                a.code.stage(),
                a.primary.span,
                a.code.code,
                &a.message,
            )
                .cmp(&(
                    b.severity,
                    b.code.stage(),
                    b.primary.span,
                    b.code.code,
                    &b.message,
                ))
        });
        self.items.dedup_by(|a, b| {
            a.primary.span == b.primary.span && a.code.code == b.code.code && a.message == b.message
        });
    }
}

/// "did you mean `x`?" when a known name is close enough to the unknown one.
pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, bool, &str)> = None;
    let lower = unknown.to_lowercase();
    let len = unknown.chars().count();
    for k in known {
        let k_len = k.chars().count();
        let limit = (len.max(k_len) / 3).max(1);
        // The distance is at least the difference in length: a very long unknown name
        // (hostile input) is never compared character by character with short ones.
        if len.abs_diff(k_len) > limit {
            continue;
        }
        let k_lower = k.to_lowercase();
        let d = edit_distance(&lower, &k_lower);
        // Equally close names: one the unknown name begins (`rat` → `rate`) first.
        let key = (d, !k_lower.starts_with(&lower), k);
        if d <= limit && best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best.map(|(_, _, k)| k)
}

/// Optimal string alignment distance over characters (the `strsim` crate's): an
/// insertion, deletion, substitution or transposition of two neighbours counts 1, so
/// `salck` is one step from `slack`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hostile unknown name of a megabyte against ten thousand known names is
    /// dismissed by length, not compared (that would be 10^11 steps), and the
    /// suggestion for a near name is unchanged by the length filter.
    #[test]
    fn long_unknown_names_are_not_compared() {
        let known: Vec<String> = (0..10_000)
            .map(|i| format!("synth_api{i}_requests_total"))
            .collect();
        let huge = "x".repeat(1 << 20);
        assert_eq!(did_you_mean(&huge, known.iter().map(String::as_str)), None);
        assert_eq!(
            did_you_mean(
                "synth_api42_request_total",
                known.iter().map(String::as_str)
            ),
            Some("synth_api42_requests_total")
        );
    }

    /// A help that introduces an empty list says so.
    #[test]
    fn helps_never_end_in_an_empty_list() {
        let span = crate::source::Span::default();
        let d = Diagnostic::new(&TEST, span, "m").suggest("zz", [], "its labels: ".to_string());
        assert_eq!(d.help.as_deref(), Some("its labels: none"));
        let d = Diagnostic::new(&TEST, span, "m").help("its labels: a, b");
        assert_eq!(d.help.as_deref(), Some("its labels: a, b"));
    }

    static TEST: Code = Code {
        code: "T000",
        name: "test",
        severity: Severity::Error,
        doc: "",
        fixed: false,
    };

    /// Suggestions pick the closest known name and refuse distant ones.
    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("pagerduty", ["slack", "pagerduty"]),
            Some("pagerduty")
        );
        assert_eq!(
            did_you_mean("pagerdty", ["slack", "pagerduty"]),
            Some("pagerduty")
        );
        assert_eq!(did_you_mean("zzz", ["slack", "pagerduty"]), None);
        // Transpositions, the commonest typo, are one step.
        assert_eq!(did_you_mean("salck", ["slack", "email"]), Some("slack"));
        assert_eq!(did_you_mean("emial", ["slack", "email"]), Some("email"));
        assert_eq!(edit_distance("salck", "slack"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
