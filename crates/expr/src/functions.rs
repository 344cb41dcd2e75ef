//! Condition language: the PromQL functions and aggregations it knows, each with its
//! signature — what every argument must be, which metric type it expects, whether it
//! returns a scalar, the unit of its result and the labels its result carries. The
//! checker reads this table; the lowering prints calls as written.
//!
//! Everything Prometheus 2.42 documents is here (the version CI checks against);
//! functions added later (`histogram_avg`, `histogram_stddev`, `histogram_stdvar`,
//! `mad_over_time`, `sort_by_label`, `limitk`, `limit_ratio`) are refused by name.

use super::MetricKind;

/// What an argument must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// An instant vector (series at one time).
    Instant,
    /// A range vector: a selector with `[range]` (the default range when left out),
    /// or a subquery.
    Range,
    /// A number.
    Scalar,
    /// A string literal.
    Str,
}

/// The unit of a function's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Out {
    /// The unit of argument `i`.
    Same(usize),
    /// Per second of argument `i`'s unit (`rate`, `deriv`).
    PerSecond(usize),
    /// A count, or another number without a unit.
    Count,
    /// Seconds (`time()`, `timestamp()`: Unix time).
    Seconds,
    /// A ratio between 0 and 1.
    Ratio,
    /// A calendar part, named (`hour` is an hour of the day).
    Calendar(&'static str),
    /// What argument `i`'s histogram measures (the unit of its bucket bounds).
    Bucket(usize),
}

/// The labels of a function's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// Those of the first series argument.
    Keep,
    /// Those of the first series argument, without `le` (`histogram_quantile`).
    DropLe,
    /// Those of the first series argument, plus the label named by string argument `i`.
    Add(usize),
    /// None (a fresh series: `vector()`, `time()`-based).
    Empty,
}

/// One function.
#[derive(Debug)]
pub struct Func {
    pub name: &'static str,
    pub args: &'static [Arg],
    /// How many trailing arguments may be left out.
    pub optional: usize,
    /// The last argument may repeat (`label_join`'s source labels).
    pub variadic: bool,
    /// Returns a scalar (else an instant vector).
    pub scalar: bool,
    pub out: Out,
    pub labels: Labels,
    /// The metric type its series argument should have, as Prometheus documents.
    pub wants: Option<MetricKind>,
    /// Returns its argument's values unchanged (a raw counter stays a raw counter).
    pub passes_values: bool,
}

const fn f(
    name: &'static str,
    args: &'static [Arg],
    out: Out,
    labels: Labels,
    wants: Option<MetricKind>,
) -> Func {
    Func {
        name,
        args,
        optional: 0,
        variadic: false,
        scalar: false,
        out,
        labels,
        wants,
        passes_values: false,
    }
}

const fn opt(mut func: Func, n: usize) -> Func {
    func.optional = n;
    func
}

const fn scalar(mut func: Func) -> Func {
    func.scalar = true;
    func
}

const fn passes(mut func: Func) -> Func {
    func.passes_values = true;
    func
}

const fn variadic(mut func: Func) -> Func {
    func.variadic = true;
    func
}

use Arg::{Instant as I, Range as R, Scalar as S, Str};
use Labels::{DropLe, Empty, Keep};
use MetricKind::{Counter, Gauge};
use Out::{Count, PerSecond, Same};

const fn cal(name: &'static str, part: &'static str) -> Func {
    opt(f(name, &[I], Out::Calendar(part), Empty, None), 1)
}

const fn math(name: &'static str) -> Func {
    f(name, &[I], Count, Keep, None)
}

/// Every function, in PromQL's documentation order.
pub static FUNCTIONS: &[Func] = &[
    passes(f("abs", &[I], Same(0), Keep, None)),
    f("absent", &[I], Count, Empty, None),
    f("absent_over_time", &[R], Count, Empty, None),
    f("ceil", &[I], Same(0), Keep, None),
    f("changes", &[R], Count, Keep, None),
    f("clamp", &[I, S, S], Same(0), Keep, None),
    f("clamp_max", &[I, S], Same(0), Keep, None),
    f("clamp_min", &[I, S], Same(0), Keep, None),
    cal("day_of_month", "day of the month"),
    cal("day_of_week", "day of the week"),
    cal("day_of_year", "day of the year"),
    cal("days_in_month", "days in the month"),
    f("delta", &[R], Same(0), Keep, Some(Gauge)),
    f("deriv", &[R], PerSecond(0), Keep, Some(Gauge)),
    math("exp"),
    f("floor", &[I], Same(0), Keep, None),
    f("histogram_count", &[I], Count, Keep, None),
    f("histogram_sum", &[I], Same(0), Keep, None),
    f("histogram_fraction", &[S, S, I], Out::Ratio, Keep, None),
    f("histogram_quantile", &[S, I], Out::Bucket(1), DropLe, None),
    f("holt_winters", &[R, S, S], Same(0), Keep, Some(Gauge)),
    cal("hour", "hour of the day"),
    f("idelta", &[R], Same(0), Keep, Some(Gauge)),
    f("increase", &[R], Same(0), Keep, Some(Counter)),
    f("irate", &[R], PerSecond(0), Keep, Some(Counter)),
    passes(variadic(f(
        "label_join",
        &[I, Str, Str, Str],
        Same(0),
        Labels::Add(1),
        None,
    ))),
    passes(f(
        "label_replace",
        &[I, Str, Str, Str, Str],
        Same(0),
        Labels::Add(1),
        None,
    )),
    math("ln"),
    math("log2"),
    math("log10"),
    cal("minute", "minute of the hour"),
    cal("month", "month of the year"),
    f("predict_linear", &[R, S], Same(0), Keep, Some(Gauge)),
    f("rate", &[R], PerSecond(0), Keep, Some(Counter)),
    f("resets", &[R], Count, Keep, Some(Counter)),
    opt(f("round", &[I, S], Same(0), Keep, None), 1),
    scalar(f("scalar", &[I], Same(0), Empty, None)),
    math("sgn"),
    passes(f("sort", &[I], Same(0), Keep, None)),
    passes(f("sort_desc", &[I], Same(0), Keep, None)),
    math("sqrt"),
    scalar(f("time", &[], Out::Seconds, Empty, None)),
    f("timestamp", &[I], Out::Seconds, Keep, None),
    f("vector", &[S], Same(0), Empty, None),
    cal("year", "year"),
    f("avg_over_time", &[R], Same(0), Keep, Some(Gauge)),
    f("min_over_time", &[R], Same(0), Keep, Some(Gauge)),
    f("max_over_time", &[R], Same(0), Keep, Some(Gauge)),
    f("sum_over_time", &[R], Same(0), Keep, Some(Gauge)),
    f("count_over_time", &[R], Count, Keep, None),
    f("quantile_over_time", &[S, R], Same(1), Keep, Some(Gauge)),
    f("stddev_over_time", &[R], Same(0), Keep, Some(Gauge)),
    f("stdvar_over_time", &[R], Count, Keep, Some(Gauge)),
    passes(f("last_over_time", &[R], Same(0), Keep, None)),
    f("present_over_time", &[R], Count, Keep, None),
    math("acos"),
    math("acosh"),
    math("asin"),
    math("asinh"),
    math("atan"),
    math("atanh"),
    math("cos"),
    math("cosh"),
    math("sin"),
    math("sinh"),
    math("tan"),
    math("tanh"),
    math("deg"),
    math("rad"),
    scalar(f("pi", &[], Count, Empty, None)),
];

/// One aggregation operator (`sum by (job) (x)`).
#[derive(Debug)]
pub struct Aggregation {
    pub name: &'static str,
    /// Its parameter before the vector (`topk(5, x)`), if any.
    pub param: Option<Arg>,
    pub out: Out,
    /// Returns some of its input series unchanged, with all their labels (`topk`).
    pub selects: bool,
}

const fn agg(name: &'static str, param: Option<Arg>, out: Out, selects: bool) -> Aggregation {
    Aggregation {
        name,
        param,
        out,
        selects,
    }
}

/// Every aggregation operator. The unit of `Same(0)` is the vector's.
pub static AGGREGATIONS: &[Aggregation] = &[
    agg("sum", None, Same(0), false),
    agg("min", None, Same(0), false),
    agg("max", None, Same(0), false),
    agg("avg", None, Same(0), false),
    agg("group", None, Count, false),
    agg("stddev", None, Same(0), false),
    agg("stdvar", None, Count, false),
    agg("count", None, Count, false),
    agg("count_values", Some(Str), Count, false),
    agg("bottomk", Some(S), Same(0), true),
    agg("topk", Some(S), Same(0), true),
    agg("quantile", Some(S), Same(0), false),
];

/// Functions of later Prometheus versions, refused by name.
pub const LATER: &[(&str, &str)] = &[
    ("histogram_avg", "2.53"),
    ("histogram_stddev", "2.53"),
    ("histogram_stdvar", "2.53"),
    ("mad_over_time", "3.0"),
    ("sort_by_label", "3.0"),
    ("sort_by_label_desc", "3.0"),
    ("limitk", "3.0"),
    ("limit_ratio", "3.0"),
    ("double_exponential_smoothing", "3.0"),
];

pub fn function(name: &str) -> Option<&'static Func> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

pub fn aggregation(name: &str) -> Option<&'static Aggregation> {
    AGGREGATIONS.iter().find(|a| a.name == name)
}

/// The shorthands of the condition language, beside PromQL's functions.
pub const SHORTHANDS: &[&str] = &["up", "p50", "p75", "p90", "p95", "p99", "ratio"];

/// Every callable name, for "did you mean" suggestions.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .map(|f| f.name)
        .chain(AGGREGATIONS.iter().map(|a| a.name))
        .chain(SHORTHANDS.iter().copied())
}
