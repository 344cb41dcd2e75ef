//! Rust bindings backend: snapshots of the generated source, rustfmt-cleanliness, and
//! the hostile-names fixture's crate compiling warning-free under clippy.

use std::path::{Path, PathBuf};
use std::process::Command;

fn generate(spec: &Path) -> forge_spec::emit::Output {
    let comp = forge_spec::compile(
        &[spec.to_path_buf()],
        &forge_spec::source::display_name(spec),
        &Default::default(),
    )
    .unwrap();
    assert!(!comp.diagnostics.has_errors(), "{}", spec.display());
    forge_spec::emit::emit(comp.model.as_ref().unwrap()).expect("every file serialises")
}

/// Runs cargo in a crate of the test (sharing one target directory, offline) and
/// asserts it succeeds.
fn cargo_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/generated-crate-check");
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn write_crate(out: &forge_spec::emit::Output, dir: &Path) {
    for (path, bytes) in &out.files {
        if let Some(rel) = path.strip_prefix("rust/") {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
}

fn emit_fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/emit")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.push("spec".into());
    v.sort();
    v
}

/// Snapshots of the generated crate for the shipped spec and the hostile fixture.
#[test]
fn generated_source_snapshots() {
    for spec in ["spec", "tests/fixtures/emit/hostile_names.yaml"] {
        let out = generate(Path::new(spec));
        let mut all = String::new();
        for (p, b) in &out.files {
            if p.starts_with("rust/") {
                all.push_str(&format!("=== {p}\n{}", String::from_utf8_lossy(b)));
            }
        }
        insta::assert_snapshot!(format!("rust_{}", spec.replace(['/', '.'], "_")), all);
    }
}

/// The generated source is exactly what rustfmt would write, for every fixture.
#[test]
fn generated_source_is_rustfmt_clean() {
    for spec in emit_fixtures() {
        let dir = tempfile::tempdir().unwrap();
        write_crate(&generate(&spec), dir.path());
        let files: Vec<PathBuf> = ["src/lib.rs", "src/logs.rs"]
            .iter()
            .map(|f| dir.path().join(f))
            .collect();
        let out = Command::new("rustfmt")
            .args(["--check", "--edition", "2021"])
            .args(&files)
            .output()
            .expect("rustfmt is installed");
        assert!(
            out.status.success(),
            "{}: {}",
            spec.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// Hostile names and help text (quotes, newlines, `*/`, keywords and `self` as label
/// names, colliding label values) still give a crate that compiles warning-free under
/// clippy, and exposes the label names exactly.
#[test]
fn hostile_crate_compiles_clean() {
    let dir = tempfile::tempdir().unwrap();
    write_crate(
        &generate(Path::new("tests/fixtures/emit/hostile_names.yaml")),
        dir.path(),
    );
    let lib = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("(\"self\", self.self_.as_str())"),
        "label `self` keeps its name"
    );
    assert!(lib.contains("pub r#type: EvilRequestsTotalType"));
    assert!(
        lib.contains("    AB,\n") && lib.contains("    AB2,\n"),
        "colliding variants are made unique"
    );
    assert!(
        lib.lines()
            .filter(|l| l.trim_start().starts_with("//"))
            .all(|l| !l.contains("*/")),
        "no comment terminator in comments"
    );
    cargo_in(
        dir.path(),
        &["clippy", "--offline", "--quiet", "--", "-D", "warnings"],
    );
}

/// An organisation's crates, one a service (`rust/<service>/`), compile warning-free
/// under clippy side by side in one workspace.
#[test]
fn organisation_crates_compile_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut comp =
        forge_spec::compile(&["tests/fixtures/org".into()], "org", &Default::default()).unwrap();
    let out = forge_spec::emit_checked(&mut comp)
        .unwrap()
        .expect("the fixture builds");
    let mut members = std::collections::BTreeSet::new();
    for (path, bytes) in &out.files {
        if let Some(rel) = path.strip_prefix("rust/") {
            members.extend(rel.split('/').next().map(str::to_string));
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
    assert_eq!(members.len(), 6, "{members:?}");
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();
    cargo_in(
        dir.path(),
        &[
            "clippy",
            "--offline",
            "--quiet",
            "--workspace",
            "--",
            "-D",
            "warnings",
        ],
    );
}

/// The generated crate is usable on its own: a fresh crate depending on it alone (no
/// direct prometheus-client) registers, records through the typed helpers, has a
/// bounded label folded at its bound, and serves a text exposition that `promtool
/// check metrics` accepts as it is.
#[test]
fn a_fresh_crate_uses_the_generated_one() {
    let dir = tempfile::tempdir().unwrap();
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/rust");
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"fresh-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nai-forge-metrics = {{ path = {:?} }}\n\n[workspace]\n",
            generated.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/main.rs"),
        r#"use ai_forge_metrics::{
    encode_text, HttpRequestDurationSecondsMethod, HttpRequestsTotalCode,
    HttpRequestsTotalMethod, Metrics, Registry,
};

fn main() {
    let mut registry = Registry::default();
    let metrics = Metrics::register(&mut registry);
    // 60 distinct routes against a bound of 50.
    for i in 0..60 {
        let route = format!("/r{i}");
        metrics
            .http_requests_total(HttpRequestsTotalMethod::Get, &route, HttpRequestsTotalCode::V2xx)
            .inc();
    }
    metrics
        .http_request_duration_seconds(HttpRequestDurationSecondsMethod::Post, "/api")
        .observe(0.2);
    metrics.ai_forge_training_jobs_total.inc();
    print!("{}", encode_text(&registry).expect("encodes"));
}
"#,
    )
    .unwrap();
    let out = cargo_in(dir.path(), &["run", "--offline", "--quiet"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let routes: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("http_requests_total{"))
        .filter_map(|l| l.split("route=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(routes.len(), 50, "the bound of 50 holds: {routes:?}");
    assert!(routes.contains("other"), "{routes:?}");
    let folded: f64 = text
        .lines()
        .find(|l| l.starts_with("http_requests_total{") && l.contains("route=\"other\""))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap();
    assert_eq!(folded, 11.0, "60 routes, 49 kept, 11 folded into other");
    assert!(
        text.contains("# TYPE http_requests_total counter"),
        "{text}"
    );
    assert!(
        !text.contains("# EOF") && !text.contains("# UNIT"),
        "{text}"
    );
    let path = dir.path().join("exposition.txt");
    std::fs::write(&path, &text).unwrap();
    let Ok(check) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
    else {
        assert!(std::env::var_os("CI").is_none(), "promtool is needed in CI");
        return;
    };
    assert!(
        check.status.success(),
        "promtool check metrics: {}{}\n{text}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}
