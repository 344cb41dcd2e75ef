//! Condition language: lowering to PromQL. `p95(h) > 1s` becomes
//! `histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m]))) > 1`.

use super::Catalog;
use super::ast::*;
use super::units::fmt_num;

/// Which range window `rate`, `increase` and quantiles use when none is written.
#[derive(Clone, Copy, Debug)]
pub enum RangeMode {
    /// A fixed window (alert rules): the spec's default range.
    Fixed(Duration),
    /// Grafana's `$__rate_interval` (dashboards).
    Grafana,
}

#[derive(Clone, Copy, Debug)]
pub struct Lowering<'a> {
    pub catalog: &'a Catalog,
    pub range: RangeMode,
    /// Divides written ranges (`rate(m[1m])`) in fixed mode (`build --time-scale`).
    pub scale: u64,
}

/// Lowers an expression to PromQL.
pub fn lower(e: &Expr, cx: &Lowering<'_>) -> String {
    let mut out = String::new();
    expr(e, cx, &mut out);
    out
}

/// Lowers a bare selector (SLI parts) to PromQL.
pub fn lower_selector(s: &Selector) -> String {
    let mut out = String::new();
    selector(s, &s.metric, &mut out);
    out
}

fn range(sel: &Selector, cx: &Lowering<'_>) -> String {
    match (sel.range, cx.range) {
        (Some((d, _)), RangeMode::Fixed(_)) => Duration {
            ms: (d.ms / cx.scale.max(1)).max(1),
        }
        .to_prometheus(),
        (Some((d, _)), RangeMode::Grafana) => d.to_prometheus(),
        (None, RangeMode::Fixed(d)) => Duration {
            ms: (d.ms / cx.scale.max(1)).max(1),
        }
        .to_prometheus(),
        (None, RangeMode::Grafana) => "$__rate_interval".into(),
    }
}

fn selector(s: &Selector, name: &str, out: &mut String) {
    out.push_str(name);
    if !s.matchers.is_empty() {
        out.push('{');
        for (i, m) in s.matchers.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&m.label);
            out.push_str(m.op.as_str());
            out.push_str(&quote(&m.value));
        }
        out.push('}');
    }
}

fn ranged(s: &Selector, name: &str, cx: &Lowering<'_>, out: &mut String) {
    selector(s, name, out);
    out.push('[');
    out.push_str(&range(s, cx));
    out.push(']');
}

fn grouping(g: Option<&Grouping>, extra: &[&str]) -> String {
    let mut labels: Vec<&str> = extra.to_vec();
    let without = g.is_some_and(|g| g.without);
    if let Some(g) = g {
        labels.extend(g.labels.iter().map(|(l, _)| l.as_str()));
    }
    if without {
        format!(
            " without ({})",
            g.map(|g| g
                .labels
                .iter()
                .map(|(l, _)| l.as_str())
                .collect::<Vec<_>>()
                .join(", "))
                .unwrap_or_default()
        )
    } else if labels.is_empty() {
        String::new()
    } else {
        format!(" by ({})", labels.join(", "))
    }
}

fn expr(e: &Expr, cx: &Lowering<'_>, out: &mut String) {
    match &e.kind {
        ExprKind::Selector(s) => match s.range {
            Some(_) => ranged(s, &s.metric, cx, out),
            None => selector(s, &s.metric, out),
        },
        ExprKind::Number(q) => out.push_str(&fmt_num(q.value)),
        ExprKind::Up { target, .. } => {
            out.push_str("up{job=");
            out.push_str(&quote(target));
            out.push('}');
        }
        ExprKind::Neg(inner) => {
            out.push('-');
            expr(inner, cx, out);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            expr(inner, cx, out);
            out.push(')');
        }
        ExprKind::Binary(op, l, r) => {
            expr(l, cx, out);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            expr(r, cx, out);
        }
        ExprKind::Call(c) => call(c, cx, out),
    }
}

fn first_selector(c: &Call, i: usize) -> Option<&Selector> {
    match c.args.get(i).map(|a| &a.kind) {
        Some(ExprKind::Selector(s)) => Some(s),
        _ => None,
    }
}

fn call(c: &Call, cx: &Lowering<'_>, out: &mut String) {
    let f = c.func.as_str();
    let q = match f {
        "p50" => Some(0.5),
        "p75" => Some(0.75),
        "p90" => Some(0.9),
        "p95" => Some(0.95),
        "p99" => Some(0.99),
        "quantile" => match c.args.first().map(|a| &a.kind) {
            Some(ExprKind::Number(n)) => Some(n.value),
            _ => None,
        },
        _ => None,
    };
    if let Some(q) = q {
        let idx = usize::from(f == "quantile");
        if let Some(s) = first_selector(c, idx) {
            let bucket = format!("{}_bucket", s.metric);
            out.push_str(&format!(
                "histogram_quantile({}, sum{} (rate(",
                fmt_num(q),
                grouping(c.grouping.as_ref(), &["le"])
            ));
            ranged(s, &bucket, cx, out);
            out.push_str(")))");
            return;
        }
    }
    match f {
        "rate" | "increase" | "irate" | "avg_over_time" | "max_over_time" | "min_over_time" => {
            if let Some(s) = first_selector(c, 0) {
                out.push_str(f);
                out.push('(');
                ranged(s, &s.metric, cx, out);
                out.push(')');
                return;
            }
        }
        "ratio" => {
            if let (Some(a), Some(b)) = (first_selector(c, 0), first_selector(c, 1)) {
                let g = grouping(c.grouping.as_ref(), &[]);
                let sp = if g.is_empty() { "" } else { " " };
                out.push_str(&format!("sum{g}{sp}(rate("));
                ranged(a, &a.metric, cx, out);
                out.push_str(&format!(")) / sum{g}{sp}(rate("));
                ranged(b, &b.metric, cx, out);
                out.push_str("))");
                return;
            }
        }
        "sum" | "avg" | "min" | "max" | "count" => {
            out.push_str(f);
            let g = grouping(c.grouping.as_ref(), &[]);
            out.push_str(&g);
            out.push_str(if g.is_empty() { "(" } else { " (" });
            for a in &c.args {
                expr(a, cx, out);
            }
            out.push(')');
            return;
        }
        _ => {}
    }
    // absent() and anything the checker already refused: print as a plain call.
    out.push_str(f);
    out.push('(');
    for (i, a) in c.args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        expr(a, cx, out);
    }
    out.push(')');
}
