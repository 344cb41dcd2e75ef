//! Rule D002 `panel-without-query`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a panel with no `query`, `queries` or `expr`.
    ///
    /// ## Why is this bad?
    /// The panel would be empty on every load.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    ///   shop_queue_age_seconds: {type: gauge, unit: seconds, help: Age of the oldest job.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Order rate}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    ///   shop_queue_age_seconds: {type: gauge, unit: seconds, help: Age of the oldest job.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Order rate, query: sum(rate(shop_orders_total))}]}
    /// ```
    pub PANEL_WITHOUT_QUERY = ("D002", "panel-without-query", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: panels without any query.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for d in &m.dashboards {
        for p in &d.panels {
            if p.queries.is_empty() {
                out.push(
                    Diagnostic::new(&PANEL_WITHOUT_QUERY, p.span, format!("panel `{}` has no query", p.title.as_ref().map_or("", |t| t.value.as_str())))
                        .label("nothing to draw")
                        .help("add `query:` in the condition language, e.g. `sum(rate(http_requests_total))`"),
                );
            }
        }
    }
}
