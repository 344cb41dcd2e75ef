//! Rule I001 `not-imported` (reported by `forge-spec import`).

crate::declare_code! {
    /// ## What it does
    /// Reports a part of an imported file that has no equivalent in a spec and is left
    /// out of the spec written: an Alertmanager time interval, a rule group's
    /// `query_offset` or `labels`, a receiver integration forge-spec does not write, an
    /// SLO field of Sloth, Pyrra or OpenSLO without a counterpart. Nothing is dropped
    /// without this report.
    ///
    /// ## Why is this bad?
    /// What the imported configuration did and the compiled spec does not is a change
    /// of behaviour: a route that was muted at night now notifies; a group evaluated
    /// with an offset now is not.
    ///
    /// ## Example
    /// ```yaml
    /// # alertmanager.yml
    /// time_intervals:
    ///   - name: nights
    ///     time_intervals: [{times: [{start_time: "22:00", end_time: "06:00"}]}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # alertmanager.yml
    /// time_intervals:
    ///   - name: nights
    ///     time_intervals: [{times: [{start_time: "22:00", end_time: "06:00"}]}]
    /// ```
    ///
    /// (Decide what the spec should do instead — e.g. a route to a quieter receiver — and
    /// write it by hand.)
    pub NOT_IMPORTED = ("I001", "not-imported", Warning);
}
