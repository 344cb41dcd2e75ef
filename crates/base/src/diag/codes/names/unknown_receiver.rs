//! Rule N002 `unknown-receiver` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports a route (or the routing root) that names a receiver which is not defined.
    ///
    /// ## Why is this bad?
    /// Alertmanager refuses the configuration, or, worse, alerts go nowhere.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// receivers:
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    /// routing:
    ///   receiver: slak
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// receivers:
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    /// routing:
    ///   receiver: slack
    /// ```
    pub UNKNOWN_RECEIVER = ("N002", "unknown-receiver", Error);
}
