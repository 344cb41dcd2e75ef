//! The generated crate's `src/lib.rs`: the metrics, their typed helpers, the bound of
//! free labels and the encoders. The fixed parts are templates beside this file
//! (`header.rs.in`, `values.rs.in`, `label_enum.rs.in`, `bound.rs.in`,
//! `encoders.rs.in`); the code here fills their holes and writes what varies in shape.

use super::*;

pub(super) fn lib_rs(m: &Model) -> String {
    let metrics = own(m);
    let krate = ident(&crate_name(m).replace('-', "_"));
    let record = example_record(&metrics).map_or_else(String::new, |l| format!("//! {l}\n"));
    let assert = metrics.first().map_or_else(String::new, |mt| {
        format!(
            "//! assert!(text.contains(\"# TYPE {} \"));\n",
            mt.name.value
        )
    });
    // The first metric with declared label values shows that an undeclared value does
    // not compile.
    let values = metrics
        .iter()
        .find_map(|mt| {
            mt.labels.iter().find_map(|l| {
                let first = variants(l.values.as_deref()?).into_iter().next()?.0;
                Some(fill(
                    VALUES,
                    &[
                        ("crate", &krate),
                        ("ty", &value_type(mt, l)),
                        ("first", &first),
                    ],
                ))
            })
        })
        .unwrap_or_default();
    let mut s = fill(
        HEADER,
        &[
            ("service", &doc(&m.service.name.value)),
            ("spec", &doc(&m.spec_name)),
            ("crate", &krate),
            ("record", &record),
            ("assert", &assert),
            ("values", &values),
        ],
    );
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
            let vs = variants(values);
            let variants: String = vs
                .iter()
                .map(|(name, value)| {
                    format!("    /// `{}`\n    {name},\n", doc(value).replace('`', "'"))
                })
                .collect();
            let arms: String = vs
                .iter()
                .map(|(name, value)| format!("            Self::{name} => {},\n", lit(value)))
                .collect();
            s.push_str(&fill(
                LABEL_ENUM,
                &[
                    ("label", &doc(&l.name.value)),
                    ("metric", &doc(&mt.name.value)),
                    ("ty", &value_type(mt, l)),
                    ("variants", &variants),
                    ("arms", &arms),
                ],
            ));
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
pub(super) fn example_record(metrics: &[&Metric]) -> Option<String> {
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
pub(super) fn bounded<'a>(metrics: &[&'a Metric]) -> Vec<(&'a Metric, &'a Label, u64)> {
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
pub(super) fn bounds_field(metrics: &[&Metric]) -> String {
    let mut name = "label_bounds".to_string();
    while metrics.iter().any(|mt| ident(&mt.name.value) == name) {
        name.push('_');
    }
    name
}

/// The typed helper of a labelled metric: its series for these label values, with
/// bounded labels folded by their [`Bound`] — one call instead of a label struct.
pub(super) fn helper(mt: &Metric, bounds: &[(&Metric, &Label, u64)], bounds_field: &str) -> String {
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

/// The crate's documentation, with its example, and the re-exports every crate has
/// (no direct prometheus-client dependency, of the right version, is needed to
/// register and encode).
const HEADER: &str = include_str!("header.rs.in");

/// The example that an undeclared label value does not compile.
const VALUES: &str = include_str!("values.rs.in");

/// A label's closed set of values as an enum, encoded as the value.
const LABEL_ENUM: &str = include_str!("label_enum.rs.in");

/// The bound of a free-valued label, in every crate that has one.
pub(super) const BOUND: &str = concat!("\n", include_str!("bound.rs.in"));

/// The encoders, in every crate.
pub(super) const ENCODERS: &str = concat!("\n", include_str!("encoders.rs.in"));
