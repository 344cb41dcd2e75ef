//! Backend: the JSON Schema of the spec (`schema/forge-spec.schema.json`), for
//! yaml-language-server and for the tests. The schema is data handed over by the
//! pipeline from the layer that owns the spec's types (`syntax::json_schema`).

use super::Output;

/// The schema as pretty JSON with a trailing newline (`{:#}` formats a JSON value
/// without a way to fail).
pub fn render(schema: &serde_json::Value) -> String {
    format!("{schema:#}\n")
}

pub fn emit(schema: &serde_json::Value, out: &mut Output) {
    out.add("schema/forge-spec.schema.json", render(schema));
}
