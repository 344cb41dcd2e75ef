//! `forge-spec import`: what comes in means what it meant.
//!
//! - The shipped output (`generated/prometheus/ai-forge.rules.yml`,
//!   `generated/alertmanager/alertmanager.yml`) imports back into a spec that builds
//!   the same rule groups (names, expressions, `for`, labels, summaries) and the same
//!   Alertmanager configuration.
//! - The rule corpus as hand-written rule files (`tests/fixtures/corpus/reference.yaml`,
//!   with labels, annotations, `for` and a recording group) imports into a spec whose
//!   compiled rules promtool shows select the same series at every third minute of each
//!   rule's input, record the same values, and fire where the originals do.
//! - Sloth, Pyrra and OpenSLO fixtures become SLOs whose burn-rate thresholds and
//!   windows are those the tools document for the same input.
//! - Hostile input: malformed YAML, unknown fields, literal secrets (never copied),
//!   10,000 rules.

use crate::common;

use forge_spec::import::{Imported, Kind, import};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Imports into `dir` (adding to what is there) and writes the files, as the CLI does.
fn import_into(kind: Kind, files: &[PathBuf], dir: &Path) -> Imported {
    let imported = import(kind, files, None, dir).expect("the files load");
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in &imported.files {
        let path = dir.join(name);
        assert!(!path.exists(), "{} would be replaced", path.display());
        std::fs::write(path, text).unwrap();
    }
    imported
}

fn codes(i: &Imported) -> Vec<String> {
    i.diagnostics
        .items
        .iter()
        .chain(&i.check.diagnostics.items)
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect()
}

fn errors(i: &Imported) -> Vec<String> {
    i.diagnostics
        .items
        .iter()
        .chain(&i.check.diagnostics.items)
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect()
}

/// Builds the spec in `dir`: its output files, by path.
fn build(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut c = forge_spec::compile(&[dir.to_path_buf()], "spec", &Default::default()).unwrap();
    let errs: Vec<String> = c
        .diagnostics
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errs.is_empty(), "{errs:#?}");
    forge_spec::emit_checked(&mut c)
        .unwrap()
        .expect("builds")
        .files
}

fn yaml(bytes: &[u8]) -> Value {
    serde_saphyr::from_str(std::str::from_utf8(bytes).unwrap()).expect("YAML")
}

/// Each rule of a rule file by (group, name, labels), with what makes it fire.
fn rules(file: &Value, skip_annotations: &[&str]) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for g in file["groups"].as_array().unwrap() {
        for r in g["rules"].as_array().unwrap() {
            let name = r.get("alert").or_else(|| r.get("record")).unwrap();
            let mut r = r.clone();
            if let Some(a) = r.get_mut("annotations").and_then(Value::as_object_mut) {
                a.retain(|k, _| !skip_annotations.contains(&k.as_str()));
            }
            let key = format!("{} {} {}", g["name"], name, r["labels"]);
            assert!(out.insert(key.clone(), r).is_none(), "{key} twice");
        }
    }
    out
}

/// The acceptance of the issue: forge-spec's own output imports back to the same rules
/// and routes.
#[test]
fn shipped_output_imports_back() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    let rules_in = import_into(
        Kind::Prometheus,
        &["generated/prometheus/ai-forge.rules.yml".into()],
        &spec,
    );
    assert!(errors(&rules_in).is_empty(), "{:#?}", codes(&rules_in));
    let routes_in = import_into(
        Kind::Alertmanager,
        &["generated/alertmanager/alertmanager.yml".into()],
        &spec,
    );
    assert!(errors(&routes_in).is_empty(), "{:#?}", codes(&routes_in));
    let slos = std::fs::read_to_string(spec.join("slos.yaml")).unwrap();
    for slo in ["availability", "latency", "error_rate", "training_success"] {
        assert!(
            slos.contains(&format!("  {slo}:\n")),
            "SLO {slo} recognised:\n{slos}"
        );
    }
    let built = build(&spec);
    let original = std::fs::read("generated/prometheus/ai-forge.rules.yml").unwrap();
    // forge-spec writes `dashboard_url` from dashboards, which rule files do not hold;
    // an absent-data alert's description names its readers by the conditions' sugar.
    let skip = ["dashboard_url", "description"];
    let before = rules(&yaml(&original), &skip);
    let after = rules(&yaml(&built["prometheus/ai-forge.rules.yml"]), &skip);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (k, v) in &before {
        assert_eq!(v, &after[k], "{k}");
    }
    // The explicit alerts keep their descriptions too.
    let described = |f: &Value| -> Vec<Value> {
        f["groups"][0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["annotations"]["description"].clone())
            .collect()
    };
    assert_eq!(
        described(&yaml(&original)),
        described(&yaml(&built["prometheus/ai-forge.rules.yml"]))
    );
    let am = std::fs::read_to_string("generated/alertmanager/alertmanager.yml").unwrap();
    let rebuilt = String::from_utf8(built["alertmanager/alertmanager.yml"].clone()).unwrap();
    let body = |s: &str| s.split_once('\n').unwrap().1.to_string();
    assert_eq!(body(&am), body(&rebuilt), "the Alertmanager configuration");
}

/// A double-quoted YAML scalar.
fn q(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// The pending settings (`for`, `keep_firing_for`) the corpus's own compiled rules
/// have, by rule name: with them each case fires at its `fires_at`.
fn corpus_pending() -> BTreeMap<String, Vec<(String, String)>> {
    let mut c = forge_spec::compile(
        &["tests/fixtures/corpus/spec.yaml".into()],
        "corpus",
        &Default::default(),
    )
    .unwrap();
    let out = forge_spec::emit_checked(&mut c)
        .unwrap()
        .expect("the corpus builds");
    let mut m = BTreeMap::new();
    for g in yaml(&out.files["prometheus/corpus.rules.yml"])["groups"]
        .as_array()
        .unwrap()
    {
        for r in g["rules"].as_array().unwrap() {
            let name = r
                .get("alert")
                .or_else(|| r.get("record"))
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            let pending = ["for", "keep_firing_for"]
                .iter()
                .filter_map(|k| Some((k.to_string(), r.get(*k)?.as_str()?.to_string())))
                .collect();
            m.insert(name, pending);
        }
    }
    m
}

/// The corpus's reference PromQL as the rule files teams have: alerts with `for`,
/// labels and templated annotations, records in a group of their own.
fn corpus_rule_file(
    cases: &serde_json::Map<String, Value>,
    pending: &BTreeMap<String, Vec<(String, String)>>,
) -> String {
    let mut alerts = String::from("groups:\n- name: corpus-alerts\n  rules:\n");
    let mut records = String::from("- name: corpus-records\n  interval: 1m\n  rules:\n");
    for (name, case) in cases {
        let promql = case["promql"].as_str().unwrap();
        if name.contains(':') {
            let _ = writeln!(
                records,
                "  - record: {name}\n    expr: {}\n    labels: {{source: corpus}}",
                q(promql)
            );
        } else {
            let _ = writeln!(
                alerts,
                "  - alert: {name}\n    expr: {}\n    labels: {{severity: warning, team: infra}}\n    annotations: {{summary: {}, description: {}}}",
                q(promql),
                q(&format!("{name} fired.")),
                q("Value {{ $value }}."),
            );
            for (k, v) in pending.get(name).into_iter().flatten() {
                let _ = writeln!(alerts, "    {k}: {}", q(v));
            }
        }
    }
    alerts + &records
}

/// Hand-written rule files import into rules that fire identically.
#[test]
fn corpus_rule_files_round_trip() {
    let reference: Value = yaml(&std::fs::read("tests/fixtures/corpus/reference.yaml").unwrap());
    let cases = reference.as_object().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let original = corpus_rule_file(cases, &corpus_pending());
    // Named `rules.yml`: the service is `rules`, whose generated groups the corpus's
    // group names do not take.
    std::fs::write(dir.path().join("rules.yml"), &original).unwrap();
    let spec = dir.path().join("spec");
    let imported = import_into(Kind::Prometheus, &[dir.path().join("rules.yml")], &spec);
    assert!(errors(&imported).is_empty(), "{:#?}", errors(&imported));
    let alerts = std::fs::read_to_string(spec.join("alerts.yaml")).unwrap();
    let translated = alerts.matches("    condition: ").count();
    assert!(
        translated * 2 > cases.len() / 2,
        "most alerts are in the condition language:\n{alerts}"
    );
    let built = build(&spec);
    let rebuilt = yaml(&built["prometheus/rules.rules.yml"]);
    let before = rules(&yaml(original.as_bytes()), &[]);
    let mut compiled = BTreeMap::new();
    for g in rebuilt["groups"].as_array().unwrap() {
        for r in g["rules"].as_array().unwrap() {
            let name = r
                .get("alert")
                .or_else(|| r.get("record"))
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            compiled.insert(name, (g["name"].clone(), r.clone()));
        }
    }
    // Same groups, `for`, labels (forge-spec adds `service`) and annotations.
    for (key, r) in &before {
        let name = r
            .get("alert")
            .or_else(|| r.get("record"))
            .unwrap()
            .as_str()
            .unwrap();
        let (group, new) = &compiled[name];
        assert!(key.starts_with(&format!("{group} ")), "{name} in {group}");
        assert_eq!(r.get("for"), new.get("for"), "{name}");
        assert_eq!(
            r.get("keep_firing_for"),
            new.get("keep_firing_for"),
            "{name}"
        );
        let mut labels = new["labels"].as_object().unwrap().clone();
        labels.remove("service");
        assert_eq!(&Value::Object(labels), &r["labels"], "{name}");
        if let Some(a) = r.get("annotations") {
            assert_eq!(a["summary"], new["annotations"]["summary"], "{name}");
            assert_eq!(
                a["description"], new["annotations"]["description"],
                "{name}"
            );
        }
    }
    if !common::promtool() {
        return;
    }
    // promtool: the imported rule selects what the original selects, at every third
    // minute; records record the same values; each fires where its case says.
    // The imported rules are loaded too: rules read what records record.
    std::fs::write(
        dir.path().join("rules.rules.yml"),
        &built["prometheus/rules.rules.yml"],
    )
    .unwrap();
    common::same_as_reference(dir.path(), "rules.rules.yml", cases, |name| {
        compiled[name].1.clone()
    });
    // And forge-spec's own generated tests of the imported spec pass.
    let ran = common::run_generated_tests(&dir.path().join("own"), &built);
    assert!(ran > 0, "no generated test file");
}

/// The burn thresholds of an SLO's page and ticket alerts: (short, long, threshold).
fn burns(rules: &Value, alert: &str) -> Vec<(String, String, f64)> {
    let expr = rule_of(rules, alert)["expr"].as_str().unwrap().to_string();
    burns_in(&expr)
}

/// An alert rule by name, or by `Name/level` for Sloth's one name (`sloth_severity`).
fn rule_of<'a>(rules: &'a Value, alert: &str) -> &'a Value {
    let (name, level) = alert
        .split_once('/')
        .map_or((alert, None), |(n, l)| (n, Some(l)));
    rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .find(|r| r["alert"] == name && level.is_none_or(|l| r["labels"]["sloth_severity"] == l))
        .unwrap_or_else(|| panic!("alert {alert}"))
}

fn burns_in(expr: &str) -> Vec<(String, String, f64)> {
    let re = regex::Regex::new(r"ratio_rate(\w+)\{[^}]*\} > ([0-9.e-]+)").unwrap();
    let found: Vec<(String, f64)> = re
        .captures_iter(expr)
        .map(|c| (c[1].to_string(), c[2].parse().unwrap()))
        .collect();
    found
        .chunks(2)
        .map(|p| (p[0].0.clone(), p[1].0.clone(), p[0].1))
        .collect()
}

fn close(got: &[(String, String, f64)], want: &[(&str, &str, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            g.0 == w.0 && g.1 == w.1 && (g.2 - w.2).abs() < 1e-9,
            "{got:?} != {want:?}"
        );
    }
}

/// Sloth, Pyrra and OpenSLO SLOs burn at the thresholds and over the windows those
/// tools document for the same SLO; what has no equivalent is reported.
#[test]
fn slo_formats_keep_their_burn_rates() {
    let build_of = |kind: Kind, file: &str, svc: &str| {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec");
        let i = import_into(
            kind,
            &[format!("tests/fixtures/import/{file}").into()],
            &spec,
        );
        assert!(errors(&i).is_empty(), "{:#?}", codes(&i));
        let out = build(&spec);
        (i, yaml(&out[&format!("prometheus/{svc}.rules.yml")]))
    };
    // Sloth, 30 days: the SRE workbook's 14.4/6 page and 3/1 ticket windows.
    let (i, r) = build_of(Kind::Sloth, "sloth.yaml", "checkout");
    close(
        &burns(&r, "CheckoutHighErrorRate/page"),
        &[("5m", "1h", 0.0144), ("30m", "6h", 0.006)],
    );
    close(
        &burns(&r, "CheckoutHighErrorRate/ticket"),
        &[("2h", "1d", 0.003), ("6h", "3d", 0.001)],
    );
    close(
        &burns(&r, "PaymentsProcessed/page"),
        &[("5m", "1h", 0.144), ("30m", "6h", 0.06)],
    );
    let c = codes(&i);
    assert!(
        c.iter()
            .any(|m| m.starts_with("I001") && m.contains("`raw-latency`")),
        "{c:#?}"
    );
    // The page alert's own label is the page alert's alone.
    let label_of = |alert: &str| Some(rule_of(&r, alert)["labels"]["team"].clone());
    assert_eq!(
        label_of("PaymentsProcessed/page"),
        Some(serde_json::json!("payments-oncall"))
    );
    assert_eq!(label_of("PaymentsProcessed/ticket"), Some(Value::Null));
    assert!(!c.iter().any(|m| m.contains("label `team`")), "{c:#?}");
    // Pyrra: 14/7 critical and 2/1 warning, windows scaled from its 28-day ones.
    let (i, r) = build_of(Kind::Pyrra, "pyrra.yaml", "pyrra");
    close(
        &burns(&r, "ApiErrorsErrorBudgetFastBurn"),
        &[("5m", "1h", 0.14), ("30m", "6h", 0.07)],
    );
    close(
        &burns(&r, "ApiErrorsErrorBudgetSlowBurn"),
        &[("2h", "1d", 0.02), ("6h", "4d", 0.01)],
    );
    close(
        &burns(&r, "ApiLatencyErrorBudgetFastBurn"),
        &[("3m", "30m", 0.7), ("15m", "3h", 0.35)],
    );
    close(
        &burns(&r, "ApiUpErrorBudgetSlowBurn"),
        &[("2h", "1d", 0.01), ("6h", "4d", 0.005)],
    );
    assert!(
        codes(&i)
            .iter()
            .any(|m| m.starts_with("I001") && m.contains("`for` of Pyrra"))
    );
    // OpenSLO: the alert policy's burn rate over its lookback window.
    let (i, r) = build_of(Kind::Openslo, "openslo.yaml", "openslo");
    close(
        &burns(&r, "SearchAvailabilityErrorBudgetFastBurn"),
        &[("5m", "1h", 0.072)],
    );
    let c = codes(&i);
    not_imported(
        &c,
        &[
            "`alertAfter`",
            "budgeting method `Timeslices`",
            "objectives after the first",
            "time zone `Europe/Berlin`",
        ],
    );
    // A calendar week (`isRolling: false`) is a calendar week: its budget resets on
    // Mondays, recorded over the week so far.
    let records: Vec<&str> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .filter_map(|r| r["record"].as_str())
        .collect();
    assert!(
        records.contains(&"slo:sli_error:ratio_calendar_week"),
        "{records:?}"
    );
    assert!(
        records.contains(&"slo:sli_error:ratio_rate28d"),
        "{records:?}"
    );
}

/// Literal secrets in an Alertmanager configuration — every receiver kind, and the
/// global ones — are reported, replaced by `*_file` references, and never written.
#[test]
fn alertmanager_secrets_are_never_copied() {
    let secrets = [
        "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "9a8b7c6d5e4f30211203f4e5d6c7b8a9",
        "fedcba9876543210fedcba9876543210",
        "s3cr3t-smtp-password",
        "https://user:hunter2@hooks.example.com/alert",
        "eu-opsgenie-key-123456789",
        "https://hooks.slack.com/services/T1111/B1111/YYYYYYYYYYYYYYYYYYYYYYYY",
        "global-smtp-password",
    ];
    let cfg = format!(
        r#"global:
  slack_api_url: '{6}'
  smtp_smarthost: smtp.example.com:587
  smtp_from: alerts@example.com
  smtp_auth_username: alerts
  smtp_auth_password: '{7}'
route:
  receiver: team
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
    - match_re: {{service: 'api|web'}}
      receiver: hook
      continue: true
    - matchers: ['team!="ops"']
      receiver: ops
time_intervals:
  - name: nights
    time_intervals: [{{times: [{{start_time: '22:00', end_time: '23:59'}}]}}]
receivers:
  - name: team
    slack_configs: [{{channel: '#team', api_url: '{0}'}}]
    email_configs: [{{to: team@example.com, auth_password: '{3}'}}]
  - name: pager
    pagerduty_configs: [{{routing_key: '{1}'}}, {{service_key: '{2}'}}]
  - name: hook
    webhook_configs: [{{url: '{4}'}}]
  - name: ops
    opsgenie_configs: [{{api_key: '{5}'}}]
    slack_configs: [{{channel: '#ops'}}]
    email_configs: [{{to: ops@example.com}}]
"#,
        secrets[0],
        secrets[1],
        secrets[2],
        secrets[3],
        secrets[4],
        secrets[5],
        secrets[6],
        secrets[7]
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("alertmanager.yml"), &cfg).unwrap();
    let spec = dir.path().join("spec");
    let i = import_into(
        Kind::Alertmanager,
        &[dir.path().join("alertmanager.yml")],
        &spec,
    );
    let c = codes(&i);
    // A webhook URL with a credential can only be a file reference, which Alertmanager
    // reads from 0.26 on: the one error, never a literal.
    assert_eq!(
        errors(&i),
        [
            "R002 receiver `hook` lacks `webhook.url` (`url_file` needs Alertmanager 0.26; the target is 0.25)"
        ],
        "{c:#?}"
    );
    let replaced = c.iter().filter(|m| m.starts_with("I002")).count();
    assert_eq!(replaced, 7, "{c:#?}");
    for (_, text) in &i.files {
        for s in secrets {
            assert!(!text.contains(s), "a secret was copied:\n{text}");
        }
    }
    // Nor in what the import reports, in any format (the human one shows the line
    // of the source under each I002: masked).
    for format in [
        forge_spec::diag::Format::Human,
        forge_spec::diag::Format::Json,
        forge_spec::diag::Format::Sarif,
        forge_spec::diag::Format::Github,
    ] {
        let rendered = forge_spec::diag::render(format, &i.diagnostics.items, &i.sources, false);
        for s in secrets {
            assert!(
                !rendered.contains(s),
                "a secret was shown ({format:?}): {rendered}"
            );
        }
    }
    let alerting = std::fs::read_to_string(spec.join("alerting.yaml")).unwrap();
    for f in [
        "api_url_file",
        "routing_key_file",
        "auth_password_file",
        "url_file",
        "api_key_file",
    ] {
        assert!(alerting.contains(f), "{f}:\n{alerting}");
    }
    not_imported(&c, &["second pagerduty"]);
    // Time intervals are kept, with the routes that name them.
    assert!(!c.iter().any(|m| m.contains("time interval")), "{c:#?}");
    assert!(
        alerting.contains("time_intervals:\n    nights:"),
        "{alerting}"
    );
    assert!(alerting.contains("'team!=\"ops\"'"), "{alerting}");
}

/// What cannot be read is a diagnostic with its place, never a panic or a half-written
/// spec; names a spec cannot hold twice are reported as they are renamed.
#[test]
fn hostile_rule_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    for (file, text, code) in [
        ("broken.yml", "groups:\n  - name: a\n    rules: [\n", "P001"),
        (
            "unknown.yml",
            "groups:\n  - name: a\n    rules:\n      - alrt: X\n        expr: up == 0\n",
            "P002",
        ),
        ("types.yml", "groups: {a: 1}\n", "P003"),
    ] {
        let p = write(file, text);
        let i = import(Kind::Prometheus, &[p], None, &dir.path().join("none")).unwrap();
        let found: Vec<&str> = i.diagnostics.items.iter().map(|d| d.code.code).collect();
        assert!(found.contains(&code), "{file}: {found:?}");
        assert!(i.diagnostics.has_errors());
    }
    let p = write(
        "dups.yml",
        "groups:\n  - name: api\n    rules:\n      - {alert: ApiDown, expr: 'up{job=\"api\"} == 0', for: 5m, labels: {severity: warning}}\n      - {alert: ApiDown, expr: 'up{job=\"api\"} == 0', for: 15m, labels: {severity: critical}}\n      - {expr: 'up == 0'}\n  - name: api\n    query_offset: 1m\n    rules:\n      - {record: 'job:up:sum', expr: 'sum by (job) (up)'}\n",
    );
    let i = import(Kind::Prometheus, &[p], None, &dir.path().join("none")).unwrap();
    let c = codes(&i);
    assert!(errors(&i).is_empty(), "{:#?}", errors(&i));
    // A warning/critical pair keeps its one name: the second gets a key of its own.
    assert!(
        !c.iter()
            .any(|m| m.contains("alert `ApiDown` is imported as")),
        "{c:#?}"
    );
    let alerts = &i.files.iter().find(|(n, _)| n == "alerts.yaml").unwrap().1;
    assert!(
        alerts.contains("  ApiDownCritical:\n    alertname: ApiDown\n"),
        "{alerts}"
    );
    assert!(
        c.iter()
            .any(|m| m.contains("I003 rule group `api` is imported as `api-2`")),
        "{c:#?}"
    );
    assert!(
        c.iter()
            .any(|m| m.starts_with("I001") && m.contains("not exactly one")),
        "{c:#?}"
    );
    assert!(
        c.iter()
            .any(|m| m.starts_with("I001") && m.contains("query_offset")),
        "{c:#?}"
    );
}

/// 10,000 rules import, and the spec written checks.
#[test]
fn ten_thousand_rules() {
    let mut text = String::from("groups:\n");
    for g in 0..100 {
        let _ = writeln!(text, "- name: g{g}\n  rules:");
        for r in 0..100 {
            let n = g * 100 + r;
            let _ = writeln!(
                text,
                "  - alert: Rule{n}\n    expr: 'rate(app_requests_total{{job=\"app\", route=\"/r{r}\"}}[5m]) > {n}'\n    for: 5m\n    labels: {{severity: warning}}\n    annotations: {{summary: 'Rule {n} fired.'}}"
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("many.yml"), &text).unwrap();
    let i = import(
        Kind::Prometheus,
        &[dir.path().join("many.yml")],
        None,
        &dir.path().join("spec"),
    )
    .unwrap();
    assert!(
        errors(&i).is_empty(),
        "{:?}",
        &codes(&i)[..5.min(codes(&i).len())]
    );
    let alerts = &i.files.iter().find(|(n, _)| n == "alerts.yaml").unwrap().1;
    assert_eq!(alerts.matches("    severity: ").count(), 10_000);
}

/// The CLI writes a new directory, adds to an existing spec without replacing a file,
/// and writes nothing when the input cannot be read.
#[test]
fn cli_never_replaces_a_file() {
    let bin = env!("CARGO_BIN_EXE_forge-spec");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spec");
    let run = |args: &[&str]| Command::new(bin).args(args).output().unwrap();
    let o = run(&[
        "import",
        "prometheus",
        "generated/prometheus/ai-forge.rules.yml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = std::fs::read_to_string(out.join("alerts.yaml")).unwrap();
    let o = run(&[
        "import",
        "prometheus",
        "generated/prometheus/ai-forge.rules.yml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a second import into the same files"
    );
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("it exists") && said.contains("nothing written"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("alerts.yaml")).unwrap(),
        before
    );
    let o = run(&[
        "import",
        "alertmanager",
        "generated/alertmanager/alertmanager.yml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("alerting.yaml").exists());
    std::fs::write(dir.path().join("bad.yml"), "groups: [\n").unwrap();
    let empty = dir.path().join("empty");
    let o = run(&[
        "import",
        "prometheus",
        dir.path().join("bad.yml").to_str().unwrap(),
        "--out",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!empty.exists(), "nothing written");
    let o = run(&["check", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Each of `whats` is in an I001 (not imported) report.
fn not_imported(codes: &[String], whats: &[&str]) {
    for what in whats {
        assert!(
            codes
                .iter()
                .any(|m| m.starts_with("I001") && m.contains(what)),
            "{what}: {codes:#?}"
        );
    }
}

/// Matchers a spec cannot hold never widen what a route or an inhibit rule takes: a
/// route with `service!="api"` (or `!~`) is not imported at all — it never becomes a
/// catch-all that takes the `api` alerts — nor the routes under it; an inhibit rule
/// with a regex or a negation is not imported (kube-prometheus' `severity =~
/// "warning|info"` target, dropped, would silence every alert of the namespace,
/// `Watchdog` included). The other routes and rules are imported as they are.
#[test]
fn matchers_are_never_widened() {
    let cfg = r#"route:
  receiver: team
  routes:
    - matchers: ['service!="api"']
      receiver: ops
      routes:
        - matchers: ['severity="critical"']
          receiver: ops
    - matchers: ['team!~"db|cache"']
      receiver: ops
    - matchers: ['severity="critical"']
      receiver: pager
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity=~"warning|info"']
    equal: [namespace, alertname]
  - source_match: {severity: warning}
    target_match_re: {severity: info}
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
receivers:
  - name: team
    slack_configs: [{channel: '#team', api_url_file: /etc/alertmanager/secrets/team}]
  - name: ops
    slack_configs: [{channel: '#ops', api_url_file: /etc/alertmanager/secrets/ops}]
  - name: pager
    slack_configs: [{channel: '#pager', api_url_file: /etc/alertmanager/secrets/pager}]
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("alertmanager.yml"), cfg).unwrap();
    let spec = dir.path().join("spec");
    let i = import_into(
        Kind::Alertmanager,
        &[dir.path().join("alertmanager.yml")],
        &spec,
    );
    let c = codes(&i);
    assert!(!c.iter().any(|m| m.starts_with("I001")), "{c:#?}");
    let alerting = std::fs::read_to_string(spec.join("alerting.yaml")).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&alerting).unwrap();
    let routes = doc["routing"]["routes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // Every route, its negations kept as Alertmanager matchers.
    assert_eq!(routes.len(), 3, "{alerting}");
    assert_eq!(routes[0]["matchers"][0], "service!=\"api\"", "{alerting}");
    assert_eq!(routes[1]["matchers"][0], "team!~\"db|cache\"", "{alerting}");
    let inhibit = doc["routing"]["inhibit"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(inhibit.len(), 3, "{alerting}");
    assert_eq!(
        inhibit[0]["target_matchers"][0], "severity=~\"warning|info\"",
        "{alerting}"
    );
    assert_eq!(
        inhibit[1]["target_matchers"][0], "severity=~\"info\"",
        "{alerting}"
    );
    // The spec written routes as the source: `api` alerts never reach ops through the
    // negation; others do; `db` alerts skip the second route.
    let route = |labels: &[&str]| -> String {
        let mut args = vec!["routes", "test", "--spec", spec.to_str().unwrap()];
        args.extend(labels);
        let out = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args(&args)
            .output()
            .unwrap();
        // The first line names the receiver.
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        said.lines().next().unwrap_or_default().trim().to_string()
    };
    assert_eq!(
        route(&["service=api", "severity=warning", "team=web"]),
        "ops"
    );
    assert_eq!(
        route(&["service=api", "severity=warning", "team=db"]),
        "team"
    );
    assert_eq!(
        route(&["service=web", "severity=warning", "team=db"]),
        "ops"
    );
    assert_eq!(
        route(&["service=api", "severity=critical", "team=db"]),
        "pager"
    );
    // The build writes the same matchers for Alertmanager; amtool agrees on routes.
    let built = build(&spec);
    let am = String::from_utf8(built["alertmanager/alertmanager.yml"].clone()).unwrap();
    assert!(am.contains("service!=\"api\""), "{am}");
    assert!(am.contains("team!~\"db|cache\""), "{am}");
    if !crate::common::amtool() {
        return;
    }
    let file = dir.path().join("am.yml");
    std::fs::write(&file, &am).unwrap();
    for (labels, want) in [
        (&["service=api", "severity=warning", "team=db"][..], "team"),
        (&["service=web", "severity=critical", "team=db"][..], "ops"),
        (
            &["service=api", "severity=critical", "team=db"][..],
            "pager",
        ),
    ] {
        let out = Command::new("amtool")
            .args(["config", "routes", "test", "--config.file"])
            .arg(&file)
            .args(labels)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(said.trim(), want, "{labels:?}");
    }
}

/// `import prometheus` never copies a secret it finds in a rule: a label or annotation
/// holding one is left out (I002), a rule whose expression holds one is not imported;
/// nothing of them reaches the files written or any rendering of the report.
#[test]
fn rule_secrets_are_never_copied() {
    let token = format!("xoxb-{}-{}", "1234567890", "Zq8Lw2Nx5Rt7Vy9Bc4Df6");
    let hook = format!(
        "https://hooks.slack.com/services/T0{}/B0{}/{}",
        "Zq8Lw2Nx", "Zq8Lw2Nx", "Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1"
    );
    let bearer = format!("Bearer {}", "Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1Jk3Mp0Qs");
    let rules = format!(
        r#"groups:
  - name: app
    rules:
      - alert: AppDown
        expr: up{{job="app"}} == 0
        for: 5m
        labels: {{severity: critical, token: "{token}"}}
        annotations: {{summary: App is down., hook: "{hook}"}}
      - alert: AuthFailing
        expr: rate(http_requests_total{{job="app", authorization="{bearer}"}}[5m]) > 1
        labels: {{severity: warning}}
        annotations: {{summary: Auth failing.}}
"#
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.yml"), &rules).unwrap();
    let spec = dir.path().join("spec");
    let i = import_into(Kind::Prometheus, &[dir.path().join("rules.yml")], &spec);
    let c = codes(&i);
    let replaced: Vec<&String> = c.iter().filter(|m| m.starts_with("I002")).collect();
    assert_eq!(replaced.len(), 3, "{c:#?}");
    let written: String = i.files.iter().map(|(_, t)| t.as_str()).collect();
    for s in [&token, &hook, &bearer] {
        assert!(!written.contains(s.as_str()), "copied:\n{written}");
    }
    assert!(
        written.contains("AppDown") && !written.contains("AuthFailing"),
        "{written}"
    );
    for format in [
        forge_spec::diag::Format::Human,
        forge_spec::diag::Format::Json,
        forge_spec::diag::Format::Sarif,
        forge_spec::diag::Format::Github,
    ] {
        let rendered = forge_spec::diag::render(format, &i.diagnostics.items, &i.sources, false);
        for s in [
            "1234567890-Zq8Lw2Nx5Rt7Vy9Bc4Df6",
            "Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1",
            "Zq8Lw2Nx5Rt7Vy9Bc4Df6Gh1Jk3Mp0Qs",
        ] {
            assert!(!rendered.contains(s), "{format:?}: {rendered}");
        }
    }
}

/// Findings true of the source rule (here an annotation reading `job`, which the
/// aggregation drops — A008 — and a record named against the convention, N009) do not
/// stop the import: the written spec marks each with an `allow:` entry on that rule,
/// the import reports it as a warning, and the spec builds with the source's alert and
/// record. A `message` annotation (Grafana's, older mixins') becomes the summary, and is
/// kept; `for: 0m` is read.
#[test]
fn findings_true_of_the_source_are_marked_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("app.yml");
    std::fs::write(
        &rules,
        r#"groups:
  - name: empty
    rules: []
  - name: app
    rules:
      - record: http_errors_rate
        expr: sum(rate(http_requests_total{code=~"5.."}[5m]))
      - alert: HighErrors
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) > 1
        for: 0m
        labels: {severity: critical}
        annotations:
          message: Errors are high on {{ $labels.job }}
"#,
    )
    .unwrap();
    let spec = dir.path().join("spec");
    let imported = import_into(Kind::Prometheus, &[rules], &spec);
    assert!(errors(&imported).is_empty(), "{:#?}", errors(&imported));
    let warned: Vec<&str> = imported
        .check
        .diagnostics
        .items
        .iter()
        .filter(|d| d.severity == forge_spec::diag::Severity::Warning)
        .map(|d| d.code.code)
        .collect();
    assert!(
        warned.contains(&"A008") && warned.contains(&"N009"),
        "{warned:?}"
    );
    let alerts = std::fs::read_to_string(spec.join("alerts.yaml")).unwrap();
    assert!(
        alerts.contains("allow: [{rule: template-label-missing"),
        "{alerts}"
    );
    assert!(
        alerts.contains("summary: 'Errors are high on {{ $labels.job }}'"),
        "{alerts}"
    );
    assert!(alerts.contains("annotations: {message:"), "{alerts}");
    let records = std::fs::read_to_string(spec.join("records.yaml")).unwrap();
    assert!(records.contains("allow: [{rule: record-name"), "{records}");
    let built = build(&spec);
    let text = String::from_utf8(built["prometheus/app.rules.yml"].clone()).unwrap();
    assert!(text.contains("- alert: HighErrors"), "{text}");
    assert!(text.contains("- record: http_errors_rate"), "{text}");
    assert!(!text.contains("for: '0"), "{text}");
}

/// A metric read only under another job's selectors is that exporter's: the import marks
/// it `provided_by:` the job, and the naming rules do not judge it (kube-prometheus'
/// node_exporter rules read `node_memory_Buffers_bytes` and `node_vmstat_pgmajfault`,
/// names the team did not choose). A metric of the service's own job stays its own.
#[test]
fn exporter_metrics_are_third_party() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("app.yml");
    std::fs::write(
        &rules,
        r#"groups:
  - name: node
    rules:
      - alert: NodeMemoryLow
        expr: node_memory_Buffers_bytes{job="node-exporter"} < 1000
        for: 5m
        labels: {severity: warning}
        annotations: {summary: Node memory is low.}
      - alert: MajorFaults
        expr: rate(node_vmstat_pgmajfault{job="node-exporter"}[5m]) > 500
        for: 5m
        labels: {severity: warning}
        annotations: {summary: Many major page faults.}
      - alert: AppQueueHigh
        expr: app_queue_depth{job="app"} > 10
        for: 5m
        labels: {severity: warning}
        annotations: {summary: The queue is long.}
"#,
    )
    .unwrap();
    let spec = dir.path().join("spec");
    let imported = import_into(Kind::Prometheus, &[rules], &spec);
    assert!(errors(&imported).is_empty(), "{:#?}", errors(&imported));
    let metrics = std::fs::read_to_string(spec.join("metrics.yaml")).unwrap();
    for m in ["node_memory_Buffers_bytes", "node_vmstat_pgmajfault"] {
        let line = metrics.lines().find(|l| l.contains(m)).unwrap();
        assert!(line.contains("provided_by: node-exporter"), "{line}");
    }
    let own = metrics
        .lines()
        .find(|l| l.contains("app_queue_depth"))
        .unwrap();
    assert!(!own.contains("provided_by"), "{own}");
    let built = build(&spec);
    assert!(built.contains_key("prometheus/app.rules.yml"));
}
