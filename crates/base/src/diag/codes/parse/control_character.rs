//! Rule P011 `control-character` (parse stage; detected by `syntax::parse_file` before
//! the YAML is read).

crate::declare_code! {
    /// ## What it does
    /// Reports a control character in a spec file — ESC, BEL, backspace, NUL, DEL and the
    /// other C0 and C1 controls except tab and newline — written raw or as a double-quoted
    /// escape (`"\e"`, `"\a"`, `"\x1b"`, `"\u001b"`). The diagnostic never prints it raw.
    ///
    /// ## Why is this bad?
    /// Names and texts of the spec reach terminals (diagnostics, `amtool`, logs), chat
    /// messages and dashboards: an escape sequence in an alert name can rewrite what an
    /// on-call engineer's terminal shows, and no tool downstream expects one.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     summary: "Web is down.\e[2J"
    ///     runbook: runbooks/web-down.md
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// alerts:
    ///   WebDown:
    ///     severity: critical
    ///     condition: up(web) == 0 for 1m
    ///     summary: "Web is down."
    ///     runbook: runbooks/web-down.md
    /// ```
    pub CONTROL_CHARACTER = ("P011", "control-character", Error);
}

/// The first control character of a spec text, raw or escaped in a double-quoted
/// scalar: its byte range and how it is written (printable).
pub fn find(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    if let Some((i, c)) = text
        .char_indices()
        .find(|(_, c)| crate::secrets::is_forbidden_control(*c))
    {
        return Some((i..i + c.len_utf8(), format!("U+{:04X}", u32::from(c))));
    }
    escaped(text)
}

/// A control character written as an escape inside a double-quoted scalar.
fn escaped(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_comment = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => in_comment = false,
            b'#' if !in_comment && (i == 0 || bytes[i - 1].is_ascii_whitespace()) => {
                in_comment = true;
            }
            b'\'' if !in_comment => {
                // A single-quoted scalar: no escapes; `''` is a quote.
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'"' if !in_comment => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        if let Some(found) = control_escape(text, i) {
                            return Some(found);
                        }
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The escape at `at` (a backslash) when it stands for a control character.
fn control_escape(text: &str, at: usize) -> Option<(std::ops::Range<usize>, String)> {
    let rest = text.get(at + 1..)?;
    let (len, code) = match rest.as_bytes().first()? {
        b'0' | b'a' | b'b' | b'e' | b'f' | b'v' => (2, None),
        b'x' => (4, u32::from_str_radix(rest.get(1..3)?, 16).ok()),
        b'u' => (6, u32::from_str_radix(rest.get(1..5)?, 16).ok()),
        b'U' => (10, u32::from_str_radix(rest.get(1..9)?, 16).ok()),
        _ => return None,
    };
    let control = match code {
        None => true,
        Some(c) => char::from_u32(c).is_some_and(crate::secrets::is_forbidden_control),
    };
    control.then(|| {
        (
            at..at + len,
            text.get(at..at + len).unwrap_or("").to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::find;

    /// Raw controls and their escapes are found; tabs, newlines and quoted backslashes
    /// that are not control escapes are not.
    #[test]
    fn finds_raw_and_escaped_controls() {
        for text in [
            "a: \"x\\e[31m\"",
            "a: \"\\x1b\"",
            "a: \"\\u0007\"",
            "a: \"\\a\"",
            "a: x\u{1b}y",
            "a: \"\\x7F\"",
        ] {
            assert!(find(text).is_some(), "{text}");
        }
        for text in [
            "a: 'x\\e'",
            "a: \"tab\\there\\n\"",
            "a: \"\\\\e\"",
            "# \"\\e\"\na: b",
            "a: \"\\x41\"",
            "a: \"it''s\"",
            "a: 'it''s \"\\e'",
        ] {
            assert!(find(text).is_none(), "{text}");
        }
    }
}
