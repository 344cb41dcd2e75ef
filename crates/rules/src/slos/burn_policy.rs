//! Rule S011 `invalid-burn-policy`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Checks a custom burn-rate alert policy (`alerting.windows`, `defaults.burn_windows`):
    /// each pair's short window is shorter than its long one, the long window fits in the
    /// SLO's period, the factor is positive, and the page burns faster than the ticket
    /// (every page factor above every ticket factor).
    ///
    /// ## Why is this bad?
    /// A short window as long as the long one no longer resets quickly after the fire is
    /// out; a window longer than the period, or a factor of zero, alerts on every error;
    /// a page slower than its ticket pages for what should be a ticket.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability:
    ///     objective: 99.9%
    ///     sli: {uptime: web}
    ///     alerting:
    ///       runbook: r.md
    ///       windows:
    ///         - {urgency: page, long: 1h, short: 2h, factor: 14.4}
    ///         - {urgency: ticket, long: 3d, short: 6h, factor: 1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability:
    ///     objective: 99.9%
    ///     sli: {uptime: web}
    ///     alerting:
    ///       runbook: r.md
    ///       windows:
    ///         - {urgency: page, long: 1h, short: 5m, factor: 14.4}
    ///         - {urgency: ticket, long: 3d, short: 6h, factor: 1}
    /// ```
    pub INVALID_BURN_POLICY = ("S011", "invalid-burn-policy", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_expr::units::fmt_num;
use forge_spec_ir::slo::Urgency;

/// Detection: each written window pair, then the page against the ticket.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in &cx.model.slos {
        let period = s.period.to_prometheus();
        for w in &s.windows {
            let Some(span) = w.span else { continue };
            let problem = if w.short >= w.long {
                Some(format!(
                    "the short window ({}) is not shorter than the long one ({})",
                    w.short.to_prometheus(),
                    w.long.to_prometheus()
                ))
            } else if w.long > s.period {
                Some(format!(
                    "the long window ({}) is longer than the SLO's period ({period})",
                    w.long.to_prometheus()
                ))
            } else if w.factor <= 0.0 || !w.factor.is_finite() {
                Some(format!("the factor {} is not positive", fmt_num(w.factor)))
            } else {
                None
            };
            if let Some(problem) = problem {
                out.push(
                    Diagnostic::new(
                        &INVALID_BURN_POLICY,
                        span,
                        format!("a burn-rate window pair of SLO `{}`: {problem}", s.name.value),
                    )
                    .label("this window pair")
                    .about(s.name.span)
                    .help("a pair alerts when both windows burn faster than `factor`: the short window (about a twelfth of the long one) makes the alert stop soon after the burn stops"),
                );
            }
        }
        // Pairs already reported (a factor that is not positive) are not compared.
        let factors = |u: Urgency| {
            s.windows
                .iter()
                .filter(move |w| w.urgency == u && w.span.is_some() && w.factor > 0.0)
        };
        let slowest_page = factors(Urgency::Page).min_by(|a, b| a.factor.total_cmp(&b.factor));
        let fastest_ticket = factors(Urgency::Ticket).max_by(|a, b| a.factor.total_cmp(&b.factor));
        if let (Some(p), Some(t)) = (slowest_page, fastest_ticket)
            && p.factor <= t.factor
            && let Some(span) = p.span
        {
            let mut d = Diagnostic::new(
                &INVALID_BURN_POLICY,
                span,
                format!(
                    "SLO `{}` pages at a burn rate of {}, no faster than its ticket ({})",
                    s.name.value,
                    fmt_num(p.factor),
                    fmt_num(t.factor)
                ),
            )
            .label("page window pair")
            .about(s.name.span)
            .help("give the page the higher factors (the workbook pages at 14.4 and 6, tickets at 3 and 1)");
            if let Some(ts) = t.span {
                d = d.secondary(ts, "ticket window pair");
            }
            out.push(d);
        }
    }
}
