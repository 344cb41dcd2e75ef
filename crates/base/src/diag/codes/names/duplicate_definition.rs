//! Rule N001 `duplicate-definition` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports a name defined twice: the same metric, SLO, alert, receiver, target or
    /// dashboard in two spec files (or twice in one section after merging).
    ///
    /// ## Why is this bad?
    /// Only one definition can win; the other would be silently dropped.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets:
    ///   web: {address: "web:80"}
    ///   Web: {address: "web:80"}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets:
    ///   web: {address: "web:80"}
    /// ```
    pub DUPLICATE_DEFINITION = ("N001", "duplicate-definition", Error);
}
