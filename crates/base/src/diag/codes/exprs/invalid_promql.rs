//! Rule X009 `invalid-promql` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a raw PromQL expression (`expr:`) that the PromQL parser refuses.
    ///
    /// ## Why is this bad?
    /// Prometheus would refuse to load the rule file or the panel would show an error.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, expr: "rate(shop_orders_total[5m]"}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, expr: "rate(shop_orders_total[5m])"}]}
    /// ```
    pub INVALID_PROMQL = ("X009", "invalid-promql", Error);
}
