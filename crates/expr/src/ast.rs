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
    /// A string literal (arguments of `label_replace`, `label_join`, `count_values`).
    Str(String),
    Call(Call),
    Up {
        target: String,
        target_pos: Pos,
    },
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>, BinMod),
    Paren(Box<Expr>),
    /// `expr[range:step]`, with its own `offset` and `@`.
    Subquery(Box<Subquery>),
}

/// The modifiers of a binary operator: `bool`, and vector matching.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BinMod {
    /// `bool`: a comparison returns 0/1 instead of filtering.
    pub bool_: bool,
    pub matching: Option<Box<Matching>>,
}

/// `on(...)`/`ignoring(...)`, optionally with `group_left(...)`/`group_right(...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matching {
    /// `on` (else `ignoring`).
    pub on: bool,
    pub labels: Vec<(String, Pos)>,
    pub group: Option<Group>,
}

/// Many-to-one (`group_left`) or one-to-many (`group_right`) matching, with the labels
/// copied from the "one" side.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// `group_left` (else `group_right`).
    pub left: bool,
    pub labels: Vec<(String, Pos)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subquery {
    pub expr: Expr,
    pub range: Duration,
    pub step: Option<Duration>,
    pub offset: Option<Offset>,
    pub at: Option<At>,
}

/// `offset 5m` (or `offset -5m`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offset {
    pub negative: bool,
    pub by: Duration,
    pub pos: Pos,
}

/// `@ <unix time>`, `@ start()`, `@ end()`.
#[derive(Clone, Debug, PartialEq)]
pub enum At {
    Time(String),
    Start,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Selector {
    /// The metric name; empty when the selector names it with `__name__` matchers only.
    pub metric: String,
    pub metric_pos: Pos,
    pub matchers: Vec<Matcher>,
    pub range: Option<(Duration, Pos)>,
    /// `offset` and `@`, rare: boxed so that every selector stays small.
    pub shift: Option<Box<Shift>>,
}

/// The time modifiers of a selector.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Shift {
    pub offset: Option<Offset>,
    pub at: Option<At>,
}

impl Shift {
    /// The box for these modifiers, or none when there are none.
    pub fn boxed(offset: Option<Offset>, at: Option<At>) -> Option<Box<Shift>> {
        (offset.is_some() || at.is_some()).then(|| Box::new(Shift { offset, at }))
    }
}

impl Selector {
    pub fn offset(&self) -> Option<&Offset> {
        self.shift.as_ref().and_then(|s| s.offset.as_ref())
    }
    pub fn at(&self) -> Option<&At> {
        self.shift.as_ref().and_then(|s| s.at.as_ref())
    }
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
    Mod,
    Pow,
    Atan2,
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
            BinOp::Mod => "%",
            BinOp::Pow => "^",
            BinOp::Atan2 => "atan2",
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

    pub fn is_set(self) -> bool {
        matches!(self, BinOp::And | BinOp::Or | BinOp::Unless)
    }

    /// Binding strength, PromQL's; higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And | BinOp::Unless => 2,
            BinOp::Gt | BinOp::Ge | BinOp::Lt | BinOp::Le | BinOp::Eq | BinOp::Ne => 3,
            BinOp::Add | BinOp::Sub => 4,
            BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Atan2 => 5,
            BinOp::Pow => 6,
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

    /// As Prometheus prints a duration (`model.Duration`): years and weeks only when
    /// they divide it (`28d` is `4w`, `30d` stays `30d`).
    pub fn to_prometheus_weeks(self) -> String {
        const WEEK: u64 = 7 * 86_400_000;
        const YEAR: u64 = 365 * 86_400_000;
        let (unit, size) = if self.ms > 0 && self.ms % YEAR == 0 {
            ("y", YEAR)
        } else if self.ms > 0 && self.ms % WEEK == 0 {
            ("w", WEEK)
        } else {
            return self.to_prometheus();
        };
        format!("{}{unit}", self.ms / size)
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
                if !s.matchers.is_empty() || s.metric.is_empty() {
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
                write_mods(f, s.offset(), s.at())
            }
            ExprKind::Number(q) => f.write_str(&q.text),
            ExprKind::Str(s) => f.write_str(&quote(s)),
            ExprKind::Subquery(sq) => {
                write!(f, "{}[{}:", sq.expr, sq.range)?;
                if let Some(step) = sq.step {
                    write!(f, "{step}")?;
                }
                f.write_str("]")?;
                write_mods(f, sq.offset.as_ref(), sq.at.as_ref())
            }
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
            ExprKind::Binary(op, l, r, m) => write!(f, "{l} {}{m} {r}", op.as_str()),
            ExprKind::Paren(e) => write!(f, "({e})"),
        }
    }
}

fn write_mods(f: &mut fmt::Formatter<'_>, offset: Option<&Offset>, at: Option<&At>) -> fmt::Result {
    if let Some(o) = offset {
        write!(f, "{o}")?;
    }
    if let Some(at) = at {
        write!(f, " {at}")?;
    }
    Ok(())
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        write!(f, " offset {sign}{}", self.by)
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Time(t) => write!(f, "@ {t}"),
            At::Start => f.write_str("@ start()"),
            At::End => f.write_str("@ end()"),
        }
    }
}

/// The modifiers after an operator, each with a leading space (PromQL syntax too).
impl fmt::Display for BinMod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bool_ {
            f.write_str(" bool")?;
        }
        if let Some(m) = &self.matching {
            let kw = if m.on { "on" } else { "ignoring" };
            write!(f, " {kw}({})", names(&m.labels))?;
            if let Some(g) = &m.group {
                let kw = if g.left { "group_left" } else { "group_right" };
                // Always with its list, empty or not: `group_left (x)` would read `(x)`
                // as the list, in PromQL as here.
                write!(f, " {kw}({})", names(&g.labels))?;
            }
        }
        Ok(())
    }
}

/// Label names joined with `, `.
pub fn names(labels: &[(String, Pos)]) -> String {
    let mut out = String::new();
    for (i, (l, _)) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(l);
    }
    out
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

impl Expr {
    /// How far back, at most, one evaluation of the expression reads (in ms): its longest
    /// range with its offset, subqueries' ranges added to what they evaluate. A range
    /// the spec leaves to its default (`rate(x)`) counts `default_range`.
    pub fn lookback(&self, default_range: u64) -> u64 {
        fn offset(o: Option<&Offset>) -> u64 {
            o.filter(|o| !o.negative).map_or(0, |o| o.by.ms)
        }
        match &self.kind {
            ExprKind::Selector(s) => {
                let range = s.range.as_ref().map_or(0, |(d, _)| d.ms);
                range + offset(s.offset())
            }
            ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Up { .. } => 0,
            ExprKind::Call(c) => {
                let inner = c
                    .args
                    .iter()
                    .map(|a| a.lookback(default_range))
                    .max()
                    .unwrap_or(0);
                // A range argument left to the default (`rate(x)`).
                let ranged = crate::functions::function(&c.func).is_some_and(|f| {
                    f.args.iter().zip(&c.args).any(|(kind, a)| {
                        *kind == crate::functions::Arg::Range
                            && matches!(&a.kind, ExprKind::Selector(s) if s.range.is_none())
                    })
                });
                if ranged {
                    inner.max(default_range)
                } else {
                    inner
                }
            }
            ExprKind::Neg(e) | ExprKind::Paren(e) => e.lookback(default_range),
            ExprKind::Binary(_, l, r, _) => {
                l.lookback(default_range).max(r.lookback(default_range))
            }
            ExprKind::Subquery(s) => {
                s.expr.lookback(default_range) + s.range.ms + offset(s.offset.as_ref())
            }
        }
    }
}
