//! Rule P009 `invalid-value` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a value that has the right type but cannot be read: a duration such as `5 minutes`
    /// instead of `5m`, an objective such as `high`, an unknown metric type or unit.
    ///
    /// ## Why is this bad?
    /// The compiler cannot turn it into Prometheus, Alertmanager or Grafana settings.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// defaults: {range: 5 minutes}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// defaults: {range: 5m}
    /// ```
    pub INVALID_VALUE = ("P009", "invalid-value", Error);
}
