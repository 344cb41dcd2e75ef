//! Condition language's neighbour: Go `text/template` syntax, as Prometheus reads alert
//! annotations and labels and Alertmanager reads notification fields. Not an evaluator:
//! a parser that refuses what Go's parser refuses — unclosed actions, unbalanced
//! `if`/`range`/`with`/`define`/`block` and `end`, `else` outside a block, functions the
//! engine does not define, undefined variables, empty pipelines, unbalanced parentheses,
//! bad string literals.

use std::ops::Range;

/// Go's builtin template functions.
const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Functions Prometheus (2.42) adds for alert templates.
pub const PROMETHEUS: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "stripPort",
    "stripDomain",
];

/// Variables Prometheus defines before an alert template.
pub const PROMETHEUS_VARS: &[&str] = &["$labels", "$externalLabels", "$externalURL", "$value"];

/// Functions Alertmanager (0.25) adds for notification templates.
pub const ALERTMANAGER: &[&str] = &[
    "toUpper",
    "toLower",
    "title",
    "join",
    "match",
    "safeHtml",
    "reReplaceAll",
    "stringSlice",
];

/// Which engine reads the template: its functions and predefined variables.
#[derive(Clone, Copy, Debug)]
pub struct Engine {
    pub name: &'static str,
    pub funcs: &'static [&'static str],
    pub vars: &'static [&'static str],
}

impl Engine {
    pub const PROMETHEUS: Engine = Engine {
        name: "Prometheus",
        funcs: PROMETHEUS,
        vars: PROMETHEUS_VARS,
    };
    pub const ALERTMANAGER: Engine = Engine {
        name: "Alertmanager",
        funcs: ALERTMANAGER,
        vars: &[],
    };
}

/// Where a template is wrong (byte range in its text) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub range: Range<usize>,
    pub message: String,
}

fn err<T>(range: Range<usize>, message: impl Into<String>) -> Result<T, TemplateError> {
    Err(TemplateError {
        range,
        message: message.into(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Opener {
    If,
    Range,
    With,
    Define,
    Block,
}

/// Checks `text` as a template for `engine`; the first error found.
pub fn check(text: &str, engine: Engine) -> Result<(), TemplateError> {
    let mut stack: Vec<(Opener, Range<usize>, bool)> = Vec::new();
    let mut vars: Vec<String> = engine.vars.iter().map(|v| (*v).to_string()).collect();
    vars.push("$".into());
    for piece in forge_spec_base::template::pieces(text) {
        let a = match piece {
            Ok(forge_spec_base::template::Piece::Action(a)) => a,
            Ok(forge_spec_base::template::Piece::Comment(_)) => continue,
            Err(e) => return err(e.range, e.message),
        };
        let tokens = lex(a.inner, a.inner_start)?;
        action(&tokens, a.range, engine, &mut stack, &mut vars)?;
    }
    if let Some((block, range, _)) = stack.pop() {
        return err(
            range,
            format!(
                "`{{{{{}}}}}` is never closed with `{{{{end}}}}`",
                name(block)
            ),
        );
    }
    Ok(())
}

fn name(b: Opener) -> &'static str {
    match b {
        Opener::If => "if",
        Opener::Range => "range",
        Opener::With => "with",
        Opener::Define => "define",
        Opener::Block => "block",
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Field,
    Var(String),
    Literal,
    Str,
    LParen,
    RParen,
    Pipe,
    Comma,
    Declare,
    Assign,
}

fn lex(s: &str, base: usize) -> Result<Vec<(Tok, Range<usize>)>, TemplateError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let single = match c {
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b'|' => Some(Tok::Pipe),
            b',' => Some(Tok::Comma),
            b'=' => Some(Tok::Assign),
            _ => None,
        };
        if let Some(tok) = single {
            out.push((tok, base + i..base + i + 1));
            i += 1;
            continue;
        }
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b':' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Declare
            }
            b'"' => {
                i = quoted(b, i, base, "unterminated string")?;
                Tok::Str
            }
            b'`' => {
                let Some(n) = s[i + 1..].find('`') else {
                    return err(base + start..base + b.len(), "unterminated raw string");
                };
                i += n + 2;
                Tok::Str
            }
            b'\'' => {
                i = quoted(b, i, base, "unterminated character constant")?;
                Tok::Literal
            }
            b'.' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                Tok::Field
            }
            b'$' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let var = s[start..i].to_string();
                // `$labels.severity`: a variable with fields.
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                Tok::Var(var)
            }
            b'0'..=b'9' | b'-' | b'+' => {
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'_' | b'+' | b'-'))
                {
                    i += 1;
                }
                Tok::Literal
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                // A field chain after an identifier (`.Labels` after a call) is allowed.
                while i < b.len() && b[i] == b'.' {
                    i += 1;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                }
                Tok::Ident(s[start..i].to_string())
            }
            _ => {
                let ch = s[i..].chars().next().unwrap_or('?');
                return err(
                    base + i..base + i + ch.len_utf8(),
                    format!("unexpected `{}` in an action", ch.escape_default()),
                );
            }
        };
        out.push((tok, base + start..base + i));
    }
    Ok(out)
}

/// The end of a quoted literal starting at `start` (its quote), escapes skipped.
fn quoted(b: &[u8], start: usize, base: usize, unterminated: &str) -> Result<usize, TemplateError> {
    let q = b[start];
    let mut i = start + 1;
    loop {
        match b.get(i) {
            None | Some(b'\n') => return err(base + start..base + i.min(b.len()), unterminated),
            Some(b'\\') => i += 2,
            Some(c) if *c == q => return Ok(i + 1),
            _ => i += 1,
        }
    }
}

const KEYWORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
];

fn action(
    toks: &[(Tok, Range<usize>)],
    at: Range<usize>,
    engine: Engine,
    stack: &mut Vec<(Opener, Range<usize>, bool)>,
    vars: &mut Vec<String>,
) -> Result<(), TemplateError> {
    let Some((first, _)) = toks.first() else {
        return err(
            at,
            "an empty action `{{ }}`: Go refuses it (missing value for command)",
        );
    };
    let kw = match first {
        Tok::Ident(w) if KEYWORDS.contains(&w.as_str()) => Some(w.as_str()),
        _ => None,
    };
    let rest = &toks[1..];
    match kw {
        Some("end") => {
            if !rest.is_empty() {
                return err(at, "`{{end}}` takes nothing");
            }
            if stack.pop().is_none() {
                return err(
                    at,
                    "`{{end}}` without an open `if`, `range`, `with`, `define` or `block`",
                );
            }
            Ok(())
        }
        Some("else") => {
            let Some((block, _, seen_else)) = stack.last_mut() else {
                return err(at, "`{{else}}` outside `if`, `range` or `with`");
            };
            if !matches!(block, Opener::If | Opener::Range | Opener::With) {
                return err(at, "`{{else}}` outside `if`, `range` or `with`");
            }
            match rest.first() {
                None => {
                    if *seen_else {
                        return err(at, "a second `{{else}}` in one block");
                    }
                    *seen_else = true;
                    Ok(())
                }
                Some((Tok::Ident(w), _)) if w == "if" || w == "with" => {
                    if *seen_else {
                        return err(at, "`{{else if}}` after `{{else}}`");
                    }
                    pipeline(&rest[1..], at, engine, vars, true)
                }
                _ => err(at, "`{{else}}` takes nothing but `if …` or `with …`"),
            }
        }
        Some(k @ ("if" | "range" | "with")) => {
            let block = match k {
                "if" => Opener::If,
                "range" => Opener::Range,
                _ => Opener::With,
            };
            pipeline(rest, at.clone(), engine, vars, true)?;
            stack.push((block, at, false));
            Ok(())
        }
        Some(k @ ("define" | "block")) => {
            if !matches!(rest.first(), Some((Tok::Str, _))) {
                return err(at, format!("`{{{{{k}}}}}` needs a quoted template name"));
            }
            if k == "block" {
                pipeline(&rest[1..], at.clone(), engine, vars, true)?;
            } else if rest.len() > 1 {
                return err(at, "`{{define}}` takes only a name");
            }
            stack.push((
                if k == "define" {
                    Opener::Define
                } else {
                    Opener::Block
                },
                at,
                false,
            ));
            Ok(())
        }
        Some("template") => {
            if !matches!(rest.first(), Some((Tok::Str, _))) {
                return err(at, "`{{template}}` needs a quoted template name");
            }
            if rest.len() > 1 {
                pipeline(&rest[1..], at, engine, vars, true)?;
            }
            Ok(())
        }
        Some(k @ ("break" | "continue")) => {
            if !stack.iter().any(|(b, _, _)| *b == Opener::Range) {
                return err(at, format!("`{{{{{k}}}}}` outside `range`"));
            }
            Ok(())
        }
        _ => pipeline(toks, at, engine, vars, false),
    }
}

/// A pipeline, with an optional declaration (`$x := …`, `$i, $e := …`, `$x = …`).
fn pipeline(
    toks: &[(Tok, Range<usize>)],
    at: Range<usize>,
    engine: Engine,
    vars: &mut Vec<String>,
    control: bool,
) -> Result<(), TemplateError> {
    let mut toks = toks;
    let decl = toks
        .iter()
        .position(|(t, _)| matches!(t, Tok::Declare | Tok::Assign));
    if let Some(d) = decl {
        let names = &toks[..d];
        let mut declared = Vec::new();
        for (k, (t, r)) in names.iter().enumerate() {
            match (k % 2, t) {
                (0, Tok::Var(v)) => declared.push((v.clone(), r.clone())),
                (1, Tok::Comma) => {}
                _ => return err(r.clone(), "a declaration names variables: `$x := …`"),
            }
        }
        if matches!(toks[d].0, Tok::Assign) {
            for (v, r) in &declared {
                if !vars.contains(v) {
                    return err(r.clone(), format!("undefined variable `{v}`"));
                }
            }
        }
        toks = &toks[d + 1..];
        check_commands(toks, at, engine, vars, control)?;
        vars.extend(declared.into_iter().map(|(v, _)| v));
        return Ok(());
    }
    check_commands(toks, at, engine, vars, control)
}

fn check_commands(
    toks: &[(Tok, Range<usize>)],
    at: Range<usize>,
    engine: Engine,
    vars: &[String],
    control: bool,
) -> Result<(), TemplateError> {
    if toks.is_empty() {
        return err(
            at,
            if control {
                "missing value: the block has no pipeline"
            } else {
                "an empty command"
            },
        );
    }
    let mut depth = 0i32;
    let mut expect_command = true;
    for (t, r) in toks {
        match t {
            Tok::LParen => {
                depth += 1;
                expect_command = true;
                continue;
            }
            Tok::RParen => {
                depth -= 1;
                if depth < 0 {
                    return err(r.clone(), "unbalanced `)`");
                }
            }
            Tok::Pipe => {
                if expect_command {
                    return err(r.clone(), "a `|` with no command before it");
                }
                expect_command = true;
                continue;
            }
            Tok::Ident(w) => {
                let base = w.split('.').next().unwrap_or(w);
                if !matches!(base, "true" | "false" | "nil")
                    && !BUILTINS.contains(&base)
                    && !engine.funcs.contains(&base)
                {
                    return err(
                        r.clone(),
                        format!(
                            "function `{base}` is not defined in {} templates",
                            engine.name
                        ),
                    );
                }
            }
            Tok::Var(v) => {
                if !vars.contains(v) {
                    return err(r.clone(), format!("undefined variable `{v}`"));
                }
            }
            Tok::Comma | Tok::Declare | Tok::Assign => {
                return err(r.clone(), "unexpected `,`, `:=` or `=` in a pipeline");
            }
            Tok::Field | Tok::Literal | Tok::Str => {}
        }
        expect_command = false;
    }
    if depth != 0 {
        return err(at, "unclosed `(`");
    }
    if expect_command {
        return err(at, "a pipeline ending in `|`");
    }
    Ok(())
}

/// Whether a text holds template actions at all.
/// The label names a Prometheus alert template reads from the alert's labels —
/// `$labels.x`, `.Labels.x`, `index $labels "x"` inside actions — with their byte
/// ranges in the text.
pub fn label_refs(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    field_refs(text, &["$labels.", ".Labels."], true)
}

/// The names an Alertmanager template reads after one of `prefixes` inside actions
/// (`.GroupLabels.x`, `.CommonLabels.x`, `.Labels.x`), with their byte ranges.
pub fn field_refs(
    text: &str,
    prefixes: &[&str],
    index_labels: bool,
) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("{{").map(|i| at + i) {
        let close = text[open..].find("}}").map_or(text.len(), |i| open + i);
        let action = &text[open..close];
        for prefix in prefixes {
            let mut from = 0;
            while let Some(i) = action[from..].find(prefix).map(|i| from + i) {
                let start = i + prefix.len();
                let name: String = action[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    let begin = open + start;
                    out.push((name.clone(), begin..begin + name.len()));
                }
                from = start;
            }
        }
        let mut from = 0;
        while let Some(i) = action[from..]
            .find("index $labels")
            .filter(|_| index_labels)
            .map(|i| from + i)
        {
            let rest = &action[i + "index $labels".len()..];
            let trimmed = rest.trim_start();
            if let Some(q) = trimmed.strip_prefix('"')
                && let Some(end) = q.find('"')
            {
                let begin = open + i + "index $labels".len() + (rest.len() - trimmed.len()) + 1;
                out.push((q[..end].to_string(), begin..begin + end));
            }
            from = i + 1;
        }
        at = close.max(open + 2);
    }
    out.sort_by_key(|(_, r)| r.start);
    out
}

pub fn is_template(text: &str) -> bool {
    text.contains("{{")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Go's parser refuses is refused; what it reads is read.
    #[test]
    fn go_template_parity() {
        let p = Engine::PROMETHEUS;
        for good in [
            "plain",
            "{{ $value }}",
            "{{ $labels.instance }} is down",
            "{{ $value | humanizePercentage }}",
            "{{- if gt $value 0.5 -}}high{{- else -}}low{{- end }}",
            "{{ range $i, $e := query \"up\" }}{{ $e.Labels.job }}{{ end }}",
            "{{ with $labels.job }}{{ . }}{{ else }}none{{ end }}",
            "{{/* comment */}}",
            "{{- /* a }} comment */ -}}",
            "{{ printf \"%.2f\" $value }}",
            "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
            "{{ (query \"up\" | first | value) }}",
            "{{ if eq $labels.severity \"critical\" }}!{{ else if eq $labels.severity \"warning\" }}?{{ end }}",
            "a }} b",
        ] {
            assert_eq!(check(good, p), Ok(()), "{good}");
        }
        for bad in [
            "{{ $value",
            "{{ nosuchfn }}",
            "{{ range .Alerts }}x",
            "{{ end }}",
            "{{ else }}",
            "{{ if }}x{{ end }}",
            "{{ $nope }}",
            "{{ }}",
            "{{ \"unterminated }}",
            "{{ (humanize $value }}",
            "{{ $value | }}",
            "{{ if true }}a{{ else }}b{{ else }}c{{ end }}",
            "{{ break }}",
            "{{ /* spaced */ }}",
            "{{/* unclosed }}",
        ] {
            assert!(check(bad, p).is_err(), "{bad}");
        }
        assert!(check("{{ join \",\" .x }}", Engine::ALERTMANAGER).is_ok());
        assert!(check("{{ humanize 1 }}", Engine::ALERTMANAGER).is_err());
    }

    /// Every way a template reads a label is found, with its exact range; text outside
    /// actions is not.
    #[test]
    fn label_refs_finds_every_form() {
        let t = r#"$labels.no {{ $labels.job }} {{ .Labels.route }} {{ index $labels "code" }} {{ $value }}"#;
        let refs = label_refs(t);
        let names: Vec<&str> = refs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["job", "route", "code"]);
        for (n, r) in &refs {
            assert_eq!(&t[r.clone()], n);
        }
        assert!(label_refs("{{ $value | humanize }}").is_empty());
    }
}
