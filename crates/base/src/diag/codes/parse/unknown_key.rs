//! Rule P002 `unknown-key` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a key that the spec format does not have at that place.
    ///
    /// ## Why is this bad?
    /// A misspelt key (`sumary:` for `summary:`) would otherwise be ignored silently and
    /// the setting it meant to make would be lost.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefx: shop_}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// ```
    pub UNKNOWN_KEY = ("P002", "unknown-key", Error);
}
