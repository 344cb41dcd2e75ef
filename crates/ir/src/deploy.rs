//! Stage 2, resolve: where the rules run — the engines of `outputs:` with their
//! settings defaulted — and the names Kubernetes accepts, made from spec names in one
//! place, so that the backend writing them and the check that two do not collide
//! (K001) agree.

use super::S;
use forge_spec_base::diag::codes::parse as p;
use forge_spec_base::diag::{Diagnostic, Diagnostics};
use forge_spec_base::source::Spanned;
use forge_spec_syntax::outputs as syntax;

/// The engines chosen, each with its settings.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// Plain Prometheus, Alertmanager and Grafana files and the compose stack.
    pub prometheus: bool,
    pub kubernetes: Option<Kubernetes>,
    pub mimir: Option<Mimir>,
    pub thanos: bool,
}

impl Default for Outputs {
    /// No `outputs:`: the plain Prometheus files.
    fn default() -> Self {
        Outputs {
            prometheus: true,
            kubernetes: None,
            mimir: None,
            thanos: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Kubernetes {
    /// A DNS label.
    pub namespace: String,
    pub labels: Vec<(String, String)>,
    pub dashboard_labels: Vec<(String, String)>,
    /// Name of the Secret with the receivers' secret files.
    pub secret: String,
}

#[derive(Debug, Clone)]
pub struct Mimir {
    pub tenant: String,
    pub namespace: String,
    pub max_rule_groups_per_tenant: Option<Spanned<u32>>,
    pub max_rules_per_rule_group: Option<Spanned<u32>>,
}

/// How the Kubernetes output finds a target.
#[derive(Debug, Clone)]
pub struct TargetKubernetes {
    pub selector: Vec<(String, String)>,
    pub port: String,
    pub namespace: Option<String>,
}

/// Longest Kubernetes object name (a DNS subdomain).
pub const MAX_NAME: usize = 253;
/// Longest namespace, label value or label name (a DNS label).
pub const MAX_LABEL: usize = 63;

/// A spec name as a Kubernetes name of at most `max` characters: lower case, runs of
/// anything but letters and digits become one `-`, starting and ending with a
/// letter or digit. A name too long keeps its start and gains a hash of the whole
/// name, so that two long names sharing a start stay apart. Deterministic; two names
/// that differ only in case or punctuation meet, which K001 reports.
pub fn kube_name(name: &str, max: usize) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let trimmed = s.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let mut s = if trimmed.is_empty() {
        "x".to_string()
    } else {
        trimmed.to_string()
    };
    if s.len() > max {
        let hash = format!("{:08x}", fnv(name.as_bytes()) as u32);
        s.truncate(max - hash.len() - 1);
        let keep = s
            .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
            .len();
        s.truncate(keep);
        s.push('-');
        s.push_str(&hash);
    }
    s
}

/// FNV-1a, 64 bits: a stable hash (the standard library's is not stable across
/// releases, and names must not change with the compiler).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A DNS label: 1–63 lower-case letters, digits and `-`, starting and ending with a
/// letter or digit.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_LABEL
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS subdomain as Kubernetes checks it (`IsDNS1123Subdomain`): at most 253
/// characters, dot-separated parts of lower-case letters, digits and `-`, each starting
/// and ending with a letter or digit.
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= MAX_NAME
        && s.split('.').all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && p.starts_with(|c: char| c.is_ascii_alphanumeric())
                && p.ends_with(|c: char| c.is_ascii_alphanumeric())
        })
}

/// A label name: an optional DNS-subdomain prefix and `/`, then 1–63 letters, digits,
/// `-`, `_`, `.`, starting and ending with a letter or digit.
pub fn is_label_key(s: &str) -> bool {
    let (prefix, name) = s.rsplit_once('/').map_or((None, s), |(p, n)| (Some(p), n));
    prefix.is_none_or(is_dns_subdomain) && !name.is_empty() && is_label_value(name)
}

/// A label value: empty, or up to 63 letters, digits, `-`, `_`, `.`, starting and
/// ending with a letter or digit.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty()
        || (s.len() <= MAX_LABEL
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric())
}

fn invalid(out: &mut Diagnostics, span: forge_spec_base::source::Span, msg: String, help: &str) {
    out.push(
        Diagnostic::new(&p::INVALID_VALUE, span, msg)
            .label("Kubernetes refuses it")
            .help(help.to_string()),
    );
}

/// Labels as written, each checked against Kubernetes' syntax.
fn labels(map: &forge_spec_syntax::Map<S>, out: &mut Diagnostics) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (k, val) in map.iter() {
        if !is_label_key(&k.value) {
            invalid(
                out,
                k.span,
                format!("`{}` is not a Kubernetes label name", k.value),
                "a label name is up to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit, after an optional DNS prefix and `/` (e.g. `app.kubernetes.io/name`)",
            );
        }
        if !is_label_value(&val.value) {
            invalid(
                out,
                val.span,
                format!("`{}` is not a Kubernetes label value", val.value),
                "a label value is empty or up to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
            );
        }
        v.push((k.value.clone(), val.value.clone()));
    }
    v
}

/// A DNS label given in the spec, or `default` made into one.
/// A Kubernetes port name (IANA_SVC_NAME): 1–15 lower-case letters, digits and `-`,
/// at least one letter, no `-` at either end, no `--`.
pub fn is_port_name(s: &str) -> bool {
    (1..=15).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn dns_label(given: Option<&S>, default: &str, out: &mut Diagnostics) -> String {
    match given {
        Some(n) if is_dns_label(&n.value) => n.value.clone(),
        Some(n) => {
            invalid(
                out,
                n.span,
                format!("`{}` is not a Kubernetes namespace", n.value),
                "a namespace is 1 to 63 lower-case letters, digits and `-`, starting and ending with a letter or digit",
            );
            kube_name(&n.value, MAX_LABEL)
        }
        None => kube_name(default, MAX_LABEL),
    }
}

/// The engines of `outputs:` with their settings defaulted for `service`; unknown
/// engine names and settings Kubernetes would refuse are reported.
pub fn resolve(given: Option<syntax::Outputs>, service: &str, out: &mut Diagnostics) -> Outputs {
    let Some(given) = given else {
        return Outputs::default();
    };
    let mut s = given.settings;
    for n in &given.names {
        match n.value.as_str() {
            "prometheus" => s.prometheus = Some(syntax::Empty {}),
            "kubernetes" => s.kubernetes = Some(s.kubernetes.take().unwrap_or_default()),
            "mimir" => s.mimir = Some(s.mimir.take().unwrap_or_default()),
            "thanos" => s.thanos = Some(syntax::Empty {}),
            other => out.push(
                Diagnostic::new(
                    &p::INVALID_VALUE,
                    n.span,
                    format!("no output engine is called `{other}`"),
                )
                .label("not an engine")
                .suggest(
                    other,
                    syntax::ENGINES.iter().copied(),
                    "the engines are prometheus, kubernetes, mimir and thanos",
                ),
            ),
        }
    }
    let kubernetes = s.kubernetes.map(|k| {
        let namespace = dns_label(k.namespace.as_ref(), service, out);
        let secret = match &k.secret {
            Some(n) if is_dns_subdomain(&n.value) => n.value.clone(),
            Some(n) => {
                invalid(out, n.span, format!("`{}` is not a Kubernetes Secret name", n.value), "a Secret name is lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit");
                kube_name(&n.value, MAX_NAME)
            }
            None => format!("{}-alertmanager", kube_name(service, MAX_NAME - 13)),
        };
        Kubernetes {
            namespace,
            labels: labels(&k.labels, out),
            dashboard_labels: match &k.dashboard_labels {
                Some(m) => labels(m, out),
                None => vec![("grafana_dashboard".into(), "1".into())],
            },
            secret,
        }
    });
    let mimir = s.mimir.map(|m| Mimir {
        tenant: m.tenant.map_or_else(|| "anonymous".into(), |t| t.value),
        namespace: m.namespace.map_or_else(|| service.to_string(), |n| n.value),
        max_rule_groups_per_tenant: m.max_rule_groups_per_tenant,
        max_rules_per_rule_group: m.max_rules_per_rule_group,
    });
    Outputs {
        prometheus: s.prometheus.is_some(),
        kubernetes,
        mimir,
        thanos: s.thanos.is_some(),
    }
}

/// How the Kubernetes output finds `target`.
pub fn target(
    name: &str,
    k: Option<syntax::TargetKubernetes>,
    out: &mut Diagnostics,
) -> TargetKubernetes {
    let k = k.unwrap_or_default();
    TargetKubernetes {
        selector: match &k.selector {
            Some(m) => labels(m, out),
            None => vec![("app.kubernetes.io/name".into(), kube_name(name, MAX_LABEL))],
        },
        port: match k.port {
            Some(p) if is_port_name(&p.value) => p.value,
            Some(p) => {
                invalid(
                    out,
                    p.span,
                    format!("`{}` is not a Kubernetes port name", p.value),
                    "a ServiceMonitor names the Service's port: 1 to 15 lower-case letters, digits and `-`, with a letter, not starting or ending with `-`, no `--` (a number is not a name: name the port in the Service)",
                );
                "metrics".into()
            }
            None => "metrics".into(),
        },
        namespace: k.namespace.map(|n| dns_label(Some(&n), name, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile names become valid names and labels, deterministically; long names that
    /// share a start stay apart.
    #[test]
    fn hostile_names_become_valid() {
        let long_a = format!("{}a", "Service_".repeat(40));
        let long_b = format!("{}b", "Service_".repeat(40));
        for n in [
            "AI_Forge",
            "__x__",
            "ÜBER--svc",
            "",
            "a..b",
            &long_a,
            &long_b,
        ] {
            let name = kube_name(n, MAX_NAME);
            let label = kube_name(n, MAX_LABEL);
            assert!(is_dns_subdomain(&name), "{n:?} → {name:?}");
            assert!(is_dns_label(&label), "{n:?} → {label:?}");
            assert_eq!(name, kube_name(n, MAX_NAME));
        }
        assert_eq!(kube_name("AI_Forge", MAX_NAME), "ai-forge");
        assert_ne!(kube_name(&long_a, MAX_LABEL), kube_name(&long_b, MAX_LABEL));
        assert_eq!(kube_name(&long_a, MAX_LABEL).len(), MAX_LABEL);
        assert!(!is_dns_label("-a") && !is_dns_label("A") && !is_dns_label(&"a".repeat(64)));
        assert!(is_label_key("app.kubernetes.io/name") && !is_label_key("a b"));
        assert!(is_label_value("") && !is_label_value("-x") && !is_label_value(&"v".repeat(64)));
    }
}
