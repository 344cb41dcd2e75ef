//! Rule N004 `unknown-target` (resolution stage; emitted by `ir::resolve`).

crate::declare_code! {
    /// ## What it does
    /// Reports `up(name)` or an `uptime:` indicator naming a scrape target that is not in `targets:`.
    ///
    /// ## Why is this bad?
    /// No scrape job has that name, so `up{job="…"}` never exists and the alert can never fire.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: wbe}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// slos:
    ///   availability: {objective: 99.9%, sli: {uptime: web}}
    /// ```
    pub UNKNOWN_TARGET = ("N004", "unknown-target", Error);
}
