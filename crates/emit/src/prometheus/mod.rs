//! Backend: Prometheus. The rule file (explicit alerts; per SLO, Sloth-style recording
//! rules, metadata rules and multi-window multi-burn-rate alerts), its generated
//! `promtool test rules` file, and the scrape config.

mod promtool_tests;
mod rules;
pub mod scrape;
mod suites;
mod witness;

use forge_spec_ir::names::rules_file;

use super::Output;
use forge_spec_ir::{Alert, Model, Slo};

/// Group ordinals of the deployed rule file, in its order: the service's records, its
/// explicit alerts, the SLOs' groups, the absent-data alerts, then the spec's own
/// groups (`USER + i`).
const RECORDS: u32 = 0;
const ALERTS: u32 = 1;
const SLOS: u32 = 2;
const ABSENT: u32 = 3;
const USER: u32 = 4;

/// Where each explicit rule sits in the deployed file and what the recording rules
/// read: what a test suite needs to cut the deployed groups to its items' rules.
struct Layout {
    /// Group heads by ordinal (`None` for the SLOs', whose cuts carry their heads).
    heads: Vec<Option<String>>,
    alert_at: Vec<Option<(u32, u32)>>,
    records: Vec<Option<RecordRule>>,
    /// Record series (normalised) → indexes in `records`.
    by_series: std::collections::HashMap<String, Vec<usize>>,
}

struct RecordRule {
    cut: suites::Cut,
    series: String,
    reads: suites::Reads,
}

fn reads(promql: &str) -> suites::Reads {
    let mut r = std::collections::HashSet::new();
    suites::reads_of(promql, &mut r).then(|| std::sync::Arc::new(r))
}

impl Layout {
    fn new(m: &Model) -> Layout {
        let user = |g: &str| {
            m.groups
                .iter()
                .position(|x| x.name.value == g)
                .map(|i| USER + i as u32)
        };
        let mut next: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        let mut place = |ordinal: Option<u32>| {
            ordinal.map(|o| {
                let n = next.entry(o).or_default();
                *n += 1;
                (o, *n - 1)
            })
        };
        let mut records = Vec::with_capacity(m.records.len());
        let mut by_series: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, r) in m.records.iter().enumerate() {
            let rule = rules::record(r);
            let at = rule.as_ref().and_then(|_| {
                place(match &r.group {
                    Some(g) => user(&g.value),
                    None => Some(RECORDS),
                })
            });
            records.push(rule.zip(at).map(|(rule, key)| {
                let mut text = String::new();
                rules::render_rule(&rule, &mut text);
                RecordRule {
                    cut: suites::Cut {
                        key,
                        text: text.into(),
                        rules: 1,
                    },
                    series: rule.record.clone().unwrap_or_default(),
                    reads: reads(&rule.expr),
                }
            }));
            by_series
                .entry(suites::base(&r.series.value).to_string())
                .or_default()
                .push(i);
        }
        let alert_at = m
            .alerts
            .iter()
            .map(|a| {
                a.when.as_ref()?;
                place(match &a.group {
                    Some(g) => user(&g.value),
                    None => Some(ALERTS),
                })
            })
            .collect();
        let head = |name: &str| {
            let mut h = String::new();
            rules::render_group_head(name, &mut h);
            Some(h)
        };
        let mut heads = vec![
            head(&rules::records_group_name(m)),
            head(&rules::alerts_group_name(m)),
            None,
            head(&rules::absent_group_name(m)),
        ];
        for g in &m.groups {
            let interval = g
                .interval
                .as_ref()
                .map(|i| m.scaled(i.value).to_prometheus());
            let mut h = String::new();
            rules::render_group_head_with(&g.name.value, interval.as_deref(), g.limit, &mut h);
            heads.push(Some(h));
        }
        Layout {
            heads,
            alert_at,
            records,
            by_series,
        }
    }

    /// The recording rules a rule reading `reads` needs, transitively, and all they
    /// read with it (`None` once something cannot be told).
    fn closure(&self, reads: &suites::Reads) -> (Vec<&RecordRule>, suites::Reads) {
        let Some(first) = reads else {
            return (Vec::new(), None);
        };
        let mut all: std::collections::HashSet<String> = (**first).clone();
        let mut todo: Vec<String> = all.iter().cloned().collect();
        let mut taken = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut known = true;
        while let Some(name) = todo.pop() {
            let metric = name.split('\0').next().unwrap_or(&name);
            for &i in self.by_series.get(metric).into_iter().flatten() {
                let Some(r) = &self.records[i] else {
                    continue;
                };
                if !taken.insert(i) {
                    continue;
                }
                out.push(r);
                match &r.reads {
                    Some(more) => {
                        for n in more.iter() {
                            if all.insert(n.clone()) {
                                todo.push(n.clone());
                            }
                        }
                    }
                    None => known = false,
                }
            }
        }
        out.sort_by_key(|r| r.cut.key);
        (out, known.then(|| std::sync::Arc::new(all)))
    }
}

/// A run of explicit alerts, SLOs or absent-data alerts (with the index of the first):
/// the unit of work of the parallel emitter.
enum Unit<'a> {
    Alerts(usize, &'a [Alert]),
    Slos(usize, &'a [Slo]),
    Absent(usize, &'a [rules::Absent]),
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
    /// Rules of the absent-data group.
    absent_rules: String,
    /// Suites of its items' tests (their files are in `scoped`).
    suites: usize,
    /// Test files of an SLO's own and the rules they read (path under `prometheus/`,
    /// text): behaviour and calendar tests evaluate hours and days of history.
    scoped: Vec<(String, String)>,
    /// Alerts and SLOs without a generated test.
    skipped: Vec<String>,
}

/// Items per unit: large enough to amortise the hand-off and to fill suites, small
/// enough to balance.
const CHUNK: usize = 128;

/// The evaluation interval an SLO's page and ticket tests need: its alerts have no
/// `for` (their state at a time is their expression's then, and the ratios are
/// computed from the raw counters at that time), so evaluating at the judgement times
/// alone — the largest interval dividing them — decides exactly what evaluating every
/// minute would. Else a minute (`minute`, in milliseconds, scaled).
fn slo_every(minute: u64, tests: &[promtool_tests::TestGroup], alerts: &[rules::Rule]) -> u64 {
    if alerts
        .iter()
        .any(|r| r.for_.is_some() || r.keep_firing_for.is_some())
    {
        return minute;
    }
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let every = tests
        .iter()
        .flat_map(|t| t.judged_at())
        .filter_map(forge_spec_expr::units::parse_duration)
        .fold(0, |g, d| gcd(g, d.ms));
    if every == 0 || every % minute != 0 {
        minute
    } else {
        every
    }
}

fn piece(
    m: &Model,
    layout: &Layout,
    unit: &Unit,
    behaviour: &std::collections::HashSet<&str>,
    shared: &std::collections::HashSet<&str>,
) -> Piece {
    let mut p = Piece::default();
    let mut items = Vec::new();
    let minute = promtool_tests::one_minute(m);
    let minute_ms = m.scaled(forge_spec_expr::Duration { ms: 60_000 }).ms.max(1);
    match unit {
        Unit::Alerts(first, alerts) => {
            for (i, a) in alerts.iter().enumerate() {
                let Some(rule) = rules::explicit(m, a) else {
                    continue;
                };
                let mut text = String::new();
                rules::render_rule(&rule, &mut text);
                match &a.group {
                    Some(g) => p.grouped.push((g.value.clone(), text.clone())),
                    None => p.alert_rules.push_str(&text),
                }
                let shared_name = shared.contains(a.alertname.value.as_str());
                let Some(tests) = promtool_tests::explicit_tests(m, a, &rule, shared_name) else {
                    p.skipped.push(a.name.value.clone());
                    continue;
                };
                let Some(key) = layout.alert_at[first + i] else {
                    continue;
                };
                let (records, reads) = layout.closure(&reads(&rule.expr));
                let mut cuts = vec![suites::Cut {
                    key,
                    text: text.into(),
                    rules: 1,
                }];
                cuts.extend(records.iter().map(|r| r.cut.clone()));
                items.push(suites::Item {
                    cuts,
                    tests,
                    reads,
                    writes: records.iter().map(|r| r.series.clone()).collect(),
                    names: vec![a.alertname.value.clone()],
                    every: minute.clone(),
                    every_ms: minute_ms,
                });
            }
        }
        Unit::Slos(first, slos) => {
            for (i, s) in slos.iter().enumerate() {
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
                            if !behaviour_tests.is_empty() {
                                own.push(("", minute.clone(), behaviour_tests));
                            }
                            let every_ms = slo_every(minute_ms, &basic, &alerts);
                            let (page, ticket) = forge_spec_ir::slo::slo_alert_names(s);
                            let mut names = vec![page];
                            if !names.contains(&ticket) {
                                names.push(ticket);
                            }
                            // Its alerts and the records they read (not the
                            // metadata and period records, which no alert reads).
                            let (text, rules) = suites::cut_to_alerts(&p.groups[from..]);
                            items.push(suites::Item {
                                cuts: vec![suites::Cut {
                                    key: (SLOS, (first + i) as u32),
                                    rules,
                                    text: text.into(),
                                }],
                                tests: basic,
                                reads: slo_reads(m, s),
                                writes: vec!["slo:*".to_string()],
                                names,
                                every: forge_spec_expr::Duration { ms: every_ms }.to_prometheus(),
                                every_ms,
                            });
                        }
                        None => p.skipped.push(s.name.value.clone()),
                    }
                }
                if !own.is_empty() {
                    p.scoped.extend(scoped(m, s, &p.groups[from..], own));
                }
            }
        }
        Unit::Absent(first, absent) => {
            for (i, a) in absent.iter().enumerate() {
                let mut text = String::new();
                rules::render_rule(&a.rule, &mut text);
                p.absent_rules.push_str(&text);
                let mut r = std::collections::HashSet::new();
                suites::add_read(&a.series, Some(&a.job), &mut r);
                suites::add_read("up", Some(&a.job), &mut r);
                items.push(suites::Item {
                    cuts: vec![suites::Cut {
                        key: (ABSENT, (first + i) as u32),
                        text: text.into(),
                        rules: 1,
                    }],
                    tests: promtool_tests::absent_tests(m, a),
                    reads: Some(std::sync::Arc::new(r)),
                    writes: Vec::new(),
                    names: a.rule.alert.iter().cloned().collect(),
                    every: minute.clone(),
                    every_ms: minute_ms,
                });
            }
        }
    }
    // Suites named after the unit: `<service>-<alerts|slos|absent>-<unit>-<n>`, the same
    // whatever the number of threads.
    let (kind, first) = match unit {
        Unit::Alerts(f, _) => ("alerts", f),
        Unit::Slos(f, _) => ("slos", f),
        Unit::Absent(f, _) => ("absent", f),
    };
    let stem = forge_spec_ir::names::file_stem(&m.service.name.value);
    let mut head = super::header(m, "#");
    crate::yaml::key(&mut head, 0, false, "groups");
    head.push('\n');
    let heads = |o: u32| layout.heads.get(o as usize).cloned().flatten();
    for (k, s) in suites::pack(items, &head, &heads).into_iter().enumerate() {
        let name = format!("{stem}-{kind}-{}-{}", first / CHUNK + 1, k + 1);
        let mut t = promtool_tests::head(m, &format!("{name}.rules.yml"), &s.every, &s.rules);
        t.push_str(&s.tests);
        p.scoped.push((format!("tests/{name}.rules.yml"), s.rules));
        p.scoped.push((format!("tests/{name}.test.yml"), t));
        p.suites += 1;
    }
    p
}

/// What an SLO's indicator reads (`None` when one is raw PromQL): its metrics, an
/// uptime indicator its target's `up` (or `probe_success`) alone.
fn slo_reads(m: &Model, s: &Slo) -> suites::Reads {
    let mut r = std::collections::HashSet::new();
    match &s.sli {
        forge_spec_ir::Sli::Ratio { errors, total, .. } => {
            for sel in [errors, total] {
                suites::add_read(sel.metric()?, None, &mut r);
            }
        }
        forge_spec_ir::Sli::Latency { metric, .. } => {
            suites::add_read(metric.metric()?, None, &mut r);
        }
        forge_spec_ir::Sli::Uptime { target } => suites::add_read(
            forge_spec_expr::up_metric(&m.catalog, &target.value),
            Some(&target.value),
            &mut r,
        ),
        forge_spec_ir::Sli::Timeslice { good, .. } => return reads(&good.promql),
    }
    Some(std::sync::Arc::new(r))
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
        let mut text = promtool_tests::head(m, &rule_file, &interval, groups);
        promtool_tests::render_groups(&tests, &mut text);
        out.push((format!("tests/{stem}{suffix}.test.yml"), text));
    }
    out
}

/// The rule file and its tests — suites (`tests/<service>-<n>.{rules,test}.yml`) and
/// the SLOs' own files — built a chunk of alerts or SLOs at a time on as many threads as
/// allowed, and joined in spec order. Chunks go a few per thread at a time, so that only
/// the text of those is held besides the rule file.
fn rules_and_tests(model: &Model) -> (String, Vec<(String, String)>) {
    let layout = Layout::new(model);
    let absent = rules::absent_alerts(model);
    let units: Vec<Unit> = model
        .alerts
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, c)| Unit::Alerts(i * CHUNK, c))
        .chain(
            model
                .slos
                .chunks(CHUNK)
                .enumerate()
                .map(|(i, c)| Unit::Slos(i * CHUNK, c)),
        )
        .chain(
            absent
                .chunks(CHUNK)
                .enumerate()
                .map(|(i, c)| Unit::Absent(i * CHUNK, c)),
        )
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
    let mut skipped = Vec::new();
    let mut files = Vec::new();
    let mut suites = 0;
    let (mut alerts_head, mut absent_head) = (false, false);
    // Records (and alerts) of groups of one's own, by group; the service's records group
    // comes first, so that its series exist for what reads them.
    let mut grouped: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut own_records = String::new();
    for (rec, rule) in model.records.iter().zip(&layout.records) {
        let Some(rule) = rule else {
            continue;
        };
        match &rec.group {
            Some(g) => grouped
                .entry(g.value.clone())
                .or_default()
                .push_str(&rule.cut.text),
            None => own_records.push_str(&rule.cut.text),
        }
    }
    if !own_records.is_empty() {
        rules::render_group_head(&rules::records_group_name(model), &mut rules);
        rules.push_str(&own_records);
    }
    let mut left = units.len();
    for batch in units.chunks(4 * forge_spec_base::par::jobs()) {
        let pieces =
            forge_spec_base::par::map(batch, |u| piece(model, &layout, u, &behaviour, &shared));
        // Room for the rest of the file, estimated from this batch whenever it would not
        // fit, exactly: alerts come first and SLOs (larger) after, so the first estimate
        // falls short, and growing by doubling would hold tens of megabytes for nothing.
        let bytes: usize = pieces
            .iter()
            .map(|p| p.alert_rules.len() + p.groups.len() + p.absent_rules.len())
            .sum();
        if rules.capacity() - rules.len() < bytes {
            rules.reserve_exact(bytes / batch.len() * left * 21 / 20);
        }
        left -= batch.len();
        for p in pieces {
            if !p.alert_rules.is_empty() && !alerts_head {
                rules::render_group_head(&rules::alerts_group_name(model), &mut rules);
                alerts_head = true;
            }
            if !p.absent_rules.is_empty() && !absent_head {
                rules::render_group_head(&rules::absent_group_name(model), &mut rules);
                absent_head = true;
            }
            rules.push_str(&p.alert_rules);
            rules.push_str(&p.groups);
            rules.push_str(&p.absent_rules);
            for (g, text) in p.grouped {
                grouped.entry(g).or_default().push_str(&text);
            }
            suites += p.suites;
            skipped.extend(p.skipped);
            files.extend(p.scoped);
        }
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
    files.push((
        format!(
            "tests/{}.md",
            forge_spec_ir::names::file_stem(&model.service.name.value)
        ),
        promtool_tests::index(model, suites, &skipped),
    ));
    (rules, files)
}

/// The whole backend: rule file, rule tests and scrape config.
pub fn emit(model: &Model, out: &mut Output) {
    let name = rules_file(model);
    let (rules, tests) = rules_and_tests(model);
    for (path, text) in tests {
        out.add(format!("prometheus/{path}"), text);
    }
    out.add(format!("prometheus/{name}"), rules);
    if !model.in_org && model.outputs.prometheus {
        out.add_text("prometheus/prometheus.yml", scrape::render(model, &[name]));
    }
}
