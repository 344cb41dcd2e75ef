//! Codes of `forge-spec diff` (a spec against a baseline), reported by the pipeline's
//! comparison of the two models. Their examples show the spec after the change (the
//! baseline in a comment) and the change that would not be reported.

mod alert_changed;
mod alert_rerouted;
mod inhibition_changed;
mod label_narrowed;
mod metric_changed;
mod metric_removed;
mod rust_api_changed;
mod slo_changed;

pub use alert_changed::ALERT_CHANGED;
pub use alert_rerouted::ALERT_REROUTED;
pub use inhibition_changed::INHIBITION_CHANGED;
pub use label_narrowed::LABEL_NARROWED;
pub use metric_changed::METRIC_CHANGED;
pub use metric_removed::METRIC_REMOVED;
pub use rust_api_changed::RUST_API_CHANGED;
pub use slo_changed::SLO_CHANGED;

pub static CODES: &[&crate::diag::Code] = &[
    &METRIC_REMOVED,
    &METRIC_CHANGED,
    &LABEL_NARROWED,
    &SLO_CHANGED,
    &ALERT_CHANGED,
    &ALERT_REROUTED,
    &INHIBITION_CHANGED,
    &RUST_API_CHANGED,
];
