//! Rule M001 `counter-without-total`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a counter whose name does not end in `_total`.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// Prometheus' naming convention (checked by promlint) marks counters with `_total`;
    /// PromQL readers rely on it to know that `rate()` applies, and OpenMetrics clients
    /// append it anyway, so the exposed name would differ from the spec's.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders: {type: counter, help: Orders placed.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// ```
    pub COUNTER_WITHOUT_TOTAL = ("M001", "counter-without-total", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: counters not ending in `_total`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        if mt.kind == forge_spec_expr::MetricKind::Counter && !mt.name.value.ends_with("_total") {
            out.push(
                Diagnostic::new(
                    &COUNTER_WITHOUT_TOTAL,
                    mt.name.span,
                    format!("counter `{}` does not end in `_total`", mt.name.value),
                )
                .label("a counter")
                .help(format!("rename it to `{}_total`", mt.name.value)),
            );
        }
    }
}
