//! Rule R002 `incomplete-receiver`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a receiver with no integration, or an integration missing what it needs:
    /// Slack without `api_url_file`, PagerDuty without `routing_key_file` or `service_key_file`,
    /// email without `to`, `from` or `smarthost`, a webhook without `url` (Alertmanager 0.25 has
    /// no `url_file`), Opsgenie without `api_key_file`.
    ///
    /// ## Why is this bad?
    /// Alertmanager refuses the configuration, or accepts it and fails at the first notification.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   slack: {slack: {channel: "#alerts"}}
    /// routing: {receiver: slack}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    /// routing: {receiver: slack}
    /// ```
    pub INCOMPLETE_RECEIVER = ("R002", "incomplete-receiver", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

/// Detection: missing integrations and required fields.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for r in &m.receivers {
        let s = r;
        let mut missing: Vec<String> = Vec::new();
        if s.slack.is_none()
            && s.pagerduty.is_none()
            && s.email.is_none()
            && s.webhook.is_none()
            && s.opsgenie.is_none()
        {
            missing.push("an integration (slack, pagerduty, email, webhook or opsgenie)".into());
        }
        if let Some(x) = &s.slack
            && x.api_url_file.is_none()
            && x.api_url.is_none()
        {
            missing.push("`slack.api_url_file`".into());
        }
        if let Some(x) = &s.pagerduty
            && x.routing_key_file.is_none()
            && x.service_key_file.is_none()
            && x.routing_key.is_none()
            && x.service_key.is_none()
        {
            missing.push("`pagerduty.routing_key_file`".into());
        }
        if let Some(x) = &s.email {
            for (f, v) in [
                ("to", &x.to),
                ("from", &x.from),
                ("smarthost", &x.smarthost),
            ] {
                if v.is_none() {
                    missing.push(format!("`email.{f}`"));
                }
            }
        }
        if let Some(x) = &s.webhook
            && x.url.is_none()
        {
            missing.push(if x.url_file.is_some() {
                "`webhook.url` (`url_file` needs Alertmanager 0.26; the target is 0.25)".into()
            } else {
                "`webhook.url`".into()
            });
        }
        if let Some(x) = &s.opsgenie
            && x.api_key_file.is_none()
            && x.api_key.is_none()
        {
            missing.push("`opsgenie.api_key_file`".into());
        }
        if !missing.is_empty() {
            out.push(
                Diagnostic::new(
                    &INCOMPLETE_RECEIVER,
                    r.name.span,
                    format!("receiver `{}` lacks {}", r.name.value, missing.join(", ")),
                )
                .label("incomplete")
                .help(
                    "add the missing settings; secrets go in files referenced by `*_file` fields",
                ),
            );
        }
    }
}
