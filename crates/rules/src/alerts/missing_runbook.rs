//! Rule A004 `missing-runbook`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert (or an SLO's burn-rate alerts) without a runbook link.
    ///
    /// ## Why is this bad?
    /// The guide's own best practice: "Include runbook links in alert descriptions". The
    /// on-call engineer woken at night needs the first steps, not a search.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     summary: Web is down.
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
    /// ```
    pub MISSING_RUNBOOK = ("A004", "missing-runbook", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: alerts without `runbook:`, and SLOs whose burn-rate alerts have none.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for a in &m.alerts {
        if a.runbook.as_ref().is_none_or(|r| r.value.trim().is_empty()) {
            out.push(
                Diagnostic::new(
                    &MISSING_RUNBOOK,
                    a.name.span,
                    format!("alert `{}` has no runbook", a.name.value),
                )
                .label("no `runbook:`")
                .help("add `runbook: runbooks/<alert>.md` (a page in this repository) or a URL"),
            );
        }
    }
    for s in &m.slos {
        if !s.alerting_disabled && s.runbook.is_none() {
            out.push(
                Diagnostic::new(
                    &MISSING_RUNBOOK,
                    s.name.span,
                    format!(
                        "the burn-rate alerts of SLO `{}` have no runbook",
                        s.name.value
                    ),
                )
                .label("no `alerting.runbook:`")
                .help("add `alerting: {runbook: runbooks/<slo>.md}`"),
            );
        }
    }
}
