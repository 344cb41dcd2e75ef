//! Rule K004 `kubernetes-templates`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// With the `kubernetes` output, reports `routing.templates`. The Prometheus
    /// Operator's `AlertmanagerConfig` has no templates: they belong to the
    /// `Alertmanager` resource (`spec.configMaps` and its global configuration), which
    /// this spec does not own.
    ///
    /// ## Why is this bad?
    /// Under the plain Alertmanager output a receiver's `text: '{{ template "x" . }}'`
    /// finds its template; under the Operator the same receiver fails every
    /// notification with "template not defined".
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// outputs: [kubernetes]
    /// targets: {web: {address: "web:80"}}
    /// receivers: {team: {webhook: {url: "http://hooks.example.org/t"}}}
    /// routing:
    ///   receiver: team
    ///   templates: [/etc/alertmanager/templates/*.tmpl]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// outputs: [kubernetes]
    /// targets: {web: {address: "web:80"}}
    /// receivers: {team: {webhook: {url: "http://hooks.example.org/t"}}}
    /// routing:
    ///   receiver: team
    /// ```
    pub KUBERNETES_TEMPLATES = ("K004", "kubernetes-templates", Error);
}

use forge_spec_base::diag::Diagnostic;

/// Detection: with the Kubernetes output, each template path.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.outputs.kubernetes.is_none() {
        return;
    }
    for t in m.routing.iter().flat_map(|r| &r.templates) {
        out.push(
            Diagnostic::new(
                &KUBERNETES_TEMPLATES,
                t.span,
                format!(
                    "template file `{}` cannot be loaded by the Operator's AlertmanagerConfig",
                    t.value
                ),
            )
            .label("a template file")
            .help("load templates through the Alertmanager resource (spec.configMaps) and drop `routing.templates`, or leave the `kubernetes` output"),
        );
    }
}
