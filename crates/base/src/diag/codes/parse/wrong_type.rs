//! Rule P003 `wrong-type` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a value of the wrong type, such as a list where a mapping is expected.
    ///
    /// ## Why is this bad?
    /// The compiler cannot guess what a value of the wrong shape meant.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: [counter]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// ```
    pub WRONG_TYPE = ("P003", "wrong-type", Error);
}
