//! Backend: the JSON Schema of the spec (`schema/forge-spec.schema.json`), for
//! yaml-language-server and for the tests.

use super::Output;

/// The schema as pretty JSON with a trailing newline.
pub fn render() -> String {
    let mut s = serde_json::to_string_pretty(&crate::syntax::json_schema()).unwrap_or_default();
    s.push('\n');
    s
}

pub fn emit(out: &mut Output) {
    out.add("schema/forge-spec.schema.json", render());
}
