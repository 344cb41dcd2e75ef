//! Rule S007 `alert-without-slo`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert that reads an SLO's indicator metric but does not name the SLO
    /// with `slo:`.
    ///
    /// ## Why is this bad?
    /// Its threshold is then not checked against the objective, and the alert, the SLO and
    /// its dashboard are not linked for the on-call engineer.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 0.25, 0.5, 1]}
    /// slos:
    ///   errors: {objective: 99%, sli: {errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}, alerting: {runbook: r.md}}
    /// alerts:
    ///   ManyErrors:
    ///     severity: warning
    ///     condition: 'ratio(shop_requests_total{code="5xx"}, shop_requests_total) > 1% for 5m'
    ///     summary: Many requests fail.
    ///     runbook: r.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 0.25, 0.5, 1]}
    /// slos:
    ///   errors: {objective: 99%, sli: {errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}, alerting: {runbook: r.md}}
    /// alerts:
    ///   ManyErrors:
    ///     severity: warning
    ///     condition: 'ratio(shop_requests_total{code="5xx"}, shop_requests_total) > 1% for 5m'
    ///     slo: errors
    ///     summary: Many requests fail.
    ///     runbook: r.md
    /// ```
    pub ALERT_WITHOUT_SLO = ("S007", "alert-without-slo", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::Sli;

/// Detection: the alert reads the metric of exactly one indicator and names no SLO.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    // Indicator metric (or target) → the first SLO built on it.
    let mut by_metric: std::collections::HashMap<&str, &forge_spec_ir::Slo> =
        std::collections::HashMap::new();
    let mut by_target: std::collections::HashMap<&str, &forge_spec_ir::Slo> =
        std::collections::HashMap::new();
    for s in &m.slos {
        match &s.sli {
            Sli::Ratio { errors, .. } => errors.metric().map(|n| by_metric.entry(n).or_insert(s)),
            Sli::Latency { metric, .. } => metric.metric().map(|n| by_metric.entry(n).or_insert(s)),
            Sli::Uptime { target } => Some(by_target.entry(target.value.as_str()).or_insert(s)),
            // A timeslice SLO's condition is an alert of its own kind: not matched.
            Sli::Timeslice { .. } => None,
        };
    }
    for a in &m.alerts {
        let Some(when) = &a.when else { continue };
        if a.slo.is_some() {
            continue;
        }
        let found = when
            .metrics
            .iter()
            .find_map(|x| by_metric.get(x.as_str()))
            .or_else(|| when.targets.iter().find_map(|t| by_target.get(t.as_str())));
        if let Some(s) = found {
            {
                out.push(
                    Diagnostic::new(
                        &ALERT_WITHOUT_SLO,
                        a.name.span,
                        format!(
                            "alert `{}` watches the indicator of SLO `{}` but does not name it",
                            a.name.value, s.name.value
                        ),
                    )
                    .label("no `slo:`")
                    .secondary(s.name.span, "the SLO")
                    .help(format!(
                        "add `slo: {}` so its threshold is checked against the objective",
                        s.name.value
                    )),
                );
            }
        }
    }
}
