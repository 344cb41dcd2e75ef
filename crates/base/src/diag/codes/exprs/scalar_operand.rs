//! Rule X011 `scalar-operand` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a comparison between two numbers, such as `1 < 3`, a number used with
    /// `and`, `or` or `unless`, such as `up(web) and 1`, and a number aggregated, such as
    /// `min(9)` or `absent(1)`.
    ///
    /// ## Why is this bad?
    /// A comparison of two numbers does not depend on any metric (always true or always
    /// false), and PromQL refuses it without the `bool` modifier; `and`, `or` and
    /// `unless` combine series, and aggregations take series. Either way the rule file or the
    /// panel would not load.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// dashboards:
    ///   d: {title: D, panels: [{title: Constant, query: "1 < 3"}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_queue_jobs: {type: gauge, help: Jobs waiting.}
    /// dashboards:
    ///   d: {title: D, panels: [{title: Queue, query: "shop_queue_jobs < 3"}]}
    /// ```
    pub SCALAR_OPERAND = ("X011", "scalar-operand", Error);
}
