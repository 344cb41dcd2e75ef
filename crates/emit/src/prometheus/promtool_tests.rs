//! Backend: the generated `promtool test rules` file. For every explicit alert, input
//! series that make its condition true for longer than its `for` (it must fire with
//! exactly its labels and rendered annotations) and series that keep it false; for
//! every SLO, an error rate far above budget (the page alert fires) and one slightly
//! above it (the ticket alert fires, the page alert does not).

use super::rules::Rule;
use super::witness::{self, STEPS, Witness, series_text};
use crate::yaml::{entry, item, key, map_entry};
use forge_spec_expr::units::fmt_num;
use forge_spec_expr::units::round12;
use forge_spec_ir::slo::Urgency;
use forge_spec_ir::slo::slo_alert_names;
use forge_spec_ir::{Model, Sli, Slo};
use std::collections::BTreeMap;

pub struct TestGroup {
    name: String,
    interval: String,
    input_series: Vec<Series>,
    alert_rule_test: Vec<AlertTest>,
    promql_expr_test: Vec<ExprTest>,
}

/// An expression's expected samples at a time (`promql_expr_test`).
pub struct ExprTest {
    expr: String,
    eval_time: String,
    /// Each sample's series (`name{label="value"}`) and value.
    exp_samples: Vec<(String, f64)>,
}

pub struct Series {
    series: String,
    values: String,
}

pub struct AlertTest {
    eval_time: String,
    alertname: String,
    exp_alerts: Vec<ExpAlert>,
}

#[derive(Clone)]
pub struct ExpAlert {
    exp_labels: BTreeMap<String, String>,
    exp_annotations: BTreeMap<String, String>,
}

/// The file's first lines, up to `tests:` (the test groups follow, [`render_groups`]).
pub fn head(m: &Model, rules_file: &str) -> String {
    head_with(m, rules_file, &minutes(m, 1))
}

/// [`head`] with an evaluation interval of its own.
pub fn head_with(m: &Model, rules_file: &str, evaluation_interval: &str) -> String {
    let mut o = crate::header(m, "#");
    key(&mut o, 0, false, "rule_files");
    o.push('\n');
    item(&mut o, 0, rules_file);
    entry(&mut o, 0, false, "evaluation_interval", evaluation_interval);
    key(&mut o, 0, false, "tests");
    o.push('\n');
    o
}

/// The file's last line: the alerts and SLOs without a generated test.
pub fn tail(skipped: &[String]) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    format!(
        "# No generated test for: {} (condition shape or annotation template the generator cannot drive).\n",
        skipped.join(", ")
    )
}

/// Appends test groups as items of the `tests:` list, written directly (the file grows
/// with every alert and SLO).
pub fn render_groups(tests: &[TestGroup], o: &mut String) {
    for t in tests {
        entry(o, 0, true, "name", &t.name);
        entry(o, 2, false, "interval", &t.interval);
        key(o, 2, false, "input_series");
        o.push('\n');
        for s in &t.input_series {
            entry(o, 2, true, "series", &s.series);
            entry(o, 4, false, "values", &s.values);
        }
        for e in &t.promql_expr_test {
            if std::ptr::eq(e, &t.promql_expr_test[0]) {
                key(o, 2, false, "promql_expr_test");
                o.push('\n');
            }
            entry(o, 2, true, "expr", &e.expr);
            entry(o, 4, false, "eval_time", &e.eval_time);
            key(o, 4, false, "exp_samples");
            o.push('\n');
            for (labels, value) in &e.exp_samples {
                entry(o, 4, true, "labels", labels);
                key(o, 6, false, "value");
                o.push(' ');
                o.push_str(&fmt_num(*value));
                o.push('\n');
            }
        }
        if t.alert_rule_test.is_empty() {
            continue;
        }
        key(o, 2, false, "alert_rule_test");
        o.push('\n');
        for a in &t.alert_rule_test {
            entry(o, 2, true, "eval_time", &a.eval_time);
            entry(o, 4, false, "alertname", &a.alertname);
            key(o, 4, false, "exp_alerts");
            if a.exp_alerts.is_empty() {
                o.push_str(" []\n");
                continue;
            }
            o.push('\n');
            for e in &a.exp_alerts {
                map_entry(o, 4, true, "exp_labels", &e.exp_labels);
                map_entry(o, 6, false, "exp_annotations", &e.exp_annotations);
            }
        }
    }
}

/// A test file's evaluation interval of a minute (divided by the time scale).
pub fn one_minute(m: &Model) -> String {
    minutes(m, 1)
}

/// `n` test steps (a minute each, divided by the time scale).
fn minutes(m: &Model, n: u64) -> String {
    m.scaled(forge_spec_expr::Duration { ms: n * 60_000 })
        .to_prometheus()
}

fn expected(rule: &Rule, w: &Witness) -> Option<ExpAlert> {
    let mut labels = w.labels.clone();
    labels.remove("__name__");
    for (k, v) in &rule.labels {
        labels.insert(k.clone(), v.clone());
    }
    let mut annotations = BTreeMap::new();
    for (k, v) in &rule.annotations {
        annotations.insert(k.clone(), render(v, w, &labels)?);
    }
    Some(ExpAlert {
        exp_labels: labels,
        exp_annotations: annotations,
    })
}

/// Longest `for` plus range (in minutes) that an explicit alert's tests are generated
/// for: the series hold one sample a minute.
const MAX_TEST_MINUTES: u64 = 2 * 24 * 60;

/// The witness with every series lasting `steps` minutes instead of [`STEPS`].
fn extend(mut w: Witness, steps: u64) -> Witness {
    if steps == STEPS {
        return w;
    }
    let from = format!("x{STEPS}");
    for (_, values) in &mut w.series {
        if let Some(head) = values.strip_suffix(&from) {
            *values = format!("{head}x{steps}");
        }
    }
    w
}

/// An explicit alert's two tests: it fires, it stays silent (`None`: shape not driven,
/// or its `alertname` is another alert's too — promtool would expect both at once).
pub fn explicit_tests(
    m: &Model,
    a: &forge_spec_ir::Alert,
    rule: &Rule,
    shared_name: bool,
) -> Option<Vec<TestGroup>> {
    if shared_name {
        return None;
    }
    let cond = a.when.as_ref()?.condition.as_ref()?;
    let fire = witness::condition(m, &cond.expr, true)?;
    let quiet = witness::condition(m, &cond.expr, false)?;
    let for_min = a.for_.as_ref().map_or(0, |f| f.value.ms.div_ceil(60_000));
    // The longest window the condition reads is full before it is judged (a raw
    // `rate(x[30m])` is evaluated past 30 minutes, not at the default range's).
    let range_min = cond
        .expr
        .lookback(m.default_range.ms)
        .max(m.default_range.ms)
        .div_ceil(60_000);
    // The series last past the evaluation, however long the `for` (a `for 3h` alert is
    // evaluated at 3h10m, not cut at the witnesses' two hours). Beyond two days a
    // minute-by-minute test is too large to be worth generating.
    let eval_min = for_min + range_min + 5;
    if eval_min > MAX_TEST_MINUTES {
        return None;
    }
    let steps = STEPS.max(eval_min + 5);
    let lengthen = |w: Witness| extend(w, steps);
    let (fire, quiet) = (lengthen(fire), lengthen(quiet));
    let eval = minutes(m, eval_min);
    let exp = expected(rule, &fire)?;
    let name = &a.alertname.value;
    let group = |title: String, w: &Witness, exp_alerts: Vec<ExpAlert>| TestGroup {
        name: title,
        interval: minutes(m, 1),
        input_series: w
            .series
            .iter()
            .map(|(s, v)| Series {
                series: s.clone(),
                values: v.clone(),
            })
            .collect(),
        alert_rule_test: vec![AlertTest {
            eval_time: eval.clone(),
            alertname: name.clone(),
            exp_alerts,
        }],
        promql_expr_test: Vec::new(),
    };
    let mut groups = vec![
        group(
            format!("{name} fires when its condition holds for longer than its `for`"),
            &fire,
            vec![exp],
        ),
        group(
            format!("{name} stays silent when its condition does not hold"),
            &quiet,
            Vec::new(),
        ),
    ];
    // keep_firing_for: the condition stops holding after `eval_min`; the alert keeps
    // firing for keep_firing_for, then resolves.
    if let Some(keep) = &a.keep_firing_for
        && let Some(held) = held_then_quiet(&cond.expr, &fire, &quiet, eval_min, steps)
        && let Some(exp) = expected(rule, &fire)
    {
        let keep_min = keep.value.ms.div_ceil(60_000).max(1);
        if eval_min + keep_min + 2 < steps {
            let mut g = group(
                format!(
                    "{name} keeps firing for its keep_firing_for after its condition stops, then resolves"
                ),
                &held,
                vec![exp],
            );
            let at = |n: u64| AlertTest {
                eval_time: minutes(m, n),
                alertname: name.clone(),
                exp_alerts: Vec::new(),
            };
            let mut still = at(eval_min + keep_min);
            still.exp_alerts = g.alert_rule_test[0].exp_alerts.drain(..).collect();
            g.alert_rule_test = vec![still, at(eval_min + keep_min + 2)];
            groups.push(g);
        }
    }
    // A condition narrowed to one of the targets exporting its metric: the same
    // series from another of them (node_exporter's own process memory) does not fire.
    if let Some((other, elsewhere)) = other_target(m, &fire) {
        groups.push(group(
            format!("{name} stays silent when the same metric of another target ({other}) crosses the threshold"),
            &elsewhere,
            Vec::new(),
        ));
    }
    Some(groups)
}

/// For a threshold on a plain series (`selector OP number`, no range) whose witnesses
/// are constant: series holding the firing value up to minute `stop`, the quiet value
/// after.
fn held_then_quiet(
    e: &forge_spec_expr::Expr,
    fire: &Witness,
    quiet: &Witness,
    stop: u64,
    steps: u64,
) -> Option<Witness> {
    use forge_spec_expr::ast::ExprKind;
    let ExprKind::Binary(_, lhs, _, _) = &e.kind else {
        return None;
    };
    if !matches!(&lhs.kind, ExprKind::Selector(s) if s.range.is_none() && s.shift.is_none())
        && !matches!(&lhs.kind, ExprKind::Up { .. })
    {
        return None;
    }
    fn constant(v: &str, steps: u64) -> Option<&str> {
        let (value, n) = v.split_once('x')?;
        (n.parse::<u64>().ok()? == steps && !value.contains(['+', '-', ' '])).then_some(value)
    }
    let mut series = Vec::new();
    for ((name, fv), (qname, qv)) in fire.series.iter().zip(&quiet.series) {
        if name != qname {
            return None;
        }
        let (f, q) = (constant(fv, steps)?, constant(qv, steps)?);
        series.push((name.clone(), format!("{f}x{stop} {q}x{}", steps - stop - 1)));
    }
    (series.len() == fire.series.len()).then(|| Witness {
        series,
        ..fire.clone()
    })
}

/// The firing witness moved to another target exporting its metric: every series of
/// the witness's job relabelled with the other target's job and instance. None when
/// the witness's job is the only exporter of what it reads.
fn other_target(m: &Model, fire: &Witness) -> Option<(String, Witness)> {
    let job = fire.labels.get("job")?;
    let own = m.targets.iter().find(|t| &t.name.value == job)?;
    let metric = fire.series.first()?.0.split('{').next()?;
    let base = ["_bucket", "_count", "_sum"]
        .iter()
        .find_map(|s| metric.strip_suffix(s).filter(|b| m.metric(b).is_some()))
        .unwrap_or(metric);
    let exporters = &m.metric(base)?.exporters;
    let other = exporters.iter().find(|e| *e != job)?;
    let t = m.targets.iter().find(|t| &t.name.value == other)?;
    let from = [
        format!("job={}", forge_spec_expr::ast::quote(job)),
        format!(
            "instance={}",
            forge_spec_expr::ast::quote(&own.address.value)
        ),
    ];
    let to = [
        format!("job={}", forge_spec_expr::ast::quote(other)),
        format!("instance={}", forge_spec_expr::ast::quote(&t.address.value)),
    ];
    let series = fire
        .series
        .iter()
        .map(|(s, v)| {
            let s = s.replace(&from[0], &to[0]).replace(&from[1], &to[1]);
            (s, v.clone())
        })
        .collect();
    Some((
        other.clone(),
        Witness {
            series,
            ..fire.clone()
        },
    ))
}

/// Input series for an SLO's indicator at error ratio `r`, over `steps` minutes.
/// Uptime indicators put their downtime at minutes 20.. so that short windows at the
/// evaluation time see none of it.
fn sli_series(
    m: &Model,
    s: &Slo,
    r: f64,
    steps: u64,
    burst: bool,
) -> Option<Vec<(String, String)>> {
    if matches!(s.sli, Sli::Timeslice { .. }) {
        // A condition's series: not driven here (tests/it/slo.rs drives one).
        return None;
    }
    match &s.sli {
        Sli::Ratio {
            errors,
            total,
            good,
        } => {
            let (e, t) = (errors.selector.as_ref()?, total.selector.as_ref()?);
            let ratio = if *good { 1.0 - r } else { r };
            witness::ratio_series(m, e, t, ratio, steps).map(|(series, _)| series)
        }
        Sli::Latency { metric, below, .. } => {
            let sel = metric.selector.as_ref()?;
            let info = m.catalog.metrics.get(&sel.metric)?;
            if !info.buckets.iter().any(|b| b == below) {
                return None;
            }
            let mut labels: BTreeMap<String, String> = BTreeMap::new();
            for mt in &sel.matchers {
                if mt.op != forge_spec_expr::ast::MatchOp::Eq {
                    return None;
                }
                labels.insert(mt.label.clone(), mt.value.clone());
            }
            let n = 100.0;
            let counter = |name: &str, l: &BTreeMap<String, String>, per_min: f64| {
                (
                    series_text(name, l),
                    format!("1000+{}x{steps}", fmt_num(per_min)),
                )
            };
            let mut out = Vec::with_capacity(info.buckets.len() + 3);
            let bucket = format!("{}_bucket", sel.metric);
            let mut l = labels.clone();
            for b in &info.buckets {
                l.insert("le".into(), fmt_num(*b));
                out.push(counter(
                    &bucket,
                    &l,
                    if b >= below { (1.0 - r) * n } else { 0.0 },
                ));
            }
            l.insert("le".into(), "+Inf".into());
            out.push(counter(&bucket, &l, n));
            out.push(counter(&format!("{}_count", sel.metric), &labels, n));
            out.push(counter(&format!("{}_sum", sel.metric), &labels, n * below));
            Some(out)
        }
        Sli::Timeslice { .. } => None,
        Sli::Uptime { target } => {
            let t = m.targets.iter().find(|t| t.name.value == target.value)?;
            let mut l = BTreeMap::new();
            l.insert("job".to_string(), target.value.clone());
            l.insert("instance".to_string(), t.address.value.clone());
            let values = if burst {
                let k = ((r * (steps as f64 - 20.0)).ceil() as u64).max(1);
                format!("1x19 0x{} 1x{}", k - 1, steps.saturating_sub(20 + k))
            } else if r >= 1.0 {
                format!("0x{steps}")
            } else {
                return None;
            };
            let up = forge_spec_expr::up_metric(&m.catalog, &target.value);
            Some(vec![(series_text(up, &l), values)])
        }
    }
}

/// An SLO's tests: far above budget it pages; slightly above, a ticket and no page —
/// then, for an SLO that gets them, the behaviour tests (windows, guard, idle hour,
/// groups), which run for hours of test time and so go to a test file with the SLO's
/// rules alone.
pub fn slo_tests(
    m: &Model,
    s: &Slo,
    page_rule: &Rule,
    ticket_rule: &Rule,
    behaviour: bool,
) -> Option<(Vec<TestGroup>, Vec<TestGroup>)> {
    let (page, ticket) = slo_alert_names(s);
    let budget = round12(1.0 - s.objective);
    let windows = s.windows.clone();
    let top = |u| {
        windows
            .iter()
            .filter(|w| w.urgency == u)
            .map(|w| w.factor)
            .fold(0.0, f64::max)
    };
    // The alert's labels: the rule's and those of the series it is computed from.
    let series_labels = super::rules::rule_labels(&m.service.name.value, s, None);
    // Annotations as promtool renders them: `{{$labels.x}}` (Sloth's summary and title)
    // filled in; an SLO whose annotations template anything else gets no test.
    let rendered = |rule: &Rule| -> Option<ExpAlert> {
        let mut exp_labels = series_labels.clone();
        exp_labels.extend(rule.labels.clone());
        let mut exp_annotations = BTreeMap::new();
        for (k, v) in &rule.annotations {
            exp_annotations.insert(k.clone(), render_labels(v, &exp_labels)?);
        }
        Some(ExpAlert {
            exp_labels,
            exp_annotations,
        })
    };
    let (page_exp, ticket_exp) = (rendered(page_rule)?, rendered(ticket_rule)?);
    let mut out = Vec::new();
    // Far above budget: every page window burns faster than its factor.
    let page_ratio = if matches!(s.sli, Sli::Uptime { .. }) {
        1.0
    } else {
        (top(Urgency::Page) * budget * 1.25).min(1.0)
    };
    if page_ratio > top(Urgency::Page) * budget {
        let steps = 90;
        out.push(TestGroup {
            name: format!("SLO {}: an error rate far above budget pages", s.name.value),
            interval: minutes(m, 1),
            input_series: sli_series(m, s, page_ratio, steps, false)?
                .into_iter()
                .map(|(a, b)| Series {
                    series: a,
                    values: b,
                })
                .collect(),
            alert_rule_test: vec![AlertTest {
                eval_time: minutes(m, settled(s).min(70)),
                alertname: page.clone(),
                exp_alerts: if page == ticket {
                    // One name (Sloth's): the ticket's pairs burn too at this ratio.
                    let mut both = vec![page_exp.clone()];
                    if windows
                        .iter()
                        .any(|w| w.urgency == Urgency::Ticket && w.factor * budget < page_ratio)
                    {
                        both.push(ticket_exp.clone());
                    }
                    both
                } else {
                    vec![page_exp.clone()]
                },
            }],
            promql_expr_test: Vec::new(),
        });
    }
    // Slightly above budget: the slow-burn ticket fires (its slowest pair alone can), the
    // page does not.
    let min_page = windows
        .iter()
        .filter(|w| w.urgency == Urgency::Page)
        .map(|w| w.factor)
        .fold(f64::INFINITY, f64::min);
    let slowest = windows
        .iter()
        .filter(|w| w.urgency == Urgency::Ticket)
        .min_by(|a, b| a.factor.total_cmp(&b.factor));
    let ticket_ratio = slowest.map_or(f64::INFINITY, |w| {
        (2.0 * w.factor).min((w.factor + min_page) / 2.0) * budget
    });
    // An event indicator's series burn at one ratio from the start, so every window
    // reads it once it holds two samples: a quarter of an hour shows the ticket firing
    // and the page not (waiting out the slowest short window, 6h10m by default, showed
    // nothing more and cost 400 evaluations of the rule file). Uptime's downtime is a
    // burst from minute 20, which the slowest short window must have taken in.
    let eval_min = match slowest {
        Some(w) if s.counts_events() => settled(s).min(w.short.ms.div_ceil(60_000) + 10),
        Some(w) => w.short.ms.div_ceil(60_000) + 10,
        None => 0,
    };
    if ticket_ratio < 1.0 && ticket_ratio < min_page * budget && eval_min <= MAX_TEST_MINUTES {
        let steps = eval_min + 30;
        let eval = minutes(m, eval_min);
        out.push(TestGroup {
            name: format!(
                "SLO {}: an error rate slightly above budget opens a ticket, and does not page",
                s.name.value
            ),
            interval: minutes(m, 1),
            input_series: sli_series(m, s, ticket_ratio, steps, true)?
                .into_iter()
                .map(|(a, b)| Series {
                    series: a,
                    values: b,
                })
                .collect(),
            alert_rule_test: if page == ticket {
                // One name: the ticket alone fires under it.
                vec![AlertTest {
                    eval_time: eval,
                    alertname: ticket.clone(),
                    exp_alerts: vec![ticket_exp.clone()],
                }]
            } else {
                vec![
                    AlertTest {
                        eval_time: eval.clone(),
                        alertname: ticket.clone(),
                        exp_alerts: vec![ticket_exp.clone()],
                    },
                    AlertTest {
                        eval_time: eval,
                        alertname: page.clone(),
                        exp_alerts: Vec::new(),
                    },
                ]
            },
            promql_expr_test: Vec::new(),
        });
    }
    let mut own = Vec::new();
    if behaviour {
        own.extend(window_test(m, s));
        own.extend(guard_test(m, s, &page));
        own.extend(idle_test(m, s, budget));
        own.extend(grouped_test(m, s, page_rule, page_ratio, &page));
    }
    Some((out, own))
}

/// When an SLO's constant-ratio test series have been read by every burn window: once
/// they hold two samples, as the ratio is the same over any span — a quarter of an
/// hour, or longer when the low-traffic guard asks for more events (the series carry
/// 100 a minute) than that holds.
fn settled(s: &Slo) -> u64 {
    15.max(s.min_events.div_ceil(100) + 5)
}

/// Windows up to this long get a spike test: six hours of minutes is already 370
/// evaluations of the rule file; the longer ones share their construction.
const SPIKE_WINDOW_MINUTES: u64 = 6 * 60;

/// One series in promtool's `start+stepxN` notation (a counter growing evenly).
fn even(values: &str) -> Option<(f64, f64)> {
    let (start, rest) = values.split_once('+')?;
    let (step, _) = rest.split_once('x')?;
    Some((start.parse().ok()?, step.parse().ok()?))
}

/// The SLO's series with one minute of errors at minute `at` (every event of that
/// minute an error) and none before or after: for event indicators, each counter grows
/// as without errors except in that minute; for uptime, its target is down for one
/// scrape. None for indicators not driven here.
fn spike_series(m: &Model, s: &Slo, at: u64, steps: u64) -> Option<Vec<Series>> {
    if let Sli::Uptime { target } = &s.sli {
        let t = m.targets.iter().find(|t| t.name.value == target.value)?;
        let mut l = BTreeMap::new();
        l.insert("job".to_string(), target.value.clone());
        l.insert("instance".to_string(), t.address.value.clone());
        return Some(vec![Series {
            series: series_text(forge_spec_expr::up_metric(&m.catalog, &target.value), &l),
            values: format!("1x{} 0 1x{}", at - 1, steps - at - 1),
        }]);
    }
    let quiet = sli_series(m, s, 0.0, steps, false)?;
    let errors = sli_series(m, s, 1.0, steps, false)?;
    let mut out = Vec::with_capacity(quiet.len());
    for ((name, q), (other, e)) in quiet.iter().zip(&errors) {
        if name != other {
            return None;
        }
        let ((start, step), (_, spike)) = (even(q)?, even(e)?);
        let after = start + (at - 1) as f64 * step + spike;
        out.push(Series {
            series: name.clone(),
            values: format!(
                "{}+{}x{} {}+{}x{}",
                fmt_num(start),
                fmt_num(step),
                at - 1,
                fmt_num(after),
                fmt_num(step),
                steps - at
            ),
        });
    }
    (out.len() == quiet.len()).then_some(out)
}

/// Each burn window sees a one-minute error spike exactly while the spike is inside it:
/// its ratio is above zero shortly before the spike leaves the window and zero just
/// after (a window computed from 5-minute rates would still see it five minutes on).
fn window_test(m: &Model, s: &Slo) -> Option<TestGroup> {
    let sel = forge_spec_ir::names::slo_selector(m, s);
    let windows: Vec<forge_spec_expr::Duration> =
        forge_spec_ir::slo::recorded_windows_for(s.period, &s.windows)
            .into_iter()
            .filter(|w| *w != s.period && w.ms % 60_000 == 0)
            .filter(|w| w.ms / 60_000 <= SPIKE_WINDOW_MINUTES)
            .collect();
    let longest = windows.iter().map(|w| w.ms / 60_000).max()?;
    let at = 20;
    let steps = at + longest + 10;
    let input_series = spike_series(m, s, at, steps)?;
    let mut promql_expr_test = Vec::new();
    for w in &windows {
        let record = format!(
            "slo:sli_error:ratio_rate{}{sel}",
            forge_spec_ir::names::window_name(s, *w)
        );
        let w_min = w.ms / 60_000;
        let inside = if w_min >= 3 { at + w_min - 2 } else { at };
        promql_expr_test.push(ExprTest {
            expr: format!("count({record} > 0)"),
            eval_time: minutes(m, inside),
            exp_samples: vec![("{}".to_string(), 1.0)],
        });
        promql_expr_test.push(ExprTest {
            expr: format!("count({record} > 0) or vector(0)"),
            eval_time: minutes(m, at + w_min + 1),
            exp_samples: vec![("{}".to_string(), 0.0)],
        });
    }
    Some(TestGroup {
        name: format!(
            "SLO {}: each window sees a one-minute error spike exactly while it is inside it",
            s.name.value
        ),
        interval: minutes(m, 1),
        input_series,
        alert_rule_test: Vec::new(),
        promql_expr_test,
    })
}

/// An absent-data alert's tests: its target scraped without the metric, it fires after
/// its `for`; with the metric there, it stays silent.
pub fn absent_tests(m: &Model, a: &super::rules::Absent) -> Vec<TestGroup> {
    let for_min = (5 * m.scrape_interval.ms)
        .max(m.default_range.ms)
        .div_ceil(60_000);
    let steps = for_min + 10;
    let mut target = BTreeMap::new();
    target.insert("job".to_string(), a.job.clone());
    target.insert("instance".to_string(), a.address.clone());
    let up = Series {
        series: series_text("up", &target),
        values: format!("1x{steps}"),
    };
    let alertname = a.rule.alert.clone().unwrap_or_default();
    let test = |title: String, input_series: Vec<Series>, exp_alerts: Vec<ExpAlert>| TestGroup {
        name: title,
        interval: minutes(m, 1),
        input_series,
        alert_rule_test: vec![AlertTest {
            eval_time: minutes(m, for_min + 3),
            alertname: alertname.clone(),
            exp_alerts,
        }],
        promql_expr_test: Vec::new(),
    };
    vec![
        test(
            format!(
                "{alertname} fires when {} is scraped without {}",
                a.job, a.series
            ),
            vec![up],
            vec![ExpAlert {
                exp_labels: a.rule.labels.clone(),
                exp_annotations: a.rule.annotations.clone(),
            }],
        ),
        test(
            format!(
                "{alertname} stays silent while {} exports {}",
                a.job, a.series
            ),
            vec![
                Series {
                    series: series_text("up", &target),
                    values: format!("1x{steps}"),
                },
                Series {
                    series: series_text(&a.series, &target),
                    values: format!("1+1x{steps}"),
                },
            ],
            Vec::new(),
        ),
    ]
}

/// A series' text with more labels (`name{a="b"}` → `name{g="v", a="b"}`).
fn with_labels(series: &str, extra: &BTreeMap<String, String>) -> String {
    let added: Vec<String> = extra
        .iter()
        .map(|(k, v)| format!("{k}={}", forge_spec_expr::ast::quote(v)))
        .collect();
    let added = added.join(", ");
    match series.split_once('{') {
        Some((name, rest)) if rest.starts_with('}') => format!("{name}{{{added}{rest}"),
        Some((name, rest)) => format!("{name}{{{added}, {rest}"),
        None => format!("{series}{{{added}}}"),
    }
}

/// A grouped SLO pages for the one group that burns, with its label; the other group,
/// healthy, does not page.
fn grouped_test(
    m: &Model,
    s: &Slo,
    page_rule: &Rule,
    page_ratio: f64,
    page: &str,
) -> Option<TestGroup> {
    // (Under Sloth's one alert name the ticket fires beside the page: Sloth has no
    // grouping to reproduce, and this test is not written for that mix.)
    if s.group_by.is_empty() || s.alerting_disabled || !s.counts_events() || s.sloth {
        return None;
    }
    // Two values of each group label: its closed set's first two, else `a` and `b`.
    let metric = match &s.sli {
        Sli::Ratio { total, .. } => total.metric(),
        Sli::Latency { metric, .. } => metric.metric(),
        Sli::Uptime { .. } | Sli::Timeslice { .. } => None,
    }?;
    let info = m.catalog.metrics.get(metric)?;
    let (mut burning, mut healthy) = (BTreeMap::new(), BTreeMap::new());
    for g in &s.group_by {
        let values = info
            .labels
            .get(&g.value)
            .cloned()
            .flatten()
            .unwrap_or_default();
        let pick = |i: usize, dflt: &str| values.get(i).cloned().unwrap_or_else(|| dflt.into());
        burning.insert(g.value.clone(), pick(0, "a"));
        healthy.insert(g.value.clone(), pick(1, "b"));
    }
    let steps = 90;
    let mut series = Vec::new();
    for (ratio, labels) in [(page_ratio, &burning), (0.0, &healthy)] {
        for (name, values) in sli_series(m, s, ratio, steps, false)? {
            series.push(Series {
                series: with_labels(&name, labels),
                values,
            });
        }
    }
    let mut exp_labels = super::rules::rule_labels(&m.service.name.value, s, None);
    exp_labels.extend(page_rule.labels.clone());
    exp_labels.extend(burning.clone());
    let shown: Vec<String> = burning.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Some(TestGroup {
        name: format!(
            "SLO {}: grouped by {}, it pages for the group that burns ({}) only",
            s.name.value,
            s.group_by
                .iter()
                .map(|g| g.value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            shown.join(", ")
        ),
        interval: minutes(m, 1),
        input_series: series,
        alert_rule_test: vec![AlertTest {
            eval_time: minutes(m, 70),
            alertname: page.to_string(),
            exp_alerts: vec![ExpAlert {
                exp_labels,
                exp_annotations: page_rule.annotations.clone(),
            }],
        }],
        promql_expr_test: Vec::new(),
    })
}

/// Specs with more SLOs (or absent-data alerts) than this get the behaviour tests —
/// the guard, the idle hour, the grouped page, the absent metric — for the first of
/// each shape only: they prove how rules of that shape behave, and ten thousand copies
/// would add tens of megabytes to prove nothing more.
pub const BEHAVIOUR_TESTS_ALL_UP_TO: usize = 100;

/// The SLOs that get the behaviour tests: all of them, or beyond
/// [`BEHAVIOUR_TESTS_ALL_UP_TO`] the first of each shape (indicator kind, objective,
/// period, guard, policy, grouping, compatibility).
pub fn behaviour_slos(m: &Model) -> std::collections::HashSet<&str> {
    let all = m.slos.len() <= BEHAVIOUR_TESTS_ALL_UP_TO;
    let mut shapes = std::collections::HashSet::new();
    m.slos
        .iter()
        .filter(|s| {
            let kind = match &s.sli {
                Sli::Ratio { good, .. } => {
                    if *good {
                        "good"
                    } else {
                        "errors"
                    }
                }
                Sli::Latency { .. } => "latency",
                Sli::Uptime { .. } => "uptime",
                Sli::Timeslice { .. } => "timeslice",
            };
            let windows: Vec<String> = s
                .windows
                .iter()
                .map(|w| format!("{}/{}/{}", w.long.ms, w.short.ms, w.factor))
                .collect();
            let shape = format!(
                "{kind} {} {} {:?} {} {windows:?} {} {}",
                s.objective,
                s.period.ms,
                s.calendar,
                s.min_events,
                s.group_by.len(),
                s.sloth
            );
            all || shapes.insert(shape)
        })
        .map(|s| s.name.value.as_str())
        .collect()
}

/// Counter values `1000+Px{steps}` (P a minute) as one event at minute 10 when P > 0,
/// else flat: a single event of the indicator.
fn one_event(values: &str) -> Option<String> {
    let (_, rest) = values.split_once('+')?;
    let (per_min, _) = rest.split_once('x')?;
    let per_min: f64 = per_min.parse().ok()?;
    Some(if per_min > 0.0 {
        "0x9 1x50".to_string()
    } else {
        "0x60".to_string()
    })
}

/// The low-traffic guard: one event, an error (a job started and failed), does not page,
/// although both page windows see a 100% error ratio.
fn guard_test(m: &Model, s: &Slo, page: &str) -> Option<TestGroup> {
    if s.min_events < 2 || !s.counts_events() || s.alerting_disabled {
        return None;
    }
    let series = sli_series(m, s, 1.0, 60, false)?
        .into_iter()
        .map(|(name, values)| {
            Some(Series {
                series: name,
                values: one_event(&values)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(TestGroup {
        name: format!(
            "SLO {}: one event, an error, does not page (fewer than {} events)",
            s.name.value, s.min_events
        ),
        interval: minutes(m, 1),
        input_series: series,
        alert_rule_test: vec![AlertTest {
            eval_time: minutes(m, 15),
            alertname: page.to_string(),
            exp_alerts: Vec::new(),
        }],
        promql_expr_test: Vec::new(),
    })
}

/// Budgets that survive idle time: an hour at half the budget's error ratio, then an
/// idle hour (no event at all); the period's budget is still a number — half left,
/// as errors over events counted by hand say — where an average of 5-minute ratios
/// would be NaN.
fn idle_test(m: &Model, s: &Slo, budget: f64) -> Option<TestGroup> {
    if !s.counts_events() {
        return None;
    }
    // A calendar period that begins within the two hours starts the budget over (the
    // reset test's subject, not this one's).
    if let Some(c) = s.calendar {
        let end = (m.scaled(forge_spec_expr::Duration { ms: 120 * 60_000 }).ms / 1000) as i64;
        if c.starts_near_epoch().iter().any(|b| (1..=end).contains(b)) {
            return None;
        }
    }
    let r = budget / 2.0;
    let series = sli_series(m, s, r, 60, false)?
        .into_iter()
        .map(|(name, values)| {
            // `1000+Px60`, then flat for an hour.
            let (start, rest) = values.split_once('+')?;
            let (per_min, _) = rest.split_once('x')?;
            let last = start.parse::<f64>().ok()? + 60.0 * per_min.parse::<f64>().ok()?;
            Some(Series {
                series: name,
                values: format!("{values} {}x60", fmt_num(last)),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    // The period's ratio carries its window in Sloth's labels, through to the budget.
    let period = forge_spec_ir::names::period_name(s);
    let labels = super::rules::rule_labels(&m.service.name.value, s, Some(&period));
    let record = "slo:period_error_budget_remaining:ratio";
    Some(TestGroup {
        name: format!(
            "SLO {}: after an idle hour the period's budget is a number (half left)",
            s.name.value
        ),
        interval: minutes(m, 1),
        input_series: series,
        alert_rule_test: Vec::new(),
        // Rounded to a millionth: the sums of 5-minute rates carry float noise.
        promql_expr_test: vec![ExprTest {
            expr: format!(
                "round({record}{}, 0.000001)",
                forge_spec_ir::names::slo_selector(m, s)
            ),
            eval_time: minutes(m, 120),
            exp_samples: vec![(series_text("", &labels), round12(1.0 - r / budget))],
        }],
    })
}

/// A calendar budget starts over at its period's first instant, in its offset, at the
/// first period start the tests cross (promtool's clock begins at 1970-01-01 00:00 UTC):
/// an hour of errors only up to two evaluations before the start, then none. One
/// evaluation before the start the period's ratio is still above zero (the sums go on
/// within the period) and the period began at the previous start; at the start, the
/// ratio is zero and the period begins there. Returns the evaluation interval too — up to a day, so that the weeks
/// before the start cost little; the series keep 150 s steps, so that every 5-minute
/// rate sees two samples. Its own test file, with the SLO's rules alone.
pub fn calendar_test(m: &Model, s: &Slo) -> Option<(String, TestGroup)> {
    const STEP: i64 = 150;
    let c = s.calendar?;
    if m.time_scale > 1 {
        return None; // the calendar does not scale
    }
    let starts = c.starts_near_epoch();
    let i = starts.iter().position(|b| *b >= 2 * 3600)?;
    let (prev, start) = (*starts.get(i.checked_sub(1)?)?, starts[i]);
    // The longest evaluation interval (quarter hours, up to a day) that lands on the
    // start and leaves an hour of errors before the evaluation two intervals earlier.
    let every = (1..=96)
        .rev()
        .map(|k| k * 900)
        .find(|e| start % e == 0 && 2 * e + 3600 <= start)?;
    let first = start - 2 * every - 3600;
    let blank = first / STEP;
    let (errors, quiet) = (3600 / STEP, (2 * every + 3600) / STEP);
    let series = if let Sli::Uptime { target } = &s.sli {
        let t = m.targets.iter().find(|t| t.name.value == target.value)?;
        let mut l = BTreeMap::new();
        l.insert("job".to_string(), target.value.clone());
        l.insert("instance".to_string(), t.address.value.clone());
        vec![Series {
            series: series_text(forge_spec_expr::up_metric(&m.catalog, &target.value), &l),
            values: format!("_x{blank} 0x{errors} 1x{}", quiet - 1),
        }]
    } else {
        let quiet_series = sli_series(m, s, 0.0, 1, false)?;
        let error_series = sli_series(m, s, 1.0, 1, false)?;
        let mut out = Vec::with_capacity(quiet_series.len());
        for ((name, q), (other, e)) in quiet_series.iter().zip(&error_series) {
            if name != other {
                return None;
            }
            let ((first, calm), (_, busy)) = (even(q)?, even(e)?);
            let after = first + errors as f64 * busy + calm;
            out.push(Series {
                series: name.clone(),
                values: format!(
                    "_x{blank} {}+{}x{errors} {}+{}x{}",
                    fmt_num(first),
                    fmt_num(busy),
                    fmt_num(after),
                    fmt_num(calm),
                    quiet - 1
                ),
            });
        }
        out
    };
    let sel = forge_spec_ir::names::slo_selector(m, s);
    let svc = &m.service.name.value;
    let at = |secs: i64| {
        forge_spec_expr::Duration {
            ms: secs as u64 * 1000,
        }
        .to_prometheus()
    };
    let ratio = forge_spec_ir::names::period_record(s);
    let start_labels = super::rules::rule_labels(svc, s, None);
    let began = "slo:calendar_period_start:timestamp";
    let before = start - every;
    let test = TestGroup {
        name: format!(
            "SLO {}: the budget starts over when the calendar {} begins (UTC{})",
            s.name.value,
            c.unit.name(),
            c.offset_text()
        ),
        interval: format!("{STEP}s"),
        input_series: series,
        alert_rule_test: Vec::new(),
        // At each time: when the period began, and the ratio's state (counted, so that
        // a grouped SLO's group labels need no guessing).
        promql_expr_test: [(before, prev, ">"), (start, start, "==")]
            .into_iter()
            .flat_map(|(t, began_at, ratio_is)| {
                [
                    ExprTest {
                        expr: format!("{began}{sel}"),
                        eval_time: at(t),
                        exp_samples: vec![(series_text(began, &start_labels), began_at as f64)],
                    },
                    ExprTest {
                        expr: format!("count({ratio}{sel} {ratio_is} 0)"),
                        eval_time: at(t),
                        exp_samples: vec![("{}".to_string(), 1.0)],
                    },
                ]
            })
            .collect(),
    };
    Some((at(every), test))
}

/// Renders the subset of Prometheus' annotation templates whose result the generator
/// can predict: `$labels.x`, `$value` (exact values only) and the `humanize`,
/// `humanizePercentage` and `humanizeDuration` of `$value`.
fn render(text: &str, w: &Witness, labels: &BTreeMap<String, String>) -> Option<String> {
    fill(text, |parts| match parts {
        [v] if v.starts_with("$labels.") => Some(label(labels, v)),
        ["$value"] if w.exact => Some(go_float(w.value)),
        ["$value", "humanize"] => Some(humanize(w.value)),
        ["$value", "humanizePercentage"] => Some(format!("{}%", go_g4(w.value * 100.0))),
        ["$value", "humanizeDuration"] => Some(humanize_duration(w.value)),
        _ => None,
    })
}

/// A text whose only templates are `{{$labels.x}}` (an SLO alert's: it has no witness
/// value), filled in from the alert's labels; `None` for any other template.
fn render_labels(text: &str, labels: &BTreeMap<String, String>) -> Option<String> {
    fill(text, |parts| match parts {
        [v] if v.starts_with("$labels.") => Some(label(labels, v)),
        _ => None,
    })
}

/// `$labels.x` as Prometheus fills it in: the label's value, empty when it has none.
fn label(labels: &BTreeMap<String, String>, v: &str) -> String {
    labels
        .get(&v["$labels.".len()..])
        .cloned()
        .unwrap_or_default()
}

/// Fills in each `{{…}}` of a text (spaces and trim markers allowed) with what `piece`
/// makes of its pipeline's parts; `None` when a piece cannot be predicted.
fn fill(text: &str, piece: impl Fn(&[&str]) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let j = after.find("}}")?;
        let inner = after[..j]
            .trim()
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        let parts: Vec<&str> = inner.split('|').map(str::trim).collect();
        out.push_str(&piece(&parts)?);
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// Go's `%v` of a float64: shortest representation, exponent outside [1e-4, 1e21).
fn go_float(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-4..1e21).contains(&a) {
        fmt_num(v)
    } else {
        let s = format!("{v:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    }
}

/// Go's `%.4g`.
fn go_g4(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let exp = v.abs().log10().floor() as i32;
    if !(-4..4).contains(&exp) {
        let s = format!("{:.3e}", v);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let m = m.trim_end_matches('0').trim_end_matches('.');
        let e: i32 = e.parse().unwrap_or(0);
        return format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    let decimals = (3 - exp).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Prometheus' `humanize`: SI prefixes, four significant digits.
fn humanize(mut v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return go_g4(v);
    }
    let mut prefix = "";
    if v.abs() >= 1.0 {
        for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
            if v.abs() < 1000.0 {
                break;
            }
            prefix = p;
            v /= 1000.0;
        }
    } else {
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if v.abs() >= 1.0 {
                break;
            }
            prefix = p;
            v *= 1000.0;
        }
    }
    format!("{}{prefix}", go_g4(v))
}

/// Prometheus' `humanizeDuration` for values of a second or more.
fn humanize_duration(v: f64) -> String {
    if v.abs() < 1.0 {
        return format!("{}s", go_g4(v));
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let t = v.abs() as i64;
    let (s, mi, h, d) = (t % 60, (t / 60) % 60, (t / 3600) % 24, t / 86400);
    if d != 0 {
        format!("{sign}{d}d {h}h {mi}m {s}s")
    } else if h != 0 {
        format!("{sign}{h}h {mi}m {s}s")
    } else if mi != 0 {
        format!("{sign}{mi}m {s}s")
    } else {
        format!("{sign}{}s", go_g4(v.abs()))
    }
}

#[cfg(test)]
mod formatting {
    use super::*;

    /// The formatters match Go's and Prometheus' output on known values.
    #[test]
    fn go_formatting() {
        assert_eq!(go_float(24e9), "24000000000");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(humanize(24e9), "24G");
        assert_eq!(humanize(2.425), "2.425");
        assert_eq!(humanize(0.1), "100m");
        assert_eq!(humanize(1234567.0), "1.235M");
        assert_eq!(go_g4(10.0), "10");
        assert_eq!(format!("{}%", go_g4(0.1 * 100.0)), "10%");
        assert_eq!(humanize_duration(14400.0), "4h 0m 0s");
        assert_eq!(humanize_duration(90.0), "1m 30s");
    }
}
