//! Rule X007 `unknown-label` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a label matcher or grouping on a label the metric does not declare.
    ///
    /// ## Why is this bad?
    /// The selector matches nothing (or everything, for `!=`), silently.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed., labels: {region: {values: [eu, us]}}}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: EU, query: 'rate(shop_orders_total{regoin="eu"})'}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed., labels: {region: {values: [eu, us]}}}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: EU, query: 'rate(shop_orders_total{region="eu"})'}]}
    /// ```
    pub UNKNOWN_LABEL = ("X007", "unknown-label", Error);
}
