//! Rule V005 `value-outside-set` (reported by `forge-spec live-check`).

crate::declare_code! {
    /// ## What it does
    /// Reports a label value outside the closed set the spec declares for the label.
    ///
    /// ## Why is this bad?
    /// Alerts and SLOs select the declared values: a series with another value is never
    /// counted, and the generated crate could not have sent it — something bypasses it.
    ///
    /// ## Example
    /// ```yaml
    /// # the service sends outcome="timeout"
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_jobs_total: {type: counter, help: Jobs., labels: {outcome: {values: [ok, failed]}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {shop: {address: "shop:80"}}
    /// metrics:
    ///   shop_jobs_total: {type: counter, help: Jobs., labels: {outcome: {values: [ok, failed, timeout]}}}
    /// ```
    pub VALUE_OUTSIDE_SET = ("V005", "value-outside-set", Error);
}
