//! Backend: Prometheus rule files, their unit tests and the scrape config.

use super::Output;
use crate::ir::{Model, slo};
use std::collections::BTreeSet;

/// Names of the recording rules the SLO rules define (raw PromQL may read them).
pub fn recorded_names() -> BTreeSet<String> {
    let mut v = BTreeSet::new();
    for w in slo::recorded_windows(crate::expr::Duration {
        ms: 30 * 86_400_000,
    }) {
        v.insert(format!("slo:sli_error:ratio_rate{}", w.to_prometheus()));
    }
    for n in [
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
    ] {
        v.insert(n.to_string());
    }
    v
}

pub fn emit(_model: &Model, _out: &mut Output) {}
