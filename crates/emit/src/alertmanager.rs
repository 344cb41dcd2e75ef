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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    templates: Vec<String>,
    route: AmRoute,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inhibit_rules: Vec<InhibitRule>,
    receivers: Vec<AmReceiver>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    time_intervals: Vec<AmTimeInterval>,
}

#[derive(Serialize)]
struct AmTimeInterval {
    name: String,
    time_intervals: Vec<serde_json::Value>,
}

/// One period of a time interval, in Alertmanager's keys (the spec's own).
pub(crate) fn period(p: &forge_spec_ir::TimeInterval) -> serde_json::Value {
    let list =
        |v: &[forge_spec_ir::S]| -> Vec<String> { v.iter().map(|x| x.value.clone()).collect() };
    let mut o = serde_json::Map::new();
    if !p.times.is_empty() {
        let times: Vec<serde_json::Value> = p
            .times
            .iter()
            .map(|t| serde_json::json!({"start_time": t.start_time.value, "end_time": t.end_time.value}))
            .collect();
        o.insert("times".into(), times.into());
    }
    for (k, v) in [
        ("weekdays", &p.weekdays),
        ("days_of_month", &p.days_of_month),
        ("months", &p.months),
        ("years", &p.years),
    ] {
        if !v.is_empty() {
            o.insert(k.into(), list(v).into());
        }
    }
    if let Some(l) = &p.location {
        o.insert("location".into(), l.value.clone().into());
    }
    o.into()
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mute_time_intervals: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    active_time_intervals: Vec<String>,
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
    let (mute, active) = r.interval_names();
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
        mute_time_intervals: mute,
        active_time_intervals: active,
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
        templates: routing.templates.iter().map(|t| t.value.clone()).collect(),
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
        time_intervals: routing
            .time_intervals
            .iter()
            .map(|(name, periods)| AmTimeInterval {
                name: name.value.clone(),
                time_intervals: periods.iter().map(period).collect(),
            })
            .collect(),
    };
    Some(super::yaml(m, &cfg))
}

pub fn emit(m: &Model, out: &mut Output) {
    if let Some(text) = render(m) {
        out.add_text("alertmanager/alertmanager.yml", text);
    }
}
