//! Rule L002 `secret-in-spec`.

crate::declare_code! {
    /// ## What it does
    /// Reports any string in the spec files that looks like a secret: Slack webhook URLs and
    /// tokens, PagerDuty integration keys, bearer tokens, credentials in URLs, JWTs, private
    /// keys, and `password=`/`token=`/`api_key=` assignments with long values. The value is
    /// masked in the message. The same scan runs over every generated file before it is written.
    ///
    /// ## Why is this bad?
    /// A secret anywhere in a committed spec — a description, a label, a comment — is leaked
    /// the same way as one in a secret field.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// alerts: {}
    /// # staging hook: https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// alerts: {}
    /// # staging hook: see the secrets store
    /// ```
    pub SECRET_IN_SPEC = ("L002", "secret-in-spec", Error);
}

use crate::diag::Diagnostic;
use crate::ir::Model;

use regex::Regex;
use std::sync::OnceLock;

/// A kind of secret: what it is, its pattern, and the words one of which must come
/// just before a match (joined by an optional `_`; empty: none needed).
struct Pattern {
    kind: &'static str,
    re: Regex,
    after: &'static [&'static str],
}

/// Kinds of secret the scanner knows, with their patterns. Word boundaries are ASCII
/// (`(?-u:\b)`): Unicode ones would stop the fast engines at the first non-ASCII byte.
/// A PagerDuty key is searched from its `key` and its leading word checked after the
/// match: a case-insensitive search for the three words is many times slower.
fn patterns() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    const PD_WORDS: &[&str] = &["routing", "service", "integration"];
    P.get_or_init(|| {
        [
            ("a Slack webhook URL", r"https://hooks\.slack\.com/(services|workflows)/[A-Za-z0-9/_-]{8,}", &[][..]),
            ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", &[]),
            ("a PagerDuty integration key", r"(?i)key\s*[:=]\s*['\x22]?[a-z0-9]{32}\b", PD_WORDS),
            ("a bearer token", r"(?i)\bbearer\s+[a-z0-9._~+/-]{16,}=*", &[]),
            ("a credential in a URL", r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@'\x22]+:[^/\s@'\x22]{3,}@", &[]),
            ("a JWT", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", &[]),
            ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----", &[]),
            ("an AWS access key", r"\bAKIA[0-9A-Z]{16}\b", &[]),
            ("a password or token assignment", r"(?i)\b(password|passwd|secret|token|api_?key)\s*[=:]\s*['\x22]?[A-Za-z0-9+/_.-]{12,}", &[]),
        ]
        .into_iter()
        .filter_map(|(kind, p, after)| {
            let re = Regex::new(&p.replace(r"\b", r"(?-u:\b)")).ok()?;
            Some(Pattern { kind, re, after })
        })
        .collect()
    })
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

/// Every secret-looking match in a text: byte range and kind.
pub fn scan(text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut found: Vec<(std::ops::Range<usize>, &'static str)> = Vec::new();
    for p in patterns() {
        for m in p.re.find_iter(text) {
            let start = if p.after.is_empty() {
                m.start()
            } else {
                match word_before(text, m.start(), p.after) {
                    Some(start) => start,
                    None => continue,
                }
            };
            if !found
                .iter()
                .any(|(r, _)| r.start < m.end() && start < r.end)
            {
                found.push((start..m.end(), p.kind));
            }
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// Detection: scan every spec file's text, except values already reported by
/// `literal-secret`.
pub fn check(cx: &crate::rules::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let literal: Vec<crate::source::Span> = m
        .receivers
        .iter()
        .flat_map(|r| {
            super::literal_secret::literal_fields(&r.spec)
                .into_iter()
                .map(|(_, v, _)| v.span)
        })
        .collect();
    for id in cx.sources.ids() {
        let Some(file) = cx.sources.get(id) else {
            continue;
        };
        for (range, kind) in scan(&file.text) {
            let span = crate::source::Span::new(id, range.start, range.end);
            if literal
                .iter()
                .any(|l| l.file == id && span.start < l.end && l.start < span.end)
            {
                continue;
            }
            out.push(
                Diagnostic::new(&SECRET_IN_SPEC, span, format!("this looks like {kind} (`{}`)", super::literal_secret::mask(&file.text[range])))
                    .label("secret-shaped value")
                    .help("remove it from the spec; reference secrets through `*_file` fields, and rotate it if it was real"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scan;

    fn kinds(text: &str) -> Vec<(&str, &'static str)> {
        scan(text).into_iter().map(|(r, k)| (&text[r], k)).collect()
    }

    /// Each kind is found, with the whole secret as its range.
    #[test]
    fn finds_every_kind() {
        let key = "0123456789abcdef0123456789ABCDEF";
        for (text, want) in [
            (
                format!("x routing_key: {key}\n"),
                format!("routing_key: {key}"),
            ),
            (
                format!("Service-Key? no; ServiceKey = '{key}'"),
                format!("ServiceKey = '{key}"),
            ),
            (
                format!("INTEGRATION_KEY:{key}"),
                format!("INTEGRATION_KEY:{key}"),
            ),
            (
                "Authorization: Bearer abcdefghijklmnop1234".into(),
                "Bearer abcdefghijklmnop1234".into(),
            ),
            (
                "url: https://user:hunter22@example.com/".into(),
                "https://user:hunter22@".into(),
            ),
            (
                "id AKIAABCDEFGHIJKLMNOP.".into(),
                "AKIAABCDEFGHIJKLMNOP".into(),
            ),
            (
                "token: abcdefghijkl1234 ×".into(),
                "token: abcdefghijkl1234".into(),
            ),
        ] {
            let got = kinds(&text);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got[0].0, want, "{text}");
        }
    }

    /// A 32-character value after another word ending in `key` is not a PagerDuty key.
    #[test]
    fn pagerduty_needs_its_word() {
        let key = "0123456789abcdef0123456789abcdef";
        assert!(scan(&format!("monkey: {key}")).is_empty());
        assert!(scan(&format!("key: {key}")).is_empty());
        assert!(scan(&format!("routing key: {key}")).is_empty());
    }
}
