//! Stage 0, load: spec files on disk become a `SourceSet` of texts with line indexes,
//! and `Span`s (file + byte range) that every later stage carries.

pub mod spanned;

pub use spanned::Spanned;

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

/// The byte offset of an editor's position (0-based line, UTF-16 code units) in a text
/// being edited, without a line index: past the end of a line, its end; past the last
/// line, the text's end.
pub fn utf16_offset(text: &str, line: u32, character: u32) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0u32;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    end
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

    /// The 0-based line a byte offset is on.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset.min(self.text.len())) {
            Ok(l) => l,
            Err(l) => l - 1,
        }
    }

    /// The byte offset a 0-based line starts at (the end of the text past the last).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
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

    /// The position of a byte offset as editors count (the Language Server Protocol's):
    /// a 0-based line, and UTF-16 code units into it. The one offset → position
    /// conversion: the language server and every renderer of positions use it.
    pub fn utf16_position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let character: usize = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        (line as u32, character as u32)
    }

    /// The byte offset of an editor's position ([`SourceFile::utf16_position`]'s
    /// inverse): past the end of a line, its end; past the last line, the text's end.
    pub fn utf16_offset(&self, line: u32, character: u32) -> usize {
        utf16_offset(&self.text, line, character)
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

    /// A digest of every file's name and text (the first 64 bits of BLAKE3, hex):
    /// identifies the spec an output was built from.
    pub fn digest(&self) -> String {
        let mut h = blake3::Hasher::new();
        for f in &self.files {
            h.update(f.name.as_bytes());
            h.update(&[0]);
            h.update(&(f.text.len() as u64).to_le_bytes());
            h.update(f.text.as_bytes());
        }
        h.finalize().to_hex()[..16].to_string()
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

/// A file that was found but refused before parsing (too large, not UTF-8, not a
/// regular file, a link leading out of the spec directory).
#[derive(Debug)]
pub struct Refused {
    pub name: String,
    pub reason: String,
    pub help: &'static str,
}

const HELP_SIZE: &str =
    "specs are hand-written UTF-8 YAML files under 16 MiB, with lines under 64 KiB";
const HELP_KIND: &str = "a spec file must be a regular file; remove this entry or rename it so it does not end in .yaml";
const HELP_LINK: &str = "links are followed only inside the spec directory: copy the file in, or name it on the command line";

/// Whether a path names a spec file by its extension.
fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// Identity of a file or directory on disk, to visit each once: (device, inode).
#[cfg(unix)]
fn identity(_: &Path, meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt as _;
    (meta.dev(), meta.ino())
}

/// Identity of a file or directory on disk, to visit each once: elsewhere, a hash of
/// its canonical path (or of the path as given when it has none).
#[cfg(not(unix))]
fn identity(path: &Path, _: &std::fs::Metadata) -> (u64, u64) {
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .hash(&mut h);
    (0, h.finish())
}

/// What discovery found: the spec files in merge order, and entries refused.
#[derive(Default)]
struct Walk {
    /// Each file with its identity on disk, taken from the metadata the walk read.
    files: Vec<(PathBuf, (u64, u64))>,
    refused: Vec<Refused>,
    seen_dirs: std::collections::HashSet<(u64, u64)>,
}

/// Lists the spec files named by `paths`: files as given, directories searched
/// recursively for `*.yaml` / `*.yml`, sorted so the merge order is stable. Each real
/// directory is walked once (a link loop cannot make the walk run away); links are
/// followed only when they lead inside the directory given; each file is read once
/// however many links lead to it. Entries that cannot be spec files (FIFOs, devices,
/// links out of the spec directory or to nothing) are returned as refused.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Refused>), LoadError> {
    let mut w = Walk::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            let before = w.files.len() + w.refused.len();
            let root = std::fs::canonicalize(path).map_err(|source| LoadError::Io {
                path: path.display().to_string(),
                source,
            })?;
            walk(&root, path, &meta, &mut w)?;
            if w.files.len() + w.refused.len() == before {
                return Err(LoadError::Empty {
                    path: path.display().to_string(),
                });
            }
        } else if meta.is_file() {
            w.files.push((path.clone(), identity(path, &meta)));
        } else {
            w.refused.push(not_regular(path));
        }
    }
    w.files.sort();
    w.files.dedup();
    // The same file reached twice (through a link inside the spec): read it once.
    let mut seen = std::collections::HashSet::new();
    w.files.retain(|(_, id)| seen.insert(*id));
    w.refused.sort_by(|a, b| a.name.cmp(&b.name));
    let files = w.files.into_iter().map(|(p, _)| p).collect();
    Ok((files, w.refused))
}

fn not_regular(path: &Path) -> Refused {
    Refused {
        name: display_name(path),
        reason: "it is not a regular file (a FIFO, a device or a socket), so it was not read"
            .into(),
        help: HELP_KIND,
    }
}

fn walk(root: &Path, dir: &Path, meta: &std::fs::Metadata, w: &mut Walk) -> Result<(), LoadError> {
    if !w.seen_dirs.insert(identity(dir, meta)) {
        return Ok(());
    }
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
        let Ok(own) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let target_meta = if own.file_type().is_symlink() {
            let inside = std::fs::canonicalize(&p)
                .ok()
                .filter(|t| t.starts_with(root));
            match (inside, std::fs::metadata(&p)) {
                (Some(_), Ok(m)) => m,
                (None, Ok(m)) if m.is_dir() || is_yaml(&p) => {
                    w.refused.push(Refused {
                        name: display_name(&p),
                        reason: "it is a symbolic link leading out of the spec directory, so it was not followed".into(),
                        help: HELP_LINK,
                    });
                    continue;
                }
                (_, Err(_)) if is_yaml(&p) => {
                    w.refused.push(Refused {
                        name: display_name(&p),
                        reason: "it is a symbolic link to nothing".into(),
                        help: HELP_LINK,
                    });
                    continue;
                }
                _ => continue,
            }
        } else {
            own
        };
        if target_meta.is_dir() {
            walk(root, &p, &target_meta, w)?;
        } else if is_yaml(&p) {
            if target_meta.is_file() {
                w.files.push((p.clone(), identity(&p, &target_meta)));
            } else {
                w.refused.push(not_regular(&p));
            }
        }
    }
    Ok(())
}

/// Opens a spec file for reading without blocking (a FIFO would wait for a writer for
/// ever) and only if what was opened is a regular file.
fn open_spec(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    Ok(file.metadata()?.is_file().then_some(file))
}

/// Reads the files into a `SourceSet`; files over the size budget, not UTF-8 or not
/// regular files are returned as `Refused` so the caller can report them as
/// diagnostics. Reading stops at the budget whatever size the file system reports.
pub fn load(paths: &[PathBuf]) -> Result<(SourceSet, Vec<Refused>), LoadError> {
    load_in(paths, std::env::current_dir().ok().as_deref())
}

/// [`load`], with the files named relative to `base` (where they are under it) instead
/// of the working directory: the language server names files relative to its
/// workspace's root and never changes the process's working directory.
pub fn load_in(
    paths: &[PathBuf],
    base: Option<&Path>,
) -> Result<(SourceSet, Vec<Refused>), LoadError> {
    let mut set = SourceSet::default();
    let (files, mut refused) = discover(paths)?;
    // The walk names what it refuses relative to the working directory.
    let cwd = std::env::current_dir().ok();
    for r in &mut refused {
        if let (Some(base), Some(cwd)) = (base, &cwd) {
            r.name = display_name_in(&cwd.join(&r.name), Some(base));
        }
    }
    // Files are read on as many threads as allowed, and kept in the walk's order.
    let read = crate::par::map(&files, |path| read_one(path, base));
    for r in read {
        match r? {
            Ok(file) => {
                set.add(file);
            }
            Err(r) => refused.push(r),
        }
    }
    Ok((set, refused))
}

/// Why a spec text is refused before parsing (too large, a line too long), whoever
/// read it: the loader from disk, or the language server from the editor.
pub fn over_budget(name: &str, text: &str) -> Option<Refused> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Some(Refused {
            name: name.to_string(),
            reason: format!(
                "the file is larger than the limit; the limit is {MAX_FILE_BYTES} bytes"
            ),
            help: HELP_SIZE,
        });
    }
    let (line, len) = long_line(text)?;
    Some(Refused {
        name: name.to_string(),
        reason: format!("line {line} is {len} bytes; the limit is {MAX_LINE_BYTES} bytes a line"),
        help: HELP_SIZE,
    })
}

/// Reads one spec file, or says why it was refused.
fn read_one(path: &Path, cwd: Option<&Path>) -> Result<Result<SourceFile, Refused>, LoadError> {
    use std::io::Read as _;
    let name = display_name_in(path, cwd);
    let io = |source| LoadError::Io {
        path: name.clone(),
        source,
    };
    let Some(file) = open_spec(path).map_err(io)? else {
        return Ok(Err(not_regular(path)));
    };
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| LoadError::Io {
            path: name.clone(),
            source,
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(Err(Refused {
            name,
            reason: format!(
                "the file is larger than the limit; the limit is {MAX_FILE_BYTES} bytes"
            ),
            help: HELP_SIZE,
        }));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => match over_budget(&name, &text) {
            Some(refused) => Err(refused),
            None => Ok(SourceFile::new(name, text)),
        },
        Err(_) => Err(Refused {
            name,
            reason: "the file is not valid UTF-8".into(),
            help: HELP_SIZE,
        }),
    })
}

/// The path relative to the current directory when it is inside it, with `/` separators,
/// so messages and generated headers do not depend on where the repository lives.
pub fn display_name(path: &Path) -> String {
    display_name_in(path, std::env::current_dir().ok().as_deref())
}

fn display_name_in(path: &Path, cwd: Option<&Path>) -> String {
    let rel = cwd
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
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
