//! The command line: arguments → library → rendered diagnostics → exit code.
//! Exit 0 clean; 1 spec errors (or warnings with --deny-warnings) or stale output;
//! 2 usage or I/O error.

use clap::{Parser, Subcommand};
use forge_spec::diag::{Format, Severity, render};
use forge_spec::{Options, emit, rules};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod commands;
use commands::*;

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
            let schema = forge_spec::syntax::json_schema().and_then(|s| emit::render_schema(&s));
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

/// Writes to stdout, ignoring a closed pipe (`forge-spec explain | head`).
fn stdout(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// What `build` adds to `check`: the output directory, `--check`, `--force`, the cache.
type BuildArgs = (PathBuf, bool, bool, Option<PathBuf>);

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
