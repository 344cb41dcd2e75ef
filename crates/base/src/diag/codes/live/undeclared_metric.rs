//! Rule V001 `undeclared-metric` (reported by `forge-spec live-check`).

crate::declare_code! {
    /// ## What it does
    /// Reports a metric family a running service (or Prometheus) exposes that the spec does
    /// not declare, at its place in the exposition.
    ///
    /// ## Why is this bad?
    /// Nothing checks an undeclared metric's names, labels or cardinality, and no dashboard
    /// or alert knows it: it is either a metric to declare or a leak to remove.
    ///
    /// ## Example
    /// ```yaml
    /// # the service exposes shop_cache_hits_total, which the spec lacks
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
    ///   shop_cache_hits_total: {type: counter, help: Cache hits.}
    /// ```
    pub UNDECLARED_METRIC = ("V001", "undeclared-metric", Error);
}
