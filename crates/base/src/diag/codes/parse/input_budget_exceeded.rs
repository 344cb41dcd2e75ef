//! Rule P006 `input-budget-exceeded` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a file that exceeds an input budget: nesting depth (64), YAML nodes
    /// (2,000,000), aliases (1,000), or alias expansion (the "billion laughs" attack).
    ///
    /// ## Why is this bad?
    /// Such input makes readers hang or exhaust memory; a real spec never needs it.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// receivers: {r: {webhook: {url: "http://127.0.0.1:9/"}}}
    /// routing:
    ///   receiver: r
    ///   routes:
    ///     - &a {receiver: r}
    ///     - &b {receiver: r, routes: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]}
    ///     - &c {receiver: r, routes: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]}
    ///     - &d {receiver: r, routes: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]}
    ///     - &e {receiver: r, routes: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}
    ///     - &f {receiver: r, routes: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]}
    ///     - &g {receiver: r, routes: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// receivers: {r: {webhook: {url: "http://127.0.0.1:9/"}}}
    /// routing:
    ///   receiver: r
    /// ```
    pub INPUT_BUDGET_EXCEEDED = ("P006", "input-budget-exceeded", Error);
}
