//! Rule R004 `alert-misrouted`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Simulates the route tree for every alert the spec produces (explicit and SLO burn-rate
    /// alerts, with their labels) and reports an alert that falls to the default receiver
    /// although the tree routes by severity, or that reaches a receiver other than the one
    /// the route for its severity names.
    ///
    /// ## Why is this bad?
    /// The guide: "Route appropriately by severity". A warning that silently lands in the
    /// default email inbox, or a critical alert that never pages, is found out during an outage.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/am/pd}}
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    ///   email: {email: {to: team@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}}
    /// alerts:
    ///   WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md}
    ///   WebFlapping: {severity: warning, condition: up(web) == 0 for 10s, summary: Web flaps., runbook: r.md}
    /// routing:
    ///   receiver: email
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warn}, receiver: slack}
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
    /// alerts:
    ///   WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md}
    ///   WebFlapping: {severity: warning, condition: up(web) == 0 for 10s, summary: Web flaps., runbook: r.md}
    /// routing:
    ///   receiver: email
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warning}, receiver: slack}
    /// ```
    pub ALERT_MISROUTED = ("R004", "alert-misrouted", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::Route;
use forge_spec_ir::routing::{self, Simulator};

fn routes_on_severity(r: &Route) -> bool {
    r.matchers.iter().any(|m| m.label.value == "severity")
        || r.routes.iter().any(routes_on_severity)
}

/// Detection: simulate each alert; compare with the severity route.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(routing) = &m.routing else { return };
    let root = &routing.root;
    let default = root.receiver.as_ref().map_or("", |r| r.value.as_str());
    let sim = Simulator::new(root);
    let by_severity = routes_on_severity(root);
    // Every alert is simulated through the whole tree: chunks of senders on all cores,
    // each building its alerts' labels.
    let senders = routing::senders(m);
    let chunks: Vec<_> = senders.chunks(128).collect();
    let found = forge_spec_base::par::map(&chunks, |chunk| {
        let mut found = Vec::new();
        let mut alerts = Vec::new();
        for sender in *chunk {
            routing::sender_alerts(m, *sender, &mut alerts);
        }
        for (name, span, labels) in &alerts {
            let severity = labels.get("severity").cloned().unwrap_or_default();
            let got: Vec<String> = sim
                .simulate(labels)
                .into_iter()
                .map(|d| d.receiver)
                .collect();
            match sim.first_selecting(labels, "severity") {
                Some((route, want)) if !got.iter().any(|g| g == want) => found.push(
                    Diagnostic::new(&ALERT_MISROUTED, *span, format!("`{name}` (severity={severity}) reaches {} instead of `{want}`", list(&got)))
                        .label("misrouted")
                        .secondary(route.span, format!("the route for severity={severity}"))
                        .help("an earlier route catches it first: reorder the routes or add `continue: true`"),
                ),
                None if by_severity && got.iter().all(|g| g == default) => found.push(
                    Diagnostic::new(&ALERT_MISROUTED, *span, format!("`{name}` (severity={severity}) falls through to the default receiver `{default}`"))
                        .label("no route for its severity")
                        .secondary(root.span, "the default receiver")
                        .help(format!("add a route `{{match: {{severity: {severity}}}, receiver: ...}}`, or change the alert's severity")),
                ),
                _ => {}
            }
        }
        found
    });
    out.extend(found.into_iter().flatten());
}

fn list(v: &[String]) -> String {
    v.iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
