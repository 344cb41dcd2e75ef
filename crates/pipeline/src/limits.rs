//! Pipeline: the limits of the rulers the output is for (K002), checked on the Mimir
//! rule namespaces as written — the groups and rules a ruler would count — before
//! anything is written.

use crate::diag::Diagnostic;
use crate::diag::codes::deploy::RULER_LIMIT_EXCEEDED;
use crate::{emit, ir};
use std::collections::BTreeMap;

/// Groups of a namespace file, each with its name and number of rules.
fn groups(text: &str) -> Vec<(&str, usize)> {
    let mut v: Vec<(&str, usize)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("- name: ") {
            v.push((name, 0));
        } else if (line.starts_with("  - alert: ") || line.starts_with("  - record: "))
            && let Some(g) = v.last_mut()
        {
            g.1 += 1;
        }
    }
    v
}

/// Reports each service's groups over its tenant's `max_rules_per_rule_group`, and each
/// tenant with more groups than a `max_rule_groups_per_tenant` of one of its services.
/// `models` are the services (one, or an organisation's); files not in `output` (a
/// service reused from the build cache) are not counted.
pub fn check<'a>(
    models: impl Iterator<Item = &'a ir::Model>,
    output: &emit::Output,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut tenants: BTreeMap<&str, (usize, Vec<&ir::Model>)> = BTreeMap::new();
    for m in models {
        let Some(x) = &m.outputs.mimir else { continue };
        let path = emit::mimir_path(&x.tenant, &x.namespace);
        let Some(text) = output
            .files
            .get(&path)
            .and_then(|b| std::str::from_utf8(b).ok())
        else {
            continue;
        };
        let gs = groups(text);
        if let Some(limit) = &x.max_rules_per_rule_group {
            for (name, n) in gs
                .iter()
                .filter(|(_, n)| limit.value > 0 && *n > limit.value as usize)
            {
                out.push(
                    Diagnostic::new(
                        &RULER_LIMIT_EXCEEDED,
                        limit.span,
                        format!("rule group {name} of Mimir namespace `{}` has {n} rules; tenant `{}` allows {}", x.namespace, x.tenant, limit.value),
                    )
                    .label("the tenant's ruler_max_rules_per_rule_group")
                    .help("raise the limit to what the tenant's Mimir overrides allow, or split the group's alerts into groups of one's own (`group:`)"),
                );
            }
        }
        let t = tenants.entry(x.tenant.as_str()).or_default();
        t.0 += gs.len();
        t.1.push(m);
    }
    // A limit the services take from the organisation's root is reported once.
    let mut reported = std::collections::HashSet::new();
    for (tenant, (count, models)) in tenants {
        for m in models {
            let Some(limit) = m
                .outputs
                .mimir
                .as_ref()
                .and_then(|x| x.max_rule_groups_per_tenant.as_ref())
            else {
                continue;
            };
            if limit.value > 0 && count > limit.value as usize && reported.insert(limit.span) {
                out.push(
                    Diagnostic::new(
                        &RULER_LIMIT_EXCEEDED,
                        limit.span,
                        format!("tenant `{tenant}` gets {count} rule groups; it allows {}", limit.value),
                    )
                    .label("the tenant's ruler_max_rule_groups_per_tenant")
                    .help("raise the limit to what the tenant's Mimir overrides allow (every SLO writes three groups), or spread the services over tenants"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// Groups and their rules are counted from the namespace file's layout.
    #[test]
    fn counts_groups_and_rules() {
        let text = "namespace: a\ngroups:\n- name: g1\n  rules:\n  - alert: A\n    expr: x\n  - record: r\n    expr: y\n- name: g2\n  source_tenants:\n  - t\n  rules:\n  - alert: B\n";
        assert_eq!(super::groups(text), [("g1", 2), ("g2", 1)]);
    }
}
