//! Backend: Prometheus. The rule file (explicit alerts; per SLO, Sloth-style recording
//! rules, metadata rules and multi-window multi-burn-rate alerts), its generated
//! `promtool test rules` file, and the scrape config.

mod promtool_tests;
mod rules;
pub mod scrape;
mod witness;

use forge_spec_ir::names::rules_file;

use super::Output;
use forge_spec_ir::{Alert, Model, Slo};

/// A run of explicit alerts or of SLOs: the unit of work of the parallel emitter.
enum Unit<'a> {
    Alerts(&'a [Alert]),
    Slos(&'a [Slo]),
}

/// What one unit adds to the rule file and to its tests.
#[derive(Default)]
struct Piece {
    /// Rules of the explicit-alerts group.
    alert_rules: String,
    /// Rules of alerts in groups of their own (`group:`), by group.
    grouped: Vec<(String, String)>,
    /// Whole groups (the SLOs').
    groups: String,
    tests: String,
    /// Test files of an SLO's own and the rules they read (path under `prometheus/`,
    /// text): behaviour and calendar tests evaluate hours and days of history.
    scoped: Vec<(String, String)>,
    /// Alerts and SLOs without a generated test.
    skipped: Vec<String>,
}

/// Items per unit: large enough to amortise the hand-off, small enough to balance.
const CHUNK: usize = 128;

fn piece(
    m: &Model,
    unit: &Unit,
    behaviour: &std::collections::HashSet<&str>,
    shared: &std::collections::HashSet<&str>,
) -> Piece {
    let mut p = Piece::default();
    let mut tests = Vec::new();
    match unit {
        Unit::Alerts(alerts) => {
            for a in *alerts {
                let Some(rule) = rules::explicit(m, a) else {
                    continue;
                };
                match &a.group {
                    Some(g) => {
                        let mut text = String::new();
                        rules::render_rule(&rule, &mut text);
                        p.grouped.push((g.value.clone(), text));
                    }
                    None => rules::render_rule(&rule, &mut p.alert_rules),
                }
                let shared_name = shared.contains(a.alertname.value.as_str());
                match promtool_tests::explicit_tests(m, a, &rule, shared_name) {
                    Some(t) => tests.extend(t),
                    None => p.skipped.push(a.name.value.clone()),
                }
            }
        }
        Unit::Slos(slos) => {
            for s in *slos {
                let from = p.groups.len();
                let alerts = rules::slo_groups(m, s, &mut p.groups);
                let behaves = behaviour.contains(s.name.value.as_str());
                // Tests of their own file, with the SLO's rules alone: (file suffix,
                // evaluation interval, tests).
                let mut own = Vec::new();
                if behaves && let Some((interval, test)) = promtool_tests::calendar_test(m, s) {
                    own.push((".calendar", interval, vec![test]));
                }
                if !s.alerting_disabled {
                    // Page, then ticket (under `compat: sloth` both have Sloth's one name).
                    let found = match (alerts.first(), alerts.get(1)) {
                        (Some(pr), Some(tr)) => promtool_tests::slo_tests(m, s, pr, tr, behaves),
                        _ => None,
                    };
                    match found {
                        Some((basic, behaviour_tests)) => {
                            tests.extend(basic);
                            if !behaviour_tests.is_empty() {
                                own.push(("", promtool_tests::one_minute(m), behaviour_tests));
                            }
                        }
                        None => p.skipped.push(s.name.value.clone()),
                    }
                }
                if !own.is_empty() {
                    p.scoped.extend(scoped(m, s, &p.groups[from..], own));
                }
            }
        }
    }
    promtool_tests::render_groups(&tests, &mut p.tests);
    p
}

/// Test files of an SLO's own (`prometheus/tests/<service>.<slo>[.calendar].test.yml`)
/// and the rules they read, the SLO's groups exactly as the service's rule file has them
/// (`<service>.<slo>.rules.yml`): evaluated alone, hours and days of test time cost a
/// fraction of a second, not the whole file's minutes. Paths under `prometheus/`, texts.
fn scoped(
    m: &Model,
    s: &Slo,
    groups: &str,
    files: Vec<(&str, String, Vec<promtool_tests::TestGroup>)>,
) -> Vec<(String, String)> {
    let stem = format!(
        "{}.{}",
        forge_spec_ir::names::file_stem(&m.service.name.value),
        forge_spec_ir::names::file_stem(&s.name.value)
    );
    let mut rules = super::header(m, "#");
    crate::yaml::key(&mut rules, 0, false, "groups");
    rules.push('\n');
    rules.push_str(groups);
    let rule_file = format!("{stem}.rules.yml");
    let mut out = vec![(format!("tests/{rule_file}"), rules)];
    for (suffix, interval, tests) in files {
        let mut text = promtool_tests::head_with(m, &rule_file, &interval);
        promtool_tests::render_groups(&tests, &mut text);
        out.push((format!("tests/{stem}{suffix}.test.yml"), text));
    }
    out
}

/// The rule file and its `promtool test rules` file, built a chunk of alerts or SLOs
/// at a time on as many threads as allowed, and joined in spec order. Chunks go a few
/// per thread at a time, so that only the text of those is held besides the two files.
fn rules_and_tests(model: &Model) -> (String, String, Vec<(String, String)>) {
    let units: Vec<Unit> = model
        .alerts
        .chunks(CHUNK)
        .map(Unit::Alerts)
        .chain(model.slos.chunks(CHUNK).map(Unit::Slos))
        .collect();
    let behaviour = promtool_tests::behaviour_slos(model);
    // Alert names more than one alert has.
    let shared: std::collections::HashSet<&str> = {
        let mut seen = std::collections::HashSet::new();
        model
            .alerts
            .iter()
            .map(|a| a.alertname.value.as_str())
            .filter(|n| !seen.insert(*n))
            .collect()
    };
    let mut rules = super::header(model, "#");
    crate::yaml::key(&mut rules, 0, false, "groups");
    rules.push('\n');
    let mut tests = promtool_tests::head(model, &rules_file(model));
    let mut skipped = Vec::new();
    let mut scoped = Vec::new();
    let mut alerts_head = false;
    // Records (and alerts) of groups of one's own, by group; the service's records group
    // comes first, so that its series exist for what reads them.
    let mut grouped: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut own_records = String::new();
    for rec in &model.records {
        let Some(rule) = rules::record(rec) else {
            continue;
        };
        match &rec.group {
            Some(g) => rules::render_rule(&rule, grouped.entry(g.value.clone()).or_default()),
            None => rules::render_rule(&rule, &mut own_records),
        }
    }
    if !own_records.is_empty() {
        rules::render_group_head(&rules::records_group_name(model), &mut rules);
        rules.push_str(&own_records);
    }
    let mut left = units.len();
    for batch in units.chunks(4 * forge_spec_base::par::jobs()) {
        let pieces = forge_spec_base::par::map(batch, |u| piece(model, u, &behaviour, &shared));
        // Room for the rest of the files, estimated from this batch whenever it would not
        // fit, exactly: alerts come first and SLOs (larger) after, so the first estimate
        // falls short, and growing by doubling would hold tens of megabytes for nothing.
        let room = |text: &mut String, bytes: usize| {
            if text.capacity() - text.len() < bytes {
                text.reserve_exact(bytes / batch.len() * left * 21 / 20);
            }
        };
        room(
            &mut rules,
            pieces
                .iter()
                .map(|p| p.alert_rules.len() + p.groups.len())
                .sum(),
        );
        room(&mut tests, pieces.iter().map(|p| p.tests.len()).sum());
        left -= batch.len();
        for p in pieces {
            if !p.alert_rules.is_empty() && !alerts_head {
                rules::render_group_head(&rules::alerts_group_name(model), &mut rules);
                alerts_head = true;
            }
            rules.push_str(&p.alert_rules);
            rules.push_str(&p.groups);
            for (g, text) in p.grouped {
                grouped.entry(g).or_default().push_str(&text);
            }
            tests.push_str(&p.tests);
            skipped.extend(p.skipped);
            scoped.extend(p.scoped);
        }
    }
    let absent = rules::absent_alerts(model);
    if !absent.is_empty() {
        rules::render_group_head(&rules::absent_group_name(model), &mut rules);
        let mut groups = Vec::new();
        // Beyond a hundred, the tests of the first absent-data alert of each metric type.
        let mut kinds = std::collections::HashSet::new();
        let all = absent.len() <= promtool_tests::BEHAVIOUR_TESTS_ALL_UP_TO;
        for a in &absent {
            rules::render_rule(&a.rule, &mut rules);
            if all || kinds.insert(a.kind) {
                groups.extend(promtool_tests::absent_tests(model, a));
            }
        }
        promtool_tests::render_groups(&groups, &mut tests);
    }
    for g in &model.groups {
        let Some(text) = grouped.remove(&g.name.value) else {
            continue;
        };
        let interval = g
            .interval
            .as_ref()
            .map(|i| model.scaled(i.value).to_prometheus());
        rules::render_group_head_with(&g.name.value, interval.as_deref(), g.limit, &mut rules);
        rules.push_str(&text);
    }
    tests.push_str(&promtool_tests::tail(&skipped));
    (rules, tests, scoped)
}

/// The whole backend: rule file, rule tests and scrape config.
pub fn emit(model: &Model, out: &mut Output) {
    let name = rules_file(model);
    let (rules, tests, scoped) = rules_and_tests(model);
    for (path, text) in scoped {
        out.add(format!("prometheus/{path}"), text);
    }
    out.add(format!("prometheus/{name}"), rules);
    out.add(
        format!(
            "prometheus/{}",
            name.replace(".rules.yml", ".rules.test.yml")
        ),
        tests,
    );
    if !model.in_org && model.outputs.prometheus {
        out.add_text("prometheus/prometheus.yml", scrape::render(model, &[name]));
    }
}
