//! Rule K002 `ruler-limit-exceeded` (checked on the written Mimir rule namespace).

crate::declare_code! {
    /// ## What it does
    /// With the `mimir` output and the tenant's limits given
    /// (`max_rule_groups_per_tenant`, `max_rules_per_rule_group`), reports a rule
    /// namespace with more groups than the tenant may have, or a group with more rules
    /// than a group may hold, counting the groups and rules forge-spec writes (every
    /// SLO adds three groups). Nothing is written.
    ///
    /// ## Why is this bad?
    /// Mimir's ruler refuses the whole upload (`mimirtool rules sync` fails with a
    /// limit error), or, when the limit is lowered later, stops evaluating groups: the
    /// alerts of those groups never fire.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// outputs: {mimir: {max_rule_groups_per_tenant: 2}}
    /// targets: {shop: {address: "shop:8080"}}
    /// metrics:
    ///   http_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    /// slos:
    ///   availability:
    ///     objective: 99.9%
    ///     sli: {errors: 'http_requests_total{code="5xx"}', total: http_requests_total}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// outputs: {mimir: {max_rule_groups_per_tenant: 10}}
    /// targets: {shop: {address: "shop:8080"}}
    /// metrics:
    ///   http_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    /// slos:
    ///   availability:
    ///     objective: 99.9%
    ///     sli: {errors: 'http_requests_total{code="5xx"}', total: http_requests_total}
    /// ```
    pub RULER_LIMIT_EXCEEDED = ("K002", "ruler-limit-exceeded", Error);
}
