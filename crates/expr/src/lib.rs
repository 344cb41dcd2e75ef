//! Condition language: a typed, unit-aware expression language over the declared
//! metrics (grammar in `grammar/condition.pest`), checked against the catalogue and
//! lowered to PromQL. Raw PromQL (`expr:`) goes through `promql` instead.
//!
//! The surface: the parsers (`parse_condition`, `parse_query`, `parse_selector`), the
//! checker (`check`) and the lowering (`lower`), over the `ast`; `units` (quantities
//! and their formatting), `functions` (the function table), `promql` (raw PromQL),
//! `gotmpl` (Go templates' checker), `re2` (RE2's syntax), `memo` (expressions read
//! before). The parser's and checker's modules are private.

#![forbid(unsafe_code)]

pub mod ast;
mod check;
pub mod functions;
pub mod gotmpl;
mod lower;
pub mod memo;
mod parse;
pub mod promql;
pub mod re2;
pub mod units;

pub use ast::{Condition, Duration, Expr};
pub use check::{Checked, LabelSet, Ty, check, check_selector};
pub use lower::{Lowering, RangeMode, lower, lower_selector, up_metric};
pub use memo::Memo;
pub use parse::{ParseError, parse_condition, parse_query, parse_selector};

use forge_spec_base::diag::codes::exprs as x;
use forge_spec_base::diag::{Diagnostic, did_you_mean};
use forge_spec_base::source::{SourceSet, Span};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The type of metric a name denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
    Summary,
}

impl MetricKind {
    pub fn parse(s: &str) -> Option<MetricKind> {
        match s {
            "counter" => Some(MetricKind::Counter),
            "gauge" => Some(MetricKind::Gauge),
            "histogram" => Some(MetricKind::Histogram),
            "summary" => Some(MetricKind::Summary),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
            MetricKind::Summary => "summary",
        }
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The unit of a value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    None,
    Seconds,
    Bytes,
    Ratio,
    PerSecond,
    BytesPerSecond,
    Other(String),
}

impl Unit {
    /// The unit a metric declares (`unit:`); `None` for a plain count.
    pub fn from_metric(unit: Option<&str>) -> Unit {
        match unit {
            None | Some("none" | "") => Unit::None,
            Some("seconds") => Unit::Seconds,
            Some("bytes") => Unit::Bytes,
            Some("ratio") => Unit::Ratio,
            Some(other) => Unit::Other(other.to_string()),
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Unit::None => "no unit",
            Unit::Seconds => "seconds",
            Unit::Bytes => "bytes",
            Unit::Ratio => "a ratio",
            Unit::PerSecond => "per second",
            Unit::BytesPerSecond => "bytes per second",
            Unit::Other(s) => s,
        }
    }
}

/// What an expression may refer to: the metric catalogue, the scrape targets,
/// the recording rules and the default range window.
#[derive(Debug, Default)]
pub struct Catalog {
    pub metrics: BTreeMap<String, MetricInfo>,
    pub targets: BTreeSet<String>,
    /// The targets watched by a blackbox_exporter probe: `up(target)` reads
    /// `probe_success` for them.
    pub probed: BTreeSet<String>,
    /// Recording rules' names (raw PromQL may use them).
    pub recorded: BTreeSet<String>,
    pub default_range: Duration,
}

#[derive(Debug, Clone)]
pub struct MetricInfo {
    pub kind: MetricKind,
    pub unit: Unit,
    /// Label name → closed value set (None when open).
    pub labels: BTreeMap<String, Option<Vec<String>>>,
    /// Declared histogram buckets.
    pub buckets: Vec<f64>,
    /// The labels its series carry: the declared ones, `job` and `instance`.
    pub names: check::LabelSet,
    /// The scrape targets (jobs) that export it; a selector must narrow to one when
    /// there are several.
    pub exporters: Vec<String>,
}

impl MetricInfo {
    pub fn new(
        kind: MetricKind,
        unit: Unit,
        labels: BTreeMap<String, Option<Vec<String>>>,
        buckets: Vec<f64>,
    ) -> MetricInfo {
        let mut names: BTreeSet<String> = labels.keys().cloned().collect();
        names.extend(["job".to_string(), "instance".to_string()]);
        // A summary's quantile series carry `quantile` (its `_sum` and `_count` do not:
        // a label set that may be carried is what matters here).
        if kind == MetricKind::Summary {
            names.insert("quantile".to_string());
        }
        MetricInfo {
            kind,
            unit,
            labels,
            buckets,
            names: std::sync::Arc::new(names),
            exporters: Vec::new(),
        }
    }
}

/// A series name resolved against the catalogue: the metric, and which of its
/// series it names (`_bucket`, `_sum`, `_count` of histograms and summaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Whole,
    Bucket,
    Sum,
    Count,
}

impl Catalog {
    /// Finds a metric by series name, accepting histogram/summary child series.
    pub fn resolve(&self, name: &str) -> Option<(&str, &MetricInfo, Series)> {
        if let Some((k, m)) = self.metrics.get_key_value(name) {
            return Some((k, m, Series::Whole));
        }
        for (suffix, series) in [
            ("_bucket", Series::Bucket),
            ("_sum", Series::Sum),
            ("_count", Series::Count),
        ] {
            if let Some(base) = name.strip_suffix(suffix)
                && let Some((k, m)) = self.metrics.get_key_value(base)
                && (matches!(m.kind, MetricKind::Histogram)
                    || (matches!(m.kind, MetricKind::Summary) && series != Series::Bucket))
            {
                return Some((k, m, series));
            }
        }
        None
    }

    /// Names of metrics of one kind (for "metrics that would fit" help lines).
    pub fn names_of(&self, kind: MetricKind) -> Vec<&str> {
        self.metrics
            .iter()
            .filter(|(_, m)| m.kind == kind)
            .map(|(k, _)| k.as_str())
            .collect()
    }

    pub fn unknown_metric(&self, name: &str, span: Span) -> Diagnostic {
        let d = Diagnostic::new(&x::UNKNOWN_METRIC, span, format!("unknown metric `{name}`"))
            .label("not in `metrics:`")
            .unresolved(name);
        match did_you_mean(
            name,
            self.metrics
                .keys()
                .map(String::as_str)
                .chain(self.recorded.iter().map(String::as_str)),
        ) {
            Some(s) => d.did_you_mean(s),
            None => d.help("declare the metric under `metrics:` or fix the name"),
        }
    }
}

/// Maps positions in an expression string to file spans. Exact when the YAML
/// scalar is plain or quoted without escapes on one line; otherwise every position
/// maps to the whole scalar (and diagnostics say so).
#[derive(Clone, Copy, Debug)]
pub struct SourceMap {
    pub base: Span,
    pub exact: bool,
}

impl SourceMap {
    /// Builds the map for a spanned YAML string value.
    pub fn new(sources: &SourceSet, span: Span, value: &str) -> SourceMap {
        let raw = sources.slice(span);
        for (skip, inner) in [
            (0, raw),
            (1, raw.get(1..raw.len().saturating_sub(1)).unwrap_or("")),
        ] {
            if inner == value {
                return SourceMap {
                    base: span.sub(skip, skip + value.len()),
                    exact: true,
                };
            }
        }
        SourceMap {
            base: span,
            exact: false,
        }
    }

    pub fn span(&self, pos: ast::Pos) -> Span {
        if self.exact {
            self.base.sub(pos.start, pos.end.max(pos.start))
        } else {
            self.base
        }
    }
}
