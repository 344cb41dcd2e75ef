//! Rule D003 `raw-counter-in-panel`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a panel query that shows a counter's raw value instead of its `rate` or
    /// `increase`.
    ///
    /// ## Why is this bad?
    /// A raw counter only ever goes up and resets on restart; the graph shows process uptime,
    /// not traffic.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    ///   shop_queue_age_seconds: {type: gauge, unit: seconds, help: Age of the oldest job.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Orders, query: shop_orders_total}]}
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
    ///   orders: {title: Orders, panels: [{title: Orders, query: sum(rate(shop_orders_total))}]}
    /// ```
    pub RAW_COUNTER_IN_PANEL = ("D003", "raw-counter-in-panel", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: a query whose type is still a raw counter.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for d in &m.dashboards {
        for p in &d.panels {
            for q in &p.queries {
                let raw = q.ty.as_ref().and_then(|t| t.raw);
                if raw == Some(forge_spec_expr::MetricKind::Counter)
                    && !q.promql.contains("_bucket")
                {
                    out.push(
                        Diagnostic::new(
                            &RAW_COUNTER_IN_PANEL,
                            q.text.span,
                            format!(
                                "panel `{}` shows a raw counter",
                                p.title.as_ref().map_or("", |t| t.value.as_str())
                            ),
                        )
                        .label("a counter's raw value")
                        .about(p.span)
                        .help(format!(
                            "show its rate: `rate({})` or `increase(...)`",
                            q.text.value.trim()
                        )),
                    );
                }
            }
        }
    }
}
