//! `import`: another tool's files (rules, Alertmanager, SLOs) into a spec.

use crate::*;

/// `forge-spec import`: the import's findings (on the files read), then the check of
/// the spec written (on its files); exit 1 when either has errors.
pub(crate) fn import(
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
