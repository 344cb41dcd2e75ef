//! The rule catalogue: unique codes and names, documentation shape, and each rule's
//! doc example (fires exactly once) and fixed example (never fires).

use forge_spec::rules;

fn yaml_blocks(doc: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for line in doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        match (&mut cur, line.trim_end()) {
            (None, "```yaml") => cur = Some(String::new()),
            (Some(_), "```") => blocks.push(cur.take().unwrap()),
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// Codes and names are unique, and codes are a family letter and three digits.
#[test]
fn codes_and_names_are_unique() {
    let all = rules::all_codes();
    let mut codes: Vec<&str> = all.iter().map(|c| c.code).collect();
    let mut names: Vec<&str> = all.iter().map(|c| c.name).collect();
    codes.sort_unstable();
    names.sort_unstable();
    let n = codes.len();
    codes.dedup();
    names.dedup();
    assert_eq!(codes.len(), n, "duplicate code");
    assert_eq!(names.len(), n, "duplicate name");
    for c in all {
        let b = c.code.as_bytes();
        assert!(
            b.len() == 4
                && b"PXNMSARLDGOKICV".contains(&b[0])
                && b[1..].iter().all(u8::is_ascii_digit),
            "{}",
            c.code
        );
        assert!(
            c.name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
            "{}",
            c.name
        );
    }
}

/// The whole code list, for review when a code is added (never reuse a retired code).
#[test]
fn code_list_snapshot() {
    let list: String = rules::all_codes()
        .iter()
        .map(|c| format!("{} {} {}\n", c.code, c.name, c.severity))
        .collect();
    insta::assert_snapshot!(list);
}

/// Every rule documents what it does, why, an example and the fix.
#[test]
fn docs_have_every_section() {
    for c in rules::all_codes() {
        for h in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
        ] {
            assert!(c.doc.contains(h), "{} lacks `{h}`", c.code);
        }
        assert_eq!(
            yaml_blocks(c.doc).len(),
            2,
            "{} needs an example and a fixed example",
            c.code
        );
    }
}

/// The files of a doc example: one `example.yaml`, or (an organisation's) the files
/// after each `# file: PATH` line.
fn example_files(text: &str) -> Vec<(&str, &str)> {
    if !text.starts_with("# file: ") {
        return vec![("example.yaml", text)];
    }
    text.split("# file: ")
        .filter(|part| !part.is_empty())
        .filter_map(|part| part.split_once('\n'))
        .map(|(name, body)| (name.trim(), body))
        .collect()
}

/// Each rule's doc example fires exactly once, and its fixed example never.
#[test]
fn doc_examples_fire_exactly_once() {
    for c in rules::all_codes() {
        let blocks = yaml_blocks(c.doc);
        let (bad, good) = (&blocks[0], &blocks[1]);
        // The C codes compare two specs (`forge-spec diff`, tests/it/diff.rs), the V codes a
        // spec with a running service (`forge-spec live-check`, tests/it/live.rs): one spec
        // does not fire them; their examples still compile.
        if c.code.starts_with('C') || c.code.starts_with('V') {
            for spec in [bad, good] {
                let done = forge_spec::compile_str(&example_files(spec), &Default::default());
                assert!(
                    !done.diagnostics.has_errors(),
                    "{}: an example does not compile",
                    c.code
                );
            }
            continue;
        }
        if bad == good {
            // P008 (unreadable-file) cannot be shown in YAML: the file is never read;
            // L006 (secret-in-output) fires on generated files, not on a spec; the I
            // codes on another tool's files (`forge-spec import`, tests/it/import.rs).
            assert!(
                ["P008", "L006"].contains(&c.code) || c.code.starts_with('I'),
                "{}",
                c.code
            );
            continue;
        }
        let opts = forge_spec::Options {
            only: Some(c.code.to_string()),
            ..Default::default()
        };
        // Compiled and emitted: some rules (K002) are checked on the output.
        let count = |text: &str| {
            let mut done = forge_spec::compile_str(&example_files(text), &opts);
            forge_spec::emit_checked(&mut done).expect("the example's output serialises");
            done.diagnostics
                .items
                .iter()
                .filter(|d| d.code.code == c.code)
                .count()
        };
        assert_eq!(
            count(bad),
            1,
            "{} ({}): the example must fire exactly once:\n{bad}",
            c.code,
            c.name
        );
        assert_eq!(
            count(good),
            0,
            "{} ({}): the fixed example must not fire:\n{good}",
            c.code,
            c.name
        );
    }
}

/// N009 judges a record's name by its own text: three parts of letters, digits and
/// `_`; a part may start with a digit (Loki's
/// `cluster_job:loki_request_duration_seconds:99quantile`), the name may not.
#[test]
fn record_names_that_prometheus_reads() {
    let n009 = |name: &str| {
        let spec = format!(
            "service: {{name: shop}}\ntargets: {{web: {{address: \"web:80\"}}}}\nmetrics:\n  http_request_duration_seconds: {{type: histogram, unit: seconds, help: Latency., buckets: [0.1, 1]}}\nrecords:\n  \"{name}\":\n    query: histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket)))\n"
        );
        let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
        c.diagnostics
            .items
            .iter()
            .filter(|d| d.code.code == "N009")
            .count()
    };
    for ok in [
        "cluster_job:loki_request_duration_seconds:99quantile",
        "job:http_request_duration_seconds:p99",
        "job:2xx_requests:rate5m",
    ] {
        assert_eq!(n009(ok), 0, "{ok}");
    }
    for bad in ["9job:x:y", "job::y", "job:x", "job:x-y:z", "a:b:c:d"] {
        assert_eq!(n009(bad), 1, "{bad}");
    }
}

/// The naming rules judge the team's own metrics: each one's doc example, with its
/// metrics marked as a third party's (`provided_by:` an exporter), no longer fires —
/// while the validity rules (M011 invalid name, M012 reserved label, M014 buckets) still
/// apply to every metric.
#[test]
fn naming_rules_judge_the_teams_own_metrics() {
    let naming = [
        "M001", "M002", "M003", "M004", "M005", "M006", "M007", "M008", "M010", "M013",
    ];
    for code in naming {
        let c = rules::find(code).expect("a rule");
        let bad = yaml_blocks(c.doc)[0].clone();
        let fires = |text: &str| {
            let comp = forge_spec::compile_str(&[("spec.yaml", text)], &Default::default());
            comp.diagnostics.items.iter().any(|d| d.code.code == code)
        };
        assert!(fires(&bad), "{code}'s example fires");
        let mut in_metrics = false;
        let third_party: String = bad
            .lines()
            .map(|l| {
                if !l.starts_with(' ') {
                    in_metrics = l.starts_with("metrics:");
                }
                if in_metrics && l.starts_with("  ") && l.contains(": {") {
                    format!(
                        "{}\n",
                        l.replacen(": {", ": {provided_by: an-exporter, ", 1)
                    )
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        assert_ne!(third_party, bad, "{code}: a metric was marked");
        assert!(
            !fires(&third_party),
            "{code} judged a third party's metric:\n{third_party}"
        );
    }
    // A name Prometheus refuses is refused whoever exports it.
    let spec = "service: {name: shop}\ntargets: {web: {address: \"web:80\"}}\nmetrics:\n  \"shop-orders_total\": {type: counter, help: Orders., provided_by: an-exporter}\n";
    let comp = forge_spec::compile_str(&[("spec.yaml", spec)], &Default::default());
    assert!(comp.diagnostics.items.iter().any(|d| d.code.code == "M011"));
}

/// R006: two inhibit rules silence each other only through alerts — an alert of the spec
/// that is one rule's source and the other's target, and one the other way round.
/// awesome-prometheus-alerts' configuration (critical silences warning; `NodeDown`
/// silences `job="node"`) is no cycle without a critical `job="node"` alert and a
/// `NodeDown` warning; with them, it is one.
#[test]
fn inhibit_cycles_need_alerts_on_both_crossings() {
    let r006 = |alerts: &str| {
        let spec = format!(
            "service: {{name: shop}}\ntargets: {{node: {{address: \"node:9100\"}}}}\n{alerts}receivers:\n  team: {{email: {{to: team@example.com, from: am@example.com, smarthost: \"smtp.example.com:587\"}}}}\nrouting:\n  receiver: team\n  inhibit:\n    - {{source_matchers: ['severity=\"critical\"'], target_matchers: ['severity=\"warning\"'], equal: [alertname, instance]}}\n    - {{source_matchers: ['alertname=\"NodeDown\"'], target_matchers: ['job=\"node\"'], equal: [instance]}}\n"
        );
        let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
        c.diagnostics
            .items
            .iter()
            .filter(|d| d.code.code == "R006")
            .count()
    };
    assert_eq!(r006(""), 0, "no alert, nothing to silence");
    let some = "alerts:\n  NodeHot: {severity: warning, condition: up(node) == 0 for 5m, summary: Hot., runbook: r.md}\n  NodeGone: {severity: critical, condition: up(node) == 0 for 1m, summary: Gone., runbook: r.md}\n";
    assert_eq!(r006(some), 0, "no alert on the crossings");
    let crossing = "alerts:\n  NodeDown: {severity: warning, condition: up(node) == 0 for 5m, summary: Down., runbook: r.md}\n  NodeGone: {severity: critical, condition: up(node) == 0 for 1m, summary: Gone., runbook: r.md, labels: {job: node}}\n";
    assert_eq!(
        r006(crossing),
        1,
        "NodeDown (warning) and a critical job=node alert"
    );
}

/// S012: an SLO whose page (or ticket) can never fire — every pair waits for an error
/// ratio above 100%, or reads a rate over less than two scrapes — is refused with the
/// arithmetic; one pair that can fire is enough.
#[test]
fn slos_that_can_never_page() {
    let s012 = |objective: &str, windows: &str| -> Vec<String> {
        let spec = format!(
            "service: {{name: shop, metric_prefix: shop_}}\ntargets: {{web: {{address: \"web:80\"}}}}\nmetrics:\n  shop_requests_total: {{type: counter, help: Requests., labels: {{code: {{values: [\"2xx\", \"5xx\"]}}}}}}\nslos:\n  availability:\n    objective: {objective}\n    sli: {{errors: 'shop_requests_total{{code=\"5xx\"}}', total: shop_requests_total}}\n    alerting:\n      runbook: r.md\n      windows:\n{windows}"
        );
        let c = forge_spec::compile_str(&[("spec.yaml", &spec)], &Default::default());
        c.diagnostics
            .items
            .iter()
            .filter(|d| d.code.code == "S012")
            .map(|d| d.message.clone())
            .collect()
    };
    let ticket = "        - {urgency: ticket, long: 3d, short: 6h, factor: 1}\n";
    let fast = "        - {urgency: page, long: 1h, short: 5m, factor: 14.4}\n";
    let slow = "        - {urgency: page, long: 6h, short: 30m, factor: 6}\n";
    // 14.4 × 10% = 144%: the page can never fire.
    let got = s012("90%", &format!("{fast}{ticket}"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("can never page") && got[0].contains("14.4 × 10% = 144%"),
        "{got:?}"
    );
    // With a second page pair at 6 × 10% = 60%, it can.
    assert!(s012("90%", &format!("{fast}{slow}{ticket}")).is_empty());
    // The workbook's policy at 99.9% fires.
    assert!(s012("99.9%", &format!("{fast}{slow}{ticket}")).is_empty());
    // A short window of less than two scrapes (the default interval is 15s).
    let one_scrape = "        - {urgency: page, long: 1h, short: 10s, factor: 14.4}\n";
    let got = s012("99.9%", &format!("{one_scrape}{ticket}"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("sees at most one scrape"), "{got:?}");
    // A ticket at 20 × 10%: the ticket can never fire.
    let got = s012(
        "90%",
        &format!("{slow}        - {{urgency: ticket, long: 3d, short: 6h, factor: 20}}\n"),
    );
    assert!(
        got.iter().any(|m| m.contains("never open a ticket")),
        "{got:?}"
    );
}
