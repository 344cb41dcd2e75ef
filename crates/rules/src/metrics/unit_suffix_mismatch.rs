//! Rule M013 `unit-suffix-mismatch`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a metric whose declared `unit:` does not appear as its name's unit suffix
    /// (`_seconds`, `_seconds_total`, `_bytes`, `_ratio`…), or whose name ends in a unit it
    /// does not declare.
    /// A catalogue's metric or a third party's (`provided_by:`) is not judged by its name.
    ///
    /// ## Why is this bad?
    /// The unit in the name is what readers see; the declared unit is what forge-spec uses for
    /// unit checks, Grafana units and the Rust bindings. They must agree.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_request_duration: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 1]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 1]}
    /// ```
    pub UNIT_SUFFIX_MISMATCH = ("M013", "unit-suffix-mismatch", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

const UNITS: &[&str] = &[
    "seconds", "bytes", "ratio", "celsius", "volts", "amperes", "joules", "grams", "meters",
];

/// Detection: declared unit and name suffix disagree.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.named_by_team() {
        let base = mt
            .name
            .value
            .strip_suffix("_total")
            .unwrap_or(&mt.name.value);
        let in_name = UNITS.iter().find(|u| base.ends_with(&format!("_{u}")));
        let declared = mt
            .unit_text
            .as_ref()
            .map(|u| u.value.as_str())
            .filter(|u| *u != "none");
        match (declared, in_name) {
            (Some(d), Some(n)) if d == *n => {}
            (Some(d), _) => out.push(
                Diagnostic::new(
                    &UNIT_SUFFIX_MISMATCH,
                    mt.name.span,
                    format!(
                        "`{}` declares unit `{d}` but its name does not end in `_{d}`",
                        mt.name.value
                    ),
                )
                .label("no unit suffix")
                .secondary(
                    mt.unit_text.as_ref().map_or(mt.name.span, |u| u.span),
                    "unit declared here",
                )
                .help(format!(
                    "rename it to `{base}_{d}{}`",
                    if mt.name.value.ends_with("_total") {
                        "_total"
                    } else {
                        ""
                    }
                )),
            ),
            (None, Some(n)) => out.push(
                Diagnostic::new(
                    &UNIT_SUFFIX_MISMATCH,
                    mt.name.span,
                    format!("`{}` ends in `_{n}` but declares no unit", mt.name.value),
                )
                .label("unit in the name")
                .help(format!("add `unit: {n}`")),
            ),
            (None, None) => {}
        }
    }
}
