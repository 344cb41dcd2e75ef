//! Rule M011 `invalid-name`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports metric names that do not match `[a-zA-Z_:][a-zA-Z0-9_:]*` and label names that do
    /// not match `[a-zA-Z_][a-zA-Z0-9_]*`.
    ///
    /// ## Why is this bad?
    /// Prometheus refuses such names at scrape time; the metric would never be stored.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop-orders_total: {type: counter, help: Orders.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders.}
    /// ```
    pub INVALID_NAME = ("M011", "invalid-name", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

fn valid(s: &str, colon: bool) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || (colon && c == ':'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

/// Detection: names outside Prometheus' name and label regexes.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.declared_metrics() {
        if !valid(&mt.name.value, true) {
            out.push(
                Diagnostic::new(
                    &INVALID_NAME,
                    mt.name.span,
                    format!("`{}` is not a valid metric name", mt.name.value),
                )
                .label("not [a-zA-Z_:][a-zA-Z0-9_:]*")
                .help("use letters, digits and `_` only, not starting with a digit"),
            );
        }
        for l in &mt.labels {
            if !valid(&l.name.value, false) {
                out.push(
                    Diagnostic::new(
                        &INVALID_NAME,
                        l.name.span,
                        format!("`{}` is not a valid label name", l.name.value),
                    )
                    .label("not [a-zA-Z_][a-zA-Z0-9_]*")
                    .about(mt.name.span)
                    .help("use letters, digits and `_` only, not starting with a digit"),
                );
            }
        }
    }
}
