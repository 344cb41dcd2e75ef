//! Bottom layer, beside `source` and `diag`: the secret scanner. What a secret looks
//! like (the shapes gitleaks' and trufflehog's published rules describe, for the services
//! a monitoring configuration touches), found in any text — a spec file, a generated
//! file, a message about to be printed — and masked wherever text is shown.
//!
//! Every stage may use it: the parse stage and the checks report secrets in the spec
//! (L001, L002), the pipeline scans every output before writing (L006), and every
//! renderer masks what it prints, source snippets included.

use regex::bytes::Regex;
use std::ops::Range;
use std::sync::OnceLock;

mod shapes;

use shapes::{SHAPES, Search, Shape};

/// A shape with its regex, ASCII-only (`(?-u)`: small automata, fast to build), over
/// bytes, built on first use: most texts hold no secret, and the triggers alone answer
/// them.
struct Pattern {
    shape: &'static Shape,
    re: OnceLock<Option<Regex>>,
}

fn patterns() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    P.get_or_init(|| {
        SHAPES
            .iter()
            .map(|shape| Pattern {
                shape,
                re: OnceLock::new(),
            })
            .collect()
    })
}

impl Pattern {
    fn regex(&self) -> Option<&Regex> {
        self.re
            .get_or_init(|| Regex::new(&format!("(?-u){}", self.shape.re)).ok())
            .as_ref()
    }
}

/// Every shape's triggers in one automaton (Aho-Corasick over lowercased text): one
/// pass over a chunk tells which shapes may occur in it (usually none), and only those
/// are searched with their regexes. Each trigger word maps to the shapes it triggers.
fn triggers() -> &'static Option<(aho_corasick::AhoCorasick, Vec<Vec<usize>>)> {
    static T: OnceLock<Option<(aho_corasick::AhoCorasick, Vec<Vec<usize>>)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut words: Vec<&str> = SHAPES
            .iter()
            .flat_map(|s| s.triggers.iter().copied())
            .collect();
        words.sort_unstable();
        words.dedup();
        // A leftmost-first search reports one word where several start (`key`, `key-`,
        // `key=`): each word triggers the shapes of every word it is a prefix of or
        // that is a prefix of it, so the one reported stands for all.
        let shapes: Vec<Vec<usize>> = words
            .iter()
            .map(|w| {
                SHAPES
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| {
                        s.triggers
                            .iter()
                            .any(|v| v.starts_with(w) || w.starts_with(v))
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&words)
            .ok()?;
        Some((ac, shapes))
    })
}

/// The shapes that may occur in `chunk`, in shape order.
fn present(chunk: &str) -> Vec<usize> {
    let mut on: Vec<bool> = SHAPES.iter().map(|s| s.triggers.is_empty()).collect();
    match triggers() {
        Some((ac, shape)) => {
            let lower = chunk.as_bytes().to_ascii_lowercase();
            // Every trigger that starts at another place: the search resumes one byte
            // after the start of each match, so a trigger inside another is found too
            // (triggers that start at one place stand for each other, see `triggers`).
            let mut at = 0;
            while at < lower.len() {
                let input = aho_corasick::Input::new(&lower).span(at..lower.len());
                let Some(m) = ac.find(input) else { break };
                for i in shape.get(m.pattern().as_usize()).into_iter().flatten() {
                    on[*i] = true;
                }
                at = m.start() + 1;
            }
        }
        None => on.iter_mut().for_each(|x| *x = true),
    }
    on.iter()
        .enumerate()
        .filter(|(_, x)| **x)
        .map(|(i, _)| i)
        .collect()
}

/// Size of the pieces a text is scanned in (cut after a newline; no shape spans lines).
const CHUNK: usize = 1 << 20;

/// The text in pieces of about [`CHUNK`] bytes, each ending after a newline, with
/// their offsets.
fn chunks(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + CHUNK).min(text.len());
        if end < text.len() {
            // Searched as bytes: `end` may fall inside a character; after a newline is
            // always a character boundary.
            end = text.as_bytes()[end..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(text.len(), |i| end + i + 1);
        }
        out.push((start, &text[start..end]));
        start = end;
    }
    out
}

/// How many shapes the scanner knows (tests hold it to at least 60 with the corpus).
pub fn shape_count() -> usize {
    patterns().len()
}

/// Where the required word before `at` starts, if `text` has one there.
fn word_before(text: &str, at: usize, words: &[&str]) -> Option<usize> {
    let head = text.get(..at)?;
    let head = head.strip_suffix('_').unwrap_or(head);
    words.iter().find_map(|w| {
        let start = head.len().checked_sub(w.len())?;
        head.get(start..)
            .filter(|tail| tail.eq_ignore_ascii_case(w))
            .map(|_| start)
    })
}

/// Shannon entropy of a string, in bits a character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether the value of a generic shape (an assignment, a URL's user, a query
/// parameter, a hex string) looks like a secret rather than a reference, a placeholder
/// or a word: not a path, a template, an environment reference or a plain word, and
/// random enough.
fn looks_random(v: &str) -> bool {
    // Paths, environment references, templates, and types in generated code
    // (`token: &Redacted<String>`).
    if v.starts_with(['/', '$', '<', '%', '*', '.', '~', '&'])
        || v.starts_with("{{")
        || v.starts_with("file:")
        || v.contains('<')
    {
        return false;
    }
    if v.len() < 8 {
        return false;
    }
    let has_digit = v.bytes().any(|b| b.is_ascii_digit());
    let has_lower = v.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = v.bytes().any(|b| b.is_ascii_uppercase());
    let plain_word = !has_digit
        && (!has_lower || !has_upper)
        && v.len() < 16
        && v.bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-');
    if plain_word {
        return false;
    }
    // Hex keys need both letters and digits (not a run of one kind).
    if v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return has_digit && (has_lower || has_upper) && entropy(v) >= 3.0;
    }
    entropy(v) >= 2.5
}

/// Every secret-looking match in a text: byte range and kind, sorted, not overlapping.
pub fn scan(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut found: Vec<(Range<usize>, &'static str)> = Vec::new();
    for (offset, chunk) in chunks(text) {
        let mut here: Vec<(Range<usize>, &'static str)> = Vec::new();
        for p in present(chunk).into_iter().filter_map(|i| patterns().get(i)) {
            for (m, value) in candidates(p, chunk) {
                let start = if p.shape.after.is_empty() {
                    m.start
                } else {
                    match word_before(chunk, m.start, p.shape.after) {
                        Some(start) => start,
                        None => continue,
                    }
                };
                if p.shape.random && !looks_random(&chunk[value]) {
                    continue;
                }
                if !here.iter().any(|(r, _)| r.start < m.end && start < r.end) {
                    here.push((start..m.end, p.shape.kind));
                }
            }
        }
        found.extend(
            here.into_iter()
                .map(|(r, k)| (offset + r.start..offset + r.end, k)),
        );
    }
    found.sort_by_key(|(r, _)| r.start);
    cover_key_bodies(text, &mut found);
    found
}

/// A private key is its body, not its `-----BEGIN …-----` line: each such match is
/// widened to the key's `-----END … PRIVATE KEY…-----` line (on the same line, as a
/// YAML scalar with `\n` escapes has it, or on a later one), or, without one, over
/// the base64 lines that follow it. Later matches inside the key are dropped.
fn cover_key_bodies(text: &str, found: &mut Vec<(Range<usize>, &'static str)>) {
    const MAX_KEY: usize = 64 * 1024;
    if !found.iter().any(|(_, k)| *k == PRIVATE_KEY) {
        return;
    }
    let mut covered_to = 0;
    let mut out: Vec<(Range<usize>, &'static str)> = Vec::with_capacity(found.len());
    for (r, kind) in found.drain(..) {
        if r.start < covered_to {
            continue;
        }
        if kind != PRIVATE_KEY {
            out.push((r, kind));
            continue;
        }
        let window_end = (r.end + MAX_KEY..=text.len())
            .find(|e| text.is_char_boundary(*e))
            .unwrap_or(text.len())
            .min(text.len());
        let after = &text[r.end..window_end];
        let end = match after.find("-----END") {
            Some(at) => {
                let tail = &after[at + 8..];
                let close = tail.find("-----").map_or(tail.len(), |c| c + 5);
                r.end + at + 8 + close
            }
            None => {
                // The base64 lines after the BEGIN line (indented, quoted or not).
                let mut end = r.end + after.find('\n').unwrap_or(after.len());
                while text.as_bytes().get(end) == Some(&b'\n') && end < window_end {
                    let line_end = text[end + 1..window_end]
                        .find('\n')
                        .map_or(window_end, |n| end + 1 + n);
                    let body = text[end + 1..line_end]
                        .trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
                    let base64 = !body.is_empty()
                        && body.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\\')
                        });
                    if !base64 {
                        break;
                    }
                    end = line_end;
                }
                end
            }
        };
        covered_to = end;
        out.push((r.start..end, kind));
    }
    *found = out;
}

/// The kind of the private-key shape.
const PRIVATE_KEY: &str = "a private key";

/// Every match of one shape: its range and the range of its value (the first capture
/// group, or the whole match).
fn candidates(p: &Pattern, text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let Some(re) = p.regex() else {
        return Vec::new();
    };
    // Byte matches of ASCII patterns can end inside a multi-byte character: widen them
    // to whole characters so that they slice the text.
    let widen = |r: Range<usize>| {
        let start = (0..=r.start)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        let end = (r.end..=text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(text.len());
        start..end
    };
    let regex = |hay: &[u8], offset: usize, out: &mut Vec<(Range<usize>, Range<usize>)>| {
        for c in re.captures_iter(hay) {
            let Some(m) = c.get(0) else { continue };
            let v = c.get(1).unwrap_or(m);
            out.push((
                widen(offset + m.start()..offset + m.end()),
                widen(offset + v.start()..offset + v.end()),
            ));
        }
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    match p.shape.search {
        Search::Whole => {
            // Captures only where a value is needed: `find_iter` is the fast path.
            if p.shape.random {
                regex(bytes, 0, &mut out);
            } else {
                out.extend(re.find_iter(bytes).map(|m| {
                    let r = widen(m.range());
                    (r.clone(), r)
                }));
            }
        }
        Search::LinesWith(byte) => {
            let mut next_line = 0;
            for at in bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == byte)
                .map(|(i, _)| i)
            {
                if at < next_line {
                    continue;
                }
                let start = bytes[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = bytes[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(text.len(), |i| at + i);
                regex(&bytes[start..end], start, &mut out);
                next_line = end;
            }
        }
        Search::Hex32 => {
            // A run of 32 hex digits covers every 32nd byte: look at the last byte of the
            // window first and jump a whole window when it is not a hex digit.
            let hex = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_hexdigit);
            let word = |i: usize| {
                bytes
                    .get(i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            };
            let mut i = 0;
            while i + 32 <= bytes.len() {
                if !hex(i + 31) {
                    i += 32;
                    continue;
                }
                let mut start = i + 31;
                while start > i && hex(start - 1) {
                    start -= 1;
                }
                // Runs that began before `i` were seen when `i` was reached.
                if start == i && i > 0 && hex(i - 1) {
                    while i < bytes.len() && hex(i) {
                        i += 1;
                    }
                    continue;
                }
                let mut end = start;
                while hex(end) {
                    end += 1;
                }
                if end - start == 32 && (start == 0 || !word(start - 1)) && !word(end) {
                    out.push((start..end, start..end));
                }
                i = end + 1;
            }
        }
    }
    out
}

/// The text with every Go-template action that only prints string literals
/// (`{{ "b" }}`, `{{- print "a" "b" -}}`, `{{ printf "%s" "x" }}`) replaced by what it
/// prints, as Prometheus and Alertmanager would; with, for each byte of the result, the
/// byte of `text` it came from. `None` when there is no such action.
pub fn flatten_templates(text: &str) -> Option<(String, Vec<usize>)> {
    use crate::template::{Piece, pieces};
    // The literal-only actions (most texts have none: nothing is allocated then).
    let literal: Vec<(crate::template::Action, String)> = pieces(text)
        .map_while(Result::ok)
        .filter_map(|p| match p {
            Piece::Action(a) => {
                let printed = literal_action(a.inner)?;
                Some((a, printed))
            }
            Piece::Comment(_) => None,
        })
        .collect();
    if literal.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut i = 0;
    let copy = |out: &mut String, from: &mut Vec<usize>, range: std::ops::Range<usize>| {
        out.push_str(&text[range.clone()]);
        from.extend(range);
    };
    for (a, printed) in literal {
        copy(&mut out, &mut from, i..a.range.start);
        // Trim markers remove the spaces around the action, as Go does.
        if a.trim_left {
            while out.ends_with([' ', '\t', '\n', '\r']) {
                out.pop();
                from.pop();
            }
        }
        out.push_str(&printed);
        from.extend(std::iter::repeat_n(a.range.start, printed.len()));
        i = a.range.end;
        if a.trim_right {
            while i < text.len() && text.as_bytes()[i].is_ascii_whitespace() {
                i += 1;
            }
        }
    }
    copy(&mut out, &mut from, i..text.len());
    Some((out, from))
}

/// What an action prints when it is string literals only (ASCII, to keep the byte map
/// simple); `None` otherwise.
fn literal_action(inner: &str) -> Option<String> {
    let inner = inner.trim();
    let (args, printf) = if let Some(rest) = inner.strip_prefix("printf ") {
        (rest, true)
    } else if let Some(rest) = inner.strip_prefix("print ") {
        (rest, false)
    } else {
        (inner, false)
    };
    let mut parts = Vec::new();
    let mut rest = args.trim();
    while !rest.is_empty() {
        let q = rest.chars().next()?;
        if !matches!(q, '"' | '`') {
            return None;
        }
        let end = rest[1..].find(q)? + 1;
        let lit = &rest[1..end];
        if lit.contains('\\') || !lit.is_ascii() {
            return None;
        }
        parts.push(lit.to_string());
        rest = rest[end + 1..].trim_start();
    }
    if parts.is_empty() {
        return None;
    }
    if printf {
        let format = parts.remove(0);
        let mut out = String::new();
        let mut args = parts.into_iter();
        let mut pieces = format.split("%s");
        out.push_str(pieces.next().unwrap_or(""));
        for piece in pieces {
            out.push_str(&args.next()?);
            out.push_str(piece);
        }
        return Some(out);
    }
    Some(parts.concat())
}

/// Every secret in a text, also those that a template would assemble from literal
/// pieces (`xox{{ "b" }}-…`): byte ranges of `text`, sorted, not overlapping.
pub fn scan_all(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut found = scan(text);
    if let Some((flat, from)) = flatten_templates(text) {
        for (r, kind) in scan(&flat) {
            let start = from.get(r.start).copied().unwrap_or(0);
            let end = from
                .get(r.end.saturating_sub(1))
                .map_or(text.len(), |e| e + 1)
                .max(start);
            let end = (end..=text.len())
                .find(|e| text.is_char_boundary(*e))
                .unwrap_or(text.len());
            if !found.iter().any(|(f, _)| f.start < end && start < f.end) {
                found.push((start..end, kind));
            }
        }
        found.sort_by_key(|(r, _)| r.start);
    }
    // Escaped scalars, decoded: a hit masks the whole scalar.
    let mut added = false;
    for (range, decoded) in escaped_scalars(text) {
        let Some((_, kind)) = scan(&decoded).into_iter().next() else {
            continue;
        };
        if !found
            .iter()
            .any(|(f, _)| f.start < range.end && range.start < f.end)
        {
            found.push((range, kind));
            added = true;
        }
    }
    if added {
        found.sort_by_key(|(r, _)| r.start);
    }
    found
}

/// The double-quoted scalars of a line-oriented text (YAML, JSON) that hold escapes,
/// decoded: a secret can hide behind `\x62` or `\/` from a scan of the raw text. Each
/// with its range in `text`, quotes included. Quotes are not matched across lines.
fn escaped_scalars(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    if !text.contains('\\') {
        return out;
    }
    for (line_start, line) in text
        .split_inclusive('\n')
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l))
        })
        .filter(|(_, l)| l.contains('\\'))
    {
        let bytes = line.as_bytes();
        let mut i = 0;
        while let Some(open) = line[i..].find('"').map(|o| i + o) {
            let mut j = open + 1;
            let mut escaped = false;
            while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                if bytes[j] == b'\\' {
                    escaped = true;
                    j += 1;
                }
                j += 1;
            }
            if j >= bytes.len() || bytes[j] != b'"' {
                break;
            }
            if escaped && let Some(decoded) = unescape(&line[open + 1..j]) {
                out.push((line_start + open..line_start + j + 1, decoded));
            }
            i = j + 1;
        }
    }
    out
}

/// A double-quoted scalar's content with its escapes decoded (YAML's and JSON's:
/// `\xNN`, `\uNNNN`, `\UNNNNNNNN`, `\/`, `\n`…); `None` when one is malformed.
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Option<char> {
            let digits: String = chars.by_ref().take(n).collect();
            (digits.len() == n)
                .then(|| u32::from_str_radix(&digits, 16).ok())
                .flatten()
                .and_then(char::from_u32)
        };
        out.push(match chars.next()? {
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'e' => '\u{1b}',
            'a' => '\u{7}',
            'v' => '\u{b}',
            ' ' => ' ',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            other => other,
        });
    }
    Some(out)
}

/// A secret shown safely: its first four characters, then an ellipsis.
pub fn mask(s: &str) -> String {
    let head: String = s.chars().take(4).collect();
    format!("{head}…")
}

/// Masks `range` of `text` in place, keeping its first four characters and its byte
/// length (so spans into the text stay right).
pub fn mask_range(text: &mut String, range: Range<usize>) {
    let Some(part) = text.get(range.clone()) else {
        return;
    };
    let masked: String = part
        .chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let n = if i < 4 && c.is_ascii() {
                0
            } else {
                c.len_utf8()
            };
            std::iter::repeat_n('*', n).chain((i < 4 && c.is_ascii()).then_some(c))
        })
        .collect();
    text.replace_range(range, &masked);
}

/// Replaces every control character but tab and newline by `?` (one byte for one byte
/// below U+0080, `¿` for the two-byte C1 controls), so nothing printed can drive the
/// terminal and spans stay right.
pub fn neutralise_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_forbidden_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if is_forbidden_control(c) && c.is_ascii() => '?',
                c if is_forbidden_control(c) => '¿',
                c => c,
            })
            .collect(),
    )
}

/// A control character that may not appear in a spec's names and values, nor be
/// printed raw: C0 but tab, newline and carriage return; DEL; C1.
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// A text made safe to print: secrets masked, control characters neutralised.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    let hits = scan_all(text);
    let controls = neutralise_controls(text);
    if hits.is_empty() {
        return controls;
    }
    let mut s = controls.into_owned();
    for (r, _) in hits {
        mask_range(&mut s, r);
    }
    std::borrow::Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template made of literal pieces is flattened, and the byte map points back
    /// into the original text.
    #[test]
    fn flattens_literal_actions() {
        let (flat, from) = flatten_templates(r#"a xox{{ "b" }}-1 {{ .Labels }}"#).unwrap();
        assert_eq!(flat, r#"a xoxb-1 {{ .Labels }}"#);
        assert_eq!(from[5], 5);
        let (flat, _) = flatten_templates(r#"{{ printf "%s-%s" "xoxb" "x" }}"#).unwrap();
        assert_eq!(flat, "xoxb-x");
        assert!(flatten_templates("{{ $value }}").is_none());
    }

    /// Secrets are found at their place in any chunk of a large text, with mixed case;
    /// chunks are cut whatever characters fall on the cut (a multi-byte one did panic).
    #[test]
    fn finds_secrets_across_chunks() {
        for shift in 0..4 {
            let line = format!(
                "{}≤ description: nothing to see here, move along\n",
                "x".repeat(shift)
            );
            let text = line.repeat(2 * super::CHUNK / line.len() + 1);
            assert_eq!(
                chunks(&text).iter().map(|(_, c)| c.len()).sum::<usize>(),
                text.len()
            );
            assert!(scan(&text).is_empty());
        }
        let line = "description: nothing to see here, move along\n";
        let mut text = line.repeat(3 * super::CHUNK / line.len());
        let at = text.len() / 2 + 7;
        let at = (at..).find(|i| text.is_char_boundary(*i)).unwrap_or(at);
        text.insert_str(at, " HOOKS.Slack.COM/services/T0000/B0000/XXXXXXXXXXXX ");
        let end = text.len();
        text.push_str("xoxb-1234567890-abcdefghij\n");
        let hits = scan(&text);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].0.start, at + 1);
        assert_eq!(hits[1].0.start, end);
    }

    /// The skipping hex-run search finds exactly what `\b[0-9a-f]{32}\b` finds, at
    /// every offset and run length around 32.
    #[test]
    fn hex32_search_matches_the_regex() {
        let re = regex::Regex::new(r"(?i)\b[0-9a-f]{32}\b").unwrap();
        let p = patterns()
            .iter()
            .find(|p| p.shape.search == Search::Hex32)
            .unwrap();
        for pre in 0..70 {
            for len in [1, 31, 32, 33, 64] {
                for (before, after) in [(" ", " "), ("z", " "), (" ", "_"), ("-", ".")] {
                    let text = format!(
                        "{}{before}{}{after}tail a1",
                        "ab c".repeat(pre),
                        "0a".repeat(len).chars().take(len).collect::<String>()
                    );
                    let want: Vec<_> = re.find_iter(&text).map(|m| m.range()).collect();
                    let got: Vec<_> = candidates(p, &text).into_iter().map(|(r, _)| r).collect();
                    assert_eq!(got, want, "{text}");
                }
            }
        }
    }

    /// Masking keeps byte length and the first four characters.
    #[test]
    fn masking_keeps_length() {
        let mut s = "x xoxb-1234567890abc y".to_string();
        mask_range(&mut s, 2..20);
        assert_eq!(s, "x xoxb************** y");
        let mut s = "é:éééééé".to_string();
        let n = s.len();
        mask_range(&mut s, 0..n);
        assert_eq!(s.len(), n);
    }

    /// Controls are replaced one byte for one byte.
    #[test]
    fn controls_are_neutralised() {
        assert_eq!(
            neutralise_controls("a\u{1b}[31mb\u{7}\tc\n"),
            "a?[31mb?\tc\n"
        );
        assert_eq!(neutralise_controls("\u{85}").len(), "\u{85}".len());
    }
}

#[cfg(test)]
mod compile_tests {
    /// Every shape compiles (a pattern that does not would find nothing), and the
    /// trigger automaton builds.
    #[test]
    fn every_shape_compiles() {
        for p in super::patterns() {
            assert!(
                p.regex().is_some(),
                "{}: {:?}",
                p.shape.kind,
                regex::bytes::Regex::new(&format!("(?-u){}", p.shape.re)).err()
            );
        }
        assert!(super::triggers().is_some());
    }
}
