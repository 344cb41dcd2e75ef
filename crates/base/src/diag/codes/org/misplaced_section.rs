//! Rule O001 `misplaced-section` (organisation; emitted by `ir::org`).

crate::declare_code! {
    /// ## What it does
    /// Reports a section in the wrong place of an organisation: a section of a service
    /// (`service:`, `targets:`, `metrics:`, `slos:`, `alerts:`, `records:`, `groups:`,
    /// `dashboards:`, `logs:`) in the organisation's root files, or `teams:` anywhere but
    /// there (in a service's files, or in a spec of one service).
    ///
    /// ## Why is this bad?
    /// A root file is read by every service: a metric or alert there would belong to no
    /// service (or to all of them), and teams defined inside one service would decide
    /// the routing of the others.
    ///
    /// ## Example
    /// ```yaml
    /// # file: org.yaml
    /// teams: {shop: {}}
    /// receivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587"}}}
    /// routing: {receiver: email}
    /// alerts:
    ///   Down: {severity: critical, condition: "up(web) == 0 for 1m", summary: Web is down., runbook: runbooks/down.md}
    /// # file: services/web/service.yaml
    /// service: {name: web, team: shop}
    /// targets: {web: {address: "web:80"}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # file: org.yaml
    /// teams: {shop: {}}
    /// receivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587"}}}
    /// routing: {receiver: email}
    /// # file: services/web/service.yaml
    /// service: {name: web, team: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   Down: {severity: critical, condition: "up(web) == 0 for 1m", summary: Web is down., runbook: runbooks/down.md}
    /// ```
    pub MISPLACED_SECTION = ("O001", "misplaced-section", Error);
}
