//! forge-spec's pipeline: the order of the stages, nothing else — for one spec and,
//! per service, for an organisation (`org`, with its build cache `cache`); the guarded
//! writer of every command (`write`) and fixes as data (`fix`).
//!
//! The stages, one crate each (`crates/`), in the order this file runs them:
//! `source` (load) → `syntax` (parse, spans) → `ir` (resolve, lower; `expr` for the
//! condition language) → `rules` (check) → `emit` (one backend per target) → `write`.
//! `diag` holds the one diagnostic type every stage reports with.

pub mod cache;
pub mod fix;
mod limits;
pub mod org;
// The writer calls renameat2, linkat, flock (Linux) through libc: the one unsafe module.
#[allow(unsafe_code)]
pub mod write;

/// The layers, one crate each (`crates/`): a crate uses only the crates below it, so
/// an import across a wall of `../shared/ARCHITECTURE.md` does not build.
pub use forge_spec_base::{diag, par, secrets, source};
pub use forge_spec_emit as emit;
pub use forge_spec_expr as expr;
pub use forge_spec_ir as ir;
pub use forge_spec_rules as rules;
pub use forge_spec_syntax as syntax;

use diag::{Diagnostic, Diagnostics};
use source::{LoadError, SourceSet, Span};
use std::path::PathBuf;

type StageHook = Box<dyn Fn(&str) + Send + Sync>;
static ON_STAGE: std::sync::OnceLock<StageHook> = std::sync::OnceLock::new();

/// Calls `f` with the name of each stage as it starts (the command line's progress
/// display); set once per process.
pub fn on_stage(f: impl Fn(&str) + Send + Sync + 'static) {
    let _ = ON_STAGE.set(Box::new(f));
}

/// Runs one stage of the pipeline; with `FORGE_TIMINGS` set, prints its wall time to
/// stderr (`forge-spec: parse 12.3 ms`), for profiling on real specs.
pub fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if let Some(hook) = ON_STAGE.get() {
        hook(name);
    }
    if std::env::var_os("FORGE_TIMINGS").is_none() {
        return f();
    }
    let start = std::time::Instant::now();
    let r = f();
    // Resident and peak memory where the OS tells them (Linux).
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or_else(String::new, |k| format!(", {key} {} MB", k / 1024))
    };
    eprintln!(
        "forge-spec: {name} {:.1} ms{}{}",
        start.elapsed().as_secs_f64() * 1000.0,
        kb("VmRSS:"),
        kb("VmHWM:")
    );
    r
}

/// The result of loading, parsing, resolving and checking a spec.
pub struct Compilation {
    pub sources: SourceSet,
    /// The spec's model; for an organisation, its merged model (every receiver and
    /// target, the one route tree).
    pub model: Option<ir::Model>,
    pub diagnostics: Diagnostics,
    /// An organisation's teams and services (`org`); `None` for a spec of one service.
    pub org: Option<ir::org::Org>,
    /// The one service of an organisation the command line named (`services/<name>`).
    pub selected: Option<String>,
    /// The services this run compiled, for the build cache (empty without one).
    pub built: Vec<org::Built>,
    /// The files of an organisation's services, made as they were compiled.
    pub emitted: Vec<Result<emit::Output, emit::EmitError>>,
}

/// Options of a compilation.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Run only this rule code (fixtures and doc tests use it).
    pub only: Option<String>,
    /// Divide every duration of the output by this factor (end-to-end tests; 0 and 1
    /// leave durations as written).
    pub time_scale: u64,
    /// Expressions read by earlier compilations of the same spec (the language
    /// server's memo), or `None`.
    pub expressions: Option<std::sync::Arc<expr::Memo>>,
}

/// Runs every backend and scans what they produced for secrets (L006) before anything
/// is written. Returns `None`, with the findings added to the diagnostics (each shown in
/// the generated file, masked), when a secret would be written, or when there is no
/// model; an error when a file could not be serialised (a defect of forge-spec).
pub fn emit_checked(c: &mut Compilation) -> Result<Option<emit::Output>, emit::EmitError> {
    let Some(model) = c.model.as_ref() else {
        return Ok(None);
    };
    let mut output = match &mut c.org {
        Some(org) => {
            let services = std::mem::take(&mut c.emitted)
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?;
            stage("emit", || emit::emit_org(org, model, services))?
        }
        None => stage("emit", || emit::emit(model))?,
    };
    let over = match &c.org {
        Some(org) => limits::check(
            org.services.iter().filter_map(|u| u.model.as_ref()),
            &output,
        ),
        None => limits::check(std::iter::once(model), &output),
    };
    if !over.is_empty() {
        c.diagnostics.items.extend(over);
        c.diagnostics.sort();
        return Ok(None);
    }
    // What backends are handed as data from the layers that own it: the code table
    // (rule catalogue) and the spec's JSON Schema (syntax).
    output.add("docs/rules.md", emit::rules_md(rules::all_codes()));
    let schema = syntax::json_schema().map_err(|error| emit::EmitError {
        path: "schema/forge-spec.schema.json".into(),
        error,
    })?;
    emit::emit_schema(&schema, &mut output)?;
    output.seal(&c.sources.digest());
    // The rule reference is forge-spec's own text (its examples show fake secrets on
    // purpose); every other file derives from the spec and is scanned, largest first.
    let mut texts: Vec<(&String, &str)> = output
        .files
        .iter()
        .filter(|(path, _)| path.as_str() != "docs/rules.md")
        .filter_map(|(path, bytes)| Some((path, std::str::from_utf8(bytes).ok()?)))
        .collect();
    texts.sort_by_key(|(path, text)| (std::cmp::Reverse(text.len()), *path));
    let scanned = stage("scan outputs", || {
        par::map(&texts, |(_, text)| rules::scan_secrets(text))
    });
    let mut findings: Vec<_> = texts
        .into_iter()
        .zip(scanned)
        .filter(|(_, hits)| !hits.is_empty())
        .collect();
    findings.sort_by_key(|((path, _), _)| *path);
    let found = !findings.is_empty();
    for ((path, text), hits) in findings {
        // Shown with the secrets masked (same length, so spans stay right).
        let mut masked = text.to_string();
        for (range, _) in &hits {
            secrets::mask_range(&mut masked, range.clone());
        }
        let id = c.sources.add(source::SourceFile::new(
            format!("<generated>/{path}"),
            masked,
        ));
        for (range, kind) in hits {
            let shown = secrets::mask(&text[range.clone()]);
            c.diagnostics.push(
                Diagnostic::new(&rules::SECRET_IN_OUTPUT, Span::new(id, range.start, range.end), format!("generated file {path} would contain {kind} (`{shown}`)"))
                    .label("secret-shaped value in the output")
                    .help("nothing was written; find the spec value that produces it and move the secret to a `*_file` reference"),
            );
        }
    }
    c.diagnostics.sort();
    Ok(if found { None } else { Some(output) })
}

/// Records in the build cache the services this run compiled, once their files are
/// written, and forgets the services that are gone.
pub fn save_cache(c: &Compilation, cache: &cache::Cache) {
    let Some(org) = &c.org else { return };
    let units: std::collections::HashMap<&str, &ir::org::Unit> =
        org.services.iter().map(|u| (u.name.as_str(), u)).collect();
    for b in &c.built {
        if let Some(unit) = units.get(b.service.as_str()) {
            cache.save(&b.service, &b.key, unit, &b.diagnostics, &c.sources);
        }
    }
    let names: Vec<&str> = org.services.iter().map(|u| u.name.as_str()).collect();
    cache.prune(&names);
}

/// Loads the files or directories and compiles them.
pub fn compile(
    paths: &[PathBuf],
    spec_name: &str,
    opts: &Options,
) -> Result<Compilation, LoadError> {
    compile_cached(paths, spec_name, opts, None)
}

/// [`compile`] with a build cache: an organisation's services whose inputs are
/// unchanged are taken from it (a spec of one service does not use it).
pub fn compile_cached(
    paths: &[PathBuf],
    spec_name: &str,
    opts: &Options,
    cache: Option<&cache::Cache>,
) -> Result<Compilation, LoadError> {
    if let Some(layout) = org::detect(paths) {
        return org::compile(&layout, opts, cache);
    }
    let (sources, refused) = stage("load", || source::load(paths))?;
    let mut c = compile_sources(sources, spec_name, opts);
    report_refused(&mut c, refused);
    Ok(c)
}

/// Reports the files that were not read (P008).
pub fn report_refused(c: &mut Compilation, refused: Vec<source::Refused>) {
    if !refused.is_empty() {
        drop_missing_service(&mut c.diagnostics);
    }
    for r in refused {
        let id = c
            .sources
            .add(source::SourceFile::new(r.name.clone(), String::new()));
        c.diagnostics.push(
            Diagnostic::new(
                &rules::parse::UNREADABLE_FILE,
                Span::new(id, 0, 0),
                format!("{} was not read: {}", r.name, r.reason),
            )
            .help(r.help),
        );
        c.diagnostics.sort();
    }
}

/// Compiles an in-memory spec (one entry per file); files named `services/<name>/…`
/// make it an organisation.
pub fn compile_str(files: &[(&str, &str)], opts: &Options) -> Compilation {
    let mut sources = SourceSet::default();
    for (name, text) in files {
        sources.add(source::SourceFile::new(*name, *text));
    }
    if files
        .iter()
        .any(|(name, _)| org::service_of(name).is_some())
    {
        return org::compile_sources(sources, "", "organisation", opts, None);
    }
    compile_sources(sources, "spec", opts)
}

/// What the parser's error recovery dropped, across a spec's files.
#[derive(Default)]
pub(crate) struct Recovered {
    /// Definitions dropped from files that were read.
    failed: std::collections::HashSet<String>,
    /// A file could not be read at all: any name may have been defined there.
    unreadable: bool,
}

impl Recovered {
    /// Takes one file's outcome: its diagnostics, and the file if it was read.
    pub(crate) fn add(
        &mut self,
        parsed: syntax::Parsed,
        diagnostics: &mut Diagnostics,
    ) -> Option<syntax::SpecFile> {
        diagnostics.extend(parsed.diagnostics);
        match parsed.file {
            Some(f) => {
                self.failed.extend(f.failed.iter().cloned());
                Some(f)
            }
            None => {
                self.unreadable = true;
                None
            }
        }
    }

    /// Forgets the unresolved references the parse errors explain.
    pub(crate) fn forget_consequences(&self, diagnostics: &mut Diagnostics) {
        diagnostics.forget_unresolved(&self.failed, self.unreadable);
    }
}

/// The first step of every pipeline (a spec, or one service of an organisation): the
/// parsed files, each kept as far as it was read ([`Recovered`]), with the teams
/// declared out of place reported; and whether any failed to parse (a team out of
/// place is not a parse failure).
pub(crate) fn read_files(
    parsed: impl IntoIterator<Item = syntax::Parsed>,
    recovered: &mut Recovered,
    diagnostics: &mut Diagnostics,
) -> (Vec<syntax::SpecFile>, bool) {
    let before = diagnostics.items.len();
    let files: Vec<syntax::SpecFile> = parsed
        .into_iter()
        .filter_map(|p| recovered.add(p, diagnostics))
        .collect();
    let failed = diagnostics.items[before..].iter().any(|d| d.is_error());
    for f in &files {
        ir::org::misplaced_teams(f, diagnostics);
    }
    (files, failed)
}

/// Forgets "no `service:` section" (P010) when a file was not read or did not parse:
/// that file may hold the section, and its own error is already reported.
fn drop_missing_service(d: &mut Diagnostics) {
    d.items
        .retain(|x| x.code.code != rules::parse::MISSING_SERVICE.code);
}

/// Parses every file (the largest first, on as many threads as allowed); the results
/// are in file order.
pub fn parse_all(sources: &SourceSet) -> Vec<syntax::Parsed> {
    let mut ids: Vec<_> = sources.ids().collect();
    ids.sort_by_key(|id| std::cmp::Reverse(sources.get(*id).map_or(0, |f| f.text.len())));
    let parsed = par::map(&ids, |id| {
        sources.get(*id).map(|file| syntax::parse_spec(*id, file))
    });
    let mut by_id: Vec<_> = ids.into_iter().zip(parsed).collect();
    by_id.sort_by_key(|(id, _)| *id);
    by_id.into_iter().filter_map(|(_, p)| p).collect()
}

/// The exporter catalogues the files' targets use (`uses:`, and the implicit `scrape`
/// and `blackbox_exporter`), known ones only, sorted.
fn used_catalogs(files: &[syntax::SpecFile]) -> Vec<String> {
    let mut used: Vec<String> = files
        .iter()
        .flat_map(|f| {
            f.targets
                .iter()
                .flat_map(|(_, t)| syntax::catalogs::used_by(t))
        })
        .filter(|n| syntax::catalogs::get(n).is_some())
        .collect();
    used.sort();
    used.dedup();
    used
}

/// Parses the catalogue in source `id` and adds it to the files; a metric the spec
/// declares itself keeps the spec's declaration.
fn add_catalog(
    sources: &SourceSet,
    id: source::FileId,
    files: &mut Vec<syntax::SpecFile>,
    diagnostics: &mut Diagnostics,
) {
    let Some(file) = sources.get(id) else {
        return;
    };
    let declared: std::collections::HashSet<String> = files
        .iter()
        .flat_map(|f| f.metrics.iter().map(|(k, _)| k.value.clone()))
        .collect();
    match syntax::parse_file(id, file) {
        Ok(mut f) => {
            f.metrics.0.retain(|(k, _)| !declared.contains(&k.value));
            files.push(f);
        }
        Err(d) => diagnostics.push(*d),
    }
}

/// Adds the exporter catalogues the targets use as sources of their own, parsed like
/// spec files.
fn add_catalogs(
    sources: &mut SourceSet,
    files: &mut Vec<syntax::SpecFile>,
    diagnostics: &mut Diagnostics,
) {
    for name in used_catalogs(files) {
        let Some(text) = syntax::catalogs::get(&name) else {
            continue;
        };
        let id = sources.add(source::SourceFile::new(
            syntax::catalogs::file_name(&name),
            text,
        ));
        add_catalog(sources, id, files, diagnostics);
    }
}

/// Parses, resolves and checks the loaded sources. Every stage goes on after
/// non-fatal errors so that one run reports all problems.
pub fn compile_sources(sources: SourceSet, spec_name: &str, opts: &Options) -> Compilation {
    let parsed = stage("parse", || parse_all(&sources));
    compile_parsed(sources, parsed, spec_name, opts)
}

/// [`compile_sources`] of files already parsed (one [`syntax::Parsed`] per source, in
/// order): the language server parses only the files that changed.
pub fn compile_parsed(
    sources: SourceSet,
    parsed: Vec<syntax::Parsed>,
    spec_name: &str,
    opts: &Options,
) -> Compilation {
    par::set_input_size(sources.files.iter().map(|f| f.text.len()).sum());
    let mut diagnostics = Diagnostics::default();
    let mut recovered = Recovered::default();
    let (mut files, parse_failed) = read_files(parsed, &mut recovered, &mut diagnostics);
    let mut sources = sources;
    add_catalogs(&mut sources, &mut files, &mut diagnostics);
    let model = stage("resolve", || {
        ir::resolve(
            spec_name,
            &sources,
            files,
            &ir::Scope {
                time_scale: opts.time_scale,
                org_receivers: None,
                org_inhibit: Vec::new(),
                expressions: opts.expressions.clone(),
            },
            &mut diagnostics,
        )
    });
    if parse_failed {
        drop_missing_service(&mut diagnostics);
    }
    if let Some(m) = &model {
        stage("check", || {
            rules::run(m, &sources, opts.only.as_deref(), &mut diagnostics)
        });
        rules::apply_config(m, &mut diagnostics);
    }
    let mut c = Compilation {
        sources,
        model,
        diagnostics,
        org: None,
        selected: None,
        built: Vec::new(),
        emitted: Vec::new(),
    };
    // Without a model no rule ran: `--only` keeps what stopped the spec.
    let only = opts.only.as_deref().filter(|_| c.model.is_some());
    finish(&mut c, &recovered, only);
    c
}

/// The last step of every pipeline (a spec, an organisation): `--only`'s filter, the
/// findings that parse errors explain forgotten, the findings sorted.
pub(crate) fn finish(c: &mut Compilation, recovered: &Recovered, only: Option<&str>) {
    if let Some(only) = only {
        c.diagnostics.items.retain(|d| d.code.code == only);
    }
    recovered.forget_consequences(&mut c.diagnostics);
    c.diagnostics.sort();
}
