//! Rule S006 `threshold-differs-from-slo`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert tied to an SLO (`slo:`) whose threshold differs from what the SLO
    /// implies: a latency alert on the SLO's histogram whose threshold is not the SLO's
    /// `below:`, or an error-ratio alert whose threshold is not the SLO's error budget. The
    /// message gives the factor.
    ///
    /// ## Why is this bad?
    /// The guide's own advice is "use meaningful thresholds based on SLOs". An alert at 1s
    /// against a 500ms latency objective lets the SLO burn for a long time before anyone is
    /// told (2× looser); one stricter than the SLO pages for problems users do not feel.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 0.25, 0.5, 1]}
    /// slos:
    ///   latency: {objective: 95%, sli: {latency: {metric: shop_request_duration_seconds, below: 500ms}}, alerting: {runbook: r.md}}
    /// alerts:
    ///   SlowRequests:
    ///     severity: warning
    ///     condition: p95(shop_request_duration_seconds) > 1s for 5m
    ///     slo: latency
    ///     summary: Requests are slow.
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
    ///   latency: {objective: 95%, sli: {latency: {metric: shop_request_duration_seconds, below: 500ms}}, alerting: {runbook: r.md}}
    /// alerts:
    ///   SlowRequests:
    ///     severity: warning
    ///     condition: p95(shop_request_duration_seconds) > 500ms for 5m
    ///     slo: latency
    ///     summary: Requests are slow.
    ///     runbook: r.md
    /// ```
    pub THRESHOLD_DIFFERS_FROM_SLO = ("S006", "threshold-differs-from-slo", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_expr::ast::{Expr, ExprKind};
use forge_spec_expr::units::fmt_num;
use forge_spec_ir::Sli;

/// The threshold an alert compares against and the function on its left side.
fn shape(e: &Expr) -> Option<(&str, Option<&str>, f64, forge_spec_expr::ast::Pos)> {
    let ExprKind::Binary(op, l, r, m) = &e.kind else {
        return None;
    };
    if !op.is_comparison() || m.bool_ {
        return None;
    }
    let ExprKind::Number(q) = &r.kind else {
        return None;
    };
    let ExprKind::Call(c) = &l.kind else {
        return None;
    };
    let metric = c.args.iter().rev().find_map(|a| match &a.kind {
        ExprKind::Selector(s) => Some(s.metric.as_str()),
        _ => None,
    });
    Some((c.func.as_str(), metric, q.value, r.pos))
}

fn factor(alert: f64, slo: f64) -> String {
    if alert > slo {
        format!("{}× looser", fmt_num((alert / slo * 100.0).round() / 100.0))
    } else {
        format!(
            "{}× stricter",
            fmt_num((slo / alert * 100.0).round() / 100.0)
        )
    }
}

/// Detection: compare the alert's threshold with the SLO's implied one.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for a in &m.alerts {
        let (Some(slo_ref), Some(when)) = (&a.slo, &a.when) else {
            continue;
        };
        let Some(slo) = m.slo(&slo_ref.value) else {
            continue;
        };
        let Some(cond) = &when.condition else {
            continue;
        };
        let Some((func, metric, threshold, at)) = shape(&cond.expr) else {
            continue;
        };
        let implied = match (&slo.sli, func) {
            (
                Sli::Latency {
                    metric: hm,
                    below,
                    below_span,
                },
                "p50" | "p75" | "p90" | "p95" | "p99" | "quantile",
            ) if hm.metric() == metric => Some((
                *below,
                format!("{}s", fmt_num(*below)),
                format!("{}s", fmt_num(threshold)),
                *below_span,
            )),
            (Sli::Ratio { .. }, "ratio") => {
                let budget = forge_spec_expr::units::round12(1.0 - slo.objective);
                Some((
                    budget,
                    format!("{}%", fmt_num(budget * 100.0)),
                    format!("{}%", fmt_num(threshold * 100.0)),
                    slo.objective_span,
                ))
            }
            _ => None,
        };
        let Some((implied, implied_text, alert_text, slo_span)) = implied else {
            continue;
        };
        if (implied - threshold).abs() > 1e-12 * implied.abs().max(1.0) && threshold > 0.0 {
            out.push(
                Diagnostic::new(
                    &THRESHOLD_DIFFERS_FROM_SLO,
                    when.map.span(at),
                    format!("`{}` fires at {alert_text}, {} than SLO `{}` ({implied_text})", a.name.value, factor(threshold, implied), slo.name.value),
                )
                .label(format!("threshold {alert_text}"))
                .about(a.name.span)
                .secondary(slo_span, format!("SLO `{}` implies {implied_text}", slo.name.value))
                .help(format!("alert at the SLO's threshold ({implied_text}), or rely on the SLO's burn-rate alerts and drop `slo:`")),
            );
        }
    }
}
