//! The integration tests, one binary: each module was a test file of its own, and
//! linking the whole library into 26 binaries cost most of `cargo test`'s build time
//! and disk. Run one module with `cargo test --test it <module>::`.

mod common;

mod allow;
mod architecture;
mod cli;
mod corpus;
mod diagnostics;
mod diff;
mod emit;
mod expr;
mod fixtures;
mod formats;
mod generated;
mod grafana;
mod import;
mod incremental;
mod integrations;
mod kubernetes;
mod live;
mod load_safety;
mod lsp;
mod lsp_hostile;
mod org;
mod output_safety;
mod public;
mod real_tools;
mod robustness;
mod rules;
mod rust;
mod schema;
mod secrets;
mod slo;
