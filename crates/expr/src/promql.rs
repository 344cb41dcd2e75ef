//! Condition language: the raw PromQL escape hatch (`expr:`). Parsed with the
//! `promql-parser` crate; metric names and label names are still checked against the
//! catalogue, and so is every lowered expression in the tests.

use super::{Catalog, SourceMap, ast};
use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::exprs as x;
use promql_parser::label::MatchOp;
use promql_parser::parser::{self, Expr};

/// A series selector found in a PromQL expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSelector {
    pub metric: Option<String>,
    pub labels: Vec<String>,
    /// The job it is narrowed to (`job="x"`), if any.
    pub job: Option<String>,
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
    let mut job = None;
    for m in &vs.matchers.matchers {
        if m.name == "__name__" {
            metric = metric.or_else(|| Some(m.value.clone()));
        } else {
            if m.name == "job" && m.op == MatchOp::Equal {
                job = Some(m.value.clone());
            }
            labels.push(m.name.clone());
        }
    }
    FoundSelector {
        metric,
        labels,
        job,
    }
}

/// Checks raw PromQL: it parses, and then it goes through the same checker as the
/// condition language (metrics and labels declared, metric types, units, label flow).
pub fn check(text: &str, cat: &Catalog, map: SourceMap) -> super::Checked {
    let refused = |message: String, label: &str, help: &str| super::Checked {
        diagnostics: vec![
            Diagnostic::new(&x::INVALID_PROMQL, map.base, message)
                .label(label.to_string())
                .help(help.to_string()),
        ],
        ..super::Checked::default()
    };
    let expr = match parse(text) {
        Ok(e) => e,
        Err(msg) => {
            return refused(
                format!("invalid PromQL: {}", msg.trim()),
                "promql-parser refused this expression",
                "fix the PromQL, or write the condition in the condition language instead",
            );
        }
    };
    match convert(&expr, text) {
        Ok(e) => super::check::check_raw(&e, cat, map),
        Err(what) => refused(
            format!("forge-spec cannot check {what}"),
            "not supported",
            "write the expression without it",
        ),
    }
}

/// promql-parser's tree as the condition language's, positions found in the text.
pub fn convert(e: &Expr, text: &str) -> Result<ast::Expr, String> {
    let whole = ast::Pos {
        start: 0,
        end: text.len(),
    };
    let at = |word: &str| find(text, word).unwrap_or(whole);
    let node = |kind| ast::Expr { kind, pos: whole };
    let labels = |ls: &[String]| -> Vec<(String, ast::Pos)> {
        ls.iter().map(|l| (l.clone(), at(l))).collect()
    };
    let duration = |d: &std::time::Duration| ast::Duration {
        ms: u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
    };
    let offset = |o: &Option<parser::Offset>| {
        o.as_ref().map(|o| match o {
            parser::Offset::Pos(d) => ast::Offset {
                negative: false,
                by: duration(d),
                pos: whole,
            },
            parser::Offset::Neg(d) => ast::Offset {
                negative: true,
                by: duration(d),
                pos: whole,
            },
        })
    };
    let at_mod = |a: &Option<parser::AtModifier>| {
        a.as_ref().map(|a| match a {
            parser::AtModifier::Start => ast::At::Start,
            parser::AtModifier::End => ast::At::End,
            parser::AtModifier::At(t) => ast::At::Time(format!(
                "{:.3}",
                t.duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64())
            )),
        })
    };
    let selector = |vs: &parser::VectorSelector, range: Option<&std::time::Duration>| {
        if !vs.matchers.or_matchers.is_empty() {
            return Err("`or` inside label matchers".to_string());
        }
        let metric = vs.name.clone().unwrap_or_default();
        let matchers = vs
            .matchers
            .matchers
            .iter()
            .filter(|m| !(m.name == "__name__" && vs.name.as_deref() == Some(m.value.as_str())))
            .map(|m| ast::Matcher {
                label: m.name.clone(),
                label_pos: at(&m.name),
                op: match m.op {
                    MatchOp::Equal => ast::MatchOp::Eq,
                    MatchOp::NotEqual => ast::MatchOp::Ne,
                    MatchOp::Re(_) => ast::MatchOp::Re,
                    MatchOp::NotRe(_) => ast::MatchOp::NotRe,
                },
                value_pos: at(&m.value),
                value: m.value.clone(),
            })
            .collect();
        let mut sel = ast::Selector {
            metric_pos: if metric.is_empty() {
                whole
            } else {
                at(&metric)
            },
            metric,
            matchers,
            range: range.map(|d| (duration(d), whole)),
            shift: ast::Shift::boxed(offset(&vs.offset), at_mod(&vs.at)),
        };
        // `{__name__="x"}` is the metric `x`, as in the condition language.
        if sel.metric.is_empty()
            && let Some(i) = sel
                .matchers
                .iter()
                .position(|m| m.label == "__name__" && m.op == ast::MatchOp::Eq)
        {
            let m = sel.matchers.remove(i);
            sel.metric = m.value;
            sel.metric_pos = m.value_pos;
        }
        Ok(node(ast::ExprKind::Selector(sel)))
    };
    match e {
        Expr::NumberLiteral(n) => Ok(node(ast::ExprKind::Number(ast::Quantity {
            text: super::units::fmt_num(n.val),
            value: n.val,
            unit: ast::LitUnit::None,
        }))),
        Expr::StringLiteral(s) => Ok(node(ast::ExprKind::Str(s.val.clone()))),
        Expr::VectorSelector(vs) => selector(vs, None),
        Expr::MatrixSelector(ms) => selector(&ms.vs, Some(&ms.range)),
        Expr::Paren(p) => Ok(node(ast::ExprKind::Paren(Box::new(convert(
            &p.expr, text,
        )?)))),
        Expr::Unary(u) => Ok(node(ast::ExprKind::Neg(Box::new(convert(&u.expr, text)?)))),
        Expr::Subquery(sq) => Ok(node(ast::ExprKind::Subquery(Box::new(ast::Subquery {
            expr: convert(&sq.expr, text)?,
            range: duration(&sq.range),
            step: sq.step.as_ref().map(duration),
            offset: offset(&sq.offset),
            at: at_mod(&sq.at),
        })))),
        Expr::Call(c) => {
            let args = c
                .args
                .args
                .iter()
                .map(|a| convert(a, text))
                .collect::<Result<_, _>>()?;
            Ok(node(ast::ExprKind::Call(ast::Call {
                func: c.func.name.to_string(),
                func_pos: at(c.func.name),
                args,
                grouping: None,
            })))
        }
        Expr::Aggregate(a) => {
            let func = a.op.to_string();
            let mut args = Vec::new();
            if let Some(p) = &a.param {
                args.push(convert(p, text)?);
            }
            args.push(convert(&a.expr, text)?);
            let grouping = a.modifier.as_ref().map(|m| ast::Grouping {
                without: !m.is_include(),
                labels: labels(&m.labels().labels),
            });
            Ok(node(ast::ExprKind::Call(ast::Call {
                func_pos: at(&func),
                func,
                args,
                grouping,
            })))
        }
        Expr::Binary(b) => {
            let op = match b.op.to_string().as_str() {
                "+" => ast::BinOp::Add,
                "-" => ast::BinOp::Sub,
                "*" => ast::BinOp::Mul,
                "/" => ast::BinOp::Div,
                "%" => ast::BinOp::Mod,
                "^" => ast::BinOp::Pow,
                "atan2" => ast::BinOp::Atan2,
                ">" => ast::BinOp::Gt,
                ">=" => ast::BinOp::Ge,
                "<" => ast::BinOp::Lt,
                "<=" => ast::BinOp::Le,
                "==" => ast::BinOp::Eq,
                "!=" => ast::BinOp::Ne,
                "and" => ast::BinOp::And,
                "or" => ast::BinOp::Or,
                "unless" => ast::BinOp::Unless,
                other => return Err(format!("the operator `{other}`")),
            };
            let mut m = ast::BinMod::default();
            if let Some(bm) = &b.modifier {
                if bm.fill_values.lhs.is_some() || bm.fill_values.rhs.is_some() {
                    return Err("`fill` modifiers".into());
                }
                m.bool_ = bm.return_bool;
                let group = match &bm.card {
                    parser::VectorMatchCardinality::ManyToOne(l) => Some(ast::Group {
                        left: true,
                        labels: labels(&l.labels),
                    }),
                    parser::VectorMatchCardinality::OneToMany(l) => Some(ast::Group {
                        left: false,
                        labels: labels(&l.labels),
                    }),
                    _ => None,
                };
                if let Some(lm) = &bm.matching {
                    m.matching = Some(Box::new(ast::Matching {
                        on: lm.is_include(),
                        labels: labels(&lm.labels().labels),
                        group,
                    }));
                }
            }
            Ok(node(ast::ExprKind::Binary(
                op,
                Box::new(convert(&b.lhs, text)?),
                Box::new(convert(&b.rhs, text)?),
                m,
            )))
        }
        Expr::Extension(_) => Err("an extension expression".into()),
    }
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
