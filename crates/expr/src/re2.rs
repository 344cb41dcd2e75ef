//! Condition language: regular expressions as Prometheus and Alertmanager read them
//! (Go's RE2 syntax, anchored at both ends). The `regex` crate's parser refuses what RE2
//! refuses for the most part (look-around, back-references); what it accepts and RE2
//! does not is checked here: repetition counts over 1000, flags RE2 lacks, class set
//! operations and the extra word-boundary assertions.

use regex_syntax::ast::{self, Ast};

/// RE2's largest repetition count (`a{1001}` is refused by Go's `regexp`).
pub const MAX_REPEAT: u32 = 1000;

/// Why Prometheus would refuse `pattern` as a regex matcher, or `None` when it reads it.
pub fn refusal(pattern: &str) -> Option<String> {
    let parsed = ast::parse::ParserBuilder::new()
        .nest_limit(200)
        .build()
        .parse(pattern);
    let ast = match parsed {
        Ok(a) => a,
        Err(e) => return Some(format!("it does not parse: {}", e.kind())),
    };
    let mut why = None;
    walk(&ast, &mut why);
    if why.is_none() {
        // What the parser accepted must also compile (size limits, invalid classes).
        if let Err(e) = regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
            .size_limit(1 << 24)
            .build()
        {
            why = Some(format!("it does not compile: {e}"));
        }
    }
    why
}

fn walk(a: &Ast, why: &mut Option<String>) {
    if why.is_some() {
        return;
    }
    match a {
        Ast::Repetition(r) => {
            if matches!(*r.ast, Ast::Repetition(_)) {
                *why = Some("a repetition of a repetition (`a**`, `a{2}+`) is refused by RE2; group it: `(a*)*`".into());
                return;
            }
            if let ast::RepetitionKind::Range(range) = &r.op.kind {
                let (lo, hi) = match range {
                    ast::RepetitionRange::Exactly(n) | ast::RepetitionRange::AtLeast(n) => (*n, *n),
                    ast::RepetitionRange::Bounded(a, b) => (*a, *b),
                };
                if lo.max(hi) > MAX_REPEAT {
                    *why = Some(format!(
                        "a repetition count of {} is over RE2's limit of {MAX_REPEAT}",
                        lo.max(hi)
                    ));
                    return;
                }
            }
            walk(&r.ast, why);
        }
        Ast::Flags(f) => flags(&f.flags, why),
        Ast::Group(g) => {
            if let ast::GroupKind::NonCapturing(f) = &g.kind {
                flags(f, why);
            }
            walk(&g.ast, why);
        }
        Ast::Alternation(x) => x.asts.iter().for_each(|a| walk(a, why)),
        Ast::Concat(x) => x.asts.iter().for_each(|a| walk(a, why)),
        Ast::Assertion(x) => {
            use ast::AssertionKind as K;
            if !matches!(
                x.kind,
                K::StartLine
                    | K::EndLine
                    | K::StartText
                    | K::EndText
                    | K::WordBoundary
                    | K::NotWordBoundary
            ) {
                *why = Some("this word-boundary form is not RE2 syntax; use `\\b`".into());
            }
        }
        Ast::ClassBracketed(c) => class_set(&c.kind, why),
        _ => {}
    }
}

fn class_set(s: &ast::ClassSet, why: &mut Option<String>) {
    match s {
        ast::ClassSet::BinaryOp(_) => {
            *why = Some(
                "class set operations (`&&`, `--`, `~~`) are not RE2 syntax: Prometheus would read them as literal characters"
                    .into(),
            );
        }
        ast::ClassSet::Item(ast::ClassSetItem::Bracketed(b)) => class_set(&b.kind, why),
        ast::ClassSet::Item(ast::ClassSetItem::Union(u)) => {
            for item in &u.items {
                if let ast::ClassSetItem::Bracketed(b) = item {
                    class_set(&b.kind, why);
                }
            }
        }
        ast::ClassSet::Item(_) => {}
    }
}

fn flags(f: &ast::Flags, why: &mut Option<String>) {
    for item in &f.items {
        if let ast::FlagsItemKind::Flag(flag) = &item.kind
            && !matches!(
                flag,
                ast::Flag::CaseInsensitive
                    | ast::Flag::MultiLine
                    | ast::Flag::DotMatchesNewLine
                    | ast::Flag::SwapGreed
            )
        {
            *why = Some("RE2 has only the flags i, m, s and U".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    /// What Prometheus refuses is refused; what it reads is read.
    #[test]
    fn re2_parity() {
        for bad in [
            "(",
            "(?=a)b",
            "(?!a)b",
            "(?<=a)b",
            r"(a)\1",
            "a{1001}",
            "a{2,1001}",
            "[a&&b]",
            "(?x)a b",
            r"\b{start}a",
            "a**",
        ] {
            assert!(refusal(bad).is_some(), "{bad}");
        }
        for good in [
            "",
            "a|b",
            "5..",
            "(?i)get|post",
            "a{1000}",
            "[[:alpha:]]+",
            r"\d+\.\d+",
            "(?s:.)*",
            ".*foo.*",
        ] {
            assert!(refusal(good).is_none(), "{good}: {:?}", refusal(good));
        }
    }
}
