//! Rule O003 `foreign-route` (organisation; emitted by `ir::org`).

crate::declare_code! {
    /// ## What it does
    /// Reports a route in a service's `routing:` that selects the alerts of another
    /// service or team: a `team` or `service` matcher that its own alerts never carry
    /// but another's do.
    ///
    /// ## Why is this bad?
    /// A service routes only its own alerts: in the organisation's tree its routes sit
    /// under its team and service, so such a route never matches (the other team's
    /// alerts do not pass there) — and written at the root it would take their pages
    /// away from them. Routing across teams belongs in the organisation's `routing:`.
    ///
    /// ## Example
    /// ```yaml
    /// # file: org.yaml
    /// teams: {shop: {}, pay: {}}
    /// receivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587"}}}
    /// routing: {receiver: email}
    /// # file: services/web/service.yaml
    /// service: {name: web, team: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers: {hook: {webhook: {url: "http://hook.example.com/"}}}
    /// routing:
    ///   receiver: hook
    ///   routes: [{match: {team: pay}, receiver: hook}]
    /// # file: services/billing/service.yaml
    /// service: {name: billing, team: pay}
    /// targets: {billing: {address: "billing:80"}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # file: org.yaml
    /// teams: {shop: {}, pay: {}}
    /// receivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587"}}}
    /// routing: {receiver: email}
    /// # file: services/web/service.yaml
    /// service: {name: web, team: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers: {hook: {webhook: {url: "http://hook.example.com/"}}}
    /// routing:
    ///   receiver: hook
    ///   routes: [{match: {severity: critical}, receiver: hook}]
    /// # file: services/billing/service.yaml
    /// service: {name: billing, team: pay}
    /// targets: {billing: {address: "billing:80"}}
    /// ```
    pub FOREIGN_ROUTE = ("O003", "foreign-route", Error);
}
