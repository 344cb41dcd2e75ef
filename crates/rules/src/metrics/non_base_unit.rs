//! Rule M004 `non-base-unit`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric name with a non-base unit: milliseconds, microseconds, minutes,
    /// hours, days, kilobytes, megabytes, gigabytes, bits, percent.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// Prometheus uses base units (seconds, bytes, ratios) so that metrics combine without
    /// conversion and Grafana units are right; promlint reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_request_duration_milliseconds: {type: histogram, unit: none, help: Latency., buckets: [50, 100]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.05, 0.1]}
    /// ```
    pub NON_BASE_UNIT = ("M004", "non-base-unit", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

const NON_BASE: &[(&str, &str)] = &[
    ("milliseconds", "seconds"),
    ("microseconds", "seconds"),
    ("nanoseconds", "seconds"),
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("kilobytes", "bytes"),
    ("megabytes", "bytes"),
    ("gigabytes", "bytes"),
    ("terabytes", "bytes"),
    ("kibibytes", "bytes"),
    ("mebibytes", "bytes"),
    ("gibibytes", "bytes"),
    ("bits", "bytes"),
    ("percent", "ratio"),
    ("percentage", "ratio"),
    ("celsius_millidegrees", "celsius"),
];

/// Detection: a name token that is a non-base unit.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        for tok in mt.name.value.split('_') {
            if let Some((_, base)) = NON_BASE.iter().find(|(u, _)| *u == tok) {
                out.push(
                    Diagnostic::new(
                        &NON_BASE_UNIT,
                        mt.name.span,
                        format!("`{}` uses the non-base unit `{tok}`", mt.name.value),
                    )
                    .label(format!("`{tok}` is not a base unit"))
                    .help(format!(
                        "measure in {base}: rename to `{}` and convert the values",
                        mt.name.value.replace(tok, base)
                    )),
                );
                break;
            }
        }
    }
}
