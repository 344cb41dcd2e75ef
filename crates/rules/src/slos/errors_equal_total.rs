//! Rule S004 `errors-equal-total`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a ratio indicator whose `errors` (or `good`) selector is the same as its `total`.
    ///
    /// ## Why is this bad?
    /// The error ratio is then always 1 (or 0): the SLO is permanently broken or can never burn.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 0.25, 0.5, 1]}
    /// slos:
    ///   errors: {objective: 99%, sli: {errors: shop_requests_total, total: shop_requests_total}, alerting: {runbook: r.md}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 0.25, 0.5, 1]}
    /// slos:
    ///   errors: {objective: 99%, sli: {errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}, alerting: {runbook: r.md}}
    /// ```
    pub ERRORS_EQUAL_TOTAL = ("S004", "errors-equal-total", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::Sli;

fn normal(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Detection: identical selectors, whitespace aside.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for s in &m.slos {
        if let Sli::Ratio {
            errors,
            total,
            good,
        } = &s.sli
            && normal(&errors.text.value) == normal(&total.text.value)
        {
            let part = if *good { "good" } else { "errors" };
            out.push(
                Diagnostic::new(
                    &ERRORS_EQUAL_TOTAL,
                    errors.text.span,
                    format!(
                        "SLO `{}` selects the same series for `{part}` and `total`",
                        s.name.value
                    ),
                )
                .label(format!("`{part}`"))
                .about(s.name.span)
                .secondary(total.text.span, "`total`")
                .help(format!(
                    "narrow `{part}` with a label matcher, e.g. `{}{{code=\"5xx\"}}`",
                    errors.text.value.trim()
                )),
            );
        }
    }
}
