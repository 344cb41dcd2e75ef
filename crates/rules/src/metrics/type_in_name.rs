//! Rule M006 `type-in-name`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric name that contains its type: `counter`, `gauge`, `histogram`, `summary`.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// The type is metadata already; in the name it is noise, and wrong when the type changes
    /// (promlint reports it).
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_counter_total: {type: counter, help: Orders.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders.}
    /// ```
    pub TYPE_IN_NAME = ("M006", "type-in-name", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: a name token that is a metric type.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        if let Some(tok) = mt
            .name
            .value
            .split('_')
            .find(|t| matches!(*t, "counter" | "gauge" | "histogram" | "summary"))
        {
            out.push(
                Diagnostic::new(
                    &TYPE_IN_NAME,
                    mt.name.span,
                    format!("`{}` contains the metric type `{tok}`", mt.name.value),
                )
                .label("type in the name")
                .help(format!("drop `_{tok}` from the name")),
            );
        }
    }
}
