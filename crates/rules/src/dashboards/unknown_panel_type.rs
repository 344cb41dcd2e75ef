//! Rule D005 `unknown-panel-type`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a panel `type` other than `timeseries`, `stat`, `gauge`, `bargauge`, `table`,
    /// `heatmap` or `histogram`.
    ///
    /// ## Why is this bad?
    /// Grafana would show "panel plugin not found", and forge-spec validates each panel's
    /// options against the schema of its type.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    ///   shop_queue_age_seconds: {type: gauge, unit: seconds, help: Age of the oldest job.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Orders, type: graph, query: sum(rate(shop_orders_total))}]}
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
    ///   orders: {title: Orders, panels: [{title: Orders, type: timeseries, query: sum(rate(shop_orders_total))}]}
    /// ```
    pub UNKNOWN_PANEL_TYPE = ("D005", "unknown-panel-type", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_base::diag::did_you_mean;

pub use forge_spec_ir::closed::PANEL_TYPES;

/// Detection: panel types outside the supported set.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for d in &m.dashboards {
        for p in &d.panels {
            let Some(k) = &p.kind else { continue };
            if !PANEL_TYPES.contains(&k.value.as_str()) {
                let diag = Diagnostic::new(
                    &UNKNOWN_PANEL_TYPE,
                    k.span,
                    format!("`{}` is not a supported panel type", k.value),
                )
                .label("unknown type")
                .about(p.span);
                out.push(match did_you_mean(&k.value, PANEL_TYPES.iter().copied()) {
                    Some(s) => diag.did_you_mean(s),
                    None => diag.help(format!(
                        "use one of: {} (`graph` is now `timeseries`)",
                        PANEL_TYPES.join(", ")
                    )),
                });
            }
        }
    }
}
