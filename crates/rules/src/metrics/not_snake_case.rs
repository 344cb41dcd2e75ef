//! Rule M008 `not-snake-case`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports metric and label names that are not snake_case (capital letters, camelCase).
    /// Metrics marked `standard: true` (an exporter's or client library's, such as
    /// node_exporter's `node_memory_MemAvailable_bytes`) keep the names they have.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// Prometheus names are snake_case by convention (promlint); mixed case makes queries
    /// error-prone because names are case-sensitive.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_ordersPlaced_total: {type: counter, help: Orders.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_placed_total: {type: counter, help: Orders.}
    /// ```
    pub NOT_SNAKE_CASE = ("M008", "not-snake-case", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Detection: uppercase letters in metric or label names.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team().filter(|mt| !mt.standard) {
        let names = std::iter::once((&mt.name, "metric"))
            .chain(mt.labels.iter().map(|l| (&l.name, "label")));
        for (n, what) in names {
            if n.value.chars().any(|c| c.is_ascii_uppercase()) {
                out.push(
                    Diagnostic::new(
                        &NOT_SNAKE_CASE,
                        n.span,
                        format!("{what} name `{}` is not snake_case", n.value),
                    )
                    .label("capital letters")
                    .about(mt.name.span)
                    .help(format!("rename it to `{}`", snake(&n.value))),
                );
            }
        }
    }
}
