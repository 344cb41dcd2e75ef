//! Fuzz target: the whole `check` + `emit` path on arbitrary bytes as a spec file.
#![no_main]

use libfuzzer_sys::fuzz_target;


fuzz_target!(|data: &[u8]| {
    forge_spec::expr::promql::quiet_parser_panics();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut c = forge_spec::compile_str(&[("fuzz.yaml", text)], &Default::default());
    let _ = forge_spec::diag::render(forge_spec::diag::Format::Human, &c.diagnostics.items, &c.sources, false);
    if !c.diagnostics.has_errors() {
        let _ = forge_spec::emit_checked(&mut c);
    }
});
