//! Pipeline of `forge-spec live-check`: what a running service exports — its
//! exposition (text 0.0.4 or OpenMetrics, read with `openmetrics-parser`) from a URL, a
//! file or stdin, or a target's series and metadata from a Prometheus server's HTTP API —
//! against the spec: undeclared metrics (V001), declared ones missing (V002), type and
//! unit (V003), undeclared labels (V004), values outside a closed set (V005), more series
//! than the declared labels allow (V006), help text (V007).

use crate::diag::Diagnostic;
use crate::diag::codes::live as v;
use crate::expr::MetricKind;
use crate::ir::{Metric, Model};
use crate::source::{FileId, SourceFile, SourceSet, Span};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

/// Labels of one series.
type Labels = BTreeMap<String, String>;

/// A metric family as a service or Prometheus reports it.
#[derive(Debug, Default)]
pub struct Family {
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `summary`, `unknown`…
    pub kind: String,
    pub help: String,
    pub unit: String,
    /// Each series' labels (for histograms and summaries, without `le`/`quantile`).
    pub series: Vec<Labels>,
    /// Where the family starts in the exposition (empty for Prometheus' API).
    pub at: std::ops::Range<usize>,
}

/// An HTTP GET (plain `http://`; a TLS endpoint is fetched with curl into a file).
pub fn http_get(url: &str) -> Result<String, String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!("{url}: only http:// is read directly; fetch https with curl and pass the file")
    })?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let addr = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    let mut stream = std::net::TcpStream::connect(&addr).map_err(|e| format!("{url}: {e}"))?;
    let timeout = Some(std::time::Duration::from_secs(30));
    let _ = stream.set_read_timeout(timeout);
    let _ = stream.set_write_timeout(timeout);
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nAccept: text/plain;version=0.0.4\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{url}: {e}"))?;
    let mut body = Vec::new();
    stream
        .read_to_end(&mut body)
        .map_err(|e| format!("{url}: {e}"))?;
    let text = String::from_utf8(body).map_err(|_| format!("{url}: the response is not UTF-8"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("{url}: not an HTTP response"))?;
    let status = head.lines().next().unwrap_or_default();
    if !status
        .split_whitespace()
        .nth(1)
        .is_some_and(|c| c.starts_with('2'))
    {
        return Err(format!("{url}: {status}"));
    }
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Err(format!(
            "{url}: a chunked response (HTTP/1.0 was asked for)"
        ));
    }
    Ok(body.to_string())
}

/// The families of an exposition: OpenMetrics when it ends with `# EOF`, else text
/// 0.0.4. A parse error (or a panic of the parser on hostile input) is an error. The
/// parser compares each sample with the family's others (quadratic in a family's
/// series), so a large counter or gauge family is read in runs of [`RUN`] samples, each
/// under the family's own header, and the runs joined.
pub fn parse(text: &str) -> Result<Vec<Family>, String> {
    let open = text.lines().any(|l| l.trim() == "# EOF");
    // Units are read here (and `# UNIT` lines left out of the runs): the parser refuses
    // a unit on a histogram, which OpenMetrics allows (and prometheus-client writes).
    let units: BTreeMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# UNIT "))
        .filter_map(|l| l.split_once(' '))
        .map(|(n, u)| (n, u.trim()))
        .collect();
    let mut merged: Vec<Family> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for chunk in runs(text, open) {
        for f in parse_one(&chunk, open)? {
            match index.get(&f.name) {
                Some(&i) => merged[i].series.extend(f.series),
                None => {
                    index.insert(f.name.clone(), merged.len());
                    merged.push(f);
                }
            }
        }
    }
    // Each family's unit, and its place: its `# TYPE` line, else its first sample.
    for f in &mut merged {
        if let Some(u) = units.get(f.name.as_str()) {
            f.unit = u.to_string();
        }
        let start = text
            .find(&format!("# TYPE {} ", f.name))
            .or_else(|| text.find(&format!("\n{}", f.name)).map(|i| i + 1))
            .unwrap_or(0);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        f.at = start..end;
    }
    merged.sort_by(|a, b| a.at.start.cmp(&b.at.start).then(a.name.cmp(&b.name)));
    Ok(merged)
}

/// Samples of one counter or gauge family read together.
const RUN: usize = 512;

/// The exposition in runs: a counter's, gauge's or untyped family's samples at most
/// [`RUN`] to a run, each run after the family's `# HELP`/`# TYPE`/`# UNIT` lines
/// (histograms and summaries whole: their series span lines).
fn runs(text: &str, open: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut header: Vec<&str> = Vec::new();
    let mut family = "";
    let mut splittable = false;
    let mut count = 0;
    for line in text.lines() {
        if line.trim() == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut words = rest.split_whitespace();
            let (kind, name) = (
                words.next().unwrap_or_default(),
                words.next().unwrap_or_default(),
            );
            if name != family {
                family = name;
                header.clear();
                count = 0;
                splittable = true;
            }
            if kind == "TYPE" {
                splittable = matches!(
                    words.next(),
                    Some("counter" | "gauge" | "untyped" | "unknown")
                );
            }
            header.push(line);
        } else if !line.trim().is_empty() {
            if splittable && count == RUN {
                if open {
                    cur.push_str("# EOF\n");
                }
                out.push(std::mem::take(&mut cur));
                for h in &header {
                    cur.push_str(h);
                    cur.push('\n');
                }
                count = 0;
            }
            count += 1;
        }
        cur.push_str(line);
        cur.push('\n');
    }
    if open {
        cur.push_str("# EOF\n");
    }
    out.push(cur);
    out
}

/// The families of an exposition: OpenMetrics when it ends with `# EOF`, else text
/// 0.0.4. A parse error (or a panic of the parser on hostile input) is an error.
fn parse_one(text: &str, open: bool) -> Result<Vec<Family>, String> {
    /// A parsed exposition's families (either format's), as forge-spec compares them.
    fn families<
        T: std::fmt::Debug + Clone,
        V: openmetrics_parser::RenderableMetricValue + Clone,
    >(
        e: openmetrics_parser::MetricsExposition<T, V>,
    ) -> Vec<Family> {
        e.families
            .into_values()
            .map(|f| Family {
                kind: format!("{:?}", f.family_type).to_lowercase(),
                help: f.help.clone(),
                unit: f.unit.clone(),
                series: f
                    .iter_samples()
                    .map(|s| {
                        s.get_labelset()
                            .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                            .unwrap_or_default()
                    })
                    .collect(),
                name: f.family_name,
                at: 0..0,
            })
            .collect()
    }
    let parsed = std::panic::catch_unwind(|| match open {
        true => openmetrics_parser::openmetrics::parse_openmetrics(text).map(families),
        false => openmetrics_parser::prometheus::parse_prometheus(text).map(families),
    });
    match parsed {
        Ok(Ok(f)) => Ok(f),
        Ok(Err(e)) => Err(format!("the exposition does not parse: {e:?}")),
        Err(_) => Err("the exposition does not parse (the parser gave up on it)".into()),
    }
}

fn kind_name(k: MetricKind) -> &'static str {
    match format!("{k:?}").to_lowercase().as_str() {
        "counter" => "counter",
        "gauge" => "gauge",
        "histogram" => "histogram",
        "summary" => "summary",
        _ => "unknown",
    }
}

/// The declared metric a family is, by its name (OpenMetrics names a counter's family
/// without `_total`).
fn declared<'m>(m: &'m Model, f: &Family) -> Option<&'m Metric> {
    m.metric(&f.name).or_else(|| {
        (f.kind == "counter")
            .then(|| m.metric(&format!("{}_total", f.name)))
            .flatten()
    })
}

/// The series a metric's declared labels allow, when every label is bounded.
fn bound(m: &Metric) -> Option<u64> {
    m.labels.iter().try_fold(1u64, |n, l| {
        let k = l
            .values
            .as_ref()
            .map(|v| v.len() as u64)
            .or(l.max_values.as_ref().map(|x| x.value))?;
        Some(n.saturating_mul(k.max(1)))
    })
}

/// The metrics the target exports (all of the spec's when no target is given: then
/// its first target exporting the service's own metrics).
fn exported<'m>(m: &'m Model, target: Option<&str>) -> Vec<&'m Metric> {
    let target = target.map(str::to_string).or_else(|| {
        m.targets
            .iter()
            .find(|t| t.uses.iter().any(|u| u == "own"))
            .map(|t| t.name.value.clone())
    });
    m.metrics
        .iter()
        .filter(|mt| {
            target
                .as_ref()
                .is_none_or(|t| mt.exporters.iter().any(|e| e == t))
        })
        .collect()
}

/// Compares the families with the spec: every finding, at the spec's declaration or at
/// the family's place in the exposition (`file`, when it is one).
pub fn compare(
    m: &Model,
    target: Option<&str>,
    families: &[Family],
    file: Option<FileId>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let place =
        |f: &Family| file.map_or_else(Span::default, |id| Span::new(id, f.at.start, f.at.end));
    let exported = exported(m, target);
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for f in families {
        let Some(d) = declared(m, f) else {
            // Prometheus' own series (of every scrape, of alerts) and recorded series
            // (`level:metric:operations`) are not the service's.
            let prometheus_own = matches!(
                f.name.as_str(),
                "up" | "scrape_duration_seconds"
                    | "scrape_samples_scraped"
                    | "scrape_samples_post_metric_relabeling"
                    | "scrape_series_added"
                    | "ALERTS"
                    | "ALERTS_FOR_STATE"
            );
            if !prometheus_own && !f.name.contains(':') {
                out.push(
                    Diagnostic::new(&v::UNDECLARED_METRIC, place(f), format!("`{}` ({}) is exported but not declared", f.name, f.kind))
                        .label("not in the spec")
                        .help("declare it under `metrics:` (with its labels and their bounds), or stop exporting it"),
                );
            }
            continue;
        };
        seen.insert(d.name.value.as_str());
        let want = kind_name(d.kind);
        if f.kind != "unknown" && f.kind != want {
            out.push(
                Diagnostic::new(&v::METRIC_MISMATCH, d.kind_span, format!("`{}` is exported as a {}, declared as a {want}", d.name.value, f.kind))
                    .label("declared type")
                    .secondary(place(f), "as exported")
                    .help("make the code record what the spec declares, or change the declaration (and what reads it)"),
            );
        }
        let unit = d.unit_text.as_ref().map_or("", |u| u.value.as_str());
        if !f.unit.is_empty() && unit != "none" && f.unit != unit {
            out.push(
                Diagnostic::new(
                    &v::METRIC_MISMATCH,
                    d.unit_text.as_ref().map_or(d.name.span, |u| u.span),
                    format!(
                        "`{}` is exported in {}, declared in {}",
                        d.name.value,
                        f.unit,
                        if unit.is_empty() { "no unit" } else { unit }
                    ),
                )
                .label("declared unit")
                .secondary(place(f), "as exported")
                .help("one unit, the base unit, in both"),
            );
        }
        if let Some(h) = &d.help
            && !f.help.is_empty()
            && f.help.trim() != h.value.trim()
        {
            out.push(
                Diagnostic::new(
                    &v::HELP_MISMATCH,
                    h.span,
                    format!(
                        "`{}`'s help is \"{}\" in the exposition",
                        d.name.value, f.help
                    ),
                )
                .label("the spec's help")
                .secondary(place(f), "as exported")
                .help(
                    "generate the bindings from the spec (`rust/`), so the help text is the spec's",
                ),
            );
        }
        let declared_labels: BTreeMap<&str, Option<BTreeSet<&str>>> = d
            .labels
            .iter()
            .map(|l| {
                (
                    l.name.value.as_str(),
                    l.values
                        .as_ref()
                        .map(|vs| vs.iter().map(|x| x.value.as_str()).collect()),
                )
            })
            .collect();
        let mut undeclared: BTreeSet<&str> = BTreeSet::new();
        let mut outside: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut distinct: BTreeSet<&Labels> = BTreeSet::new();
        for s in &f.series {
            distinct.insert(s);
            for (k, val) in s {
                if matches!(k.as_str(), "le" | "quantile" | "job" | "instance") {
                    continue;
                }
                match declared_labels.get(k.as_str()) {
                    None => {
                        undeclared.insert(k);
                    }
                    Some(Some(values)) if !values.contains(val.as_str()) => {
                        outside.entry(k).or_default().insert(val);
                    }
                    _ => {}
                }
            }
        }
        for l in undeclared {
            out.push(
                Diagnostic::new(
                    &v::UNDECLARED_LABEL,
                    d.name.span,
                    format!(
                        "`{}` is exported with the label `{l}`, which the spec does not declare",
                        d.name.value
                    ),
                )
                .label("declared here")
                .secondary(place(f), "as exported")
                .help(format!(
                    "declare `{l}` with its values or `max_values`, or stop sending it"
                )),
            );
        }
        for (l, vals) in outside {
            let span = d
                .labels
                .iter()
                .find(|x| x.name.value == l)
                .map_or(d.name.span, |x| x.name.span);
            let shown: Vec<String> = vals.iter().map(|x| format!("`{x}`")).collect();
            out.push(
                Diagnostic::new(&v::VALUE_OUTSIDE_SET, span, format!("`{}` is exported with {l}={}, outside the declared values", d.name.value, shown.join(", ")))
                    .label("the closed set")
                    .secondary(place(f), "as exported")
                    .help("add the value to the set (and to what reads it), or fix the code that sends it"),
            );
        }
        if let Some(b) = bound(d)
            && distinct.len() as u64 > b
        {
            out.push(
                Diagnostic::new(&v::OVER_BUDGET, d.name.span, format!("`{}` has {} series; its declared labels allow {b}", d.name.value, distinct.len()))
                    .label("declared here")
                    .secondary(place(f), "as exported")
                    .help("raise the bounds on purpose (the cardinality budget follows), or find the label that grows"),
            );
        }
    }
    // The service's own metrics; a client library's collectors (`provided_by`) depend
    // on the runtime it runs on.
    for d in exported
        .iter()
        .filter(|d| !d.catalog && d.provided_by.is_none() && !seen.contains(d.name.value.as_str()))
    {
        out.push(
            Diagnostic::new(&v::METRIC_MISSING, d.name.span, format!("`{}` is declared but not exported", d.name.value))
                .label("declared here")
                .help("record it (a labelled metric appears once first recorded), or remove the declaration and what reads it"),
        );
    }
    out
}

/// A target's series and metadata from a Prometheus server's HTTP API, as families.
pub fn from_prometheus(base: &str, target: &str) -> Result<Vec<Family>, String> {
    let base = base.trim_end_matches('/');
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let series: serde_json::Value = serde_json::from_str(&http_get(&format!(
        "{base}/api/v1/series?match[]={}",
        enc(&format!("{{job=\"{target}\"}}"))
    ))?)
    .map_err(|e| format!("Prometheus' series API: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_str(&http_get(&format!("{base}/api/v1/metadata"))?)
            .map_err(|e| format!("Prometheus' metadata API: {e}"))?;
    let meta = meta["data"].as_object().cloned().unwrap_or_default();
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    for s in series["data"].as_array().into_iter().flatten() {
        let Some(obj) = s.as_object() else { continue };
        let name = obj
            .get("__name__")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string();
        // A histogram's or summary's series belong to its family.
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|sfx| name.strip_suffix(sfx).filter(|b| meta.contains_key(*b)))
            .unwrap_or(&name)
            .to_string();
        let info = meta
            .get(&family)
            .and_then(|m| m.get(0))
            .cloned()
            .unwrap_or_default();
        let f = families.entry(family.clone()).or_insert_with(|| Family {
            name: family.clone(),
            kind: info["type"].as_str().unwrap_or("unknown").to_string(),
            help: info["help"].as_str().unwrap_or_default().to_string(),
            unit: info["unit"].as_str().unwrap_or_default().to_string(),
            ..Family::default()
        });
        let labels: Labels = obj
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "__name__" | "le" | "quantile"))
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect();
        if !f.series.contains(&labels) {
            f.series.push(labels);
        }
    }
    Ok(families.into_values().collect())
}

/// What [`from_prometheus`] read, as a text to point findings at: one line a family.
pub fn listing(base: &str, target: &str, families: &mut [Family]) -> SourceFile {
    let mut text = String::new();
    for f in families.iter_mut() {
        let start = text.len();
        text.push_str(&format!(
            "{} ({}, {} series)",
            f.name,
            f.kind,
            f.series.len()
        ));
        f.at = start..text.len();
        text.push('\n');
    }
    SourceFile::new(
        format!(
            "{}/api/v1/series?match[]={{job=\"{target}\"}}",
            base.trim_end_matches('/')
        ),
        text,
    )
}

/// Reads an exposition (`-`: stdin; `http://…`: fetched; else a file) into `sources`.
pub fn read(source: &str, sources: &mut SourceSet) -> Result<(FileId, Vec<Family>), String> {
    let text = match source {
        "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("stdin: {e}"))?;
            s
        }
        u if u.starts_with("http://") || u.starts_with("https://") => http_get(u)?,
        path => std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
    };
    let families = parse(&text)?;
    let id = sources.add(SourceFile::new(
        if source == "-" { "<stdin>" } else { source },
        text,
    ));
    Ok((id, families))
}
