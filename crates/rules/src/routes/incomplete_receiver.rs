//! Rule R002 `incomplete-receiver`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an integration missing what it needs:
    /// Slack without `api_url_file`, PagerDuty without `routing_key_file` or `service_key_file`,
    /// email without `to`, `from` or `smarthost`, a webhook without `url` (Alertmanager 0.25 has
    /// no `url_file`), Opsgenie without `api_key_file`, VictorOps without `api_key_file` or
    /// `routing_key` — each integration's `requires` in the integrations table. A receiver
    /// with no integration at all (`"null": {}`) is a deliberate drop, as in Alertmanager:
    /// the alerts routed to it notify no one.
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

/// Detection: an integration without a setting the Alertmanager target needs (each
/// integration's `requires`, from the integrations table).
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for r in &m.receivers {
        let mut missing: Vec<String> = Vec::new();
        for i in r.in_table_order() {
            for req in i.kind.requires {
                if req.fields.iter().any(|f| i.has(f)) {
                    continue;
                }
                let first = req.fields.first().copied().unwrap_or_default();
                missing.push(match req.unless {
                    Some((other, note)) if i.has(other) => {
                        format!("`{}.{first}` ({note})", i.kind.key)
                    }
                    _ => format!("`{}.{first}`", i.kind.key),
                });
            }
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
