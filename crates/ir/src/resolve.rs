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
    // Which targets export each metric: those using its catalogue (`own` for the
    // service's own metrics and for collectors the spec names itself).
    let mut metrics = metrics;
    for mt in &mut metrics {
        let key = mt
            .provided_by
            .as_ref()
            .map(|p| p.value.as_str())
            .filter(|p| syntax::catalogs::get(p).is_some())
            .unwrap_or(syntax::catalogs::OWN);
        mt.catalog = sources
            .get(mt.name.span.file)
            .is_some_and(|f| syntax::catalogs::is_catalog_file(&f.name));
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
                let info = MetricInfo::new(
                    mt.kind,
                    mt.unit.clone(),
                    mt.labels
                        .iter()
                        .map(|l| {
                            (
                                l.name.value.clone(),
                                l.values
                                    .as_ref()
                                    .map(|v| v.iter().map(|s| s.value.clone()).collect()),
                            )
                        })
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
    // Records in order: each is a typed series for the records, panels and alerts after it.
    let mut records = Vec::with_capacity(m.records.items.len());
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
                catalog.metrics.insert(record.name.value.clone(), info);
            }
            _ => {
                catalog.recorded.insert(record.name.value.clone());
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
    Some(Model {
        index,
        spec_name: spec_name.to_string(),
        service: Service {
            alertmanager: service
                .alertmanager
                .map_or_else(|| "alertmanager:9093".into(), |a| a.value),
            name: service.name,
            team: service.team,
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

    /// Reports a target address Prometheus would refuse or misread: only `host` or
    /// `host:port` (no scheme, path, query or credentials).
    /// A target: scraped at its address, or probed (`probe:`); its catalogues known.
    fn target(&mut self, name: S, t: syntax::Target) -> Target {
        let mut uses = syntax::catalogs::used_by(&t);
        for u in t.uses.iter().flatten() {
            let known =
                u.value == syntax::catalogs::OWN || syntax::catalogs::get(&u.value).is_some();
            if !known {
                let names = std::iter::once(syntax::catalogs::OWN)
                    .chain(syntax::catalogs::CATALOGS.iter().map(|(n, _)| *n));
                let d = Diagnostic::new(
                    &n::UNKNOWN_CATALOG,
                    u.span,
                    format!("no exporter catalogue is called `{}`", u.value),
                )
                .label("not a catalogue")
                .suggest(
                    &u.value,
                    names,
                    "`forge-spec explain N010` lists the catalogues",
                );
                self.out.push(d);
            }
        }
        uses.sort();
        uses.dedup();
        let (address, probe) = match (t.address, t.probe) {
            (Some(a), None) => {
                self.address(&a);
                (a, None)
            }
            (a, Some(p)) => {
                if let Some(a) = a {
                    self.invalid(
                        a.span,
                        format!("target `{}` has both `address:` and `probe:`", name.value),
                        "a target is scraped at its address or probed, not both",
                    );
                }
                let url = &p.url.value;
                if url.contains('@') || url.chars().any(char::is_whitespace) || url.is_empty() {
                    self.invalid(
                        p.url.span,
                        format!("`{url}` is not a probe URL"),
                        "write the URL without credentials or spaces, e.g. `http://ollama:11434/`",
                    );
                }
                let exporter = p.exporter.map_or_else(
                    || "blackbox-exporter:9115".to_string(),
                    |e| {
                        self.address(&e);
                        e.value
                    },
                );
                let module = p.module.map_or_else(|| "http_2xx".to_string(), |m| m.value);
                (p.url, Some(Probe { module, exporter }))
            }
            (None, None) => {
                self.out.push(
                    Diagnostic::new(
                        &p::MISSING_KEY,
                        name.span,
                        format!("target `{}` has no `address:`", name.value),
                    )
                    .label("nothing to scrape")
                    .help("add `address: host:port`, or `probe: {url: ...}` for a dependency without metrics"),
                );
                (Spanned::new(String::new(), name.span), None)
            }
        };
        let kubernetes = deploy::target(&name.value, t.kubernetes, self.out);
        Target {
            name,
            address,
            metrics_path: t
                .metrics_path
                .map_or_else(|| "/metrics".into(), |p| p.value),
            probe,
            uses,
            kubernetes,
        }
    }

    fn address(&mut self, a: &S) {
        let v = a.value.as_str();
        let (host, port) = match v.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') && !h.contains('[') => (h, Some(p)),
            _ => (v, None),
        };
        let (host, port) = match v.strip_prefix('[').and_then(|x| x.split_once(']')) {
            Some((h, rest)) => (h, rest.strip_prefix(':')),
            None => (host, port),
        };
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
        let port_ok = port.is_none_or(|p| {
            !p.is_empty()
                && p.len() <= 5
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
        });
        if !(host_ok && port_ok) {
            let why = if v.contains("://") {
                "it has a scheme; Prometheus adds it (`scheme:`)"
            } else if v.contains('@') {
                "it has credentials, which would be written into prometheus.yml"
            } else if v.contains('/') {
                "it has a path; set the target's `metrics_path:` instead"
            } else {
                "an address is `host` or `host:port` (port 1–65535)"
            };
            self.invalid(
                a.span,
                format!("`{v}` is not a scrape address: {why}"),
                "write `host:port`, e.g. `ai-forge:8000`",
            );
        }
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

    fn metric(&mut self, name: S, mt: syntax::Metric) -> Option<Metric> {
        self.allow(&name, &mt.allow);
        // A misspelt type is reported and then read as the type it is closest to, so
        // the metric's uses are still checked (and not reported as unknown).
        let kind = MetricKind::parse(&mt.kind.value).or_else(|| {
            let d = Diagnostic::new(
                &p::INVALID_VALUE,
                mt.kind.span,
                format!("`{}` is not a metric type", mt.kind.value),
            )
            .label("unknown type");
            let assumed = did_you_mean(&mt.kind.value, crate::closed::METRIC_TYPES.iter().copied());
            self.out.push(match assumed {
                Some(s) => d
                    .did_you_mean(s)
                    .note(format!("the other checks take it as `{s}`")),
                None => d
                    .help("use counter, gauge, histogram or summary")
                    .drops(&name.value),
            });
            assumed.and_then(MetricKind::parse)
        })?;
        let labels = mt
            .labels
            .0
            .into_iter()
            .map(|(lname, spec)| Label {
                name: lname,
                values: spec.values.map(|v| v.value),
                max_values: spec.max_values,
            })
            .collect();
        let (buckets, buckets_span) = match mt.buckets {
            Some(b) => (b.value, Some(b.span)),
            None => (Vec::new(), None),
        };
        Some(Metric {
            unit: Unit::from_metric(mt.unit.as_ref().map(|u| u.value.as_str())),
            unit_text: mt.unit,
            name,
            kind,
            kind_span: mt.kind.span,
            help: mt.help,
            labels,
            buckets,
            buckets_span,
            standard: mt.standard.is_some_and(|s| s.value),
            provided_by: mt.provided_by,
            exporters: Vec::new(),
            catalog: false,
            absent_alert: mt.absent.as_ref().is_none_or(|a| a.alert.value),
        })
    }

    fn objective(&mut self, q: &Spanned<Quantity>) -> Option<f64> {
        let parsed = match &q.value {
            Quantity::Number(n) if *n > 1.0 => units::scale_decimal(&n.to_string(), -2),
            Quantity::Number(n) => Some(*n),
            Quantity::Text(t) => match units::parse_quantity(t) {
                Some((v, LitUnit::Percent | LitUnit::None)) if t.ends_with('%') || v <= 1.0 => {
                    Some(v)
                }
                Some((_, LitUnit::None)) => units::scale_decimal(t.trim(), -2),
                _ => None,
            },
        };
        if parsed.is_none() {
            self.invalid(
                q.span,
                format!("`{}` is not an objective", q.value),
                "write a percentage such as 99.9%",
            );
        }
        parsed
    }

    fn sli_selector(
        &mut self,
        text: S,
        cat: &Catalog,
        kinds: &[MetricKind],
        role: &str,
    ) -> SliSelector {
        let map = SourceMap::new(self.sources, text.span, &text.value);
        let selector = match self.memo.as_ref().map_or_else(
            || expr::parse_selector(&text.value),
            |m| m.selector(&text.value),
        ) {
            Ok(sel) => {
                let checked = expr::check_selector(&sel, cat, map, kinds, role);
                self.out.extend(checked.diagnostics);
                Some(sel)
            }
            Err(e) => {
                self.syntax(
                    map,
                    &e,
                    "a metric selector such as `http_requests_total{code=\"5xx\"}`",
                );
                None
            }
        };
        SliSelector { text, selector }
    }

    fn syntax(&mut self, map: SourceMap, e: &expr::ParseError, what: &str) {
        let d = Diagnostic::new(&x::EXPRESSION_SYNTAX, map.span(e.pos), e.message.clone())
            .label("here")
            .help(format!("expected {what}"));
        let d = if map.exact {
            d
        } else {
            d.note("the YAML string uses escapes or folding, so the whole value is marked")
        };
        self.out.push(d);
    }

    fn slo(&mut self, name: S, sl: syntax::Slo, cat: &Catalog) -> Option<Slo> {
        self.allow(&name, &sl.allow);
        let objective = self.objective(&sl.objective)?;
        let (period, period_span) = match &sl.window {
            // A calendar period: said plainly, then resolved as the rolling window of
            // about the same length so that one run reports everything else too.
            Some(w) if let Some((rolling, days)) = calendar_window(&w.value) => {
                self.invalid(
                    w.span,
                    format!("`{}` is a calendar window, which Prometheus rules cannot express", w.value),
                    &format!("a range selector covers a fixed duration ending now, and no rule can reset a budget on the first of the {}: use the rolling window `{rolling}` (the same length, always the last {rolling})", w.value.trim_start_matches("calendar_").trim_end_matches("ly")),
                );
                (
                    Duration {
                        ms: days * 86_400_000,
                    },
                    Some(w.span),
                )
            }
            Some(w) => (
                self.duration(w).map_or(
                    Duration {
                        ms: 30 * 86_400_000,
                    },
                    |d| d.value,
                ),
                Some(w.span),
            ),
            None => (
                Duration {
                    ms: 30 * 86_400_000,
                },
                None,
            ),
        };
        let i = &sl.sli;
        let given: Vec<(&str, Span)> = [
            i.errors.as_ref().map(|v| ("errors", v.span)),
            i.good.as_ref().map(|v| ("good", v.span)),
            i.latency.as_ref().map(|v| ("latency", v.span)),
            i.uptime.as_ref().map(|v| ("uptime", v.span)),
            i.timeslice.as_ref().map(|v| ("timeslice", v.span)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if given.len() != 1 {
            let span = given.get(1).map_or(name.span, |g| g.1);
            let d = Diagnostic::new(
                &s::SLI_KIND_COUNT,
                span,
                format!(
                    "SLO `{}` must have exactly one indicator kind, found {}",
                    name.value,
                    given.len()
                ),
            )
            .label(if given.is_empty() {
                "no indicator"
            } else {
                "second indicator"
            })
            .help(
                "use one of `errors`+`total`, `good`+`total`, `latency`, `uptime` or `timeslice`",
            );
            self.out.push(d);
            if given.is_empty() {
                return None;
            }
        }
        let counters = [MetricKind::Counter];
        let sli = match given[0].0 {
            "errors" | "good" => {
                let good = given[0].0 == "good";
                let part = if good { sl.sli.good } else { sl.sli.errors }?;
                let Some(total) = sl.sli.total else {
                    self.out.push(
                        Diagnostic::new(
                            &p::MISSING_KEY,
                            part.span,
                            "a ratio indicator needs `total:`",
                        )
                        .label("no `total` beside this")
                        .help("add `total: <counter of all events>`"),
                    );
                    return None;
                };
                Sli::Ratio {
                    errors: self.sli_selector(part, cat, &counters, "an SLI's events"),
                    total: self.sli_selector(total, cat, &counters, "an SLI's total"),
                    good,
                }
            }
            "latency" => {
                let l = sl.sli.latency?.value;
                let below = match units::parse_quantity(&l.below.value) {
                    Some((v, LitUnit::Seconds | LitUnit::None)) => v,
                    _ => {
                        self.invalid(
                            l.below.span,
                            format!("`{}` is not a latency", l.below.value),
                            "write a duration such as 500ms",
                        );
                        return None;
                    }
                };
                Sli::Latency {
                    metric: self.sli_selector(
                        l.metric,
                        cat,
                        &[MetricKind::Histogram],
                        "a latency SLI",
                    ),
                    below,
                    below_span: l.below.span,
                }
            }
            "timeslice" => {
                let ts = sl.sli.timeslice?.value;
                let slice = match &ts.slice {
                    Some(d) => self.duration(d)?.value,
                    None => Duration { ms: 60_000 },
                };
                let (good, for_) = self.condition(ts.good, cat, false);
                let good = good?;
                if for_.is_some() {
                    self.invalid(
                        good.text.span,
                        "a timeslice condition has no `for`: a slice is good when it holds throughout the slice".into(),
                        "remove `for …`; set the slice's length with `slice:`",
                    );
                }
                Sli::Timeslice {
                    good: Box::new(good),
                    slice,
                }
            }
            _ => {
                let t = sl.sli.uptime?;
                if !cat.targets.contains(&t.value) {
                    let d = Diagnostic::new(
                        &n::UNKNOWN_TARGET,
                        t.span,
                        format!("unknown scrape target `{}`", t.value),
                    )
                    .unresolved(&t.value)
                    .label("not in `targets:`");
                    let d = d.suggest(
                        &t.value,
                        cat.targets.iter().map(String::as_str),
                        "declare it under `targets:`",
                    );
                    self.out.push(d);
                }
                Sli::Uptime { target: t }
            }
        };
        let mut al = sl.alerting;
        let own = al
            .as_mut()
            .map(|a| std::mem::take(&mut a.windows))
            .unwrap_or_default();
        let specs = if own.is_empty() {
            self.policy.to_vec()
        } else {
            own
        };
        let windows = if specs.is_empty() {
            super::slo::burn_windows(period).to_vec()
        } else {
            specs
                .iter()
                .filter_map(|w| self.burn_window(w, period))
                .collect()
        };
        let sev = |v: Option<&S>, d: &str| v.map_or_else(|| d.to_string(), |s| s.value.clone());
        let labels = self.free_labels(sl.labels, "SLO label");
        let (alert_labels, alert_annotations) = match al.as_mut() {
            Some(a) => (
                self.free_labels(std::mem::take(&mut a.labels), "alert label"),
                self.annotations(std::mem::take(&mut a.annotations)),
            ),
            None => (Vec::new(), Vec::new()),
        };
        let min_events = match &sl.min_events {
            Some(n) => n.value,
            None if matches!(sli, Sli::Uptime { .. }) => 0,
            None => super::slo::default_min_events(objective, &windows),
        };
        for g in &sl.group_by {
            self.label_name(g, "SLO `group_by` label");
        }
        let sloth = match &sl.compat {
            None => false,
            Some(c) if c.value == "sloth" => true,
            Some(c) => {
                self.invalid(
                    c.span,
                    format!("`{}` is not a compatibility mode", c.value),
                    "the one mode is `sloth` (Sloth's labels and window names)",
                );
                false
            }
        };
        Some(Slo {
            sloth,
            windows,
            group_by: sl.group_by,
            min_events,
            min_events_span: sl.min_events.as_ref().map(|n| n.span),
            expected_events_per_day: sl.expected_events_per_day,
            labels,
            alert_labels,
            alert_annotations,
            alert_name: al
                .as_ref()
                .and_then(|a| a.name.as_ref())
                .map_or_else(|| camel(&name.value), |n| n.value.clone()),
            page_severity: sev(al.as_ref().and_then(|a| a.page.as_ref()), "critical"),
            ticket_severity: sev(al.as_ref().and_then(|a| a.ticket.as_ref()), "warning"),
            alerting_disabled: al
                .as_ref()
                .and_then(|a| a.disabled.as_ref())
                .is_some_and(|d| d.value),
            runbook: al.and_then(|a| a.runbook),
            name,
            objective,
            objective_span: sl.objective.span,
            period,
            period_span,
            description: sl.description,
            sli,
        })
    }

    /// One window pair of a burn-rate policy (its checks are S011's).
    fn burn_window(
        &mut self,
        w: &syntax::BurnWindowSpec,
        period: Duration,
    ) -> Option<super::slo::BurnWindow> {
        use super::slo::Urgency;
        let urgency = match w.urgency.value.as_str() {
            "page" => Urgency::Page,
            "ticket" => Urgency::Ticket,
            other => {
                self.invalid(
                    w.urgency.span,
                    format!("`{other}` is not an urgency"),
                    "use `page` (the fast-burn alert) or `ticket` (the slow-burn alert)",
                );
                return None;
            }
        };
        let long = self.duration(&w.long)?.value;
        let short = self.duration(&w.short)?.value;
        Some(super::slo::BurnWindow {
            urgency,
            long,
            short,
            budget: w.factor.value * long.ms as f64 / period.ms.max(1) as f64,
            factor: w.factor.value,
            span: Some(w.urgency.span),
        })
    }

    fn condition(
        &mut self,
        text: S,
        cat: &Catalog,
        raw: bool,
    ) -> (Option<AlertExpr>, Option<Duration>) {
        let map = SourceMap::new(self.sources, text.span, &text.value);
        if raw {
            let checked = expr::promql::check(&text.value, cat, map);
            self.out.extend(checked.diagnostics);
            let promql = text.value.trim().to_string();
            return (
                Some(AlertExpr {
                    text,
                    map,
                    condition: None,
                    ty: checked.ty,
                    promql,
                    metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
                    targets: Vec::new(),
                    jobs: checked.jobs,
                }),
                None,
            );
        }
        match self.memo.as_ref().map_or_else(
            || expr::parse_condition(&text.value),
            |m| m.condition(&text.value),
        ) {
            Ok(cond) => {
                let checked = expr::check(&cond.expr, cat, map);
                self.out.extend(checked.diagnostics);
                let promql = expr::lower(
                    &cond.expr,
                    &expr::Lowering {
                        catalog: cat,
                        range: RangeMode::Fixed(cat.default_range),
                        scale: self.time_scale,
                    },
                );
                let for_ = cond.for_.map(|(d, _)| d);
                (
                    Some(AlertExpr {
                        text,
                        map,
                        ty: checked.ty,
                        promql,
                        metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
                        targets: checked.targets.into_iter().map(|t| t.0).collect(),
                        jobs: checked.jobs,
                        condition: Some(cond),
                    }),
                    for_,
                )
            }
            Err(e) => {
                self.syntax(
                    map,
                    &e,
                    "a condition such as `p95(http_request_duration_seconds) > 1s for 5m`",
                );
                (None, None)
            }
        }
    }

    fn alert(
        &mut self,
        name: S,
        a: syntax::Alert,
        cat: &Catalog,
        slos: &BTreeSet<&str>,
        dashboards: &[Dashboard],
        groups: &BTreeSet<&str>,
    ) -> Alert {
        self.allow(&name, &a.allow);
        let (when, mut for_) = match (a.condition, a.expr) {
            (Some(c), None) => {
                let (w, f) = self.condition(c.clone(), cat, false);
                (w, f.map(|d| Spanned::new(d, c.span)))
            }
            (None, Some(e)) => (self.condition(e, cat, true).0, None),
            (Some(c), Some(e)) => {
                self.out.push(
                    Diagnostic::new(&p::INVALID_VALUE, e.span, format!("alert `{}` has both `condition:` and `expr:`", name.value))
                        .label("second condition")
                        .secondary(c.span, "first condition")
                        .help("keep one: `condition:` in the condition language, or raw PromQL in `expr:`"),
                );
                let (w, f) = self.condition(c.clone(), cat, false);
                (w, f.map(|d| Spanned::new(d, c.span)))
            }
            (None, None) => {
                self.out.push(
                    Diagnostic::new(
                        &p::MISSING_KEY,
                        name.span,
                        format!("alert `{}` has no condition", name.value),
                    )
                    .label("no `condition:` or `expr:`")
                    .help("add `condition: <metric expression> > <threshold> for <duration>`"),
                );
                (None, None)
            }
        };
        if let Some(f) = &a.for_ {
            if for_.is_some() {
                self.invalid(
                    f.span,
                    "`for:` given twice (also in the condition)".into(),
                    "keep the `for` of the condition",
                );
            } else {
                for_ = self.duration(f);
            }
        }
        // In an organisation, `service/name` names another service's SLO or dashboard:
        // the organisation checks it.
        let foreign = |r: &S| self.org && r.value.contains('/');
        if let Some(slo) = &a.slo
            && !slos.contains(slo.value.as_str())
            && !foreign(slo)
        {
            let d = Diagnostic::new(
                &n::UNKNOWN_SLO,
                slo.span,
                format!("unknown SLO `{}`", slo.value),
            )
            .unresolved(&slo.value)
            .label("not in `slos:`");
            let d = d.suggest(
                &slo.value,
                slos.iter().copied(),
                "define the SLO under `slos:` or remove `slo:`",
            );
            self.out.push(d);
        }
        if let Some(dash) = a.dashboard.as_ref().filter(|d| !foreign(d)) {
            let (uid, panel) = dash
                .value
                .split_once('#')
                .map_or((dash.value.as_str(), None), |(u, p)| (u, Some(p)));
            match dashboards.iter().find(|d| d.uid.value == uid) {
                None => {
                    let d = Diagnostic::new(
                        &n::UNKNOWN_DASHBOARD,
                        dash.span,
                        format!("unknown dashboard `{uid}`"),
                    )
                    .unresolved(uid)
                    .label("not in `dashboards:`");
                    let d = match did_you_mean(uid, dashboards.iter().map(|d| d.uid.value.as_str()))
                    {
                        Some(s) => d.did_you_mean(s),
                        None => d.help("name a dashboard uid from `dashboards:`"),
                    };
                    self.out.push(d);
                }
                Some(db) => {
                    if let Some(p) = panel
                        && !db
                            .panels
                            .iter()
                            .any(|pn| pn.title.as_ref().is_some_and(|t| t.value == p))
                    {
                        let titles: Vec<&str> = db
                            .panels
                            .iter()
                            .filter_map(|pn| pn.title.as_ref().map(|t| t.value.as_str()))
                            .collect();
                        let d = Diagnostic::new(
                            &n::UNKNOWN_DASHBOARD,
                            dash.span,
                            format!("dashboard `{uid}` has no panel `{p}`"),
                        )
                        .label("no such panel");
                        let d = match did_you_mean(p, titles.iter().copied()) {
                            Some(s) => d.help(format!("did you mean `{uid}#{s}`?")),
                            None => d.help(format!("its panels: {}", titles.join(", "))),
                        };
                        self.out.push(d);
                    }
                }
            }
        }
        for (label, value) in &a.labels.0 {
            self.label_name(label, "alert label");
            let conflict = match label.value.as_str() {
                "severity" => (a.severity.value != value.value).then_some(&a.severity),
                "alertname" => Some(&name),
                _ => None,
            };
            if let Some(other) = conflict {
                self.out.push(
                    Diagnostic::new(
                        &n::INVALID_LABEL_NAME,
                        label.span,
                        format!(
                            "label `{}` of alert `{}` conflicts with its `{}`",
                            label.value,
                            name.value,
                            if label.value == "severity" {
                                "severity:"
                            } else {
                                "name"
                            }
                        ),
                    )
                    .label("set twice")
                    .secondary(other.span, "already set here")
                    .help(format!(
                        "remove `{}` from `labels:`; forge-spec sets it",
                        label.value
                    )),
                );
            }
        }
        let keep_firing_for = a.keep_firing_for.as_ref().and_then(|k| self.duration(k));
        if let Some(g) = &a.group {
            self.group_ref(g, groups);
        }
        Alert {
            name,
            severity: a.severity,
            when,
            for_,
            slo: a.slo,
            summary: a.summary,
            description: a.description,
            runbook: a.runbook,
            dashboard: a.dashboard,
            labels: a.labels.0,
            annotations: self.annotations(a.annotations),
            keep_firing_for,
            group: a.group,
        }
    }

    /// Free-form labels (of SLOs, SLO alerts, records): valid names, and never one
    /// forge-spec sets itself.
    fn free_labels(&mut self, labels: Map<S>, what: &str) -> Vec<(S, S)> {
        for (label, _) in &labels.0 {
            self.label_name(label, what);
            if matches!(
                label.value.as_str(),
                "severity" | "slo" | "service" | "alertname"
            ) {
                self.invalid(
                    label.span,
                    format!("forge-spec sets the label `{}` itself", label.value),
                    "remove it from `labels:`",
                );
            }
        }
        labels.0
    }

    /// Free-form annotations: valid names, never one that has its own field.
    fn annotations(&mut self, annotations: Map<S>) -> Vec<(S, S)> {
        for (key, _) in &annotations.0 {
            self.label_name(key, "annotation");
            let own = match key.value.as_str() {
                "summary" => Some("summary:"),
                "description" => Some("description:"),
                "runbook_url" => Some("runbook:"),
                "dashboard_url" => Some("dashboard:"),
                _ => None,
            };
            if let Some(field) = own {
                self.invalid(
                    key.span,
                    format!("the annotation `{}` comes from `{field}`", key.value),
                    &format!("write it as `{field}` instead"),
                );
            }
        }
        annotations.0
    }

    /// A `group:` reference: a group of `groups:`.
    fn group_ref(&mut self, g: &S, groups: &BTreeSet<&str>) {
        if !groups.contains(g.value.as_str()) {
            let d = Diagnostic::new(
                &p::INVALID_VALUE,
                g.span,
                format!("no rule group `{}`", g.value),
            )
            .label("not in `groups:`");
            let d = d.suggest(
                &g.value,
                groups.iter().copied(),
                "declare it under `groups:` (with its `interval:`), or remove `group:`",
            );
            self.out.push(d);
        }
    }

    /// A recording rule of one's own: its name's shape, its expression (typed like a
    /// query), its labels and group.
    fn record(
        &mut self,
        name: S,
        rec: syntax::Record,
        cat: &Catalog,
        groups: &BTreeSet<&str>,
    ) -> Record {
        self.allow(&name, &rec.allow);
        let expr = match (rec.query, rec.expr) {
            (Some(q), None) => self.record_expr(q, cat, false),
            (None, Some(e)) => self.record_expr(e, cat, true),
            (Some(q), Some(e)) => {
                self.out.push(
                    Diagnostic::new(
                        &p::INVALID_VALUE,
                        e.span,
                        format!("record `{}` has both `query:` and `expr:`", name.value),
                    )
                    .label("second expression")
                    .secondary(q.span, "first expression")
                    .help("keep one: `query:` in the condition language, or raw PromQL in `expr:`"),
                );
                self.record_expr(q, cat, false)
            }
            (None, None) => {
                self.out.push(
                    Diagnostic::new(
                        &p::MISSING_KEY,
                        name.span,
                        format!("record `{}` has no expression", name.value),
                    )
                    .label("no `query:` or `expr:`")
                    .help("add `query: sum by (job) (rate(requests_total))`"),
                );
                None
            }
        };
        if let Some(g) = &rec.group {
            self.group_ref(g, groups);
        }
        Record {
            labels: self.free_labels(rec.labels, "record label"),
            name,
            expr,
            group: rec.group,
        }
    }

    fn record_expr(&mut self, text: S, cat: &Catalog, raw: bool) -> Option<AlertExpr> {
        let (e, for_) = self.condition(text, cat, raw);
        if let (Some(e), Some(_)) = (&e, for_) {
            self.invalid(
                e.text.span,
                "a recording rule has no `for`".into(),
                "remove `for ...`: a record is computed at every evaluation",
            );
        }
        e
    }

    /// Checks a reference to a receiver. An unknown name close to a known one is
    /// reported and then taken as that one for the rest of the checks, so a typo is one
    /// error, not also a failed routing test and an unused receiver.
    fn receiver_ref(&mut self, r: S, known: &[String]) -> S {
        // In an organisation, `service/receiver` names another service's receiver: the
        // organisation checks it (the other service may not be compiled in this run).
        if known.contains(&r.value) || (self.org && r.value.contains('/')) {
            return r;
        }
        let d = Diagnostic::new(
            &n::UNKNOWN_RECEIVER,
            r.span,
            format!("unknown receiver `{}`", r.value),
        )
        .unresolved(&r.value)
        .label("not in `receivers:`");
        let assumed = did_you_mean(&r.value, known.iter().map(String::as_str));
        let d = match assumed {
            Some(s) => d
                .did_you_mean(s)
                .note(format!("the other checks take it as `{s}`")),
            None if known.is_empty() => d.help("define it under `receivers:`"),
            None => d.help(format!("receivers: {}", known.join(", "))),
        };
        self.out.push(d);
        match assumed {
            Some(s) => S::new(s.to_string(), r.span),
            None => r,
        }
    }

    fn route(&mut self, r: syntax::Route, span: Span, known: &[String]) -> Route {
        let receiver = r.receiver.map(|rc| self.receiver_ref(rc, known));
        let mut matchers: Vec<RouteMatcher> = r
            .match_
            .0
            .into_iter()
            .map(|(label, value)| RouteMatcher {
                label,
                value,
                regex: false,
            })
            .collect();
        matchers.extend(r.match_re.0.into_iter().map(|(label, value)| RouteMatcher {
            label,
            value,
            regex: true,
        }));
        for m in &matchers {
            self.label_name(&m.label, "route matcher");
            if m.regex
                && let Some(why) = expr::re2::refusal(&m.value.value)
            {
                self.out.push(
                    Diagnostic::new(
                        &x::INVALID_REGEX,
                        m.value.span,
                        format!("Alertmanager would refuse the regex of `{}`: {why}", m.label.value),
                    )
                    .label("not an RE2 regex")
                    .help("write it in RE2 syntax (Go's `regexp`): no look-around or back-references, repetitions up to 1000"),
                );
            }
        }
        let group_by = r.group_by.as_deref().unwrap_or(&[]);
        for (i, g) in group_by.iter().enumerate() {
            if g.value != "..." {
                self.label_name(g, "`group_by` label");
            } else if group_by.len() > 1 {
                self.invalid(
                    g.span,
                    "`...` (group by every label) cannot be listed with other labels".into(),
                    "keep `...` alone, or list the labels",
                );
            }
            if let Some(first) = group_by[..i].iter().find(|x| x.value == g.value) {
                self.out.push(
                    Diagnostic::new(
                        &n::DUPLICATE_DEFINITION,
                        g.span,
                        format!(
                            "`{}` is listed twice in `group_by`; Alertmanager refuses that",
                            g.value
                        ),
                    )
                    .label("second time")
                    .secondary(first.span, "first time")
                    .help("list each label once"),
                );
            }
        }
        let span = matchers
            .first()
            .map_or(receiver.as_ref().map_or(span, |x| x.span), |m| m.label.span);
        Route {
            span,
            matchers,
            // `group_wait: 0s` sends a group's first notification at once; the others
            // must be positive (Alertmanager refuses a zero interval).
            group_wait: r
                .group_wait
                .as_ref()
                .and_then(|d| self.duration_from(d, true)),
            group_interval: r.group_interval.as_ref().and_then(|d| self.duration(d)),
            repeat_interval: r.repeat_interval.as_ref().and_then(|d| self.duration(d)),
            receiver,
            continue_: r.continue_.is_some_and(|c| c.value),
            group_by: r.group_by,
            routes: r
                .routes
                .into_iter()
                .map(|c| self.route(c, span, known))
                .collect(),
        }
    }

    fn routing(&mut self, mut rt: syntax::Routing, known: &[String]) -> Routing {
        let span = rt.receiver.span;
        let root = self.route(
            syntax::Route {
                match_: Map::default(),
                match_re: Map::default(),
                receiver: Some(rt.receiver),
                continue_: None,
                group_by: Some(rt.group_by),
                group_wait: rt.group_wait,
                group_interval: rt.group_interval,
                repeat_interval: rt.repeat_interval,
                routes: rt.routes,
            },
            span,
            known,
        );
        for t in &mut rt.tests {
            t.expect = std::mem::take(&mut t.expect)
                .into_iter()
                .map(|e| self.receiver_ref(e, known))
                .collect();
        }
        let (severities, severities_span) = match rt.severities {
            Some(s) => (s.value.into_iter().map(|v| v.value).collect(), Some(s.span)),
            None => (
                DEFAULT_SEVERITIES
                    .iter()
                    .map(|s| (*s).to_string())
                    .collect(),
                None,
            ),
        };
        for i in &rt.inhibit {
            for (label, _) in i.source.0.iter().chain(&i.target.0) {
                self.label_name(label, "inhibit matcher");
            }
            for e in &i.equal {
                self.label_name(e, "inhibit `equal` label");
            }
        }
        Routing {
            root,
            inhibit: rt
                .inhibit
                .into_iter()
                .map(|i| Inhibit {
                    span: i.source.0.first().map_or(span, |s| s.0.span),
                    source: i.source.0,
                    target: i.target.0,
                    equal: i.equal,
                })
                .collect(),
            tests: rt
                .tests
                .into_iter()
                .map(|t| RouteTest {
                    labels: t.labels.0,
                    expect: t.expect,
                })
                .collect(),
            severities,
            severities_span,
        }
    }

    fn query(&mut self, text: S, raw: bool, cat: &Catalog) -> Query {
        let map = SourceMap::new(self.sources, text.span, &text.value);
        if raw {
            let checked = expr::promql::check(&text.value, cat, map);
            self.out.extend(checked.diagnostics);
            let promql = text.value.trim().to_string();
            return Query {
                text,
                raw,
                expr: None,
                ty: unlabelled(checked.ty),
                promql,
                metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
            };
        }
        match self
            .memo
            .as_ref()
            .map_or_else(|| expr::parse_query(&text.value), |m| m.query(&text.value))
        {
            Ok(e) => {
                let checked = expr::check(&e, cat, map);
                self.out.extend(checked.diagnostics);
                let promql = expr::lower(
                    &e,
                    &expr::Lowering {
                        catalog: cat,
                        range: RangeMode::Grafana,
                        scale: 1,
                    },
                );
                Query {
                    text,
                    raw,
                    ty: unlabelled(checked.ty),
                    expr: Some(e),
                    promql,
                    metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
                }
            }
            Err(e) => {
                self.syntax(map, &e, "a query such as `rate(http_requests_total)`");
                Query {
                    text,
                    raw,
                    expr: None,
                    ty: None,
                    promql: String::new(),
                    metrics: Vec::new(),
                }
            }
        }
    }

    fn dashboard(&mut self, uid: S, d: syntax::Dashboard, cat: &Catalog) -> Dashboard {
        let panels = d
            .panels
            .into_iter()
            .map(|pn| {
                let span = pn.title.as_ref().map_or(uid.span, |t| t.span);
                if let Some(t) = &pn.title {
                    self.allow(t, &pn.allow);
                }
                let queries = self.about(span, |r| {
                    let mut queries: Vec<Query> = Vec::new();
                    for q in pn.query.into_iter().chain(pn.queries) {
                        queries.push(r.query(q, false, cat));
                    }
                    if let Some(e) = pn.expr {
                        queries.push(r.query(e, true, cat));
                    }
                    queries
                });
                Panel {
                    span,
                    title: pn.title,
                    description: pn.description,
                    queries,
                    unit: pn.unit,
                    kind: pn.kind,
                }
            })
            .collect();
        Dashboard {
            uid,
            title: d.title,
            description: d.description,
            tags: d.tags,
            panels,
        }
    }

    fn logs(&mut self, l: syntax::Logs) -> Logs {
        let events = l
            .events
            .0
            .into_iter()
            .map(|(name, ev)| {
                self.allow(&name, &ev.allow);
                LogEvent {
                    fields: ev
                        .fields
                        .0
                        .into_iter()
                        .map(|(fname, spec)| LogField {
                            kind: spec.value.kind().to_string(),
                            kind_span: spec.span,
                            redacted: spec.value.redacted(),
                            name: fname,
                        })
                        .collect(),
                    name,
                    level: ev.level,
                    message: ev.message,
                }
            })
            .collect();
        Logs {
            level: l.level,
            format: l.format,
            handlers: l.handlers,
            events,
        }
    }
}

/// `api_latency` → `ApiLatency`.
/// A panel query's type without its label set: nothing reads a panel's labels, and
/// keeping one per query costs megabytes at scale.
fn unlabelled(ty: Option<expr::Ty>) -> Option<expr::Ty> {
    ty.map(|mut t| {
        t.labels = None;
        t
    })
}

/// A calendar period (`month`, `calendar_week`…), and the rolling window of about its
/// length (in days) to suggest.
fn calendar_window(text: &str) -> Option<(&'static str, u64)> {
    let t = text.trim().to_ascii_lowercase();
    let t = t
        .trim_start_matches("calendar")
        .trim_start_matches(['_', '-', ' ']);
    match t {
        "week" | "weekly" => Some(("7d", 7)),
        "month" | "monthly" => Some(("30d", 30)),
        "quarter" | "quarterly" => Some(("90d", 90)),
        "year" | "yearly" => Some(("365d", 365)),
        _ => None,
    }
}

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
