//! Codes of SLO checks that only the resolver can make (declarations and docs).

mod sli_kind_count;

pub use sli_kind_count::SLI_KIND_COUNT;

pub static CODES: &[&crate::diag::Code] = &[&SLI_KIND_COUNT];
