//! Rule R003 `shadowed-route`.

crate::declare_code! {
    /// ## What it does
    /// Reports a route that can never be reached because an earlier sibling without
    /// `continue` matches everything it matches (a catch-all, or the same matchers).
    ///
    /// ## Why is this bad?
    /// Alertmanager stops at the first matching sibling; the later route and its receiver
    /// are dead, and the alerts meant for it go elsewhere.
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
    ///     - {receiver: slack}
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
    ///     - {receiver: slack}
    /// ```
    pub SHADOWED_ROUTE = ("R003", "shadowed-route", Error);
}

use crate::diag::Diagnostic;
use crate::ir::Model;

use crate::ir::Route;

/// Whether every alert `later` matches is matched by `earlier` (sound, not complete:
/// equality matchers only).
fn covers(earlier: &Route, later: &Route) -> bool {
    earlier.matchers.iter().all(|e| {
        later.matchers.iter().any(|l| {
            l.label.value == e.label.value && l.value.value == e.value.value && l.regex == e.regex
        })
    })
}

/// Detection: for each route, an earlier sibling without `continue` that covers it.
pub fn check(cx: &crate::rules::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    if let Some(r) = &m.routing {
        walk(&r.root, out);
    }
}

fn walk(r: &Route, out: &mut Vec<Diagnostic>) {
    for (i, later) in r.routes.iter().enumerate() {
        if let Some(earlier) = r.routes[..i]
            .iter()
            .find(|e| !e.continue_ && covers(e, later))
        {
            out.push(
                Diagnostic::new(&SHADOWED_ROUTE, later.span, format!("route `{}` is never reached", crate::ir::routing::describe(later)))
                    .label("shadowed")
                    .secondary(earlier.span, format!("this earlier route (`{}`) matches first and has no `continue`", crate::ir::routing::describe(earlier)))
                    .help("move the more specific route first, or add `continue: true` to the earlier one"),
            );
        }
    }
    for c in &r.routes {
        walk(c, out);
    }
}
