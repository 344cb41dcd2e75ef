//! The rule corpus (`tests/fixtures/corpus/`): alerting and recording rules in the
//! shapes public rule sets use, written natively in the condition language. The spec
//! compiles without `expr:`; then promtool proves, for every rule, that the compiled
//! rule is the hand-written PromQL of `reference.yaml`:
//!
//! - at every third minute of the rule's input series, `compiled unless reference` and
//!   `reference unless compiled` are both empty — the two select the same series with
//!   the same labels at the same times (so, with the same `for`, they fire alike);
//! - for records, the recorded values equal the reference's (`abs(a - b) > 1e-9` never
//!   holds);
//! - the compiled rule fires (with its own `for` and `keep_firing_for`) at the case's
//!   `fires_at`, so no comparison is vacuous.
//!
//! promtool comes from Debian's `prometheus` (installed by `ci/test`); without it the
//! test says it is skipped, except under CI, where it fails.

mod common;
use common::promtool;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

const DIR: &str = "tests/fixtures/corpus";

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("valid YAML")
}

/// A double-quoted YAML scalar (JSON escapes are YAML escapes).
fn q(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// Minutes of a promtool duration written `Nm`.
fn minutes(d: &str) -> u64 {
    d.trim_end_matches('m')
        .parse()
        .expect("a duration in minutes")
}

/// The number of samples in a promtool series notation (`0+1x45`, `1x10 _x35`, `5 0 5`).
fn samples(values: &str) -> u64 {
    values
        .split_whitespace()
        .map(|v| {
            v.split_once('x')
                .map_or(1, |(_, n)| n.parse::<u64>().unwrap_or(0) + 1)
        })
        .sum()
}

#[test]
fn corpus_rules_match_their_promql() {
    let comp = forge_spec::compile(
        &[Path::new(DIR).join("spec.yaml")],
        "corpus",
        &Default::default(),
    )
    .expect("the corpus loads");
    let errors: Vec<String> = comp
        .diagnostics
        .items
        .iter()
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "the corpus compiles cleanly: {errors:#?}"
    );
    let model = comp.model.as_ref().expect("a model");
    // Natively: no raw PromQL anywhere.
    for a in &model.alerts {
        let w = a.when.as_ref().expect("a condition");
        assert!(w.condition.is_some(), "{} uses expr:", a.name.value);
    }
    for r in &model.records {
        let e = r.expr.as_ref().expect("an expression");
        assert!(e.condition.is_some(), "{} uses expr:", r.name.value);
    }
    let total = model.alerts.len() + model.records.len();
    assert!(total >= 40, "only {total} corpus rules");

    let reference = yaml(&std::fs::read_to_string(Path::new(DIR).join("reference.yaml")).unwrap());
    let cases = reference.as_object().expect("a mapping of cases");
    let mut names: Vec<&str> = model
        .alerts
        .iter()
        .map(|a| a.name.value.as_str())
        .chain(model.records.iter().map(|r| r.name.value.as_str()))
        .collect();
    names.sort_unstable();
    let mut referenced: Vec<&str> = cases.keys().map(String::as_str).collect();
    referenced.sort_unstable();
    assert_eq!(
        names, referenced,
        "every corpus rule has exactly one reference"
    );

    if !promtool() {
        return;
    }
    let mut c = forge_spec::compile(
        &[Path::new(DIR).join("spec.yaml")],
        "corpus",
        &Default::default(),
    )
    .unwrap();
    let output = forge_spec::emit_checked(&mut c)
        .expect("serialises")
        .expect("no secret");
    let rules_text = std::str::from_utf8(&output.files["prometheus/corpus.rules.yml"]).unwrap();
    let generated = yaml(rules_text);
    let mut compiled = std::collections::HashMap::new();
    for g in generated["groups"].as_array().unwrap() {
        for r in g["rules"].as_array().unwrap() {
            let name = r.get("alert").or_else(|| r.get("record")).unwrap();
            compiled.insert(name.as_str().unwrap().to_string(), r.clone());
        }
    }

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("corpus.rules.yml"), rules_text).unwrap();
    // forge-spec's own generated tests of the corpus pass too.
    let own_tests = &output.files["prometheus/corpus.rules.test.yml"];
    std::fs::write(dir.path().join("corpus.rules.test.yml"), own_tests).unwrap();
    let own = Command::new("promtool")
        .args(["test", "rules", "corpus.rules.test.yml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        own.status.success(),
        "promtool test rules (forge-spec's generated tests):\n{}{}",
        String::from_utf8_lossy(&own.stdout),
        String::from_utf8_lossy(&own.stderr)
    );
    let mut checks = String::from("groups:\n");
    let mut tests = String::from(
        "rule_files: [corpus.rules.yml, checks.yml]\nevaluation_interval: 1m\ntests:\n",
    );
    for (name, case) in cases {
        let rule = &compiled[name];
        let reference = case["promql"].as_str().unwrap();
        let record = rule.get("record").is_some();
        // The compiled rule's expression (a record's too: reading the recorded series
        // back would see the previous evaluation's value when the check runs first).
        let own = rule["expr"].as_str().unwrap().to_string();
        let id: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut pending = String::new();
        for key in ["for", "keep_firing_for"] {
            if let Some(v) = rule.get(key).and_then(Value::as_str) {
                let _ = writeln!(pending, "    {key}: {}", q(v));
            }
        }
        let _ = write!(
            checks,
            "- name: {}\n  rules:\n  - alert: {id}__extra\n    expr: {}\n  - alert: {id}__missing\n    expr: {}\n  - alert: {id}__fires\n    expr: {}\n{pending}",
            q(&format!("check-{name}")),
            q(&format!("({own}) unless ({reference})")),
            q(&format!("({reference}) unless ({own})")),
            q(&format!("count({own}) > 0")),
        );
        if record {
            let _ = writeln!(
                checks,
                "  - alert: {id}__value\n    expr: {}",
                q(&format!("abs(({own}) - ({reference})) > 1e-9"))
            );
        }
        let series = case["series"].as_object().unwrap();
        let span = series
            .values()
            .map(|v| samples(v.as_str().unwrap()))
            .max()
            .unwrap();
        let _ = writeln!(
            tests,
            "- name: {}\n  interval: 1m\n  input_series:",
            q(name)
        );
        for (s, v) in series {
            let _ = writeln!(
                tests,
                "  - series: {}\n    values: {}",
                q(s),
                q(v.as_str().unwrap())
            );
        }
        tests.push_str("  alert_rule_test:\n");
        let mut kinds = vec!["extra", "missing"];
        if record {
            kinds.push("value");
        }
        for t in (0..span).step_by(3) {
            for kind in &kinds {
                let _ = writeln!(
                    tests,
                    "  - {{eval_time: {t}m, alertname: {id}__{kind}, exp_alerts: []}}"
                );
            }
        }
        let fires = minutes(case["fires_at"].as_str().unwrap());
        let _ = writeln!(
            tests,
            "  - {{eval_time: {fires}m, alertname: {id}__fires, exp_alerts: [{{exp_labels: {{}}}}]}}"
        );
    }
    std::fs::write(dir.path().join("checks.yml"), &checks).unwrap();
    std::fs::write(dir.path().join("checks.test.yml"), &tests).unwrap();
    let check = Command::new("promtool")
        .args(["check", "rules", "corpus.rules.yml", "checks.yml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "promtool check rules:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let test = Command::new("promtool")
        .args(["test", "rules", "checks.test.yml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "promtool test rules (compiled vs reference):\n{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
}
