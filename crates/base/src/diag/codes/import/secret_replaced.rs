//! Rule I002 `secret-replaced` (reported by `forge-spec import`).

crate::declare_code! {
    /// ## What it does
    /// Reports a literal secret in an imported file — a Slack webhook URL, a PagerDuty
    /// routing or service key, an Opsgenie API key, an SMTP password, a webhook URL with
    /// credentials — and says which `*_file` reference replaces it in the spec. The
    /// secret itself is never copied into the spec or shown.
    ///
    /// ## Why is this bad?
    /// A secret in a configuration file is in every clone, backup and CI log of the
    /// repository; the spec holds only the path of a file the secret is mounted at.
    ///
    /// ## Example
    /// ```yaml
    /// # alertmanager.yml
    /// receivers:
    ///   - name: pager
    ///     pagerduty_configs: [{routing_key: 0123456789abcdef0123456789abcdef}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # alertmanager.yml
    /// receivers:
    ///   - name: pager
    ///     pagerduty_configs: [{routing_key: 0123456789abcdef0123456789abcdef}]
    /// ```
    ///
    /// (The spec written refers to `/etc/alertmanager/secrets/pager-routing-key`: put
    /// the key in that file, outside the repository.)
    pub SECRET_REPLACED = ("I002", "secret-replaced", Warning);
}
