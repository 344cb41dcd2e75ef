//! The closed sets of values the spec accepts, in one place: the checks refuse a value
//! outside them, and the JSON Schema lists them (`enum`) so that an editor completes
//! and flags them as you type.

use schemars::{Schema, SchemaGenerator, json_schema};

/// `metrics.<m>.type`.
pub const METRIC_TYPES: &[&str] = &["counter", "gauge", "histogram", "summary"];
/// `logs.level`, `logs.events.<e>.level`.
pub const LOG_LEVELS: &[&str] = &["debug", "info", "warning", "error", "critical"];
/// `logs.events.<e>.fields.<f>` (or its `type`).
pub const FIELD_TYPES: &[&str] = &["string", "int", "float", "bool", "duration"];
/// `dashboards.<d>.panels[].type`.
pub const PANEL_TYPES: &[&str] = &[
    "timeseries",
    "stat",
    "gauge",
    "bargauge",
    "table",
    "heatmap",
    "histogram",
];
/// `burn_windows[].urgency`.
pub const URGENCIES: &[&str] = &["page", "ticket"];
/// `service.alert_labels[]`.
pub const ALERT_LABELS: &[&str] = &["service", "team"];
/// `slos.<s>.compat`.
pub const COMPAT_MODES: &[&str] = &["sloth"];
/// `receivers.<r>.opsgenie.priority`.
pub const OPSGENIE_PRIORITIES: &[&str] = &["P1", "P2", "P3", "P4", "P5"];
/// The severities alerts have unless `routing.severities` sets others: offered by
/// the schema as examples (an open set), checked by A002.
pub const DEFAULT_SEVERITIES: &[&str] = &["critical", "warning", "info"];
/// Base units a metric's `unit` names (others are reported by the naming rules).
pub const UNITS: &[&str] = &[
    "seconds", "bytes", "ratio", "celsius", "volts", "amperes", "joules", "grams", "meters", "none",
];

fn one_of(values: &[&str]) -> Schema {
    json_schema!({"type": "string", "enum": values})
}

fn suggested(values: &[&str]) -> Schema {
    json_schema!({"type": "string", "examples": values})
}

pub(crate) fn metric_type(_: &mut SchemaGenerator) -> Schema {
    one_of(METRIC_TYPES)
}
pub(crate) fn log_level(_: &mut SchemaGenerator) -> Schema {
    one_of(LOG_LEVELS)
}
pub(crate) fn field_type(_: &mut SchemaGenerator) -> Schema {
    one_of(FIELD_TYPES)
}
pub(crate) fn panel_type(_: &mut SchemaGenerator) -> Schema {
    one_of(PANEL_TYPES)
}
pub(crate) fn alert_labels(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {"type": "string", "enum": ALERT_LABELS}, "uniqueItems": true})
}
pub(crate) fn urgency(_: &mut SchemaGenerator) -> Schema {
    one_of(URGENCIES)
}
pub(crate) fn compat(_: &mut SchemaGenerator) -> Schema {
    one_of(COMPAT_MODES)
}
pub(crate) fn severity(_: &mut SchemaGenerator) -> Schema {
    suggested(DEFAULT_SEVERITIES)
}
pub(crate) fn unit(_: &mut SchemaGenerator) -> Schema {
    suggested(UNITS)
}
