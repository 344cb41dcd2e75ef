//! Rule L006 `secret-in-output` (emit stage; emitted before writing).

crate::declare_code! {
    /// ## What it does
    /// Scans every generated file, before anything is written, for the secret shapes that
    /// `secret-in-spec` looks for; a hit stops the build and nothing is written.
    ///
    /// ## Why is this bad?
    /// A secret that reaches `generated/` is committed, deployed and mounted into Grafana,
    /// Prometheus and Alertmanager. The scan catches what a spec-level check cannot: values
    /// assembled from several fields, and specs that silenced `secret-in-spec`.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// ```
    pub SECRET_IN_OUTPUT = ("L006", "secret-in-output", Error, fixed);
}
