//! `allow:` silences the findings of its rule about the definition it sits on — every
//! one of them, wherever in the definition they point — and nothing else: not the
//! same rule on another definition, not a finding about the whole catalogue (a fixed
//! rule refusing `allow:` is tested with the secrets, `tests/it/secrets.rs`).

use forge_spec::{Options, compile_str};

/// The codes of the findings of a one-file spec, with the text under each caret.
fn findings(spec: &str) -> Vec<(String, String)> {
    let out = compile_str(&[("spec.yaml", spec)], &Options::default());
    out.diagnostics
        .items
        .iter()
        .map(|d| {
            let at = spec
                .get(d.primary.span.start as usize..d.primary.span.end as usize)
                .unwrap_or("")
                .to_string();
            (d.code.code.to_string(), at)
        })
        .collect()
}

fn count(spec: &str, code: &str) -> usize {
    findings(spec).iter().filter(|(c, _)| c == code).count()
}

const HEAD: &str = "service: {name: shop, metric_prefix: shop_}\n\
targets: {web: {address: \"web:80\"}}\n\
metrics:\n  shop_requests_total:\n    type: counter\n    help: Requests.\n    labels: {code: {values: [\"2xx\", \"5xx\"]}}\n";

/// Two alerts with the same finding (A005 missing-for, reported at the condition,
/// not at the name): the allow on one silences that one only.
#[test]
fn silences_its_own_definition_only() {
    let alert = |name: &str, allow: &str| {
        format!(
            "  {name}:\n    severity: warning\n    condition: rate(shop_requests_total{{code=\"5xx\"}}) > 1\n    \
             summary: Errors.\n    runbook: runbooks/x.md\n{allow}"
        )
    };
    let allow = "    allow: [{rule: missing-for, reason: one spike is actionable}]\n";
    let none = format!(
        "{HEAD}alerts:\n{}{}",
        alert("ErrorsA", ""),
        alert("ErrorsB", "")
    );
    let one = format!(
        "{HEAD}alerts:\n{}{}",
        alert("ErrorsA", allow),
        alert("ErrorsB", "")
    );
    let both = format!(
        "{HEAD}alerts:\n{}{}",
        alert("ErrorsA", allow),
        alert("ErrorsB", allow)
    );
    assert_eq!(count(&none, "A005"), 2, "{:?}", findings(&none));
    assert_eq!(count(&one, "A005"), 1);
    assert_eq!(count(&both, "A005"), 0);
    // The allow written by code, or on the later alert, works the same way.
    let by_code = one.replace("rule: missing-for", "rule: A005");
    assert_eq!(count(&by_code, "A005"), 1);
    let later = format!(
        "{HEAD}alerts:\n{}{}",
        alert("ErrorsA", ""),
        alert("ErrorsB", allow)
    );
    assert_eq!(count(&later, "A005"), 1);
}

/// Findings inside a definition, pointing at a label, a query, an objective: each is
/// about the definition, so its allow silences them.
#[test]
fn silences_findings_pointing_inside_the_definition() {
    // M-rule about a label of a metric (unbounded-label at the label's name).
    let metric = "service: {name: shop}\ntargets: {web: {address: \"web:80\"}}\n\
metrics:\n  requests_total:\n    type: counter\n    help: Requests.\n    labels: {path: {}}\n";
    assert_eq!(count(metric, "M016"), 1, "{:?}", findings(metric));
    let allowed = format!(
        "{metric}    allow: [{{rule: unbounded-label, reason: paths are a closed set here}}]\n"
    );
    assert_eq!(count(&allowed, "M016"), 0, "{:?}", findings(&allowed));

    // D-rule about a panel's query (raw-counter-in-panel at the query).
    let panel = |allow: &str| {
        format!(
            "{HEAD}dashboards:\n  web:\n    title: Web\n    panels:\n      - title: Requests\n        \
             query: shop_requests_total\n{allow}"
        )
    };
    let plain = panel("");
    let code = "D003";
    assert_eq!(count(&plain, code), 1, "{:?}", findings(&plain));
    let allowed =
        panel("        allow: [{rule: raw-counter-in-panel, reason: the total is wanted}]\n");
    assert_eq!(count(&allowed, code), 0, "{:?}", findings(&allowed));

    // S-rule about an SLO's objective (objective-out-of-range at the objective).
    let slo = |allow: &str| {
        format!(
            "{HEAD}slos:\n  availability:\n    objective: 100%\n    \
             sli: {{errors: 'shop_requests_total{{code=\"5xx\"}}', total: shop_requests_total}}\n{allow}"
        )
    };
    let plain = slo("");
    let n = count(&plain, "S001");
    assert!(n >= 1, "{:?}", findings(&plain));
    let allowed = slo("    allow: [{rule: objective-out-of-range, reason: test}]\n");
    assert_eq!(count(&allowed, "S001"), 0, "{:?}", findings(&allowed));
}

/// A finding about the whole catalogue is not about the metric it points at: the
/// first metric's allow does not silence the catalogue's cardinality budget.
#[test]
fn catalogue_findings_are_about_no_definition() {
    let mut spec =
        String::from("service: {name: shop}\ntargets: {web: {address: \"web:80\"}}\nmetrics:\n");
    for i in 0..12 {
        spec.push_str(&format!(
            "  m{i}_total:\n    type: counter\n    help: M.\n    labels: {{a: {{max_values: 100}}, b: {{max_values: 100}}}}\n"
        ));
        if i == 0 {
            spec.push_str("    allow: [{rule: cardinality-budget, reason: test}]\n");
        }
    }
    let got = findings(&spec);
    let budget: Vec<_> = got.iter().filter(|(c, _)| c == "M015").collect();
    assert!(
        budget.iter().any(|(_, at)| at == "m0_total"),
        "the catalogue budget is reported at the first metric and not silenced: {got:?}"
    );
}
