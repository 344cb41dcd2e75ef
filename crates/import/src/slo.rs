//! `import sloth|pyrra|openslo`: SLOs of other tools → the spec's `slos:`.

use forge_spec_base::diag::Diagnostic;
use forge_spec_base::source::{FileId, SourceSet};

/// Reads SLO documents of `tool` and writes `slos.yaml` (with a `service.yaml`).
pub fn import(
    _tool: &str,
    _sources: &SourceSet,
    _ids: &[FileId],
    _service: &str,
    _diags: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    Vec::new()
}
