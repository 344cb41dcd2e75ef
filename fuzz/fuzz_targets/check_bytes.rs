//! Fuzz target: the whole `check` + `emit` path on arbitrary bytes as a spec file.
#![no_main]

use libfuzzer_sys::fuzz_target;


/// promql-parser panics on some inputs; forge-spec catches those (`expr::promql::parse`).
/// libFuzzer's panic hook aborts before unwinding, so it is skipped while inside the parser.
fn quiet_parser_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !forge_spec::expr::promql::in_parser() {
                previous(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    quiet_parser_panics();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut c = forge_spec::compile_str(&[("fuzz.yaml", text)], &Default::default());
    let _ = forge_spec::diag::render(forge_spec::diag::Format::Human, &c.diagnostics.items, &c.sources, false);
    if !c.diagnostics.has_errors() {
        let _ = forge_spec::emit_checked(&mut c);
    }
});
