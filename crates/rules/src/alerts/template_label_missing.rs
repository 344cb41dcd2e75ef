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
use forge_spec_expr::gotmpl::label_refs;

/// Detection: every label a template reads, against the labels the alert carries.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
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
                let map = SourceMap::new(cx.sources, text.span, &text.value);
                let span = map.span(Pos {
                    start: range.start,
                    end: range.end,
                });
                let mut known: Vec<&str> = carried.iter().map(String::as_str).collect();
                known.extend(own);
                let d = Diagnostic::new(
                    &TEMPLATE_LABEL_MISSING,
                    span,
                    format!(
                        "alert `{}` reads the label `{label}`, which its condition's result does not carry",
                        a.name.value
                    ),
                )
                .label("always empty")
                .about(a.name.span);
                out.push(d.suggest(
                    &label,
                    known.iter().copied(),
                    format!("its labels are: {}", known.join(", ")),
                ));
            }
        }
    }
}
