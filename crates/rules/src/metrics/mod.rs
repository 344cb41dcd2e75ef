//! Rules of the `metrics` family: one file per rule, the doc comment is its documentation.

mod abbreviated_unit;
mod cardinality_budget;
mod colon_in_name;
mod counter_without_total;
mod invalid_buckets;
mod invalid_name;
mod missing_help;
mod missing_prefix;
mod non_base_unit;
mod not_snake_case;
mod reserved_label;
mod reserved_suffix;
mod total_on_non_counter;
mod type_in_name;
mod unbounded_label;
mod unit_suffix_mismatch;

pub use abbreviated_unit::ABBREVIATED_UNIT;
pub use cardinality_budget::CARDINALITY_BUDGET;
pub use colon_in_name::COLON_IN_NAME;
pub use counter_without_total::COUNTER_WITHOUT_TOTAL;
pub use invalid_buckets::INVALID_BUCKETS;
pub use invalid_name::INVALID_NAME;
pub use missing_help::MISSING_HELP;
pub use missing_prefix::MISSING_PREFIX;
pub use non_base_unit::NON_BASE_UNIT;
pub use not_snake_case::NOT_SNAKE_CASE;
pub use reserved_label::RESERVED_LABEL;
pub use reserved_suffix::RESERVED_SUFFIX;
pub use total_on_non_counter::TOTAL_ON_NON_COUNTER;
pub use type_in_name::TYPE_IN_NAME;
pub use unbounded_label::UNBOUNDED_LABEL;
pub use unit_suffix_mismatch::UNIT_SUFFIX_MISMATCH;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&ABBREVIATED_UNIT, abbreviated_unit::check),
    (&CARDINALITY_BUDGET, cardinality_budget::check),
    (&COLON_IN_NAME, colon_in_name::check),
    (&COUNTER_WITHOUT_TOTAL, counter_without_total::check),
    (&INVALID_BUCKETS, invalid_buckets::check),
    (&INVALID_NAME, invalid_name::check),
    (&MISSING_HELP, missing_help::check),
    (&MISSING_PREFIX, missing_prefix::check),
    (&NON_BASE_UNIT, non_base_unit::check),
    (&NOT_SNAKE_CASE, not_snake_case::check),
    (&RESERVED_LABEL, reserved_label::check),
    (&RESERVED_SUFFIX, reserved_suffix::check),
    (&TOTAL_ON_NON_COUNTER, total_on_non_counter::check),
    (&TYPE_IN_NAME, type_in_name::check),
    (&UNBOUNDED_LABEL, unbounded_label::check),
    (&UNIT_SUFFIX_MISMATCH, unit_suffix_mismatch::check),
];
