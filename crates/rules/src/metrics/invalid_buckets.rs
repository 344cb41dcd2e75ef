//! Rule M014 `invalid-buckets`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports histogram buckets that are not sorted ascending, not positive, or repeated, and
    /// buckets declared on a metric that is not a histogram.
    ///
    /// ## Why is this bad?
    /// Client libraries refuse unsorted or repeated buckets at start-up, and
    /// `histogram_quantile` needs ascending bounds.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.5, 0.1, 0.1]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 0.5]}
    /// ```
    pub INVALID_BUCKETS = ("M014", "invalid-buckets", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: bucket order, sign and repeats; buckets on non-histograms.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.declared_metrics() {
        let Some(span) = mt.buckets_span else {
            continue;
        };
        if mt.kind != forge_spec_expr::MetricKind::Histogram {
            out.push(
                Diagnostic::new(
                    &INVALID_BUCKETS,
                    span,
                    format!("`{}` is a {} but declares buckets", mt.name.value, mt.kind),
                )
                .label("only histograms have buckets")
                .about(mt.name.span)
                .help("remove `buckets:` or make the metric a histogram"),
            );
            continue;
        }
        let mut problems = Vec::new();
        for (i, b) in mt.buckets.iter().enumerate() {
            if b.value <= 0.0 || !b.value.is_finite() {
                problems.push(format!("bucket {} is not a positive number", b.value));
            }
            if i > 0 && b.value <= mt.buckets[i - 1].value {
                problems.push(format!(
                    "bucket {} does not follow {} in ascending order",
                    b.value,
                    mt.buckets[i - 1].value
                ));
            }
        }
        if let Some(first) = problems.first() {
            out.push(
                Diagnostic::new(&INVALID_BUCKETS, span, format!("the buckets of `{}` are invalid: {first}", mt.name.value))
                    .label(if problems.len() > 1 { format!("{} problems", problems.len()) } else { "invalid".into() })
                    .help("list distinct positive upper bounds in ascending order; +Inf is added automatically")
                    .about(mt.name.span),
            );
        }
    }
}
