//! Rule V007 `help-mismatch` (reported by `forge-spec live-check`).

crate::declare_code! {
    /// ## What it does
    /// Reports a metric whose help text in the exposition differs from the spec's `help:`.
    ///
    /// ## Why is this bad?
    /// The help text is what people read in Grafana and Prometheus; two of them drift apart
    /// and one is wrong.
    ///
    /// ## Example
    /// ```yaml
    /// # the service's help text is "orders"
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
    pub HELP_MISMATCH = ("V007", "help-mismatch", Warning);
}
