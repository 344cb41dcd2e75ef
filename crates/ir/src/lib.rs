//! Stage 2, resolve: the typed, merged model every check and backend reads. Names are
//! resolved, expressions parsed, type-checked and lowered; every node keeps its span.
//!
//! The surface: [`resolve`] and the [`Model`] it builds; `names` (every name two
//! outputs share: recording rules, windows, uids, paths, notification texts), `slo`
//! (burn-rate windows and thresholds), `routing` (the route tree's simulator, which
//! amtool agrees with), `integrations` (the receiver integrations table), `org`
//! (an organisation's teams and units) and `deploy` (Kubernetes and Mimir names). The
//! resolver itself is private.

#![forbid(unsafe_code)]

pub mod deploy;
pub mod names;
mod receiver;

pub use forge_spec_syntax::closed;
/// A period of a named time interval, as the spec writes it (checked by the resolver).
pub use forge_spec_syntax::{TimeInterval, TimeRange};
pub use receiver::Receiver;
/// The receiver integrations, declared once (see `forge_spec_syntax::integrations`).
pub mod integrations {
    pub use super::receiver::*;
}

/// The alert severities allowed when `routing.severities` does not say.
pub const DEFAULT_SEVERITIES: &[&str] = &["critical", "warning", "info"];
pub mod org;
mod resolve;
pub mod routing;
pub mod slo;

pub use resolve::{camel, resolve};

use forge_spec_base::source::Span;
use forge_spec_base::source::Spanned;
use forge_spec_expr::{
    self as expr, Catalog, Condition, Duration, MetricKind, SourceMap, Ty, Unit,
};

pub type S = Spanned<String>;

/// The whole resolved spec.
#[derive(Debug)]
pub struct Model {
    /// How the spec was named on the command line (`spec`), for generated headers.
    pub spec_name: String,
    pub service: Service,
    pub default_range: Duration,
    pub scrape_interval: Duration,
    pub catalog: Catalog,
    pub targets: Vec<Target>,
    pub metrics: Vec<Metric>,
    pub slos: Vec<Slo>,
    pub alerts: Vec<Alert>,
    pub records: Vec<Record>,
    pub groups: Vec<RuleGroup>,
    pub routing: Option<Routing>,
    pub receivers: Vec<Receiver>,
    pub dashboards: Vec<Dashboard>,
    pub logs: Logs,
    /// `lints:` as written: rule code or name, severity (resolved by the rule catalogue).
    pub lints: Vec<(S, S)>,
    /// Per-item silences from `allow:`: the item's span, the code, the reason.
    pub allows: Vec<Allowed>,
    /// Every emitted duration is divided by this (`build --time-scale`); 1 normally.
    pub time_scale: u64,
    /// Name → position lookups, so checks and backends stay linear at scale.
    pub index: Index,
    /// A service of an organisation (`services/<name>/`): its files go under per-service
    /// paths, and the organisation writes the Alertmanager, scrape and compose files.
    pub in_org: bool,
    /// The organisation's own inhibit rules (its root `routing:`), which act on this
    /// service's alerts too.
    pub org_inhibit: Vec<Inhibit>,
    /// The engines the spec is compiled for (`outputs:`).
    pub outputs: deploy::Outputs,
}

/// How a spec is resolved: alone, or as one service of an organisation.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    /// Every emitted duration is divided by this (`build --time-scale`); 0 and 1 keep.
    pub time_scale: u64,
    /// In an organisation: the names of its own receivers, which the service's routes
    /// may send to (as to `service/receiver` of another service, which the
    /// organisation checks). `None` for a spec alone.
    pub org_receivers: Option<Vec<String>>,
    /// In an organisation: its root inhibit rules.
    pub org_inhibit: Vec<Inhibit>,
    /// Expressions read by earlier compilations (the language server's), or `None`.
    pub expressions: Option<std::sync::Arc<expr::Memo>>,
}

/// Positions of named items, and the first panel showing each metric.
#[derive(Debug, Default)]
pub struct Index {
    pub metrics: std::collections::HashMap<String, usize>,
    pub slos: std::collections::HashMap<String, usize>,
    pub dashboards: std::collections::HashMap<String, usize>,
    /// Metric → `uid#title` of the first panel reading it.
    pub panels: std::collections::HashMap<String, String>,
}

impl Index {
    pub fn build(metrics: &[Metric], slos: &[Slo], dashboards: &[Dashboard]) -> Index {
        let mut panels = std::collections::HashMap::new();
        for d in dashboards {
            for p in &d.panels {
                let Some(title) = &p.title else { continue };
                for metric in p.queries.iter().flat_map(|q| &q.metrics) {
                    panels
                        .entry(metric.clone())
                        .or_insert_with(|| format!("{}#{}", d.uid.value, title.value));
                }
            }
        }
        Index {
            metrics: metrics
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name.value.clone(), i))
                .collect(),
            slos: slos
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.value.clone(), i))
                .collect(),
            dashboards: dashboards
                .iter()
                .enumerate()
                .map(|(i, d)| (d.uid.value.clone(), i))
                .collect(),
            panels,
        }
    }
}

#[derive(Debug)]
pub struct Allowed {
    /// The whole item the allow belongs to (diagnostics inside it are silenced).
    pub item: S,
    /// The rule code or name as written (resolved by the rule catalogue).
    pub rule: S,
}

#[derive(Debug)]
pub struct Service {
    pub name: S,
    /// The owning team (`service.team`), the `team` label of every alert.
    pub team: Option<S>,
    /// Which of `service` and `team` forge-spec puts on the alerts (`service.alert_labels`).
    pub alert_labels: AlertLabels,
    pub metric_prefix: Option<S>,
    pub grafana_url: Option<S>,
    pub runbook_base_url: Option<S>,
    pub alertmanager: String,
}

/// The labels forge-spec may put on a service's alerts (`service.alert_labels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertLabels {
    pub service: bool,
    pub team: bool,
}

impl Default for AlertLabels {
    fn default() -> Self {
        AlertLabels {
            service: true,
            team: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Target {
    pub name: S,
    /// What Prometheus scrapes, or (probed) the URL blackbox_exporter probes.
    pub address: S,
    pub metrics_path: String,
    pub probe: Option<Probe>,
    /// The catalogues it exports (`own`, `process`…, and `scrape` or
    /// `blackbox_exporter`).
    pub uses: Vec<String>,
    /// How the Kubernetes output finds it.
    pub kubernetes: deploy::TargetKubernetes,
    /// Labels discovery puts on every series it exports (`targets.<t>.labels`).
    pub labels: Vec<S>,
}

/// A blackbox_exporter probe of a target.
#[derive(Debug, Clone)]
pub struct Probe {
    pub module: String,
    /// `host:port` of the blackbox_exporter.
    pub exporter: String,
}

#[derive(Debug)]
pub struct Metric {
    pub name: S,
    pub kind: MetricKind,
    pub kind_span: Span,
    pub help: Option<S>,
    pub unit: Unit,
    pub unit_text: Option<S>,
    pub labels: Vec<Label>,
    pub buckets: Vec<Spanned<f64>>,
    pub buckets_span: Option<Span>,
    pub standard: bool,
    pub provided_by: Option<S>,
    /// The targets that export it (from their `uses:`).
    pub exporters: Vec<String>,
    /// Declared by an exporter catalogue shipped with forge-spec, not by the spec: the
    /// metric rules (naming, label bounds, cardinality) do not apply to it.
    pub catalog: bool,
    /// Gets an absent-data alert when an SLO or an alert reads it (`absent: {alert:
    /// false}` turns it off).
    pub absent_alert: bool,
}

impl Model {
    /// The spec's own metrics that an SLO or an alert reads, each with the names of
    /// what reads it: the metrics that get an absent-data alert (unless opted out).
    /// Exporter catalogues' and third parties' (`provided_by:`) metrics are left out:
    /// they go with their target, whose `up` alerts say when it is gone.
    pub fn watched_metrics(&self) -> Vec<(&Metric, Vec<String>)> {
        let mut readers: std::collections::BTreeMap<&str, Vec<String>> =
            std::collections::BTreeMap::new();
        for s in &self.slos {
            let metrics = match &s.sli {
                Sli::Ratio { errors, total, .. } => vec![errors.metric(), total.metric()],
                Sli::Latency { metric, .. } => vec![metric.metric()],
                Sli::Uptime { .. } => Vec::new(),
                Sli::Timeslice { good, .. } => {
                    good.metrics.iter().map(|m| Some(m.as_str())).collect()
                }
            };
            for mt in metrics.into_iter().flatten() {
                readers
                    .entry(mt)
                    .or_default()
                    .push(format!("SLO {}", s.name.value));
            }
        }
        let mut named: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
        for a in &self.alerts {
            for mt in a.when.iter().flat_map(|w| &w.metrics) {
                // Alerts of one name (a warning and a critical) are one reader.
                if named.insert((mt.as_str(), a.alertname.value.as_str())) {
                    readers
                        .entry(mt)
                        .or_default()
                        .push(a.alertname.value.clone());
                }
            }
        }
        readers
            .into_iter()
            .filter_map(|(name, mut by)| {
                let mt = self.metric(name)?;
                by.dedup();
                (!mt.catalog && mt.own() && mt.absent_alert && !mt.exporters.is_empty())
                    .then_some((mt, by))
            })
            .collect()
    }
}

impl Metric {
    /// Exported by the service's own code (not a client collector or an exporter).
    pub fn own(&self) -> bool {
        self.provided_by.is_none()
    }
}

#[derive(Debug)]
pub struct Label {
    pub name: S,
    pub values: Option<Vec<S>>,
    pub max_values: Option<Spanned<u64>>,
}

#[derive(Debug)]
pub struct Slo {
    pub name: S,
    /// Target as a fraction, e.g. 0.999.
    pub objective: f64,
    pub objective_span: Span,
    /// The compliance period (a calendar period's nominal length: 30 days a month).
    pub period: Duration,
    pub period_span: Option<Span>,
    /// A budget that resets at the start of each calendar period (`None`: rolling).
    pub calendar: Option<slo::Calendar>,
    pub description: Option<S>,
    pub sli: Sli,
    pub page_severity: String,
    pub ticket_severity: String,
    pub alerting_disabled: bool,
    /// CamelCase prefix of the generated burn-rate alerts.
    pub alert_name: String,
    pub runbook: Option<S>,
    /// Labels on every rule of the SLO.
    pub labels: Vec<(S, S)>,
    /// Extra labels and annotations of the burn-rate alerts.
    pub alert_labels: Vec<(S, S)>,
    pub alert_annotations: Vec<(S, S)>,
    /// The burn-rate alerts' summary, when the spec writes it.
    pub alert_summary: Option<S>,
    /// Labels of the page alert alone, then of the ticket alert alone.
    pub page_labels: Vec<(S, S)>,
    pub ticket_labels: Vec<(S, S)>,
    /// Labels kept through every rule: one budget and one set of alerts per value.
    pub group_by: Vec<S>,
    /// `compat: sloth`: Sloth's labels and window names.
    pub sloth: bool,
    /// The burn-rate alert policy: the SLO's own windows, the service's, or the SRE
    /// workbook's.
    pub windows: Vec<slo::BurnWindow>,
    /// Low-traffic guard: the events a burn-rate alert's long window must hold (0: none).
    pub min_events: u64,
    /// Where `min_events` was written (`None`: the default).
    pub min_events_span: Option<Span>,
    pub expected_events_per_day: Option<Spanned<f64>>,
}

impl Slo {
    /// Whether the indicator counts events (requests, jobs), not scrapes of a target.
    pub fn counts_events(&self) -> bool {
        !matches!(self.sli, Sli::Uptime { .. } | Sli::Timeslice { .. })
    }
}

#[derive(Debug)]
pub enum Sli {
    /// Error ratio = errors / total (both counter selectors, PromQL text).
    Ratio {
        errors: SliSelector,
        total: SliSelector,
        /// True when written as `good:`; then errors = total − good.
        good: bool,
    },
    /// Share of requests slower than `below`.
    Latency {
        metric: SliSelector,
        below: f64,
        below_span: Span,
    },
    /// Share of scrapes where the target was down.
    Uptime { target: S },
    /// Share of time slices in which a condition did not hold throughout.
    Timeslice {
        /// The condition of a good slice, lowered to PromQL (a filter: series when good).
        good: Box<AlertExpr>,
        slice: Duration,
    },
}

#[derive(Debug)]
pub struct SliSelector {
    pub text: S,
    pub selector: Option<expr::ast::Selector>,
}

impl SliSelector {
    pub fn metric(&self) -> Option<&str> {
        self.selector.as_ref().map(|s| s.metric.as_str())
    }
}

#[derive(Debug)]
pub struct Alert {
    /// Its key in the spec.
    pub name: S,
    /// The name Prometheus gives it (`alertname:`, else the key); alerts may share one.
    pub alertname: S,
    pub severity: S,
    pub when: Option<AlertExpr>,
    pub for_: Option<Spanned<Duration>>,
    pub slo: Option<S>,
    pub summary: Option<S>,
    pub description: Option<S>,
    pub runbook: Option<S>,
    pub dashboard: Option<S>,
    pub labels: Vec<(S, S)>,
    /// Free-form annotations (never `summary`, `description`, `runbook_url`,
    /// `dashboard_url`, which come from their own fields).
    pub annotations: Vec<(S, S)>,
    pub keep_firing_for: Option<Spanned<Duration>>,
    /// The rule group (of `groups:`) it is evaluated in; None: the service's alerts group.
    pub group: Option<S>,
}

/// A recording rule of one's own.
#[derive(Debug)]
pub struct Record {
    /// Its key in the spec.
    pub name: S,
    /// The series it records, `level:metric:operations` (`record:`, else the key).
    pub series: S,
    pub expr: Option<AlertExpr>,
    pub labels: Vec<(S, S)>,
    pub group: Option<S>,
}

/// A rule group of one's own.
#[derive(Debug)]
pub struct RuleGroup {
    pub name: S,
    pub interval: Option<Spanned<Duration>>,
    pub limit: Option<u32>,
    /// Mimir federated rule group: the tenants it reads from.
    pub source_tenants: Vec<S>,
}

/// An alert condition, parsed and lowered.
#[derive(Debug)]
pub struct AlertExpr {
    pub text: S,
    pub map: SourceMap,
    /// Parsed condition (None for raw PromQL).
    pub condition: Option<Condition>,
    pub ty: Option<Ty>,
    pub promql: String,
    pub metrics: Vec<String>,
    pub targets: Vec<String>,
    /// Metric → the job its selector is narrowed to (`job="x"`).
    pub jobs: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Routing {
    pub root: Route,
    pub inhibit: Vec<Inhibit>,
    pub tests: Vec<RouteTest>,
    pub severities: Vec<String>,
    pub severities_span: Option<Span>,
    /// Named time intervals, as the spec writes them (checked).
    pub time_intervals: Vec<(S, Vec<TimeInterval>)>,
    /// Notification template files Alertmanager loads (absolute paths, globs).
    pub templates: Vec<S>,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub span: Span,
    pub matchers: Vec<RouteMatcher>,
    pub receiver: Option<S>,
    pub continue_: bool,
    pub group_by: Option<Vec<S>>,
    pub group_wait: Option<Spanned<Duration>>,
    pub group_interval: Option<Spanned<Duration>>,
    pub repeat_interval: Option<Spanned<Duration>>,
    pub routes: Vec<Route>,
    /// Names of `routing.time_intervals` in which it notifies no one.
    pub mute_time_intervals: Vec<S>,
    /// Names of `routing.time_intervals` outside which it notifies no one.
    pub active_time_intervals: Vec<S>,
}

impl Route {
    /// The names of the time intervals it mutes in, then of those it is active in.
    pub fn interval_names(&self) -> (Vec<String>, Vec<String>) {
        let names = |v: &[S]| v.iter().map(|x| x.value.clone()).collect();
        (
            names(&self.mute_time_intervals),
            names(&self.active_time_intervals),
        )
    }
}

/// An Alertmanager matcher: `label=value`, `label!=value`, `label=~regex` or
/// `label!~regex` (regexes fully anchored; a missing label's value is empty).
#[derive(Debug, Clone)]
pub struct RouteMatcher {
    pub label: S,
    pub value: S,
    pub regex: bool,
    /// `!=` or `!~`.
    pub negative: bool,
}

impl RouteMatcher {
    /// An equality matcher.
    pub fn eq(label: S, value: S) -> Self {
        RouteMatcher {
            label,
            value,
            regex: false,
            negative: false,
        }
    }

    /// Alertmanager's operator.
    pub fn op(&self) -> &'static str {
        match (self.regex, self.negative) {
            (false, false) => "=",
            (false, true) => "!=",
            (true, false) => "=~",
            (true, true) => "!~",
        }
    }

    /// Its regex, fully anchored as Alertmanager anchors it (None: not a regex matcher,
    /// or one that does not compile).
    pub fn anchored(&self) -> Option<regex::Regex> {
        self.regex
            .then(|| regex::Regex::new(&format!("^(?:{})$", self.value.value)).ok())
            .flatten()
    }

    /// Whether a label's value (empty when the alert lacks the label) passes, with
    /// `re` its [`anchored`](Self::anchored) regex, compiled once by the caller. A regex
    /// that does not compile matches nothing.
    pub fn accepts(&self, value: &str, re: Option<&regex::Regex>) -> bool {
        let hit = if self.regex {
            re.is_some_and(|r| r.is_match(value))
        } else {
            value == self.value.value
        };
        hit != self.negative
    }

    /// An equality matcher (`label=value`): what selects one value alone.
    pub fn is_equality(&self) -> bool {
        !self.regex && !self.negative
    }
}

#[derive(Debug, Clone)]
pub struct Inhibit {
    pub span: Span,
    pub source: Vec<RouteMatcher>,
    pub target: Vec<RouteMatcher>,
    pub equal: Vec<S>,
}

#[derive(Debug)]
pub struct RouteTest {
    pub labels: Vec<(S, S)>,
    pub expect: Vec<S>,
}

#[derive(Debug)]
pub struct Dashboard {
    pub uid: S,
    pub title: S,
    pub description: Option<S>,
    pub tags: Vec<S>,
    pub panels: Vec<Panel>,
}

#[derive(Debug)]
pub struct Panel {
    pub span: Span,
    pub title: Option<S>,
    pub description: Option<S>,
    pub queries: Vec<Query>,
    pub unit: Option<S>,
    pub kind: Option<S>,
}

#[derive(Debug)]
pub struct Query {
    pub text: S,
    pub raw: bool,
    pub expr: Option<expr::Expr>,
    pub ty: Option<Ty>,
    /// PromQL with Grafana's `$__rate_interval`.
    pub promql: String,
    pub metrics: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Logs {
    pub level: Option<S>,
    pub format: Option<S>,
    pub handlers: Vec<S>,
    pub events: Vec<LogEvent>,
}

#[derive(Debug)]
pub struct LogEvent {
    pub name: S,
    pub level: S,
    pub message: Option<S>,
    pub fields: Vec<LogField>,
}

#[derive(Debug)]
pub struct LogField {
    pub name: S,
    pub kind: String,
    pub kind_span: Span,
    pub redacted: bool,
}

impl Model {
    /// The metrics the spec declares itself (not those of exporter catalogues): what
    /// the metric rules check.
    pub fn declared_metrics(&self) -> impl Iterator<Item = &Metric> {
        self.metrics.iter().filter(|m| !m.catalog)
    }

    /// The metrics whose names the team chose: declared in the spec, neither a
    /// catalogue's nor a third party's (`provided_by:` a client library or an
    /// exporter). The naming rules judge these alone.
    pub fn named_by_team(&self) -> impl Iterator<Item = &Metric> {
        self.declared_metrics().filter(|m| m.own())
    }

    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.index
            .metrics
            .get(name)
            .and_then(|i| self.metrics.get(*i))
    }
    pub fn slo(&self, name: &str) -> Option<&Slo> {
        self.index.slos.get(name).and_then(|i| self.slos.get(*i))
    }
    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name.value == name)
    }
    pub fn dashboard(&self, uid: &str) -> Option<&Dashboard> {
        self.index
            .dashboards
            .get(uid)
            .and_then(|i| self.dashboards.get(*i))
    }
}

impl Model {
    /// A duration as emitted: divided by the time scale, at least 1 ms (zero stays
    /// zero: `group_wait: 0s`).
    pub fn scaled(&self, d: Duration) -> Duration {
        Duration {
            ms: (d.ms / self.time_scale.max(1)).max(u64::from(d.ms > 0)),
        }
    }

    /// A runbook as a URL: URLs as written, repository paths joined to `runbook_base_url`.
    pub fn runbook_url(&self, runbook: &str) -> String {
        if runbook.contains("://") {
            return runbook.to_string();
        }
        match &self.service.runbook_base_url {
            Some(base) => format!(
                "{}/{}",
                base.value.trim_end_matches('/'),
                runbook.trim_start_matches("./").trim_start_matches('/')
            ),
            None => runbook.to_string(),
        }
    }

    /// The Grafana id of a panel: its position in the dashboard, from 1.
    pub fn panel_id(dashboard: &Dashboard, title: &str) -> Option<usize> {
        dashboard
            .panels
            .iter()
            .position(|p| p.title.as_ref().is_some_and(|t| t.value == title))
            .map(|i| i + 1)
    }

    /// The first panel (as `uid#title`) whose queries read one of these metrics: where an
    /// alert without `dashboard:` links to.
    pub fn panel_showing(&self, metrics: &[String]) -> Option<String> {
        metrics
            .iter()
            .find_map(|m| self.index.panels.get(m).cloned())
    }

    /// `uid` or `uid#panel title` as a Grafana URL (`/d/<uid>?viewPanel=<id>`); in an
    /// organisation, `service/uid` is another service's dashboard (its uid is unique in
    /// the organisation; its panels' ids are not known here).
    pub fn dashboard_url(&self, reference: &str) -> Option<String> {
        let (uid, panel) = reference
            .split_once('#')
            .map_or((reference, None), |(u, p)| (u, Some(p)));
        let base = self
            .service
            .grafana_url
            .as_ref()
            .map_or("", |g| g.value.trim_end_matches('/'));
        if let Some((_, uid)) = uid.split_once('/').filter(|_| self.in_org) {
            return Some(format!("{base}/d/{uid}"));
        }
        let d = self.dashboard(uid)?;
        let mut url = format!("{base}/d/{}", d.uid.value);
        if let Some(p) = panel {
            url.push_str(&format!("?viewPanel={}", Self::panel_id(d, p)?));
        }
        Some(url)
    }
}
