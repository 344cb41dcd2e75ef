//! Rule M015 `cardinality-budget`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric whose label combinations (the product of every label's value bound)
    /// exceed 1,000 series, and a catalogue whose total exceeds 100,000 series.
    ///
    /// ## Why is this bad?
    /// Every combination is a time series in Prometheus' memory; high-cardinality metrics are
    /// the most common cause of a Prometheus running out of memory.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total:
    ///     type: counter
    ///     help: Orders.
    ///     labels: {route: {max_values: 100}, region: {max_values: 50}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total:
    ///     type: counter
    ///     help: Orders.
    ///     labels: {route: {max_values: 100}, region: {values: [eu, us]}}
    /// ```
    pub CARDINALITY_BUDGET = ("M015", "cardinality-budget", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Series one metric may have.
pub const PER_METRIC: u64 = 1_000;
/// Series the whole catalogue may have.
pub const TOTAL: u64 = 100_000;

/// Upper bound of a metric's series count (histograms: one per bucket plus three).
pub fn series_bound(mt: &forge_spec_ir::Metric) -> u64 {
    let labels = mt.labels.iter().fold(1u64, |acc, l| {
        let n = l
            .values
            .as_ref()
            .map(|v| v.len() as u64)
            .or(l.max_values.as_ref().map(|v| v.value))
            .unwrap_or(1);
        acc.saturating_mul(n.max(1))
    });
    let per_set = if mt.kind == forge_spec_expr::MetricKind::Histogram {
        mt.buckets.len() as u64 + 3
    } else {
        1
    };
    labels.saturating_mul(per_set)
}

/// Detection: product of label bounds over the budgets.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let mut total: u64 = 0;
    for mt in &m.metrics {
        let labels = mt.labels.iter().fold(1u64, |acc, l| {
            acc.saturating_mul(
                l.values
                    .as_ref()
                    .map(|v| v.len() as u64)
                    .or(l.max_values.as_ref().map(|v| v.value))
                    .unwrap_or(1)
                    .max(1),
            )
        });
        total = total.saturating_add(series_bound(mt));
        if labels > PER_METRIC && !mt.catalog {
            out.push(
                Diagnostic::new(
                    &CARDINALITY_BUDGET,
                    mt.name.span,
                    format!(
                        "`{}` may have {labels} label combinations (budget {PER_METRIC})",
                        mt.name.value
                    ),
                )
                .label("too many series")
                .help("drop a label, close its value set, or lower its `max_values`"),
            );
        }
    }
    if total > TOTAL
        && let Some(first) = m.metrics.first()
    {
        out.push(
            Diagnostic::new(
                &CARDINALITY_BUDGET,
                first.name.span,
                format!("the catalogue may have {total} series (budget {TOTAL})"),
            )
            .label("first metric of the catalogue")
            .about_none()
            .help("reduce label bounds on the largest metrics"),
        );
    }
}
