//! Rule S009 `low-traffic-slo`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an event SLO whose expected volume (`expected_events_per_day`) does not fit
    /// its burn-rate alerts: the hour of the fastest page window would rarely hold the
    /// `min_events` the low-traffic guard asks for (the page would hardly ever fire), or,
    /// with the guard off (`min_events: 0`), so few events that one error alone exceeds the
    /// page threshold (one failed request pages).
    ///
    /// ## Why is this bad?
    /// Burn rates are ratios: over a handful of events they swing between 0% and 100%.
    /// Either the page is noise (one error of one event pages) or, guarded, it is silent.
    /// A low-volume indicator needs a longer window, a looser objective, or an alert on
    /// the errors themselves.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_jobs_total: {type: counter, help: Jobs run.}
    ///   shop_jobs_failed_total: {type: counter, help: Jobs that failed.}
    /// slos:
    ///   jobs:
    ///     objective: 99%
    ///     sli: {errors: shop_jobs_failed_total, total: shop_jobs_total}
    ///     expected_events_per_day: 48
    ///     alerting: {runbook: r.md}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_jobs_total: {type: counter, help: Jobs run.}
    ///   shop_jobs_failed_total: {type: counter, help: Jobs that failed.}
    /// slos:
    ///   jobs:
    ///     objective: 99%
    ///     sli: {errors: shop_jobs_failed_total, total: shop_jobs_total}
    ///     expected_events_per_day: 4800
    ///     alerting: {runbook: r.md}
    /// ```
    pub LOW_TRAFFIC_SLO = ("S009", "low-traffic-slo", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_expr::units::fmt_num;
use forge_spec_ir::slo::{Urgency, threshold};

/// Detection: expected events in the fastest page window against the guard, or against
/// one error's share when there is no guard.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.model.slos {
        let Some(per_day) = &s.expected_events_per_day else {
            continue;
        };
        if !s.counts_events() || s.alerting_disabled {
            continue;
        }
        let Some(fastest) = s
            .windows
            .iter()
            .copied()
            .filter(|w| w.urgency == Urgency::Page)
            .min_by_key(|w| w.long.ms)
        else {
            continue;
        };
        let expected = per_day.value * fastest.long.ms as f64 / 86_400_000.0;
        let window = fastest.long.to_prometheus();
        let t = threshold(&fastest, s.objective);
        let (message, help) = if s.min_events > 0 {
            if expected >= s.min_events as f64 {
                continue;
            }
            (
                format!(
                    "SLO `{}` expects ~{} events in its {window} page window, fewer than the {} its low-traffic guard needs: it would hardly ever page",
                    s.name.value,
                    fmt_num((expected * 10.0).round() / 10.0),
                    s.min_events
                ),
                "alert on this indicator over a longer window (a ticket), loosen the objective, or alert on the errors themselves",
            )
        } else {
            if expected * t >= 1.0 || expected <= 0.0 {
                continue;
            }
            (
                format!(
                    "SLO `{}` expects ~{} events in its {window} page window: one error alone is over its {}% page threshold",
                    s.name.value,
                    fmt_num((expected * 10.0).round() / 10.0),
                    fmt_num(t * 100.0)
                ),
                "keep the low-traffic guard (drop `min_events: 0`), or alert on the errors themselves",
            )
        };
        out.push(
            Diagnostic::new(&LOW_TRAFFIC_SLO, per_day.span, message)
                .label("expected volume")
                .about(s.name.span)
                .help(help),
        );
    }
}
