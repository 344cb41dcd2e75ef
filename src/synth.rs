//! Tooling, not a pipeline stage: a deterministic generator of synthetic specs in the
//! shape of the shipped one (N metrics, SLOs, alerts, routes and dashboard panels), for
//! the benchmarks (`forge-spec synth`, `benches/pipeline.rs`).

/// A small deterministic PRNG (xorshift64*), so a seed always gives the same spec.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// The files of a synthetic spec of size `n`: (file name, YAML text).
pub fn generate(n: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng(seed.max(1));
    let targets = n.div_ceil(100).max(1);
    let mut service = String::from(
        "version: 1\nservice: {name: synth, metric_prefix: synth_, grafana_url: \"http://grafana:3000\"}\ndefaults: {range: 5m}\ntargets:\n",
    );
    for t in 0..targets {
        service.push_str(&format!("  app-{t}: {{address: \"app-{t}:8000\"}}\n"));
    }
    let mut metrics = String::from("metrics:\n");
    let mut slos = String::from("slos:\n");
    let mut alerts = String::from("alerts:\n");
    let mut dashboards = String::from("dashboards:\n");
    for i in 0..n {
        let route = rng.pick(&["10", "20", "50"]);
        match i % 3 {
            0 => metrics.push_str(&format!(
                "  synth_api{i}_requests_total:\n    type: counter\n    help: Requests served by API {i}.\n    labels:\n      method: {{values: [GET, POST, PUT, DELETE]}}\n      code: {{values: [\"2xx\", \"4xx\", \"5xx\"]}}\n      route: {{max_values: {route}}}\n"
            )),
            1 => metrics.push_str(&format!(
                "  synth_api{i}_request_duration_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency of API {i}.\n    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]\n    labels:\n      method: {{values: [GET, POST]}}\n"
            )),
            _ => metrics.push_str(&format!("  synth_worker{i}_queue_jobs:\n    type: gauge\n    help: Jobs waiting in queue {i}.\n")),
        }
        let objective = rng.pick(&["99.9%", "99.5%", "99%", "95%"]);
        let (sli, alert_cond, panel) = match i % 3 {
            0 => (
                format!(
                    "{{errors: 'synth_api{i}_requests_total{{code=\"5xx\"}}', total: synth_api{i}_requests_total}}"
                ),
                format!(
                    "'ratio(synth_api{i}_requests_total{{code=\"5xx\"}}, synth_api{i}_requests_total) > 5% for 5m'"
                ),
                format!("sum(rate(synth_api{i}_requests_total)) by (code)"),
            ),
            1 => (
                format!(
                    "{{latency: {{metric: synth_api{i}_request_duration_seconds, below: 500ms}}}}"
                ),
                format!("'p95(synth_api{i}_request_duration_seconds) > 1s for 5m'"),
                format!("p95(synth_api{i}_request_duration_seconds)"),
            ),
            _ => (
                format!("{{uptime: app-{}}}", i % targets),
                format!("'max(synth_worker{i}_queue_jobs) > 1000 for 10m'"),
                format!("max(synth_worker{i}_queue_jobs)"),
            ),
        };
        slos.push_str(&format!("  slo{i}: {{objective: {objective}, window: 30d, sli: {sli}, alerting: {{runbook: runbooks/slo{i}.md}}}}\n"));
        let severity = if i % 2 == 0 { "critical" } else { "warning" };
        let slo = if i % 3 == 2 {
            String::new()
        } else {
            format!("\n    slo: slo{i}")
        };
        alerts.push_str(&format!(
            "  Synth{i}Alert:\n    severity: {severity}\n    condition: {alert_cond}{slo}\n    labels: {{team: team-{i}}}\n    summary: Service {i} is unhealthy.\n    description: 'Value is {{{{ $value | humanize }}}}.'\n    runbook: runbooks/synth-{i}.md\n    allow:\n      - {{rule: threshold-differs-from-slo, reason: synthetic thresholds}}\n      - {{rule: alert-without-slo, reason: synthetic alert}}\n"
        ));
        if i % 10 == 0 {
            dashboards.push_str(&format!(
                "  dash-{}:\n    title: Dashboard {}\n    panels:\n",
                i / 10,
                i / 10
            ));
        }
        dashboards.push_str(&format!("      - {{title: Panel {i}, query: '{panel}'}}\n"));
    }
    let mut routing =
        String::from("routing:\n  receiver: default\n  group_by: [alertname, team]\n  routes:\n");
    for i in 0..n {
        let receiver = if i % 2 == 0 { "pager" } else { "chat" };
        routing.push_str(&format!(
            "    - {{match: {{team: team-{i}}}, receiver: {receiver}}}\n"
        ));
    }
    routing.push_str("    - {match: {severity: critical}, receiver: pager}\n    - {match: {severity: warning}, receiver: chat}\n");
    routing.push_str("  inhibit:\n    - {source: {severity: critical}, target: {severity: warning}, equal: [team]}\n");
    routing.push_str("receivers:\n  default: {email: {to: oncall@example.com, from: am@example.com, smarthost: \"smtp:587\"}}\n");
    routing.push_str("  pager: {pagerduty: {routing_key_file: /etc/am/pd}}\n  chat: {slack: {api_url_file: /etc/am/slack, channel: \"#alerts\"}}\n");
    vec![
        ("service.yaml".into(), service),
        ("metrics.yaml".into(), metrics),
        ("slos.yaml".into(), slos),
        ("alerts.yaml".into(), alerts),
        ("routing.yaml".into(), routing),
        ("dashboards.yaml".into(), dashboards),
    ]
}
