//! The pipeline of an organisation: a spec repository whose root directory holds
//! `services/<name>/` (one spec of one service each) beside root files (teams, shared
//! receivers, the root of the route tree, `lints:`, `defaults:`).
//!
//! Every service is parsed, resolved and checked on its own (in parallel), with the
//! root's `defaults:` unless it has its own, and its team's and the root's `lints:`
//! under its own; then `ir::org` checks what spans services and merges them into the
//! organisation's model, whose Alertmanager, scrape and compose files are written once.
//! Each service's rules, tests, dashboards, crate and docs go under per-service paths.

use crate::cache::Cache;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileId, SourceSet, Span};
use crate::{Compilation, Options, ir, rules, source, stage, syntax};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The directory of the services, under an organisation's root.
pub const SERVICES: &str = "services";

/// Where an organisation is, and which service the command line named (if one).
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub only: Option<String>,
}

/// The organisation `paths` names: a directory holding `services/`, or one
/// `services/<name>` directory inside such a root (that service only). `None` for a
/// spec of one service.
pub fn detect(paths: &[PathBuf]) -> Option<Layout> {
    let [path] = paths else { return None };
    if !path.is_dir() {
        return None;
    }
    if path.join(SERVICES).is_dir() {
        return Some(Layout {
            root: path.clone(),
            only: None,
        });
    }
    let name = path.file_name()?.to_string_lossy().into_owned();
    let parent = path.parent()?;
    if parent.file_name()? != SERVICES {
        return None;
    }
    let root = match parent.parent() {
        Some(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some(Layout {
        root,
        only: Some(name),
    })
}

/// The service a file belongs to, from its path relative to the root
/// (`services/<name>/…`); `None` for a root file.
pub fn service_of(rel: &str) -> Option<&str> {
    let rest = rel.strip_prefix(SERVICES)?.strip_prefix('/')?;
    let (name, _) = rest.split_once('/')?;
    Some(name)
}

/// The organisation's name: its root directory's.
fn org_name(root: &Path) -> String {
    std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "organisation".into())
}

/// Loads and compiles an organisation, with a build cache or without.
pub fn compile(
    layout: &Layout,
    opts: &Options,
    cache: Option<&Cache>,
) -> Result<Compilation, source::LoadError> {
    let (sources, refused) = stage("load", || source::load(std::slice::from_ref(&layout.root)))?;
    let prefix = source::display_name(&layout.root);
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    let mut c = compile_sources(sources, &prefix, &org_name(&layout.root), opts, cache);
    crate::report_refused(&mut c, refused);
    if let Some(only) = &layout.only {
        // One service named: the others are compiled (the organisation's checks and
        // outputs need them) but their own findings are not this run's.
        let others: std::collections::HashSet<FileId> = split(&c.sources, &prefix)
            .services
            .into_iter()
            .filter(|(svc, _)| svc != only)
            .flat_map(|(_, ids)| ids)
            .collect();
        c.diagnostics
            .items
            .retain(|d| !others.contains(&d.primary.span.file));
        c.selected = Some(only.clone());
    }
    Ok(c)
}

/// Which files are the root's and which each service's.
struct Parts {
    root: Vec<FileId>,
    services: BTreeMap<String, Vec<FileId>>,
}

fn split(sources: &SourceSet, prefix: &str) -> Parts {
    let mut parts = Parts {
        root: Vec::new(),
        services: BTreeMap::new(),
    };
    for id in sources.ids() {
        let Some(file) = sources.get(id) else {
            continue;
        };
        let rel = file.name.strip_prefix(prefix).unwrap_or(&file.name);
        match service_of(rel) {
            Some(svc) => parts.services.entry(svc.to_string()).or_default().push(id),
            None => parts.root.push(id),
        }
    }
    parts
}

/// What every service of the organisation is compiled with.
struct Shared<'a> {
    sources: &'a SourceSet,
    /// The root files' `defaults:`.
    defaults: &'a [syntax::Defaults],
    /// The root files' `outputs:`.
    outputs: &'a [syntax::outputs::Outputs],
    catalogs: &'a BTreeMap<String, FileId>,
    receivers: Vec<String>,
    /// The root's inhibit rules, which act on every service's alerts.
    inhibit: &'a [ir::Inhibit],
    lints: &'a [(ir::S, ir::S)],
    teams: &'a [ir::org::Team],
    opts: &'a Options,
}

/// Compiles the loaded sources of an organisation (file names relative to `prefix`).
pub fn compile_sources(
    mut sources: SourceSet,
    prefix: &str,
    name: &str,
    opts: &Options,
    cache: Option<&Cache>,
) -> Compilation {
    crate::par::set_input_size(sources.files.iter().map(|f| f.text.len()).sum());
    let parts = split(&sources, prefix);
    let mut diagnostics = Diagnostics::default();
    // The catalogues, once for all services.
    let catalogs: BTreeMap<String, FileId> = syntax::catalogs::CATALOGS
        .iter()
        .map(|(name, text)| {
            let id = sources.add(source::SourceFile::new(
                syntax::catalogs::file_name(name),
                *text,
            ));
            (name.to_string(), id)
        })
        .collect();
    let mut root_files = Vec::new();
    let mut recovered = crate::Recovered::default();
    for id in &parts.root {
        let Some(file) = sources.get(*id) else {
            continue;
        };
        if let Some(f) = recovered.add(syntax::parse_spec(*id, file), &mut diagnostics) {
            ir::org::misplaced(*id, &f, &mut diagnostics);
            root_files.push(f);
        }
    }
    let teams = ir::org::teams(&mut root_files, &mut diagnostics);
    let defaults: Vec<syntax::Defaults> = root_files
        .iter()
        .filter_map(|f| f.defaults.clone())
        .collect();
    let outputs: Vec<syntax::outputs::Outputs> = root_files
        .iter()
        .filter_map(|f| f.outputs.clone())
        .collect();
    let lints: Vec<(ir::S, ir::S)> = root_files
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.lints).0)
        .collect();
    let has_routing = root_files.iter().any(|f| f.routing.is_some());
    // The root's own model: its receivers and routing, under the organisation's name.
    root_files.push(syntax::SpecFile {
        service: Some(syntax::Service {
            name: ir::S::new(name.to_string(), Span::default()),
            metric_prefix: None,
            description: None,
            grafana_url: None,
            runbook_base_url: None,
            alertmanager: None,
            team: None,
            alert_labels: None,
        }),
        ..Default::default()
    });
    let root_model = ir::resolve(
        name,
        &sources,
        root_files,
        &ir::Scope {
            time_scale: opts.time_scale,
            org_receivers: None,
            org_inhibit: Vec::new(),
            expressions: opts.expressions.clone(),
        },
        &mut diagnostics,
    );
    if !has_routing {
        let at = parts
            .root
            .first()
            .map_or_else(Span::default, |id| Span::new(*id, 0, 0));
        diagnostics.push(ir::org::missing_routing(at));
    }
    let shared = Shared {
        sources: &sources,
        defaults: &defaults,
        outputs: &outputs,
        catalogs: &catalogs,
        receivers: root_model
            .as_ref()
            .map(|m| m.receivers.iter().map(|r| r.name.value.clone()).collect())
            .unwrap_or_default(),
        inhibit: root_model
            .as_ref()
            .and_then(|m| m.routing.as_ref())
            .map_or(&[], |r| r.inhibit.as_slice()),
        lints: &lints,
        teams: &teams,
        opts,
    };
    let services: Vec<(&String, &Vec<FileId>)> = parts.services.iter().collect();
    let names: HashMap<&str, FileId> = sources
        .ids()
        .filter_map(|id| Some((sources.get(id)?.name.as_str(), id)))
        .collect();
    let root_key = cache.map(|c| c.root_key(&sources, &parts.root, opts));
    let compiled = stage("services", || {
        crate::par::map(&services, |(svc, ids)| {
            let (Some(cache), Some(root_key)) = (cache, &root_key) else {
                return (compile_service(&shared, svc, ids), None);
            };
            let key = cache.key(root_key, &sources, ids);
            match cache.lookup(svc, &key, &names) {
                Some(hit) => {
                    let (unit, found) = view_service(&shared, svc, ids, hit);
                    ((unit, found, None), None)
                }
                None => (compile_service(&shared, svc, ids), Some(key)),
            }
        })
    });
    let mut units = Vec::new();
    let mut built = Vec::new();
    let mut emitted = Vec::new();
    for ((svc, _), ((unit, found, output), key)) in services.into_iter().zip(compiled) {
        emitted.extend(output);
        if let Some(key) = key
            && unit.model.is_some()
        {
            built.push(Built {
                service: svc.clone(),
                key,
                diagnostics: found.items.clone(),
            });
        }
        diagnostics.extend(found.items);
        units.push(unit);
    }
    let (org, mut model) =
        ir::org::assemble(name, root_model, teams, lints, units, &mut diagnostics);
    if let Some(m) = &mut model {
        m.lints = org.lints.clone();
        let mut found = Diagnostics::default();
        rules::run_org(m, &sources, &parts.root, opts.only.as_deref(), &mut found);
        rules::apply_config(m, &mut found);
        diagnostics.extend(found.items);
    }
    let mut c = Compilation {
        sources,
        model,
        diagnostics,
        org: Some(org),
        selected: None,
        built,
        emitted,
    };
    crate::finish(&mut c, &recovered, opts.only.as_deref());
    c
}

/// A service this run compiled, for the build cache: its key and own findings.
#[derive(Debug)]
pub struct Built {
    pub service: String,
    pub key: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// A service taken from the build cache: its findings and summary from the entry, its
/// model from a parse of its routing view (see [`crate::cache::routing_view`]).
fn view_service(
    shared: &Shared<'_>,
    svc: &str,
    ids: &[FileId],
    hit: crate::cache::Hit,
) -> (ir::org::Unit, Diagnostics) {
    let mut files = Vec::new();
    let mut ignored = Diagnostics::default();
    for id in ids {
        let Some(file) = shared.sources.get(*id) else {
            continue;
        };
        let parsed = match crate::cache::routing_view(&file.text) {
            // Nothing the organisation reads: not parsed at all.
            crate::cache::View::Nothing => continue,
            crate::cache::View::Blanked(view) => {
                syntax::parse_file(*id, &source::SourceFile::new(file.name.clone(), view))
            }
            crate::cache::View::Whole => syntax::parse_file(*id, file),
        };
        if let Ok(f) = parsed {
            files.push(f);
        }
    }
    root_defaults(shared, &mut files);
    let model = ir::resolve(svc, shared.sources, files, &shared.scope(), &mut ignored);
    let unit = ir::org::Unit {
        name: svc.to_string(),
        model,
        summary: hit.summary,
        cached: true,
        files: hit.files,
    };
    (
        unit,
        Diagnostics {
            items: hit.diagnostics,
        },
    )
}

/// The root's `defaults:` and `outputs:`, each unless the service has its own.
fn root_defaults(shared: &Shared<'_>, files: &mut Vec<syntax::SpecFile>) {
    let own_outputs = files.iter().any(|f| f.outputs.is_some());
    if !files.iter().any(|f| f.defaults.is_some()) {
        for d in shared.defaults {
            files.push(syntax::SpecFile {
                defaults: Some(d.clone()),
                ..Default::default()
            });
        }
    }
    if !own_outputs {
        for o in shared.outputs {
            files.push(syntax::SpecFile {
                outputs: Some(o.clone()),
                ..Default::default()
            });
        }
    }
}

impl Shared<'_> {
    fn scope(&self) -> ir::Scope {
        ir::Scope {
            time_scale: self.opts.time_scale,
            org_receivers: Some(self.receivers.clone()),
            org_inhibit: self.inhibit.to_vec(),
            expressions: self.opts.expressions.clone(),
        }
    }
}

/// Parses, resolves and checks one service with what the organisation gives it.
///
/// A service without errors is emitted at once, and its model then slimmed to what
/// the organisation reads (`slim`): an organisation's output is larger than its
/// models, and the two need not be in memory whole at the same time.
fn compile_service(shared: &Shared<'_>, svc: &str, ids: &[FileId]) -> Compiled {
    let (mut model, found) = compile_model(shared, svc, ids);
    let summary = model.as_ref().map(ir::org::Summary::of).unwrap_or_default();
    let mut output = None;
    if let Some(m) = &mut model
        && !found.has_errors()
    {
        output = Some(crate::emit::emit(m));
        slim(m);
    }
    let files = match &output {
        Some(Ok(o)) => o.files.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let unit = ir::org::Unit {
        name: svc.to_string(),
        summary,
        model,
        cached: false,
        files,
    };
    (unit, found, output)
}

/// A compiled service: the unit, its findings, its files (when it has no errors).
type Compiled = (
    ir::org::Unit,
    Diagnostics,
    Option<Result<crate::emit::Output, crate::emit::EmitError>>,
);

/// Drops what the organisation does not read of an emitted service's model: it keeps
/// the service, its targets, receivers and routing.
fn slim(m: &mut ir::Model) {
    m.metrics = Vec::new();
    m.slos = Vec::new();
    m.alerts = Vec::new();
    m.records = Vec::new();
    m.groups = Vec::new();
    m.dashboards = Vec::new();
    m.logs = ir::Logs::default();
    m.allows = Vec::new();
    m.index = ir::Index::default();
    m.catalog.metrics = Default::default();
}

fn compile_model(
    shared: &Shared<'_>,
    svc: &str,
    ids: &[FileId],
) -> (Option<ir::Model>, Diagnostics) {
    let mut out = Diagnostics::default();
    let mut recovered = crate::Recovered::default();
    let parsed = ids.iter().filter_map(|id| {
        let file = shared.sources.get(*id)?;
        Some(syntax::parse_spec(*id, file))
    });
    let (mut files, parse_failed) = crate::read_files(parsed, &mut recovered, &mut out);
    root_defaults(shared, &mut files);
    for name in crate::used_catalogs(&files) {
        if let Some(id) = shared.catalogs.get(&name) {
            crate::add_catalog(shared.sources, *id, &mut files, &mut out);
        }
    }
    let model = ir::resolve(svc, shared.sources, files, &shared.scope(), &mut out);
    let Some(mut m) = model else {
        // No `service:` in this service's files: say so where they are.
        let at = ids
            .first()
            .map_or_else(Span::default, |id| Span::new(*id, 0, 0));
        out.items
            .retain(|d| d.code.code != rules::parse::MISSING_SERVICE.code);
        if !parse_failed {
            out.push(
                Diagnostic::new(
                    &rules::parse::MISSING_SERVICE,
                    at,
                    format!("no file of service `{svc}` has a `service:` section"),
                )
                .help(format!(
                    "add `service: {{name: {svc}, team: <team>}}` to one file of `services/{svc}/`"
                )),
            );
        }
        return (None, out);
    };
    rules::run_files(
        &m,
        shared.sources,
        ids,
        shared.opts.only.as_deref(),
        &mut out,
    );
    // Overrides from the lowest layer up: the root's, the team's, the service's own.
    let team = m
        .service
        .team
        .as_ref()
        .and_then(|t| shared.teams.iter().find(|x| x.name.value == t.value));
    let mut lints = shared.lints.to_vec();
    lints.extend(team.iter().flat_map(|t| t.lints.iter().cloned()));
    lints.append(&mut m.lints);
    m.lints = lints;
    rules::apply_config(&m, &mut out);
    recovered.forget_consequences(&mut out);
    (Some(m), out)
}
