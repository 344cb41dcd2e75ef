//! Rules of the `slos` family: one file per rule, the doc comment is its documentation.

mod alert_without_slo;
mod burn_policy;
mod errors_equal_total;
mod group_label_not_on_sli;
mod latency_threshold_not_bucket;
mod low_traffic;
mod never_fires;
mod objective_out_of_range;
mod slo_without_alerting;
mod threshold_differs_from_slo;
mod unsupported_window;

pub use alert_without_slo::ALERT_WITHOUT_SLO;
pub use burn_policy::INVALID_BURN_POLICY;
pub use errors_equal_total::ERRORS_EQUAL_TOTAL;
pub use group_label_not_on_sli::GROUP_LABEL_NOT_ON_SLI;
pub use latency_threshold_not_bucket::LATENCY_THRESHOLD_NOT_BUCKET;
pub use low_traffic::LOW_TRAFFIC_SLO;
pub use never_fires::SLO_NEVER_FIRES;
pub use objective_out_of_range::OBJECTIVE_OUT_OF_RANGE;
pub use slo_without_alerting::SLO_WITHOUT_ALERTING;
pub use threshold_differs_from_slo::THRESHOLD_DIFFERS_FROM_SLO;
pub use unsupported_window::UNSUPPORTED_WINDOW;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&ALERT_WITHOUT_SLO, alert_without_slo::check),
    (&ERRORS_EQUAL_TOTAL, errors_equal_total::check),
    (&INVALID_BURN_POLICY, burn_policy::check),
    (&GROUP_LABEL_NOT_ON_SLI, group_label_not_on_sli::check),
    (
        &LATENCY_THRESHOLD_NOT_BUCKET,
        latency_threshold_not_bucket::check,
    ),
    (&LOW_TRAFFIC_SLO, low_traffic::check),
    (&SLO_NEVER_FIRES, never_fires::check),
    (&OBJECTIVE_OUT_OF_RANGE, objective_out_of_range::check),
    (&SLO_WITHOUT_ALERTING, slo_without_alerting::check),
    (
        &THRESHOLD_DIFFERS_FROM_SLO,
        threshold_differs_from_slo::check,
    ),
    (&UNSUPPORTED_WINDOW, unsupported_window::check),
];
