//! Rule X012 `invalid-regex` (condition-language stage for `=~`/`!~` matchers; resolve
//! stage for routes' `match_re`).

crate::declare_code! {
    /// ## What it does
    /// Reports a regex matcher that Prometheus or Alertmanager would refuse: they read
    /// regexes with Go's RE2 syntax, anchored at both ends. Refused: unbalanced groups,
    /// look-around (`(?=…)`, `(?<!…)`), back-references (`\1`), repetition counts over
    /// 1000 (`a{1001}`), flags other than `i`, `m`, `s`, `U`, and class set operations
    /// (`[a&&b]`, which Go would read as the characters `a`, `&`, `b`).
    ///
    /// ## Why is this bad?
    /// A rule file with one bad regex is refused whole by Prometheus (`promtool check
    /// rules` fails, and a running server keeps the old rules); an Alertmanager
    /// configuration with one is refused at reload.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed., labels: {region: {max_values: 10}}}
    /// alerts:
    ///   NoOrders:
    ///     severity: warning
    ///     condition: 'rate(shop_orders_total{region=~"(?!eu).*"}) < 1 for 10m'
    ///     summary: No orders outside Europe.
    ///     runbook: runbooks/no-orders.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed., labels: {region: {max_values: 10}}}
    /// alerts:
    ///   NoOrders:
    ///     severity: warning
    ///     condition: 'rate(shop_orders_total{region!~"eu.*"}) < 1 for 10m'
    ///     summary: No orders outside Europe.
    ///     runbook: runbooks/no-orders.md
    /// ```
    pub INVALID_REGEX = ("X012", "invalid-regex", Error);
}
