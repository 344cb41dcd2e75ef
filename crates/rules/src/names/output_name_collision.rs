//! Rule N008 `output-name-collision`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports two definitions that become one name in the output: dashboards whose uids
    /// give one file (`a.b`, `a_b` and `a/b` all write `a_b.json`; a dashboard named like
    /// the generated SLO dashboard, `<service>-slos`), and log events or the fields of
    /// one event that give one Rust identifier (`a-b` and `a_b`, `Job` and `job`).
    /// Both definitions are shown.
    ///
    /// ## Why is this bad?
    /// One definition silently overwrites the other's dashboard, or the generated crate
    /// defines one function or parameter twice and does not compile.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     order-placed: {level: info, fields: {id: string}}
    ///     order_placed: {level: info, fields: {id: string}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// logs:
    ///   events:
    ///     order_placed: {level: info, fields: {id: string}}
    ///     order_shipped: {level: info, fields: {id: string}}
    /// ```
    pub OUTPUT_NAME_COLLISION = ("N008", "output-name-collision", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::S;
use forge_spec_ir::names::{file_stem, folded, slo_dashboard_uid};
use std::collections::HashMap;

/// Reports every name whose key was already taken, pointing at both.
fn collide<'a>(
    what: &str,
    items: impl IntoIterator<Item = (String, &'a S)>,
    reserved: Option<(String, &str)>,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, &S> = HashMap::new();
    for (key, name) in items {
        if let Some((r, why)) = &reserved
            && *r == key
        {
            out.push(
                Diagnostic::new(
                    &OUTPUT_NAME_COLLISION,
                    name.span,
                    format!("{what} `{}` is written as `{key}`, which {why}", name.value),
                )
                .label("collides with a generated name")
                .help("rename it"),
            );
            continue;
        }
        match seen.get(&key) {
            Some(first) => out.push(
                Diagnostic::new(
                    &OUTPUT_NAME_COLLISION,
                    name.span,
                    format!(
                        "{what} `{}` and `{}` both become `{key}` in the output",
                        first.value, name.value
                    ),
                )
                .label("second definition")
                .secondary(first.span, "first definition")
                .help("rename one of them so that they differ in letters or digits"),
            ),
            None => {
                seen.insert(key, name);
            }
        }
    }
}

/// Detection: dashboards by file stem, log events and each event's fields by folded
/// identifier.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let reserved = (!m.slos.is_empty()).then(|| {
        (
            folded(&slo_dashboard_uid(m)),
            "is the generated SLO dashboard's file",
        )
    });
    collide(
        "dashboard",
        m.dashboards
            .iter()
            .map(|d| (folded(&file_stem(&d.uid.value)), &d.uid)),
        reserved,
        out,
    );
    collide(
        "log event",
        m.logs
            .events
            .iter()
            .map(|e| (folded(&e.name.value), &e.name)),
        None,
        out,
    );
    // Rule groups of one's own against the groups forge-spec writes.
    let svc = &m.service.name.value;
    let mut generated: Vec<String> = vec![format!("{svc}-alerts"), format!("{svc}-records")];
    for s in &m.slos {
        for part in ["sli", "meta", "alerts"] {
            generated.push(forge_spec_ir::names::slo_group_name(m, s, part));
        }
    }
    for g in &m.groups {
        if generated.contains(&g.name.value) {
            out.push(
                Diagnostic::new(
                    &OUTPUT_NAME_COLLISION,
                    g.name.span,
                    format!(
                        "rule group `{}` is named like a group forge-spec writes",
                        g.name.value
                    ),
                )
                .label("collides with a generated group")
                .help("rename it: Prometheus refuses two groups of one name"),
            );
        }
    }
    for e in &m.logs.events {
        collide(
            &format!("field of `{}`", e.name.value),
            e.fields.iter().map(|f| (folded(&f.name.value), &f.name)),
            None,
            out,
        );
    }
}
