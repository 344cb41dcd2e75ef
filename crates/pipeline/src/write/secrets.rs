//! The secrets directory: where the compose stack reads secrets, where `build`
//! creates placeholders and `check --fix` moves a literal secret — files created
//! exclusively (mode 0600, never replacing or following one), with a `.gitignore`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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
