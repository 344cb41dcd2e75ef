//! Backend: Prometheus. The rule file (explicit alerts; per SLO, Sloth-style recording
//! rules, metadata rules and multi-window multi-burn-rate alerts), its generated
//! `promtool test rules` file, and the scrape config.

mod rules;
mod scrape;
mod tests;
mod witness;

pub use rules::{RuleFile, build_rules, slo_alert_names, slo_dashboard_uid};

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
    for n in rules::META_RULES {
        v.insert((*n).to_string());
    }
    v
}

/// File name of the rule file: `<service>.rules.yml`.
pub fn rules_file(model: &Model) -> String {
    format!("{}.rules.yml", super::file_stem(&model.service.name.value))
}

pub fn emit(model: &Model, out: &mut Output) {
    let rules = build_rules(model);
    let name = rules_file(model);
    out.add(
        format!("prometheus/{name}"),
        format!("{}{}", super::header(model, "#"), rules.to_yaml()),
    );
    let tests = tests::build(model, &rules, &name);
    out.add(
        format!(
            "prometheus/{}",
            name.replace(".rules.yml", ".rules.test.yml")
        ),
        tests,
    );
    out.add("prometheus/prometheus.yml", scrape::render(model, &name));
}
