//! Backends: snapshots of the generated files for the shipped spec and the emit
//! fixtures (for review), paired with assertions on what matters.

use std::path::{Path, PathBuf};

fn build(path: &Path) -> forge_spec::emit::Output {
    let comp = forge_spec::compile(
        &[path.to_path_buf()],
        &forge_spec::source::display_name(path),
        &Default::default(),
    )
    .unwrap();
    let errors: Vec<_> = comp
        .diagnostics
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| &d.message)
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    forge_spec::emit::emit(&comp.model.unwrap()).expect("every file serialises")
}

fn text<'a>(out: &'a forge_spec::emit::Output, path: &str) -> &'a str {
    std::str::from_utf8(out.files.get(path).unwrap_or_else(|| panic!("no {path}"))).unwrap()
}

/// Snapshots of every generated Prometheus file of each emit fixture.
#[test]
fn emit_fixture_snapshots() {
    insta::glob!("../fixtures/emit", "*.yaml", |path| {
        let rel: PathBuf = path
            .strip_prefix(std::env::current_dir().unwrap())
            .unwrap()
            .to_path_buf();
        let out = build(&rel);
        let mut all = String::new();
        for (p, bytes) in &out.files {
            if p.starts_with("prometheus/") || p.starts_with("alertmanager/") {
                all.push_str(&format!("=== {p}\n{}", String::from_utf8_lossy(bytes)));
            }
        }
        insta::assert_snapshot!(all);
    });
}

/// A 99.9% SLO pages at 0.0144 and 0.006 and opens tickets at 0.003 and 0.001.
#[test]
fn availability_thresholds() {
    let out = build(Path::new("spec"));
    let rules: serde_json::Value =
        serde_saphyr::from_str(text(&out, "prometheus/ai-forge.rules.yml")).unwrap();
    let alerts = rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap().iter());
    let find = |name: &str| {
        alerts
            .clone()
            .find(|r| r["alert"] == name)
            .unwrap_or_else(|| panic!("{name}"))["expr"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let page = find("AvailabilityErrorBudgetFastBurn");
    assert!(
        page.contains("ratio_rate5m{slo=\"availability\", service=\"ai-forge\"} > 0.0144"),
        "{page}"
    );
    assert!(
        page.contains("ratio_rate1h{slo=\"availability\", service=\"ai-forge\"} > 0.0144"),
        "{page}"
    );
    assert!(
        page.contains("ratio_rate30m{slo=\"availability\", service=\"ai-forge\"} > 0.006"),
        "{page}"
    );
    assert!(
        page.contains("ratio_rate6h{slo=\"availability\", service=\"ai-forge\"} > 0.006"),
        "{page}"
    );
    let ticket = find("AvailabilityErrorBudgetSlowBurn");
    assert!(
        ticket.contains("ratio_rate2h{slo=\"availability\", service=\"ai-forge\"} > 0.003"),
        "{ticket}"
    );
    assert!(
        ticket.contains("ratio_rate3d{slo=\"availability\", service=\"ai-forge\"} > 0.001"),
        "{ticket}"
    );
}

/// Every explicit alert carries severity, service, its slo, and the annotations.
#[test]
fn alert_labels_and_annotations() {
    let out = build(Path::new("spec"));
    let rules: serde_json::Value =
        serde_saphyr::from_str(text(&out, "prometheus/ai-forge.rules.yml")).unwrap();
    let group = &rules["groups"][0];
    assert_eq!(group["name"], "ai-forge-alerts");
    let names: Vec<&str> = group["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alert"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "AIForgeDown",
            "OllamaDown",
            "HighLatency",
            "HighErrorRate",
            "HighMemoryUsage",
            "TrainingJobFailed",
            "TrainingJobStuck"
        ]
    );
    for r in group["rules"].as_array().unwrap() {
        assert_eq!(r["labels"]["service"], "ai-forge");
        assert!(["critical", "warning"].contains(&r["labels"]["severity"].as_str().unwrap()));
        assert!(
            r["annotations"]["summary"].is_string() && r["annotations"]["runbook_url"].is_string()
        );
    }
    let hl = &group["rules"][2];
    assert_eq!(
        hl["expr"],
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1"
    );
    assert_eq!(hl["for"], "5m");
    assert_eq!(hl["labels"]["slo"], "latency");
    assert_eq!(
        hl["annotations"]["dashboard_url"],
        "http://localhost:3000/d/api-performance?viewPanel=2"
    );
}

/// The generated tests cover every explicit alert (firing and silent), every SLO and
/// every absent-data alert, each in a file whose rules are the deployed ones cut to
/// what its tests read.
#[test]
fn generated_tests_cover_every_alert() {
    let out = build(Path::new("spec"));
    let names = crate::common::generated_test_names(&out.files);
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    for a in [
        "AIForgeDown",
        "OllamaDown",
        "HighLatency",
        "HighErrorRate",
        "HighMemoryUsage",
        "TrainingJobFailed",
        "TrainingJobStuck",
    ] {
        assert!(has(&format!("{a} fires when")), "{a}: {names:?}");
        assert!(has(&format!("{a} stays silent")), "{a}: {names:?}");
    }
    for s in ["availability", "latency", "error_rate", "training_success"] {
        assert!(
            has(&format!("SLO {s}: an error rate far above budget pages")),
            "{s} page test"
        );
        assert!(
            has(&format!(
                "SLO {s}: an error rate slightly above budget opens a ticket"
            )),
            "{s} ticket test"
        );
        assert!(
            has(&format!(
                "SLO {s}: each window sees a one-minute error spike"
            )),
            "{s} behaviour test"
        );
    }
    // Every absent-data alert of the rule file has its two tests.
    let deployed = text(&out, "prometheus/ai-forge.rules.yml");
    let absent: Vec<&str> = deployed
        .lines()
        .filter_map(|l| l.strip_prefix("  - alert: "))
        .filter(|a| a.ends_with("Absent"))
        .collect();
    assert!(!absent.is_empty());
    for a in &absent {
        assert!(has(&format!("{a} fires when")), "{a}: {names:?}");
        assert!(has(&format!("{a} stays silent")), "{a}: {names:?}");
    }
    let index = text(&out, "prometheus/tests/ai-forge.md");
    assert!(!index.contains("No generated test for"), "{index}");
    assert!(!out.files.contains_key("prometheus/ai-forge.rules.test.yml"));
    // Each test file's rules are the deployed ones cut to what its tests read; an SLO's
    // behaviour tests run with its groups whole.
    for (path, rules) in &out.files {
        if path.starts_with("prometheus/tests/") && path.ends_with(".rules.yml") {
            crate::common::assert_cut_from_deployed(std::str::from_utf8(rules).unwrap(), deployed);
        }
    }
    for s in ["availability", "latency", "error_rate", "training_success"] {
        let rules = text(&out, &format!("prometheus/tests/ai-forge.{s}.rules.yml"));
        crate::common::assert_scoped_as_deployed(rules, deployed, &format!("ai-forge-slo-{s}-sli"));
    }
    let cfg = text(&out, "prometheus/prometheus.yml");
    assert!(!cfg.contains("tests/"), "{cfg}");
}

/// The scrape config has one job per target, the rule file and the Alertmanager.
#[test]
fn scrape_config() {
    let out = build(Path::new("spec"));
    let cfg: serde_json::Value =
        serde_saphyr::from_str(text(&out, "prometheus/prometheus.yml")).unwrap();
    let jobs: Vec<&str> = cfg["scrape_configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_name"].as_str().unwrap())
        .collect();
    assert_eq!(jobs, ["ai-forge", "ollama", "node"]);
    assert_eq!(cfg["rule_files"][0], "ai-forge.rules.yml");
    assert_eq!(
        cfg["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0],
        "alertmanager:9093"
    );
}

/// The compose stack: the guide's three services on their ports, wired to the generated
/// files, with no password literal (Grafana's comes from a secret file).
#[test]
fn compose_stack() {
    let out = build(Path::new("spec"));
    let text = text(&out, "docker-compose.yml");
    let c: serde_json::Value = serde_saphyr::from_str(text).unwrap();
    for (svc, port) in [
        ("prometheus", "9090:9090"),
        ("alertmanager", "9093:9093"),
        ("grafana", "3000:3000"),
    ] {
        assert_eq!(c["services"][svc]["ports"][0], port, "{svc}");
        assert_eq!(c["services"][svc]["profiles"][0], "monitoring", "{svc}");
    }
    assert_eq!(
        c["services"]["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD__FILE"],
        "/run/secrets/grafana_admin_password"
    );
    assert!(
        !text.contains("GF_SECURITY_ADMIN_PASSWORD:"),
        "no password literal"
    );
    assert!(!text.to_lowercase().contains("admin/admin"));
    let am_volumes = c["services"]["alertmanager"]["volumes"].as_array().unwrap();
    assert!(am_volumes.iter().any(|v| {
        v.as_str()
            .unwrap()
            .ends_with(":/etc/alertmanager/secrets/slack-webhook-url:ro")
    }));
    assert!(
        out.files
            .contains_key("grafana/provisioning/datasources/prometheus.yml")
    );
    assert!(
        out.files
            .contains_key("grafana/provisioning/dashboards/ai-forge.yml")
    );
}

/// Alerts link to the panel that shows their condition; SLO alerts to the SLO dashboard.
#[test]
fn dashboard_links() {
    let out = build(Path::new("spec"));
    let rules: serde_json::Value =
        serde_saphyr::from_str(text(&out, "prometheus/ai-forge.rules.yml")).unwrap();
    let alerts: Vec<&serde_json::Value> = rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .filter(|r| r["alert"].is_string())
        .collect();
    let url = |name: &str| {
        alerts.iter().find(|r| r["alert"] == name).unwrap()["annotations"]["dashboard_url"]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(
        url("HighErrorRate").as_deref(),
        Some("http://localhost:3000/d/api-performance?viewPanel=3")
    );
    assert_eq!(
        url("HighMemoryUsage").as_deref(),
        Some("http://localhost:3000/d/resources?viewPanel=1")
    );
    assert_eq!(
        url("AvailabilityErrorBudgetFastBurn").as_deref(),
        Some("http://localhost:3000/d/ai-forge-slos")
    );
    let d: serde_json::Value =
        serde_json::from_slice(&out.files["grafana/dashboards/api-performance.json"]).unwrap();
    assert_eq!(d["panels"][2]["id"], 3);
    assert_eq!(d["panels"][2]["title"], "Error rate");
}

/// `for: 0m` (and `for 0s` in a condition) is no `for`, as Prometheus reads it: the rule
/// is written exactly as the same alert without one (a rule file imported with
/// `for: 0m` builds, and nothing is invented for it).
#[test]
fn a_zero_for_is_no_for() {
    let rules = |alert: &str| {
        let spec = format!(
            "service: {{name: shop}}\ntargets: {{web: {{address: \"web:80\"}}}}\nalerts:\n  WebDown: {{severity: critical, {alert}, summary: Web is down., description: Web is down., runbook: https://example.com/r}}\n"
        );
        let mut c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
        let errors: Vec<&str> = c
            .diagnostics
            .items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.as_str())
            .collect();
        assert!(errors.is_empty(), "{alert}: {errors:?}");
        let out = forge_spec::emit_checked(&mut c).unwrap().expect("builds");
        String::from_utf8(out.files["prometheus/shop.rules.yml"].clone()).unwrap()
    };
    let none = rules("condition: up(web) == 0");
    assert!(!none.contains("for:"), "{none}");
    assert_eq!(rules("condition: up(web) == 0, for: 0m"), none);
    assert_eq!(rules("condition: up(web) == 0 for 0s"), none);
    // A real `for` is kept.
    assert!(rules("condition: up(web) == 0, for: 2m").contains("for: '2m'"));
}

/// The labels forge-spec adds by default (`service`, `team`, `namespace`) never replace
/// one the expression's result carries: an alert `by (service)` (awesome-prometheus-
/// alerts' TraefikHighHttp5xxErrorRateService, every kube-prometheus series) keeps each
/// series' `service`, and fires for each — promtool evaluates the built rule over two
/// services and sees two alerts (with the label set, Prometheus would refuse to evaluate
/// it: "same labelset after applying alert labels"). An alert whose result cannot carry
/// `service` still gets the spec's.
#[test]
fn default_labels_never_replace_the_series_own() {
    let spec = r#"service: {name: shop, team: web}
targets: {web: {address: "web:80"}}
routing: {receiver: r}
receivers: {r: {webhook: {url: "http://hooks.example.org/x"}}}
metrics:
  http_requests_total: {type: counter, help: Requests., labels: {service: {max_values: 50}, code: {values: ["2xx", "5xx"]}}}
alerts:
  ErrorsPerService:
    severity: critical
    condition: sum by (service) (rate(http_requests_total{code="5xx"})) > 1 for 1m
    summary: A service returns errors.
    description: '{{ $labels.service }} returns errors.'
    runbook: https://example.com/r
  ErrorsOverall:
    severity: warning
    condition: sum(rate(http_requests_total{code="5xx"})) > 1 for 1m
    summary: Errors are high.
    description: Errors are high.
    runbook: https://example.com/r
"#;
    let mut c = forge_spec::compile_str(&[("spec.yaml", spec)], &Default::default());
    let errors: Vec<&str> = c
        .diagnostics
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let out = forge_spec::emit_checked(&mut c).unwrap().expect("builds");
    let rules = String::from_utf8(out.files["prometheus/shop.rules.yml"].clone()).unwrap();
    let per_service = rules.split("- alert: ErrorsPerService").nth(1).unwrap();
    let per_service = per_service.split("- alert:").next().unwrap();
    assert!(!per_service.contains("service: shop"), "{per_service}");
    assert!(per_service.contains("team: web"), "{per_service}");
    let overall = rules.split("- alert: ErrorsOverall").nth(1).unwrap();
    let overall = overall.split("- alert:").next().unwrap();
    assert!(overall.contains("service: shop"), "{overall}");
    if !crate::common::promtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.yml"), &rules).unwrap();
    std::fs::write(
        dir.path().join("test.yml"),
        r#"rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_requests_total{job="web", instance="a", service="cart", code="5xx"}'
        values: '0+600x20'
      - series: 'http_requests_total{job="web", instance="a", service="pay", code="5xx"}'
        values: '0+600x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: ErrorsPerService
        exp_alerts:
          - exp_labels: {severity: critical, team: web, service: cart}
            exp_annotations: {summary: A service returns errors., description: cart returns errors., runbook_url: 'https://example.com/r'}
          - exp_labels: {severity: critical, team: web, service: pay}
            exp_annotations: {summary: A service returns errors., description: pay returns errors., runbook_url: 'https://example.com/r'}
"#,
    )
    .unwrap();
    crate::common::run_promtool(dir.path(), &["test", "rules", "test.yml"]);
}

/// What rule files hold and a spec must too: two alerts of one name (a warning and a
/// critical at two thresholds), two records of one series (one per class), labels the
/// discovery gives a target's series, and alerts with no label forge-spec adds
/// (`alert_labels: []`). Routes by `alertname` take both alerts; promtool sees both fire.
#[test]
fn rule_files_hold_what_prometheus_holds() {
    let spec = r#"service: {name: disks, alert_labels: []}
targets: {node: {address: "node:9100", labels: [namespace]}}
routing:
  receiver: r
  routes: [{match: {alertname: DiskFillingUp}, receiver: pager}]
  tests:
    - {labels: {alertname: DiskFillingUp, severity: warning}, expect: [pager]}
    - {labels: {alertname: DiskFillingUp, severity: critical}, expect: [pager]}
receivers:
  r: {webhook: {url: "http://hooks.example.org/x"}}
  pager: {webhook: {url: "http://hooks.example.org/p"}}
metrics:
  disk_free_ratio: {type: gauge, unit: ratio, help: Free disk., labels: {class: {values: [ssd, hdd]}}}
records:
  job:disk_free_ratio:min:
    query: min by (job) (disk_free_ratio{class="ssd"})
    labels: {class: ssd}
  job:disk_free_ratio:min (hdd):
    record: job:disk_free_ratio:min
    query: min by (job) (disk_free_ratio{class="hdd"})
    labels: {class: hdd}
alerts:
  DiskFillingUp:
    severity: warning
    condition: disk_free_ratio{namespace="prod"} < 0.2 for 1m
    summary: A disk is filling up.
    runbook: https://example.com/r
  DiskFillingUpCritical:
    alertname: DiskFillingUp
    severity: critical
    condition: disk_free_ratio{namespace="prod"} < 0.1 for 1m
    summary: A disk is nearly full.
    runbook: https://example.com/r
"#;
    let mut c = forge_spec::compile_str(&[("spec.yaml", spec)], &Default::default());
    let errors: Vec<String> = c
        .diagnostics
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let out = forge_spec::emit_checked(&mut c).unwrap().expect("builds");
    let rules = String::from_utf8(out.files["prometheus/disks.rules.yml"].clone()).unwrap();
    assert_eq!(
        rules.matches("- alert: DiskFillingUp\n").count(),
        2,
        "{rules}"
    );
    assert_eq!(
        rules
            .matches("- record: 'job:disk_free_ratio:min'\n")
            .count(),
        2,
        "{rules}"
    );
    assert!(
        !rules.contains("service:"),
        "no label the spec did not ask for: {rules}"
    );
    assert!(!rules.contains("DiskFillingUpCritical"), "{rules}");
    // A misspelt label to add is refused, with the right one offered.
    let bad = spec.replace("alert_labels: []", "alert_labels: [sevice]");
    let c = forge_spec::compile_str(&[("spec.yaml", &bad)], &Default::default());
    assert!(
        c.diagnostics.items.iter().any(|d| d.is_error()
            && d.message.contains("`sevice`")
            && d.help.as_deref().is_some_and(|h| h.contains("service"))),
        "{:?}",
        c.diagnostics
            .items
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    if !crate::common::promtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.yml"), &rules).unwrap();
    std::fs::write(
        dir.path().join("test.yml"),
        r#"rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'disk_free_ratio{job="node", instance="a", namespace="prod", class="ssd"}'
        values: '0.05x20'
      - series: 'disk_free_ratio{job="node", instance="b", namespace="prod", class="hdd"}'
        values: '0.15x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: DiskFillingUp
        exp_alerts:
          - exp_labels: {severity: warning, job: node, instance: a, namespace: prod, class: ssd}
            exp_annotations: {summary: A disk is filling up., description: A disk is filling up., runbook_url: 'https://example.com/r'}
          - exp_labels: {severity: warning, job: node, instance: b, namespace: prod, class: hdd}
            exp_annotations: {summary: A disk is filling up., description: A disk is filling up., runbook_url: 'https://example.com/r'}
          - exp_labels: {severity: critical, job: node, instance: a, namespace: prod, class: ssd}
            exp_annotations: {summary: A disk is nearly full., description: A disk is nearly full., runbook_url: 'https://example.com/r'}
    promql_expr_test:
      - expr: job:disk_free_ratio:min
        eval_time: 10m
        exp_samples:
          - {labels: 'job:disk_free_ratio:min{job="node", class="ssd"}', value: 0.05}
          - {labels: 'job:disk_free_ratio:min{job="node", class="hdd"}', value: 0.15}
"#,
    )
    .unwrap();
    let o = std::process::Command::new("promtool")
        .args(["test", "rules", "test.yml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}\n{rules}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
