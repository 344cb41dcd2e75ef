//! Rule R006 `inhibit-cycle`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports inhibit rules that silence each other (each one's source matches the other's
    /// target), and a rule whose source also matches its own target.
    ///
    /// ## Why is this bad?
    /// Two alerts that inhibit each other can both stay silent: nobody is notified.
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
    ///     - {source: {severity: critical}, target: {severity: warning}, equal: [service]}
    ///     - {source: {severity: warning}, target: {severity: critical}, equal: [service]}
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
    pub INHIBIT_CYCLE = ("R006", "inhibit-cycle", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::S;

/// Whether an alert could satisfy both matcher sets (no label asked for two values).
fn compatible(a: &[(S, S)], b: &[(S, S)]) -> bool {
    a.iter().all(|(k, v)| {
        b.iter()
            .all(|(k2, v2)| k.value != k2.value || v.value == v2.value)
    })
}

/// Detection: pairs (and self) whose sources and targets overlap both ways.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(routing) = &m.routing else { return };
    let rules = &routing.inhibit;
    for (i, a) in rules.iter().enumerate() {
        if compatible(&a.source, &a.target) {
            out.push(
                Diagnostic::new(
                    &INHIBIT_CYCLE,
                    a.span,
                    "this inhibit rule's source also matches its own target",
                )
                .label("an alert may inhibit itself")
                .help("make source and target differ, e.g. by severity"),
            );
            continue;
        }
        for b in &rules[i + 1..] {
            if compatible(&a.source, &b.target) && compatible(&b.source, &a.target) {
                out.push(
                    Diagnostic::new(
                        &INHIBIT_CYCLE,
                        b.span,
                        "these two inhibit rules silence each other",
                    )
                    .label("second rule")
                    .secondary(a.span, "first rule")
                    .help("keep one direction: the more severe alert inhibits the less severe"),
                );
            }
        }
    }
}
