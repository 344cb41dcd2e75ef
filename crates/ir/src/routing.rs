//! Stage 2, analysis: the Alertmanager route simulator, with Alertmanager's semantics —
//! depth-first; the first matching child wins unless it has `continue`; a node delivers
//! to its own receiver only when no child matched; regex matchers are fully anchored;
//! receiver, grouping and timers are inherited.

use super::{Model, Route, RouteMatcher};
use std::collections::BTreeMap;

/// Labels of an alert.
pub type Labels = BTreeMap<String, String>;

/// One delivery: the receiver, and the route path (indices from the root) that led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub receiver: String,
    pub path: Vec<usize>,
}

/// The receivers an alert with these labels reaches, in order, with their paths.
pub fn simulate(root: &Route, labels: &Labels) -> Vec<Delivery> {
    Simulator::new(root).simulate(labels)
}

/// A route tree prepared for many simulations: each node's children indexed by their
/// first equality matcher, so an alert only visits the children that could match it
/// (linear in alerts, not alerts × routes), and regexes compiled once.
pub struct Simulator<'a> {
    root: &'a Route,
    index: Node,
}

struct Node {
    /// (label, value) of a child's first equality matcher → child positions, ascending.
    keyed: std::collections::HashMap<(String, String), Vec<usize>>,
    /// Children without an equality matcher: always candidates.
    unkeyed: Vec<usize>,
    /// Labels used as keys here.
    key_labels: Vec<String>,
    /// Compiled regex of each matcher of this route (None for equality matchers).
    regexes: Vec<Option<regex::Regex>>,
    children: Vec<Node>,
}

impl Node {
    fn new(r: &Route) -> Node {
        let mut keyed: std::collections::HashMap<(String, String), Vec<usize>> =
            std::collections::HashMap::new();
        let mut unkeyed = Vec::new();
        let mut key_labels: Vec<String> = Vec::new();
        for (i, c) in r.routes.iter().enumerate() {
            match c.matchers.iter().find(|m| m.is_equality()) {
                Some(m) => {
                    keyed
                        .entry((m.label.value.clone(), m.value.value.clone()))
                        .or_default()
                        .push(i);
                    if !key_labels.contains(&m.label.value) {
                        key_labels.push(m.label.value.clone());
                    }
                }
                None => unkeyed.push(i),
            }
        }
        Node {
            keyed,
            unkeyed,
            key_labels,
            regexes: r.matchers.iter().map(RouteMatcher::anchored).collect(),
            children: r.routes.iter().map(Node::new).collect(),
        }
    }

    /// Positions of the children that may match, in order.
    fn candidates(&self, labels: &Labels) -> Vec<usize> {
        let mut v = self.unkeyed.clone();
        for l in &self.key_labels {
            let value = labels.get(l).cloned().unwrap_or_default();
            if let Some(ids) = self.keyed.get(&(l.clone(), value)) {
                v.extend(ids);
            }
        }
        v.sort_unstable();
        v
    }

    fn matches(&self, r: &Route, labels: &Labels) -> bool {
        r.matchers.iter().zip(&self.regexes).all(|(m, re)| {
            let v = labels.get(&m.label.value).map_or("", String::as_str);
            m.accepts(v, re.as_ref())
        })
    }
}

impl<'a> Simulator<'a> {
    pub fn new(root: &'a Route) -> Self {
        Simulator {
            root,
            index: Node::new(root),
        }
    }

    /// The receivers an alert with these labels reaches, in order, with their paths.
    pub fn simulate(&self, labels: &Labels) -> Vec<Delivery> {
        let mut out = Vec::new();
        let receiver = self.root.receiver.as_ref().map_or("", |r| r.value.as_str());
        walk(
            self.root,
            &self.index,
            labels,
            receiver,
            &mut Vec::new(),
            &mut out,
        );
        out
    }

    /// The first route (depth-first, among routes whose path matches the alert) that
    /// selects on `label`, with its inherited receiver.
    pub fn first_selecting(&self, labels: &Labels, label: &str) -> Option<(&'a Route, &'a str)> {
        first_selecting(self.root, &self.index, labels, label, None)
    }
}

fn first_selecting<'a>(
    r: &'a Route,
    n: &Node,
    labels: &Labels,
    label: &str,
    inherited: Option<&'a str>,
) -> Option<(&'a Route, &'a str)> {
    if !n.matches(r, labels) {
        return None;
    }
    let receiver = r.receiver.as_ref().map(|x| x.value.as_str()).or(inherited);
    if r.matchers.iter().any(|m| m.label.value == label) {
        return receiver.map(|x| (r, x));
    }
    n.candidates(labels)
        .into_iter()
        .find_map(|i| first_selecting(&r.routes[i], &n.children[i], labels, label, receiver))
}

fn walk(
    route: &Route,
    n: &Node,
    labels: &Labels,
    inherited: &str,
    path: &mut Vec<usize>,
    out: &mut Vec<Delivery>,
) -> bool {
    if !n.matches(route, labels) {
        return false;
    }
    let receiver = route
        .receiver
        .as_ref()
        .map_or(inherited, |r| r.value.as_str());
    let before = out.len();
    for i in n.candidates(labels) {
        let child = &route.routes[i];
        path.push(i);
        let matched = walk(child, &n.children[i], labels, receiver, path, out);
        path.pop();
        if matched && !child.continue_ {
            break;
        }
    }
    if out.len() == before {
        out.push(Delivery {
            receiver: receiver.to_string(),
            path: path.clone(),
        });
    }
    true
}

/// The route at a path.
pub fn at<'a>(root: &'a Route, path: &[usize]) -> Option<&'a Route> {
    path.iter().try_fold(root, |r, i| r.routes.get(*i))
}

/// A route's matchers as Alertmanager writes them: `severity="critical"`.
pub fn describe(route: &Route) -> String {
    if route.matchers.is_empty() {
        return "(matches everything)".into();
    }
    route
        .matchers
        .iter()
        .map(|m| {
            format!(
                "{}{}{}",
                m.label.value,
                m.op(),
                forge_spec_expr::ast::quote(&m.value.value)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What sends alerts to Alertmanager: an explicit alert, or an SLO with alerting (its
/// page and ticket alerts).
#[derive(Clone, Copy)]
pub enum Sender<'a> {
    Alert(&'a crate::Alert),
    Slo(&'a crate::Slo),
}

/// Every sender of the model: explicit alerts, then SLOs with alerting.
pub fn senders(m: &Model) -> Vec<Sender<'_>> {
    m.alerts
        .iter()
        .map(Sender::Alert)
        .chain(
            m.slos
                .iter()
                .filter(|s| !s.alerting_disabled)
                .map(Sender::Slo),
        )
        .collect()
}

/// The alerts one sender fires, with the labels they reach Alertmanager with.
pub fn sender_alerts(
    m: &Model,
    sender: Sender<'_>,
    v: &mut Vec<(String, forge_spec_base::source::Span, Labels)>,
) {
    match sender {
        Sender::Alert(a) => {
            let mut l = Labels::new();
            l.insert("alertname".into(), a.alertname.value.clone());
            l.insert("severity".into(), a.severity.value.clone());
            // The defaults the rule writes (those its expression may carry come from
            // the series, which the simulation does not know).
            let may_carry = |label: &str| super::names::may_carry(a.when.as_ref(), label);
            for (k, v) in super::names::default_alert_labels(m, may_carry) {
                l.insert(k.into(), v);
            }
            if let Some(s) = &a.slo {
                l.insert("slo".into(), s.value.clone());
            }
            for (k, val) in &a.labels {
                l.insert(k.value.clone(), val.value.clone());
            }
            v.push((a.name.value.clone(), a.name.span, l));
        }
        Sender::Slo(s) => {
            let (page, ticket) = super::slo::slo_alert_names(s);
            for (name, sev, own) in [
                (page, &s.page_severity, &s.page_labels),
                (ticket, &s.ticket_severity, &s.ticket_labels),
            ] {
                let mut l = Labels::new();
                for (k, val) in s.labels.iter().chain(&s.alert_labels).chain(own) {
                    l.insert(k.value.clone(), val.value.clone());
                }
                l.insert("alertname".into(), name.clone());
                l.insert("severity".into(), sev.clone());
                let may_carry = |label: &str| s.group_by.iter().any(|g| g.value == label);
                for (k, v) in super::names::default_alert_labels(m, may_carry) {
                    l.insert(k.into(), v);
                }
                l.insert("slo".into(), s.name.value.clone());
                v.push((name, s.name.span, l));
            }
        }
    }
}

/// Every alert the spec produces with its labels (as [`alert_labels`]) and what it is
/// about (`SLO x`, `target t`), as inhibit rules are judged.
pub fn alert_subjects(m: &Model) -> Vec<(String, Labels, Vec<String>)> {
    let mut v = Vec::new();
    let mut about = Vec::new();
    for sender in senders(m) {
        let before = v.len();
        sender_alerts(m, sender, &mut v);
        let s: Vec<String> = subjects(m, sender).into_iter().collect();
        about.extend(std::iter::repeat_n(s, v.len() - before));
    }
    v.into_iter()
        .zip(about)
        .map(|((name, _, labels), about)| (name, labels, about))
        .collect()
}

/// Every alert the spec produces (explicit and SLO burn-rate ones) with the labels it
/// carries when it reaches Alertmanager (rule labels; series labels are not known).
pub fn alert_labels(m: &Model) -> Vec<(String, forge_spec_base::source::Span, Labels)> {
    let mut v = Vec::new();
    for sender in senders(m) {
        sender_alerts(m, sender, &mut v);
    }
    v
}

/// Renders the route tree as `routes show` prints it.
pub fn show(root: &Route) -> String {
    let mut s = String::new();
    show_node(root, 0, "", &mut s);
    s
}

fn show_node(r: &Route, depth: usize, inherited: &str, out: &mut String) {
    let receiver = r.receiver.as_ref().map_or(inherited, |x| x.value.as_str());
    let indent = "  ".repeat(depth);
    let head = if depth == 0 {
        "root".to_string()
    } else {
        describe(r)
    };
    let mut extra = Vec::new();
    if r.continue_ {
        extra.push("continue".to_string());
    }
    if let Some(g) = &r.group_by {
        extra.push(format!(
            "group_by [{}]",
            g.iter()
                .map(|x| x.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (name, t) in [
        ("group_wait", &r.group_wait),
        ("group_interval", &r.group_interval),
        ("repeat_interval", &r.repeat_interval),
    ] {
        if let Some(t) = t {
            extra.push(format!("{name} {}", t.value));
        }
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("  ({})", extra.join(", "))
    };
    out.push_str(&format!("{indent}{head} → {receiver}{extra}\n"));
    for c in &r.routes {
        show_node(c, depth + 1, receiver, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RouteMatcher;
    use forge_spec_base::source::Span;
    use forge_spec_base::source::Spanned;

    fn s(v: &str) -> Spanned<String> {
        Spanned::new(v.to_string(), Span::default())
    }

    fn route(
        matchers: &[(&str, &str, bool)],
        receiver: Option<&str>,
        cont: bool,
        routes: Vec<Route>,
    ) -> Route {
        Route {
            span: Span::default(),
            matchers: matchers
                .iter()
                .map(|(l, v, re)| RouteMatcher {
                    label: s(l),
                    value: s(v),
                    regex: *re,
                    negative: false,
                })
                .collect(),
            receiver: receiver.map(s),
            continue_: cont,
            group_by: None,
            group_wait: None,
            group_interval: None,
            repeat_interval: None,
            routes,
            mute_time_intervals: Vec::new(),
            active_time_intervals: Vec::new(),
        }
    }

    fn labels(kv: &[(&str, &str)]) -> Labels {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn receivers(root: &Route, kv: &[(&str, &str)]) -> Vec<String> {
        simulate(root, &labels(kv))
            .into_iter()
            .map(|d| d.receiver)
            .collect()
    }

    /// The first matching child wins; without a match the node's own receiver is used.
    #[test]
    fn first_match_wins() {
        let root = route(
            &[],
            Some("default"),
            false,
            vec![
                route(
                    &[("severity", "critical", false)],
                    Some("pager"),
                    false,
                    vec![],
                ),
                route(
                    &[("severity", "critical", false)],
                    Some("second"),
                    false,
                    vec![],
                ),
            ],
        );
        assert_eq!(receivers(&root, &[("severity", "critical")]), ["pager"]);
        assert_eq!(receivers(&root, &[("severity", "info")]), ["default"]);
    }

    /// `continue` lets later siblings match too.
    #[test]
    fn continue_goes_on() {
        let root = route(
            &[],
            Some("default"),
            false,
            vec![
                route(&[("team", "db", false)], Some("db"), true, vec![]),
                route(
                    &[("severity", "critical", false)],
                    Some("pager"),
                    false,
                    vec![],
                ),
            ],
        );
        assert_eq!(
            receivers(&root, &[("team", "db"), ("severity", "critical")]),
            ["db", "pager"]
        );
        assert_eq!(receivers(&root, &[("team", "db")]), ["db"]);
    }

    /// Nested routes inherit the receiver; a parent delivers only when no child matched.
    #[test]
    fn nesting_and_inheritance() {
        let root = route(
            &[],
            Some("default"),
            false,
            vec![route(
                &[("service", "api", false)],
                Some("api"),
                false,
                vec![
                    route(&[("severity", "critical", false)], None, false, vec![]),
                    route(
                        &[("severity", "warning", false)],
                        Some("api-slack"),
                        false,
                        vec![],
                    ),
                ],
            )],
        );
        assert_eq!(
            receivers(&root, &[("service", "api"), ("severity", "critical")]),
            ["api"]
        );
        assert_eq!(
            receivers(&root, &[("service", "api"), ("severity", "warning")]),
            ["api-slack"]
        );
        assert_eq!(
            receivers(&root, &[("service", "api"), ("severity", "info")]),
            ["api"]
        );
        let d = simulate(
            &root,
            &labels(&[("service", "api"), ("severity", "warning")]),
        );
        assert_eq!(d[0].path, [0, 1]);
    }

    /// Regex matchers are anchored at both ends; a missing label is the empty string.
    #[test]
    fn regex_anchoring() {
        let root = route(
            &[],
            Some("default"),
            false,
            vec![route(
                &[("severity", "crit", true)],
                Some("pager"),
                false,
                vec![],
            )],
        );
        assert_eq!(receivers(&root, &[("severity", "critical")]), ["default"]);
        let root = route(
            &[],
            Some("default"),
            false,
            vec![route(
                &[("severity", "crit.*", true)],
                Some("pager"),
                false,
                vec![],
            )],
        );
        assert_eq!(receivers(&root, &[("severity", "critical")]), ["pager"]);
        let root = route(
            &[],
            Some("default"),
            false,
            vec![route(
                &[("team", "", false)],
                Some("unowned"),
                false,
                vec![],
            )],
        );
        assert_eq!(receivers(&root, &[("severity", "critical")]), ["unowned"]);
    }
}

/// What an alert is about: its SLO, else the targets its condition reads (`up(target)`
/// and the exporters of its metrics). Empty when nothing is known.
fn subjects(m: &Model, sender: Sender<'_>) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    match sender {
        Sender::Slo(s) => {
            out.insert(format!("SLO {}", s.name.value));
        }
        Sender::Alert(a) => {
            if let Some(s) = &a.slo {
                out.insert(format!("SLO {}", s.value));
            } else if let Some(w) = &a.when {
                out.extend(w.targets.iter().map(|t| format!("target {t}")));
                for metric in &w.metrics {
                    // A selector narrowed to a job reads that target only.
                    let narrowed: Vec<&String> = w
                        .jobs
                        .iter()
                        .filter(|(mm, _)| mm == metric)
                        .map(|(_, j)| j)
                        .collect();
                    if !narrowed.is_empty() {
                        out.extend(narrowed.iter().map(|t| format!("target {t}")));
                    } else if let Some(mt) = m.metric(metric) {
                        out.extend(mt.exporters.iter().map(|t| format!("target {t}")));
                    }
                }
            }
        }
    }
    out
}

/// An inhibit rule's reach over one alert of the spec: the alerts that may silence it.
#[derive(Debug)]
pub struct Inhibited {
    /// Index of the inhibit rule.
    pub rule: usize,
    pub target: String,
    pub target_span: forge_spec_base::source::Span,
    /// How many alerts may silence it (inhibit sources with its `equal:` labels), and
    /// the first few of them.
    pub count: usize,
    pub by: Vec<String>,
    /// One of them about something else (another target or SLO), with both subjects.
    pub across: Option<(String, String, String)>,
}

/// For every inhibit rule, each alert it can silence and by which alerts, from the
/// labels alerts carry when they reach Alertmanager (labels from series are not known:
/// an `equal:` label neither alert sets is taken as equal, as Alertmanager does with two
/// empty values).
/// The rules are the spec's own, then (a service of an organisation) the organisation's.
pub fn inhibitions(m: &Model) -> Vec<Inhibited> {
    let rules: Vec<crate::Inhibit> = m
        .routing
        .iter()
        .flat_map(|r| r.inhibit.iter())
        .chain(&m.org_inhibit)
        .cloned()
        .collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let mut alerts = Vec::new();
    let mut about = Vec::new();
    for sender in senders(m) {
        let before = alerts.len();
        sender_alerts(m, sender, &mut alerts);
        let s = subjects(m, sender);
        about.extend(std::iter::repeat_n(s, alerts.len() - before));
    }
    inhibitions_among(&rules, &alerts, &about)
}

/// [`inhibitions`] of these rules over these alerts, each with what it is about
/// (`SLO x`, `target t`; empty when not known).
pub fn inhibitions_among(
    rules: &[crate::Inhibit],
    alerts: &[(String, forge_spec_base::source::Span, Labels)],
    about: &[std::collections::BTreeSet<String>],
) -> Vec<Inhibited> {
    let mut out = Vec::new();
    for (ri, rule) in rules.iter().enumerate() {
        let compiled = |ms: &[RouteMatcher]| -> Vec<Option<regex::Regex>> {
            ms.iter().map(RouteMatcher::anchored).collect()
        };
        let (source_res, target_res) = (compiled(&rule.source), compiled(&rule.target));
        let matches = |l: &Labels, ms: &[RouteMatcher], res: &[Option<regex::Regex>]| {
            ms.iter().zip(res).all(|(m, re)| {
                m.accepts(
                    l.get(&m.label.value).map_or("", String::as_str),
                    re.as_ref(),
                )
            })
        };
        // The `equal:` values of an alert: its own label, else for `job`/`instance` (from
        // the series) the targets it watches, else empty (as Alertmanager compares).
        let key = |i: usize, l: &Labels| -> Vec<String> {
            rule.equal
                .iter()
                .map(|e| match l.get(&e.value) {
                    Some(v) => v.clone(),
                    None if matches!(e.value.as_str(), "job" | "instance") => about[i]
                        .iter()
                        .filter(|s| s.starts_with("target "))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(","),
                    None => String::new(),
                })
                .collect()
        };
        // Sources by their `equal:` values; a target meets only those with its values.
        let mut sources: std::collections::HashMap<Vec<String>, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, (_, _, l)) in alerts.iter().enumerate() {
            if matches(l, &rule.source, &source_res) {
                sources.entry(key(i, l)).or_default().push(i);
            }
        }
        for (ti, (name, span, l)) in alerts.iter().enumerate() {
            if !matches(l, &rule.target, &target_res) {
                continue;
            }
            let Some(group) = sources.get(&key(ti, l)) else {
                continue;
            };
            let others = || group.iter().copied().filter(|&s| s != ti);
            let count = group.len() - usize::from(group.contains(&ti));
            if count == 0 {
                continue;
            }
            let across = others().find_map(|s| {
                let (a, b) = (&about[s], &about[ti]);
                (!a.is_empty() && !b.is_empty() && a.is_disjoint(b)).then(|| {
                    let join = |x: &std::collections::BTreeSet<String>| {
                        x.iter().cloned().collect::<Vec<_>>().join(", ")
                    };
                    (alerts[s].0.clone(), join(a), join(b))
                })
            });
            out.push(Inhibited {
                rule: ri,
                target: name.clone(),
                target_span: *span,
                count,
                by: others().take(5).map(|s| alerts[s].0.clone()).collect(),
                across,
            });
        }
    }
    out
}
