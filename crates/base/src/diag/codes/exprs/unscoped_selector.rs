//! Rule X013 `unscoped-selector` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a selector of a metric that several scrape targets export (a client
    /// collector's `process_resident_memory_bytes` on the service and on node_exporter,
    /// `node_*` on every host) without a `job` matcher saying which target is meant, and a
    /// `job` matcher naming a target that does not export the metric. Which target
    /// exports what comes from the targets' `uses:` (`own` for the service's own metrics).
    ///
    /// ## Why is this bad?
    /// The alert fires for the wrong target: "the API uses more than 12GB" pages when
    /// node_exporter's own process does, and its description names the wrong instance.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets:
    ///   web: {address: "web:80", uses: [own, process]}
    ///   node: {address: "node:9100", uses: [node_exporter, process]}
    /// alerts:
    ///   WebMemoryHigh:
    ///     severity: warning
    ///     condition: process_resident_memory_bytes > 2GB for 5m
    ///     summary: The web server uses more than 2GB of memory.
    ///     runbook: runbooks/web-memory.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets:
    ///   web: {address: "web:80", uses: [own, process]}
    ///   node: {address: "node:9100", uses: [node_exporter, process]}
    /// alerts:
    ///   WebMemoryHigh:
    ///     severity: warning
    ///     condition: process_resident_memory_bytes{job="web"} > 2GB for 5m
    ///     summary: The web server uses more than 2GB of memory.
    ///     runbook: runbooks/web-memory.md
    /// ```
    pub UNSCOPED_SELECTOR = ("X013", "unscoped-selector", Error);
}
