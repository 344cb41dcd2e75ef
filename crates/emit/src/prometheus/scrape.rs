//! Backend: Prometheus scrape config (`prometheus.yml`): one job per target — a probed
//! target's job asks blackbox_exporter to probe it, with the usual relabelling (the
//! probed URL becomes `instance`) —, the rule file, and the Alertmanager to send to.

use forge_spec_ir::Model;
use serde::Serialize;

#[derive(Serialize)]
struct Config {
    global: Global,
    rule_files: Vec<String>,
    alerting: Alerting,
    scrape_configs: Vec<ScrapeConfig>,
}

#[derive(Serialize)]
struct Global {
    scrape_interval: String,
    evaluation_interval: String,
    external_labels: std::collections::BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Alerting {
    alertmanagers: Vec<StaticConfigs>,
}

#[derive(Serialize)]
struct StaticConfigs {
    static_configs: Vec<Targets>,
}

#[derive(Serialize)]
struct Targets {
    targets: Vec<String>,
}

#[derive(Serialize)]
struct ScrapeConfig {
    job_name: String,
    metrics_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<std::collections::BTreeMap<String, Vec<String>>>,
    static_configs: Vec<Targets>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relabel_configs: Vec<Relabel>,
}

#[derive(Serialize)]
struct Relabel {
    #[serde(skip_serializing_if = "Option::is_none")]
    source_labels: Option<Vec<String>>,
    target_label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    replacement: Option<String>,
}

fn job(t: &forge_spec_ir::Target) -> ScrapeConfig {
    let Some(p) = &t.probe else {
        return ScrapeConfig {
            job_name: t.name.value.clone(),
            metrics_path: t.metrics_path.clone(),
            params: None,
            static_configs: vec![Targets {
                targets: vec![t.address.value.clone()],
            }],
            relabel_configs: Vec::new(),
        };
    };
    let relabel = |source: Option<&str>, target: &str, replacement: Option<&str>| Relabel {
        source_labels: source.map(|s| vec![s.to_string()]),
        target_label: target.to_string(),
        replacement: replacement.map(str::to_string),
    };
    ScrapeConfig {
        job_name: t.name.value.clone(),
        metrics_path: "/probe".into(),
        params: Some([("module".to_string(), vec![p.module.clone()])].into()),
        static_configs: vec![Targets {
            targets: vec![t.address.value.clone()],
        }],
        relabel_configs: vec![
            relabel(Some("__address__"), "__param_target", None),
            relabel(Some("__param_target"), "instance", None),
            relabel(None, "__address__", Some(&p.exporter)),
        ],
    }
}

/// The scrape configuration of the model's targets, loading these rule files.
pub fn render(model: &Model, rules_files: &[String]) -> Result<String, serde_json::Error> {
    let interval = model.scaled(model.scrape_interval).to_prometheus();
    let cfg = Config {
        global: Global {
            scrape_interval: interval.clone(),
            evaluation_interval: interval,
            external_labels: [("monitor".to_string(), model.service.name.value.clone())].into(),
        },
        rule_files: rules_files.to_vec(),
        alerting: Alerting {
            alertmanagers: vec![StaticConfigs {
                static_configs: vec![Targets {
                    targets: vec![model.service.alertmanager.clone()],
                }],
            }],
        },
        scrape_configs: model.targets.iter().map(job).collect(),
    };
    crate::yaml(model, &cfg)
}
