//! Rule P005 `missing-key` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a mapping that lacks a required key, such as a metric without `type`.
    ///
    /// ## Why is this bad?
    /// The definition cannot be compiled without it.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {help: Orders placed.}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// ```
    pub MISSING_KEY = ("P005", "missing-key", Error);
}
