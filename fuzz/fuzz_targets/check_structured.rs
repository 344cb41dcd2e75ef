//! Fuzz target: structure-aware specs — valid YAML shapes of every section, filled with
//! arbitrary names, values and expressions — through check and every backend.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Spec {
    service: String,
    metrics: Vec<(String, u8, String, Vec<(String, Vec<String>)>, Vec<f64>)>,
    alerts: Vec<(String, String, String, Option<String>)>,
    slos: Vec<(String, String, u8, String, String)>,
    routes: Vec<(String, String, String, bool)>,
    panels: Vec<(String, String)>,
    events: Vec<(String, Vec<(String, bool)>)>,
}

/// A YAML double-quoted string (JSON escaping is valid YAML).
fn q(s: &str) -> String {
    format!("{s:?}").replace("\\u{", "\\u{").chars().filter(|c| *c != '\u{0}').collect()
}

fn json(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}


fuzz_target!(|s: Spec| {
    forge_spec::expr::promql::quiet_parser_panics();
    let _ = q;
    let kinds = ["counter", "gauge", "histogram", "summary"];
    let mut y = format!("service: {{name: {}, metric_prefix: x_}}\ntargets: {{web: {{address: \"web:80\"}}}}\nmetrics:\n", json(&s.service));
    for (name, kind, help, labels, buckets) in s.metrics.iter().take(8) {
        y += &format!("  {}:\n    type: {}\n    help: {}\n", json(name), kinds[*kind as usize % 4], json(help));
        if !buckets.is_empty() {
            let b: Vec<String> = buckets.iter().take(6).filter(|x| x.is_finite()).map(|x| format!("{x}")).collect();
            y += &format!("    buckets: [{}]\n", b.join(", "));
        }
        if !labels.is_empty() {
            y += "    labels:\n";
            for (l, vals) in labels.iter().take(3) {
                let v: Vec<String> = vals.iter().take(4).map(|v| json(v)).collect();
                y += &format!("      {}: {{values: [{}]}}\n", json(l), v.join(", "));
            }
        }
    }
    y += "alerts:\n";
    for (name, sev, cond, slo) in s.alerts.iter().take(6) {
        y += &format!("  {}:\n    severity: {}\n    condition: {}\n    summary: s.\n    runbook: r.md\n", json(name), json(sev), json(cond));
        if let Some(slo) = slo {
            y += &format!("    slo: {}\n", json(slo));
        }
    }
    y += "slos:\n";
    for (name, obj, kind, a, b) in s.slos.iter().take(4) {
        let sli = match kind % 3 {
            0 => format!("{{errors: {}, total: {}}}", json(a), json(b)),
            1 => format!("{{latency: {{metric: {}, below: {}}}}}", json(a), json(b)),
            _ => format!("{{uptime: {}}}", json(a)),
        };
        y += &format!("  {}: {{objective: {}, sli: {sli}}}\n", json(name), json(obj));
    }
    y += "receivers:\n  r: {webhook: {url: \"http://127.0.0.1:9/\"}}\nrouting:\n  receiver: r\n  routes:\n";
    for (label, value, receiver, cont) in s.routes.iter().take(6) {
        y += &format!("    - {{match: {{{}: {}}}, receiver: {}, continue: {cont}}}\n", json(label), json(value), json(receiver));
    }
    y += "dashboards:\n  d:\n    title: D\n    panels:\n";
    for (title, query) in s.panels.iter().take(6) {
        y += &format!("      - {{title: {}, query: {}}}\n", json(title), json(query));
    }
    y += "logs:\n  events:\n";
    for (name, fields) in s.events.iter().take(4) {
        y += &format!("    {}:\n      level: info\n      fields:\n", json(name));
        for (f, red) in fields.iter().take(4) {
            y += &format!("        {}: {{type: string, redacted: {red}}}\n", json(f));
        }
    }
    let mut c = forge_spec::compile_str(&[("fuzz.yaml", &y)], &Default::default());
    let _ = forge_spec::diag::render(forge_spec::diag::Format::Sarif, &c.diagnostics.items, &c.sources, false);
    if !c.diagnostics.has_errors() {
        let _ = forge_spec::emit_checked(&mut c);
    }
});
