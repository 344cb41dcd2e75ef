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

use crate::common;
use common::promtool;
use serde_json::Value;
use std::path::Path;

const DIR: &str = "tests/fixtures/corpus";

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("valid YAML")
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
    let ran = common::run_generated_tests(&dir.path().join("own"), &output.files);
    assert!(ran > 0, "no generated test file");
    common::same_as_reference(dir.path(), "corpus.rules.yml", cases, |name| {
        compiled[name].clone()
    });
}
