//! Rule V002 `metric-missing` (reported by `forge-spec live-check`).

crate::declare_code! {
    /// ## What it does
    /// Reports a metric the spec declares for the target that the exposition does not have
    /// (not even its `# TYPE` line). A client library's collectors (`provided_by:`) are
    /// not asked for: they depend on the runtime.
    ///
    /// ## Why is this bad?
    /// Alerts and SLOs on a metric the service does not export see no data: an SLO computes
    /// nothing, an alert never fires. (A labelled metric appears once it is first recorded:
    /// check again after traffic.)
    ///
    /// ## Example
    /// ```yaml
    /// # the service no longer exposes shop_orders_total
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// ```
    pub METRIC_MISSING = ("V002", "metric-missing", Error);
}
