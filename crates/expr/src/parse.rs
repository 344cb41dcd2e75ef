//! Condition language: the pest parser (`grammar/condition.pest`) and the AST builder.

use super::ast::*;
use super::units::{parse_quantity, read_duration};
use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/condition.pest"]
struct Grammar;

/// Longest expression accepted, in bytes; longer ones are refused (input budget).
pub const MAX_EXPR_LEN: usize = 8 * 1024;
/// Deepest nesting of parentheses and calls accepted.
pub const MAX_EXPR_DEPTH: usize = 64;

/// A syntax error at a position in the expression text.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

/// Parses an alert condition: an expression with an optional `for <duration>`.
pub fn parse_condition(text: &str) -> Result<Condition, ParseError> {
    let pair = run(Rule::condition, text)?;
    let mut expr = None;
    let mut for_ = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::expr => expr = Some(build_expr(p)?),
            Rule::for_clause => {
                let d = p.into_inner().find(|p| p.as_rule() == Rule::duration);
                // `for 0s` is no `for`, as Prometheus reads `for: 0m`.
                if let Some(d) = d {
                    let at = pos(&d);
                    let d = read_duration(d.as_str(), true)
                        .map_err(|message| ParseError { pos: at, message })?;
                    for_ = (d.ms > 0).then_some((d, at));
                }
            }
            _ => {}
        }
    }
    match expr {
        Some(expr) => Ok(Condition { expr, for_ }),
        None => Err(ParseError {
            pos: Pos::default(),
            message: "empty condition".into(),
        }),
    }
}

/// Parses a dashboard query or an indicator: an expression without `for`.
pub fn parse_query(text: &str) -> Result<Expr, ParseError> {
    let pair = run(Rule::query, text)?;
    pair.into_inner()
        .find(|p| p.as_rule() == Rule::expr)
        .map(build_expr)
        .unwrap_or_else(|| {
            Err(ParseError {
                pos: Pos::default(),
                message: "empty expression".into(),
            })
        })
}

/// Parses a bare selector `metric{label="v"}` (SLI `errors:`/`total:`/`metric:`).
pub fn parse_selector(text: &str) -> Result<Selector, ParseError> {
    let pair = run(Rule::selector_only, text)?;
    match pair.into_inner().find(|p| p.as_rule() == Rule::selector) {
        Some(p) => selector(p),
        None => Err(ParseError {
            pos: Pos::default(),
            message: "expected a metric selector".into(),
        }),
    }
}

fn run(rule: Rule, text: &str) -> Result<Pair<'_, Rule>, ParseError> {
    if text.len() > MAX_EXPR_LEN {
        return Err(ParseError {
            pos: Pos {
                start: 0,
                end: text.len(),
            },
            message: format!("expression longer than {MAX_EXPR_LEN} bytes"),
        });
    }
    let depth = text
        .chars()
        .filter(|c| matches!(c, '(' | '{' | '['))
        .count();
    if depth > MAX_EXPR_DEPTH {
        return Err(ParseError {
            pos: Pos {
                start: 0,
                end: text.len(),
            },
            message: format!("expression nests deeper than {MAX_EXPR_DEPTH} levels"),
        });
    }
    let mut pairs = Grammar::parse(rule, text).map_err(|e| syntax_error(text, e))?;
    pairs.next().ok_or_else(|| ParseError {
        pos: Pos::default(),
        message: "empty expression".into(),
    })
}

fn syntax_error(text: &str, e: pest::error::Error<Rule>) -> ParseError {
    let at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let end = text[at.min(text.len())..]
        .char_indices()
        .nth(1)
        .map_or(text.len(), |(i, _)| at + i)
        .max(at);
    let found = text[at.min(text.len())..]
        .split(|c: char| c.is_whitespace())
        .next()
        .filter(|s| !s.is_empty());
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().map(|r| rule_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            names.join(", ")
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let message = match (found, expected.is_empty()) {
        (Some(f), false) => format!("unexpected `{f}`; expected {expected}"),
        (None, false) => format!("unexpected end of expression; expected {expected}"),
        (Some(f), true) => format!("unexpected `{f}`"),
        (None, true) => "unexpected end of expression".into(),
    };
    ParseError {
        pos: Pos { start: at, end },
        message,
    }
}

fn rule_name(r: Rule) -> &'static str {
    match r {
        Rule::EOI => "end of expression",
        Rule::cmp_op => "a comparison (> >= < <= == !=)",
        Rule::add_op
        | Rule::mul_op
        | Rule::pow_op
        | Rule::add_sym
        | Rule::mul_sym
        | Rule::kw_atan2 => "an operator",
        Rule::or_op | Rule::and_op | Rule::kw_or | Rule::kw_and | Rule::kw_unless => {
            "`and`, `or` or `unless`"
        }
        Rule::cmp_sym => "a comparison (> >= < <= == !=)",
        Rule::bin_mod | Rule::matching => "`bool`, `on(...)` or `ignoring(...)`",
        Rule::group_mod => "`group_left` or `group_right`",
        Rule::label_list => "a list of label names `(a, b)`",
        Rule::suffix | Rule::subquery | Rule::offset | Rule::at_mod => {
            "`offset`, `@` or a subquery `[1h:5m]`"
        }
        Rule::for_clause | Rule::kw_for => "`for <duration>`",
        Rule::duration => "a duration (30s, 5m, 1h)",
        Rule::string => "a quoted string",
        Rule::match_op => "a matcher operator (= != =~ !~)",
        Rule::label_name => "a label name",
        Rule::matcher => "a label matcher",
        Rule::grouping => "`by (...)` or `without (...)`",
        Rule::range => "a range `[5m]`",
        Rule::matchers => "label matchers `{...}`",
        Rule::target_name => "a target name",
        _ => "an expression",
    }
}

fn pos(p: &Pair<'_, Rule>) -> Pos {
    let s = p.as_span();
    Pos {
        start: s.start(),
        end: s.end(),
    }
}

/// A range or `for` duration: positive, and no longer than Prometheus reads.
fn duration(p: &Pair<'_, Rule>) -> Result<Duration, ParseError> {
    read_duration(p.as_str(), false).map_err(|message| ParseError {
        pos: pos(p),
        message,
    })
}

/// Operator precedence, PromQL's, loosest first.
static PRATT: std::sync::LazyLock<PrattParser<Rule>> = std::sync::LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::infix(Rule::cmp_op, Assoc::Left))
        .op(Op::infix(Rule::add_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::infix(Rule::pow_op, Assoc::Right))
        .op(Op::postfix(Rule::suffix))
});

fn build_expr(p: Pair<'_, Rule>) -> Result<Expr, ParseError> {
    let at = pos(&p);
    match p.as_rule() {
        Rule::expr => PRATT
            .map_primary(build_expr)
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let pos = Pos {
                    start: pos(&op).start,
                    end: rhs.pos.end,
                };
                Ok(if op.as_str() == "-" {
                    Expr {
                        kind: ExprKind::Neg(Box::new(rhs)),
                        pos,
                    }
                } else {
                    rhs
                })
            })
            .map_postfix(|lhs, op| apply_suffix(lhs?, op))
            .map_infix(|lhs, op, rhs| binary(op, lhs?, rhs?))
            .parse(p.into_inner()),
        Rule::primary => {
            let inner = p
                .into_inner()
                .next()
                .ok_or_else(|| err(at, "empty expression"))?;
            if inner.as_rule() == Rule::expr {
                Ok(Expr {
                    kind: ExprKind::Paren(Box::new(build_expr(inner)?)),
                    pos: at,
                })
            } else {
                build_expr(inner)
            }
        }
        Rule::up_call => {
            let arg = p
                .into_inner()
                .find(|p| matches!(p.as_rule(), Rule::string | Rule::target_name))
                .ok_or_else(|| err(at, "up() needs a target name"))?;
            let target_pos = pos(&arg);
            let target = if arg.as_rule() == Rule::string {
                string(arg)
            } else {
                arg.as_str().to_string()
            };
            Ok(Expr {
                kind: ExprKind::Up { target, target_pos },
                pos: at,
            })
        }
        Rule::call => {
            let mut func = String::new();
            let mut func_pos = at;
            let mut args = Vec::new();
            let mut grouping = None;
            for q in p.into_inner() {
                match q.as_rule() {
                    Rule::ident => {
                        func_pos = pos(&q);
                        func = q.as_str().to_string();
                        // Aggregations are keywords to PromQL, read in any case (`SUM by
                        // (job) (…)`); functions are not.
                        let lower = func.to_ascii_lowercase();
                        if lower != func && crate::functions::aggregation(&lower).is_some() {
                            func = lower;
                        }
                    }
                    Rule::expr => args.push(build_expr(q)?),
                    Rule::grouping => {
                        if grouping.is_some() {
                            return Err(err(pos(&q), "`by`/`without` is given twice"));
                        }
                        let mut without = false;
                        let mut labels = Vec::new();
                        for g in q.into_inner() {
                            match g.as_rule() {
                                Rule::kw_without => without = true,
                                Rule::label_list => labels = label_list(g),
                                _ => {}
                            }
                        }
                        grouping = Some(Grouping { without, labels });
                    }
                    _ => {}
                }
            }
            Ok(Expr {
                kind: ExprKind::Call(Call {
                    func,
                    func_pos,
                    args,
                    grouping,
                }),
                pos: at,
            })
        }
        Rule::quantity => {
            let text = p.as_str().to_string();
            let (value, unit) = parse_quantity(&text)
                .ok_or_else(|| err(at, &format!("`{text}` is not a number")))?;
            Ok(Expr {
                kind: ExprKind::Number(Quantity { text, value, unit }),
                pos: at,
            })
        }
        Rule::string => Ok(Expr {
            kind: ExprKind::Str(string(p)),
            pos: at,
        }),
        Rule::selector => Ok(Expr {
            kind: ExprKind::Selector(selector(p)?),
            pos: at,
        }),
        _ => Err(err(at, "unexpected token")),
    }
}

/// `lhs op modifiers rhs`, with the modifiers checked against the operator.
fn binary(op: Pair<'_, Rule>, lhs: Expr, rhs: Expr) -> Result<Expr, ParseError> {
    let rule = op.as_rule();
    let mut inner = op.into_inner();
    let symbol = if rule == Rule::pow_op {
        "^"
    } else {
        inner.next().map_or("", |s| s.as_str())
    };
    let op = binop(symbol);
    let modifier = inner.next();
    let mut m = BinMod::default();
    for q in modifier.into_iter().flat_map(|m| m.into_inner()) {
        match q.as_rule() {
            Rule::kw_bool => {
                if !op.is_comparison() {
                    return Err(err(
                        pos(&q),
                        &format!("`bool` modifies comparisons, not `{}`", op.as_str()),
                    ));
                }
                m.bool_ = true;
            }
            Rule::matching => {
                let mut matching = Matching {
                    on: false,
                    labels: Vec::new(),
                    group: None,
                };
                for r in q.into_inner() {
                    match r.as_rule() {
                        Rule::kw_on => matching.on = true,
                        Rule::label_list => matching.labels = label_list(r),
                        Rule::group_mod => {
                            if op.is_set() {
                                return Err(err(
                                    pos(&r),
                                    &format!(
                                        "`{}` matches many-to-many; `group_left`/`group_right` do not apply",
                                        op.as_str()
                                    ),
                                ));
                            }
                            let mut g = Group {
                                left: false,
                                labels: Vec::new(),
                            };
                            for t in r.into_inner() {
                                match t.as_rule() {
                                    Rule::kw_group_left => g.left = true,
                                    Rule::label_list => g.labels = label_list(t),
                                    _ => {}
                                }
                            }
                            matching.group = Some(g);
                        }
                        _ => {}
                    }
                }
                m.matching = Some(Box::new(matching));
            }
            _ => {}
        }
    }
    let pos = Pos {
        start: lhs.pos.start,
        end: rhs.pos.end,
    };
    Ok(Expr {
        kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs), m),
        pos,
    })
}

/// Applies an `offset`, `@` or subquery suffix to the expression before it.
fn apply_suffix(mut e: Expr, suffix: Pair<'_, Rule>) -> Result<Expr, ParseError> {
    let at = pos(&suffix);
    let s = suffix
        .into_inner()
        .next()
        .ok_or_else(|| err(at, "empty suffix"))?;
    let span = Pos {
        start: e.pos.start,
        end: at.end,
    };
    match s.as_rule() {
        Rule::subquery => {
            let mut ds = s.into_inner();
            let range = ds
                .next()
                .ok_or_else(|| err(at, "a subquery needs a range"))?;
            let range = duration(&range)?;
            let step = ds.next().map(|d| duration(&d)).transpose()?;
            Ok(Expr {
                kind: ExprKind::Subquery(Box::new(Subquery {
                    expr: e,
                    range,
                    step,
                    offset: None,
                    at: None,
                })),
                pos: span,
            })
        }
        Rule::offset => {
            let negative = s
                .clone()
                .into_inner()
                .any(|q| q.as_rule() == Rule::neg && q.as_str() == "-");
            let d = s
                .into_inner()
                .find(|q| q.as_rule() == Rule::duration)
                .ok_or_else(|| err(at, "`offset` needs a duration"))?;
            let o = Offset {
                negative,
                by: duration(&d)?,
                pos: at,
            };
            let slot = match &mut e.kind {
                ExprKind::Selector(sel) => &mut sel.shift.get_or_insert_with(Box::default).offset,
                ExprKind::Subquery(sq) => &mut sq.offset,
                _ => return Err(err(at, "`offset` applies to a selector or a subquery")),
            };
            if slot.is_some() {
                return Err(err(at, "`offset` is given twice"));
            }
            *slot = Some(o);
            e.pos = span;
            Ok(e)
        }
        Rule::at_mod => {
            let t = s
                .into_inner()
                .next()
                .ok_or_else(|| err(at, "`@` needs a time"))?;
            let value = match t.as_rule() {
                Rule::at_fn if t.as_str().starts_with("start") => At::Start,
                Rule::at_fn => At::End,
                _ => At::Time(t.as_str().to_string()),
            };
            let slot = match &mut e.kind {
                ExprKind::Selector(sel) => &mut sel.shift.get_or_insert_with(Box::default).at,
                ExprKind::Subquery(sq) => &mut sq.at,
                _ => return Err(err(at, "`@` applies to a selector or a subquery")),
            };
            if slot.is_some() {
                return Err(err(at, "`@` is given twice"));
            }
            *slot = Some(value);
            e.pos = span;
            Ok(e)
        }
        _ => Err(err(at, "unexpected suffix")),
    }
}

fn label_list(p: Pair<'_, Rule>) -> Vec<(String, Pos)> {
    p.into_inner()
        .filter(|q| q.as_rule() == Rule::label_name)
        .map(|q| (q.as_str().to_string(), pos(&q)))
        .collect()
}

fn selector(p: Pair<'_, Rule>) -> Result<Selector, ParseError> {
    let mut sel = Selector {
        metric: String::new(),
        metric_pos: pos(&p),
        matchers: Vec::new(),
        range: None,
        shift: None,
    };
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::metric_name => {
                sel.metric_pos = pos(&q);
                sel.metric = q.as_str().to_string();
            }
            Rule::matchers => {
                for m in q.into_inner() {
                    let mut it = m.into_inner();
                    let (Some(l), Some(op), Some(v)) = (it.next(), it.next(), it.next()) else {
                        continue;
                    };
                    let op = match op.as_str() {
                        "=" => MatchOp::Eq,
                        "!=" => MatchOp::Ne,
                        "=~" => MatchOp::Re,
                        _ => MatchOp::NotRe,
                    };
                    sel.matchers.push(Matcher {
                        label: l.as_str().to_string(),
                        label_pos: pos(&l),
                        op,
                        value_pos: pos(&v),
                        value: string(v),
                    });
                }
            }
            Rule::range => {
                if let Some(d) = q.into_inner().next() {
                    sel.range = Some((duration(&d)?, pos(&d)));
                }
            }
            _ => {}
        }
    }
    // `{__name__="x"}` names the metric: it is the metric `x` for every check.
    if sel.metric.is_empty()
        && let Some(i) = sel
            .matchers
            .iter()
            .position(|m| m.label == "__name__" && m.op == MatchOp::Eq)
    {
        let m = sel.matchers.remove(i);
        sel.metric = m.value;
        sel.metric_pos = m.value_pos;
    }
    Ok(sel)
}

/// The value of a quoted string, escapes resolved.
fn string(p: Pair<'_, Rule>) -> String {
    let raw = p.into_inner().next().map_or("", |i| i.as_str());
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn binop(s: &str) -> BinOp {
    // The set operators and `atan2` are keywords, read in any case.
    match s.to_ascii_lowercase().as_str() {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Mod,
        "^" => BinOp::Pow,
        "atan2" => BinOp::Atan2,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "and" => BinOp::And,
        "or" => BinOp::Or,
        _ => BinOp::Unless,
    }
}

fn err(pos: Pos, message: &str) -> ParseError {
    ParseError {
        pos,
        message: message.to_string(),
    }
}
