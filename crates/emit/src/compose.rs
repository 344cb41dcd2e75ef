//! Backend: the guide's `docker-compose --profile monitoring up -d` stack — Prometheus on
//! 9090, Alertmanager on 9093, Grafana on 3000 — wired to the generated files. Secrets
//! (Grafana's admin password, the receivers' keys) come from files, never literals.

use super::Output;
use forge_spec_ir::Model;
use serde_json::json;

/// Files under `secrets/` the stack mounts, from the receivers' `*_file` fields.
fn secret_files(m: &Model) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for r in &m.receivers {
        let s = r;
        let fields = [
            s.slack.as_ref().and_then(|x| x.api_url_file.as_ref()),
            s.pagerduty
                .as_ref()
                .and_then(|x| x.routing_key_file.as_ref()),
            s.pagerduty
                .as_ref()
                .and_then(|x| x.service_key_file.as_ref()),
            s.email.as_ref().and_then(|x| x.auth_password_file.as_ref()),
            s.opsgenie.as_ref().and_then(|x| x.api_key_file.as_ref()),
        ];
        v.extend(fields.into_iter().flatten().map(|f| f.value.clone()));
    }
    v.sort();
    v.dedup();
    v
}

pub fn emit(m: &Model, out: &mut Output) {
    let mut am_volumes = vec![json!("./alertmanager:/etc/alertmanager/config:ro")];
    // Each secret file the receivers reference is mounted from ./secrets/<name>.
    for f in secret_files(m) {
        let name = std::path::Path::new(&f)
            .file_name()
            .map_or_else(|| "secret".into(), |n| n.to_string_lossy().into_owned());
        am_volumes.push(json!(format!(
            "./secrets/{}:{f}:ro",
            super::file_stem(&name)
        )));
    }
    let mut compose = json!({
        "version": "3.8",
        "services": {
            "prometheus": {
                "image": "prom/prometheus:v2.42.0",
                "profiles": ["monitoring"],
                "command": [
                    "--config.file=/etc/prometheus/prometheus.yml",
                    "--storage.tsdb.path=/prometheus",
                    "--web.enable-lifecycle",
                ],
                "ports": ["9090:9090"],
                "volumes": ["./prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"],
                "restart": "unless-stopped",
            },
            "alertmanager": {
                "image": "prom/alertmanager:v0.25.0",
                "profiles": ["monitoring"],
                "command": ["--config.file=/etc/alertmanager/config/alertmanager.yml", "--storage.path=/alertmanager"],
                "ports": ["9093:9093"],
                "volumes": am_volumes,
                "restart": "unless-stopped",
            },
            "grafana": {
                "image": "grafana/grafana-oss:11.5.0",
                "profiles": ["monitoring"],
                "ports": ["3000:3000"],
                "environment": {
                    "GF_SECURITY_ADMIN_USER": "${GRAFANA_ADMIN_USER:-admin}",
                    "GF_SECURITY_ADMIN_PASSWORD__FILE": "/run/secrets/grafana_admin_password",
                    "GF_USERS_ALLOW_SIGN_UP": "false",
                },
                "secrets": ["grafana_admin_password"],
                "volumes": [
                    "./grafana/provisioning:/etc/grafana/provisioning:ro",
                    "./grafana/dashboards:/var/lib/grafana/dashboards:ro",
                    "grafana-data:/var/lib/grafana",
                ],
                "depends_on": ["prometheus"],
                "restart": "unless-stopped",
            },
        },
        "secrets": {"grafana_admin_password": {"file": "./secrets/grafana_admin_password"}},
        "volumes": {"prometheus-data": {}, "grafana-data": {}},
    });
    // Probed targets need a blackbox_exporter (its image's default configuration has the
    // `http_2xx`, `tcp_connect`, `icmp` modules), one service per exporter address.
    let mut exporters: Vec<&str> = m
        .targets
        .iter()
        .filter_map(|t| t.probe.as_ref().map(|p| p.exporter.as_str()))
        .collect();
    exporters.sort_unstable();
    exporters.dedup();
    for address in exporters {
        let (host, port) = address.rsplit_once(':').unwrap_or((address, "9115"));
        compose["services"][host] = json!({
            "image": "prom/blackbox-exporter:v0.23.0",
            "profiles": ["monitoring"],
            "ports": [format!("{port}:9115")],
            "restart": "unless-stopped",
        });
    }
    out.add_text("docker-compose.monitoring.yml", super::yaml(m, &compose));
}
