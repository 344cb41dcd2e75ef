//! The JSON Schema from `forge-spec schema`: it accepts the shipped spec and refuses
//! unknown keys (checked with the `jsonschema` crate).

fn validator() -> jsonschema::Validator {
    let schema = forge_spec::syntax::json_schema().expect("the schema serialises");
    let text = forge_spec::emit::render_schema(&schema).expect("the schema serialises");
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::new(&schema).expect("valid draft-07 schema")
}

fn yaml_to_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str::<serde_json::Value>(text).expect("yaml")
}

/// Every file of the shipped spec validates against the schema.
#[test]
fn shipped_spec_validates() {
    let v = validator();
    for e in std::fs::read_dir("spec").unwrap() {
        let p = e.unwrap().path();
        let doc = yaml_to_json(&std::fs::read_to_string(&p).unwrap());
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
}

/// An unknown key anywhere is refused by the schema, as by the compiler.
#[test]
fn unknown_key_is_refused() {
    let v = validator();
    let doc = yaml_to_json(
        "service: {name: shop}\nmetrics:\n  shop_a_total: {type: counter, help: A., colour: red}\n",
    );
    assert!(!v.is_valid(&doc));
    let doc = yaml_to_json("service: {name: shop}\nmetricz: {}\n");
    assert!(!v.is_valid(&doc));
    let ok = yaml_to_json(
        "service: {name: shop}\nmetrics:\n  shop_a_total: {type: counter, help: A.}\n",
    );
    assert!(v.is_valid(&ok));
}

fn schema_json() -> serde_json::Value {
    let schema = forge_spec::syntax::json_schema().expect("the schema serialises");
    serde_json::to_value(schema).unwrap()
}

/// Every property, at any depth (inside `anyOf`, `items`, definitions), has a
/// description: the editor shows it on hover and in completion.
#[test]
fn every_property_is_described() {
    fn walk(node: &serde_json::Value, path: &str, missing: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    for (k, v) in props {
                        let described = v
                            .get("description")
                            .and_then(|d| d.as_str())
                            .is_some_and(|d| !d.trim().is_empty());
                        if !described {
                            missing.push(format!("{path}.{k}"));
                        }
                    }
                }
                for (k, v) in map {
                    walk(v, &format!("{path}/{k}"), missing);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), missing);
                }
            }
            _ => {}
        }
    }
    let mut missing = Vec::new();
    walk(&schema_json(), "", &mut missing);
    assert!(
        missing.is_empty(),
        "properties without a description: {missing:#?}"
    );
}

/// Closed sets are `enum`s: a misspelt metric type, panel type or log level is flagged
/// by the editor as by the compiler, and the values are offered for completion; the
/// severity (an open set: `routing.severities` may add some) offers its defaults.
#[test]
fn closed_sets_are_enums() {
    let v = validator();
    let base = "service: {name: shop}\nmetrics:\n  shop_a_total: {type: counter, help: A.}\n";
    for bad in [
        "service: {name: shop}\nmetrics:\n  shop_a_total: {type: countr, help: A.}\n",
        "service: {name: shop}\ndashboards:\n  d: {title: D, panels: [{title: P, query: x, type: grpah}]}\n",
        "service: {name: shop}\nlogs:\n  level: inf\n",
        "service: {name: shop}\nlogs:\n  events:\n    e: {level: warn, message: m, fields: {a: strng}}\n",
        "service: {name: shop}\nreceivers:\n  o: {opsgenie: {api_key_file: k, priority: P9}}\n",
    ] {
        assert!(!v.is_valid(&yaml_to_json(bad)), "{bad}");
    }
    assert!(v.is_valid(&yaml_to_json(base)));
    let schema = schema_json();
    let defs = &schema["definitions"];
    assert_eq!(
        defs["Metric"]["properties"]["type"]["enum"],
        serde_json::json!(forge_spec::syntax::closed::METRIC_TYPES)
    );
    assert_eq!(
        defs["Alert"]["properties"]["severity"]["examples"],
        serde_json::json!(["critical", "warning", "info"])
    );
    // The compiler accepts exactly what the schema lists.
    for t in forge_spec::syntax::closed::METRIC_TYPES {
        let doc = base.replace("counter", t);
        assert!(v.is_valid(&yaml_to_json(&doc)), "{t}");
    }
}
