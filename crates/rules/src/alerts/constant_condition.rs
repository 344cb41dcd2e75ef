//! Rule A006 `constant-condition`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a condition that is always true or never true: two numbers compared, a
    /// rate or quantile compared below zero, a ratio compared above 1, `up` compared
    /// outside 0 and 1.
    ///
    /// ## Why is this bad?
    /// An always-true alert pages forever; a never-true alert gives false confidence.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    /// alerts:
    ///   ManyErrors:
    ///     severity: warning
    ///     condition: 'ratio(shop_requests_total{code="5xx"}, shop_requests_total) > 5 for 5m'
    ///     summary: Many requests fail.
    ///     runbook: runbooks/errors.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    /// alerts:
    ///   ManyErrors:
    ///     severity: warning
    ///     condition: 'ratio(shop_requests_total{code="5xx"}, shop_requests_total) > 5% for 5m'
    ///     summary: Many requests fail.
    ///     runbook: runbooks/errors.md
    /// ```
    pub CONSTANT_CONDITION = ("A006", "constant-condition", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_expr::ast::{BinOp, Expr, ExprKind};
use forge_spec_ir::Model;

/// Detection: comparisons between two numbers, and comparisons of a non-negative
/// value (counter, rate, ratio, `up`, quantile) below zero, or of a ratio above 1
/// or of `up` outside 0..1.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for a in &m.alerts {
        let Some(when) = &a.when else { continue };
        let Some(c) = &when.condition else { continue };
        let Some(verdict) = constant(&c.expr) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &CONSTANT_CONDITION,
                when.map.span(c.expr.pos),
                format!("the condition of `{}` is always {verdict}", a.name.value),
            )
            .label(format!("always {verdict}"))
            .about(a.name.span)
            .help(if verdict == "true" {
                "this alert would fire forever; fix the threshold"
            } else {
                "this alert can never fire; fix the threshold"
            }),
        );
    }
}

fn constant(e: &Expr) -> Option<&'static str> {
    let ExprKind::Binary(op, l, r, m) = &e.kind else {
        return None;
    };
    if !op.is_comparison() || m.bool_ {
        return None;
    }
    let holds = |a: f64, b: f64| match op {
        BinOp::Gt => a > b,
        BinOp::Ge => a >= b,
        BinOp::Lt => a < b,
        BinOp::Le => a <= b,
        BinOp::Eq => a == b,
        _ => a != b,
    };
    let verdict = |t: bool| Some(if t { "true" } else { "false" });
    if let (Some(a), Some(b)) = (fold(l), fold(r)) {
        return verdict(holds(a, b));
    }
    let t = fold(r)?;
    // Nothing compares with NaN (`x > 0/0`), except `!=`, which always holds.
    if t.is_nan() {
        return verdict(*op == BinOp::Ne);
    }
    let (lo, hi) = range(l);
    match op {
        BinOp::Lt if t <= lo => Some("false"),
        BinOp::Le if t < lo => Some("false"),
        BinOp::Ge if t <= lo => Some("true"),
        BinOp::Gt if t >= hi => Some("false"),
        BinOp::Ge if t > hi => Some("false"),
        BinOp::Eq if t < lo || t > hi => Some("false"),
        _ => None,
    }
}

/// The value of an expression made of numbers only (`1GB / 0` is +Inf, `0 / 0` NaN).
fn fold(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Number(q) => Some(q.value),
        ExprKind::Paren(x) => fold(x),
        ExprKind::Binary(op, l, r, _) => {
            let (a, b) = (fold(l)?, fold(r)?);
            match op {
                BinOp::Add => Some(a + b),
                BinOp::Sub => Some(a - b),
                BinOp::Mul => Some(a * b),
                BinOp::Div => Some(a / b),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Bounds a value can take. A comparison without `bool` filters: what passes
/// `x == 0` is 0, what passes `x > 5` is above 5 (so `up == 0 == 1` never holds).
fn range(e: &Expr) -> (f64, f64) {
    match &e.kind {
        ExprKind::Up { .. } => (0.0, 1.0),
        ExprKind::Call(c) => match c.func.as_str() {
            "ratio" => (0.0, 1.0),
            "rate" | "increase" | "irate" | "count" | "p50" | "p75" | "p90" | "p95" | "p99"
            | "quantile" => (0.0, f64::INFINITY),
            _ => (f64::NEG_INFINITY, f64::INFINITY),
        },
        ExprKind::Paren(x) => range(x),
        ExprKind::Binary(op, l, r, m) if op.is_comparison() && !m.bool_ => {
            let (lo, hi) = range(l);
            let Some(t) = fold(r).filter(|t| !t.is_nan()) else {
                return (lo, hi);
            };
            match op {
                BinOp::Eq => (t, t),
                BinOp::Gt | BinOp::Ge => (lo.max(t), hi),
                BinOp::Lt | BinOp::Le => (lo, hi.min(t)),
                _ => (lo, hi),
            }
        }
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    }
}
