//! Rule N005 `unknown-dashboard` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports an alert whose `dashboard:` names a dashboard (or panel) that is not defined.
    ///
    /// ## Why is this bad?
    /// The alert's `dashboard_url` would lead the on-call engineer to a page that does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
    ///     dashboard: overveiw
    /// dashboards:
    ///   overview: {title: Overview, panels: [{title: Up, query: up(web)}]}
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
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
    ///     dashboard: overview
    /// dashboards:
    ///   overview: {title: Overview, panels: [{title: Up, query: up(web)}]}
    /// ```
    pub UNKNOWN_DASHBOARD = ("N005", "unknown-dashboard", Error);
}
