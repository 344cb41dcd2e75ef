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

/// Kinds of secret the scanner knows, with their patterns. Word boundaries are ASCII
/// (`(?-u:\b)`): Unicode ones would stop the fast engines at the first non-ASCII byte.
fn patterns() -> &'static [(&'static str, Regex)] {
    static P: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    P.get_or_init(|| {
        let all: Vec<(&str, String)> = [
            ("a Slack webhook URL", r"https://hooks\.slack\.com/(services|workflows)/[A-Za-z0-9/_-]{8,}"),
            ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
            ("a PagerDuty integration key", r"(?i)(routing|service|integration)_?key\s*[:=]\s*['\x22]?[a-z0-9]{32}\b"),
            ("a bearer token", r"(?i)\bbearer\s+[a-z0-9._~+/-]{16,}=*"),
            ("a credential in a URL", r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@'\x22]+:[^/\s@'\x22]{3,}@"),
            ("a JWT", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
            ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            ("an AWS access key", r"\bAKIA[0-9A-Z]{16}\b"),
            ("a password or token assignment", r"(?i)\b(password|passwd|secret|token|api_?key)\s*[=:]\s*['\x22]?[A-Za-z0-9+/_.-]{12,}"),
        ]
        .into_iter()
        .map(|(k, p)| (k, p.replace(r"\b", r"(?-u:\b)")))
        .collect();
        all.iter()
            .filter_map(|(k, p)| Regex::new(p).ok().map(|r| (*k, r)))
            .collect()
    })
}

/// Every secret-looking match in a text: byte range and kind.
pub fn scan(text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut found: Vec<(std::ops::Range<usize>, &'static str)> = Vec::new();
    for (kind, re) in patterns() {
        for m in re.find_iter(text) {
            if !found
                .iter()
                .any(|(r, _)| r.start < m.end() && m.start() < r.end)
            {
                found.push((m.range(), *kind));
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
