//! Backend: witnesses for generated rule tests — input series that drive an alert
//! condition above or below its threshold, with the labels and value the alert will
//! carry. Shapes it cannot drive are reported as `None` (the test file says so).

use forge_spec_expr::ast::{BinMod, BinOp, Call, Expr, ExprKind, MatchOp, Selector};
use forge_spec_expr::units::fmt_num;
use forge_spec_expr::{Catalog, Duration};
use forge_spec_ir::Model;
use std::collections::BTreeMap;

/// Minutes of input the generated tests feed.
pub const STEPS: u64 = 120;

/// One input series of a rule test: its selector and its values notation.
pub type Series = (String, String);

/// Input series and what the condition's left side evaluates to.
#[derive(Debug, Clone)]
pub struct Witness {
    pub series: Vec<(String, String)>,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
    /// True when `value` is exactly what Prometheus computes (not subject to rate
    /// extrapolation or interpolation).
    pub exact: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Want {
    Above(f64),
    Below(f64),
}

/// Drives `lhs OP threshold` true (`fire`) or false.
pub fn condition(m: &Model, e: &Expr, fire: bool) -> Option<Witness> {
    let ExprKind::Binary(op, lhs, rhs, modifiers) = &e.kind else {
        return None;
    };
    if *modifiers != BinMod::default() || !plain(lhs) {
        return None;
    }
    let ExprKind::Number(q) = &rhs.kind else {
        return None;
    };
    let x = q.value;
    let want = match (op, fire) {
        (BinOp::Gt | BinOp::Ge, true) | (BinOp::Lt | BinOp::Le, false) => Want::Above(x),
        (BinOp::Gt | BinOp::Ge, false) | (BinOp::Lt | BinOp::Le, true) => Want::Below(x),
        (BinOp::Eq, true) | (BinOp::Ne, false) => return exact_value(m, lhs, x),
        (BinOp::Eq, false) | (BinOp::Ne, true) => {
            return exact_value(m, lhs, if x == 0.0 { 1.0 } else { 0.0 });
        }
        _ => return None,
    };
    drive(m, lhs, want)
}

/// No time shifts (`offset`, `@`), subqueries or vector matching inside: the series
/// the witness writes are the ones the expression reads at the evaluation time.
fn plain(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Selector(s) => s.shift.is_none() && !s.metric.is_empty(),
        ExprKind::Subquery(_) | ExprKind::Binary(..) => false,
        ExprKind::Neg(x) | ExprKind::Paren(x) => plain(x),
        ExprKind::Call(c) => c.args.iter().all(plain),
        ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Up { .. } => true,
    }
}

fn exact_value(m: &Model, lhs: &Expr, v: f64) -> Option<Witness> {
    match &lhs.kind {
        ExprKind::Up { .. } | ExprKind::Selector(_) => gauge_like(m, lhs, v),
        _ => None,
    }
}

fn target_value(want: Want) -> f64 {
    match want {
        Want::Above(x) if x > 0.0 => x * 2.0,
        Want::Above(x) => x + 1.0,
        Want::Below(x) if x > 0.0 => x / 2.0,
        Want::Below(x) => x - 1.0,
    }
}

/// Labels every generated series carries besides its matchers: the scrape job of the
/// service's first target, like a real scrape.
fn scrape_labels(m: &Model) -> BTreeMap<String, String> {
    let mut l = BTreeMap::new();
    if let Some(t) = m.targets.first() {
        l.insert("job".into(), t.name.value.clone());
        l.insert("instance".into(), t.address.value.clone());
    }
    l
}

fn series_labels(m: &Model, sel: &Selector) -> Option<BTreeMap<String, String>> {
    let mut l = scrape_labels(m);
    // The job of a target that exports the metric (the matchers below may narrow it).
    if let Some(t) = m
        .metric(&sel.metric)
        .and_then(|mt| mt.exporters.first())
        .and_then(|job| m.targets.iter().find(|t| &t.name.value == job))
    {
        l.insert("job".into(), t.name.value.clone());
        l.insert("instance".into(), t.address.value.clone());
    }
    for mt in &sel.matchers {
        if mt.op != MatchOp::Eq {
            return None;
        }
        l.insert(mt.label.clone(), mt.value.clone());
    }
    Some(l)
}

pub fn series_text(name: &str, labels: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(name.len() + 2 + labels.len() * 24);
    out.push_str(name);
    out.push('{');
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(k);
        out.push('=');
        forge_spec_expr::ast::quote_into(v, &mut out);
    }
    out.push('}');
    out
}

fn gauge_like(m: &Model, e: &Expr, v: f64) -> Option<Witness> {
    match &e.kind {
        ExprKind::Up { target, .. } => {
            let t = m.targets.iter().find(|t| &t.name.value == target)?;
            let mut labels = BTreeMap::new();
            labels.insert("job".to_string(), target.clone());
            labels.insert("instance".to_string(), t.address.value.clone());
            Some(Witness {
                series: vec![(
                    series_text(forge_spec_expr::up_metric(&m.catalog, target), &labels),
                    format!("{}x{STEPS}", fmt_num(v)),
                )],
                labels,
                value: v,
                exact: true,
            })
        }
        ExprKind::Selector(sel) if sel.range.is_none() => {
            let labels = series_labels(m, sel)?;
            Some(Witness {
                series: vec![(
                    series_text(&sel.metric, &labels),
                    format!("{}x{STEPS}", fmt_num(v)),
                )],
                labels,
                value: v,
                exact: true,
            })
        }
        _ => None,
    }
}

/// A counter growing by `per_min` each minute.
fn counter(name: &str, labels: &BTreeMap<String, String>, per_min: f64) -> (String, String) {
    (
        series_text(name, labels),
        format!("1000+{}x{STEPS}", fmt_num(per_min)),
    )
}

fn drive(m: &Model, e: &Expr, want: Want) -> Option<Witness> {
    match &e.kind {
        ExprKind::Up { .. } | ExprKind::Selector(_) => gauge_like(m, e, target_value(want)),
        ExprKind::Paren(inner) => drive(m, inner, want),
        ExprKind::Call(c) => call(m, c, want),
        _ => None,
    }
}

fn range_of(cat: &Catalog, sel: &Selector) -> Duration {
    sel.range.map_or(cat.default_range, |(d, _)| d)
}

fn only_selector(c: &Call, i: usize) -> Option<&Selector> {
    match &c.args.get(i)?.kind {
        ExprKind::Selector(s) => Some(s),
        _ => None,
    }
}

fn grouped(labels: &BTreeMap<String, String>, c: &Call) -> Option<BTreeMap<String, String>> {
    match &c.grouping {
        None => Some(BTreeMap::new()),
        Some(g) if g.without => None,
        Some(g) => Some(
            labels
                .iter()
                .filter(|(k, _)| g.labels.iter().any(|(l, _)| l == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
    }
}

fn call(m: &Model, c: &Call, want: Want) -> Option<Witness> {
    let v = target_value(want).max(0.0);
    match c.func.as_str() {
        "sum" | "avg" | "min" | "max" => {
            let mut w = drive(m, c.args.first()?, want)?;
            w.labels = grouped(&w.labels, c)?;
            Some(w)
        }
        "rate" | "irate" | "increase" => {
            let sel = only_selector(c, 0)?;
            let labels = series_labels(m, sel)?;
            let per_min = if c.func == "increase" {
                v / (range_of(&m.catalog, sel).seconds() / 60.0)
            } else {
                v * 60.0
            };
            Some(Witness {
                series: vec![counter(&sel.metric, &labels, per_min)],
                labels,
                value: v,
                exact: false,
            })
        }
        "ratio" => ratio(m, c, v.min(1.0)),
        "p50" | "p75" | "p90" | "p95" | "p99" => {
            let q: f64 = c.func[1..].parse::<f64>().ok()? / 100.0;
            quantile(m, c, q, only_selector(c, 0)?, want)
        }
        "quantile" => {
            let ExprKind::Number(q) = &c.args.first()?.kind else {
                return None;
            };
            quantile(m, c, q.value, only_selector(c, 1)?, want)
        }
        _ => None,
    }
}

/// Errors over total at ratio `r`: when both select the same metric, the rest of the
/// traffic goes to a sibling series with another value of the distinguishing label.
fn ratio(m: &Model, c: &Call, r: f64) -> Option<Witness> {
    let (e, t) = (only_selector(c, 0)?, only_selector(c, 1)?);
    let (series, el) = ratio_series(m, e, t, r, STEPS)?;
    let labels = grouped(&el, c)?;
    Some(Witness {
        series,
        labels,
        value: r,
        exact: false,
    })
}

/// Counters whose `e` / `t` ratio of rates is `r`, over `steps` minutes.
pub fn ratio_series(
    m: &Model,
    e: &Selector,
    t: &Selector,
    r: f64,
    steps: u64,
) -> Option<(Vec<Series>, BTreeMap<String, String>)> {
    let counter = |name: &str, labels: &BTreeMap<String, String>, per_min: f64| {
        (
            series_text(name, labels),
            format!("1000+{}x{steps}", fmt_num(per_min)),
        )
    };
    let el = series_labels(m, e)?;
    let tl = series_labels(m, t)?;
    let mut series = vec![counter(&e.metric, &el, r * 100.0)];
    if e.metric == t.metric {
        let (label, value) = el.iter().find(|(k, v)| tl.get(*k) != Some(v))?;
        let other = m
            .catalog
            .metrics
            .get(&e.metric)
            .and_then(|i| i.labels.get(label).cloned().flatten())
            .and_then(|vals| vals.into_iter().find(|x| x != value))
            .unwrap_or_else(|| format!("not-{value}"));
        let mut rest = el.clone();
        rest.insert(label.clone(), other);
        series.push(counter(&e.metric, &rest, (1.0 - r) * 100.0));
    } else {
        series.push(counter(&t.metric, &tl, 100.0));
    }
    Some((series, el))
}

/// All observations in one bucket: above the threshold (`(lo, hi]` with lo ≥ x) or in
/// the first bucket (below).
fn quantile(m: &Model, c: &Call, q: f64, sel: &Selector, want: Want) -> Option<Witness> {
    let info = m.catalog.metrics.get(&sel.metric)?;
    let b = &info.buckets;
    let (lo, hi) = match want {
        Want::Above(x) => {
            let i = b.iter().position(|v| *v >= x)?;
            (b[i], *b.get(i + 1)?)
        }
        Want::Below(x) => {
            let first = *b.first()?;
            if first * q >= x {
                return None;
            }
            (0.0, first)
        }
    };
    let labels = series_labels(m, sel)?;
    let n = 60.0;
    let mut series = Vec::with_capacity(b.len() + 3);
    let bucket = format!("{}_bucket", sel.metric);
    let mut l = labels.clone();
    for bv in b.iter().copied().chain([f64::INFINITY]) {
        l.insert("le".into(), fmt_num(bv));
        series.push(counter(&bucket, &l, if bv >= hi { n } else { 0.0 }));
    }
    series.push(counter(&format!("{}_count", sel.metric), &labels, n));
    series.push(counter(
        &format!("{}_sum", sel.metric),
        &labels,
        n * (lo + hi) / 2.0,
    ));
    let out_labels = grouped(&labels, c)?;
    Some(Witness {
        series,
        labels: out_labels,
        value: lo + (hi - lo) * q,
        exact: false,
    })
}
