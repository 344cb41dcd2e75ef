//! Rule C007 `inhibition-changed` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports, for every alert, the alerts that may now silence it and no longer may, from
    /// the inhibit rules of the baseline and of the spec.
    ///
    /// ## Why is this bad?
    /// A new inhibit rule can silence a page during the incident it is about.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: no inhibit rules
    /// service: {name: shop}
    /// routing:
    ///   receiver: chat
    ///   inhibit: [{source: {severity: critical}, target: {severity: warning}}]
    /// receivers:
    ///   chat: {slack: {api_url_file: /etc/alertmanager/secrets/slack, channel: "#alerts"}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// routing:
    ///   receiver: chat
    ///   inhibit: [{source: {severity: critical}, target: {severity: warning}, equal: [service]}]
    /// receivers:
    ///   chat: {slack: {api_url_file: /etc/alertmanager/secrets/slack, channel: "#alerts"}}
    /// ```
    pub INHIBITION_CHANGED = ("C007", "inhibition-changed", Warning);
}
