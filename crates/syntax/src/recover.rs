//! Error recovery for spec files: a mistake costs the smallest block around it, not
//! the file.
//!
//! The YAML reader stops at the first error. To go on, the block that holds the error
//! is blanked (overwritten with spaces, so every other byte keeps its offset and every
//! span stays right) and the file is read again:
//!
//! - an unknown key, a wrong value, a duplicate key: the entry `key: value` (with its
//!   nested lines) or the list item `- …` that holds it;
//! - a missing required key: the whole definition (`metrics: <name>:` …), since it
//!   cannot exist without it; its name is recorded in [`SpecFile::failed`], and
//!   references to it are not reported again by later stages.
//!
//! An error whose block holds an earlier blanked one is a consequence of that earlier
//! error (a `type:` removed for a misspelt value leaves its metric without `type`): it
//! is recovered from but not reported. YAML syntax errors and input budgets end the
//! reading of the file; so do more than [`MAX_RECOVERIES`] errors in one file.

use crate::SpecFile;
use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::parse as p;
use forge_spec_base::source::{FileId, SourceFile};
use std::ops::Range;

/// How many errors one file may recover from before its reading stops.
pub const MAX_RECOVERIES: usize = 50;

/// The outcome of reading one spec file: what could be read, and every error.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// `None` when the file could not be read at all (YAML syntax, input budgets).
    pub file: Option<SpecFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one spec file, recovering from errors in its definitions.
pub fn parse_spec(id: FileId, file: &SourceFile) -> Parsed {
    let mut text: Option<String> = None;
    let mut blanked: Vec<Range<usize>> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let mut diagnostics = Vec::new();
    loop {
        let attempt = match &text {
            None => crate::parse_file(id, file),
            Some(t) => crate::parse_file(id, &SourceFile::new(file.name.clone(), t.clone())),
        };
        let d = match attempt {
            Ok(mut f) => {
                f.failed = failed;
                return Parsed {
                    file: Some(f),
                    diagnostics,
                };
            }
            Err(d) => *d,
        };
        let current = text.as_deref().unwrap_or(&file.text);
        let at = (d.primary.span.start as usize).min(current.len());
        if let Some(key) = renamed_key(current, &d, &blanked) {
            diagnostics.push(d);
            let mut t = current.to_string();
            t.replace_range(key.0.clone(), &key.1);
            blanked.push(key.0);
            text = Some(t);
            continue;
        }
        let region = if !recoverable(&d) || blanked.len() >= MAX_RECOVERIES {
            None
        } else if d.code.code == p::MISSING_KEY.code {
            definition_at(current, at)
        } else {
            entry_at(current, at)
        };
        let Some(region) = region.filter(|r| !is_blank(&current[r.clone()])) else {
            diagnostics.push(d);
            return Parsed {
                file: None,
                diagnostics,
            };
        };
        let consequence = blanked.iter().any(|b| holds(current, &region, b));
        if !consequence {
            diagnostics.push(d);
        }
        failed.extend(definitions_in(current, &region));
        let mut t = current.to_string();
        blank(&mut t, &region);
        blanked.push(region);
        text = Some(t);
    }
}

/// A misspelt key (`hlep:`) is read as the key it was most likely meant to be
/// (`help`), so the definition keeps its value and no later check reports it missing:
/// the key's range and its replacement (the suggestion, padded with spaces to the same
/// length: `help :` is the same key). Only plain keys at least as long as the
/// suggestion, and once per place.
fn renamed_key(
    text: &str,
    d: &Diagnostic,
    done: &[Range<usize>],
) -> Option<(Range<usize>, String)> {
    if d.code.code != p::UNKNOWN_KEY.code || done.len() >= MAX_RECOVERIES {
        return None;
    }
    let suggestion = d.suggestion.as_deref()?;
    let range = d.primary.span.start as usize..d.primary.span.end as usize;
    let key = text.get(range.clone())?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let follows = text.get(range.end..)?;
    if !plain(key)
        || !plain(suggestion)
        || suggestion.len() > key.len()
        || !follows.starts_with(':')
        || done
            .iter()
            .any(|r| r.start <= range.start && range.end <= r.end)
    {
        return None;
    }
    let padded = format!("{suggestion:<width$}", width = key.len());
    Some((range, padded))
}

/// Whether the block `region` held the blanked range `b` before it was blanked: `b`
/// lies inside it, or after it with only whitespace between and indented deeper (a
/// blanked line no longer counts as part of the block above it).
fn holds(text: &str, region: &Range<usize>, b: &Range<usize>) -> bool {
    let column = |at: usize| at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    (region.start <= b.start && b.end <= region.end)
        || (b.start >= region.end
            && is_blank(&text[region.end..b.start])
            && column(b.start) > column(region.start))
}

/// Errors in one definition; the others (YAML syntax, budgets, control characters)
/// leave nothing to read.
fn recoverable(d: &Diagnostic) -> bool {
    [
        p::UNKNOWN_KEY.code,
        p::MISSING_KEY.code,
        p::WRONG_TYPE.code,
        p::DUPLICATE_KEY.code,
    ]
    .contains(&d.code.code)
}

/// One line of block YAML: where it starts and ends, its indentation, and the column
/// of its key or of the content after its `- ` markers.
pub(crate) struct Line {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) indent: usize,
    /// Offset (in the file) of the content after indentation and `- ` markers.
    pub(crate) content: usize,
    /// The line starts a list item (`- …`).
    pub(crate) item: bool,
    /// The line is blank or a comment.
    pub(crate) empty: bool,
}

/// The line holding the offset `at`.
pub(crate) fn line_at(text: &str, at: usize) -> Line {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let body = &text[start..end];
    let indent = body.len() - body.trim_start_matches(' ').len();
    let mut content = indent;
    let mut item = false;
    while body[content..].starts_with("- ") || &body[content..] == "-" {
        item = true;
        content = (content + 2).min(body.len());
        content += body[content..].len() - body[content..].trim_start_matches(' ').len();
    }
    let rest = body[indent..].trim_end();
    Line {
        start,
        end,
        indent,
        content: start + content,
        item,
        empty: rest.is_empty() || rest.starts_with('#'),
    }
}

/// The end of the block opened by the node at column `col` on the line ending at
/// `end`: the following lines indented deeper (or blank), and for a key, the list
/// items at its own column (`key:` then `- item`, which YAML allows).
fn block_end(text: &str, mut end: usize, col: usize, key: bool) -> usize {
    let mut block = end;
    while end < text.len() {
        let next = line_at(text, end + 1);
        if !next.empty && next.indent <= col && !(key && next.item && next.indent == col) {
            break;
        }
        if !next.empty {
            block = next.end;
        }
        end = next.end;
    }
    block
}

/// The entry or list item of the line at `at`: from its key (or its `- ` marker when
/// the error is on the marker) to the end of its nested lines.
fn entry_at(text: &str, at: usize) -> Option<Range<usize>> {
    let line = line_at(text, at);
    if line.empty {
        return None;
    }
    if at >= line.content || !line.item {
        let col = line.content - line.start;
        Some(line.content..block_end(text, line.end, col, true))
    } else {
        Some(line.start + line.indent..block_end(text, line.end, line.indent, false))
    }
}

/// The line that holds the node of `line`: the nearest line above indented less (for
/// a list item: or a key at the item's own column).
fn parent(text: &str, line: &Line) -> Option<Line> {
    let mut pos = line.start;
    while pos > 0 {
        let up = line_at(text, pos - 1);
        pos = up.start;
        if up.empty {
            continue;
        }
        let node_col = if line.item {
            line.indent
        } else {
            line.content - line.start
        };
        if up.indent < node_col || (line.item && !up.item && up.indent == line.indent) {
            // A key after `- ` markers is the item's own key: its node is the item.
            return Some(up);
        }
    }
    None
}

/// The definition holding `at`: the node one level below a top-level section
/// (`metrics:` → `  http_requests_total:`), or the top-level entry itself.
fn definition_at(text: &str, at: usize) -> Option<Range<usize>> {
    let mut line = line_at(text, at);
    // A missing key may be reported where the mapping lacking it ends, which may be
    // the blank lines after it: start from the last line with content.
    while line.empty && line.start > 0 {
        line = line_at(text, line.start - 1);
    }
    if line.empty {
        return None;
    }
    let mut chain = vec![line];
    while let Some(up) = chain.last().and_then(|l| parent(text, l)) {
        chain.push(up);
    }
    chain.reverse();
    let def = chain.get(1).or(chain.first())?;
    if def.item {
        Some(def.start + def.indent..block_end(text, def.end, def.indent, false))
    } else {
        let col = def.content - def.start;
        Some(def.content..block_end(text, def.end, col, true))
    }
}

/// The names of the definitions a region removes: keys one level below a top-level
/// section (`metrics:`, `receivers:`…) that start a line inside it.
fn definitions_in(text: &str, region: &Range<usize>) -> Vec<String> {
    let mut names = Vec::new();
    let mut pos = region.start;
    let mut section_col = None;
    // Every line of the region is in the section its first line is in: the walk up to
    // the section's key is made once, not once per line.
    let top = top_level_indent(text, region.start);
    while pos < region.end {
        let line = line_at(text, pos);
        if !line.empty {
            let col = line.content - line.start;
            if section_col.is_none() && col > top {
                section_col = Some(col);
            }
            if Some(col) == section_col
                && !line.item
                && let Some(key) = key_of(&text[line.content..line.end])
            {
                names.push(key);
            }
        }
        pos = line.end + 1;
    }
    names
}

/// The indentation of the top-level section the line at `at` belongs to (0 unless the
/// file is indented as a whole).
fn top_level_indent(text: &str, at: usize) -> usize {
    let mut pos = at;
    let mut indent = usize::MAX;
    loop {
        let line = line_at(text, pos);
        if !line.empty {
            indent = indent.min(line.indent);
        }
        if line.start == 0 || indent == 0 {
            return indent.min(line.indent);
        }
        pos = line.start - 1;
    }
}

/// The key of `key: …` (plain or quoted), if the text starts with one.
fn key_of(s: &str) -> Option<String> {
    let s = s.trim_end();
    let (key, rest) = if let Some(q) = s.strip_prefix('"') {
        let end = q.find('"')?;
        (&q[..end], &q[end + 1..])
    } else if let Some(q) = s.strip_prefix('\'') {
        let end = q.find('\'')?;
        (&q[..end], &q[end + 1..])
    } else {
        let end = s.find(": ").or_else(|| s.strip_suffix(':').map(str::len))?;
        (&s[..end], &s[end..])
    };
    rest.starts_with(':').then(|| key.to_string())
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}

/// Overwrites a region with spaces, keeping line breaks (and so every offset and
/// line number).
fn blank(text: &mut String, region: &Range<usize>) {
    let replaced: String = text[region.clone()]
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' {
                c.to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    text.replace_range(region.clone(), &replaced);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "\
metrics:
  a_total:
    type: counter
    hlep: A.
    labels:
      method: {values: [GET]}
  b_total:
    type: counter

receivers:
  - name: x
";

    #[test]
    fn an_entry_is_its_key_line_and_nested_lines() {
        let at = SPEC.find("hlep").unwrap();
        assert_eq!(&SPEC[entry_at(SPEC, at).unwrap()], "hlep: A.");
        let at = SPEC.find("labels").unwrap();
        assert_eq!(
            &SPEC[entry_at(SPEC, at).unwrap()],
            "labels:\n      method: {values: [GET]}"
        );
        let at = SPEC.find("name: x").unwrap();
        assert_eq!(&SPEC[entry_at(SPEC, at).unwrap()], "name: x");
        // On the marker: the whole item.
        let at = SPEC.find("- name").unwrap();
        assert_eq!(&SPEC[entry_at(SPEC, at).unwrap()], "- name: x");
    }

    #[test]
    fn a_definition_is_two_levels_down() {
        let at = SPEC.find("GET").unwrap();
        let r = definition_at(SPEC, at).unwrap();
        assert!(
            SPEC[r.clone()].starts_with("a_total:"),
            "{:?}",
            &SPEC[r.clone()]
        );
        assert!(SPEC[r.clone()].ends_with("[GET]}"));
        assert_eq!(definitions_in(SPEC, &r), vec!["a_total"]);
        // A top-level key: the section, with every definition in it.
        let r = definition_at(SPEC, 0).unwrap();
        assert_eq!(definitions_in(SPEC, &r), vec!["a_total", "b_total"]);
    }

    #[test]
    fn blanking_keeps_offsets() {
        let mut t = SPEC.to_string();
        let r = entry_at(SPEC, SPEC.find("labels").unwrap()).unwrap();
        blank(&mut t, &r);
        assert_eq!(t.len(), SPEC.len());
        assert_eq!(t.lines().count(), SPEC.lines().count());
        assert_eq!(t.find("b_total"), SPEC.find("b_total"));
    }
}
