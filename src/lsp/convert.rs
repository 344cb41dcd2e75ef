//! Conversions between the protocol's positions (line, UTF-16 character) and the
//! sources' byte offsets, and the edits of a change or a fix.

use super::*;

/// A byte offset from an LSP position (a line, and UTF-16 code units in it).
pub(super) fn offset(file: &SourceFile, line: u64, character: u64) -> usize {
    offset_in(&file.text, line, character)
}

/// The byte offset of an LSP position (line, UTF-16 code units) in a text; past the
/// end of a line, its end; past the last line, the text's end.
pub(super) fn offset_in(text: &str, line: u64, character: u64) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0u64;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16() as u64;
    }
    end
}

/// The edits a rule states, as LSP text edits of `file`.
pub(super) fn text_edits(file: &SourceFile, d: &diag::Diagnostic) -> Vec<Value> {
    d.edits
        .iter()
        .map(|(span, text)| json!({"range": range(file, *span), "newText": text}))
        .collect()
}

/// Applies one change of a `didChange`: the text of a range (incremental sync), or the
/// whole text. A change without text is ignored; a range past the end is clamped.
pub(super) fn apply_change(text: &mut String, change: &Value) {
    let Some(new) = change.get("text").and_then(Value::as_str) else {
        return;
    };
    let Some(range) = change.get("range") else {
        new.clone_into(text);
        return;
    };
    let at = |key: &str| {
        let p = range.get(key)?;
        let line = p.get("line")?.as_u64()?;
        let character = p.get("character")?.as_u64()?;
        Some(offset_in(text, line, character))
    };
    if let (Some(start), Some(end)) = (at("start"), at("end")) {
        text.replace_range(start..end.max(start), new);
    }
}

/// An LSP position of a byte offset.
pub(super) fn position(file: &SourceFile, at: usize) -> Value {
    let at = at.min(file.text.len());
    let line_start = file.text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = file.text[..line_start].matches('\n').count();
    let character: usize = file
        .text
        .get(line_start..at)
        .map_or(0, |s| s.chars().map(char::len_utf16).sum());
    json!({"line": line, "character": character})
}

pub(super) fn range(file: &SourceFile, span: Span) -> Value {
    json!({"start": position(file, span.start as usize), "end": position(file, span.end as usize)})
}
