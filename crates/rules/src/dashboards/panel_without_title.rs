//! Rule D001 `panel-without-title`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a dashboard panel without a title.
    ///
    /// ## Why is this bad?
    /// An untitled panel cannot be linked from an alert (`dashboard: uid#title`) and tells the
    /// reader nothing.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    ///   shop_queue_age_seconds: {type: gauge, unit: seconds, help: Age of the oldest job.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{query: sum(rate(shop_orders_total))}]}
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
    pub PANEL_WITHOUT_TITLE = ("D001", "panel-without-title", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: panels with no or an empty title.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for d in &m.dashboards {
        for (i, p) in d.panels.iter().enumerate() {
            if p.title.as_ref().is_none_or(|t| t.value.trim().is_empty()) {
                let span = p.queries.first().map_or(d.uid.span, |q| q.text.span);
                out.push(
                    Diagnostic::new(
                        &PANEL_WITHOUT_TITLE,
                        span,
                        format!(
                            "panel {} of dashboard `{}` has no title",
                            i + 1,
                            d.uid.value
                        ),
                    )
                    .label("untitled panel")
                    .help("add `title:` saying what the panel shows"),
                );
            }
        }
    }
}
