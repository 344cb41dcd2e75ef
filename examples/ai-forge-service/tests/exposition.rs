//! The example service's exposition matches the spec metric for metric: every metric
//! the service exports (its own and the client collector's) with the spec's exact name,
//! type, help and unit, and nothing undeclared.

use ai_forge_service::App;
use std::collections::BTreeMap;
use std::path::Path;

struct Family {
    kind: String,
    help: String,
    unit: Option<String>,
}

/// TYPE, HELP and UNIT per metric family of an exposition, keyed by the family name.
fn families(text: &str) -> BTreeMap<String, Family> {
    let mut out: BTreeMap<String, Family> = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("# ") else {
            continue;
        };
        let Some((what, rest)) = rest.split_once(' ') else {
            continue;
        };
        let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
        let f = out.entry(name.to_string()).or_insert(Family {
            kind: String::new(),
            help: String::new(),
            unit: None,
        });
        match what {
            "TYPE" => f.kind = value.to_string(),
            "HELP" => f.help = value.to_string(),
            "UNIT" => f.unit = Some(value.to_string()),
            _ => {}
        }
    }
    out
}

fn spec() -> forge_spec::ir::Model {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
    let comp = forge_spec::compile(&[spec], "spec", &Default::default()).unwrap();
    assert!(!comp.diagnostics.has_errors());
    comp.model.unwrap()
}

fn exercised() -> App {
    let app = App::new();
    app.faults
        .lock()
        .unwrap()
        .apply("error_rate=0.5&fail_jobs=1&hold_job=10")
        .unwrap();
    for _ in 0..40 {
        app.tick();
    }
    app
}

/// Text format (what Prometheus' text parser and promtool read): names with `_total`.
#[test]
fn text_exposition_matches_the_spec() {
    let model = spec();
    let app = exercised();
    let text = app.exposition(false);
    let fams = families(&text);
    let expected: Vec<&forge_spec::ir::Metric> = model
        .metrics
        .iter()
        // Its own metrics, and the two of the `process` catalogue the example's
        // process collector exports.
        .filter(|m| {
            m.own()
                || ["process_resident_memory_bytes", "process_cpu_seconds_total"]
                    .contains(&m.name.value.as_str())
        })
        .collect();
    assert!(expected.len() >= 10);
    for m in &expected {
        let name = &m.name.value;
        let f = fams
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing from the exposition:\n{text}"));
        assert_eq!(f.kind, m.kind.as_str(), "{name}");
        let help = m
            .help
            .as_ref()
            .unwrap()
            .value
            .trim()
            .trim_end_matches('.')
            .to_string()
            + ".";
        assert_eq!(f.help, help, "{name}");
    }
    for name in fams.keys() {
        assert!(
            expected.iter().any(|m| &m.name.value == name),
            "{name} is exported but not declared in the spec"
        );
    }
    // Every sample belongs to a declared family.
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let series = line.split(['{', ' ']).next().unwrap();
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| series.strip_suffix(s).filter(|b| fams.contains_key(*b)))
            .unwrap_or(series);
        assert!(
            fams.contains_key(family),
            "sample {series} has no declared family"
        );
    }
}

/// OpenMetrics (what Prometheus scrapes): the UNIT of every metric with a unit.
#[test]
fn openmetrics_units_match_the_spec() {
    let model = spec();
    let om = exercised().exposition(true);
    assert!(om.ends_with("# EOF\n"));
    let fams = families(&om);
    for m in model.metrics.iter().filter(|m| m.own()) {
        let Some(unit) = &m.unit_text else { continue };
        let base = m.name.value.strip_suffix("_total").unwrap_or(&m.name.value);
        let f = fams
            .get(base)
            .unwrap_or_else(|| panic!("{base} missing:\n{om}"));
        assert_eq!(f.unit.as_deref(), Some(unit.value.as_str()), "{base}");
    }
}

/// Faults drive what the alerts watch: 5xx share, memory, failed and held jobs.
#[test]
fn faults_move_the_metrics() {
    let app = App::new();
    app.faults
        .lock()
        .unwrap()
        .apply("error_rate=0.5&memory_bytes=13000000000&fail_jobs=1&hold_job=7300")
        .unwrap();
    for _ in 0..20 {
        app.tick();
    }
    let text = app.exposition(false);
    assert!(text.contains("code=\"5xx\"} 100"), "{text}");
    assert!(
        text.contains("process_resident_memory_bytes 13000000000"),
        "{text}"
    );
    assert!(
        text.contains("ai_forge_training_jobs_failed_total 1"),
        "{text}"
    );
    let stuck = text
        .lines()
        .find(|l| l.starts_with("ai_forge_training_longest_running_job_seconds "))
        .unwrap();
    let v: f64 = stuck.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(v >= 7300.0, "{stuck}");
    assert!(app.faults.lock().unwrap().apply("bogus=1").is_err());
}
