//! Codes of the exprs stage (declarations and docs; detection lives in the stage).

mod bare_number_comparison;
mod expression_syntax;
mod invalid_promql;
mod invalid_regex;
mod label_value_outside_set;
mod scalar_operand;
mod unit_mismatch;
mod unknown_function;
mod unknown_label;
mod unknown_metric;
mod unscoped_selector;
mod wrong_arguments;
mod wrong_metric_type;

pub use bare_number_comparison::BARE_NUMBER_COMPARISON;
pub use expression_syntax::EXPRESSION_SYNTAX;
pub use invalid_promql::INVALID_PROMQL;
pub use invalid_regex::INVALID_REGEX;
pub use label_value_outside_set::LABEL_VALUE_OUTSIDE_SET;
pub use scalar_operand::SCALAR_OPERAND;
pub use unit_mismatch::UNIT_MISMATCH;
pub use unknown_function::UNKNOWN_FUNCTION;
pub use unknown_label::UNKNOWN_LABEL;
pub use unknown_metric::UNKNOWN_METRIC;
pub use unscoped_selector::UNSCOPED_SELECTOR;
pub use wrong_arguments::WRONG_ARGUMENTS;
pub use wrong_metric_type::WRONG_METRIC_TYPE;

pub static CODES: &[&crate::diag::Code] = &[
    &BARE_NUMBER_COMPARISON,
    &EXPRESSION_SYNTAX,
    &INVALID_PROMQL,
    &INVALID_REGEX,
    &LABEL_VALUE_OUTSIDE_SET,
    &SCALAR_OPERAND,
    &UNIT_MISMATCH,
    &UNKNOWN_FUNCTION,
    &UNKNOWN_LABEL,
    &UNKNOWN_METRIC,
    &UNSCOPED_SELECTOR,
    &WRONG_ARGUMENTS,
    &WRONG_METRIC_TYPE,
];
