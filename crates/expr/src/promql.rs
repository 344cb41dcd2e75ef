//! Condition language: the raw PromQL escape hatch (`expr:`). Parsed with the
//! `promql-parser` crate; metric names and label names are still checked against the
//! catalogue, and so is every lowered expression in the tests.

use super::{Catalog, SourceMap};
use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::exprs as x;
use promql_parser::parser::{self, Expr};

/// A series selector found in a PromQL expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSelector {
    pub metric: Option<String>,
    pub labels: Vec<String>,
}

thread_local! {
    static IN_PARSER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside promql-parser (the panic hook stays quiet then).
pub fn in_parser() -> bool {
    IN_PARSER.with(std::cell::Cell::get)
}

/// Wraps the current panic hook so it stays silent for panics inside promql-parser,
/// which `parse` catches and reports as a diagnostic. Installed once per process by the
/// CLI and the fuzz targets (whose libFuzzer hook would otherwise abort).
pub fn quiet_parser_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !in_parser() {
                previous(info);
            }
        }));
    });
}

/// Parses PromQL; the error text is promql-parser's. promql-parser panics on some
/// inputs (a range of `[5e555]` overflows its duration conversion, found by fuzzing):
/// such a panic is caught and reported as a parse error.
pub fn parse(text: &str) -> Result<Expr, String> {
    if text.len() > super::parse::MAX_EXPR_LEN {
        return Err("expression too long".into());
    }
    IN_PARSER.with(|f| f.set(true));
    let result = std::panic::catch_unwind(|| parser::parse(text));
    IN_PARSER.with(|f| f.set(false));
    result.unwrap_or_else(|_| {
        Err("the expression cannot be read (a number or duration is out of range)".into())
    })
}

/// Every vector selector in the expression, in order.
pub fn selectors(e: &Expr) -> Vec<FoundSelector> {
    let mut out = Vec::new();
    walk(e, &mut out);
    out
}

fn walk(e: &Expr, out: &mut Vec<FoundSelector>) {
    match e {
        Expr::Aggregate(a) => {
            walk(&a.expr, out);
            if let Some(p) = &a.param {
                walk(p, out);
            }
        }
        Expr::Unary(u) => walk(&u.expr, out),
        Expr::Binary(b) => {
            walk(&b.lhs, out);
            walk(&b.rhs, out);
        }
        Expr::Paren(p) => walk(&p.expr, out),
        Expr::Subquery(s) => walk(&s.expr, out),
        Expr::VectorSelector(vs) => out.push(found(vs)),
        Expr::MatrixSelector(ms) => out.push(found(&ms.vs)),
        Expr::Call(c) => {
            for a in &c.args.args {
                walk(a, out);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

fn found(vs: &parser::VectorSelector) -> FoundSelector {
    let mut metric = vs.name.clone();
    let mut labels = Vec::new();
    for m in &vs.matchers.matchers {
        if m.name == "__name__" {
            metric = metric.or_else(|| Some(m.value.clone()));
        } else {
            labels.push(m.name.clone());
        }
    }
    FoundSelector { metric, labels }
}

/// Checks raw PromQL: it parses, and the metrics and labels it reads are declared.
/// Returns the metric names read.
pub fn check(text: &str, cat: &Catalog, map: SourceMap, out: &mut Vec<Diagnostic>) -> Vec<String> {
    let expr = match parse(text) {
        Ok(e) => e,
        Err(msg) => {
            out.push(
                Diagnostic::new(
                    &x::INVALID_PROMQL,
                    map.base,
                    format!("invalid PromQL: {}", msg.trim()),
                )
                .label("promql-parser refused this expression")
                .help("fix the PromQL, or write the condition in the condition language instead"),
            );
            return Vec::new();
        }
    };
    let mut names = Vec::new();
    for sel in selectors(&expr) {
        let Some(name) = sel.metric else { continue };
        let span = find(text, &name).map_or(map.base, |p| map.span(p));
        match cat.resolve(&name) {
            None if name == "up" || cat.recorded.contains(&name) || name.starts_with("ALERTS") => {}
            None => out.push(cat.unknown_metric(&name, span)),
            Some((_, info, series)) => {
                for l in sel.labels {
                    let known = info.labels.contains_key(&l)
                        || matches!(l.as_str(), "job" | "instance")
                        || (l == "le" && series == super::Series::Bucket);
                    if !known {
                        let lspan = find(text, &l).map_or(map.base, |p| map.span(p));
                        out.push(
                            Diagnostic::new(
                                &x::UNKNOWN_LABEL,
                                lspan,
                                format!("metric `{name}` has no label `{l}`"),
                            )
                            .label("not declared on this metric")
                            .help(format!(
                                "its labels are: {}",
                                info.labels.keys().cloned().collect::<Vec<_>>().join(", ")
                            )),
                        );
                    }
                }
            }
        }
        names.push(name);
    }
    names
}

fn find(text: &str, word: &str) -> Option<super::ast::Pos> {
    text.match_indices(word)
        .find(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + word.len()..].chars().next();
            let ident = |c: Option<char>| {
                c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            };
            !ident(before) && !ident(after)
        })
        .map(|(i, _)| super::ast::Pos {
            start: i,
            end: i + word.len(),
        })
}
