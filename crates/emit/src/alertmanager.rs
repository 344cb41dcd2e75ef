//! Backend: Alertmanager configuration — the route tree (current `matchers:` syntax),
//! receivers with secrets only through `*_file` fields, inhibit rules, and notification
//! templates for titles and texts. Only fields Alertmanager 0.25 accepts.

use super::Output;
use forge_spec_expr::ast::quote;
use forge_spec_ir::{Model, Route};
use serde::Serialize;
// The notification templates are named once in the IR: the AlertmanagerConfig
// resources write them too.
use forge_spec_ir::names::{
    NOTIFICATION_TEXT as TEXT, NOTIFICATION_TITLE as TITLE, OPSGENIE_PRIORITY as PRIORITY,
};

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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    slack_configs: Vec<SlackConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pagerduty_configs: Vec<PagerDutyConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    email_configs: Vec<EmailConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    webhook_configs: Vec<WebhookConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    opsgenie_configs: Vec<OpsgenieConfig>,
}

#[derive(Serialize)]
struct SlackConfig {
    send_resolved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_url_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    title: String,
    title_link: String,
    text: String,
}

#[derive(Serialize)]
struct PagerDutyConfig {
    send_resolved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    routing_key_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_key_file: Option<String>,
    severity: String,
    description: String,
}

#[derive(Serialize)]
struct EmailConfig {
    send_resolved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smarthost: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_password_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    require_tls: Option<bool>,
    headers: std::collections::BTreeMap<String, String>,
}

#[derive(Serialize)]
struct WebhookConfig {
    send_resolved: bool,
    url: String,
}

#[derive(Serialize)]
struct OpsgenieConfig {
    send_resolved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_url: Option<String>,
    message: String,
    description: String,
    priority: String,
}

fn matcher(label: &str, value: &str, regex: bool) -> String {
    format!("{label}{}{}", if regex { "=~" } else { "=" }, quote(value))
}

fn route(m: &Model, r: &Route, root: bool) -> AmRoute {
    AmRoute {
        receiver: r.receiver.as_ref().map(|x| x.value.clone()),
        matchers: r
            .matchers
            .iter()
            .map(|m| matcher(&m.label.value, &m.value.value, m.regex))
            .collect(),
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

fn value(s: &Option<forge_spec_ir::S>) -> Option<String> {
    s.as_ref().map(|x| x.value.clone())
}

fn receiver(r: &forge_spec_ir::Receiver) -> AmReceiver {
    let spec = r;
    let sent = |b: &Option<forge_spec_base::source::Spanned<bool>>, d: bool| {
        b.as_ref().map_or(d, |x| x.value)
    };
    AmReceiver {
        name: r.name.value.clone(),
        slack_configs: spec
            .slack
            .iter()
            .map(|s| SlackConfig {
                send_resolved: sent(&s.send_resolved, true),
                api_url_file: value(&s.api_url_file),
                channel: value(&s.channel),
                title: s
                    .title
                    .as_ref()
                    .map_or_else(|| TITLE.to_string(), |t| t.value.clone()),
                title_link: "{{ (index .Alerts 0).Annotations.dashboard_url }}".into(),
                text: s
                    .text
                    .as_ref()
                    .map_or_else(|| TEXT.to_string(), |t| t.value.clone()),
            })
            .collect(),
        pagerduty_configs: spec
            .pagerduty
            .iter()
            .map(|p| PagerDutyConfig {
                send_resolved: sent(&p.send_resolved, true),
                routing_key_file: value(&p.routing_key_file),
                service_key_file: value(&p.service_key_file),
                severity: p.severity.as_ref().map_or_else(
                    || "{{ .CommonLabels.severity }}".into(),
                    |s| s.value.clone(),
                ),
                description: TITLE.into(),
            })
            .collect(),
        email_configs: spec
            .email
            .iter()
            .map(|e| EmailConfig {
                send_resolved: sent(&e.send_resolved, false),
                to: value(&e.to),
                from: value(&e.from),
                smarthost: value(&e.smarthost),
                auth_username: value(&e.auth_username),
                auth_password_file: value(&e.auth_password_file),
                require_tls: e.require_tls.as_ref().map(|b| b.value),
                headers: [("Subject".to_string(), TITLE.to_string())].into(),
            })
            .collect(),
        webhook_configs: spec
            .webhook
            .iter()
            .filter_map(|w| {
                w.url.as_ref().map(|u| WebhookConfig {
                    send_resolved: sent(&w.send_resolved, true),
                    url: u.value.clone(),
                })
            })
            .collect(),
        opsgenie_configs: spec
            .opsgenie
            .iter()
            .map(|o| OpsgenieConfig {
                send_resolved: sent(&o.send_resolved, true),
                api_key_file: value(&o.api_key_file),
                api_url: value(&o.api_url),
                message: TITLE.into(),
                description: TEXT.into(),
                priority: o
                    .priority
                    .as_ref()
                    .map_or_else(|| PRIORITY.into(), |p| p.value.clone()),
            })
            .collect(),
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
                source_matchers: i
                    .source
                    .iter()
                    .map(|(k, v)| matcher(&k.value, &v.value, false))
                    .collect(),
                target_matchers: i
                    .target
                    .iter()
                    .map(|(k, v)| matcher(&k.value, &v.value, false))
                    .collect(),
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
