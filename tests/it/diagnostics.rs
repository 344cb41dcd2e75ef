//! Diagnostics lead to the cause: a mistake is reported once, what it would make
//! fail later is not reported again, root causes come first, and the suggestions
//! catch the commonest typos.

use std::path::Path;
use std::process::Output;

fn forge(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run forge-spec")
}

/// The shipped spec in a temp dir with each `(file, from, to)` change applied.
fn spec_with(changes: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("spec").unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let mut text = std::fs::read_to_string(&p).unwrap();
        for (file, from, to) in changes {
            if *file == name {
                assert!(text.contains(from), "{file} lacks {from:?}");
                text = text.replacen(from, to, 1);
            }
        }
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `(code, file name, line)` of each diagnostic of `check --format json`, in order.
fn findings(dir: &Path, severity: &str) -> Vec<(String, String, u64)> {
    let out = forge(&["check", "--format", "json", dir.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON Lines"))
        .filter(|v| v["severity"] == severity)
        .map(|v| {
            let file = v["file"].as_str().unwrap_or("");
            let name = Path::new(file).file_name().unwrap().to_str().unwrap();
            (
                v["code"].as_str().unwrap().to_string(),
                name.to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn codes(found: &[(String, String, u64)]) -> Vec<&str> {
    found.iter().map(|(c, _, _)| c.as_str()).collect()
}

fn count_of(found: &[(String, String, u64)], code: &str) -> usize {
    found.iter().filter(|(c, _, _)| c == code).count()
}

const THREE_MISTAKES: &[(&str, &str, &str)] = &[
    // A misspelt key in the metric most of the spec reads.
    (
        "metrics.yaml",
        "help: Total HTTP requests.",
        "hlep: Total HTTP requests.",
    ),
    // A misspelt metric name in one alert.
    (
        "alerts.yaml",
        "increase(ai_forge_training_jobs_failed_total)",
        "increase(ai_forge_training_job_failed_total)",
    ),
    // A transposed receiver name.
    ("alerting.yaml", "receiver: slack", "receiver: salck"),
];

/// Three mistakes are three errors (they were 31: the misspelt key dropped the whole
/// file of metrics, and every use of them followed), root causes first: the parse
/// error, then the unresolved names.
#[test]
fn three_mistakes_are_three_errors() {
    let dir = spec_with(THREE_MISTAKES);
    let errors = findings(dir.path(), "error");
    assert_eq!(
        errors,
        vec![
            ("P002".into(), "metrics.yaml".into(), 8),
            ("N002".into(), "alerting.yaml".into(), 12),
            ("X002".into(), "alerts.yaml".into(), 45),
        ],
        "{errors:?}"
    );
    // The misspelt key is read as `help`: the metric keeps its help text (no M009),
    // and the transposed receiver as `slack` (no failed routing test, no unused
    // receiver).
    let warnings = findings(dir.path(), "warning");
    assert!(
        !codes(&warnings)
            .iter()
            .any(|c| ["M009", "R001", "R009"].contains(c)),
        "{warnings:?}"
    );
}

/// GitHub shows ten error annotations per step: the three causes are the first three.
#[test]
fn github_annotates_the_causes_first() {
    let dir = spec_with(THREE_MISTAKES);
    let out = forge(&["check", "--format", "github", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let titles: Vec<&str> = text
        .lines()
        .take(3)
        .map(|l| l.split("title=").nth(1).unwrap_or(l))
        .collect();
    assert!(
        titles[0].starts_with("P002 unknown-key::unknown key `hlep`"),
        "{text}"
    );
    assert!(
        titles[1].starts_with(
            "N002 unknown-receiver::unknown receiver `salck`%0Ahelp: did you mean `slack`?"
        ),
        "{text}"
    );
    assert!(titles[2].starts_with("X002 unknown-metric::unknown metric `ai_forge_training_job_failed_total`%0Ahelp: did you mean `ai_forge_training_jobs_failed_total`?"), "{text}");
}

/// More findings than GitHub annotates: ten errors are annotated, a notice says how
/// many more follow, and they follow as plain log lines.
#[test]
fn github_caps_annotations_and_logs_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::from(
        "service: {name: shop}\nmetrics:\n  jobs_total: {type: counter, help: Jobs.}\nalerts:\n",
    );
    // Twelve alerts of a misspelt severity: twelve errors.
    for i in 0..12 {
        spec.push_str(&format!(
            "  Jobs{i}: {{severity: critcal, condition: rate(jobs_total) > {i} for 5m, summary: S, runbook: r.md}}\n"
        ));
    }
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    let total = findings(dir.path(), "error").len();
    assert_eq!(total, 12);
    let out = forge(&["check", "--format", "github", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error ")).count(),
        10,
        "{text}"
    );
    assert!(
        text.contains("::notice title=forge-spec::2 more finding(s)"),
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("error[A002]"))
            .count(),
        2,
        "{text}"
    );
}

/// `--max-errors N` shows the first N errors and says how many it left out.
#[test]
fn max_errors_limits_the_errors_shown() {
    let dir = spec_with(THREE_MISTAKES);
    let p = dir.path().to_str().unwrap();
    let out = forge(&["check", "--max-errors", "1", p]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("unknown key `hlep`"), "{text}");
    assert!(!text.contains("salck"), "{text}");
    assert!(
        text.contains("2 more error(s) not shown (--max-errors)"),
        "{text}"
    );
    assert!(text.contains(": 3 error(s), 2 warning(s)"), "{text}");
}

/// Each kind of mistake in one definition is one error, and the definition's uses are
/// not reported again: the class of the three-mistake case, on the metric every alert
/// of the API reads.
#[test]
fn one_mistake_in_a_definition_is_one_error() {
    let metric = "  http_requests_total:\n    type: counter\n    help: Total HTTP requests.\n";
    let cases: &[(&str, &str, &str)] = &[
        // a misspelt required key (and so a missing one)
        ("tpye", "type: counter", "tpye: counter"),
        // a required key missing
        ("no type", "    type: counter\n", ""),
        // a misspelt type, close to one
        ("countr", "type: counter", "type: countr"),
        // a type close to none
        ("zzz", "type: counter", "type: zzzzzzz"),
        // a value of the wrong shape
        (
            "help list",
            "help: Total HTTP requests.",
            "help: [Total, HTTP]",
        ),
        // an unknown key close to none
        (
            "unknown key",
            "help: Total HTTP requests.",
            "help: Total HTTP requests.\n    budgetingMethod: x",
        ),
        // a duplicate key
        (
            "duplicate",
            "help: Total HTTP requests.",
            "help: Total HTTP requests.\n    help: again",
        ),
    ];
    for (what, from, to) in cases {
        let changed = metric.replacen(from, to, 1);
        assert_ne!(changed, metric, "{what}");
        let dir = spec_with(&[("metrics.yaml", metric, &changed)]);
        let errors = findings(dir.path(), "error");
        assert_eq!(errors.len(), 1, "{what}: {errors:?}");
        assert!(errors[0].0.starts_with('P'), "{what}: {errors:?}");
        assert_eq!(errors[0].1, "metrics.yaml", "{what}: {errors:?}");
    }
}

/// A misspelt section drops the section, and nothing that names what it defined is
/// reported; broken YAML inside a definition costs that definition; a file that cannot
/// be read at all (a control character) leaves names unchecked rather than reporting
/// every one of them.
#[test]
fn a_lost_section_or_file_is_one_error() {
    let dir = spec_with(&[("metrics.yaml", "\nmetrics:\n", "\nmetrcs:\n")]);
    let errors = findings(dir.path(), "error");
    assert_eq!(codes(&errors), vec!["P002"], "{errors:?}");
    for broken in [
        "  a: [unclosed",
        "  a: b: c",
        "  a: {x: 1",
        "  a: 'x",
        "  a: \u{7}",
    ] {
        let dir = spec_with(&[(
            "metrics.yaml",
            "\nmetrics:\n",
            &format!("\nmetrics:\n{broken}\n"),
        )]);
        let errors = findings(dir.path(), "error");
        assert_eq!(errors.len(), 1, "{broken:?}: {errors:?}");
        assert!(errors[0].0.starts_with('P'), "{broken:?}: {errors:?}");
    }
}

/// An unknown key is P002 whatever words it holds: `budget` in a key name once made it
/// P006 (input budget exceeded).
#[test]
fn unknown_keys_are_unknown_keys() {
    for key in ["budgetingMethod", "budgeting", "alias_limit", "max_budget"] {
        let dir = spec_with(&[(
            "slos.yaml",
            "    objective: 99.9%",
            &format!("    objective: 99.9%\n    {key}: x"),
        )]);
        let errors = findings(dir.path(), "error");
        assert_eq!(codes(&errors), vec!["P002"], "{key}: {errors:?}");
    }
}

/// A transposition is one edit: `salck` → `slack`, in every place names are
/// suggested (receivers, metrics, keys, rule codes).
#[test]
fn transpositions_are_suggested() {
    let dir = spec_with(&[("alerting.yaml", "receiver: email", "receiver: emial")]);
    let out = forge(&["check", dir.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `email`?"));
    let dir = spec_with(&[("metrics.yaml", "    type: counter", "    tpye: counter")]);
    let out = forge(&["check", dir.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `type`?"));
    let out = forge(&["explain", "A0O4"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
}

/// `check` ends with a summary line on a clean spec too, and a rebuild that changes
/// nothing says so instead of claiming to have written files.
#[test]
fn clean_runs_say_so() {
    let out = forge(&["check", "spec"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.trim_end().ends_with("spec: 0 error(s), 2 warning(s)"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let o = out_dir.to_str().unwrap();
    let first = forge(&["build", "spec", "--out", o]);
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("wrote "),
        "{first:?}"
    );
    let again = forge(&["build", "spec", "--out", o]);
    let text = String::from_utf8_lossy(&again.stderr);
    assert!(
        text.contains("is up to date") && !text.contains("wrote "),
        "{text}"
    );
    // A changed file is written again.
    std::fs::write(out_dir.join("prometheus/prometheus.yml"), "edited").unwrap();
    let third = forge(&["build", "spec", "--out", o]);
    assert!(String::from_utf8_lossy(&third.stderr).contains("wrote "));
}

/// Colour follows `NO_COLOR`, `CLICOLOR_FORCE` and `TERM=dumb`; tests run in a pipe,
/// where only `CLICOLOR_FORCE` turns it on.
#[test]
fn colour_follows_the_environment() {
    let dir = spec_with(THREE_MISTAKES);
    let run = |env: &[(&str, &str)]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_forge-spec"));
        c.args(["check", dir.path().to_str().unwrap()])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        String::from_utf8_lossy(&out.stderr).contains('\x1b')
    };
    assert!(!run(&[]), "a pipe is not coloured");
    assert!(run(&[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[("CLICOLOR_FORCE", "0")]));
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
}

/// `check --fix` applies the suggested replacements in place, keeping comments and
/// layout: the three mistakes fixed give back the shipped spec byte for byte, and the
/// check that follows is clean. Nothing else is touched, and a spec with nothing to fix
/// stays as it is.
#[test]
fn fix_applies_the_suggestions_in_place() {
    let dir = spec_with(THREE_MISTAKES);
    let p = dir.path().to_str().unwrap();
    let out = forge(&["check", "--fix", p]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for e in std::fs::read_dir("spec").unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).unwrap(),
            std::fs::read_to_string(&path).unwrap(),
            "{name:?}"
        );
    }
    let again = forge(&["check", "--fix", p]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to fix"));
    // A mistake with no close name is left for the user.
    let far = spec_with(&[("alerting.yaml", "receiver: slack", "receiver: zzzzzz")]);
    let out = forge(&["check", "--fix", far.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(far.path().join("alerting.yaml")).unwrap();
    assert!(text.contains("receiver: zzzzzz"));
}

/// A fix a rule states (A005: ` for 5m` added to a noisy condition, inside its quotes
/// when it is quoted) is applied by `check --fix` as the suggestions are: removing the
/// shipped spec's `for 5m` from a plain and a quoted condition, then fixing, gives the
/// shipped spec back.
#[test]
fn fix_applies_the_edits_rules_state() {
    let dir = spec_with(&[
        (
            "alerts.yaml",
            "p95(http_request_duration_seconds) > 1s for 5m",
            "p95(http_request_duration_seconds) > 1s",
        ),
        (
            "alerts.yaml",
            "http_requests_total) > 5% for 5m'",
            "http_requests_total) > 5%'",
        ),
    ]);
    let warnings = findings(dir.path(), "warning");
    assert_eq!(count_of(&warnings, "A005"), 2, "{warnings:?}");
    let out = forge(&["check", "--fix", dir.path().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("alerts.yaml")).unwrap(),
        std::fs::read_to_string("spec/alerts.yaml").unwrap()
    );
}

/// A literal secret (L001) is fixed by moving it: `check --fix` writes the value to
/// `secrets/<receiver>-<field>` (mode 0600, with a `.gitignore`) and the spec reads it
/// from there — in a block mapping and in a flow mapping, single- or double-quoted. A
/// file of that name holding another value is never replaced: the secret stays in the
/// spec, reported, rather than being lost.
#[test]
fn fix_moves_a_literal_secret_to_a_file() {
    let url = "https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx";
    let key = "0123456789abcdef0123456789abcdef";
    let dir = spec_with(&[
        (
            "alerting.yaml",
            "api_url_file: /etc/alertmanager/secrets/slack-webhook-url",
            &format!("api_url: '{url}'"),
        ),
        (
            "alerting.yaml",
            "pagerduty:\n      routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key\n      severity:",
            &format!("pagerduty: {{routing_key: \"{key}\", severity:"),
        ),
        (
            "alerting.yaml",
            "{{ .CommonLabels.severity }}'",
            "{{ .CommonLabels.severity }}'}",
        ),
    ]);
    let errors = findings(dir.path(), "error");
    assert_eq!(codes(&errors), vec!["L001", "L001"], "{errors:?}");
    // The spec lives in `work/project/<dir>`; the command runs in `work`: the secrets
    // go beside the spec directory (`work/project/secrets`), not into the current one.
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("project");
    let placed = |from: &std::path::Path, name: &str| {
        let to = project.join(name);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
        to
    };
    let fix = |spec: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args([
                "check",
                "--fix",
                spec.strip_prefix(work.path()).unwrap().to_str().unwrap(),
            ])
            .current_dir(work.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let spec_dir = placed(dir.path(), "spec");
    let out = fix(&spec_dir);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(!work.path().join("secrets").exists(), "{said}");
    let spec = std::fs::read_to_string(spec_dir.join("alerting.yaml")).unwrap();
    assert!(
        spec.contains("api_url_file: /etc/alertmanager/secrets/slack-api-url"),
        "{spec}"
    );
    assert!(
        spec.contains(
            "{routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key, severity:"
        ),
        "{spec}"
    );
    assert!(!spec.contains(url) && !spec.contains(key), "{spec}");
    let secrets = project.join("secrets");
    let held = |name: &str| std::fs::read_to_string(secrets.join(name)).unwrap();
    assert_eq!(held("slack-api-url"), format!("{url}\n"));
    assert_eq!(held("pagerduty-routing-key"), format!("{key}\n"));
    assert!(held(".gitignore").lines().any(|l| l == "*"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(secrets.join("slack-api-url"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A file of that name with another value: not fixed, the secret kept and reported.
    let again = spec_with(&[(
        "alerting.yaml",
        "api_url_file: /etc/alertmanager/secrets/slack-webhook-url",
        "api_url: 'https://hooks.slack.com/services/T1/B1/zyxwvutsrqponmlkjihgfedc'",
    )]);
    let again_dir = placed(again.path(), "spec-again");
    let out = fix(&again_dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds another value"));
    let spec = std::fs::read_to_string(again_dir.join("alerting.yaml")).unwrap();
    assert!(spec.contains("zyxwvutsrqponmlkjihgfedc"));
    assert_eq!(held("slack-api-url"), format!("{url}\n"));
}

/// A005 on raw PromQL (`expr:` has no `for` clause): the fix adds a `for: 5m` key beside
/// `expr:`, on a line of its own in a block mapping and after the value in a flow one;
/// after `check --fix` no alert is noisy and the spec checks clean of A005.
#[test]
fn fix_adds_a_for_key_beside_raw_promql() {
    let block = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1";
    let dir = spec_with(&[
        (
            "alerts.yaml",
            "condition: p95(http_request_duration_seconds) > 1s for 5m",
            &format!("expr: {block}  # p95 over 1s"),
        ),
        (
            "alerts.yaml",
            "alerts:\n",
            "alerts:\n  ManyRequests: {severity: info, expr: 'sum(rate(http_requests_total[5m])) > 100', summary: Many requests., runbook: runbooks/x.md}\n",
        ),
    ]);
    let warnings = findings(dir.path(), "warning");
    assert_eq!(count_of(&warnings, "A005"), 2, "{warnings:?}");
    let out = forge(&["check", "--fix", dir.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("A005"), "{said}");
    let text = std::fs::read_to_string(dir.path().join("alerts.yaml")).unwrap();
    assert!(
        text.contains(&format!("    expr: {block}  # p95 over 1s\n    for: 5m\n")),
        "{text}"
    );
    assert!(
        text.contains("expr: 'sum(rate(http_requests_total[5m])) > 100', for: 5m, summary:"),
        "{text}"
    );
    let warnings = findings(dir.path(), "warning");
    assert!(!codes(&warnings).contains(&"A005"), "{warnings:?}");
}

/// A fix never leaves the spec worse: a did-you-mean inside quotes keeps the quotes
/// (X013's `job="wbe"` becomes `job="web"`, not `job=web`), and an edit that would not
/// parse — ` for 5m` after an alias (`condition: *c`) — is not applied: the file is
/// left as it was, and said so.
#[test]
fn fixes_keep_the_spec_parsing() {
    let spec = r#"service: {name: shop}
targets:
  web: {address: "web:80", uses: [own, process]}
  node: {address: "node:9100", uses: [node_exporter, process]}
alerts:
  WebMemoryHigh:
    severity: warning
    condition: process_resident_memory_bytes{job="wbe"} > 2GB for 5m
    summary: The web server uses more than 2GB of memory.
    runbook: https://runbooks.example.com/web-memory
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    let out = forge(&["check", "--fix", dir.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr);
    let fixed = std::fs::read_to_string(dir.path().join("spec.yaml")).unwrap();
    assert!(
        fixed.contains(r#"process_resident_memory_bytes{job="web"} > 2GB"#),
        "{said}\n{fixed}"
    );
    assert_eq!(out.status.code(), Some(0), "{said}");
    // An alias: the noisy condition's ` for 5m` would land after `*c` and not parse.
    // The anchored condition's own fix is kept (and the alias reads it).
    let aliased = r#"service: {name: shop}
targets:
  web: {address: "web:80"}
metrics:
  shop_errors_total: {type: counter, help: Errors.}
alerts:
  WebDown:
    severity: warning
    condition: &c rate(shop_errors_total) > 1
    summary: The web server is down.
    runbook: https://runbooks.example.com/web-down
  WebDownAgain:
    severity: warning
    condition: *c
    summary: The web server is down.
    runbook: https://runbooks.example.com/web-down
"#;
    std::fs::write(dir.path().join("spec.yaml"), aliased).unwrap();
    let before = forge(&["check", dir.path().to_str().unwrap()]);
    let out = forge(&["check", "--fix", dir.path().to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr);
    let after = std::fs::read_to_string(dir.path().join("spec.yaml")).unwrap();
    assert!(!after.contains("*c for"), "{said}\n{after}");
    assert!(
        after.contains("&c rate(shop_errors_total) > 1 for 5m"),
        "{said}\n{after}"
    );
    assert!(said.contains("not fixed: 1 edit(s)"), "{said}");
    let again = forge(&["check", dir.path().to_str().unwrap()]);
    assert!(
        again.status.code() <= before.status.code(),
        "{said}\n{}",
        String::from_utf8_lossy(&again.stderr)
    );
}
