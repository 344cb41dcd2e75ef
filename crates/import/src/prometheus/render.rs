//! The spec text an import of rule files writes: the metrics its rules read, the
//! alerts and records (as conditions where the translation is faithful, else as PromQL),
//! the targets their jobs name.

use super::*;

/// Where each rule's text is in the files written: (file, key, byte range).
pub type Sites = Vec<(String, String, std::ops::Range<usize>)>;

/// The base unit a metric's name says it has (`_seconds`, `_bytes`, `_ratio`).
pub(crate) fn unit_of(name: &str) -> Option<&'static str> {
    let base = name
        .trim_end_matches("_total")
        .trim_end_matches("_bucket")
        .trim_end_matches("_sum")
        .trim_end_matches("_count");
    [
        ("_seconds", "seconds"),
        ("_bytes", "bytes"),
        ("_ratio", "ratio"),
    ]
    .iter()
    .find(|(s, _)| base.ends_with(s))
    .map(|(_, u)| *u)
}

/// The job a metric that no selector scopes to a job most likely comes from: the one
/// whose metrics share the longest `_`-separated prefix with it (`kube_pvc_labels`
/// goes with `kube_pod_info{job="kube-state-metrics"}`), when one job alone does.
fn by_prefix<'a>(r: &'a Rules, name: &str) -> Option<&'a String> {
    let parts: Vec<&str> = name.split('_').collect();
    (1..parts.len()).rev().find_map(|n| {
        let prefix = format!("{}_", parts[..n].join("_"));
        let jobs: Vec<&String> = r
            .jobs
            .iter()
            .filter(|(_, read)| read.iter().any(|m| m.starts_with(&prefix)))
            .map(|(job, _)| job)
            .collect();
        match jobs.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    })
}

/// The target what no selector places goes to: the service's own job, else the one
/// scraped (not probed) job the rules name, else a target named after the service
/// (a collection of many exporters' rules: none of them is the home of the rest).
fn home_job(r: &Rules) -> String {
    if r.jobs.contains_key(&r.service) {
        return r.service.clone();
    }
    let scraped: Vec<&String> = r
        .jobs
        .iter()
        .filter(|(_, read)| !read.contains("probe_success"))
        .map(|(job, _)| job)
        .collect();
    match scraped.as_slice() {
        [one] => (*one).clone(),
        _ => r.service.clone(),
    }
}

/// The metrics section: catalogue metrics as declared there, the others inferred.
fn metrics_yaml(r: &Rules) -> String {
    let mut s = String::from("metrics:\n");
    if !r.forge_written && r.metrics.keys().any(|m| crate::known(m).is_none()) {
        comment(
            &mut s,
            2,
            "Named before this spec, by the exporters the rules were written for: each is `provided_by` one (its job, else the file that read it), so the naming rules do not judge names the team cannot change here. Remove `provided_by` from a metric the team's own code exports.",
        );
    }
    // Histograms by their base name; their `_bucket`, `_sum` and `_count` series fold in.
    let bases: BTreeSet<String> = r
        .metrics
        .keys()
        .filter_map(|m| m.strip_suffix("_bucket"))
        .filter(|b| crate::known(&format!("{b}_bucket")).is_none())
        .map(str::to_string)
        .collect();
    // Summaries by their quantile series; their `_sum` and `_count` fold in.
    let summaries: BTreeSet<&String> = r
        .metrics
        .iter()
        .filter(|(n, u)| u.summary && crate::known(n).is_none())
        .map(|(n, _)| n)
        .collect();
    let home = home_job(r);
    let mut done = BTreeSet::new();
    for (name, u) in &r.metrics {
        if ["_sum", "_count"].iter().any(|sfx| {
            name.strip_suffix(sfx)
                .is_some_and(|b| summaries.contains(&b.to_string()))
        }) {
            continue;
        }
        let base = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|sfx| name.strip_suffix(sfx).filter(|b| bases.contains(*b)));
        let (name, kind, why) = match base {
            Some(b) => (
                b.to_string(),
                "histogram",
                "its `_bucket` series are read".to_string(),
            ),
            None if u.summary => (
                name.clone(),
                "summary",
                "its selectors name `quantile`".to_string(),
            ),
            None if u.gauge => (
                name.clone(),
                "gauge",
                "read with delta(), deriv() or predict_linear()".to_string(),
            ),
            None if u.counter || name.ends_with("_total") => (
                name.clone(),
                "counter",
                if u.counter {
                    "read with rate(), increase() or resets()"
                } else {
                    "named `_total`"
                }
                .to_string(),
            ),
            None => (name.clone(), "gauge", "read as a value".to_string()),
        };
        if !done.insert(name.clone()) {
            continue;
        }
        let labels: BTreeSet<&String> = match base {
            Some(b) => r
                .metrics
                .iter()
                .filter(|(n, _)| {
                    n.strip_suffix("_bucket")
                        .or(n.strip_suffix("_sum"))
                        .or(n.strip_suffix("_count"))
                        == Some(b)
                })
                .flat_map(|(_, u)| &u.labels)
                .collect(),
            None => u.labels.iter().collect(),
        };
        if crate::known(&name).is_some() {
            // An exporter catalogue declares it; the targets that read it use the catalogue.
            continue;
        }
        comment(
            &mut s,
            2,
            &format!("Inferred: a {kind} ({why}); confirm the type, unit, help and label bounds."),
        );
        let ls: Vec<String> = labels
            .iter()
            .map(|l| format!("{}: {{max_values: 100}}", q(l)))
            .collect();
        let mut bounds: Vec<f64> = r
            .metrics
            .iter()
            .filter(|(n, _)| base.is_some_and(|b| n.strip_suffix("_bucket") == Some(b)))
            .flat_map(|(_, u)| u.bounds.iter().filter_map(|b| b.parse::<f64>().ok()))
            .collect();
        bounds.sort_by(f64::total_cmp);
        bounds.dedup();
        let buckets = if bounds.is_empty() {
            String::new()
        } else {
            let b: Vec<String> = bounds.iter().map(f64::to_string).collect();
            format!(", buckets: [{}]", b.join(", "))
        };
        // A metric read only under one job's selectors other than the service's own is
        // that job's exporter's: a third party's, never judged by its name.
        let series = [
            name.clone(),
            format!("{name}_bucket"),
            format!("{name}_sum"),
            format!("{name}_count"),
        ];
        let readers: Vec<&String> = r
            .jobs
            .iter()
            .filter(|(_, read)| series.iter().any(|n| read.contains(n)))
            .map(|(job, _)| job)
            .collect();
        // Any other metric a rule file (not forge-spec's own) reads was named before
        // the spec: by the exporter the file was written for, as far as the import can
        // tell. The naming rules judge a metric once `provided_by` is removed.
        let provided_by = match readers.as_slice() {
            [job] if **job == r.service => String::new(),
            [job] => format!("provided_by: {}, ", q(job)),
            [] if !r.forge_written => {
                // No selector names its job: the job whose metrics share its prefix,
                // else the service's own target (the one `targets_yaml` puts the
                // unplaced catalogue metrics on).
                let by = by_prefix(r, &name).unwrap_or(&home);
                format!("provided_by: {}, ", q(by))
            }
            _ if !r.forge_written => format!("provided_by: {}, ", q(&u.source)),
            _ => String::new(),
        };
        let _ = std::fmt::Write::write_fmt(
            &mut s,
            format_args!(
                "  {}: {{type: {kind}, {provided_by}{}help: {}{}{buckets}}}\n",
                q(&name),
                unit_of(&name).map_or(String::new(), |u| format!("unit: {u}, ")),
                q(&format!("Imported: a {kind} the rules read.")),
                if ls.is_empty() {
                    String::new()
                } else {
                    format!(", labels: {{{}}}", ls.join(", "))
                },
            ),
        );
    }
    s
}

/// Findings true of the source, by rule key: (rule name, reason) for an `allow:` entry.
pub type Marks = std::collections::BTreeMap<String, Vec<(String, String)>>;

/// One rule, as an entry of `alerts:` or `records:`; `marks` are the findings true of the
/// source rule, written as `allow:` entries so that the spec builds as the source did.
fn rule_yaml(
    rule: &RuleOut,
    alert: bool,
    as_expr: bool,
    marks: &[(String, String)],
    s: &mut String,
) {
    let condition = rule.condition.as_ref().filter(|_| !as_expr);
    s.push_str(&format!("  {}:\n", q(&rule.key)));
    if let Some(name) = &rule.name {
        let key = if alert { "alertname" } else { "record" };
        s.push_str(&format!("    {key}: {}\n", q(name)));
    }
    if alert {
        match &rule.severity {
            Some(sev) => s.push_str(&format!("    severity: {}\n", q(sev))),
            None => {
                comment(s, 4, "The rule had no severity label: `warning` assumed.");
                s.push_str("    severity: warning\n");
            }
        }
    }
    match condition {
        Some(c) if alert => {
            let c = match &rule.for_ {
                Some(f) if f != "0s" && f != "0" => format!("{c} for {f}"),
                _ => c.clone(),
            };
            s.push_str(&format!("    condition: {}\n", q(&c)));
        }
        Some(c) => s.push_str(&format!("    query: {}\n", q(c))),
        None => {
            let why = rule
                .why
                .clone()
                .unwrap_or_else(|| "the condition language does not check it as written".into());
            comment(s, 4, &format!("Kept as PromQL: {why}."));
            s.push_str(&format!("    expr: {}\n", q(&rule.promql)));
            if let Some(f) = &rule.for_ {
                s.push_str(&format!("    for: {}\n", q(f)));
            }
        }
    }
    if let Some(slo) = &rule.slo {
        s.push_str(&format!("    slo: {}\n", q(slo)));
    }
    if let Some(k) = &rule.keep_firing_for {
        s.push_str(&format!("    keep_firing_for: {}\n", q(k)));
    }
    if alert && rule.summary.is_none() {
        // Grafana's and older mixins' `message` annotation is the rule's own sentence.
        match rule
            .annotations
            .iter()
            .find(|(k, _)| k == "message")
            .map(|(_, v)| v)
        {
            Some(message) => {
                comment(s, 4, "The rule had no summary: its `message` annotation.");
                s.push_str(&format!("    summary: {}\n", q(message)));
            }
            None => {
                comment(
                    s,
                    4,
                    "The rule had no summary: one from its name. Say what is wrong, in a sentence.",
                );
                s.push_str(&format!(
                    "    summary: {}\n",
                    q(&format!("{} is firing.", rule.key))
                ));
            }
        }
    }
    for (key, v) in [
        ("summary", &rule.summary),
        ("description", &rule.description),
        ("runbook", &rule.runbook),
    ] {
        if let Some(v) = v {
            s.push_str(&format!("    {key}: {}\n", q(v)));
        }
    }
    if !rule.labels.is_empty() {
        s.push_str(&format!(
            "    labels: {}\n",
            flow_map(rule.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        ));
    }
    if !rule.annotations.is_empty() {
        s.push_str(&format!(
            "    annotations: {}\n",
            flow_map(
                rule.annotations
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
            )
        ));
    }
    if let Some(g) = &rule.group {
        s.push_str(&format!("    group: {}\n", q(g)));
    }
    if !marks.is_empty() {
        comment(
            s,
            4,
            "True of the source rule, imported as it is: fix it here, then remove the entry.",
        );
        let entries: Vec<String> = marks
            .iter()
            .map(|(rule, reason)| format!("{{rule: {}, reason: {}}}", q(rule), q(reason)))
            .collect();
        s.push_str(&format!("    allow: [{}]\n", entries.join(", ")));
    }
}

/// The targets: every job the selectors name — probed when it is read through
/// `probe_success`, using the catalogues of the exporter metrics read with it — or,
/// when none is named, one target named after the service.
fn targets_yaml(r: &Rules, s: &mut String) {
    s.push_str("targets:\n");
    comment(
        s,
        2,
        "The jobs the rules' selectors name. Rule files do not hold their addresses: set them.",
    );
    let mut jobs = r.jobs.clone();
    if jobs.is_empty() {
        jobs.insert(r.service.clone(), BTreeSet::new());
    }
    // Catalogue metrics read without a job: the service's target (or the first) has them.
    let read_by_job: BTreeSet<&String> = r.jobs.values().flatten().collect();
    let home = home_job(r);
    let unplaced: Vec<String> = r
        .metrics
        .keys()
        .filter(|m| crate::known(m).is_some() && !read_by_job.contains(m))
        .cloned()
        .collect();
    // A probe's series (blackbox_exporter's) read beside a scraped target's go to a
    // probed target of their own: one target is scraped or probed, not both.
    let (probed, scraped): (Vec<String>, Vec<String>) = unplaced
        .into_iter()
        .partition(|m| crate::known(m).is_some_and(|k| k.catalogue == "blackbox_exporter"));
    if !probed.is_empty() && !scraped.is_empty() {
        let mut name = format!("{}-probe", r.service);
        while jobs.contains_key(&name) {
            name.push('-');
        }
        jobs.entry(name).or_default().extend(probed);
    } else {
        jobs.entry(home.clone()).or_default().extend(probed);
    }
    jobs.entry(home.clone()).or_default().extend(scraped);
    for (job, metrics) in &jobs {
        let host = job.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.',
            "-",
        );
        if metrics.contains("probe_success") {
            s.push_str(&format!(
                "  {}: {{probe: {{url: {}}}}}\n",
                q(job),
                q(&format!("http://{host}/"))
            ));
            continue;
        }
        // `scrape` (up, scrape_*) comes with every scraped target.
        let catalogues: BTreeSet<&str> = metrics
            .iter()
            .filter_map(|m| crate::known(m).map(|k| k.catalogue))
            .filter(|c| *c != "scrape" && *c != "blackbox_exporter")
            .collect();
        let own = *job == home
            || metrics
                .iter()
                .any(|m| crate::known(m).is_none() && r.metrics.contains_key(m));
        let mut uses: Vec<&str> = Vec::new();
        if own {
            uses.push("own");
        }
        uses.extend(catalogues);
        let uses = if uses == ["own"] {
            String::new()
        } else {
            format!(", uses: {}", flow_list(uses))
        };
        // Labels the rules read on a catalogue's metric that the catalogue does not
        // declare come from the target's discovery (Kubernetes' namespace, pod…).
        let discovered: BTreeSet<&str> = metrics
            .iter()
            .filter_map(|m| Some((crate::known(m)?, r.metrics.get(m)?)))
            .flat_map(|(k, u)| {
                u.labels
                    .iter()
                    .filter(|l| !k.labels.iter().any(|(n, _, _)| n == *l))
                    .map(String::as_str)
            })
            .collect();
        let labels = if discovered.is_empty() {
            String::new()
        } else {
            format!(", labels: {}", flow_list(discovered))
        };
        s.push_str(&format!(
            "  {}: {{address: {}{uses}{labels}}}\n",
            q(job),
            q(&format!("{host}:9090"))
        ));
    }
}

/// The spec files, with the rules of `as_expr` (by key) kept as PromQL; and where each
/// rule is in them.
pub fn render(
    r: &Rules,
    as_expr: &BTreeSet<String>,
    marks: &Marks,
) -> (Vec<(String, String)>, Sites) {
    let from = "prometheus";
    let mut files = Vec::new();
    let mut sites = Sites::new();
    let mut svc = crate::header(from);
    svc.push_str("version: 1\n");
    if r.service_label {
        svc.push_str(&format!("service: {{name: {}}}\n", q(&r.service)));
    } else {
        comment(
            &mut svc,
            0,
            "The source's alerts carry no `service` label: forge-spec adds none (remove `alert_labels` to have it add `service`).",
        );
        svc.push_str(&format!(
            "service: {{name: {}, alert_labels: []}}\n",
            q(&r.service)
        ));
    }
    if let Some(ns) = &r.namespace {
        comment(
            &mut svc,
            0,
            "Every alert carried this namespace: forge-spec's Kubernetes output sets it.",
        );
        svc.push_str(&format!(
            "outputs: {{prometheus: {{}}, kubernetes: {{namespace: {}}}}}\n",
            q(ns)
        ));
    }
    targets_yaml(r, &mut svc);
    files.push(("service.yaml".to_string(), svc));
    let mut m = crate::header(from);
    let metrics = metrics_yaml(r);
    // A section with no entries is an empty mapping, not null.
    m.push_str(if metrics == "metrics:\n" {
        "metrics: {}\n"
    } else {
        &metrics
    });
    files.push(("metrics.yaml".to_string(), m));
    let mut g = crate::header(from);
    g.push_str("groups:\n");
    for gr in &r.groups {
        let mut parts = Vec::new();
        if let Some(i) = &gr.interval {
            parts.push(format!("interval: {}", q(i)));
        }
        if let Some(l) = gr.limit {
            parts.push(format!("limit: {l}"));
        }
        if !gr.source_tenants.is_empty() {
            parts.push(format!(
                "source_tenants: {}",
                flow_list(gr.source_tenants.iter().map(String::as_str))
            ));
        }
        g.push_str(&format!("  {}: {{{}}}\n", q(&gr.name), parts.join(", ")));
    }
    if !r.groups.is_empty() {
        files.push(("groups.yaml".to_string(), g));
    }
    if !r.slos.is_empty() {
        let mut sl = crate::header(from);
        sl.push_str(&slo_rules::yaml(&r.slos));
        files.push(("slos.yaml".to_string(), sl));
    }
    for (file, section, rules, alert) in [
        ("alerts.yaml", "alerts", &r.alerts, true),
        ("records.yaml", "records", &r.records, false),
    ] {
        if rules.is_empty() {
            continue;
        }
        let mut s = crate::header(from);
        s.push_str(&format!("{section}:\n"));
        if alert && !r.regenerated.is_empty() {
            comment(
                &mut s,
                2,
                &format!(
                    "Not imported, written again by the build: the absent-data alerts {}.",
                    r.regenerated.join(", ")
                ),
            );
        }
        for rule in rules {
            let start = s.len();
            let marked = marks.get(&rule.key).map_or(&[][..], Vec::as_slice);
            rule_yaml(rule, alert, as_expr.contains(&rule.key), marked, &mut s);
            sites.push((file.to_string(), rule.key.clone(), start..s.len()));
        }
        files.push((file.to_string(), s));
    }
    (files, sites)
}
