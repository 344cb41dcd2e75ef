//! Rule C008 `rust-api-changed` (reported by `forge-spec diff`).

crate::declare_code! {
    /// ## What it does
    /// Reports a change that breaks the public API of the generated Rust crate: a closed
    /// label value removed or renamed (an enum variant), a label removed or renamed (a
    /// parameter of the recording function).
    ///
    /// ## Why is this bad?
    /// Every service that calls the old variant or passes the old label stops compiling
    /// when it updates the crate.
    ///
    /// ## Example
    /// ```yaml
    /// # baseline: labels: {outcome: {values: [ok, failed]}}
    /// service: {name: shop}
    /// metrics:
    ///   shop_jobs_total: {type: counter, help: Jobs., labels: {outcome: {values: [ok, error]}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_jobs_total: {type: counter, help: Jobs., labels: {outcome: {values: [ok, failed, error]}}}
    /// ```
    pub RUST_API_CHANGED = ("C008", "rust-api-changed", Error);
}
