//! Command-line behaviour: exit codes, output formats, build atomicity, determinism.

use std::path::Path;
use std::process::{Command, Output};

pub(crate) fn forge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(args)
        .output()
        .expect("run forge-spec")
}

fn typo_spec(dir: &Path) {
    for entry in std::fs::read_dir("spec").unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let text = text.replace("receiver: pagerduty}", "receiver: pagerdty}");
        std::fs::write(dir.join(p.file_name().unwrap()), text).unwrap();
    }
}

/// The shipped spec checks clean (exit 0).
#[test]
fn shipped_spec_checks() {
    let out = forge(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A receiver typo: code, file:line:col, caret under the name, "did you mean", exit 1.
#[test]
fn receiver_typo_is_reported_precisely() {
    let dir = tempfile::tempdir().unwrap();
    typo_spec(dir.path());
    let spec = dir.path().to_str().unwrap();
    let out = forge(&["check", spec]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("N002(unknown-receiver)"), "{err}");
    assert!(err.contains("alerting.yaml:11:47"), "{err}");
    assert!(err.contains("did you mean `pagerduty`?"), "{err}");
    let caret_line = err
        .lines()
        .find(|l| l.contains("────┬───"))
        .expect("caret line");
    let src_line = err
        .lines()
        .find(|l| l.contains("receiver: pagerdty}"))
        .expect("source line");
    let col = |line: &str, pat: &str| line[..line.find(pat).unwrap()].chars().count();
    assert_eq!(
        col(caret_line, "─"),
        col(src_line, "pagerdty"),
        "caret under the name:\n{err}"
    );
}

/// A failing build writes nothing: the existing output directory stays byte-identical.
#[test]
fn failing_build_leaves_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    std::fs::create_dir(&spec).unwrap();
    typo_spec(&spec);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("keep.txt"), "previous build").unwrap();
    let out = forge(&[
        "build",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("keep.txt")).unwrap(),
        "previous build"
    );
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 1);
}

/// Two builds are byte-identical, and `--check` passes on the first one's output.
#[test]
fn builds_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for d in [&a, &b] {
        let out = forge(&["build", "--out", d.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list = |d: &Path| {
        let mut v = Vec::new();
        walk(d, d, &mut v);
        v
    };
    let (la, lb) = (list(&a), list(&b));
    assert!(!la.is_empty());
    assert_eq!(la, lb);
    let out = forge(&["build", "--check", "--out", a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
}

/// The output does not depend on the number of threads: a synthetic spec large enough
/// to be split into many chunks gives the same bytes on one thread and on eight.
#[test]
fn builds_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    let out = forge(&["synth", "--size", "600", "--out", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let mut lists = Vec::new();
    for jobs in ["1", "8"] {
        let d = dir.path().join(format!("out{jobs}"));
        let out = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args([
                "build",
                spec.to_str().unwrap(),
                "--out",
                d.to_str().unwrap(),
            ])
            .env("FORGE_JOBS", jobs)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut v = Vec::new();
        walk(&d, &d, &mut v);
        lists.push(v);
    }
    // More than one chunk of SLOs and of alerts, so the join order is exercised.
    let rules = lists[0]
        .iter()
        .find(|(p, _)| p.ends_with(".rules.yml") && !p.starts_with("prometheus/tests/"))
        .map(|(_, b)| String::from_utf8_lossy(b).matches("- name: ").count())
        .unwrap_or(0);
    assert!(rules > 3 * 128, "only {rules} rule groups");
    assert_eq!(lists[0], lists[1]);
}

/// A rebuild over existing output (where unchanged files are linked, not rewritten)
/// gives exactly what a fresh build gives, even after hand edits of the old output;
/// a file forge-spec did not write there stops the build (exit 2) until `--force`.
#[test]
fn rebuild_over_edited_output_equals_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let (fresh, reused) = (dir.path().join("fresh"), dir.path().join("reused"));
    for d in [&fresh, &reused] {
        assert_eq!(
            forge(&["build", "--out", d.to_str().unwrap()])
                .status
                .code(),
            Some(0)
        );
    }
    let mut files = Vec::new();
    walk(&reused, &reused, &mut files);
    let (first, second) = (&files[0].0, &files[files.len() - 1].0);
    std::fs::write(reused.join(first), b"edited by hand\n").unwrap();
    let mut bytes = std::fs::read(reused.join(second)).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1; // same length, different content
    std::fs::write(reused.join(second), bytes).unwrap();
    std::fs::write(reused.join("stray.txt"), b"not generated").unwrap();
    assert_eq!(
        forge(&["build", "--out", reused.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert!(reused.join("stray.txt").exists());
    assert_eq!(
        forge(&["build", "--out", reused.to_str().unwrap(), "--force"])
            .status
            .code(),
        Some(0)
    );
    let list = |d: &Path| {
        let mut v = Vec::new();
        walk(d, d, &mut v);
        v
    };
    assert_eq!(list(&fresh), list(&reused));
}

/// Files over the size budget, or with a line over the line budget (a megabyte-long
/// metric name), are refused before parsing with P008 and exit 1, the reason named.
#[test]
fn oversized_files_and_lines_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let long_name = format!("shop_{}_total", "x".repeat(1 << 20));
    let long_line = format!(
        "service: {{name: shop, metric_prefix: shop_}}\nmetrics:\n  {long_name}: {{type: counter, help: A.}}\n"
    );
    std::fs::write(dir.path().join("line.yaml"), long_line).unwrap();
    let big = "# padding\n".repeat(17 * 1024 * 1024 / 10);
    std::fs::write(dir.path().join("big.yaml"), big).unwrap();
    for (file, reason) in [
        (
            "line.yaml",
            "line 3 is 1048616 bytes; the limit is 65536 bytes a line",
        ),
        ("big.yaml", "the limit is 16777216 bytes"),
    ] {
        let path = dir.path().join(file);
        let out = forge(&["check", "--format", "json", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let found = stdout.lines().any(|l| {
            let d: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            d["code"] == "P008" && d["message"].as_str().is_some_and(|m| m.contains(reason))
        });
        assert!(found, "{file}: {stdout}");
        // The refused file may hold the `service:` section: no P010 on top.
        assert!(!stdout.contains("P010"), "{file}: {stdout}");
    }
}

/// Unmounts the test file system however the test ends.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A build into a full, then a read-only, output file system fails with exit 2 and
/// leaves the previous output exactly as it was, with no temporary directory behind.
/// Mounting the small tmpfs it needs takes root; elsewhere the test says it is skipped.
#[test]
fn full_or_read_only_output_keeps_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let fs = dir.path().join("fs");
    std::fs::create_dir(&fs).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&fs)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _guard = Mounted(fs.clone());
    let out = fs.join("generated");
    let out_s = out.to_str().unwrap();
    assert_eq!(forge(&["build", "--out", out_s]).status.code(), Some(0));
    let list = |d: &Path| {
        let mut v = Vec::new();
        walk(d, d, &mut v);
        v
    };
    let before = list(&out);
    let leftovers = || {
        std::fs::read_dir(&fs)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".forge-"))
            .count()
    };
    // Fill the file system, then build an output that differs (scaled durations).
    {
        use std::io::Write as _;
        let mut filler = std::fs::File::create(fs.join("filler")).unwrap();
        let block = vec![0u8; 64 * 1024];
        while filler.write_all(&block).is_ok() {}
    }
    let full = forge(&["build", "--time-scale", "60", "--out", out_s]);
    assert_eq!(
        full.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
    assert!(String::from_utf8_lossy(&full.stderr).contains("cannot write"));
    assert_eq!(
        list(&out),
        before,
        "the full file system changed the output"
    );
    assert_eq!(leftovers(), 0);
    std::fs::remove_file(fs.join("filler")).unwrap();
    let remount = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&fs)
        .status()
        .unwrap();
    assert!(remount.success());
    let ro = forge(&["build", "--time-scale", "60", "--out", out_s]);
    assert_eq!(
        ro.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&ro.stderr)
    );
    assert_eq!(
        list(&out),
        before,
        "the read-only file system changed the output"
    );
    assert_eq!(leftovers(), 0);
}

fn walk(root: &Path, d: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            out.push((
                p.strip_prefix(root).unwrap().display().to_string(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
}

/// `build --check` exits 1 with a unified diff when a generated file was edited by hand.
#[test]
fn check_reports_stale_output_with_diff() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("gen");
    assert_eq!(
        forge(&["build", "--out", out_dir.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let schema = out_dir.join("schema/forge-spec.schema.json");
    let text = std::fs::read_to_string(&schema)
        .unwrap()
        .replacen("forge-spec", "hand-edited", 1);
    std::fs::write(&schema, text).unwrap();
    let out = forge(&["build", "--check", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("--- a/schema/forge-spec.schema.json"),
        "{diff}"
    );
    assert!(
        diff.contains("-  \"title\": \"hand-edited\"")
            || diff.contains("+  \"title\": \"forge-spec\""),
        "{diff}"
    );
}

/// Usage errors and missing files exit 2.
#[test]
fn usage_and_io_errors_exit_two() {
    assert_eq!(forge(&["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(forge(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        forge(&["check", "/nonexistent/spec"]).status.code(),
        Some(2)
    );
    assert_eq!(forge(&["explain", "Z999"]).status.code(), Some(2));
}

/// Copies the shipped spec into a temp dir with one textual change applied.
pub(crate) fn mutated_spec(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("spec").unwrap() {
        let p = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&p).unwrap();
        if p.file_name().unwrap() == file {
            assert!(text.contains(from), "{file} lacks {from:?}");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(dir.path().join(p.file_name().unwrap()), text).unwrap();
    }
    dir
}

fn codes_of(dir: &Path) -> (Option<i32>, Vec<String>) {
    let out = forge(&["check", "--format", "json", dir.to_str().unwrap()]);
    let codes = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    (out.status.code(), codes)
}

/// The rule catalogue's acceptance: dropping `_total` from a counter, inlining a Slack
/// webhook URL, or a 100% objective each exit 1 with the right code.
#[test]
fn catalogue_acceptance_mutations() {
    let d = mutated_spec(
        "metrics.yaml",
        "ai_forge_training_jobs_failed_total:",
        "ai_forge_training_jobs_failed:",
    );
    let (code, codes) = codes_of(d.path());
    assert_eq!(code, Some(1));
    assert!(codes.contains(&"M001".to_string()), "{codes:?}");

    let d = mutated_spec(
        "alerting.yaml",
        "api_url_file: /etc/alertmanager/secrets/slack-webhook-url",
        "api_url: 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX'",
    );
    let (code, codes) = codes_of(d.path());
    assert_eq!(code, Some(1));
    assert!(codes.contains(&"L001".to_string()), "{codes:?}");
    let out = forge(&["check", "--format", "json", d.path().to_str().unwrap()]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        !json.contains("XXXXXXXXXXXXXXXXXXXX"),
        "the message must mask the secret: {json}"
    );

    let d = mutated_spec("slos.yaml", "objective: 99.9%", "objective: 100%");
    let (code, codes) = codes_of(d.path());
    assert_eq!(code, Some(1));
    assert!(codes.contains(&"S001".to_string()), "{codes:?}");
}

/// The shipped spec's only findings are the deliberate ones listed in the README.
#[test]
fn shipped_spec_findings_are_the_deliberate_ones() {
    let (code, codes) = codes_of(Path::new("spec"));
    assert_eq!(code, Some(0));
    assert_eq!(
        codes,
        ["S006", "S006"],
        "update the README's list of deliberate findings"
    );
}

/// `routes show` prints the tree; `routes test` the receiver and the path.
#[test]
fn routes_show_and_test() {
    let show = forge(&["routes", "show"]);
    assert_eq!(show.status.code(), Some(0));
    let text = String::from_utf8_lossy(&show.stdout).to_string();
    insta::assert_snapshot!(text);
    let t = forge(&[
        "routes",
        "test",
        "severity=critical",
        "alertname=AIForgeDown",
    ]);
    let out = String::from_utf8_lossy(&t.stdout);
    assert_eq!(out.lines().next(), Some("pagerduty"), "{out}");
    assert!(out.contains("severity=\"critical\""), "{out}");
    let t = forge(&["routes", "test", "severity=warning"]);
    assert_eq!(
        String::from_utf8_lossy(&t.stdout).lines().next(),
        Some("slack")
    );
    let t = forge(&["routes", "test", "severity=info"]);
    assert_eq!(
        String::from_utf8_lossy(&t.stdout).lines().next(),
        Some("email")
    );
    assert_eq!(
        forge(&["routes", "test", "severity"]).status.code(),
        Some(2)
    );
}

/// Removing the warning route makes `check` report that the warning alerts now fall to
/// the default receiver.
#[test]
fn removed_warning_route_is_reported() {
    let d = mutated_spec(
        "alerting.yaml",
        "    - {match: {severity: warning}, receiver: slack}\n",
        "",
    );
    let out = forge(&["check", "--format", "json", d.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let misrouted: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["code"] == "R004")
        .collect();
    let names: Vec<String> = misrouted
        .iter()
        .map(|v| v["message"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "HighLatency",
        "HighErrorRate",
        "HighMemoryUsage",
        "TrainingJobFailed",
        "TrainingJobStuck",
    ] {
        assert!(
            names
                .iter()
                .any(|n| n.contains(a)
                    && n.contains("falls through to the default receiver `email`")),
            "{a}: {names:?}"
        );
    }
}

/// A secret that reaches a generated file (here: a credential in the runbook base URL,
/// with the spec-level scan silenced) stops the build; nothing is written, and the
/// secret is masked in the report.
#[test]
fn secret_in_output_blocks_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "service: {name: shop, runbook_base_url: \"https://deploy:hunter2hunter2@git.example.com/shop/\"}\n\
         targets: {web: {address: \"web:80\"}}\nlints: {secret-in-spec: allow}\n\
         alerts:\n  WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md}\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("keep.txt"), "previous").unwrap();
    let out = forge(&[
        "build",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("L006(secret-in-output)"), "{err}");
    assert!(
        !err.contains("hunter2hunter2"),
        "the secret must be masked: {err}"
    );
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 1);
}

/// A build that cannot write (the output path's parent is a file) fails with exit 2
/// and leaves nothing behind; an existing output stays intact when a build is killed.
#[test]
fn failed_and_killed_builds_keep_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let out = forge(&["build", "--out", blocker.join("gen").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    // Killed midway: a large synthetic spec, the process killed after a few ms.
    let spec = dir.path().join("big");
    assert_eq!(
        forge(&["synth", "--size", "2000", "--out", spec.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let out_gen = dir.path().join("gen");
    assert_eq!(
        forge(&["build", "--out", out_gen.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let before = std::fs::read(out_gen.join("prometheus/ai-forge.rules.yml")).unwrap();
    for delay in [5u64, 50, 200] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args([
                "build",
                spec.to_str().unwrap(),
                "--out",
                out_gen.to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = std::fs::read(out_gen.join("prometheus/ai-forge.rules.yml"));
        match now {
            // Either the old output is untouched, or the build finished and swapped in
            // the complete new one; never a mix.
            Ok(bytes) => assert_eq!(
                bytes, before,
                "killed after {delay} ms ({status}): old output changed"
            ),
            Err(_) => {
                assert!(
                    status.success(),
                    "killed after {delay} ms: the output directory is half-written"
                );
                assert!(out_gen.join("prometheus/synth.rules.yml").is_file());
                return;
            }
        }
    }
}

/// Outputs carry no absolute paths and no timestamps: the same spec built from another
/// directory gives the same bytes.
#[test]
fn outputs_do_not_depend_on_the_checkout_path() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("spec");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir("spec").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, copy.join(p.file_name().unwrap())).unwrap();
    }
    let a = dir.path().join("a");
    let out = Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(["build", "spec", "--out", a.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let cwd = std::env::current_dir().unwrap();
    let mut files = Vec::new();
    walk(&a, &a, &mut files);
    for (path, bytes) in &files {
        let committed = std::fs::read(cwd.join("generated").join(path)).unwrap();
        assert!(&committed == bytes, "{path} differs when built elsewhere");
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(dir.path().to_str().unwrap()) && !text.contains(cwd.to_str().unwrap()),
            "{path} holds an absolute path"
        );
    }
}

/// `routes inhibits` shows the shipped spec's inhibit rule: a page silences the warning
/// of its own SLO, and OllamaDown (another target) silences HighMemoryUsage, marked `!`
/// (allowed in the spec with a reason); an SLO page never silences another SLO's alert.
#[test]
fn routes_inhibits_lists_what_each_rule_silences() {
    let out = forge(&["routes", "inhibits"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = |alert: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{alert} <- ")))
            .unwrap_or_else(|| panic!("no line for {alert}:\n{text}"))
            .to_string()
    };
    assert!(
        line("HighErrorRate").ends_with("<- ErrorRateErrorBudgetFastBurn"),
        "{text}"
    );
    assert!(
        line("TrainingJobFailed").ends_with("<- TrainingSuccessErrorBudgetFastBurn"),
        "{text}"
    );
    let mem = line("HighMemoryUsage");
    assert!(
        mem.contains("<- OllamaDown") && mem.contains("! OllamaDown"),
        "{mem}"
    );
    assert!(!text.contains("AIForgeDown, OllamaDown"), "{text}");
}

/// An organisation through the binary: a build with the cache, a rebuild that takes
/// every service from it, a corrupt entry noted and rebuilt, the previous output kept
/// beside the new one; `--no-cache` gives the same files.
#[test]
fn organisation_build_with_its_cache() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cache = dir.path().join("cache");
    let (o, c) = (out.to_str().unwrap(), cache.to_str().unwrap());
    let first = forge(&["build", "tests/fixtures/org", "--out", o, "--cache", c]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = forge(&["build", "tests/fixtures/org", "--out", o, "--cache", c]);
    assert!(again.status.success());
    let entry = cache.join("services/web.json");
    std::fs::write(&entry, "{ not json").unwrap();
    let noted = forge(&["build", "tests/fixtures/org", "--out", o, "--cache", c]);
    let stderr = String::from_utf8_lossy(&noted.stderr);
    assert!(noted.status.success(), "{stderr}");
    assert!(
        stderr
            .contains("note: build cache: an entry is unreadable (corrupt), ignored; rebuilt: web"),
        "{stderr}"
    );
    assert!(std::fs::read_to_string(&entry).unwrap().starts_with('{'));
    let mut files = Vec::new();
    walk(&out, &out, &mut files);
    let plain = dir.path().join("plain");
    let p = plain.to_str().unwrap();
    assert!(
        forge(&["build", "tests/fixtures/org", "--out", p, "--no-cache"])
            .status
            .success()
    );
    let mut plain_files = Vec::new();
    walk(&plain, &plain, &mut plain_files);
    assert_eq!(files, plain_files);
    // Nothing changed so far: the output was never replaced, nothing kept beside it.
    assert!(!dir.path().join(".out.forge-prev").exists());
    // Other options: every service rebuilt, the output replaced, the previous one kept.
    let scaled = forge(&[
        "build",
        "tests/fixtures/org",
        "--out",
        o,
        "--cache",
        c,
        "--time-scale",
        "2",
    ]);
    assert!(scaled.status.success());
    assert!(dir.path().join(".out.forge-prev").is_dir());
    assert!(
        forge(&[
            "build",
            "tests/fixtures/org",
            "--out",
            p,
            "--no-cache",
            "--time-scale",
            "2"
        ])
        .status
        .success()
    );
    assert!(
        !dir.path().join(".plain.forge-prev").exists(),
        "no cache, nothing kept"
    );
}

/// Shell completions and the man page come from the same command definition: every
/// subcommand is in them.
#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = forge(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let s = String::from_utf8_lossy(&out.stdout);
        for sub in ["check", "build", "live-check", "import", "synth"] {
            assert!(s.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let out = forge(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.starts_with(".ie") || s.contains(".TH forge-spec 1"),
        "{s}"
    );
    assert!(
        s.contains(".TH forge-spec 1") && s.contains("live\\-check"),
        "{s}"
    );
    assert_eq!(forge(&["completions", "tcsh"]).status.code(), Some(2));
}

/// The quick start: `build` leaves a stack that `docker-compose --profile monitoring`
/// reads from the output directory without `-f`; every secret file it mounts exists as
/// a placeholder beside it (Grafana's password random, the others saying what belongs
/// there), kept out of git; a rebuild never replaces a secret the user filled in, nor
/// follows a link there; every scraped exporter with an image is a service, the
/// others are named in the file for the user to add.
#[test]
fn quick_start_stack_starts_from_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let o = out.to_str().unwrap();
    let first = forge(&["build", "spec", "--out", o]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let secrets = dir.path().join("secrets");
    let compose = std::fs::read_to_string(out.join("docker-compose.yml")).unwrap();
    let c: serde_json::Value = serde_saphyr::from_str(&compose).unwrap();
    // Every secret path the stack mounts is a file of secrets/.
    let mut mounted: Vec<String> = c["services"]["alertmanager"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str()?.strip_prefix("${FORGE_SECRETS:-../secrets}/"))
        .map(|v| v.split(':').next().unwrap().to_string())
        .collect();
    mounted.push("grafana_admin_password".into());
    assert!(mounted.len() >= 3, "{mounted:?}");
    for name in &mounted {
        let text = std::fs::read_to_string(secrets.join(name)).unwrap();
        if name == "grafana_admin_password" {
            assert_eq!(text.trim().len(), 24, "a random password");
            assert!(text.trim().chars().all(|c| c.is_ascii_alphanumeric()));
        } else {
            assert!(text.starts_with("REPLACE-ME"), "{name}: {text}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(secrets.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    // Filled-in secrets and links survive rebuilds.
    std::fs::write(secrets.join(&mounted[0]), "the real one\n").unwrap();
    let password = std::fs::read_to_string(secrets.join("grafana_admin_password")).unwrap();
    std::fs::remove_file(secrets.join(&mounted[1])).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::os::unix::fs::symlink(&elsewhere, secrets.join(&mounted[1])).unwrap();
    std::fs::write(out.join("prometheus/prometheus.yml"), "edited").unwrap();
    let again = forge(&["build", "spec", "--out", o]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(
        std::fs::read_to_string(secrets.join(&mounted[0])).unwrap(),
        "the real one\n"
    );
    assert_eq!(
        std::fs::read_to_string(secrets.join("grafana_admin_password")).unwrap(),
        password
    );
    assert!(!elsewhere.exists(), "a link is not followed");
    // The exporters: node_exporter runs in the stack; the service and the probed
    // model server are named for the user to add.
    assert_eq!(
        c["services"]["node-exporter"]["image"],
        "prom/node-exporter:v1.8.2"
    );
    assert!(compose.contains("ai-forge (ai-forge:8000)"), "{compose}");
    assert!(
        compose.contains("ollama (probed at http://ollama:11434/)"),
        "{compose}"
    );
    // docker-compose reads it from the output directory, without -f, and the secret
    // resolves to the placeholder.
    let Ok(config) = std::process::Command::new("docker-compose")
        .args(["--profile", "monitoring", "config"])
        .current_dir(&out)
        .output()
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "docker-compose is needed in CI"
        );
        return;
    };
    assert!(
        config.status.success(),
        "{}",
        String::from_utf8_lossy(&config.stderr)
    );
    let resolved = String::from_utf8_lossy(&config.stdout);
    let placeholder = secrets.join("grafana_admin_password");
    assert!(
        resolved.contains(placeholder.to_str().unwrap()),
        "the secret resolves to {}: {resolved}",
        placeholder.display()
    );
}

/// A name too long for what it becomes (a file name, a Grafana uid, a Kubernetes label
/// value) fails `check` with N011 at the name — never a spec that checks clean and then
/// fails to build — and `build` writes nothing.
#[test]
fn names_too_long_for_the_output_fail_check() {
    let long = "a".repeat(300);
    for (file, from, to) in [
        (
            "service.yaml",
            "name: ai-forge\n",
            format!("name: {long}\n"),
        ),
        (
            "service.yaml",
            "name: ai-forge\n",
            format!("name: {}\n", "b".repeat(40)),
        ),
        ("dashboards.yaml", "api-performance:", format!("{long}:")),
    ] {
        let dir = mutated_spec(file, from, &to);
        let (code, codes) = codes_of(dir.path());
        assert_eq!(code, Some(1), "{to}: {codes:?}");
        assert!(codes.contains(&"N011".to_string()), "{to}: {codes:?}");
        let elsewhere = tempfile::tempdir().unwrap();
        let out = elsewhere.path().join("out");
        let o = forge(&[
            "build",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!out.exists());
    }
}

/// The generated suites of a synthetic spec: every alert of the deployed rule file is
/// judged by a test, tests of items that feed what another reads never share a test
/// group (two uptime SLOs of one target, down at different times), items that cannot
/// see each other do (uptime SLOs of different targets, the absent-data alerts of one
/// target), and everything passes in promtool with the deployed rules cut to each file.
#[test]
fn suites_merge_only_what_cannot_interfere() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    // Four targets; a third of the SLOs are uptime SLOs, of one of them each.
    let out = forge(&["synth", "--size", "400", "--out", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let mut c =
        forge_spec::compile(std::slice::from_ref(&spec), "spec", &Default::default()).unwrap();
    let built = forge_spec::emit_checked(&mut c).unwrap().expect("builds");
    let deployed = String::from_utf8(built.files["prometheus/synth.rules.yml"].clone()).unwrap();
    let mut judged = std::collections::BTreeSet::new();
    let mut groups: Vec<String> = Vec::new();
    for (path, bytes) in &built.files {
        if !(path.starts_with("prometheus/tests/") && path.ends_with(".test.yml")) {
            continue;
        }
        let doc: serde_json::Value =
            serde_saphyr::from_str(std::str::from_utf8(bytes).unwrap()).unwrap();
        for g in doc["tests"].as_array().unwrap() {
            groups.push(g["name"].as_str().unwrap().to_string());
            for a in g["alert_rule_test"].as_array().into_iter().flatten() {
                judged.insert(a["alertname"].as_str().unwrap().to_string());
            }
        }
    }
    for a in deployed
        .lines()
        .filter_map(|l| l.strip_prefix("  - alert: "))
    {
        assert!(judged.contains(a), "{a} has no generated test");
    }
    // Uptime SLOs: name → (objective, target), from the spec.
    let slos = std::fs::read_to_string(spec.join("slos.yaml")).unwrap();
    let uptime: std::collections::BTreeMap<String, (String, String)> = slos
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.trim().split_once(": {objective: ")?;
            let objective = rest.split(',').next()?.to_string();
            let target = rest
                .split("uptime: ")
                .nth(1)?
                .split('}')
                .next()?
                .to_string();
            Some((name.to_string(), (objective, target)))
        })
        .collect();
    assert!(uptime.len() > 10);
    let members = |g: &str| -> Vec<(String, String)> {
        g.split("; ")
            .filter_map(|n| n.strip_prefix("SLO ")?.split(':').next())
            .filter_map(|s| uptime.get(s).cloned())
            .collect()
    };
    // Two uptime SLOs of one target with different objectives feed different `up`
    // series: never one group. Of different targets: merged.
    let mut across = false;
    for g in &groups {
        let m = members(g);
        for (i, (oa, ta)) in m.iter().enumerate() {
            for (ob, tb) in &m[i + 1..] {
                assert!(
                    !(ta == tb && oa != ob),
                    "one target's uptime SLOs merged: {g}"
                );
                across |= ta != tb;
            }
        }
    }
    assert!(across, "no two targets' uptime SLOs merged: {groups:#?}");
    assert!(
        groups.iter().any(|g| g
            .matches("Absent fires when app-0 is scraped without")
            .count()
            > 1),
        "one target's absent-data alerts not merged"
    );
    // The suites with those merged groups pass (every suite of the 1,000-item spec runs
    // in ci/oracles).
    let chosen: std::collections::BTreeMap<String, Vec<u8>> = built
        .files
        .iter()
        .filter(|(p, b)| {
            let text = String::from_utf8_lossy(b);
            p.ends_with(".rules.yml")
                || (p.ends_with(".test.yml")
                    && (text.contains("an error rate far above budget pages; SLO")
                        || text.contains("Absent fires when")))
        })
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    let ran = crate::common::run_generated_tests(&dir.path().join("run"), &chosen);
    assert!(ran >= 2, "{ran}");
}
