//! Rule R010 `inhibit-across-subjects`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert that an inhibit rule lets an alert about something else
    /// silence: the inhibiting alert watches another SLO or other targets (what an
    /// alert is about: its `slo:`, else the targets its condition reads). Reported once
    /// per silenced alert, at the alert, naming one such inhibitor;
    /// `forge-spec routes inhibits` lists them all. When the silencing is meant (a
    /// dependency being down makes the warning noise), say so with an `allow:` on the
    /// silenced alert.
    ///
    /// ## Why is this bad?
    /// A broad rule (critical silences warning, `equal: [service]`) lets any page of the
    /// service hide every warning of it: a training SLO page silences "a training job
    /// failed", an unrelated outage hides a memory leak.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}, db: {address: "db:9187", uses: [process]}}
    /// alerts:
    ///   DbDown: {severity: critical, condition: up(db) == 0 for 1m, summary: The database is down., runbook: r.md}
    ///   WebSlow: {severity: warning, condition: up(web) == 0 for 10m, summary: The web server is down., runbook: r.md}
    /// routing:
    ///   receiver: team
    ///   inhibit: [{source: {severity: critical}, target: {severity: warning}, equal: [service]}]
    /// receivers: {team: {email: {to: team@example.com}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}, db: {address: "db:9187", uses: [process]}}
    /// alerts:
    ///   DbDown: {severity: critical, condition: up(db) == 0 for 1m, summary: The database is down., runbook: r.md}
    ///   WebSlow: {severity: warning, condition: up(web) == 0 for 10m, summary: The web server is down., runbook: r.md}
    /// routing:
    ///   receiver: team
    ///   inhibit: [{source: {severity: critical}, target: {severity: warning}, equal: [service, instance]}]
    /// receivers: {team: {email: {to: team@example.com}}}
    /// ```
    pub INHIBIT_ACROSS_SUBJECTS = ("R010", "inhibit-across-subjects", Warning);
}

use forge_spec_base::diag::Diagnostic;

/// Detection: the reach of every inhibit rule (`ir::routing::inhibitions`).
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let rules: Vec<&forge_spec_ir::Inhibit> = m
        .routing
        .iter()
        .flat_map(|r| r.inhibit.iter())
        .chain(&m.org_inhibit)
        .collect();
    let mut seen = std::collections::HashSet::new();
    for x in forge_spec_ir::routing::inhibitions(m) {
        let Some((source, theirs, ours)) = &x.across else {
            continue;
        };
        if !seen.insert(x.target.clone()) {
            continue;
        }
        let Some(rule) = rules.get(x.rule) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &INHIBIT_ACROSS_SUBJECTS,
                x.target_span,
                format!(
                    "`{source}` ({theirs}) can silence `{}` ({ours})",
                    x.target
                ),
            )
            .label("silenced by an alert about something else")
            .secondary(rule.span, "this inhibit rule")
            .help("add the labels that identify the same problem to `equal:` (e.g. `slo`, `instance`), or `allow:` this rule on the alert when the silencing is meant"),
        );
    }
}
