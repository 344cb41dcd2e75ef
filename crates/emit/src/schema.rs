//! Backend: the JSON Schema of the spec (`schema/forge-spec.schema.json`), for
//! yaml-language-server and for the tests. The schema is data handed over by the
//! pipeline from the layer that owns the spec's types (`syntax::json_schema`).

use super::{EmitError, Output};

/// The schema as pretty JSON with a trailing newline.
pub fn render(schema: &serde_json::Value) -> Result<String, serde_json::Error> {
    super::json(schema)
}

pub fn emit(schema: &serde_json::Value, out: &mut Output) -> Result<(), EmitError> {
    let path = "schema/forge-spec.schema.json";
    let text = render(schema).map_err(|error| EmitError {
        path: path.into(),
        error,
    })?;
    out.add(path, text);
    Ok(())
}
