//! The generated crate's `src/logs.rs`: one typed `tracing` event per log event, after
//! the fixed part (`logs_header.rs.in`: the crate's `Redacted`).

use super::*;

pub(super) fn logs_rs(m: &Model) -> String {
    let mut s = fill(LOGS_HEADER, &[("service", &doc(&m.service.name.value))]);
    for ev in &m.logs.events {
        let macro_ = match ev.level.value.as_str() {
            "debug" => "debug",
            "warning" => "warn",
            "error" | "critical" => "error",
            _ => "info",
        };
        let message = ev
            .message
            .as_ref()
            .map_or_else(|| ev.name.value.clone(), |x| x.value.clone());
        let mut params = Vec::new();
        let mut fields = vec![format!("event = {}", lit(&ev.name.value))];
        if ev.level.value == "critical" {
            fields.push("critical = true".into());
        }
        for f in &ev.fields {
            let name = ident(&f.name.value).trim_start_matches("r#").to_string();
            let name = if KEYWORDS.contains(&name.as_str()) {
                format!("{name}_")
            } else {
                name
            };
            let ty = match f.kind.as_str() {
                "int" => "i64",
                "float" => "f64",
                "bool" => "bool",
                "duration" => "std::time::Duration",
                _ => "&str",
            };
            if f.redacted {
                params.push(format!(
                    "{name}: &Redacted<{}>",
                    if ty == "&str" { "String" } else { ty }
                ));
                fields.push(format!("{name} = %{name}"));
            } else if ty == "std::time::Duration" {
                params.push(format!("{name}: {ty}"));
                fields.push(format!("{name} = {name}.as_secs_f64()"));
            } else {
                params.push(format!("{name}: {ty}"));
                fields.push(name);
            }
        }
        let fname = ident(&ev.name.value);
        let _ = writeln!(
            s,
            "\n/// {} (`{}`, level {}).",
            doc(&message),
            doc(&ev.name.value),
            doc(&ev.level.value)
        );
        s.push_str(&signature(0, &format!("pub fn {fname}"), &params, ""));
        let mut args = fields.clone();
        // The message is the macro's format string: braces in it are text.
        args.push(lit(&message.replace('{', "{{").replace('}', "}}")));
        let text = call(4, &format!("tracing::{macro_}!"), &args, ";");
        // rustfmt puts no trailing comma after a macro's last argument.
        let text = match text.rfind(",\n    );") {
            Some(i) if text.lines().count() > 1 => format!("{}{}", &text[..i], &text[i + 1..]),
            _ => text,
        };
        s.push_str(&text);
        let _ = writeln!(s, "}}");
    }
    s
}

/// The module's documentation and `Redacted`, in every crate.
const LOGS_HEADER: &str = include_str!("logs_header.rs.in");
