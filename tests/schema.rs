//! The JSON Schema from `forge-spec schema`: it accepts the shipped spec and refuses
//! unknown keys (checked with the `jsonschema` crate).

fn validator() -> jsonschema::Validator {
    let schema = forge_spec::syntax::json_schema().expect("the schema serialises");
    let text = forge_spec::emit::schema::render(&schema).expect("the schema serialises");
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
