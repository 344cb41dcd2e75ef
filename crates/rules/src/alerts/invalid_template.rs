//! Rule A007 `invalid-template`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Parses every templated text the way its engine will: alert `summary`,
    /// `description` and label values as Prometheus alert templates (Go `text/template`
    /// with Prometheus' functions and `$labels`, `$value`, `$externalLabels`,
    /// `$externalURL`), and receiver fields (Slack `channel`, `title`, `text`; PagerDuty
    /// `severity`; email `to`, `from`; Opsgenie `priority`) as Alertmanager templates.
    /// Reports unclosed actions (`{{ $value`), unknown functions (`{{ nosuchfn }}`),
    /// unbalanced `if`/`range`/`with` and `end`, undefined variables and empty actions.
    ///
    /// ## Why is this bad?
    /// Prometheus refuses the whole rule file when one template does not parse
    /// (`promtool check rules` fails); Alertmanager refuses its configuration. Neither
    /// says so until the files are deployed.
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
    ///     description: 'Down for {{ $value | humanizeDurations }}.'
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
    ///     description: 'Down for {{ $value | humanizeDuration }}.'
    ///     runbook: runbooks/web-down.md
    /// ```
    pub INVALID_TEMPLATE = ("A007", "invalid-template", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_base::source::Span;
use forge_spec_expr::gotmpl::{self, Engine};
use forge_spec_ir::S;
use forge_spec_ir::integrations::{FieldKind, Value};

fn report(field: &str, value: &S, about: Span, engine: Engine, out: &mut Vec<Diagnostic>) {
    if !gotmpl::is_template(&value.value) {
        return;
    }
    if let Err(e) = gotmpl::check(&value.value, engine) {
        let fragment: String = value
            .value
            .get(e.range.clone())
            .unwrap_or("")
            .chars()
            .take(60)
            .collect();
        out.push(
            Diagnostic::new(
                &INVALID_TEMPLATE,
                value.span,
                format!(
                    "{} would refuse the template of {field}: {}",
                    engine.name, e.message
                ),
            )
            .label(format!("at `{fragment}`"))
            .about(about)
            .help(format!(
                "templates are Go text/template; {} defines: {}",
                engine.name,
                engine.funcs.join(", ")
            )),
        );
    }
}

/// Detection: every templated text of alerts and receivers, parsed for its engine.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = Engine::PROMETHEUS;
    for a in &cx.model.alerts {
        let name = &a.name.value;
        if let Some(s) = &a.summary {
            report(&format!("`{name}`'s summary"), s, a.name.span, p, out);
        }
        if let Some(d) = &a.description {
            report(&format!("`{name}`'s description"), d, a.name.span, p, out);
        }
        for (label, value) in &a.labels {
            report(
                &format!("`{name}`'s label `{}`", label.value),
                value,
                a.name.span,
                p,
                out,
            );
        }
    }
    let am = Engine::ALERTMANAGER;
    for r in &cx.model.receivers {
        let name = &r.name.value;
        for (i, setting) in r.settings() {
            if let (FieldKind::Template, Value::Text(v)) = (setting.field.kind, &setting.value) {
                report(
                    &format!("receiver `{name}`'s {} {}", i.kind.key, setting.field.key),
                    v,
                    r.name.span,
                    am,
                    out,
                );
            }
        }
    }
}
