//! Rule M012 `reserved-label`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports label names starting with `__`.
    ///
    /// ## Why is this bad?
    /// Names beginning with two underscores are reserved for Prometheus' internal use
    /// (`__name__`, `__address__`); they are dropped or overwritten.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders., labels: {__region: {values: [eu]}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders., labels: {region: {values: [eu]}}}
    /// ```
    pub RESERVED_LABEL = ("M012", "reserved-label", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: labels starting with `__`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.declared_metrics() {
        for l in &mt.labels {
            if l.name.value.starts_with("__") {
                out.push(
                    Diagnostic::new(
                        &RESERVED_LABEL,
                        l.name.span,
                        format!("label `{}` starts with `__`", l.name.value),
                    )
                    .label("reserved for Prometheus")
                    .about(mt.name.span)
                    .help(format!(
                        "rename it to `{}`",
                        l.name.value.trim_start_matches('_')
                    )),
                );
            }
        }
    }
}
