//! Rules of the `names` family that check the resolved model; the codes the resolver
//! reports are declared in `diag::codes::names` and re-exported here.

mod name_too_long;
mod output_name_collision;
mod record_name;

pub use name_too_long::NAME_TOO_LONG;
pub use output_name_collision::OUTPUT_NAME_COLLISION;
pub use record_name::RECORD_NAME;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&OUTPUT_NAME_COLLISION, output_name_collision::check),
    (&RECORD_NAME, record_name::check),
    (&NAME_TOO_LONG, name_too_long::check),
];
