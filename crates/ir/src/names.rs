//! Stage 2, resolve: the names definitions take in the output — file stems, the SLO
//! dashboard's uid, Rust identifiers — in one place, so the backends that write them
//! and the check that two definitions do not share one (N008) agree.

use super::Model;

/// A name made safe for a file name: ASCII letters, digits, `-` and `_` only.
pub fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches(|c| c == '_' || c == '-').to_string();
    if s.is_empty() { "service".into() } else { s }
}

/// The uid (and file stem) of the generated SLO dashboard.
pub fn slo_dashboard_uid(m: &Model) -> String {
    format!("{}-slos", file_stem(&m.service.name.value))
}

/// The key two names share when they become one Rust identifier or one file on a
/// case-insensitive file system: ASCII letters and digits lowercased, everything else
/// `_`, keyword escapes ignored.
pub fn folded(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}
