//! Rule R001 `unused-receiver`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a receiver that no route (nor the root) sends to.
    ///
    /// ## Why is this bad?
    /// It is dead configuration, or — more likely — the route meant to use it names another.
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
    /// ```
    pub UNUSED_RECEIVER = ("R001", "unused-receiver", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: receivers never named by the route tree.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(routing) = &m.routing else { return };
    let mut used = Vec::new();
    collect(&routing.root, &mut used);
    for r in &m.receivers {
        if !used.contains(&r.name.value.as_str()) {
            out.push(
                Diagnostic::new(
                    &UNUSED_RECEIVER,
                    r.name.span,
                    format!("receiver `{}` is never used", r.name.value),
                )
                .label("no route sends here")
                .help("route alerts to it, or remove it"),
            );
        }
    }
}

fn collect<'a>(r: &'a forge_spec_ir::Route, used: &mut Vec<&'a str>) {
    if let Some(x) = &r.receiver {
        used.push(&x.value);
    }
    for c in &r.routes {
        collect(c, used);
    }
}
