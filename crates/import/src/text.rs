//! Writing spec YAML by hand, as a person would: flow mappings and lists, comments;
//! every scalar through the one YAML scalar writer (`forge_spec_base::yaml`), so no
//! imported text can change the document's structure.

/// A string as a YAML scalar that reads back as exactly this string: the one scalar
/// writer, `forge_spec_base::yaml`.
pub fn q(s: &str) -> String {
    forge_spec_base::yaml::quoted(s)
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
