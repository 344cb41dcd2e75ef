//! Condition language: the AST. Spans are byte ranges in the expression text
//! (`Pos`); `expr::SourceMap` turns them into file spans.

use std::fmt;

/// A byte range within the expression string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub expr: Expr,
    /// `for <duration>`, in milliseconds, with its position.
    pub for_: Option<(Duration, Pos)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    pub ms: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Selector(Selector),
    Number(Quantity),
    Call(Call),
    Up { target: String, target_pos: Pos },
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Paren(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Selector {
    pub metric: String,
    pub metric_pos: Pos,
    pub matchers: Vec<Matcher>,
    pub range: Option<(Duration, Pos)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Matcher {
    pub label: String,
    pub label_pos: Pos,
    pub op: MatchOp,
    pub value: String,
    pub value_pos: Pos,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    Eq,
    Ne,
    Re,
    NotRe,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Eq => "=",
            MatchOp::Ne => "!=",
            MatchOp::Re => "=~",
            MatchOp::NotRe => "!~",
        }
    }
}

/// A number with the unit it was written in, and its value in base units
/// (seconds, bytes, ratio).
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    pub text: String,
    pub value: f64,
    pub unit: LitUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LitUnit {
    None,
    Seconds,
    Bytes,
    Percent,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub func: String,
    pub func_pos: Pos,
    pub args: Vec<Expr>,
    pub grouping: Option<Grouping>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grouping {
    pub without: bool,
    pub labels: Vec<(String, Pos)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
    And,
    Or,
    Unless,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Unless => "unless",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Gt | BinOp::Ge | BinOp::Lt | BinOp::Le | BinOp::Eq | BinOp::Ne
        )
    }

    /// Binding strength; higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::And | BinOp::Or | BinOp::Unless => 1,
            BinOp::Gt | BinOp::Ge | BinOp::Lt | BinOp::Le | BinOp::Eq | BinOp::Ne => 2,
            BinOp::Add | BinOp::Sub => 3,
            BinOp::Mul | BinOp::Div => 4,
        }
    }
}

impl Duration {
    /// Prometheus' duration syntax, largest units first (days at most, as Sloth
    /// names windows): `90m` → `1h30m`, `30d` → `30d`.
    pub fn to_prometheus(self) -> String {
        if self.ms == 0 {
            return "0s".into();
        }
        let mut ms = self.ms;
        let mut out = String::with_capacity(8);
        for (unit, size) in [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
            ("ms", 1),
        ] {
            if ms >= size {
                let _ = fmt::Write::write_fmt(&mut out, format_args!("{}", ms / size));
                out.push_str(unit);
                ms %= size;
            }
        }
        out
    }

    pub fn seconds(self) -> f64 {
        self.ms as f64 / 1000.0
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_prometheus())
    }
}

/// Prints the AST back in the condition language (used by the round-trip property test).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Selector(s) => {
                f.write_str(&s.metric)?;
                if !s.matchers.is_empty() {
                    f.write_str("{")?;
                    for (i, m) in s.matchers.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{}{}{}", m.label, m.op.as_str(), quote(&m.value))?;
                    }
                    f.write_str("}")?;
                }
                if let Some((d, _)) = s.range {
                    write!(f, "[{d}]")?;
                }
                Ok(())
            }
            ExprKind::Number(q) => f.write_str(&q.text),
            ExprKind::Call(c) => {
                write!(f, "{}(", c.func)?;
                for (i, a) in c.args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")?;
                if let Some(g) = &c.grouping {
                    let labels: Vec<&str> = g.labels.iter().map(|(l, _)| l.as_str()).collect();
                    let kw = if g.without { "without" } else { "by" };
                    write!(f, " {kw} ({})", labels.join(", "))?;
                }
                Ok(())
            }
            ExprKind::Up { target, .. } => write!(f, "up({})", quote(target)),
            ExprKind::Neg(e) => write!(f, "-{e}"),
            ExprKind::Binary(op, l, r) => write!(f, "{l} {} {r}", op.as_str()),
            ExprKind::Paren(e) => write!(f, "({e})"),
        }
    }
}

/// A double-quoted string literal with `\` and `"` escaped (valid in PromQL too).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(s, &mut out);
    out
}

/// [`quote`], appended to `out`.
pub fn quote_into(s: &str, out: &mut String) {
    out.push('"');
    if !s
        .bytes()
        .any(|b| matches!(b, b'"' | b'\\' | b'\n' | b'\r' | b'\t'))
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}
