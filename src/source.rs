//! Stage 0, load: spec files on disk become a `SourceSet` of texts with line indexes,
//! and `Span`s (file + byte range) that every later stage carries.

use std::fmt;
use std::path::{Path, PathBuf};

/// Largest spec file read, in bytes; larger files are refused with P008.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Longest line of a spec file, in bytes; files with a longer line are refused with
/// P008. This bounds every one-line string (names, conditions, queries) that later
/// stages parse, compare and print; strings over several lines are bounded by
/// `MAX_FILE_BYTES`.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The first line longer than [`MAX_LINE_BYTES`]: its number (from 1) and length.
pub fn long_line(text: &str) -> Option<(usize, usize)> {
    text.split('\n')
        .enumerate()
        .find(|(_, line)| line.len() > MAX_LINE_BYTES)
        .map(|(i, line)| (i + 1, line.len()))
}

/// Index of a file in the `SourceSet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file. Every user-visible value keeps one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    /// A sub-range of this span, given as offsets relative to its start.
    pub fn sub(self, from: usize, to: usize) -> Span {
        let start = (self.start as usize).saturating_add(from);
        let end = (self.start as usize).saturating_add(to);
        Span::new(self.file, start, end.max(start))
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One loaded spec file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (relative where possible), used in messages.
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The text a span covers ("" when it is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// All files of one spec, in a stable order.
#[derive(Debug, Default)]
pub struct SourceSet {
    pub files: Vec<SourceFile>,
}

impl SourceSet {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len()).map(|i| FileId(i as u32))
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |f| f.slice(span))
    }

    /// `file:line:col` of the start of a span.
    pub fn position(&self, span: Span) -> Position<'_> {
        match self.get(span.file) {
            Some(f) => {
                let (line, column) = f.line_col(span.start as usize);
                let (end_line, end_column) = f.line_col(span.end as usize);
                Position {
                    file: &f.name,
                    line,
                    column,
                    end_line,
                    end_column,
                }
            }
            None => Position {
                file: "<unknown>",
                line: 0,
                column: 0,
                end_line: 0,
                end_column: 0,
            },
        }
    }
}

/// A resolved `file:line:col` (1-based) with the end of the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl fmt::Display for Position<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Why a spec could not be read at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: no *.yaml files found")]
    Empty { path: String },
}

/// A file that was found but refused before parsing (too large, not UTF-8).
#[derive(Debug)]
pub struct Refused {
    pub name: String,
    pub reason: String,
}

/// Lists the spec files named by `paths`: files as given, directories searched
/// recursively for `*.yaml` / `*.yml`, sorted so the merge order is stable.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            let before = out.len();
            walk(path, &mut out)?;
            if out.len() == before {
                return Err(LoadError::Empty {
                    path: path.display().to_string(),
                });
            }
        } else {
            out.push(path.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads the files into a `SourceSet`; files over the size budget or not UTF-8 are
/// returned as `Refused` so the caller can report them as diagnostics.
pub fn load(paths: &[PathBuf]) -> Result<(SourceSet, Vec<Refused>), LoadError> {
    let mut set = SourceSet::default();
    let mut refused = Vec::new();
    for path in discover(paths)? {
        let name = display_name(&path);
        let io = |source| LoadError::Io {
            path: name.clone(),
            source,
        };
        let size = std::fs::metadata(&path).map_err(io)?.len();
        if size > MAX_FILE_BYTES {
            refused.push(Refused {
                name,
                reason: format!("the file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"),
            });
            continue;
        }
        let bytes = std::fs::read(&path).map_err(io)?;
        match String::from_utf8(bytes) {
            Ok(text) => match long_line(&text) {
                Some((line, len)) => refused.push(Refused {
                    name,
                    reason: format!(
                        "line {line} is {len} bytes; the limit is {MAX_LINE_BYTES} bytes a line"
                    ),
                }),
                None => {
                    set.add(SourceFile::new(name, text));
                }
            },
            Err(_) => refused.push(Refused {
                name,
                reason: "the file is not valid UTF-8".into(),
            }),
        }
    }
    Ok((set, refused))
}

/// The path relative to the current directory when it is inside it, with `/` separators,
/// so messages and generated headers do not depend on where the repository lives.
pub fn display_name(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    if rel.is_absolute() {
        return rel.display().to_string();
    }
    rel.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column are 1-based and count characters, not bytes.
    #[test]
    fn line_col_counts_chars() {
        let f = SourceFile::new("a.yaml", "ab\nçd: x\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(6), (2, 3)); // after "çd" (ç is two bytes)
    }
}
