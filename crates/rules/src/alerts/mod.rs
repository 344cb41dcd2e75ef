//! Rules of the `alerts` family: one file per rule, the doc comment is its documentation.

mod alert_name_not_camel_case;
mod bad_summary;
mod constant_condition;
mod invalid_template;
mod missing_for;
mod missing_runbook;
mod template_label_missing;
mod unknown_severity;

pub use alert_name_not_camel_case::ALERT_NAME_NOT_CAMEL_CASE;
pub use bad_summary::BAD_SUMMARY;
pub use constant_condition::CONSTANT_CONDITION;
pub use invalid_template::INVALID_TEMPLATE;
pub use missing_for::MISSING_FOR;
pub use missing_runbook::MISSING_RUNBOOK;
pub use template_label_missing::TEMPLATE_LABEL_MISSING;
pub use unknown_severity::UNKNOWN_SEVERITY;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&ALERT_NAME_NOT_CAMEL_CASE, alert_name_not_camel_case::check),
    (&BAD_SUMMARY, bad_summary::check),
    (&CONSTANT_CONDITION, constant_condition::check),
    (&INVALID_TEMPLATE, invalid_template::check),
    (&MISSING_FOR, missing_for::check),
    (&MISSING_RUNBOOK, missing_runbook::check),
    (&TEMPLATE_LABEL_MISSING, template_label_missing::check),
    (&UNKNOWN_SEVERITY, unknown_severity::check),
];
