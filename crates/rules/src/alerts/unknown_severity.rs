//! Rule A002 `unknown-severity`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert severity outside the allowed set (`routing.severities`, by default
    /// `critical`, `warning`, `info`).
    ///
    /// ## Why is this bad?
    /// Routes match on severity: an alert with `severity: crit` reaches no severity route and
    /// falls to the default receiver.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: crit
    ///     condition: up(web) == 0 for 1m
    ///     summary: Web is down.
    ///     runbook: runbooks/web-down.md
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
    pub UNKNOWN_SEVERITY = ("A002", "unknown-severity", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: severities outside `routing.severities` (default critical, warning, info).
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let default: Vec<String> = forge_spec_ir::DEFAULT_SEVERITIES
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    let allowed: &[String] = m
        .routing
        .as_ref()
        .map_or(&default[..], |r| &r.severities[..]);
    for a in &m.alerts {
        let s = &a.severity;
        if !allowed.contains(&s.value) {
            let d = Diagnostic::new(
                &UNKNOWN_SEVERITY,
                s.span,
                format!(
                    "severity `{}` is not one of the allowed severities",
                    s.value
                ),
            )
            .label("not allowed")
            .about(a.name.span);
            let d = d.suggest(
                &s.value,
                allowed.iter().map(String::as_str),
                format!("use one of: {}", allowed.join(", ")),
            );
            out.push(d);
        }
    }
}
