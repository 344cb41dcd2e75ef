//! Rule R009 `routing-test-failed`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Checks the spec's own routing tests (`routing.tests`): each label set must reach exactly
    /// the expected receivers, in order.
    ///
    /// ## Why is this bad?
    /// The tests pin the team's routing intent; a change to the route tree that breaks one is a
    /// regression caught before deploy.
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
    ///   tests:
    ///     - {labels: {severity: critical}, expect: [slack]}
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
    ///   tests:
    ///     - {labels: {severity: critical}, expect: [pager]}
    /// ```
    pub ROUTING_TEST_FAILED = ("R009", "routing-test-failed", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::routing::{Labels, simulate};

/// Detection: run each test through the simulator.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(routing) = &m.routing else { return };
    for t in &routing.tests {
        let labels: Labels = t
            .labels
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect();
        let got: Vec<String> = simulate(&routing.root, &labels)
            .into_iter()
            .map(|d| d.receiver)
            .collect();
        let want: Vec<String> = t.expect.iter().map(|e| e.value.clone()).collect();
        if got != want {
            let span = t.expect.first().map_or(routing.root.span, |e| e.span);
            out.push(
                Diagnostic::new(&ROUTING_TEST_FAILED, span, format!("routing test expects [{}] but the tree delivers to [{}]", want.join(", "), got.join(", ")))
                    .label("expected receivers")
                    .help("fix the route tree, or update the test if the change is intended (`forge-spec routes test k=v` shows the path)"),
            );
        }
    }
}
