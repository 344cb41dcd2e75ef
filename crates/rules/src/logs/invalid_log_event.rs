//! Rule L005 `invalid-log-event`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a log event with a level other than `debug`, `info`, `warning`, `error` or
    /// `critical`, a field type other than `string`, `int`, `float`, `bool` or `duration`, and a
    /// `logs.level` outside the same levels.
    ///
    /// ## Why is this bad?
    /// The typed log functions generated from the spec cannot be built from unknown levels or
    /// types, and the guide's levels are the ones operators filter on.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     training_started: {level: notice, fields: {job_id: string}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     training_started: {level: info, fields: {job_id: string}}
    /// ```
    pub INVALID_LOG_EVENT = ("L005", "invalid-log-event", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

pub use forge_spec_ir::closed::{FIELD_TYPES as TYPES, LOG_LEVELS as LEVELS};

/// Detection: unknown levels and field types.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    let level = |s: &forge_spec_ir::S,
                 about: Option<forge_spec_base::source::Span>,
                 out: &mut Vec<Diagnostic>| {
        if !LEVELS.contains(&s.value.as_str()) {
            let d = Diagnostic::new(
                &INVALID_LOG_EVENT,
                s.span,
                format!("`{}` is not a log level", s.value),
            )
            .label("unknown level");
            let d = match about {
                Some(name) => d.about(name),
                None => d,
            };
            out.push(d.suggest(
                &s.value,
                LEVELS.iter().copied(),
                format!("use one of: {}", LEVELS.join(", ")),
            ));
        }
    };
    if let Some(l) = &m.logs.level {
        level(l, None, out);
    }
    for ev in &m.logs.events {
        level(&ev.level, Some(ev.name.span), out);
        for f in &ev.fields {
            if !TYPES.contains(&f.kind.as_str()) {
                let d = Diagnostic::new(
                    &INVALID_LOG_EVENT,
                    f.kind_span,
                    format!("`{}` is not a field type", f.kind),
                )
                .label("unknown type")
                .about(ev.name.span);
                out.push(d.suggest(
                    &f.kind,
                    TYPES.iter().copied(),
                    format!("use one of: {}", TYPES.join(", ")),
                ));
            }
        }
    }
}
