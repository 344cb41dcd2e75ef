//! Condition language: the type and unit checker. Every expression gets a shape
//! (scalar or vector), the metric type it still carries (a raw counter, a histogram)
//! and a unit; misuse becomes an X-family diagnostic at the exact token.

use super::ast::*;
use super::{Catalog, MetricKind, Series, SourceMap, Unit};
use forge_spec_base::diag::codes::exprs as x;
use forge_spec_base::diag::{Diagnostic, did_you_mean};

/// The type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Ty {
    pub vector: bool,
    /// The metric type when the value is still a raw series of that type.
    pub raw: Option<MetricKind>,
    pub unit: Unit,
    /// A number literal, with the unit it was written in.
    pub literal: Option<LitUnit>,
}

impl Ty {
    fn scalar(unit: Unit, lit: LitUnit) -> Ty {
        Ty {
            vector: false,
            raw: None,
            unit,
            literal: Some(lit),
        }
    }
    fn vector(unit: Unit) -> Ty {
        Ty {
            vector: true,
            raw: None,
            unit,
            literal: None,
        }
    }
    fn unknown() -> Ty {
        Ty {
            vector: true,
            raw: None,
            unit: Unit::None,
            literal: None,
        }
    }
}

/// The checker's result: the type and every metric the expression reads.
#[derive(Debug, Default)]
pub struct Checked {
    pub ty: Option<Ty>,
    pub metrics: Vec<(String, Pos)>,
    pub targets: Vec<(String, Pos)>,
    pub diagnostics: Vec<Diagnostic>,
}

const FUNCTIONS: &[&str] = &[
    "rate",
    "increase",
    "irate",
    "p50",
    "p75",
    "p90",
    "p95",
    "p99",
    "quantile",
    "ratio",
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "absent",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "up",
];

struct Ctx<'a> {
    cat: &'a Catalog,
    map: SourceMap,
    out: Checked,
}

/// Type-checks an expression against the catalogue.
pub fn check(expr: &Expr, cat: &Catalog, map: SourceMap) -> Checked {
    let mut cx = Ctx {
        cat,
        map,
        out: Checked::default(),
    };
    let ty = cx.expr(expr);
    cx.out.ty = Some(ty);
    cx.out
}

/// Checks a bare selector (SLI `errors:`/`total:`/`metric:`): the metric exists, is of
/// one of `kinds`, and its labels and values are declared.
pub fn check_selector(
    sel: &Selector,
    cat: &Catalog,
    map: SourceMap,
    kinds: &[MetricKind],
    role: &str,
) -> Checked {
    let mut cx = Ctx {
        cat,
        map,
        out: Checked::default(),
    };
    let ty = cx.selector(sel);
    if let Some(raw) = ty.raw
        && !kinds.contains(&raw)
    {
        let want: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        cx.wrong_kind(
            sel,
            raw,
            kinds[0],
            &format!("{role} must be a {}", want.join(" or ")),
        );
    }
    cx.out.ty = Some(ty);
    cx.out
}

impl Ctx<'_> {
    fn span(&self, p: Pos) -> forge_spec_base::source::Span {
        self.map.span(p)
    }

    fn push(&mut self, d: Diagnostic) {
        let d = if self.map.exact {
            d
        } else {
            d.note("the YAML string uses escapes or folding, so the whole value is marked")
        };
        self.out.diagnostics.push(d);
    }

    fn expr(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Selector(s) => self.selector(s),
            ExprKind::Number(q) => {
                let unit = match q.unit {
                    LitUnit::None => Unit::None,
                    LitUnit::Seconds => Unit::Seconds,
                    LitUnit::Bytes => Unit::Bytes,
                    LitUnit::Percent => Unit::Ratio,
                };
                Ty::scalar(unit, q.unit)
            }
            ExprKind::Up { target, target_pos } => {
                self.out.targets.push((target.clone(), *target_pos));
                if !self.cat.targets.contains(target) {
                    let d = Diagnostic::new(
                        &forge_spec_base::diag::codes::names::UNKNOWN_TARGET,
                        self.span(*target_pos),
                        format!("unknown scrape target `{target}`"),
                    )
                    .label("not in `targets:`");
                    let d = match did_you_mean(target, self.cat.targets.iter().map(String::as_str))
                    {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("declare it under `targets:` so Prometheus scrapes it"),
                    };
                    self.push(d);
                }
                Ty::vector(Unit::None)
            }
            ExprKind::Neg(inner) => self.expr(inner),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Call(c) => self.call(e, c),
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r),
        }
    }

    fn selector(&mut self, s: &Selector) -> Ty {
        self.out.metrics.push((s.metric.clone(), s.metric_pos));
        for m in &s.matchers {
            if matches!(m.op, MatchOp::Re | MatchOp::NotRe)
                && let Some(why) = super::re2::refusal(&m.value)
            {
                let d = Diagnostic::new(
                    &x::INVALID_REGEX,
                    self.span(m.value_pos),
                    format!("Prometheus would refuse the regex of `{}`: {why}", m.label),
                )
                .label("not an RE2 regex")
                .help("write it in RE2 syntax (Go's `regexp`): no look-around or back-references, repetitions up to 1000");
                self.push(d);
            }
        }
        let Some((_, info, series)) = self.cat.resolve(&s.metric) else {
            if self.cat.recorded.contains(&s.metric) {
                return Ty::unknown();
            }
            let d = self.cat.unknown_metric(&s.metric, self.span(s.metric_pos));
            self.push(d);
            return Ty::unknown();
        };
        for m in &s.matchers {
            let allowed_le = series == Series::Bucket && m.label == "le";
            match info.labels.get(&m.label) {
                None if allowed_le || m.label == "job" || m.label == "instance" => {}
                None => {
                    let d = Diagnostic::new(
                        &x::UNKNOWN_LABEL,
                        self.span(m.label_pos),
                        format!("metric `{}` has no label `{}`", s.metric, m.label),
                    )
                    .label("not declared on this metric");
                    let known: Vec<&str> = info.labels.keys().map(String::as_str).collect();
                    let d = match did_you_mean(&m.label, known.iter().copied()) {
                        Some(sug) => d.help(format!("did you mean `{sug}`?")),
                        None if known.is_empty() => {
                            d.help(format!("`{}` declares no labels", s.metric))
                        }
                        None => d.help(format!("its labels are: {}", known.join(", "))),
                    };
                    self.push(d);
                }
                Some(Some(values)) if matches!(m.op, MatchOp::Eq | MatchOp::Ne) => {
                    if !values.contains(&m.value) {
                        let d = Diagnostic::new(
                            &x::LABEL_VALUE_OUTSIDE_SET,
                            self.span(m.value_pos),
                            format!(
                                "`{}` is not a declared value of label `{}`",
                                m.value, m.label
                            ),
                        )
                        .label("outside the closed set");
                        let d = d.suggest(
                            &m.value,
                            values.iter().map(String::as_str),
                            format!("declared values: {}", values.join(", ")),
                        );
                        self.push(d);
                    }
                }
                Some(_) => {}
            }
        }
        let (raw, unit) = match series {
            Series::Whole => (info.kind, info.unit.clone()),
            Series::Sum => (MetricKind::Counter, info.unit.clone()),
            Series::Count | Series::Bucket => (MetricKind::Counter, Unit::None),
        };
        Ty {
            vector: true,
            raw: Some(raw),
            unit,
            literal: None,
        }
    }

    fn wrong_kind(&mut self, sel: &Selector, found: MetricKind, want: MetricKind, what: &str) {
        let fits = self.cat.names_of(want);
        let d = Diagnostic::new(
            &x::WRONG_METRIC_TYPE,
            self.span(sel.metric_pos),
            format!("{what}, but `{}` is a {found}", sel.metric),
        )
        .label(format!("a {found}"));
        let d = if fits.is_empty() {
            d.help(format!(
                "no {want} is declared; declare one under `metrics:`"
            ))
        } else {
            d.help(format!(
                "{want} metrics that would fit: {}",
                fits.join(", ")
            ))
        };
        self.push(d);
    }

    /// The single selector argument a function needs (rate, pNN, ratio…).
    fn selector_arg<'e>(&mut self, func: &str, arg: &'e Expr) -> Option<&'e Selector> {
        match &arg.kind {
            ExprKind::Selector(s) => Some(s),
            _ => {
                let d = Diagnostic::new(
                    &x::WRONG_ARGUMENTS,
                    self.span(arg.pos),
                    format!("`{func}` takes a metric selector here"),
                )
                .label("not a selector")
                .help(format!("write `{func}(metric{{label=\"value\"}})`"));
                self.push(d);
                None
            }
        }
    }

    fn arity(&mut self, c: &Call, e: &Expr, n: usize) -> bool {
        if c.args.len() == n {
            return true;
        }
        let d = Diagnostic::new(
            &x::WRONG_ARGUMENTS,
            self.span(e.pos),
            format!(
                "`{}` takes {n} argument{}, found {}",
                c.func,
                if n == 1 { "" } else { "s" },
                c.args.len()
            ),
        )
        .label("wrong number of arguments");
        self.push(d);
        false
    }

    /// The one selector argument of a range function (`rate`, `avg_over_time`…), which
    /// must be a metric of `kind`; its type, or None when the call is malformed.
    fn range_arg(&mut self, e: &Expr, c: &Call, kind: MetricKind, what: &str) -> Option<Ty> {
        if !self.arity(c, e, 1) {
            return None;
        }
        let sel = self.selector_arg(&c.func, &c.args[0])?;
        let ty = self.selector(sel);
        if let Some(raw) = ty.raw
            && raw != kind
        {
            self.wrong_kind(sel, raw, kind, &format!("`{}` needs {what}", c.func));
        }
        Some(ty)
    }

    /// Aggregations and `absent` take series; a number there is refused (X011).
    fn series_arg(&mut self, f: &str, arg: &Expr, ty: &Ty) {
        if !ty.vector {
            let d = Diagnostic::new(
                &x::SCALAR_OPERAND,
                self.span(arg.pos),
                format!("`{f}` takes series, not a number"),
            )
            .label("a number")
            .help(format!("write `{f}(metric)` over a metric expression"));
            self.push(d);
        }
    }

    fn call(&mut self, e: &Expr, c: &Call) -> Ty {
        let f = c.func.as_str();
        match f {
            "rate" | "increase" | "irate" => {
                let Some(ty) = self.range_arg(e, c, MetricKind::Counter, "a counter") else {
                    return Ty::unknown();
                };
                let unit = if f == "increase" {
                    ty.unit
                } else {
                    match ty.unit {
                        Unit::Seconds => Unit::Ratio,
                        Unit::Bytes => Unit::BytesPerSecond,
                        _ => Unit::PerSecond,
                    }
                };
                Ty::vector(unit)
            }
            "p50" | "p75" | "p90" | "p95" | "p99" | "quantile" => {
                let (n, hist_arg) = if f == "quantile" { (2, 1) } else { (1, 0) };
                if !self.arity(c, e, n) {
                    return Ty::unknown();
                }
                if f == "quantile" {
                    match &c.args[0].kind {
                        ExprKind::Number(q) if (0.0..=1.0).contains(&q.value) => {}
                        _ => {
                            let d = Diagnostic::new(
                                &x::WRONG_ARGUMENTS,
                                self.span(c.args[0].pos),
                                "`quantile` needs a number between 0 and 1 first",
                            )
                            .label("not a quantile")
                            .help("write `quantile(0.95, histogram)` or use `p95(histogram)`");
                            self.push(d);
                        }
                    }
                }
                let Some(sel) = self.selector_arg(f, &c.args[hist_arg]) else {
                    return Ty::unknown();
                };
                let ty = self.selector(sel);
                if let Some(raw) = ty.raw
                    && raw != MetricKind::Histogram
                {
                    self.wrong_kind(
                        sel,
                        raw,
                        MetricKind::Histogram,
                        &format!("`{f}` needs a histogram"),
                    );
                }
                Ty::vector(ty.unit)
            }
            "ratio" => {
                if !self.arity(c, e, 2) {
                    return Ty::unknown();
                }
                for arg in &c.args {
                    if let Some(sel) = self.selector_arg(f, arg) {
                        let ty = self.selector(sel);
                        if let Some(raw) = ty.raw
                            && raw != MetricKind::Counter
                        {
                            self.wrong_kind(
                                sel,
                                raw,
                                MetricKind::Counter,
                                "`ratio` divides rates of counters",
                            );
                        }
                    }
                }
                Ty::vector(Unit::Ratio)
            }
            "sum" | "avg" | "min" | "max" | "count" => {
                if !self.arity(c, e, 1) {
                    return Ty::unknown();
                }
                let inner = self.expr(&c.args[0]);
                self.series_arg(f, &c.args[0], &inner);
                let unit = if f == "count" { Unit::None } else { inner.unit };
                Ty {
                    vector: true,
                    raw: if f == "sum" {
                        inner.raw
                    } else {
                        inner.raw.filter(|k| *k == MetricKind::Gauge)
                    },
                    unit,
                    literal: None,
                }
            }
            "absent" => {
                if self.arity(c, e, 1) {
                    let inner = self.expr(&c.args[0]);
                    self.series_arg(f, &c.args[0], &inner);
                }
                Ty::vector(Unit::None)
            }
            "avg_over_time" | "max_over_time" | "min_over_time" => {
                let Some(ty) = self.range_arg(e, c, MetricKind::Gauge, "a gauge") else {
                    return Ty::unknown();
                };
                Ty::vector(ty.unit)
            }
            _ => {
                let d = Diagnostic::new(
                    &x::UNKNOWN_FUNCTION,
                    self.span(c.func_pos),
                    format!("unknown function `{f}`"),
                )
                .label("not a function of the condition language");
                let d = d.suggest(
                    f,
                    FUNCTIONS.iter().copied(),
                    format!("functions: {}", FUNCTIONS.join(", ")),
                );
                self.push(d);
                for a in &c.args {
                    self.expr(a);
                }
                Ty::unknown()
            }
        }
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr) -> Ty {
        let lt = self.expr(l);
        let rt = self.expr(r);
        if matches!(op, BinOp::And | BinOp::Or | BinOp::Unless) && (!lt.vector || !rt.vector) {
            let scalar = if lt.vector { r } else { l };
            let d = Diagnostic::new(&x::SCALAR_OPERAND, self.span(scalar.pos), format!("`{}` combines series, not numbers", op.as_str()))
                .label("a number")
                .help("use a metric expression on both sides, e.g. `up(web) == 0 and rate(errors_total) > 1`");
            self.push(d);
        }
        if op.is_comparison() && !lt.vector && !rt.vector {
            let d = Diagnostic::new(
                &x::SCALAR_OPERAND,
                self.span(Pos {
                    start: l.pos.start,
                    end: r.pos.end,
                }),
                format!("`{}` compares two numbers", op.as_str()),
            )
            .label("always true or always false")
            .help("compare a metric with a threshold, e.g. `metric > 3`");
            self.push(d);
        }
        match op {
            BinOp::And | BinOp::Or | BinOp::Unless => Ty::vector(lt.unit),
            BinOp::Add | BinOp::Sub => {
                self.compatible(op, l, &lt, r, &rt);
                Ty {
                    vector: lt.vector || rt.vector,
                    raw: None,
                    unit: pick_unit(&lt, &rt),
                    literal: None,
                }
            }
            BinOp::Mul => Ty {
                vector: lt.vector || rt.vector,
                raw: None,
                unit: pick_unit(&lt, &rt),
                literal: None,
            },
            BinOp::Div => {
                let unit = if lt.unit == rt.unit && lt.unit != Unit::None {
                    Unit::Ratio
                } else if rt.unit == Unit::None {
                    lt.unit.clone()
                } else {
                    Unit::None
                };
                Ty {
                    vector: lt.vector || rt.vector,
                    raw: None,
                    unit,
                    literal: None,
                }
            }
            _ => {
                self.compatible(op, l, &lt, r, &rt);
                Ty {
                    vector: lt.vector || rt.vector,
                    raw: lt.raw,
                    unit: lt.unit,
                    literal: None,
                }
            }
        }
    }

    /// Both sides of a comparison or sum must be in the same unit; a bare number
    /// against a seconds or bytes value is allowed but warned about.
    fn compatible(&mut self, op: BinOp, l: &Expr, lt: &Ty, r: &Expr, rt: &Ty) {
        let (vec_side, lit_side, vt, lit) = match (&lt.literal, &rt.literal) {
            (None, Some(u)) => (l, r, lt, *u),
            (Some(u), None) => (r, l, rt, *u),
            _ => {
                if lt.unit != rt.unit && lt.unit != Unit::None && rt.unit != Unit::None {
                    self.mismatch(op, l, lt, r, rt);
                }
                return;
            }
        };
        let lit_unit = match lit {
            LitUnit::None => None,
            LitUnit::Seconds => Some(Unit::Seconds),
            LitUnit::Bytes => Some(Unit::Bytes),
            LitUnit::Percent => Some(Unit::Ratio),
        };
        match lit_unit {
            None => {
                if matches!(vt.unit, Unit::Seconds | Unit::Bytes) && op.is_comparison() {
                    let example = if vt.unit == Unit::Seconds {
                        "500ms or 2h"
                    } else {
                        "12GB or 512MiB"
                    };
                    let d = Diagnostic::new(
                        &x::BARE_NUMBER_COMPARISON,
                        self.span(lit_side.pos),
                        format!(
                            "a bare number is compared with a value in {}",
                            vt.unit.name()
                        ),
                    )
                    .label("no unit")
                    .secondary(self.span(vec_side.pos), format!("in {}", vt.unit.name()))
                    .help(format!(
                        "write the unit, e.g. {example}, so the threshold cannot be misread"
                    ));
                    self.push(d);
                }
            }
            Some(u) => {
                let vt_unit = if vt.unit == Unit::None && u == Unit::Ratio {
                    Unit::Ratio
                } else {
                    vt.unit.clone()
                };
                if u != vt_unit && !(vt.unit == Unit::None && vt.raw.is_none()) {
                    let (lt2, rt2) = if std::ptr::eq(vec_side, l) {
                        (vt, &Ty::vector(u.clone()))
                    } else {
                        (&Ty::vector(u.clone()), vt)
                    };
                    self.mismatch(op, l, lt2, r, rt2);
                }
            }
        }
    }

    fn mismatch(&mut self, op: BinOp, l: &Expr, lt: &Ty, r: &Expr, rt: &Ty) {
        let d = Diagnostic::new(
            &x::UNIT_MISMATCH,
            self.span(r.pos),
            format!(
                "`{}` compares {} with {}",
                op.as_str(),
                lt.unit.name(),
                rt.unit.name()
            ),
        )
        .label(format!("in {}", rt.unit.name()))
        .secondary(self.span(l.pos), format!("in {}", lt.unit.name()))
        .help(format!("write the threshold in {}", lt.unit.name()));
        self.push(d);
    }
}

fn pick_unit(l: &Ty, r: &Ty) -> Unit {
    if l.unit != Unit::None {
        l.unit.clone()
    } else {
        r.unit.clone()
    }
}
