//! Stage 5, write (beside the pipeline, not a backend): the output directory replaced in
//! one atomic step, or compared with it.
//!
//! What the writer promises:
//! - it only ever replaces a directory that is missing, empty, or carries forge-spec's
//!   manifest ([`MANIFEST`]) and no file the manifest does not list; never the spec's
//!   directory, a parent of it, a directory inside a spec directory, the current
//!   directory or one of its parents, or a repository root (`--force` lifts the first
//!   rule only). A refusal leaves nothing behind (what the directory holds is judged
//!   under the lock, the lock file removed after);
//! - a symlinked output directory is followed: the directory it points to is replaced
//!   and the link kept;
//! - builds of one output directory take turns (a lock file beside it, removed after);
//! - the new directory is complete before it appears, and it replaces the old one in one
//!   `renameat2(RENAME_EXCHANGE)` on Linux, so a build killed at any point leaves the old
//!   output or the new one, whole; the temporaries of a killed build are removed by the
//!   next build of the same directory.

use crate::emit::Output;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

pub use crate::emit::MANIFEST;

/// Where a build writes: the output directory, the spec paths it must never overwrite,
/// and whether a non-empty directory without forge-spec's manifest may be replaced.
#[derive(Debug, Clone)]
pub struct Target {
    pub out: PathBuf,
    pub specs: Vec<PathBuf>,
    pub force: bool,
    /// Keep the previous output beside the new one (`.<out>.forge-prev`, sharing the
    /// files that did not change) and build the next output from it: a rebuild that
    /// changes little (an organisation with its build cache) then touches only what
    /// changed, not every file.
    pub keep_previous: bool,
}

impl Target {
    pub fn new(out: impl Into<PathBuf>) -> Target {
        Target {
            out: out.into(),
            specs: Vec::new(),
            force: false,
            keep_previous: false,
        }
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output directory is not one forge-spec may replace; nothing was touched.
    #[error("refusing to write to {path}: {why}\n  help: {help}")]
    Refused {
        path: String,
        why: String,
        help: String,
    },
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn refused(path: &Path, why: impl Into<String>, help: impl Into<String>) -> WriteError {
    WriteError::Refused {
        path: path.display().to_string(),
        why: why.into(),
        help: help.into(),
    }
}

/// The real path of `path` without requiring it to exist: its deepest existing
/// ancestor resolved (symlinks included), the rest appended (`.` and `..` resolved
/// lexically, as a missing directory cannot be a link).
fn real_path(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut rest = Vec::new();
    let mut base = abs.as_path();
    let resolved = loop {
        match fs::canonicalize(base) {
            Ok(p) => break p,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), _) if base.components().next_back() == Some(Component::ParentDir) => {
                rest.push(Component::ParentDir);
                base = parent;
            }
            (Some(parent), Some(_)) => {
                if let Some(c) = base.components().next_back() {
                    rest.push(c);
                }
                base = parent;
            }
            _ => return Err(io::Error::from(io::ErrorKind::NotFound)),
        }
    };
    let mut p = resolved;
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                p.pop();
            }
            Component::CurDir => {}
            c => p.push(c.as_os_str()),
        }
    }
    Ok(p)
}

/// The directory a build of `target` writes: `--out` itself, or the directory a
/// symlinked `--out` points to (followed; the link is kept).
fn resolve(out: &Path) -> Result<PathBuf, WriteError> {
    match fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(out).map_err(|_| {
            refused(
                out,
                "it is a symbolic link to a directory that does not exist",
                "create the directory it points to, or remove the link",
            )
        }),
        Ok(_) => fs::canonicalize(out).map_err(io_err(out)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => real_path(out).map_err(io_err(out)),
        Err(e) => Err(io_err(out)(e)),
    }
}

/// Checks that `real` (the resolved `target.out`) may be replaced; touches nothing.
/// The place is always checked; the contents (`contents`: empty, or forge-spec's own
/// files) only under the lock, as another build may be swapping them meanwhile.
fn guard(target: &Target, real: &Path, contents: bool) -> Result<(), WriteError> {
    let out = target.out.as_path();
    let never = "choose a directory of its own for the output, e.g. `--out generated`";
    match fs::symlink_metadata(real) {
        Ok(m) if !m.is_dir() => {
            return Err(refused(
                out,
                "it is a file, not a directory",
                "name a directory (new, empty, or written by forge-spec before)",
            ));
        }
        _ => {}
    }
    if real.parent().is_none() {
        return Err(refused(out, "it is the file system's root", never));
    }
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize)
        && cwd.starts_with(real)
    {
        return Err(refused(
            out,
            "it is the current directory or one of its parents",
            never,
        ));
    }
    if fs::symlink_metadata(real.join(".git")).is_ok() {
        return Err(refused(out, "it is the root of a repository", never));
    }
    for spec in &target.specs {
        let Ok(spec_real) = fs::canonicalize(spec) else {
            continue;
        };
        let is_dir = spec_real.is_dir();
        let spec_dir = if is_dir {
            spec_real.as_path()
        } else {
            spec_real.parent().unwrap_or(&spec_real)
        };
        if spec_dir.starts_with(real) {
            return Err(refused(
                out,
                format!("it holds the spec ({})", spec.display()),
                never,
            ));
        }
        if is_dir && real.starts_with(spec_dir) {
            return Err(refused(
                out,
                format!(
                    "it is inside the spec directory {}: its files would be read as spec",
                    spec.display()
                ),
                never,
            ));
        }
    }
    if !contents || target.force || !real.exists() {
        return Ok(());
    }
    let mut on_disk = Vec::new();
    list(real, real, &mut on_disk);
    if on_disk.is_empty() {
        return Ok(());
    }
    let force = "choose a new or empty directory, or pass `--force` to replace this one (everything in it is deleted)";
    let listed = match fs::symlink_metadata(real.join(MANIFEST)) {
        Ok(m) if m.is_file() => fs::read_to_string(real.join(MANIFEST)).unwrap_or_default(),
        _ => {
            return Err(refused(
                out,
                format!("it is not empty and was not written by forge-spec (it has no {MANIFEST})"),
                force,
            ));
        }
    };
    let listed: std::collections::HashSet<&str> = listed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("spec-digest:"))
        .collect();
    let foreign: Vec<&String> = on_disk
        .iter()
        .filter(|p| p.as_str() != MANIFEST && !listed.contains(p.as_str()))
        .collect();
    if let Some(first) = foreign.first() {
        let more = match foreign.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        return Err(refused(
            out,
            format!("it holds files forge-spec did not write: {first}{more}"),
            force,
        ));
    }
    Ok(())
}

/// Writes every file into a fresh sibling directory, then swaps it in place of the
/// output directory (see the module's documentation for what is refused). When the
/// directory already holds exactly the output (the usual rebuild), nothing is touched.
pub fn write_atomic(output: &Output, target: &Target) -> Result<(), WriteError> {
    let real = resolve(&target.out)?;
    guard(target, &real, false)?;
    let (parent, base) = match (real.parent(), real.file_name()) {
        (Some(p), Some(b)) => (p.to_path_buf(), b.to_string_lossy().into_owned()),
        _ => {
            return Err(refused(
                &target.out,
                "it has no parent directory",
                "name a directory",
            ));
        }
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let lock_path = parent.join(format!(".{base}.forge-lock"));
    let _lock = Lock::take(&lock_path).map_err(io_err(&lock_path))?;
    // What the directory holds is judged under the lock: another build may have been
    // swapping it a moment ago (its files and manifest seen half old, half new).
    guard(target, &real, true)?;
    remove_stale_temporaries(&parent, &base);
    replace(output, &real, &parent, &base, target.keep_previous).map_err(io_err(&target.out))
}

/// Removes what killed builds of `parent/base` left: their new and old directories.
/// Called under the lock, so no live build of this directory owns one.
fn remove_stale_temporaries(parent: &Path, base: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let (new, old) = (format!(".{base}.forge-new-"), format!(".{base}.forge-old-"));
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&new) || name.starts_with(&old) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// The hidden sibling that keeps the previous output for the next build
/// ([`Target::keep_previous`]).
pub fn previous_dir(parent: &Path, base: &str) -> PathBuf {
    parent.join(format!(".{base}.forge-prev"))
}

fn replace(
    output: &Output,
    out: &Path,
    parent: &Path,
    base: &str,
    keep_previous: bool,
) -> io::Result<()> {
    let mut files: Vec<(&String, &Vec<u8>)> = output.files.iter().collect();
    files.sort_by_key(|(rel, bytes)| (std::cmp::Reverse(bytes.len()), *rel));
    let same = crate::stage("compare with output", || {
        crate::par::map(&files, |(rel, bytes)| unchanged(&out.join(rel), bytes))
    });
    if same.iter().all(|s| *s) {
        let mut on_disk = Vec::new();
        list(out, out, &mut on_disk);
        if on_disk.len() == output.files.len() + output.reused.len() {
            return Ok(());
        }
    }
    let pid = std::process::id();
    let prev = previous_dir(parent, base);
    // The previous output, brought up to date in place, is the cheapest new directory:
    // only what changed since it was current is touched. Anything wrong with it and it
    // is dropped for a fresh directory.
    let staged_in_prev = keep_previous
        && fs::symlink_metadata(&prev).is_ok_and(|m| m.is_dir())
        && crate::stage("update previous output", || {
            update(&prev, out, output, &files, &same)
        })
        .is_ok();
    if keep_previous && !staged_in_prev {
        let _ = fs::remove_dir_all(&prev);
    }
    let tmp = if staged_in_prev {
        prev.clone()
    } else {
        parent.join(format!(".{base}.forge-new-{pid}"))
    };
    let result = (|| {
        if !staged_in_prev {
            fill(&tmp, out, output, &files, &same)?;
        }
        crate::stage("staged", || ());
        if fs::symlink_metadata(out).is_ok() {
            let old = parent.join(format!(".{base}.forge-old-{pid}"));
            // Where the old output is after the swap: `tmp` (exchanged) or `old`.
            let was = swap(&tmp, out, &old)?;
            // A kill from here leaves the old output in a temporary for the next build
            // to remove (or to reuse: it is the previous output).
            crate::stage("put old output aside", || {
                if keep_previous {
                    if was != prev {
                        let _ = fs::remove_dir_all(&prev);
                        let _ = fs::rename(&was, &prev);
                    }
                } else {
                    let _ = fs::remove_dir_all(&was);
                }
            });
        } else {
            fs::rename(&tmp, out)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// Writes every file into the fresh directory `tmp`: unchanged ones and reused ones
/// linked from the current output, the others created.
fn fill(
    tmp: &Path,
    out: &Path,
    output: &Output,
    files: &[(&String, &Vec<u8>)],
    same: &[bool],
) -> io::Result<()> {
    fs::create_dir_all(tmp)?;
    make_dirs(tmp, output)?;
    // The directory swap is what makes the write atomic for readers and for
    // interrupted builds; files are not fsynced one by one (power loss between write
    // and swap can leave the new directory incomplete, never the old one changed).
    let todo: Vec<_> = files.iter().zip(same).collect();
    let written = crate::par::map(&todo, |((rel, bytes), same)| {
        let (new, previous) = (tmp.join(rel), out.join(rel));
        // A file the build leaves unchanged is linked, not rewritten: the new
        // directory is still complete before the swap, and the old one untouched.
        if **same && fs::hard_link(&previous, &new).is_ok() {
            return Ok(());
        }
        create(&new, bytes)
    });
    written.into_iter().collect::<io::Result<Vec<()>>>()?;
    // The files of services taken from the build cache: the current output's, linked
    // (copied where links are not possible).
    let reused: Vec<&String> = output.reused.iter().collect();
    let linked = crate::par::map(&reused, |rel| link(&out.join(rel), &tmp.join(rel)));
    linked.into_iter().collect::<io::Result<Vec<()>>>()?;
    Ok(())
}

/// Creates under `base` every directory the output's files (made or reused) go in.
fn make_dirs(base: &Path, output: &Output) -> io::Result<()> {
    let dirs: std::collections::BTreeSet<PathBuf> = output
        .files
        .keys()
        .chain(&output.reused)
        .filter_map(|rel| base.join(rel).parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        fs::create_dir_all(dir)?;
    }
    Ok(())
}

fn link(from: &Path, to: &Path) -> io::Result<()> {
    fs::hard_link(from, to).or_else(|_| fs::copy(from, to).map(|_| ()))
}

/// Whether two paths are the same file (the same inode: a link of it).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
            (Ok(x), Ok(y)) => x.is_file() && x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Brings `prev` (an earlier output, or what a killed update left) to the new output:
/// each path whose file is the current output's and right (unchanged or reused) is
/// made a link of it unless it already is; a changed file is written; what the output
/// does not have is removed. Trusts nothing in `prev` but the inode identity with the
/// current output, whose files are right by comparison or by the build cache.
fn update(
    prev: &Path,
    out: &Path,
    output: &Output,
    files: &[(&String, &Vec<u8>)],
    same: &[bool],
) -> io::Result<()> {
    let mut on_disk = Vec::new();
    list(prev, prev, &mut on_disk);
    for rel in on_disk {
        if !output.files.contains_key(&rel) && !output.reused.contains(&rel) {
            remove(&prev.join(&rel))?;
        }
    }
    remove_empty_dirs(prev);
    make_dirs(prev, output)?;
    let todo: Vec<(&String, Option<&Vec<u8>>)> = files
        .iter()
        .zip(same)
        .map(|((rel, bytes), same)| (*rel, (!same).then_some(*bytes)))
        .chain(output.reused.iter().map(|rel| (rel, None)))
        .collect();
    let done = crate::par::map(&todo, |(rel, bytes)| {
        let (path, current) = (prev.join(rel), out.join(rel));
        match bytes {
            None if same_file(&path, &current) => Ok(()),
            None => {
                remove(&path)?;
                link(&current, &path)
            }
            Some(bytes) => {
                remove(&path)?;
                create(&path, bytes)
            }
        }
    });
    done.into_iter().collect::<io::Result<Vec<()>>>()?;
    Ok(())
}

/// Removes a file or link if there is one (a directory in its place is an error).
fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// Removes the directories under `dir` left empty (a removed service's).
fn remove_empty_dirs(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let mut empty = true;
    for e in entries.filter_map(Result::ok) {
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if !(is_dir && remove_empty_dirs(&e.path()) && fs::remove_dir(e.path()).is_ok()) {
            empty = false;
        }
    }
    empty
}

/// Puts `new` in place of `out` in one step where the OS has one (Linux:
/// `renameat2(RENAME_EXCHANGE)`, after which `new` holds the old output). Elsewhere, or
/// on a file system without it, two renames through `old`.
/// Returns where the old output is after the swap.
fn swap(new: &Path, out: &Path, old: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    match exchange(new, out) {
        Ok(()) => return Ok(new.to_path_buf()),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
        Err(e) => return Err(e),
    }
    fs::rename(out, old)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(old, out);
        return Err(e);
    }
    Ok(old.to_path_buf())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    renameat2(a, b, libc::RENAME_EXCHANGE)
}

/// `renameat2(2)` of two paths with `flags` (`RENAME_EXCHANGE`, `RENAME_NOREPLACE`).
#[cfg(target_os = "linux")]
fn renameat2(a: &Path, b: &Path, flags: libc::c_uint) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt as _;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call; the syscall
    // only reads them.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            flags,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// An exclusive lock on one output directory, held for one build: a lock file beside
/// the directory, locked with `flock` and removed when the build ends. A waiter that
/// locked a file already removed by the previous holder opens the new one and waits
/// again, so the lock file never outlives the builds.
struct Lock {
    path: PathBuf,
    _file: fs::File,
}

impl Lock {
    fn take(path: &Path) -> io::Result<Lock> {
        loop {
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt as _;
                use std::os::unix::io::AsRawFd as _;
                loop {
                    // SAFETY: the descriptor is open for the duration of the call.
                    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                        break;
                    }
                    let e = io::Error::last_os_error();
                    if e.kind() != io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
                let held = file.metadata()?;
                match fs::metadata(path) {
                    Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() => {}
                    _ => continue,
                }
            }
            return Ok(Lock {
                path: path.to_path_buf(),
                _file: file,
            });
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked; the lock goes with the descriptor right after.
        let _ = fs::remove_file(&self.path);
    }
}

/// Creates the new file `path` holding `bytes`. On Linux the file is made nameless in
/// its directory (`O_TMPFILE`) and linked in once written: creating an inode then holds
/// no lock on the directory, so the workers of [`write_atomic`] create their files at
/// once instead of in turn. Allocating an inode is kernel time that grows with the file
/// system's state: ~35 µs on this project's ext4 machines, up to ~0.85 ms right after a
/// mass deletion — 0.9 s for the 1,000 dashboards of a 10,000-panel spec made in turn.
/// Where that is not supported (other systems, file systems without `O_TMPFILE`, no
/// `/proc`), a plain create and write.
fn create(path: &Path, bytes: &[u8]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Some(dir) = path.parent()
        && let Ok(()) = create_nameless(dir, path, bytes)
    {
        return Ok(());
    }
    fs::write(path, bytes)
}

#[cfg(target_os = "linux")]
fn create_nameless(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::ffi::CString;
    use std::io::Write as _;
    use std::os::unix::ffi::OsStrExt as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    use std::os::unix::io::AsRawFd as _;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .open(dir)?;
    file.write_all(bytes)?;
    let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
    let to = CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call; `linkat` only
    // reads them. AT_SYMLINK_FOLLOW resolves the /proc link to the open nameless file.
    let linked = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if linked == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// True when `path` is a regular file (not a link to one) holding exactly `bytes`,
/// read a block at a time so that comparing large files costs no memory.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    let Ok(mut file) = open_regular(path) else {
        return false;
    };
    let mut block = vec![0u8; 1 << 16];
    let mut rest = bytes;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && block[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Opens `path` for reading only if it is a regular file, without following a final
/// symlink and without blocking on a FIFO.
fn open_regular(path: &Path) -> io::Result<fs::File> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(io::Error::other("not a regular file"))
    }
}

/// Largest file `build --check` shows a diff of; larger ones are reported as changed.
const MAX_DIFF_BYTES: u64 = 16 * 1024 * 1024;

/// One difference between the expected output and the directory on disk.
#[derive(Debug)]
pub enum Stale {
    Changed {
        path: String,
        diff: String,
    },
    Missing {
        path: String,
    },
    Extra {
        path: String,
    },
    /// Something other than a regular file (a symlink, a directory, a FIFO) stands where
    /// a generated file belongs; it is not followed or read.
    NotAFile {
        path: String,
    },
}

impl Stale {
    pub fn render(&self) -> String {
        match self {
            Stale::Changed { diff, .. } => diff.clone(),
            Stale::Missing { path } => format!("missing: {path} (would be created)\n"),
            Stale::Extra { path } => format!("extra: {path} (would be removed)\n"),
            Stale::NotAFile { path } => format!(
                "not a regular file: {path} (a link or other entry, not followed; would be replaced)\n"
            ),
        }
    }
}

/// Whether `out` already holds exactly this output, byte for byte and no file more:
/// a rebuild that would change nothing writes nothing (and says so). Stops at the
/// first difference.
pub fn up_to_date(output: &Output, out: &Path) -> bool {
    let out = resolve(out).unwrap_or_else(|_| out.to_path_buf());
    let mut on_disk = Vec::new();
    list(&out, &out, &mut on_disk);
    on_disk.len() == output.files.len() + output.reused.len()
        && on_disk
            .iter()
            .all(|rel| output.files.contains_key(rel) || output.reused.contains(rel))
        && output
            .files
            .iter()
            .all(|(rel, bytes)| unchanged(&out.join(rel), bytes))
}

/// Compares the expected output with `out` (followed when it is a symlink, as a build
/// would); empty when up to date. Nothing inside `out` is followed: a planted symlink
/// is reported, never read.
pub fn check(output: &Output, out: &Path) -> Vec<Stale> {
    let out = resolve(out).unwrap_or_else(|_| out.to_path_buf());
    let mut stale = Vec::new();
    let mut on_disk = Vec::new();
    list(&out, &out, &mut on_disk);
    for (rel, bytes) in &output.files {
        let path = out.join(rel);
        match fs::symlink_metadata(&path) {
            Err(_) => {
                stale.push(Stale::Missing { path: rel.clone() });
                continue;
            }
            Ok(m) if !m.is_file() => {
                stale.push(Stale::NotAFile { path: rel.clone() });
                continue;
            }
            Ok(m) if m.len() > MAX_DIFF_BYTES => {
                if !unchanged(&path, bytes) {
                    stale.push(Stale::Changed {
                        path: rel.clone(),
                        diff: format!("changed: {rel} ({} bytes, too large to show)\n", m.len()),
                    });
                }
                continue;
            }
            Ok(_) => {}
        }
        let current = match open_regular(&path).and_then(|mut f| {
            let mut v = Vec::new();
            io::Read::read_to_end(&mut f, &mut v).map(|_| v)
        }) {
            Ok(c) => c,
            Err(_) => {
                stale.push(Stale::NotAFile { path: rel.clone() });
                continue;
            }
        };
        if current == *bytes {
            continue;
        }
        let old = String::from_utf8_lossy(&current);
        let new = String::from_utf8_lossy(bytes);
        let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{rel}"), &format!("b/{rel}"))
            .to_string();
        stale.push(Stale::Changed {
            path: rel.clone(),
            diff,
        });
    }
    for rel in &output.reused {
        if !fs::symlink_metadata(out.join(rel)).is_ok_and(|m| m.is_file()) {
            stale.push(Stale::Missing { path: rel.clone() });
        }
    }
    for rel in on_disk {
        if !output.files.contains_key(&rel) && !output.reused.contains(&rel) {
            stale.push(Stale::Extra { path: rel });
        }
    }
    stale
}

/// Every entry under `dir` that is not a directory (files, symlinks, others), as
/// `/`-separated paths relative to `root`, sorted. Symlinks are listed, never followed,
/// so a link loop cannot make the walk run away.
fn list(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
        .collect();
    entries.sort();
    for (p, is_dir) in entries {
        if is_dir {
            list(root, &p, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
}

/// The directory the compose stack reads secrets from by default: `secrets/` beside
/// the output directory (`../secrets` from the compose file).
pub fn secrets_dir(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join("secrets"),
        _ => PathBuf::from("secrets"),
    }
}

/// The secrets directory of the project a spec belongs to (where `check --fix` moves
/// a literal secret): `secrets/` beside the spec directory (`OTHER/spec` →
/// `OTHER/secrets`, wherever the command runs), or beside a single spec file. `None`
/// when that would be inside a spec directory (its files would be read as spec).
pub fn spec_secrets_dir(specs: &[PathBuf]) -> Option<PathBuf> {
    let first = std::path::absolute(specs.first()?).ok()?;
    // A directory's parent, or a single file's directory: the project's root.
    let dir = first.parent()?.join("secrets");
    let inside_spec = specs
        .iter()
        .any(|s| std::path::absolute(s).is_ok_and(|s| s.is_dir() && dir.starts_with(&s)));
    (!inside_spec).then_some(dir)
}

/// Creates the secret files the compose stack reads, where missing, so that the stack
/// starts: Grafana's admin password a random one, every other a placeholder saying
/// what belongs there (never a real value, which forge-spec never sees), and a
/// `.gitignore` that keeps the directory out of git. Never replaces or follows anything
/// that exists. Returns the files created.
pub fn secret_placeholders(dir: &Path, needed: &[(String, String)]) -> io::Result<Vec<PathBuf>> {
    let files: Vec<(String, String)> = needed
        .iter()
        .map(|(name, what)| {
            let text = if name == "grafana_admin_password" {
                format!("{}\n", random_token())
            } else {
                format!("REPLACE-ME: {what}\n")
            };
            (name.clone(), text)
        })
        .collect();
    secret_files(dir, &files)
}

/// Creates files (name, content) in the secrets directory `dir` where missing: the
/// directory (mode 0700) with a `.gitignore` of everything, each file mode 0600.
/// Never replaces or follows anything that exists. Returns the files created.
pub fn secret_files(dir: &Path, files: &[(String, String)]) -> io::Result<Vec<PathBuf>> {
    let mut created = Vec::new();
    if fs::symlink_metadata(dir).is_err() {
        fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
    }
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Ok(created);
    }
    let ignore = (
        ".gitignore".to_string(),
        "# Secrets of the monitoring stack (forge-spec): never committed.\n*\n".to_string(),
    );
    for (name, text) in std::iter::once(&ignore).chain(files) {
        let path = dir.join(name);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut f) => {
                io::Write::write_all(&mut f, text.as_bytes())?;
                created.push(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(created)
}

/// 24 random characters (from the OS; a hash of the time and process when it has none).
fn random_token() -> String {
    let mut bytes = [0u8; 24];
    let read = fs::File::open("/dev/urandom")
        .and_then(|mut f| io::Read::read_exact(&mut f, &mut bytes))
        .is_ok();
    if !read {
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        bytes.copy_from_slice(&blake3::hash(seed.as_bytes()).as_bytes()[..24]);
    }
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

// ---------------------------------------------------------------------------------------
// The other commands that write (synth, import, check --fix, the language server's
// secret move): the same promises as `write_atomic` — nothing replaced that the command
// did not make, nothing followed, nothing half-written.

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
