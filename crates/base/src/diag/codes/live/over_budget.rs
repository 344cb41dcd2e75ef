//! Rule V006 `over-budget` (reported by `forge-spec live-check`).

crate::declare_code! {
    /// ## What it does
    /// Reports a metric with more series than its declared labels allow (the product of
    /// each label's closed set size or `max_values`).
    ///
    /// ## Why is this bad?
    /// The declared bound is what the cardinality budget was computed from: a metric over
    /// it costs memory and query time nobody planned for.
    ///
    /// ## Example
    /// ```yaml
    /// # the service exposes 40 routes
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {route: {max_values: 20}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {route: {max_values: 50}}}
    /// ```
    pub OVER_BUDGET = ("V006", "over-budget", Error);
}
