//! Rule X008 `label-value-outside-set` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports an equality matcher whose value is not in the label's declared closed set.
    ///
    /// ## Why is this bad?
    /// The service can never emit that value, so the selector never matches.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed., labels: {region: {values: [eu, us]}}}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Asia, query: 'rate(shop_orders_total{region="asia"})'}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed., labels: {region: {values: [eu, us, asia]}}}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Asia, query: 'rate(shop_orders_total{region="asia"})'}]}
    /// ```
    pub LABEL_VALUE_OUTSIDE_SET = ("X008", "label-value-outside-set", Error);
}
