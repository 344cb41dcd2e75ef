//! Fuzz target: live-check's exposition reader on arbitrary text. It never panics;
//! a family read has a valid name, no `le` label in a histogram's series, and each
//! series once; an error names a line of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match forge_spec::live::parse(text) {
        Ok(families) => {
            for f in &families {
                assert!(!f.name.is_empty());
                let mut seen = std::collections::HashSet::new();
                for s in &f.series {
                    assert!(seen.insert(s), "a series twice in {}", f.name);
                    if f.kind == "histogram" {
                        assert!(!s.contains_key("le"));
                    }
                }
                assert!(f.at.end <= text.len());
            }
        }
        Err(e) => {
            let line: usize = e
                .split("line ")
                .nth(1)
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse().ok())
                .expect("an error names its line");
            assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "{e}");
        }
    }
});
