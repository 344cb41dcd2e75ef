//! Codes of the engines' outputs (`outputs:` — Kubernetes, Mimir, Thanos) that stages
//! below the rule catalogue report: limits a ruler would refuse the written rules for,
//! checked on the output before it is written. The catalogue's own checks of the
//! outputs are in `rules::deploy`.

mod ruler_limit_exceeded;

pub use ruler_limit_exceeded::RULER_LIMIT_EXCEEDED;

pub static CODES: &[&crate::diag::Code] = &[&RULER_LIMIT_EXCEEDED];
