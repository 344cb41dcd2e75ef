//! Writing spec YAML by hand, as a person would: plain scalars where YAML reads them
//! back as the same string, single quotes where it would not, double quotes (escaped)
//! for text with line breaks or control characters — so no imported text can change
//! the document's structure.

/// A string as a YAML scalar that reads back as exactly this string.
pub fn q(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./ ".contains(c))
        && !s.starts_with(['-', '.', ' '])
        && !s.ends_with(' ')
        && !s.contains(" -")
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true"
                | "false"
                | "null"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "y"
                | "n"
                | "~"
                | ".inf"
                | ".nan"
        );
    if plain {
        return s.to_string();
    }
    if s.chars().any(char::is_control) {
        return double_quoted(s);
    }
    format!("'{}'", s.replace('\'', "''"))
}

/// A double-quoted scalar, with YAML's escapes.
fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{a: b, c: d}` of string pairs.
pub fn flow_map<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let items: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{}: {}", q(k), q(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// `[a, b]` of strings.
pub fn flow_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(q).collect();
    format!("[{}]", items.join(", "))
}

/// A comment line (or lines) at this indentation.
pub fn comment(out: &mut String, indent: usize, text: &str) {
    for line in text.lines() {
        out.push_str(&" ".repeat(indent));
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::q;

    /// Every scalar reads back as the string it was written from.
    #[test]
    fn scalars_read_back() {
        for s in [
            "plain",
            "a b",
            "",
            "yes",
            "1.5",
            "it's",
            "#x",
            "a: b",
            "- x",
            "line\nbreak",
            "\u{1b}[31m",
            "{{ $labels.x }}",
            "up{job=\"a\"} == 0",
            " lead",
        ] {
            let doc = format!("k: {}\n", q(s));
            let v: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(v["k"], s, "{doc}");
        }
    }
}
