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

/// How many of each item a synthetic spec has.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Metrics.
    pub metrics: usize,
    pub slos: usize,
    /// Alerts, and routes (one per alert team).
    pub alerts: usize,
    pub panels: usize,
    pub panels_per_dashboard: usize,
}

impl Shape {
    /// N of everything, ten panels a dashboard.
    pub fn uniform(n: usize) -> Shape {
        Shape {
            metrics: n,
            slos: n,
            alerts: n,
            panels: n,
            panels_per_dashboard: 10,
        }
    }

    /// The size of kubernetes-mixin: 136 rules and alerts (4 SLOs of 16 rules each,
    /// 72 alerts), 23 dashboards, 253 panels, over 100 metrics.
    pub fn mixin() -> Shape {
        Shape {
            metrics: 100,
            slos: 4,
            alerts: 72,
            panels: 253,
            panels_per_dashboard: 11,
        }
    }
}

/// The metric that item `k` reads: metric `k` when there is one, else one of the same
/// kind (`k mod 3`: counter, histogram, gauge) among the others.
fn metric_for(k: usize, metrics: usize) -> usize {
    if k < metrics {
        return k;
    }
    let (kind, base) = (k % 3, (k % metrics.max(1)) / 3 * 3);
    if base + kind < metrics {
        base + kind
    } else {
        kind
    }
}

/// The files of a synthetic spec of size `n` (N of everything): (file name, YAML text).
pub fn generate(n: usize, seed: u64) -> Vec<(String, String)> {
    generate_shape(Shape::uniform(n), seed)
}

/// The files of a synthetic spec of the given shape: (file name, YAML text).
pub fn generate_shape(shape: Shape, seed: u64) -> Vec<(String, String)> {
    generate_service(shape, seed, None)
}

/// Teams of a synthetic organisation.
const TEAMS: usize = 10;

/// The files of a synthetic organisation of `services` services sharing N of
/// everything (N / services each), owned by ten teams: the root `org.yaml` and
/// `services/svc-<i>/*.yaml`. One service in ten routes its own alerts.
pub fn generate_org(n: usize, services: usize, seed: u64) -> Vec<(String, String)> {
    let services = services.max(1);
    let mut root = String::from("version: 1\ndefaults: {range: 5m}\nteams:\n");
    for t in 0..TEAMS {
        root.push_str(&format!("  team-{t}: {{receiver: team-{t}-chat, escalation: {{critical: team-{t}-pager, warning: team-{t}-chat}}}}\n"));
    }
    root.push_str("receivers:\n  default: {email: {to: oncall@example.com, from: am@example.com, smarthost: \"smtp:587\"}}\n");
    for t in 0..TEAMS {
        root.push_str(&format!("  team-{t}-pager: {{pagerduty: {{routing_key_file: /etc/am/pd-{t}}}}}\n  team-{t}-chat: {{slack: {{api_url_file: /etc/am/slack, channel: \"#team-{t}\"}}}}\n"));
    }
    root.push_str("routing:\n  receiver: default\n  group_by: [alertname, team, service]\n  inhibit:\n    - {source: {severity: critical}, target: {severity: warning}, equal: [service, slo]}\n");
    let mut files = vec![("org.yaml".to_string(), root)];
    for i in 0..services {
        // N spread evenly: the first N mod services services get one more of each.
        let size = n / services + usize::from(i < n % services);
        let svc = format!("svc-{i}");
        for (name, text) in generate_service(
            Shape::uniform(size.max(1)),
            seed.wrapping_add(i as u64),
            Some((i, i % TEAMS)),
        ) {
            files.push((format!("services/{svc}/{name}"), text));
        }
    }
    files
}

/// One service: alone (`None`), or service `i` of an organisation owned by team `t`.
fn generate_service(shape: Shape, seed: u64, org: Option<(usize, usize)>) -> Vec<(String, String)> {
    // Names an organisation keeps apart: metric prefix, targets and dashboard uids.
    let (prefix, tp) = match org {
        Some((i, _)) => (format!("svc_{i}_"), format!("svc-{i}-")),
        None => ("synth_".to_string(), String::new()),
    };
    let n = shape
        .metrics
        .max(shape.slos)
        .max(shape.alerts)
        .max(shape.panels);
    let per_dashboard = shape.panels_per_dashboard.max(1);
    let mut rng = Rng(seed.max(1));
    let targets = n.div_ceil(100).max(1);
    let mut service = match org {
        Some((i, t)) => format!(
            "version: 1\nservice: {{name: svc-{i}, team: team-{t}, metric_prefix: {prefix}, grafana_url: \"http://grafana:3000\"}}\ntargets:\n"
        ),
        None => String::from(
            "version: 1\nservice: {name: synth, metric_prefix: synth_, grafana_url: \"http://grafana:3000\"}\ndefaults: {range: 5m}\ntargets:\n",
        ),
    };
    // app-0 exports the service's own metrics; the other targets are processes of their
    // own (uptime SLOs watch them), so every own metric has one exporter.
    for t in 0..targets {
        let uses = if t == 0 { "" } else { ", uses: [process]" };
        service.push_str(&format!(
            "  {tp}app-{t}: {{address: \"{tp}app-{t}:8000\"{uses}}}\n"
        ));
    }
    let mut metrics = String::from("metrics:\n");
    let mut slos = String::from("slos:\n");
    let mut alerts = String::from("alerts:\n");
    let mut dashboards = String::from("dashboards:\n");
    for k in 0..n {
        let route = rng.pick(&["10", "20", "50"]);
        let objective = rng.pick(&["99.9%", "99.5%", "99%", "95%"]);
        let i = metric_for(k, shape.metrics);
        if k < shape.metrics {
            let i = k;
            match i % 3 {
            0 => metrics.push_str(&format!(
                "  {prefix}api{i}_requests_total:\n    type: counter\n    help: Requests served by API {i}.\n    labels:\n      method: {{values: [GET, POST, PUT, DELETE]}}\n      code: {{values: [\"2xx\", \"4xx\", \"5xx\"]}}\n      route: {{max_values: {route}}}\n"
            )),
            1 => metrics.push_str(&format!(
                "  {prefix}api{i}_request_duration_seconds:\n    type: histogram\n    unit: seconds\n    help: Latency of API {i}.\n    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]\n    labels:\n      method: {{values: [GET, POST]}}\n"
            )),
            _ => metrics.push_str(&format!("  {prefix}worker{i}_queue_jobs:\n    type: gauge\n    help: Jobs waiting in queue {i}.\n")),
            }
        }
        let (sli, alert_cond, panel) = match i % 3 {
            0 => (
                format!(
                    "{{errors: '{prefix}api{i}_requests_total{{code=\"5xx\"}}', total: {prefix}api{i}_requests_total}}"
                ),
                format!(
                    "'ratio({prefix}api{i}_requests_total{{code=\"5xx\"}}, {prefix}api{i}_requests_total) > 5% for 5m'"
                ),
                format!("sum(rate({prefix}api{i}_requests_total)) by (code)"),
            ),
            1 => (
                format!(
                    "{{latency: {{metric: {prefix}api{i}_request_duration_seconds, below: 500ms}}}}"
                ),
                format!("'p95({prefix}api{i}_request_duration_seconds) > 1s for 5m'"),
                format!("p95({prefix}api{i}_request_duration_seconds)"),
            ),
            _ => (
                format!("{{uptime: {tp}app-{}}}", i % targets),
                format!("'max({prefix}worker{i}_queue_jobs) > 1000 for 10m'"),
                format!("max({prefix}worker{i}_queue_jobs)"),
            ),
        };
        if k < shape.slos {
            slos.push_str(&format!("  slo{k}: {{objective: {objective}, window: 30d, sli: {sli}, alerting: {{runbook: runbooks/slo{k}.md}}}}\n"));
        }
        if k < shape.alerts {
            let severity = if k % 2 == 0 { "critical" } else { "warning" };
            let slo = if k % 3 == 2 || k >= shape.slos {
                String::new()
            } else {
                format!("\n    slo: slo{k}")
            };
            // In an organisation the `team` label is the owning team's.
            let labels = match org {
                Some(_) => String::new(),
                None => format!("\n    labels: {{team: team-{k}}}"),
            };
            alerts.push_str(&format!(
                "  Synth{k}Alert:\n    severity: {severity}\n    condition: {alert_cond}{slo}{labels}\n    summary: Service {k} is unhealthy.\n    description: 'Value is {{{{ $value | humanize }}}}.'\n    runbook: runbooks/synth-{k}.md\n    allow:\n      - {{rule: threshold-differs-from-slo, reason: synthetic thresholds}}\n      - {{rule: alert-without-slo, reason: synthetic alert}}\n"
            ));
        }
        if k < shape.panels {
            if k % per_dashboard == 0 {
                let d = k / per_dashboard;
                dashboards.push_str(&format!(
                    "  {tp}dash-{d}:\n    title: Dashboard {d}\n    panels:\n"
                ));
            }
            dashboards.push_str(&format!("      - {{title: Panel {k}, query: '{panel}'}}\n"));
        }
    }
    let routing = match org {
        None => routing(shape),
        // One service in ten routes its own alerts; the others follow their team.
        Some((i, t)) if i % 10 == 0 => format!(
            "routing:\n  receiver: team-{t}-chat\n  routes:\n    - {{match: {{severity: critical}}, receiver: team-{t}-pager}}\n    - {{match: {{severity: warning}}, receiver: team-{t}-chat}}\n"
        ),
        Some(_) => String::new(),
    };
    vec![
        ("service.yaml".into(), service),
        ("metrics.yaml".into(), metrics),
        ("slos.yaml".into(), slos),
        ("alerts.yaml".into(), alerts),
        ("routing.yaml".into(), routing),
        ("dashboards.yaml".into(), dashboards),
    ]
}

/// The routing of a spec alone: a route per alert team, pager and chat by severity.
fn routing(shape: Shape) -> String {
    let mut routing =
        String::from("routing:\n  receiver: default\n  group_by: [alertname, team]\n  routes:\n");
    for i in 0..shape.alerts {
        let receiver = if i % 2 == 0 { "pager" } else { "chat" };
        routing.push_str(&format!(
            "    - {{match: {{team: team-{i}}}, receiver: {receiver}}}\n"
        ));
    }
    routing.push_str("    - {match: {severity: critical}, receiver: pager}\n    - {match: {severity: warning}, receiver: chat}\n");
    routing.push_str("  inhibit:\n    - {source: {severity: critical}, target: {severity: warning}, equal: [team, slo]}\n");
    routing.push_str("receivers:\n  default: {email: {to: oncall@example.com, from: am@example.com, smarthost: \"smtp:587\"}}\n");
    routing.push_str("  pager: {pagerduty: {routing_key_file: /etc/am/pd}}\n  chat: {slack: {api_url_file: /etc/am/slack, channel: \"#alerts\"}}\n");
    routing
}
