//! Rule S010 `group-label-not-on-sli`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a label in an SLO's `group_by:` that the indicator's series do not all
    /// carry: the errors and the total of a ratio, the histogram of a latency SLO,
    /// `instance` (or `job`) for an uptime SLO.
    ///
    /// ## Why is this bad?
    /// A group label missing from a series puts all of that series in one group with an
    /// empty value: the errors of every handler are compared with the total of none, and
    /// the per-group budgets are wrong without any sign of it.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_requests_total:
    ///     type: counter
    ///     help: Requests.
    ///     labels: {code: {values: ["2xx", "5xx"]}, handler: {max_values: 20}}
    /// slos:
    ///   errors:
    ///     objective: 99%
    ///     group_by: [route]
    ///     sli: {errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}
    ///     alerting: {runbook: r.md}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_requests_total:
    ///     type: counter
    ///     help: Requests.
    ///     labels: {code: {values: ["2xx", "5xx"]}, handler: {max_values: 20}}
    /// slos:
    ///   errors:
    ///     objective: 99%
    ///     group_by: [handler]
    ///     sli: {errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}
    ///     alerting: {runbook: r.md}
    /// ```
    pub GROUP_LABEL_NOT_ON_SLI = ("S010", "group-label-not-on-sli", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Sli;

/// Detection: each `group_by` label against the labels the catalogue declares for the
/// indicator's metrics.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    for s in &m.slos {
        if s.group_by.is_empty() {
            continue;
        }
        let metrics: Vec<&str> = match &s.sli {
            Sli::Ratio { errors, total, .. } => {
                errors.metric().into_iter().chain(total.metric()).collect()
            }
            Sli::Latency { metric, .. } => metric.metric().into_iter().collect(),
            Sli::Uptime { .. } | Sli::Timeslice { .. } => Vec::new(),
        };
        for g in &s.group_by {
            let missing: Vec<&str> = match &s.sli {
                Sli::Timeslice { .. } => {
                    vec!["a timeslice indicator (one series: a slice is good or not)"]
                }
                Sli::Uptime { .. } => {
                    if matches!(g.value.as_str(), "instance" | "job") {
                        continue;
                    }
                    vec!["up"]
                }
                _ => metrics
                    .iter()
                    .copied()
                    .filter(|mt| {
                        m.catalog
                            .metrics
                            .get(*mt)
                            .is_some_and(|info| !info.names.contains(&g.value))
                    })
                    .collect(),
            };
            if missing.is_empty() {
                continue;
            }
            let known: Vec<String> = metrics
                .first()
                .and_then(|mt| m.catalog.metrics.get(*mt))
                .map(|info| info.names.iter().cloned().collect())
                .unwrap_or_else(|| vec!["instance".to_string(), "job".to_string()]);
            out.push(
                Diagnostic::new(
                    &GROUP_LABEL_NOT_ON_SLI,
                    g.span,
                    format!(
                        "SLO `{}` groups by `{}`, which {} does not carry",
                        s.name.value,
                        g.value,
                        missing.join(" and ")
                    ),
                )
                .label("not a label of the indicator")
                .about(s.name.span)
                .suggest(
                    &g.value,
                    known.iter().map(String::as_str),
                    if known.is_empty() {
                        "the indicator's metrics declare no labels: declare it on them, or drop it from `group_by`".to_string()
                    } else {
                        format!("its labels: {}", known.join(", "))
                    },
                ),
            );
        }
    }
}
