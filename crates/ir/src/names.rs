//! Stage 2, resolve: the names definitions take in the output — file stems, the SLO
//! dashboard's uid, Rust identifiers — in one place, so the backends that write them
//! and the check that two definitions do not share one (N008) agree.

use super::Model;

/// A name made safe for a file name: ASCII letters, digits, `-` and `_` only.
pub fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches(|c| c == '_' || c == '-').to_string();
    if s.is_empty() { "service".into() } else { s }
}

/// The uid (and file stem) of the generated SLO dashboard.
pub fn slo_dashboard_uid(m: &Model) -> String {
    format!("{}-slos", file_stem(&m.service.name.value))
}

/// The key two names share when they become one Rust identifier or one file on a
/// case-insensitive file system: ASCII letters and digits lowercased, everything else
/// `_`, keyword escapes ignored.
pub fn folded(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The selector of an SLO's own rules: `{slo, service}`, or Sloth's labels. The rule
/// files write it, and the dashboards and tests read the rules with it.
pub fn slo_selector(m: &Model, s: &super::Slo) -> String {
    let q = forge_spec_expr::ast::quote;
    if s.sloth {
        let (svc, slo) = (&m.service.name.value, &s.name.value);
        return format!(
            "{{sloth_id={}, sloth_service={}, sloth_slo={}}}",
            q(&format!("{svc}-{slo}")),
            q(svc),
            q(slo)
        );
    }
    format!(
        "{{slo={}, service={}}}",
        q(&s.name.value),
        q(&m.service.name.value)
    )
}

/// A window's name in recording-rule names: as written, or (Sloth) as Prometheus
/// prints it.
pub fn window_name(s: &super::Slo, w: forge_spec_expr::Duration) -> String {
    if s.sloth {
        w.to_prometheus_weeks()
    } else {
        w.to_prometheus()
    }
}

/// The SLO's period in record names and Sloth's `sloth_window`: the window's name, or
/// `calendar_month` (`calendar_week`, `calendar_quarter`).
pub fn period_name(s: &super::Slo) -> String {
    match s.calendar {
        Some(c) => format!("calendar_{}", c.unit.name()),
        None => window_name(s, s.period),
    }
}

/// The record of the error ratio over the SLO's period: `slo:sli_error:ratio_rate30d`,
/// or over the calendar period so far, `slo:sli_error:ratio_calendar_month`.
pub fn period_record(s: &super::Slo) -> String {
    match s.calendar {
        Some(_) => format!("slo:sli_error:ratio_{}", period_name(s)),
        None => format!("slo:sli_error:ratio_rate{}", period_name(s)),
    }
}

/// The period in prose: `30d`, or `each calendar month` (with its offset when not UTC).
pub fn period_prose(s: &super::Slo) -> String {
    match s.calendar {
        Some(c) if c.offset_s == 0 => format!("each calendar {}", c.unit.name()),
        Some(c) => format!("each calendar {} (UTC{})", c.unit.name(), c.offset_text()),
        None => window_name(s, s.period),
    }
}

/// The name of an SLO's group of `part` (`sli`, `meta`, `alerts`): `<service>-slo-<slo>-sli`,
/// or under `compat: sloth` Sloth's (`sloth-slo-sli-recordings-<service>-<slo>`).
pub fn slo_group_name(m: &Model, s: &super::Slo, part: &str) -> String {
    let (svc, name) = (&m.service.name.value, &s.name.value);
    if s.sloth {
        let part = match part {
            "sli" => "sli-recordings",
            "meta" => "meta-recordings",
            other => other,
        };
        format!("sloth-slo-{part}-{svc}-{name}")
    } else {
        format!("{svc}-slo-{name}-{part}")
    }
}

/// The service's rule file, under `prometheus/` (the Prometheus configuration, the
/// Kubernetes resources and the rulers' namespaces all name it).
pub fn rules_file(m: &Model) -> String {
    format!("{}.rules.yml", file_stem(&m.service.name.value))
}

/// The directory of the service's dashboards in the output (its own folder in an
/// organisation), ending in `/`.
pub fn dashboards_dir(m: &Model) -> String {
    if m.in_org {
        format!("grafana/dashboards/{}/", file_stem(&m.service.name.value))
    } else {
        "grafana/dashboards/".to_string()
    }
}

/// The notification texts the receivers send (declared with the integrations, in the
/// spec's vocabulary: both configuration writers read them from there).
pub use forge_spec_syntax::integrations::{
    NOTIFICATION_TEXT, NOTIFICATION_TITLE, OPSGENIE_PRIORITY,
};

/// The labels forge-spec itself puts on the alerts of the service: `service` and `team`
/// only where the alert's expression does not carry that label already — a rule's label
/// replaces the series' value, which would merge series that differ only in it
/// (Prometheus then refuses to evaluate the rule: "same labelset after applying alert
/// labels") — and, with the Kubernetes output, `namespace` always (the Operator routes
/// an `AlertmanagerConfig` only the alerts of its namespace, and enforces it the same
/// way). `may_carry` says whether the expression's result carries a label. The spec can
/// still set any of them itself (`labels:`), or leave `service` and `team` off
/// (`service.alert_labels`).
pub fn default_alert_labels(
    m: &Model,
    may_carry: impl Fn(&str) -> bool,
) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    let wanted = m.service.alert_labels;
    if wanted.service && !may_carry("service") {
        v.push(("service", m.service.name.value.clone()));
    }
    if let Some(team) = &m.service.team
        && wanted.team
        && !may_carry("team")
    {
        v.push(("team", team.value.clone()));
    }
    if let Some(k) = &m.outputs.kubernetes {
        v.push(("namespace", k.namespace.clone()));
    }
    v
}

/// Whether an alert's expression carries `label` on its result, as far as its type
/// says: its label set holds it. (A result whose labels are not known — raw PromQL of
/// series outside the catalogue — is taken not to; name the label in `labels:` to be
/// sure.)
pub fn may_carry(when: Option<&crate::AlertExpr>, label: &str) -> bool {
    when.and_then(|w| w.ty.as_ref())
        .and_then(|ty| ty.labels.as_ref())
        .is_some_and(|ls| ls.contains(label))
}
