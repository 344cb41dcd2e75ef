//! Rule S003 `sli-kind-count` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports an SLO whose `sli:` gives no indicator, or more than one kind of indicator
    /// (`errors`/`good` with `total`, `latency`, `uptime`).
    ///
    /// ## Why is this bad?
    /// The compiler cannot tell which ratio the objective applies to.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    /// slos:
    ///   availability:
    ///     objective: 99.9%
    ///     sli: {uptime: web, errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability:
    ///     objective: 99.9%
    ///     sli: {uptime: web}
    /// ```
    pub SLI_KIND_COUNT = ("S003", "sli-kind-count", Error);
}
