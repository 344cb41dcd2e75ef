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

    fn call(&mut self, e: &Expr, c: &Call) -> Ty {
        let f = c.func.as_str();
        match f {
            _ if self.raw => {}
            "p50" | "p75" | "p90" | "p95" | "p99" => return self.histogram_quantile(e, c),
            "quantile" if histogram_shorthand(self.cat, c) => {
                return self.histogram_quantile(e, c);
            }
            "ratio" => return self.ratio(e, c),
            _ => {}
        }
        if let Some(a) = functions::aggregation(f) {
            return self.aggregate(e, c, a);
        }
        if let Some(g) = &c.grouping {
            let at = g.labels.first().map_or(c.func_pos, |(_, p)| *p);
            let d = Diagnostic::new(
                &x::WRONG_ARGUMENTS,
                self.span(at),
                format!("`by`/`without` applies to aggregations, not to `{f}`"),
            )
            .label("not an aggregation")
            .help("aggregate first, e.g. `sum by (job) (rate(x))`");
            self.push(d);
        }
        if let Some(func) = functions::function(f) {
            return self.function(e, c, func);
        }
        let later = functions::LATER.iter().find(|(name, _)| *name == f);
        let d = Diagnostic::new(
            &x::UNKNOWN_FUNCTION,
            self.span(c.func_pos),
            match later {
                Some((_, v)) => format!("`{f}` needs Prometheus {v}; the Prometheus this spec targets (2.42) does not have it"),
                None => format!("unknown function `{f}`"),
            },
        )
        .label("not a function of the condition language");
        let d = if later.is_some() {
            d.help("write it with the functions of Prometheus 2.42 (`forge-spec explain X003` lists them)")
        } else {
            let names: Vec<&str> = functions::all_names().collect();
            d.suggest(
                f,
                names.iter().copied(),
                "`forge-spec explain X003` lists the functions",
            )
        };
        self.push(d);
        for a in &c.args {
            self.expr(a);
        }
        Ty::unknown()
    }

    /// `p95(h)`, `quantile(0.95, h)`: a quantile of a classic histogram's buckets.
    fn histogram_quantile(&mut self, e: &Expr, c: &Call) -> Ty {
        let f = c.func.as_str();
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
        let labels = grouped(c.grouping.as_ref(), ty.labels.as_ref());
        Ty::vector(ty.unit).with_labels(labels)
    }

    /// `ratio(errors, total)`: the ratio of two counters' rates.
    fn ratio(&mut self, e: &Expr, c: &Call) -> Ty {
        if !self.arity(c, e, 2) {
            return Ty::unknown();
        }
        let mut labels = None;
        for arg in &c.args {
            if let Some(sel) = self.selector_arg("ratio", arg) {
                let ty = self.selector(sel);
                labels = labels.or(ty.labels);
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
        let labels = grouped(c.grouping.as_ref(), labels.as_ref());
        Ty::vector(Unit::Ratio).with_labels(labels)
    }

    /// An aggregation: `sum by (job) (x)`, `topk(5, x)`, `count_values("v", x)`.
    fn aggregate(&mut self, e: &Expr, c: &Call, a: &Aggregation) -> Ty {
        let n = 1 + usize::from(a.param.is_some());
        if !self.arity(c, e, n) {
            for arg in &c.args {
                self.expr(arg);
            }
            return Ty::unknown();
        }
        let mut extra = None;
        if let Some(param) = a.param {
            let p = &c.args[0];
            match param {
                Arg::Str => match &p.kind {
                    ExprKind::Str(label) => extra = Some(label.clone()),
                    _ => self.wrong_arg(
                        p,
                        &format!("`{}` takes a label name first, as a string", a.name),
                        "not a string",
                    ),
                },
                _ => {
                    let ty = self.expr(p);
                    if ty.vector {
                        self.wrong_arg(
                            p,
                            &format!("`{}` takes a number first", a.name),
                            "not a number",
                        );
                    }
                }
            }
        }
        let arg = &c.args[n - 1];
        let inner = self.expr(arg);
        self.series_arg(&c.func, arg, &inner);
        let unit = match a.out {
            Out::Count => Unit::None,
            _ => inner.unit.clone(),
        };
        let raw = match a.name {
            "sum" => inner.raw,
            "avg" | "min" | "max" => inner.raw.filter(|k| *k == MetricKind::Gauge),
            _ if a.selects => inner.raw,
            _ => None,
        };
        let mut labels = if a.selects {
            inner.labels.clone()
        } else {
            grouped(c.grouping.as_ref(), inner.labels.as_ref())
        };
        if let (Some(l), Some(extra)) = (labels.as_mut(), extra) {
            Arc::make_mut(l).insert(extra);
        }
        let le = match a.name {
            "sum" | "avg" | "min" | "max" => inner.le.clone(),
            _ => None,
        };
        Ty {
            vector: true,
            raw,
            unit,
            literal: None,
            le,
            labels,
        }
    }

    /// A range argument: a selector (its range may be left to the default) or a
    /// subquery.
    fn range_arg<'e>(&mut self, f: &str, arg: &'e Expr) -> Option<(Ty, Option<&'e Selector>)> {
        match &arg.kind {
            ExprKind::Selector(s) => Some((self.selector(s), Some(s))),
            ExprKind::Up { .. } => Some((self.expr(arg), None)),
            ExprKind::Subquery(sq) => {
                let ty = self.expr(&sq.expr);
                if !ty.vector {
                    self.wrong_arg(
                        &sq.expr,
                        "a subquery ranges over series, not a number",
                        "a number",
                    );
                }
                Some((ty, None))
            }
            _ => {
                let d = Diagnostic::new(
                    &x::WRONG_ARGUMENTS,
                    self.span(arg.pos),
                    format!("`{f}` takes a range: a metric selector or a subquery"),
                )
                .label("not a selector or a subquery")
                .help(format!(
                    "write `{f}(metric)`, `{f}(metric[10m])`, or over an expression a subquery `{f}((expr)[1h:1m])`"
                ));
                self.push(d);
                self.expr(arg);
                None
            }
        }
    }

    /// A function of the table: arguments checked against its signature, the result
    /// typed by it.
    fn function(&mut self, e: &Expr, c: &Call, func: &Func) -> Ty {
        let max = func.args.len();
        let min = max - func.optional;
        let n = c.args.len();
        if n < min || (n > max && !func.variadic) {
            let want = if func.variadic {
                format!("at least {min}")
            } else if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            let d = Diagnostic::new(
                &x::WRONG_ARGUMENTS,
                self.span(e.pos),
                format!("`{}` takes {want} argument(s), found {n}", func.name),
            )
            .label("wrong number of arguments")
            .help(format!("`{}({})`", func.name, signature(func)));
            self.push(d);
            for a in &c.args {
                self.expr(a);
            }
            return Ty::unknown();
        }
        let mut tys: Vec<Option<Ty>> = Vec::with_capacity(n);
        let mut series: Option<Ty> = None;
        for (i, arg) in c.args.iter().enumerate() {
            let kind = func.args[i.min(max - 1)];
            let ty = match kind {
                Arg::Range => {
                    let Some((ty, sel)) = self.range_arg(func.name, arg) else {
                        tys.push(None);
                        continue;
                    };
                    if let (Some(want), Some(raw), Some(sel)) = (func.wants, ty.raw, sel)
                        && raw != want
                    {
                        let what = format!("a {want}");
                        self.wrong_kind(sel, raw, want, &format!("`{}` needs {what}", func.name));
                    }
                    Some(ty)
                }
                Arg::Instant => {
                    let ty = self.expr(arg);
                    if !ty.vector {
                        self.wrong_arg(
                            arg,
                            &format!("`{}` takes series here, not a number", func.name),
                            "a number",
                        );
                    } else if let (Some(want), Some(raw)) = (func.wants, ty.raw)
                        && raw != want
                        && let ExprKind::Selector(sel) = &arg.kind
                    {
                        self.wrong_kind(sel, raw, want, &format!("`{}` needs a {want}", func.name));
                    }
                    Some(ty)
                }
                Arg::Scalar => {
                    let ty = self.expr(arg);
                    if ty.vector {
                        self.wrong_arg(
                            arg,
                            &format!("`{}` takes a number here, not series", func.name),
                            "series",
                        );
                    }
                    Some(ty)
                }
                Arg::Str => {
                    if !matches!(arg.kind, ExprKind::Str(_)) {
                        self.wrong_arg(
                            arg,
                            &format!("`{}` takes a string here", func.name),
                            "not a string",
                        );
                    }
                    None
                }
            };
            if series.is_none()
                && matches!(kind, Arg::Instant | Arg::Range)
                && let Some(t) = &ty
            {
                series = Some(t.clone());
            }
            tys.push(ty);
        }
        let unit_of = |i: usize| tys.get(i).and_then(|t| t.as_ref()).map(|t| t.unit.clone());
        let unit = match func.out {
            Out::Same(i) => unit_of(i).unwrap_or(Unit::None),
            Out::PerSecond(i) => per_second(&unit_of(i).unwrap_or(Unit::None)),
            Out::Count => Unit::None,
            Out::Seconds => Unit::Seconds,
            Out::Ratio => Unit::Ratio,
            Out::Calendar(part) => Unit::Other(part.to_string()),
            Out::Bucket(i) => tys
                .get(i)
                .and_then(|t| t.as_ref())
                .map(|t| t.le.clone().unwrap_or_else(|| t.unit.clone()))
                .unwrap_or(Unit::None),
        };
        let input = series.as_ref().and_then(|t| t.labels.clone());
        let labels = match func.labels {
            Labels::Keep => input,
            Labels::DropLe => input.map(|mut l| {
                if l.contains("le") {
                    Arc::make_mut(&mut l).remove("le");
                }
                l
            }),
            Labels::Add(i) => match c.args.get(i).map(|a| &a.kind) {
                Some(ExprKind::Str(dst)) => input.map(|mut l| {
                    Arc::make_mut(&mut l).insert(dst.clone());
                    l
                }),
                _ => None,
            },
            Labels::Empty => Some(no_labels()),
        };
        let le = match func.name {
            "rate" | "increase" | "irate" | "label_replace" | "label_join" => {
                series.as_ref().and_then(|t| t.le.clone())
            }
            _ => None,
        };
        let raw = if func.passes_values {
            series.as_ref().and_then(|t| t.raw)
        } else {
            None
        };
        if func.scalar {
            return Ty::number(unit);
        }
        Ty {
            vector: true,
            raw,
            unit,
            literal: None,
            le,
            labels,
        }
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, m: &BinMod) -> Ty {
        let lt = self.expr(l);
        let rt = self.expr(r);
        if op.is_set() && (!lt.vector || !rt.vector) {
            let scalar = if lt.vector { r } else { l };
            let d = Diagnostic::new(&x::SCALAR_OPERAND, self.span(scalar.pos), format!("`{}` combines series, not numbers", op.as_str()))
                .label("a number")
                .help("use a metric expression on both sides, e.g. `up(web) == 0 and rate(errors_total) > 1`");
            self.push(d);
        }
        if op.is_comparison() && !lt.vector && !rt.vector && !m.bool_ {
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
        if m.matching.is_some() && (!lt.vector || !rt.vector) {
            let scalar = if lt.vector { r } else { l };
            self.wrong_arg(
                scalar,
                "`on`/`ignoring` match series with series, not with a number",
                "a number",
            );
        }
        let labels = self.result_labels(op, &lt, &rt, m);
        let vector = lt.vector || rt.vector;
        let mut ty = match op {
            BinOp::And | BinOp::Unless => Ty {
                le: lt.le.clone(),
                ..Ty::vector(lt.unit.clone())
            },
            BinOp::Or => Ty::vector(pick_unit(&lt, &rt)),
            BinOp::Add | BinOp::Sub => {
                self.compatible(op, l, &lt, r, &rt);
                Ty::vector(pick_unit(&lt, &rt))
            }
            BinOp::Mul => Ty::vector(pick_unit(&lt, &rt)),
            BinOp::Mod => Ty::vector(lt.unit.clone()),
            BinOp::Pow | BinOp::Atan2 => Ty::vector(Unit::None),
            BinOp::Div => {
                let unit = if lt.unit == rt.unit && lt.unit != Unit::None {
                    Unit::Ratio
                } else if rt.unit == Unit::None {
                    lt.unit.clone()
                } else {
                    Unit::None
                };
                Ty::vector(unit)
            }
            _ => {
                self.compatible(op, l, &lt, r, &rt);
                if m.bool_ {
                    Ty::vector(Unit::None)
                } else {
                    Ty {
                        raw: lt.raw,
                        ..Ty::vector(lt.unit.clone())
                    }
                }
            }
        };
        ty.vector = vector;
        ty.labels = labels;
        ty
    }

    /// The labels of a binary operation's result, PromQL's rules: a filter
    /// (comparison without `bool`, `and`, `unless`) keeps the left side's series;
    /// `or` returns either side's; arithmetic and `bool` keep the `on(...)` labels, or
    /// drop the `ignoring(...)` ones, and `group_left`/`group_right` keep the "many"
    /// side's labels plus those copied from the "one" side.
    fn result_labels(&self, op: BinOp, lt: &Ty, rt: &Ty, m: &BinMod) -> Option<LabelSet> {
        match (lt.vector, rt.vector) {
            (false, false) => return Some(no_labels()),
            (true, false) => return lt.labels.clone(),
            (false, true) => return rt.labels.clone(),
            _ => {}
        }
        if matches!(op, BinOp::And | BinOp::Unless) || (op.is_comparison() && !m.bool_) {
            if let Some(g) = m.matching.as_ref().and_then(|mm| mm.group.as_ref())
                && !g.left
            {
                return rt.labels.clone();
            }
            return lt.labels.clone();
        }
        if op == BinOp::Or {
            return match (&lt.labels, &rt.labels) {
                (Some(a), Some(b)) => Some(Arc::new(a.union(b).cloned().collect())),
                _ => None,
            };
        }
        let Some(mm) = &m.matching else {
            return lt.labels.clone();
        };
        if let Some(g) = &mm.group {
            let many = if g.left { &lt.labels } else { &rt.labels };
            return many.as_ref().map(|l| {
                let mut out = l.clone();
                if !g.labels.is_empty() {
                    Arc::make_mut(&mut out).extend(g.labels.iter().map(|(l, _)| l.clone()));
                }
                out
            });
        }
        if mm.on {
            Some(Arc::new(mm.labels.iter().map(|(l, _)| l.clone()).collect()))
        } else {
            lt.labels.as_ref().map(|l| {
                let mut out = l.clone();
                for (x, _) in &mm.labels {
                    if out.contains(x) {
                        Arc::make_mut(&mut out).remove(x);
                    }
                }
                out
            })
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
        let zero = matches!(&lit_side.kind, ExprKind::Number(q) if q.value == 0.0);
        match lit_unit {
            // Raw PromQL has no units on numbers: nothing to compare; nor has zero.
            None if self.raw || zero => {}
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
