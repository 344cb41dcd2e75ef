//! Rule X002 `unknown-metric` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports an expression (condition, query, indicator or raw PromQL) that reads a metric
    /// not declared under `metrics:`.
    ///
    /// ## Why is this bad?
    /// A misspelt metric name makes an alert that can never fire and a panel that stays empty,
    /// and PromQL gives no error for it.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: rate(shop_order_total)}]}
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
    pub UNKNOWN_METRIC = ("X002", "unknown-metric", Error);
}
