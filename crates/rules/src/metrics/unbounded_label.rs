//! Rule M016 `unbounded-label`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a label with neither a closed value set (`values:`) nor a bound
    /// (`max_values:`), and labels named like per-user or per-request identifiers
    /// (`user_id`, `job_id`, `request_id`, `session_id`, `trace_id`, `email`, `ip`).
    ///
    /// ## Why is this bad?
    /// An identifier as a label creates a new time series per user or request: unbounded
    /// cardinality. Such values belong in logs (the guide logs `user_id`), not in metrics.
    /// A third party's metric (`provided_by:`) is not judged by its label names, only
    /// by their bounds.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders., labels: {user_id: {max_values: 1000}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders., labels: {region: {values: [eu, us]}}}
    /// ```
    pub UNBOUNDED_LABEL = ("M016", "unbounded-label", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

const ID_LIKE: &[&str] = &[
    "user_id",
    "userid",
    "user",
    "job_id",
    "request_id",
    "session_id",
    "trace_id",
    "span_id",
    "email",
    "ip",
    "client_ip",
    "uuid",
    "order_id",
];

/// Detection: labels without a bound, and identifier-like labels.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for mt in m.declared_metrics() {
        for l in &mt.labels {
            let n = l.name.value.to_ascii_lowercase();
            // A third party's label is not the team's to remove; its bound still counts.
            if mt.own() && ID_LIKE.contains(&n.as_str()) {
                out.push(
                    Diagnostic::new(
                        &UNBOUNDED_LABEL,
                        l.name.span,
                        format!(
                            "label `{}` of `{}` holds an identifier",
                            l.name.value, mt.name.value
                        ),
                    )
                    .label("one series per identifier")
                    .about(mt.name.span)
                    .help("remove the label; log the identifier in a log event instead"),
                );
            } else if l.values.is_none() && l.max_values.is_none() {
                out.push(
                    Diagnostic::new(
                        &UNBOUNDED_LABEL,
                        l.name.span,
                        format!(
                            "label `{}` of `{}` has no value bound",
                            l.name.value, mt.name.value
                        ),
                    )
                    .label("unbounded")
                    .about(mt.name.span)
                    .help("declare `values: [...]` (a closed set) or `max_values: N`"),
                );
            }
        }
    }
}
