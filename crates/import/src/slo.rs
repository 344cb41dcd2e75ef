//! `import sloth|pyrra|openslo`: SLOs of other tools → the spec's `slos:` (with the
//! metrics their indicators read and the targets their selectors name).
//!
//! - **Sloth** (`version: prometheus/v1`): `events` indicators (`error_query`,
//!   `total_query` of the form `sum(rate(sel[{{.window}}]))`) become `errors`/`total`;
//!   the page and ticket alerts' severities, labels and annotations are kept, and the
//!   SLO is written `compat: sloth` (Sloth's labels and window names, so what reads
//!   them keeps working). Sloth's default period is 30 days, with the SRE workbook's
//!   windows — forge-spec's default policy.
//! - **Pyrra** (`ServiceLevelObjective`, pyrra.dev/v1alpha1): `ratio`, `latency` and
//!   `bool_gauge` (of `up`) indicators, `target`, `window`, grouping; Pyrra's own burn
//!   windows for the SLO's window (factors 14, 7, 2, 1, scaled from its 28-day ones) are
//!   written as the alert policy.
//! - **OpenSLO** v1 (`SLO`, with `SLI` and `AlertPolicy` documents referred to by
//!   name or inline): `ratioMetric` indicators of Prometheus queries (`good` or `bad`
//!   over `total`), the first objective, a rolling `timeWindow`, burn-rate alert
//!   conditions as the policy.
//!
//! Anything else — raw ratio queries, plugins, calendar windows, timeslice budgeting,
//! a second objective — is reported (I001), never dropped silently.

use crate::slo_rules::percent;
use crate::text::{comment, flow_list, flow_map, q};
use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::import as i;
use forge_spec_base::source::{FileId, SourceSet, Span};
use promql_parser::label::MatchOp;
use promql_parser::parser::Expr;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// An SLO as the spec writes it.
#[derive(Debug, Default)]
struct SloDef {
    name: String,
    description: Option<String>,
    objective: f64,
    window: String,
    sli: String,
    group_by: Vec<String>,
    labels: Vec<(String, String)>,
    sloth: bool,
    alerting: Vec<String>,
}

/// What the indicators read: metric → (type, labels, bucket bounds); jobs.
#[derive(Default)]
struct Reads {
    metrics: BTreeMap<String, (&'static str, BTreeSet<String>, BTreeSet<String>)>,
    jobs: BTreeSet<String>,
}

struct Cx<'a> {
    out: &'a mut Vec<Diagnostic>,
    at: Span,
    reads: Reads,
}

impl Cx<'_> {
    fn not(&mut self, what: String, help: &str) {
        self.out.push(
            Diagnostic::new(&i::NOT_IMPORTED, self.at, what)
                .label("no equivalent in a spec")
                .help(help.to_string()),
        );
    }

    /// A selector an indicator grouped by `labels` reads: the labels are the metric's.
    fn read_grouped(
        &mut self,
        sel: &promql_parser::parser::VectorSelector,
        kind: &'static str,
        labels: &[String],
    ) {
        self.read(sel, kind);
        let Some(name) = &sel.name else { return };
        let base = name
            .strip_suffix("_bucket")
            .or(name.strip_suffix("_count"))
            .filter(|b| self.reads.metrics.contains_key(*b))
            .unwrap_or(name);
        if let Some(e) = self.reads.metrics.get_mut(base) {
            e.1.extend(labels.iter().filter(|l| l.as_str() != "job").cloned());
        }
    }

    /// A selector an indicator reads, declared as a metric of `kind`.
    fn read(&mut self, sel: &promql_parser::parser::VectorSelector, kind: &'static str) {
        let Some(name) = sel.name.clone() else { return };
        // A histogram's `_bucket` and `_count` series, read as counters too (Sloth's
        // `http_request_duration_seconds_count{code=~"5.."}`), are the histogram's.
        let (base, kind) = match (
            kind,
            name.strip_suffix("_bucket").or(name.strip_suffix("_count")),
        ) {
            ("histogram" | "counter", Some(b)) => (b.to_string(), "histogram"),
            _ => (name.clone(), kind),
        };
        let e = self
            .reads
            .metrics
            .entry(base)
            .or_insert((kind, BTreeSet::new(), BTreeSet::new()));
        for m in &sel.matchers.matchers {
            match m.name.as_str() {
                "job" => {
                    if matches!(m.op, MatchOp::Equal) {
                        self.reads.jobs.insert(m.value.clone());
                    }
                }
                "le" => {
                    e.2.insert(m.value.clone());
                }
                "__name__" | "instance" => {}
                l => {
                    e.1.insert(l.to_string());
                }
            }
        }
    }
}

fn s(v: &Value, path: &str) -> Option<String> {
    let mut cur = v;
    for k in path.split('.') {
        cur = cur.get(k)?;
    }
    match cur {
        Value::String(x) => Some(x.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| {
                    Some((
                        k.clone(),
                        match v {
                            Value::String(x) => x.clone(),
                            Value::Number(n) => n.to_string(),
                            Value::Bool(b) => b.to_string(),
                            _ => return None,
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `sum(rate(sel[w]))`, `sum by (g) (increase(sel[w]))`, or a bare selector: the
/// selector and the grouping.
fn counter_query(q: &str) -> Option<(promql_parser::parser::VectorSelector, Vec<String>)> {
    let e = forge_spec_expr::promql::parse(
        &q.replace("{{.window}}", "5m")
            .replace("{{ .window }}", "5m"),
    )
    .ok()?;
    fn inner(e: &Expr) -> Option<promql_parser::parser::VectorSelector> {
        match e {
            Expr::VectorSelector(v) => Some(v.clone()),
            Expr::MatrixSelector(m) => Some(m.vs.clone()),
            Expr::Paren(p) => inner(&p.expr),
            Expr::Call(c) if matches!(c.func.name, "rate" | "increase" | "irate") => {
                inner(c.args.args.first()?)
            }
            _ => None,
        }
    }
    match &e {
        Expr::Aggregate(a) if a.op.to_string() == "sum" => {
            let by = a
                .modifier
                .as_ref()
                .filter(|m| m.is_include())
                .map(|m| m.labels().labels.clone())
                .unwrap_or_default();
            Some((inner(&a.expr)?, by))
        }
        Expr::Paren(p) => counter_query(&p.expr.to_string()),
        other => Some((inner(other)?, Vec::new())),
    }
}

/// A Go duration (`2w`, `28d`, `720h`) in minutes.
fn minutes(d: &str) -> Option<u64> {
    let (n, unit) = d.split_at(d.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = n.parse().ok()?;
    Some(
        n * match unit {
            "m" => 1,
            "h" => 60,
            "d" => 1440,
            "w" => 10080,
            _ => return None,
        },
    )
}

/// An OpenSLO calendar window (`isRolling: false`) as a spec's calendar period: a week,
/// a month or a quarter, in UTC (a time zone is reported: its offset changes with
/// daylight saving, which PromQL cannot follow); any other is reported and read rolling.
fn calendar(tw: &Value, name: &str, cx: &mut Cx<'_>) -> Option<String> {
    let d = s(tw, "duration").unwrap_or_default();
    let unit = match d.as_str() {
        "1w" | "7d" => "calendar_week",
        "1M" | "1mo" => "calendar_month",
        "1Q" | "3M" => "calendar_quarter",
        _ => {
            cx.not(
                format!("the calendar window `{d}` of SLO `{name}` is imported as a rolling one"),
                "forge-spec's calendar periods are a week, a month and a quarter",
            );
            return None;
        }
    };
    let cal = tw.get("calendar").cloned().unwrap_or(Value::Null);
    if let Some(z) =
        s(&cal, "timeZone").filter(|z| !matches!(z.as_str(), "UTC" | "Etc/UTC" | "GMT" | "Z"))
    {
        cx.not(
            format!("time zone `{z}` of SLO `{name}` is not followed: its calendar is read in UTC"),
            "set `utc_offset:` (`+02:00`) on the SLO; a fixed offset cannot follow daylight saving",
        );
    }
    if let Some(t) = s(&cal, "startTime").filter(|t| !t.ends_with("00:00:00")) {
        cx.not(
            format!(
                "start time `{t}` of SLO `{name}` is not followed: its periods begin at midnight"
            ),
            "forge-spec's calendar periods begin at 00:00 of their first day",
        );
    }
    Some(unit.to_string())
}

fn duration(min: u64) -> String {
    if min % 1440 == 0 {
        format!("{}d", min / 1440)
    } else if min % 60 == 0 {
        format!("{}h", min / 60)
    } else {
        format!("{min}m")
    }
}

/// The CRD's camel-case keys as `prometheus/v1` writes them (label keys untouched).
fn snake_keys(v: &Value) -> Value {
    const KEYS: &[(&str, &str)] = &[
        ("errorQuery", "error_query"),
        ("totalQuery", "total_query"),
        ("errorRatioQuery", "error_ratio_query"),
        ("pageAlert", "page_alert"),
        ("ticketAlert", "ticket_alert"),
    ];
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let key = KEYS
                        .iter()
                        .find(|(camel, _)| camel == k)
                        .map_or(k.as_str(), |(_, snake)| snake);
                    (key.to_string(), snake_keys(x))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(snake_keys).collect()),
        other => other.clone(),
    }
}

/// Sloth's SLO plugins (`slo_plugins:` of a file, `plugins:` of an SLO) change the rules
/// Sloth generates; none is run here, each is reported with what it would have done.
fn sloth_plugins(plugins: Option<&Value>, whose: &str, cx: &mut Cx) {
    let chain = plugins
        .and_then(|p| p.get("chain"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for p in chain {
        let id = s(p, "id").unwrap_or_default();
        let config = p.get("config").cloned().unwrap_or(Value::Null);
        let (what, help) = match id.rsplit('/').nth(1).unwrap_or_default() {
            "info_labels" => (
                format!(
                    "the labels {} that plugin `{id}` adds to the `sloth_slo_info` of {whose} are not imported",
                    flow_map(
                        strings(config.get("labels"))
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                    )
                ),
                "`labels:` on the SLO puts labels on every rule of it, the info series included",
            ),
            "rule_intervals" => (
                format!(
                    "the rule group interval {} that plugin `{id}` sets on {whose} is not imported",
                    s(&config, "interval.default").unwrap_or_else(|| "(by rule kind)".into())
                ),
                "the SLO's groups are evaluated at Prometheus' global `evaluation_interval`",
            ),
            _ => (
                format!("plugin `{id}` of {whose} is not run"),
                "forge-spec runs no Sloth plugin: write what it does in the spec",
            ),
        };
        cx.not(what, help);
    }
}

fn sloth(doc: &Value, cx: &mut Cx, service: &mut Option<String>, out: &mut Vec<SloDef>) {
    // A document of another service than the spec's is not merged into it.
    let doc_service = s(doc, "service").or_else(|| doc.get("spec").and_then(|x| s(x, "service")));
    if let (Some(theirs), Some(ours)) = (&doc_service, service.as_ref())
        && theirs != ours
    {
        cx.not(
            format!("the SLOs of service `{theirs}` are not imported into the spec of `{ours}`"),
            &format!("a spec is one service: import the file again with `--service {theirs}` into another directory"),
        );
        return;
    }
    // Sloth's Kubernetes CRD holds a `prometheus/v1` spec's fields in its `spec:`, with
    // camel-case keys.
    let crd;
    let doc = match (s(doc, "kind").as_deref(), doc.get("spec")) {
        (Some("PrometheusServiceLevel"), Some(spec)) => {
            crd = snake_keys(spec);
            &crd
        }
        _ => {
            if s(doc, "version").as_deref() != Some("prometheus/v1") {
                cx.not(
                    "the file is not a Sloth `prometheus/v1` spec or `PrometheusServiceLevel`".into(),
                    "import Sloth's `prometheus/v1` specs and Kubernetes `PrometheusServiceLevel` resources",
                );
            }
            doc
        }
    };
    if let Some(svc) = s(doc, "service") {
        service.get_or_insert(svc);
    }
    let common = strings(doc.get("labels"));
    sloth_plugins(doc.get("slo_plugins"), "every SLO of the file", cx);
    for slo in doc
        .get("slos")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = s(slo, "name").unwrap_or_else(|| "slo".into());
        sloth_plugins(slo.get("plugins"), &format!("SLO `{name}`"), cx);
        let Some(objective) = s(slo, "objective").and_then(|o| o.parse::<f64>().ok()) else {
            cx.not(
                format!("SLO `{name}` has no numeric objective and is not imported"),
                "Sloth objectives are percentages (99.9)",
            );
            continue;
        };
        let (err, tot) = (
            s(slo, "sli.events.error_query"),
            s(slo, "sli.events.total_query"),
        );
        let sli = match (
            err.as_deref().and_then(counter_query),
            tot.as_deref().and_then(counter_query),
        ) {
            (Some((e, g)), Some((t, _))) => {
                cx.read(&e, "counter");
                cx.read(&t, "counter");
                (
                    format!(
                        "{{errors: {}, total: {}}}",
                        q(&e.to_string()),
                        q(&t.to_string())
                    ),
                    g,
                )
            }
            _ => {
                let what = match (s(slo, "sli.plugin.id"), s(slo, "sli.raw.error_ratio_query")) {
                    (Some(id), _) => format!(
                        "the SLI plugin `{id}` of SLO `{name}` is not imported (its Go code is Sloth's)"
                    ),
                    (_, Some(_)) => {
                        format!("the raw `error_ratio_query` of SLO `{name}` is not imported")
                    }
                    _ => format!("the indicator of SLO `{name}` is not imported"),
                };
                cx.not(what, "forge-spec reads `sum(rate(<selector>[{{.window}}]))` error and total queries; write a `raw` or plugin indicator as `errors:`/`total:` selectors by hand");
                continue;
            }
        };
        let mut alerting = Vec::new();
        let a = slo.get("alerting");
        if let Some(n) = a.and_then(|a| s(a, "name")) {
            // Written `compat: sloth`: the page and the ticket keep Sloth's one name.
            alerting.push(format!("name: {}", q(&n)));
        }
        if let Some(a) = a {
            let labels = strings(a.get("labels"));
            if !labels.is_empty() {
                alerting.push(format!(
                    "labels: {}",
                    flow_map(labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                ));
            }
            let mut annotations = strings(a.get("annotations"));
            if let Some(i) = annotations.iter().position(|(k, _)| k == "summary") {
                alerting.push(format!("summary: {}", q(&annotations.remove(i).1)));
            }
            if !annotations.is_empty() {
                alerting.push(format!(
                    "annotations: {}",
                    flow_map(annotations.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                ));
            }
            for (which, key) in [("page_alert", "page"), ("ticket_alert", "ticket")] {
                let mut l = strings(a.get(which).and_then(|p| p.get("labels")));
                if let Some(i) = l.iter().position(|(k, _)| k == "severity") {
                    alerting.push(format!("{key}: {}", q(&l.remove(i).1)));
                }
                if !l.is_empty() {
                    alerting.push(format!(
                        "{key}_labels: {}",
                        flow_map(l.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                    ));
                }
                if a.get(which).and_then(|p| p.get("disable")) == Some(&Value::Bool(true)) {
                    cx.not(format!("the disabled {which} of SLO `{name}` is imported enabled"), "forge-spec writes both burn-rate alerts, or none (`alerting: {disabled: true}`)");
                }
            }
        }
        let mut labels = common.clone();
        labels.extend(strings(slo.get("labels")));
        out.push(SloDef {
            name,
            description: s(slo, "description"),
            objective: objective / 100.0,
            window: "30d".into(),
            sli: sli.0,
            group_by: sli.1,
            labels,
            sloth: true,
            alerting,
        });
    }
}

/// Pyrra's windows for an SLO window of `w` minutes (its 28-day ratios).
fn pyrra_windows(w: u64) -> Vec<String> {
    let r = |div: f64| ((w as f64 / div).round() as u64).max(1);
    [
        ("page", 672.0, 8064.0, 14),
        ("page", 112.0, 1344.0, 7),
        ("ticket", 28.0, 336.0, 2),
        ("ticket", 7.0, 112.0, 1),
    ]
    .iter()
    .map(|(u, long, short, f)| {
        format!(
            "{{urgency: {u}, long: {}, short: {}, factor: {f}}}",
            duration(r(*long)),
            duration(r(*short))
        )
    })
    .collect()
}

fn pyrra(doc: &Value, cx: &mut Cx, out: &mut Vec<SloDef>) {
    if s(doc, "kind").as_deref() != Some("ServiceLevelObjective") {
        return;
    }
    let name = s(doc, "metadata.name").unwrap_or_else(|| "slo".into());
    let Some(target) = s(doc, "spec.target").and_then(|t| t.parse::<f64>().ok()) else {
        cx.not(
            format!("SLO `{name}` has no numeric target and is not imported"),
            "Pyrra targets are percentages (\"99.5\")",
        );
        return;
    };
    let window = s(doc, "spec.window").unwrap_or_else(|| "28d".into());
    let Some(wmin) = minutes(&window) else {
        cx.not(
            format!("window `{window}` of SLO `{name}` is not read"),
            "write it in days or weeks",
        );
        return;
    };
    let ind = doc
        .get("spec")
        .and_then(|x| x.get("indicator"))
        .cloned()
        .unwrap_or(Value::Null);
    let grouping = |v: &Value| -> Vec<String> {
        v.get("grouping")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let sel = |q: Option<String>| q.as_deref().and_then(counter_query).map(|(v, _)| v);
    let sli = if let Some(r) = ind.get("ratio") {
        match (sel(s(r, "errors.metric")), sel(s(r, "total.metric"))) {
            (Some(e), Some(t)) => {
                cx.read_grouped(&e, "counter", &grouping(r));
                cx.read_grouped(&t, "counter", &grouping(r));
                Some((
                    format!(
                        "{{errors: {}, total: {}}}",
                        q(&e.to_string()),
                        q(&t.to_string())
                    ),
                    grouping(r),
                ))
            }
            _ => None,
        }
    } else if let Some(l) = ind.get("latency") {
        match (sel(s(l, "success.metric")), sel(s(l, "total.metric"))) {
            (Some(ok), Some(t)) => {
                let le = ok
                    .matchers
                    .matchers
                    .iter()
                    .find(|m| m.name == "le")
                    .map(|m| m.value.clone());
                let metric = ok
                    .name
                    .as_deref()
                    .and_then(|n| n.strip_suffix("_bucket"))
                    .map(str::to_string);
                cx.read_grouped(&ok, "histogram", &grouping(l));
                cx.read_grouped(&t, "histogram", &grouping(l));
                match (metric, le.and_then(|v| v.parse::<f64>().ok())) {
                    (Some(m), Some(b)) => {
                        let below = if b < 1.0 {
                            format!("{}ms", (b * 1000.0).round())
                        } else {
                            format!("{b}s")
                        };
                        let mut others: Vec<String> = ok
                            .matchers
                            .matchers
                            .iter()
                            .filter(|m| m.name != "le" && m.name != "__name__")
                            .map(|m| m.to_string())
                            .collect();
                        others.sort();
                        let metric = if others.is_empty() {
                            m
                        } else {
                            format!("{m}{{{}}}", others.join(", "))
                        };
                        Some((
                            format!("{{latency: {{metric: {}, below: {below}}}}}", q(&metric)),
                            grouping(l),
                        ))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    } else if let Some(b) = ind.get("bool_gauge") {
        let v = sel(s(b, "metric"));
        match v.as_ref().and_then(|v| {
            (v.name.as_deref() == Some("up"))
                .then(|| {
                    v.matchers
                        .matchers
                        .iter()
                        .find(|m| m.name == "job")
                        .map(|m| m.value.clone())
                })
                .flatten()
        }) {
            Some(job) => {
                cx.reads.jobs.insert(job.clone());
                Some((format!("{{uptime: {}}}", q(&job)), grouping(b)))
            }
            None => None,
        }
    } else {
        None
    };
    let Some((sli, group_by)) = sli else {
        cx.not(format!("the indicator of SLO `{name}` is not imported"), "forge-spec reads Pyrra's ratio, latency (`_bucket{le=…}` over `_count`) and bool_gauge (`up{job=…}`) indicators");
        return;
    };
    let mut alerting = Vec::new();
    let a = doc.get("spec").and_then(|x| x.get("alerting"));
    if let Some(n) = a.and_then(|a| s(a, "name")) {
        alerting.push(format!("name: {}", q(&n)));
    }
    if a.and_then(|a| a.get("disabled")) == Some(&Value::Bool(true))
        || a.and_then(|a| a.get("burnrates")) == Some(&Value::Bool(false))
    {
        alerting.push("disabled: true".into());
    } else {
        alerting.push(format!("windows: [{}]", pyrra_windows(wmin).join(", ")));
        cx.not(format!("the `for` of Pyrra's burn-rate alerts of SLO `{name}` is not imported"), "Pyrra waits half a short window before alerting; forge-spec's burn-rate alerts fire when both windows burn");
    }
    out.push(SloDef {
        name,
        description: s(doc, "spec.description"),
        objective: target / 100.0,
        window: duration(wmin),
        sli,
        group_by,
        labels: Vec::new(),
        sloth: false,
        alerting,
    });
}

/// OpenSLO: SLO documents, with the SLI and AlertPolicy documents they name.
fn openslo(docs: &[Value], cx: &mut Cx, out: &mut Vec<SloDef>) {
    let named = |kind: &str, name: &str| {
        docs.iter()
            .find(|d| {
                s(d, "kind").as_deref() == Some(kind)
                    && s(d, "metadata.name").as_deref() == Some(name)
            })
            .cloned()
    };
    for doc in docs
        .iter()
        .filter(|d| s(d, "kind").as_deref() == Some("SLO"))
    {
        let name = s(doc, "metadata.name").unwrap_or_else(|| "slo".into());
        let spec = doc.get("spec").cloned().unwrap_or(Value::Null);
        let sli = spec
            .get("indicator")
            .and_then(|i| i.get("spec").cloned())
            .or_else(|| {
                s(&spec, "indicatorRef")
                    .and_then(|r| named("SLI", &r))
                    .and_then(|d| d.get("spec").cloned())
            });
        let query = |v: Option<&Value>, part: &str| {
            v.and_then(|r| s(r, &format!("ratioMetric.{part}.metricSource.spec.query")))
        };
        let q_ = |x: Option<String>| x.as_deref().and_then(counter_query);
        let ratio = sli.as_ref();
        let (good, bad, total) = (
            q_(query(ratio, "good")),
            q_(query(ratio, "bad")),
            q_(query(ratio, "total")),
        );
        let indicator = match (good, bad, total) {
            (Some((g, by)), None, Some((t, _))) => {
                cx.read(&g, "counter");
                cx.read(&t, "counter");
                Some((
                    format!(
                        "{{good: {}, total: {}}}",
                        q(&g.to_string()),
                        q(&t.to_string())
                    ),
                    by,
                ))
            }
            (None, Some((b, by)), Some((t, _))) => {
                cx.read(&b, "counter");
                cx.read(&t, "counter");
                Some((
                    format!(
                        "{{errors: {}, total: {}}}",
                        q(&b.to_string()),
                        q(&t.to_string())
                    ),
                    by,
                ))
            }
            _ => None,
        };
        let Some((indicator, group_by)) = indicator else {
            cx.not(format!("the indicator of SLO `{name}` is not imported"), "forge-spec reads `ratioMetric` indicators of Prometheus queries `sum(rate(<selector>[w]))` (good or bad over total)");
            continue;
        };
        if s(&spec, "budgetingMethod").is_some_and(|m| m != "Occurrences") {
            cx.not(format!("budgeting method `{}` of SLO `{name}` is imported as Occurrences", s(&spec, "budgetingMethod").unwrap_or_default()), "timeslice SLOs are written with `sli: {timeslice: …}`: rewrite the indicator as a condition");
        }
        let tw = spec
            .get("timeWindow")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or(Value::Null);
        let window = if tw.get("isRolling") == Some(&Value::Bool(false)) {
            calendar(&tw, &name, cx)
        } else {
            None
        };
        let window = window.unwrap_or_else(|| {
            s(&tw, "duration")
                .and_then(|d| minutes(&d))
                .map_or_else(|| "28d".into(), duration)
        });
        let objectives = spec
            .get("objectives")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if objectives.len() > 1 {
            cx.not(
                format!("objectives after the first of SLO `{name}` are not imported"),
                "a spec's SLO has one objective: make an SLO for each",
            );
        }
        let Some(target) = objectives.first().and_then(|o| {
            s(o, "target")
                .and_then(|t| t.parse::<f64>().ok())
                .or_else(|| {
                    s(o, "targetPercent")
                        .and_then(|t| t.parse::<f64>().ok())
                        .map(|p| p / 100.0)
                })
        }) else {
            cx.not(
                format!("SLO `{name}` has no target and is not imported"),
                "give its objective a `target` (0.995) or `targetPercent` (99.5)",
            );
            continue;
        };
        let mut windows = Vec::new();
        for p in spec
            .get("alertPolicies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let policy = match p {
                Value::String(r) => named("AlertPolicy", r).and_then(|d| d.get("spec").cloned()),
                v => v.get("spec").cloned().or_else(|| {
                    s(v, "alertPolicyRef")
                        .and_then(|r| named("AlertPolicy", &r))
                        .and_then(|d| d.get("spec").cloned())
                }),
            };
            let Some(policy) = policy else { continue };
            let urgency = if s(&policy, "severity").is_some_and(|x| {
                x.eq_ignore_ascii_case("page") || x.eq_ignore_ascii_case("critical")
            }) {
                "page"
            } else {
                "ticket"
            };
            for c in policy
                .get("conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let cond = c
                    .get("spec")
                    .and_then(|x| x.get("condition"))
                    .or_else(|| c.get("condition"))
                    .cloned()
                    .unwrap_or(Value::Null);
                let (Some(t), Some(long)) = (
                    s(&cond, "threshold").and_then(|t| t.parse::<f64>().ok()),
                    s(&cond, "lookbackWindow").and_then(|d| minutes(&d)),
                ) else {
                    continue;
                };
                // The short window is a twelfth of the long one, as the SRE workbook pairs them.
                windows.push(format!(
                    "{{urgency: {urgency}, long: {}, short: {}, factor: {t}}}",
                    duration(long),
                    duration((long / 12).max(1))
                ));
                if s(&cond, "alertAfter").is_some() {
                    cx.not(format!("`alertAfter` of an alert condition of SLO `{name}` is not imported"), "forge-spec's burn-rate alerts fire when both windows burn; the short window is what waits");
                }
            }
        }
        let mut alerting = Vec::new();
        if !windows.is_empty() {
            alerting.push(format!("windows: [{}]", windows.join(", ")));
        }
        out.push(SloDef {
            name,
            description: s(&spec, "description"),
            objective: target,
            window,
            sli: indicator,
            group_by,
            labels: Vec::new(),
            sloth: false,
            alerting,
        });
    }
}

/// Reads SLO documents of `tool` (`sloth`, `pyrra`, `openslo`) and writes
/// `service.yaml`, `metrics.yaml` and `slos.yaml`.
pub fn import(
    tool: &str,
    sources: &SourceSet,
    ids: &[FileId],
    service: &str,
    chosen: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let mut slos = Vec::new();
    let mut parsed = Vec::new();
    for id in ids {
        let Some(file) = sources.get(*id) else {
            continue;
        };
        match forge_spec_syntax::parse_all(*id, file) {
            Ok(d) => parsed.push((id, d)),
            Err(d) => diags.push(*d),
        }
    }
    // A spec is one service: of Sloth's services, the one `--service` names, else the
    // first one read; the others are left for their own specs.
    let named = |d: &Value| s(d, "service").or_else(|| d.get("spec").and_then(|x| s(x, "service")));
    let mut named_service = chosen
        .filter(|c| {
            parsed
                .iter()
                .flat_map(|(_, docs)| docs)
                .any(|d| named(d).as_deref() == Some(*c))
        })
        .map(str::to_string);
    let mut reads = Reads::default();
    for (id, docs) in parsed {
        let mut cx = Cx {
            out: diags,
            at: Span::new(*id, 0, 0),
            reads: std::mem::take(&mut reads),
        };
        match tool {
            "sloth" => {
                for d in &docs {
                    sloth(d, &mut cx, &mut named_service, &mut slos);
                }
            }
            "pyrra" => {
                for d in &docs {
                    pyrra(d, &mut cx, &mut slos);
                }
            }
            _ => openslo(&docs, &mut cx, &mut slos),
        }
        reads = cx.reads;
    }
    let service = named_service.unwrap_or_else(|| service.to_string());
    let from = tool;
    let mut svc = crate::header(from);
    svc.push_str(&format!(
        "version: 1\nservice: {{name: {}}}\ntargets:\n",
        q(&service)
    ));
    comment(
        &mut svc,
        2,
        "The jobs the indicators name (or one for the service). Set their addresses.",
    );
    let mut jobs = reads.jobs.clone();
    if jobs.is_empty() {
        jobs.insert(service.clone());
    }
    // The catalogues of the exporter metrics the indicators read (Prometheus' own
    // `prometheus_rule_evaluations_total`), which the targets then export.
    let mut uses: BTreeSet<&str> = reads
        .metrics
        .keys()
        .filter_map(|m| crate::known(m))
        .map(|k| k.catalogue)
        .collect();
    uses.remove("own");
    let uses = if uses.is_empty() {
        String::new()
    } else {
        format!(", uses: {}", flow_list(uses.iter().copied()))
    };
    for j in &jobs {
        svc.push_str(&format!(
            "  {}: {{address: {}{uses}}}\n",
            q(j),
            q(&format!(
                "{}:9090",
                j.replace(
                    |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.',
                    "-"
                )
            ))
        ));
    }
    let mut metrics = crate::header(from);
    metrics.push_str("metrics:\n");
    for (name, (kind, labels, bounds)) in &reads.metrics {
        if crate::known(name).is_some() || name == "up" {
            continue;
        }
        comment(
            &mut metrics,
            2,
            &format!("Read by an indicator: a {kind}; confirm the unit, help and label bounds."),
        );
        let mut parts = vec![format!("type: {kind}")];
        if let Some(u) = crate::prometheus::unit_of(name) {
            parts.push(format!("unit: {u}"));
        }
        // A counter not named `_total` is no name a team gives its own metrics today
        // (ingress-nginx' `nginx_ingress_controller_requests`): an exporter's, which the
        // naming rules do not judge.
        if *kind == "counter" && !name.ends_with("_total") {
            parts.push("provided_by: exporter".into());
        }
        parts.push(format!(
            "help: {}",
            q(&format!("Imported: a {kind} an SLO reads."))
        ));
        if !labels.is_empty() {
            let ls: Vec<String> = labels
                .iter()
                .map(|l| format!("{}: {{max_values: 100}}", q(l)))
                .collect();
            parts.push(format!("labels: {{{}}}", ls.join(", ")));
        }
        if !bounds.is_empty() {
            parts.push(format!(
                "buckets: [{}]",
                bounds.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        metrics.push_str(&format!("  {}: {{{}}}\n", q(name), parts.join(", ")));
    }
    if !metrics.contains("\n  ") {
        metrics = metrics.replace("metrics:\n", "metrics: {}\n");
    }
    let mut text = crate::header(from);
    // No indicator could be read: no SLO, and a spec that still parses.
    text.push_str(if slos.is_empty() {
        "slos: {}\n"
    } else {
        "slos:\n"
    });
    for o in &slos {
        text.push_str(&format!("  {}:\n", q(&o.name)));
        if let Some(d) = &o.description {
            text.push_str(&format!("    description: {}\n", q(d)));
        }
        text.push_str(&format!(
            "    objective: {}\n    window: {}\n    sli: {}\n",
            percent(o.objective),
            o.window,
            o.sli
        ));
        if !o.group_by.is_empty() {
            text.push_str(&format!(
                "    group_by: {}\n",
                flow_list(o.group_by.iter().map(String::as_str))
            ));
        }
        if !o.labels.is_empty() {
            text.push_str(&format!(
                "    labels: {}\n",
                flow_map(o.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            ));
        }
        if !o.sli.starts_with("{uptime") {
            comment(
                &mut text,
                4,
                &format!(
                    "No low-traffic guard, as {} has none: alerts fire as the source's did. Natively, leave\n`min_events` out (forge-spec then asks for enough events that one error alone never pages).",
                    match tool {
                        "sloth" => "Sloth",
                        "pyrra" => "Pyrra",
                        _ => "OpenSLO",
                    }
                ),
            );
            text.push_str("    min_events: 0\n");
        }
        if o.sloth {
            comment(
                &mut text,
                4,
                "Sloth's labels and window names, for what reads them.",
            );
            text.push_str("    compat: sloth\n");
        }
        if !o.alerting.is_empty() {
            text.push_str(&format!("    alerting: {{{}}}\n", o.alerting.join(", ")));
        }
    }
    vec![
        ("service.yaml".into(), svc),
        ("metrics.yaml".into(), metrics),
        ("slos.yaml".into(), text),
    ]
}
