//! Diagnostics rendering: one `Diagnostic` type, five formats (human, json, sarif,
//! github, markdown).

use super::{Diagnostic, Severity};
use crate::source::{SourceSet, Span};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Output formats of `check` and `build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    /// A table for a pull-request comment.
    Markdown,
}

impl Format {
    /// Every format with its name on the command line.
    pub const ALL: [(&'static str, Format); 5] = [
        ("human", Format::Human),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
        ("markdown", Format::Markdown),
    ];

    /// The format of this name (`human`, `json`, `sarif`, `github`, `markdown`).
    pub fn from_name(name: &str) -> Option<Format> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }
}

/// Renders all diagnostics in one format. Human output has no colours when
/// `color` is false (tests, pipes). Whatever is printed is redacted first, in every
/// format: secrets masked (messages, labels, help, and the source snippets; the whole
/// span of a diagnostic that reports a secret), control characters neutralised.
pub fn render(format: Format, diags: &[Diagnostic], sources: &SourceSet, color: bool) -> String {
    let (diags, sources) = redacted(diags, sources);
    let (diags, sources) = (diags.as_slice(), &sources);
    match format {
        Format::Human => human(diags, sources, color),
        Format::Json => {
            let mut out = String::new();
            for d in diags {
                out.push_str(&json_object(d, sources).to_string());
                out.push('\n');
            }
            out
        }
        Format::Sarif => {
            let mut s = serde_json::to_string_pretty(&sarif(diags, sources)).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Github => github(diags, sources),
        Format::Markdown => markdown(diags, sources),
    }
}

/// The diagnostics and the source files they show, made safe to print: see
/// [`render`]. Files no diagnostic points at are left empty (never shown).
fn redacted(diags: &[Diagnostic], sources: &SourceSet) -> (Vec<Diagnostic>, SourceSet) {
    use crate::secrets::{mask_range, redact};
    let shown: std::collections::BTreeSet<u32> = diags
        .iter()
        .flat_map(|d| std::iter::once(&d.primary).chain(&d.secondary))
        .map(|l| l.span.file.0)
        .collect();
    let mut set = SourceSet::default();
    for id in sources.ids() {
        let Some(f) = sources.get(id) else { continue };
        let name = redact(&f.name).into_owned();
        if !shown.contains(&id.0) {
            set.add(crate::source::SourceFile::new(name, ""));
            continue;
        }
        let mut text = redact(&f.text).into_owned();
        for d in diags
            .iter()
            .filter(|d| d.masks_span && d.primary.span.file == id)
        {
            let (start, end) = (d.primary.span.start as usize, d.primary.span.end as usize);
            if text.is_char_boundary(start) && text.is_char_boundary(end) && start <= end {
                mask_range(&mut text, start..end);
            }
        }
        set.add(crate::source::SourceFile::new(name, text));
    }
    let clean = |s: &str| redact(s).into_owned();
    let diags = diags
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d.message = clean(&d.message);
            d.primary.message = clean(&d.primary.message);
            for l in &mut d.secondary {
                l.message = clean(&l.message);
            }
            d.help = d.help.as_deref().map(clean);
            d.note = d.note.as_deref().map(clean);
            d
        })
        .collect();
    (diags, set)
}

fn json_object(d: &Diagnostic, sources: &SourceSet) -> Value {
    let pos = sources.position(d.primary.span);
    let labels: Vec<Value> = d
        .secondary
        .iter()
        .map(|l| {
            let p = sources.position(l.span);
            json!({"file": p.file, "line": p.line, "column": p.column, "message": l.message})
        })
        .collect();
    json!({
        "code": d.code.code,
        "name": d.code.name,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": pos.file,
        "line": pos.line,
        "column": pos.column,
        "end": {"line": pos.end_line, "column": pos.end_column},
        "label": d.primary.message,
        "help": d.help,
        "related": labels,
    })
}

fn sarif(diags: &[Diagnostic], sources: &SourceSet) -> Value {
    let mut codes: Vec<&super::Code> = diags.iter().map(|d| d.code).collect();
    codes.sort_by_key(|c| c.code);
    codes.dedup_by_key(|c| c.code);
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.name,
                "shortDescription": {"text": c.summary()},
                "fullDescription": {"text": c.doc.trim()},
                "defaultConfiguration": {"level": sarif_level(c.severity)},
            })
        })
        .collect();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let fingerprint = fingerprint(d, sources);
            let n = seen.entry(fingerprint.clone()).or_insert(0);
            *n += 1;
            let fingerprint = format!("{fingerprint}:{n}");
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                let _ = write!(text, "\nhelp: {h}");
            }
            let related: Vec<Value> = d
                .secondary
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = sarif_location(l.span, sources);
                    loc["id"] = json!(i + 1);
                    loc["message"] = json!({"text": l.message});
                    loc
                })
                .collect();
            json!({
                "ruleId": d.code.code,
                "ruleIndex": codes.iter().position(|c| c.code == d.code.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [sarif_location(d.primary.span, sources)],
                "relatedLocations": related,
                "partialFingerprints": {"forgeSpecFinding/v1": fingerprint},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "forge-spec",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// What identifies a finding across commits, whatever lines are added above it: the
/// code, the file, the message and the text the finding points at (not line numbers),
/// hashed; the caller numbers repeats (`:1`, `:2`). GitHub code scanning reads it from
/// `partialFingerprints` to track an alert from one analysis to the next.
fn fingerprint(d: &Diagnostic, sources: &SourceSet) -> String {
    let p = sources.position(d.primary.span);
    let mut h = blake3::Hasher::new();
    for part in [
        d.code.code,
        p.file,
        &d.message,
        sources.slice(d.primary.span).trim(),
    ] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex()[..32].to_string()
}

fn sarif_location(span: Span, sources: &SourceSet) -> Value {
    let p = sources.position(span);
    json!({"physicalLocation": {
        "artifactLocation": {"uri": p.file},
        "region": {
            "startLine": p.line.max(1),
            "startColumn": p.column.max(1),
            "endLine": p.end_line.max(1),
            "endColumn": p.end_column.max(1),
        },
    }})
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Allow => "none",
    }
}

/// GitHub Actions workflow commands; `%`, CR and LF escaped as the runner requires.
/// A Markdown table (for a pull-request comment): a count line, then each diagnostic's
/// severity, code, place and message; help after the message.
fn markdown(diags: &[Diagnostic], sources: &SourceSet) -> String {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let mut out = format!(
        "**forge-spec**: {} error(s), {} warning(s)\n",
        count(Severity::Error),
        count(Severity::Warning)
    );
    if diags.is_empty() {
        return out;
    }
    out.push_str("\n| | code | where | what |\n|---|---|---|---|\n");
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for d in diags {
        let mark = match d.severity {
            Severity::Error => "🔴",
            Severity::Warning => "🟡",
            _ => "⚪",
        };
        let p = sources.position(d.primary.span);
        let help = d
            .help
            .as_ref()
            .map_or(String::new(), |h| format!("<br>*{}*", cell(h)));
        let _ = writeln!(
            out,
            "| {mark} | `{}` {} | `{}:{}:{}` | {}{help} |",
            d.code.code,
            d.code.name,
            cell(p.file),
            p.line,
            p.column,
            cell(&d.message),
        );
    }
    out
}

/// How many annotations of each kind GitHub shows for one step; the runner drops the
/// rest. The most important come first (diagnostics are sorted root causes first);
/// those beyond the limit are printed as plain log lines, after a notice saying so.
pub const GITHUB_ANNOTATIONS: usize = 10;

fn github(diags: &[Diagnostic], sources: &SourceSet) -> String {
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let esc_prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    let mut shown = [0usize; 2];
    let mut rest = Vec::new();
    for d in diags {
        let p = sources.position(d.primary.span);
        let kind = if d.is_error() { "error" } else { "warning" };
        let n = &mut shown[usize::from(!d.is_error())];
        if *n == GITHUB_ANNOTATIONS {
            rest.push(format!(
                "{kind}[{}]: {}: {}",
                d.code.code,
                p,
                d.message.replace(['\r', '\n'], " ")
            ));
            continue;
        }
        *n += 1;
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            let _ = write!(msg, "\nhelp: {h}");
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            esc_prop(p.file),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            esc_prop(&format!("{} {}", d.code.code, d.code.name)),
            esc(&msg)
        );
    }
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "::notice title=forge-spec::{} more finding(s) not annotated: GitHub shows {GITHUB_ANNOTATIONS} errors and {GITHUB_ANNOTATIONS} warnings per step. They follow in the log.",
            rest.len()
        );
        for line in rest {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// Human output: miette's graphical report (file:line:col, caret, labels, help),
/// followed by a summary line.
fn human(diags: &[Diagnostic], sources: &SourceSet, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    let mut out = String::new();
    for d in diags {
        let report = MietteView::new(d, sources);
        let mut s = String::new();
        if handler.render_report(&mut s, &report).is_err() {
            let _ = writeln!(s, "{}[{}]: {}", d.severity, d.code.code, d.message);
        }
        out.push_str(&s);
        if !s.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Adapts a `Diagnostic` to miette. Labels in the primary's file are drawn there;
/// labels in other files become related reports with their own source.
struct MietteView<'a> {
    diag: &'a Diagnostic,
    header: String,
    source: Window,
    labels: Vec<miette::LabeledSpan>,
    related: Vec<RelatedView>,
    primary_only: bool,
}

struct RelatedView {
    message: String,
    source: Window,
    label: miette::LabeledSpan,
}

/// The lines of a file around a diagnostic's spans, which is all miette reads: given
/// the whole file, miette finds a line by counting from the file's start, and the
/// file was copied for every diagnostic — 10,000 findings in one large file took
/// half a minute to print.
struct Window {
    name: String,
    text: String,
    /// Byte offset and 0-based line of the window's start in the file.
    offset: usize,
    line: usize,
}

impl Window {
    fn new(sources: &SourceSet, file: crate::source::FileId, spans: &[Span]) -> Window {
        let Some(f) = sources.get(file) else {
            return Window {
                name: "<unknown>".into(),
                text: String::new(),
                offset: 0,
                line: 0,
            };
        };
        let lo = spans.iter().map(|s| s.start as usize).min().unwrap_or(0);
        let hi = spans.iter().map(|s| s.end as usize).max().unwrap_or(0);
        // Context lines around the spans, and one more each side.
        let first = f.line_of(lo).saturating_sub(2);
        let last = f.line_of(hi) + 3;
        let (start, end) = (f.line_start(first), f.line_start(last));
        Window {
            name: f.name.clone(),
            text: f.text.get(start..end).unwrap_or_default().to_string(),
            offset: start,
            line: first,
        }
    }
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let local = miette::SourceSpan::new(
            span.offset()
                .saturating_sub(self.offset)
                .min(self.text.len())
                .into(),
            span.len(),
        );
        let inner = self.text.read_span(&local, before, after)?;
        Ok(Box::new(
            miette::MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                miette::SourceSpan::new(
                    (inner.span().offset() + self.offset).into(),
                    inner.span().len(),
                ),
                inner.line() + self.line,
                inner.column(),
                inner.line_count(),
            )
            .with_language("yaml"),
        ))
    }
}

impl<'a> MietteView<'a> {
    fn new(diag: &'a Diagnostic, sources: &SourceSet) -> Self {
        let file = diag.primary.span.file;
        let pos = sources.position(diag.primary.span);
        let in_file = |f| -> Vec<Span> {
            std::iter::once(diag.primary.span)
                .chain(diag.secondary.iter().map(|l| l.span))
                .filter(|s| s.file == f)
                .collect()
        };
        let named = |f| Window::new(sources, f, &in_file(f));
        let to_span = |s: Span| miette::SourceSpan::new((s.start as usize).into(), s.len());
        let mut labels = vec![miette::LabeledSpan::new_primary_with_span(
            Some(diag.primary.message.clone()).filter(|m| !m.is_empty()),
            to_span(diag.primary.span),
        )];
        let mut related = Vec::new();
        for l in &diag.secondary {
            let ls = miette::LabeledSpan::new_with_span(Some(l.message.clone()), to_span(l.span));
            if l.span.file == file {
                labels.push(ls);
            } else {
                related.push(RelatedView {
                    message: l.message.clone(),
                    source: named(l.span.file),
                    label: ls,
                });
            }
        }
        MietteView {
            diag,
            header: format!("{} at {}", diag.message, pos),
            source: named(file),
            labels,
            related,
            primary_only: false,
        }
    }
}

impl std::fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.diag.code.code, self.diag.code.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            _ => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        match (&self.diag.help, &self.diag.note) {
            (Some(h), Some(n)) => Some(Box::new(format!("{h}\nnote: {n}"))),
            (Some(h), None) => Some(Box::new(h.clone())),
            (None, Some(n)) => Some(Box::new(format!("note: {n}"))),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.primary_only || self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

impl std::fmt::Debug for RelatedView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Display for RelatedView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedView {}

impl miette::Diagnostic for RelatedView {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}
