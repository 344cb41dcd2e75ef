//! Rule N007 `invalid-label-name` (resolve stage; emitted by `ir`).

crate::declare_code! {
    /// ## What it does
    /// Reports a label name that Prometheus or Alertmanager would refuse or that is
    /// reserved: anything but `[a-zA-Z_][a-zA-Z0-9_]*`, and names starting with `__`
    /// (`__name__` and the other internal labels) — in alert `labels:`, route `match:` and
    /// `match_re:`, `group_by`, and inhibit rules' `source`, `target` and `equal`. An alert
    /// label that restates `severity:` with another value, or sets `alertname`, is a
    /// conflict and reported too.
    ///
    /// ## Why is this bad?
    /// `promtool check rules` and `amtool check-config` refuse such names, so the whole
    /// file fails to load; a reserved label set by hand silently changes what Prometheus
    /// does with the series, and a second `severity` overrides the one routes read.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     labels: {team-name: web}
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
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
    ///     labels: {team_name: web}
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
    /// ```
    pub INVALID_LABEL_NAME = ("N007", "invalid-label-name", Error);
}

/// Why `name` cannot be a label name set by hand, or `None` when it can.
pub fn refusal(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some("a label name is letters, digits and `_`, not starting with a digit");
    }
    if name.starts_with("__") {
        return Some("names starting with `__` are reserved for Prometheus' own labels");
    }
    None
}
