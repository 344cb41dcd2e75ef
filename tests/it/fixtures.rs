//! Fixture corpus: every malformed spec lives under `tests/fixtures/rules/<CODE>/`, the
//! code it must produce, and declares it (with any others) in a leading
//! `# expect: CODE` comment; the directory and the first declared code agree.

use forge_spec::diag::{Format, render};
use std::path::{Path, PathBuf};
use std::process::Command;

fn expected(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("# expect:"))
        .flat_map(|l| l.split(',').map(|c| c.trim().to_string()))
        .collect()
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/rules")
        .expect("fixture directory")
        .filter_map(Result::ok)
        .flat_map(|code| std::fs::read_dir(code.path()).expect("a code's directory"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

/// Each fixture produces its declared code, and the rendering is snapshotted for review.
#[test]
fn each_fixture_reports_its_code() {
    insta::glob!("../fixtures/rules", "*/*.yaml", |path| {
        let rel = path
            .strip_prefix(std::env::current_dir().unwrap())
            .unwrap_or(path);
        let want = expected(path);
        assert!(
            !want.is_empty(),
            "{} declares no `# expect:` code",
            rel.display()
        );
        let dir = path
            .parent()
            .and_then(|d| d.file_name())
            .unwrap_or_default();
        assert_eq!(
            dir.to_string_lossy(),
            want[0],
            "{} is filed under another code than its first",
            rel.display()
        );
        let comp = forge_spec::compile(&[rel.to_path_buf()], "fixture", &Default::default())
            .expect("readable fixture");
        let got: Vec<&str> = comp.diagnostics.items.iter().map(|d| d.code.code).collect();
        for code in &want {
            assert!(
                got.contains(&code.as_str()),
                "{}: expected {code}, got {got:?}",
                rel.display()
            );
        }
        let text = render(Format::Human, &comp.diagnostics.items, &comp.sources, false);
        insta::assert_snapshot!(text);
    });
}

/// The corpus is large enough to matter (at least 150 malformed or hostile specs).
#[test]
fn corpus_size() {
    assert!(
        fixtures().len() >= 150,
        "only {} fixtures",
        fixtures().len()
    );
}

/// The binary exits 1 (never 0, 2 or a panic's 101) on every fixture that expects an error.
#[test]
fn cli_exit_status_is_one() {
    for f in fixtures() {
        let out = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args(["check", "--deny-warnings"])
            .arg(&f)
            .output()
            .expect("run forge-spec");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", f.display());
    }
}
