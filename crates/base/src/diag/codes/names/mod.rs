//! Codes of the resolve stage's name checks (declarations and docs; detection lives in
//! the resolver and the condition language).

mod duplicate_definition;
pub mod invalid_label_name;
mod unknown_catalog;
mod unknown_dashboard;
mod unknown_receiver;
mod unknown_rule;
mod unknown_slo;
mod unknown_target;

pub use duplicate_definition::DUPLICATE_DEFINITION;
pub use invalid_label_name::INVALID_LABEL_NAME;
pub use unknown_catalog::UNKNOWN_CATALOG;
pub use unknown_dashboard::UNKNOWN_DASHBOARD;
pub use unknown_receiver::UNKNOWN_RECEIVER;
pub use unknown_rule::UNKNOWN_RULE;
pub use unknown_slo::UNKNOWN_SLO;
pub use unknown_target::UNKNOWN_TARGET;

pub static CODES: &[&crate::diag::Code] = &[
    &DUPLICATE_DEFINITION,
    &INVALID_LABEL_NAME,
    &UNKNOWN_CATALOG,
    &UNKNOWN_DASHBOARD,
    &UNKNOWN_RECEIVER,
    &UNKNOWN_RULE,
    &UNKNOWN_SLO,
    &UNKNOWN_TARGET,
];
