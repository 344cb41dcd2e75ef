//! Rule C004 `slo-changed` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports an SLO whose objective or window was tightened or loosened, whose indicator
    /// changed, or that was removed.
    ///
    /// ## Why is this bad?
    /// An SLO is a promise to the service's users and the budget its burn-rate alerts page
    /// on: a change moves every page and ticket threshold, and deserves its own review.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: objective: 99.9%
    /// service: {name: shop}
    /// targets: {shop: {address: "shop:80"}}
    /// slos:
    ///   availability: {objective: 99%, sli: {uptime: shop}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {shop: {address: "shop:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: shop}}
    /// ```
    pub SLO_CHANGED = ("C004", "slo-changed", Warning);
}
