//! Rule L001 `literal-secret`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a receiver field that holds a secret literally: Slack `api_url`, PagerDuty
    /// `routing_key` / `service_key`, email `auth_password`, Opsgenie and VictorOps `api_key`
    /// (the fields the integrations table marks as literal secrets). The value is masked in
    /// the message.
    ///
    /// ## Why is this bad?
    /// The spec is committed and reviewed; a webhook URL or key in it is leaked to everyone
    /// with read access and to every generated file. Alertmanager reads secrets from files
    /// (`api_url_file`, `routing_key_file`…), mounted at deploy time.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// receivers:
    ///   slack: {slack: {api_url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX', channel: '#alerts'}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// receivers:
    ///   slack: {slack: {api_url_file: /etc/alertmanager/secrets/slack, channel: '#alerts'}}
    /// ```
    ///
    /// ## Fix
    /// `forge-spec check --fix` (and the language server's quick fix) moves the value to
    /// `secrets/<receiver>-<field>` (mode 0600, never replacing a file) and writes
    /// `<field>_file: /etc/alertmanager/secrets/<receiver>-<field>` in its place.
    ///
    /// This rule cannot be turned off (`lints:` or `allow:`): Alertmanager has no place for
    /// the secret but the spec's literal, so the configuration would have to carry it or
    /// lose the field.
    pub LITERAL_SECRET = ("L001", "literal-secret", Error, fixed);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_ir::S;
use forge_spec_ir::integrations::{FieldKind, Value};

/// The secret-bearing literal fields of a receiver: (field, value, `*_file` to use), as
/// the integrations table marks them.
pub fn literal_fields(r: &forge_spec_ir::Receiver) -> Vec<(&'static str, &S, &'static str)> {
    let mut v = Vec::new();
    for i in r.in_table_order() {
        for s in &i.settings {
            if let (FieldKind::LiteralSecret { file, .. }, Value::Text(x)) =
                (s.field.kind, &s.value)
            {
                v.push((s.field.key, x, file));
            }
        }
    }
    v
}

pub use forge_spec_base::secrets::mask;

/// Where Alertmanager reads a receiver's secret from, in the fix: a file named after
/// the receiver and the field (`slack-api-url`) in its secrets directory.
pub fn secret_path(receiver: &str, field: &str) -> String {
    format!("{SECRETS_MOUNT}/{receiver}-{}", field.replace('_', "-"))
}

/// The directory the generated stack mounts the secrets into, in Alertmanager.
pub const SECRETS_MOUNT: &str = "/etc/alertmanager/secrets";

/// Detection: any literal secret field is set. The fix replaces `field: value` by
/// `field_file: <secret_path>`; `check --fix` and the language server first move the
/// value into that file (see `forge_spec::fix`), never dropping it.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for r in &m.receivers {
        for (field, value, file_field) in literal_fields(r) {
            let path = secret_path(&r.name.value, field);
            let d = Diagnostic::new(
                &LITERAL_SECRET,
                value.span,
                format!(
                    "receiver `{}` has its secret `{field}` written in the spec (`{}`)",
                    r.name.value,
                    mask(&value.value)
                ),
            )
            .label("a literal secret")
            .secret()
            .moving_secret()
            .help(format!(
                "put the value in a file Alertmanager can read and use `{file_field}: {path}`"
            ));
            let d = match crate::key_start(cx.sources, value.span, field) {
                Some(start) => {
                    let whole = forge_spec_base::source::Span {
                        start,
                        ..value.span
                    };
                    d.edit(whole, format!("{file_field}: {path}"))
                }
                None => d,
            };
            out.push(d);
        }
    }
}
