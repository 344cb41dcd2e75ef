//! Backend: the guide's `docker-compose --profile monitoring up -d` stack — Prometheus on
//! 9090, Alertmanager on 9093, Grafana on 3000 — wired to the generated files, as
//! `docker-compose.yml` (found without `-f` from the output directory). Secrets
//! (Grafana's admin password, the receivers' keys) come from files, never literals: from
//! `$FORGE_SECRETS` (default `../secrets`, beside the output directory, where `build`
//! creates placeholders). Exporters with a known image (node_exporter, blackbox_exporter)
//! are services of the stack; the targets it scrapes but cannot start (the service
//! itself) are listed at the top of the file for the user to add.

/// The compose file's name.
pub const FILE: &str = "docker-compose.yml";

/// Where the stack reads secret files from, relative to the compose file.
const SECRETS: &str = "${FORGE_SECRETS:-../secrets}";

/// The secret files the stack reads (file names under the secrets directory), with
/// what each must hold: the receivers' `*_file` secrets and Grafana's admin password.
pub fn secret_files_needed(m: &Model) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = secret_files(m)
        .into_iter()
        .map(|f| {
            (
                mount_name(&f),
                format!("the secret Alertmanager reads from {f}"),
            )
        })
        .collect();
    v.push((
        "grafana_admin_password".into(),
        "Grafana's admin password".into(),
    ));
    v.sort();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

/// The name under the secrets directory of a secret mounted at `path`.
fn mount_name(path: &str) -> String {
    let name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| "secret".into(), |n| n.to_string_lossy().into_owned());
    super::file_stem(&name)
}

use super::Output;
use forge_spec_ir::Model;
use serde_json::json;

/// Files under `secrets/` the stack mounts, from the receivers' `*_file` fields.
fn secret_files(m: &Model) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for r in &m.receivers {
        v.extend(super::secret_files(r, |k| k.alertmanager.1).map(|f| f.value.clone()));
    }
    v.sort();
    v.dedup();
    v
}

pub fn emit(m: &Model, out: &mut Output) {
    let mut am_volumes = vec![json!("./alertmanager:/etc/alertmanager/config:ro")];
    // Each secret file the receivers reference is mounted from the secrets directory.
    for f in secret_files(m) {
        am_volumes.push(json!(format!("{SECRETS}/{}:{f}:ro", mount_name(&f))));
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
        "secrets": {"grafana_admin_password": {"file": format!("{SECRETS}/grafana_admin_password")}},
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
    // Scraped exporters with a known image run in the stack, under the target's host
    // name; the others (the service itself, exporters of other hosts) are the user's.
    let mut theirs = Vec::new();
    for t in m.targets.iter().filter(|t| t.probe.is_some()) {
        theirs.push(format!("{} (probed at {})", t.name.value, t.address.value));
    }
    for t in m.targets.iter().filter(|t| t.probe.is_none()) {
        let host = t
            .address
            .value
            .rsplit_once(':')
            .map_or(t.address.value.as_str(), |(h, _)| h);
        if compose["services"].get(host).is_some() {
            continue;
        }
        if t.uses.iter().any(|u| u == "node_exporter") {
            compose["services"][host] = json!({
                "image": "prom/node-exporter:v1.8.2",
                "profiles": ["monitoring"],
                "command": ["--path.rootfs=/host"],
                "pid": "host",
                "volumes": ["/:/host:ro,rslave"],
                "restart": "unless-stopped",
            });
        } else {
            theirs.push(format!("{} ({})", t.name.value, t.address.value));
        }
    }
    let text = super::yaml(m, &compose).map(|text| {
        if theirs.is_empty() {
            return text;
        }
        let note = format!(
            "# Prometheus also reaches targets this file does not start: {}.\n\
             # Run them on this stack's network: add them as services here, or start this\n\
             # file together with yours (`docker-compose -f docker-compose.yml -f app.yml`).\n",
            theirs.join(", ")
        );
        match text.split_once('\n') {
            Some((first, rest)) => format!("{first}\n{note}{rest}"),
            None => format!("{text}{note}"),
        }
    });
    out.add_text(FILE, text);
}
