//! Backend: Prometheus scrape config (`prometheus.yml`): one job per target, the rule
//! file, and the Alertmanager to send to.

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
    static_configs: Vec<Targets>,
}

pub fn render(model: &Model, rules_file: &str) -> Result<String, serde_json::Error> {
    let interval = model.scaled(model.scrape_interval).to_prometheus();
    let cfg = Config {
        global: Global {
            scrape_interval: interval.clone(),
            evaluation_interval: interval,
            external_labels: [("monitor".to_string(), model.service.name.value.clone())].into(),
        },
        rule_files: vec![rules_file.to_string()],
        alerting: Alerting {
            alertmanagers: vec![StaticConfigs {
                static_configs: vec![Targets {
                    targets: vec![model.service.alertmanager.clone()],
                }],
            }],
        },
        scrape_configs: model
            .targets
            .iter()
            .map(|t| ScrapeConfig {
                job_name: t.name.value.clone(),
                metrics_path: t.metrics_path.clone(),
                static_configs: vec![Targets {
                    targets: vec![t.address.value.clone()],
                }],
            })
            .collect(),
    };
    crate::yaml(model, &cfg)
}
