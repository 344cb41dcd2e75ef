//! Rule C001 `metric-removed` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports a metric of the baseline that the spec no longer declares — or declares
    /// under another name with the same type and labels (a rename) — with everything of the
    /// baseline that read it: alerts, records, SLOs, dashboard panels, and the generated
    /// Rust binding services call.
    ///
    /// ## Why is this bad?
    /// Services built against the previous crate stop compiling; dashboards and alerts of
    /// other repositories that read the series go blank without an error.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: metrics: {shop_orders_total: {type: counter, help: Orders.}}
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_placed_total: {type: counter, help: Orders.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # keep the old name while readers move (deprecate it first)
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: "Orders. Deprecated: use shop_orders_placed_total."}
    ///   shop_orders_placed_total: {type: counter, help: Orders.}
    /// ```
    pub METRIC_REMOVED = ("C001", "metric-removed", Error);
}
