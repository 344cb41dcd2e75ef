//! The language server's incremental reading of an edited file equals reading the
//! whole file, for every kind of one-line edit on every line of every spec file the
//! project has (the shipped spec, the examples, every fixture): typing at a line's
//! end, deleting a character, deleting the line, duplicating it, indenting it. And
//! the fast path is really taken: most edits inside a definition of the shipped spec
//! read only that definition.

use forge_spec::source::{FileId, SourceFile};
use forge_spec::syntax::{self as incremental, Parsed, parse_spec};
use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// One-line edits of the line `i` of `lines`.
fn edits(lines: &[&str], i: usize) -> Vec<String> {
    let with = |line: Option<String>, twice: bool| {
        let mut out: Vec<String> = Vec::with_capacity(lines.len() + 1);
        for (j, l) in lines.iter().enumerate() {
            if j == i {
                if let Some(l) = &line {
                    out.push(l.clone());
                }
                if twice {
                    out.push(l.to_string());
                }
            } else {
                out.push(l.to_string());
            }
        }
        out.join("\n")
    };
    let line = lines[i];
    let mut shorter = line.to_string();
    shorter.pop();
    vec![
        with(Some(format!("{line}x")), false),
        with(None, false),
        with(Some(shorter), false),
        with(Some(line.to_string()), true),
        with(Some(format!(" {line}")), false),
    ]
}

fn read(text: &str) -> Parsed {
    parse_spec(FileId(1), &SourceFile::new("f.yaml", text))
}

/// Every edit (of `kinds`, see [`edits`]) of every line of `path`: when the reading
/// is incremental, it equals the whole one. Returns (edits read incrementally, edits
/// whose text reads without errors — counted for all five kinds only).
fn check_file(path: &Path, kinds: usize) -> (usize, usize) {
    let Ok(before) = std::fs::read_to_string(path) else {
        return (0, 0);
    };
    let old = read(&before);
    let lines: Vec<&str> = before.split('\n').collect();
    let (mut fast, mut clean) = (0, 0);
    for i in 0..lines.len() {
        for after in edits(&lines, i).into_iter().take(kinds) {
            let file = SourceFile::new("f.yaml", after.as_str());
            let spliced = incremental::splice(FileId(1), &before, old.clone(), &file);
            if spliced.is_none() && kinds < 5 {
                continue;
            }
            let whole = parse_spec(FileId(1), &file);
            clean += usize::from(whole.diagnostics.is_empty());
            if let Some(p) = spliced {
                fast += 1;
                assert_eq!(
                    format!("{p:?}"),
                    format!("{whole:?}"),
                    "{}: line {} edited to {:?}",
                    path.display(),
                    i + 1,
                    after.split('\n').nth(i)
                );
            }
        }
    }
    (fast, clean)
}

#[test]
fn the_shipped_spec_is_read_incrementally_and_right() {
    let mut files = Vec::new();
    yaml_files(Path::new("spec"), &mut files);
    assert!(files.len() >= 5, "the shipped spec: {files:?}");
    let (mut fast, mut clean) = (0, 0);
    for f in &files {
        let (a, b) = check_file(f, 5);
        fast += a;
        clean += b;
    }
    // Of the edits that leave the spec readable, only those of a section's own line
    // and of the comments above the first section read the whole file.
    assert!(
        fast * 10 > clean * 8,
        "{fast} of {clean} edits read incrementally"
    );
    eprintln!("{fast} of {clean} readable edits read incrementally");
    // Any edit of a file gives what reading it whole gives, whichever way it is read.
    let before = std::fs::read_to_string("spec/metrics.yaml").expect("the shipped spec");
    let after = before.replace("help: Total HTTP requests.", "help: All HTTP requests.");
    let file = SourceFile::new("f.yaml", after.as_str());
    let again = incremental::reparse(FileId(1), &before, read(&before), &file);
    assert_eq!(format!("{again:?}"), format!("{:?}", read(&after)));
}

#[test]
fn every_spec_file_of_the_project_is_read_right_after_any_one_line_edit() {
    let mut files = Vec::new();
    for dir in ["examples", "tests/fixtures"] {
        yaml_files(Path::new(dir), &mut files);
    }
    assert!(files.len() > 100, "{} files", files.len());
    let mut fast = 0;
    for f in &files {
        // Typing at a line's end and deleting the line.
        fast += check_file(f, 2).0;
    }
    assert!(fast > 1000, "{fast} edits read incrementally");
    eprintln!("{fast} edits of {} files read incrementally", files.len());
}
