//! Rule R003 `shadowed-route`.

forge_spec_base::declare_code! {
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

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::Route;

/// Whether every alert `later` matches is matched by `earlier` (sound, not complete:
/// equality matchers only).
fn covers(earlier: &Route, later: &Route) -> bool {
    earlier.matchers.iter().all(|e| {
        later.matchers.iter().any(|l| {
            l.label.value == e.label.value && l.value.value == e.value.value && l.op() == e.op()
        })
    })
}

/// Detection: for each route, an earlier sibling without `continue` that covers it.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    if let Some(r) = &m.routing {
        walk(&r.root, out);
    }
}

/// A route's matchers as a canonical key: sorted (label, value, operator).
fn key(r: &Route) -> Vec<(&str, &str, &'static str)> {
    let mut k: Vec<(&str, &str, &'static str)> = r
        .matchers
        .iter()
        .map(|m| (m.label.value.as_str(), m.value.value.as_str(), m.op()))
        .collect();
    k.sort_unstable();
    k.dedup();
    k
}

fn walk(r: &Route, out: &mut Vec<Diagnostic>) {
    // Matcher sets of earlier siblings without `continue` → the first such sibling. A
    // later route is shadowed when one of its matcher subsets is such a set; routes have
    // a handful of matchers, so the subsets are few and the walk stays linear.
    let mut earlier_sets: std::collections::HashMap<Vec<(&str, &str, &'static str)>, usize> =
        std::collections::HashMap::new();
    for (i, later) in r.routes.iter().enumerate() {
        let k = key(later);
        let shadowing = if k.len() <= 8 {
            (0u32..(1 << k.len()))
                .filter_map(|mask| {
                    let subset: Vec<(&str, &str, &'static str)> = k
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| mask & (1 << b) != 0)
                        .map(|(_, x)| *x)
                        .collect();
                    earlier_sets.get(&subset).copied()
                })
                .min()
        } else {
            r.routes[..i]
                .iter()
                .position(|e| !e.continue_ && covers(e, later))
        };
        if !later.continue_ {
            earlier_sets.entry(k).or_insert(i);
        }
        if let Some(earlier) = shadowing.map(|j| &r.routes[j]) {
            out.push(
                Diagnostic::new(&SHADOWED_ROUTE, later.span, format!("route `{}` is never reached", forge_spec_ir::routing::describe(later)))
                    .label("shadowed")
                    .secondary(earlier.span, format!("this earlier route (`{}`) matches first and has no `continue`", forge_spec_ir::routing::describe(earlier)))
                    .help("move the more specific route first, or add `continue: true` to the earlier one"),
            );
        }
    }
    for c in &r.routes {
        walk(c, out);
    }
}
