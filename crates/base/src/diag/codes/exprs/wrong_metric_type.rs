//! Rule X004 `wrong-metric-type` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a function applied to a metric of the wrong type: `rate` or `increase` of a
    /// gauge, `p95` of a counter, `ratio` of gauges.
    ///
    /// ## Why is this bad?
    /// PromQL computes something meaningless without complaint: the rate of a gauge
    /// ignores resets wrongly, and a quantile needs histogram buckets.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Latency, query: p95(shop_orders_total)}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: rate(shop_orders_total)}]}
    /// ```
    pub WRONG_METRIC_TYPE = ("X004", "wrong-metric-type", Error);
}
