//! Diagnostic formats on the command line (JSON, SARIF, GitHub annotations) and
//! `explain`.

use crate::cli::{forge, mutated_spec};

/// `--format json` prints one object per diagnostic with the documented fields.
#[test]
fn json_format_fields() {
    let out = forge(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/rules/N002/unknown_receiver_route.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let all: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    // Only the unknown receiver: it is taken as the receiver it is closest to
    // (`pager`), which so is not reported as unused (a consequence, not a cause).
    assert_eq!(all.len(), 1, "the unknown receiver alone: {stdout}");
    let v = all
        .iter()
        .find(|v| v["code"] == "N002")
        .expect("N002")
        .clone();
    assert_eq!(v["code"], "N002");
    assert_eq!(v["name"], "unknown-receiver");
    assert_eq!(v["severity"], "error");
    assert_eq!(
        v["file"],
        "tests/fixtures/rules/N002/unknown_receiver_route.yaml"
    );
    assert_eq!(v["line"], 9);
    assert_eq!(v["column"], 47);
    assert_eq!(v["end"]["column"], 51);
    assert!(v["message"].as_str().unwrap().contains("pagr"));
}

/// `--format sarif` has the SARIF 2.1.0 shape: version, runs[].tool.driver.rules, results
/// whose ruleId is a declared rule and whose region is 1-based.
#[test]
fn sarif_shape() {
    let out = forge(&[
        "check",
        "--format",
        "sarif",
        "tests/fixtures/rules/X006/expr_bare_bytes.yaml",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "forge-spec");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(rules.contains(&r["ruleId"].as_str().unwrap()));
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().unwrap()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(r["message"]["text"].is_string());
    }
    // a warning alone exits 0, and 1 under --deny-warnings
    assert_eq!(out.status.code(), Some(0));
    let denied = forge(&[
        "check",
        "--deny-warnings",
        "tests/fixtures/rules/X006/expr_bare_bytes.yaml",
    ]);
    assert_eq!(denied.status.code(), Some(1));
}

/// `--format github` prints workflow commands with file, line and column.
#[test]
fn github_format() {
    let out = forge(&[
        "check",
        "--format",
        "github",
        "tests/fixtures/rules/N002/unknown_receiver_route.yaml",
    ]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains(
            "::error file=tests/fixtures/rules/N002/unknown_receiver_route.yaml,line=9,col=47,"
        ),
        "{s}"
    );
    assert!(s.contains("title=N002 unknown-receiver::"), "{s}");
    let shipped = forge(&["check", "--format", "github", "spec"]);
    let s = String::from_utf8_lossy(&shipped.stdout);
    assert!(
        s.contains("::warning file=spec/alerts.yaml,line=20,col=53,endLine=20,endColumn=55,title=S006 threshold-differs-from-slo::"),
        "{s}"
    );
}

/// SARIF output validates against the SARIF 2.1.0 schema; each result has a
/// fingerprint (GitHub code scanning tracks an alert across commits by it) that is
/// unique and survives lines added above the finding; no made-up `informationUri`.
#[test]
fn sarif_validates_and_fingerprints_are_stable() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/sarif/sarif-schema-2.1.0.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let sarif = |dir: &str| -> serde_json::Value {
        let out = forge(&["check", "--format", "sarif", dir]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let prints = |v: &serde_json::Value| -> Vec<String> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["forgeSpecFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = mutated_spec("alerting.yaml", "receiver: slack", "receiver: salck");
    let v = sarif(before.path().to_str().unwrap());
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        v["runs"][0]["tool"]["driver"]
            .get("informationUri")
            .is_none()
    );
    let mut corrupt = v.clone();
    corrupt["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(
        !validator.is_valid(&corrupt),
        "the schema refuses a wrong level"
    );
    let first = prints(&v);
    assert_eq!(first.len(), 3, "one error, two warnings");
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len(), "fingerprints are unique");
    // Lines added above every finding: same fingerprints.
    for f in ["alerting.yaml", "alerts.yaml", "slos.yaml"] {
        let p = before.path().join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("# a comment\n# another\n{text}")).unwrap();
    }
    let after = prints(&sarif(before.path().to_str().unwrap()));
    let (mut a, mut b) = (first.clone(), after);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // The shipped spec's SARIF validates too.
    let shipped = sarif("spec");
    assert!(validator.is_valid(&shipped));
}

/// `explain` prints a rule's documentation by code and by name.
#[test]
fn explain_by_code_and_name() {
    let a = forge(&["explain", "A004"]);
    let b = forge(&["explain", "missing-runbook"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let s = String::from_utf8_lossy(&a.stdout);
    assert!(
        s.contains("## What it does")
            && s.contains("## Why is this bad?")
            && s.contains("Use instead:"),
        "{s}"
    );
}

/// `explain` lists every rule in aligned columns: code, name, severity, summary.
#[test]
fn explain_list_is_aligned() {
    let out = forge(&["explain"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let starts: std::collections::BTreeSet<(usize, usize)> = text
        .lines()
        .map(|l| {
            let (sev, word) = [" error ", " warning ", " allow "]
                .iter()
                .filter_map(|s| Some((l.find(s)?, s.len())))
                .min()
                .expect("a severity column");
            let rest = &l[sev + word..];
            let summary = sev + word + (rest.len() - rest.trim_start().len());
            (sev, summary)
        })
        .collect();
    assert_eq!(starts.len(), 1, "one column layout: {starts:?}\n{text}");
}
