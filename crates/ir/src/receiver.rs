//! Stage 2, resolve: receivers as the model holds them — each integration's fields with
//! their spans, secrets only as `*_file` paths (literal secret fields are kept, spanned,
//! for the `literal-secret` rule to report; no backend writes them).

use super::S;
use forge_spec_base::source::Spanned;
use forge_spec_syntax as syntax;

/// One receiver with its integrations.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub name: S,
    pub slack: Option<Slack>,
    pub pagerduty: Option<PagerDuty>,
    pub email: Option<Email>,
    pub webhook: Option<Webhook>,
    pub opsgenie: Option<Opsgenie>,
}

#[derive(Debug, Clone)]
pub struct Slack {
    pub api_url_file: Option<S>,
    pub api_url: Option<S>,
    pub channel: Option<S>,
    pub title: Option<S>,
    pub text: Option<S>,
    pub send_resolved: Option<Spanned<bool>>,
}

#[derive(Debug, Clone)]
pub struct PagerDuty {
    pub routing_key_file: Option<S>,
    pub service_key_file: Option<S>,
    pub routing_key: Option<S>,
    pub service_key: Option<S>,
    pub severity: Option<S>,
    pub send_resolved: Option<Spanned<bool>>,
}

#[derive(Debug, Clone)]
pub struct Email {
    pub to: Option<S>,
    pub from: Option<S>,
    pub smarthost: Option<S>,
    pub auth_username: Option<S>,
    pub auth_password_file: Option<S>,
    pub auth_password: Option<S>,
    pub require_tls: Option<Spanned<bool>>,
    pub send_resolved: Option<Spanned<bool>>,
}

#[derive(Debug, Clone)]
pub struct Webhook {
    pub url: Option<S>,
    pub url_file: Option<S>,
    pub send_resolved: Option<Spanned<bool>>,
}

#[derive(Debug, Clone)]
pub struct Opsgenie {
    pub api_key_file: Option<S>,
    pub api_key: Option<S>,
    pub api_url: Option<S>,
    pub priority: Option<S>,
    pub send_resolved: Option<Spanned<bool>>,
}

impl Receiver {
    /// The model's receiver from the spec's.
    pub fn resolve(name: S, r: syntax::Receiver) -> Receiver {
        Receiver {
            name,
            slack: r.slack.map(|s| Slack {
                api_url_file: s.api_url_file,
                api_url: s.api_url,
                channel: s.channel,
                title: s.title,
                text: s.text,
                send_resolved: s.send_resolved,
            }),
            pagerduty: r.pagerduty.map(|p| PagerDuty {
                routing_key_file: p.routing_key_file,
                service_key_file: p.service_key_file,
                routing_key: p.routing_key,
                service_key: p.service_key,
                severity: p.severity,
                send_resolved: p.send_resolved,
            }),
            email: r.email.map(|e| Email {
                to: e.to,
                from: e.from,
                smarthost: e.smarthost,
                auth_username: e.auth_username,
                auth_password_file: e.auth_password_file,
                auth_password: e.auth_password,
                require_tls: e.require_tls,
                send_resolved: e.send_resolved,
            }),
            webhook: r.webhook.map(|w| Webhook {
                url: w.url,
                url_file: w.url_file,
                send_resolved: w.send_resolved,
            }),
            opsgenie: r.opsgenie.map(|o| Opsgenie {
                api_key_file: o.api_key_file,
                api_key: o.api_key,
                api_url: o.api_url,
                priority: o.priority,
                send_resolved: o.send_resolved,
            }),
        }
    }
}
