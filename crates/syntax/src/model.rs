//! Stage 1, parse: the serde structs of the spec. Every user-visible value is
//! `Spanned`; unknown keys are refused. The JSON Schema (`forge-spec schema`) is
//! derived from these structs, so their doc comments are the editor's hover text.

use super::spanned::{Map, Quantity, Spanned};
use crate::integrations::Receiver;
use schemars::JsonSchema;
use serde::Deserialize;

type S = Spanned<String>;

/// One spec file. Several files are merged; each section may appear in any file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "forge-spec")]
pub struct SpecFile {
    /// Names of the definitions the parser's error recovery dropped (not part of the
    /// format): references to them are consequences of the parse error.
    #[serde(skip)]
    #[schemars(skip)]
    pub failed: Vec<String>,
    /// Format version of the spec; only `1` exists.
    pub version: Option<Spanned<u32>>,
    /// The service the spec describes.
    pub service: Option<Service>,
    /// Defaults for expressions (the range window of `rate`, `increase`, quantiles).
    pub defaults: Option<Defaults>,
    /// Scrape targets: each becomes a Prometheus scrape job and `up(target)`.
    #[serde(default)]
    pub targets: Map<Target>,
    /// The metric catalogue.
    #[serde(default)]
    pub metrics: Map<Metric>,
    /// Service level objectives.
    #[serde(default)]
    pub slos: Map<Slo>,
    /// Explicit alerts, by CamelCase name.
    #[serde(default)]
    pub alerts: Map<Alert>,
    /// Recording rules of one's own, by `level:metric:operations` name: each is a typed
    /// series later conditions, panels and records may read.
    #[serde(default)]
    pub records: Map<Record>,
    /// Rule groups of one's own (evaluation interval, alert limit); alerts and records
    /// join one with `group:`.
    #[serde(default)]
    pub groups: Map<RuleGroup>,
    /// The Alertmanager route tree.
    pub routing: Option<Routing>,
    /// Alertmanager receivers, by name.
    #[serde(default)]
    pub receivers: Map<Receiver>,
    /// Grafana dashboards, by uid.
    #[serde(default)]
    pub dashboards: Map<Dashboard>,
    /// Structured logging: levels, handlers and typed log events.
    pub logs: Option<Logs>,
    /// Severity overrides per rule code or name: `error`, `warning` or `allow`.
    #[serde(default)]
    pub lints: Map<S>,
    /// The teams of an organisation (only in its root files, beside `services/`): who
    /// owns which service, where their alerts go by severity, their rule overrides.
    #[serde(default)]
    pub teams: Map<Team>,
    /// The engines the spec is compiled for: `[prometheus]` (the default),
    /// `kubernetes` (Prometheus Operator resources), `mimir` (also Cortex), `thanos`;
    /// a list of names or a mapping of names to their settings.
    pub outputs: Option<super::outputs::Outputs>,
}

/// A team of an organisation: it owns services (`service.team`), and their alerts
/// reach it through the organisation's Alertmanager tree (team, then severity).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Human description.
    pub description: Option<S>,
    /// The team's default receiver (an organisation receiver); default: the
    /// organisation's root receiver.
    pub receiver: Option<S>,
    /// Severity → receiver (an organisation receiver), e.g. `critical: payments-pager`.
    #[serde(default)]
    pub escalation: Map<S>,
    /// Severity overrides per rule code or name for the team's services; a service's
    /// own `lints:` win over them, they win over the organisation's.
    #[serde(default)]
    pub lints: Map<S>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Service name, used in labels, file names and the generated crate name.
    pub name: S,
    /// Prefix every non-standard metric must start with, e.g. `ai_forge_`.
    pub metric_prefix: Option<S>,
    /// Human description.
    pub description: Option<S>,
    /// Base URL of Grafana, for `dashboard_url` annotations.
    pub grafana_url: Option<S>,
    /// Base URL runbook paths are resolved against (e.g. a repository's web view).
    pub runbook_base_url: Option<S>,
    /// Alertmanager address Prometheus sends alerts to (default `alertmanager:9093`).
    pub alertmanager: Option<S>,
    /// The team that owns the service (a name under the organisation's `teams:`); every
    /// alert of the service carries it as the `team` label.
    pub team: Option<S>,
    /// The labels forge-spec puts on every alert of the service: `service` (its name)
    /// and `team` (with `team:`); default both. Neither ever replaces a label the
    /// alert's expression carries. `[]` adds none, so the alerts carry what their
    /// expressions and `labels:` give (an imported rule file's, as the source had them).
    /// An organisation routes each service's alerts by `service`: keep it there.
    #[serde(default)]
    #[schemars(schema_with = "crate::closed::alert_labels")]
    pub alert_labels: Option<Spanned<Vec<S>>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Range window of `rate`, `increase` and quantiles when none is given (default `5m`).
    pub range: Option<S>,
    /// Prometheus scrape and rule evaluation interval (default `15s`).
    pub scrape_interval: Option<S>,
    /// The burn-rate alert policy of every SLO without its own (`alerting.windows`);
    /// default: the SRE workbook's (page 1h/5m ×14.4 and 6h/30m ×6, ticket 1d/2h ×3
    /// and 3d/6h ×1 for 30 days).
    #[serde(default)]
    pub burn_windows: Vec<BurnWindowSpec>,
}

/// One window pair of a burn-rate alert policy: alert when the error ratio over both
/// windows exceeds `factor` × the error budget.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BurnWindowSpec {
    /// `page` (the fast-burn alert) or `ticket` (the slow-burn alert).
    #[schemars(schema_with = "crate::closed::urgency")]
    pub urgency: S,
    /// The long window, e.g. `1h`.
    pub long: S,
    /// The short window (shorter than `long`), e.g. `5m`.
    pub short: S,
    /// Burn rate to alert at: how many times faster than sustainable the budget is spent.
    pub factor: Spanned<f64>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// `host:port` Prometheus scrapes (not for a probed target).
    pub address: Option<S>,
    /// HTTP path of the metrics endpoint (default `/metrics`).
    pub metrics_path: Option<S>,
    /// What the target is, for people (shown in the generated docs).
    pub description: Option<S>,
    /// What the target exports: `own` (the service's own metrics) and exporter
    /// catalogues shipped with forge-spec (`process`, `go`, `node_exporter`,
    /// `kube_state_metrics`, `cadvisor`, `blackbox_exporter`, `prometheus`). Default:
    /// `[own]`; every scraped target also exports the `scrape` series.
    pub uses: Option<Vec<S>>,
    /// Probe the target with blackbox_exporter instead of scraping it (a dependency
    /// that exports no metrics): `up(target)` then reads `probe_success`.
    pub probe: Option<Probe>,
    /// How the Kubernetes output finds the target (`ServiceMonitor` selector, port).
    pub kubernetes: Option<super::outputs::TargetKubernetes>,
    /// Labels every series of the target carries from service discovery or
    /// relabelling, whatever the metric (the Prometheus Operator adds `namespace`,
    /// `pod`, `container`, `service` and `endpoint`): selectors and groupings may name
    /// them on any metric it exports. forge-spec does not add them; the discovery does.
    #[serde(default)]
    pub labels: Vec<S>,
}

/// A blackbox_exporter probe.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// The URL (or `host:port` for TCP modules) to probe.
    pub url: S,
    /// blackbox_exporter module (default `http_2xx`).
    pub module: Option<S>,
    /// Address of the blackbox_exporter (default `blackbox-exporter:9115`).
    pub exporter: Option<S>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// `counter`, `gauge`, `histogram` or `summary`.
    #[serde(rename = "type")]
    #[schemars(schema_with = "crate::closed::metric_type")]
    pub kind: S,
    /// Help text (one sentence).
    pub help: Option<S>,
    /// Base unit: `seconds`, `bytes`, `ratio`, `celsius`, `volts`, `amperes`, `joules`, `grams`, `meters`, or `none`.
    #[schemars(schema_with = "crate::closed::unit")]
    #[serde(default)]
    pub unit: Option<S>,
    /// Labels and their value bounds.
    #[serde(default)]
    pub labels: Map<LabelSpec>,
    /// Histogram bucket upper bounds, sorted ascending.
    pub buckets: Option<Spanned<Vec<Spanned<f64>>>>,
    /// A well-known name (Prometheus client or exporter), exempt from `metric_prefix`.
    #[serde(default)]
    pub standard: Option<Spanned<bool>>,
    /// Who exports it when not the service's own code: `client` (the client library's
    /// process/runtime collector) or an exporter's name. A target's name says that
    /// target alone exports it (whatever its `uses:`). Either way the naming rules do not
    /// judge it and it gets no absent-data alert.
    pub provided_by: Option<S>,
    /// Opts out of the absent-data alert forge-spec writes for a metric an SLO or an
    /// alert reads (it fires when the target is up but the metric is gone).
    pub absent: Option<AbsentOptOut>,
    /// Rules silenced for this item, each with a reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

/// `absent: {alert: false, reason: …}`: no absent-data alert for this metric.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsentOptOut {
    /// `false`: no absent-data alert.
    pub alert: Spanned<bool>,
    /// Why the metric may be missing while its target is up (e.g. created on first use).
    pub reason: S,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelSpec {
    /// Closed set of values (becomes a Rust enum).
    pub values: Option<Spanned<Vec<S>>>,
    /// Open set with an upper bound on distinct values.
    pub max_values: Option<Spanned<u64>>,
    /// What the label means, for people (shown in the generated docs and Rust bindings).
    pub description: Option<S>,
}

/// Silences one rule for one item; the reason is mandatory.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// Rule code or name.
    pub rule: S,
    /// Why the rule does not apply here; required, so a silenced finding is always explained.
    pub reason: S,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Target, as a percentage (`99.9%`) or a fraction (`0.999`).
    pub objective: Spanned<Quantity>,
    /// Compliance period: a rolling window, `30d` (default), `28d`, `7d`…, or a calendar
    /// period whose budget resets at its start: `calendar_week` (Monday),
    /// `calendar_month`, `calendar_quarter`.
    pub window: Option<S>,
    /// With a calendar period, the fixed offset from UTC its midnight is in (`+02:00`,
    /// `-05:30`; default `+00:00`). Daylight saving is not followed.
    pub utc_offset: Option<S>,
    /// What the objective promises, in words (dashboards and the generated docs).
    pub description: Option<S>,
    /// The service level indicator.
    pub sli: Sli,
    /// Burn-rate alerting: which severities the page and the ticket carry.
    pub alerting: Option<SloAlerting>,
    /// Labels copied onto every rule of this SLO (recording rules and alerts).
    #[serde(default)]
    pub labels: Map<S>,
    /// `sloth`: Sloth's label set on every rule (`sloth_id`, `sloth_service`,
    /// `sloth_slo`, `sloth_window`, `sloth_severity`), its window names (`4w` for 28
    /// days) and `sloth_slo_info`, so that Sloth's Grafana dashboards work unchanged.
    #[schemars(schema_with = "crate::closed::compat")]
    #[serde(default)]
    pub compat: Option<S>,
    /// Labels of the indicator's series to keep through every rule (Pyrra's
    /// `grouping`): each value has its own budget and burn-rate alerts, which carry it.
    #[serde(default)]
    pub group_by: Vec<S>,
    /// Low-traffic guard: a burn-rate alert fires only when its long window holds at
    /// least this many events (default for event indicators: 10, or more so that one
    /// error alone stays under the fastest page threshold; `0` turns it off).
    pub min_events: Option<Spanned<u64>>,
    /// The events a day the indicator usually sees; with it, a window that would rarely
    /// hold `min_events` is reported (S009).
    pub expected_events_per_day: Option<Spanned<f64>>,
    /// Rules silenced for this SLO, each with a reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

/// Exactly one kind of indicator.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sli {
    /// Bad events (a counter selector), with `total`.
    pub errors: Option<S>,
    /// All events (a counter selector), with `errors`.
    pub total: Option<S>,
    /// Good events (a counter selector), with `total`; errors = total − good.
    pub good: Option<S>,
    /// Share of requests faster than a threshold, from a histogram.
    pub latency: Option<Spanned<LatencySli>>,
    /// Share of time a scrape target is up: `uptime: ai-forge`.
    pub uptime: Option<S>,
    /// Share of good time slices (OpenSLO's timeslices): a slice is good when a
    /// condition held throughout it, e.g. `{good: 'p95(http_request_duration_seconds)
    /// < 500ms', slice: 1m}`.
    pub timeslice: Option<Spanned<TimesliceSli>>,
}

/// A timeslice indicator: the condition of a good slice, and the slice's length.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimesliceSli {
    /// The condition a good slice meets throughout (the condition language, no `for`).
    pub good: S,
    /// The length of a slice (default `1m`).
    pub slice: Option<S>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatencySli {
    /// Histogram metric, optionally with a selector: `h{route!="/health"}`.
    pub metric: S,
    /// Threshold; must be one of the histogram's bucket bounds.
    pub below: S,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SloAlerting {
    /// Severity of the fast-burn (page) alert; default `critical`.
    pub page: Option<S>,
    /// Severity of the slow-burn (ticket) alert; default `warning`.
    pub ticket: Option<S>,
    /// Turns burn-rate alerts off (the SLO is then reported as unalerted unless an alert names it).
    pub disabled: Option<Spanned<bool>>,
    /// Name prefix of the generated alerts (default: CamelCase of the SLO name).
    pub name: Option<S>,
    /// Runbook of the burn-rate alerts: a page of this repository or a URL (under `service.runbook_base_url`).
    pub runbook: Option<S>,
    /// Extra labels on the burn-rate alerts.
    #[serde(default)]
    pub labels: Map<S>,
    /// Extra annotations on the burn-rate alerts.
    #[serde(default)]
    pub annotations: Map<S>,
    /// The burn-rate alerts' summary (default: forge-spec's, or Sloth's with `compat:
    /// sloth`); constant, so that notifications group.
    pub summary: Option<S>,
    /// Labels of the page alert alone (Sloth's `page_alert.labels`: `routing_key`).
    #[serde(default)]
    pub page_labels: Map<S>,
    /// Labels of the ticket alert alone (Sloth's `ticket_alert.labels`: `slack_channel`).
    #[serde(default)]
    pub ticket_labels: Map<S>,
    /// This SLO's burn-rate alert policy (default: `defaults.burn_windows`, else the SRE
    /// workbook's).
    #[serde(default)]
    pub windows: Vec<BurnWindowSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alert {
    /// The name Prometheus gives it (`alertname`; default: its key). Alerts may share
    /// one — a warning and a critical at two thresholds — and routes, inhibit rules and
    /// silences that name it take them all.
    pub alertname: Option<S>,
    /// `critical`, `warning` or `info` (or a configured set).
    #[schemars(schema_with = "crate::closed::severity")]
    pub severity: S,
    /// Condition in the condition language: `p95(h) > 1s for 5m`.
    pub condition: Option<S>,
    /// Raw PromQL, an escape hatch; metric names are still checked.
    pub expr: Option<S>,
    /// Pending duration for `expr:` conditions.
    #[serde(rename = "for")]
    pub for_: Option<S>,
    /// The SLO this alert's threshold is derived from.
    pub slo: Option<S>,
    /// One-sentence summary, not templated.
    pub summary: Option<S>,
    /// Longer description; may use `{{ $value }}` and `{{ $labels.x }}`.
    pub description: Option<S>,
    /// Runbook: a path in this repository or a URL.
    pub runbook: Option<S>,
    /// Dashboard uid (optionally `uid#panel title`) that shows the condition.
    pub dashboard: Option<S>,
    /// Extra labels on the alert.
    #[serde(default)]
    pub labels: Map<S>,
    /// Extra annotations (Go templates, like `description:`).
    #[serde(default)]
    pub annotations: Map<S>,
    /// How long the alert keeps firing after its condition stops holding (Prometheus
    /// `keep_firing_for`).
    pub keep_firing_for: Option<S>,
    /// The rule group (of `groups:`) the alert is evaluated in.
    pub group: Option<S>,
    /// Rules silenced for this alert, each with a reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

/// A recording rule of one's own.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The series it records (default: its key). Records may share one, each adding
    /// its own series (per code class, per label value), as Prometheus allows.
    pub record: Option<S>,
    /// The expression, in the condition language (no `for`).
    pub query: Option<S>,
    /// Raw PromQL instead; checked like `query:`.
    pub expr: Option<S>,
    /// Extra labels on the recorded series.
    #[serde(default)]
    pub labels: Map<S>,
    /// The rule group (of `groups:`) the record is evaluated in.
    pub group: Option<S>,
    /// Rules silenced for this recording rule, each with a reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

/// A rule group's settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    /// Evaluation interval (default: the global `scrape_interval`).
    pub interval: Option<S>,
    /// Most alerts (or series of a record) a rule of the group may produce; beyond it
    /// the rule fails (Prometheus `limit`).
    pub limit: Option<Spanned<u32>>,
    /// Tenants a Mimir ruler reads the group's queries from (a federated rule group);
    /// written only to the `mimir` output, where the ruler needs
    /// `-ruler.tenant-federation.enabled`.
    #[serde(default)]
    pub source_tenants: Vec<S>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    /// Root (default) receiver.
    pub receiver: S,
    /// Labels that group alerts into one notification (Alertmanager `group_by`); `[...]` groups by every label.
    #[serde(default)]
    pub group_by: Vec<S>,
    /// How long to wait for more alerts of a new group before the first notification (default 30s).
    pub group_wait: Option<S>,
    /// How long to wait before notifying about alerts added to a group already notified (default 5m).
    pub group_interval: Option<S>,
    /// How long to wait before repeating a notification that is still firing (default 4h).
    pub repeat_interval: Option<S>,
    /// Child routes, tried in order; the first that matches takes the alert unless it says `continue: true`.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Inhibit rules: while a source alert fires, matching target alerts are not notified.
    #[serde(default)]
    pub inhibit: Vec<Inhibit>,
    /// Routing tests the compiler checks: labels in, expected receivers out.
    #[serde(default)]
    pub tests: Vec<RouteTest>,
    /// Allowed alert severities (default critical, warning, info).
    pub severities: Option<Spanned<Vec<S>>>,
    /// Named time intervals (Alertmanager `time_intervals`) routes mute or are active
    /// in: `{nights: [{times: [{start_time: "20:00", end_time: "24:00"}]}]}`.
    #[serde(default)]
    pub time_intervals: Map<Vec<TimeInterval>>,
    /// Go template files Alertmanager loads, for receivers' `title:`/`text:` that call
    /// `{{ template "name" . }}`: absolute paths where Alertmanager runs, globs allowed
    /// (`[/etc/alertmanager/templates/*.tmpl]`).
    #[serde(default)]
    pub templates: Vec<S>,
}

/// One period of a named time interval: every field given must hold (an empty one
/// holds always).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeInterval {
    /// Times of day, `HH:MM` to `HH:MM` (end exclusive, `24:00` the day's end).
    #[serde(default)]
    pub times: Vec<TimeRange>,
    /// Days of the week or ranges: `saturday`, `monday:friday`.
    #[serde(default)]
    pub weekdays: Vec<S>,
    /// Days of the month or ranges, from 1 (negative counts from the end): `1:7`, `-1`.
    #[serde(default)]
    pub days_of_month: Vec<S>,
    /// Months by name or number, or ranges: `december`, `1:3`.
    #[serde(default)]
    pub months: Vec<S>,
    /// Years or ranges: `2026`, `2026:2027`.
    #[serde(default)]
    pub years: Vec<S>,
    /// Time zone of the times (IANA name, default UTC).
    pub location: Option<S>,
}

/// A time of day range.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// `HH:MM`.
    pub start_time: S,
    /// `HH:MM` (exclusive; `24:00` is the end of the day).
    pub end_time: S,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Equality matchers.
    #[serde(default, rename = "match")]
    pub match_: Map<S>,
    /// Regex matchers (fully anchored).
    #[serde(default)]
    pub match_re: Map<S>,
    /// Matchers as Alertmanager writes them: `label=value`, `label!=value`,
    /// `label=~regex`, `label!~regex` (a value may be double-quoted).
    #[serde(default)]
    pub matchers: Vec<S>,
    /// The receiver of the alerts this route takes (default: its parent's).
    pub receiver: Option<S>,
    /// Go on matching the following sibling routes after this one matched (default false).
    #[serde(rename = "continue")]
    pub continue_: Option<Spanned<bool>>,
    /// Labels that group alerts into one notification (default: the parent's).
    pub group_by: Option<Vec<S>>,
    /// How long to wait for more alerts of a new group before the first notification (default: the parent's).
    pub group_wait: Option<S>,
    /// How long to wait before notifying about alerts added to a group already notified (default: the parent's).
    pub group_interval: Option<S>,
    /// How long to wait before repeating a notification that is still firing (default: the parent's).
    pub repeat_interval: Option<S>,
    /// Child routes, tried in order.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Time intervals (of `routing.time_intervals`) in which this route notifies no one.
    #[serde(default)]
    pub mute_time_intervals: Vec<S>,
    /// Time intervals outside which this route notifies no one.
    #[serde(default)]
    pub active_time_intervals: Vec<S>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inhibit {
    /// Labels (name: value) of the alert that inhibits: while it fires, the targets are silenced.
    #[serde(default)]
    pub source: Map<S>,
    /// Labels (name: value) of the alerts that are silenced while a source fires.
    #[serde(default)]
    pub target: Map<S>,
    /// More matchers of the source, as Alertmanager writes them (`severity=~"warning|info"`,
    /// `alertname!=Watchdog`).
    #[serde(default)]
    pub source_matchers: Vec<S>,
    /// More matchers of the targets, as Alertmanager writes them.
    #[serde(default)]
    pub target_matchers: Vec<S>,
    /// Labels source and target must share for the inhibition to apply (say `service`, `instance`): without them one firing source silences every target.
    #[serde(default)]
    pub equal: Vec<S>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTest {
    /// The labels of an alert (name: value).
    pub labels: Map<S>,
    /// The receivers the alert must reach, in order; the build fails otherwise (R009).
    pub expect: Vec<S>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// The dashboard's title in Grafana.
    pub title: S,
    /// What the dashboard shows, for people.
    pub description: Option<S>,
    /// Grafana tags, for search and dashboard links.
    #[serde(default)]
    pub tags: Vec<S>,
    /// The panels, laid out in order, left to right and top to bottom.
    pub panels: Vec<Panel>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    /// The panel's title; links (`dashboard: "uid#Title"`) name panels by it.
    pub title: Option<S>,
    /// What the panel shows, for people (Grafana shows it on hover).
    pub description: Option<S>,
    /// One query in the condition language.
    pub query: Option<S>,
    /// Several queries in the condition language, drawn together.
    #[serde(default)]
    pub queries: Vec<S>,
    /// Raw PromQL, an escape hatch; metric names are still checked.
    pub expr: Option<S>,
    /// Grafana unit id; derived from the metric's unit when absent.
    pub unit: Option<S>,
    /// `timeseries`, `stat`, `gauge`, `heatmap`, `histogram`, `bargauge`, `table`.
    #[serde(rename = "type")]
    #[schemars(schema_with = "crate::closed::panel_type")]
    #[serde(default)]
    pub kind: Option<S>,
    /// Rules silenced for this panel, each with a reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logs {
    /// Minimum level emitted (default `info`).
    #[schemars(schema_with = "crate::closed::log_level")]
    #[serde(default)]
    pub level: Option<S>,
    /// Line format of the text handler.
    pub format: Option<S>,
    /// Where logs go: `stderr`, `stdout`, or a file path.
    #[serde(default)]
    pub handlers: Vec<S>,
    /// Typed log events.
    #[serde(default)]
    pub events: Map<LogEvent>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogEvent {
    /// `debug`, `info`, `warning`, `error`, `critical`.
    #[schemars(schema_with = "crate::closed::log_level")]
    pub level: S,
    /// Human message; the event name is used when absent.
    pub message: Option<S>,
    /// Fields and their types.
    #[serde(default)]
    pub fields: Map<Spanned<FieldSpec>>,
    /// Rules silenced for this log event, each with a reason.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

/// A field type (`string`, `int`, `float`, `bool`, `duration`), or a mapping with
/// `type` and `redacted`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FieldSpec {
    Type(#[schemars(schema_with = "crate::closed::field_type")] String),
    Full {
        /// The field's type.
        #[serde(rename = "type")]
        #[schemars(schema_with = "crate::closed::field_type")]
        kind: String,
        /// The value is a secret or personal data: never written to a log line
        /// (the generated bindings print `[REDACTED]`).
        #[serde(default)]
        redacted: bool,
        /// What the field holds, for people.
        #[serde(default)]
        description: Option<String>,
    },
}

impl FieldSpec {
    pub fn kind(&self) -> &str {
        match self {
            FieldSpec::Type(t) => t,
            FieldSpec::Full { kind, .. } => kind,
        }
    }
    pub fn redacted(&self) -> bool {
        matches!(self, FieldSpec::Full { redacted: true, .. })
    }
}
