//! Codes of the parse stage (declarations and docs; detection lives in the stage).

pub mod control_character;
mod duplicate_key;
mod input_budget_exceeded;
mod invalid_value;
mod missing_key;
mod missing_service;
mod unknown_key;
mod unreadable_file;
mod unsupported_version;
mod wrong_type;
mod yaml_syntax;

pub use control_character::CONTROL_CHARACTER;
pub use duplicate_key::DUPLICATE_KEY;
pub use input_budget_exceeded::INPUT_BUDGET_EXCEEDED;
pub use invalid_value::INVALID_VALUE;
pub use missing_key::MISSING_KEY;
pub use missing_service::MISSING_SERVICE;
pub use unknown_key::UNKNOWN_KEY;
pub use unreadable_file::UNREADABLE_FILE;
pub use unsupported_version::UNSUPPORTED_VERSION;
pub use wrong_type::WRONG_TYPE;
pub use yaml_syntax::YAML_SYNTAX;

pub static CODES: &[&crate::diag::Code] = &[
    &CONTROL_CHARACTER,
    &DUPLICATE_KEY,
    &INPUT_BUDGET_EXCEEDED,
    &INVALID_VALUE,
    &MISSING_KEY,
    &MISSING_SERVICE,
    &UNKNOWN_KEY,
    &UNREADABLE_FILE,
    &UNSUPPORTED_VERSION,
    &WRONG_TYPE,
    &YAML_SYNTAX,
];
