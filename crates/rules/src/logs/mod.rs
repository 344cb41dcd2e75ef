//! Rules of the `logs` family: one file per rule, the doc comment is its documentation.

mod invalid_log_event;
pub mod literal_secret;
mod request_dump_log_field;
pub mod secret_in_spec;
mod secret_log_field;

pub use forge_spec_base::diag::codes::logs::SECRET_IN_OUTPUT;
pub use invalid_log_event::INVALID_LOG_EVENT;
pub use literal_secret::LITERAL_SECRET;
pub use request_dump_log_field::REQUEST_DUMP_LOG_FIELD;
pub use secret_in_spec::SECRET_IN_SPEC;
pub use secret_log_field::SECRET_LOG_FIELD;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&INVALID_LOG_EVENT, invalid_log_event::check),
    (&LITERAL_SECRET, literal_secret::check),
    (&REQUEST_DUMP_LOG_FIELD, request_dump_log_field::check),
    (&SECRET_IN_SPEC, secret_in_spec::check),
    (&SECRET_LOG_FIELD, secret_log_field::check),
];
