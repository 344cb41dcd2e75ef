//! The writer of the commands other than `build` (synth, import, check --fix, the
//! language server's secret move, the build cache): the same promises as
//! [`super::write_atomic`] — nothing replaced that the command did not make, nothing
//! followed, nothing half-written.

use super::{WriteError, io_err, open_regular, refused, renameat2};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Where a command writes new files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewFiles {
    /// A directory that is missing or empty (`synth`): the files are staged in a
    /// sibling directory and renamed into place in one step.
    IntoEmptyDir,
    /// New files beside what a directory holds (`import`): every name must be free; a
    /// file is staged in a temporary and linked to its name (which never replaces or
    /// follows anything), and when one cannot be placed those placed are removed.
    BesideOthers,
}

/// Writes `files` (relative `/`-separated paths) under `dir` as `how` says; never
/// replaces, follows or writes through anything that exists (a symbolic link planted
/// for `dir`, a subdirectory or a file is refused, not followed). Returns the paths
/// written.
pub fn write_new(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    how: NewFiles,
) -> Result<Vec<PathBuf>, WriteError> {
    for (rel, _) in files {
        let plain = !rel.is_empty()
            && Path::new(rel)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(refused(
                &dir.join(rel),
                "the file name leaves the directory",
                "name files inside the output directory",
            ));
        }
    }
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refused(
                dir,
                "it is a symbolic link (never followed by a command that creates files)",
                "name the directory it points to, or a new one",
            ));
        }
        Ok(m) if !m.is_dir() => {
            return Err(refused(
                dir,
                "it is not a directory",
                "name a new directory",
            ));
        }
        Ok(_) if how == NewFiles::IntoEmptyDir && !is_empty_dir(dir) => {
            return Err(refused(
                dir,
                "it is not empty (nothing in it is replaced)",
                "name a new or empty directory",
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(dir)(e)),
    }
    // An empty current directory (or a parent of it) is not replaced under the shell.
    if how == NewFiles::IntoEmptyDir
        && let (Ok(cwd), Ok(real)) = (
            std::env::current_dir().and_then(fs::canonicalize),
            fs::canonicalize(dir),
        )
        && cwd.starts_with(&real)
    {
        return Err(refused(
            dir,
            "it is the current directory or one of its parents",
            "name a new directory, e.g. `--out synthetic`",
        ));
    }
    match how {
        NewFiles::IntoEmptyDir => write_into_empty(dir, files),
        NewFiles::BesideOthers => write_beside(dir, files),
    }
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut e| e.next().is_none())
}

/// A name no other process or call of this one uses: the process id and a counter.
fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}{}-{n}", std::process::id())
}

fn write_into_empty(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, WriteError> {
    let abs = std::path::absolute(dir).map_err(io_err(dir))?;
    let (Some(parent), Some(base)) = (abs.parent(), abs.file_name()) else {
        return Err(refused(
            dir,
            "it has no parent directory",
            "name a directory",
        ));
    };
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    // The stage is made by this call (mkdir fails on anything that exists): nothing
    // under it can be a planted link.
    let stage = loop {
        let p = parent.join(unique(&format!(".{}.forge-new-", base.to_string_lossy())));
        match fs::create_dir(&p) {
            Ok(()) => break p,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(parent)(e)),
        }
    };
    let result = (|| -> io::Result<()> {
        for (rel, bytes) in files {
            let path = stage.join(rel);
            if let Some(d) = path.parent() {
                fs::create_dir_all(d)?;
            }
            create_exclusive(&path, bytes, None)?;
        }
        place_dir(&stage, &abs)
    })();
    match result {
        Ok(()) => Ok(files.iter().map(|(rel, _)| dir.join(rel)).collect()),
        Err(e) => {
            let _ = fs::remove_dir_all(&stage);
            if matches!(
                e.kind(),
                io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty
            ) {
                return Err(refused(
                    dir,
                    "something was put there while the files were written (nothing replaced)",
                    "name a new or empty directory",
                ));
            }
            Err(io_err(dir)(e))
        }
    }
}

/// Renames the staged directory to `to`, which must be missing or an empty directory
/// (never a link: `RENAME_NOREPLACE` when it is missing).
fn place_dir(stage: &Path, to: &Path) -> io::Result<()> {
    match fs::symlink_metadata(to) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => rename_noreplace(stage, to),
        // rename(2) replaces an empty directory and fails on a full one (ENOTEMPTY).
        Ok(m) if m.is_dir() => fs::rename(stage, to),
        Ok(_) => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
        Err(e) => Err(e),
    }
}

/// `rename` that fails (EEXIST) instead of replacing what is at `to`.
fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    match renameat2(from, to, libc::RENAME_NOREPLACE) {
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
        r => return r,
    }
    if fs::symlink_metadata(to).is_ok() {
        return Err(io::Error::from(io::ErrorKind::AlreadyExists));
    }
    fs::rename(from, to)
}

fn write_beside(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, WriteError> {
    if let Some((rel, _)) = files
        .iter()
        .find(|(rel, _)| fs::symlink_metadata(dir.join(rel)).is_ok())
    {
        return Err(refused(
            &dir.join(rel),
            "it exists (nothing is replaced)",
            "write into a new directory, or move the file away",
        ));
    }
    let mut placed: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| -> io::Result<()> {
        if fs::symlink_metadata(dir).is_err() {
            // The directory named is new: its parents are the user's (links among them
            // are their layout), it and what is under it are this call's.
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent)?;
            }
            fs::create_dir(dir)?;
            made_dirs.push(dir.to_path_buf());
        }
        for (rel, bytes) in files {
            let path = dir.join(rel);
            let sub = Path::new(rel).parent().unwrap_or(Path::new(""));
            make_real_dirs(dir, sub, &mut made_dirs)?;
            let parent = path.parent().unwrap_or(dir);
            let tmp = temp_file(parent, ".forge-spec-new-", bytes, None)?;
            // link(2) neither follows nor replaces what is at `path`.
            let linked = fs::hard_link(&tmp, &path);
            let _ = fs::remove_file(&tmp);
            linked?;
            placed.push(path);
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(placed),
        Err(e) => {
            for p in &placed {
                let _ = fs::remove_file(p);
            }
            for d in made_dirs.iter().rev() {
                let _ = fs::remove_dir(d);
            }
            Err(io_err(dir)(e))
        }
    }
}

/// Creates the directories of `rel` (a relative path) under `base`, refusing a
/// component that is a symbolic link or not a directory; records those it made.
fn make_real_dirs(base: &Path, rel: &Path, made: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut at = base.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(io::Error::other(format!(
                    "{} is a symbolic link or a file (not followed)",
                    at.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&at)?;
                made.push(at.clone());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Creates `path` exclusively (`O_CREAT | O_EXCL`: it fails on anything there, a
/// dangling link included, and never follows one) with `mode`, and writes `bytes`.
fn create_exclusive(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW);
        if let Some(mode) = mode {
            options.mode(mode);
        }
    }
    let _ = mode;
    let mut f = options.open(path)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

/// A temporary file in `dir` holding `bytes`, created exclusively (never a planted
/// link) as `<prefix><pid>-<n>`.
pub fn new_temp(dir: &Path, prefix: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    temp_file(dir, prefix, bytes, None)
}

/// A temporary file in `dir` holding `bytes`, created exclusively under a fresh name.
fn temp_file(dir: &Path, prefix: &str, bytes: &[u8], mode: Option<u32>) -> io::Result<PathBuf> {
    loop {
        let tmp = dir.join(unique(prefix));
        match create_exclusive(&tmp, bytes, mode) {
            Ok(()) => return Ok(tmp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Replaces the regular file `path` by `bytes` when it still holds `expected`: through
/// a temporary created exclusively beside it (never a planted link) with the file's
/// permissions, renamed over it. A `path` that is a symbolic link, or not a regular
/// file, is refused: the link would be replaced by a file.
pub fn replace_file(path: &Path, expected: &[u8], bytes: &[u8]) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(io::Error::other(
            "it is a symbolic link; fix the file it points to",
        ));
    }
    if !meta.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    let current = read_regular(path, crate::source::MAX_FILE_BYTES)?;
    if current != expected {
        return Err(io::Error::other("it changed since it was read; run again"));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "spec".into(), |n| n.to_string_lossy().into_owned());
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt as _;
        Some(meta.permissions().mode() & 0o7777)
    };
    #[cfg(not(unix))]
    let mode = None;
    let tmp = temp_file(dir, &format!(".{name}.forge-spec-fix-"), bytes, mode)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt as _;
        // The umask may have narrowed the mode given at creation.
        let _ = fs::set_permissions(&tmp, fs::Permissions::from_mode(mode));
    }
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Reads `path` only if it is a regular file (no final link followed, no FIFO waited
/// on), at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read as _;
    let file = open_regular(path)?;
    if file.metadata()?.len() > limit {
        return Err(io::Error::other(format!("it is larger than {limit} bytes")));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::other(format!("it is larger than {limit} bytes")));
    }
    Ok(bytes)
}
