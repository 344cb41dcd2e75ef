//! Helpers shared by the test files that drive real tools.

use std::process::Command;

/// Whether `tool` runs here; under CI (`CI` set) its absence fails the test, elsewhere
/// the test says it is skipped.
fn runs(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is required under CI"
        );
        eprintln!("skipped: {tool} not installed");
    }
    ok
}

/// Whether promtool runs here (see `runs`).
pub fn promtool() -> bool {
    runs("promtool")
}

/// Whether amtool runs here (see `runs`).
pub fn amtool() -> bool {
    runs("amtool")
}

/// A double-quoted YAML scalar (JSON escapes are YAML escapes).
#[allow(dead_code)] // not every test file that shares this module needs it
pub fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
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

/// promtool proves that each rule (`rule(name)`: an alerting or recording rule as
/// written, from `rule_file` in `dir`, which is loaded) is its case of the reference
/// (`cases`: `promql`, `series`, `fires_at`):
///
/// - at every third minute of the case's input series, `rule unless reference` and
///   `reference unless rule` are both empty — the two select the same series with the
///   same labels at the same times (so, with the same `for`, they fire alike);
/// - a record's values equal the reference's (`abs(a - b) > 1e-9` never holds);
/// - the rule fires (with its own `for` and `keep_firing_for`) at the case's
///   `fires_at`, so no comparison is vacuous.
#[allow(dead_code)] // not every test file that shares this module needs it
pub fn same_as_reference(
    dir: &std::path::Path,
    rule_file: &str,
    cases: &serde_json::Map<String, serde_json::Value>,
    rule: impl Fn(&str) -> serde_json::Value,
) {
    use std::fmt::Write as _;
    let q = quoted;
    let mut checks = String::from("groups:\n");
    let mut tests =
        format!("rule_files: [{rule_file}, checks.yml]\nevaluation_interval: 1m\ntests:\n");
    for (name, case) in cases {
        let r = rule(name);
        // The rule's expression (a record's too: reading the recorded series back would
        // see the previous evaluation's value when the check runs first).
        let own = r["expr"].as_str().expect("an expression");
        let reference = case["promql"].as_str().expect("the reference PromQL");
        let record = r.get("record").is_some();
        let id: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let _ = write!(
            checks,
            "- name: {}\n  rules:\n  - alert: {id}__extra\n    expr: {}\n  - alert: {id}__missing\n    expr: {}\n  - alert: {id}__fires\n    expr: {}\n",
            q(&format!("check-{name}")),
            q(&format!("({own}) unless ({reference})")),
            q(&format!("({reference}) unless ({own})")),
            q(&format!("count({own}) > 0")),
        );
        for key in ["for", "keep_firing_for"] {
            if let Some(v) = r.get(key).and_then(serde_json::Value::as_str) {
                let _ = writeln!(checks, "    {key}: {}", q(v));
            }
        }
        if record {
            let _ = writeln!(
                checks,
                "  - alert: {id}__value\n    expr: {}",
                q(&format!("abs(({own}) - ({reference})) > 1e-9"))
            );
        }
        let series = case["series"].as_object().expect("input series");
        let span = series
            .values()
            .map(|v| samples(v.as_str().unwrap_or_default()))
            .max()
            .unwrap_or(0);
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
                q(v.as_str().unwrap_or_default())
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
        let fires: u64 = case["fires_at"]
            .as_str()
            .and_then(|f| f.trim_end_matches('m').parse().ok())
            .expect("fires_at in minutes");
        let _ = writeln!(
            tests,
            "  - {{eval_time: {fires}m, alertname: {id}__fires, exp_alerts: [{{exp_labels: {{}}}}]}}"
        );
    }
    std::fs::write(dir.join("checks.yml"), &checks).unwrap();
    std::fs::write(dir.join("checks.test.yml"), &tests).unwrap();
    run_promtool(dir, &["check", "rules", rule_file, "checks.yml"]);
    run_promtool(dir, &["test", "rules", "checks.test.yml"]);
}

/// Runs promtool in `dir`; fails the test with promtool's output when it fails.
#[allow(dead_code)] // not every test file that shares this module needs it
pub fn run_promtool(dir: &std::path::Path, args: &[&str]) {
    let o = Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("promtool runs");
    assert!(
        o.status.success(),
        "promtool {args:?}:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A generated rule file's groups, as written after its `groups:` line: what a scoped
/// rule file (`prometheus/tests/`) and the deployed one must share byte for byte.
fn groups_text(rules: &str) -> &str {
    let at = rules.find("groups:\n").expect("a rule file");
    &rules[at + "groups:\n".len()..]
}

/// A scoped rule file (`prometheus/tests/`) holds an SLO's groups, its `sli` group first,
/// byte for byte as the deployed rule file has them.
#[allow(dead_code)] // not every test file that shares this module needs it
pub fn assert_scoped_as_deployed(scoped: &str, deployed: &str, first_group: &str) {
    let groups = groups_text(scoped);
    assert!(
        groups.starts_with(&format!("- name: {first_group}\n")),
        "{groups}"
    );
    assert!(
        deployed.contains(groups),
        "{first_group}: the scoped rules differ from the deployed ones"
    );
}
