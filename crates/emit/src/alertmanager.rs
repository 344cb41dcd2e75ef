//! Backend: Alertmanager configuration — the route tree (current `matchers:` syntax),
//! receivers with secrets only through `*_file` fields, inhibit rules, and notification
//! templates for titles and texts. Only fields Alertmanager 0.25 accepts.

use super::Output;
use forge_spec_expr::ast::quote;
use forge_spec_ir::{Model, Route};
use serde::Serialize;
#[derive(Serialize)]
struct Config {
    global: Global,
    route: AmRoute,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inhibit_rules: Vec<InhibitRule>,
    receivers: Vec<AmReceiver>,
}

#[derive(Serialize)]
struct Global {
    resolve_timeout: String,
}

#[derive(Serialize, Default)]
struct AmRoute {
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matchers: Vec<String>,
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
    routes: Vec<AmRoute>,
}

#[derive(Serialize)]
struct InhibitRule {
    source_matchers: Vec<String>,
    target_matchers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    equal: Vec<String>,
}

#[derive(Serialize)]
struct AmReceiver {
    name: String,
    /// `slack_configs: [...]` and the others, in the integrations table's order.
    #[serde(flatten)]
    configs: serde_json::Map<String, serde_json::Value>,
}

fn matcher(m: &forge_spec_ir::RouteMatcher) -> String {
    format!("{}{}{}", m.label.value, m.op(), quote(&m.value.value))
}

fn route(m: &Model, r: &Route, root: bool) -> AmRoute {
    AmRoute {
        receiver: r.receiver.as_ref().map(|x| x.value.clone()),
        matchers: r.matchers.iter().map(matcher).collect(),
        continue_: r.continue_ && !root,
        group_by: r
            .group_by
            .as_ref()
            .filter(|g| !g.is_empty() || root)
            .map(|g| g.iter().map(|x| x.value.clone()).collect()),
        group_wait: r
            .group_wait
            .as_ref()
            .map(|d| m.scaled(d.value).to_prometheus()),
        group_interval: r
            .group_interval
            .as_ref()
            .map(|d| m.scaled(d.value).to_prometheus()),
        repeat_interval: r
            .repeat_interval
            .as_ref()
            .map(|d| m.scaled(d.value).to_prometheus()),
        routes: r.routes.iter().map(|c| route(m, c, false)).collect(),
    }
}

/// A receiver: each integration as the integrations table spells it for Alertmanager
/// (secret files as paths, headers as a mapping).
fn receiver(r: &forge_spec_ir::Receiver) -> AmReceiver {
    let spelling = super::Spelling {
        secret: &|f| f.value.clone().into(),
        header: &|k, v| serde_json::json!({ k: v }),
    };
    let mut configs = serde_json::Map::new();
    for i in r.in_table_order() {
        let (list, outs) = i.kind.alertmanager;
        if let Some(c) = super::integration_config(i, outs, &spelling) {
            configs.insert(list.into(), vec![serde_json::Value::Object(c)].into());
        }
    }
    AmReceiver {
        name: r.name.value.clone(),
        configs,
    }
}

/// The Alertmanager configuration as YAML.
pub fn render(m: &Model) -> Option<Result<String, serde_json::Error>> {
    let routing = m.routing.as_ref()?;
    let cfg = Config {
        global: Global {
            resolve_timeout: "5m".into(),
        },
        route: route(m, &routing.root, true),
        inhibit_rules: routing
            .inhibit
            .iter()
            .map(|i| InhibitRule {
                source_matchers: i.source.iter().map(matcher).collect(),
                target_matchers: i.target.iter().map(matcher).collect(),
                equal: i.equal.iter().map(|e| e.value.clone()).collect(),
            })
            .collect(),
        receivers: m.receivers.iter().map(receiver).collect(),
    };
    Some(super::yaml(m, &cfg))
}

pub fn emit(m: &Model, out: &mut Output) {
    if let Some(text) = render(m) {
        out.add_text("alertmanager/alertmanager.yml", text);
    }
}
