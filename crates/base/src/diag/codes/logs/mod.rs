//! Codes of secret checks the pipeline makes on generated files (declarations and docs).

mod secret_in_output;

pub use secret_in_output::SECRET_IN_OUTPUT;

pub static CODES: &[&crate::diag::Code] = &[&SECRET_IN_OUTPUT];
