//! Freshness: the committed `generated/` equals a fresh build of `spec/`.

/// Fails when someone changed the spec or the compiler without rebuilding `generated/`.
#[test]
fn committed_output_is_fresh() {
    let mut comp = forge_spec::compile(&["spec".into()], "spec", &Default::default()).unwrap();
    assert!(
        !comp.diagnostics.has_errors(),
        "the shipped spec has errors"
    );
    let output = forge_spec::emit_checked(&mut comp)
        .expect("every file serialises")
        .expect("no secret in the output");
    let stale = forge_spec::write::check(&output, std::path::Path::new("generated"));
    let report: String = stale.iter().map(|s| s.render()).collect();
    assert!(
        stale.is_empty(),
        "generated/ is stale; run `cargo run -- build`:\n{report}"
    );
}
