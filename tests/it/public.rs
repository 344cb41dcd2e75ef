//! Other projects' rule files (`tests/fixtures/public/`, with their sources and
//! licences): each imports into a spec that builds with no lint set by hand, and the rule
//! file built holds exactly the source's rules — the same alert and record names, as many
//! of each, every label with its value and no label added, every expression the
//! source's (the same tree, as promql-parser prints it). promtool checks what is built.

use forge_spec::import::{Kind, import};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A rule as Prometheus tells it apart: alert or record, its name, its labels.
type Rule = (String, String, BTreeMap<String, String>);

/// Each rule with its expression, as promql-parser prints it back (its normal form).
fn exprs_of(file: &Value) -> Vec<(Rule, String)> {
    let mut out = Vec::new();
    let mut rules = rules_of(file).into_iter();
    for g in file["groups"].as_array().into_iter().flatten() {
        for r in g["rules"].as_array().into_iter().flatten() {
            let rule = rules.next().expect("as many rules");
            let text = text(&r["expr"]);
            let normal = forge_spec::expr::promql::parse(&text)
                .map(|e| e.to_string())
                .unwrap_or(text);
            out.push((rule, normal));
        }
    }
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every rule of a rule file, in order.
fn rules_of(file: &Value) -> Vec<Rule> {
    let mut out = Vec::new();
    for g in file["groups"].as_array().into_iter().flatten() {
        for r in g["rules"].as_array().into_iter().flatten() {
            let (kind, name) = match (r.get("alert"), r.get("record")) {
                (Some(a), _) => ("alert", text(a)),
                (_, Some(rec)) => ("record", text(rec)),
                _ => panic!("a rule with neither alert nor record: {r}"),
            };
            let labels = r["labels"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), text(v)))
                .collect();
            out.push((kind.to_string(), name, labels));
        }
    }
    out
}

fn sorted(mut v: Vec<Rule>) -> Vec<Rule> {
    v.sort();
    v
}

/// The errors among diagnostics, as `CODE message`.
fn errors_of<'a>(ds: impl Iterator<Item = &'a forge_spec::diag::Diagnostic>) -> Vec<String> {
    ds.filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect()
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("YAML")
}

/// Imports source files into `dir` (one spec) and builds it: the rule files and their
/// generated tests, by path.
fn import_and_build(sources: &[PathBuf], dir: &Path) -> BTreeMap<String, String> {
    import_into(Kind::Prometheus, sources, dir);
    let mut c = compiled(dir, &sources[0]);
    forge_spec::emit_checked(&mut c)
        .unwrap()
        .expect("builds")
        .files
        .into_iter()
        .filter(|(p, _)| {
            p.starts_with("prometheus/")
                && (p.contains(".rules.") || p.starts_with("prometheus/tests/"))
        })
        .map(|(p, bytes)| (p, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// One project's files: imported, built and compared; (files, alerts, records).
fn project(name: &str) -> (usize, usize, usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public");
    assert!(
        root.join(name).join("LICENSE").is_file(),
        "{name} is kept with its licence"
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(name).join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let tmp = tempfile::tempdir().unwrap();
    let mut built_files = Vec::new();
    let (mut alerts, mut records, mut identical) = (0, 0, 0);
    for (i, f) in files.iter().enumerate() {
        let source = rules_of(&yaml(&std::fs::read_to_string(f).unwrap()));
        let dir = tmp.path().join(format!("spec{i}"));
        let built = import_and_build(std::slice::from_ref(f), &dir);
        let mut got = Vec::new();
        for (path, text) in built
            .iter()
            .filter(|(p, _)| p.ends_with(".rules.yml") && !p.starts_with("prometheus/tests/"))
        {
            got.extend(rules_of(&yaml(text)));
            let out = tmp
                .path()
                .join(format!("out{i}-{}", path.replace('/', "_")));
            std::fs::write(&out, text).unwrap();
            built_files.push(out);
        }
        // Each expression built is the source's, in promql-parser's normal form.
        let mut built_exprs: Vec<(Rule, String)> = Vec::new();
        for text in built
            .iter()
            .filter(|(p, _)| p.ends_with(".rules.yml") && !p.starts_with("prometheus/tests/"))
            .map(|(_, t)| t)
        {
            built_exprs.extend(exprs_of(&yaml(text)));
        }
        let source_exprs = exprs_of(&yaml(&std::fs::read_to_string(f).unwrap()));
        let (mut same, mut differ) = (0, Vec::new());
        for (rule, e) in &source_exprs {
            if built_exprs.iter().any(|(r, b)| r == rule && b == e) {
                same += 1;
            } else {
                differ.push((rule.1.clone(), e.clone()));
            }
        }
        // Identical trees select the same series at every instant: promql-parser's
        // print of the source's expression and of the built one are one text.
        assert!(
            differ.is_empty(),
            "{}: expressions built differ from the source's: {differ:#?}",
            f.display()
        );
        identical += same;
        let (want, got) = (sorted(source), sorted(got));
        let missing: Vec<&Rule> = want.iter().filter(|r| !got.contains(r)).collect();
        let added: Vec<&Rule> = got.iter().filter(|r| !want.contains(r)).collect();
        assert!(
            missing.is_empty() && added.is_empty() && want.len() == got.len(),
            "{}: the source's rules not built as they were: {missing:#?}\nbuilt but not in the source: {added:#?}",
            f.display()
        );
        alerts += want.iter().filter(|r| r.0 == "alert").count();
        records += want.iter().filter(|r| r.0 == "record").count();
    }
    if crate::common::promtool() {
        let out = Command::new("promtool")
            .arg("check")
            .arg("rules")
            .args(&built_files)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr)
        );
    }
    // The whole collection at once, into one spec, holds exactly the same.
    let mut want = Vec::new();
    for f in &files {
        want.extend(rules_of(&yaml(&std::fs::read_to_string(f).unwrap())));
    }
    let mut got = Vec::new();
    let whole = import_and_build(&files, &tmp.path().join("whole"));
    for (path, text) in &whole {
        if path.ends_with(".rules.yml") && !path.starts_with("prometheus/tests/") {
            got.extend(rules_of(&yaml(text)));
        }
    }
    // The tests generated for the whole import pass against the rules built.
    if crate::common::promtool() {
        let out_dir = tmp.path().join("whole-out");
        std::fs::create_dir_all(&out_dir).unwrap();
        let mut tests = Vec::new();
        for (path, text) in &whole {
            let name = path.trim_start_matches("prometheus/");
            let file = out_dir.join(name);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
            // The service's tests, and an SLO's own (`tests/`, beside its rules).
            if name.ends_with(".test.yml") {
                tests.push(name.to_string());
            }
        }
        assert!(
            whole
                .keys()
                .any(|p| p.starts_with("prometheus/tests/") && p.ends_with(".md")),
            "{name}: no test index built"
        );
        // (An import whose alerts the generator cannot drive has no test file.)
        if !tests.is_empty() {
            let out = Command::new("promtool")
                .current_dir(&out_dir)
                .args(["test", "rules"])
                .args(&tests)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: the generated tests fail: {}",
                String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    assert!(
        sorted(want) == sorted(got),
        "{name} imported whole does not hold the source's rules"
    );
    eprintln!(
        "{name}: {} files, {alerts} alerts, {records} records imported and built as the source, one by one and whole; {identical} expressions identical to the source's",
        files.len()
    );
    (files.len(), alerts, records)
}

#[test]
fn awesome_prometheus_alerts_imports_as_it_is() {
    let (files, alerts, _) = project("awesome-prometheus-alerts");
    assert!(
        files >= 100 && alerts >= 500,
        "{files} files, {alerts} alerts"
    );
}

/// kube-prometheus: warning/critical pairs of one name, records of one series per code
/// class, discovery labels on catalogue metrics, `severity: none`.
#[test]
fn kube_prometheus_imports_as_it_is() {
    let (files, alerts, records) = project("kube-prometheus");
    assert!(
        files == 8 && alerts >= 100 && records >= 50,
        "{files} {alerts} {records}"
    );
}

/// Imports each (kind, file) into one spec in `dir`, builds it with no error and returns
/// the Alertmanager configuration built.
fn import_alertmanager(sources: &[(Kind, &Path)], dir: &Path) -> String {
    for (kind, file) in sources {
        import_into(*kind, &[file.to_path_buf()], dir);
    }
    let mut c = compiled(dir, sources[0].1);
    let out = forge_spec::emit_checked(&mut c).unwrap().expect("builds");
    String::from_utf8(out.files["alertmanager/alertmanager.yml"].clone()).unwrap()
}

/// `amtool check-config` accepts a configuration.
fn amtool_accepts(file: &Path) {
    let check = Command::new("amtool")
        .arg("check-config")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&check.stdout)
    );
}

/// The receivers `amtool config routes test` routes a label set to.
fn amtool_route(config: &Path, labels: &[String]) -> String {
    let out = Command::new("amtool")
        .args(["config", "routes", "test", "--config.file"])
        .arg(config)
        .args(labels)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// kube-prometheus' Alertmanager configuration (negative and regex inhibit matchers, a
/// `"null"` receiver, severities it does not route) imported beside its node-exporter
/// rules: the spec builds, amtool accepts the configuration built, and routes every alert
/// of the rules to the receiver the source configuration routes it to.
#[test]
fn kube_prometheus_alertmanager_routes_as_it_did() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public/kube-prometheus");
    let tmp = tempfile::tempdir().unwrap();
    let rules = root.join("rules/nodeExporter.rules.yml");
    let am = root.join("alertmanager.yaml");
    let built = import_alertmanager(
        &[(Kind::Prometheus, &rules), (Kind::Alertmanager, &am)],
        &tmp.path().join("spec"),
    );
    assert!(built.contains("severity=~\"warning|info\""), "{built}");
    if !crate::common::amtool() {
        return;
    }
    let built_file = tmp.path().join("built.yml");
    std::fs::write(&built_file, &built).unwrap();
    amtool_accepts(&built_file);
    let route = amtool_route;
    // Every alert of kube-prometheus, through both configurations.
    let mut source = Vec::new();
    for f in std::fs::read_dir(root.join("rules")).unwrap() {
        source.extend(rules_of(&yaml(
            &std::fs::read_to_string(f.unwrap().path()).unwrap(),
        )));
    }
    let mut checked = 0;
    for (kind, name, labels) in source.iter().filter(|r| r.0 == "alert") {
        let _ = kind;
        let mut l: Vec<String> = vec![format!("alertname={name}"), "namespace=monitoring".into()];
        l.extend(labels.iter().map(|(k, v)| format!("{k}={v}")));
        assert_eq!(route(&am, &l), route(&built_file, &l), "{l:?}");
        checked += 1;
    }
    assert!(checked >= 100, "{checked}");
}

/// Thanos' example alerts and recording rules (generated from its mixin).
#[test]
fn thanos_imports_as_it_is() {
    let (files, alerts, records) = project("thanos");
    assert!(
        files == 2 && alerts >= 40 && records >= 10,
        "{files} {alerts} {records}"
    );
}

/// Loki's compiled mixin: alerts and recording rules.
#[test]
fn loki_imports_as_it_is() {
    let (files, alerts, records) = project("loki");
    assert!(
        files == 2 && alerts >= 5 && records >= 10,
        "{files} {alerts} {records}"
    );
}

/// Rook's Ceph rules (ceph-mixin's, adapted): 89 alerts and records in one file.
#[test]
fn rook_ceph_imports_as_it_is() {
    let (files, alerts, _) = project("rook-ceph");
    assert!(files == 2 && alerts >= 60, "{files} {alerts}");
}

/// Tempo's compiled mixin: alerts and recording rules.
#[test]
fn tempo_imports_as_it_is() {
    let (files, alerts, records) = project("tempo");
    assert!(
        files == 2 && alerts >= 30 && records >= 5,
        "{files} {alerts} {records}"
    );
}

/// Strimzi's example rules (Kafka, Connect, MirrorMaker 2, the operators, certificates).
#[test]
fn strimzi_imports_as_it_is() {
    let (files, alerts, _) = project("strimzi");
    assert!(files == 9 && alerts >= 50, "{files} {alerts}");
}

/// Every `label op value` an Alertmanager configuration's routes and inhibit rules name
/// (`match:`, `match_re:`, `matchers:`, `source_matchers:`…), as (label, value, regex).
fn config_matchers(v: &Value, out: &mut Vec<(String, String, bool)>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                match (k.as_str(), x) {
                    ("match" | "source_match" | "target_match", Value::Object(m)) => {
                        out.extend(m.iter().map(|(l, v)| (l.clone(), text(v), false)));
                    }
                    ("match_re" | "source_match_re" | "target_match_re", Value::Object(m)) => {
                        out.extend(m.iter().map(|(l, v)| (l.clone(), text(v), true)));
                    }
                    ("matchers" | "source_matchers" | "target_matchers", Value::Array(a)) => {
                        for m in a.iter().map(text) {
                            let at = m.find(['=', '!']).expect("an operator");
                            let (label, rest) = m.split_at(at);
                            let regex = rest.starts_with("=~") || rest.starts_with("!~");
                            let value = rest.trim_start_matches(['=', '!', '~']).trim();
                            out.push((
                                label.trim().to_string(),
                                value.trim_matches('"').to_string(),
                                regex,
                            ));
                        }
                    }
                    _ => config_matchers(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| config_matchers(x, out)),
        _ => {}
    }
}

/// Values of each label that some matcher of the configuration accepts or refuses:
/// equalities' values, the alternatives of plain regexes (`foo1|foo2`, `^[12]$`'s
/// characters), and one value nothing names.
fn label_values(matchers: &[(String, String, bool)]) -> BTreeMap<String, Vec<String>> {
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (label, value, regex) in matchers {
        let vs = values.entry(label.clone()).or_default();
        if *regex {
            let plain = value.trim_start_matches('^').trim_end_matches('$');
            if let Some(class) = plain.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
                vs.extend(class.chars().map(String::from));
            } else {
                vs.extend(
                    plain
                        .trim_matches(['(', ')'])
                        .split('|')
                        .filter(|a| {
                            a.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                        })
                        .map(str::to_string),
                );
            }
        } else {
            vs.push(value.clone());
        }
    }
    for vs in values.values_mut() {
        vs.push("unnamed".into());
        vs.sort();
        vs.dedup();
    }
    values
}

/// Public Alertmanager configurations (Alertmanager's own examples and test data,
/// awesome-prometheus-alerts' guide), each imported alone: the spec builds, amtool
/// accepts the configuration built, and routes every label set the source's matchers
/// make — each label alone with each value, and every pair of labels with every pair of
/// values — to the receivers the source routes it to.
#[test]
fn public_alertmanager_configurations_route_as_they_did() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public");
    let configs = [
        "alertmanager/doc-examples-simple.yml",
        "alertmanager/examples-ha.yml",
        "alertmanager/cli-testdata-conf.routing.yml",
        "alertmanager/config-testdata-conf.good.yml",
        "awesome-prometheus-alerts/alertmanager.yml",
        "kube-prometheus/alertmanager.yaml",
    ];
    assert!(root.join("alertmanager/LICENSE").is_file());
    let tmp = tempfile::tempdir().unwrap();
    let mut total = 0;
    for (n, config) in configs.iter().enumerate() {
        let source = root.join(config);
        let built = import_alertmanager(
            &[(Kind::Alertmanager, &source)],
            &tmp.path().join(format!("spec{n}")),
        );
        if !crate::common::amtool() {
            continue;
        }
        let built_file = tmp.path().join(format!("built{n}.yml"));
        std::fs::write(&built_file, &built).unwrap();
        amtool_accepts(&built_file);
        let mut matchers = Vec::new();
        config_matchers(
            &yaml(&std::fs::read_to_string(&source).unwrap()),
            &mut matchers,
        );
        let values = label_values(&matchers);
        let labels: Vec<&String> = values.keys().collect();
        let mut sets: Vec<Vec<String>> = Vec::new();
        for (i, a) in labels.iter().enumerate() {
            for va in &values[*a] {
                sets.push(vec![format!("{a}={va}")]);
                for b in &labels[i + 1..] {
                    for vb in &values[*b] {
                        sets.push(vec![format!("{a}={va}"), format!("{b}={vb}")]);
                    }
                }
            }
        }
        let route = amtool_route;
        // The source as the amtool in CI (0.25) reads it: without the sections newer
        // Alertmanagers added (`tracing:`, 0.27), which do not route.
        let readable = tmp.path().join(format!("source{n}.yml"));
        let mut skip = false;
        let text: String = std::fs::read_to_string(&source)
            .unwrap()
            .lines()
            .filter(|l| {
                if !l.starts_with([' ', '#']) && !l.is_empty() {
                    skip = l.starts_with("tracing:");
                }
                !skip
            })
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&readable, text).unwrap();
        for set in &sets {
            let want = route(&readable, set);
            assert!(!want.is_empty(), "{config}: amtool routes {set:?} nowhere");
            assert_eq!(want, route(&built_file, set), "{config}: {set:?}");
        }
        total += sets.len();
    }
    if crate::common::amtool() {
        assert!(total >= 100, "{total} label sets");
        eprintln!(
            "{} configurations, {total} label sets routed alike",
            configs.len()
        );
    }
}

/// etcd's mixin alerts (compiled from `contrib/mixin`): `count without (To)`, subqueries,
/// `== bool` comparisons.
#[test]
fn etcd_imports_as_it_is() {
    let (files, alerts, _) = project("etcd");
    assert!(files == 1 && alerts >= 15, "{files} {alerts}");
}

/// Imports files of another tool into the spec in `dir` (written there), with no error
/// in the import nor in the spec it checks.
fn import_into(kind: Kind, files: &[PathBuf], dir: &Path) {
    let imported = import(kind, files, None, dir).expect("the files load");
    let errors = errors_of(
        imported
            .diagnostics
            .items
            .iter()
            .chain(&imported.check.diagnostics.items),
    );
    assert!(errors.is_empty(), "{}: {errors:#?}", files[0].display());
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in &imported.files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The spec in `dir`, compiled with no error (`source`: what it was imported from).
fn compiled(dir: &Path, source: &Path) -> forge_spec::Compilation {
    let c = forge_spec::compile(&[dir.to_path_buf()], "spec", &Default::default()).unwrap();
    let errors = errors_of(c.diagnostics.items.iter());
    assert!(errors.is_empty(), "{} built: {errors:#?}", source.display());
    c
}

/// Imports one file of another tool into a spec in `dir` with no error, and compiles it
/// with no error.
fn import_one(kind: Kind, f: &Path, dir: &Path) -> forge_spec::Compilation {
    import_into(kind, &[f.to_path_buf()], dir);
    compiled(dir, f)
}

/// Sloth's own examples (`prometheus/v1` specs and `PrometheusServiceLevel` resources):
/// each imports with no error and builds; what a spec cannot say is reported (I001).
#[test]
fn sloth_examples_import_and_build() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public/sloth");
    assert!(root.join("LICENSE").is_file());
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 9);
    let tmp = tempfile::tempdir().unwrap();
    let mut slos = 0;
    for (n, f) in files.iter().enumerate() {
        let mut c = import_one(Kind::Sloth, f, &tmp.path().join(format!("spec{n}")));
        slos += c.model.as_ref().map_or(0, |m| m.slos.len());
        forge_spec::emit_checked(&mut c).unwrap().expect("builds");
    }
    assert!(slos >= 5, "{slos} SLOs imported");
}

/// Sloth's plugins are not run, and never dropped silently: each SLO plugin (`info_labels`,
/// `rule_intervals`, any other by id, the file's and the SLO's) and each SLI plugin is
/// reported (I001) with what it would have done.
#[test]
fn sloth_plugins_are_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public/sloth/examples");
    for (file, says) in [
        (
            "contrib-slo-plugins.yml",
            &[
                "the labels {plug-l1: in-k1, plug-l2: in-k2, plug-l3: in-k3} that plugin `sloth.dev/contrib/info_labels/v1` adds",
                "the rule group interval 5m that plugin `sloth.dev/contrib/rule_intervals/v1` sets on SLO `requests-availability-contrib-plugin-rule-intervals-v1`",
            ][..],
        ),
        (
            "slo-plugin-getting-started.yml",
            &[
                "plugin `sloth.dev/core/debug/v1` of every SLO of the file is not run",
                "plugin `sloth.dev/core/debug/v1` of SLO `requests-availability` is not run",
            ][..],
        ),
        (
            "plugin-getting-started.yml",
            &[
                "the SLI plugin `getting_started_availability` of SLO `requests-availability` is not imported",
            ][..],
        ),
    ] {
        let imported = import(
            Kind::Sloth,
            &[root.join(file)],
            None,
            tempfile::tempdir().unwrap().path(),
        )
        .expect("the file loads");
        let reported: Vec<&str> = imported
            .diagnostics
            .items
            .iter()
            .filter(|d| d.code.code == "I001")
            .map(|d| d.message.as_str())
            .collect();
        for say in says {
            assert!(
                reported.iter().any(|m| m.contains(say)),
                "{file}: {say}\n{reported:#?}"
            );
        }
    }
}

/// Per-minute increments of a counter, phase by phase, in promtool's notation: each
/// phase `(minutes, per_minute)` is `minutes` samples.
fn counter_values(phases: &[(u64, f64)]) -> String {
    let mut out = Vec::new();
    let mut v = 1000.0;
    let mut first = true;
    for &(n, inc) in phases {
        if !first {
            v += inc;
        }
        first = false;
        out.push(format!("{v}+{inc}x{}", n - 1));
        v += inc * (n - 1) as f64;
    }
    out.join(" ")
}

/// The labels and annotations of each SLO's (`sloth_slo`) page and ticket
/// (`sloth_severity`) alert, as they fired.
type Shapes = BTreeMap<(String, String), (BTreeMap<String, String>, BTreeMap<String, String>)>;

/// When each SLO's page and ticket alerts fire, every five minutes over `minutes`: the
/// (time, `sloth_slo`, `sloth_severity`) of every alert promtool finds firing (asked to
/// expect none, it reports each one it got), and their labels and annotations.
fn firing(
    rules: &str,
    alertnames: &[String],
    series: &[(String, String)],
    minutes: u64,
) -> (std::collections::BTreeSet<(String, String, String)>, Shapes) {
    let tmp = tempfile::tempdir().unwrap();
    // promtool evaluates a file's groups in no fixed order, so an alert may read its
    // recordings of one minute before, at random, where their values change: all the
    // rules in one group, in the file's order, are judged the same every run.
    let all: Vec<Value> = yaml(rules)["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .collect();
    let one = serde_json::json!({"groups": [{"name": "all", "rules": all}]});
    std::fs::write(tmp.path().join("rules.yml"), one.to_string()).unwrap();
    let mut t = String::from(
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series:\n",
    );
    for (s, v) in series {
        t.push_str(&format!("  - series: '{s}'\n    values: '{v}'\n"));
    }
    t.push_str("  alert_rule_test:\n");
    for at in (5..=minutes).step_by(5) {
        for a in alertnames {
            t.push_str(&format!(
                "  - {{eval_time: {at}m, alertname: {a}, exp_alerts: []}}\n"
            ));
        }
    }
    std::fs::write(tmp.path().join("t.yml"), &t).unwrap();

    let out = Command::new("promtool")
        .current_dir(tmp.path())
        .args(["test", "rules", "t.yml"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        !text.contains("could not") && !text.contains("error:"),
        "promtool: {text}"
    );
    let label = |l: &str, name: &str| {
        let at = l.find(&format!("{name}=\""))? + name.len() + 2;
        Some(l[at..].split('"').next()?.to_string())
    };
    let mut got = std::collections::BTreeSet::new();
    let mut shapes = Shapes::new();
    let mut last: Option<(String, String)> = None;
    let mut time = String::new();
    for l in text.lines() {
        if let Some(rest) = l.trim().strip_prefix("alertname: ") {
            time = rest
                .split("time: ")
                .nth(1)
                .and_then(|t| t.split(',').next())
                .unwrap_or_default()
                .to_string();
        } else if l.contains("Labels:{") {
            got.insert((
                time.clone(),
                label(l, "sloth_slo").unwrap_or_default(),
                label(l, "sloth_severity").unwrap_or_default(),
            ));
            let key = (
                label(l, "sloth_slo").unwrap_or_default(),
                label(l, "sloth_severity").unwrap_or_default(),
            );
            last = Some(key.clone());
            shapes.entry(key).or_default().0 = pairs(l);
        } else if l.contains("Annotations:{")
            && let Some(key) = &last
        {
            shapes.entry(key.clone()).or_default().1 = pairs(l);
        }
    }
    (got, shapes)
}

/// `{k="v", …}` as promtool prints labels and annotations.
fn pairs(line: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(start) = line.find('{') else {
        return out;
    };
    let mut rest = &line[start + 1..];
    while let Some(eq) = rest.find("=\"") {
        let key = rest[..eq].trim_start_matches([',', ' ']).to_string();
        let after = &rest[eq + 2..];
        let Some(end) = after.find("\", ").or_else(|| after.rfind("\"}")) else {
            break;
        };
        out.insert(key, after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// An imported Sloth SLO pages and opens tickets exactly when Sloth's own rules do
/// (its published output, `examples/_gen/`), at every five minutes of two days of varied
/// traffic: steady, a twenty-minute spike, idle, very low traffic with errors, a slow
/// ramp of errors, steady again.
#[test]
fn sloth_decisions_are_sloths() {
    if !crate::common::promtool() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public/sloth");
    // (minutes, requests per minute, share of errors)
    let mut phases: Vec<(u64, f64, f64)> = vec![
        (600, 1000.0, 0.0005),
        (20, 1000.0, 0.3),
        (280, 1000.0, 0.0005),
        (120, 0.0, 0.0),
        (480, 0.1, 0.2),
    ];
    for step in 0..12 {
        phases.push((60, 1000.0, 0.001 + 0.0016 * f64::from(step)));
    }
    phases.push((660, 1000.0, 0.0005));
    let minutes: u64 = phases.iter().map(|p| p.0).sum();
    let ok: Vec<(u64, f64)> = phases.iter().map(|p| (p.0, p.1 * (1.0 - p.2))).collect();
    let bad: Vec<(u64, f64)> = phases.iter().map(|p| (p.0, p.1 * p.2)).collect();
    for (example, metric, labels) in [
        (
            "getting-started.yml",
            "http_request_duration_seconds_count",
            "job=\"myservice\", ",
        ),
        ("kubernetes-apiserver.yml", "apiserver_request_total", ""),
    ] {
        let series = vec![
            (
                format!("{metric}{{{labels}code=\"200\"}}"),
                counter_values(&ok),
            ),
            (
                format!("{metric}{{{labels}code=\"503\"}}"),
                counter_values(&bad),
            ),
        ];
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("spec");
        let imported = import(
            Kind::Sloth,
            &[root.join("examples").join(example)],
            None,
            &dir,
        )
        .expect("loads");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &imported.files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let mut c =
            forge_spec::compile(std::slice::from_ref(&dir), "spec", &Default::default()).unwrap();
        let out = forge_spec::emit_checked(&mut c).unwrap().expect("builds");
        let ours = out
            .files
            .iter()
            .find(|(p, _)| {
                p.starts_with("prometheus/")
                    && p.ends_with(".rules.yml")
                    && !p.starts_with("prometheus/tests/")
            })
            .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
            .expect("a rule file");
        let names = |rules: &str| -> Vec<String> {
            let mut v: Vec<String> = rules_of(&yaml(rules))
                .into_iter()
                .filter(|r| r.0 == "alert")
                .map(|r| r.1)
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let sloth_rules = std::fs::read_to_string(root.join("_gen").join(example)).unwrap();
        let imported_slos: std::collections::BTreeSet<String> = c
            .model
            .as_ref()
            .unwrap()
            .slos
            .iter()
            .map(|s| s.name.value.clone())
            .collect();
        let (theirs, their_shapes) = firing(&sloth_rules, &names(&sloth_rules), &series, minutes);
        let theirs: std::collections::BTreeSet<_> = theirs
            .into_iter()
            .filter(|(_, slo, _)| imported_slos.contains(slo))
            .collect();
        let (mine, my_shapes) = firing(&ours, &names(&ours), &series, minutes);
        // Every label of Sloth's alerts (but its CLI's `cmd` and the alert's name, which
        // forge-spec tells apart), with its value, and Sloth's summary and title.
        let compared = their_shapes
            .iter()
            .filter(|(k, (l, a))| imported_slos.contains(&k.0) && l.len() > 3 && a.len() >= 2)
            .count();
        assert!(compared >= 2, "{example}: {their_shapes:?}");
        for (key, (labels, annotations)) in &their_shapes {
            if !imported_slos.contains(&key.0) {
                continue;
            }
            let (my_labels, my_annotations) = &my_shapes[key];
            for (k, v) in labels {
                if k != "cmd" && k != "alertname" {
                    assert_eq!(my_labels.get(k), Some(v), "{example} {key:?}: label {k}");
                }
            }
            for k in ["summary", "title"] {
                assert_eq!(
                    my_annotations.get(k),
                    annotations.get(k),
                    "{example} {key:?}: annotation {k}"
                );
            }
        }
        let pages = theirs.iter().filter(|d| d.2 == "page").count();
        let tickets = theirs.iter().filter(|d| d.2 == "ticket").count();
        assert!(pages > 0 && tickets > 0, "{example}: {pages} {tickets}");
        let only_theirs: Vec<_> = theirs.difference(&mine).collect();
        let only_mine: Vec<_> = mine.difference(&theirs).collect();
        assert!(
            only_theirs.is_empty() && only_mine.is_empty(),
            "{example}: Sloth alone: {only_theirs:?}\nforge-spec alone: {only_mine:?}"
        );
        eprintln!(
            "{example}: {} points, {pages} page and {tickets} ticket decisions, all Sloth's",
            minutes / 5
        );
    }
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Pyrra's own examples (42 distinct `ServiceLevelObjective`s: ratio, latency and
/// bool_gauge indicators, groupings, exporter metrics): each imports with no error and
/// builds, with Pyrra's burn windows and factors for its window.
#[test]
fn pyrra_examples_import_and_build() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public/pyrra");
    assert!(root.join("LICENSE").is_file());
    let files: Vec<PathBuf> = files_under(&root.join("examples"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    assert_eq!(files.len(), 42);
    let tmp = tempfile::tempdir().unwrap();
    let mut slos = 0;
    for (n, f) in files.iter().enumerate() {
        let mut c = import_one(Kind::Pyrra, f, &tmp.path().join(format!("spec{n}")));
        let m = c.model.as_ref().unwrap();
        for s in m.slos.iter().filter(|s| !s.alerting_disabled) {
            // Pyrra's `Windows` (slo/rules.go): fractions of the window, rounded to the
            // minute (halves away from zero, as Go's Duration.Round).
            let minute = |ms: u64| (ms + 30_000) / 60_000 * 60_000;
            let pyrra: Vec<(u64, u64, f64)> = [
                (672, 8064, 14.0),
                (112, 1344, 7.0),
                (28, 336, 2.0),
                (7, 112, 1.0),
            ]
            .iter()
            .map(|&(l, sh, f)| (minute(s.period.ms / l), minute(s.period.ms / sh), f))
            .collect();
            let ours: Vec<(u64, u64, f64)> = s
                .windows
                .iter()
                .map(|w| (w.long.ms, w.short.ms, w.factor))
                .collect();
            assert_eq!(ours, pyrra, "{}", f.display());
        }
        slos += m.slos.len();
        forge_spec::emit_checked(&mut c).unwrap().expect("builds");
    }
    assert!(slos >= 40, "{slos} SLOs imported");
}

/// A Sloth file of two services (`multifile.yml`) is two specs: its first service's SLOs
/// are imported, the other's reported (I001) with the way to import them, which
/// `--service` then does.
#[test]
fn sloth_services_stay_apart() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/public/sloth/examples/multifile.yml");
    let tmp = tempfile::tempdir().unwrap();
    for (service, other) in [(None, "myservice2"), (Some("myservice2"), "myservice")] {
        let imported = import(
            Kind::Sloth,
            std::slice::from_ref(&file),
            service,
            &tmp.path().join(other),
        )
        .expect("loads");
        let said: Vec<String> = imported
            .diagnostics
            .items
            .iter()
            .map(|d| format!("{} {}", d.code.code, d.message))
            .collect();
        assert!(
            said.iter().any(|m| m.starts_with("I001")
                && m.contains(&format!("service `{other}` are not imported"))),
            "{said:#?}"
        );
        let c = &imported.check;
        assert!(!c.diagnostics.has_errors(), "{:?}", c.diagnostics.items);
        let m = c.model.as_ref().unwrap();
        assert_ne!(m.service.name.value, other);
        assert_eq!(m.slos.len(), 1);
    }
}
