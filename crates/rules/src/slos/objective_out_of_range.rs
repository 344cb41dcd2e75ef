//! Rule S001 `objective-out-of-range`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an SLO objective that is not strictly between 0% and 100%.
    ///
    /// ## Why is this bad?
    /// A 100% objective leaves no error budget: every burn-rate threshold is zero and the
    /// alerts fire on the first error; 0% or less means nothing.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 100%, sli: {uptime: web}, alerting: {runbook: r.md}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: web}, alerting: {runbook: r.md}}
    /// ```
    pub OBJECTIVE_OUT_OF_RANGE = ("S001", "objective-out-of-range", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: objectives outside (0, 1).
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for s in &m.slos {
        if !(s.objective > 0.0 && s.objective < 1.0) {
            out.push(
                Diagnostic::new(
                    &OBJECTIVE_OUT_OF_RANGE,
                    s.objective_span,
                    format!(
                        "the objective of SLO `{}` is {}%",
                        s.name.value,
                        forge_spec_expr::units::fmt_num(s.objective * 100.0)
                    ),
                )
                .label("not strictly between 0% and 100%")
                .about(s.name.span)
                .help("an objective needs an error budget: use e.g. 99.9%"),
            );
        }
    }
}
