//! The walls of `../shared/ARCHITECTURE.md`, held by a test while the layers are modules
//! of one crate: every `crate::<module>` path in `src/` must name a layer at or below
//! the one the file belongs to. A forbidden import (the IR naming the rule catalogue, a
//! backend naming a syntax type) fails here with the file and line.

use std::path::{Path, PathBuf};

/// The layer a module or top-level file belongs to.
fn layer_of(module: &str) -> Option<&'static str> {
    Some(match module {
        "diag" | "source" | "secrets" | "par" | "declare_code" => "bottom",
        "syntax" => "syntax",
        "expr" => "expr",
        "ir" => "ir",
        "rules" => "rules",
        "emit" => "emit",
        "write" => "write",
        "lib" | "synth" => "pipeline",
        "main" => "cli",
        _ => return None,
    })
}

/// What each layer may name (itself included).
fn allowed(layer: &str) -> &'static [&'static str] {
    match layer {
        "bottom" => &["bottom"],
        "syntax" => &["bottom", "syntax"],
        "expr" => &["bottom", "expr"],
        "ir" => &["bottom", "syntax", "expr", "ir"],
        "rules" => &["bottom", "expr", "ir", "rules"],
        "emit" => &["bottom", "expr", "ir", "emit"],
        "write" => &["bottom", "emit", "write"],
        _ => &[
            "bottom", "syntax", "expr", "ir", "rules", "emit", "write", "pipeline",
        ],
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/").filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The layer of a source file: its top-level module (`src/ir/resolve.rs` → `ir`).
fn file_layer(path: &Path) -> &'static str {
    let rel = path.strip_prefix("src").expect("under src/");
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let module = first
        .as_deref()
        .map(|f| f.trim_end_matches(".rs"))
        .unwrap_or("");
    layer_of(module).unwrap_or_else(|| panic!("{}: a module of no known layer", path.display()))
}

/// Every forbidden `crate::<module>` reference in `text` (comments skipped): line and
/// the module named.
fn violations(layer: &str, text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            if code[..at].ends_with('$') {
                continue; // `$crate::` in a macro: the macro's own crate.
            }
            let module: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let Some(target) = layer_of(&module) else {
                found.push((i + 1, format!("{module} (a module of no known layer)")));
                continue;
            };
            if !allowed(layer).contains(&target) {
                found.push((i + 1, format!("{module} ({target})")));
            }
        }
    }
    found
}

/// No file reaches a layer above or beside its own.
#[test]
fn layers_only_look_down() {
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    all.sort();
    let mut bad = Vec::new();
    for f in &all {
        let layer = file_layer(f);
        let text = std::fs::read_to_string(f).expect("readable source");
        for (line, what) in violations(layer, &text) {
            bad.push(format!(
                "{}:{line}: the {layer} layer names {what}",
                f.display()
            ));
        }
    }
    assert!(bad.is_empty(), "forbidden imports:\n{}", bad.join("\n"));
    assert!(all.len() > 50, "only {} source files found", all.len());
}

/// The check itself catches what it must: the IR naming the rule catalogue, a backend
/// naming a syntax type, the bottom layer naming the IR.
#[test]
fn the_check_catches_forbidden_imports() {
    assert_eq!(violations("ir", "use crate::rules::find;").len(), 1);
    assert_eq!(
        violations("emit", "let x: crate::syntax::Receiver;").len(),
        1
    );
    assert_eq!(violations("bottom", "use crate::ir::Model;").len(), 1);
    assert_eq!(violations("expr", "use crate::ir::Model;").len(), 1);
    assert!(violations("ir", "use crate::syntax::SpecFile; // crate::rules").is_empty());
    assert!(violations("bottom", "$crate::diag::Code").is_empty());
}
