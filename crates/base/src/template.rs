//! Bottom layer: the one reader of Go templates' actions (`{{ … }}`), as Prometheus and
//! Alertmanager's `text/template` delimit them: trim markers (`{{- ` and ` -}}`, a
//! space required) and comments (`{{/* … */}}`, which may hold `}}`). The template
//! checker (`expr::gotmpl`) lexes and checks what is inside each action; the secret
//! scanner evaluates the actions that only print literals.

use std::ops::Range;

/// One action: its range in the text (delimiters included), what is inside (trim
/// markers removed) and where that starts, and its trim markers.
#[derive(Debug, Clone, PartialEq)]
pub struct Action<'t> {
    pub range: Range<usize>,
    pub inner: &'t str,
    pub inner_start: usize,
    pub trim_left: bool,
    pub trim_right: bool,
}

/// What the reader meets: an action, or a comment (its range).
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'t> {
    Action(Action<'t>),
    Comment(Range<usize>),
}

/// Why a text is not a template: where, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub range: Range<usize>,
    pub message: &'static str,
}

/// The actions and comments of a text, in order; the first delimiting error ends it.
pub fn pieces(text: &str) -> Pieces<'_> {
    Pieces { text, at: 0 }
}

pub struct Pieces<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Iterator for Pieces<'t> {
    type Item = Result<Piece<'t>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let text = self.text;
        let start = self.at + text.get(self.at..)?.find("{{")?;
        let after = &text[start + 2..];
        let fail = |me: &mut Self, range: Range<usize>, message| {
            me.at = text.len();
            Some(Err(ReadError { range, message }))
        };
        // A comment starts right at the delimiter (or its trim marker) and ends right
        // before the closing one, as Go requires; it may hold `}}`.
        if let Some(body) = after
            .strip_prefix("/*")
            .or_else(|| after.strip_prefix("- /*"))
        {
            let body_start = text.len() - body.len();
            let Some(k) = body.find("*/") else {
                return fail(self, start..text.len(), "unclosed comment");
            };
            let tail = &body[k + 2..];
            let close = if tail.starts_with("}}") {
                2
            } else if tail.starts_with(" -}}") {
                4
            } else {
                return fail(
                    self,
                    start..body_start + k + 2,
                    "a comment must end right before `}}` (`*/}}` or `*/ -}}`)",
                );
            };
            self.at = body_start + k + 2 + close;
            return Some(Ok(Piece::Comment(start..self.at)));
        }
        let Some(close) = after.find("}}") else {
            return fail(
                self,
                start..text.len(),
                "unclosed action: `{{` without `}}`",
            );
        };
        let end = start + 2 + close + 2;
        let mut inner = &text[start + 2..end - 2];
        let mut inner_start = start + 2;
        let mut trim_left = false;
        let mut trim_right = false;
        if let Some(rest) = inner.strip_prefix('-')
            && rest.starts_with([' ', '\t', '\n', '\r'])
        {
            inner = rest;
            inner_start += 1;
            trim_left = true;
        }
        if let Some(rest) = inner.strip_suffix('-')
            && rest.ends_with([' ', '\t', '\n', '\r'])
        {
            inner = rest;
            trim_right = true;
        }
        self.at = end;
        Some(Ok(Piece::Action(Action {
            range: start..end,
            inner,
            inner_start,
            trim_left,
            trim_right,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_trims_and_comments() {
        let text = "a {{- .X -}} b {{/* }} */}} {{ \"y\" }}";
        let got: Vec<Piece> = pieces(text).map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        let Piece::Action(a) = &got[0] else { panic!() };
        assert_eq!((a.inner, a.trim_left, a.trim_right), (" .X ", true, true));
        assert!(matches!(got[1], Piece::Comment(_)));
        // `{{-3}}` is a number, not a trim marker.
        let Some(Ok(Piece::Action(a))) = pieces("{{-3}}").next() else {
            panic!()
        };
        assert_eq!((a.inner, a.trim_left), ("-3", false));
        assert!(pieces("{{ .X").next().unwrap().is_err());
        assert!(pieces("{{/* x */ }}").next().unwrap().is_err());
    }
}
