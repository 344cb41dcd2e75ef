//! Reading a spec file again after an edit — the language server's path on every
//! keystroke — without reading all of it.
//!
//! When the lines an edit changes all lie inside one definition of a section (the
//! lines of `  http_requests_total:` under `metrics:`), only that definition is read:
//! from the new text with everything but the section's line and the definition
//! blanked (so its spans are the file's own), and it takes the old definition's place
//! in the file read before, whose later spans move by the edit's change in length
//! ([`Shift`]). When they lie inside one section but not one definition (a definition
//! added or removed, a comment above the first one, `routing:` or `service:`), that
//! section is read alone the same way. Anything else — an edit on a section's own line
//! or above the first section, a file read before with errors, an anchor, a renamed
//! key that is now a duplicate, text that does not read cleanly — reads the whole file
//! again. The result is always what [`parse_spec`] gives for the new text.

use crate::recover::{Line, line_at};
use crate::shift::{Moved, Shift};
use crate::spanned::Map;
use crate::{Parsed, SpecFile, parse_spec};
use forge_spec_base::source::{FileId, SourceFile};
use std::ops::Range;

/// Reads `new` again, given the text it had before and how that was read.
pub fn reparse(id: FileId, before: &str, old: Parsed, new: &SourceFile) -> Parsed {
    splice(id, before, old, new).unwrap_or_else(|| parse_spec(id, new))
}

/// The sections of a file: the mappings of names to definitions, whose definitions
/// are read one at a time, and the others, read whole.
macro_rules! sections {
    (maps: $($map:ident),*; others: $($other:ident),*) => {
        const SECTIONS: &[&str] = &[$(stringify!($map),)* $(stringify!($other),)*];

        /// Where `new`'s only definition of the mapping `section` goes in `old`: the
        /// entry whose key starts in `key_at`, when no other entry has the new key.
        fn slot(old: &SpecFile, new: &SpecFile, section: &str, key_at: &Range<u32>) -> Option<usize> {
            match section {
                $(stringify!($map) => slot_in(&old.$map, &new.$map, key_at),)*
                _ => None,
            }
        }

        fn put(old: &mut SpecFile, new: SpecFile, section: &str, at: usize) {
            match section {
                $(stringify!($map) => put_in(&mut old.$map, new.$map, at),)*
                _ => {}
            }
        }

        /// Puts `new`'s section (one of [`SECTIONS`]) in place of `old`'s.
        fn put_section(old: &mut SpecFile, new: SpecFile, section: &str) {
            match section {
                $(stringify!($map) => old.$map = new.$map,)*
                $(stringify!($other) => old.$other = new.$other,)*
                _ => {}
            }
        }
    };
}

sections!(
    maps: targets, metrics, slos, alerts, records, groups, receivers, dashboards, lints, teams;
    others: version, service, defaults, routing, logs, outputs
);

fn slot_in<V>(old: &Map<V>, new: &Map<V>, key_at: &Range<u32>) -> Option<usize> {
    let [(key, _)] = new.0.as_slice() else {
        return None;
    };
    let mut found = old
        .0
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| key_at.contains(&k.span.start))
        .map(|(i, _)| i);
    let at = found.next()?;
    let duplicate = old
        .0
        .iter()
        .enumerate()
        .any(|(i, (k, _))| i != at && k.value == key.value);
    (found.next().is_none() && !duplicate).then_some(at)
}

fn put_in<V>(old: &mut Map<V>, new: Map<V>, at: usize) {
    if let (Some(slot), Some(entry)) = (old.0.get_mut(at), new.0.into_iter().next()) {
        *slot = entry;
    }
}

/// The incremental reading alone: `None` when the edit needs the whole file read.
pub fn splice(id: FileId, before: &str, old: Parsed, new: &SourceFile) -> Option<Parsed> {
    let mut file = old
        .file
        .filter(|f| old.diagnostics.is_empty() && f.failed.is_empty())?;
    let (x, y) = (before.as_bytes(), new.text.as_bytes());
    if x != y {
        let (a, b0, b1) = changed_lines(x, y);
        let delta = i64::try_from(b1).ok()? - i64::try_from(b0).ok()?;
        let done = definition(before, a)
            .filter(|def| b0 <= def.end)
            .and_then(|def| one_definition(id, new, &mut file, before, &def, delta));
        if done.is_none() {
            let sec = section(before, a).filter(|sec| b0 <= sec.end)?;
            whole_section(id, new, &mut file, before, &sec, delta)?;
        }
    }
    Some(Parsed {
        file: Some(file),
        diagnostics: Vec::new(),
    })
}

/// Reads the edited definition alone and puts it in place of the old one; `None`, and
/// `file` untouched, when that is not a clean swap.
fn one_definition(
    id: FileId,
    new: &SourceFile,
    file: &mut SpecFile,
    x: &str,
    def: &Definition,
    delta: i64,
) -> Option<()> {
    let lines = def.start..def.end;
    let read = read_alone(
        id,
        new,
        x,
        lines,
        Some(def.section.clone()),
        delta,
        |y, end| sole_definition(y, def.start, end, def.indent),
    )?;
    let key_at = u32::try_from(def.start).ok()?..u32::try_from(def.end).ok()?;
    let at = slot(file, &read, &def.name, &key_at)?;
    file.shift(Moved {
        from: key_at.end,
        delta,
    });
    put(file, read, &def.name, at);
    Some(())
}

/// Reads the edited section alone and puts it in place of the old one; `None`, and
/// `file` untouched, when it does not read cleanly.
fn whole_section(
    id: FileId,
    new: &SourceFile,
    file: &mut SpecFile,
    x: &str,
    sec: &Section,
    delta: i64,
) -> Option<()> {
    if !SECTIONS.contains(&sec.name.as_str()) {
        return None;
    }
    let lines = sec.header.start..sec.end;
    let read = read_alone(id, new, x, lines, None, delta, |y, end| {
        !shallow_line_in(y, sec.header.end + 1, end, 0)
    })?;
    file.shift(Moved {
        from: u32::try_from(sec.end).ok()?,
        delta,
    });
    put_section(file, read, &sec.name);
    Some(())
}

/// The lines `old` of the old text as they are after the edit (ending `delta` later),
/// read alone — with `header`, a section's line, kept too — from the new text with
/// everything else blanked. `None` when they do not end a line, `shaped` (given the
/// new text and their new end) refuses them, either version holds an anchor, or they
/// do not read cleanly.
fn read_alone(
    id: FileId,
    new: &SourceFile,
    x: &str,
    old: Range<usize>,
    header: Option<Range<usize>>,
    delta: i64,
    shaped: impl Fn(&str, usize) -> bool,
) -> Option<SpecFile> {
    let y = new.text.as_str();
    let end = moved(old.end, delta)?;
    if !ends_line(y.as_bytes(), end) || !shaped(y, end) || anchored(&x[old.clone()]) {
        return None;
    }
    if anchored(y.get(old.start..end)?) {
        return None;
    }
    let keep: Vec<Range<usize>> = header
        .into_iter()
        .chain(std::iter::once(old.start..end))
        .collect();
    let partial = keep_only(y.as_bytes(), &keep)?;
    crate::parse_file(id, &SourceFile::new(new.name.clone(), partial)).ok()
}

/// An offset after the edit.
fn moved(at: usize, delta: i64) -> Option<usize> {
    usize::try_from(i64::try_from(at).ok()? + delta).ok()
}

/// `at` is where a line starts, or the end of the text.
fn ends_line(y: &[u8], at: usize) -> bool {
    at == y.len() || (at > 0 && at < y.len() && y[at - 1] == b'\n')
}

/// The changed region, widened to whole lines: its start in both texts, its end in the
/// old and in the new text. The common suffix is taken first, so that a deleted line
/// is the line itself, not the end of one and the start of the next.
fn changed_lines(x: &[u8], y: &[u8]) -> (usize, usize, usize) {
    let max = x.len().min(y.len());
    let suffix = x
        .iter()
        .rev()
        .zip(y.iter().rev())
        .take(max)
        .take_while(|(p, q)| p == q)
        .count();
    let prefix = x
        .iter()
        .zip(y)
        .take(max - suffix)
        .take_while(|(p, q)| p == q)
        .count();
    let (mut a, mut b0, mut b1) = (prefix, x.len() - suffix, y.len() - suffix);
    // Lines inserted (or deleted) right before a line break are the same lines after
    // it: the edit then starts on a line of its own, not on the line above.
    let inserted = b0 == a && b1 > a && y[a] == b'\n' && x.get(b0) == Some(&b'\n');
    let deleted = b1 == a && b0 > a && x[a] == b'\n' && y.get(b1) == Some(&b'\n');
    if inserted || deleted {
        a += 1;
        b0 += 1;
        b1 += 1;
    }
    let a = line_start(x, a);
    if b0 > 0 && x[b0 - 1] != b'\n' {
        let grow = (line_end(x, b0) + 1).min(x.len()) - b0;
        b0 += grow;
        b1 += grow;
    }
    (a, b0, b1)
}

fn line_start(x: &[u8], at: usize) -> usize {
    x[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1)
}

/// The offset of the line break ending the line at `at`, or the text's length.
fn line_end(x: &[u8], at: usize) -> usize {
    x[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(x.len(), |i| at + i)
}

/// A definition of a section: the section's line and name, and the definition's lines
/// (from the start of its key's line to the start of the next line indented as little).
struct Definition {
    section: Range<usize>,
    name: String,
    start: usize,
    end: usize,
    indent: usize,
}

/// The definition holding the line that starts at `a`.
fn definition(x: &str, a: usize) -> Option<Definition> {
    // Up from `a` to the section's line (indented 0): the nearest line at each
    // indentation, and the indentation of the line right under the section.
    let mut nearest: Vec<Option<usize>> = Vec::new();
    let mut below = None;
    let section = section_line(x, a, |start, l| {
        if nearest.len() <= l.indent {
            nearest.resize(l.indent + 1, None);
        }
        nearest[l.indent].get_or_insert(start);
        below = Some(l.indent);
    })?;
    let indent = below?;
    // Nothing between the section and `a` is indented less than its definitions.
    if nearest[..indent].iter().any(Option::is_some) {
        return None;
    }
    let name = section_name(&x[section.clone()])?;
    let start = nearest[indent]?;
    let first = line_at(x, start);
    if first.item {
        return None;
    }
    Some(Definition {
        section,
        name,
        start,
        end: block_end(x, first.end, indent),
        indent,
    })
}

/// The line of the section holding the line that starts at `a` (the nearest line above
/// indented 0 with content), `on` called with each line with content on the way up;
/// `None` when `a` is that line itself or there is none.
fn section_line(x: &str, a: usize, mut on: impl FnMut(usize, &Line)) -> Option<Range<usize>> {
    let mut start = a;
    loop {
        if start < x.len() {
            let l = line_at(x, start);
            if !l.empty {
                if l.indent == 0 {
                    return (start != a).then_some(start..l.end);
                }
                on(start, &l);
            }
        }
        if start == 0 {
            return None;
        }
        start = line_start(x.as_bytes(), start - 1);
    }
}

/// Where the block of the line ending at `end` ends: the start of the next line with
/// content indented `indent` or less, or the text's end.
fn block_end(x: &str, mut end: usize, indent: usize) -> usize {
    while end < x.len() {
        let l = line_at(x, end + 1);
        if !l.empty && l.indent <= indent {
            break;
        }
        end = l.end;
    }
    (end + 1).min(x.len())
}

/// The name of a section's line, `metrics:` (a comment may follow).
fn section_name(line: &str) -> Option<String> {
    let (name, rest) = line.split_once(':')?;
    let rest = rest.trim();
    let plain = name.bytes().all(|c| c.is_ascii_lowercase() || c == b'_');
    (plain && (rest.is_empty() || rest.starts_with('#'))).then(|| name.to_string())
}

/// A top-level section: its line and name, and where it ends (the next line
/// indented 0 with content, or the text's end).
struct Section {
    header: Range<usize>,
    name: String,
    end: usize,
}

/// The section holding the line that starts at `a`, if `a` is not its own line.
fn section(x: &str, a: usize) -> Option<Section> {
    let header = section_line(x, a, |_, _| {})?;
    let name = section_name(&x[header.clone()])?;
    let end = block_end(x, header.end, 0);
    Some(Section { header, name, end })
}

/// A line with content indented `indent` or less starts in `from..to`.
fn shallow_line_in(y: &str, from: usize, to: usize, indent: usize) -> bool {
    let mut at = from;
    while at < to {
        let l = line_at(y, at);
        if !l.empty && l.indent <= indent {
            return true;
        }
        at = l.end + 1;
    }
    false
}

/// The lines `start..end` are one definition indented `indent`: the first is a key
/// at that indentation, the others nested deeper (or blank, or comments).
fn sole_definition(y: &str, start: usize, end: usize, indent: usize) -> bool {
    let first = line_at(y, start);
    !first.empty
        && !first.item
        && first.indent == indent
        && !shallow_line_in(y, first.end + 1, end, indent)
}

/// The text holds an anchor (`&name`) or a merge key, which other definitions may
/// read: such a definition is not read alone.
fn anchored(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| (w[0] == b'&' && !w[1].is_ascii_whitespace()) || w == b"<<")
}

/// The text with every byte outside `keep` blanked (line breaks kept), so that every
/// offset stays where it was.
fn keep_only(y: &[u8], keep: &[Range<usize>]) -> Option<String> {
    let mut out: Vec<u8> = y
        .iter()
        .map(|&c| if c == b'\n' || c == b'\r' { c } else { b' ' })
        .collect();
    for r in keep {
        out.get_mut(r.clone())?.copy_from_slice(y.get(r.clone())?);
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "\
service:
  name: s
metrics:
  a_total:
    type: counter
    help: A.

  # b comes next
  b_total:
    type: counter
    help: B.
alerts:
  X:
    severity: page
    condition: rate(a_total[5m]) > 1
";

    fn read(text: &str) -> Parsed {
        parse_spec(
            FileId(3),
            &SourceFile::new("s.yaml".to_string(), text.to_string()),
        )
    }

    /// The incremental reading equals the whole reading, and says whether it was
    /// incremental.
    fn edit(before: &str, after: &str) -> bool {
        let file = SourceFile::new("s.yaml".to_string(), after.to_string());
        let whole = format!("{:?}", parse_spec(FileId(3), &file));
        let spliced = splice(FileId(3), before, read(before), &file);
        let used = spliced.is_some();
        let got = format!("{:?}", reparse(FileId(3), before, read(before), &file));
        assert_eq!(got, whole, "{before:?} → {after:?}");
        used
    }

    #[test]
    fn an_edit_inside_a_definition_reads_only_it() {
        assert!(edit(SPEC, &SPEC.replace("help: A.", "help: All of A.")));
        assert!(edit(SPEC, &SPEC.replace("help: B.", "help: B")));
        assert!(edit(SPEC, &SPEC.replace("rate(a_total", "rate( a_total")));
        assert!(edit(SPEC, &SPEC.replace("    help: A.\n", "")));
        assert!(edit(SPEC, &SPEC.replace("  X:", "  Y:")));
        assert!(edit(SPEC, &format!("{SPEC}# the end\n")));
        assert!(edit(SPEC, &SPEC.replace("# b comes", "# then b comes")));
    }

    #[test]
    fn an_edit_across_definitions_reads_their_section() {
        // A new definition; a one-section edit; a comment above the first definition.
        let added = SPEC.replace("  b_total:", "  c_total:\n    type: gauge\n  b_total:");
        assert!(edit(SPEC, &added));
        assert!(edit(SPEC, &SPEC.replace("  name: s", "  name: t")));
        assert!(edit(
            SPEC,
            &SPEC.replace("metrics:\n", "metrics:\n  # all of them\n")
        ));
    }

    #[test]
    fn other_edits_read_the_file() {
        // A section's line, a duplicate key, a mistake, an anchor, a header comment.
        assert!(!edit(SPEC, &SPEC.replace("metrics:", "metrics: # all")));
        assert!(!edit(SPEC, &SPEC.replace("  b_total:", "  a_total:")));
        let typo = SPEC.replace("type: counter\n    help: B.", "tpye: counter\n    help: B.");
        assert!(!edit(SPEC, &typo));
        assert!(!edit(SPEC, &SPEC.replace("help: A.", "help: &h A.")));
        assert!(!edit(
            SPEC,
            &SPEC.replace("    type: counter\n    help: B.\n", "")
        ));
        assert!(!edit(SPEC, &format!("# a spec\n{SPEC}")));
    }

    #[test]
    fn every_single_edit_of_every_line_reads_as_the_whole_file() {
        // Delete each character, and insert one at each place: whatever the path, the
        // result is the whole reading's. Also with Windows line ends.
        let crlf = SPEC.replace('\n', "\r\n");
        for spec in [SPEC, crlf.as_str()] {
            for at in 0..spec.len() {
                let mut cut = spec.to_string();
                cut.remove(at);
                edit(spec, &cut);
                for c in ['x', ' ', '\n', ':', '#'] {
                    let mut added = spec.to_string();
                    added.insert(at, c);
                    edit(spec, &added);
                }
            }
        }
        assert!(edit(&crlf, &crlf.replace("help: A.", "help: All of A.")));
    }
}
