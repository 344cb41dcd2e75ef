//! SLOs recognised in rule files forge-spec wrote (`import prometheus` of a
//! `<service>.rules.yml`): each SLO's recording groups and burn-rate alerts become one
//! entry of `slos:` again — objective, period, indicator, grouping, alert policy,
//! guard, severities, runbook and extra alert labels — from which the build writes
//! the same rules. Its absent-data alerts are left to the build, which writes them
//! again for the metrics the SLOs and alerts read. An SLO whose indicator is not one
//! forge-spec writes is left to the generic import (its rules kept as rules).

use crate::text::{comment, flow_list, flow_map, q};
use regex::Regex;
use std::sync::OnceLock;

/// One rule as read: record or alert name, expression, labels, annotations.
pub struct Seen<'a> {
    pub record: Option<&'a str>,
    pub alert: Option<&'a str>,
    pub expr: String,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

/// An SLO as the spec writes it.
#[derive(Debug)]
pub struct SloOut {
    pub name: String,
    objective: f64,
    days: String,
    sli: String,
    group_by: Vec<String>,
    alert_prefix: String,
    page: String,
    ticket: String,
    runbook: Option<String>,
    min_events: Option<u64>,
    windows: Vec<(String, String, String, f64)>,
    alert_labels: Vec<(String, String)>,
    /// The rules (by position in the input) it stands for.
    pub rules: Vec<usize>,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a valid pattern"))
}

/// `sum(rate(X[w]))` or `sum by (a, b) (rate(X[w]))`: X and the grouping.
fn sum_rate(e: &str) -> Option<(String, Vec<String>)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let c = re(&R, r"^sum(?: by \(([^)]*)\))? ?\(rate\((.+)\[\w+\]\)\)$").captures(e.trim())?;
    let by = c.get(1).map_or_else(Vec::new, |b| {
        b.as_str()
            .split(", ")
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    });
    Some((c[2].to_string(), by))
}

/// The indicator of an SLO from its error and total rates, as `sli:` text.
fn indicator(err: &str, total: &str) -> Option<(String, Vec<String>)> {
    static UP_E: OnceLock<Regex> = OnceLock::new();
    static UP_T: OnceLock<Regex> = OnceLock::new();
    static LAT: OnceLock<Regex> = OnceLock::new();
    static EV: OnceLock<Regex> = OnceLock::new();
    if let Some(c) = re(
        &UP_E,
        r#"^sum(?: by \(([^)]*)\))? ?\(1 - avg_over_time\(up\{job="([^"]+)"\}\[\w+\]\)\)$"#,
    )
    .captures(err)
        && re(&UP_T, r#"^count(?: by \([^)]*\))? ?\(up\{job="[^"]+"\}\)$"#).is_match(total)
    {
        let by = c.get(1).map_or_else(Vec::new, |b| {
            b.as_str().split(", ").map(str::to_string).collect()
        });
        return Some((format!("{{uptime: {}}}", q(&c[2])), by));
    }
    let (t, by) = sum_rate(total)?;
    if let Some(c) = re(&LAT, r#"^\((.+) - \((.+) or 0 \* .+\)\)$"#).captures(err)
        && let (Some((count, _)), Some((bucket, _))) = (sum_rate(&c[1]), sum_rate(&c[2]))
        && count == t
    {
        let metric = count.strip_suffix("_count")?;
        // The bound of this metric's `_bucket` selector (a pattern of its own name: not
        // cached, unlike the fixed patterns).
        let le = Regex::new(&format!(
            r#"^{}_bucket\{{le="([^"]+)"\}}$"#,
            regex::escape(metric)
        ))
        .ok()?
        .captures(&bucket)?;
        let seconds: f64 = le[1].parse().ok()?;
        let below = if seconds < 1.0 {
            format!("{}ms", (seconds * 1000.0).round())
        } else {
            format!("{seconds}s")
        };
        return Some((
            format!("{{latency: {{metric: {}, below: {below}}}}}", q(metric)),
            by,
        ));
    }
    let c = re(&EV, r#"^\((.+) or 0 \* .+\)$"#).captures(err)?;
    let (e, _) = sum_rate(&c[1])?;
    Some((format!("{{errors: {}, total: {}}}", q(&e), q(&t)), by))
}

/// `vector(x)` → x.
fn vector(e: &str) -> Option<f64> {
    e.trim()
        .strip_prefix("vector(")?
        .strip_suffix(')')?
        .parse()
        .ok()
}

/// The window pairs of a burn-rate alert: (short, long, threshold) per clause.
fn clauses(expr: &str) -> Vec<(String, String, f64)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"slo:sli_error:ratio_rate(\w+)\{[^}]*\} > ([0-9.e+-]+)");
    let found: Vec<(String, f64)> = r
        .captures_iter(expr)
        .filter_map(|c| Some((c[1].to_string(), c[2].parse().ok()?)))
        .collect();
    found
        .chunks(2)
        .filter(|p| p.len() == 2)
        .map(|p| (p[0].0.clone(), p[1].0.clone(), p[0].1))
        .collect()
}

/// The SRE workbook's policy, forge-spec's default, as (urgency, long, short, factor).
const DEFAULT_POLICY: &[(&str, &str, &str, f64)] = &[
    ("page", "1h", "5m", 14.4),
    ("page", "6h", "30m", 6.0),
    ("ticket", "1d", "2h", 3.0),
    ("ticket", "3d", "6h", 1.0),
];

/// Labels forge-spec writes on an SLO's alerts itself.
const OWN_LABELS: &[&str] = &["severity", "service", "slo", "team", "namespace"];

/// The SLOs among the rules, each with the rules it stands for.
pub fn recognise(rules: &[Seen]) -> Vec<SloOut> {
    // In the order the SLOs first appear, as the spec had them.
    let mut by_slo: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let Some(slo) = r
            .labels
            .iter()
            .find(|(k, _)| k == "slo")
            .map(|(_, v)| v.as_str())
        else {
            continue;
        };
        let own = r.record.is_some_and(|n| n.starts_with("slo:"))
            || r.alert.is_some_and(|a| {
                a.ends_with("ErrorBudgetFastBurn") || a.ends_with("ErrorBudgetSlowBurn")
            });
        if own {
            match by_slo.iter_mut().find(|(n, _)| *n == slo) {
                Some((_, v)) => v.push(i),
                None => by_slo.push((slo, vec![i])),
            }
        }
    }
    let mut out = Vec::new();
    for (name, idx) in by_slo {
        let record = |n: &str| {
            idx.iter()
                .map(|i| &rules[*i])
                .find(|r| r.record == Some(n))
                .map(|r| r.expr.trim().to_string())
        };
        let (Some(err), Some(total), Some(objective), Some(days)) = (
            record("slo:sli_error:rate5m"),
            record("slo:sli_total:rate5m"),
            record("slo:objective:ratio").and_then(|e| vector(&e)),
            record("slo:time_period:days").and_then(|e| vector(&e)),
        ) else {
            continue;
        };
        let Some((sli, group_by)) = indicator(&err, &total) else {
            continue;
        };
        let alerts: Vec<&Seen> = idx
            .iter()
            .map(|i| &rules[*i])
            .filter(|r| r.alert.is_some())
            .collect();
        let fast = alerts
            .iter()
            .find(|a| a.alert.is_some_and(|n| n.ends_with("ErrorBudgetFastBurn")));
        let slow = alerts
            .iter()
            .find(|a| a.alert.is_some_and(|n| n.ends_with("ErrorBudgetSlowBurn")));
        let (Some(fast), Some(slow)) = (fast, slow) else {
            continue;
        };
        let label = |r: &Seen, k: &str| {
            r.labels
                .iter()
                .find(|(x, _)| x == k)
                .map(|(_, v)| v.clone())
        };
        let budget = 1.0 - objective;
        let mut windows = Vec::new();
        for (urgency, a) in [("page", fast), ("ticket", slow)] {
            for (short, long, t) in clauses(&a.expr) {
                windows.push((
                    urgency.to_string(),
                    long,
                    short,
                    (t / budget * 1e6).round() / 1e6,
                ));
            }
        }
        let default = windows.len() == DEFAULT_POLICY.len()
            && windows
                .iter()
                .zip(DEFAULT_POLICY)
                .all(|((u, l, s, f), (du, dl, ds, df))| {
                    u == du && l == dl && s == ds && (f - df).abs() < 1e-6
                });
        static GUARD: OnceLock<Regex> = OnceLock::new();
        let min_events: Option<u64> = re(&GUARD, r">= (\d+)\)")
            .captures(&fast.expr)
            .and_then(|c| c[1].parse().ok());
        // forge-spec's default guard: enough events that one error cannot page alone.
        let fastest = windows
            .iter()
            .filter(|w| w.0 == "page")
            .map(|w| w.3)
            .fold(0.0, f64::max);
        let default_guard = if fastest > 0.0 {
            10u64.max((1.0 / (fastest * budget)).ceil() as u64)
        } else {
            10
        };
        let min_events = min_events.filter(|n| *n != default_guard || sli.starts_with("{uptime"));
        out.push(SloOut {
            name: name.to_string(),
            objective,
            days: format!("{days}d"),
            sli,
            group_by,
            alert_prefix: fast
                .alert
                .unwrap_or_default()
                .trim_end_matches("ErrorBudgetFastBurn")
                .to_string(),
            page: label(fast, "severity").unwrap_or_else(|| "critical".into()),
            ticket: label(slow, "severity").unwrap_or_else(|| "warning".into()),
            runbook: fast
                .annotations
                .iter()
                .find(|(k, _)| k == "runbook_url")
                .map(|(_, v)| v.clone()),
            min_events,
            windows: if default { Vec::new() } else { windows },
            alert_labels: fast
                .labels
                .iter()
                .filter(|(k, _)| !OWN_LABELS.contains(&k.as_str()))
                .cloned()
                .collect(),
            rules: idx,
        });
    }
    out
}

/// CamelCase of an SLO name, as forge-spec names its alerts.
fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

/// A ratio as a percentage: 0.999 → `99.9%`.
pub(crate) fn percent(x: f64) -> String {
    let p = (x * 100.0 * 1e9).round() / 1e9;
    format!("{p}%")
}

/// The `slos:` section.
pub fn yaml(slos: &[SloOut]) -> String {
    let mut s = String::from("slos:\n");
    for o in slos {
        comment(
            &mut s,
            2,
            "Recognised from the rules forge-spec wrote for it.",
        );
        s.push_str(&format!(
            "  {}:\n    objective: {}\n    window: {}\n    sli: {}\n",
            q(&o.name),
            percent(o.objective),
            o.days,
            o.sli
        ));
        if !o.group_by.is_empty() {
            s.push_str(&format!(
                "    group_by: {}\n",
                flow_list(o.group_by.iter().map(String::as_str))
            ));
        }
        if let Some(n) = o.min_events {
            s.push_str(&format!("    min_events: {n}\n"));
        }
        let mut alerting = Vec::new();
        if o.alert_prefix != camel(&o.name) {
            alerting.push(format!("name: {}", q(&o.alert_prefix)));
        }
        if o.page != "critical" {
            alerting.push(format!("page: {}", q(&o.page)));
        }
        if o.ticket != "warning" {
            alerting.push(format!("ticket: {}", q(&o.ticket)));
        }
        if let Some(r) = &o.runbook {
            alerting.push(format!("runbook: {}", q(r)));
        }
        if !o.alert_labels.is_empty() {
            alerting.push(format!(
                "labels: {}",
                flow_map(o.alert_labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            ));
        }
        if !o.windows.is_empty() {
            let w: Vec<String> = o
                .windows
                .iter()
                .map(|(u, l, sh, f)| {
                    format!("{{urgency: {u}, long: {l}, short: {sh}, factor: {f}}}")
                })
                .collect();
            alerting.push(format!("windows: [{}]", w.join(", ")));
        }
        if !alerting.is_empty() {
            s.push_str(&format!("    alerting: {{{}}}\n", alerting.join(", ")));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::indicator;

    /// Each latency SLO's bound is read from its own metric's selector (two SLOs of two
    /// histograms in one file), and the other indicators forge-spec writes are read.
    #[test]
    fn indicators_forge_spec_writes() {
        for (m, le, below) in [("a_seconds", "0.5", "500ms"), ("b_seconds", "2", "2s")] {
            let err = format!(
                "(sum(rate({m}_count[5m])) - (sum(rate({m}_bucket{{le=\"{le}\"}}[5m])) or 0 * sum(rate({m}_count[5m]))))"
            );
            let total = format!("sum(rate({m}_count[5m]))");
            let (sli, _) = indicator(&err, &total).expect("a latency indicator");
            assert_eq!(sli, format!("{{latency: {{metric: {m}, below: {below}}}}}"));
        }
        let (sli, by) = indicator(
            "(sum by (route) (rate(x_total{code=\"5xx\"}[5m])) or 0 * sum by (route) (rate(x_total[5m])))",
            "sum by (route) (rate(x_total[5m]))",
        )
        .expect("an events indicator");
        assert_eq!(sli, "{errors: 'x_total{code=\"5xx\"}', total: x_total}");
        assert_eq!(by, ["route"]);
        let (sli, _) = indicator(
            "sum(1 - avg_over_time(up{job=\"api\"}[5m]))",
            "count(up{job=\"api\"})",
        )
        .expect("uptime");
        assert_eq!(sli, "{uptime: api}");
        assert!(indicator("vector(1)", "vector(1)").is_none());
    }
}
