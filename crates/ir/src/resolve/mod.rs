//! Stage 2, resolve: merges the parsed files, resolves names (with "did you mean"),
//! parses, checks and lowers every expression, and builds the `Model`.

use super::*;
use forge_spec_base::diag::codes::{exprs as x, names as n, parse as p, slos as s};
use forge_spec_base::diag::{Diagnostic, Diagnostics, did_you_mean};
use forge_spec_base::source::SourceSet;
use forge_spec_expr::ast::LitUnit;
use forge_spec_expr::{MetricInfo, RangeMode, units};
use forge_spec_syntax as syntax;
use forge_spec_syntax::{Map, Quantity, SpecFile};

mod alerts;
mod dashboards;
mod routing;
mod slos;
mod targets;

/// Merges and resolves parsed files into a `Model`. Returns `None` only when no
/// `service:` exists; every other problem is a diagnostic and resolution goes on.
pub fn resolve(
    spec_name: &str,
    sources: &SourceSet,
    files: Vec<SpecFile>,
    scope: &Scope,
    out: &mut Diagnostics,
) -> Option<Model> {
    let time_scale = scope.time_scale;
    let mut m = Merged::default();
    for f in files {
        m.add(f, out);
    }
    let logs = m.logs();
    let Some(service) = m.service.take() else {
        let span = sources
            .ids()
            .next()
            .map_or_else(Span::default, |f| Span::new(f, 0, 0));
        out.push(
            Diagnostic::new(
                &p::MISSING_SERVICE,
                span,
                "no file of the spec has a `service:` section",
            )
            .help("add `service: {name: my-service, metric_prefix: my_service_}` to one file"),
        );
        return None;
    };
    let mut r = Resolver {
        sources,
        out,
        allows: Vec::new(),
        time_scale: time_scale.max(1),
        org: scope.org_receivers.is_some(),
        memo: scope.expressions.clone(),
        policy: std::sync::Arc::new(
            m.defaults
                .as_ref()
                .map(|d| d.burn_windows.clone())
                .unwrap_or_default(),
        ),
    };
    let default_range = m
        .defaults
        .as_ref()
        .and_then(|d| d.range.as_ref())
        .and_then(|d| r.duration(d))
        .map_or(Duration { ms: 300_000 }, |d| d.value);
    let scrape_interval = m
        .defaults
        .as_ref()
        .and_then(|d| d.scrape_interval.as_ref())
        .and_then(|d| r.duration(d))
        .map_or(Duration { ms: 15_000 }, |d| d.value);

    let targets: Vec<Target> = m
        .targets
        .items
        .into_iter()
        .map(|(name, t)| r.target(name, t))
        .collect();
    let metrics: Vec<Metric> = m
        .metrics
        .items
        .into_iter()
        .filter_map(|(name, mt)| {
            let at = name.span;
            r.about(at, |r| r.metric(name, mt))
        })
        .collect();
    // Which targets export each metric: the target its `provided_by:` names, else those
    // using its catalogue (`own` for the service's own metrics and for collectors the
    // spec names itself).
    let mut metrics = metrics;
    for mt in &mut metrics {
        mt.catalog = sources
            .get(mt.name.span.file)
            .is_some_and(|f| syntax::catalogs::is_catalog_file(&f.name));
        let provider = mt.provided_by.as_ref().map(|p| p.value.as_str());
        if let Some(t) = provider
            .filter(|p| syntax::catalogs::get(p).is_none())
            .and_then(|p| targets.iter().find(|t| t.name.value == p))
        {
            mt.exporters = vec![t.name.value.clone()];
            continue;
        }
        let key = mt
            .provided_by
            .as_ref()
            .map(|p| p.value.as_str())
            .filter(|p| syntax::catalogs::get(p).is_some())
            .unwrap_or(syntax::catalogs::OWN);
        mt.exporters = targets
            .iter()
            .filter(|t| t.uses.iter().any(|u| u == key))
            .map(|t| t.name.value.clone())
            .collect();
    }
    let mut catalog = Catalog {
        metrics: metrics
            .iter()
            .map(|mt| {
                // Its own labels, and those discovery gives every series of the
                // targets that export it (open: their values are the discovery's).
                let discovered = targets
                    .iter()
                    .filter(|t| mt.exporters.contains(&t.name.value))
                    .flat_map(|t| &t.labels)
                    .map(|l| (l.value.clone(), None));
                let info = MetricInfo::new(
                    mt.kind,
                    mt.unit.clone(),
                    discovered
                        .chain(mt.labels.iter().map(|l| {
                            (
                                l.name.value.clone(),
                                l.values
                                    .as_ref()
                                    .map(|v| v.iter().map(|s| s.value.clone()).collect()),
                            )
                        }))
                        .collect(),
                    mt.buckets.iter().map(|b| b.value).collect(),
                );
                let info = MetricInfo {
                    exporters: mt.exporters.clone(),
                    ..info
                };
                (mt.name.value.clone(), info)
            })
            .collect(),
        targets: targets.iter().map(|t| t.name.value.clone()).collect(),
        probed: targets
            .iter()
            .filter(|t| t.probe.is_some())
            .map(|t| t.name.value.clone())
            .collect(),
        recorded: BTreeSet::new(),
        default_range,
    };
    let slos: Vec<Slo> = r
        .par(m.slos.items, |w, (name, sl)| {
            let at = name.span;
            w.about(at, |w| w.slo(name, sl, &catalog))
        })
        .into_iter()
        .flatten()
        .collect();
    catalog.recorded = super::slo::recorded_names();
    let groups: Vec<RuleGroup> = m
        .groups
        .items
        .into_iter()
        .map(|(name, g)| RuleGroup {
            interval: g.interval.as_ref().and_then(|i| r.duration(i)),
            limit: g.limit.map(|l| l.value),
            source_tenants: g.source_tenants,
            name,
        })
        .collect();
    let group_names: BTreeSet<&str> = groups.iter().map(|g| g.name.value.as_str()).collect();
    // Records in order: each is a typed series for the records, panels and alerts after
    // it; a record read before its own (Prometheus' groups have no order) is known, untyped.
    for (name, rec) in &m.records.items {
        catalog
            .recorded
            .insert(rec.record.as_ref().unwrap_or(name).value.clone());
    }
    let mut records = Vec::with_capacity(m.records.items.len());
    let mut seen_series: BTreeSet<String> = BTreeSet::new();
    for (name, rec) in m.records.items {
        let at = name.span;
        let record = r.about(at, |r| r.record(name, rec, &catalog, &group_names));
        match record.expr.as_ref().and_then(|e| e.ty.as_ref()) {
            Some(ty) if ty.vector && ty.labels.is_some() => {
                let info = MetricInfo::new(
                    forge_spec_expr::MetricKind::Gauge,
                    ty.unit.clone(),
                    ty.labels
                        .iter()
                        .flat_map(|l| l.iter())
                        .filter(|l| !matches!(l.as_str(), "job" | "instance"))
                        .map(|l| (l.clone(), None))
                        .chain(
                            record
                                .labels
                                .iter()
                                .map(|(k, v)| (k.value.clone(), Some(vec![v.value.clone()]))),
                        )
                        .collect(),
                    Vec::new(),
                );
                let series = &record.series.value;
                // Records of one series (per code class, per label value) add up to
                // one series of their labels' union; of different units, to no type.
                let merged = match catalog.metrics.remove(series) {
                    None if seen_series.insert(series.clone()) => Some(info),
                    None => None,
                    Some(before) if before.unit != info.unit => None,
                    Some(mut before) => {
                        for (k, v) in info.labels {
                            let e = before.labels.entry(k).or_insert_with(|| Some(Vec::new()));
                            match (e.as_mut(), v) {
                                (Some(have), Some(more)) => {
                                    have.extend(more);
                                    have.sort();
                                    have.dedup();
                                }
                                _ => *e = None,
                            }
                        }
                        Some(MetricInfo::new(
                            before.kind,
                            before.unit,
                            before.labels,
                            Vec::new(),
                        ))
                    }
                };
                if let Some(info) = merged {
                    catalog.metrics.insert(series.clone(), info);
                }
            }
            _ => {
                // Untyped: so is the series, whatever its other records say.
                seen_series.insert(record.series.value.clone());
                catalog.metrics.remove(&record.series.value);
            }
        }
        records.push(record);
    }
    let mut receiver_names: Vec<String> = m
        .receivers
        .items
        .iter()
        .map(|(k, _)| k.value.clone())
        .collect();
    if let Some(shared) = &scope.org_receivers {
        receiver_names.extend(shared.iter().cloned());
    }
    let routing = m.routing.map(|rt| r.routing(rt, &receiver_names));
    let dashboards: Vec<Dashboard> = r.par(m.dashboards.items, |w, (uid, d)| {
        w.dashboard(uid, d, &catalog)
    });
    let slo_names: BTreeSet<&str> = slos.iter().map(|s| s.name.value.as_str()).collect();
    let alerts: Vec<Alert> = r.par(m.alerts.items, |w, (name, a)| {
        let at = name.span;
        w.about(at, |w| {
            w.alert(name, a, &catalog, &slo_names, &dashboards, &group_names)
        })
    });
    let receivers = m
        .receivers
        .items
        .into_iter()
        .map(|(name, spec)| Receiver::resolve(name, spec))
        .collect();
    let logs = logs.map(|l| r.logs(l)).unwrap_or_default();
    // `lints:` entries are kept as written; the rule catalogue resolves and applies them.
    let lints = m.lints.items;
    let allows = r.allows;
    let index = Index::build(&metrics, &slos, &dashboards);
    let outputs = deploy::resolve(m.outputs.take(), &service.name.value, r.out);
    let alert_labels = alert_labels(service.alert_labels.as_ref(), scope, r.out);
    Some(Model {
        index,
        spec_name: spec_name.to_string(),
        service: Service {
            alertmanager: service
                .alertmanager
                .map_or_else(|| "alertmanager:9093".into(), |a| a.value),
            name: service.name,
            team: service.team,
            alert_labels,
            metric_prefix: service.metric_prefix,
            grafana_url: service.grafana_url,
            runbook_base_url: service.runbook_base_url,
        },
        default_range,
        scrape_interval,
        catalog,
        targets,
        metrics,
        slos,
        alerts,
        records,
        groups,
        routing,
        receivers,
        dashboards,
        logs,
        lints,
        allows,
        time_scale: time_scale.max(1),
        in_org: scope.org_receivers.is_some(),
        org_inhibit: scope.org_inhibit.clone(),
        outputs,
    })
}

/// All files' sections merged; a name defined twice is reported at both places.
#[derive(Default)]
struct Merged {
    service: Option<syntax::Service>,
    service_span: Option<Span>,
    defaults: Option<syntax::Defaults>,
    outputs: Option<syntax::outputs::Outputs>,
    routing: Option<syntax::Routing>,
    routing_span: Option<Span>,
    logs: Option<syntax::Logs>,
    log_events: Defs<syntax::LogEvent>,
    targets: Defs<syntax::Target>,
    metrics: Defs<syntax::Metric>,
    slos: Defs<syntax::Slo>,
    alerts: Defs<syntax::Alert>,
    records: Defs<syntax::Record>,
    groups: Defs<syntax::RuleGroup>,
    receivers: Defs<syntax::Receiver>,
    dashboards: Defs<syntax::Dashboard>,
    lints: Defs<S>,
}

/// The definitions of one kind from every file, in file order, with their case-folded
/// names (to the position of the first definition) kept across files, so that adding a
/// file costs its own size, whatever came before.
struct Defs<V> {
    items: Vec<(S, V)>,
    seen: std::collections::HashMap<String, usize>,
}

impl<V> Default for Defs<V> {
    fn default() -> Self {
        Defs {
            items: Vec::new(),
            seen: std::collections::HashMap::new(),
        }
    }
}

impl<V> Defs<V> {
    /// Adds a file's definitions; a name defined before (in any case) is reported and
    /// the later definition dropped.
    fn add(&mut self, what: &str, from: Map<V>, out: &mut Diagnostics) {
        self.items.reserve(from.0.len());
        self.seen.reserve(from.0.len());
        for (k, v) in from.0 {
            let folded = k.value.to_lowercase();
            if let Some((first, _)) = self.seen.get(&folded).and_then(|i| self.items.get(*i)) {
                let same = first.value == k.value;
                out.push(
                    Diagnostic::new(
                        &n::DUPLICATE_DEFINITION,
                        k.span,
                        if same {
                            format!("{what} `{}` is defined twice", k.value)
                        } else {
                            format!(
                                "{what} `{}` differs from `{}` only in case",
                                k.value, first.value
                            )
                        },
                    )
                    .label("defined again here")
                    .secondary(first.span, "first defined here")
                    .help(format!(
                        "give each {what} one definition; rename or remove one of them"
                    )),
                );
                continue;
            }
            self.seen.insert(folded, self.items.len());
            self.items.push((k, v));
        }
    }
}

impl Merged {
    fn add(&mut self, f: SpecFile, out: &mut Diagnostics) {
        if let Some(v) = &f.version
            && v.value != 1
        {
            out.push(
                Diagnostic::new(
                    &p::UNSUPPORTED_VERSION,
                    v.span,
                    format!("spec version {} is not supported", v.value),
                )
                .label("only version 1 exists")
                .help("set `version: 1`"),
            );
        }
        if let Some(svc) = f.service {
            match self.service_span {
                Some(first) => out.push(
                    Diagnostic::new(
                        &n::DUPLICATE_DEFINITION,
                        svc.name.span,
                        "`service:` is defined in two places",
                    )
                    .label("defined again here")
                    .secondary(first, "first defined here")
                    .help("keep one `service:` section"),
                ),
                None => {
                    self.service_span = Some(svc.name.span);
                    self.service = Some(svc);
                }
            }
        }
        if f.defaults.is_some() {
            self.defaults = self.defaults.take().or(f.defaults);
        }
        if f.outputs.is_some() {
            self.outputs = self.outputs.take().or(f.outputs);
        }
        if let Some(rt) = f.routing {
            match self.routing_span {
                Some(first) => out.push(
                    Diagnostic::new(
                        &n::DUPLICATE_DEFINITION,
                        rt.receiver.span,
                        "`routing:` is defined in two places",
                    )
                    .label("defined again here")
                    .secondary(first, "first defined here")
                    .help("keep one route tree"),
                ),
                None => {
                    self.routing_span = Some(rt.receiver.span);
                    self.routing = Some(rt);
                }
            }
        }
        if let Some(mut l) = f.logs {
            let events = std::mem::take(&mut l.events);
            if self.logs.is_none() {
                self.logs = Some(l);
            }
            self.log_events.add("log event", events, out);
        }
        self.targets.add("target", f.targets, out);
        self.metrics.add("metric", f.metrics, out);
        self.slos.add("SLO", f.slos, out);
        self.alerts.add("alert", f.alerts, out);
        self.records.add("record", f.records, out);
        self.groups.add("rule group", f.groups, out);
        self.receivers.add("receiver", f.receivers, out);
        self.dashboards.add("dashboard", f.dashboards, out);
        self.lints.add("lint", f.lints, out);
    }

    /// The logs section with the events of every file.
    fn logs(&mut self) -> Option<syntax::Logs> {
        let mut logs = self.logs.take()?;
        logs.events = Map(std::mem::take(&mut self.log_events.items));
        Some(logs)
    }
}

struct Resolver<'a> {
    time_scale: u64,
    sources: &'a SourceSet,
    out: &'a mut Diagnostics,
    allows: Vec<Allowed>,
    /// Compiling a service of an organisation (`service/receiver` references allowed).
    org: bool,
    /// The service's burn-rate alert policy (`defaults.burn_windows`).
    policy: std::sync::Arc<Vec<syntax::BurnWindowSpec>>,
    /// Expressions read before ([`Scope::expressions`]).
    memo: Option<std::sync::Arc<expr::Memo>>,
}

impl Resolver<'_> {
    /// `f` over owned items on as many threads as allowed, a chunk at a time, each
    /// worker with a resolver of its own; results, diagnostics and allows come back
    /// in item order.
    fn par<T: Send, R: Send>(
        &mut self,
        items: Vec<T>,
        f: impl Fn(&mut Resolver<'_>, T) -> R + Sync,
    ) -> Vec<R> {
        let (sources, time_scale, org) = (self.sources, self.time_scale, self.org);
        let policy = self.policy.clone();
        let memo = self.memo.clone();
        let parts = forge_spec_base::par::map_chunks(items, 256, |chunk| {
            let mut out = Diagnostics::default();
            let mut w = Resolver {
                time_scale,
                sources,
                out: &mut out,
                allows: Vec::new(),
                org,
                policy: policy.clone(),
                memo: memo.clone(),
            };
            let done: Vec<R> = chunk.into_iter().map(|item| f(&mut w, item)).collect();
            let allows = w.allows;
            (done, out, allows)
        });
        let mut all = Vec::new();
        for (done, out, allows) in parts {
            all.extend(done);
            self.out.extend(out.items);
            self.allows.extend(allows);
        }
        all
    }

    /// Runs `f`, the resolution of the definition named at `name`: what it reports is
    /// about that definition (so the definition's `allow:` applies to it).
    fn about<R>(&mut self, name: Span, f: impl FnOnce(&mut Self) -> R) -> R {
        let mark = self.out.items.len();
        let done = f(self);
        for d in &mut self.out.items[mark..] {
            d.subject = Some(name);
        }
        done
    }

    fn invalid(&mut self, span: Span, msg: String, help: &str) {
        self.out.push(
            Diagnostic::new(&p::INVALID_VALUE, span, msg)
                .label("cannot be read")
                .help(help.to_string()),
        );
    }

    /// Reports a label name Prometheus or Alertmanager would refuse (N007).
    fn label_name(&mut self, label: &S, what: &str) {
        if let Some(why) = n::invalid_label_name::refusal(&label.value) {
            self.out.push(
                Diagnostic::new(
                    &n::INVALID_LABEL_NAME,
                    label.span,
                    format!("`{}` cannot be a {what}'s name", label.value),
                )
                .label("not a label name")
                .help(format!("{why}; e.g. `{}`", suggest_label(&label.value))),
            );
        }
    }

    /// A positive duration no longer than Prometheus reads.
    fn duration(&mut self, d: &S) -> Option<Spanned<Duration>> {
        self.duration_from(d, false)
    }

    fn duration_from(&mut self, d: &S, zero_ok: bool) -> Option<Spanned<Duration>> {
        match units::read_duration(&d.value, zero_ok) {
            Ok(v) => Some(Spanned::new(v, d.span)),
            Err(msg) => {
                self.invalid(
                    d.span,
                    msg,
                    "write a positive Prometheus duration up to 292 years: 30s, 5m, 1h30m, 30d",
                );
                None
            }
        }
    }

    /// `allow:` entries are kept as written; the rule catalogue resolves and applies them.
    fn allow(&mut self, item: &S, allows: &[syntax::Allow]) {
        for a in allows {
            self.allows.push(Allowed {
                item: item.clone(),
                rule: a.rule.clone(),
            });
        }
    }
}

/// A panel query's type without its label set: nothing reads a panel's labels, and
/// keeping one per query costs megabytes at scale.
fn unlabelled(ty: Option<expr::Ty>) -> Option<expr::Ty> {
    ty.map(|mut t| {
        t.labels = None;
        t
    })
}

/// A calendar period's unit (`month`, `calendar_week`, `quarterly`…): `week`, `month`,
/// `quarter` or `year`.
fn calendar_window(text: &str) -> Option<&'static str> {
    let t = text.trim().to_ascii_lowercase();
    let t = t
        .trim_start_matches("calendar")
        .trim_start_matches(['_', '-', ' ']);
    match t {
        "week" | "weekly" => Some("week"),
        "month" | "monthly" => Some("month"),
        "quarter" | "quarterly" => Some("quarter"),
        "year" | "yearly" => Some("year"),
        _ => None,
    }
}

/// `+02:00`, `-05:30`, `+0200`, `Z`, `UTC` → seconds east of UTC (at most 14 hours, in
/// quarter hours as every zone's offset is).
fn utc_offset(text: &str) -> Option<i64> {
    let t = text.trim();
    if matches!(t, "Z" | "UTC" | "utc") {
        return Some(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let (h, m) = rest
        .split_once(':')
        .unwrap_or_else(|| rest.split_at(rest.len().min(2)));
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (m % 15 == 0 && h * 60 + m <= 14 * 60).then_some(sign * (h * 3600 + m * 60))
}

/// `api_latency` → `ApiLatency`.
pub fn camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

use std::collections::BTreeSet;

/// `service.alert_labels`: each a label forge-spec knows how to add; an organisation's
/// services keep `service`, which its routes select on.
fn alert_labels(
    given: Option<&Spanned<Vec<S>>>,
    scope: &Scope,
    out: &mut Diagnostics,
) -> AlertLabels {
    let Some(given) = given else {
        return AlertLabels::default();
    };
    let mut v = AlertLabels {
        service: false,
        team: false,
    };
    for l in &given.value {
        match l.value.as_str() {
            "service" => v.service = true,
            "team" => v.team = true,
            other => {
                let d = Diagnostic::new(
                    &p::INVALID_VALUE,
                    l.span,
                    format!("forge-spec adds no alert label `{other}`"),
                )
                .label("not `service` or `team`");
                out.push(
                    match did_you_mean(other, crate::closed::ALERT_LABELS.iter().copied()) {
                        Some(s) => d.did_you_mean(s),
                        None => d.help(
                            "list `service`, `team` or neither; set other labels in each alert's `labels:`",
                        ),
                    },
                );
            }
        }
    }
    if scope.org_receivers.is_some() && !v.service {
        out.push(
            Diagnostic::new(
                &p::INVALID_VALUE,
                given.span,
                "a service of an organisation must put `service` on its alerts",
            )
            .label("`service` is not listed")
            .help("the organisation's routes send each service's alerts to its team by the `service` label: add `service`"),
        );
    }
    v
}

/// A label name close to `name` that Prometheus accepts.
fn suggest_label(name: &str) -> String {
    let s: String = name
        .trim_start_matches('_')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    match s.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => s,
        _ => format!("l_{s}"),
    }
}
