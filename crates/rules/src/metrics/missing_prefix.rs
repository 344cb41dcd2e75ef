//! Rule M010 `missing-prefix`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric that does not start with `service.metric_prefix` and is not marked
    /// `standard: true`.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// Application metrics without the prefix collide with other services' and exporters'
    /// metrics of the same name (the guide's bad example: `training_jobs`).
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   training_jobs_total: {type: counter, help: Training jobs.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_training_jobs_total: {type: counter, help: Training jobs.}
    /// ```
    pub MISSING_PREFIX = ("M010", "missing-prefix", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: non-standard metrics without the prefix.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(prefix) = &m.service.metric_prefix else {
        return;
    };
    for mt in m.named_by_team() {
        if !mt.standard && !mt.name.value.starts_with(&prefix.value) {
            out.push(
                Diagnostic::new(&MISSING_PREFIX, mt.name.span, format!("`{}` does not start with `{}`", mt.name.value, prefix.value))
                    .label("no application prefix")
                    .secondary(prefix.span, "the prefix is set here")
                    .help(format!(
                        "rename it to `{}{}`, or mark it `standard: true` if it is a well-known client or exporter metric",
                        prefix.value, mt.name.value
                    )),
            );
        }
    }
}
