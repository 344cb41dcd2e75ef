//! Codes of `forge-spec import` (another tool's files into a spec), reported by the
//! `import` crate. Their examples are the other tool's files, not specs.

mod not_imported;
mod renamed_on_import;
mod secret_replaced;

pub use not_imported::NOT_IMPORTED;
pub use renamed_on_import::RENAMED_ON_IMPORT;
pub use secret_replaced::SECRET_REPLACED;

pub static CODES: &[&crate::diag::Code] = &[&NOT_IMPORTED, &SECRET_REPLACED, &RENAMED_ON_IMPORT];
