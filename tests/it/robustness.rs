//! Robustness: a short proptest pass of the fuzz targets' properties — arbitrary input
//! never panics the whole check path, every diagnostic points inside its file, and
//! hostile names never escape into generated file paths.

use proptest::prelude::*;

fn check_all(text: &str) {
    let mut c = forge_spec::compile_str(&[("p.yaml", text)], &Default::default());
    for d in &c.diagnostics.items {
        let f = c
            .sources
            .get(d.primary.span.file)
            .expect("span file exists");
        assert!(
            d.primary.span.end as usize <= f.text.len(),
            "{}: span past the end of the file",
            d.code.code
        );
        assert!(
            f.text.is_char_boundary(d.primary.span.start as usize),
            "{}: span inside a character",
            d.code.code
        );
    }
    let _ = forge_spec::diag::render(
        forge_spec::diag::Format::Human,
        &c.diagnostics.items,
        &c.sources,
        false,
    );
    if c.diagnostics.has_errors() {
        return;
    }
    let emitted = forge_spec::emit_checked(&mut c)
        .unwrap_or_else(|e| panic!("a spec without errors must serialise: {e}"));
    if let Some(out) = emitted {
        for path in out.files.keys() {
            assert!(
                !path.contains("..") && !path.starts_with('/') && !path.contains('\\'),
                "unsafe output path {path}"
            );
        }
    }
}

/// Pieces of spec text, to compose inputs that get past the YAML reader.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("service: {name: s}\n".to_string()),
        "[a-z_/.\\\\\"'{}$ -]{0,12}".prop_map(|n| format!("service: {{name: {n:?}}}\n")),
        "[a-zA-Z_:./ -]{1,20}".prop_map(|n| format!("metrics:\n  {n:?}: {{type: gauge, help: x.}}\n")),
        "[a-z0-9(){}\\[\\]<>=!%.,\" _*/+-]{0,40}".prop_map(|c| format!("dashboards:\n  d: {{title: D, panels: [{{title: P, query: {c:?}}}]}}\n")),
        "[a-z0-9(){}\\[\\]<>=!%.,\" _-]{0,40}".prop_map(|c| format!("targets: {{web: {{address: \"w:1\"}}}}\nalerts:\n  A: {{severity: critical, condition: {c:?}, summary: S., runbook: r.md}}\n")),
        "[a-z/.]{0,12}".prop_map(|u| format!("dashboards:\n  {u:?}: {{title: T, panels: [{{title: X, query: \"1\"}}]}}\n")),
        Just("receivers: {r: {webhook: {url: \"http://127.0.0.1:9/\"}}}\nrouting: {receiver: r}\n".to_string()),
        "\\PC{0,30}".prop_map(|s| format!("# {s}\n")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary text never panics check, render or emit.
    #[test]
    fn arbitrary_text(s in "\\PC{0,200}") {
        check_all(&s);
    }

    /// Composed specs with hostile names and expressions never panic, and never produce
    /// an output path outside the output directory.
    #[test]
    fn composed_specs(parts in proptest::collection::vec(piece(), 1..5)) {
        check_all(&parts.concat());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// The text-level checkers added for hostile input — Go templates, RE2 regexes,
    /// control characters, the secret scanner and its masking — never panic on any
    /// string, and masking keeps the byte length (spans stay right).
    #[test]
    fn text_checkers_never_panic(s in "(\\{\\{|\\}\\}|-|\\$|\\\\|\"|'|`|\\(|\\)|\\||[a-z]{1,3}|[ -~]|é|\u{1b}|\u{85}|xox|b-|/\\*|\\*/){0,40}") {
        use forge_spec::expr::gotmpl::{Engine, check};
        let _ = check(&s, Engine::PROMETHEUS);
        let _ = check(&s, Engine::ALERTMANAGER);
        let _ = forge_spec::expr::re2::refusal(&s);
        let _ = forge_spec::rules::parse::control_character::find(&s);
        let _ = forge_spec::secrets::scan_all(&s);
        let redacted = forge_spec::secrets::redact(&s);
        prop_assert_eq!(redacted.len(), s.len());
    }
}
