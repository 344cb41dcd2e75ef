//! `live-check`: a running service's series against the spec.

use crate::*;

/// `forge-spec live-check`: exit 1 on errors (a metric, label or value the spec does not
/// allow), 2 when the exposition or the spec cannot be read.
pub(crate) fn live_check(
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
