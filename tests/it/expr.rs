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

/// The PromQL constructs beyond the shorthands lower as PromQL writes them; a range
/// function's selector without a range gets the default one.
#[test]
fn promql_constructs_lower_as_written() {
    for (cond, want) in [
        (
            "rate(http_requests_total) * on(code) group_left(route) shop_queue_depth > 1",
            "rate(http_requests_total[5m]) * on(code) group_left(route) shop_queue_depth > 1",
        ),
        (
            "sum by (code) (rate(http_requests_total)) / ignoring(code) group_left sum(rate(http_requests_total)) > 5%",
            "sum by (code) (rate(http_requests_total[5m])) / ignoring(code) group_left() sum(rate(http_requests_total[5m])) > 0.05",
        ),
        ("shop_queue_depth > bool 3", "shop_queue_depth > bool 3"),
        (
            "shop_queue_depth offset 1h - shop_queue_depth > 10",
            "shop_queue_depth offset 1h - shop_queue_depth > 10",
        ),
        (
            "max_over_time(rate(http_requests_total)[1h:5m]) > 2",
            "max_over_time(rate(http_requests_total[5m])[1h:5m]) > 2",
        ),
        (
            "predict_linear(process_resident_memory_bytes[6h], 4h) > 12GB",
            "predict_linear(process_resident_memory_bytes[6h], 14400) > 12000000000",
        ),
        (
            "changes(shop_queue_depth) > 3",
            "changes(shop_queue_depth[5m]) > 3",
        ),
        (
            "topk(3, sum by (route) (rate(http_requests_total)))",
            "topk(3, sum by (route) (rate(http_requests_total[5m])))",
        ),
        (
            r#"label_replace(up(web), "host", "$1", "instance", "(.*):.*") == 0"#,
            r#"label_replace(up{job="web"}, "host", "$1", "instance", "(.*):.*") == 0"#,
        ),
        (
            r#"count({__name__=~"shop_.+"}) > 100"#,
            r#"count({__name__=~"shop_.+"}) > 100"#,
        ),
        (
            "absent_over_time(up(web)[10m:]) == 1",
            r#"absent_over_time(up{job="web"}[10m:]) == 1"#,
        ),
        ("hour() >= 9 and hour() < 17", "hour() >= 9 and hour() < 17"),
        (
            "a_total or b_total and c_total",
            "a_total or b_total and c_total",
        ),
        (
            "2 ^ 3 ^ 2 < shop_queue_depth",
            "2 ^ 3 ^ 2 < shop_queue_depth",
        ),
        (
            "quantile(0.9, shop_queue_depth) > 3",
            "quantile(0.9, shop_queue_depth) > 3",
        ),
    ] {
        assert_eq!(lower_condition(cond).0, want, "{cond}");
        promql_parser::parser::parse(want).unwrap_or_else(|e| panic!("{want}: {e}"));
    }
    // `or` binds looser than `and`, as in PromQL.
    let e = expr::parse_query("a_total or b_total and c_total").unwrap();
    let expr::ast::ExprKind::Binary(op, _, r, _) = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(*op, expr::ast::BinOp::Or);
    assert!(matches!(
        &r.kind,
        expr::ast::ExprKind::Binary(expr::ast::BinOp::And, ..)
    ));
}

/// Every function of the table, called with arguments of the kinds its signature
/// names, type-checks without findings and lowers to PromQL that promql-parser
/// accepts; called with a number where it takes series (or series where it takes a
/// number), it is an X010 at that argument.
#[test]
fn every_function_signature() {
    use expr::functions::{AGGREGATIONS, Arg, FUNCTIONS};
    let cat = catalog();
    let gauge = "process_resident_memory_bytes";
    let counter = "http_requests_total";
    let typed = |text: &str| {
        let e = expr::parse_query(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let map = expr::SourceMap {
            base: forge_spec::source::Span::new(forge_spec::source::FileId(0), 0, text.len()),
            exact: true,
        };
        let checked = expr::check(&e, &cat, map);
        let lowered = expr::lower(
            &e,
            &expr::Lowering {
                catalog: &cat,
                range: RangeMode::Fixed(cat.default_range),
                scale: 1,
            },
        );
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.code).collect();
        (codes, lowered, checked.ty)
    };
    for f in FUNCTIONS {
        let series = match f.wants {
            Some(expr::MetricKind::Counter) => counter,
            _ => gauge,
        };
        let args: Vec<String> = f
            .args
            .iter()
            .map(|a| match a {
                Arg::Instant => series.to_string(),
                Arg::Range => format!("{series}[10m]"),
                Arg::Scalar => "0.5".to_string(),
                Arg::Str => r#""le""#.to_string(),
            })
            .collect();
        let text = format!("{}({})", f.name, args.join(", "));
        let (codes, lowered, ty) = typed(&text);
        assert!(codes.is_empty(), "{text}: {codes:?}");
        // promql-parser follows Prometheus 3, where `holt_winters` is renamed; the
        // corpus checks it with promtool 2.42 (tests/it/corpus.rs).
        if f.name != "holt_winters" {
            promql_parser::parser::parse(&lowered)
                .unwrap_or_else(|e| panic!("{text} → {lowered}: {e}"));
        }
        assert_eq!(ty.map(|t| t.vector), Some(!f.scalar), "{text}");
        if let Some(i) = f
            .args
            .iter()
            .position(|a| matches!(a, Arg::Instant | Arg::Scalar))
        {
            let mut wrong = args.clone();
            wrong[i] = if f.args[i] == Arg::Instant {
                "3".into()
            } else {
                gauge.into()
            };
            let text = format!("{}({})", f.name, wrong.join(", "));
            assert!(typed(&text).0.contains(&"X010"), "{text}");
        }
    }
    for a in AGGREGATIONS {
        let param = match a.param {
            Some(Arg::Str) => r#""value", "#,
            Some(_) => "0.5, ",
            None => "",
        };
        let text = format!("{} by (job) ({param}{gauge})", a.name);
        let (codes, lowered, ty) = typed(&text);
        assert!(codes.is_empty(), "{text}: {codes:?}");
        promql_parser::parser::parse(&lowered)
            .unwrap_or_else(|e| panic!("{text} → {lowered}: {e}"));
        let labels = ty.and_then(|t| t.labels).expect("known labels");
        if a.selects {
            assert!(labels.contains("instance"), "{text}: {labels:?}");
        } else {
            assert!(
                labels.contains("job") && !labels.contains("instance"),
                "{text}: {labels:?}"
            );
        }
    }
}

/// Units flow through functions: `predict_linear` of bytes is bytes, `changes` a
/// count, `hour()` an hour of the day, `rate` of seconds a ratio, `deriv` of bytes
/// bytes per second; a mismatch keeps its code.
#[test]
fn units_flow_through_functions() {
    let cat = catalog();
    let unit = |text: &str| {
        let e = expr::parse_query(text).unwrap();
        let map = expr::SourceMap {
            base: forge_spec::source::Span::new(forge_spec::source::FileId(0), 0, text.len()),
            exact: true,
        };
        let c = expr::check(&e, &cat, map);
        (
            c.ty.unwrap().unit.name().to_string(),
            c.diagnostics
                .iter()
                .map(|d| d.code.code)
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        unit("predict_linear(process_resident_memory_bytes[1h], 3600)").0,
        "bytes"
    );
    assert_eq!(unit("changes(shop_queue_depth[1h])").0, "no unit");
    assert_eq!(unit("hour()").0, "hour of the day");
    assert_eq!(unit("rate(http_request_duration_seconds_sum)").0, "a ratio");
    assert_eq!(
        unit("deriv(process_resident_memory_bytes[10m])").0,
        "bytes per second"
    );
    assert_eq!(
        unit("histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket)))").0,
        "seconds"
    );
    assert!(
        unit("predict_linear(process_resident_memory_bytes[1h], 3600) > 5%")
            .1
            .contains(&"X005")
    );
    assert!(unit("hour() > 2h").1.contains(&"X005"));
    assert!(unit("rate(shop_queue_depth)").1.contains(&"X004"));
    assert!(unit("deriv(http_requests_total[5m])").1.contains(&"X004"));
    assert!(unit("histogram_avg(shop_queue_depth)").1.contains(&"X003"));
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

/// A strategy for well-typed expressions of the condition language (series where
/// PromQL takes series, numbers where it takes numbers), printed as text.
fn expr_text() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        (0u32..100).prop_map(|n| format!("{n}%")),
        (1u32..100).prop_map(|n| format!("{n}ms")),
        (1u32..100).prop_map(|n| format!("{n}GiB")),
        Just("time()".to_string()),
        Just("scalar(shop_queue_depth)".to_string()),
    ];
    let leaf = prop_oneof![
        Just("http_requests_total".to_string()),
        Just(r#"http_requests_total{code="5xx"}"#.to_string()),
        Just("rate(http_requests_total[1m])".to_string()),
        Just("p95(http_request_duration_seconds)".to_string()),
        Just("up(web)".to_string()),
        Just("shop_queue_depth offset 5m".to_string()),
        Just("changes(shop_queue_depth[10m])".to_string()),
        Just(r#"{__name__=~"shop_.+"}"#.to_string()),
        Just("hour()".to_string()),
    ];
    let matching = prop::sample::select(vec![
        "",
        " on(code)",
        " ignoring(route)",
        " on(code) group_left()",
        " on(code) group_right(route)",
    ]);
    leaf.prop_recursive(4, 24, 3, move |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "%", "^", "atan2"]),
                matching.clone(),
                inner.clone()
            )
                .prop_map(|(a, op, m, b)| format!("({a} {op}{m} {b})")),
            (
                inner.clone(),
                prop::sample::select(vec![">", "<=", "==", "!=", "> bool", "< bool"]),
                number.clone()
            )
                .prop_map(|(a, op, n)| format!("({a} {op} {n})")),
            (
                number.clone(),
                prop::sample::select(vec!["*", "+", "-"]),
                inner.clone()
            )
                .prop_map(|(n, op, a)| format!("({n} {op} {a})")),
            (
                inner.clone(),
                prop::sample::select(vec![
                    "and",
                    "or",
                    "unless",
                    "and on(code)",
                    "unless ignoring(route)"
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("sum({a}) by (code)")),
            inner
                .clone()
                .prop_map(|a| format!("sum without (route) ({a})")),
            inner.clone().prop_map(|a| format!("topk(3, {a})")),
            inner.clone().prop_map(|a| format!("clamp_min({a}, 0)")),
            inner
                .clone()
                .prop_map(|a| format!(r#"label_replace({a}, "x", "$1", "code", "(.*)")"#)),
            inner
                .clone()
                .prop_map(|a| format!("max_over_time(({a})[30m:1m])")),
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
    /// is PromQL that promql-parser accepts.
    #[test]
    fn print_parse_round_trip(text in expr_text()) {
        let a = expr::parse_query(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
        let printed = a.to_string();
        let b = expr::parse_query(&printed).unwrap();
        prop_assert_eq!(&printed, &b.to_string());
        let cat = catalog();
        let la = expr::lower(&a, &expr::Lowering { catalog: &cat, range: RangeMode::Fixed(cat.default_range), scale: 1 });
        let lb = expr::lower(&b, &expr::Lowering { catalog: &cat, range: RangeMode::Fixed(cat.default_range), scale: 1 });
        prop_assert_eq!(&la, &lb);
        if let Err(e) = promql_parser::parser::parse(&la) {
            return Err(TestCaseError::fail(format!("{text} → {la}: {e}")));
        }
    }
}

/// Raw PromQL (`expr:`) goes through the same checker: unknown metrics and labels,
/// wrong metric types and closed label sets are found in it; `__name__` selectors,
/// `up` and `ALERTS` are accepted; an alert's `allow:` silences what its `expr:` reports.
#[test]
fn raw_promql_is_typed() {
    let run = |promql: &str, allow: &str| {
        let spec = format!(
            "{SPEC}alerts:\n  A:\n    severity: warning\n    expr: '{promql}'\n    for: 5m\n    summary: A.\n    runbook: r.md\n{allow}"
        );
        forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default())
            .diagnostics
            .items
            .iter()
            .map(|d| d.code.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run("rate(http_requests_total[5m]) > 1", ""),
        Vec::<&str>::new()
    );
    assert!(run("rate(shop_queue_depth[5m]) > 1", "").contains(&"X004"));
    assert!(run("rate(http_requests_totl[5m]) > 1", "").contains(&"X002"));
    assert!(run(r#"rate(http_requests_total{cde="5xx"}[5m]) > 1"#, "").contains(&"X007"));
    assert!(run(r#"rate(http_requests_total{code="6xx"}[5m]) > 1"#, "").contains(&"X008"));
    assert!(
        run(
            r#"sum by (le) (rate(http_request_duration_seconds_bucket[5m])) > 1"#,
            ""
        )
        .is_empty()
    );
    assert_eq!(
        run(r#"count({__name__=~"shop_.+"}) > 100"#, ""),
        Vec::<&str>::new()
    );
    assert_eq!(run(r#"up{job="web"} == 0"#, ""), Vec::<&str>::new());
    assert_eq!(
        run(r#"ALERTS{alertstate="firing"} > 0"#, ""),
        Vec::<&str>::new()
    );
    // Raw numbers carry no unit: no bare-number warning.
    assert_eq!(
        run("process_resident_memory_bytes > 12e9", ""),
        Vec::<&str>::new()
    );
    let allow = "    allow: [{rule: wrong-metric-type, reason: test}]\n";
    assert!(!run("rate(shop_queue_depth[5m]) > 1", allow).contains(&"X004"));
}

/// X003's documentation (`forge-spec explain X003`, which the help lines point to)
/// names every function and aggregation of the table.
#[test]
fn x003_documents_every_function() {
    let doc = forge_spec::rules::find("X003").unwrap().doc;
    for name in expr::functions::all_names() {
        assert!(
            doc.contains(&format!("`{name}")),
            "X003 does not name `{name}`"
        );
    }
    for (name, _) in expr::functions::LATER {
        assert!(
            doc.contains(&format!("`{name}`")),
            "X003 does not name `{name}`"
        );
    }
}

/// PromQL's keywords and aggregations in any case, as Prometheus reads them (kube-
/// prometheus writes `and ON()`, mixins `BY`, `WITHOUT`, `OFFSET`): each condition
/// lowers to what its lower-case form lowers to. Functions stay case-sensitive, as in
/// PromQL, and an upper-case word that is not a keyword stays a metric name.
#[test]
fn keywords_in_any_case() {
    for (upper, lower) in [
        (
            "SUM BY (code) (rate(http_requests_total)) > 1",
            "sum by (code) (rate(http_requests_total)) > 1",
        ),
        (
            "Max WITHOUT (code) (rate(http_requests_total)) > 1",
            "max without (code) (rate(http_requests_total)) > 1",
        ),
        (
            "shop_queue_depth > 1 AND ON() shop_queue_depth < 5",
            "shop_queue_depth > 1 and on() shop_queue_depth < 5",
        ),
        (
            "shop_queue_depth > 1 Or shop_queue_depth UNLESS IGNORING(code) shop_queue_depth < 0",
            "shop_queue_depth > 1 or shop_queue_depth unless ignoring(code) shop_queue_depth < 0",
        ),
        (
            "shop_queue_depth OFFSET 1h - shop_queue_depth > BOOL 10",
            "shop_queue_depth offset 1h - shop_queue_depth > bool 10",
        ),
        (
            "rate(http_requests_total) * On(code) GROUP_LEFT(route) shop_queue_depth > 1",
            "rate(http_requests_total) * on(code) group_left(route) shop_queue_depth > 1",
        ),
    ] {
        assert_eq!(lower_condition(upper), lower_condition(lower), "{upper}");
    }
    // Functions are not keywords: `RATE` is an unknown name, not `rate`.
    assert!(
        expr::parse_condition("RATE(http_requests_total) > 1").is_ok_and(|c| {
            let cat = catalog();
            let map = expr::SourceMap {
                base: Default::default(),
                exact: true,
            };
            let checked = expr::check(&c.expr, &cat, map);
            !checked.diagnostics.is_empty()
        })
    );
}

/// How far back an evaluation reads: the longest range with its offset, a subquery's
/// range added to what it evaluates, the default range where a range is left out. The
/// generated tests judge an alert only once that much history exists (Rook's
/// `rate(x[30m]) > 0.8` judged at 11 minutes saw a third of its window and failed).
#[test]
fn lookback_is_the_longest_read() {
    let minutes = |text: &str| {
        expr::parse_condition(text)
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
            .expr
            .lookback(5 * 60_000)
            / 60_000
    };
    assert_eq!(minutes("shop_queue_depth > 1"), 0);
    assert_eq!(minutes("rate(http_requests_total) > 1"), 5);
    assert_eq!(minutes("rate(http_requests_total[30m]) > 0.8"), 30);
    assert_eq!(minutes("rate(http_requests_total[1m]) > 0.8"), 1);
    assert_eq!(
        minutes("shop_queue_depth offset 1h - shop_queue_depth > 10"),
        60
    );
    assert_eq!(
        minutes("rate(http_requests_total[10m] offset 20m) / rate(http_requests_total[2m]) > 2"),
        30
    );
    assert_eq!(
        minutes("max_over_time(rate(http_requests_total[5m])[1h:1m]) > 1"),
        65
    );
    assert_eq!(minutes("avg_over_time(shop_queue_depth[2h]) > 1"), 120);
}
