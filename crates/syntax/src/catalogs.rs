//! Exporter catalogues shipped with forge-spec (`catalogs/*.yaml`): the metrics of
//! exporters and client collectors, declared once in the spec's own metric format
//! (`standard: true`, `provided_by: <catalogue>`), for targets to `uses:`.

/// Every catalogue: name and text.
pub static CATALOGS: &[(&str, &str)] = &[
    (
        "blackbox_exporter",
        include_str!("../../../catalogs/blackbox_exporter.yaml"),
    ),
    ("cadvisor", include_str!("../../../catalogs/cadvisor.yaml")),
    ("go", include_str!("../../../catalogs/go.yaml")),
    (
        "kube_state_metrics",
        include_str!("../../../catalogs/kube_state_metrics.yaml"),
    ),
    (
        "node_exporter",
        include_str!("../../../catalogs/node_exporter.yaml"),
    ),
    ("process", include_str!("../../../catalogs/process.yaml")),
    (
        "prometheus",
        include_str!("../../../catalogs/prometheus.yaml"),
    ),
    ("scrape", include_str!("../../../catalogs/scrape.yaml")),
];

/// The pseudo-catalogue of the service's own metrics.
pub const OWN: &str = "own";

/// A catalogue's text by name.
pub fn get(name: &str) -> Option<&'static str> {
    CATALOGS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The file name diagnostics show for a catalogue.
pub fn file_name(name: &str) -> String {
    format!("<forge-spec>/catalogs/{name}.yaml")
}

/// Whether a source file is one of the catalogues (by the name [`file_name`] gives).
pub fn is_catalog_file(name: &str) -> bool {
    name.starts_with("<forge-spec>/catalogs/")
}

/// The catalogues a target uses: its `uses:` (default `own`), plus `scrape` for a
/// scraped target, `blackbox_exporter` for a probed one.
pub fn used_by(t: &super::Target) -> Vec<String> {
    let mut v: Vec<String> = match &t.uses {
        Some(u) => u.iter().map(|s| s.value.clone()).collect(),
        None if t.probe.is_some() => Vec::new(),
        None => vec![OWN.to_string()],
    };
    v.push(
        if t.probe.is_some() {
            "blackbox_exporter"
        } else {
            "scrape"
        }
        .to_string(),
    );
    v
}
