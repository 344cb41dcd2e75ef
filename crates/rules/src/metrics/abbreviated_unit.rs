//! Rule M005 `abbreviated-unit`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric name with an abbreviated unit such as `_ms`, `_sec`, `_kb` or `_pct`.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// Abbreviations are ambiguous (`_m`: minutes or meters?) and promlint rejects them; the
    /// guide's own bad example is `latency`, its good one `…_duration_seconds`.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_latency_ms: {type: gauge, help: Latency.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_latency_seconds: {type: gauge, unit: seconds, help: Latency.}
    /// ```
    pub ABBREVIATED_UNIT = ("M005", "abbreviated-unit", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ms", "seconds"),
    ("us", "seconds"),
    ("ns", "seconds"),
    ("sec", "seconds"),
    ("secs", "seconds"),
    ("min", "seconds"),
    ("mins", "seconds"),
    ("hr", "seconds"),
    ("hrs", "seconds"),
    ("kb", "bytes"),
    ("mb", "bytes"),
    ("gb", "bytes"),
    ("kib", "bytes"),
    ("mib", "bytes"),
    ("gib", "bytes"),
    ("pct", "ratio"),
];

/// Detection: a name token that is an abbreviated unit.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        for tok in mt.name.value.split('_') {
            if let Some((_, full)) = ABBREVIATIONS.iter().find(|(u, _)| *u == tok) {
                out.push(
                    Diagnostic::new(
                        &ABBREVIATED_UNIT,
                        mt.name.span,
                        format!("`{}` abbreviates its unit as `{tok}`", mt.name.value),
                    )
                    .label("abbreviated unit")
                    .help(format!("spell the base unit: `{full}`")),
                );
                break;
            }
        }
    }
}
