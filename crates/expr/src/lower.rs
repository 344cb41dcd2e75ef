//! Condition language: lowering to PromQL. `p95(h) > 1s` becomes
//! `histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m]))) > 1`.

use super::Catalog;
use super::ast::*;
use super::functions::{self, Arg};
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
    range_of(sel.range.map(|(d, _)| d), cx)
}

/// A range as written (scaled in fixed mode), or the default one.
fn range_of(written: Option<Duration>, cx: &Lowering<'_>) -> String {
    match (written.map(|d| (d, ())), cx.range) {
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
    if !s.matchers.is_empty() || name.is_empty() {
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

/// `offset` and `@`, after a selector's range or a subquery.
fn modifiers(offset: Option<&Offset>, at: Option<&At>, cx: &Lowering<'_>, out: &mut String) {
    if let Some(o) = offset {
        out.push_str(" offset ");
        if o.negative {
            out.push('-');
        }
        out.push_str(&scaled(o.by, cx).to_prometheus());
    }
    if let Some(at) = at {
        out.push(' ');
        out.push_str(&at.to_string());
    }
}

/// A written duration, divided by the time scale in fixed mode.
fn scaled(d: Duration, cx: &Lowering<'_>) -> Duration {
    match cx.range {
        RangeMode::Fixed(_) => Duration {
            ms: (d.ms / cx.scale.max(1)).max(1),
        },
        RangeMode::Grafana => d,
    }
}

fn ranged(s: &Selector, name: &str, cx: &Lowering<'_>, out: &mut String) {
    selector(s, name, out);
    out.push('[');
    out.push_str(&range(s, cx));
    out.push(']');
    modifiers(s.offset(), s.at(), cx, out);
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
            g.map(|g| names(&g.labels)).unwrap_or_default()
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
            None => {
                selector(s, &s.metric, out);
                modifiers(s.offset(), s.at(), cx, out);
            }
        },
        ExprKind::Number(q) => out.push_str(&fmt_num(q.value)),
        ExprKind::Str(s) => out.push_str(&quote(s)),
        ExprKind::Up { target, .. } => up(target, cx, out),
        ExprKind::Neg(inner) => {
            out.push('-');
            expr(inner, cx, out);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            expr(inner, cx, out);
            out.push(')');
        }
        ExprKind::Binary(op, l, r, m) => {
            expr(l, cx, out);
            out.push(' ');
            out.push_str(op.as_str());
            out.push_str(&m.to_string());
            out.push(' ');
            expr(r, cx, out);
        }
        ExprKind::Subquery(sq) => subquery(sq, cx, out),
        ExprKind::Call(c) => call(c, cx, out),
    }
}

fn subquery(sq: &Subquery, cx: &Lowering<'_>, out: &mut String) {
    expr(&sq.expr, cx, out);
    out.push('[');
    out.push_str(&scaled(sq.range, cx).to_prometheus());
    out.push(':');
    if let Some(step) = sq.step {
        out.push_str(&scaled(step, cx).to_prometheus());
    }
    out.push(']');
    modifiers(sq.offset.as_ref(), sq.at.as_ref(), cx, out);
}

/// `up(target)` as the selector it stands for.
fn up(target: &str, cx: &Lowering<'_>, out: &mut String) {
    out.push_str(up_metric(cx.catalog, target));
    out.push_str("{job=");
    out.push_str(&quote(target));
    out.push('}');
}

/// The series `up(target)` reads: `up` of a scraped target, `probe_success` of a probed one.
pub fn up_metric(cat: &Catalog, target: &str) -> &'static str {
    if cat.probed.contains(target) {
        "probe_success"
    } else {
        "up"
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
        "quantile" if super::check::histogram_shorthand(cx.catalog, c) => {
            match c.args.first().map(|a| &a.kind) {
                Some(ExprKind::Number(n)) => Some(n.value),
                _ => None,
            }
        }
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
    if f == "ratio"
        && let (Some(a), Some(b)) = (first_selector(c, 0), first_selector(c, 1))
    {
        let g = grouping(c.grouping.as_ref(), &[]);
        let sp = if g.is_empty() { "" } else { " " };
        out.push_str(&format!("sum{g}{sp}(rate("));
        ranged(a, &a.metric, cx, out);
        out.push_str(&format!(")) / sum{g}{sp}(rate("));
        ranged(b, &b.metric, cx, out);
        out.push_str("))");
        return;
    }
    let range_args: &[Arg] = functions::function(f).map_or(&[], |func| func.args);
    out.push_str(f);
    if functions::aggregation(f).is_some() {
        let g = grouping(c.grouping.as_ref(), &[]);
        out.push_str(&g);
        if !g.is_empty() {
            out.push(' ');
        }
    }
    out.push('(');
    for (i, a) in c.args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let is_range =
            range_args.get(i.min(range_args.len().saturating_sub(1))) == Some(&Arg::Range);
        match &a.kind {
            // A range argument written without its range gets the default one.
            ExprKind::Selector(s) if is_range => ranged(s, &s.metric, cx, out),
            ExprKind::Up { target, .. } if is_range => {
                up(target, cx, out);
                out.push('[');
                out.push_str(&range_of(None, cx));
                out.push(']');
            }
            _ => expr(a, cx, out),
        }
    }
    out.push(')');
}
