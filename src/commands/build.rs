//! `check` and `build`: the pipeline on a spec, its diagnostics, `--fix`, and the output written.

use crate::*;

pub(crate) fn run(c: &Common, build: Option<BuildArgs>, time_scale: u64) -> ExitCode {
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
    let secrets = match (&comp.model, output.files.contains_key(emit::COMPOSE_FILE)) {
        (Some(m), true) => emit::secret_files_needed(m),
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

/// `check --fix`: applies the suggested replacements (then `run` checks again); an
/// exit code when it cannot.
pub(crate) fn apply_fixes(c: &Common) -> Option<ExitCode> {
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
pub(crate) fn placeholders(out: &std::path::Path, needed: &[(String, String)], format: Format) {
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
pub(crate) const PROGRESS_FROM_BYTES: u64 = 256 * 1024;

/// A spinner on stderr naming the stage being run, for large specs in human output on
/// a terminal (never in a pipe, a CI log or a machine format).
pub(crate) fn progress(format: Format, paths: &[PathBuf]) -> Option<indicatif::ProgressBar> {
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
pub(crate) fn limit_errors(
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
