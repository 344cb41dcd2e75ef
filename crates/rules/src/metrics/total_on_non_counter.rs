//! Rule M002 `total-on-non-counter`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a gauge, histogram or summary whose name ends in `_total`.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// `_total` promises a counter; readers would apply `rate()` to a value that goes down.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_queue_total: {type: gauge, help: Jobs waiting.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_queue_jobs: {type: gauge, help: Jobs waiting.}
    /// ```
    pub TOTAL_ON_NON_COUNTER = ("M002", "total-on-non-counter", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: non-counters ending in `_total`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        if mt.kind != forge_spec_expr::MetricKind::Counter && mt.name.value.ends_with("_total") {
            out.push(
                Diagnostic::new(
                    &TOTAL_ON_NON_COUNTER,
                    mt.name.span,
                    format!("{} `{}` ends in `_total`", mt.kind, mt.name.value),
                )
                .label(format!("a {}", mt.kind))
                .secondary(mt.kind_span, "declared here")
                .help(format!(
                    "drop the suffix: `{}`, or make it a counter",
                    mt.name.value.trim_end_matches("_total")
                )),
            );
        }
    }
}
