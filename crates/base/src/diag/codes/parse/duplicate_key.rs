//! Rule P004 `duplicate-key` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a key that appears twice in the same YAML mapping.
    ///
    /// ## Why is this bad?
    /// YAML readers disagree on which of the two wins; the spec would mean different things
    /// to different tools.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, name: store}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// ```
    pub DUPLICATE_KEY = ("P004", "duplicate-key", Error);
}
