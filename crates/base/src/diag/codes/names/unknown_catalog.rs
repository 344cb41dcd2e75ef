//! Rule N010 `unknown-catalog` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports a target's `uses:` naming an exporter catalogue forge-spec does not ship.
    /// The catalogues: `own` (the service's own metrics), `process`, `go`,
    /// `node_exporter`, `kube_state_metrics`, `cadvisor`, `blackbox_exporter`,
    /// `prometheus`, `scrape`.
    ///
    /// ## Why is this bad?
    /// The target's metrics would be unknown: every condition reading them fails, and
    /// the compiler cannot tell which targets export which metric.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {node: {address: "node:9100", uses: [node_exporte]}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {node: {address: "node:9100", uses: [node_exporter]}}
    /// ```
    pub UNKNOWN_CATALOG = ("N010", "unknown-catalog", Error);
}
