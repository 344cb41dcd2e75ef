//! Rule R005 `inhibit-without-equal`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an inhibit rule without `equal:` labels.
    ///
    /// ## Why is this bad?
    /// Without `equal`, any critical alert anywhere silences every matching warning everywhere —
    /// one service's outage hides another's problems.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/am/pd}}
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    ///   email: {email: {to: team@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}}
    /// routing:
    ///   receiver: email
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warning}, receiver: slack}
    ///   inhibit:
    ///     - {source: {severity: critical}, target: {severity: warning}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/am/pd}}
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    ///   email: {email: {to: team@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}}
    /// routing:
    ///   receiver: email
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warning}, receiver: slack}
    ///   inhibit:
    ///     - {source: {severity: critical}, target: {severity: warning}, equal: [service]}
    /// ```
    pub INHIBIT_WITHOUT_EQUAL = ("R005", "inhibit-without-equal", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: inhibit rules with an empty `equal`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(routing) = &m.routing else { return };
    for i in &routing.inhibit {
        if i.equal.is_empty() {
            out.push(
                Diagnostic::new(
                    &INHIBIT_WITHOUT_EQUAL,
                    i.span,
                    "this inhibit rule has no `equal:` labels",
                )
                .label("inhibits across every service and instance")
                .help("add `equal: [service]` (or the labels that identify the same problem)"),
            );
        }
    }
}
