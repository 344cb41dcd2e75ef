//! `forge-spec import`: another tool's files — Prometheus rule files, an Alertmanager
//! configuration, Sloth, Pyrra and OpenSLO SLOs — into spec files a person would have
//! written (grouped by section, comments where the import made a choice). Reads them
//! with the parse stage's budgets and diagnostics; translates PromQL into the
//! condition language through `expr` where it can. What has no equivalent is reported
//! (I001), secrets are replaced by `*_file` references (I002), never copied.

#![forbid(unsafe_code)]

pub mod alertmanager;
pub mod prometheus;
pub mod slo;
mod slo_rules;
mod text;

use forge_spec_base::diag::Diagnostic;

/// Spec files by name, in the order written, and what the import reports.
#[derive(Debug, Default)]
pub struct Import {
    pub files: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A YAML scalar of another tool's file, as text: a string, a number or a boolean.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(n) => write!(f, "{n}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Text(s) => f.write_str(s),
        }
    }
}

/// The header of every file an import writes.
fn header(from: &str) -> String {
    format!(
        "# yaml-language-server: $schema=https://forge-spec.dev/schema.json\n# Imported by `forge-spec import {from}`; edit freely.\n"
    )
}

/// A metric an exporter catalogue (`catalogs/`) declares: the catalogue, and the
/// declaration's type, unit and labels (name, closed values or bound).
#[derive(Debug, Clone)]
pub struct Known {
    pub catalogue: &'static str,
    pub kind: String,
    pub unit: Option<String>,
    pub labels: Vec<(String, Option<Vec<String>>, Option<u64>)>,
}

/// The catalogue declaration of a metric, if one has it.
pub fn known(metric: &str) -> Option<&'static Known> {
    use forge_spec_base::source::{FileId, SourceFile};
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static INDEX: OnceLock<HashMap<String, Known>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut m = HashMap::new();
            for (name, text) in forge_spec_syntax::catalogs::CATALOGS {
                let file = SourceFile::new(*name, *text);
                let Ok(spec) =
                    forge_spec_syntax::parse_as::<forge_spec_syntax::SpecFile>(FileId(0), &file)
                else {
                    continue;
                };
                for (k, v) in spec.metrics.iter() {
                    let labels = v
                        .labels
                        .iter()
                        .map(|(l, spec)| {
                            (
                                l.value.clone(),
                                spec.values
                                    .as_ref()
                                    .map(|vs| vs.value.iter().map(|x| x.value.clone()).collect()),
                                spec.max_values.as_ref().map(|x| x.value),
                            )
                        })
                        .collect();
                    m.entry(k.value.clone()).or_insert(Known {
                        catalogue: name,
                        kind: v.kind.value.clone(),
                        unit: v.unit.as_ref().map(|u| u.value.clone()),
                        labels,
                    });
                }
            }
            m
        })
        .get(metric)
}
