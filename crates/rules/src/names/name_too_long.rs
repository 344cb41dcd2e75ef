//! Rule N011 `name-too-long`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports a name longer than what it becomes in the output allows: a service name
    /// over 63 characters (it is a Kubernetes label value, and the stem of the output's
    /// file names), and a dashboard uid over 40 characters — the dashboard's own key, or
    /// the generated SLO dashboard's `<service>-slos` — which Grafana refuses.
    ///
    /// ## Why is this bad?
    /// `check` would pass a spec that `build` cannot write (a file name over the file
    /// system's 255 bytes) or that Grafana and Kubernetes refuse when it is applied.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// dashboards:
    ///   shop-checkout-and-payments-latency-and-errors-overview:
    ///     title: Checkout
    ///     panels: []
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// dashboards:
    ///   shop-checkout:
    ///     title: Checkout
    ///     panels: []
    /// ```
    pub NAME_TOO_LONG = ("N011", "name-too-long", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::names::{file_stem, slo_dashboard_uid};

/// Longest service name (a Kubernetes label value).
pub const MAX_SERVICE: usize = 63;
/// Longest Grafana dashboard uid.
pub const MAX_UID: usize = 40;

/// Detection: the service's name, each dashboard's uid, the SLO dashboard's uid.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let svc = &m.service.name;
    if svc.value.chars().count() > MAX_SERVICE {
        out.push(
            Diagnostic::new(
                &NAME_TOO_LONG,
                svc.span,
                format!(
                    "the service name is {} characters; the limit is {MAX_SERVICE}",
                    svc.value.chars().count()
                ),
            )
            .label("too long")
            .help("a service name is a Kubernetes label value and the stem of the output's file names: shorten it"),
        );
    } else if !m.slos.is_empty() && slo_dashboard_uid(m).len() > MAX_UID {
        out.push(
            Diagnostic::new(
                &NAME_TOO_LONG,
                svc.span,
                format!(
                    "the SLO dashboard's uid `{}` is {} characters; Grafana's limit is {MAX_UID}",
                    slo_dashboard_uid(m),
                    slo_dashboard_uid(m).len()
                ),
            )
            .label("the SLO dashboard is named after the service")
            .help(format!(
                "shorten the service name to {} characters or fewer",
                MAX_UID - "-slos".len()
            )),
        );
    }
    for d in &m.dashboards {
        let uid = file_stem(&d.uid.value);
        if uid.len() > MAX_UID {
            out.push(
                Diagnostic::new(
                    &NAME_TOO_LONG,
                    d.uid.span,
                    format!(
                        "dashboard uid `{}` is {} characters; Grafana's limit is {MAX_UID}",
                        d.uid.value,
                        uid.len()
                    ),
                )
                .label("too long")
                .help("shorten the dashboard's key (its title can stay long)"),
            );
        }
    }
}
