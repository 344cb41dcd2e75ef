//! Rule M009 `missing-help`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric without `help:` text.
    ///
    /// ## Why is this bad?
    /// The help text is the `# HELP` line of the exposition, the doc comment of the generated
    /// Rust binding, and the only description a dashboard reader gets.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// ```
    pub MISSING_HELP = ("M009", "missing-help", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: no help, or an empty one.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.declared_metrics() {
        if mt.help.as_ref().is_none_or(|h| h.value.trim().is_empty()) {
            out.push(
                Diagnostic::new(
                    &MISSING_HELP,
                    mt.name.span,
                    format!("metric `{}` has no help text", mt.name.value),
                )
                .label("no `help:`")
                .help("add `help:` with one sentence saying what is counted or measured"),
            );
        }
    }
}
