//! Codes of the names stage (declarations and docs; detection lives in the stage).

mod duplicate_definition;
pub mod invalid_label_name;
mod output_name_collision;
mod unknown_dashboard;
mod unknown_receiver;
mod unknown_rule;
mod unknown_slo;
mod unknown_target;

pub use duplicate_definition::DUPLICATE_DEFINITION;
pub use invalid_label_name::INVALID_LABEL_NAME;
pub use output_name_collision::OUTPUT_NAME_COLLISION;
pub use unknown_dashboard::UNKNOWN_DASHBOARD;
pub use unknown_receiver::UNKNOWN_RECEIVER;
pub use unknown_rule::UNKNOWN_RULE;
pub use unknown_slo::UNKNOWN_SLO;
pub use unknown_target::UNKNOWN_TARGET;

pub static CODES: &[&crate::diag::Code] = &[
    &DUPLICATE_DEFINITION,
    &INVALID_LABEL_NAME,
    &UNKNOWN_DASHBOARD,
    &UNKNOWN_RECEIVER,
    &UNKNOWN_RULE,
    &UNKNOWN_SLO,
    &UNKNOWN_TARGET,
];

/// The checks of this family, each with its code.
pub static CHECKS: &[(&crate::diag::Code, super::CheckFn)] =
    &[(&OUTPUT_NAME_COLLISION, output_name_collision::check)];
