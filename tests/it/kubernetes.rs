//! The engines' outputs (`outputs:`): every Kubernetes resource validates against the
//! Prometheus Operator's CRDs (`../shared/prometheus-operator-crds/`, OpenAPI v3 under
//! `spec.versions[].schema`) and Kubernetes' own rules for names and labels; the rule
//! groups inside a `PrometheusRule` are the plain rule file's, byte for byte, and pass
//! promtool with the generated tests; the Mimir namespaces pass `promtool check rules`;
//! the `AlertmanagerConfig` routes every alert, through the Operator's namespace
//! matcher, to the receiver the plain configuration does (amtool on both).

use crate::common;

use forge_spec::emit::Output;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `../shared/prometheus-operator-crds`, or where `FORGE_OPERATOR_CRDS` says.
fn crd_dir() -> PathBuf {
    std::env::var_os("FORGE_OPERATOR_CRDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/prometheus-operator-crds")
        })
}

/// A CRD's schema for one served version, with its group and kind.
pub(crate) struct Crd {
    api_version: String,
    kind: String,
    schema: Value,
}

/// Reads the CRDs of a directory; an error (never a skip) when one is missing.
fn load_crds(dir: &Path) -> Result<Vec<Crd>, String> {
    let mut out = Vec::new();
    for file in [
        "monitoring.coreos.com_prometheusrules.yaml",
        "monitoring.coreos.com_alertmanagerconfigs.yaml",
        "monitoring.coreos.com_servicemonitors.yaml",
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e} (the CRDs are read from ../shared)", path.display()))?;
        let crd: Value = serde_saphyr::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        let group = crd["spec"]["group"].as_str().ok_or("no group")?;
        let kind = crd["spec"]["names"]["kind"].as_str().ok_or("no kind")?;
        for v in crd["spec"]["versions"].as_array().ok_or("no versions")? {
            out.push(Crd {
                api_version: format!("{group}/{}", v["name"].as_str().ok_or("no name")?),
                kind: kind.to_string(),
                schema: {
                    let mut s = v["schema"]["openAPIV3Schema"].clone();
                    readable(&mut s);
                    s
                },
            });
        }
    }
    Ok(out)
}

/// The schema with the patterns JSON Schema cannot read dropped: the Operator's
/// time-interval patterns (months, weekdays) use RE2's inline `(?i)` mid-pattern, which
/// ECMA regular expressions lack; forge-spec writes no time intervals.
fn readable(schema: &mut Value) {
    match schema {
        Value::Object(o) => {
            if o.get("pattern")
                .and_then(Value::as_str)
                .is_some_and(|p| p.contains("(?i)"))
            {
                o.remove("pattern");
            }
            o.values_mut().for_each(readable);
        }
        Value::Array(a) => a.iter_mut().for_each(readable),
        _ => {}
    }
}

pub(crate) fn crds() -> Vec<Crd> {
    load_crds(&crd_dir())
        .unwrap_or_else(|e| panic!("the Prometheus Operator CRDs are required: {e}"))
}

/// A test fails, rather than passes vacuously, when the CRDs are not there.
#[test]
fn missing_crds_are_an_error() {
    assert!(load_crds(Path::new("/nonexistent/crds")).is_err());
    assert_eq!(crds().len(), 3);
}

fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn label_value(s: &str) -> bool {
    s.is_empty()
        || (s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric())
}

/// Fields the schema does not declare (Kubernetes would prune them: a field we meant
/// would be lost), below objects that do not preserve unknown fields.
fn unknown_fields(schema: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true)) {
        return;
    }
    match v {
        Value::Object(o) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties");
            for (k, x) in o {
                match (props.and_then(|p| p.get(k)), extra) {
                    (Some(s), _) => unknown_fields(s, x, &format!("{at}.{k}"), out),
                    (None, Some(s)) if s.is_object() => {
                        unknown_fields(s, x, &format!("{at}.{k}"), out)
                    }
                    (None, _) if props.is_some() => out.push(format!("{at}.{k}: unknown field")),
                    _ => {}
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items") {
                for (i, x) in a.iter().enumerate() {
                    unknown_fields(items, x, &format!("{at}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

fn schema_errors(schema: &Value, v: &Value, at: &str) -> Vec<String> {
    let validator = jsonschema::draft4::new(schema).expect("the CRD schema compiles");
    let mut out: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{at}{}: {e}", e.instance_path()))
        .collect();
    unknown_fields(schema, v, at, &mut out);
    out
}

/// Everything Kubernetes and the Operator would refuse in a resource: its CRD's schema,
/// fields it does not declare, `apiVersion`/`kind`, the name (a DNS subdomain), the
/// namespace (a DNS label), label syntax; child routes (free-form in the CRD) against
/// the route schema, as the Operator parses them.
pub(crate) fn validate(crds: &[Crd], r: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let name = r["metadata"]["name"].as_str().unwrap_or("");
    // Kubernetes' IsDNS1123Subdomain: the length of the whole, the syntax of each part.
    let part = |p: &str| {
        p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && p.starts_with(|c: char| c.is_ascii_alphanumeric())
            && p.ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    if name.is_empty() || name.len() > 253 || !name.split('.').all(part) {
        errors.push(format!("metadata.name {name:?} is not a DNS subdomain"));
    }
    if !r["metadata"]["namespace"].as_str().is_some_and(dns_label) {
        errors.push("metadata.namespace is not a DNS label".into());
    }
    for (k, v) in r["metadata"]["labels"].as_object().into_iter().flatten() {
        let (prefix, key) = k
            .rsplit_once('/')
            .map_or((None, k.as_str()), |(p, n)| (Some(p), n));
        let ok = prefix.is_none_or(|p| p.split('.').all(dns_label))
            && !key.is_empty()
            && label_value(key)
            && v.as_str().is_some_and(label_value);
        if !ok {
            errors.push(format!("label {k}={v} is not valid"));
        }
    }
    let (api, kind) = (
        r["apiVersion"].as_str().unwrap_or(""),
        r["kind"].as_str().unwrap_or(""),
    );
    if (api, kind) == ("v1", "ConfigMap") {
        for (k, v) in r["data"].as_object().into_iter().flatten() {
            if !k
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            {
                errors.push(format!("data key {k} is not valid"));
            }
            if serde_json::from_str::<Value>(v.as_str().unwrap_or("")).is_err() {
                errors.push(format!("data {k} is not JSON"));
            }
        }
        return errors;
    }
    if (api, kind) == ("monitoring.coreos.com/v1", "Probe") {
        // No Probe CRD in ../shared: the fields the Operator documents for it.
        let spec = r["spec"].as_object().cloned().unwrap_or_default();
        for k in spec.keys() {
            if !["jobName", "interval", "module", "prober", "targets"].contains(&k.as_str()) {
                errors.push(format!("spec.{k}: not a Probe field forge-spec writes"));
            }
        }
        if !r["spec"]["prober"]["url"].is_string()
            || !r["spec"]["targets"]["staticConfig"]["static"].is_array()
        {
            errors
                .push("a Probe needs spec.prober.url and spec.targets.staticConfig.static".into());
        }
        return errors;
    }
    let Some(crd) = crds.iter().find(|c| c.api_version == api && c.kind == kind) else {
        return vec![format!("no CRD for {api} {kind}")];
    };
    errors.extend(schema_errors(&crd.schema, r, ""));
    if kind == "AlertmanagerConfig" {
        let route_schema = &crd.schema["properties"]["spec"]["properties"]["route"];
        fn children<'a>(r: &'a Value, out: &mut Vec<&'a Value>) {
            for c in r["routes"].as_array().into_iter().flatten() {
                out.push(c);
                children(c, out);
            }
        }
        let mut all = Vec::new();
        children(&r["spec"]["route"], &mut all);
        for c in all {
            errors.extend(schema_errors(route_schema, c, "spec.route.routes"));
        }
    }
    errors
}

/// The output of a compilation that must have no errors.
fn built(mut c: forge_spec::Compilation) -> (forge_spec::Compilation, Output) {
    let messages: Vec<&str> = c
        .diagnostics
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(messages.is_empty(), "{messages:?}");
    let out = forge_spec::emit_checked(&mut c)
        .unwrap()
        .expect("the spec builds");
    (c, out)
}

fn compile_dir(dir: &Path) -> (forge_spec::Compilation, Output) {
    built(forge_spec::compile(&[dir.to_path_buf()], "spec", &Default::default()).unwrap())
}

pub(crate) fn compile_text(spec: &str) -> Output {
    built(forge_spec::compile_str(
        &[("spec.yaml", spec)],
        &Default::default(),
    ))
    .1
}

/// A copy of a spec directory with one more file (the outputs to test).
fn with_file(src: &str, name: &str, text: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(Path::new(src), tmp.path());
    std::fs::write(tmp.path().join(name), text).unwrap();
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

pub(crate) fn text(out: &Output, path: &str) -> String {
    String::from_utf8(
        out.files
            .get(path)
            .unwrap_or_else(|| panic!("{path} written"))
            .clone(),
    )
    .unwrap()
}

pub(crate) fn yaml(out: &Output, path: &str) -> Value {
    serde_saphyr::from_str(&text(out, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The resources of every `kubernetes/<service>/` directory, by path.
pub(crate) fn resources(out: &Output) -> BTreeMap<String, Value> {
    out.files
        .keys()
        .filter(|p| p.starts_with("kubernetes/") && !p.ends_with("/kustomization.yaml"))
        .map(|p| (p.clone(), yaml(out, p)))
        .collect()
}

/// The organisation fixture with every engine chosen at its root.
fn org() -> (tempfile::TempDir, forge_spec::Compilation, Output) {
    org_with("outputs: [prometheus, kubernetes, mimir]\n")
}

/// The organisation fixture with these root `outputs:`.
fn org_with(outputs: &str) -> (tempfile::TempDir, forge_spec::Compilation, Output) {
    let dir = with_file("tests/fixtures/org", "outputs.yaml", outputs);
    let (c, out) = compile_dir(dir.path());
    (dir, c, out)
}

/// Every resource of the shipped spec and of the organisation validates; each
/// kustomization lists exactly its directory's resources.
#[test]
fn resources_validate_against_the_operator_crds() {
    let crds = crds();
    let (_, shipped) = compile_dir(Path::new("spec"));
    let (_dir, _, org) = org();
    for out in [&shipped, &org] {
        let all = resources(out);
        assert!(all.len() >= 8, "{:?}", all.keys());
        for (path, r) in &all {
            let errors = validate(&crds, r);
            assert!(errors.is_empty(), "{path}: {errors:#?}");
        }
        let dirs: std::collections::BTreeSet<&str> =
            all.keys().map(|p| p.rsplit_once('/').unwrap().0).collect();
        for dir in dirs {
            let k = yaml(out, &format!("{dir}/kustomization.yaml"));
            let listed: Vec<&str> = k["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let present: Vec<&str> = all
                .keys()
                .filter_map(|p| p.strip_prefix(dir)?.strip_prefix('/'))
                .collect();
            assert_eq!(listed, present, "{dir}");
        }
    }
    // Kinds the shipped spec needs: rules, routing, scraped and probed targets, dashboards.
    let kinds: std::collections::BTreeSet<String> = resources(&shipped)
        .values()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "AlertmanagerConfig",
            "ConfigMap",
            "Probe",
            "PrometheusRule",
            "ServiceMonitor"
        ]
    );
}

/// A resource made wrong in each way the validation exists for is refused.
#[test]
fn corrupted_resources_fail_validation() {
    let crds = crds();
    let (_, out) = compile_dir(Path::new("spec"));
    let all = resources(&out);
    let pick = |kind: &str| {
        all.values()
            .find(|r| r["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("a {kind}"))
    };
    let mut corruptions: Vec<(&str, Value)> = Vec::new();
    let mut r = pick("PrometheusRule");
    r["spec"]["groupz"] = json!([]);
    corruptions.push(("unknown field", r));
    let mut r = pick("PrometheusRule");
    r["spec"]["groups"] = json!("not a list");
    corruptions.push(("wrong type", r));
    let mut r = pick("ServiceMonitor");
    r["metadata"]["name"] = json!("Bad_Name");
    corruptions.push(("bad name", r));
    let mut r = pick("ServiceMonitor");
    r["spec"]["endpoints"][0]["interval"] = json!("fifteen seconds");
    corruptions.push(("bad duration", r));
    let mut r = pick("AlertmanagerConfig");
    r["spec"]["route"]["routes"][0]["matchers"][0]["matchType"] = json!("==");
    corruptions.push(("bad child route", r));
    let mut r = pick("AlertmanagerConfig");
    r["spec"]["receivers"][0]["pagerdutyConfigs"][0]["routingKey"] = json!("literal-key");
    corruptions.push(("literal secret", r));
    let mut r = pick("ConfigMap");
    r["metadata"]["labels"]["grafana_dashboard"] = json!("-1-");
    corruptions.push(("bad label value", r));
    for (what, r) in corruptions {
        assert!(!validate(&crds, &r).is_empty(), "{what} passed validation");
    }
}

/// The `PrometheusRule`'s groups are the rule file's, byte for byte; ConfigMaps hold
/// the dashboards' JSON as `grafana/` has it; receivers' secrets are Secret references.
#[test]
fn one_source_of_truth() {
    let (_, out) = compile_dir(Path::new("spec"));
    let plain = text(&out, "prometheus/ai-forge.rules.yml");
    let rule = text(&out, "kubernetes/ai-forge/prometheusrule.yaml");
    let inner: String = rule
        .split_once("\nspec:\n")
        .unwrap()
        .1
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l)))
        .collect();
    assert_eq!(
        inner,
        plain.split_once('\n').unwrap().1,
        "groups differ from the rule file"
    );
    for (path, r) in resources(&out)
        .iter()
        .filter(|(_, r)| r["kind"] == "ConfigMap")
    {
        let (key, json) = r["data"].as_object().unwrap().iter().next().unwrap();
        assert_eq!(
            json.as_str().unwrap(),
            text(&out, &format!("grafana/dashboards/{key}")),
            "{path}"
        );
    }
    let amc = text(&out, "kubernetes/ai-forge/alertmanagerconfig.yaml");
    assert!(
        !amc.contains("_file"),
        "file references do not exist in the Operator's schema"
    );
    let amc = yaml(&out, "kubernetes/ai-forge/alertmanagerconfig.yaml");
    let mut refs = 0;
    for r in amc["spec"]["receivers"].as_array().unwrap() {
        for (k, v) in r
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.ends_with("Configs"))
        {
            for cfg in v.as_array().unwrap() {
                for field in [
                    "apiURL",
                    "routingKey",
                    "serviceKey",
                    "authPassword",
                    "apiKey",
                    "urlSecret",
                ] {
                    if let Some(sel) = cfg.get(field) {
                        assert_eq!(sel["name"], "ai-forge-alertmanager", "{k}.{field}");
                        assert!(sel["key"].as_str().is_some_and(|k| !k.is_empty()));
                        refs += 1;
                    }
                }
            }
        }
    }
    assert_eq!(refs, 2, "the PagerDuty routing key and the Slack URL");
}

/// A rule file from a `PrometheusRule` (its `spec`) or a Mimir namespace (without
/// `namespace` and `source_tenants`, which only the ruler reads), as promtool reads it.
fn plain_groups(mut v: Value, mimir: bool) -> String {
    if mimir {
        v.as_object_mut().unwrap().remove("namespace");
        for g in v["groups"].as_array_mut().unwrap() {
            g.as_object_mut().unwrap().remove("source_tenants");
        }
        serde_json::to_string(&v).unwrap()
    } else {
        serde_json::to_string(&v["spec"]).unwrap()
    }
}

/// The groups of every `PrometheusRule` pass `promtool check rules` and are the rule
/// file's (which the generated rule tests test); every Mimir namespace passes `promtool check rules`.
#[test]
fn engine_rule_groups_pass_promtool() {
    if !common::promtool() {
        return;
    }
    let (_, shipped) = compile_dir(Path::new("spec"));
    let (_dir, _, org) = org();
    for out in [&shipped, &org] {
        let tmp = tempfile::tempdir().unwrap();
        let mut checked = 0;
        for path in out.files.keys() {
            let stem = path.rsplit('/').next().unwrap();
            if path.ends_with("/prometheusrule.yaml") {
                let svc = path.split('/').nth(1).unwrap();
                let rules = format!("{svc}.rules.yml");
                std::fs::write(
                    tmp.path().join(&rules),
                    plain_groups(yaml(out, path), false),
                )
                .unwrap();
                common::run_promtool(tmp.path(), &["check", "rules", &rules]);
                // Its groups are the rule file's, which the generated tests test.
                assert_eq!(
                    plain_groups(yaml(out, path), false),
                    serde_json::to_string(&yaml(out, &format!("prometheus/{rules}"))).unwrap(),
                    "{svc}"
                );
                checked += 1;
            } else if path.starts_with("mimir/") {
                let file = format!("mimir-{stem}");
                std::fs::write(tmp.path().join(&file), plain_groups(yaml(out, path), true))
                    .unwrap();
                common::run_promtool(tmp.path(), &["check", "rules", &file]);
                checked += 1;
            }
        }
        assert!(checked >= 2, "{checked}");
    }
}

/// The Alertmanager configuration the Operator builds from the `AlertmanagerConfig`s:
/// under a root that routes nothing itself, each resource's top route gains the
/// matcher `namespace="<its namespace>"` and `continue: true`, and its receivers become
/// `<namespace>/<name>/<receiver>` (as the Operator's config generator does).
fn operator_config(amcs: &[Value]) -> String {
    fn route(r: &Value, prefix: &str, top: Option<&str>) -> Value {
        let mut matchers: Vec<String> = r["matchers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                format!(
                    "{}{}{}",
                    m["name"].as_str().unwrap(),
                    m["matchType"].as_str().unwrap(),
                    serde_json::to_string(&m["value"]).unwrap()
                )
            })
            .collect();
        if let Some(ns) = top {
            matchers.push(format!("namespace=\"{ns}\""));
        }
        let mut out = json!({"matchers": matchers});
        if let Some(x) = r["receiver"].as_str() {
            out["receiver"] = json!(format!("{prefix}{x}"));
        }
        if top.is_some() || r["continue"] == json!(true) {
            out["continue"] = json!(true);
        }
        let children: Vec<Value> = r["routes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| route(c, prefix, None))
            .collect();
        if !children.is_empty() {
            out["routes"] = json!(children);
        }
        out
    }
    let mut routes = Vec::new();
    let mut receivers = vec![json!({"name": "null"})];
    for a in amcs {
        let ns = a["metadata"]["namespace"].as_str().unwrap();
        let prefix = format!("{ns}/{}/", a["metadata"]["name"].as_str().unwrap());
        routes.push(route(&a["spec"]["route"], &prefix, Some(ns)));
        for r in a["spec"]["receivers"].as_array().unwrap() {
            receivers.push(json!({"name": format!("{prefix}{}", r["name"].as_str().unwrap())}));
        }
    }
    serde_json::to_string(
        &json!({"route": {"receiver": "null", "routes": routes}, "receivers": receivers}),
    )
    .unwrap()
}

fn amtool_receivers(config: &Path, labels: &[String]) -> Vec<String> {
    let o = Command::new("amtool")
        .args([
            "config",
            "routes",
            "test",
            &format!("--config.file={}", config.display()),
        ])
        .args(labels)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut v: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .trim()
        .split(',')
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// For every alert of the shipped spec and of the organisation (and every routing
/// test's labels), the Operator's configuration from the `AlertmanagerConfig`s reaches
/// the receivers the plain configuration does.
#[test]
fn alertmanager_configs_route_like_the_plain_configuration() {
    if Command::new("amtool").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "amtool is required under CI"
        );
        eprintln!("skipped: amtool not installed");
        return;
    }
    let (shipped_c, shipped) = compile_dir(Path::new("spec"));
    let (_dir, org_c, org) = org();
    // Every service in one namespace: the Operator's matcher no longer tells them apart.
    let (_shared_dir, shared_c, shared) =
        org_with("outputs: {prometheus: {}, kubernetes: {namespace: shared}}\n");
    let mut compared = 0;
    for (c, out) in [(&shipped_c, &shipped), (&org_c, &org), (&shared_c, &shared)] {
        let tmp = tempfile::tempdir().unwrap();
        let plain = tmp.path().join("plain.yml");
        std::fs::write(&plain, text(out, "alertmanager/alertmanager.yml")).unwrap();
        let amcs: Vec<Value> = resources(out)
            .into_values()
            .filter(|r| r["kind"] == "AlertmanagerConfig")
            .collect();
        let operator = tmp.path().join("operator.yml");
        std::fs::write(&operator, operator_config(&amcs)).unwrap();
        // Every alert, with the labels it reaches Alertmanager with.
        let mut alerts: Vec<forge_spec::ir::routing::Labels> = Vec::new();
        match &c.org {
            Some(o) => {
                for u in &o.services {
                    alerts.extend(u.summary.alerts.iter().map(|(_, labels, _)| labels.clone()));
                }
            }
            None => {
                let m = c.model.as_ref().unwrap();
                alerts.extend(
                    forge_spec::ir::routing::alert_labels(m)
                        .into_iter()
                        .map(|(_, _, l)| l),
                );
                for t in m.routing.iter().flat_map(|r| &r.tests) {
                    let mut l: forge_spec::ir::routing::Labels = t
                        .labels
                        .iter()
                        .map(|(k, v)| (k.value.clone(), v.value.clone()))
                        .collect();
                    l.insert("namespace".into(), "ai-forge".into());
                    l.entry("service".into())
                        .or_insert_with(|| "ai-forge".into());
                    alerts.push(l);
                }
            }
        }
        assert!(alerts.len() >= 10, "{}", alerts.len());
        for labels in alerts {
            assert!(labels.contains_key("namespace"), "{labels:?}");
            let args: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let want = amtool_receivers(&plain, &args);
            let got: Vec<String> = amtool_receivers(&operator, &args)
                .into_iter()
                .map(|r| r.splitn(3, '/').nth(2).unwrap_or(&r).to_string())
                .collect();
            assert_eq!(got, want, "{args:?}");
            compared += 1;
        }
    }
    assert!(compared > 40);
}

/// Services of an organisation that would write one Mimir namespace, or one Kubernetes
/// object in a shared namespace, are O004, never one file or object replacing another.
#[test]
fn organisation_collisions_across_engines() {
    let dir = with_file(
        "tests/fixtures/org",
        "outputs.yaml",
        "outputs: {kubernetes: {namespace: shared}, mimir: {namespace: all}}\n",
    );
    std::fs::write(
        dir.path().join("services/web/extra.yaml"),
        "targets: {Web_Edge: {address: \"edge:80\", uses: [process]}}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("services/search/extra.yaml"),
        "targets: {web-edge: {address: \"edge2:80\", uses: [process]}}\n",
    )
    .unwrap();
    let c = forge_spec::compile(&[dir.path().to_path_buf()], "org", &Default::default()).unwrap();
    let o004: Vec<&str> = c
        .diagnostics
        .items
        .iter()
        .filter(|d| d.code.code == "O004")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        o004.iter()
            .filter(|m| m.starts_with("Mimir rule namespace `anonymous/all`"))
            .count(),
        5,
        "{o004:?}"
    );
    assert_eq!(
        o004.iter()
            .filter(|m| m.starts_with("Kubernetes object `shared/monitor/web-edge`"))
            .count(),
        1,
        "{o004:?}"
    );
}

/// Hostile names become valid, distinct Kubernetes names; names that meet are K001,
/// never one object overwriting another.
#[test]
fn hostile_names() {
    let long = "Target_".repeat(43);
    let spec = format!(
        "service: {{name: Hostile_Service}}\noutputs: [kubernetes]\ntargets:\n  {long}a: {{address: \"a:1\"}}\n  {long}b: {{address: \"b:1\"}}\n  UPPER_case: {{address: \"c:1\"}}\n"
    );
    let out = compile_text(&spec);
    let crds = crds();
    let all = resources(&out);
    let monitors: Vec<&Value> = all
        .values()
        .filter(|r| r["kind"] == "ServiceMonitor")
        .collect();
    assert_eq!(monitors.len(), 3);
    for r in all.values() {
        let errors = validate(&crds, r);
        assert!(errors.is_empty(), "{r}: {errors:?}");
    }
    assert!(
        all.keys()
            .all(|p| p.starts_with("kubernetes/Hostile_Service/"))
    );
    assert!(all.contains_key("kubernetes/Hostile_Service/servicemonitor-upper-case.yaml"));
    // The same spec gives the same names.
    assert_eq!(compile_text(&spec).files, out.files);

    let clash = "service: {name: shop}\noutputs: [kubernetes]\ntargets:\n  api_server: {address: \"a:1\"}\n  API-Server: {address: \"b:1\"}\ndashboards:\n  Ops_View: {title: A, panels: [{title: x, query: 'up(api_server)'}]}\n  ops-view: {title: B, panels: [{title: x, query: 'up(api_server)'}]}\n";
    let c = forge_spec::compile_str(&[("spec.yaml", clash)], &Default::default());
    let k001: Vec<_> = c
        .diagnostics
        .items
        .iter()
        .filter(|d| d.code.code == "K001")
        .collect();
    assert_eq!(
        k001.len(),
        2,
        "{:?}",
        c.diagnostics
            .items
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    );
}

/// Mimir: the namespace file is the rule file's groups under `namespace:`, federated
/// groups carry `source_tenants`, and a tenant's limits are enforced (K002, nothing
/// written).
#[test]
fn mimir_namespaces_and_limits() {
    let spec = "service: {name: shop}\noutputs:\n  mimir: {tenant: team-a, namespace: shop-rules, max_rules_per_rule_group: 5}\ntargets: {shop: {address: \"shop:80\"}}\ngroups:\n  fleet: {source_tenants: [team-a, team-b]}\nalerts:\n  ShopDown: {severity: critical, condition: up(shop) == 0 for 1m, summary: Shop is down., description: Shop is down., runbook: https://example.com/r, group: fleet}\n";
    let out = compile_text(spec);
    let text = text(&out, "mimir/team-a/shop-rules.yaml");
    let v: Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(v["namespace"], "shop-rules");
    let fleet = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "fleet")
        .unwrap();
    assert_eq!(fleet["source_tenants"], json!(["team-a", "team-b"]));
    assert!(
        !out.files.contains_key("prometheus/prometheus.yml"),
        "only the outputs chosen"
    );
    assert!(
        out.files.contains_key("prometheus/shop.rules.yml"),
        "the rule file every engine's is made from"
    );
    assert!(
        !String::from_utf8_lossy(&out.files["prometheus/shop.rules.yml"])
            .contains("source_tenants")
    );

    let over = spec.replace(
        "max_rules_per_rule_group: 5",
        "max_rules_per_rule_group: 1, max_rule_groups_per_tenant: 1",
    );
    let over = over.replace("alerts:\n", "alerts:\n  ShopSlow: {severity: warning, condition: up(shop) == 0 for 5m, summary: Shop is slow., description: Shop is slow., runbook: https://example.com/r, group: fleet}\n  ShopGone: {severity: warning, condition: up(shop) == 0 for 1h, summary: Shop is gone., description: Shop is gone., runbook: https://example.com/r}\n");
    let mut c = forge_spec::compile_str(&[("spec.yaml", &over)], &Default::default());
    assert!(
        forge_spec::emit_checked(&mut c).unwrap().is_none(),
        "nothing to write"
    );
    let k002: Vec<&str> = c
        .diagnostics
        .items
        .iter()
        .filter(|d| d.code.code == "K002")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(k002.len(), 2, "{k002:?}");
    assert!(k002.iter().any(|m| m.contains("has 2 rules")), "{k002:?}");
    assert!(
        k002.iter().any(|m| m.contains("gets 2 rule groups")),
        "{k002:?}"
    );
    // Zero is Mimir's "no limit".
    let unlimited = over.replace(
        "max_rules_per_rule_group: 1, max_rule_groups_per_tenant: 1",
        "max_rules_per_rule_group: 0, max_rule_groups_per_tenant: 0",
    );
    let mut c = forge_spec::compile_str(&[("spec.yaml", &unlimited)], &Default::default());
    assert!(forge_spec::emit_checked(&mut c).unwrap().is_some());
}

/// Thanos: the plain rule file, the same bytes, and the flags it runs with.
#[test]
fn thanos_rule_files() {
    let spec = "service: {name: shop}\noutputs: [thanos]\ntargets: {shop: {address: \"shop:80\"}}\nalerts:\n  ShopDown: {severity: critical, condition: up(shop) == 0 for 1m, summary: Shop is down., description: Shop is down., runbook: https://example.com/r}\n";
    let out = compile_text(spec);
    assert_eq!(
        out.files["thanos/shop.rules.yml"],
        out.files["prometheus/shop.rules.yml"]
    );
    let notes = text(&out, "thanos/shop.md");
    assert!(
        notes.contains("--rule-file=thanos/shop.rules.yml")
            && notes.contains("--alertmanagers.url=http://alertmanager:9093")
    );
    assert!(
        !out.files
            .keys()
            .any(|p| p.starts_with("alertmanager/") || p.starts_with("kubernetes/"))
    );
}

/// Unknown engines and settings Kubernetes would refuse are diagnostics.
#[test]
fn bad_outputs_are_diagnostics() {
    for (spec, want) in [
        (
            "service: {name: a}\noutputs: [kubernets]\n",
            "no output engine is called `kubernets`",
        ),
        (
            "service: {name: a}\noutputs: {kubernetes: {namespace: Not_A_Namespace}}\n",
            "is not a Kubernetes namespace",
        ),
        (
            "service: {name: a}\noutputs: {kubernetes: {labels: {\"bad key!\": x}}}\n",
            "is not a Kubernetes label name",
        ),
        (
            "service: {name: a}\noutputs: {kubernets: {}}\n",
            "unknown key `kubernets`",
        ),
        // A ServiceMonitor names the Service's port: IANA_SVC_NAME, never a number.
        (
            "service: {name: a}\noutputs: {kubernetes: {}}\ntargets: {a: {address: 'a:80', kubernetes: {port: Http_Metrics_Port_Long}}}\n",
            "is not a Kubernetes port name",
        ),
        (
            "service: {name: a}\noutputs: {kubernetes: {}}\ntargets: {a: {address: 'a:80', kubernetes: {port: '8000'}}}\n",
            "is not a Kubernetes port name",
        ),
        (
            "service: {name: a}\noutputs: {kubernetes: {}}\ntargets: {a: {address: 'a:80', kubernetes: {port: web--metrics}}}\n",
            "is not a Kubernetes port name",
        ),
    ] {
        let c = forge_spec::compile_str(&[("spec.yaml", spec)], &Default::default());
        let msgs: Vec<String> = c
            .diagnostics
            .items
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert!(
            c.diagnostics.has_errors() && msgs.iter().any(|m| m.contains(want)),
            "{spec}: {msgs:?}"
        );
    }
}

/// Port names Kubernetes accepts pass, and go into the ServiceMonitor as written.
#[test]
fn port_names_follow_iana_svc_name() {
    for (port, ok) in [
        ("metrics", true),
        ("http-metrics", true),
        ("web2", true),
        ("a-very-long-port", false),
        ("8000", false),
        ("-metrics", false),
        ("Metrics", false),
        ("", false),
    ] {
        let spec = format!(
            "service: {{name: a}}\noutputs: {{kubernetes: {{}}}}\ntargets: {{a: {{address: 'a:80', kubernetes: {{port: '{port}'}}}}}}\n"
        );
        let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
        let refused = c
            .diagnostics
            .items
            .iter()
            .any(|d| d.message.contains("is not a Kubernetes port name"));
        assert_eq!(refused, !ok, "{port:?}");
    }
}

/// Time intervals and negative matchers reach both Alertmanager outputs: amtool accepts
/// the configuration, and the `AlertmanagerConfig` validates against the Operator's CRD
/// (days of the month as `{start, end}`, matchers with their `matchType`). A route
/// naming an interval that is not defined, and a time that is not one, are refused.
#[test]
fn time_intervals_and_matchers_reach_both_alertmanagers() {
    let spec = r#"service: {name: shop}
targets: {web: {address: "web:80"}}
outputs: {prometheus: {}, kubernetes: {namespace: shop}}
receivers:
  team: {webhook: {url: "http://hooks.example.org/t"}}
  ops: {webhook: {url: "http://hooks.example.org/o"}}
alerts:
  WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: https://example.com/r}
routing:
  receiver: team
  routes:
    - matchers: ['severity!="info"', 'alertname!~"Watchdog|InfoInhibitor"']
      receiver: ops
      mute_time_intervals: [nights]
      active_time_intervals: [workdays]
  inhibit:
    - source: {severity: critical}
      target_matchers: ['severity=~"warning|info"']
      equal: [alertname]
  time_intervals:
    nights: [{times: [{start_time: "20:00", end_time: "24:00"}], weekdays: ["monday:friday"]}]
    workdays: [{weekdays: ["monday:friday"], days_of_month: ["1:7", "-1"], months: ["january:march"], years: ["2026"]}]
"#;
    let out = compile_text(spec);
    let am = String::from_utf8(out.files["alertmanager/alertmanager.yml"].clone()).unwrap();
    for want in [
        "mute_time_intervals:\n    - nights",
        "active_time_intervals:\n    - workdays",
        "- name: nights",
        "'alertname!~\"Watchdog|InfoInhibitor\"'",
        "'severity=~\"warning|info\"'",
    ] {
        assert!(am.contains(want), "{want}:\n{am}");
    }
    let crds = crds();
    let amc = resources(&out)
        .into_iter()
        .find(|(_, r)| r["kind"] == "AlertmanagerConfig")
        .map(|(_, r)| r)
        .expect("an AlertmanagerConfig");
    let errors = validate(&crds, &amc);
    assert!(errors.is_empty(), "{errors:#?}\n{amc:#}");
    assert_eq!(
        amc["spec"]["muteTimeIntervals"][1]["timeIntervals"][0]["daysOfMonth"][1],
        serde_json::json!({"start": -1, "end": -1}),
        "{amc:#}"
    );
    assert_eq!(
        amc["spec"]["route"]["routes"][0]["matchers"][1]["matchType"], "!~",
        "{amc:#}"
    );
    if crate::common::amtool() {
        let (ok, said) = amtool_check(&am);
        assert!(ok, "{said}");
    }
    for (bad, says) in [
        (
            "mute_time_intervals: [nights]",
            "mute_time_intervals: [nigths]",
        ),
        ("end_time: \"24:00\"", "end_time: \"25:00\""),
        ("years: [\"2026\"]", "years: [\"26\"]"),
    ] {
        let text = spec.replace(bad, says);
        let c = forge_spec::compile_str(&[("spec.yaml", &text)], &Default::default());
        assert!(c.diagnostics.has_errors(), "{says} is accepted");
    }
}

/// Notification templates: `routing.templates` reaches alertmanager.yml (amtool loads
/// it), a relative path is refused (Alertmanager would read it beside its own
/// configuration, wherever that is), and the Kubernetes output refuses them (K004: the
/// AlertmanagerConfig has no templates).
#[test]
fn notification_templates_reach_alertmanager() {
    let spec = r##"service: {name: shop}
targets: {web: {address: "web:80"}}
receivers:
  team: {slack: {api_url_file: /etc/am/slack, channel: "#t", text: '{{ template "shop.text" . }}'}}
alerts:
  WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: https://example.com/r}
routing:
  receiver: team
  templates: [/etc/alertmanager/templates/*.tmpl]
"##;
    let out = compile_text(spec);
    let am = String::from_utf8(out.files["alertmanager/alertmanager.yml"].clone()).unwrap();
    assert!(
        am.contains("templates:\n- '/etc/alertmanager/templates/*.tmpl'"),
        "{am}"
    );
    if crate::common::amtool() {
        let (ok, said) = amtool_check(&am);
        assert!(ok && said.contains("1 templates"), "{said}");
    }
    let codes = |text: &str| -> Vec<&'static str> {
        let c = forge_spec::compile_str(&[("spec.yaml", text)], &Default::default());
        c.diagnostics
            .items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code.code)
            .collect()
    };
    assert_eq!(
        codes(&spec.replace("[/etc/alertmanager/templates/", "[templates/")),
        ["P009"]
    );
    assert_eq!(
        codes(&spec.replace(
            "targets:",
            "outputs: {prometheus: {}, kubernetes: {namespace: shop}}\ntargets:"
        )),
        ["K004"]
    );
}

/// `amtool check-config` of an Alertmanager configuration: whether it passed, and what
/// it said.
fn amtool_check(config: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("am.yml");
    std::fs::write(&file, config).unwrap();
    let o = std::process::Command::new("amtool")
        .arg("check-config")
        .arg(&file)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).to_string(),
    )
}
