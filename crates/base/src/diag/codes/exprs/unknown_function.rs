//! Rule X003 `unknown-function` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a call to a function the condition language does not have.
    ///
    /// ## Why is this bad?
    /// It cannot be compiled; the help line names the closest function.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: rat(shop_orders_total)}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: rate(shop_orders_total)}]}
    /// ```
    pub UNKNOWN_FUNCTION = ("X003", "unknown-function", Error);
}
