//! Rule V004 `undeclared-label` (reported by `forge-spec live-check`).

crate::declare_code! {
    /// ## What it does
    /// Reports a label name on a metric's series that the spec does not declare for it.
    ///
    /// ## Why is this bad?
    /// An undeclared label has no bound: it is where cardinality explosions come from, and
    /// selectors in the spec do not know it.
    ///
    /// ## Example
    /// ```yaml
    /// # the service labels shop_orders_total with user_id
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
    ///   shop_orders_total: {type: counter, help: Orders placed., labels: {region: {max_values: 10}}}
    /// ```
    pub UNDECLARED_LABEL = ("V004", "undeclared-label", Error);
}
