//! Rule L002 `secret-in-spec`.

forge_spec_base::declare_code! {
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

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Every secret-looking match in a text (see [`forge_spec_base::secrets`]), also those a
/// template would assemble from literal pieces.
pub fn scan(text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    forge_spec_base::secrets::scan_all(text)
}

/// Detection: scan every spec file's text, except values already reported by
/// `literal-secret`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let literal: Vec<forge_spec_base::source::Span> = m
        .receivers
        .iter()
        .flat_map(|r| {
            super::literal_secret::literal_fields(r)
                .into_iter()
                .map(|(_, v, _)| v.span)
        })
        .collect();
    // Files are scanned on as many threads as allowed; findings come back in file order.
    let ids: Vec<_> = cx.files.to_vec();
    let hits = forge_spec_base::par::map(&ids, |id| {
        cx.sources.get(*id).map_or_else(Vec::new, |f| scan(&f.text))
    });
    for (id, hits) in ids.into_iter().zip(hits) {
        let Some(file) = cx.sources.get(id) else {
            continue;
        };
        for (range, kind) in hits {
            let span = forge_spec_base::source::Span::new(id, range.start, range.end);
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

    /// A 32-character value after another word ending in `key` is not named a
    /// PagerDuty key (it is still found, as a bare 32-hex key); a 32-character value
    /// that is not random (one repeated digit, a word) is not found at all.
    #[test]
    fn pagerduty_needs_its_word() {
        let key = "0123456789abcdef0123456789abcdef";
        for text in [
            format!("monkey: {key}"),
            format!("key: {key}"),
            format!("routing key: {key}"),
        ] {
            let got = kinds(&text);
            assert_eq!(got.len(), 1, "{text}");
            assert_ne!(got[0].1, "a PagerDuty integration key", "{text}");
        }
        assert!(scan(&format!("key: {}", "0".repeat(32))).is_empty());
        assert!(scan(&format!("key: {}", "a".repeat(32))).is_empty());
    }
}
