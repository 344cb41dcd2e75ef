//! An organisation: one spec repository of many services and teams. Its root files
//! (beside `services/`) hold the `teams:`, the shared receivers, the root of the route
//! tree, `lints:` and `defaults:`; each `services/<name>/` is a spec of one service,
//! resolved on its own (`resolve` with [`Scope::org_receivers`]).
//!
//! This module checks what no single service can — the sections each file may hold
//! (O001), the owning teams (O002), routes that reach into another team (O003), names
//! shared by two services where the running stack has one namespace (O004),
//! `service/receiver` references (N002) — and merges the services into the
//! organisation's one model: every receiver (a service's own as `service/name`), every
//! target, and one route tree that routes by team, then by service (the service's own
//! `routing:`) or by severity (the team's `escalation:`).

use super::*;
use forge_spec_base::diag::codes::{names as n, org as o, parse as p};
use forge_spec_base::diag::{Diagnostic, Diagnostics, did_you_mean};
use forge_spec_base::source::FileId;
use forge_spec_syntax::SpecFile;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A resolved organisation.
#[derive(Debug)]
pub struct Org {
    /// The organisation's name (its root directory's), in generated headers.
    pub name: String,
    pub teams: Vec<Team>,
    /// The services, by directory name.
    pub services: Vec<Unit>,
    /// `lints:` of the root files: the lowest layer of every service's overrides.
    pub lints: Vec<(S, S)>,
}

#[derive(Debug)]
pub struct Team {
    pub name: S,
    pub receiver: Option<S>,
    pub escalation: Vec<(S, S)>,
    pub lints: Vec<(S, S)>,
}

/// One service of the organisation.
#[derive(Debug)]
pub struct Unit {
    /// The directory name under `services/`.
    pub name: String,
    /// `None` when it has no `service:` (reported). A service taken from the build
    /// cache has a model of its `service:`, `targets:`, `receivers:` and `routing:`
    /// only (what the organisation's checks and files read), and `cached` set.
    pub model: Option<Model>,
    /// What the organisation reads of the rest of the service.
    pub summary: Summary,
    /// Taken from the build cache: its files are the previous build's, not emitted.
    pub cached: bool,
    /// The paths of its files in the output (set when they are made or reused).
    pub files: Vec<String>,
}

/// What the organisation reads of a service beyond its routing: the dashboard uids
/// (one namespace in Grafana), its alerts with their labels (the organisation's
/// route tree is tested with them), and how much it declares (the docs index).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    pub dashboards: Vec<S>,
    /// Its SLOs' names (other services may name them as `service/slo`).
    pub slos: Vec<String>,
    /// Its alerts' references to other services: (`slo` or `dashboard`, `service/name`).
    pub references: Vec<(String, S)>,
    /// Its alerts: name, labels, and what each is about (`SLO x`, `target t`).
    pub alerts: Vec<(String, routing::Labels, Vec<String>)>,
    /// Targets, declared metrics, SLOs, alerts, dashboards.
    pub counts: [usize; 5],
}

impl Summary {
    pub fn of(m: &Model) -> Summary {
        let foreign = |kind: &str, r: &Option<S>| {
            r.as_ref()
                .filter(|r| r.value.contains('/'))
                .map(|r| (kind.to_string(), r.clone()))
        };
        Summary {
            dashboards: m.dashboards.iter().map(|d| d.uid.clone()).collect(),
            slos: m.slos.iter().map(|s| s.name.value.clone()).collect(),
            references: m
                .alerts
                .iter()
                .flat_map(|a| [foreign("slo", &a.slo), foreign("dashboard", &a.dashboard)])
                .flatten()
                .collect(),
            alerts: routing::alert_subjects(m),
            counts: [
                m.targets.len(),
                m.declared_metrics().count(),
                m.slos.len(),
                m.alerts.len(),
                m.dashboards.len(),
            ],
        }
    }
}

impl Org {
    pub fn team(&self, name: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.name.value == name)
    }
}

/// The sections of a file that belong to one service, each with a span to point at.
fn service_sections(f: &SpecFile) -> Vec<(&'static str, Option<Span>)> {
    fn first<V>(m: &forge_spec_syntax::Map<V>) -> Option<Span> {
        m.0.first().map(|(k, _)| k.span)
    }
    let mut v: Vec<(&'static str, Option<Span>)> = Vec::new();
    if let Some(s) = &f.service {
        v.push(("service", Some(s.name.span)));
    }
    // A map section is there when it has a first key (its span is where to point).
    for (name, span) in [
        ("targets", first(&f.targets)),
        ("metrics", first(&f.metrics)),
        ("slos", first(&f.slos)),
        ("alerts", first(&f.alerts)),
        ("records", first(&f.records)),
        ("groups", first(&f.groups)),
        ("dashboards", first(&f.dashboards)),
    ] {
        if span.is_some() {
            v.push((name, span));
        }
    }
    if let Some(l) = &f.logs {
        let span = l
            .events
            .0
            .first()
            .map(|k| k.0.span)
            .or(l.level.as_ref().map(|x| x.span))
            .or(l.format.as_ref().map(|x| x.span));
        v.push(("logs", span));
    }
    v
}

/// O001: a section of a service in a root file.
pub fn misplaced(file: FileId, f: &SpecFile, out: &mut Diagnostics) {
    for (section, span) in service_sections(f) {
        out.push(
            Diagnostic::new(
                &o::MISPLACED_SECTION,
                span.unwrap_or_else(|| Span::new(file, 0, 0)),
                format!("`{section}:` belongs to a service, not to the organisation's root files"),
            )
            .label("in a root file")
            .help("move it into the files of the service it belongs to (`services/<name>/`); the root holds `teams:`, shared `receivers:`, `routing:`, `lints:` and `defaults:`"),
        );
    }
}

/// O001: `teams:` in a service's files or in a spec of one service.
pub fn misplaced_teams(f: &SpecFile, out: &mut Diagnostics) {
    if let Some((name, _)) = f.teams.0.first() {
        out.push(
            Diagnostic::new(
                &o::MISPLACED_SECTION,
                name.span,
                "`teams:` belongs in the organisation's root files",
            )
            .label("teams defined here")
            .help("define teams in a root file beside `services/` (e.g. `teams.yaml`), and name each service's owner with `service: {team: …}`"),
        );
    }
}

/// The teams of the root files (taken out of them); a team defined twice is reported
/// at both places.
pub fn teams(files: &mut [SpecFile], out: &mut Diagnostics) -> Vec<Team> {
    let mut teams: Vec<Team> = Vec::new();
    for f in files {
        for (name, t) in std::mem::take(&mut f.teams).0 {
            if let Some(first) = teams.iter().find(|x| x.name.value == name.value) {
                out.push(
                    Diagnostic::new(
                        &n::DUPLICATE_DEFINITION,
                        name.span,
                        format!("team `{}` is defined twice", name.value),
                    )
                    .label("defined again here")
                    .secondary(first.name.span, "first defined here")
                    .help("keep one definition"),
                );
                continue;
            }
            teams.push(Team {
                name,
                receiver: t.receiver,
                escalation: t.escalation.0,
                lints: t.lints.0,
            });
        }
    }
    teams
}

/// A matcher `label="value"` pointing at `span`.
fn eq(label: &str, value: &str, span: Span) -> RouteMatcher {
    RouteMatcher::eq(
        S::new(label.to_string(), span),
        S::new(value.to_string(), span),
    )
}

fn node(span: Span, matchers: Vec<RouteMatcher>, receiver: Option<S>, routes: Vec<Route>) -> Route {
    Route {
        span,
        matchers,
        receiver,
        continue_: false,
        group_by: None,
        group_wait: None,
        group_interval: None,
        repeat_interval: None,
        routes,
        mute_time_intervals: Vec::new(),
        active_time_intervals: Vec::new(),
    }
}

/// The name a service's receiver has in the organisation's configuration.
pub fn qualified(service: &str, receiver: &str) -> String {
    format!("{service}/{receiver}")
}

/// Renames the receivers a service's tree names: its own become `service/name`; the
/// organisation's, and `other/name`, stay.
fn qualify(r: &mut Route, service: &str, own: &HashSet<&str>) {
    if let Some(x) = &mut r.receiver
        && own.contains(x.value.as_str())
    {
        x.value = qualified(service, &x.value);
    }
    for c in &mut r.routes {
        qualify(c, service, own);
    }
}

fn walk<'a>(r: &'a Route, f: &mut impl FnMut(&'a Route)) {
    f(r);
    for c in &r.routes {
        walk(c, f);
    }
}

/// A matcher ready to test values (its regex compiled once, fully anchored, as
/// Alertmanager does); `None` for a regex that does not compile (it accepts nothing).
fn acceptor(m: &RouteMatcher) -> impl Fn(&str) -> bool + '_ {
    let re = m.anchored();
    move |value: &str| m.accepts(value, re.as_ref())
}

/// Checks the organisation and merges it: `root` is the model of the root files (with
/// a `service:` named after the organisation), `units` the compiled services. Returns
/// the organisation and its merged model (receivers, targets, route tree, inhibit
/// rules), from which its Alertmanager, scrape and compose files are written.
pub fn assemble(
    name: &str,
    root: Option<Model>,
    teams: Vec<Team>,
    lints: Vec<(S, S)>,
    mut units: Vec<Unit>,
    out: &mut Diagnostics,
) -> (Org, Option<Model>) {
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let shared: Vec<String> = root
        .as_ref()
        .map(|m| m.receivers.iter().map(|r| r.name.value.clone()).collect())
        .unwrap_or_default();
    check_teams(&teams, &units, &shared, out);
    check_references(&units, out);
    check_alert_references(&units, out);
    check_foreign_routes(&teams, &units, out);
    check_collisions(&units, out);
    let model = root.map(|mut m| {
        merge(&mut m, &teams, &units);
        m
    });
    let org = Org {
        name: name.to_string(),
        teams,
        services: units,
        lints,
    };
    (org, model)
}

fn unknown_receiver(r: &S, known: &[String], out: &mut Diagnostics) {
    let d = Diagnostic::new(
        &n::UNKNOWN_RECEIVER,
        r.span,
        format!("unknown receiver `{}`", r.value),
    )
    .unresolved(&r.value)
    .label("not an organisation receiver");
    let d = match did_you_mean(&r.value, known.iter().map(String::as_str)) {
        Some(s) => d.did_you_mean(s),
        None => d.help(format!(
            "a team sends to the receivers of the root files: {}",
            known.join(", ")
        )),
    };
    out.push(d);
}

/// O002 for services without a known team; N002 for teams' unknown receivers.
fn check_teams(teams: &[Team], units: &[Unit], shared: &[String], out: &mut Diagnostics) {
    let names: Vec<&str> = teams.iter().map(|t| t.name.value.as_str()).collect();
    for t in teams {
        for r in t.receiver.iter().chain(t.escalation.iter().map(|(_, r)| r)) {
            if !shared.contains(&r.value) {
                unknown_receiver(r, shared, out);
            }
        }
    }
    for u in units {
        let Some(m) = &u.model else { continue };
        let svc = &m.service.name;
        match &m.service.team {
            None => out.push(
                Diagnostic::new(
                    &o::UNKNOWN_TEAM,
                    svc.span,
                    format!("service `{}` names no owning team", svc.value),
                )
                .label("no `team:`")
                .help(format!(
                    "add `team:` to `service:`; teams: {}",
                    names.join(", ")
                )),
            ),
            Some(t) if !names.contains(&t.value.as_str()) => {
                let d = Diagnostic::new(
                    &o::UNKNOWN_TEAM,
                    t.span,
                    format!(
                        "team `{}` is not under the organisation's `teams:`",
                        t.value
                    ),
                )
                .label("unknown team");
                out.push(match did_you_mean(&t.value, names.iter().copied()) {
                    Some(s) => d.did_you_mean(s),
                    None => d.help(format!("teams: {}", names.join(", "))),
                });
            }
            Some(_) => {}
        }
    }
}

/// N003/N005 for `service/slo` and `service/dashboard` references of alerts that name
/// nothing of that service.
fn check_alert_references(units: &[Unit], out: &mut Diagnostics) {
    let by_name: HashMap<&str, &Summary> = units
        .iter()
        .filter(|u| u.model.is_some())
        .map(|u| (u.name.as_str(), &u.summary))
        .collect();
    for u in units {
        for (kind, r) in &u.summary.references {
            let Some((svc, name)) = r.value.split_once('/') else {
                continue;
            };
            let (code, names): (&'static forge_spec_base::diag::Code, Vec<&str>) =
                match (kind.as_str(), by_name.get(svc)) {
                    ("slo", Some(s)) => {
                        (&n::UNKNOWN_SLO, s.slos.iter().map(String::as_str).collect())
                    }
                    (_, Some(s)) => (
                        &n::UNKNOWN_DASHBOARD,
                        s.dashboards.iter().map(|d| d.value.as_str()).collect(),
                    ),
                    (_, None) => {
                        let code = if kind == "slo" {
                            &n::UNKNOWN_SLO
                        } else {
                            &n::UNKNOWN_DASHBOARD
                        };
                        let d = Diagnostic::new(
                            code,
                            r.span,
                            format!("no service `{svc}` in the organisation"),
                        )
                        .label("unknown service");
                        out.push(match did_you_mean(svc, by_name.keys().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}/{name}`?")),
                        None => d.help(format!(
                            "`service/{kind}` names a {kind} of another service under `services/`"
                        )),
                    });
                        continue;
                    }
                };
            let name = name.split_once('#').map_or(name, |(uid, _)| uid);
            if names.contains(&name) {
                continue;
            }
            let d = Diagnostic::new(
                code,
                r.span,
                format!("service `{svc}` has no {kind} `{name}`"),
            )
            .label(format!("unknown {kind}"));
            out.push(match did_you_mean(name, names.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{svc}/{s}`?")),
                None => d.help(format!("{kind}s of `{svc}`: {}", names.join(", "))),
            });
        }
    }
}

/// N002 for `service/receiver` references that name no receiver of that service.
fn check_references(units: &[Unit], out: &mut Diagnostics) {
    let receivers: HashMap<&str, Vec<String>> = units
        .iter()
        .filter_map(|u| Some((u.name.as_str(), u.model.as_ref()?)))
        .map(|(name, m)| {
            (
                name,
                m.receivers.iter().map(|r| r.name.value.clone()).collect(),
            )
        })
        .collect();
    for m in units.iter().filter_map(|u| u.model.as_ref()) {
        let Some(routing) = &m.routing else { continue };
        let refs = routing
            .tests
            .iter()
            .flat_map(|t| &t.expect)
            .map(|e| e as &S);
        let mut tree = Vec::new();
        walk(&routing.root, &mut |r| tree.extend(r.receiver.as_ref()));
        for r in tree.into_iter().chain(refs) {
            let Some((svc, name)) = r.value.split_once('/') else {
                continue;
            };
            let d = match receivers.get(svc) {
                Some(names) if names.iter().any(|n| n == name) => continue,
                Some(names) => {
                    let d = Diagnostic::new(
                        &n::UNKNOWN_RECEIVER,
                        r.span,
                        format!("service `{svc}` has no receiver `{name}`"),
                    )
                    .label("unknown receiver");
                    match did_you_mean(name, names.iter().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean `{svc}/{s}`?")),
                        None => d.help(format!("receivers of `{svc}`: {}", names.join(", "))),
                    }
                }
                None => {
                    let d = Diagnostic::new(
                        &n::UNKNOWN_RECEIVER,
                        r.span,
                        format!("no service `{svc}` in the organisation"),
                    )
                    .label("unknown service");
                    match did_you_mean(svc, receivers.keys().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}/{name}`?")),
                        None => d.help("`service/receiver` names a receiver of another service under `services/`"),
                    }
                }
            };
            out.push(d);
        }
    }
}

/// O003: a route of a service whose `team`/`service` matcher rejects its own alerts
/// and accepts another team's or service's.
fn check_foreign_routes(teams: &[Team], units: &[Unit], out: &mut Diagnostics) {
    let services: Vec<&S> = units
        .iter()
        .filter_map(|u| u.model.as_ref())
        .map(|m| &m.service.name)
        .collect();
    for m in units.iter().filter_map(|u| u.model.as_ref()) {
        let Some(routing) = &m.routing else { continue };
        let own_team = m.service.team.as_ref().map_or("", |t| t.value.as_str());
        let own_svc = m.service.name.value.as_str();
        walk(&routing.root, &mut |r| {
            for mt in &r.matchers {
                let accepts = acceptor(mt);
                let (own, other): (&str, Option<(&str, Span)>) = match mt.label.value.as_str() {
                    "team" => (
                        own_team,
                        teams
                            .iter()
                            .map(|t| (t.name.value.as_str(), t.name.span))
                            .find(|(t, _)| *t != own_team && accepts(t)),
                    ),
                    "service" => (
                        own_svc,
                        services
                            .iter()
                            .map(|s| (s.value.as_str(), s.span))
                            .find(|(s, _)| *s != own_svc && accepts(s)),
                    ),
                    _ => continue,
                };
                let Some((other, at)) = other else { continue };
                if accepts(own) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &o::FOREIGN_ROUTE,
                        mt.value.span,
                        format!(
                            "a route of service `{own_svc}` selects the alerts of {} `{other}`",
                            mt.label.value
                        ),
                    )
                    .label(format!("{} is `{own}` for this service's alerts", mt.label.value))
                    .secondary(at, format!("`{other}` is defined here"))
                    .help("a service routes only its own alerts; route across teams in the organisation's `routing:`, or ask the other team to route to your receiver"),
                );
            }
        });
    }
}

/// O004: service names, targets (scrape jobs) and dashboard uids two services share.
fn check_collisions(units: &[Unit], out: &mut Diagnostics) {
    use crate::deploy::{MAX_NAME, kube_name};
    let mut seen: BTreeMap<(&str, String), (&str, Span)> = BTreeMap::new();
    for u in units {
        let Some(m) = &u.model else { continue };
        let svc = m.service.name.value.as_str();
        let mut names: Vec<(&str, String, &S)> = std::iter::once(("service", &m.service.name))
            .chain(m.targets.iter().map(|t| ("target", &t.name)))
            .chain(
                u.summary
                    .dashboards
                    .iter()
                    .map(|uid| ("dashboard uid", uid)),
            )
            .map(|(kind, name)| (kind, name.value.clone(), name))
            .collect();
        // The objects the engines' outputs name, in their namespaces.
        if let Some(k) = &m.outputs.kubernetes {
            let ns = &k.namespace;
            let object =
                |what: &str, name: &str| format!("{ns}/{what}/{}", kube_name(name, MAX_NAME));
            names.push(("Kubernetes object", object("rules", svc), &m.service.name));
            for t in &m.targets {
                let what = if t.probe.is_some() {
                    "probe"
                } else {
                    "monitor"
                };
                names.push(("Kubernetes object", object(what, &t.name.value), &t.name));
            }
            for uid in &u.summary.dashboards {
                let stem = crate::names::file_stem(&uid.value);
                names.push((
                    "Kubernetes object",
                    object("configmap", &format!("grafana-dashboard-{stem}")),
                    uid,
                ));
            }
        }
        if let Some(x) = &m.outputs.mimir {
            names.push((
                "Mimir rule namespace",
                format!("{}/{}", x.tenant, x.namespace),
                &m.service.name,
            ));
        }
        for (kind, key, name) in names {
            match seen.get(&(kind, key.clone())) {
                Some((first, at)) => out.push(
                    Diagnostic::new(
                        &o::NAME_COLLISION,
                        name.span,
                        format!("{kind} `{key}` of service `{svc}` is also one of `{first}`"),
                    )
                    .label(format!("{kind} of `{svc}`"))
                    .secondary(*at, format!("{kind} of `{first}`"))
                    .help(match kind {
                        "target" => "a target is a scrape job: its name is the `job` label every alert narrows by; give each service's targets names of their own (e.g. prefixed with the service)",
                        "dashboard uid" => "Grafana has one namespace of dashboard uids; prefix the uid with the service",
                        "Kubernetes object" => "one object would overwrite the other in the cluster: give the services namespaces of their own (`outputs.kubernetes.namespace`), or names that differ in lower-case letters and digits",
                        "Mimir rule namespace" => "one namespace file would replace the other in the ruler: give each service a Mimir namespace of its own (the default is the service name)",
                        _ => "each service of an organisation has a name of its own",
                    }),
                ),
                None => {
                    seen.insert((kind, key), (svc, name.span));
                }
            }
        }
    }
}

/// Adds the services to the root model: their receivers (as `service/name`), targets,
/// inhibit rules (narrowed to the service) and the team → service/severity subtrees.
fn merge(m: &mut Model, teams: &[Team], units: &[Unit]) {
    let models: Vec<&Model> = units.iter().filter_map(|u| u.model.as_ref()).collect();
    for sm in &models {
        let svc = &sm.service.name.value;
        m.receivers.extend(sm.receivers.iter().map(|r| {
            let mut r = r.clone();
            r.name.value = qualified(svc, &r.name.value);
            r
        }));
        m.targets.extend(sm.targets.iter().cloned());
    }
    let Some(routing) = &mut m.routing else {
        return;
    };
    for t in teams {
        let span = t.name.span;
        let mut children = Vec::new();
        for sm in models.iter().filter(|sm| {
            sm.service
                .team
                .as_ref()
                .is_some_and(|x| x.value == t.name.value)
        }) {
            let Some(own) = &sm.routing else { continue };
            let svc = &sm.service.name;
            let names: HashSet<&str> = sm.receivers.iter().map(|r| r.name.value.as_str()).collect();
            let mut tree = own.root.clone();
            qualify(&mut tree, &svc.value, &names);
            tree.matchers = vec![eq("service", &svc.value, svc.span)];
            children.push(tree);
            for i in &own.inhibit {
                let mut i = i.clone();
                let scope = RouteMatcher::eq(S::new("service".into(), svc.span), svc.clone());
                i.source.push(scope.clone());
                i.target.push(scope);
                routing.inhibit.push(i);
            }
        }
        for (severity, receiver) in &t.escalation {
            children.push(node(
                severity.span,
                vec![eq("severity", &severity.value, severity.span)],
                Some(receiver.clone()),
                Vec::new(),
            ));
        }
        routing.root.routes.push(node(
            span,
            vec![eq("team", &t.name.value, span)],
            t.receiver.clone(),
            children,
        ));
    }
}

/// Reported when the root files have no `routing:`.
pub fn missing_routing(at: Span) -> Diagnostic {
    Diagnostic::new(
        &p::MISSING_KEY,
        at,
        "the organisation's root files have no `routing:`",
    )
    .label("an organisation needs the root of its route tree")
    .help("add `routing: {receiver: <default receiver>}` to a root file (beside `services/`); teams and services are routed under it")
}
