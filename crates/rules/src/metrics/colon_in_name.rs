//! Rule M007 `colon-in-name`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric name containing `:`.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// Colons are reserved for recording rules (`level:metric:operations`); an instrumented
    /// metric with one collides with rule names.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop:orders_total: {type: counter, help: Orders.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders.}
    /// ```
    pub COLON_IN_NAME = ("M007", "colon-in-name", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: `:` in a metric name.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        if mt.name.value.contains(':') {
            out.push(
                Diagnostic::new(
                    &COLON_IN_NAME,
                    mt.name.span,
                    format!("`{}` contains `:`", mt.name.value),
                )
                .label("reserved for recording rules")
                .help(format!("use `_`: `{}`", mt.name.value.replace(':', "_"))),
            );
        }
    }
}
