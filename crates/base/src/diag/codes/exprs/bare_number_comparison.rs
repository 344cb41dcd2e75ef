//! Rule X006 `bare-number-comparison` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Warns when a value in seconds or bytes is compared with a number written without a unit.
    ///
    /// ## Why is this bad?
    /// `process_resident_memory_bytes > 12` fires at 12 bytes, not 12 GB; writing the unit
    /// (`12GB`) makes the threshold impossible to misread.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   process_resident_memory_bytes: {type: gauge, unit: bytes, help: Resident memory., standard: true}
    /// alerts:
    ///   HighMemory:
    ///     severity: warning
    ///     condition: process_resident_memory_bytes > 12 for 5m
    ///     summary: Memory is high.
    ///     runbook: runbooks/memory.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   process_resident_memory_bytes: {type: gauge, unit: bytes, help: Resident memory., standard: true}
    /// alerts:
    ///   HighMemory:
    ///     severity: warning
    ///     condition: process_resident_memory_bytes > 12GB for 5m
    ///     summary: Memory is high.
    ///     runbook: runbooks/memory.md
    /// ```
    pub BARE_NUMBER_COMPARISON = ("X006", "bare-number-comparison", Warning);
}
