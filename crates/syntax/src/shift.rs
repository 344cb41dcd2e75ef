//! Moving the spans of a parsed file after an edit: every offset at or after the end
//! of the edited text moves by the edit's change in length, so that a file read once
//! can take an edit without being read again (see [`crate::incremental`]).
//!
//! Every struct of the spec implements [`Shift`] by destructuring all its fields (no
//! `..`): a field added to the spec without being shifted does not compile.

use crate::outputs::{Empty, Kubernetes, Mimir, OutputSettings, Outputs, TargetKubernetes};
use crate::spanned::{Map, Quantity, Spanned};
use crate::*;
use forge_spec_base::source::Span;

/// An edit, as far as offsets are concerned: offsets from `from` on move by `delta`.
#[derive(Clone, Copy, Debug)]
pub struct Moved {
    pub from: u32,
    pub delta: i64,
}

impl Moved {
    fn offset(&self, at: u32) -> u32 {
        if at < self.from {
            return at;
        }
        u32::try_from(i64::from(at) + self.delta).unwrap_or(u32::MAX)
    }
}

/// A value whose spans can be moved by an edit.
pub trait Shift {
    fn shift(&mut self, by: Moved);
}

impl Shift for Span {
    fn shift(&mut self, by: Moved) {
        self.start = by.offset(self.start);
        self.end = by.offset(self.end);
    }
}

impl<T: Shift> Shift for Spanned<T> {
    fn shift(&mut self, by: Moved) {
        self.span.shift(by);
        self.value.shift(by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: Moved) {
        if let Some(v) = self {
            v.shift(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: Moved) {
        for v in self {
            v.shift(by);
        }
    }
}

impl<V: Shift> Shift for Map<V> {
    fn shift(&mut self, by: Moved) {
        for (k, v) in &mut self.0 {
            k.shift(by);
            v.shift(by);
        }
    }
}

/// Values without spans.
macro_rules! unspanned {
    ($($ty:ty),*) => {$(
        impl Shift for $ty {
            fn shift(&mut self, _: Moved) {}
        }
    )*};
}

unspanned!(String, bool, u32, u64, f64, Quantity, FieldSpec, Empty);

/// Structs: every field, by exhaustive destructuring.
macro_rules! fields {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {$(
        impl Shift for $ty {
            fn shift(&mut self, by: Moved) {
                let $ty { $($field),* } = self;
                $( $field.shift(by); )*
            }
        }
    )*};
}

fields! {
    SpecFile { failed, version, service, defaults, targets, metrics, slos, alerts, records,
        groups, routing, receivers, dashboards, logs, lints, teams, outputs }
    Team { description, receiver, escalation, lints }
    Service { name, metric_prefix, description, grafana_url, runbook_base_url, alertmanager, team, alert_labels }
    Defaults { range, scrape_interval, burn_windows }
    BurnWindowSpec { urgency, long, short, factor }
    Target { address, metrics_path, description, uses, probe, kubernetes, labels }
    Probe { url, module, exporter }
    Metric { kind, help, unit, labels, buckets, standard, provided_by, absent, allow }
    AbsentOptOut { alert, reason }
    LabelSpec { values, max_values, description }
    Allow { rule, reason }
    Slo { objective, window, utc_offset, description, sli, alerting, labels, compat, group_by, min_events,
        expected_events_per_day, allow }
    Sli { errors, total, good, latency, uptime, timeslice }
    TimesliceSli { good, slice }
    LatencySli { metric, below }
    SloAlerting { page, ticket, disabled, name, runbook, summary, labels, annotations, page_labels,
        ticket_labels, windows }
    Alert { alertname, severity, condition, expr, for_, slo, summary, description, runbook, dashboard,
        labels, annotations, keep_firing_for, group, allow }
    Record { record, query, expr, labels, group, allow }
    RuleGroup { interval, limit, source_tenants }
    Routing { receiver, group_by, group_wait, group_interval, repeat_interval, routes, inhibit,
        tests, severities, time_intervals, templates }
    TimeInterval { times, weekdays, days_of_month, months, years, location }
    TimeRange { start_time, end_time }
    Route { match_, match_re, matchers, receiver, continue_, group_by, group_wait, group_interval,
        repeat_interval, routes, mute_time_intervals, active_time_intervals }
    Inhibit { source, target, source_matchers, target_matchers, equal }
    RouteTest { labels, expect }
    Dashboard { title, description, tags, panels }
    Panel { title, description, query, queries, expr, unit, kind, allow }
    Logs { level, format, handlers, events }
    LogEvent { level, message, fields, allow }
    Outputs { names, settings }
    OutputSettings { prometheus, kubernetes, mimir, thanos }
    Kubernetes { namespace, labels, dashboard_labels, secret }
    Mimir { tenant, namespace, max_rule_groups_per_tenant, max_rules_per_rule_group }
    TargetKubernetes { selector, port, namespace }
}

impl Shift for crate::integrations::Receiver {
    fn shift(&mut self, by: Moved) {
        let crate::integrations::Receiver { integrations } = self;
        for i in integrations {
            let crate::integrations::Integration {
                kind: _,
                key,
                settings,
            } = i;
            key.shift(by);
            for s in settings {
                let crate::integrations::Setting {
                    field: _,
                    key,
                    value,
                } = s;
                key.shift(by);
                match value {
                    crate::integrations::Value::Text(t) => t.shift(by),
                    crate::integrations::Value::Flag(b) => b.shift(by),
                }
            }
        }
    }
}
