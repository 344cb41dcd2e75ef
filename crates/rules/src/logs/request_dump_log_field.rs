//! Rule L004 `request-dump-log-field`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports log events and fields that dump whole requests or payloads: fields named
    /// `request`, `full_request`, `body`, `payload`, `headers`, `raw`…
    ///
    /// ## Why is this bad?
    /// The guide's "DON'T log": `logger.debug(f"Full request: {request}")` — too verbose, and
    /// whole requests carry credentials, cookies and personal data. Log the few fields you need.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     request_received: {level: debug, fields: {request: string}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     request_received: {level: debug, fields: {method: string, route: string}}
    /// ```
    pub REQUEST_DUMP_LOG_FIELD = ("L004", "request-dump-log-field", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

const DUMPS: &[&str] = &[
    "request",
    "full_request",
    "raw_request",
    "request_body",
    "body",
    "payload",
    "headers",
    "raw",
    "response_body",
    "full_response",
];

/// Detection: dump-like field names.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    for ev in &m.logs.events {
        for f in &ev.fields {
            if DUMPS.contains(&f.name.value.to_ascii_lowercase().as_str()) {
                out.push(
                    Diagnostic::new(&REQUEST_DUMP_LOG_FIELD, f.name.span, format!("log event `{}` dumps a whole `{}`", ev.name.value, f.name.value))
                        .label("a whole request or payload")
                        .about(ev.name.span)
                        .help("log the specific fields you need (method, route, status, duration), never the whole request"),
                );
            }
        }
    }
}
