//! Rule M003 `reserved-suffix`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric whose name ends in `_bucket`, `_count` or `_sum` without being a
    /// histogram (or a summary for `_count`/`_sum`), a non-histogram with an `le` label, and a
    /// non-summary with a `quantile` label.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// Those suffixes and labels are the series a histogram or summary exposes; reusing them
    /// collides with real histograms and confuses `histogram_quantile`.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_count: {type: gauge, help: Orders in the basket.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_basket_orders: {type: gauge, help: Orders in the basket.}
    /// ```
    pub RESERVED_SUFFIX = ("M003", "reserved-suffix", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_expr::MetricKind;

/// Detection: reserved suffixes and labels on the wrong metric type.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        let n = &mt.name.value;
        let bad_suffix = ["_bucket", "_count", "_sum"]
            .into_iter()
            .find(|s| n.ends_with(s))
            .filter(|s| {
                !(mt.kind == MetricKind::Histogram
                    || (mt.kind == MetricKind::Summary && *s != "_bucket"))
            });
        if let Some(s) = bad_suffix {
            out.push(
                Diagnostic::new(&RESERVED_SUFFIX, mt.name.span, format!("`{n}` ends in `{s}`, a suffix reserved for histogram series"))
                    .label("reserved suffix")
                    .help("rename the metric; histograms expose `_bucket`, `_count` and `_sum` themselves"),
            );
        }
        for l in &mt.labels {
            let reserved = match l.name.value.as_str() {
                "le" => true,
                "quantile" => mt.kind != MetricKind::Summary,
                _ => false,
            };
            if reserved {
                out.push(
                    Diagnostic::new(
                        &RESERVED_SUFFIX,
                        l.name.span,
                        format!(
                            "label `{}` is reserved for histogram and summary series",
                            l.name.value
                        ),
                    )
                    .label("reserved label")
                    .about(mt.name.span)
                    .help("rename the label"),
                );
            }
        }
    }
}
