//! Rule S002 `unsupported-window`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an SLO period that is not a whole number of days between 7d and 90d.
    ///
    /// ## Why is this bad?
    /// The burn-rate alerts use windows up to 3 days; a shorter period makes the slow-burn
    /// ticket meaningless, and partial days make the budget arithmetic unreadable.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, window: 36h, sli: {uptime: web}, alerting: {runbook: r.md}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, window: 28d, sli: {uptime: web}, alerting: {runbook: r.md}}
    /// ```
    pub UNSUPPORTED_WINDOW = ("S002", "unsupported-window", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: periods outside whole days in [7d, 90d].
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    const DAY: u64 = 86_400_000;
    for s in &m.slos {
        let ms = s.period.ms;
        if ms % DAY != 0 || !(7 * DAY..=90 * DAY).contains(&ms) {
            out.push(
                Diagnostic::new(
                    &UNSUPPORTED_WINDOW,
                    s.period_span.unwrap_or(s.name.span),
                    format!("SLO `{}` has a period of {}", s.name.value, s.period),
                )
                .label("not a whole number of days between 7d and 90d")
                .about(s.name.span)
                .help("use 30d (the default), 28d or 7d"),
            );
        }
    }
}
