//! Rule V003 `metric-mismatch` (reported by `forge-spec live-check`).

crate::declare_code! {
    /// ## What it does
    /// Reports a metric whose type or unit in the exposition differs from the spec's
    /// declaration.
    ///
    /// ## Why is this bad?
    /// `rate()` over a gauge, or thresholds in seconds over milliseconds, give wrong
    /// answers without an error.
    ///
    /// ## Example
    /// ```yaml
    /// # the service exposes shop_queue_depth as a counter
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_queue_depth: {type: gauge, help: Jobs waiting.}
    /// ```
    pub METRIC_MISMATCH = ("V003", "metric-mismatch", Error);
}
