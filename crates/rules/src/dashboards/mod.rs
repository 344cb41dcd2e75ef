//! Rules of the `dashboards` family: one file per rule, the doc comment is its documentation.

mod duplicate_panel_title;
mod mixed_units_in_panel;
mod panel_without_query;
mod panel_without_title;
mod raw_counter_in_panel;
mod unknown_panel_type;

pub use duplicate_panel_title::DUPLICATE_PANEL_TITLE;
pub use mixed_units_in_panel::MIXED_UNITS_IN_PANEL;
pub use panel_without_query::PANEL_WITHOUT_QUERY;
pub use panel_without_title::PANEL_WITHOUT_TITLE;
pub use raw_counter_in_panel::RAW_COUNTER_IN_PANEL;
pub use unknown_panel_type::UNKNOWN_PANEL_TYPE;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&DUPLICATE_PANEL_TITLE, duplicate_panel_title::check),
    (&MIXED_UNITS_IN_PANEL, mixed_units_in_panel::check),
    (&PANEL_WITHOUT_QUERY, panel_without_query::check),
    (&PANEL_WITHOUT_TITLE, panel_without_title::check),
    (&RAW_COUNTER_IN_PANEL, raw_counter_in_panel::check),
    (&UNKNOWN_PANEL_TYPE, unknown_panel_type::check),
];
