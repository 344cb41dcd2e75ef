//! Rule X011 `scalar-comparison` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a comparison between two numbers, such as `1 < 3` or `5% > 0.01`.
    ///
    /// ## Why is this bad?
    /// It does not depend on any metric: it is always true or always false, and PromQL refuses
    /// a comparison of two scalars without the `bool` modifier, so the rule file would not load.
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
    pub SCALAR_COMPARISON = ("X011", "scalar-comparison", Error);
}
