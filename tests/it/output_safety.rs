//! The writer never destroys what it did not write: `--out` pointing at the spec, the
//! project, a file, a foreign directory or a symlink; concurrent builds of one output;
//! builds killed at random points; `build --check` next to a planted symlink.
//! (Issue 16, items 1–5 and 8.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn forge_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run forge-spec")
}

/// Every entry of a directory (not following links): path → contents (or `->target`).
type Snapshot = BTreeMap<String, Vec<u8>>;

/// Every entry under `dir` (not following links): path → contents (or `->target`).
fn snapshot(dir: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let t = e.file_type().unwrap();
            if t.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(rel, format!("->{}", target.display()).into_bytes());
            } else if t.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut m = BTreeMap::new();
    walk(dir, dir, &mut m);
    m
}

/// A project directory: the shipped spec and runbooks, a `.git` and a README.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for sub in ["spec", "runbooks"] {
        std::fs::create_dir(p.join(sub)).unwrap();
        for e in std::fs::read_dir(sub).unwrap() {
            let e = e.unwrap().path();
            std::fs::copy(&e, p.join(sub).join(e.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir_all(p.join(".git/objects")).unwrap();
    std::fs::write(p.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(p.join("README.md"), "my project\n").unwrap();
    dir
}

/// Temporaries a build may leave beside `out` (new, old, lock).
fn temporaries(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".forge-"))
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--out` naming the spec directory, the project root (a repository), the current
/// directory, a parent of it, a parent of the spec or a directory inside the spec:
/// exit 2, a message saying why, and not one byte of the project changed — `--force`
/// included.
#[test]
fn out_never_replaces_the_spec_or_the_project() {
    let proj = project();
    let p = proj.path();
    let before = snapshot(p);
    let abs = p.to_str().unwrap().to_string();
    for out in [
        "spec".to_string(),
        "./spec/".to_string(),
        abs.clone(),
        ".".to_string(),
        "..".to_string(),
        "spec/generated".to_string(),
        "spec/../spec".to_string(),
        "/".to_string(),
    ] {
        for force in [false, true] {
            let mut args = vec!["build", "spec", "--out", &out];
            if force {
                args.push("--force");
            }
            let o = forge_in(p, &args);
            assert_eq!(o.status.code(), Some(2), "--out {out}: {}", stderr(&o));
            let err = stderr(&o);
            assert!(err.contains("refusing to write"), "--out {out}: {err}");
            assert!(err.contains("help:"), "--out {out}: {err}");
            assert_eq!(
                snapshot(p),
                before,
                "--out {out} (force {force}) changed the project"
            );
        }
    }
    // The spec named from outside: its directory, and the directory above it.
    let outside = tempfile::tempdir().unwrap();
    let spec = p.join("spec");
    for out in [spec.clone(), p.to_path_buf()] {
        let o = forge_in(
            outside.path(),
            &[
                "build",
                spec.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--force",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(snapshot(p), before);
    }
}

/// `--out FILE`: exit 2 and the file, and its directory, exactly as before.
#[test]
fn out_naming_a_file_touches_nothing() {
    let proj = project();
    let p = proj.path();
    std::fs::write(p.join("notes.txt"), "keep me\n").unwrap();
    let before = snapshot(p);
    for force in [false, true] {
        let mut args = vec!["build", "spec", "--out", "notes.txt"];
        if force {
            args.push("--force");
        }
        let o = forge_in(p, &args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("not a directory"), "{}", stderr(&o));
        assert_eq!(snapshot(p), before);
    }
}

/// A non-empty directory forge-spec did not write, and one with forge-spec's manifest
/// plus a file it does not list: refused untouched; `--force` replaces the first. An
/// empty directory and a missing one are written.
#[test]
fn foreign_directories_need_force() {
    let proj = project();
    let p = proj.path();
    std::fs::create_dir(p.join("mine")).unwrap();
    std::fs::write(p.join("mine/photo.jpg"), "jpeg").unwrap();
    let before = snapshot(p);
    let o = forge_in(p, &["build", "spec", "--out", "mine"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(snapshot(p), before);

    std::fs::create_dir(p.join("empty")).unwrap();
    assert_eq!(
        forge_in(p, &["build", "spec", "--out", "empty"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        forge_in(p, &["build", "spec", "--out", "new/deep/out"])
            .status
            .code(),
        Some(0)
    );
    assert!(p.join("new/deep/out/.forge-spec-manifest").is_file());

    // forge-spec's own output with a file added by hand.
    std::fs::write(p.join("empty/prometheus/extra.yml"), "mine").unwrap();
    let before = snapshot(p);
    let o = forge_in(p, &["build", "spec", "--out", "empty"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("prometheus/extra.yml"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(p), before);

    let o = forge_in(p, &["build", "spec", "--out", "mine", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!p.join("mine/photo.jpg").exists());
    assert!(p.join("mine/.forge-spec-manifest").is_file());
    assert!(temporaries(p).is_empty(), "{:?}", temporaries(p));
}

/// A symlinked `--out` is followed: the directory it points to gets the output, the
/// link stays a link. A link to a missing directory is refused.
#[test]
fn symlinked_out_is_followed() {
    let proj = project();
    let p = proj.path();
    std::fs::create_dir(p.join("real")).unwrap();
    std::os::unix::fs::symlink("real", p.join("link")).unwrap();
    for _ in 0..2 {
        let o = forge_in(p, &["build", "spec", "--out", "link"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            std::fs::symlink_metadata(p.join("link"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(p.join("real/.forge-spec-manifest").is_file());
    }
    // A second build that changes the output replaces the target, not the link.
    let first = std::fs::read(p.join("real/prometheus/prometheus.yml")).unwrap();
    let o = forge_in(p, &["build", "spec", "--out", "link", "--time-scale", "60"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(p.join("link"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_ne!(
        std::fs::read(p.join("real/prometheus/prometheus.yml")).unwrap(),
        first
    );
    assert!(temporaries(p).is_empty(), "{:?}", temporaries(p));

    std::os::unix::fs::symlink("nowhere", p.join("dangling")).unwrap();
    let before = snapshot(p);
    let o = forge_in(p, &["build", "spec", "--out", "dangling"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(snapshot(p), before);
}

/// `build --check` does not follow a symlink planted where a generated file belongs:
/// the file it points to is never printed, and the entry is reported as stale.
#[test]
fn check_does_not_follow_planted_symlinks() {
    let proj = project();
    let p = proj.path();
    assert_eq!(
        forge_in(p, &["build", "spec", "--out", "gen"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(p.join("private.txt"), "TOP-SECRET-CONTENT\n").unwrap();
    let target = p.join("gen/prometheus/prometheus.yml");
    std::fs::remove_file(&target).unwrap();
    std::os::unix::fs::symlink(p.join("private.txt"), &target).unwrap();
    // A link loop in the output directory does not make the walk run away.
    std::os::unix::fs::symlink(".", p.join("gen/docs/loop")).unwrap();
    let o = forge_in(p, &["build", "spec", "--out", "gen", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(!all.contains("TOP-SECRET-CONTENT"), "{all}");
    assert!(
        all.contains("not a regular file: prometheus/prometheus.yml"),
        "{all}"
    );
    assert!(all.contains("extra: docs/loop"), "{all}");
}

/// Two specs whose outputs differ, and the complete output of each.
fn two_specs(p: &Path) -> (PathBuf, PathBuf, Snapshot, Snapshot) {
    let a = p.join("a");
    let b = p.join("b");
    for (dir, size) in [(&a, "60"), (&b, "40")] {
        let o = forge_in(
            p,
            &["synth", "--size", size, "--out", dir.to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let mut outs = Vec::new();
    for spec in ["a", "b"] {
        let out = format!("ref-{spec}");
        let o = forge_in(p, &["build", spec, "--out", &out]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        outs.push(snapshot(&p.join(out)));
    }
    let rb = outs.pop().unwrap();
    let ra = outs.pop().unwrap();
    assert_ne!(ra, rb);
    (a, b, ra, rb)
}

/// Several builds of two different specs into one output directory, many rounds: every
/// build exits 0, and each round ends with one spec's complete output and no temporary.
#[test]
fn concurrent_builds_leave_one_complete_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (_, _, ra, rb) = two_specs(p);
    for round in 0..8 {
        let children: Vec<_> = (0..4)
            .map(|i| {
                let spec = if (i + round) % 2 == 0 { "a" } else { "b" };
                Command::new(env!("CARGO_BIN_EXE_forge-spec"))
                    .args(["build", spec, "--out", "out"])
                    .current_dir(p)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(0), "round {round}: {}", stderr(&o));
        }
        let got = snapshot(&p.join("out"));
        assert!(
            got == ra || got == rb,
            "round {round}: a mixed or partial output"
        );
        assert!(
            temporaries(p).is_empty(),
            "round {round}: {:?}",
            temporaries(p)
        );
    }
}

/// Builds killed with SIGKILL at spread-out points leave the old output or the new one,
/// complete; the next build removes what the killed ones left behind.
#[test]
fn killed_builds_leave_old_or_new_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (_, _, ra, rb) = two_specs(p);
    assert_eq!(
        forge_in(p, &["build", "a", "--out", "out"]).status.code(),
        Some(0)
    );
    for i in 0..16u64 {
        let spec = if i % 2 == 0 { "b" } else { "a" };
        let mut child = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args(["build", spec, "--out", "out"])
            .current_dir(p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread over the whole build (start-up, load, emit, write, swap; 10–100 ms in
        // a release build, more in a debug one): 0, 7, 14 … ms.
        std::thread::sleep(std::time::Duration::from_millis(i * 7));
        let _ = child.kill();
        let _ = child.wait();
        let got = snapshot(&p.join("out"));
        assert!(
            got == ra || got == rb,
            "kill {i}: the output is partial or missing"
        );
    }
    assert_eq!(
        forge_in(p, &["build", "a", "--out", "out"]).status.code(),
        Some(0)
    );
    assert_eq!(snapshot(&p.join("out")), ra);
    assert!(temporaries(p).is_empty(), "{:?}", temporaries(p));
}

/// `synth --out` writes only into a new or empty directory: the spec directory, a
/// directory holding anything (a planted link included), a link for the directory
/// and a file are refused with exit 2 and left exactly as they were; a new directory
/// and an empty one get the whole spec, and no temporary is left behind.
#[test]
fn synth_never_replaces_or_follows() {
    let proj = project();
    let p = proj.path();
    let victim = p.join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::fs::create_dir(p.join("planted")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&victim, p.join("planted/service.yaml")).unwrap();
        std::os::unix::fs::symlink(p.join("runbooks"), p.join("linked")).unwrap();
    }
    std::fs::create_dir(p.join("holds-one")).unwrap();
    std::fs::write(p.join("holds-one/README"), "mine\n").unwrap();
    let before = snapshot(p);
    for out in ["spec", "planted", "linked", "holds-one", "victim.txt", "."] {
        let o = forge_in(p, &["synth", "--size", "3", "--out", out]);
        assert_eq!(o.status.code(), Some(2), "--out {out}: {}", stderr(&o));
        assert!(stderr(&o).contains("refusing to write"), "{}", stderr(&o));
        assert_eq!(snapshot(p), before, "--out {out} changed the project");
    }
    std::fs::create_dir(p.join("empty")).unwrap();
    for out in ["new/deeper", "empty"] {
        let o = forge_in(p, &["synth", "--size", "3", "--out", out]);
        assert_eq!(o.status.code(), Some(0), "--out {out}: {}", stderr(&o));
        let check = forge_in(p, &["check", out]);
        assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    }
    assert!(temporaries(p).is_empty(), "{:?}", temporaries(p));
    assert!(temporaries(&p.join("new")).is_empty());
    // An empty current directory is not replaced under the shell.
    std::fs::create_dir(p.join("here")).unwrap();
    let o = forge_in(&p.join("here"), &["synth", "--size", "3", "--out", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(std::fs::read_dir(p.join("here")).unwrap().next().is_none());
}

/// `import --out` adds new files beside what a directory holds and never replaces or
/// follows one: a planted link (dangling or to a file) where a file would go, or a
/// directory that is a link, refuse the whole import (nothing written, the link and
/// its target unchanged).
#[test]
fn import_never_writes_through_a_link() {
    let proj = project();
    let p = proj.path();
    let o = forge_in(p, &["build", "spec", "--out", "gen"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rules = p.join("gen/prometheus/ai-forge.rules.yml");
    let victim = p.join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    #[cfg(unix)]
    for (dir, target) in [("a", victim.clone()), ("b", p.join("no-such-file"))] {
        let out = p.join(dir);
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&target, out.join("alerts.yaml")).unwrap();
        let before = snapshot(p);
        let o = forge_in(
            p,
            &[
                "import",
                "prometheus",
                rules.to_str().unwrap(),
                "--out",
                dir,
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("nothing written"), "{}", stderr(&o));
        assert_eq!(snapshot(p), before, "import into {dir} changed the project");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(p.join("runbooks"), p.join("c")).unwrap();
        let before = snapshot(p);
        let o = forge_in(
            p,
            &[
                "import",
                "prometheus",
                rules.to_str().unwrap(),
                "--out",
                "c",
            ],
        );
        assert!(matches!(o.status.code(), Some(1 | 2)), "{}", stderr(&o));
        assert_eq!(snapshot(p), before);
    }
    // Beside another file: written, the other file kept.
    std::fs::create_dir(p.join("d")).unwrap();
    std::fs::write(p.join("d/NOTES"), "mine\n").unwrap();
    let o = forge_in(
        p,
        &[
            "import",
            "prometheus",
            rules.to_str().unwrap(),
            "--out",
            "d",
        ],
    );
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    assert!(p.join("d/alerts.yaml").is_file());
    assert_eq!(
        std::fs::read_to_string(p.join("d/NOTES")).unwrap(),
        "mine\n"
    );
    assert!(!std::fs::read_dir(p.join("d")).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".forge-spec-new-")
    }));
}

/// `check --fix` writes through a temporary of its own: a link planted at the old
/// temporary's name (`.alerts.yaml.forge-spec-fix`, and the new ones' prefix) is never
/// written through; the fixed file stays a regular file; a spec file that is itself a
/// link is not replaced by a file (it is refused, the link and its target unchanged).
#[cfg(unix)]
#[test]
fn fix_never_writes_through_a_link() {
    let proj = project();
    let p = proj.path();
    let alerts = p.join("spec/alerts.yaml");
    let text = std::fs::read_to_string(&alerts).unwrap();
    let typo = text.replacen("severity: critical", "severity: critcal", 1);
    assert_ne!(text, typo);
    std::fs::write(&alerts, &typo).unwrap();
    let victim = p.join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    for name in [
        ".alerts.yaml.forge-spec-fix",
        &format!(".alerts.yaml.forge-spec-fix-{}-0", std::process::id()),
    ] {
        std::os::unix::fs::symlink(&victim, p.join("spec").join(name)).unwrap();
    }
    let o = forge_in(p, &["check", "--fix", "spec"]);
    assert!(stderr(&o).contains("fixed 1 in"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    let meta = std::fs::symlink_metadata(&alerts).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(std::fs::read_to_string(&alerts).unwrap(), text);
    // The spec file is a link: refused, nothing replaced.
    let real = p.join("spec/real-alerts.txt");
    std::fs::write(&real, &typo).unwrap();
    std::fs::remove_file(&alerts).unwrap();
    std::os::unix::fs::symlink(&real, &alerts).unwrap();
    let o = forge_in(p, &["check", "--fix", "spec"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&alerts)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), typo);
}
