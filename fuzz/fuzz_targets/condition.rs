//! Fuzz target: the condition parser, checker and PromQL lowering on arbitrary text;
//! every successful lowering must parse as PromQL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn catalog() -> &'static forge_spec::expr::Catalog {
    static C: OnceLock<forge_spec::expr::Catalog> = OnceLock::new();
    C.get_or_init(|| {
        let spec = "service: {name: f}\ntargets: {web: {address: \"w:1\"}}\nmetrics:\n  req_total: {type: counter, help: R., standard: true, labels: {code: {values: [\"2xx\", \"5xx\"]}}}\n  lat_seconds: {type: histogram, unit: seconds, help: L., standard: true, buckets: [0.1, 1]}\n  mem_bytes: {type: gauge, unit: bytes, help: M., standard: true}\n";
        forge_spec::compile_str(&[("s.yaml", spec)], &Default::default()).model.expect("catalog spec").catalog
    })
}


fuzz_target!(|data: &[u8]| {
    forge_spec::expr::promql::quiet_parser_panics();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let cat = catalog();
    if let Ok(c) = forge_spec::expr::parse_condition(text) {
        let map = forge_spec::expr::SourceMap { base: Default::default(), exact: false };
        let checked = forge_spec::expr::check(&c.expr, cat, map);
        let promql = forge_spec::expr::lower(
            &c.expr,
            &forge_spec::expr::Lowering { catalog: cat, range: forge_spec::expr::RangeMode::Fixed(cat.default_range), scale: 1 },
        );
        if checked.diagnostics.is_empty() {
            assert!(forge_spec::expr::promql::parse(&promql).is_ok(), "{text:?} lowered to invalid PromQL {promql:?}");
        }
        let reprinted = c.expr.to_string();
        assert!(forge_spec::expr::parse_query(&reprinted).is_ok(), "{text:?} printed as {reprinted:?} does not re-parse");
    }
    let _ = forge_spec::expr::parse_selector(text);
    let _ = forge_spec::expr::promql::parse(text);
});
