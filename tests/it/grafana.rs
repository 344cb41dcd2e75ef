//! Grafana backend: every generated dashboard validated against Grafana's official JSON
//! Schemas (`../shared/grafana-schema`, from Grafana's foundation SDK): the envelope,
//! each panel's options and custom field config, each target, each unit. Also: every
//! panel query parses and reads only declared metrics or recorded rules.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn schema_dir() -> PathBuf {
    let dir = std::env::var_os("FORGE_GRAFANA_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/grafana-schema"));
    assert!(
        dir.join("dashboard.jsonschema.json").is_file(),
        "Grafana's schemas are not at {} (set FORGE_GRAFANA_SCHEMA); this test must not be skipped",
        dir.display()
    );
    dir
}

fn load(name: &str) -> Value {
    let text =
        std::fs::read_to_string(schema_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// A validator for one definition of a schema file.
fn validator(file: &str, definition: Option<&str>) -> Option<jsonschema::Validator> {
    let mut schema = load(file);
    if let Some(def) = definition {
        schema["definitions"].get(def)?;
        schema["$ref"] = json!(format!("#/definitions/{def}"));
    }
    Some(jsonschema::draft7::new(&schema).expect("schema compiles"))
}

fn unit_validator() -> jsonschema::Validator {
    let mut schema = load("units.jsonschema.json");
    let refs: Vec<Value> = schema["definitions"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| json!({"$ref": format!("#/definitions/{k}")}))
        .collect();
    schema["anyOf"] = json!(refs);
    jsonschema::draft7::new(&schema).unwrap()
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// All problems of one dashboard against Grafana's schemas.
fn validate(d: &Value) -> Vec<String> {
    let mut out = errors(&validator("dashboard.jsonschema.json", None).unwrap(), d);
    let target_v = validator("prometheus.jsonschema.json", None).unwrap();
    let units = unit_validator();
    for p in d["panels"].as_array().into_iter().flatten() {
        let kind = p["type"].as_str().unwrap_or("?");
        let title = p["title"].as_str().unwrap_or("?");
        match validator(&format!("{kind}.jsonschema.json"), Some("Options")) {
            Some(v) => out.extend(
                errors(&v, &p["options"])
                    .into_iter()
                    .map(|e| format!("{title}: options: {e}")),
            ),
            None => out.push(format!("{title}: no Options schema for panel type {kind}")),
        }
        let custom = &p["fieldConfig"]["defaults"]["custom"];
        if !custom.is_null() {
            match validator(&format!("{kind}.jsonschema.json"), Some("FieldConfig")) {
                Some(v) => out.extend(
                    errors(&v, custom)
                        .into_iter()
                        .map(|e| format!("{title}: custom: {e}")),
                ),
                None => out.push(format!(
                    "{title}: panel type {kind} has no custom field config"
                )),
            }
        }
        for t in p["targets"].as_array().into_iter().flatten() {
            out.extend(
                errors(&target_v, t)
                    .into_iter()
                    .map(|e| format!("{title}: target: {e}")),
            );
        }
        let unit = &p["fieldConfig"]["defaults"]["unit"];
        if !units.is_valid(unit) {
            out.push(format!("{title}: unit {unit} is not a Grafana unit"));
        }
    }
    out
}

fn generated() -> Vec<(String, Value)> {
    let comp = forge_spec::compile(&["spec".into()], "spec", &Default::default()).unwrap();
    let out = forge_spec::emit::emit(comp.model.as_ref().unwrap()).expect("every file serialises");
    out.files
        .iter()
        .filter(|(p, _)| p.starts_with("grafana/dashboards/"))
        .map(|(p, b)| (p.clone(), serde_json::from_slice(b).unwrap()))
        .collect()
}

/// Every generated dashboard of the shipped spec and of the emit fixtures passes
/// Grafana's schemas.
#[test]
fn dashboards_pass_grafana_schemas() {
    let mut all = generated();
    for entry in std::fs::read_dir("tests/fixtures/emit").unwrap() {
        let p = entry.unwrap().path();
        let comp =
            forge_spec::compile(std::slice::from_ref(&p), "fixture", &Default::default()).unwrap();
        let out =
            forge_spec::emit::emit(comp.model.as_ref().unwrap()).expect("every file serialises");
        for (path, bytes) in &out.files {
            if path.starts_with("grafana/dashboards/") {
                all.push((
                    format!("{}:{path}", p.display()),
                    serde_json::from_slice(bytes).unwrap(),
                ));
            }
        }
    }
    // The organisation fixture: each service's dashboards in its own folder.
    let mut org =
        forge_spec::compile(&["tests/fixtures/org".into()], "org", &Default::default()).unwrap();
    let out = forge_spec::emit_checked(&mut org)
        .unwrap()
        .expect("the fixture builds");
    let before = all.len();
    for (path, bytes) in &out.files {
        if path.starts_with("grafana/dashboards/") && path.ends_with(".json") {
            all.push((
                format!("org:{path}"),
                serde_json::from_slice(bytes).unwrap(),
            ));
        }
    }
    assert!(all.len() >= before + 4, "the organisation's dashboards");
    // A synthetic spec with more SLOs than get their own panels: the variable-driven
    // SLO dashboard.
    let files = forge_spec::synth::generate(60, 7);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let comp = forge_spec::compile_str(&refs, &Default::default());
    let out = forge_spec::emit::emit(comp.model.as_ref().unwrap()).expect("every file serialises");
    let slo = &out.files["grafana/dashboards/synth-slos.json"];
    let slo: Value = serde_json::from_slice(slo).unwrap();
    assert_eq!(slo["templating"]["list"][1]["name"], "slo");
    assert_eq!(slo["panels"].as_array().unwrap().len(), 4);
    all.push(("synth-slos.json".into(), slo));
    assert!(all.len() >= 4);
    for (path, d) in &all {
        let problems = validate(d);
        assert!(problems.is_empty(), "{path}:\n{}", problems.join("\n"));
    }
}

/// A corrupted dashboard fails: a wrong field type, and an unknown panel option.
#[test]
fn corrupted_dashboards_fail() {
    let (_, d) = generated()
        .into_iter()
        .find(|(p, _)| p.ends_with("api-performance.json"))
        .unwrap();
    let mut wrong_type = d.clone();
    wrong_type["panels"][0]["gridPos"]["h"] = json!("eight");
    assert!(!validate(&wrong_type).is_empty());
    let mut unknown_option = d.clone();
    unknown_option["panels"][0]["options"]["sparkles"] = json!(true);
    assert!(
        validate(&unknown_option)
            .iter()
            .any(|e| e.contains("options"))
    );
    let mut bad_unit = d;
    bad_unit["panels"][0]["fieldConfig"]["defaults"]["unit"] = json!("furlongs");
    assert!(validate(&bad_unit).iter().any(|e| e.contains("furlongs")));
}

/// The guide's three dashboards exist with every panel it lists, in its order, and the
/// SLO dashboard covers every SLO.
#[test]
fn guide_dashboards_and_slo_coverage() {
    let all = generated();
    let titles = |file: &str| -> Vec<String> {
        let (_, d) = all
            .iter()
            .find(|(p, _)| p.ends_with(file))
            .unwrap_or_else(|| panic!("{file}"));
        d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        titles("api-performance.json"),
        [
            "Request rate",
            "Latency percentiles",
            "Error rate",
            "Active connections"
        ]
    );
    assert_eq!(
        titles("training.json"),
        [
            "Active training jobs",
            "Job duration distribution",
            "Training loss over time",
            "Failed job count"
        ]
    );
    assert_eq!(
        titles("resources.json"),
        ["Memory usage", "CPU usage", "Disk I/O", "Network traffic"]
    );
    let slo = titles("ai-forge-slos.json");
    for s in ["availability", "latency", "error_rate", "training_success"] {
        for part in [
            "over 30d",
            "objective",
            "error budget remaining",
            "burn rate",
        ] {
            assert!(
                slo.iter()
                    .any(|t| t.starts_with(&format!("{s}:")) && t.contains(part)),
                "{s} {part}: {slo:?}"
            );
        }
    }
}

/// Panels use the datasource variable, `$__rate_interval`, units from the metrics, and
/// distinct ids; the job-duration histogram is a heatmap.
#[test]
fn panel_conventions() {
    let all = generated();
    let (_, api) = all
        .iter()
        .find(|(p, _)| p.ends_with("api-performance.json"))
        .unwrap();
    assert_eq!(api["templating"]["list"][0]["type"], "datasource");
    let panels = api["panels"].as_array().unwrap();
    assert_eq!(panels[0]["datasource"]["uid"], "${datasource}");
    assert!(
        panels[0]["targets"][0]["expr"]
            .as_str()
            .unwrap()
            .contains("[$__rate_interval]")
    );
    assert_eq!(panels[0]["fieldConfig"]["defaults"]["unit"], "reqps");
    assert_eq!(panels[1]["fieldConfig"]["defaults"]["unit"], "s");
    assert_eq!(panels[2]["fieldConfig"]["defaults"]["unit"], "percentunit");
    let legends: Vec<&str> = panels[1]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["legendFormat"].as_str().unwrap())
        .collect();
    assert_eq!(legends, ["p50", "p95", "p99"]);
    let ids: Vec<u64> = panels.iter().map(|p| p["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    let (_, training) = all
        .iter()
        .find(|(p, _)| p.ends_with("training.json"))
        .unwrap();
    assert_eq!(training["panels"][1]["type"], "heatmap");
    let (_, res) = all
        .iter()
        .find(|(p, _)| p.ends_with("resources.json"))
        .unwrap();
    assert_eq!(res["panels"][0]["fieldConfig"]["defaults"]["unit"], "bytes");
    assert_eq!(res["panels"][2]["fieldConfig"]["defaults"]["unit"], "Bps");
    fn no_nulls(v: &Value) -> bool {
        match v {
            Value::Null => false,
            Value::Array(a) => a.iter().all(no_nulls),
            Value::Object(o) => o.values().all(no_nulls),
            _ => true,
        }
    }
    for (path, d) in &all {
        assert!(no_nulls(d), "{path} contains a null");
    }
}

/// Every panel query parses as PromQL and reads only declared metrics or the SLO
/// recording rules the Prometheus backend writes.
#[test]
fn panel_queries_parse_and_resolve() {
    let comp = forge_spec::compile(&["spec".into()], "spec", &Default::default()).unwrap();
    let model = comp.model.unwrap();
    let recorded = forge_spec::ir::slo::recorded_names();
    for (path, d) in generated() {
        for p in d["panels"].as_array().unwrap() {
            for t in p["targets"].as_array().unwrap() {
                let expr = t["expr"]
                    .as_str()
                    .unwrap()
                    .replace("$__rate_interval", "5m");
                let parsed = forge_spec::expr::promql::parse(&expr)
                    .unwrap_or_else(|e| panic!("{path}: {expr}: {e}"));
                for sel in forge_spec::expr::promql::selectors(&parsed) {
                    let name = sel.metric.unwrap();
                    assert!(
                        model.catalog.resolve(&name).is_some() || recorded.contains(&name),
                        "{path}: {name} is neither declared nor recorded"
                    );
                }
            }
        }
    }
}

/// A grouped SLO's dashboard has a variable per group label (all values by default),
/// and its grouped series are narrowed by it while the SLO's budget is not.
#[test]
fn grouped_slo_dashboard_variables() {
    let comp = forge_spec::compile(
        &["tests/fixtures/emit/grouped_slo.yaml".into()],
        "fixture",
        &Default::default(),
    )
    .unwrap();
    let out = forge_spec::emit::emit(comp.model.as_ref().unwrap()).unwrap();
    let d: Value = serde_json::from_slice(&out.files["grafana/dashboards/api-slos.json"]).unwrap();
    let vars: Vec<&str> = d["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert!(
        vars.contains(&"handler") && vars.contains(&"method"),
        "{vars:?}"
    );
    let exprs: Vec<&str> = d["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap())
        .filter_map(|t| t["expr"].as_str())
        .collect();
    assert!(
        exprs
            .iter()
            .any(|e| e.starts_with("slo:period_error_budget_remaining:ratio")
                && e.contains(r#"handler=~"$handler""#)),
        "{exprs:?}"
    );
    assert!(exprs.iter().all(|e| {
        !e.contains(r#"slo:error_budget:ratio{slo="availability", service="api", handler"#)
    }));
    assert!(validate(&d).is_empty(), "{:?}", validate(&d));
}
