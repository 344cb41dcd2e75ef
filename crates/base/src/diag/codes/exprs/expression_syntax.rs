//! Rule X001 `expression-syntax` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports an alert condition, dashboard query or indicator that does not parse in the
    /// condition language.
    ///
    /// ## Why is this bad?
    /// It cannot be compiled to PromQL.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: "rate(shop_orders_total"}]}
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
    pub EXPRESSION_SYNTAX = ("X001", "expression-syntax", Error);
}
