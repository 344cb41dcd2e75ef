//! Stage 3, check: the rule catalogue. One rule per file under `rules/<family>/`,
//! its doc comment is its documentation. Codes of the parse, resolve and expression
//! stages are declared here too, so every code has one registry and one doc.
//!
//! The surface: [`run`] and [`run_files`] (every rule on a model), [`apply_config`]
//! (`lints:` and `allow:`), [`all_codes`] and [`find`] (the registry `explain` and the
//! docs read). The families are private.

#![forbid(unsafe_code)]

mod alerts;
mod dashboards;
mod deploy;
mod logs;
mod metrics;
mod names;
mod routes;
mod slos;

/// The two things of the rule families the driver names: the code of a secret found in
/// the generated output, and the scanner that finds it.
pub use logs::{SECRET_IN_OUTPUT, secret_in_spec::scan as scan_secrets};

/// The codes of the parse stage and of the condition language, declared in the bottom
/// layer (`diag::codes`).
pub use forge_spec_base::diag::codes::{exprs, parse};

use forge_spec_base::diag::{Code, Diagnostic, Diagnostics, Severity};
use forge_spec_ir::Model;

/// What a check sees: the resolved model and the source texts.
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub sources: &'a forge_spec_base::source::SourceSet,
    /// The files the model was read from (the texts a scan reads): every source of a
    /// spec, or one service's files of an organisation.
    pub files: &'a [forge_spec_base::source::FileId],
}

/// A check over the resolved model.
pub type CheckFn = fn(&Ctx<'_>, &mut Vec<Diagnostic>);

/// Every code — the bottom layer's and the model checks' — in code order. Codes are
/// unique (tested) and never reused.
pub fn all_codes() -> &'static [&'static Code] {
    static ALL: std::sync::OnceLock<Vec<&'static Code>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static Code> = forge_spec_base::diag::codes::all().collect();
        v.extend(all_checks().into_iter().map(|c| c.0));
        v.sort_by_key(|c| c.code);
        v
    })
}

/// Every model check, with the code it reports.
pub fn all_checks() -> Vec<(&'static Code, CheckFn)> {
    let mut v = Vec::new();
    for family in [
        names::CHECKS,
        metrics::CHECKS,
        slos::CHECKS,
        alerts::CHECKS,
        logs::CHECKS,
        dashboards::CHECKS,
        routes::CHECKS,
        deploy::CHECKS,
    ] {
        v.extend_from_slice(family);
    }
    v
}

/// Finds a code by its code (`A004`) or its name (`missing-runbook`).
pub fn find(key: &str) -> Option<&'static Code> {
    all_codes()
        .iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(key) || c.name == key)
}

/// Runs every check (or only `only`) over the model. A service of an organisation
/// leaves R001 (unused receiver) to the organisation: another service may send to it.
pub fn run(
    model: &Model,
    sources: &forge_spec_base::source::SourceSet,
    only: Option<&str>,
    out: &mut Diagnostics,
) {
    let files: Vec<_> = sources.ids().collect();
    run_files(model, sources, &files, only, out);
}

/// [`run`] over a model read from these files only (a service of an organisation).
pub fn run_files(
    model: &Model,
    sources: &forge_spec_base::source::SourceSet,
    files: &[forge_spec_base::source::FileId],
    only: Option<&str>,
    out: &mut Diagnostics,
) {
    run_some(
        Ctx {
            model,
            sources,
            files,
        },
        out,
        |code| {
            only.is_none_or(|o| o == code.code)
                && !(model.in_org && code.code == routes::UNUSED_RECEIVER.code)
        },
    );
}

/// The checks of an organisation's merged model (its receivers and route tree, the
/// root files' texts; the alerts are checked service by service).
pub static ORG_CHECKS: &[&Code] = &[
    &logs::LITERAL_SECRET,
    &logs::SECRET_IN_SPEC,
    &routes::UNUSED_RECEIVER,
    &routes::SHADOWED_ROUTE,
    &routes::ROUTE_TIMING,
    &routes::ROUTING_TEST_FAILED,
];

/// Runs the [`ORG_CHECKS`] (or only `only` among them) over an organisation's model,
/// read from its root `files`.
pub fn run_org(
    model: &Model,
    sources: &forge_spec_base::source::SourceSet,
    files: &[forge_spec_base::source::FileId],
    only: Option<&str>,
    out: &mut Diagnostics,
) {
    run_some(
        Ctx {
            model,
            sources,
            files,
        },
        out,
        |code| {
            ORG_CHECKS.iter().any(|c| c.code == code.code) && only.is_none_or(|o| o == code.code)
        },
    );
}

fn run_some(cx: Ctx<'_>, out: &mut Diagnostics, keep: impl Fn(&Code) -> bool) {
    let cx = &cx;
    let mut checks: Vec<(usize, &Code, CheckFn)> = all_checks()
        .into_iter()
        .filter(|(code, _)| keep(code))
        .enumerate()
        .map(|(i, (code, check))| (i, code, check))
        .collect();
    // Checks are independent: they run on as many threads as allowed, the route checks
    // first (simulating every alert through the tree is the costliest work, so it must
    // not be the last to start), and their findings are added in catalogue order (then
    // sorted with the rest).
    let route = |code: &Code| routes::CHECKS.iter().any(|(c, _)| c.code == code.code);
    checks.sort_by_key(|(i, code, _)| (!route(code), *i));
    let mut found = forge_spec_base::par::map(&checks, |(i, _, check)| {
        let mut found = Vec::new();
        check(cx, &mut found);
        (*i, found)
    });
    found.sort_by_key(|(i, _)| *i);
    for (_, found) in found {
        out.extend(found);
    }
}

/// Resolves `lints:` and `allow:` against the catalogue — unknown rules (N006), unknown
/// severities, and attempts to silence a fixed code (P009) are reported — then applies
/// them: severity overrides, and silences; allowed findings are dropped.
///
/// An `allow:` silences the diagnostics of its code about the definition it sits on
/// (`Diagnostic::subject`: by default the definition named at the primary span; the
/// check or the resolver says so when the finding points inside the definition).
pub fn apply_config(model: &Model, out: &mut Diagnostics) {
    use forge_spec_base::diag::codes::{names::UNKNOWN_RULE, parse::INVALID_VALUE};
    let mut config = Vec::new();
    let unknown = |name: &forge_spec_ir::S| {
        let known = all_codes().iter().flat_map(|c| [c.code, c.name]);
        Diagnostic::new(
            &UNKNOWN_RULE,
            name.span,
            format!("no rule is called `{}`", name.value),
        )
        .label("not a rule code or name")
        .suggest(&name.value, known, "`forge-spec explain` lists the rules")
    };
    let fixed = |code: &Code, at: &forge_spec_ir::S| {
        Diagnostic::new(
            &INVALID_VALUE,
            at.span,
            format!(
                "`{}` ({}) cannot be silenced or made a warning",
                code.name, code.code
            ),
        )
        .label("refused")
        .help(format!(
            "fix what {} reports instead; `forge-spec explain {}` says why it is fixed",
            code.code, code.code
        ))
    };
    let mut lints: std::collections::HashMap<&str, Severity> = std::collections::HashMap::new();
    for (key, sev) in &model.lints {
        let Some(code) = find(&key.value) else {
            config.push(unknown(key));
            continue;
        };
        match Severity::parse(&sev.value) {
            Some(s) if code.fixed && s != Severity::Error => config.push(fixed(code, key)),
            Some(s) => {
                lints.insert(code.code, s);
            }
            None => config.push(
                Diagnostic::new(
                    &UNKNOWN_RULE,
                    sev.span,
                    format!("`{}` is not a severity", sev.value),
                )
                .label("not a severity")
                .help("use `error`, `warning` or `allow`"),
            ),
        }
    }
    // (code, the span of the definition's name): what each `allow:` silences.
    let mut allows: std::collections::HashSet<(&str, forge_spec_base::source::Span)> =
        std::collections::HashSet::new();
    for a in &model.allows {
        match find(&a.rule.value) {
            Some(code) if code.fixed => config.push(fixed(code, &a.rule)),
            Some(code) => {
                allows.insert((code.code, a.item.span));
            }
            None => config.push(unknown(&a.rule)),
        }
    }
    for d in &mut out.items {
        if let Some(sev) = lints.get(d.code.code) {
            d.severity = *sev;
        }
        if d.subject
            .is_some_and(|s| allows.contains(&(d.code.code, s)))
        {
            d.severity = Severity::Allow;
        }
    }
    out.items.retain(|d| d.severity != Severity::Allow);
    out.extend(config);
}

/// Where the key `field` of the value at `value` starts (`api_url: 'https://…'`, in a
/// block or a flow mapping).
pub(crate) fn key_start(
    sources: &forge_spec_base::source::SourceSet,
    value: forge_spec_base::source::Span,
    field: &str,
) -> Option<u32> {
    let text = &sources.get(value.file)?.text;
    let before = text.get(..value.start as usize)?.trim_end();
    let key = before.strip_suffix(':')?.trim_end();
    let rest = key.strip_suffix(field)?;
    let whole_key = rest
        .chars()
        .last()
        .is_none_or(|c| c.is_whitespace() || c == '{' || c == ',');
    whole_key.then(|| u32::try_from(rest.len()).ok()).flatten()
}
