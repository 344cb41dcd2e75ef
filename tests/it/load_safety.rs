//! Loading a spec directory never hangs, never reads without bound and never walks a
//! link loop: FIFOs, devices, `/dev/zero`, link loops and links out of the spec.
//! (Issue 16, items 10 and 11.)

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `forge-spec check --format json DIR`, killed after 20 s: (exit code, stdout).
fn check_with_deadline(dir: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(["check", "--format", "json"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run forge-spec");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            let out = child.wait_with_output().expect("output");
            return (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            );
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "forge-spec check {} hung (killed after 20 s)",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn copy_spec(dir: &Path) {
    for e in std::fs::read_dir("spec").unwrap() {
        let e = e.unwrap().path();
        std::fs::copy(&e, dir.join(e.file_name().unwrap())).unwrap();
    }
}

/// Codes of the diagnostics in JSON output, one per finding.
fn codes(json: &str) -> Vec<String> {
    json.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|d| d.get("code").and_then(|c| c.as_str()).map(String::from))
        .collect()
}

/// A FIFO named `*.yaml` is refused with P008 at once (reading it would wait for a
/// writer for ever); so are a link to `/dev/zero` (a device: its reported size of 0
/// was trusted before) and a socket-like entry.
#[test]
fn special_files_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    copy_spec(dir.path());
    let fifo = dir.path().join("pipe.yaml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
    let (code, out) = check_with_deadline(dir.path());
    assert_eq!(code, Some(1), "{out}");
    let p012 = codes(&out).iter().filter(|c| *c == "P008").count();
    assert_eq!(p012, 2, "{out}");
    assert!(
        out.contains("pipe.yaml") && out.contains("zero.yaml"),
        "{out}"
    );
    assert!(
        out.contains("not a regular file") || out.contains("out of the spec"),
        "{out}"
    );

    // Named on the command line, a FIFO is refused the same way.
    let mut child = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(["check"])
        .arg(&fifo)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "hung on a named FIFO"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("P008"));
}

/// Links back to the spec directory (`l1 -> .`, `l2 -> .`, `sub/up -> ..`) neither hang
/// nor duplicate anything: the findings are exactly those of the spec without links.
#[test]
fn link_loops_are_walked_once() {
    let plain = tempfile::tempdir().unwrap();
    copy_spec(plain.path());
    let (code, want) = check_with_deadline(plain.path());
    assert_eq!(code, Some(0), "{want}");

    let dir = tempfile::tempdir().unwrap();
    copy_spec(dir.path());
    std::os::unix::fs::symlink(".", dir.path().join("l1")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("l2")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    // A second name for one file inside the spec is read once, too.
    std::os::unix::fs::symlink("alerts.yaml", dir.path().join("alerts-again.yaml")).unwrap();
    let start = Instant::now();
    let (code, got) = check_with_deadline(dir.path());
    assert_eq!(code, Some(0), "{got}");
    assert_eq!(codes(&got), codes(&want));
    assert!(start.elapsed() < Duration::from_secs(10));
}

/// A link leading out of the spec directory is not followed: P008 names it.
#[test]
fn links_out_of_the_spec_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("extra.yaml"), "metrics: {}\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_spec(dir.path());
    std::os::unix::fs::symlink(
        outside.path().join("extra.yaml"),
        dir.path().join("extra.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.yaml", dir.path().join("broken.yaml")).unwrap();
    let (code, out) = check_with_deadline(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        codes(&out).iter().filter(|c| *c == "P008").count(),
        3,
        "{out}"
    );
    assert!(out.contains("out of the spec directory"), "{out}");
}
