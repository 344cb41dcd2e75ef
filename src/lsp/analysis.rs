//! The language features on the compiled spec: outline and workspace symbols, hover,
//! definition, references and rename, completion, code actions. Each reads the last
//! compilation at a file and offset; the transport and the conversions are elsewhere.

use super::*;

impl Server {
    /// `textDocument/documentSymbol`: the document's definitions, section by section
    /// (the editor's outline).
    pub(super) fn symbols(&self, params: &Value) -> Result<Value, String> {
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
    pub(super) fn workspace_symbols(&self, params: &Value) -> Result<Value, String> {
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
    pub(super) fn file_symbols(&self, comp: &Compilation, id: source::FileId) -> Vec<Value> {
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
    pub(super) fn at(&self, params: &Value) -> Result<(&Compilation, &SourceFile, usize), String> {
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

    pub(super) fn hover(&self, params: &Value) -> Result<Value, String> {
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

    pub(super) fn definition(&self, params: &Value) -> Result<Value, String> {
        let (comp, file, at) = self.at(params)?;
        let Some((word, _)) = word_at(&file.text, at) else {
            return Ok(Value::Null);
        };
        Ok(match definition_of(comp, word) {
            Some(span) => self.location(&comp.sources, span).unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    pub(super) fn location(&self, sources: &SourceSet, span: Span) -> Option<Value> {
        let file = sources.get(span.file)?;
        Some(json!({"uri": self.uri_of(&file.name)?, "range": range(file, span)}))
    }

    /// Every whole-word occurrence of the defined name under the cursor.
    pub(super) fn occurrences(&self, params: &Value) -> Result<Option<Places>, String> {
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

    pub(super) fn references(&self, params: &Value) -> Result<Value, String> {
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

    pub(super) fn rename(&self, params: &Value) -> Result<Value, String> {
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

    pub(super) fn completion(&self, params: &Value) -> Result<Value, String> {
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
    pub(super) fn code_actions(&self, params: &Value) -> Result<Value, String> {
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

pub(super) fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-'
}

/// The name under a byte offset, with its byte range.
pub(super) fn word_at(text: &str, at: usize) -> Option<(&str, (usize, usize))> {
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
pub(super) fn receiver_routes(
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
pub(super) fn selector_completion(comp: &Compilation, prefix: &str) -> Option<Vec<Value>> {
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
pub(super) fn definition_of(comp: &Compilation, word: &str) -> Option<Span> {
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
pub(super) fn describe(comp: &Compilation, word: &str) -> Option<String> {
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
