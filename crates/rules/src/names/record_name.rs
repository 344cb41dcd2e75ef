//! Rule N009 `record-name`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a recording rule (`records:`) whose name is not `level:metric:operations`:
    /// three non-empty parts separated by colons, each of letters, digits and `_`, the name
    /// not starting with a digit (`job:http_requests:rate5m`,
    /// `cluster_job:loki_request_duration_seconds:99quantile`). Also reports a record named like a declared metric
    /// or like the recording rules forge-spec writes for SLOs (`slo:…`).
    ///
    /// ## Why is this bad?
    /// Prometheus' naming practice for recording rules says where a series comes from:
    /// the labels it keeps (level), what it measures (metric), what was done to it
    /// (operations). A record named like a metric is mistaken for the raw series, and
    /// one named like an SLO rule is overwritten by it.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   http_requests_total: {type: counter, help: Requests., labels: {code: {values: [ok, error]}}}
    /// records:
    ///   http_requests_rate:
    ///     query: sum by (code) (rate(http_requests_total))
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   http_requests_total: {type: counter, help: Requests., labels: {code: {values: [ok, error]}}}
    /// records:
    ///   code:http_requests:rate5m:
    ///     query: sum by (code) (rate(http_requests_total))
    /// ```
    pub RECORD_NAME = ("N009", "record-name", Error);
}

use forge_spec_base::diag::Diagnostic;

/// Detection: the name's shape, then collisions with metrics and SLO recording rules.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let slo_rules = forge_spec_ir::slo::recorded_names();
    for r in &m.records {
        let name = &r.series.value;
        let parts: Vec<&str> = name.split(':').collect();
        // A part may start with a digit (`99quantile`): only the name's first character
        // cannot, as in any metric name.
        let word =
            |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if parts.len() != 3
            || !parts.iter().all(word)
            || name.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push(
                Diagnostic::new(
                    &RECORD_NAME,
                    r.series.span,
                    format!("record `{name}` is not named `level:metric:operations`"),
                )
                .label("not level:metric:operations")
                .about(r.name.span)
                .help("name it after the labels it keeps, the metric, and what was done: `job:http_requests:rate5m`"),
            );
        } else if m.metric(name).is_some() || slo_rules.contains(name) {
            let what = if m.metric(name).is_some() {
                "a declared metric"
            } else {
                "a recording rule forge-spec writes for SLOs"
            };
            out.push(
                Diagnostic::new(
                    &RECORD_NAME,
                    r.series.span,
                    format!("record `{name}` is named like {what}"),
                )
                .label("taken")
                .about(r.name.span)
                .help("give the record a name of its own"),
            );
        }
    }
}
