//! Condition language: the type and unit checker. Every expression gets a shape
//! (scalar or vector), the metric type it still carries (a raw counter, a histogram)
//! and a unit; misuse becomes an X-family diagnostic at the exact token.

use super::ast::*;
use super::functions::{self, Aggregation, Arg, Func, Labels, Out};
use super::{Catalog, MetricKind, Series, SourceMap, Unit};
use forge_spec_base::diag::codes::exprs as x;
use forge_spec_base::diag::{Diagnostic, did_you_mean};
use std::collections::BTreeSet;
use std::sync::Arc;

mod binary;
mod calls;

/// A set of label names, shared: a metric's set is built once, and copied only when an
/// expression changes it.
pub type LabelSet = Arc<BTreeSet<String>>;

/// The empty set, shared (aggregations without `by` and numbers carry no labels).
fn no_labels() -> LabelSet {
    static EMPTY: std::sync::LazyLock<LabelSet> = std::sync::LazyLock::new(LabelSet::default);
    EMPTY.clone()
}

/// The type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Ty {
    pub vector: bool,
    /// The metric type when the value is still a raw series of that type.
    pub raw: Option<MetricKind>,
    pub unit: Unit,
    /// A number literal, with the unit it was written in.
    pub literal: Option<LitUnit>,
    /// The unit of the bucket bounds (`le`) when the series are histogram buckets,
    /// kept through `rate` and aggregations for `histogram_quantile`.
    pub le: Option<Unit>,
    /// The labels every result series may carry; `None` when not known (a metric
    /// outside the catalogue, a `__name__` regex).
    pub labels: Option<LabelSet>,
}

impl Ty {
    fn scalar(unit: Unit, lit: LitUnit) -> Ty {
        Ty {
            vector: false,
            raw: None,
            unit,
            literal: Some(lit),
            le: None,
            labels: Some(no_labels()),
        }
    }
    fn number(unit: Unit) -> Ty {
        Ty {
            literal: None,
            ..Ty::scalar(unit, LitUnit::None)
        }
    }
    fn vector(unit: Unit) -> Ty {
        Ty {
            vector: true,
            raw: None,
            unit,
            literal: None,
            le: None,
            labels: None,
        }
    }
    fn unknown() -> Ty {
        Ty::vector(Unit::None)
    }
    fn with_labels(mut self, labels: Option<LabelSet>) -> Ty {
        self.labels = labels;
        self
    }
}

fn set<'a>(labels: impl IntoIterator<Item = &'a str>) -> LabelSet {
    Arc::new(labels.into_iter().map(str::to_string).collect())
}

/// `rate`'s unit for a counter of `unit`.
fn per_second(unit: &Unit) -> Unit {
    match unit {
        Unit::Seconds => Unit::Ratio,
        Unit::Bytes => Unit::BytesPerSecond,
        _ => Unit::PerSecond,
    }
}

/// The checker's result: the type and every metric the expression reads.
#[derive(Debug, Default)]
pub struct Checked {
    pub ty: Option<Ty>,
    pub metrics: Vec<(String, Pos)>,
    pub targets: Vec<(String, Pos)>,
    /// The jobs selectors are narrowed to (`job="x"` matchers), by metric.
    pub jobs: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

struct Ctx<'a> {
    cat: &'a Catalog,
    map: SourceMap,
    out: Checked,
    /// Raw PromQL (`expr:`): no shorthands, numbers carry no units, and the series
    /// Prometheus makes itself (`up`, `ALERTS`) may be read.
    raw: bool,
}

/// Type-checks an expression against the catalogue.
pub fn check(expr: &Expr, cat: &Catalog, map: SourceMap) -> Checked {
    run(expr, cat, map, false)
}

/// Type-checks raw PromQL (`expr:`) converted to the condition language's tree.
pub fn check_raw(expr: &Expr, cat: &Catalog, map: SourceMap) -> Checked {
    run(expr, cat, map, true)
}

fn run(expr: &Expr, cat: &Catalog, map: SourceMap, raw: bool) -> Checked {
    let mut cx = Ctx {
        cat,
        map,
        out: Checked::default(),
        raw,
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
        raw: false,
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
                        Some(s) => d.did_you_mean(s),
                        None => d.help("declare it under `targets:` so Prometheus scrapes it"),
                    };
                    self.push(d);
                }
                Ty::vector(Unit::None).with_labels(Some(set(["job", "instance"])))
            }
            ExprKind::Neg(inner) => {
                let mut ty = self.expr(inner);
                ty.raw = None;
                ty
            }
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Call(c) => self.call(e, c),
            ExprKind::Binary(op, l, r, m) => self.binary(*op, l, r, m),
            ExprKind::Str(_) => {
                self.wrong_arg(
                    e,
                    "a string is only an argument (of `label_replace`, `label_join`, `count_values`)",
                    "a string",
                );
                Ty::unknown()
            }
            ExprKind::Subquery(sq) => {
                let inner = self.expr(&sq.expr);
                if !inner.vector {
                    self.wrong_arg(
                        &sq.expr,
                        "a subquery ranges over series, not a number",
                        "a number",
                    );
                }
                self.wrong_arg(
                    e,
                    "a subquery is a range: it is the argument of a range function",
                    "a range",
                );
                inner
            }
        }
    }

    /// An X010 finding at `at`.
    fn wrong_arg(&mut self, at: &Expr, message: &str, label: &str) {
        let d = Diagnostic::new(&x::WRONG_ARGUMENTS, self.span(at.pos), message.to_string())
            .label(label.to_string())
            .help("`forge-spec explain X003` lists the functions and what they take");
        self.push(d);
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
        if s.metric.is_empty() {
            // `{__name__=~"..."}`: any metric; nothing is known of it.
            return Ty::unknown();
        }
        let Some((_, info, series)) = self.cat.resolve(&s.metric) else {
            if self.cat.recorded.contains(&s.metric) {
                return Ty::unknown();
            }
            if self.raw && (s.metric == "up" || s.metric.starts_with("ALERTS")) {
                return Ty::unknown();
            }
            let mut d = self.cat.unknown_metric(&s.metric, self.span(s.metric_pos));
            if s.metric == "up" {
                d.help = Some(
                    "`up` of a scrape target is written `up(target)`, e.g. `up(api) == 0`".into(),
                );
            }
            self.push(d);
            return Ty::unknown();
        };
        self.scope(s, info);
        for m in &s.matchers {
            let allowed_le = series == Series::Bucket && m.label == "le";
            // A summary's series carry `quantile`; `label=""` selects the series without
            // the label, which every series of a metric that lacks it is.
            let allowed_quantile = info.kind == MetricKind::Summary
                && series == Series::Whole
                && m.label == "quantile";
            let absent_matched = m.op == MatchOp::Eq && m.value.is_empty();
            match info.labels.get(&m.label) {
                None if allowed_le
                    || allowed_quantile
                    || absent_matched
                    || m.label == "job"
                    || m.label == "instance" => {}
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
        let mut labels = info.names.clone();
        if series == Series::Bucket {
            Arc::make_mut(&mut labels).insert("le".into());
        }
        if series == Series::Whole && info.kind == MetricKind::Summary {
            Arc::make_mut(&mut labels).insert("quantile".into());
        }
        Ty {
            vector: true,
            raw: Some(raw),
            unit,
            literal: None,
            le: (series == Series::Bucket).then(|| info.unit.clone()),
            labels: Some(labels),
        }
    }

    /// A metric several targets export is narrowed to the ones meant by a `job`
    /// matcher; a `job=` matcher names a target that exports it (X013).
    fn scope(&mut self, s: &Selector, info: &super::MetricInfo) {
        let exporters = &info.exporters;
        if exporters.is_empty() {
            return;
        }
        let job = s.matchers.iter().find(|m| m.label == "job");
        if let Some(m) = job.filter(|m| m.op == MatchOp::Eq) {
            self.out.jobs.push((s.metric.clone(), m.value.clone()));
        }
        let example = |t: &str| format!("{}{{job=\"{t}\"}}", s.metric);
        match job {
            Some(m) if m.op == MatchOp::Eq && !exporters.contains(&m.value) => {
                let d = Diagnostic::new(
                    &x::UNSCOPED_SELECTOR,
                    self.span(m.value_pos),
                    format!("no target `{}` exports `{}`", m.value, s.metric),
                )
                .label("never matches")
                .suggest(
                    &m.value,
                    exporters.iter().map(String::as_str),
                    format!("targets exporting it: {}", exporters.join(", ")),
                );
                self.push(d);
            }
            Some(_) => {}
            None if exporters.len() > 1 => {
                let d = Diagnostic::new(
                    &x::UNSCOPED_SELECTOR,
                    self.span(s.metric_pos),
                    format!(
                        "`{}` is exported by {} targets ({}); this selector reads them all",
                        s.metric,
                        exporters.len(),
                        exporters.join(", ")
                    ),
                )
                .label("which target?")
                .help(format!(
                    "say which one, e.g. `{}`, or several with `job=~\"{}\"`",
                    example(&exporters[0]),
                    exporters.join("|")
                ));
                self.push(d);
            }
            None => {}
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
}

fn pick_unit(l: &Ty, r: &Ty) -> Unit {
    if l.unit != Unit::None {
        l.unit.clone()
    } else {
        r.unit.clone()
    }
}

/// The labels after an aggregation's `by (...)`/`without (...)` of series carrying
/// `input` (none without a grouping).
fn grouped(g: Option<&Grouping>, input: Option<&LabelSet>) -> Option<LabelSet> {
    let Some(g) = g else {
        return Some(no_labels());
    };
    if g.without {
        input.map(|i| {
            let mut out = i.clone();
            for (l, _) in &g.labels {
                if out.contains(l) {
                    Arc::make_mut(&mut out).remove(l);
                }
            }
            out
        })
    } else {
        Some(Arc::new(g.labels.iter().map(|(l, _)| l.clone()).collect()))
    }
}

/// Whether `quantile(q, h)` is the histogram shorthand: its second argument is a
/// selector of a (classic) histogram of the catalogue.
pub(crate) fn histogram_shorthand(cat: &Catalog, c: &Call) -> bool {
    c.func == "quantile"
        && matches!(c.args.get(1).map(|a| &a.kind), Some(ExprKind::Selector(s))
        if s.range.is_none()
            && cat.resolve(&s.metric).is_some_and(|(_, m, series)| {
                series == Series::Whole && m.kind == MetricKind::Histogram
            }))
}

/// A function's arguments as documentation shows them (`v range, scalar`).
fn signature(func: &Func) -> String {
    let mut parts: Vec<&str> = func
        .args
        .iter()
        .map(|a| match a {
            Arg::Instant => "series",
            Arg::Range => "series[range]",
            Arg::Scalar => "number",
            Arg::Str => "\"string\"",
        })
        .collect();
    if func.variadic {
        parts.push("...");
    }
    parts.join(", ")
}
