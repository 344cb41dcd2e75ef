//! Rule A003 `bad-summary`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert without a summary, with an empty one, or with a templated one.
    ///
    /// ## Why is this bad?
    /// The summary is the notification's title (the guide's Slack title is
    /// `{{ .Status }} - {{ .CommonAnnotations.summary }}`): without it the page says nothing,
    /// and a templated summary differs per alert, so Alertmanager's common annotations drop it.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     summary: "{{ $labels.instance }} is down"
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
    ///     description: "{{ $labels.instance }} is down."
    ///     runbook: runbooks/web-down.md
    /// ```
    pub BAD_SUMMARY = ("A003", "bad-summary", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: no summary, an empty one, or one with `{{` templating.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for a in &m.alerts {
        match &a.summary {
            None => out.push(
                Diagnostic::new(&BAD_SUMMARY, a.name.span, format!("alert `{}` has no summary", a.name.value))
                    .label("no `summary:`")
                    .help("add `summary:` with one sentence saying what is wrong, e.g. `API p95 latency is above 1s.`"),
            ),
            Some(s) if s.value.trim().is_empty() => out.push(
                Diagnostic::new(&BAD_SUMMARY, s.span, format!("alert `{}` has an empty summary", a.name.value))
                    .label("empty")
                    .about(a.name.span)
                    .help("write one sentence saying what is wrong"),
            ),
            Some(s) if s.value.contains("{{") => out.push(
                Diagnostic::new(&BAD_SUMMARY, s.span, format!("the summary of `{}` is templated", a.name.value))
                    .label("contains `{{`")
                    .about(a.name.span)
                    .help("keep the summary constant so notifications group; put values in `description:`"),
            ),
            Some(_) => {}
        }
    }
}
