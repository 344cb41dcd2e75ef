//! Rule N006 `unknown-rule` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports a `lints:` entry or an `allow:` entry that names no rule, or gives a severity
    /// other than `error`, `warning` or `allow`.
    ///
    /// ## Why is this bad?
    /// The override silently does nothing, so the team believes a rule is configured when it is not.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// lints:
    ///   missing-runbok: error
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// lints:
    ///   missing-runbook: error
    /// ```
    pub UNKNOWN_RULE = ("N006", "unknown-rule", Error);
}
