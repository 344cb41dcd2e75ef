//! Rule K001 `kubernetes-name-collision`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// With the `kubernetes` output, reports two targets, or two dashboards, whose names
    /// become one Kubernetes name. Kubernetes names are lower case, with `-` for
    /// anything but letters, digits and `.` (`API_Server` and `api-server` both become
    /// `api-server`); both definitions are shown.
    ///
    /// ## Why is this bad?
    /// Two `ServiceMonitor`s (or dashboard ConfigMaps) of one name are one object: the
    /// second overwrites the first, and a target stops being scraped without any error.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// outputs: [kubernetes]
    /// targets:
    ///   api_server: {address: "api:8080"}
    ///   api-server: {address: "api-2:8080"}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// outputs: [kubernetes]
    /// targets:
    ///   api-server: {address: "api:8080"}
    ///   api-server-2: {address: "api-2:8080"}
    /// ```
    pub KUBERNETES_NAME_COLLISION = ("K001", "kubernetes-name-collision", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::S;
use forge_spec_ir::deploy::{MAX_NAME, kube_name};
use forge_spec_ir::names::file_stem;
use std::collections::HashMap;

/// Reports every name whose Kubernetes name was taken, pointing at both.
fn collide<'a>(
    what: &str,
    items: impl IntoIterator<Item = (String, &'a S)>,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, &S> = HashMap::new();
    for (key, name) in items {
        match seen.get(&key) {
            Some(first) => out.push(
                Diagnostic::new(
                    &KUBERNETES_NAME_COLLISION,
                    name.span,
                    format!(
                        "{what} `{}` and `{}` both become the Kubernetes name `{key}`",
                        first.value, name.value
                    ),
                )
                .label("second definition")
                .secondary(first.span, "first definition")
                .help("rename one of them so that they differ in lower-case letters or digits"),
            ),
            None => {
                seen.insert(key, name);
            }
        }
    }
}

/// Detection: targets by their monitor's name (`ServiceMonitor` and `Probe` apart),
/// dashboards by their ConfigMap's, as `emit::kubernetes` names them.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.outputs.kubernetes.is_none() {
        return;
    }
    for probed in [false, true] {
        collide(
            "target",
            m.targets
                .iter()
                .filter(|t| t.probe.is_some() == probed)
                .map(|t| (kube_name(&t.name.value, MAX_NAME), &t.name)),
            out,
        );
    }
    collide(
        "dashboard",
        m.dashboards.iter().map(|d| {
            let stem = file_stem(&d.uid.value);
            (
                kube_name(&format!("grafana-dashboard-{stem}"), MAX_NAME),
                &d.uid,
            )
        }),
        out,
    );
}
