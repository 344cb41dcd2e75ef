//! Rule X010 `wrong-arguments` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a function called with the wrong number or kind of arguments, such as
    /// `rate(a, b)` or `p95(2 * h)`.
    ///
    /// ## Why is this bad?
    /// The function cannot be compiled to PromQL.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: "rate(shop_orders_total, shop_orders_total)"}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: "rate(shop_orders_total)"}]}
    /// ```
    pub WRONG_ARGUMENTS = ("X010", "wrong-arguments", Error);
}
