//! Rule P010 `missing-service` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a spec in which no file has a `service:` section.
    ///
    /// ## Why is this bad?
    /// The service name is used in every label, file name and generated crate.
    ///
    /// ## Example
    /// ```yaml
    /// metrics: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// ```
    pub MISSING_SERVICE = ("P010", "missing-service", Error);
}
