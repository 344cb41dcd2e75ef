//! Emit helper: a small, fast YAML writer for the backends' serde structs (through
//! `serde_json::Value`). Block mappings and sequences; strings plain when unambiguous,
//! single-quoted when printable, double-quoted (JSON escapes) otherwise — so hostile
//! text can never change the document's structure.

use serde_json::Value;

/// YAML text of a value, ending in a newline.
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    let v = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut out = String::new();
    block(&v, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
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

/// Byte classes for [`scalar_str`]: may appear in a plain scalar, printable ASCII.
const PLAIN: u8 = 1;
const PRINTABLE: u8 = 2;
const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = b' ';
    while c <= b'~' {
        t[c as usize] = PRINTABLE;
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/' | b'$') {
            t[c as usize] |= PLAIN;
        }
        c += 1;
    }
    t
};

/// Writes one string scalar, quoted as needed: plain when unambiguous, single-quoted
/// when printable, double-quoted (JSON escapes) otherwise. One pass over the bytes
/// classifies the string (the writer sees every byte of the large outputs).
pub fn scalar_str(s: &str, out: &mut String) {
    let mut all = PLAIN | PRINTABLE;
    for &b in s.as_bytes() {
        all &= CLASSES[b as usize];
    }
    if all & PLAIN != 0 && plain_ok(s) {
        out.push_str(s);
    } else if !s.is_empty()
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && (all & PRINTABLE != 0 || s.chars().all(|c| !c.is_control() && c != '\u{feff}'))
    {
        out.push('\'');
        let mut rest = s;
        while let Some(i) = rest.find('\'') {
            out.push_str(&rest[..=i]);
            out.push('\'');
            rest = &rest[i + 1..];
        }
        out.push_str(rest);
        out.push('\'');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
    }
}

/// A string of plain-scalar characters that reads back as itself: it starts with a
/// letter, `_`, `/` or `$`, and is not one of YAML 1.1's boolean or null words.
fn plain_ok(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || matches!(first, b'_' | b'/' | b'$')) {
        return false;
    }
    const WORDS: [&str; 10] = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    !(s.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)))
}

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
                let text = to_string(&v);
                let back: Value = serde_saphyr::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                prop_assert_eq!(back, v, "{}", text);
            }
        }
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
        let text = to_string(&v);
        let back: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(back, v, "{text}");
        assert!(text.contains("expr: 'up{job=\"a\"} == 0'"), "{text}");
        assert!(text.contains("- '0x120'"), "{text}");
        assert!(text.contains("s: 'it''s'"), "{text}");
        // YAML 1.1 booleans in any case are quoted; longer words are not.
        assert_eq!(
            to_string(&json!(["TRUE", "Off", "offs", "It's"])),
            "- 'TRUE'\n- 'Off'\n- offs\n- 'It''s'\n"
        );
    }
}
