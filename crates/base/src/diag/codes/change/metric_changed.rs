//! Rule C002 `metric-changed` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports a metric whose type or unit changed between the baseline and the spec (a
    /// counter that became a gauge, seconds that became milliseconds).
    ///
    /// ## Why is this bad?
    /// Every `rate()` over a former counter, every threshold written in the old unit, and
    /// every panel's unit is now wrong, while the queries still run.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: shop_latency_seconds: {type: histogram, unit: seconds}
    /// service: {name: shop}
    /// metrics:
    ///   shop_latency_seconds: {type: gauge, unit: seconds, help: Latency.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # a new metric for the new meaning
    /// service: {name: shop}
    /// metrics:
    ///   shop_latency_seconds: {type: histogram, unit: seconds, help: Latency.}
    ///   shop_latency_last_seconds: {type: gauge, unit: seconds, help: Last latency.}
    /// ```
    pub METRIC_CHANGED = ("C002", "metric-changed", Error);
}
