//! Backend: the Prometheus rule file — explicit alerts and, per SLO, the error-ratio
//! recording rules over every window, metadata rules and burn-rate alerts.

use crate::yaml::{entry, key, map_entry};
use forge_spec_expr::Duration;
use forge_spec_expr::units::{fmt_num, round12};
use forge_spec_ir::slo::{Calendar, CalendarUnit, Urgency, recorded_windows_for, threshold};
use forge_spec_ir::{Alert, Model, Sli, Slo};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Rule {
    pub record: Option<String>,
    pub alert: Option<String>,
    pub expr: String,
    pub for_: Option<String>,
    pub keep_firing_for: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// Appends a group's `- name:` and `rules:` lines (its rules follow, [`render_rule`]).
pub fn render_group_head(name: &str, o: &mut String) {
    render_group_head_with(name, None, None, o);
}

/// [`render_group_head`] with the group's own evaluation interval and limit.
pub fn render_group_head_with(
    name: &str,
    interval: Option<&str>,
    limit: Option<u32>,
    o: &mut String,
) {
    entry(o, 0, true, "name", name);
    if let Some(i) = interval {
        entry(o, 2, false, "interval", i);
    }
    if let Some(l) = limit {
        key(o, 2, false, "limit");
        o.push(' ');
        o.push_str(&l.to_string());
        o.push('\n');
    }
    key(o, 2, false, "rules");
    o.push('\n');
}

/// Appends one rule as an item of a group's `rules:` list, written directly (the rule
/// file is the largest output at scale).
pub fn render_rule(r: &Rule, o: &mut String) {
    let mut first = true;
    let mut field = |o: &mut String, key: &str, value: &str| {
        entry(o, if first { 2 } else { 4 }, first, key, value);
        first = false;
    };
    if let Some(x) = &r.record {
        field(o, "record", x);
    }
    if let Some(x) = &r.alert {
        field(o, "alert", x);
    }
    field(o, "expr", &r.expr);
    if let Some(x) = &r.for_ {
        field(o, "for", x);
    }
    if let Some(x) = &r.keep_firing_for {
        field(o, "keep_firing_for", x);
    }
    for (key, map) in [("labels", &r.labels), ("annotations", &r.annotations)] {
        if !map.is_empty() {
            map_entry(o, 4, false, key, map);
        }
    }
}

/// The name of the group of the service's own recording rules.
pub fn records_group_name(m: &Model) -> String {
    format!("{}-records", m.service.name.value)
}

/// The rule of a recording rule of one's own (`None` when it has no expression).
pub fn record(r: &forge_spec_ir::Record) -> Option<Rule> {
    let e = r.expr.as_ref()?;
    Some(Rule {
        record: Some(r.series.value.clone()),
        expr: e.promql.clone(),
        labels: r
            .labels
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect(),
        ..Rule::default()
    })
}

/// The name of the group of explicit alerts.
pub fn alerts_group_name(m: &Model) -> String {
    format!("{}-alerts", m.service.name.value)
}

/// The labels every alert of the service carries: its severity, its SLO, and the
/// defaults the IR names (`service`, `team`, `namespace`) where `may_carry` says the
/// expression's result cannot carry them already.
fn base_labels(
    m: &Model,
    severity: &str,
    slo: Option<&str>,
    may_carry: impl Fn(&str) -> bool,
) -> BTreeMap<String, String> {
    let mut l = BTreeMap::new();
    l.insert("severity".to_string(), severity.to_string());
    for (k, v) in forge_spec_ir::names::default_alert_labels(m, may_carry) {
        l.insert(k.to_string(), v);
    }
    if let Some(s) = slo {
        l.insert("slo".to_string(), s.to_string());
    }
    l
}

/// The rule of an explicit alert (`None` when it has no condition).
pub fn explicit(m: &Model, a: &Alert) -> Option<Rule> {
    let when = a.when.as_ref()?;
    let mut labels = base_labels(
        m,
        &a.severity.value,
        a.slo.as_ref().map(|s| s.value.as_str()),
        |l| forge_spec_ir::names::may_carry(Some(when), l),
    );
    for (k, v) in &a.labels {
        labels.insert(k.value.clone(), v.value.clone());
    }
    let mut annotations: BTreeMap<String, String> = a
        .annotations
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect();
    if let Some(s) = &a.summary {
        annotations.insert("summary".to_string(), s.value.clone());
    }
    annotations.insert(
        "description".to_string(),
        a.description.as_ref().map_or_else(
            || {
                a.summary
                    .as_ref()
                    .map_or_else(String::new, |s| s.value.clone())
            },
            |d| d.value.clone(),
        ),
    );
    if let Some(r) = &a.runbook {
        annotations.insert("runbook_url".to_string(), m.runbook_url(&r.value));
    }
    let linked = a
        .dashboard
        .as_ref()
        .map(|d| d.value.clone())
        .or_else(|| m.panel_showing(&when.metrics));
    if let Some(url) = linked.and_then(|d| m.dashboard_url(&d)) {
        annotations.insert("dashboard_url".to_string(), url);
    }
    annotations.retain(|_, v| !v.is_empty());
    Some(Rule {
        alert: Some(a.alertname.value.clone()),
        expr: when.promql.clone(),
        for_: a.for_.as_ref().map(|f| m.scaled(f.value).to_prometheus()),
        keep_firing_for: a
            .keep_firing_for
            .as_ref()
            .map(|f| m.scaled(f.value).to_prometheus()),
        labels,
        annotations,
        ..Rule::default()
    })
}

/// The labels an SLO's rules carry besides its own `labels:` — `slo` and `service`,
/// or Sloth's — and the window of a ratio rule (`sloth_window`, Sloth's only).
pub(crate) fn rule_labels(svc: &str, s: &Slo, window: Option<&str>) -> BTreeMap<String, String> {
    let mut labels = slo_labels(s);
    if s.sloth {
        labels.insert("sloth_id".into(), format!("{svc}-{}", s.name.value));
        labels.insert("sloth_service".into(), svc.into());
        labels.insert("sloth_slo".into(), s.name.value.clone());
        if let Some(w) = window {
            labels.insert("sloth_window".into(), w.into());
        }
    } else {
        labels.insert("service".into(), svc.into());
        labels.insert("slo".into(), s.name.value.clone());
    }
    labels
}

/// The error events and all events of an SLO's indicator over a window, as per-second
/// rates in PromQL (an uptime indicator counts targets: its "events" are the targets,
/// its errors the share of the window each was down). A missing error series (no error
/// counted yet) is zero for every group with events, so errors are never absent where
/// events are.
pub fn sli_rates(m: &Model, s: &Slo, window: &str) -> (String, String) {
    match &s.sli {
        Sli::Ratio {
            errors,
            total,
            good,
        } => {
            let e = rate_sum(s, &errors.text.value, window);
            let t = rate_sum(s, &total.text.value, window);
            if *good {
                (format!("({t} - ({e} or 0 * {t}))"), t)
            } else {
                (format!("({e} or 0 * {t})"), t)
            }
        }
        Sli::Latency { metric, below, .. } => {
            let (name, matchers) = split_selector(&metric.text.value);
            let le = le_matcher(*below);
            let sep = if matchers.is_empty() { "" } else { ", " };
            let t = format!(
                "sum{}(rate({name}_count{}[{window}]))",
                by(s),
                if matchers.is_empty() {
                    String::new()
                } else {
                    format!("{{{matchers}}}")
                }
            );
            let fast = format!(
                "sum{}(rate({name}_bucket{{{matchers}{sep}{le}}}[{window}]))",
                by(s)
            );
            (format!("({t} - ({fast} or 0 * {t}))"), t)
        }
        Sli::Timeslice { .. } => {
            let good = format!("slo:sli_good:slice{}", slo_selector(m, s));
            (
                format!("sum(1 - avg_over_time({good}[{window}]))"),
                format!("count({good})"),
            )
        }
        Sli::Uptime { target } => {
            let up = format!(
                "{}{{job={}}}",
                forge_spec_expr::up_metric(&m.catalog, &target.value),
                forge_spec_expr::ast::quote(&target.value)
            );
            (
                format!("sum{}(1 - avg_over_time({up}[{window}]))", by(s)),
                format!("count{}({up})", by(s)),
            )
        }
    }
}

/// The number of events of an event indicator over a window (`None` for uptime).
pub fn sli_events(s: &Slo, window: &str) -> Option<String> {
    let total = match &s.sli {
        Sli::Ratio { total, .. } => total.text.value.trim().to_string(),
        Sli::Latency { metric, .. } => {
            let (name, matchers) = split_selector(&metric.text.value);
            if matchers.is_empty() {
                format!("{name}_count")
            } else {
                format!("{name}_count{{{matchers}}}")
            }
        }
        Sli::Uptime { .. } | Sli::Timeslice { .. } => return None,
    };
    Some(format!("sum{}(increase({total}[{window}]))", by(s)))
}

/// `le` as clients write it: `1` may appear as `1` or `1.0`.
fn le_matcher(v: f64) -> String {
    let s = fmt_num(v);
    if s.contains('.') || s.contains('e') {
        format!("le=\"{s}\"")
    } else {
        format!("le=~\"{s}(\\\\.0+)?\"")
    }
}

fn split_selector(sel: &str) -> (&str, &str) {
    let sel = sel.trim();
    match sel.find('{') {
        Some(i) => (
            sel[..i].trim(),
            sel[i + 1..].trim_end().trim_end_matches('}').trim(),
        ),
        None => (sel, ""),
    }
}

/// ` by (a, b)` for a grouped SLO (`group_by:`), else nothing: the group labels are
/// kept through every rule, so each group has its own budget and alerts.
fn by(s: &Slo) -> String {
    if s.group_by.is_empty() {
        return String::new();
    }
    let labels: Vec<&str> = s.group_by.iter().map(|g| g.value.as_str()).collect();
    format!(" by ({})", labels.join(", "))
}

fn rate_sum(s: &Slo, sel: &str, window: &str) -> String {
    format!("sum{}(rate({}[{window}]))", by(s), sel.trim())
}

use forge_spec_ir::slo::slo_alert_names;

/// Appends a recording rule with the labels every SLO rule carries, and the SLO's own.
fn render_record(o: &mut String, record: &str, expr: &str, svc: &str, s: &Slo) {
    render_record_in(o, record, expr, svc, s, None);
}

/// [`render_record`] of a rule over one window (Sloth's labels carry it).
fn render_record_in(
    o: &mut String,
    record: &str,
    expr: &str,
    svc: &str,
    s: &Slo,
    window: Option<&str>,
) {
    entry(o, 2, true, "record", record);
    entry(o, 4, false, "expr", expr);
    if s.sloth {
        map_entry(o, 4, false, "labels", &rule_labels(svc, s, window));
        return;
    }
    if s.labels.is_empty() {
        key(o, 4, false, "labels");
        o.push('\n');
        entry(o, 6, false, "service", svc);
        entry(o, 6, false, "slo", &s.name.value);
        return;
    }
    let mut labels = slo_labels(s);
    labels.insert("service".into(), svc.into());
    labels.insert("slo".into(), s.name.value.clone());
    map_entry(o, 4, false, "labels", &labels);
}

/// The SLO's own labels (`labels:`), which every rule of it carries.
pub(crate) fn slo_labels(s: &Slo) -> BTreeMap<String, String> {
    s.labels
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect()
}

/// The local time of a calendar period's offset, as a one-sample vector of seconds (the
/// argument PromQL's date functions read).
fn local_now(c: Calendar) -> String {
    format!("vector(time(){})", shift(c))
}

/// The offset as a term added to a UTC timestamp: ` + 7200`, ` - 18000`, or nothing.
fn shift(c: Calendar) -> String {
    match c.offset_s {
        0 => String::new(),
        o if o < 0 => format!(" - {}", -o),
        o => format!(" + {o}"),
    }
}

/// When the current calendar period began (Unix seconds), in PromQL: now less the time
/// since local midnight, less the days since the period's first day. A quarter goes back
/// the days of the month before (and the one before that) when it began a month or two
/// ago: `days_in_month` of a day in each.
fn calendar_start(c: Calendar) -> String {
    let t = local_now(c);
    let since_midnight = format!("(hour({t}) * 3600 + minute({t}) * 60 + time() % 60)");
    let midnight = format!("vector(time()) - {since_midnight}");
    let month_start = format!("{midnight} - 86400 * (day_of_month({t}) - 1)");
    match c.unit {
        CalendarUnit::Week => format!("{midnight} - 86400 * ((day_of_week({t}) + 6) % 7)"),
        CalendarUnit::Month => month_start,
        CalendarUnit::Quarter => {
            let shift = shift(c);
            let k = format!("((month({t}) - 1) % 3)");
            format!(
                "{month_start} - 86400 * (({k} >= bool 1) * days_in_month(({month_start}){shift} - 86400) + ({k} >= bool 2) * days_in_month(({month_start}){shift} - 2764800))"
            )
        }
    }
}

/// The current calendar period's length in days.
fn calendar_days(c: Calendar) -> String {
    let t = local_now(c);
    match c.unit {
        CalendarUnit::Week => "vector(7)".to_string(),
        CalendarUnit::Month => format!("days_in_month({t})"),
        // Three months from the quarter's start: their days, read on days inside each.
        CalendarUnit::Quarter => {
            let start = calendar_start(c);
            let shift = shift(c);
            let month = |d: u64| format!("days_in_month(({start}){shift} + {})", d * 86_400);
            format!("{} + {} + {}", month(0), month(32), month(62))
        }
    }
}

/// How far back the running sums are read: a whole period and a day, so that they carry
/// over a gap in evaluation (a restart) as long as the period lasts.
fn calendar_lookback(m: &Model, c: Calendar) -> String {
    m.scaled(Duration {
        ms: (c.unit.longest_days() + 1) * 86_400_000,
    })
    .to_prometheus()
}

/// A calendar period's recording rules: when it began; the running sums of the 5-minute
/// rates of errors and events since (each evaluation adds the latest to the sum's last
/// value while that belongs to the current period, else starts over); and the period
/// each group's sums belong to (written with them, so that a group idle across the
/// boundary starts over when its events return). The sums are as good as the rolling
/// period's `sum_over_time`: an outage of evaluation loses the same samples from both.
fn calendar_records(m: &Model, s: &Slo, c: Calendar, o: &mut String) {
    let svc = &m.service.name.value;
    let sel = slo_selector(m, s);
    let back = calendar_lookback(m, c);
    render_record(
        o,
        "slo:calendar_period_start:timestamp",
        &calendar_start(c),
        svc,
        s,
    );
    for kind in ["error", "total"] {
        let sum = format!("slo:sli_{kind}:calendar_sum");
        let expr = format!(
            "slo:sli_{kind}:rate5m{sel} + (last_over_time({sum}{sel}[{back}]) and (last_over_time(slo:sli_calendar_sum:period_start{sel}[{back}]) == on () group_left () slo:calendar_period_start:timestamp{sel})) or slo:sli_{kind}:rate5m{sel}"
        );
        render_record(o, &sum, &expr, svc, s);
    }
    render_record(
        o,
        "slo:sli_calendar_sum:period_start",
        &format!(
            "slo:calendar_period_start:timestamp{sel} + on () group_right () (0 * (timestamp(slo:sli_total:calendar_sum{sel}) == time()))"
        ),
        svc,
        s,
    );
}

/// Appends an SLO's groups — recording rules per window, metadata rules, burn-rate
/// alerts — and returns the alert rules (page, then ticket; none when alerting is
/// off). Recording rules are written straight out: nothing else reads them.
pub fn slo_groups(m: &Model, s: &Slo, o: &mut String) -> Vec<Rule> {
    let svc = &m.service.name.value;
    let name = &s.name.value;
    let sel = slo_selector(m, s);
    let head = |o: &mut String, part: &str| {
        render_group_head(&forge_spec_ir::names::slo_group_name(m, s, part), o);
    };
    let period = forge_spec_ir::names::period_name(s);
    let on = if s.sloth {
        "sloth_id, sloth_slo, sloth_service"
    } else {
        "slo, service"
    };
    head(o, "sli");
    // A timeslice indicator: whether each slice was good (its condition held throughout).
    if let Sli::Timeslice { good, slice } = &s.sli {
        let expr = format!(
            "min_over_time(((count({}) or vector(0)) > bool 0)[{}:])",
            good.promql,
            m.scaled(*slice).to_prometheus()
        );
        render_record(o, "slo:sli_good:slice", &expr, svc, s);
    }
    // The events of every 5 minutes, errors and all: the period's ratio is their sums'
    // (an idle window adds nothing to either, where an average of 5m ratios would turn
    // NaN for the whole period after one idle window).
    let five = m.scaled(Duration { ms: 300_000 }).to_prometheus();
    let (errors, total) = sli_rates(m, s, &five);
    render_record(o, "slo:sli_error:rate5m", &errors, svc, s);
    render_record(o, "slo:sli_total:rate5m", &total, svc, s);
    if let Some(c) = s.calendar {
        calendar_records(m, s, c, o);
    }
    for w in recorded_windows_for(s.period, &s.windows) {
        // Rules are named after the window as written; the range is scaled.
        let wt = window_name(s, w);
        let range = m.scaled(w).to_prometheus();
        // A burn window sees exactly its own duration: its errors over its events, each
        // a rate over the window itself (as Sloth and Pyrra compute them), no sample
        // when it saw no event. The period's ratio is the sum of its 5-minute counts:
        // never NaN after an idle window, and cheap over thirty days.
        let expr = if w.ms == 300_000 {
            format!("slo:sli_error:rate5m{sel} / (slo:sli_total:rate5m{sel} > 0)")
        } else if w == s.period
            && let Some(c) = s.calendar
        {
            // The sums so far of this calendar period (none before its first event).
            let back = calendar_lookback(m, c);
            format!(
                "last_over_time(slo:sli_error:calendar_sum{sel}[{back}]) / (last_over_time(slo:sli_total:calendar_sum{sel}[{back}]) > 0) and (last_over_time(slo:sli_calendar_sum:period_start{sel}[{back}]) == on () group_left () slo:calendar_period_start:timestamp{sel})"
            )
        } else if w == s.period {
            format!(
                "sum_over_time(slo:sli_error:rate5m{sel}[{range}]) / (sum_over_time(slo:sli_total:rate5m{sel}[{range}]) > 0)"
            )
        } else {
            let (errors, total) = sli_rates(m, s, &range);
            format!("{errors} / ({total} > 0)")
        };
        let record = if w == s.period {
            forge_spec_ir::names::period_record(s)
        } else {
            format!("slo:sli_error:ratio_rate{wt}")
        };
        let wt = if w == s.period { period.clone() } else { wt };
        render_record_in(o, &record, &expr, svc, s, Some(&wt));
    }
    let budget = fmt_num(forge_spec_expr::units::round12(1.0 - s.objective));
    head(o, "meta");
    for (record, expr) in [
        (
            "slo:objective:ratio",
            format!("vector({})", fmt_num(s.objective)),
        ),
        ("slo:error_budget:ratio", format!("vector({budget})")),
        (
            "slo:time_period:days",
            match s.calendar {
                // The current period's length: 28 to 31 days a month.
                Some(c) => calendar_days(c),
                None => format!("vector({})", fmt_num(s.period.ms as f64 / 86_400_000.0)),
            },
        ),
        (
            "slo:current_burn_rate:ratio",
            format!(
                "slo:sli_error:ratio_rate5m{sel} / on ({on}) group_left () slo:error_budget:ratio{sel}"
            ),
        ),
        (
            "slo:period_burn_rate:ratio",
            format!(
                "{}{sel} / on ({on}) group_left () slo:error_budget:ratio{sel}",
                forge_spec_ir::names::period_record(s)
            ),
        ),
        (
            "slo:period_error_budget_remaining:ratio",
            format!("1 - slo:period_burn_rate:ratio{sel}"),
        ),
    ] {
        render_record(o, record, &expr, svc, s);
    }
    if s.sloth {
        // Sloth's info series, which its dashboards list SLOs by.
        let mut labels = rule_labels(svc, s, None);
        for (k, v) in [
            ("sloth_objective", fmt_num(round12(s.objective * 100.0))),
            ("sloth_mode", "cli-gen-prom".to_string()),
            ("sloth_spec", "prometheus/v1".to_string()),
            (
                "sloth_version",
                format!("forge-spec {}", env!("CARGO_PKG_VERSION")),
            ),
        ] {
            labels.insert(k.to_string(), v);
        }
        entry(o, 2, true, "record", "sloth_slo_info");
        entry(o, 4, false, "expr", "vector(1)");
        map_entry(o, 4, false, "labels", &labels);
    }
    if s.alerting_disabled {
        return Vec::new();
    }
    // The low-traffic guard: the events of each alert's long window.
    // The low-traffic guard: the events of each pair's long window, in the alert itself
    // (matched on the SLO's group labels: the events carry no others).
    let guarded = s.min_events > 0 && s.counts_events();
    let group_on: Vec<&str> = s.group_by.iter().map(|g| g.value.as_str()).collect();
    let group_on = group_on.join(", ");
    let (page_name, ticket_name) = slo_alert_names(s);
    let mut alerts = Vec::new();
    for (urgency, alert, severity) in [
        (Urgency::Page, page_name, &s.page_severity),
        (Urgency::Ticket, ticket_name, &s.ticket_severity),
    ] {
        let pairs: Vec<_> = s
            .windows
            .iter()
            .copied()
            .filter(|w| w.urgency == urgency)
            .collect();
        let expr = pairs
            .iter()
            .map(|w| {
                let t = fmt_num(threshold(w, s.objective));
                let guard = match sli_events(s, &m.scaled(w.long).to_prometheus()) {
                    Some(events) if guarded => {
                        format!(" and on ({group_on}) ({events} >= {})", s.min_events)
                    }
                    _ => String::new(),
                };
                let over = |win: Duration| {
                    let ratio =
                        format!("slo:sli_error:ratio_rate{}{sel} > {t}", window_name(s, win));
                    // Sloth's ratio rules carry their window: compared without it.
                    if s.sloth {
                        format!("max without (sloth_window) ({ratio})")
                    } else {
                        ratio
                    }
                };
                format!("({} and {}{guard})", over(w.short), over(w.long))
            })
            .collect::<Vec<_>>()
            .join(" or ");
        let speed = pairs
            .iter()
            .map(|w| {
                format!(
                    "{}× over {} and {}",
                    fmt_num(w.factor),
                    w.long.to_prometheus(),
                    w.short.to_prometheus()
                )
            })
            .collect::<Vec<_>>()
            .join(", or ");
        let mut annotations = BTreeMap::new();
        let kind = if urgency == Urgency::Page {
            "fast"
        } else {
            "slowly but steadily"
        };
        if s.sloth {
            // Sloth's own summary and title (its `page`/`ticket` wording).
            let level = if urgency == Urgency::Page {
                "page"
            } else {
                "ticket"
            };
            annotations.insert(
                "summary".to_string(),
                "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.".to_string(),
            );
            annotations.insert(
                "title".to_string(),
                format!("({level}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast."),
            );
        } else {
            annotations.insert(
                "summary".to_string(),
                format!("The {name} SLO of {svc} is burning its error budget {kind}."),
            );
        }
        annotations.insert(
            "description".to_string(),
            format!(
                "The {name} SLO ({}% over {}) is spending its error budget {speed} faster than sustainable.",
                fmt_num(s.objective * 100.0),
                forge_spec_ir::names::period_prose(s)
            ),
        );
        if let Some(r) = &s.runbook {
            annotations.insert("runbook_url".to_string(), m.runbook_url(&r.value));
        }
        if let Some(g) = &m.service.grafana_url {
            annotations.insert(
                "dashboard_url".to_string(),
                format!(
                    "{}/d/{}",
                    g.value.trim_end_matches('/'),
                    slo_dashboard_uid(m)
                ),
            );
        }
        if let Some(summary) = &s.alert_summary {
            annotations.insert("summary".to_string(), summary.value.clone());
        }
        for (k, v) in &s.alert_annotations {
            annotations.insert(k.value.clone(), v.value.clone());
        }
        let mut labels = slo_labels(s);
        let own = if urgency == Urgency::Page {
            &s.page_labels
        } else {
            &s.ticket_labels
        };
        for (k, v) in s.alert_labels.iter().chain(own) {
            labels.insert(k.value.clone(), v.value.clone());
        }
        // The burn-rate rules keep only the SLO's `group_by` labels.
        labels.extend(base_labels(m, severity, Some(name), |l| {
            s.group_by.iter().any(|g| g.value == l)
        }));
        if s.sloth {
            let level = if urgency == Urgency::Page {
                "page"
            } else {
                "ticket"
            };
            labels.insert("sloth_severity".to_string(), level.to_string());
        }
        alerts.push(Rule {
            alert: Some(alert),
            expr,
            labels,
            annotations,
            ..Rule::default()
        });
    }
    head(o, "alerts");
    for r in &alerts {
        render_rule(r, o);
    }
    alerts
}

use forge_spec_ir::names::{slo_dashboard_uid, slo_selector, window_name};

/// The name of the group of absent-data alerts.
pub fn absent_group_name(m: &Model) -> String {
    format!("{}-absent", m.service.name.value)
}

/// One absent-data alert: its rule, the target it watches (job, address) and the
/// series whose absence it reports.
pub struct Absent {
    pub rule: Rule,
    pub job: String,
    pub address: String,
    pub series: String,
}

/// For every metric of the spec an SLO or an alert reads, and every target exporting
/// it, an alert that fires when the target is scraped (`up` is 1) but none of the
/// metric's series are there: a metric dropped by a refactoring or a renamed label
/// otherwise looks like a perfect SLO and a silent alert. Its `for` is five scrapes or
/// the default range window, the longer. Severity `warning` (or the last configured).
pub fn absent_alerts(m: &Model) -> Vec<Absent> {
    let severity = m
        .routing
        .as_ref()
        .map(|r| r.severities.clone())
        .unwrap_or_default();
    let severity = if severity.is_empty() || severity.iter().any(|s| s == "warning") {
        "warning".to_string()
    } else {
        severity.last().cloned().unwrap_or_default()
    };
    let for_ = m.scaled(Duration {
        ms: (5 * m.scrape_interval.ms).max(m.default_range.ms),
    });
    let mut out = Vec::new();
    for (mt, readers) in m.watched_metrics() {
        let name = &mt.name.value;
        let series = match mt.kind {
            forge_spec_expr::MetricKind::Histogram | forge_spec_expr::MetricKind::Summary => {
                format!("{name}_count")
            }
            _ => name.clone(),
        };
        for job in &mt.exporters {
            let Some(t) = m.targets.iter().find(|t| &t.name.value == job) else {
                continue;
            };
            if t.probe.is_some() {
                continue;
            }
            let q = forge_spec_expr::ast::quote(job);
            let mut annotations = BTreeMap::new();
            annotations.insert(
                "summary".to_string(),
                format!("{name} is no longer exported by {job}."),
            );
            annotations.insert(
                "description".to_string(),
                format!(
                    "{job} is scraped, but without {name} for {}: {} see nothing.",
                    for_.to_prometheus(),
                    readers.join(", ")
                ),
            );
            // `absent(…{job=…}) and on (job) up{…}` carries `job` alone.
            let mut labels = base_labels(m, &severity, None, |l| l == "job");
            labels.insert("job".to_string(), job.clone());
            out.push(Absent {
                rule: Rule {
                    alert: Some(format!("{}Absent", forge_spec_ir::camel(name))),
                    expr: format!("absent({series}{{job={q}}}) and on (job) up{{job={q}}} == 1"),
                    for_: Some(for_.to_prometheus()),
                    labels,
                    annotations,
                    ..Rule::default()
                },
                job: job.clone(),
                address: t.address.value.clone(),
                series: series.clone(),
            });
        }
    }
    out
}
