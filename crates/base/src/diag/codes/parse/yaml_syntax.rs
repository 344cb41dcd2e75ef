//! Rule P001 `yaml-syntax` (parse stage; emitted by the YAML reader in `syntax`).

crate::declare_code! {
    /// ## What it does
    /// Reports a file that is not valid YAML.
    ///
    /// ## Why is this bad?
    /// Nothing in the file can be read, so none of its definitions are checked or compiled.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// ```
    pub YAML_SYNTAX = ("P001", "yaml-syntax", Error);
}
