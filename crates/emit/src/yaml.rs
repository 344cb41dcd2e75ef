//! Emit helper: the one way generated YAML is written. [`to_string`] writes a backend's
//! serde structs (through `serde_json::Value`); [`key`], [`entry`] and [`map_entry`]
//! stream the largest outputs (rule files, promtool tests) line by line without
//! building a value. Both write block mappings and sequences with the same scalars:
//! plain when unambiguous, single-quoted when printable, double-quoted (escaped)
//! otherwise — so hostile text can never change the document's structure.

use serde_json::Value;
use std::collections::BTreeMap;

/// YAML text of a value, ending in a newline; fails only when the value cannot be
/// represented (a map with non-string keys, a serializer's own error).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let v = serde_json::to_value(value)?;
    let mut out = String::new();
    block(&v, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Starts a mapping entry: `indent` spaces, `- ` when it opens a list item, the key
/// and `:` (the value follows on this line or on the next ones).
pub fn key(out: &mut String, indent: usize, item: bool, key: &str) {
    pad(indent, out);
    if item {
        out.push_str("- ");
    }
    scalar_str(key, out);
    out.push(':');
}

/// A whole `key: value` line with a string value.
pub fn entry(out: &mut String, indent: usize, item: bool, k: &str, value: &str) {
    key(out, indent, item, k);
    out.push(' ');
    scalar_str(value, out);
    out.push('\n');
}

/// A `key:` line followed by the string map's entries two columns right of the key
/// (`key: {}` when the map is empty).
pub fn map_entry(
    out: &mut String,
    indent: usize,
    item: bool,
    k: &str,
    map: &BTreeMap<String, String>,
) {
    key(out, indent, item, k);
    if map.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push('\n');
    let inner = indent + if item { 4 } else { 2 };
    for (k, v) in map {
        entry(out, inner, false, k, v);
    }
}

/// A list item holding one string scalar: `- value`.
pub fn item(out: &mut String, indent: usize, value: &str) {
    pad(indent, out);
    out.push_str("- ");
    scalar_str(value, out);
    out.push('\n');
}

fn block(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            let mut first = true;
            for (k, val) in map {
                if !first || !out.ends_with("- ") {
                    pad(indent, out);
                }
                first = false;
                scalar_str(k, out);
                out.push(':');
                child(val, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                pad(indent, out);
                out.push_str("- ");
                match item {
                    Value::Object(m) if !m.is_empty() => block(item, indent + 2, out),
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        block(item, indent + 2, out);
                    }
                    _ => {
                        inline(item, out);
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            inline(v, out);
            out.push('\n');
        }
    }
}

/// A mapping value: nested collections on the following lines, scalars inline.
fn child(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            block(v, indent, out);
        }
        _ => {
            out.push(' ');
            inline(v, out);
            out.push('\n');
        }
    }
}

fn pad(indent: usize, out: &mut String) {
    for _ in 0..indent {
        out.push(' ');
    }
}

fn inline(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => scalar_str(s, out),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

pub use forge_spec_base::yaml::scalar as scalar_str;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        /// Any string, as a key and as a value, reads back as itself; the second
        /// generator stays near YAML's indicators, where quoting matters.
        #[test]
        fn any_string_reads_back(s in any::<String>(), t in "[a-z0-9:#&*!|>'\"%@`{}, .~-]{1,6}") {
            for s in [s, t] {
                let v = json!({ s.clone(): [s.clone()], "k": s });
                let text = to_string(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let back: Value = serde_saphyr::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                prop_assert_eq!(back, v, "{}", text);
            }
        }
    }

    /// Line and paragraph separators, NEL, DEL and the byte-order mark are written as
    /// escapes, never raw: Go's YAML reader (Prometheus, Alertmanager) folds the line
    /// breaks among them into spaces inside quoted scalars.
    #[test]
    fn breaks_and_controls_are_escaped() {
        for (c, esc) in [
            ('\u{2028}', "\\u2028"),
            ('\u{2029}', "\\u2029"),
            ('\u{85}', "\\u0085"),
            ('\u{7f}', "\\u007f"),
            ('\u{feff}', "\\ufeff"),
            ('\u{1}', "\\u0001"),
        ] {
            let s = format!("a{c}b");
            let text = to_string(&json!({ "k": s })).unwrap();
            assert_eq!(text, format!("k: \"a{esc}b\"\n"));
            let back: Value = serde_saphyr::from_str(&text).unwrap();
            assert_eq!(back, json!({ "k": s }));
        }
        let mut o = String::new();
        entry(&mut o, 2, true, "a\u{2028}", "x: y");
        assert_eq!(o, "  - \"a\\u2028\": 'x: y'\n");
    }

    /// Nested maps and lists come out as block YAML that reads back to the same value,
    /// whatever the strings hold.
    #[test]
    fn round_trips() {
        let v = json!({
            "groups": [{"name": "a", "rules": [{"alert": "X", "expr": "up{job=\"a\"} == 0", "labels": {"s": "it's"}}]}],
            "hostile": ["a: b", "- x", "#c", "{{ x }}", "line\nbreak", " lead", "0x120", "true", "", "ü", "\t"],
            "n": 1.5,
            "empty": [],
            "nested": [[1, 2], {"k": []}],
        });
        let text = to_string(&v).unwrap();
        let back: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(back, v, "{text}");
        assert!(text.contains("expr: 'up{job=\"a\"} == 0'"), "{text}");
        assert!(text.contains("- '0x120'"), "{text}");
        assert!(text.contains("s: 'it''s'"), "{text}");
        // YAML 1.1 booleans in any case are quoted; longer words are not.
        assert_eq!(
            to_string(&json!(["TRUE", "Off", "offs", "It's"])).unwrap(),
            "- 'TRUE'\n- 'Off'\n- offs\n- 'It''s'\n"
        );
    }
}
