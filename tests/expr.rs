//! The condition language: exact lowerings, PromQL validity of every lowering, error
//! positions, and property tests (no panics, print/parse round trip).

use forge_spec::expr::{self, Catalog, RangeMode};
use proptest::prelude::*;

const SPEC: &str = r#"
service: {name: shop, metric_prefix: shop_}
defaults: {range: 5m}
targets: {web: {address: "web:80"}}
metrics:
  http_requests_total:
    type: counter
    help: Requests.
    standard: true
    labels: {code: {values: ["2xx", "5xx"]}, route: {max_values: 10}}
  http_request_duration_seconds: {type: histogram, unit: seconds, help: Latency., standard: true, buckets: [0.1, 0.5, 1]}
  process_resident_memory_bytes: {type: gauge, unit: bytes, help: Memory., standard: true}
  shop_queue_depth: {type: gauge, help: Queue.}
"#;

fn catalog() -> Catalog {
    let comp = forge_spec::compile_str(&[("spec.yaml", SPEC)], &Default::default());
    assert!(
        !comp.diagnostics.has_errors(),
        "{:?}",
        comp.diagnostics.items
    );
    comp.model.unwrap().catalog
}

fn lower_condition(text: &str) -> (String, Option<String>) {
    let cat = catalog();
    let c = expr::parse_condition(text).unwrap();
    let promql = expr::lower(
        &c.expr,
        &expr::Lowering {
            catalog: &cat,
            range: RangeMode::Fixed(cat.default_range),
            scale: 1,
        },
    );
    (promql, c.for_.map(|(d, _)| d.to_prometheus()))
}

/// The issue's examples lower exactly as stated.
#[test]
fn stated_lowerings() {
    assert_eq!(
        lower_condition("p95(http_request_duration_seconds) > 1s for 5m"),
        (
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1".into(),
            Some("5m".into())
        )
    );
    assert_eq!(
        lower_condition("process_resident_memory_bytes > 12GB").0,
        "process_resident_memory_bytes > 12000000000"
    );
    assert_eq!(
        lower_condition("process_resident_memory_bytes > 12GiB").0,
        "process_resident_memory_bytes > 12884901888"
    );
    assert_eq!(
        lower_condition(r#"ratio(http_requests_total{code="5xx"}, http_requests_total) > 5%"#).0,
        r#"sum(rate(http_requests_total{code="5xx"}[5m])) / sum(rate(http_requests_total[5m])) > 0.05"#
    );
    assert_eq!(
        lower_condition("rate(http_requests_total[1m]) > 2").0,
        "rate(http_requests_total[1m]) > 2"
    );
    assert_eq!(
        lower_condition("up(web) == 0 for 1m"),
        (r#"up{job="web"} == 0"#.into(), Some("1m".into()))
    );
    assert_eq!(
        lower_condition("p99(http_request_duration_seconds) by (route) > 500ms").0,
        "histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5"
    );
    assert_eq!(
        lower_condition("sum(rate(http_requests_total)) by (code) > 1").0,
        "sum by (code) (rate(http_requests_total[5m])) > 1"
    );
}

/// Dashboards use Grafana's `$__rate_interval` instead of the fixed window.
#[test]
fn grafana_range() {
    let cat = catalog();
    let e = expr::parse_query("rate(http_requests_total)").unwrap();
    assert_eq!(
        expr::lower(
            &e,
            &expr::Lowering {
                catalog: &cat,
                range: RangeMode::Grafana,
                scale: 1
            }
        ),
        "rate(http_requests_total[$__rate_interval])"
    );
}

/// Every alert condition and panel query of the shipped spec lowers to PromQL that
/// promql-parser accepts.
#[test]
fn shipped_spec_lowers_to_valid_promql() {
    let comp = forge_spec::compile(&["spec".into()], "spec", &Default::default()).unwrap();
    let m = comp.model.unwrap();
    let mut n = 0;
    for a in &m.alerts {
        let w = a.when.as_ref().unwrap();
        promql_parser::parser::parse(&w.promql)
            .unwrap_or_else(|e| panic!("{}: {} ({e})", a.name.value, w.promql));
        n += 1;
    }
    for d in &m.dashboards {
        for p in &d.panels {
            for q in &p.queries {
                let text = q.promql.replace("$__rate_interval", "5m");
                promql_parser::parser::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: {} ({e})", d.uid.value, q.promql));
                n += 1;
            }
        }
    }
    assert!(n >= 20, "only {n} expressions");
}

/// `p95(http_requests_total) > 1s` is an error with the caret under the metric and a
/// help line naming the histograms that would fit.
#[test]
fn p95_of_counter_points_at_the_metric() {
    let spec = format!(
        "{SPEC}alerts:\n  Slow:\n    severity: warning\n    condition: p95(http_requests_total) > 1s for 5m\n    summary: Slow.\n    runbook: r.md\n"
    );
    let comp = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
    let d = comp
        .diagnostics
        .items
        .iter()
        .find(|d| d.code.code == "X004")
        .expect("X004");
    assert_eq!(comp.sources.slice(d.primary.span), "http_requests_total");
    let help = d.help.as_deref().unwrap();
    assert!(help.contains("http_request_duration_seconds"), "{help}");
    assert!(!help.contains("process_resident_memory_bytes"), "{help}");
}

/// A percentage against seconds is an error; a bare number against bytes a warning.
#[test]
fn unit_checks() {
    let run = |cond: &str| {
        let spec = format!(
            "{SPEC}alerts:\n  A:\n    severity: warning\n    condition: '{cond}'\n    summary: A.\n    runbook: r.md\n"
        );
        forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default())
            .diagnostics
            .items
            .iter()
            .map(|d| (d.code.code, d.severity))
            .collect::<Vec<_>>()
    };
    use forge_spec::diag::Severity::*;
    assert!(run("p95(http_request_duration_seconds) > 5% for 5m").contains(&("X005", Error)));
    assert!(run("process_resident_memory_bytes > 12 for 5m").contains(&("X006", Warning)));
    assert!(run("process_resident_memory_bytes > 12GB for 5m").is_empty());
    assert!(run("rate(shop_queue_depth) > 1 for 5m").contains(&("X004", Error)));
    assert!(run(r#"rate(http_requests_total{code="6xx"}) > 1 for 5m"#).contains(&("X008", Error)));
    assert!(run(r#"rate(http_requests_total{cde="5xx"}) > 1 for 5m"#).contains(&("X007", Error)));
}

/// A strategy for expressions of the condition language, printed as text.
fn expr_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("http_requests_total".to_string()),
        Just(r#"http_requests_total{code="5xx"}"#.to_string()),
        Just("rate(http_requests_total[1m])".to_string()),
        Just("p95(http_request_duration_seconds)".to_string()),
        Just("up(web)".to_string()),
        (0u32..1000).prop_map(|n| n.to_string()),
        (0u32..100).prop_map(|n| format!("{n}%")),
        (1u32..100).prop_map(|n| format!("{n}ms")),
        (1u32..100).prop_map(|n| format!("{n}GiB")),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", ">", "<=", "==", "and", "or"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("sum({a}) by (code)")),
            inner.prop_map(|a| format!("max({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arbitrary input never panics the parsers.
    #[test]
    fn parser_never_panics(s in "\\PC{0,80}") {
        let _ = expr::parse_condition(&s);
        let _ = expr::parse_query(&s);
        let _ = expr::parse_selector(&s);
    }

    /// Printing a parsed expression and parsing it again gives the same expression
    /// (compared through a second printing, which ignores positions), and its lowering
    /// is valid PromQL.
    #[test]
    fn print_parse_round_trip(text in expr_text()) {
        let a = expr::parse_query(&text).unwrap();
        let printed = a.to_string();
        let b = expr::parse_query(&printed).unwrap();
        prop_assert_eq!(&printed, &b.to_string());
        let cat = catalog();
        let la = expr::lower(&a, &expr::Lowering { catalog: &cat, range: RangeMode::Fixed(cat.default_range), scale: 1 });
        let lb = expr::lower(&b, &expr::Lowering { catalog: &cat, range: RangeMode::Fixed(cat.default_range), scale: 1 });
        prop_assert_eq!(&la, &lb);
    }
}
