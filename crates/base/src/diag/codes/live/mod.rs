//! Codes of `forge-spec live-check` (a running service's exposition, or Prometheus'
//! series of a target, against the spec). Their examples show the spec, the
//! exposition's fault in a comment, and the spec that matches it.

mod help_mismatch;
mod metric_mismatch;
mod metric_missing;
mod over_budget;
mod undeclared_label;
mod undeclared_metric;
mod value_outside_set;

pub use help_mismatch::HELP_MISMATCH;
pub use metric_mismatch::METRIC_MISMATCH;
pub use metric_missing::METRIC_MISSING;
pub use over_budget::OVER_BUDGET;
pub use undeclared_label::UNDECLARED_LABEL;
pub use undeclared_metric::UNDECLARED_METRIC;
pub use value_outside_set::VALUE_OUTSIDE_SET;

pub static CODES: &[&crate::diag::Code] = &[
    &UNDECLARED_METRIC,
    &METRIC_MISSING,
    &METRIC_MISMATCH,
    &UNDECLARED_LABEL,
    &VALUE_OUTSIDE_SET,
    &OVER_BUDGET,
    &HELP_MISMATCH,
];
