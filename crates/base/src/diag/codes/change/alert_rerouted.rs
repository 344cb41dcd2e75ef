//! Rule C006 `alert-rerouted` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports every alert (and every routing test) whose receivers changed, computed with
    /// the route simulator on the baseline's tree and the spec's — `HighLatency: slack →
    /// email` — so a reordered route or a new matcher that catches other alerts is shown by
    /// its effect, not by the text of the routes.
    ///
    /// ## Why is this bad?
    /// A reroute is the change reviewers miss: the pager stops hearing about an alert
    /// nobody touched.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: routes: [{match: {severity: critical}, receiver: pager}]
    /// service: {name: shop}
    /// routing:
    ///   receiver: chat
    ///   routes: [{match: {severity: critical, team: web}, receiver: pager}]
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/alertmanager/secrets/pd}}
    ///   chat: {slack: {api_url_file: /etc/alertmanager/secrets/slack, channel: "#alerts"}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// routing:
    ///   receiver: chat
    ///   routes: [{match: {severity: critical}, receiver: pager}]
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/alertmanager/secrets/pd}}
    ///   chat: {slack: {api_url_file: /etc/alertmanager/secrets/slack, channel: "#alerts"}}
    /// ```
    pub ALERT_REROUTED = ("C006", "alert-rerouted", Warning);
}
