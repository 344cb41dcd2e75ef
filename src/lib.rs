//! forge-spec: one observability spec in, validated Prometheus rules, Alertmanager
//! routes, Grafana dashboards and Rust metric bindings out.
//!
//! This crate is the CLI's library: the pipeline (`forge-spec-pipeline`, re-exported
//! whole) and the analysis layer (`forge-spec-ide`) are crates below it; here are the
//! features that stand beside them — `diff`, `live` and `exposition` (live-check),
//! `import` (writing what another tool's files become), `lsp` and `framing` (the
//! language server's transport), `synth` (benchmark specs).

pub mod diff;
pub mod exposition;
pub mod framing;
pub mod import;
pub mod live;
pub mod lsp;
pub mod synth;

/// The analysis layer the language server stands on.
pub use forge_spec_ide as ide;
/// The pipeline and everything it re-exports (the layers, `cache`, `org`, `fix`,
/// `write`, `compile`…): the CLI's and the tests' one entry.
pub use forge_spec_pipeline::*;
