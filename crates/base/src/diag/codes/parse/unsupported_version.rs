//! Rule P007 `unsupported-version` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a `version:` other than `1`.
    ///
    /// ## Why is this bad?
    /// A spec written for another format version would be misread.
    ///
    /// ## Example
    /// ```yaml
    /// version: 2
    /// service: {name: shop}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// version: 1
    /// service: {name: shop}
    /// ```
    pub UNSUPPORTED_VERSION = ("P007", "unsupported-version", Error);
}
