//! Backend: Kubernetes, for the Prometheus Operator — under `kubernetes/<service>/`, a
//! `PrometheusRule` whose rule groups are the plain rule file's, byte for byte; an
//! `AlertmanagerConfig` with the route tree, receivers (secrets as `SecretKeySelector`s
//! of one Secret, never literals) and inhibit rules; a `ServiceMonitor` for every
//! scraped target and a `Probe` for every probed one (both set `job` to the target's
//! name, which every rule narrows by); a ConfigMap for Grafana's sidecar for every
//! dashboard, with the JSON of `grafana/`; and a `kustomization.yaml` listing them.
//!
//! It reads the files the other backends made (the rule file, the dashboards), so
//! there is one source of truth; it runs after them.

use super::Output;
use forge_spec_ir::deploy::{Kubernetes, MAX_LABEL, MAX_NAME, kube_name};
use forge_spec_ir::{Model, Receiver, Route};
use serde::Serialize;
use std::collections::BTreeMap;

/// The directory of a service's resources.
pub fn dir(m: &Model) -> String {
    format!("kubernetes/{}", super::file_stem(&m.service.name.value))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<T: Serialize> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Meta,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
struct Meta {
    name: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

/// Metadata of a resource of the service: its labels are forge-spec's, then the
/// spec's (which win).
fn meta(m: &Model, k: &Kubernetes, name: String, extra: &[(String, String)]) -> Meta {
    let mut labels = BTreeMap::from([
        (
            "app.kubernetes.io/managed-by".to_string(),
            "forge-spec".to_string(),
        ),
        (
            "app.kubernetes.io/part-of".to_string(),
            kube_name(&m.service.name.value, MAX_LABEL),
        ),
    ]);
    labels.extend(k.labels.iter().chain(extra).cloned());
    Meta {
        name,
        namespace: k.namespace.clone(),
        labels,
        annotations: BTreeMap::new(),
    }
}

/// The `PrometheusRule`: its `spec` is the rule file (`groups:` on) indented under it.
fn prometheus_rule(m: &Model, k: &Kubernetes, rules: &str) -> Result<String, serde_json::Error> {
    let head: Resource<()> = Resource {
        api_version: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: meta(m, k, kube_name(&m.service.name.value, MAX_NAME), &[]),
        spec: None,
        data: None,
    };
    let mut text = super::yaml(m, &head)?;
    text.push_str("spec:\n");
    text.reserve(rules.len() * 11 / 10);
    for line in super::rule_groups(rules).lines() {
        if !line.is_empty() {
            text.push_str("  ");
            text.push_str(line);
        }
        text.push('\n');
    }
    Ok(text)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MonitorSpec {
    selector: Selector,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace_selector: Option<NamespaceSelector>,
    endpoints: Vec<Endpoint>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Selector {
    match_labels: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NamespaceSelector {
    match_names: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    port: String,
    path: String,
    interval: String,
    relabelings: Vec<Relabel>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relabel {
    action: &'static str,
    target_label: &'static str,
    replacement: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProbeSpec {
    job_name: String,
    interval: String,
    module: String,
    prober: Prober,
    targets: ProbeTargets,
}

#[derive(Serialize)]
struct Prober {
    url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProbeTargets {
    static_config: StaticConfig,
}

#[derive(Serialize)]
struct StaticConfig {
    #[serde(rename = "static")]
    targets: Vec<String>,
}

/// The file name and text of a target's `ServiceMonitor` (or `Probe`).
fn monitor(
    m: &Model,
    k: &Kubernetes,
    t: &forge_spec_ir::Target,
) -> (String, Result<String, serde_json::Error>) {
    let name = kube_name(&t.name.value, MAX_NAME);
    let interval = m.scaled(m.scrape_interval).to_prometheus();
    match &t.probe {
        Some(p) => (
            format!("probe-{name}.yaml"),
            super::yaml(
                m,
                &Resource {
                    api_version: "monitoring.coreos.com/v1",
                    kind: "Probe",
                    metadata: meta(m, k, name, &[]),
                    spec: Some(ProbeSpec {
                        job_name: t.name.value.clone(),
                        interval,
                        module: p.module.clone(),
                        prober: Prober {
                            url: p.exporter.clone(),
                        },
                        targets: ProbeTargets {
                            static_config: StaticConfig {
                                targets: vec![t.address.value.clone()],
                            },
                        },
                    }),
                    data: None,
                },
            ),
        ),
        None => (
            format!("servicemonitor-{name}.yaml"),
            super::yaml(
                m,
                &Resource {
                    api_version: "monitoring.coreos.com/v1",
                    kind: "ServiceMonitor",
                    metadata: meta(m, k, name, &[]),
                    spec: Some(MonitorSpec {
                        selector: Selector {
                            match_labels: t.kubernetes.selector.iter().cloned().collect(),
                        },
                        namespace_selector: t.kubernetes.namespace.as_ref().map(|n| {
                            NamespaceSelector {
                                match_names: vec![n.clone()],
                            }
                        }),
                        endpoints: vec![Endpoint {
                            port: t.kubernetes.port.clone(),
                            path: t.metrics_path.clone(),
                            interval,
                            relabelings: vec![Relabel {
                                action: "replace",
                                target_label: "job",
                                replacement: t.name.value.clone(),
                            }],
                        }],
                    }),
                    data: None,
                },
            ),
        ),
    }
}

/// A dashboard's ConfigMap for Grafana's sidecar: the JSON as the other backend wrote
/// it, in the service's folder (the sidecar's `grafana_folder` annotation).
fn dashboard(
    m: &Model,
    k: &Kubernetes,
    stem: &str,
    json: &[u8],
) -> (String, Result<String, serde_json::Error>) {
    let name = kube_name(&format!("grafana-dashboard-{stem}"), MAX_NAME);
    let mut metadata = meta(m, k, name.clone(), &k.dashboard_labels);
    metadata
        .annotations
        .insert("grafana_folder".into(), m.service.name.value.clone());
    let text = super::yaml(
        m,
        &Resource::<()> {
            api_version: "v1",
            kind: "ConfigMap",
            metadata,
            spec: None,
            data: Some(BTreeMap::from([(
                format!("{stem}.json"),
                String::from_utf8_lossy(json).into_owned(),
            )])),
        },
    );
    (format!("{name}.yaml"), text)
}

/// The Alertmanager configuration resource (`AlertmanagerConfig`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AmcSpec {
    route: AmcRoute,
    receivers: Vec<AmcReceiver>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inhibit_rules: Vec<AmcInhibit>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mute_time_intervals: Vec<serde_json::Value>,
}

/// A named time interval as the Operator's `MuteTimeInterval` (camelCase keys, days of
/// the month as `{start, end}`; the CRD has no `location`, so times are UTC there).
fn amc_time_interval(name: &str, periods: &[forge_spec_ir::TimeInterval]) -> serde_json::Value {
    let periods: Vec<serde_json::Value> = periods
        .iter()
        .map(|p| {
            let mut o = serde_json::Map::new();
            if !p.times.is_empty() {
                let t: Vec<serde_json::Value> = p
                    .times
                    .iter()
                    .map(|t| serde_json::json!({"startTime": t.start_time.value, "endTime": t.end_time.value}))
                    .collect();
                o.insert("times".into(), t.into());
            }
            let list = |v: &[forge_spec_ir::S]| -> Vec<String> {
                v.iter().map(|x| x.value.clone()).collect()
            };
            for (k, v) in [("weekdays", &p.weekdays), ("months", &p.months), ("years", &p.years)] {
                if !v.is_empty() {
                    o.insert(k.into(), list(v).into());
                }
            }
            if !p.days_of_month.is_empty() {
                let days: Vec<serde_json::Value> = p
                    .days_of_month
                    .iter()
                    .map(|d| {
                        let (a, b) = d.value.split_once(':').unwrap_or((&d.value, &d.value));
                        let n = |x: &str| x.trim().parse::<i64>().unwrap_or_default();
                        serde_json::json!({"start": n(a), "end": n(b)})
                    })
                    .collect();
                o.insert("daysOfMonth".into(), days.into());
            }
            o.into()
        })
        .collect();
    serde_json::json!({"name": name, "timeIntervals": periods})
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AmcRoute {
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matchers: Vec<Matcher>,
    #[serde(rename = "continue", skip_serializing_if = "std::ops::Not::not")]
    continue_: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_wait: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_interval: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<AmcRoute>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mute_time_intervals: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    active_time_intervals: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Matcher {
    name: String,
    value: String,
    match_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AmcInhibit {
    source_match: Vec<Matcher>,
    target_match: Vec<Matcher>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    equal: Vec<String>,
}

#[derive(Serialize)]
struct SecretRef {
    name: String,
    key: String,
}

#[derive(Serialize)]
struct AmcReceiver {
    name: String,
    /// `slackConfigs: [...]` and the others, in the integrations table's order.
    #[serde(flatten)]
    configs: serde_json::Map<String, serde_json::Value>,
}

fn amc_route(m: &Model, r: &Route, root: bool) -> AmcRoute {
    let (mute, active) = r.interval_names();
    let d = |x: &Option<forge_spec_base::source::Spanned<forge_spec_expr::Duration>>| {
        x.as_ref().map(|d| m.scaled(d.value).to_prometheus())
    };
    AmcRoute {
        receiver: r.receiver.as_ref().map(|x| x.value.clone()),
        matchers: r
            .matchers
            .iter()
            .map(|x| Matcher {
                name: x.label.value.clone(),
                value: x.value.value.clone(),
                match_type: x.op(),
            })
            .collect(),
        continue_: r.continue_ && !root,
        group_by: r
            .group_by
            .as_ref()
            .filter(|g| !g.is_empty() || root)
            .map(|g| g.iter().map(|x| x.value.clone()).collect()),
        group_wait: d(&r.group_wait),
        group_interval: d(&r.group_interval),
        repeat_interval: d(&r.repeat_interval),
        routes: r.routes.iter().map(|c| amc_route(m, c, false)).collect(),
        mute_time_intervals: mute,
        active_time_intervals: active,
    }
}

/// The Secret keys of the receivers' secret files: a file's name, or its whole path
/// (made a valid key) when two files share a name.
pub fn secret_keys<'a>(receivers: impl Iterator<Item = &'a Receiver>) -> BTreeMap<String, String> {
    let files: std::collections::BTreeSet<String> = receivers
        .flat_map(|r| super::secret_files(r, |k| k.crd.1).map(|f| f.value.clone()))
        .collect();
    let key = |s: &str| -> String {
        let k: String = s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let k = k.trim_matches(|c| c == '_' || c == '.').to_string();
        if k.is_empty() { "secret".into() } else { k }
    };
    let base = |f: &str| key(f.rsplit('/').next().unwrap_or(f));
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        *count.entry(base(f)).or_default() += 1;
    }
    files
        .iter()
        .map(|f| {
            let b = base(f);
            let k = if count[&b] > 1 { key(f) } else { b };
            (f.clone(), k)
        })
        .collect()
}

/// A receiver: each integration as the integrations table spells it for an
/// AlertmanagerConfig (secret files as keys of the receivers' Secret, headers as a list).
fn amc_receiver(r: &Receiver, secret: &str, keys: &BTreeMap<String, String>) -> AmcReceiver {
    let spelling = super::Spelling {
        secret: &|f| {
            serde_json::to_value(SecretRef {
                name: secret.to_string(),
                key: keys.get(&f.value).cloned().unwrap_or_default(),
            })
            .unwrap_or_default()
        },
        header: &|k, v| serde_json::json!([{"key": k, "value": v}]),
    };
    let mut configs = serde_json::Map::new();
    for i in r.in_table_order() {
        let (list, outs) = i.kind.crd;
        if let Some(c) = super::integration_config(i, outs, &spelling) {
            configs.insert(list.into(), vec![serde_json::Value::Object(c)].into());
        }
    }
    AmcReceiver {
        name: r.name.value.clone(),
        configs,
    }
}

/// The receivers a route tree names, in the order of `all`.
fn named<'a>(root: &Route, all: &'a [Receiver]) -> Vec<&'a Receiver> {
    let mut names = std::collections::HashSet::new();
    fn walk<'r>(r: &'r Route, names: &mut std::collections::HashSet<&'r str>) {
        if let Some(x) = &r.receiver {
            names.insert(x.value.as_str());
        }
        for c in &r.routes {
            walk(c, names);
        }
    }
    walk(root, &mut names);
    all.iter()
        .filter(|r| names.contains(r.name.value.as_str()))
        .collect()
}

/// The `AlertmanagerConfig` of a service: `root` (its tree, or the organisation's
/// pruned to it) with the inhibit rules and the receivers the tree names.
/// Returns the text and the Secret keys it refers to (file → key).
pub fn alertmanager_config(
    m: &Model,
    k: &Kubernetes,
    root: &Route,
    inhibit: &[forge_spec_ir::Inhibit],
    receivers: &[Receiver],
) -> (Result<String, serde_json::Error>, BTreeMap<String, String>) {
    let used = named(root, receivers);
    let keys = secret_keys(used.iter().copied());
    let matcher = |x: &forge_spec_ir::RouteMatcher| Matcher {
        name: x.label.value.clone(),
        value: x.value.value.clone(),
        match_type: x.op(),
    };
    // The top route takes only the service's alerts: services sharing a namespace
    // (which is all the Operator matches on) keep to their own.
    let mut route = amc_route(m, root, true);
    route.matchers.insert(
        0,
        Matcher {
            name: "service".into(),
            value: m.service.name.value.clone(),
            match_type: "=",
        },
    );
    let spec = AmcSpec {
        route,
        receivers: used
            .iter()
            .map(|r| amc_receiver(r, &k.secret, &keys))
            .collect(),
        inhibit_rules: inhibit
            .iter()
            .map(|i| AmcInhibit {
                source_match: i.source.iter().map(matcher).collect(),
                target_match: i.target.iter().map(matcher).collect(),
                equal: i.equal.iter().map(|e| e.value.clone()).collect(),
            })
            .collect(),
        mute_time_intervals: m
            .routing
            .iter()
            .flat_map(|r| &r.time_intervals)
            .map(|(name, periods)| amc_time_interval(&name.value, periods))
            .collect(),
    };
    let text = super::yaml(
        m,
        &Resource {
            api_version: "monitoring.coreos.com/v1alpha1",
            kind: "AlertmanagerConfig",
            metadata: meta(m, k, kube_name(&m.service.name.value, MAX_NAME), &[]),
            spec: Some(spec),
            data: None,
        },
    )
    .map(|t| t + &secret_note(k, &keys));
    (text, keys)
}

/// How to create the Secret the receivers read (`keys`: file → key), as a comment:
/// forge-spec never writes a secret.
fn secret_note(k: &Kubernetes, keys: &BTreeMap<String, String>) -> String {
    if keys.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "# The receivers read their secrets from the Secret `{}` (never written here):\n#   kubectl create secret generic {} -n {}",
        k.secret, k.secret, k.namespace
    );
    for (file, key) in keys {
        text.push_str(&format!(
            " \\\n#     --from-file={key}=<the file mounted at {file}>"
        ));
    }
    text.push('\n');
    text
}

/// The `kustomization.yaml` listing `resources`.
pub fn kustomization(
    m: &Model,
    k: &Kubernetes,
    resources: &[String],
) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Kustomization<'a> {
        api_version: &'static str,
        kind: &'static str,
        namespace: &'a str,
        resources: &'a [String],
    }
    super::yaml(
        m,
        &Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            namespace: &k.namespace,
            resources,
        },
    )
}

/// Every resource of the service but, in an organisation, its `AlertmanagerConfig`
/// (the organisation writes it from its one tree; the kustomization lists it).
pub fn emit(m: &Model, out: &mut Output) {
    let Some(k) = &m.outputs.kubernetes else {
        return;
    };
    let dir = dir(m);
    let mut resources: Vec<String> = Vec::new();
    let mut add = |out: &mut Output, file: String, text: Result<String, serde_json::Error>| {
        out.add_text(format!("{dir}/{file}"), text);
        resources.push(file);
    };
    let rules_path = format!("prometheus/{}", forge_spec_ir::names::rules_file(m));
    if let Some(rules) = out.files.get(&rules_path) {
        let text = prometheus_rule(m, k, &String::from_utf8_lossy(rules));
        add(out, "prometheusrule.yaml".into(), text);
    }
    for t in &m.targets {
        let (file, text) = monitor(m, k, t);
        add(out, file, text);
    }
    let prefix = forge_spec_ir::names::dashboards_dir(m);
    let dashboards: Vec<(String, Vec<u8>)> = out
        .files
        .range(prefix.clone()..)
        .take_while(|(p, _)| p.starts_with(&prefix))
        .filter_map(|(p, b)| {
            let stem = p[prefix.len()..].strip_suffix(".json")?;
            (!stem.contains('/')).then(|| (stem.to_string(), b.clone()))
        })
        .collect();
    for (stem, json) in &dashboards {
        let (file, text) = dashboard(m, k, stem, json);
        add(out, file, text);
    }
    if m.in_org {
        resources.push("alertmanagerconfig.yaml".into());
    } else if let Some(routing) = &m.routing {
        let (text, _) = alertmanager_config(m, k, &routing.root, &routing.inhibit, &m.receivers);
        add(out, "alertmanagerconfig.yaml".into(), text);
    }
    resources.sort();
    let text = kustomization(m, k, &resources);
    out.add_text(format!("{dir}/kustomization.yaml"), text);
}

/// Whether an alert with these labels could take `r` as far as its own matchers go
/// (matchers on other labels are left to the alert).
fn could_match(r: &Route, labels: &[(&str, &str)]) -> bool {
    r.matchers.iter().all(|x| {
        let Some((_, v)) = labels.iter().find(|(l, _)| *l == x.label.value) else {
            return true;
        };
        x.accepts(v, x.anchored().as_ref())
    })
}

/// The tree without the routes no alert with these labels can reach: the same
/// receivers for every such alert, in a tree of its own size.
fn pruned(r: &Route, labels: &[(&str, &str)]) -> Route {
    let mut r = r.clone();
    r.routes = r
        .routes
        .iter()
        .filter(|c| could_match(c, labels))
        .map(|c| pruned(c, labels))
        .collect();
    r
}

/// In an organisation, every Kubernetes service's `AlertmanagerConfig`: the
/// organisation's one tree (`merged`) pruned to the service's alerts (its `team` and
/// `service` labels), with the inhibit rules that can act on them.
pub fn org_alertmanager_configs(org: &forge_spec_ir::org::Org, merged: &Model, out: &mut Output) {
    let Some(routing) = &merged.routing else {
        return;
    };
    for sm in org.services.iter().filter_map(|u| u.model.as_ref()) {
        let Some(k) = &sm.outputs.kubernetes else {
            continue;
        };
        let svc = sm.service.name.value.as_str();
        let mut labels = vec![("service", svc)];
        if let Some(t) = &sm.service.team {
            labels.push(("team", t.value.as_str()));
        }
        let root = pruned(&routing.root, &labels);
        let inhibit: Vec<forge_spec_ir::Inhibit> = routing
            .inhibit
            .iter()
            .filter(|i| {
                let ok = |side: &[forge_spec_ir::RouteMatcher]| {
                    side.iter().all(|m| {
                        labels
                            .iter()
                            .find(|(x, _)| *x == m.label.value)
                            .is_none_or(|(_, want)| m.accepts(want, m.anchored().as_ref()))
                    })
                };
                ok(&i.source) && ok(&i.target)
            })
            .cloned()
            .collect();
        let (text, _) = alertmanager_config(sm, k, &root, &inhibit, &merged.receivers);
        out.add_text(format!("{}/alertmanagerconfig.yaml", dir(sm)), text);
    }
}
