//! Expressions read before, by their text: the language server compiles the spec on
//! every keystroke, and all but one or two of its conditions, queries and selectors
//! are the texts it read the time before. An expression's syntax tree depends on its
//! text alone (its positions are offsets in that text), so a tree read once is the
//! tree of every later reading of the same text.
//!
//! Two generations are kept: what the current compilation read, and what the one
//! before read; [`Memo::next_generation`] forgets what the last compilation did not
//! read again, so the memo holds at most two compilations' expressions.

use crate::ast::{Condition, Expr, Selector};
use crate::parse::{ParseError, parse_condition, parse_query, parse_selector};
use std::collections::HashMap;
use std::sync::Mutex;

/// Readings of conditions, queries and selectors, by text. Shared by the threads of
/// one compilation.
#[derive(Debug, Default)]
pub struct Memo {
    conditions: Mutex<Generations<Result<Condition, ParseError>>>,
    queries: Mutex<Generations<Result<Expr, ParseError>>>,
    selectors: Mutex<Generations<Result<Selector, ParseError>>>,
}

#[derive(Debug)]
struct Generations<T> {
    current: HashMap<String, T>,
    previous: HashMap<String, T>,
}

impl<T> Default for Generations<T> {
    fn default() -> Self {
        Generations {
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }
}

impl Memo {
    /// [`parse_condition`], read once per text.
    pub fn condition(&self, text: &str) -> Result<Condition, ParseError> {
        read(&self.conditions, text, parse_condition)
    }

    /// [`parse_query`], read once per text.
    pub fn query(&self, text: &str) -> Result<Expr, ParseError> {
        read(&self.queries, text, parse_query)
    }

    /// [`parse_selector`], read once per text.
    pub fn selector(&self, text: &str) -> Result<Selector, ParseError> {
        read(&self.selectors, text, parse_selector)
    }

    /// A compilation starts: what the one before last did not read is forgotten.
    pub fn next_generation(&self) {
        next(&self.conditions);
        next(&self.queries);
        next(&self.selectors);
    }
}

fn next<T>(g: &Mutex<Generations<T>>) {
    // A thread that panicked holding the lock leaves a memo that is still right.
    let mut g = g.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let current = std::mem::take(&mut g.current);
    g.previous = current;
}

fn read<T: Clone>(g: &Mutex<Generations<T>>, text: &str, parse: fn(&str) -> T) -> T {
    {
        let mut g = g.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(t) = g.current.get(text) {
            return t.clone();
        }
        if let Some(t) = g.previous.remove(text) {
            g.current.insert(text.to_string(), t.clone());
            return t;
        }
    }
    // Read without the lock, so that the other threads go on.
    let t = parse(text);
    g.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .current
        .insert(text.to_string(), t.clone());
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_reads_as_the_parser_does_and_forgets_what_is_not_read_again() {
        let memo = Memo::default();
        for text in ["rate(a_total[5m]) > 1 for 5m", "a >", ""] {
            assert_eq!(memo.condition(text), parse_condition(text));
            assert_eq!(memo.condition(text), parse_condition(text));
        }
        assert_eq!(memo.query("sum(a)"), parse_query("sum(a)"));
        assert_eq!(memo.selector("a{b=\"c\"}"), parse_selector("a{b=\"c\"}"));
        memo.next_generation();
        assert_eq!(memo.condition("a >"), parse_condition("a >"));
        memo.next_generation();
        let kept = |m: &Memo| {
            let g = m.conditions.lock().unwrap();
            (g.current.len(), g.previous.len())
        };
        // `a >` was read in the last generation, the others were not.
        assert_eq!(kept(&memo), (0, 1));
        memo.next_generation();
        assert_eq!(kept(&memo), (0, 0));
    }
}
