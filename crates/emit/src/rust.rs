//! Backend: Rust bindings — a crate of typed `prometheus-client` metrics (closed label
//! sets as enums, so an undeclared value does not compile) and typed `tracing` log events
//! (secret fields only through `Redacted`). The generated source is rustfmt-clean.

use super::Output;
use forge_spec_expr::{MetricKind, Unit};
use forge_spec_ir::{Label, Metric, Model};
use std::fmt::Write as _;

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

fn lib_rs(m: &Model) -> String {
    let metrics = own(m);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! Typed metrics and log events of `{}`, generated by forge-spec from",
        doc(&m.service.name.value)
    );
    let _ = writeln!(s, "//! {}. DO NOT EDIT.", doc(&m.spec_name));
    let _ = writeln!(s, "//!");
    let _ = writeln!(
        s,
        "//! Register once with [`Metrics::register`], record through the typed helpers (a"
    );
    let _ = writeln!(
        s,
        "//! label value the spec does not declare does not compile; a bounded label folds"
    );
    let _ = writeln!(
        s,
        "//! values beyond its bound into `other`), and serve [`encode_text`] (or"
    );
    let _ = writeln!(s, "//! [`encode_openmetrics`]) on `/metrics`:");
    let _ = writeln!(s, "//!\n//! ```");
    let _ = writeln!(
        s,
        "//! use {}::*;\n//!",
        ident(&crate_name(m).replace('-', "_"))
    );
    let _ = writeln!(s, "//! let mut registry = Registry::default();");
    let _ = writeln!(s, "//! let metrics = Metrics::register(&mut registry);");
    if let Some(line) = example_record(&metrics) {
        let _ = writeln!(s, "//! {line}");
    }
    let _ = writeln!(
        s,
        "//! let text = encode_text(&registry).expect(\"encodes\");"
    );
    if let Some(mt) = metrics.first() {
        let _ = writeln!(
            s,
            "//! assert!(text.contains(\"# TYPE {} \"));",
            mt.name.value
        );
    }
    let _ = writeln!(s, "//! ```");
    if let Some((mt, l, v)) = metrics.iter().find_map(|mt| {
        mt.labels.iter().find_map(|l| {
            l.values
                .as_ref()
                .and_then(|vs| vs.first())
                .map(|v| (*mt, l, v))
        })
    }) {
        let _ = writeln!(s, "//!");
        let first = variants(l.values.as_deref().unwrap_or_default())
            .into_iter()
            .next()
            .map_or_else(String::new, |v| v.0);
        let example = |value: &str| {
            let mut e = String::new();
            let _ = writeln!(e, "//! use {}::*;", ident(&crate_name(m).replace('-', "_")));
            let _ = writeln!(e, "//! let _value = {}::{};", value_type(mt, l), value);
            e
        };
        let _ = writeln!(s, "//! ```");
        let _ = v;
        s.push_str(&example(&first));
        let _ = writeln!(s, "//! ```");
        let _ = writeln!(s, "//!");
        let _ = writeln!(s, "//! ```compile_fail");
        s.push_str(&example("UndeclaredValue"));
        let _ = writeln!(s, "//! ```");
    }
    s.push('\n');
    let any_family = metrics.iter().any(|mt| !mt.labels.is_empty());
    let any_gauge = metrics.iter().any(|mt| mt.kind == MetricKind::Gauge);
    let any_counter = metrics.iter().any(|mt| mt.kind == MetricKind::Counter);
    let any_hist = metrics.iter().any(|mt| mt.kind == MetricKind::Histogram);
    let any_unit = metrics.iter().any(|mt| registered(mt).1.is_some());
    let any_values = metrics
        .iter()
        .any(|mt| mt.labels.iter().any(|l| l.values.is_some()));
    let mut uses = Vec::new();
    let manual = metrics.iter().any(|mt| {
        mt.labels
            .iter()
            .any(|l| ident(&l.name.value).trim_start_matches("r#") != l.name.value)
    });
    let mut enc: Vec<&str> = Vec::new();
    if any_family {
        enc.push("EncodeLabelSet");
    }
    if any_values {
        enc.push("EncodeLabelValue");
    }
    if manual {
        enc.push("LabelSetEncoder");
    }
    if any_values {
        enc.push("LabelValueEncoder");
    }
    let enc_use = match enc.as_slice() {
        [] => String::new(),
        [one] => format!("use prometheus_client::encoding::{one};"),
        many => {
            let one = format!("use prometheus_client::encoding::{{{}}};", many.join(", "));
            if one.len() <= 100 {
                one
            } else {
                format!(
                    "use prometheus_client::encoding::{{\n    {},\n}};",
                    many.join(", ")
                )
            }
        }
    };
    if !enc_use.is_empty() {
        uses.push(enc_use.as_str());
    }
    if any_counter {
        uses.push("use prometheus_client::metrics::counter::Counter;");
    }
    if any_family {
        uses.push("use prometheus_client::metrics::family::Family;");
    }
    if any_gauge {
        uses.push("use prometheus_client::metrics::gauge::Gauge;");
    }
    if any_hist {
        uses.push("use prometheus_client::metrics::histogram::Histogram;");
    }
    if any_unit {
        uses.push("use prometheus_client::registry::Unit;");
    }
    if any_gauge {
        uses.push("use std::sync::atomic::AtomicU64;");
    }
    // What a user needs is re-exported: no direct prometheus-client dependency (of
    // the right version) is needed to register and encode.
    let _ = writeln!(s, "pub use prometheus_client;");
    let _ = writeln!(s, "pub use prometheus_client::registry::Registry;\n");
    if !uses.is_empty() {
        for u in uses {
            let _ = writeln!(s, "{u}");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "pub mod logs;\n");
    // Label value enums and label sets.
    for mt in &metrics {
        for l in &mt.labels {
            let Some(values) = &l.values else { continue };
            let ty = value_type(mt, l);
            let _ = writeln!(
                s,
                "/// Values of label `{}` of `{}`.",
                doc(&l.name.value),
                doc(&mt.name.value)
            );
            let _ = writeln!(s, "#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]");
            let _ = writeln!(s, "pub enum {ty} {{");
            let vs = variants(values);
            for (name, value) in &vs {
                let _ = writeln!(s, "    /// `{}`", doc(value).replace('`', "'"));
                let _ = writeln!(s, "    {name},");
            }
            let _ = writeln!(s, "}}\n");
            let _ = writeln!(s, "impl {ty} {{");
            let _ = writeln!(s, "    /// The value as exposed.");
            let _ = writeln!(s, "    pub fn as_str(self) -> &'static str {{");
            let _ = writeln!(s, "        match self {{");
            for (name, value) in &vs {
                let _ = writeln!(s, "            Self::{name} => {},", lit(value));
            }
            let _ = writeln!(s, "        }}\n    }}\n}}\n");
            let _ = writeln!(s, "impl EncodeLabelValue for {ty} {{");
            let _ = writeln!(
                s,
                "    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {{"
            );
            let _ = writeln!(
                s,
                "        EncodeLabelValue::encode(&self.as_str(), encoder)\n    }}\n}}\n"
            );
        }
        if !mt.labels.is_empty() {
            // The derive names labels after fields (raw identifiers included); names that
            // cannot be fields (`self`, `super`, `crate`) need the impl written out.
            let derivable = mt
                .labels
                .iter()
                .all(|l| ident(&l.name.value).trim_start_matches("r#") == l.name.value);
            let _ = writeln!(s, "/// Labels of `{}`.", doc(&mt.name.value));
            let derive = if derivable {
                "Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet"
            } else {
                "Clone, Debug, Hash, PartialEq, Eq"
            };
            let _ = writeln!(s, "#[derive({derive})]");
            let _ = writeln!(s, "pub struct {} {{", labels_type(mt));
            for l in &mt.labels {
                let ty = if l.values.is_some() {
                    value_type(mt, l)
                } else {
                    "String".into()
                };
                let bound = l
                    .max_values
                    .as_ref()
                    .map_or(String::new(), |b| format!(" (at most {} values)", b.value));
                let _ = writeln!(s, "    /// Label `{}`{bound}.", doc(&l.name.value));
                let _ = writeln!(s, "    pub {}: {ty},", ident(&l.name.value));
            }
            let _ = writeln!(s, "}}\n");
            if !derivable {
                let _ = writeln!(s, "impl EncodeLabelSet for {} {{", labels_type(mt));
                let _ = writeln!(
                    s,
                    "    fn encode(&self, encoder: &mut LabelSetEncoder) -> Result<(), std::fmt::Error> {{"
                );
                let _ = writeln!(s, "        [");
                for l in &mt.labels {
                    let _ = writeln!(
                        s,
                        "            ({}, self.{}.as_str()),",
                        lit(&l.name.value),
                        ident(&l.name.value)
                    );
                }
                let _ = writeln!(s, "        ]\n        .encode(encoder)\n    }}\n}}\n");
            }
        }
        if mt.kind == MetricKind::Histogram {
            let bounds: Vec<String> = mt.buckets.iter().map(|b| float(b.value)).collect();
            let _ = writeln!(s, "/// Buckets of `{}`.", doc(&mt.name.value));
            let _ = writeln!(s, "fn {}() -> Histogram {{", buckets_fn(m, mt));
            // rustfmt: the array overflows onto one line when it fits in 100 columns;
            // otherwise short elements fill lines, long ones go one per line.
            let one = format!("    Histogram::new([{}])", bounds.join(", "));
            if one.len() <= 100 {
                let _ = writeln!(s, "{one}");
            } else {
                let _ = writeln!(s, "    Histogram::new([");
                let mixed = bounds.iter().all(|b| b.len() <= 10);
                let mut line = String::new();
                for b in &bounds {
                    let piece = format!("{b},");
                    if !line.is_empty() && (!mixed || 8 + line.len() + 1 + piece.len() > 100) {
                        let _ = writeln!(s, "        {line}");
                        line.clear();
                    }
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(&piece);
                }
                let _ = writeln!(s, "        {line}\n    ])");
            }
            let _ = writeln!(s, "}}\n");
        }
    }
    let any_histogram = metrics.iter().any(|mt| mt.kind == MetricKind::Histogram);
    let bounds = bounded(&metrics);
    let bounds_field = bounds_field(&metrics);
    let _ = writeln!(
        s,
        "/// Every metric `{}` exports itself.",
        doc(&m.service.name.value)
    );
    let _ = writeln!(
        s,
        "{}",
        if any_histogram || !bounds.is_empty() {
            "#[derive(Clone, Debug)]"
        } else {
            "#[derive(Clone, Debug, Default)]"
        }
    );
    if metrics.is_empty() {
        let _ = writeln!(s, "pub struct Metrics {{}}\n");
        let _ = writeln!(s, "impl Metrics {{");
        let _ = writeln!(
            s,
            "    /// The spec declares no metric the service exports itself."
        );
        let _ = writeln!(
            s,
            "    pub fn register(_registry: &mut Registry) -> Self {{\n        Self::default()\n    }}\n}}"
        );
        return s;
    }
    let _ = writeln!(s, "pub struct Metrics {{");
    for mt in &metrics {
        if let Some(h) = &mt.help {
            let _ = writeln!(s, "    /// {}", doc(&h.value));
        }
        s.push_str(&field(4, "pub ", &ident(&mt.name.value), &metric_type(mt)));
    }
    if !bounds.is_empty() {
        let _ = writeln!(
            s,
            "    /// The declared bounds of free-valued labels, applied by the typed helpers."
        );
        let _ = writeln!(s, "    {bounds_field}: Vec<Bound>,");
    }
    let _ = writeln!(s, "}}\n");
    if any_histogram || !bounds.is_empty() {
        let _ = writeln!(
            s,
            "impl Default for Metrics {{\n    fn default() -> Self {{\n        Self {{"
        );
        for mt in &metrics {
            let name = ident(&mt.name.value);
            match (mt.kind, mt.labels.is_empty()) {
                (MetricKind::Histogram, true) => {
                    let _ = writeln!(s, "            {name}: {}(),", buckets_fn(m, mt));
                }
                (MetricKind::Histogram, false) => {
                    s.push_str(&call(
                        12,
                        &format!("{name}: Family::new_with_constructor"),
                        &[buckets_fn(m, mt)],
                        ",",
                    ));
                }
                _ => {
                    let _ = writeln!(s, "            {name}: Default::default(),");
                }
            }
        }
        if !bounds.is_empty() {
            let items: Vec<String> = bounds
                .iter()
                .map(|(mt, l, max)| {
                    format!(
                        "Bound::new({}, {}, {max})",
                        lit(&mt.name.value),
                        lit(&l.name.value)
                    )
                })
                .collect();
            s.push_str(&delimited(
                12,
                &format!("{bounds_field}: vec!"),
                ('[', ']'),
                &items,
                ",",
            ));
        }
        let _ = writeln!(s, "        }}\n    }}\n}}\n");
    }
    let _ = writeln!(s, "impl Metrics {{");
    let _ = writeln!(
        s,
        "    /// Creates the metrics and registers them; exposed names equal the spec's."
    );
    let _ = writeln!(s, "    pub fn register(registry: &mut Registry) -> Self {{");
    let _ = writeln!(s, "        let metrics = Self::default();");
    for mt in &metrics {
        let (base, unit) = registered(mt);
        let help = mt.help.as_ref().map_or(String::new(), |h| {
            h.value.trim().trim_end_matches('.').to_string()
        });
        let metric = format!("Clone::clone(&metrics.{})", ident(&mt.name.value));
        match unit {
            Some(u) => s.push_str(&call(
                8,
                "registry.register_with_unit",
                &[lit(&base), lit(&help), u, metric],
                ";",
            )),
            None => s.push_str(&call(
                8,
                "registry.register",
                &[lit(&base), lit(&help), metric],
                ";",
            )),
        }
    }
    let _ = writeln!(s, "        metrics\n    }}");
    for mt in metrics.iter().filter(|mt| !mt.labels.is_empty()) {
        s.push_str(&helper(mt, &bounds, &bounds_field));
    }
    let _ = writeln!(s, "}}");
    if !bounds.is_empty() {
        s.push_str(BOUND);
    }
    s.push_str(ENCODERS);
    s
}

/// One recording in the crate's example: through the helper of the first labelled
/// metric (its first declared values), else the first metric's field.
fn example_record(metrics: &[&Metric]) -> Option<String> {
    let record = |mt: &Metric| match mt.kind {
        MetricKind::Counter => ".inc();",
        MetricKind::Gauge => ".set(1.0);",
        _ => ".observe(0.5);",
    };
    if let Some(mt) = metrics.iter().find(|mt| !mt.labels.is_empty()) {
        let args: Vec<String> = mt
            .labels
            .iter()
            .map(|l| match &l.values {
                Some(vs) => variants(vs).into_iter().next().map_or_else(
                    || "\"a\"".to_string(),
                    |(v, _)| format!("{}::{v}", value_type(mt, l)),
                ),
                None => "\"a\"".to_string(),
            })
            .collect();
        return Some(format!(
            "metrics.{}({}){}",
            ident(&mt.name.value),
            args.join(", "),
            record(mt)
        ));
    }
    let mt = metrics.first()?;
    Some(format!("metrics.{}{}", ident(&mt.name.value), record(mt)))
}

/// The free-valued labels with a declared bound (`max_values`), in order: each has a
/// [`Bound`] in the generated `Metrics`, at its index here.
fn bounded<'a>(metrics: &[&'a Metric]) -> Vec<(&'a Metric, &'a Label, u64)> {
    metrics
        .iter()
        .flat_map(|mt| {
            mt.labels.iter().filter_map(move |l| {
                let max = l.max_values.as_ref()?.value;
                l.values.is_none().then_some((*mt, l, max))
            })
        })
        .collect()
}

/// The name of `Metrics`' private field of bounds: one no metric field has.
fn bounds_field(metrics: &[&Metric]) -> String {
    let mut name = "label_bounds".to_string();
    while metrics.iter().any(|mt| ident(&mt.name.value) == name) {
        name.push('_');
    }
    name
}

/// The typed helper of a labelled metric: its series for these label values, with
/// bounded labels folded by their [`Bound`] — one call instead of a label struct.
fn helper(mt: &Metric, bounds: &[(&Metric, &Label, u64)], bounds_field: &str) -> String {
    let name = ident(&mt.name.value);
    let mut params = vec!["&self".to_string()];
    let mut fields = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for l in &mt.labels {
        let p = ident(&l.name.value);
        if l.values.is_some() {
            params.push(format!("{p}: {}", value_type(mt, l)));
            fields.push(format!("{p},"));
        } else if let Some(i) = bounds
            .iter()
            .position(|(m, b, _)| std::ptr::eq(*m, mt) && std::ptr::eq(*b, l))
        {
            params.push(format!("{p}: &str"));
            let max = bounds[i].2;
            notes.push(format!(
                "`{}` takes at most {max} values; later ones are recorded as `other`.",
                doc(&l.name.value)
            ));
            let arg = [format!("&self.{bounds_field}[{i}]"), p.clone()];
            let text = call(12, &format!("{p}: Bound::admit"), &arg, ",");
            fields.push(text.trim_start().trim_end().to_string());
        } else {
            params.push(format!("{p}: &str"));
            fields.push(format!("{p}: {p}.to_string(),"));
        }
    }
    let inner = match mt.kind {
        MetricKind::Counter => "Counter",
        MetricKind::Gauge => "Gauge<f64, AtomicU64>",
        _ => "Histogram",
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n    /// The series of `{}` with these labels.",
        doc(&mt.name.value)
    );
    if !notes.is_empty() {
        let _ = writeln!(s, "    ///\n    /// {}", notes.join(" "));
    }
    s.push_str(&signature(
        4,
        &format!("pub fn {name}"),
        &params,
        &format!(" -> {inner}"),
    ));
    // rustfmt keeps a struct literal on one line when its fields take at most 18
    // columns (`struct_lit_width`).
    let body = fields
        .iter()
        .map(|f| f.trim_end_matches(','))
        .collect::<Vec<_>>()
        .join(", ");
    let one = format!("        let labels = {} {{ {body} }};", labels_type(mt));
    if body.len() <= 18 && !body.contains('\n') && one.len() <= 100 {
        let _ = writeln!(s, "{one}");
    } else {
        let _ = writeln!(s, "        let labels = {} {{", labels_type(mt));
        for f in &fields {
            for (i, line) in f.lines().enumerate() {
                let pad = if i == 0 { "            " } else { "" };
                let _ = writeln!(s, "{pad}{line}");
            }
        }
        let _ = writeln!(s, "        }};");
    }
    s.push_str(&call(
        8,
        "Family::get_or_create_owned",
        &[format!("&self.{name}"), "&labels".into()],
        "",
    ));
    let _ = writeln!(s, "    }}");
    s
}

/// The bound of a free-valued label, in every crate that has one.
const BOUND: &str = r##"
/// A label whose values are free but bounded (`max_values` in the spec): the first
/// values seen pass, and once the bound is reached any new value is folded into
/// `other` — so the series stay within the declared cardinality. Folds are counted
/// ([`Bound::folded`]) and the first is logged (a `tracing` warning).
#[derive(Clone, Debug)]
pub struct Bound {
    metric: &'static str,
    label: &'static str,
    max: usize,
    seen: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    folded: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Bound {
    /// The value every value beyond the bound becomes.
    pub const OTHER: &'static str = "other";

    /// A bound of `max` values (`other` among them) of `label` of `metric`.
    pub fn new(metric: &'static str, label: &'static str, max: u64) -> Self {
        Self {
            metric,
            label,
            max: usize::try_from(max).unwrap_or(usize::MAX).max(1),
            seen: Default::default(),
            folded: Default::default(),
        }
    }

    /// `value` while fewer than the bound's values were seen (or when it was seen
    /// before), else `other`.
    pub fn admit(&self, value: &str) -> String {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if value == Self::OTHER || seen.contains(value) {
            return value.to_string();
        }
        // One place is kept for `other`.
        if seen.len() + 1 < self.max {
            seen.insert(value.to_string());
            return value.to_string();
        }
        drop(seen);
        let before = self
            .folded
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if before == 0 {
            tracing::warn!(
                metric = self.metric,
                label = self.label,
                max = self.max,
                value,
                "a label value beyond the declared bound is recorded as `other`"
            );
        }
        Self::OTHER.to_string()
    }

    /// How many values were folded into `other` so far.
    pub fn folded(&self) -> u64 {
        self.folded.load(std::sync::atomic::Ordering::Relaxed)
    }
}
"##;

/// The encoders, in every crate.
const ENCODERS: &str = r##"
/// The `Content-Type` of [`encode_openmetrics`]' output.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The `Content-Type` of [`encode_text`]'s output.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The registry's exposition in OpenMetrics text.
pub fn encode_openmetrics(registry: &Registry) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, registry)?;
    Ok(out)
}

/// The registry's exposition in the Prometheus text format 0.0.4, which every
/// scraper and `promtool check metrics` read: OpenMetrics without `# EOF` and
/// `# UNIT`, with counters' `# TYPE` and `# HELP` named as their samples (`_total`).
pub fn encode_text(registry: &Registry) -> Result<String, std::fmt::Error> {
    let om = encode_openmetrics(registry)?;
    let counters: std::collections::HashSet<&str> = om
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(om.len());
    for line in om.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let meta = ["# TYPE ", "# HELP "]
            .into_iter()
            .find_map(|p| Some((p, line.strip_prefix(p)?.split_once(' ')?)));
        match meta {
            Some((p, (name, rest))) if counters.contains(name) => {
                out.push_str(&format!("{p}{name}_total {rest}\n"));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}
"##;

fn logs_rs(m: &Model) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! Typed log events of `{}` (structured `tracing` events), generated by",
        doc(&m.service.name.value)
    );
    let _ = writeln!(
        s,
        "//! forge-spec. DO NOT EDIT. Fields declared `redacted` take a [`Redacted`] value,"
    );
    let _ = writeln!(
        s,
        "//! whose `Debug` and `Display` never show what it holds.\n"
    );
    let _ = writeln!(s, "use std::fmt;\n");
    let _ = writeln!(
        s,
        "/// A secret on its way to a log: formatting it prints `[REDACTED]`."
    );
    let _ = writeln!(s, "#[derive(Clone, PartialEq, Eq)]");
    let _ = writeln!(s, "pub struct Redacted<T>(T);\n");
    let _ = writeln!(s, "impl<T> Redacted<T> {{");
    let _ = writeln!(
        s,
        "    /// Wraps a secret.\n    pub fn new(secret: T) -> Self {{\n        Self(secret)\n    }}\n"
    );
    let _ = writeln!(
        s,
        "    /// The secret itself, for code that must use it (never for logging)."
    );
    let _ = writeln!(
        s,
        "    pub fn expose(&self) -> &T {{\n        &self.0\n    }}\n}}\n"
    );
    let _ = writeln!(s, "impl<T> fmt::Debug for Redacted<T> {{");
    let _ = writeln!(
        s,
        "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.write_str(\"[REDACTED]\")\n    }}\n}}\n"
    );
    let _ = writeln!(s, "impl<T> fmt::Display for Redacted<T> {{");
    let _ = writeln!(
        s,
        "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        f.write_str(\"[REDACTED]\")\n    }}\n}}"
    );
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
