//! Rule K003 `kubernetes-time-zone`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// With the `kubernetes` output, reports a time interval (`routing.time_intervals`)
    /// with a `location:`. The Prometheus Operator's `AlertmanagerConfig` has no time
    /// zone for its `muteTimeIntervals`.
    ///
    /// ## Why is this bad?
    /// The same interval would mute in the given zone under the plain Alertmanager
    /// output and in UTC under the Operator: nights in Paris become evenings.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// outputs: [kubernetes]
    /// targets: {web: {address: "web:80"}}
    /// receivers: {team: {webhook: {url: "http://hooks.example.org/t"}}}
    /// routing:
    ///   receiver: team
    ///   routes: [{match: {severity: warning}, receiver: team, mute_time_intervals: [nights]}]
    ///   time_intervals:
    ///     nights: [{times: [{start_time: "20:00", end_time: "24:00"}], location: Europe/Paris}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// outputs: [kubernetes]
    /// targets: {web: {address: "web:80"}}
    /// receivers: {team: {webhook: {url: "http://hooks.example.org/t"}}}
    /// routing:
    ///   receiver: team
    ///   routes: [{match: {severity: warning}, receiver: team, mute_time_intervals: [nights]}]
    ///   time_intervals:
    ///     nights: [{times: [{start_time: "19:00", end_time: "23:00"}]}]
    /// ```
    pub KUBERNETES_TIME_ZONE = ("K003", "kubernetes-time-zone", Error);
}

use forge_spec_base::diag::Diagnostic;

/// Detection: with the Kubernetes output, each period of an interval with `location:`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.outputs.kubernetes.is_none() {
        return;
    }
    for (name, periods) in m.routing.iter().flat_map(|r| &r.time_intervals) {
        for l in periods.iter().filter_map(|p| p.location.as_ref()) {
            out.push(
                Diagnostic::new(
                    &KUBERNETES_TIME_ZONE,
                    l.span,
                    format!(
                        "time interval `{}` is in `{}`, which the Operator's AlertmanagerConfig cannot say",
                        name.value, l.value
                    ),
                )
                .label("a time zone")
                .help("write the interval's times in UTC and drop `location:`, or leave the `kubernetes` output"),
            );
        }
    }
}
