//! Stage 1, parse: YAML text → `SpecFile` structs with spans (serde-saphyr), with
//! input budgets; reader errors become P-family diagnostics.

#![forbid(unsafe_code)]

pub mod catalogs;
pub mod closed;
mod incremental;
pub mod integrations;
pub mod matcher;
mod model;
pub mod outputs;
mod recover;
mod shift;
mod spanned;

pub use incremental::{reparse, splice};
pub use integrations::Receiver;
pub use model::*;
pub use recover::{MAX_RECOVERIES, Parsed, parse_spec};
pub use spanned::{Map, Quantity, Spanned};

use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::parse as p;
use forge_spec_base::source::{FileId, SourceFile, Span};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Error, Options};

/// Maximum nesting of YAML collections; deeper input is refused with P006.
pub const MAX_DEPTH: usize = 64;
/// Maximum parser events per file (scalars, collection starts and ends).
pub const MAX_EVENTS: usize = 2_000_000;
/// Maximum aliases per file.
pub const MAX_ALIASES: usize = 1_000;

fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_events = MAX_EVENTS;
    budget.max_nodes = MAX_EVENTS;
    budget.max_total_scalar_bytes = forge_spec_base::source::MAX_FILE_BYTES as usize;
    budget.max_aliases = MAX_ALIASES;
    budget.max_anchors = MAX_ALIASES;
    let mut opts = Options::default();
    opts.budget = Some(budget);
    opts.duplicate_keys = DuplicateKeyPolicy::Error;
    opts.alias_limits.max_total_replayed_events = 100_000;
    opts.alias_limits.max_alias_expansions_per_anchor = 100;
    opts
}

/// Parses one file. A file that does not parse yields exactly one P diagnostic.
pub fn parse_file(id: FileId, file: &SourceFile) -> Result<SpecFile, Box<Diagnostic>> {
    if file.text.trim().is_empty() {
        return Ok(SpecFile::default());
    }
    parse_as(id, file)
}

/// Parses one file into `T` — the spec's structs, or another tool's format (`import`)
/// — with the spec's input budgets, and reader errors as P diagnostics with spans.
pub fn parse_as<T: serde::de::DeserializeOwned>(
    id: FileId,
    file: &SourceFile,
) -> Result<T, Box<Diagnostic>> {
    if let Some((range, shown)) =
        forge_spec_base::diag::codes::parse::control_character::find(&file.text)
    {
        return Err(Box::new(
            Diagnostic::new(
                &p::CONTROL_CHARACTER,
                Span::new(id, range.start, range.end),
                format!("a control character ({shown}) in the spec"),
            )
            .label("control character")
            .help("remove it: names and texts of the spec reach terminals, chats and dashboards, where control characters rewrite what is shown"),
        ));
    }
    spanned::with_file(id, || {
        serde_saphyr::from_str_with_options::<T>(&file.text, options())
    })
    .map_err(|e| Box::new(reader_error(id, file, &e)))
}

/// [`parse_as`] for a file of several YAML documents (`---`), each a `T`.
pub fn parse_all<T: serde::de::DeserializeOwned>(
    id: FileId,
    file: &SourceFile,
) -> Result<Vec<T>, Box<Diagnostic>> {
    spanned::with_file(id, || {
        serde_saphyr::from_multiple_with_options::<T>(&file.text, options())
    })
    .map_err(|e| Box::new(reader_error(id, file, &e)))
}

/// Turns a reader error into a diagnostic with the right P code.
fn reader_error(id: FileId, file: &SourceFile, e: &Error) -> Diagnostic {
    let span = e
        .location()
        .map(|loc| spanned::with_file(id, || spanned::span_of(&loc)))
        .filter(|s| !(s.start == 0 && s.end == 0) || file.text.is_empty())
        .unwrap_or_else(|| line_span(id, file, e));
    let span = if span.is_empty() {
        widen(file, span)
    } else {
        span
    };
    match e {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let d = Diagnostic::new(&p::UNKNOWN_KEY, span, format!("unknown key `{field}`"))
                .label("not a key here");
            d.suggest(
                field,
                expected.iter().copied(),
                format!("expected one of: {}", expected.join(", ")),
            )
        }
        Error::SerdeMissingField { field, .. } => Diagnostic::new(
            &p::MISSING_KEY,
            span,
            format!("missing required key `{field}`"),
        )
        .label(format!("`{field}` is required in this mapping"))
        .help(format!("add `{field}:` here")),
        Error::DuplicateMappingKey { key, .. } => {
            let key = key.clone().unwrap_or_default();
            Diagnostic::new(&p::DUPLICATE_KEY, span, format!("duplicate key `{key}`"))
                .label("defined again here")
                .help("a key may appear once per mapping: remove or rename one of them")
        }
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Diagnostic::new(
            &p::WRONG_TYPE,
            span,
            format!("expected {expected}, found {unexpected}"),
        )
        .label(format!("expected {expected}"))
        .help("see `forge-spec schema` for the shape of each section"),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let d = Diagnostic::new(&p::WRONG_TYPE, span, format!("unknown value `{variant}`"));
            d.suggest(
                variant,
                expected.iter().copied(),
                format!("expected one of: {}", expected.join(", ")),
            )
        }
        Error::Budget { breach, .. } => Diagnostic::new(
            &p::INPUT_BUDGET_EXCEEDED,
            span,
            format!("the file exceeds an input budget: {breach:?}"),
        )
        .label("reading stopped here")
        .help(format!(
            "specs are limited to {MAX_DEPTH} levels of nesting, {MAX_EVENTS} YAML nodes and \
             {MAX_ALIASES} aliases per file; split the file or remove the aliases"
        )),
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => Diagnostic::new(
            &p::INPUT_BUDGET_EXCEEDED,
            span,
            "alias expansion exceeds the input budget (an alias bomb?)",
        )
        .label("expansion stopped here")
        .help("expand the aliases by hand; a spec needs no repeated alias expansion"),
        Error::AliasError { error, .. } => reader_error(id, file, error),
        _ => {
            let msg = e.without_snippet().to_string();
            let msg = msg.lines().next().unwrap_or("invalid YAML").to_string();
            let msg = match msg.rfind(" at line ") {
                Some(i) => msg[..i].to_string(),
                None => msg,
            };
            let lower = msg.to_lowercase();
            if let Some(key) = msg.strip_prefix("duplicate mapping key: ") {
                let key = key.split(',').next().unwrap_or(key);
                return Diagnostic::new(&p::DUPLICATE_KEY, span, format!("duplicate key `{key}`"))
                    .label("defined again here")
                    .help("a key may appear once per mapping: remove or rename one of them");
            }
            if let Some(rest) = msg.strip_prefix("missing field `") {
                let field = rest.split('`').next().unwrap_or("");
                return Diagnostic::new(
                    &p::MISSING_KEY,
                    span,
                    format!("missing required key `{field}`"),
                )
                .label(format!("`{field}` is required in this mapping"))
                .help(format!("add `{field}:` here"));
            }
            if let Some(rest) = msg.strip_prefix("unknown field `") {
                let field = rest.split('`').next().unwrap_or("");
                let expected: Vec<&str> = rest
                    .split_once("expected one of ")
                    .map(|(_, list)| {
                        list.split(" at line")
                            .next()
                            .unwrap_or(list)
                            .split(", ")
                            .map(|s| s.trim_matches('`'))
                            .collect()
                    })
                    .unwrap_or_default();
                let d = Diagnostic::new(&p::UNKNOWN_KEY, span, format!("unknown key `{field}`"))
                    .label("not a key here");
                return d.suggest(
                    field,
                    expected.iter().copied(),
                    format!("expected one of: {}", expected.join(", ")),
                );
            }
            if let Some(rest) = msg.strip_prefix("unknown variant `") {
                let variant = rest.split('`').next().unwrap_or("");
                let expected: Vec<&str> = rest
                    .split_once("expected one of ")
                    .or_else(|| rest.split_once("expected "))
                    .map(|(_, list)| list.split(", ").map(|s| s.trim_matches('`')).collect())
                    .unwrap_or_default();
                let d = Diagnostic::new(&p::WRONG_TYPE, span, format!("unknown value `{variant}`"));
                return d.suggest(
                    variant,
                    expected.iter().copied(),
                    format!("expected one of: {}", expected.join(", ")),
                );
            }
            // What the reader says of a name in the spec (a key, a value) was handled
            // above: a word in it (`budgetingMethod`) never makes it a budget error.
            if lower.starts_with("expected ") || lower.starts_with("invalid ") {
                return Diagnostic::new(&p::WRONG_TYPE, span, msg.clone())
                    .label("wrong type")
                    .help("see `forge-spec schema` for the shape of each section");
            }
            if lower.contains("alias") && (lower.contains("limit") || lower.contains("exceed"))
                || lower.contains("budget")
            {
                return Diagnostic::new(&p::INPUT_BUDGET_EXCEEDED, span, format!("the file exceeds an input budget: {msg}"))
                    .label("reading stopped here")
                    .help("expand the aliases by hand or split the file; a spec needs no deep nesting or repeated alias expansion");
            }
            Diagnostic::new(&p::YAML_SYNTAX, span, msg)
                .label("the YAML reader stopped here")
                .help("fix the YAML syntax; quote strings that contain `: `, `#`, `{` or `*`")
        }
    }
}

/// Best-effort span from the rendered `line:col` when the error has no byte offset.
fn line_span(id: FileId, file: &SourceFile, e: &Error) -> Span {
    let (line, col) = e.location().map_or((1, 1), |l| {
        (l.line().max(1) as usize, l.column().max(1) as usize)
    });
    let start_of_line = file.line_start(line - 1);
    let rest = file.text.get(start_of_line..).unwrap_or("");
    let off = rest
        .char_indices()
        .nth(col - 1)
        .map_or(rest.len(), |(i, _)| i);
    let at = (start_of_line + off).min(file.text.len());
    Span::new(id, at, at)
}

/// An empty span grows to the token it sits on, so the caret has something to underline.
fn widen(file: &SourceFile, span: Span) -> Span {
    let rest = file.text.get(span.start as usize..).unwrap_or("");
    let len = rest
        .find(|c: char| c.is_whitespace() || c == ':' || c == ',')
        .unwrap_or(rest.len())
        .max(rest.chars().next().map_or(0, char::len_utf8));
    span.sub(0, len)
}

/// The JSON Schema of one spec file, as `forge-spec schema` prints it.
pub fn json_schema() -> Result<serde_json::Value, serde_json::Error> {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<SpecFile>();
    serde_json::to_value(schema)
}
