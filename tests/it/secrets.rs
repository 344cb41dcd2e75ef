//! The secret corpus: 60+ shapes of credentials a monitoring config touches, each put
//! in every place a string can appear in a spec, is refused, and no rendering of any
//! diagnostic (human, json, sarif, github) prints it unmasked. (Issue 16, items 6, 7, 9.)

use forge_spec::diag::{Format, render};
use std::process::Command;

/// (what it is, the secret as it is written in the spec, the text that must never be
/// printed). Made of pieces so that this file itself holds no whole secret.
fn corpus() -> Vec<(&'static str, String, String)> {
    let hex32 = "8d3f2a91c07b4e65a1f09d3c2b7e8a44";
    let b62 = "Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1Jk3Mp0Qs";
    let b62_40 = format!("{b62}AbCdEfG");
    let uuid = "3f2b9c1e-7a4d-4e8b-9c2a-1d5e6f7a8b9c";
    let s = |x: String| (x.clone(), x);
    let mut v: Vec<(&'static str, (String, String))> = vec![
        (
            "slack webhook",
            s(format!(
                "https://hooks.slack.com/services/T0{b62}/B0{b62}/{b62}"
            )),
        ),
        (
            "slack webhook upper case",
            s(format!(
                "https://HOOKS.SLACK.COM/services/T0{b62}/B0{b62}/{b62}"
            )),
        ),
        (
            "slack webhook http",
            s(format!("http://hooks.slack.com/services/T0{b62}/B0/{b62}")),
        ),
        (
            "slack workflow",
            s(format!(
                "https://hooks.slack.com/workflows/T0{b62}/A0/{b62}"
            )),
        ),
        ("slack bot token", s(format!("xoxb-1234567890-{b62}"))),
        ("slack user token", s(format!("xoxp-1234567890-{b62}"))),
        ("slack app token", s(format!("xapp-1-A0{b62}-123456"))),
        ("slack refresh token", s(format!("xoxe-1-{b62}"))),
        ("slack config token", s(format!("xoxe.xoxp-1-{b62}"))),
        (
            "slack token after underscore",
            (
                format!("SLACK_xoxb-1234567890-{b62}"),
                format!("1234567890-{b62}"),
            ),
        ),
        (
            "slack token split by a template",
            (
                format!("xox{{{{ \"b\" }}}}-1234567890-{b62}"),
                format!("-1234567890-{b62}"),
            ),
        ),
        (
            "slack token split by print",
            (
                format!("{{{{ print \"xo\" \"xb\" }}}}-1234567890-{b62}"),
                format!("-1234567890-{b62}"),
            ),
        ),
        ("pagerduty bare key", s(hex32.to_string())),
        (
            "pagerduty routing key",
            (format!("routing_key={hex32}"), hex32.to_string()),
        ),
        (
            "pagerduty events url",
            (
                format!("https://events.pagerduty.com/integration/{hex32}/enqueue"),
                hex32.to_string(),
            ),
        ),
        (
            "opsgenie key",
            (format!("GenieKey {uuid}"), uuid.to_string()),
        ),
        (
            "discord webhook",
            s(format!(
                "https://discord.com/api/webhooks/123456789012345678/{b62}{b62}"
            )),
        ),
        (
            "discordapp webhook",
            s(format!(
                "https://discordapp.com/api/webhooks/123456789012345678/{b62}"
            )),
        ),
        (
            "teams webhook",
            s(format!(
                "https://contoso.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{hex32}"
            )),
        ),
        ("telegram bot token", s(format!("1234567890:AA{b62}"))),
        ("github classic token", s(format!("ghp_{b62}abcd"))),
        ("github oauth token", s(format!("gho_{b62}abcd"))),
        ("github app token", s(format!("ghs_{b62}abcd"))),
        (
            "github fine-grained token",
            s(format!("github_pat_11ABCDEFG0{b62}_{b62}{b62}")),
        ),
        ("gitlab token", s(format!("glpat-{b62}"))),
        ("npm token", s(format!("npm_{b62}abcd"))),
        ("pypi token", s(format!("pypi-AgEIcHlwaS5vcmc{b62}{b62}"))),
        ("aws access key", s("AKIAIOSFODNN7EXAMPLE".to_string())),
        ("aws temporary key", s("ASIAIOSFODNN7EXAMPLE".to_string())),
        (
            "aws secret key assignment",
            (format!("aws_secret_access_key={b62_40}"), b62_40.clone()),
        ),
        ("google api key", s(format!("AIza{b62}abc"))),
        ("google oauth secret", s(format!("GOCSPX-{}", &b62[..28]))),
        ("google access token", s(format!("ya29.{b62}"))),
        (
            "azure storage key",
            (
                format!("AccountKey={b62}{b62}{b62}=="),
                format!("{b62}{b62}"),
            ),
        ),
        ("digitalocean token", s(format!("dop_v1_{hex32}{hex32}"))),
        ("vault token", s(format!("hvs.{b62}"))),
        ("grafana cloud token", s(format!("glc_{b62}{b62}"))),
        (
            "grafana service account token",
            s(format!("glsa_{b62}_1a2b3c4d")),
        ),
        (
            "new relic key",
            s("NRAK-ABCDEFGHIJ0123456789KLMNOPQ".to_string()),
        ),
        (
            "datadog api key",
            (format!("dd_api_key: {hex32}"), hex32.to_string()),
        ),
        (
            "dynatrace token",
            s(format!(
                "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.{}",
                "ABCDEFGH".repeat(8)
            )),
        ),
        ("stripe key", s(format!("sk_live_{b62}"))),
        (
            "sendgrid key",
            s(format!(
                "SG.{}.{}",
                &b62[..22],
                "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V"
            )),
        ),
        ("mailgun key", s(format!("key-{hex32}"))),
        ("twilio key", s(format!("SK{hex32}"))),
        ("shopify token", s(format!("shpat_{hex32}"))),
        ("openai key", s(format!("sk-{b62}T3BlbkFJ{b62}"))),
        ("openai project key", s(format!("sk-proj-{b62}{b62}"))),
        (
            "hugging face token",
            s("hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh".to_string()),
        ),
        (
            "jwt",
            s(format!(
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.{b62}"
            )),
        ),
        (
            "private key",
            s("-----BEGIN RSA PRIVATE KEY-----".to_string()),
        ),
        (
            "openssh private key",
            s("-----BEGIN OPENSSH PRIVATE KEY-----".to_string()),
        ),
        (
            "bearer token",
            (format!("Authorization: Bearer {b62}"), b62.to_string()),
        ),
        (
            "basic auth header",
            (
                format!("Authorization: Basic dXNlcjpodW50ZXIy{b62}"),
                format!("dXNlcjpodW50ZXIy{b62}"),
            ),
        ),
        (
            "url with user and password",
            (
                format!("https://deploy:{b62}@git.example.com/"),
                b62.to_string(),
            ),
        ),
        (
            "url with an empty user",
            (format!("https://:{b62}@api.example.com/"), b62.to_string()),
        ),
        (
            "url with a token as user",
            (format!("https://{b62}@api.example.com/"), b62.to_string()),
        ),
        (
            "access token in a query",
            (
                format!("https://api.example.com/hook?access_token={b62}"),
                b62.to_string(),
            ),
        ),
        (
            "api key in a query",
            (
                format!("https://api.example.com/hook?api_key={b62}"),
                b62.to_string(),
            ),
        ),
        (
            "db password assignment",
            (format!("db_password=h4ck3r{b62}"), format!("h4ck3r{b62}")),
        ),
        (
            "password assignment",
            (
                "password: Tr0ub4dor&3xkcd".to_string(),
                "Tr0ub4dor&3xkcd".to_string(),
            ),
        ),
        (
            "client secret assignment",
            (format!("client_secret={b62}"), b62.to_string()),
        ),
        (
            "credentials before a host",
            (format!("admin:{b62}@ai-forge:8000"), b62.to_string()),
        ),
        // Shapes of gitleaks' and trufflehog's rule sets that a monitoring config holds.
        (
            "mattermost incoming webhook",
            s(format!(
                "https://chat.example.com/hooks/{}",
                "x3k9q8w7e6r5t4y3u2i1o0p9a8"
            )),
        ),
        (
            "rocket.chat incoming webhook",
            s(format!(
                "https://rocket.example.com/hooks/{}/{b62}{b62}",
                &b62[..17]
            )),
        ),
        (
            "zapier webhook",
            s(format!(
                "https://hooks.zapier.com/hooks/catch/1234567/{}/",
                &b62[..7]
            )),
        ),
        (
            "victorops url",
            s(format!(
                "https://alert.victorops.com/integrations/generic/20131114/alert/{uuid}/team"
            )),
        ),
        (
            "victorops api key",
            (format!("api_key: {uuid}"), uuid.to_string()),
        ),
        (
            "google chat webhook",
            s(format!(
                "https://chat.googleapis.com/v1/spaces/AAAA{}/messages?key={b62}",
                &b62[..7]
            )),
        ),
        (
            "sigv4 secret key",
            (format!("secret_key: {b62_40}"), b62_40.clone()),
        ),
        (
            "pushover user key",
            (
                format!("user_key: u{}", &b62[..29]),
                format!("u{}", &b62[..29]),
            ),
        ),
    ];
    v.sort_by_key(|(name, _)| *name);
    v.into_iter().map(|(n, (w, p))| (n, w, p)).collect()
}

const BASE: &str = "service: {name: shop, metric_prefix: shop_}
targets: {web: {address: 'web:80'}}
metrics:
  shop_orders_total: {type: counter, help: Orders placed., labels: {region: {values: [eu, us]}}}
alerts:
  WebDown:
    severity: critical
    condition: up(web) == 0 for 1m
    summary: Web is down.
    runbook: runbooks/web-down.md
routing:
  receiver: chat
receivers:
  chat: {slack: {api_url_file: /etc/alertmanager/secrets/slack, channel: '#alerts'}}
";

/// A YAML single-quoted scalar.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Every place a string can appear: the spec with the secret there.
fn places(secret: &str) -> Vec<(&'static str, String)> {
    let quoted = q(secret);
    let alert = |field: &str, value: &str| {
        BASE.replace(
            "    summary: Web is down.\n",
            &format!("    summary: Web is down.\n    {field}: {value}\n"),
        )
    };
    vec![
        ("comment", format!("# deploy with {secret}\n{BASE}")),
        ("description", alert("description", &quoted)),
        (
            "summary",
            BASE.replace("summary: Web is down.", &format!("summary: {quoted}")),
        ),
        (
            "severity",
            BASE.replace("severity: critical", &format!("severity: {quoted}")),
        ),
        ("slo reference", alert("slo", &quoted)),
        (
            "label value",
            alert("labels", &format!("{{team: {quoted}}}")),
        ),
        (
            "runbook",
            BASE.replace(
                "runbook: runbooks/web-down.md",
                &format!("runbook: {quoted}"),
            ),
        ),
        ("unknown key", alert(&quoted, "x")),
        (
            "condition",
            BASE.replace(
                "up(web) == 0 for 1m",
                &q(&format!(
                    "shop_orders_total{{region=\"{secret}\"}} > 1 for 5m"
                )),
            ),
        ),
        ("target address", BASE.replace("'web:80'", &quoted)),
        (
            "receiver field",
            BASE.replace(
                "api_url_file: /etc/alertmanager/secrets/slack",
                &format!("api_url: {quoted}"),
            ),
        ),
        ("channel", BASE.replace("'#alerts'", &quoted)),
        (
            "metric help",
            BASE.replace("help: Orders placed.", &format!("help: {quoted}")),
        ),
    ]
}

/// The corpus is at least 60 shapes, and the scanner knows at least as many patterns.
#[test]
fn corpus_is_large() {
    assert!(corpus().len() >= 60, "{}", corpus().len());
    assert!(forge_spec::secrets::shape_count() >= 60);
}

/// Each shape is found by the scanner on its own, with its secret part inside the range.
#[test]
fn scanner_finds_every_shape() {
    for (name, written, printed) in corpus() {
        let hits = forge_spec::secrets::scan_all(&written);
        assert!(!hits.is_empty(), "{name}: `{written}` not found");
        let redacted = forge_spec::secrets::redact(&written);
        assert!(
            !redacted.contains(&printed),
            "{name}: `{redacted}` still shows the secret"
        );
    }
}

/// Every shape in every place: the spec is refused (an error, so nothing is written)
/// and no format prints the secret.
#[test]
fn every_shape_is_refused_and_masked_everywhere() {
    let mut failures = Vec::new();
    for (name, written, printed) in corpus() {
        for (place, spec) in places(&written) {
            let mut c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
            if !c.diagnostics.has_errors() {
                // What `check` and `build` do next: emit and scan the output.
                let _ = forge_spec::emit_checked(&mut c);
            }
            if !c.diagnostics.has_errors() {
                failures.push(format!("{name} in {place}: accepted"));
                continue;
            }
            for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
                let text = render(format, &c.diagnostics.items, &c.sources, false);
                if text.contains(&printed) {
                    failures.push(format!("{name} in {place}: printed by {format:?}:\n{text}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Values that only look like secrets to a careless scanner stay accepted: `*_file`
/// references, templates, words, the shipped spec.
#[test]
fn references_and_words_are_not_secrets() {
    for text in [
        "api_url_file: /etc/alertmanager/secrets/slack",
        "password_file: /run/secrets/db",
        "token: '{{ .Values.token }}'",
        "auth_password: $SMTP_PASSWORD",
        "description: the password is rotated",
        "token: redacted",
        "summary: '{{ $labels.instance }} has been down for 5m'",
        "to: team@example.com",
        "smarthost: smtp.example.com:587",
        "pub fn event(token_: &Redacted<String>) {}",
        "token: Redacted<&str>",
    ] {
        assert!(forge_spec::secrets::scan_all(text).is_empty(), "{text}");
    }
}

/// End to end: `check` and `build` exit 1 on a secret in a comment, write nothing, and
/// print it nowhere (stdout or stderr, every format).
#[test]
fn cli_refuses_and_masks() {
    let dir = tempfile::tempdir().unwrap();
    let (_, written, printed) = corpus()
        .into_iter()
        .find(|(n, _, _)| *n == "slack token split by a template")
        .unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, places(&written)[1].1.clone()).unwrap();
    for format in ["human", "json", "sarif", "github"] {
        for cmd in ["check", "build"] {
            let out_dir = dir.path().join("out");
            let o = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
                .args([cmd, "--format", format])
                .arg(&spec)
                .args(if cmd == "build" {
                    vec!["--out", out_dir.to_str().unwrap()]
                } else {
                    vec![]
                })
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(1), "{cmd} {format}");
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(!all.contains(&printed), "{cmd} {format}: {all}");
            assert!(!out_dir.exists());
        }
    }
}

/// `check` runs the output scan as `build` does: a secret that only the generated files
/// show (the spec-level rule silenced) fails `check` too, with L006, masked.
#[test]
fn check_scans_the_output_like_build() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    let secret = "hunter2hunter2XyZ";
    std::fs::write(
        &spec,
        format!("lints: {{secret-in-spec: allow}}\n{}", BASE.replace(
            "service: {name: shop, metric_prefix: shop_}",
            &format!("service: {{name: shop, metric_prefix: shop_, runbook_base_url: \"https://deploy:{secret}@git.example.com/\"}}"),
        )),
    )
    .unwrap();
    for cmd in ["check", "build"] {
        let o = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args(
                [cmd, "--out"]
                    .into_iter()
                    .take(if cmd == "build" { 2 } else { 1 }),
            )
            .args(if cmd == "build" {
                vec![dir.path().join("out")]
            } else {
                vec![]
            })
            .arg(&spec)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        assert!(err.contains("L006"), "{cmd}: {err}");
        assert!(!err.contains(secret), "{cmd}: {err}");
    }
    assert!(!dir.path().join("out").exists());
}

/// Silencing `literal-secret` is refused (the field would be dropped and amtool refuse
/// the config): through `lints:` and through an item's `allow:`.
#[test]
fn literal_secret_cannot_be_silenced() {
    let secret = format!(
        "https://hooks.slack.com/services/T0{0}/B0{0}/{0}",
        "Zq8Lw2Nx5Rt7Vy9Bc4"
    );
    let spec = BASE.replace(
        "api_url_file: /etc/alertmanager/secrets/slack",
        &format!("api_url: {}", q(&secret)),
    );
    for extra in [
        "lints: {literal-secret: allow}\n",
        "lints: {L001: warning}\n",
        "lints: {secret-in-output: allow}\n",
    ] {
        let c = forge_spec::compile_str(
            &[("spec.yaml", &format!("{spec}{extra}"))],
            &Default::default(),
        );
        let codes: Vec<&str> = c
            .diagnostics
            .items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code.code)
            .collect();
        assert!(codes.contains(&"P009"), "{extra}: {codes:?}");
        assert!(c.diagnostics.has_errors());
    }
}

/// Control characters (raw or escaped) are refused with P011, and no format prints one
/// raw — not even a diagnostic whose own text would carry one.
#[test]
fn control_characters_are_refused_and_never_printed() {
    for file in ["control_escape_in_name.yaml", "control_raw_in_summary.yaml"] {
        let path = std::path::Path::new("tests/fixtures/rules/P011").join(file);
        let c = forge_spec::compile(&[path], "spec", &Default::default()).unwrap();
        assert!(
            c.diagnostics.items.iter().any(|d| d.code.code == "P011"),
            "{file}"
        );
        for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
            let text = render(format, &c.diagnostics.items, &c.sources, false);
            assert!(
                !text.contains(['\u{1b}', '\u{7}']),
                "{file} {format:?}: {text:?}"
            );
        }
    }
    // A message built from user text with a control character in it is neutralised.
    let mut c = forge_spec::compile_str(
        &[("s.yaml", "service: {name: shop}\n")],
        &Default::default(),
    );
    let d = forge_spec::diag::Diagnostic::new(
        &forge_spec::rules::parse::INVALID_VALUE,
        forge_spec::source::Span::default(),
        "name `a\u{1b}[2Jb`",
    );
    c.diagnostics.push(d);
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
        let text = render(format, &c.diagnostics.items, &c.sources, false);
        assert!(!text.contains('\u{1b}'), "{format:?}: {text:?}");
    }
}

/// A secret hidden behind YAML's (or JSON's) escapes in a double-quoted scalar —
/// `\x62`, `\u0062`, `\/` — is found in the decoded value: refused, and masked in
/// every format, in every place a double-quoted string can be.
#[test]
fn escaped_secrets_are_decoded() {
    let hook_tail = "T0Zq8Lw2Nx/B0Zq8Lw2Nx/Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1";
    let cases = [
        (
            "xox\\x62-1234567890-Zq8Lw2Nx5Rt7Vy9Bc4Df6",
            "1234567890-Zq8Lw2Nx5Rt7Vy9Bc4Df6",
        ),
        (
            "xox\\u0062-1234567890-Zq8Lw2Nx5Rt7Vy9Bc4Df6",
            "1234567890-Zq8Lw2Nx5Rt7Vy9Bc4Df6",
        ),
        (
            &*format!("https:\\/\\/hooks.slack.com\\/services\\/{hook_tail}"),
            "Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1",
        ),
        (
            &*format!("https://hooks\\x2eslack.com/services/{hook_tail}"),
            "Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1",
        ),
    ];
    for (written, printed) in cases {
        let written = written.replace("\\\\", "\\");
        let value = format!("\"{written}\"");
        for (place, spec) in [
            (
                "summary",
                BASE.replace("summary: Web is down.", &format!("summary: {value}")),
            ),
            ("channel", BASE.replace("'#alerts'", &value)),
            (
                "label",
                BASE.replace(
                    "    summary: Web is down.\n",
                    &format!("    summary: Web is down.\n    labels: {{team: {value}}}\n"),
                ),
            ),
        ] {
            let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
            assert!(c.diagnostics.has_errors(), "{place}: {written} accepted");
            for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
                let text = render(format, &c.diagnostics.items, &c.sources, false);
                assert!(!text.contains(printed), "{place} {format:?}: {text}");
            }
        }
    }
}

/// A private key is masked whole, not only its BEGIN line: in a block scalar (the
/// base64 lines under it), in one double-quoted line with `\n` escapes, and without
/// its END line.
#[test]
fn private_key_bodies_are_masked() {
    let body = [
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
        "VJTUt9Us8cKjMzEfYyjiWA4R4",
        "5WvYpSx2nQ8zE7bB0gE1kq4",
    ];
    let block = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        body.join("\n")
    );
    let no_end = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n  {}\n  {}\nnext: 1\n",
        body[0], body[1]
    );
    let one_line = format!(
        "key: \"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\"",
        body[0]
    );
    for text in [&block, &no_end, &one_line] {
        let red = forge_spec::secrets::redact(text);
        for part in body.iter().filter(|p| text.contains(*p)) {
            assert!(!red.contains(part), "{part} shown in:\n{red}");
        }
    }
    // Beyond the key, the text stays.
    assert!(forge_spec::secrets::redact(&no_end).contains("next: 1"));
    // In a spec's block scalar, every format masks the body.
    let spec = format!(
        "x: |\n  -----BEGIN PRIVATE KEY-----\n  {}\n  {}\n{BASE}",
        body[0], body[1]
    );
    let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
        let text = render(format, &c.diagnostics.items, &c.sources, false);
        assert!(
            !text.contains(body[0]) && !text.contains(body[1]),
            "{format:?}: {text}"
        );
    }
}
