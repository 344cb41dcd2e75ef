//! Stage 1, parse: `outputs:`, the engines a spec is compiled for — a list of names
//! (`[prometheus, kubernetes, mimir]`) or a mapping from names to their settings
//! (`{kubernetes: {namespace: shop}, mimir: {tenant: shop}}`).

use super::spanned::{Map, Spanned};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

type S = Spanned<String>;

/// The engines forge-spec can write for, in the order the docs list them.
pub const ENGINES: &[&str] = &["prometheus", "kubernetes", "mimir", "thanos"];

/// `outputs:` as written: the names of the list form (checked by the resolver, which
/// knows their spans) or the settings of the mapping form.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// Names of the list form, as written.
    pub names: Vec<S>,
    /// Settings of the mapping form (empty for the list form).
    pub settings: OutputSettings,
}

/// `outputs:` as a mapping: each key present chooses that engine.
#[derive(Debug, Clone, Default, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputSettings {
    /// Plain files for a Prometheus server (`prometheus/`, with `alertmanager/`,
    /// `grafana/` provisioning and the compose stack). The default when `outputs:` is
    /// absent.
    #[serde(default, deserialize_with = "chosen")]
    pub prometheus: Option<Empty>,
    /// Prometheus Operator resources under `kubernetes/<service>/`.
    #[serde(default, deserialize_with = "chosen")]
    pub kubernetes: Option<Kubernetes>,
    /// Rule files of a Grafana Mimir (or Cortex) ruler, one a namespace, under
    /// `mimir/<tenant>/`.
    #[serde(default, deserialize_with = "chosen")]
    pub mimir: Option<Mimir>,
    /// Rule files of a Thanos Ruler under `thanos/`, with the flags it runs with.
    #[serde(default, deserialize_with = "chosen")]
    pub thanos: Option<Empty>,
}

/// An engine without settings: `prometheus: {}`.
#[derive(Debug, Clone, Default, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// Settings of the Kubernetes (Prometheus Operator) output.
#[derive(Debug, Clone, Default, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kubernetes {
    /// Namespace of every resource (default: the service name as a Kubernetes name).
    /// The Operator routes an `AlertmanagerConfig` only alerts with `namespace` = this.
    pub namespace: Option<S>,
    /// Labels on every resource: those the Operator's `ruleSelector`,
    /// `serviceMonitorSelector` and `alertmanagerConfigSelector` match (e.g.
    /// `release: kube-prometheus-stack`).
    #[serde(default)]
    pub labels: Map<S>,
    /// Labels of the dashboards' ConfigMaps, those Grafana's sidecar looks for
    /// (default `grafana_dashboard: "1"`).
    pub dashboard_labels: Option<Map<S>>,
    /// Name of the Secret holding the receivers' secret files, one key a file (default
    /// `<service>-alertmanager`).
    pub secret: Option<S>,
}

/// Settings of the Mimir (or Cortex) ruler output.
#[derive(Debug, Clone, Default, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mimir {
    /// Tenant the rules are loaded for (`mimirtool rules sync --id`); default
    /// `anonymous`, Mimir's tenant when multi-tenancy is off.
    pub tenant: Option<S>,
    /// Rule namespace (default: the service name).
    pub namespace: Option<S>,
    /// The tenant's `ruler_max_rule_groups_per_tenant`: a build that writes more groups
    /// for it fails (the ruler would refuse them). `0`, as in Mimir, is no limit.
    pub max_rule_groups_per_tenant: Option<Spanned<u32>>,
    /// The tenant's `ruler_max_rules_per_rule_group`: a group with more rules fails.
    /// `0` is no limit.
    pub max_rules_per_rule_group: Option<Spanned<u32>>,
}

/// A key that is present chooses its engine, even with no value (`thanos:`).
fn chosen<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(Some(Option::<T>::deserialize(d)?.unwrap_or_default()))
}

impl<'de> Deserialize<'de> for Outputs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Outputs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of engines (prometheus, kubernetes, mimir, thanos) or a mapping of engines to their settings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Outputs, A::Error> {
                let mut names = Vec::new();
                while let Some(n) = s.next_element::<S>()? {
                    names.push(n);
                }
                Ok(Outputs {
                    names,
                    settings: OutputSettings::default(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Outputs, A::Error> {
                Ok(Outputs {
                    names: Vec::new(),
                    settings: OutputSettings::deserialize(MapAccessDeserializer::new(m))?,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Outputs {
    fn schema_name() -> Cow<'static, str> {
        "Outputs".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let settings = g.subschema_for::<OutputSettings>();
        schemars::json_schema!({
            "description": "The engines the spec is compiled for (default: [prometheus]): a list of names, or a mapping of names to their settings.",
            "oneOf": [
                {"type": "array", "items": {"enum": ENGINES}, "uniqueItems": true},
                settings,
            ],
        })
    }
}

/// How a target is found on Kubernetes (the `ServiceMonitor`'s selector and port).
#[derive(Debug, Clone, Default, serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetKubernetes {
    /// Labels of the Kubernetes Service to scrape (default
    /// `app.kubernetes.io/name: <target>`).
    pub selector: Option<Map<S>>,
    /// Name of the Service port serving metrics (default `metrics`).
    pub port: Option<S>,
    /// Namespace of the Service (default: the resources' namespace).
    pub namespace: Option<S>,
}
