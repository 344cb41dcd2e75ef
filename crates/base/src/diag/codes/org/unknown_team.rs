//! Rule O002 `unknown-team` (organisation; emitted by `ir::org`).

crate::declare_code! {
    /// ## What it does
    /// Reports a service of an organisation that names no team (`service.team`), or a
    /// team that is not under the organisation's `teams:`.
    ///
    /// ## Why is this bad?
    /// The organisation's Alertmanager tree routes by team first: an alert of a service
    /// without a known team reaches only the organisation's default receiver, where
    /// nobody owns it.
    ///
    /// ## Example
    /// ```yaml
    /// # file: org.yaml
    /// teams: {shop: {}}
    /// receivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587"}}}
    /// routing: {receiver: email}
    /// # file: services/web/service.yaml
    /// service: {name: web, team: shpo}
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
    /// ```
    pub UNKNOWN_TEAM = ("O002", "unknown-team", Error);
}
