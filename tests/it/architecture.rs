//! The walls of `../shared/ARCHITECTURE.md` are the crates' dependency lists: each layer
//! is a crate (`crates/`), and a crate can only name the crates it depends on, so a
//! forbidden import does not compile. This test holds the lists themselves to the walls:
//! a new dependency that crosses one (the IR on the rule catalogue, a backend on the
//! syntax) fails here with the crate and the dependency.

use std::collections::BTreeMap;

/// What each layer's crate may depend on, of forge-spec's own crates.
fn allowed(krate: &str) -> &'static [&'static str] {
    match krate {
        "forge-spec-base" => &[],
        "forge-spec-syntax" => &["forge-spec-base"],
        "forge-spec-expr" => &["forge-spec-base"],
        "forge-spec-ir" => &["forge-spec-base", "forge-spec-syntax", "forge-spec-expr"],
        "forge-spec-rules" => &["forge-spec-base", "forge-spec-expr", "forge-spec-ir"],
        "forge-spec-emit" => &["forge-spec-base", "forge-spec-expr", "forge-spec-ir"],
        // Another tool's files → spec text: reads them as the parse stage does and
        // translates PromQL through the condition language; knows no model.
        "forge-spec-import" => &["forge-spec-base", "forge-spec-syntax", "forge-spec-expr"],
        // The order of the stages (and the writer, the build cache, fixes): every stage.
        "forge-spec-pipeline" => &[
            "forge-spec-base",
            "forge-spec-syntax",
            "forge-spec-expr",
            "forge-spec-ir",
            "forge-spec-rules",
            "forge-spec-emit",
        ],
        // The analysis layer for editors stands on the pipeline alone.
        "forge-spec-ide" => &["forge-spec-pipeline"],
        _ => &[],
    }
}

/// The forge-spec crates a Cargo.toml's `[dependencies]` (and target-specific ones)
/// name.
fn own_dependencies(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut out = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]") && !line.contains("dev-dependencies");
            continue;
        }
        if in_deps && line.starts_with("forge-spec") {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            out.push(name);
        }
    }
    out
}

fn crates() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for e in std::fs::read_dir("crates")
        .expect("crates/")
        .filter_map(Result::ok)
    {
        let manifest = std::fs::read_to_string(e.path().join("Cargo.toml")).expect("Cargo.toml");
        let name = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .map(|n| n.trim_matches('"').to_string())
            .expect("package name");
        m.insert(name, manifest);
    }
    m
}

/// Every layer crate depends only on the layers below it.
#[test]
fn layers_only_look_down() {
    let all = crates();
    assert_eq!(all.len(), 9, "{:?}", all.keys().collect::<Vec<_>>());
    let mut bad = Vec::new();
    for (name, manifest) in &all {
        for dep in own_dependencies(manifest) {
            if !allowed(name).contains(&dep.as_str()) {
                bad.push(format!("{name} depends on {dep}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "dependencies across a wall:\n{}",
        bad.join("\n")
    );
}

/// The check catches what it must: the IR on the rule catalogue, a backend on the
/// syntax, the bottom on anything.
#[test]
fn the_check_catches_forbidden_dependencies() {
    let ir =
        "[dependencies]\nforge-spec-base.workspace = true\nforge-spec-rules.workspace = true\n";
    let deps = own_dependencies(ir);
    assert!(
        deps.iter()
            .any(|d| !allowed("forge-spec-ir").contains(&d.as_str()))
    );
    let emit = "[dependencies]\nforge-spec-syntax = { path = \"../syntax\" }\n[dev-dependencies]\nforge-spec-rules.workspace = true\n";
    assert_eq!(
        own_dependencies(emit),
        vec!["forge-spec-syntax".to_string()]
    );
    assert!(!allowed("forge-spec-emit").contains(&"forge-spec-syntax"));
    assert!(allowed("forge-spec-base").is_empty());
}

/// No backend calls another (`../shared/ARCHITECTURE.md`: "backend → another backend"
/// is a wall): a name two outputs share — a file path, an SLO's selector and window
/// names, a dashboard uid, a notification template — is computed once in the IR
/// (`ir::names`), and each backend module of `crates/emit` names only itself, the
/// crate's shared helpers and the IR. The orchestrators (`lib.rs`, `org.rs`) call them
/// all.
#[test]
fn backends_never_call_each_other() {
    let backends = [
        "alertmanager",
        "compose",
        "docs",
        "grafana",
        "kubernetes",
        "prometheus",
        "rulers",
        "rust",
        "schema",
    ];
    let mut crossings = Vec::new();
    let mut files = Vec::new();
    for e in std::fs::read_dir("crates/emit/src").unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                files.push(e.unwrap().path());
            }
        } else {
            files.push(p);
        }
    }
    for path in files {
        let rel = path
            .strip_prefix("crates/emit/src")
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let own = rel.split(['/', '.']).next().unwrap_or_default().to_string();
        if !backends.contains(&own.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for other in backends.iter().filter(|b| **b != own) {
            for via in ["super::", "crate::", "super::super::"] {
                let call = format!("{via}{other}::");
                if text.contains(&call) {
                    crossings.push(format!("{rel} names {call}"));
                }
            }
        }
    }
    assert!(
        crossings.is_empty(),
        "backends calling backends: {crossings:#?}"
    );
}

/// The sources of a directory of `src/`, by path.
fn sources_of(dir: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), text)
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "{dir} has sources");
    v
}

/// The analysis layer (`crates/ide`) knows nothing of the protocol: no JSON, no URIs, no
/// protocol types (its crate cannot name them; its sources are checked too); the
/// language server (`src/lsp/`) is transport, typed dispatch and
/// conversion: it reads no model or spec structure itself, picks nothing out of JSON
/// by pointer, and neither changes the process's working directory.
#[test]
fn the_language_server_sits_on_the_analysis_layer() {
    let mut wrong = Vec::new();
    for (path, text) in sources_of("crates/ide/src") {
        for word in [
            "lsp_types",
            "lsp_server",
            "serde_json",
            "Url",
            "crate::lsp",
            "json!",
        ] {
            if text.contains(word) {
                wrong.push(format!("{path} names {word}"));
            }
        }
    }
    for (path, text) in sources_of("src/lsp") {
        for word in [
            "crate::ir",
            ".model",
            "crate::syntax",
            ".pointer(",
            "crate::expr",
        ] {
            if text.contains(word) {
                wrong.push(format!("{path} names {word}"));
            }
        }
    }
    for (path, text) in sources_of("src/lsp")
        .into_iter()
        .chain(sources_of("crates/ide/src"))
    {
        if text.contains("set_current_dir") {
            wrong.push(format!("{path} changes the working directory"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
