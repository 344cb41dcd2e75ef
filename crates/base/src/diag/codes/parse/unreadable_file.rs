//! Rule P008 `unreadable-file` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a spec file that is refused before parsing: larger than the 16 MiB budget,
    /// or not valid UTF-8.
    ///
    /// ## Why is this bad?
    /// Its definitions cannot be read, and a file that large is not a hand-written spec.
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
    pub UNREADABLE_FILE = ("P008", "unreadable-file", Error);
}
