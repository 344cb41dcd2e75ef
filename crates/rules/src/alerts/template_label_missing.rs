//! Rule A008 `template-label-missing`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert template (`summary`, `description`, `annotations:`, `labels:`
    /// values) that reads a label the alert does not carry: `{{ $labels.x }}`,
    /// `{{ .Labels.x }}` or `{{ index $labels "x" }}` where `x` is neither a label of
    /// the condition's result (as the checker follows it through `by`/`without`,
    /// vector matching and `label_replace`) nor one the rule sets (`severity`,
    /// `service`, `slo`, `alertname`, its `labels:`). Conditions whose labels cannot be
    /// known (a metric outside the catalogue, a `__name__` regex) are not checked.
    ///
    /// Receivers' Alertmanager templates too: `{{ .GroupLabels.x }}` where no route
    /// delivering to the receiver groups by `x`, and `{{ .CommonLabels.x }}` or
    /// `{{ .Labels.x }}` where no alert of the spec carries `x`.
    ///
    /// ## Why is this bad?
    /// The template renders the label as an empty string: the page says "instance  is
    /// down" and the on-call engineer does not know where to look. Aggregations drop
    /// labels silently, so this is the usual result of adding `sum by (job)` to a
    /// condition whose description names `$labels.instance`.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   http_requests_total: {type: counter, help: Requests., labels: {code: {values: [ok, error]}}}
    /// alerts:
    ///   Errors:
    ///     severity: warning
    ///     condition: sum by (job) (rate(http_requests_total{code="error"})) > 1 for 5m
    ///     summary: Errors.
    ///     description: '{{ $labels.instance }} fails.'
    ///     runbook: runbooks/errors.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   http_requests_total: {type: counter, help: Requests., labels: {code: {values: [ok, error]}}}
    /// alerts:
    ///   Errors:
    ///     severity: warning
    ///     condition: sum by (job) (rate(http_requests_total{code="error"})) > 1 for 5m
    ///     summary: Errors.
    ///     description: '{{ $labels.job }} fails.'
    ///     runbook: runbooks/errors.md
    /// ```
    pub TEMPLATE_LABEL_MISSING = ("A008", "template-label-missing", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_expr::SourceMap;
use forge_spec_expr::ast::Pos;
use forge_spec_expr::gotmpl::{field_refs, label_refs};
use forge_spec_ir::integrations::{FieldKind, Value};
use forge_spec_ir::{Model, Route, S};
use std::collections::{BTreeMap, BTreeSet};

/// Detection: every label a template reads, against the labels the alert carries;
/// then the receivers' templates against routes and alerts.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    alerts(cx, out);
    receivers(cx, out);
}

/// A finding at the label a template reads: `known` are the labels it could read,
/// listed after `listed` in the help line when no name is close.
fn report(
    cx: &crate::Ctx<'_>,
    text: &S,
    range: std::ops::Range<usize>,
    message: String,
    known: &[&str],
    listed: &str,
    about: forge_spec_base::source::Span,
) -> Diagnostic {
    let map = SourceMap::new(cx.sources, text.span, &text.value);
    let span = map.span(Pos {
        start: range.start,
        end: range.end,
    });
    let label = &text.value[range];
    Diagnostic::new(&TEMPLATE_LABEL_MISSING, span, message)
        .label("always empty")
        .about(about)
        .suggest(
            label,
            known.iter().copied(),
            format!("{listed}: {}", known.join(", ")),
        )
}

/// Every label some alert of the spec may carry; None when one alert's labels cannot
/// be known.
fn universe(m: &Model) -> Option<BTreeSet<String>> {
    let mut all: BTreeSet<String> = ["alertname", "severity", "service"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if m.service.team.is_some() {
        all.insert("team".into());
    }
    for a in &m.alerts {
        let carried = a.when.as_ref()?.ty.as_ref()?.labels.as_ref()?;
        all.extend(carried.iter().cloned());
        all.extend(a.labels.iter().map(|(k, _)| k.value.clone()));
        if a.slo.is_some() {
            all.insert("slo".into());
        }
    }
    for s in &m.slos {
        all.insert("slo".into());
        all.extend(
            s.labels
                .iter()
                .chain(&s.alert_labels)
                .map(|(k, _)| k.value.clone()),
        );
    }
    Some(all)
}

/// Receiver → the `group_by` labels of the routes delivering to it (None: `...`, all).
fn grouping(root: &Route) -> BTreeMap<String, Option<BTreeSet<String>>> {
    fn walk(
        r: &Route,
        inherited: &Option<BTreeSet<String>>,
        out: &mut BTreeMap<String, Option<BTreeSet<String>>>,
    ) {
        let own: Option<BTreeSet<String>> = match &r.group_by {
            Some(g) if g.iter().any(|l| l.value == "...") => None,
            Some(g) => Some(g.iter().map(|l| l.value.clone()).collect()),
            None => inherited.clone(),
        };
        if let Some(rcv) = &r.receiver {
            let entry = out
                .entry(rcv.value.clone())
                .or_insert_with(|| Some(BTreeSet::new()));
            match (entry.as_mut(), &own) {
                (Some(e), Some(o)) => e.extend(o.iter().cloned()),
                _ => *entry = None,
            }
        }
        for c in &r.routes {
            walk(c, &own, out);
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &Some(BTreeSet::new()), &mut out);
    out
}

fn receivers(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let Some(routing) = &m.routing else { return };
    let groups = grouping(&routing.root);
    let all = universe(m);
    for r in &m.receivers {
        let texts = r
            .settings()
            .filter_map(|(_, s)| match (s.field.kind, &s.value) {
                (FieldKind::Template, Value::Text(t)) => Some(t),
                _ => None,
            });
        let grouped = groups.get(&r.name.value);
        for text in texts {
            if let Some(Some(g)) = grouped {
                for (label, range) in field_refs(&text.value, &[".GroupLabels."], false) {
                    if !g.contains(&label) {
                        let known: Vec<&str> = g.iter().map(String::as_str).collect();
                        out.push(report(cx, text, range, format!("receiver `{}` reads the group label `{label}`, but no route delivering to it groups by `{label}`", r.name.value), &known, "known labels", r.name.span));
                    }
                }
            }
            if let Some(all) = &all {
                for (label, range) in
                    field_refs(&text.value, &[".CommonLabels.", ".Labels."], false)
                {
                    if !all.contains(&label) {
                        let known: Vec<&str> = all.iter().map(String::as_str).collect();
                        out.push(report(cx, text, range, format!("receiver `{}` reads the label `{label}`, which no alert of the spec carries", r.name.value), &known, "known labels", r.name.span));
                    }
                }
            }
        }
    }
}

fn alerts(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for a in &cx.model.alerts {
        let Some(carried) = a
            .when
            .as_ref()
            .and_then(|w| w.ty.as_ref())
            .and_then(|t| t.labels.as_ref())
        else {
            continue;
        };
        let own = ["alertname", "severity", "service"];
        let has = |l: &str| {
            carried.contains(l)
                || own.contains(&l)
                || (l == "team" && cx.model.service.team.is_some())
                || (l == "slo" && a.slo.is_some())
                || a.labels.iter().any(|(k, _)| k.value == l)
        };
        let texts = a
            .summary
            .iter()
            .chain(&a.description)
            .chain(a.annotations.iter().map(|(_, v)| v))
            .chain(a.labels.iter().map(|(_, v)| v));
        for text in texts {
            for (label, range) in label_refs(&text.value) {
                if has(&label) {
                    continue;
                }
                let mut known: Vec<&str> = carried.iter().map(String::as_str).collect();
                known.extend(own);
                let message = format!(
                    "alert `{}` reads the label `{label}`, which its condition's result does not carry",
                    a.name.value
                );
                out.push(report(
                    cx,
                    text,
                    range,
                    message,
                    &known,
                    "its labels are",
                    a.name.span,
                ));
            }
        }
    }
}
