//! `import prometheus`: rule files (`groups:` of alerting and recording rules) → a
//! spec. Each expression is translated into the condition language where it can be
//! (promql-parser's tree → the condition language's, printed back), else kept as
//! `expr:` with a comment saying why; `for`, `keep_firing_for`, labels, annotations and
//! the groups (interval, limit, `source_tenants`) are kept. The metrics the rules read
//! are declared: those of an exporter catalogue as it declares them, the others with a
//! type inferred from use (`_total` under `rate` a counter, `_bucket` under
//! `histogram_quantile` a histogram, otherwise a gauge), marked for the user to
//! confirm. Every `job` a selector names becomes a target.

use crate::Scalar;
use crate::slo_rules;
use crate::text::{comment, flow_list, flow_map, q};
use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::import as i;
use forge_spec_base::source::{FileId, SourceSet, Span, Spanned};
use forge_spec_syntax::Map;
use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, VectorMatchCardinality, VectorSelector};
use std::collections::{BTreeMap, BTreeSet};

type S = Spanned<String>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    groups: Vec<GroupIn>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupIn {
    name: S,
    interval: Option<S>,
    limit: Option<Spanned<u32>>,
    query_offset: Option<S>,
    #[serde(default)]
    labels: Map<Spanned<Scalar>>,
    /// `rules:` with nothing under it is an empty group to Prometheus too.
    #[serde(default)]
    rules: Option<Vec<RuleIn>>,
    #[serde(default)]
    source_tenants: Vec<S>,
    partial_response_strategy: Option<S>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleIn {
    alert: Option<S>,
    record: Option<S>,
    expr: Spanned<Scalar>,
    #[serde(rename = "for")]
    for_: Option<S>,
    keep_firing_for: Option<S>,
    #[serde(default)]
    labels: Map<Spanned<Scalar>>,
    #[serde(default)]
    annotations: Map<Spanned<Scalar>>,
}

/// The rule files as the spec will hold them.
#[derive(Debug, Default)]
pub struct Rules {
    pub service: String,
    groups: Vec<GroupOut>,
    pub alerts: Vec<RuleOut>,
    pub records: Vec<RuleOut>,
    metrics: BTreeMap<String, MetricUse>,
    /// Each job a selector names, with the metrics read with it.
    jobs: BTreeMap<String, BTreeSet<String>>,
    slos: Vec<slo_rules::SloOut>,
    /// forge-spec's absent-data alerts, which the build writes again.
    regenerated: Vec<String>,
    /// The namespace every alert carried (forge-spec's Kubernetes output).
    namespace: Option<String>,
    /// The files are forge-spec's own output: the metrics they read are the team's.
    forge_written: bool,
    /// Every alert carries the service's name as `service` (forge-spec's output, or a
    /// source that labels its alerts so): the spec has forge-spec add it.
    service_label: bool,
}

#[derive(Debug)]
struct GroupOut {
    name: String,
    interval: Option<String>,
    limit: Option<u32>,
    source_tenants: Vec<String>,
}

/// An alerting or recording rule.
#[derive(Debug)]
pub struct RuleOut {
    /// The spec's key: the alert or record name, made unique.
    pub key: String,
    /// The name Prometheus knows it by, where it is not the key (a second alert or
    /// record of one name: a warning/critical pair, a record per code class).
    pub name: Option<String>,
    /// Its own rule group (none: forge-spec's default groups).
    group: Option<String>,
    promql: String,
    /// The condition-language text, when the expression translates.
    condition: Option<String>,
    /// Why it does not.
    why: Option<String>,
    for_: Option<String>,
    keep_firing_for: Option<String>,
    severity: Option<String>,
    /// The SLO it is tied to (`slo:`).
    slo: Option<String>,
    labels: Vec<(String, String)>,
    summary: Option<String>,
    description: Option<String>,
    runbook: Option<String>,
    annotations: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct MetricUse {
    /// Read under `rate`, `irate`, `increase` or `resets`.
    counter: bool,
    /// Read under a gauge's function (`delta`, `deriv`, `predict_linear`…): a gauge,
    /// whatever its name says.
    gauge: bool,
    /// Its selectors name `quantile`: a summary's quantile series.
    summary: bool,
    /// The bucket bounds (`le`) the rules name.
    bounds: BTreeSet<String>,
    labels: BTreeSet<String>,
    /// The name (without extension) of the first file whose rules read it.
    source: String,
}

/// Labels that are the target's or the series' own, never declared on a metric.
const TARGET_LABELS: &[&str] = &["job", "instance", "le", "quantile", "__name__"];

/// Series every Prometheus has (a target's `up`, the rules' `ALERTS`), never declared.
const BUILT_IN: &[&str] = &["up", "ALERTS", "ALERTS_FOR_STATE"];

#[derive(Default)]
struct Scan {
    metrics: Vec<(String, Read)>,
    /// Metrics whose selectors name `quantile`.
    summaries: BTreeSet<String>,
    labels: BTreeSet<String>,
    /// (job, metric) of each selector naming a job.
    job_reads: Vec<(String, String)>,
    /// (metric, bound) of each `le` a `_bucket` selector names.
    bounds: Vec<(String, String)>,
}

/// How an expression reads a series: as it is, as a counter (`rate`, `increase`…) or as
/// a gauge (`delta`, `deriv`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Value,
    Counter,
    Gauge,
}

fn is_label_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

fn selector(vs: &VectorSelector, read: Read, s: &mut Scan) {
    let mut name = vs.name.clone();
    let mut job = None;
    let mut le = None;
    let mut quantile = false;
    for m in &vs.matchers.matchers {
        quantile |= m.name == "quantile";
        if m.name == "__name__" {
            if matches!(m.op, MatchOp::Equal) {
                name = name.or_else(|| Some(m.value.clone()));
            }
        } else {
            s.labels.insert(m.name.clone());
            if m.name == "job" && matches!(m.op, MatchOp::Equal) {
                job = Some(m.value.clone());
            }
            if m.name == "le"
                && matches!(m.op, MatchOp::Equal)
                && m.value.parse::<f64>().is_ok_and(f64::is_finite)
            {
                le = Some(m.value.clone());
            }
        }
    }
    if let Some(n) = name {
        if let Some(j) = job {
            s.job_reads.push((j, n.clone()));
        }
        if let Some(b) = le {
            s.bounds.push((n.clone(), b));
        }
        if quantile && !n.ends_with("_bucket") {
            s.summaries.insert(n.clone());
        }
        s.metrics.push((n, read));
    }
}

/// Walks a PromQL tree: the metrics it reads (and whether as counters), every label it
/// names, the jobs its selectors name.
fn scan(e: &Expr, read: Read, s: &mut Scan) {
    match e {
        Expr::Aggregate(a) => {
            if let Some(m) = &a.modifier {
                s.labels.extend(m.labels().labels.iter().cloned());
            }
            scan(&a.expr, read, s);
            if let Some(p) = &a.param {
                scan(p, read, s);
            }
        }
        Expr::Unary(u) => scan(&u.expr, read, s),
        Expr::Binary(b) => {
            if let Some(bm) = &b.modifier {
                if let VectorMatchCardinality::ManyToOne(l) | VectorMatchCardinality::OneToMany(l) =
                    &bm.card
                {
                    s.labels.extend(l.labels.iter().cloned());
                }
                if let Some(lm) = &bm.matching {
                    s.labels.extend(lm.labels().labels.iter().cloned());
                }
            }
            scan(&b.lhs, read, s);
            scan(&b.rhs, read, s);
        }
        Expr::Paren(p) => scan(&p.expr, read, s),
        Expr::Subquery(q) => scan(&q.expr, read, s),
        Expr::VectorSelector(vs) => selector(vs, read, s),
        Expr::MatrixSelector(ms) => selector(&ms.vs, read, s),
        Expr::Call(c) => {
            let name = c.func.name;
            if matches!(name, "label_replace" | "label_join") {
                for a in &c.args.args {
                    if let Expr::StringLiteral(l) = a.as_ref()
                        && is_label_name(&l.val)
                    {
                        s.labels.insert(l.val.clone());
                    }
                }
            }
            let read = match name {
                "rate" | "irate" | "increase" | "resets" => Read::Counter,
                "delta"
                | "idelta"
                | "deriv"
                | "predict_linear"
                | "holt_winters"
                | "double_exponential_smoothing" => Read::Gauge,
                _ => read,
            };
            for a in &c.args.args {
                scan(a, read, s);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// The labels a template names (`$labels.x`, `.Labels.x`).
fn template_labels(text: &str, out: &mut BTreeSet<String>) {
    for marker in ["$labels.", ".Labels."] {
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if is_label_name(&name) {
                out.insert(name);
            }
        }
    }
}

fn text_of(q: &Spanned<Scalar>) -> String {
    q.value.to_string()
}

/// The expression in the condition language, or why it cannot be.
fn translate(promql: &str) -> (Option<Expr>, Result<String, String>) {
    match forge_spec_expr::promql::parse(promql) {
        // What promql-parser does not read (`holt_winters`, renamed in Prometheus 3) the
        // condition language may.
        Err(e) => match forge_spec_expr::parse_query(promql) {
            Ok(c) => (None, Ok(c.to_string())),
            Err(_) => (None, Err(format!("promql-parser refused it: {}", e.trim()))),
        },
        Ok(tree) => {
            let text = forge_spec_expr::promql::convert(&tree, promql)
                .map(|c| c.to_string())
                .map_err(|what| format!("the condition language has no {what}"));
            (Some(tree), text)
        }
    }
}

/// Reads the rule files; what cannot be read, or has no place in a spec, is reported.
/// `service` names the spec's service (default: the `service` label the rules carry,
/// else the first file's name).
pub fn read(
    sources: &SourceSet,
    ids: &[FileId],
    service: Option<&str>,
    out: &mut Vec<Diagnostic>,
) -> Rules {
    let mut groups: Vec<GroupIn> = Vec::new();
    // The name of the file each group comes from (without its extension).
    let mut stems: Vec<String> = Vec::new();
    let mut forge_written = false;
    let mut first_stem = None;
    for id in ids {
        let Some(file) = sources.get(*id) else {
            continue;
        };
        let stem = {
            let base = file.name.rsplit('/').next().unwrap_or(&file.name);
            base.split('.').next().unwrap_or(base).to_string()
        };
        first_stem.get_or_insert_with(|| stem.clone());
        if file.text.trim().is_empty() {
            continue;
        }
        forge_written |= file.text.starts_with("# Generated by forge-spec");
        match forge_spec_syntax::parse_as::<RuleFile>(*id, file) {
            Ok(f) => {
                stems.extend(std::iter::repeat_n(stem, f.groups.len()));
                groups.extend(f.groups);
            }
            Err(d) => out.push(*d),
        }
    }
    // Every rule, flat, for what spans rules (SLOs, the service, the namespace).
    let flat: Vec<(usize, &RuleIn)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, gr)| gr.rules.iter().flatten().map(move |r| (g, r)))
        .collect();
    let seen: Vec<slo_rules::Seen> = flat
        .iter()
        .map(|(_, r)| slo_rules::Seen {
            record: r.record.as_ref().map(|x| x.value.as_str()),
            alert: r.alert.as_ref().map(|x| x.value.as_str()),
            expr: text_of(&r.expr),
            labels: r
                .labels
                .iter()
                .map(|(k, v)| (k.value.clone(), text_of(v)))
                .collect(),
            annotations: r
                .annotations
                .iter()
                .map(|(k, v)| (k.value.clone(), text_of(v)))
                .collect(),
        })
        .collect();
    let label_of_all = |key: &str| -> Option<String> {
        let mut values = seen.iter().filter(|r| r.alert.is_some()).map(|r| {
            r.labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        });
        let first = values.next()??;
        values
            .all(|v| v.as_deref() == Some(first.as_str()))
            .then_some(first)
    };
    let service = service
        .map(str::to_string)
        .or_else(|| label_of_all("service"))
        .or(first_stem)
        .unwrap_or_else(|| "imported".into());
    let mut r = Rules {
        service: service.clone(),
        forge_written,
        service_label: label_of_all("service").is_some_and(|v| v == service)
            || (forge_written
                && seen.iter().any(|x| {
                    x.alert.is_some()
                        && x.labels
                            .iter()
                            .any(|(k, v)| k == "service" && *v == service)
                })),
        ..Rules::default()
    };
    // forge-spec's own output: its SLOs are written again as SLOs, its absent-data
    // alerts are the build's to write, and a namespace on every alert is the
    // Kubernetes output's.
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    if forge_written {
        r.slos = slo_rules::recognise(&seen);
        for s in &r.slos {
            taken.extend(&s.rules);
        }
        for (i, (g, rule)) in flat.iter().enumerate() {
            let absent = groups[*g].name.value == format!("{service}-absent")
                && rule
                    .alert
                    .as_ref()
                    .is_some_and(|a| a.value.ends_with("Absent"))
                && text_of(&rule.expr).starts_with("absent(");
            if absent {
                taken.insert(i);
                r.regenerated.push(
                    rule.alert
                        .as_ref()
                        .map(|a| a.value.clone())
                        .unwrap_or_default(),
                );
            }
        }
        r.namespace = label_of_all("namespace");
    }
    let slo_names: BTreeSet<String> = r.slos.iter().map(|s| s.name.clone()).collect();
    let recorded: BTreeSet<String> = seen
        .iter()
        .filter_map(|x| x.record.map(str::to_string))
        .collect();
    drop(seen);
    drop(flat);
    let mut alert_names: BTreeMap<String, usize> = BTreeMap::new();
    let mut record_names: BTreeSet<String> = BTreeSet::new();
    let mut alert_keys: BTreeSet<String> = BTreeSet::new();
    let mut group_names: BTreeSet<String> = BTreeSet::new();
    let generated_groups = [format!("{service}-alerts"), format!("{service}-records")];
    let mut index = 0;
    for (g, stem) in groups.into_iter().zip(stems) {
        let not = |out: &mut Vec<Diagnostic>, span: Span, what: &str, why: &str| {
            out.push(
                Diagnostic::new(
                    &i::NOT_IMPORTED,
                    span,
                    format!("{what} of group `{}` is not imported", g.name.value),
                )
                .label("no equivalent in a spec")
                .help(why.to_string()),
            );
        };
        if let Some(o) = &g.query_offset {
            not(
                out,
                o.span,
                "`query_offset`",
                "a spec's rule groups have no query offset: set `rule_query_offset` in Prometheus' global configuration instead",
            );
        }
        if let Some((k, _)) = g.labels.iter().next() {
            not(
                out,
                k.span,
                "`labels`",
                "add the labels to each rule's `labels:` in the spec",
            );
        }
        if let Some(p) = &g.partial_response_strategy {
            not(
                out,
                p.span,
                "`partial_response_strategy`",
                "Thanos' default (`abort`) applies to the Thanos output",
            );
        }
        // The groups forge-spec writes itself (its alerts, its records) stay its own.
        let own_group =
            generated_groups.contains(&g.name.value) && g.interval.is_none() && g.limit.is_none();
        // Two files may hold groups of one name: the spec has one namespace of groups,
        // where the names of forge-spec's own are taken.
        let mut name = g.name.value.clone();
        let mut n = 2;
        while !own_group && (generated_groups.contains(&name) || !group_names.insert(name.clone()))
        {
            name = format!("{}-{n}", g.name.value);
            n += 1;
        }
        if name != g.name.value {
            out.push(
                Diagnostic::new(
                    &i::RENAMED_ON_IMPORT,
                    g.name.span,
                    format!("rule group `{}` is imported as `{name}`", g.name.value),
                )
                .label("a group of this name was imported before")
                .help("a spec names each rule group once"),
            );
        }
        let mut used = false;
        for rule in g.rules.into_iter().flatten() {
            let at = index;
            index += 1;
            let promql = text_of(&rule.expr);
            let (tree, condition) = translate(&promql);
            // What every rule reads is declared, an SLO's too (its indicator's metrics).
            let mut s = Scan::default();
            if let Some(t) = &tree {
                scan(t, Read::Value, &mut s);
            }
            let mut labels: Vec<(String, String)> = rule
                .labels
                .iter()
                .map(|(k, v)| (k.value.clone(), text_of(v)))
                .collect();
            for (_, v) in &labels {
                template_labels(v, &mut s.labels);
            }
            let mut annotations: Vec<(String, String)> = rule
                .annotations
                .iter()
                .map(|(k, v)| (k.value.clone(), text_of(v)))
                .collect();
            for (_, v) in &annotations {
                template_labels(v, &mut s.labels);
            }
            let skip_labels = taken.contains(&at);
            for (m, how) in &s.metrics {
                let u = r.metrics.entry(m.clone()).or_insert_with(|| MetricUse {
                    source: stem.clone(),
                    ..MetricUse::default()
                });
                u.counter |= *how == Read::Counter;
                u.gauge |= *how == Read::Gauge;
                u.summary |= s.summaries.contains(m);
                if !skip_labels {
                    u.labels.extend(
                        s.labels
                            .iter()
                            .filter(|l| !TARGET_LABELS.contains(&l.as_str()))
                            .cloned(),
                    );
                }
            }
            for (m, b) in s.bounds {
                r.metrics.entry(m).or_default().bounds.insert(b);
            }
            for (job, metric) in s.job_reads {
                r.jobs.entry(job).or_default().insert(metric);
            }
            if taken.contains(&at) {
                continue;
            }
            // A secret in a rule is never copied: a label or annotation holding one is
            // dropped, a rule whose expression holds one is not imported (I002).
            if let Some(kind) = secret_in(&promql) {
                out.push(
                    Diagnostic::new(&i::SECRET_REPLACED, rule.expr.span, format!("a rule whose expression holds {kind} is not imported"))
                        .secret()
                        .label("secret: not copied")
                        .help("remove the secret from the expression (select on a label that is not a credential), rotate it, and import again"),
                );
                continue;
            }
            for (map, values, what) in [
                (&rule.labels, &mut labels, "label"),
                (&rule.annotations, &mut annotations, "annotation"),
            ] {
                values.retain(|(k, v)| {
                    let Some(kind) = secret_in(v) else {
                        return true;
                    };
                    let span = map
                        .iter()
                        .find(|(key, _)| key.value == *k)
                        .map_or(rule.expr.span, |(_, v)| v.span);
                    out.push(
                        Diagnostic::new(&i::SECRET_REPLACED, span, format!("the {what} `{k}` holds {kind}: it is not imported"))
                            .secret()
                            .label("secret: not copied")
                            .help(format!("the {what} is left out of the spec; rotate the secret, and keep it in a file the receiver reads")),
                    );
                    false
                });
            }
            used = true;
            let (condition, why) = match condition {
                Ok(c) => (Some(c), None),
                Err(why) => (None, Some(why)),
            };
            let take = |v: &mut Vec<(String, String)>, key: &str| {
                v.iter().position(|(k, _)| k == key).map(|i| v.remove(i).1)
            };
            // Where a key of the rule's labels or annotations is (else its expression).
            let key_span = |map: &Map<Spanned<Scalar>>, key: &str| {
                map.iter()
                    .find(|(k, _)| k.value == key)
                    .map_or(rule.expr.span, |(k, _)| k.span)
            };
            // Labels forge-spec sets itself: the service's, the SLO's (as `slo:`), and
            // (its own output) the Kubernetes namespace.
            if take(&mut labels, "service").is_some_and(|v| v != service) {
                let span = key_span(&rule.labels, "service");
                out.push(
                    Diagnostic::new(&i::NOT_IMPORTED, span, format!("the `service` label of a rule is not imported (the spec's service is `{service}`)"))
                        .label("forge-spec sets `service` itself")
                        .help("import the rules of each service into a spec of its own (`--service`)"),
                );
            }
            let slo = take(&mut labels, "slo");
            if let Some(sl) = &slo
                && !slo_names.contains(sl)
            {
                let span = key_span(&rule.labels, "slo");
                out.push(
                    Diagnostic::new(
                        &i::NOT_IMPORTED,
                        span,
                        format!("the `slo` label `{sl}` is not imported"),
                    )
                    .label("forge-spec sets `slo` from an SLO of the spec")
                    .help("define the SLO and set `slo:` on the alert"),
                );
            }
            if r.namespace.is_some() {
                take(&mut labels, "namespace");
            }
            if let Some(d) = take(&mut annotations, "dashboard_url")
                && !forge_written
            {
                let span = key_span(&rule.annotations, "dashboard_url");
                out.push(
                    Diagnostic::new(
                        &i::NOT_IMPORTED,
                        span,
                        format!("the `dashboard_url` annotation ({d}) is not imported"),
                    )
                    .label("forge-spec writes `dashboard_url` from `dashboard:`")
                    .help("add the dashboard to the spec and set `dashboard: <uid>` on the alert"),
                );
            }
            let group = (!own_group).then(|| name.clone());
            match (rule.alert, rule.record) {
                (Some(a), None) => {
                    let severity = take(&mut labels, "severity");
                    // Alerts may share a name (a warning/critical pair): each gets a key
                    // of its own and keeps the name as its `alertname`.
                    let seen = alert_names.entry(a.value.clone()).or_default();
                    *seen += 1;
                    let key = if *seen == 1 && !alert_keys.contains(&a.value) {
                        a.value.clone()
                    } else {
                        let by_severity = severity.as_deref().map(|s| {
                            let mut c = s.chars();
                            let first = c.next().map(|f| f.to_ascii_uppercase());
                            format!("{}{}{}", a.value, first.unwrap_or_default(), c.as_str())
                        });
                        let mut key = by_severity.unwrap_or_else(|| format!("{}{}", a.value, seen));
                        while !alert_keys.insert(key.clone()) {
                            key.push('_');
                        }
                        key
                    };
                    alert_keys.insert(key.clone());
                    let name = (key != a.value).then(|| a.value.clone());
                    r.alerts.push(RuleOut {
                        key,
                        name,
                        group,
                        promql,
                        condition,
                        why,
                        for_: rule.for_.map(|x| x.value),
                        keep_firing_for: rule.keep_firing_for.map(|x| x.value),
                        severity,
                        slo: slo.filter(|s| slo_names.contains(s)),
                        summary: take(&mut annotations, "summary"),
                        description: take(&mut annotations, "description"),
                        runbook: take(&mut annotations, "runbook_url"),
                        labels,
                        annotations,
                    });
                }
                (None, Some(rec)) => {
                    // Records may share a series name (one per code class): each gets
                    // a key of its own and keeps the name as its `record:`.
                    let mut key = rec.value.clone();
                    let mut n = 1;
                    while !record_names.insert(key.clone()) {
                        n += 1;
                        key = format!("{} ({n})", rec.value);
                    }
                    let name = (key != rec.value).then(|| rec.value.clone());
                    r.records.push(RuleOut {
                        key,
                        name,
                        group,
                        promql,
                        condition,
                        why,
                        for_: None,
                        keep_firing_for: None,
                        severity: None,
                        slo: None,
                        summary: None,
                        description: None,
                        runbook: None,
                        labels,
                        annotations: Vec::new(),
                    });
                }
                (a, rec) => {
                    let span = a.or(rec).map_or(rule.expr.span, |x| x.span);
                    out.push(
                        Diagnostic::new(&i::NOT_IMPORTED, span, "a rule that is not exactly one of an alerting rule (`alert:`) and a recording rule (`record:`) is not imported")
                            .label("neither or both")
                            .help("Prometheus refuses it too: give the rule `alert:` or `record:`"),
                    );
                }
            }
        }
        if used && !own_group {
            r.groups.push(GroupOut {
                name,
                interval: g.interval.map(|x| x.value),
                limit: g.limit.map(|x| x.value),
                source_tenants: g.source_tenants.into_iter().map(|x| x.value).collect(),
            });
        }
    }
    // Series the rules record are theirs, not metrics to declare.
    for rec in recorded
        .iter()
        .map(String::as_str)
        .chain(BUILT_IN.iter().copied())
    {
        r.metrics.remove(rec);
    }
    r
}

/// The kind of the first secret in a value, if it holds one.
fn secret_in(text: &str) -> Option<&'static str> {
    forge_spec_base::secrets::scan_all(text)
        .into_iter()
        .next()
        .map(|(_, kind)| kind)
}

mod render;

pub(crate) use render::unit_of;
pub use render::{Marks, Sites, render};
