//! Rule X005 `unit-mismatch` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a comparison or sum whose two sides have different units, such as a latency
    /// in seconds compared with a percentage.
    ///
    /// ## Why is this bad?
    /// `p95(latency) > 5%` compares seconds with 0.05: the threshold is 50 ms, which is
    /// certainly not what was meant.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Request latency., buckets: [0.1, 0.5, 1]}
    /// alerts:
    ///   SlowRequests:
    ///     severity: warning
    ///     condition: p95(shop_request_duration_seconds) > 5% for 5m
    ///     summary: Requests are slow.
    ///     runbook: runbooks/slow.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_request_duration_seconds: {type: histogram, unit: seconds, help: Request latency., buckets: [0.1, 0.5, 1]}
    /// alerts:
    ///   SlowRequests:
    ///     severity: warning
    ///     condition: p95(shop_request_duration_seconds) > 500ms for 5m
    ///     summary: Requests are slow.
    ///     runbook: runbooks/slow.md
    /// ```
    pub UNIT_MISMATCH = ("X005", "unit-mismatch", Error);
}
