//! Rule L003 `secret-log-field`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a log event field named like a secret (`api_key`, `token`, `password`,
    /// `secret`, `authorization`, `cookie`, `credential`…) that is not declared
    /// `redacted: true`.
    ///
    /// ## Why is this bad?
    /// The guide's "DON'T log": `logger.info(f"API key: {api_key}")`. Logs are shipped,
    /// indexed and kept far longer than secrets stay valid. A redacted field can only be passed
    /// through a wrapper whose output never shows the value.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     key_rotated: {level: info, fields: {api_key: string}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     key_rotated: {level: info, fields: {api_key: {type: string, redacted: true}}}
    /// ```
    pub SECRET_LOG_FIELD = ("L003", "secret-log-field", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

const SECRET_WORDS: &[&str] = &[
    "api_key",
    "apikey",
    "token",
    "password",
    "passwd",
    "secret",
    "authorization",
    "auth",
    "cookie",
    "credential",
    "credentials",
    "private_key",
];

/// Whether a field name names a secret (`api_key`, `refresh_token`, `db_password`…).
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SECRET_WORDS
        .iter()
        .any(|w| n == *w || n.ends_with(&format!("_{w}")) || n.starts_with(&format!("{w}_")))
}

/// Detection: secret-named fields without `redacted: true`.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for ev in &m.logs.events {
        for f in &ev.fields {
            if is_secret_name(&f.name.value) && !f.redacted {
                out.push(
                    Diagnostic::new(
                        &SECRET_LOG_FIELD,
                        f.name.span,
                        format!(
                            "log event `{}` has a field `{}` that carries a secret",
                            ev.name.value, f.name.value
                        ),
                    )
                    .label("would be written to the logs")
                    .about(ev.name.span)
                    .help(format!(
                        "declare it `{}: {{type: {}, redacted: true}}`, or do not log it",
                        f.name.value, f.kind
                    )),
                );
            }
        }
    }
}
