//! SLOs as SRE teams run them (issue 20): budgets from counts, the low-traffic guard,
//! grouped SLOs, absent-data alerts. The generated promtool tests of each behaviour run
//! in `ci/oracles` and `tests/it/real_tools.rs`; here, what the rules are made of, and a
//! property test through promtool: for random event streams with idle stretches, the
//! period budget the rules record equals errors over events counted from the streams.

use crate::common;
use common::promtool;
use forge_spec::{Options, compile_str};
use std::collections::BTreeMap;
use std::process::Command;

fn build(spec: &str) -> (Vec<String>, BTreeMap<String, String>) {
    let mut c = compile_str(&[("spec.yaml", spec)], &Options::default());
    let codes: Vec<String> = c
        .diagnostics
        .items
        .iter()
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect();
    let files = forge_spec::emit_checked(&mut c)
        .unwrap()
        .map(|o| {
            o.files
                .into_iter()
                .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
                .collect()
        })
        .unwrap_or_default();
    (codes, files)
}

const HEAD: &str = "service: {name: shop, metric_prefix: shop_}\ntargets:\n  shop: {address: \"shop:80\", uses: [own, process]}\n  db: {probe: {url: \"http://db:5432/\"}}\n";

/// An absent-data alert for each metric of the spec an SLO or an alert reads, a target
/// at a time; none for a metric opted out (with a reason), a catalogue's metric, or a
/// metric nothing reads.
#[test]
fn absent_data_alerts() {
    let spec = format!(
        "{HEAD}metrics:\n  shop_requests_total: {{type: counter, help: Requests., labels: {{code: {{values: [\"2xx\", \"5xx\"]}}}}}}\n  shop_queue_jobs: {{type: gauge, help: Jobs queued.}}\n  shop_retries_total:\n    type: counter\n    help: Retries.\n    absent: {{alert: false, reason: created on the first retry}}\n  shop_unused_total: {{type: counter, help: Read by nothing.}}\nslos:\n  errors: {{objective: 99%, sli: {{errors: 'shop_requests_total{{code=\"5xx\"}}', total: shop_requests_total}}, alerting: {{runbook: r.md}}}}\nalerts:\n  QueueLong: {{severity: warning, condition: shop_queue_jobs > 100 for 5m, summary: The queue is long., runbook: r.md}}\n  Retrying: {{severity: warning, condition: rate(shop_retries_total) > 1 for 5m, summary: Many retries., runbook: r.md}}\n  Memory: {{severity: warning, condition: 'process_resident_memory_bytes{{job=\"shop\"}} > 1GB for 5m', summary: Much memory., runbook: r.md}}\nrouting: {{receiver: hook, routes: [{{match: {{severity: warning}}, receiver: hook}}]}}\nreceivers: {{hook: {{webhook: {{url: \"http://hook.example.com/\"}}}}}}\n"
    );
    let (codes, files) = build(&spec);
    assert!(
        codes
            .iter()
            .all(|c| !c.starts_with('P') && !c.starts_with('N')),
        "{codes:?}"
    );
    let rules = &files["prometheus/shop.rules.yml"];
    let absent: Vec<&str> = rules
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- alert: "))
        .filter(|a| a.ends_with("Absent"))
        .collect();
    assert_eq!(absent, ["ShopQueueJobsAbsent", "ShopRequestsTotalAbsent"]);
    assert!(
        rules.contains(
            r#"absent(shop_requests_total{job="shop"}) and on (job) up{job="shop"} == 1"#
        ),
        "{rules}"
    );
    // The opt-out needs its reason.
    let no_reason = spec.replace(
        "absent: {alert: false, reason: created on the first retry}",
        "absent: {alert: false}",
    );
    let (codes, _) = build(&no_reason);
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("P005") && c.contains("reason")),
        "{codes:?}"
    );
}

/// The period's ratio is the sums' of errors and events per 5 minutes; burn windows'
/// ratios are rates over the window itself and have no sample without events; a
/// missing error series counts as zero.
#[test]
fn budgets_from_counts() {
    let spec = format!(
        "{HEAD}metrics:\n  shop_requests_total: {{type: counter, help: Requests., labels: {{code: {{values: [\"2xx\", \"5xx\"]}}, handler: {{max_values: 10}}}}}}\nslos:\n  errors: {{objective: 99%, group_by: [handler], min_events: 25, sli: {{errors: 'shop_requests_total{{code=\"5xx\"}}', total: shop_requests_total}}, alerting: {{runbook: r.md}}}}\n"
    );
    let (codes, files) = build(&spec);
    assert!(codes.iter().all(|c| !c.contains("error")), "{codes:?}");
    let rules = &files["prometheus/shop.rules.yml"];
    let expr = |record: &str| {
        let at = rules
            .find(&format!("record: '{record}'"))
            .unwrap_or_else(|| panic!("{record}"));
        rules[at..].lines().nth(1).unwrap().trim().to_string()
    };
    assert_eq!(
        expr("slo:sli_error:rate5m"),
        r#"expr: '(sum by (handler)(rate(shop_requests_total{code="5xx"}[5m])) or 0 * sum by (handler)(rate(shop_requests_total[5m])))'"#
    );
    // A burn window's ratio from rates over the window itself: it sees exactly its hour.
    assert_eq!(
        expr("slo:sli_error:ratio_rate1h"),
        r#"expr: '(sum by (handler)(rate(shop_requests_total{code="5xx"}[1h])) or 0 * sum by (handler)(rate(shop_requests_total[1h]))) / (sum by (handler)(rate(shop_requests_total[1h])) > 0)'"#
    );
    // The period's from the 5-minute counts: never NaN after an idle window.
    assert!(expr("slo:sli_error:ratio_rate30d").starts_with(r#"expr: 'sum_over_time(slo:sli_error:rate5m{slo="errors", service="shop"}[30d]) / (sum_over_time(slo:sli_total:rate5m"#));
    // The guard, per group: the events of the long window.
    assert!(
        rules.contains(
            "and on (handler) (sum by (handler)(increase(shop_requests_total[1h])) >= 25))"
        ),
        "{rules}"
    );
    // A group label the indicator lacks.
    let (codes, _) = build(&spec.replace("group_by: [handler]", "group_by: [route]"));
    assert!(codes.iter().any(|c| c.starts_with("S010")), "{codes:?}");
}

/// The default guard: an event SLO has one, an uptime SLO none; `min_events: 0` turns
/// it off.
#[test]
fn low_traffic_guard_defaults() {
    let spec = format!(
        "{HEAD}metrics:\n  shop_jobs_total: {{type: counter, help: Jobs.}}\n  shop_jobs_failed_total: {{type: counter, help: Failed jobs.}}\nslos:\n  jobs: {{objective: 99.9%, sli: {{errors: shop_jobs_failed_total, total: shop_jobs_total}}, alerting: {{runbook: r.md}}}}\n  up: {{objective: 99.9%, sli: {{uptime: shop}}, alerting: {{runbook: r.md}}}}\n"
    );
    let (_, files) = build(&spec);
    let rules = &files["prometheus/shop.rules.yml"];
    assert!(
        rules.contains("and on () (sum(increase(shop_jobs_total[1h])) >= 70))"),
        "{rules}"
    );
    assert!(!rules.contains("increase(up"));
    let (_, files) = build(&spec.replace(
        "objective: 99.9%, sli: {errors",
        "objective: 99.9%, min_events: 0, sli: {errors",
    ));
    assert!(!files["prometheus/shop.rules.yml"].contains("increase("));
}

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// For random event streams — bursts, idle stretches, errors anywhere from none to all —
/// the period budget the rules record (`slo:period_error_budget_remaining:ratio`)
/// equals 1 − (errors ÷ events) ÷ budget counted from the streams, checked by promtool.
/// (The streams start and end idle for five minutes, so that every event is inside as
/// many 5-minute windows as any other.)
#[test]
fn period_budget_equals_errors_over_events() {
    if !promtool() {
        return;
    }
    let spec = "service: {name: shop, metric_prefix: shop_}\ntargets: {shop: {address: \"shop:80\"}}\nmetrics:\n  shop_requests_total: {type: counter, help: Requests., labels: {code: {values: [\"2xx\", \"5xx\"]}}}\nslos:\n  errors: {objective: 95%, sli: {errors: 'shop_requests_total{code=\"5xx\"}', total: shop_requests_total}, alerting: {runbook: r.md}}\n";
    let (codes, files) = build(spec);
    assert!(codes.iter().all(|c| !c.contains("error")), "{codes:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("shop.rules.yml"),
        &files["prometheus/shop.rules.yml"],
    )
    .unwrap();
    let mut tests = String::from("rule_files: [shop.rules.yml]\nevaluation_interval: 1m\ntests:\n");
    let mut rng = Rng(0x5eed_1234_abcd);
    for case in 0..16 {
        let minutes = 60 + rng.next(120);
        let (mut ok, mut bad) = (1000u64, 1000u64);
        let (mut ok_values, mut bad_values) = (vec![ok], vec![bad]);
        let (mut events, mut errors) = (0u64, 0u64);
        let mut idle = 0;
        for minute in 1..=minutes {
            let edge = minute <= 5 || minute + 6 > minutes;
            if idle == 0 && rng.next(10) == 0 {
                idle = 1 + rng.next(30);
            }
            if !edge && idle == 0 {
                let n = rng.next(30);
                let e = match case % 4 {
                    0 => 0,
                    1 => n,
                    _ => rng.next(n + 1) / (1 + rng.next(4)),
                };
                ok += n - e;
                bad += e;
                events += n;
                errors += e;
            }
            idle = idle.saturating_sub(1);
            ok_values.push(ok);
            bad_values.push(bad);
        }
        if events == 0 {
            continue;
        }
        let want = 1.0 - (errors as f64 / events as f64) / 0.05;
        let join = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(" ");
        tests.push_str(&format!(
            "- name: 'case {case}: {errors} errors of {events} events over {minutes} minutes'\n  interval: 1m\n  input_series:\n  - series: 'shop_requests_total{{code=\"2xx\"}}'\n    values: '{}'\n  - series: 'shop_requests_total{{code=\"5xx\"}}'\n    values: '{}'\n  promql_expr_test:\n  - expr: 'abs(slo:period_error_budget_remaining:ratio - ({want:.17})) < bool 0.000000001'\n    eval_time: {minutes}m\n    exp_samples:\n    - labels: '{{service=\"shop\", slo=\"errors\"}}'\n      value: 1\n",
            join(&ok_values),
            join(&bad_values)
        ));
    }
    std::fs::write(dir.path().join("shop.rules.test.yml"), &tests).unwrap();
    let out = Command::new("promtool")
        .args(["test", "rules", "shop.rules.test.yml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A custom burn-rate policy is checked: short < long ≤ period, factor > 0, the page
/// faster than the ticket; the service's policy applies to SLOs without their own.
#[test]
fn burn_policies_are_checked() {
    let spec = |windows: &str| {
        format!(
            "{HEAD}slos:\n  up: {{objective: 99.9%, window: 7d, sli: {{uptime: shop}}, alerting: {{runbook: r.md, windows: [{windows}]}}}}\n"
        )
    };
    let s011 = |windows: &str| {
        build(&spec(windows))
            .0
            .into_iter()
            .filter(|c| c.starts_with("S011"))
            .collect::<Vec<_>>()
    };
    let page = "{urgency: page, long: 1h, short: 5m, factor: 14.4}";
    let ticket = "{urgency: ticket, long: 1d, short: 2h, factor: 2}";
    assert!(s011(&format!("{page}, {ticket}")).is_empty());
    for (bad, why) in [
        (
            "{urgency: page, long: 1h, short: 1h, factor: 14.4}",
            "not shorter",
        ),
        (
            "{urgency: page, long: 8d, short: 1h, factor: 14.4}",
            "longer than the SLO's period",
        ),
        (
            "{urgency: page, long: 1h, short: 5m, factor: 0}",
            "not positive",
        ),
        (
            "{urgency: page, long: 1h, short: 5m, factor: 1.5}",
            "no faster than its ticket",
        ),
    ] {
        let found = s011(&format!("{bad}, {ticket}"));
        assert_eq!(found.len(), 1, "{bad}: {found:?}");
        assert!(found[0].contains(why), "{bad}: {found:?}");
    }
    let (codes, _) = build(&spec("{urgency: pager, long: 1h, short: 5m, factor: 14.4}"));
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("P009") && c.contains("pager")),
        "{codes:?}"
    );
    // The service's policy, for an SLO without its own.
    let service = format!(
        "{HEAD}defaults:\n  burn_windows: [{{urgency: page, long: 2h, short: 10m, factor: 10}}, {{urgency: ticket, long: 1d, short: 2h, factor: 2}}]\nslos:\n  up: {{objective: 99%, sli: {{uptime: shop}}, alerting: {{runbook: r.md}}}}\n"
    );
    let (_, files) = build(&service);
    let rules = &files["prometheus/shop.rules.yml"];
    assert!(rules.contains(r#"slo:sli_error:ratio_rate10m{slo="up", service="shop"} > 0.1 and slo:sli_error:ratio_rate2h{slo="up", service="shop"} > 0.1)"#), "{rules}");
    assert!(!rules.contains("ratio_rate1h{slo=\"up\", service=\"shop\"} > 0.144"));
}

/// `compat: sloth`: the series and labels of Sloth's naming for the same SLO, as
/// Sloth's documentation shows them (`slo:sli_error:ratio_rate<window>` with
/// `sloth_id`, `sloth_service`, `sloth_slo`, `sloth_window`; 28 days named `4w`; the
/// metadata rules with the three ids; `sloth_slo_info`; `sloth_severity` on alerts).
#[test]
fn sloth_compatible_names_and_labels() {
    let spec = std::fs::read_to_string("tests/fixtures/emit/sloth_compat.yaml").unwrap();
    let (codes, files) = build(&spec);
    assert!(codes.is_empty(), "{codes:?}");
    let rules: serde_json::Value =
        serde_saphyr::from_str(&files["prometheus/myservice.rules.yml"]).unwrap();
    let all: Vec<&serde_json::Value> = rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .collect();
    // Sloth's group names (`sloth-slo-<kind>-<id>`), with no interval of their own.
    let groups: Vec<&str> = rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["interval"].is_null())
        .filter_map(|g| g["name"].as_str())
        .filter(|n| n.starts_with("sloth-"))
        .collect();
    assert_eq!(
        groups,
        [
            "sloth-slo-sli-recordings-myservice-requests-availability",
            "sloth-slo-meta-recordings-myservice-requests-availability",
            "sloth-slo-alerts-myservice-requests-availability"
        ]
    );
    let labels = |record: &str| -> BTreeMap<String, String> {
        let r = all
            .iter()
            .find(|r| r["record"] == record)
            .unwrap_or_else(|| panic!("{record}"));
        serde_json::from_value(r["labels"].clone()).unwrap()
    };
    let ids = |window: Option<&str>| {
        let mut l: BTreeMap<String, String> = [
            ("sloth_id", "myservice-requests-availability"),
            ("sloth_service", "myservice"),
            ("sloth_slo", "requests-availability"),
            ("owner", "myteam"),
            ("tier", "2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        if let Some(w) = window {
            l.insert("sloth_window".into(), w.into());
        }
        l
    };
    for w in ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "4w"] {
        assert_eq!(
            labels(&format!("slo:sli_error:ratio_rate{w}")),
            ids(Some(w)),
            "{w}"
        );
    }
    for record in [
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:time_period:days",
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
    ] {
        assert_eq!(labels(record), ids(None), "{record}");
    }
    let info = labels("sloth_slo_info");
    assert_eq!(info["sloth_objective"], "99.9");
    assert_eq!(info["sloth_id"], "myservice-requests-availability");
    assert!(
        !all.iter()
            .any(|r| r["labels"]["slo"].is_string() && r["record"].is_string()),
        "no `slo` label in Sloth's mode"
    );
    // Sloth's alert names: one name, the page and the ticket told apart by
    // `sloth_severity` (and by nothing else a route could not match).
    let alerts: Vec<_> = all
        .iter()
        .filter(|r| r["alert"].is_string() && r["labels"]["sloth_severity"].is_string())
        .collect();
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    for (r, level) in alerts.iter().zip(["page", "ticket"]) {
        let alert = "MyServiceHighErrorRate";
        assert_eq!(r["alert"], alert);
        assert_eq!(r["labels"]["sloth_severity"], level);
        assert_eq!(r["labels"]["category"], "availability");
        assert!(
            r["expr"]
                .as_str()
                .unwrap()
                .contains("max without (sloth_window) (slo:sli_error:ratio_rate"),
            "{alert}"
        );
    }
    assert_eq!(
        all.iter()
            .filter(|r| r["record"] == "slo:sli_error:ratio_rate28d")
            .count(),
        0
    );
}

/// The calendar SLOs of the calendar tests: a week two hours east of UTC, a month in
/// UTC and five hours west, a grouped month, a quarter in UTC (an uptime indicator) and
/// five and a half hours east.
const CALENDAR: &str = "metrics:\n  shop_requests_total: {type: counter, help: Requests., labels: {code: {values: [\"200\", \"500\"]}, route: {values: [/a, /b]}}}\nslos:\n  weekly: {objective: 99%, window: calendar_week, utc_offset: \"+02:00\", sli: {errors: 'shop_requests_total{code=\"500\"}', total: shop_requests_total}, alerting: {runbook: https://r/x}}\n  monthly: {objective: 99.9%, window: calendar_month, sli: {errors: 'shop_requests_total{code=\"500\"}', total: shop_requests_total}, alerting: {runbook: https://r/x}}\n  monthly_west: {objective: 99%, window: monthly, utc_offset: \"-05:00\", sli: {errors: 'shop_requests_total{code=\"500\"}', total: shop_requests_total}, alerting: {runbook: https://r/x}}\n  by_route: {objective: 99%, window: calendar_month, group_by: [route], sli: {errors: 'shop_requests_total{code=\"500\"}', total: shop_requests_total}, alerting: {runbook: https://r/x}}\n  quarterly: {objective: 99.5%, window: calendar_quarter, sli: {uptime: shop}, alerting: {runbook: https://r/x}}\n  quarterly_east: {objective: 99.5%, window: calendar_quarter, utc_offset: \"+05:30\", sli: {uptime: shop}, alerting: {runbook: https://r/x}}\n";

/// Calendar budgets (issue 35): each calendar SLO records its period's start and the
/// error ratio of the period so far (never the rolling period's), and gets a test file
/// of its own whose rules are its groups exactly as the deployed file has them; promtool
/// runs each: one evaluation before the period begins the ratio carries the period's
/// errors, at its first instant the ratio is zero — in UTC and in each offset.
#[test]
fn calendar_budgets_start_over_when_their_period_begins() {
    let (codes, files) = build(&format!("{HEAD}{CALENDAR}"));
    assert!(codes.iter().all(|c| !c.contains("error")), "{codes:?}");
    let deployed = &files["prometheus/shop.rules.yml"];
    let records: Vec<&str> = deployed
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- record: "))
        .collect();
    for (slo, unit) in [
        ("weekly", "week"),
        ("monthly", "month"),
        ("monthly_west", "month"),
        ("by_route", "month"),
        ("quarterly", "quarter"),
        ("quarterly_east", "quarter"),
    ] {
        let rules = &files[&format!("prometheus/tests/shop.{slo}.rules.yml")];
        let tests = &files[&format!("prometheus/tests/shop.{slo}.calendar.test.yml")];
        // The scoped rules are the deployed ones, byte for byte.
        common::assert_scoped_as_deployed(rules, deployed, &format!("shop-slo-{slo}-sli"));
        assert!(
            tests.contains(&format!("calendar {unit} begins")),
            "{tests}"
        );
        assert!(rules.contains(&format!("record: 'slo:sli_error:ratio_calendar_{unit}'")));
    }
    // No rolling period ratio for a calendar SLO: 30d is the nominal month of the burn
    // factors only.
    assert!(
        !records
            .iter()
            .any(|r| r.contains("ratio_rate30d") || r.contains("ratio_rate90d")),
        "{records:?}"
    );
    assert!(deployed.contains("over each calendar week (UTC+02:00)"));
    // The SLO dashboard follows the calendar: its indicator is the period so far.
    let dashboard = &files["grafana/dashboards/shop-slos.json"];
    assert!(dashboard.contains("good events over each calendar week (UTC+02:00)"));
    assert!(dashboard.contains("1 - slo:sli_error:ratio_calendar_week{slo=\\\"weekly\\\""));
    if !promtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tests");
    std::fs::create_dir_all(&out).unwrap();
    for (path, text) in &files {
        if let Some(name) = path.strip_prefix("prometheus/tests/") {
            std::fs::write(out.join(name), text).unwrap();
        }
    }
    for slo in [
        "weekly",
        "monthly",
        "monthly_west",
        "by_route",
        "quarterly",
        "quarterly_east",
    ] {
        common::run_promtool(
            &out,
            &["test", "rules", &format!("shop.{slo}.calendar.test.yml")],
        );
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The recorded period start is right at every start of 1970's first half and the
/// evaluation before it — Mondays, months of 28, 30 and 31 days, quarters — in UTC and in offsets east and west, through
/// promtool evaluating the deployed rules (dates computed here independently).
#[test]
fn calendar_period_starts_hold_for_half_a_year() {
    if !promtool() {
        return;
    }
    let spec = format!(
        "{HEAD}metrics:\n  shop_requests_total: {{type: counter, help: Requests.}}\nslos:\n{}",
        [
            ("w0", "calendar_week", "+00:00"),
            ("w1", "calendar_week", "-09:30"),
            ("m0", "calendar_month", "+00:00"),
            ("m1", "calendar_month", "+14:00"),
            ("m2", "calendar_month", "-05:00"),
            ("q0", "calendar_quarter", "+00:00"),
            ("q1", "calendar_quarter", "+05:45"),
        ]
        .iter()
        .map(|(n, w, o)| format!("  {n}: {{objective: 99%, window: {w}, utc_offset: \"{o}\", sli: {{uptime: shop}}, alerting: {{disabled: true}}}}\n"))
        .collect::<String>()
    );
    let (codes, files) = build(&spec);
    assert!(codes.iter().all(|c| !c.contains("error")), "{codes:?}");
    let rules: serde_json::Value =
        serde_saphyr::from_str(&files["prometheus/shop.rules.yml"]).unwrap();
    let starts: Vec<serde_json::Value> = rules["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap().clone())
        .filter(|r| r["record"].as_str() == Some("slo:calendar_period_start:timestamp"))
        .collect();
    assert_eq!(starts.len(), 7);
    // Each SLO's rule alone, evaluated every quarter hour, half hour or hour (as its
    // offset allows: a quarter of a million evaluations would take a minute), at every
    // period start of 1970's first half (its first quarter by the half hour) and one evaluation before (dates computed here, local
    // midnight shifted by the offset).
    let dir = tempfile::tempdir().unwrap();
    for (i, (slo, unit, offset)) in [
        ("w0", 'w', 0),
        ("w1", 'w', -34_200),
        ("m0", 'm', 0),
        ("m1", 'm', 50_400),
        ("m2", 'm', -18_000),
        ("q0", 'q', 0),
        ("q1", 'q', 20_700),
    ]
    .into_iter()
    .enumerate()
    {
        let step = [3600, 1800, 900]
            .into_iter()
            .find(|s| offset % s == 0)
            .unwrap();
        let local: Vec<i64> = match unit {
            'w' => (0..=53).map(|k| days(1969, 12, 29) + 7 * k).collect(),
            'm' => (0..=12)
                .map(|k| days(1969 + (11 + k) / 12, (11 + k) % 12 + 1, 1))
                .collect(),
            _ => (0..=4)
                .map(|k| days(1969 + (9 + 3 * k) / 12, (9 + 3 * k) % 12 + 1, 1))
                .collect(),
        };
        let utc: Vec<i64> = local.iter().map(|d| d * 86_400 - offset).collect();
        let mut expected = String::new();
        for pair in utc.windows(2) {
            let (prev, start) = (pair[0], pair[1]);
            // Half a year (every month length; two quarter starts), a quarter by the half hour.
            let horizon = if step == 1800 { 91 } else { 182 } * 86_400;
            if start < step || start > horizon {
                continue;
            }
            for (at, want) in [(start - step, prev), (start, start)] {
                expected.push_str(&format!(
                    "  - expr: 'slo:calendar_period_start:timestamp'\n    eval_time: {at}s\n    exp_samples:\n    - labels: 'slo:calendar_period_start:timestamp{{service=\"shop\", slo=\"{slo}\"}}'\n      value: {want}\n"
                ));
            }
        }
        std::fs::write(
            dir.path().join(format!("{slo}.rules.yml")),
            // JSON is YAML.
            serde_json::json!({"groups": [{"name": slo, "rules": [starts[i]]}]}).to_string(),
        )
        .unwrap();
        std::fs::write(
            dir.path().join(format!("{slo}.test.yml")),
            format!("rule_files: [{slo}.rules.yml]\nevaluation_interval: {step}s\ntests:\n- interval: {step}s\n  input_series: []\n  promql_expr_test:\n{expected}"),
        )
        .unwrap();
        common::run_promtool(dir.path(), &["test", "rules", &format!("{slo}.test.yml")]);
    }
}

/// What a calendar period cannot be: a year (longer than burn-rate alerting supports),
/// an offset on a rolling window, an offset that is not one.
#[test]
fn calendar_periods_refused_plainly() {
    for (slo, says) in [
        ("window: calendar_year", "calendar year"),
        ("window: 30d, utc_offset: \"+02:00\"", "rolling window"),
        (
            "window: calendar_month, utc_offset: Europe/Berlin",
            "not an offset",
        ),
        (
            "window: calendar_month, utc_offset: \"+02:10\"",
            "not an offset",
        ),
        (
            "window: calendar_month, utc_offset: \"+15:00\"",
            "not an offset",
        ),
    ] {
        let spec = format!(
            "{HEAD}slos:\n  up: {{objective: 99.9%, {slo}, sli: {{uptime: shop}}, alerting: {{runbook: r.md}}}}\n"
        );
        let (codes, _) = build(&spec);
        assert!(
            codes
                .iter()
                .any(|c| c.starts_with("P009") && c.contains(says)),
            "{slo}: {codes:?}"
        );
    }
    // Rolling windows in weeks stay rolling.
    let spec = format!(
        "{HEAD}slos:\n  up: {{objective: 99.9%, window: 4w, sli: {{uptime: shop}}, alerting: {{runbook: r.md}}}}\n"
    );
    let (codes, files) = build(&spec);
    assert!(codes.iter().all(|c| !c.starts_with("P009")), "{codes:?}");
    assert!(files["prometheus/shop.rules.yml"].contains("slo:sli_error:ratio_rate28d"));
}

/// A timeslice indicator (OpenSLO's): the share of slices in which a condition did not
/// hold. Through promtool: an hour of good minutes, then half an hour of bad ones —
/// the 1h window sees half its slices bad, the period a third.
#[test]
fn timeslice_indicator() {
    if !promtool() {
        return;
    }
    let spec = format!(
        "{HEAD}metrics:\n  shop_queue_jobs: {{type: gauge, help: Jobs queued.}}\nslos:\n  queue: {{objective: 99%, sli: {{timeslice: {{good: 'max(shop_queue_jobs) < 100', slice: 1m}}}}, alerting: {{runbook: r.md}}}}\n"
    );
    let (codes, files) = build(&spec);
    assert!(codes.iter().all(|c| !c.contains("error")), "{codes:?}");
    let rules = &files["prometheus/shop.rules.yml"];
    assert!(
        rules.contains(
            "min_over_time(((count(max(shop_queue_jobs) < 100) or vector(0)) > bool 0)[1m:])"
        ),
        "{rules}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("shop.rules.yml"), rules).unwrap();
    let check = |expr: &str, want: f64| {
        format!(
            "  - expr: 'abs({expr}{{slo=\"queue\"}} - {want}) < bool 0.04'\n    eval_time: 90m\n    exp_samples:\n    - labels: '{{service=\"shop\", slo=\"queue\"}}'\n      value: 1\n"
        )
    };
    let tests = format!(
        "rule_files: [shop.rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series:\n  - series: 'shop_queue_jobs{{job=\"shop\", instance=\"shop:80\"}}'\n    values: '50x60 200x30'\n  promql_expr_test:\n{}{}",
        // The 1h window, from 5-minute counts, spans 65 minutes: 30 of them bad.
        check("slo:sli_error:ratio_rate1h", 30.0 / 65.0),
        check("slo:sli_error:ratio_rate30d", 1.0 / 3.0)
    );
    std::fs::write(dir.path().join("t.yml"), tests).unwrap();
    let out = Command::new("promtool")
        .args(["test", "rules", "t.yml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let cat = forge_spec::compile_str(
        &[("spec.yaml", &spec.replace("< 100'", "< 100 for 5m'"))],
        &Options::default(),
    );
    assert!(
        cat.diagnostics
            .items
            .iter()
            .any(|d| d.code.code == "P009" && d.message.contains("no `for`"))
    );
}

/// Under `compat: sloth` the page and the ticket share Sloth's name and carry Sloth's
/// templated summary and title: the generated tests expect both alerts where both fire
/// and the annotations as promtool renders them (`{{$labels.sloth_service}}` filled in),
/// and pass — the suites and the SLO's own file.
#[test]
fn sloth_compatible_generated_tests_pass() {
    let spec = format!(
        "{HEAD}metrics:\n  shop_requests_total: {{type: counter, help: Requests., labels: {{code: {{values: [\"200\", \"500\"]}}}}}}\nslos:\n  orders:\n    objective: 99%\n    compat: sloth\n    sli: {{errors: 'shop_requests_total{{code=\"500\"}}', total: shop_requests_total}}\n    alerting: {{name: ShopErrors, runbook: https://r/x}}\n"
    );
    let (codes, files) = build(&spec);
    assert!(codes.iter().all(|c| !c.contains("error")), "{codes:?}");
    let suite = &files["prometheus/tests/shop-slos-1-1.test.yml"];
    assert!(
        suite.contains("summary: 'shop orders SLO error budget burn rate is over expected.'"),
        "{suite}"
    );
    assert!(
        !files["prometheus/tests/shop.md"].contains("No generated test for"),
        "{}",
        files["prometheus/tests/shop.md"]
    );
    let dir = tempfile::tempdir().unwrap();
    let ran = common::run_generated_tests(dir.path(), &files);
    assert!(ran >= 2, "the suites and the SLO's own file: {ran}");
}
