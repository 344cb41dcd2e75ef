//! Rule D006 `duplicate-panel-title`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports two panels with the same title in one dashboard.
    ///
    /// ## Why is this bad?
    /// Alerts link to panels by title (`dashboard: uid#title`); a repeated title makes the
    /// link ambiguous.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    ///   shop_queue_age_seconds: {type: gauge, unit: seconds, help: Age of the oldest job.}
    /// dashboards:
    ///   queue: {title: Queue, panels: [{title: Queue, query: shop_queue_depth}, {title: Queue, query: shop_queue_age_seconds}]}
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
    ///   queue: {title: Queue, panels: [{title: Depth, query: shop_queue_depth}, {title: Age, query: shop_queue_age_seconds}]}
    /// ```
    pub DUPLICATE_PANEL_TITLE = ("D006", "duplicate-panel-title", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: repeated titles within a dashboard.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for d in &m.dashboards {
        for (i, p) in d.panels.iter().enumerate() {
            let Some(t) = &p.title else { continue };
            if let Some(first) = d.panels[..i]
                .iter()
                .filter_map(|q| q.title.as_ref())
                .find(|q| q.value == t.value)
            {
                out.push(
                    Diagnostic::new(
                        &DUPLICATE_PANEL_TITLE,
                        t.span,
                        format!(
                            "dashboard `{}` has two panels titled `{}`",
                            d.uid.value, t.value
                        ),
                    )
                    .label("second panel")
                    .secondary(first.span, "first panel")
                    .help("give each panel its own title"),
                );
            }
        }
    }
}
