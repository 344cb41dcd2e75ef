//! Rule S008 `slo-without-alerting`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an SLO with no alerting path: its burn-rate alerts are disabled and no alert
    /// names it with `slo:`. (Burn-rate alerts that can never fire are S012's.)
    ///
    /// ## Why is this bad?
    /// Nobody is told when the SLO is missed; the objective is a number on a dashboard, not a
    /// promise.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: web}, alerting: {disabled: true}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: web}, alerting: {runbook: r.md}}
    /// ```
    pub SLO_WITHOUT_ALERTING = ("S008", "slo-without-alerting", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: disabled burn-rate alerts with no explicit alert.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let named_by_alerts: std::collections::HashSet<&str> = m
        .alerts
        .iter()
        .filter_map(|a| a.slo.as_ref().map(|r| r.value.as_str()))
        .collect();
    for s in &m.slos {
        let named = named_by_alerts.contains(s.name.value.as_str());
        if s.alerting_disabled && !named {
            out.push(
                Diagnostic::new(
                    &SLO_WITHOUT_ALERTING,
                    s.name.span,
                    format!("nothing alerts on SLO `{}`", s.name.value),
                )
                .label("burn-rate alerts disabled, and no alert names it")
                .help("enable its burn-rate alerts, or add an alert with `slo:` naming it"),
            );
        }
    }
}
