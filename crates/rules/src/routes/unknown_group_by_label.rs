//! Rule R008 `unknown-group-by-label`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a `group_by` label that no alert of the spec carries (neither a rule label nor a
    /// label of the series its condition reads).
    ///
    /// ## Why is this bad?
    /// Grouping by a missing label puts every alert in one group; the grouping intended does
    /// not happen.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/am/pd}}
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    ///   email: {email: {to: team@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}}
    /// alerts:
    ///   WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md}
    ///   WebFlapping: {severity: warning, condition: up(web) == 0 for 10s, summary: Web flaps., runbook: r.md}
    /// routing:
    ///   receiver: email
    ///   group_by: [alertname, cluster]
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warning}, receiver: slack}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/am/pd}}
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    ///   email: {email: {to: team@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}}
    /// alerts:
    ///   WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md}
    ///   WebFlapping: {severity: warning, condition: up(web) == 0 for 10s, summary: Web flaps., runbook: r.md}
    /// routing:
    ///   receiver: email
    ///   group_by: [alertname, service]
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warning}, receiver: slack}
    /// ```
    pub UNKNOWN_GROUP_BY_LABEL = ("R008", "unknown-group-by-label", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::Route;
use std::collections::BTreeSet;

/// Detection: group_by labels outside every label an alert may carry.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(routing) = &m.routing else { return };
    let mut known: BTreeSet<String> = [
        "alertname",
        "severity",
        "service",
        "slo",
        "job",
        "instance",
        "...",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if m.service.team.is_some() {
        known.insert("team".into());
    }
    for a in &m.alerts {
        known.extend(a.labels.iter().map(|(k, _)| k.value.clone()));
        for metric in a.when.iter().flat_map(|w| &w.metrics) {
            if let Some(mt) = m.metric(metric) {
                known.extend(mt.labels.iter().map(|l| l.name.value.clone()));
            }
        }
    }
    walk(&routing.root, &known, out);
}

fn walk(r: &Route, known: &BTreeSet<String>, out: &mut Vec<Diagnostic>) {
    for g in r.group_by.iter().flatten() {
        if !known.contains(&g.value) {
            out.push(
                Diagnostic::new(
                    &UNKNOWN_GROUP_BY_LABEL,
                    g.span,
                    format!("no alert carries the label `{}`", g.value),
                )
                .label("groups nothing")
                .help("group by labels the alerts carry, e.g. alertname, service, severity"),
            );
        }
    }
    for c in &r.routes {
        walk(c, known, out);
    }
}
