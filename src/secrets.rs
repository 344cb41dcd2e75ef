//! Bottom layer, beside `source` and `diag`: the secret scanner. What a secret looks
//! like (the shapes gitleaks' and trufflehog's published rules describe, for the services
//! a monitoring configuration touches), found in any text — a spec file, a generated
//! file, a message about to be printed — and masked wherever text is shown.
//!
//! Every stage may use it: the parse stage and the checks report secrets in the spec
//! (L001, L002), the pipeline scans every output before writing (L006), and every
//! renderer masks what it prints, source snippets included.

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// A kind of secret: what it is, its pattern, the words one of which must come just
/// before a match (joined by an optional `_`; empty: none needed), and whether the
/// value must look random (a generic `password=` assignment).
struct Pattern {
    kind: &'static str,
    re: Regex,
    after: &'static [&'static str],
    random: bool,
}

/// The shapes, in the order they are tried (earlier ones win an overlap). Word
/// boundaries are ASCII (`(?-u:\b)`): Unicode ones would stop the fast engines at the
/// first non-ASCII byte.
const SHAPES: &[(&str, &str, &[&str], bool)] = &[
    // Chat and incident tools.
    (
        "a Slack webhook URL",
        r"(?i)(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{8,}",
        &[],
        false,
    ),
    (
        "a Slack token",
        r"(?i)xox[abposrce]-[A-Za-z0-9-]{10,}",
        &[],
        false,
    ),
    (
        "a Slack app token",
        r"(?i)xapp-\d-[A-Za-z0-9-]{10,}",
        &[],
        false,
    ),
    (
        "a Slack configuration token",
        r"(?i)xoxe\.xox[bp]-\d-[A-Za-z0-9]{10,}",
        &[],
        false,
    ),
    (
        "a Discord webhook URL",
        r"(?i)(?:https?://)?(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}",
        &[],
        false,
    ),
    (
        "a Discord bot token",
        r"\b[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}\b",
        &[],
        false,
    ),
    (
        "a Microsoft Teams webhook URL",
        r"(?i)(?:https?://)?[a-z0-9-]+\.webhook\.office\.com/webhookb2/[A-Za-z0-9@/_-]{20,}",
        &[],
        false,
    ),
    (
        "a Microsoft Teams webhook URL",
        r"(?i)(?:https?://)?outlook\.office\.com/webhook/[A-Za-z0-9@/_-]{20,}",
        &[],
        false,
    ),
    (
        "a Telegram bot token",
        r"\b\d{8,10}:AA[0-9A-Za-z_-]{32,33}\b",
        &[],
        false,
    ),
    (
        "a PagerDuty events URL with its integration key",
        r"(?i)events\.(?:eu\.)?pagerduty\.com/(?:integration|x-ere)/[a-z0-9]{32}",
        &[],
        false,
    ),
    (
        "a PagerDuty integration key",
        r"(?i)key\s*[:=]\s*['\x22]?[a-z0-9]{32}\b",
        &["routing", "service", "integration"],
        false,
    ),
    (
        "a 32-character hex key (the shape of PagerDuty integration keys)",
        r"(?i)\b([0-9a-f]{32})\b",
        &[],
        true,
    ),
    (
        "an Opsgenie API key",
        r"(?i)(?:genie\s*key|opsgenie[a-z_]*\s*[:=]\s*['\x22]?)\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        &[],
        false,
    ),
    (
        "a Splunk HEC token",
        r"(?i)\bsplunk\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        &[],
        false,
    ),
    // Code hosts and package registries.
    (
        "a GitHub token",
        r"\bgh[pousr]_[A-Za-z0-9]{36,255}",
        &[],
        false,
    ),
    (
        "a GitHub fine-grained token",
        r"github_pat_[A-Za-z0-9_]{22,255}",
        &[],
        false,
    ),
    (
        "a GitLab token",
        r"\bgl(?:pat|ptt|dt|rt|cbt|soat|ffct|imt|agent)-[A-Za-z0-9_-]{20,}",
        &[],
        false,
    ),
    (
        "a GitLab runner token",
        r"\bGR1348941[A-Za-z0-9_-]{20,}",
        &[],
        false,
    ),
    ("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b", &[], false),
    (
        "a PyPI token",
        r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
        &[],
        false,
    ),
    (
        "an Atlassian API token",
        r"\bATATT3[A-Za-z0-9_=-]{40,}",
        &[],
        false,
    ),
    (
        "a Bitbucket app password",
        r"\bATBB[A-Za-z0-9_=.-]{28,}",
        &[],
        false,
    ),
    // Clouds.
    (
        "an AWS access key",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[0-9A-Z]{16}\b",
        &[],
        false,
    ),
    (
        "an AWS secret key",
        r"(?i)aws[a-z0-9_ .-]{0,20}(?:secret|key)[a-z0-9_ .-]{0,20}\s*[=:]\s*['\x22]?[A-Za-z0-9/+=]{40}",
        &[],
        false,
    ),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}", &[], false),
    (
        "a Google OAuth client secret",
        r"\bGOCSPX-[A-Za-z0-9_-]{28}",
        &[],
        false,
    ),
    (
        "a Google OAuth access token",
        r"\bya29\.[0-9A-Za-z_-]{20,}",
        &[],
        false,
    ),
    (
        "an Azure storage key",
        r"(?i)AccountKey\s*=\s*[A-Za-z0-9+/]{86,88}={0,2}",
        &[],
        false,
    ),
    (
        "an Azure SAS signature",
        r"(?i)[?&]sig=[A-Za-z0-9%+/]{30,}",
        &[],
        false,
    ),
    (
        "a DigitalOcean token",
        r"\bdo[opr]_v1_[a-f0-9]{64}\b",
        &[],
        false,
    ),
    (
        "a HashiCorp Vault token",
        r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}",
        &[],
        false,
    ),
    (
        "a Terraform Cloud token",
        r"\b[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,}",
        &[],
        false,
    ),
    (
        "a Doppler token",
        r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}",
        &[],
        false,
    ),
    (
        "a Heroku API key",
        r"(?i)heroku[a-z_ .-]{0,20}[=:]\s*['\x22]?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        &[],
        false,
    ),
    // Observability vendors.
    (
        "a Grafana Cloud token",
        r"\bglc_[A-Za-z0-9+/]{32,}={0,2}",
        &[],
        false,
    ),
    (
        "a Grafana service account token",
        r"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b",
        &[],
        false,
    ),
    (
        "a Grafana API key",
        r"\beyJrIjoi[A-Za-z0-9+/]{60,}={0,2}",
        &[],
        false,
    ),
    (
        "a New Relic key",
        r"\bNR(?:AK|JS|II|AA)-[A-Z0-9]{27}\b",
        &[],
        false,
    ),
    (
        "a Datadog key",
        r"(?i)(?:datadog|dd)[a-z_ .-]{0,20}(?:api|app)[a-z_ .-]{0,5}key\s*[=:]\s*['\x22]?[a-f0-9]{32,40}\b",
        &[],
        false,
    ),
    (
        "a Dynatrace token",
        r"\bdt0[a-zA-Z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b",
        &[],
        false,
    ),
    (
        "a Sentry token",
        r"\bsntry[su]_[A-Za-z0-9+/=_]{40,}",
        &[],
        false,
    ),
    (
        "a Honeycomb key",
        r"(?i)honeycomb[a-z_ .-]{0,20}[=:]\s*['\x22]?[A-Za-z0-9]{22,32}\b",
        &[],
        false,
    ),
    // Payments, mail, messaging.
    (
        "a Stripe key",
        r"\b(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{20,}",
        &[],
        false,
    ),
    (
        "a SendGrid key",
        r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b",
        &[],
        false,
    ),
    ("a Mailgun key", r"\bkey-[0-9a-z]{32}\b", &[], false),
    ("a Mailchimp key", r"\b[0-9a-f]{32}-us\d{1,2}\b", &[], false),
    ("a Twilio key", r"\bSK[0-9a-fA-F]{32}\b", &[], false),
    (
        "a Shopify token",
        r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b",
        &[],
        false,
    ),
    (
        "a Linear API key",
        r"\blin_api_[A-Za-z0-9]{40}\b",
        &[],
        false,
    ),
    // AI providers.
    (
        "an OpenAI key",
        r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
        &[],
        false,
    ),
    (
        "an OpenAI project key",
        r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}",
        &[],
        false,
    ),
    (
        "an Anthropic key",
        r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}",
        &[],
        false,
    ),
    ("a Hugging Face token", r"\bhf_[A-Za-z]{34}\b", &[], false),
    // Generic shapes.
    (
        "a JWT",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        &[],
        false,
    ),
    (
        "a private key",
        r"-----BEGIN[A-Z ]*PRIVATE KEY(?: BLOCK)?-----",
        &[],
        false,
    ),
    (
        "a bearer token",
        r"(?i)\bbearer\s+[a-z0-9._~+/-]{16,}=*",
        &[],
        false,
    ),
    (
        "a Basic authorization header",
        r"(?i)authorization\W{0,5}basic\s+[A-Za-z0-9+/]{8,}={0,2}",
        &[],
        false,
    ),
    (
        "a Basic authorization header",
        r"\bBasic\s+[A-Za-z0-9+/]{12,}={1,2}",
        &[],
        false,
    ),
    (
        "a credential in a URL",
        r"(?i)[a-z][a-z0-9+.-]*://[^/\s:@'\x22]*:[^/\s@'\x22]{3,}@",
        &[],
        false,
    ),
    (
        "a credential in a URL",
        r"(?i)[a-z][a-z0-9+.-]*://([^/\s:@'\x22{}]{8,})@",
        &[],
        true,
    ),
    (
        "a token in a URL query",
        r"(?i)[?&](?:access_token|token|api_key|apikey|key|auth|secret|password|sig|signature|code)=([^&\s'\x22#]{8,})",
        &[],
        true,
    ),
    (
        "a credential before a host",
        r"(?-u:\b)[A-Za-z0-9._%-]+:[^\s/@'\x22:]{3,}@[A-Za-z0-9.-]+:\d+",
        &[],
        false,
    ),
    (
        "a password or token assignment",
        r"(?i)\b[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api_?key|apikey|access_?key|private_?key|client_?secret|auth_?key|credentials?)\s*[=:]\s*['\x22]?([^\s'\x22,;{}()\[\]]{8,})",
        &[],
        true,
    ),
];

fn patterns() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    P.get_or_init(|| {
        SHAPES
            .iter()
            .filter_map(|(kind, p, after, random)| {
                let re = Regex::new(&p.replace(r"\b", r"(?-u:\b)")).ok()?;
                Some(Pattern {
                    kind,
                    re,
                    after,
                    random: *random,
                })
            })
            .collect()
    })
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
        && !(has_lower && has_upper)
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
            if p.random {
                let value =
                    p.re.captures_at(text, m.start())
                        .and_then(|c| c.get(1))
                        .map_or(m.as_str(), |v| v.as_str());
                if !looks_random(value) {
                    continue;
                }
            }
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

/// The text with every Go-template action that only prints string literals
/// (`{{ "b" }}`, `{{- print "a" "b" -}}`, `{{ printf "%s" "x" }}`) replaced by what it
/// prints, as Prometheus and Alertmanager would; with, for each byte of the result, the
/// byte of `text` it came from. `None` when there is no such action.
pub fn flatten_templates(text: &str) -> Option<(String, Vec<usize>)> {
    if !text.contains("{{") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut i = 0;
    let mut changed = false;
    while i < text.len() {
        if text[i..].starts_with("{{")
            && let Some(close) = text[i..].find("}}")
            && let Some(printed) = literal_action(&text[i + 2..i + close])
        {
            // Trim markers remove the spaces around the action, as Go does.
            if text[i + 2..].starts_with('-') {
                while out.ends_with([' ', '\t', '\n', '\r']) {
                    out.pop();
                    from.pop();
                }
            }
            for b in printed.bytes() {
                out.push(b as char);
                from.push(i);
            }
            let mut end = i + close + 2;
            if text[..i + close].ends_with('-') {
                while end < text.len() && text.as_bytes()[end].is_ascii_whitespace() {
                    end += 1;
                }
            }
            i = end;
            changed = true;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        out.push(c);
        for k in 0..c.len_utf8() {
            from.push(i + k);
        }
        i += c.len_utf8();
    }
    changed.then_some((out, from))
}

/// What an action prints when it is string literals only (ASCII, to keep the byte map
/// simple); `None` otherwise.
fn literal_action(inner: &str) -> Option<String> {
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
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
    found
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
    /// Every shape compiles (a pattern that does not would be skipped silently).
    #[test]
    fn every_shape_compiles() {
        for (kind, p, _, _) in super::SHAPES {
            let p = p.replace(r"\b", r"(?-u:\b)");
            assert!(
                regex::Regex::new(&p).is_ok(),
                "{kind}: {:?}",
                regex::Regex::new(&p).err()
            );
        }
        assert_eq!(super::shape_count(), super::SHAPES.len());
    }
}
