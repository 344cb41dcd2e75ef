//! Rule N003 `unknown-slo` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports an alert whose `slo:` names an SLO that is not defined.
    ///
    /// ## Why is this bad?
    /// The alert's threshold cannot be checked against the objective it claims to protect.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     slo: availabilty
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: web}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     slo: availability
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: web}}
    /// ```
    pub UNKNOWN_SLO = ("N003", "unknown-slo", Error);
}
