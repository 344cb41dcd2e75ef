//! The language features on the last compilation, at a file name and a byte offset:
//! symbols, hover, definition, references and rename, completion, fixes.

use super::Workspace;
use forge_spec_pipeline::Compilation;
use forge_spec_pipeline::diag::Diagnostic;
use forge_spec_pipeline::fix::Fix;
use forge_spec_pipeline::source::{self, Span};
use std::collections::{BTreeMap, BTreeSet};

/// What a definition is, for an outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Target,
    Metric,
    Slo,
    Alert,
    Record,
    Group,
    Receiver,
    Dashboard,
    Team,
    LogEvent,
}

/// One definition of a file: its name, kind, section (`metrics`) and the span of its key.
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub section: &'static str,
    pub span: Span,
}

/// What a completion offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Metric,
    Label,
    LabelValue,
    Function,
    Slo,
    Receiver,
    Duration,
    Unit,
}

/// One completion: the text inserted, its kind, and a word on what it is.
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
}

/// A hover: Markdown about the name under the cursor, and the name's span.
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

impl Workspace {
    /// The definitions of one file, section by section (the editor's outline).
    pub fn symbols(&self, name: &str) -> Vec<Symbol> {
        let (Some(comp), Some((id, _))) = (&self.last, self.file(name)) else {
            return Vec::new();
        };
        self.file_symbols(comp, id)
    }

    /// The definitions of every file whose name holds the query (ignoring case; all of
    /// them for an empty query).
    pub fn workspace_symbols(&self, query: &str) -> Vec<Symbol> {
        let Some(comp) = &self.last else {
            return Vec::new();
        };
        let query = query.to_lowercase();
        comp.sources
            .ids()
            .flat_map(|id| self.file_symbols(comp, id))
            .filter(|s| s.name.to_lowercase().contains(&query))
            .collect()
    }

    fn file_symbols(&self, comp: &Compilation, id: source::FileId) -> Vec<Symbol> {
        let Some(file) = comp.sources.get(id).filter(|f| !f.name.starts_with('<')) else {
            return Vec::new();
        };
        let read;
        let spec = match self.parsed.get(&file.name).filter(|r| r.text == file.text) {
            Some(r) => r.parsed.file.as_ref(),
            None => {
                read = forge_spec_pipeline::syntax::parse_spec(id, file);
                read.file.as_ref()
            }
        };
        let Some(spec) = spec else {
            return Vec::new();
        };
        fn keys<V>(
            m: &forge_spec_pipeline::syntax::Map<V>,
        ) -> Vec<&forge_spec_pipeline::syntax::Spanned<String>> {
            m.0.iter().map(|(k, _)| k).collect()
        }
        let sections = [
            ("targets", SymbolKind::Target, keys(&spec.targets)),
            ("metrics", SymbolKind::Metric, keys(&spec.metrics)),
            ("slos", SymbolKind::Slo, keys(&spec.slos)),
            ("alerts", SymbolKind::Alert, keys(&spec.alerts)),
            ("records", SymbolKind::Record, keys(&spec.records)),
            ("groups", SymbolKind::Group, keys(&spec.groups)),
            ("receivers", SymbolKind::Receiver, keys(&spec.receivers)),
            ("dashboards", SymbolKind::Dashboard, keys(&spec.dashboards)),
            ("teams", SymbolKind::Team, keys(&spec.teams)),
            (
                "logs.events",
                SymbolKind::LogEvent,
                spec.logs
                    .as_ref()
                    .map(|l| keys(&l.events))
                    .unwrap_or_default(),
            ),
        ];
        sections
            .into_iter()
            .flat_map(|(section, kind, keys)| {
                keys.into_iter().map(move |k| Symbol {
                    name: k.value.clone(),
                    kind,
                    section,
                    span: k.span,
                })
            })
            .collect()
    }

    /// The compilation, the file named and the word at `at` in it, with its span.
    fn word(&self, name: &str, at: usize) -> Option<(&Compilation, &str, Span)> {
        let comp = self.last.as_ref()?;
        let (id, file) = self.file(name)?;
        let (word, (start, end)) = word_at(&file.text, at)?;
        Some((comp, word, Span::new(id, start, end)))
    }

    /// What the name under the cursor is.
    pub fn hover(&self, name: &str, at: usize) -> Option<Hover> {
        let (comp, word, span) = self.word(name, at)?;
        Some(Hover {
            markdown: describe(comp, word)?,
            span,
        })
    }

    /// Where the name under the cursor is defined.
    pub fn definition(&self, name: &str, at: usize) -> Option<Span> {
        let (comp, word, _) = self.word(name, at)?;
        definition_of(comp, word)
    }

    /// Every whole-word occurrence of the defined name under the cursor; `None` when
    /// no defined name is there.
    pub fn references(&self, name: &str, at: usize) -> Option<Vec<Span>> {
        let (comp, word, _) = self.word(name, at)?;
        definition_of(comp, word)?;
        // A histogram's or summary's series (`x_bucket`, `x_sum`, `x_count`) name it too.
        let series: &[&str] = match comp
            .model
            .as_ref()
            .and_then(|m| m.metrics.iter().find(|x| x.name.value == word))
            .map(|x| x.kind)
        {
            Some(forge_spec_pipeline::expr::MetricKind::Histogram) => {
                &["_bucket", "_sum", "_count"]
            }
            Some(forge_spec_pipeline::expr::MetricKind::Summary) => &["_sum", "_count"],
            _ => &[],
        };
        let mut found = Vec::new();
        for id in comp.sources.ids() {
            let Some(f) = comp.sources.get(id).filter(|f| !f.name.starts_with('<')) else {
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
                found.push(Span::new(id, start, end));
            }
        }
        Some(found)
    }

    /// The edits that rename the defined name under the cursor to `new`.
    pub fn rename(&self, name: &str, at: usize, new: &str) -> Result<Vec<(Span, String)>, String> {
        if new.is_empty() || !new.chars().all(is_word) {
            return Err(format!("`{new}` is not a name the spec can use"));
        }
        let found = self
            .references(name, at)
            .ok_or("no metric, SLO, alert, receiver, dashboard or target here")?;
        Ok(found.into_iter().map(|s| (s, new.to_string())).collect())
    }

    /// What may be written at the cursor: inside a selector's braces the metric's
    /// labels or a label's values; elsewhere the spec's names, functions, durations and
    /// units.
    pub fn completions(&self, name: &str, at: usize) -> Vec<Completion> {
        let Some(comp) = &self.last else {
            return Vec::new();
        };
        if let Some((_, file)) = self.file(name) {
            let at = super::floor_char(&file.text, at.min(file.text.len()));
            let line_start = file.text[..at].rfind('\n').map_or(0, |i| i + 1);
            if let Some(items) = selector_completion(comp, &file.text[line_start..at]) {
                return items;
            }
        }
        let mut items = Vec::new();
        let mut item = |label: String, kind: CompletionKind, detail: String| {
            items.push(Completion {
                label,
                kind,
                detail,
            });
        };
        if let Some(m) = &comp.model {
            let mut labels: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for mt in &m.metrics {
                item(
                    mt.name.value.clone(),
                    CompletionKind::Metric,
                    format!("{} metric", mt.kind.as_str()),
                );
                for l in &mt.labels {
                    let values = labels.entry(l.name.value.as_str()).or_default();
                    values.extend(l.values.iter().flatten().map(|v| v.value.as_str()));
                }
            }
            for (label, values) in labels {
                item(label.to_string(), CompletionKind::Label, "label".into());
                for v in values {
                    item(
                        format!("\"{v}\""),
                        CompletionKind::LabelValue,
                        format!("value of `{label}`"),
                    );
                }
            }
            for s in &m.slos {
                item(s.name.value.clone(), CompletionKind::Slo, "SLO".into());
            }
            for r in &m.receivers {
                item(
                    r.name.value.clone(),
                    CompletionKind::Receiver,
                    "receiver".into(),
                );
            }
        }
        for f in forge_spec_pipeline::expr::functions::FUNCTIONS {
            item(
                f.name.to_string(),
                CompletionKind::Function,
                format!("function of {} argument(s)", f.args.len()),
            );
        }
        for d in [
            "1m", "5m", "10m", "30m", "1h", "6h", "1d", "3d", "7d", "30d",
        ] {
            item(d.to_string(), CompletionKind::Duration, "duration".into());
        }
        for u in forge_spec_pipeline::syntax::closed::UNITS {
            item((*u).to_string(), CompletionKind::Unit, "unit".into());
        }
        items
    }

    /// The fixes of the diagnostics of a file that start on the lines `lines` (0-based,
    /// inclusive): the same fixes `check --fix` applies.
    pub fn fixes(
        &self,
        name: &str,
        lines: std::ops::RangeInclusive<usize>,
    ) -> Vec<(&Diagnostic, Fix)> {
        let (Some(comp), Some((id, file))) = (&self.last, self.file(name)) else {
            return Vec::new();
        };
        comp.diagnostics
            .items
            .iter()
            .filter(|d| {
                d.primary.span.file == id
                    && lines.contains(&file.line_of(d.primary.span.start as usize))
            })
            .filter_map(|d| Some((d, forge_spec_pipeline::fix::fix_of(d, &comp.sources)?)))
            .collect()
    }
}

pub(crate) fn is_word(c: char) -> bool {
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

/// A receiver's place in the route tree: the routes that name it (their matchers from
/// the root down) and the alerts of the spec that reach it.
fn receiver_routes(
    m: Option<&forge_spec_pipeline::ir::Model>,
    root: &forge_spec_pipeline::ir::Route,
    receiver: &str,
) -> String {
    fn walk(
        r: &forge_spec_pipeline::ir::Route,
        above: &[String],
        receiver: &str,
        out: &mut Vec<String>,
    ) {
        let mut path = above.to_vec();
        if !r.matchers.is_empty() {
            path.push(forge_spec_pipeline::ir::routing::describe(r));
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
    let sim = forge_spec_pipeline::ir::routing::Simulator::new(root);
    let mut alerts: Vec<String> = forge_spec_pipeline::ir::routing::alert_labels(m)
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
fn selector_completion(comp: &Compilation, prefix: &str) -> Option<Vec<Completion>> {
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
    let item = |label: &str, kind: CompletionKind, detail: String| Completion {
        label: label.to_string(),
        kind,
        detail,
    };
    match current.find(['=', '!']) {
        Some(i) => {
            let label = current[..i].trim();
            let l = mt.labels.iter().find(|l| l.name.value == label)?;
            Some(
                l.values
                    .iter()
                    .flatten()
                    .map(|v| {
                        item(
                            &v.value,
                            CompletionKind::LabelValue,
                            format!("value of `{label}` of `{metric}`"),
                        )
                    })
                    .collect(),
            )
        }
        None => Some(
            mt.labels
                .iter()
                .map(|l| l.name.value.as_str())
                .chain(["job", "instance"])
                .map(|l| item(l, CompletionKind::Label, format!("label of `{metric}`")))
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
    if let Some(code) = forge_spec_pipeline::rules::find(word).filter(|c| c.code == word) {
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
            forge_spec_pipeline::expr::units::fmt_num(slo.objective * 100.0),
            forge_spec_pipeline::ir::names::period_prose(slo)
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
                    forge_spec_pipeline::expr::units::fmt_num(w.factor),
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
    let f = forge_spec_pipeline::expr::functions::FUNCTIONS
        .iter()
        .find(|f| f.name == word)?;
    Some(format!(
        "**function** `{}` ({} argument(s))",
        f.name,
        f.args.len()
    ))
}
