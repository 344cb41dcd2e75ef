//! Rule A001 `alert-name-not-camel-case`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert whose name is not CamelCase.
    ///
    /// ## Why is this bad?
    /// Prometheus' convention for alert names is CamelCase (`HighErrorRate`); mixed styles
    /// make routing matchers on `alertname` and silences error-prone.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   web_down:
    ///     severity: critical
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
    pub ALERT_NAME_NOT_CAMEL_CASE = ("A001", "alert-name-not-camel-case", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: alert names that are not CamelCase (letters and digits, capital first).
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for a in &m.alerts {
        let n = &a.alertname.value;
        let camel = n.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && n.chars().all(|c| c.is_ascii_alphanumeric());
        if !camel {
            out.push(
                Diagnostic::new(
                    &ALERT_NAME_NOT_CAMEL_CASE,
                    a.alertname.span,
                    format!("alert name `{n}` is not CamelCase"),
                )
                .label("not CamelCase")
                .about(a.name.span)
                .help(format!("rename it to `{}`", forge_spec_ir::camel(n))),
            );
        }
    }
}
