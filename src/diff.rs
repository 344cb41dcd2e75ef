//! Pipeline of `forge-spec diff`: the spec against a baseline — a directory, or a git
//! revision of this repository read with `git show` (never a checkout) — compiled
//! alike, and compared model to model. Each change is a diagnostic of the C family at
//! the changed place, with the baseline's place beside it: what a removed or changed
//! metric breaks (C001–C003, C008), SLO and alert changes (C004, C005), every alert
//! whose receivers change by the route simulator (C006), inhibition changes (C007).

use crate::diag::codes::change as c;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::routing::{self, Labels, Simulator};
use crate::ir::{Metric, Model};
use crate::source::{FileId, SourceFile, SourceSet, Span};
use crate::{Compilation, Options};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The spec files of the baseline: every `*.yaml`/`*.yml` under `paths` in the
/// directory `reference`, or at the git revision `reference` (`git ls-tree`, `git
/// show`). Names are shown as `<reference>:<path>`.
pub fn baseline_files(reference: &str, paths: &[PathBuf]) -> Result<Vec<(String, String)>, String> {
    let dir = Path::new(reference);
    if dir.is_dir() {
        let (set, _) = crate::source::load(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
        return Ok(set
            .ids()
            .filter_map(|id| set.get(id))
            .map(|f| (f.name.clone(), f.text.clone()))
            .collect());
    }
    let git = |args: &[&str]| -> Result<String, String> {
        let o = Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("git: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "`{reference}` is neither a directory nor a git revision of this repository: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        String::from_utf8(o.stdout)
            .map_err(|_| "git printed something that is not UTF-8".to_string())
    };
    let mut files = Vec::new();
    for p in paths {
        let p = p.to_string_lossy();
        // `--full-name`: paths from the repository's root whatever the directory the
        // command runs in (what `git show <rev>:<path>` reads); `-z`: names as they are
        // (a non-ASCII name is not quoted, so not dropped).
        let listed = git(&[
            "ls-tree",
            "-r",
            "-z",
            "--full-name",
            "--name-only",
            reference,
            "--",
            &p,
        ])?;
        for name in listed
            .split('\0')
            .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        {
            let text = git(&["show", &format!("{reference}:{name}")])?;
            files.push((format!("{reference}:{name}"), text));
        }
    }
    if files.is_empty() {
        return Err(format!(
            "no spec files under {} at `{reference}`",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(files)
}

/// A comparison: the changes, with the sources of both specs to show them.
pub struct Diffed {
    pub sources: SourceSet,
    pub changes: Vec<Diagnostic>,
    /// Errors of the spec (a spec that does not compile is not compared).
    pub errors: Diagnostics,
    /// How many errors the baseline has (not shown: they may be secrets the change
    /// removes), and whether it resolved far enough to be compared.
    pub baseline_errors: usize,
    pub baseline_compared: bool,
}

/// Compiles both specs and compares them.
pub fn diff(reference: &str, paths: &[PathBuf]) -> Result<Diffed, String> {
    let files = baseline_files(reference, paths)?;
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let old = crate::compile_str(&refs, &Options::default());
    let new = crate::compile(paths, "spec", &Options::default()).map_err(|e| e.to_string())?;
    Ok(compare(old, new))
}

/// Compares two compilations; the baseline's spans are moved into one source set with
/// the spec's.
pub fn compare(old: Compilation, new: Compilation) -> Diffed {
    let Compilation {
        sources: old_sources,
        model: old_model,
        diagnostics: old_diags,
        ..
    } = old;
    let Compilation {
        sources: mut set,
        model: new_model,
        diagnostics: new_diags,
        ..
    } = new;
    let mut moved: BTreeMap<u32, FileId> = BTreeMap::new();
    for id in old_sources.ids() {
        if let Some(f) = old_sources.get(id) {
            moved.insert(
                id.0,
                set.add(SourceFile::new(f.name.clone(), f.text.clone())),
            );
        }
    }
    let rebase = |s: Span| {
        Span::new(
            moved.get(&s.file.0).copied().unwrap_or(s.file),
            s.start as usize,
            s.end as usize,
        )
    };
    // The baseline's errors do not block: the change may be what fixes them (a leaked
    // secret removed). They are said, and the comparison runs on what it resolved.
    let baseline_errors = old_diags.items.iter().filter(|d| d.is_error()).count();
    let mut errors = Diagnostics::default();
    errors
        .items
        .extend(new_diags.items.into_iter().filter(|d| d.is_error()));
    let changes = match (&old_model, &new_model) {
        (Some(a), Some(b)) if !errors.has_errors() => Changes {
            old: a,
            new: b,
            rebase: &rebase,
            out: Vec::new(),
        }
        .all(),
        _ => Vec::new(),
    };
    Diffed {
        sources: set,
        changes,
        errors,
        baseline_errors,
        baseline_compared: old_model.is_some(),
    }
}

struct Changes<'a> {
    old: &'a Model,
    new: &'a Model,
    rebase: &'a dyn Fn(Span) -> Span,
    out: Vec<Diagnostic>,
}

/// What of a model reads a metric: alerts, records, SLOs, panels.
fn readers(m: &Model, metric: &str) -> Vec<String> {
    let mut v = Vec::new();
    for a in &m.alerts {
        if a.when
            .as_ref()
            .is_some_and(|w| w.metrics.iter().any(|x| x == metric))
        {
            v.push(format!("alert {}", a.name.value));
        }
    }
    for r in &m.records {
        if r.expr
            .as_ref()
            .is_some_and(|w| w.metrics.iter().any(|x| x == metric))
        {
            v.push(format!("record {}", r.name.value));
        }
    }
    for s in &m.slos {
        let reads = match &s.sli {
            crate::ir::Sli::Ratio { errors, total, .. } => {
                [errors.metric(), total.metric()].contains(&Some(metric))
            }
            crate::ir::Sli::Latency { metric: h, .. } => h.metric() == Some(metric),
            crate::ir::Sli::Timeslice { good, .. } => good.metrics.iter().any(|x| x == metric),
            crate::ir::Sli::Uptime { .. } => false,
        };
        if reads {
            v.push(format!("SLO {}", s.name.value));
        }
    }
    for d in &m.dashboards {
        for p in &d.panels {
            if p.queries
                .iter()
                .any(|q| q.metrics.iter().any(|x| x == metric))
            {
                let title = p.title.as_ref().map_or("(untitled)", |t| t.value.as_str());
                v.push(format!("panel {} of dashboard {}", title, d.uid.value));
            }
        }
    }
    v
}

fn listed(v: &[String]) -> String {
    match v.len() {
        0 => "nothing in the spec".into(),
        n if n > 6 => format!("{} and {} more", v[..6].join(", "), n - 6),
        _ => v.join(", "),
    }
}

fn labels_of(m: &Metric) -> BTreeMap<&str, Option<BTreeSet<&str>>> {
    m.labels
        .iter()
        .map(|l| {
            (
                l.name.value.as_str(),
                l.values
                    .as_ref()
                    .map(|v| v.iter().map(|x| x.value.as_str()).collect()),
            )
        })
        .collect()
}

impl Changes<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn all(mut self) -> Vec<Diagnostic> {
        self.metrics();
        self.slos();
        self.alerts();
        self.routes();
        self.inhibitions();
        self.out
    }

    fn metrics(&mut self) {
        let (old, new) = (self.old, self.new);
        let added: Vec<&Metric> = new
            .declared_metrics()
            .filter(|m| old.metric(&m.name.value).is_none())
            .collect();
        for m in old.declared_metrics() {
            let was = (self.rebase)(m.name.span);
            let Some(now) = new.metric(&m.name.value) else {
                // The same type and labels under another name: a rename.
                let renamed = added
                    .iter()
                    .find(|a| a.kind == m.kind && labels_of(a) == labels_of(m));
                let readers = readers(old, &m.name.value);
                let binding = format!(
                    "the generated Rust binding `{}`",
                    crate::ir::names::folded(&m.name.value)
                );
                let d = match renamed {
                    Some(a) => Diagnostic::new(
                        &c::METRIC_REMOVED,
                        a.name.span,
                        format!(
                            "metric `{}` was renamed `{}`; it broke {} and {binding}",
                            m.name.value,
                            a.name.value,
                            listed(&readers)
                        ),
                    )
                    .label("the new name")
                    .secondary(was, "the old name"),
                    None => Diagnostic::new(
                        &c::METRIC_REMOVED,
                        was,
                        format!(
                            "metric `{}` was removed; it broke {} and {binding}",
                            m.name.value,
                            listed(&readers)
                        ),
                    )
                    .label("declared in the baseline"),
                };
                self.push(d.help("keep the old metric (help: deprecated) until every reader, in this spec and elsewhere, has moved"));
                continue;
            };
            if now.kind != m.kind || now.unit != m.unit {
                let what = if now.kind != m.kind {
                    format!("type {:?} → {:?}", m.kind, now.kind).to_lowercase()
                } else {
                    format!(
                        "unit {} → {}",
                        m.unit_text.as_ref().map_or("none", |u| u.value.as_str()),
                        now.unit_text.as_ref().map_or("none", |u| u.value.as_str())
                    )
                };
                self.push(
                    Diagnostic::new(
                        &c::METRIC_CHANGED,
                        now.name.span,
                        format!(
                            "metric `{}` changed {what}; readers: {}",
                            m.name.value,
                            listed(&readers(old, &m.name.value))
                        ),
                    )
                    .label("changed here")
                    .secondary(was, "the baseline's")
                    .help("give the new meaning a new metric name, and remove the old one later"),
                );
            }
            let (before, after) = (labels_of(m), labels_of(now));
            for (label, values) in &before {
                let span = now
                    .labels
                    .iter()
                    .find(|l| l.name.value == *label)
                    .map_or(now.name.span, |l| l.name.span);
                match after.get(label) {
                    None => {
                        self.push(
                            Diagnostic::new(&c::LABEL_NARROWED, now.name.span, format!("label `{label}` of `{}` was removed; readers: {}", m.name.value, listed(&readers(old, &m.name.value))))
                                .label("no longer has the label")
                                .secondary(was, "had it")
                                .help("selectors and `by (...)` on the label now select nothing or merge series"),
                        );
                        self.push(
                            Diagnostic::new(&c::RUST_API_CHANGED, now.name.span, format!("the recording functions of `{}` lose their `{label}` parameter", m.name.value))
                                .label("the generated crate's API changes")
                                .help("services calling them stop compiling until they drop the argument"),
                        );
                    }
                    Some(now_values) => {
                        if let (Some(a), Some(b)) = (values, now_values) {
                            let gone: Vec<&&str> = a.difference(b).collect();
                            if !gone.is_empty() {
                                let gone: Vec<String> =
                                    gone.iter().map(|v| format!("`{v}`")).collect();
                                self.push(
                                    Diagnostic::new(&c::LABEL_NARROWED, span, format!("label `{label}` of `{}` no longer allows {}", m.name.value, gone.join(", ")))
                                        .label("narrowed here")
                                        .secondary(was, "the baseline's metric")
                                        .help("a service still sending a removed value no longer compiles; alerts on it never fire"),
                                );
                                self.push(
                                    Diagnostic::new(&c::RUST_API_CHANGED, span, format!("enum variants {} of label `{label}` of `{}` are removed from the generated crate", gone.join(", "), m.name.value))
                                        .label("the generated crate's API changes")
                                        .help("services using them stop compiling: keep the values until they move"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    fn slos(&mut self) {
        let (old, new) = (self.old, self.new);
        for s in &old.slos {
            let was = (self.rebase)(s.name.span);
            let Some(now) = new.slo(&s.name.value) else {
                self.push(
                    Diagnostic::new(
                        &c::SLO_CHANGED,
                        was,
                        format!(
                            "SLO `{}` was removed, with its burn-rate alerts",
                            s.name.value
                        ),
                    )
                    .label("in the baseline")
                    .help("an SLO is a promise to users: remove it on purpose, with its owners"),
                );
                continue;
            };
            let mut what = Vec::new();
            if (now.objective - s.objective).abs() > 1e-12 {
                let way = if now.objective > s.objective {
                    "tightened"
                } else {
                    "loosened"
                };
                what.push(format!(
                    "objective {way} {}% → {}%",
                    s.objective * 100.0,
                    now.objective * 100.0
                ));
            }
            if now.period != s.period {
                what.push(format!("window {} → {}", s.period, now.period));
            }
            if sli_text(&now.sli) != sli_text(&s.sli) {
                what.push(format!(
                    "indicator {} → {}",
                    sli_text(&s.sli),
                    sli_text(&now.sli)
                ));
            }
            if !what.is_empty() {
                self.push(
                    Diagnostic::new(
                        &c::SLO_CHANGED,
                        now.name.span,
                        format!("SLO `{}`: {}", s.name.value, what.join("; ")),
                    )
                    .label("changed here")
                    .secondary(was, "the baseline's")
                    .help("every page and ticket threshold of the SLO moves with it"),
                );
            }
        }
    }

    fn alerts(&mut self) {
        let (old, new) = (self.old, self.new);
        let now: BTreeMap<&str, &crate::ir::Alert> = new
            .alerts
            .iter()
            .map(|a| (a.name.value.as_str(), a))
            .collect();
        for a in &old.alerts {
            let was = (self.rebase)(a.name.span);
            let Some(b) = now.get(a.name.value.as_str()) else {
                self.push(
                    Diagnostic::new(
                        &c::ALERT_CHANGED,
                        was,
                        format!("alert `{}` was removed", a.name.value),
                    )
                    .label("in the baseline")
                    .help("check that another alert covers what it watched"),
                );
                continue;
            };
            let mut what = Vec::new();
            let cond = |x: &crate::ir::Alert| {
                x.when
                    .as_ref()
                    .map(|w| w.text.value.clone())
                    .unwrap_or_default()
            };
            if cond(a) != cond(b) {
                what.push(format!("condition `{}` → `{}`", cond(a), cond(b)));
            }
            let for_ = |x: &crate::ir::Alert| {
                x.for_
                    .as_ref()
                    .map_or("none".to_string(), |f| f.value.to_string())
            };
            if for_(a) != for_(b) {
                what.push(format!("for {} → {}", for_(a), for_(b)));
            }
            if a.severity.value != b.severity.value {
                what.push(format!(
                    "severity {} → {}",
                    a.severity.value, b.severity.value
                ));
            }
            if !what.is_empty() {
                self.push(
                    Diagnostic::new(
                        &c::ALERT_CHANGED,
                        b.name.span,
                        format!("alert `{}`: {}", a.name.value, what.join("; ")),
                    )
                    .label("changed here")
                    .secondary(was, "the baseline's")
                    .help("a looser threshold or a longer `for` pages later"),
                );
            }
        }
    }

    /// Every alert of both specs, and every routing test of the baseline, through both
    /// route trees.
    fn routes(&mut self) {
        let (old, new) = (self.old, self.new);
        let (Some(ro), Some(rn)) = (&old.routing, &new.routing) else {
            return;
        };
        let (so, sn) = (Simulator::new(&ro.root), Simulator::new(&rn.root));
        let receivers = |s: &Simulator, l: &Labels| -> Vec<String> {
            let mut v: Vec<String> = s.simulate(l).into_iter().map(|d| d.receiver).collect();
            v.dedup();
            v
        };
        // Alerts by name and rank among those of the name: Sloth's page and ticket share
        // one name, as may explicit alerts.
        let ranked = |m: &Model| {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            routing::alert_labels(m)
                .into_iter()
                .map(|(n, span, l)| {
                    let rank = seen.entry(n.clone()).or_default();
                    *rank += 1;
                    ((n, *rank), span, l)
                })
                .collect::<Vec<_>>()
        };
        let before: BTreeMap<(String, usize), Labels> =
            ranked(old).into_iter().map(|(k, _, l)| (k, l)).collect();
        for ((name, rank), span, labels) in ranked(new) {
            let Some(old_labels) = before.get(&(name.clone(), rank)) else {
                continue;
            };
            let (a, b) = (receivers(&so, old_labels), receivers(&sn, &labels));
            if a != b {
                self.push(
                    Diagnostic::new(
                        &c::ALERT_REROUTED,
                        span,
                        format!("`{name}`: {} → {}", a.join(", "), b.join(", ")),
                    )
                    .label("reaches other receivers")
                    .help("`forge-spec routes test` shows the path it takes now"),
                );
            }
        }
        for t in &ro.tests {
            let labels: Labels = t
                .labels
                .iter()
                .map(|(k, v)| (k.value.clone(), v.value.clone()))
                .collect();
            let (a, b) = (receivers(&so, &labels), receivers(&sn, &labels));
            if a != b {
                let span = t
                    .labels
                    .first()
                    .map_or(Span::default(), |(k, _)| (self.rebase)(k.span));
                let shown: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                self.push(
                    Diagnostic::new(
                        &c::ALERT_REROUTED,
                        span,
                        format!(
                            "routing test {{{}}}: {} → {}",
                            shown.join(", "),
                            a.join(", "),
                            b.join(", ")
                        ),
                    )
                    .label("the baseline's routing test")
                    .help("update the routing test if the new route is meant"),
                );
            }
        }
    }

    fn inhibitions(&mut self) {
        let pairs = |m: &Model| -> BTreeMap<String, (Span, BTreeSet<String>)> {
            let mut out: BTreeMap<String, (Span, BTreeSet<String>)> = BTreeMap::new();
            for i in routing::inhibitions(m) {
                let e = out
                    .entry(i.target.clone())
                    .or_insert((i.target_span, BTreeSet::new()));
                e.1.extend(i.by.iter().cloned());
            }
            out
        };
        let (before, after) = (pairs(self.old), pairs(self.new));
        let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        let now: BTreeSet<String> = self
            .new
            .alerts
            .iter()
            .map(|a| a.name.value.clone())
            .collect();
        for name in names {
            let empty = (Span::default(), BTreeSet::new());
            let (a, b) = (
                before.get(name).unwrap_or(&empty),
                after.get(name).unwrap_or(&empty),
            );
            let gained: Vec<&String> = b.1.difference(&a.1).collect();
            let lost: Vec<&String> = a.1.difference(&b.1).collect();
            if gained.is_empty() && lost.is_empty() {
                continue;
            }
            let mut what = Vec::new();
            if !gained.is_empty() {
                what.push(format!(
                    "may now be silenced by {}",
                    gained
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !lost.is_empty() {
                what.push(format!(
                    "no longer by {}",
                    lost.iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let span = if after.contains_key(name) || now.contains(name) {
                b.0
            } else {
                (self.rebase)(a.0)
            };
            self.push(
                Diagnostic::new(
                    &c::INHIBITION_CHANGED,
                    span,
                    format!("`{name}` {}", what.join("; ")),
                )
                .label("inhibited differently")
                .help("`forge-spec routes inhibits` lists what each inhibit rule silences"),
            );
        }
    }
}

fn sli_text(s: &crate::ir::Sli) -> String {
    match s {
        crate::ir::Sli::Ratio {
            errors,
            total,
            good,
        } => format!(
            "{} {} / {}",
            if *good { "good" } else { "errors" },
            errors.text.value,
            total.text.value
        ),
        crate::ir::Sli::Latency { metric, below, .. } => {
            format!("latency of {} below {below}s", metric.text.value)
        }
        crate::ir::Sli::Uptime { target } => format!("uptime of {}", target.value),
        crate::ir::Sli::Timeslice { good, slice } => {
            format!("slices of {slice} where {}", good.text.value)
        }
    }
}
