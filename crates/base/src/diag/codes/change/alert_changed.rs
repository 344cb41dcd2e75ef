//! Rule C005 `alert-changed` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports an alert whose condition (its threshold), `for` or severity changed, or that
    /// was removed.
    ///
    /// ## Why is this bad?
    /// A looser threshold or a longer `for` pages later; a lower severity moves the alert
    /// from the pager to a channel.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: condition: up(shop) == 0 for 1m, severity: critical
    /// service: {name: shop}
    /// targets: {shop: {address: "shop:80"}}
    /// alerts:
    ///   ShopDown: {severity: warning, condition: up(shop) == 0 for 10m, summary: Shop is down., runbook: runbooks/shop.md}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {shop: {address: "shop:80"}}
    /// alerts:
    ///   ShopDown: {severity: critical, condition: up(shop) == 0 for 1m, summary: Shop is down., runbook: runbooks/shop.md}
    /// ```
    pub ALERT_CHANGED = ("C005", "alert-changed", Warning);
}
