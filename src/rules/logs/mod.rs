//! Rules of the `logs` family: one file per rule, the doc comment is its documentation.

/// Codes declared here but detected in an earlier stage.
pub static CODES: &[&crate::diag::Code] = &[];

/// The checks of this family, each with its code.
pub static CHECKS: &[(&crate::diag::Code, super::CheckFn)] = &[];
