//! The command line: arguments → library → rendered diagnostics → exit code.
//! Exit 0 clean; 1 spec errors (or warnings with --deny-warnings) or stale output;
//! 2 usage or I/O error.

use clap::{Parser, Subcommand};
use forge_spec::diag::{Format, Severity, render};
use forge_spec::{Options, emit, rules};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "forge-spec",
    version,
    about = "Compile an observability spec into Prometheus, Alertmanager, Grafana and Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Common {
    /// Spec files or directories (default: `spec/`).
    spec: Vec<PathBuf>,
    /// Output format of diagnostics.
    #[arg(long, default_value = "human", value_parser = format_parser())]
    format: Format,
    /// Treat warnings as errors (exit 1).
    #[arg(long)]
    deny_warnings: bool,
    /// Show at most N errors, root causes first (default: all; `--format github`
    /// annotates 10 errors and 10 warnings, GitHub's limit, and logs the rest).
    #[arg(long, value_name = "N")]
    max_errors: Option<usize>,
}

#[derive(Subcommand)]
enum RoutesCommand {
    /// Print the route tree with each node's receiver.
    Show {
        /// Spec files or directories (default: `spec/`).
        #[arg(long = "spec")]
        spec: Vec<PathBuf>,
    },
    /// Print the receivers an alert with these labels reaches, and the path it took.
    Test {
        /// Spec files or directories (default: `spec/`).
        #[arg(long = "spec")]
        spec: Vec<PathBuf>,
        /// Alert labels, `name=value`.
        #[arg(required = true)]
        labels: Vec<String>,
    },
    /// For each inhibit rule, which of the spec's alerts it can silence and by which;
    /// `!` marks a silencing across subjects (another target or SLO, R010).
    Inhibits {
        /// Spec files or directories (default: `spec/`).
        #[arg(long = "spec")]
        spec: Vec<PathBuf>,
    },
    /// List every alert of the spec with its labels and the receivers it reaches
    /// (one line each: `receivers<TAB>k=v k=v`), for cross-checking with amtool.
    #[command(hide = true)]
    Alerts {
        #[arg(long = "spec")]
        spec: Vec<PathBuf>,
    },
}

/// When `diff` exits 1.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Any,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the spec and report every problem.
    Check {
        #[command(flatten)]
        common: Common,
        /// Apply every replacement the diagnostics suggest (did-you-mean) to the spec
        /// files in place, then check again; only the suggested spans change.
        #[arg(long)]
        fix: bool,
    },
    /// Validate, then write every artifact into the output directory atomically.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output directory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Write nothing; exit 1 with a unified diff when the output directory is stale.
        #[arg(long)]
        check: bool,
        /// Replace the output directory even when it holds files forge-spec did not
        /// write (everything in it is deleted). Never the spec's directory, a parent of
        /// it, the current directory or a repository root.
        #[arg(long)]
        force: bool,
        /// The build cache of an organisation: a service whose files, root files,
        /// options and compiler are unchanged since the last build is neither
        /// re-checked nor re-emitted (default: `.forge-spec-cache` in the current
        /// directory; a spec of one service does not use it). Never inside a spec
        /// directory; only the cache's own entries are ever removed from it.
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
        /// Build every service, ignoring and not writing the build cache.
        #[arg(long)]
        no_cache: bool,
        /// Divide every duration (for, rate windows, SLO windows, scrape and rule
        /// intervals, Alertmanager timers, test steps) by N: a fast variant for
        /// end-to-end tests. Thresholds are unchanged.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=3600))]
        time_scale: u64,
    },
    /// Show the Alertmanager route tree, or simulate where an alert goes.
    Routes {
        #[command(subcommand)]
        command: RoutesCommand,
    },
    /// Print the JSON Schema of the spec.
    Schema,
    /// Write a synthetic spec of N items, to try forge-spec at scale.
    ///
    /// N metrics, SLOs, alerts, routes and panels; the benchmarks use it.
    Synth {
        /// N of everything.
        #[arg(long, required_unless_present = "mixin")]
        size: Option<usize>,
        /// The size of kubernetes-mixin instead (136 rules, 23 dashboards, 253 panels).
        #[arg(long, conflicts_with = "size")]
        mixin: bool,
        /// Spread the N items over this many services of an organisation (ten teams):
        /// `org.yaml` and `services/svc-<i>/`.
        #[arg(long, requires = "size")]
        services: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the documentation of a rule (by code or name), or list all rules.
    Explain { rule: Option<String> },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// `forge-spec completions bash > ~/.local/share/bash-completion/completions/forge-spec`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Serve the Language Server Protocol on stdin and stdout (for editors).
    ///
    /// Diagnostics of the whole spec as you type, hover, go to definition, references,
    /// rename, completion and quick fixes. Run from the repository (or let the editor
    /// pass its root).
    Lsp,
    /// Print the man page (roff).
    ///
    /// `forge-spec man > forge-spec.1 && man ./forge-spec.1`
    Man,
    /// Compare the spec with a baseline: what a change breaks or reroutes.
    ///
    /// The baseline is a directory, or a git revision read with `git show`. Removed or changed metrics and what they break, SLO and alert changes,
    /// every alert whose receivers change (by the route simulator), inhibition changes,
    /// breaks of the generated Rust crate's API.
    Diff {
        /// The baseline: a directory holding the old spec, or a git revision (`HEAD~1`,
        /// `origin/main`) of this repository.
        #[arg(long)]
        baseline: String,
        /// Spec files or directories (default: `spec/`); at a git revision, the same
        /// paths are read there.
        spec: Vec<PathBuf>,
        /// Output format (`markdown` is a pull-request comment).
        #[arg(long, default_value = "human", value_parser = format_parser())]
        format: Format,
        /// Exit 1 on breaking changes (errors), on any change, or never.
        #[arg(long, value_enum, default_value = "breaking")]
        fail_on: FailOn,
    },
    /// Compare what a running service exports with the spec.
    ///
    /// Its exposition (text or OpenMetrics) from a URL, a file or `-` (stdin), or a target's series from a
    /// Prometheus server (`--prometheus URL --target NAME`).
    LiveCheck {
        /// `http://host:port/metrics`, a file, or `-`.
        #[arg(required_unless_present = "prometheus")]
        source: Option<String>,
        /// Spec files or directories (default: `spec/`).
        #[arg(long = "spec")]
        spec: Vec<PathBuf>,
        /// The target (scrape job) the exposition is of (default: the first target
        /// exporting the service's own metrics).
        #[arg(long)]
        target: Option<String>,
        /// Read the target's series and metadata from this Prometheus server instead.
        #[arg(long, requires = "target")]
        prometheus: Option<String>,
        /// Give up reading after this many seconds in all (connecting, every byte).
        #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        timeout: u64,
        /// Output format.
        #[arg(long, default_value = "human", value_parser = format_parser())]
        format: Format,
    },
    /// Write a spec from another tool's files.
    ///
    /// Prometheus rule files, an Alertmanager configuration, Sloth, Pyrra or OpenSLO
    /// SLOs. Reports what has no equivalent and
    /// every literal secret (replaced by a `*_file` reference, never copied), then
    /// checks the spec written.
    Import {
        /// What the files are.
        #[arg(value_enum)]
        kind: forge_spec::import::Kind,
        /// The files (or directories) to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Directory to write the spec files into; a file already there is never
        /// replaced.
        #[arg(long, default_value = "imported")]
        out: PathBuf,
        /// The service's name (default: the `service` label every rule carries, else
        /// the first file's name without extension).
        #[arg(long)]
        service: Option<String>,
        /// Output format of diagnostics.
        #[arg(long, default_value = "human", value_parser = format_parser())]
        format: Format,
    },
}

fn main() -> ExitCode {
    // promql-parser can panic on hostile input; `expr::promql::parse` turns that into a
    // diagnostic, and no panic message is printed meanwhile.
    forge_spec::expr::promql::quiet_parser_panics();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Check { common, fix } => {
            if fix && let Some(code) = apply_fixes(&common) {
                return code;
            }
            run(&common, None, 1)
        }
        Command::Build {
            common,
            out,
            check,
            force,
            cache,
            no_cache,
            time_scale,
        } => {
            // `--check` compares everything a build would write: no cache.
            let explicit = cache.is_some();
            let cache = cache.unwrap_or_else(|| PathBuf::from(".forge-spec-cache"));
            let cache = (!no_cache && !check).then_some(cache);
            // A cache inside a spec directory would be read as spec, and its pruning
            // would touch the spec: refused when named, not used when it is the default.
            let specs = spec_paths(common.spec.clone());
            let cache = match cache {
                Some(dir) if forge_spec::cache::inside_spec(&dir, &specs) => {
                    if explicit {
                        eprintln!(
                            "error: refusing the build cache {}: it is inside the spec directory\n  help: name a cache directory outside the spec (or pass --no-cache)",
                            dir.display()
                        );
                        return ExitCode::from(2);
                    }
                    None
                }
                other => other,
            };
            run(&common, Some((out, check, force, cache)), time_scale)
        }
        Command::Schema => {
            let schema = forge_spec::syntax::json_schema().and_then(|s| emit::schema::render(&s));
            match schema {
                Ok(text) => {
                    stdout(&text);
                    ExitCode::SUCCESS
                }
                Err(e) => internal(&e),
            }
        }
        Command::Explain { rule } => explain(rule.as_deref()),
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "forge-spec", &mut out);
            stdout(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Lsp => match forge_spec::lsp::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: language server: {e}");
                ExitCode::from(2)
            }
        },
        Command::Man => {
            use clap::CommandFactory as _;
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => {
                    stdout(&String::from_utf8_lossy(&out));
                    ExitCode::SUCCESS
                }
                Err(e) => internal(&e),
            }
        }
        Command::Diff {
            baseline,
            spec,
            format,
            fail_on,
        } => diff(&baseline, spec, format, fail_on),
        Command::LiveCheck {
            source,
            spec,
            target,
            prometheus,
            timeout,
            format,
        } => live_check(
            source,
            spec,
            target,
            prometheus,
            std::time::Duration::from_secs(timeout),
            format,
        ),
        Command::Import {
            kind,
            files,
            out,
            service,
            format,
        } => import(kind, &files, &out, service, format),
        Command::Routes { command } => routes(command),
        Command::Synth {
            size,
            mixin,
            services,
            seed,
            out,
        } => {
            use forge_spec::synth::Shape;
            let shape = match size {
                Some(n) if !mixin => Shape::uniform(n),
                _ => Shape::mixin(),
            };
            let files = match (services, size) {
                (Some(services), Some(n)) => forge_spec::synth::generate_org(n, services, seed),
                _ => forge_spec::synth::generate_shape(shape, seed),
            };
            let files: Vec<(String, Vec<u8>)> = files
                .into_iter()
                .map(|(n, t)| (n, t.into_bytes()))
                .collect();
            match forge_spec::write::write_new(
                &out,
                &files,
                forge_spec::write::NewFiles::IntoEmptyDir,
            ) {
                Ok(_) => ExitCode::SUCCESS,
                // Refused as `build --out` refuses: exit 2, nothing written.
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// A defect of forge-spec, not of the spec: said plainly, nothing written, exit 2.
fn internal(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: internal error: {e}");
    eprintln!("nothing written; this is a bug in forge-spec, please report it with the spec");
    ExitCode::from(2)
}

/// Loads a spec for `routes`; prints diagnostics and returns None when it has errors.
fn load_model(spec: &[PathBuf]) -> Result<forge_spec::Compilation, ExitCode> {
    let paths = spec_paths(spec.to_vec());
    let comp = forge_spec::compile(&paths, "spec", &Options::default()).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    if comp.diagnostics.has_errors() {
        eprint!(
            "{}",
            render(Format::Human, &comp.diagnostics.items, &comp.sources, false)
        );
        return Err(ExitCode::from(1));
    }
    if comp.model.is_none() {
        return Err(ExitCode::from(1));
    }
    Ok(comp)
}

fn routes(cmd: RoutesCommand) -> ExitCode {
    use forge_spec::ir::routing;
    let spec = match &cmd {
        RoutesCommand::Show { spec }
        | RoutesCommand::Test { spec, .. }
        | RoutesCommand::Inhibits { spec }
        | RoutesCommand::Alerts { spec } => spec.clone(),
    };
    let comp = match load_model(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(model) = &comp.model else {
        return ExitCode::from(1);
    };
    let Some(r) = &model.routing else {
        eprintln!("error: the spec has no `routing:` section");
        return ExitCode::from(1);
    };
    match cmd {
        RoutesCommand::Show { .. } => stdout(&routing::show(&r.root)),
        RoutesCommand::Test { labels, .. } => {
            let mut set = routing::Labels::new();
            for kv in &labels {
                let Some((k, v)) = kv.split_once('=') else {
                    eprintln!("error: `{kv}` is not `name=value`");
                    return ExitCode::from(2);
                };
                set.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
            }
            let mut s = String::new();
            for d in routing::simulate(&r.root, &set) {
                s.push_str(&format!("{}\n", d.receiver));
                let mut node = &r.root;
                s.push_str("  root\n");
                for (depth, i) in d.path.iter().enumerate() {
                    let Some(next) = node.routes.get(*i) else {
                        break;
                    };
                    node = next;
                    s.push_str(&format!(
                        "  {}└ route {} ({})\n",
                        "  ".repeat(depth),
                        i + 1,
                        routing::describe(node)
                    ));
                }
            }
            stdout(&s);
        }
        RoutesCommand::Inhibits { .. } => {
            let mut s = String::new();
            let all = match &comp.org {
                // An organisation's alerts are its services', named `service/alert`.
                Some(org) => {
                    let (alerts, about): (Vec<_>, Vec<std::collections::BTreeSet<String>>) = org
                        .services
                        .iter()
                        .flat_map(|u| {
                            u.summary.alerts.iter().map(|(name, l, about)| {
                                let alert =
                                    (format!("{}/{name}", u.name), Default::default(), l.clone());
                                (alert, about.iter().cloned().collect())
                            })
                        })
                        .unzip();
                    routing::inhibitions_among(&r.inhibit, &alerts, &about)
                }
                None => routing::inhibitions(model),
            };
            for (i, rule) in r.inhibit.iter().enumerate() {
                let side = |ms: &[(forge_spec::ir::S, forge_spec::ir::S)]| {
                    ms.iter()
                        .map(|(k, v)| format!("{}={}", k.value, v.value))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                let equal: Vec<&str> = rule.equal.iter().map(|e| e.value.as_str()).collect();
                s.push_str(&format!(
                    "inhibit {} silences {} (equal: {})\n",
                    side(&rule.source),
                    side(&rule.target),
                    equal.join(", ")
                ));
                for x in all.iter().filter(|x| x.rule == i) {
                    let more = x.count.saturating_sub(x.by.len());
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    let mark = match &x.across {
                        Some((src, a, b)) => format!(
                            "  ! {src} ({a}) is about something else than {} ({b})",
                            x.target
                        ),
                        None => String::new(),
                    };
                    s.push_str(&format!(
                        "  {} <- {}{more}{mark}\n",
                        x.target,
                        x.by.join(", ")
                    ));
                }
            }
            stdout(&forge_spec::secrets::redact(&s));
        }
        RoutesCommand::Alerts { .. } => {
            let mut s = String::new();
            let sim = routing::Simulator::new(&r.root);
            // An organisation's alerts are its services'; the tree is the merged one.
            let alerts: Vec<routing::Labels> = match &comp.org {
                Some(org) => org
                    .services
                    .iter()
                    .flat_map(|u| u.summary.alerts.iter().map(|(_, l, _)| l.clone()))
                    .collect(),
                None => routing::alert_labels(model)
                    .into_iter()
                    .map(|(_, _, l)| l)
                    .collect(),
            };
            for labels in alerts {
                let got: Vec<String> = sim
                    .simulate(&labels)
                    .into_iter()
                    .map(|d| d.receiver)
                    .collect();
                let kv: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                s.push_str(&format!("{}\t{}\n", got.join(","), kv.join(" ")));
            }
            stdout(&s);
        }
    }
    ExitCode::SUCCESS
}

/// Writes to stdout, ignoring a closed pipe (`forge-spec explain | head`).
fn stdout(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn explain(rule: Option<&str>) -> ExitCode {
    match rule {
        None => {
            let mut s = String::new();
            // Aligned columns: `Severity`'s Display ignores widths, so pad its text.
            let codes = rules::all_codes();
            let width = codes.iter().map(|c| c.name.len()).max().unwrap_or(0);
            for c in codes {
                s.push_str(&format!(
                    "{}  {:<width$}  {:<7}  {}\n",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    c.summary()
                ));
            }
            stdout(&s);
            ExitCode::SUCCESS
        }
        Some(key) => match rules::find(key) {
            Some(c) => {
                let mut s = format!("# {} `{}` (default: {})\n\n", c.code, c.name, c.severity);
                for line in c.doc.lines() {
                    s.push_str(line.strip_prefix(' ').unwrap_or(line));
                    s.push('\n');
                }
                stdout(&s);
                ExitCode::SUCCESS
            }
            None => {
                let all = rules::all_codes();
                let hint =
                    forge_spec::diag::did_you_mean(key, all.iter().flat_map(|c| [c.code, c.name]))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                eprintln!(
                    "error: no rule is called `{key}`{hint}; `forge-spec explain` lists them"
                );
                ExitCode::from(2)
            }
        },
    }
}

/// What `build` adds to `check`: the output directory, `--check`, `--force`, the cache.
type BuildArgs = (PathBuf, bool, bool, Option<PathBuf>);

fn run(c: &Common, build: Option<BuildArgs>, time_scale: u64) -> ExitCode {
    let paths = spec_paths(c.spec.clone());
    let spec_name = paths
        .iter()
        .map(|p| forge_spec::source::display_name(p))
        .collect::<Vec<_>>()
        .join(", ");
    let opts = Options {
        time_scale,
        ..Options::default()
    };
    let cache = build.as_ref().and_then(|(out, _, _, dir)| {
        let dir = dir.as_ref()?;
        Some(forge_spec::cache::Cache::new(dir, out))
    });
    let progress = progress(c.format, &paths);
    let mut comp = match forge_spec::compile_cached(&paths, &spec_name, &opts, cache.as_ref()) {
        Ok(comp) => comp,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let color = colored(c.format);
    // `check` and `build` run the same stages: a spec without errors is emitted, and
    // the output scanned for secrets (L006), so `check` passes only what `build` writes.
    let output = if comp.diagnostics.has_errors() {
        None
    } else {
        match forge_spec::emit_checked(&mut comp) {
            Ok(output) => output,
            Err(e) => return internal(&e),
        }
    };
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let (shown, hidden) = limit_errors(&comp.diagnostics.items, c.max_errors);
    let text = render(c.format, &shown, &comp.sources, color);
    let errors = comp.diagnostics.count(Severity::Error);
    let warnings = comp.diagnostics.count(Severity::Warning);
    if c.format == Format::Human {
        eprint!("{text}");
        // Always a last line, so a clean run is visibly a run.
        if hidden > 0 {
            eprintln!("{hidden} more error(s) not shown (--max-errors)");
        }
        eprintln!("{spec_name}: {errors} error(s), {warnings} warning(s)");
    } else {
        stdout(&text);
    }
    let failed = errors > 0 || (c.deny_warnings && warnings > 0);
    let wants_output = build.is_some();
    if let Some(cache) = &cache {
        for note in cache.notes() {
            eprintln!("note: {note}");
        }
    }
    let (Some((out, check, force, _)), Some(output)) = (build, output) else {
        return if failed || comp.model.is_none() {
            if wants_output {
                eprintln!("nothing written: fix the errors above");
            }
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    };
    if failed {
        eprintln!("nothing written: fix the errors above");
        return ExitCode::from(1);
    }
    if check {
        let stale = forge_spec::write::check(&output, &out);
        if stale.is_empty() {
            return ExitCode::SUCCESS;
        }
        let mut so = std::io::stdout().lock();
        for s in &stale {
            let _ = so.write_all(forge_spec::secrets::redact(&s.render()).as_bytes());
        }
        eprintln!(
            "{} is stale: {} file(s) differ; run `forge-spec build`",
            out.display(),
            stale.len()
        );
        return ExitCode::from(1);
    }
    let count = output.files.len() + output.reused.len();
    let secrets = match (&comp.model, output.files.contains_key(emit::compose::FILE)) {
        (Some(m), true) => emit::compose::secret_files_needed(m),
        _ => Vec::new(),
    };
    if forge_spec::write::up_to_date(&output, &out) {
        placeholders(&out, &secrets, c.format);
        if let Some(cache) = &cache {
            forge_spec::save_cache(&comp, cache);
        }
        if c.format == Format::Human {
            eprintln!(
                "{} is up to date ({count} files, none changed)",
                out.display()
            );
        }
        return ExitCode::SUCCESS;
    }
    let target = forge_spec::write::Target {
        out: out.clone(),
        specs: paths.clone(),
        force,
        keep_previous: cache.is_some() && comp.org.is_some(),
    };
    let written = forge_spec::stage("write", || {
        forge_spec::write::write_atomic(&output, &target)
    });
    if let (Ok(()), Some(cache)) = (&written, &cache) {
        forge_spec::save_cache(&comp, cache);
    }
    // The process ends here: letting the OS take back the model and the output at exit
    // is much cheaper than freeing them piece by piece (a tenth of the run at scale).
    std::mem::forget(output);
    std::mem::forget(comp);
    match written {
        Ok(()) => {
            if c.format == Format::Human {
                eprintln!("wrote {count} files to {}", out.display());
            }
            placeholders(&out, &secrets, c.format);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing written");
            ExitCode::from(2)
        }
    }
}

/// `forge-spec import`: the import's findings (on the files read), then the check of
/// the spec written (on its files); exit 1 when either has errors.
fn import(
    kind: forge_spec::import::Kind,
    files: &[PathBuf],
    out: &std::path::Path,
    service: Option<String>,
    format: Format,
) -> ExitCode {
    let imported = match forge_spec::import::import(kind, files, service.as_deref(), out) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let color = colored(format);
    let found = &imported.diagnostics;
    let checked = &imported.check.diagnostics;
    let text = render(format, &found.items, &imported.sources, color)
        + &render(format, &checked.items, &imported.check.sources, color);
    if format == Format::Human {
        eprint!("{text}");
    } else {
        stdout(&text);
    }
    if found.has_errors() {
        eprintln!("nothing written: the files above could not be read");
        return ExitCode::from(1);
    }
    // Never replace a file: the import writes only new files, all or none.
    let files: Vec<(String, Vec<u8>)> = imported
        .files
        .iter()
        .map(|(n, t)| (n.clone(), t.as_bytes().to_vec()))
        .collect();
    match forge_spec::write::write_new(out, &files, forge_spec::write::NewFiles::BesideOthers) {
        Ok(_) => {}
        Err(e @ forge_spec::write::WriteError::Refused { .. }) => {
            eprintln!("error: {e}\nnothing written");
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing written");
            return ExitCode::from(2);
        }
    }
    let errors = found.count(Severity::Error) + checked.count(Severity::Error);
    let warnings = found.count(Severity::Warning) + checked.count(Severity::Warning);
    eprintln!(
        "wrote {} files to {}; {errors} error(s), {warnings} warning(s) (`forge-spec check {}` shows them again)",
        imported.files.len(),
        out.display(),
        out.display()
    );
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `forge-spec diff`: the changes (or the errors that keep a spec from being compared);
/// exit 1 by `--fail-on`, 2 when the baseline cannot be read.
fn diff(baseline: &str, spec: Vec<PathBuf>, format: Format, fail_on: FailOn) -> ExitCode {
    let paths = spec_paths(spec);
    let d = match forge_spec::diff::diff(baseline, &paths) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let color = colored(format);
    if d.errors.has_errors() {
        eprint!(
            "{}",
            render(Format::Human, &d.errors.items, &d.sources, color)
        );
        eprintln!("not compared: fix the errors above");
        return ExitCode::from(1);
    }
    if d.baseline_errors > 0 {
        eprintln!(
            "note: the baseline {baseline} has {} error(s) (not shown; the change may fix them){}",
            d.baseline_errors,
            if d.baseline_compared {
                "; compared with what of it resolves"
            } else {
                "; it does not resolve, so nothing was compared"
            }
        );
    }
    let text = render(format, &d.changes, &d.sources, color);
    let breaking = d.changes.iter().filter(|c| c.is_error()).count();
    let changes = d.changes.len();
    if format == Format::Human {
        eprint!("{text}");
        eprintln!("{breaking} breaking change(s), {changes} change(s) against {baseline}");
    } else {
        stdout(&text);
    }
    let failed = match fail_on {
        FailOn::Breaking => breaking > 0,
        FailOn::Any => changes > 0,
        FailOn::Never => false,
    };
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `forge-spec live-check`: exit 1 on errors (a metric, label or value the spec does not
/// allow), 2 when the exposition or the spec cannot be read.
fn live_check(
    source: Option<String>,
    spec: Vec<PathBuf>,
    target: Option<String>,
    prometheus: Option<String>,
    timeout: std::time::Duration,
    format: Format,
) -> ExitCode {
    let paths = spec_paths(spec);
    let mut comp = match forge_spec::compile(&paths, "spec", &Options::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let color = colored(format);
    let Some(model) = comp
        .model
        .as_ref()
        .filter(|_| !comp.diagnostics.has_errors())
    else {
        eprint!(
            "{}",
            render(Format::Human, &comp.diagnostics.items, &comp.sources, color)
        );
        eprintln!("not checked: fix the spec's errors first");
        return ExitCode::from(1);
    };
    let read = match (&prometheus, &source) {
        (Some(url), _) => {
            let t = target.as_deref().unwrap_or_default();
            forge_spec::live::from_prometheus(url, t, timeout).map(|mut f| {
                let listing = forge_spec::live::listing(url, t, &mut f);
                (Some(comp.sources.add(listing)), f)
            })
        }
        (None, Some(src)) => {
            forge_spec::live::read(src, &mut comp.sources, timeout).map(|(id, f)| (Some(id), f))
        }
        (None, None) => Err("give an exposition (URL, file or -) or --prometheus".into()),
    };
    let (file, families) = match read {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let found = forge_spec::live::compare(model, target.as_deref(), &families, file);
    let text = render(format, &found, &comp.sources, color);
    let errors = found.iter().filter(|d| d.is_error()).count();
    if format == Format::Human {
        eprint!("{text}");
        eprintln!(
            "{} metric families checked: {errors} error(s), {} warning(s)",
            families.len(),
            found.len() - errors
        );
    } else {
        stdout(&text);
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `check --fix`: applies the suggested replacements (then `run` checks again); an
/// exit code when it cannot.
fn apply_fixes(c: &Common) -> Option<ExitCode> {
    let paths = spec_paths(c.spec.clone());
    let comp = match forge_spec::compile(&paths, "spec", &Options::default()) {
        Ok(comp) => comp,
        Err(e) => {
            eprintln!("error: {e}");
            return Some(ExitCode::from(2));
        }
    };
    let mut total = 0;
    // Literal secrets move to the secrets directory beside the output (`secrets/`).
    // (beside the spec directory, wherever the command runs).
    let secrets = forge_spec::write::spec_secrets_dir(&paths);
    let mut save = |secret: &forge_spec::fix::MovedSecret| {
        let Some(secrets) = &secrets else {
            eprintln!(
                "not fixed: the secrets directory would be inside the spec directory; move the secret by hand"
            );
            return false;
        };
        let path = secrets.join(&secret.name);
        let (saved, said) = match forge_spec::fix::save_secret(secrets, secret) {
            Ok(true) => (true, format!("moved a secret to {}", path.display())),
            Ok(false) => (
                false,
                format!(
                    "not fixed: {} holds another value; move the secret by hand",
                    path.display()
                ),
            ),
            Err(e) => (
                false,
                format!("not fixed: cannot write {}: {e}", path.display()),
            ),
        };
        eprintln!("{said}");
        saved
    };
    let (fixes, dropped) =
        forge_spec::fix::verified(&comp, forge_spec::fix::fixes(&comp, &mut save));
    for (path, n) in dropped {
        eprintln!(
            "not fixed: {n} edit(s) in {} (they would leave the spec worse: it would not parse, or have more errors)",
            path.display()
        );
    }
    for fixed in fixes {
        let Some(before) = comp
            .sources
            .files
            .iter()
            .find(|f| std::path::Path::new(&f.name) == fixed.path)
        else {
            continue;
        };
        match forge_spec::fix::write(&fixed, &before.text) {
            Ok(()) => {
                total += fixed.edits;
                eprintln!("fixed {} in {}", fixed.edits, fixed.path.display());
            }
            Err(e) => {
                eprintln!("error: cannot fix {}: {e}", fixed.path.display());
                return Some(ExitCode::from(2));
            }
        }
    }
    if total == 0 {
        eprintln!("nothing to fix: no diagnostic suggests a replacement");
    }
    None
}

/// Creates the compose stack's missing secret files beside the output directory and
/// says which; a failure to is a note, not an error (the build itself succeeded).
fn placeholders(out: &std::path::Path, needed: &[(String, String)], format: Format) {
    if needed.is_empty() {
        return;
    }
    let dir = forge_spec::write::secrets_dir(out);
    match forge_spec::write::secret_placeholders(&dir, needed) {
        Ok(created) if !created.is_empty() && format == Format::Human => {
            let names: Vec<String> = created
                .iter()
                .filter_map(|p| Some(p.file_name()?.to_string_lossy().into_owned()))
                .collect();
            eprintln!(
                "created {} (placeholders for the compose stack: put the real secrets in them; never committed)",
                names
                    .iter()
                    .map(|n| dir.join(n).display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        Ok(_) => {}
        Err(e) => eprintln!(
            "note: could not create the secret placeholders in {}: {e}",
            dir.display()
        ),
    }
}

/// Specs this large (bytes of spec files) take long enough to show progress.
const PROGRESS_FROM_BYTES: u64 = 256 * 1024;

/// A spinner on stderr naming the stage being run, for large specs in human output on
/// a terminal (never in a pipe, a CI log or a machine format).
fn progress(format: Format, paths: &[PathBuf]) -> Option<indicatif::ProgressBar> {
    fn size(p: &std::path::Path) -> u64 {
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|e| size(&e.path()))
                .sum(),
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    if format != Format::Human
        || !std::io::stderr().is_terminal()
        || std::env::var("TERM").as_deref() == Ok("dumb")
        || paths.iter().map(|p| size(p)).sum::<u64>() < PROGRESS_FROM_BYTES
    {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    let shown = bar.clone();
    forge_spec::on_stage(move |stage| shown.set_message(stage.to_string()));
    Some(bar)
}

/// The first `max` errors and every warning, and how many errors were left out.
fn limit_errors(
    items: &[forge_spec::diag::Diagnostic],
    max: Option<usize>,
) -> (std::borrow::Cow<'_, [forge_spec::diag::Diagnostic]>, usize) {
    let Some(max) = max else {
        return (std::borrow::Cow::Borrowed(items), 0);
    };
    let mut errors = 0;
    let mut shown = Vec::with_capacity(items.len().min(max + 64));
    for d in items {
        if d.is_error() {
            errors += 1;
            if errors > max {
                continue;
            }
        }
        shown.push(d.clone());
    }
    (std::borrow::Cow::Owned(shown), errors.saturating_sub(max))
}

/// Whether human output is coloured, by the conventions terminals and tools share:
/// `NO_COLOR` (set and not empty) turns colour off; else `CLICOLOR_FORCE` (set and
/// not `0`) turns it on even in a pipe; else colour on a terminal whose `TERM` is not
/// `dumb`.
/// The output formats as clap reads them (the names, listed in help and completions);
/// `base` knows no clap.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Format::ALL.map(|(name, _)| name))
        .map(|name| Format::from_name(&name).unwrap_or(Format::Human))
}

fn colored(format: Format) -> bool {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    format == Format::Human
        && color_choice(
            var("NO_COLOR").is_some(),
            var("CLICOLOR_FORCE").is_some_and(|v| v != "0"),
            var("TERM").as_deref() == Some("dumb"),
            std::io::stderr().is_terminal(),
        )
}

fn color_choice(no_color: bool, force: bool, dumb: bool, terminal: bool) -> bool {
    !no_color && (force || (terminal && !dumb))
}

/// The spec paths given, or `spec/`.
fn spec_paths(given: Vec<PathBuf>) -> Vec<PathBuf> {
    if given.is_empty() {
        vec![PathBuf::from("spec")]
    } else {
        given
    }
}
