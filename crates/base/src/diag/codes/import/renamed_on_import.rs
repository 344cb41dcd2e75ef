//! Rule I003 `renamed-on-import` (reported by `forge-spec import`).

crate::declare_code! {
    /// ## What it does
    /// Reports a name the import had to change: two alerting rules of one name (often a
    /// warning and a critical variant) become `Name` and `Name2`, since a spec names each
    /// alert once; the `alertname` label of the second changes with it.
    ///
    /// ## Why is this bad?
    /// Routes, inhibit rules and silences that match the old `alertname` no longer
    /// match the renamed alert.
    ///
    /// ## Example
    /// ```yaml
    /// # rules.yml
    /// groups:
    ///   - name: api
    ///     rules:
    ///       - {alert: ApiDown, expr: 'up{job="api"} == 0', for: 5m, labels: {severity: warning}}
    ///       - {alert: ApiDown, expr: 'up{job="api"} == 0', for: 15m, labels: {severity: critical}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # rules.yml
    /// groups:
    ///   - name: api
    ///     rules:
    ///       - {alert: ApiDown, expr: 'up{job="api"} == 0', for: 5m, labels: {severity: warning}}
    ///       - {alert: ApiDown, expr: 'up{job="api"} == 0', for: 15m, labels: {severity: critical}}
    /// ```
    ///
    /// (Check the routes and inhibit rules that name the alert, or give the variants
    /// names of their own before importing.)
    pub RENAMED_ON_IMPORT = ("I003", "renamed-on-import", Warning);
}
