//! Rule D004 `mixed-units-in-panel`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a panel whose queries have different units (seconds and bytes on one axis), or
    /// whose explicit `unit:` contradicts the unit of its queries.
    ///
    /// ## Why is this bad?
    /// Grafana draws one unit per panel: some series would be labelled wrongly.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    ///   shop_queue_age_seconds: {type: gauge, unit: seconds, help: Age of the oldest job.}
    /// dashboards:
    ///   queue: {title: Queue, panels: [{title: Queue, queries: [shop_queue_depth, shop_queue_age_seconds]}]}
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
    pub MIXED_UNITS_IN_PANEL = ("D004", "mixed-units-in-panel", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_expr::Unit;

/// Detection: two different known units among a panel's queries.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for d in &m.dashboards {
        for p in &d.panels {
            let units: Vec<(&Unit, &forge_spec_ir::Query)> = p
                .queries
                .iter()
                .filter_map(|q| q.ty.as_ref().map(|t| (&t.unit, q)))
                .collect();
            if let Some((first, fq)) = units.first()
                && let Some((other, oq)) = units.iter().find(|(u, _)| u != first)
            {
                out.push(
                    Diagnostic::new(
                        &MIXED_UNITS_IN_PANEL,
                        oq.text.span,
                        format!(
                            "panel `{}` mixes {} and {}",
                            p.title.as_ref().map_or("", |t| t.value.as_str()),
                            first.name(),
                            other.name()
                        ),
                    )
                    .label(format!("in {}", other.name()))
                    .secondary(fq.text.span, format!("in {}", first.name()))
                    .help("split the panel: one unit per panel")
                    .about(p.span),
                );
            }
        }
    }
}
