//! Bottom layer: the one YAML scalar writer. Every YAML forge-spec writes — the
//! generated outputs (`emit`'s writer) and the spec text an import writes — quotes its
//! strings here: plain when unambiguous, single-quoted when printable, double-quoted
//! (escaped) otherwise, so that no text can change a document's structure.

/// Byte classes for [`scalar`]: may appear in a plain scalar, printable ASCII.
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
pub fn scalar(s: &str, out: &mut String) {
    let mut all = PLAIN | PRINTABLE;
    for &b in s.as_bytes() {
        all &= CLASSES[b as usize];
    }
    if all & PLAIN != 0 && plain_ok(s) {
        out.push_str(s);
    } else if !s.is_empty()
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && (all & PRINTABLE != 0 || s.chars().all(|c| !escaped(c)))
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
        double_quoted(s, out);
    }
}

/// Characters a quoted scalar must not hold raw: controls (C0, DEL, C1 — `U+0085` is a
/// line break to YAML 1.1 readers), the byte-order mark, and the Unicode line and
/// paragraph separators (line breaks too, folded into spaces by Go's YAML reader).
fn escaped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
}

/// A double-quoted scalar: `"` and `\\` escaped, `\n`, `\t`, `\r`, `\b`, `\f` by name,
/// every other [`escaped`] character as `\uXXXX` (escapes YAML shares with JSON).
fn double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if escaped(c) => {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(b"0123456789abcdef"[(c as usize >> shift) & 0xf]));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
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

/// A string as a YAML scalar that reads back as exactly this string ([`scalar`]).
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    scalar(s, &mut out);
    out
}
