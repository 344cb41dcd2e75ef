//! Rule A005 `missing-for`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an alert over a rate, an increase, a ratio or a quantile that has no `for`.
    ///
    /// ## Why is this bad?
    /// Such values jump between evaluations; without a pending period one spike pages
    /// someone (the guide: "Avoid alert fatigue").
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_errors_total: {type: counter, help: Errors.}
    /// alerts:
    ///   ManyErrors:
    ///     severity: warning
    ///     condition: rate(shop_errors_total) > 1
    ///     summary: Errors are frequent.
    ///     runbook: runbooks/errors.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_errors_total: {type: counter, help: Errors.}
    /// alerts:
    ///   ManyErrors:
    ///     severity: warning
    ///     condition: rate(shop_errors_total) > 1 for 5m
    ///     summary: Errors are frequent.
    ///     runbook: runbooks/errors.md
    /// ```
    pub MISSING_FOR = ("A005", "missing-for", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_base::source::Span;
use forge_spec_expr::ast::{Expr, ExprKind};
use forge_spec_ir::Model;

/// Detection: conditions over rates, increases or quantiles without `for`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for a in &m.alerts {
        let Some(when) = &a.when else { continue };
        let noisy = match &when.condition {
            Some(c) => uses_rate(&c.expr),
            None => ["rate(", "increase(", "histogram_quantile("]
                .iter()
                .any(|f| when.promql.contains(f)),
        };
        if noisy && a.for_.is_none() {
            let d = Diagnostic::new(
                &MISSING_FOR,
                when.text.span,
                format!(
                    "alert `{}` fires on the first evaluation of a noisy condition",
                    a.name.value
                ),
            )
            .label("rates and quantiles jump between evaluations; no `for`")
            .about(a.name.span)
            .help(if when.condition.is_some() {
                "add `for 5m` to the condition so a single spike does not page"
            } else {
                "add `for: 5m` to the alert so a single spike does not page"
            });
            // The fix: ` for 5m` at the end of a one-line condition (inside its quotes).
            let text = cx.sources.slice(when.text.span);
            let quoted = text.len() >= 2
                && (text.starts_with('"') && text.ends_with('"')
                    || text.starts_with('\'') && text.ends_with('\''));
            let plain = !text.starts_with(['|', '>', '"', '\'']);
            let d = match (
                when.condition.is_some() && !text.contains('\n'),
                quoted,
                plain,
            ) {
                (true, true, _) => {
                    let at = when.text.span.sub(text.len() - 1, text.len() - 1);
                    d.edit(at, " for 5m")
                }
                (true, false, true) => {
                    let at = when.text.span.sub(text.len(), text.len());
                    d.edit(at, " for 5m")
                }
                // Raw PromQL: a `for: 5m` key beside `expr:`.
                (false, _, _) if !text.contains('\n') => match for_key(cx, when.text.span) {
                    Some((at, key)) => d.edit(at, key),
                    None => d,
                },
                _ => d,
            };
            out.push(d);
        }
    }
}

/// Where a `for: 5m` key goes beside the one-line `expr:` at `value`, and its text: in a
/// flow mapping right after the value (`, for: 5m`), in a block mapping on a line of its
/// own under `expr:`.
fn for_key(cx: &crate::Ctx<'_>, value: Span) -> Option<(Span, String)> {
    let text = &cx.sources.get(value.file)?.text;
    let key = crate::key_start(cx.sources, value, "expr")? as usize;
    let end = value.end as usize;
    let after = text.get(end..)?;
    let line_end = end + after.find('\n').unwrap_or(after.len());
    if after.trim_start_matches(' ').starts_with([',', '}']) {
        return Some((
            Span {
                start: value.end,
                ..value
            },
            ", for: 5m".into(),
        ));
    }
    let line_start = text[..key].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..key].chars().count();
    let at = u32::try_from(line_end).ok()?;
    let key_line = format!("\n{}for: 5m", " ".repeat(column));
    Some((
        Span {
            start: at,
            end: at,
            ..value
        },
        key_line,
    ))
}

fn uses_rate(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call(c) => {
            matches!(
                c.func.as_str(),
                "rate"
                    | "irate"
                    | "deriv"
                    | "delta"
                    | "idelta"
                    | "histogram_quantile"
                    | "increase"
                    | "ratio"
                    | "quantile"
                    | "p50"
                    | "p75"
                    | "p90"
                    | "p95"
                    | "p99"
            ) || c.args.iter().any(uses_rate)
        }
        ExprKind::Binary(_, l, r, _) => uses_rate(l) || uses_rate(r),
        ExprKind::Neg(x) | ExprKind::Paren(x) => uses_rate(x),
        ExprKind::Subquery(sq) => uses_rate(&sq.expr),
        _ => false,
    }
}
