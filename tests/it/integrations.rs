//! The receiver integrations table drives every writer and check.

use crate::kubernetes::{compile_text, crds, resources, text, validate, yaml};
use serde_json::Value;
use std::process::Command;

/// A value a real configuration could carry, for each field of the integrations table.
fn sample(kind: &str, field: &forge_spec::ir::integrations::Field) -> String {
    use forge_spec::ir::integrations::FieldKind;
    match (kind, field.key, field.kind) {
        (_, _, FieldKind::Flag) => "true".into(),
        (_, _, FieldKind::SecretFile) => format!("/etc/alertmanager/secrets/{kind}-{}", field.key),
        (_, "to" | "from", _) => "oncall@example.org".into(),
        (_, "smarthost", _) => "smtp.example.org:587".into(),
        (_, "url" | "api_url", _) => "https://hooks.example.org/notify".into(),
        (_, "channel", _) => "'#alerts'".into(),
        (_, "priority", _) => "P2".into(),
        _ if !field.values.is_empty() => field.values[0].into(),
        _ => "'{{ .CommonLabels.alertname }}'".into(),
    }
}

/// The integrations table drives every writer: a receiver of each integration with
/// every field the table declares (literal secrets aside) is written to both the
/// Alertmanager configuration (under the table's list name, which amtool accepts) and
/// the AlertmanagerConfig (its list name; the Operator's CRD accepts it), its secret
/// files are mounted in the compose stack and keyed in the Secret, and a receiver
/// missing each required setting is reported (R002) naming it.
#[test]
fn every_integration_of_the_table_reaches_both_configurations() {
    use forge_spec::ir::integrations::{FieldKind, INTEGRATIONS};
    let mut receivers = String::new();
    let mut routes = String::new();
    for k in INTEGRATIONS {
        let fields: Vec<String> = k
            .fields
            .iter()
            .filter(|f| match f.kind {
                FieldKind::LiteralSecret { .. } => false,
                // Alertmanager 0.25 reads a webhook's URL only from `url`.
                FieldKind::SecretFile => k.alertmanager.1.iter().any(
                    |(_, o)| matches!(o, forge_spec::ir::integrations::Out::Field(x) if *x == f.key),
                ),
                _ => true,
            })
            .map(|f| format!("{}: {}", f.key, sample(k.key, f)))
            .collect();
        receivers.push_str(&format!(
            "  r-{}: {{{}: {{{}}}}}\n",
            k.key,
            k.key,
            fields.join(", ")
        ));
        routes.push_str(&format!(
            "    - {{match: {{team: {}}}, receiver: r-{}}}\n",
            k.key, k.key
        ));
    }
    let spec = format!(
        "service: {{name: shop}}\noutputs: [prometheus, kubernetes]\ntargets: {{shop: {{address: \"shop:80\"}}}}\nalerts:\n  ShopDown: {{severity: critical, condition: up(shop) == 0 for 1m, summary: Shop is down., description: Shop is down., runbook: https://example.com/r}}\nrouting:\n  receiver: r-slack\n  group_by: [alertname]\n  routes:\n{routes}receivers:\n{receivers}"
    );
    let out = compile_text(&spec);
    let am = yaml(&out, "alertmanager/alertmanager.yml");
    let amcs: Vec<Value> = resources(&out)
        .into_values()
        .filter(|r| r["kind"] == "AlertmanagerConfig")
        .collect();
    assert_eq!(amcs.len(), 1);
    let compose = text(&out, "docker-compose.yml");
    let crds = crds();
    for r in resources(&out).values() {
        let errors = validate(&crds, r);
        assert!(errors.is_empty(), "{r}: {errors:?}");
    }
    for k in INTEGRATIONS {
        let name = format!("r-{}", k.key);
        let plain = am["receivers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} in alertmanager.yml"));
        let config = &plain[k.alertmanager.0][0];
        assert!(config.is_object(), "{name}: {plain}");
        let crd = amcs[0]["spec"]["receivers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} in the AlertmanagerConfig"));
        assert!(crd[k.crd.0][0].is_object(), "{name}: {crd}");
        for f in k.fields {
            if f.kind == FieldKind::SecretFile && config.get(f.key).is_some() {
                let path = config[f.key].as_str().unwrap();
                assert!(compose.contains(&format!(":{path}:ro")), "{path} mounted");
            }
        }
    }
    if Command::new("amtool").arg("--version").output().is_ok() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("alertmanager.yml");
        std::fs::write(&file, text(&out, "alertmanager/alertmanager.yml")).unwrap();
        let o = Command::new("amtool")
            .args(["check-config", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "amtool is required under CI"
        );
    }

    // Each requirement of each integration, left out, is reported by name.
    for k in INTEGRATIONS {
        for req in k.requires {
            let fields: Vec<String> = k
                .fields
                .iter()
                .filter(|f| {
                    f.kind != FieldKind::Flag
                        && !matches!(f.kind, FieldKind::LiteralSecret { .. })
                        && !req.fields.contains(&f.key)
                        && req.unless.is_none_or(|u| u.0 != f.key)
                })
                .map(|f| format!("{}: {}", f.key, sample(k.key, f)))
                .collect();
            let spec = format!(
                "service: {{name: shop}}\ntargets: {{shop: {{address: \"shop:80\"}}}}\nrouting: {{receiver: r}}\nreceivers:\n  r: {{{}: {{{}}}}}\n",
                k.key,
                fields.join(", ")
            );
            let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
            let want = format!("`{}.{}`", k.key, req.fields[0]);
            assert!(
                c.diagnostics
                    .items
                    .iter()
                    .any(|d| d.code.code == "R002" && d.message.contains(&want)),
                "{spec}: {:?}",
                c.diagnostics
                    .items
                    .iter()
                    .map(|d| &d.message)
                    .collect::<Vec<_>>()
            );
        }
    }
}

/// Every field the integrations table marks as a literal secret is refused (L001) with
/// the file field to use instead, and its value never appears in the message.
#[test]
fn every_literal_secret_of_the_table_is_refused() {
    use forge_spec::ir::integrations::{FieldKind, INTEGRATIONS};
    let mut seen = 0;
    for k in INTEGRATIONS {
        for f in k.fields {
            let FieldKind::LiteralSecret { file, .. } = f.kind else {
                continue;
            };
            let secret = "s3cr3t-Vx9qT2mLp7RwZ4nK";
            let spec = format!(
                "service: {{name: shop}}\ntargets: {{shop: {{address: \"shop:80\"}}}}\nrouting: {{receiver: r}}\nreceivers:\n  r: {{{}: {{{}: {secret}}}}}\n",
                k.key, f.key
            );
            let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
            let l001: Vec<_> = c
                .diagnostics
                .items
                .iter()
                .filter(|d| d.code.code == "L001")
                .collect();
            assert_eq!(l001.len(), 1, "{spec}");
            assert!(l001[0].message.contains(f.key), "{}", l001[0].message);
            assert!(!l001[0].message.contains(secret));
            assert!(
                l001[0].help.as_deref().unwrap_or("").contains(file),
                "{:?}",
                l001[0].help
            );
            seen += 1;
        }
    }
    assert!(seen >= 5);
}
