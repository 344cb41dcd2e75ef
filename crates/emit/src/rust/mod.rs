//! Backend: Rust bindings — a crate of typed `prometheus-client` metrics (closed label
//! sets as enums, so an undeclared value does not compile) and typed `tracing` log events
//! (secret fields only through `Redacted`). The generated source is rustfmt-clean.

use super::Output;
use forge_spec_expr::{MetricKind, Unit};
use forge_spec_ir::{Label, Metric, Model};
use std::fmt::Write as _;

/// Generated code from a template (`*.rs.in` beside this file): each `{{hole}}`
/// replaced by its text in one pass (a text that itself holds `{{…}}` is not read
/// again); a hole with no text is left as it is.
fn fill(template: &str, holes: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let text = after.find("}}").and_then(|close| {
            let (_, text) = holes.iter().find(|(hole, _)| *hole == &after[..close])?;
            Some((close, text))
        });
        match text {
            Some((close, text)) => {
                out.push_str(text);
                rest = &after[close + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

mod lib_rs;
mod logs_rs;
use lib_rs::lib_rs;
use logs_rs::logs_rs;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// A Rust identifier for a snake_case name: raw for keywords, `_` suffix where raw
/// identifiers are not allowed, letters/digits/`_` only.
pub fn ident(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    match s.as_str() {
        "self" | "Self" | "super" | "crate" | "_" => format!("{s}_"),
        k if KEYWORDS.contains(&k) => format!("r#{s}"),
        _ => s,
    }
}

/// `http_requests_total` → `HttpRequestsTotal`; `2xx` → `V2xx`.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for part in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut cs = part.chars();
        if let Some(f) = cs.next() {
            out.push(f.to_ascii_uppercase());
            out.extend(cs.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}

/// A call laid out as rustfmt lays it out: on one line when its arguments fit in 60
/// columns and the line in 100, otherwise one argument per line.
fn call(indent: usize, head: &str, args: &[String], tail: &str) -> String {
    delimited(indent, head, ('(', ')'), args, tail)
}

/// [`call`] between any delimiters (`vec![…]`).
fn delimited(
    indent: usize,
    head: &str,
    (open, close): (char, char),
    args: &[String],
    tail: &str,
) -> String {
    let pad = " ".repeat(indent);
    let joined = args.join(", ");
    let one = format!("{pad}{head}{open}{joined}{close}{tail}\n");
    if joined.len() <= 60 && one.len() <= 101 {
        return one;
    }
    let mut s = format!("{pad}{head}{open}\n");
    for a in args {
        s.push_str(&format!("{pad}    {a},\n"));
    }
    s.push_str(&format!("{pad}{close}{tail}\n"));
    s
}

/// A function's signature up to its opening brace, as rustfmt lays it out: on one line
/// when it fits in 100 columns, otherwise one parameter per line.
fn signature(indent: usize, head: &str, params: &[String], ret: &str) -> String {
    let pad = " ".repeat(indent);
    let one = format!("{pad}{head}({}){ret} {{\n", params.join(", "));
    if one.len() <= 101 {
        return one;
    }
    let mut s = format!("{pad}{head}(\n");
    for p in params {
        s.push_str(&format!("{pad}    {p},\n"));
    }
    s.push_str(&format!("{pad}){ret} {{\n"));
    s
}

/// `name: Type,` at an indent, broken after the colon when too long (as rustfmt does).
fn field(indent: usize, vis: &str, name: &str, ty: &str) -> String {
    let pad = " ".repeat(indent);
    let one = format!("{pad}{vis}{name}: {ty},\n");
    if one.len() <= 101 {
        one
    } else {
        format!("{pad}{vis}{name}:\n{pad}    {ty},\n")
    }
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// Doc-comment text made safe: one line, no comment terminators.
fn doc(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
        .replace("*/", "* /")
        .trim()
        .to_string()
}

/// The crate name, from the service: `ai-forge` → `ai-forge-metrics`.
pub fn crate_name(m: &Model) -> String {
    let mut name = String::new();
    for c in m.service.name.value.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && (name.is_empty() || name.ends_with('-'))) {
            name.push(c);
        }
    }
    let name = name.trim_end_matches('-');
    let name = if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("service-{name}")
    } else {
        name.to_string()
    };
    format!("{}-metrics", name.trim_end_matches('-'))
}

fn rust_unit(u: &Unit) -> Option<(&'static str, String)> {
    match u {
        Unit::Seconds => Some(("seconds", "Unit::Seconds".into())),
        Unit::Bytes => Some(("bytes", "Unit::Bytes".into())),
        Unit::Ratio => Some(("ratio", "Unit::Other(\"ratio\".into())".into())),
        Unit::Other(o) => match o.as_str() {
            "celsius" => Some(("celsius", "Unit::Celsius".into())),
            "volts" => Some(("volts", "Unit::Volts".into())),
            "amperes" => Some(("amperes", "Unit::Amperes".into())),
            "joules" => Some(("joules", "Unit::Joules".into())),
            "grams" => Some(("grams", "Unit::Grams".into())),
            "meters" => Some(("meters", "Unit::Meters".into())),
            _ => None,
        },
        _ => None,
    }
}

/// The name prometheus-client registers: without `_total` and the unit suffix, which
/// it appends itself. Returns the base name and the unit expression.
fn registered(mt: &Metric) -> (String, Option<String>) {
    let mut base = mt.name.value.clone();
    if mt.kind == MetricKind::Counter {
        base = base.strip_suffix("_total").unwrap_or(&base).to_string();
    }
    match rust_unit(&mt.unit) {
        Some((suffix, expr)) => match base.strip_suffix(&format!("_{suffix}")) {
            Some(b) => (b.to_string(), Some(expr)),
            None => (base, None),
        },
        None => (base, None),
    }
}

/// Variant names of a closed value set, made unique (`a-b` and `a_b` both camel-case
/// to `AB`; the second becomes `AB2`).
fn variants(values: &[forge_spec_ir::S]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for v in values {
        let base = camel(&v.value);
        let mut name = base.clone();
        let mut n = 2;
        while out.iter().any(|(x, _)| *x == name) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push((name, v.value.clone()));
    }
    out
}

fn labels_type(mt: &Metric) -> String {
    format!("{}Labels", camel(&mt.name.value))
}

fn value_type(mt: &Metric, l: &Label) -> String {
    format!("{}{}", camel(&mt.name.value), camel(&l.name.value))
}

fn metric_type(mt: &Metric) -> String {
    let inner = match mt.kind {
        MetricKind::Counter => "Counter",
        MetricKind::Gauge => "Gauge<f64, AtomicU64>",
        _ => "Histogram",
    };
    if mt.labels.is_empty() {
        inner.to_string()
    } else {
        let ctor = if mt.kind == MetricKind::Histogram {
            ", fn() -> Histogram"
        } else {
            ""
        };
        format!("Family<{}, {inner}{ctor}>", labels_type(mt))
    }
}

fn buckets_fn(m: &Model, mt: &Metric) -> String {
    format!(
        "histogram_{}",
        m.index.metrics.get(&mt.name.value).copied().unwrap_or(0)
    )
}

fn float(v: f64) -> String {
    let s = forge_spec_expr::units::fmt_num(v);
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

/// The metrics the service's own code exports (not client collectors or exporters).
fn own(m: &Model) -> Vec<&Metric> {
    m.metrics
        .iter()
        .filter(|mt| mt.own() && mt.kind != MetricKind::Summary)
        .collect()
}

fn cargo_toml(m: &Model) -> String {
    format!(
        "# Generated by forge-spec from {}. DO NOT EDIT.\n[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {}\nlicense = \"MIT OR Apache-2.0\"\npublish = false\n\n[lib]\npath = \"src/lib.rs\"\n\n[dependencies]\nprometheus-client = \"0.26\"\ntracing = \"0.1\"\n",
        m.spec_name.replace('\n', " "),
        lit(&crate_name(m)),
        lit(&format!(
            "Typed metrics and log events of {}",
            m.service.name.value
        ))
    )
}

pub fn emit(m: &Model, out: &mut Output) {
    let dir = if m.in_org {
        format!("rust/{}/", super::file_stem(&m.service.name.value))
    } else {
        "rust/".to_string()
    };
    out.add(format!("{dir}Cargo.toml"), cargo_toml(m));
    out.add(format!("{dir}src/lib.rs"), lib_rs(m));
    out.add(format!("{dir}src/logs.rs"), logs_rs(m));
}
