//! `diff --baseline REV`: what a change does to alerts, routes and outputs.

use crate::*;

/// `forge-spec diff`: the changes (or the errors that keep a spec from being compared);
/// exit 1 by `--fail-on`, 2 when the baseline cannot be read.
pub(crate) fn diff(
    baseline: &str,
    spec: Vec<PathBuf>,
    format: Format,
    fail_on: FailOn,
) -> ExitCode {
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
