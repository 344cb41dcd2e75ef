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

/// The groups of a rule file's text: each group's head (its `- name:` line up to its
/// `rules:` line) and its rules, as written.
fn groups_of(rules: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_rules = false;
    for line in groups_text(rules).split_inclusive('\n') {
        if line.starts_with("- name: ") {
            out.push((line.to_string(), Vec::new()));
            in_rules = false;
        } else if let Some((head, rules)) = out.last_mut() {
            if !in_rules {
                head.push_str(line);
                in_rules = line == "  rules:\n";
            } else if line.starts_with("  - ") {
                rules.push(line.to_string());
            } else if let Some(r) = rules.last_mut() {
                r.push_str(line);
            }
        }
    }
    out
}

/// A scoped rule file (`prometheus/tests/`) is the deployed file cut to some of its
/// rules: each of its groups has a deployed group's head byte for byte, and its rules
/// are some of that group's, byte for byte and in the same order.
#[allow(dead_code)] // not every test file that shares this module needs it
pub fn assert_cut_from_deployed(scoped: &str, deployed: &str) {
    let deployed = groups_of(deployed);
    let groups = groups_of(scoped);
    assert!(!groups.is_empty(), "no group in the scoped file:\n{scoped}");
    for (head, rules) in groups {
        let (_, all) = deployed
            .iter()
            .find(|(h, _)| *h == head)
            .unwrap_or_else(|| panic!("no deployed group has the head\n{head}"));
        let mut rest = all.iter();
        for r in &rules {
            assert!(
                rest.any(|d| d == r),
                "a scoped rule is not the deployed one (or out of order):\n{r}"
            );
        }
    }
}

/// The generated rule tests of a build (`prometheus/tests/`: the suites and the SLOs'
/// own files): the names of their test groups (a merged group's names split again).
#[allow(dead_code)] // not every test file that shares this module needs it
pub fn generated_test_names<'a, T: AsRef<[u8]> + 'a>(
    files: impl IntoIterator<Item = (&'a String, &'a T)>,
) -> Vec<String> {
    let mut names = Vec::new();
    for (path, text) in files {
        if !(path.starts_with("prometheus/tests/") && path.ends_with(".test.yml")) {
            continue;
        }
        let text = String::from_utf8_lossy(text.as_ref());
        let doc: serde_json::Value = serde_saphyr::from_str(&text).expect("a test file");
        for g in doc["tests"].as_array().into_iter().flatten() {
            let name = g["name"].as_str().unwrap_or_default();
            names.extend(name.split("; ").map(str::to_string));
        }
    }
    names
}

/// Writes a build's rule files and generated rule tests (`prometheus/…`) under `dir` and
/// runs every test file with promtool, the scoped rule files checked against the
/// deployed one first. Fails with promtool's output; returns how many test files ran.
#[allow(dead_code)] // not every test file that shares this module needs it
pub fn run_generated_tests<'a, T: AsRef<[u8]> + 'a>(
    dir: &std::path::Path,
    files: impl IntoIterator<Item = (&'a String, &'a T)>,
) -> usize {
    let tests = dir.join("tests");
    std::fs::create_dir_all(&tests).unwrap();
    let mut deployed = None;
    let mut scoped = Vec::new();
    let mut runs = Vec::new();
    for (path, text) in files {
        let Some(name) = path.strip_prefix("prometheus/") else {
            continue;
        };
        let text = String::from_utf8_lossy(text.as_ref()).into_owned();
        std::fs::write(dir.join(name), &text).unwrap();
        if let Some(own) = name.strip_prefix("tests/") {
            if own.ends_with(".test.yml") {
                runs.push(own.to_string());
            } else if own.ends_with(".rules.yml") {
                scoped.push(text);
            }
        } else if name.ends_with(".rules.yml") {
            deployed = Some(text);
        }
    }
    if let Some(deployed) = &deployed {
        for s in &scoped {
            assert_cut_from_deployed(s, deployed);
        }
    }
    runs.sort();
    if !runs.is_empty() && crate::common::promtool() {
        let mut args = vec!["test", "rules"];
        args.extend(runs.iter().map(String::as_str));
        run_promtool(&tests, &args);
    }
    runs.len()
}
