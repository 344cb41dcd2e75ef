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
    for (alert, level) in [
        ("MyServiceHighErrorRateErrorBudgetFastBurn", "page"),
        ("MyServiceHighErrorRateErrorBudgetSlowBurn", "ticket"),
    ] {
        let r = all.iter().find(|r| r["alert"] == alert).unwrap();
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

/// Calendar windows cannot be expressed in Prometheus rules: a clear diagnostic naming
/// the rolling window of the same length; rolling windows in weeks are fine.
#[test]
fn calendar_windows_are_refused_plainly() {
    for (window, rolling) in [
        ("month", "30d"),
        ("calendar_week", "7d"),
        ("quarterly", "90d"),
    ] {
        let spec = format!(
            "{HEAD}slos:\n  up: {{objective: 99.9%, window: {window}, sli: {{uptime: shop}}, alerting: {{runbook: r.md}}}}\n"
        );
        let mut c = compile_str(&[("spec.yaml", &spec)], &Options::default());
        let d = c
            .diagnostics
            .items
            .iter()
            .find(|d| d.code.code == "P009")
            .expect(window);
        assert!(d.message.contains("calendar window"), "{}", d.message);
        assert!(
            d.help.as_deref().unwrap().contains(&format!("`{rolling}`")),
            "{:?}",
            d.help
        );
        assert!(forge_spec::emit_checked(&mut c).is_ok());
    }
    let spec = format!(
        "{HEAD}slos:\n  up: {{objective: 99.9%, window: 4w, sli: {{uptime: shop}}, alerting: {{runbook: r.md}}}}\n"
    );
    let (codes, _) = build(&spec);
    assert!(codes.iter().all(|c| !c.starts_with("P009")), "{codes:?}");
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
