//! Rules of the `slos` family: one file per rule, the doc comment is its documentation.

mod sli_kind_count;

pub use sli_kind_count::SLI_KIND_COUNT;

/// Codes declared here but detected in an earlier stage.
pub static CODES: &[&crate::diag::Code] = &[&SLI_KIND_COUNT];

/// The checks of this family, each with its code.
pub static CHECKS: &[(&crate::diag::Code, super::CheckFn)] = &[];
