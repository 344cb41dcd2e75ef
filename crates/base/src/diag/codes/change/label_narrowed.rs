//! Rule C003 `label-narrowed` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports a label a metric no longer has, and values a closed label set no longer
    /// allows, with the readers of the metric in the baseline.
    ///
    /// ## Why is this bad?
    /// Selectors and `by (...)` clauses on the removed label select nothing or merge
    /// series; a service still sending a removed value no longer compiles against the
    /// crate.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: labels: {code: {values: [2xx, 4xx, 5xx]}}
    /// service: {name: shop}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: [2xx, 5xx]}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: [2xx, 4xx, 5xx]}}}
    /// ```
    pub LABEL_NARROWED = ("C003", "label-narrowed", Error);
}
