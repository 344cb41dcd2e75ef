//! Helpers shared by the test files that drive real tools.

use std::process::Command;

/// Whether promtool runs here; under CI (`CI` set) its absence fails the test, elsewhere
/// the test says it is skipped.
pub fn promtool() -> bool {
    let ok = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "promtool is required under CI"
        );
        eprintln!("skipped: promtool not installed");
    }
    ok
}
