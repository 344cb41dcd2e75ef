//! `forge-spec diff`: a baseline and a change for every kind of report (C001–C008),
//! each found by comparing the models — a reroute through the route simulator, not by
//! the routes' text — and the git-revision mode on a temporary repository.

use std::path::Path;
use std::process::Command;

/// A spec without findings: metrics with a closed and an open label, an SLO, alerts
/// (one tied to the SLO), a panel, routes with a routing test, an inhibit rule.
const BASE: &str = r##"service: {name: shop, metric_prefix: shop_}
targets: {shop: {address: "shop:80"}}
metrics:
  shop_orders_total: {type: counter, help: Orders placed., labels: {outcome: {values: [ok, failed, error]}, region: {max_values: 10}}}
  shop_latency_seconds: {type: histogram, unit: seconds, help: Request latency., buckets: [0.1, 0.5, 1]}
slos:
  orders:
    objective: 99%
    sli: {errors: 'shop_orders_total{outcome="failed"}', total: shop_orders_total}
    alerting: {runbook: 'https://runbooks.example.com/orders'}
alerts:
  OrdersFailing: {severity: warning, condition: 'rate(shop_orders_total{outcome="failed"}) > 1 for 5m', summary: Orders fail., runbook: 'https://runbooks.example.com/orders', slo: orders}
  ShopDown: {severity: critical, condition: up(shop) == 0 for 1m, summary: Shop is down., runbook: 'https://runbooks.example.com/shop'}
dashboards:
  shop:
    title: Shop
    panels:
      - {title: Latency, query: 'p95(shop_latency_seconds)'}
routing:
  receiver: chat
  group_by: [alertname, service]
  routes:
    - {match: {severity: critical}, receiver: pager}
    - {match: {severity: warning}, receiver: chat}
  inhibit:
    - {source: {severity: critical}, target: {severity: warning}, equal: [service, slo]}
  tests:
    - {labels: {severity: critical, alertname: ShopDown}, expect: [pager]}
receivers:
  pager: {pagerduty: {routing_key_file: /etc/alertmanager/secrets/pd}}
  chat: {slack: {api_url_file: /etc/alertmanager/secrets/slack, channel: "#alerts"}}
"##;

fn compile(dir: &Path, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("spec.yaml"), text).unwrap();
}

/// The changes from BASE to `changed`: (code, message, breaking), after checking both
/// compile.
fn changes(changed: &str) -> Vec<(String, String, bool)> {
    changes_between(BASE, changed)
}

fn changes_between(baseline: &str, changed: &str) -> Vec<(String, String, bool)> {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    compile(&old, baseline);
    compile(&new, changed);
    let d = forge_spec::diff::diff(old.to_str().unwrap(), std::slice::from_ref(&new))
        .expect("both load");
    let errors: Vec<&str> = d.errors.items.iter().map(|e| e.message.as_str()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    d.changes
        .iter()
        .map(|c| (c.code.code.to_string(), c.message.clone(), c.is_error()))
        .collect()
}

/// Runs git in `repo` (with an author), asserting it succeeds.
fn git_in(repo: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn has(found: &[(String, String, bool)], code: &str, text: &str) -> bool {
    found.iter().any(|(c, m, _)| c == code && m.contains(text))
}

#[test]
fn the_same_spec_has_no_changes() {
    assert!(changes(BASE).is_empty());
}

/// Sloth's page and ticket alerts share one name (`compat: sloth`): each is compared with
/// its own former self, so an unchanged spec reroutes nothing (compared by name alone,
/// the page would be judged against the ticket's receiver).
#[test]
fn one_name_page_and_ticket_each_compare_with_their_own() {
    let sloth = BASE.replace(
        "    alerting: {runbook: 'https://runbooks.example.com/orders'}",
        "    compat: sloth\n    alerting: {name: OrdersBurn, runbook: 'https://runbooks.example.com/orders'}",
    );
    assert_ne!(sloth, BASE);
    assert!(changes_between(&sloth, &sloth).is_empty());
}

/// A removed metric names what read it; a metric under a new name with the same type
/// and labels is a rename; both are breaking.
#[test]
fn removed_and_renamed_metrics() {
    let removed = BASE
        .replace("  shop_latency_seconds: {type: histogram, unit: seconds, help: Request latency., buckets: [0.1, 0.5, 1]}\n", "")
        .replace("      - {title: Latency, query: 'p95(shop_latency_seconds)'}\n", "      - {title: Orders, query: 'rate(shop_orders_total)'}\n");
    let found = changes(&removed);
    assert!(
        has(
            &found,
            "C001",
            "metric `shop_latency_seconds` was removed; it broke panel Latency of dashboard shop and the generated Rust binding"
        ),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .all(|(c, _, breaking)| c != "C001" || *breaking)
    );
    let renamed = BASE
        .replace(
            "shop_latency_seconds: {type: histogram",
            "shop_request_seconds: {type: histogram",
        )
        .replace("p95(shop_latency_seconds)", "p95(shop_request_seconds)");
    let found = changes(&renamed);
    assert!(
        has(
            &found,
            "C001",
            "metric `shop_latency_seconds` was renamed `shop_request_seconds`"
        ),
        "{found:#?}"
    );
}

/// Type and unit changes, a removed label and a narrowed closed set — and the Rust
/// API breaks they are.
#[test]
fn changed_metrics_and_labels() {
    let retyped = BASE.replace("shop_latency_seconds: {type: histogram, unit: seconds, help: Request latency., buckets: [0.1, 0.5, 1]}", "shop_latency_seconds: {type: gauge, unit: seconds, help: Request latency.}")
        .replace("p95(shop_latency_seconds)", "shop_latency_seconds");
    assert!(has(
        &changes(&retyped),
        "C002",
        "changed type histogram → gauge"
    ));
    let narrowed = BASE.replace("values: [ok, failed, error]", "values: [ok, failed]");
    let found = changes(&narrowed);
    assert!(
        has(
            &found,
            "C003",
            "label `outcome` of `shop_orders_total` no longer allows `error`"
        ),
        "{found:#?}"
    );
    assert!(
        has(&found, "C008", "enum variants `error` of label `outcome`"),
        "{found:#?}"
    );
    let unlabelled = BASE.replace(", region: {max_values: 10}", "");
    let found = changes(&unlabelled);
    assert!(
        has(
            &found,
            "C003",
            "label `region` of `shop_orders_total` was removed"
        ),
        "{found:#?}"
    );
    assert!(
        has(&found, "C008", "lose their `region` parameter"),
        "{found:#?}"
    );
}

/// SLO and alert changes are reported with the direction of the change.
#[test]
fn slo_and_alert_changes() {
    let found = changes(&BASE.replace("objective: 99%", "objective: 99.5%"));
    assert!(
        has(&found, "C004", "objective tightened 99% → 99.5%"),
        "{found:#?}"
    );
    let found = changes(&BASE.replace("objective: 99%", "objective: 98%\n    window: 7d"));
    assert!(
        has(&found, "C004", "objective loosened") && has(&found, "C004", "window 30d → 7d"),
        "{found:#?}"
    );
    let found = changes(&BASE.replace(
        "{outcome=\"failed\"}', total",
        "{outcome=~\"failed|error\"}', total",
    ));
    assert!(has(&found, "C004", "indicator"), "{found:#?}");
    let found = changes(&BASE.replace("> 1 for 5m", "> 5 for 15m"));
    assert!(
        has(&found, "C005", "alert `OrdersFailing`: condition")
            && has(&found, "C005", "> 5 for 15m"),
        "{found:#?}"
    );
    let found = changes(&BASE.replace(
        "ShopDown: {severity: critical",
        "ShopDown: {severity: warning",
    ));
    assert!(
        has(&found, "C005", "severity critical → warning"),
        "{found:#?}"
    );
    // The severity change reroutes it too, which the simulator finds.
    assert!(
        has(&found, "C006", "`ShopDown`: pager → chat"),
        "{found:#?}"
    );
    assert!(
        found.iter().all(|(_, _, breaking)| !breaking),
        "not breaking: {found:#?}"
    );
}

/// A route added before the others catches alerts whose own routes did not change:
/// the simulator sees the reroute of each alert, and of the baseline's routing tests.
#[test]
fn reroutes_by_effect() {
    let tested = BASE.replace(
        "  tests:\n",
        "  tests:\n    - {labels: {severity: warning, alertname: OrdersFailing}, expect: [chat]}\n",
    );
    let added = tested
        .replace(
            "  routes:\n    - {match: {severity: critical}, receiver: pager}",
            "  routes:\n    - {match: {severity: warning}, match_re: {alertname: 'Orders.*'}, receiver: pager}\n    - {match: {severity: critical}, receiver: pager}",
        )
        .replace("alertname: OrdersFailing}, expect: [chat]}", "alertname: OrdersFailing}, expect: [pager]}");
    let found = changes_between(&tested, &added);
    assert!(
        has(&found, "C006", "`OrdersFailing`: chat → pager"),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            "C006",
            "routing test {alertname=OrdersFailing, severity=warning}: chat → pager"
        ),
        "{found:#?}"
    );
    assert!(!has(&found, "C006", "`ShopDown`"), "unchanged: {found:#?}");
}

/// An inhibit rule's reach is compared alert by alert.
#[test]
fn inhibition_changes() {
    let found = changes(&BASE.replace("equal: [service, slo]", "equal: [service]"));
    assert!(
        has(
            &found,
            "C007",
            "`OrdersFailing` may now be silenced by `ShopDown`"
        ),
        "{found:#?}"
    );
}

/// `--baseline <git revision>` reads the committed spec with `git show`; the exit code
/// follows `--fail-on`; markdown is a table.
#[test]
fn git_revision_baseline() {
    let bin = env!("CARGO_BIN_EXE_forge-spec");
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    compile(&repo.join("spec"), BASE);
    let git = |args: &[&str]| git_in(repo, args);
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "baseline"]);
    compile(
        &repo.join("spec"),
        &BASE.replace("values: [ok, failed, error]", "values: [ok, failed]"),
    );
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .current_dir(repo)
            .output()
            .unwrap()
    };
    let o = run(&["diff", "--baseline", "HEAD", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a breaking change fails by default"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().any(|l| l.contains("\"C003\"")), "{out}");
    assert!(
        out.contains("HEAD:spec/spec.yaml"),
        "the baseline's place: {out}"
    );
    assert_eq!(
        run(&["diff", "--baseline", "HEAD", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    let md = run(&[
        "diff",
        "--baseline",
        "HEAD",
        "--format",
        "markdown",
        "--fail-on",
        "never",
    ]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("| 🔴 | `C003` label-narrowed |"), "{md}");
    // Without a change, nothing fails even under `--fail-on any`.
    git(&["commit", "-qam", "narrowed"]);
    assert_eq!(
        run(&["diff", "--baseline", "HEAD", "--fail-on", "any"])
            .status
            .code(),
        Some(0)
    );
    let o = run(&["diff", "--baseline", "no-such-revision"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("neither a directory nor a git revision"));
}

/// The git baseline wherever the command runs and whatever the files are called: run
/// from a subdirectory (`svc/`, beside another project's `spec/` at the root) it reads
/// the baseline of the spec it was given, not the root's; a file with a non-ASCII name
/// (`alertes-équipe.yaml`) is part of the baseline; and a baseline with errors (a
/// leaked secret the change removes) does not block the comparison: the change passes.
#[test]
fn git_baselines_from_anywhere() {
    let bin = env!("CARGO_BIN_EXE_forge-spec");
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let git = |args: &[&str]| git_in(repo, args);
    // The root's `spec/` is another service entirely.
    compile(
        &repo.join("spec"),
        &BASE.replace("name: shop,", "name: other,"),
    );
    let svc = repo.join("svc/spec");
    let (head, rest) = BASE.split_at(BASE.find("alerts:\n").unwrap());
    std::fs::create_dir_all(&svc).unwrap();
    std::fs::write(svc.join("spec.yaml"), head).unwrap();
    std::fs::write(svc.join("alertes-équipe.yaml"), rest).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "baseline"]);
    let run = |cwd: &Path, args: &[&str]| {
        Command::new(bin)
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap()
    };
    let o = run(&repo.join("svc"), &["diff", "--baseline", "HEAD"]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("0 change(s)"), "{said}");
    // A change in the non-ASCII file is seen against its own baseline.
    std::fs::write(
        svc.join("alertes-équipe.yaml"),
        rest.replace(
            "ShopDown: {severity: critical",
            "ShopDown: {severity: warning",
        ),
    )
    .unwrap();
    let o = run(
        &repo.join("svc"),
        &[
            "diff",
            "--baseline",
            "HEAD",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("\"C005\"") || out.contains("\"C006\""),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("alertes-équipe.yaml"), "{out}");
    // A baseline with an error (a literal secret): the change that removes it passes.
    let leaked = BASE.replace(
        "routing_key_file: /etc/alertmanager/secrets/pd",
        "routing_key: 8d3f2a91c07b4e65a1f09d3c2b7e8a44",
    );
    compile(&repo.join("spec"), &leaked);
    git(&["commit", "-qam", "leaked"]);
    compile(&repo.join("spec"), BASE);
    let o = run(repo, &["diff", "--baseline", "HEAD", "spec"]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("the baseline HEAD has 1 error(s)"), "{said}");
    assert!(!said.contains("8d3f2a91c07b4e65a1f09d3c2b7e8a44"), "{said}");
}
