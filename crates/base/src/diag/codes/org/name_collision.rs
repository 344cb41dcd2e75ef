//! Rule O004 `name-collision` (organisation; emitted by `ir::org`).

crate::declare_code! {
    /// ## What it does
    /// Reports a name two services of an organisation share where the running stack
    /// has one namespace for all: the service name, a target (the scrape job, the
    /// `job` label), a dashboard uid (Grafana's), a rule file.
    ///
    /// ## Why is this bad?
    /// Two scrape jobs named `api` merge their series: an alert narrowed to
    /// `{job="api"}` fires on the other service's instances. Grafana keeps one of two
    /// dashboards with the same uid; the other service's links open the wrong one.
    ///
    /// ## Example
    /// ```yaml
    /// # file: org.yaml
    /// teams: {shop: {}}
    /// receivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587"}}}
    /// routing: {receiver: email}
    /// # file: services/web/service.yaml
    /// service: {name: web, team: shop}
    /// targets: {api: {address: "web:80"}}
    /// # file: services/cart/service.yaml
    /// service: {name: cart, team: shop}
    /// targets: {api: {address: "cart:80"}}
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
    /// # file: services/cart/service.yaml
    /// service: {name: cart, team: shop}
    /// targets: {cart: {address: "cart:80"}}
    /// ```
    pub NAME_COLLISION = ("O004", "name-collision", Error);
}
