//! Rule S005 `latency-threshold-not-bucket`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a latency indicator whose `below:` threshold is not one of its histogram's
    /// bucket bounds.
    ///
    /// ## Why is this bad?
    /// "Requests faster than 500ms" is computed from the `le="0.5"` bucket; without that
    /// bucket the share can only be estimated, and the SLO would be measured wrongly.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 0.25, 0.5, 1]}
    /// slos:
    ///   latency: {objective: 95%, sli: {latency: {metric: shop_request_duration_seconds, below: 300ms}}, alerting: {runbook: r.md}}
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
    ///   latency: {objective: 95%, sli: {latency: {metric: shop_request_duration_seconds, below: 250ms}}, alerting: {runbook: r.md}}
    /// ```
    pub LATENCY_THRESHOLD_NOT_BUCKET = ("S005", "latency-threshold-not-bucket", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::Sli;

/// Detection: `below` not among the declared buckets.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for s in &m.slos {
        let Sli::Latency {
            metric,
            below,
            below_span,
        } = &s.sli
        else {
            continue;
        };
        let Some(name) = metric.metric() else {
            continue;
        };
        let Some(mt) = m.metric(name) else { continue };
        if !mt.buckets.iter().any(|b| (b.value - below).abs() < 1e-12) {
            let bounds: Vec<String> = mt
                .buckets
                .iter()
                .map(|b| forge_spec_expr::units::fmt_num(b.value))
                .collect();
            let d = Diagnostic::new(
                &LATENCY_THRESHOLD_NOT_BUCKET,
                *below_span,
                format!(
                    "{}s is not a bucket bound of `{name}`",
                    forge_spec_expr::units::fmt_num(*below)
                ),
            )
            .label("no such bucket")
            .about(s.name.span)
            .help(format!(
                "use one of its bounds ({}s) or add this one to its buckets",
                bounds.join("s, ")
            ));
            let d = match mt.buckets_span {
                Some(sp) => d.secondary(sp, "buckets declared here"),
                None => d,
            };
            out.push(d);
        }
    }
}
