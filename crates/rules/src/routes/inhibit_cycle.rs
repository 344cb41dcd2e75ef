//! Rule R006 `inhibit-cycle`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports inhibit rules that silence each other — the spec has an alert that is one
    /// rule's source and the other's target, and an alert the other way round — and a
    /// rule whose source also matches its own target for an alert of the spec
    /// (Alertmanager never lets alerts on both sides of a rule inhibit one another).
    /// Matchers may be regexes and negations, and the alerts are judged by the labels
    /// the spec gives them: the rule reports what it is sure of. A routing without
    /// alerts (an imported Alertmanager configuration) has nothing to silence.
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
    /// alerts:
    ///   WebDown: {severity: critical, condition: up(web) == 0 for 2m, summary: The web server is down., runbook: r.md}
    ///   WebStillDown: {severity: warning, condition: up(web) == 0 for 10m, summary: The web server is still down., runbook: r.md}
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
    /// alerts:
    ///   WebDown: {severity: critical, condition: up(web) == 0 for 2m, summary: The web server is down., runbook: r.md}
    ///   WebStillDown: {severity: warning, condition: up(web) == 0 for 10m, summary: The web server is still down., runbook: r.md}
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

use forge_spec_ir::RouteMatcher;

/// Whether an alert surely could satisfy both matcher sets: on each label, some value —
/// one an equality names, an alternative of a plain regex (`warning|info`), or none at
/// all — passes every matcher of both. A regex whose values are not listed is taken to
/// leave no such value (the rule reports only what it is sure of).
fn compatible(a: &[RouteMatcher], b: &[RouteMatcher]) -> bool {
    let all: Vec<&RouteMatcher> = a.iter().chain(b).collect();
    let mut labels: Vec<&str> = all.iter().map(|m| m.label.value.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    labels.into_iter().all(|l| {
        let on: Vec<(&RouteMatcher, Option<regex::Regex>)> = all
            .iter()
            .filter(|m| m.label.value == l)
            .map(|m| (*m, m.anchored()))
            .collect();
        let mut candidates: Vec<String> = vec![String::new()];
        for (m, _) in &on {
            if m.negative {
                continue;
            }
            if !m.regex {
                candidates.push(m.value.value.clone());
            } else if m
                .value
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '|' | '_' | '-' | '.' | ':'))
            {
                candidates.extend(m.value.value.split('|').map(str::to_string));
            }
        }
        candidates
            .iter()
            .any(|v| on.iter().all(|(m, re)| m.accepts(v, re.as_ref())))
    })
}

/// Detection: pairs (and self) whose sources and targets overlap both ways.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let Some(routing) = &m.routing else { return };
    let rules = &routing.inhibit;
    // The labels each alert of the spec reaches Alertmanager with (a label it lacks is
    // empty, as Alertmanager matches it).
    let alerts = forge_spec_ir::routing::alert_labels(m);
    // Some alert of the spec passes both matcher sets (each set's regexes compiled once
    // for all the alerts).
    let any_alert = |one: &[RouteMatcher], other: &[RouteMatcher]| {
        let compiled = |ms: &[RouteMatcher]| -> Vec<Option<regex::Regex>> {
            ms.iter().map(RouteMatcher::anchored).collect()
        };
        let (x, y) = (compiled(one), compiled(other));
        let side = |ms: &[RouteMatcher],
                    res: &[Option<regex::Regex>],
                    l: &forge_spec_ir::routing::Labels| {
            ms.iter().zip(res).all(|(m, re)| {
                m.accepts(
                    l.get(&m.label.value).map_or("", String::as_str),
                    re.as_ref(),
                )
            })
        };
        alerts
            .iter()
            .any(|(_, _, l)| side(one, &x, l) && side(other, &y, l))
    };
    let on_both = |a: &forge_spec_ir::Inhibit| any_alert(&a.source, &a.target);
    // An alert of the spec that `a` lets inhibit and that `b` silences.
    let crossing =
        |a: &forge_spec_ir::Inhibit, b: &forge_spec_ir::Inhibit| any_alert(&a.source, &b.target);
    for (i, a) in rules.iter().enumerate() {
        // An alert of the spec on both sides: Alertmanager never lets such alerts
        // inhibit one another, which the rule's author hardly means.
        if compatible(&a.source, &a.target) && on_both(a) {
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
            if compatible(&a.source, &b.target)
                && compatible(&b.source, &a.target)
                && crossing(a, b)
                && crossing(b, a)
            {
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
