//! Pipeline of `forge-spec live-check`: what a running service exports — its
//! exposition (text 0.0.4 or OpenMetrics, read by [`crate::exposition`]) from a URL, a
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
use std::io::Read;

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

/// How long a whole read may take (connect, request, every byte of the response), by
/// default; `--timeout` sets it.
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// Largest response or file read, in bytes.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A URL as it may be printed: the password of its user replaced by `*`, the value of
/// every query parameter by `…` (a fragment dropped with it); secrets masked and
/// control characters neutralised.
pub fn safe_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, tail) = rest
        .find(['/', '?', '#'])
        .map_or((rest, ""), |i| (&rest[..i], &rest[i..]));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or_default();
            // One character: a longer mask would itself look like a credential.
            format!("{user}:*@{host}")
        }
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let masked: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) => format!("{k}=…"),
                    None => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", masked.join("&"))
        }
        None => tail.to_string(),
    };
    let shown = if scheme.is_empty() {
        format!("{authority}{tail}")
    } else {
        format!("{scheme}://{authority}{tail}")
    };
    crate::secrets::redact(&shown).into_owned()
}

/// A text from the other end (a status line, a header) as it may be printed: secrets
/// masked, control characters neutralised, at most 200 characters.
fn safe_text(s: &str) -> String {
    let s: String = s.chars().take(200).collect();
    crate::secrets::redact(&s).into_owned()
}

/// Base64 (standard alphabet, padded), for a URL's `user:password` (Basic auth).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Percent-decoding of a URL's user or password.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// An HTTP or HTTPS GET (ureq, with rustls and the Mozilla root certificates), within
/// `deadline` as a whole (connect, request, every byte of the response) and
/// [`MAX_BYTES`]. A URL's `user:password@` is sent as Basic authorisation, never as part
/// of the host; errors name the URL with its credentials masked ([`safe_url`]) and show
/// nothing the server sent but its status code.
pub fn http_get(url: &str, deadline: std::time::Duration) -> Result<String, String> {
    let shown = safe_url(url);
    let (scheme, rest) = url
        .split_once("://")
        .filter(|(s, _)| matches!(*s, "http" | "https"))
        .ok_or_else(|| format!("{shown}: only http:// and https:// URLs are read"))?;
    let (authority, tail) = rest
        .find(['/', '?', '#'])
        .map_or((rest, ""), |i| (&rest[..i], &rest[i..]));
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let valid_host = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b));
    if !valid_host {
        return Err(format!("{shown}: not a host name"));
    }
    let tail = tail.split('#').next().unwrap_or_default();
    let path = if tail.starts_with('?') {
        format!("/{tail}")
    } else {
        tail.to_string()
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(deadline))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent
        .get(format!("{scheme}://{host}{path}"))
        .header("Accept", "text/plain;version=0.0.4")
        .header("Accept-Encoding", "identity");
    if let Some(u) = userinfo {
        let (user, pass) = u.split_once(':').unwrap_or((u, ""));
        let mut cred = percent_decode(user);
        cred.push(b':');
        cred.extend(percent_decode(pass));
        request = request.header("Authorization", format!("Basic {}", base64(&cred)));
    }
    let timed_out = || {
        format!(
            "{shown}: no complete response within {} s",
            deadline.as_secs_f64()
        )
    };
    let too_large = || format!("{shown}: the response is larger than {MAX_BYTES} bytes");
    let failed = |e: ureq::Error| match e {
        ureq::Error::Timeout(_) => timed_out(),
        ureq::Error::BodyExceedsLimit(_) => too_large(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => timed_out(),
        e => format!("{shown}: {}", safe_text(&e.to_string())),
    };
    let mut response = request.call().map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{shown}: HTTP {}", status.as_u16()));
    }
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BYTES) {
        return Err(too_large());
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .map_err(failed)?;
    String::from_utf8(body).map_err(|_| format!("{shown}: the response is not UTF-8"))
}

/// The families of an exposition ([`crate::exposition::parse`]).
pub fn parse(text: &str) -> Result<Vec<Family>, String> {
    crate::exposition::parse(text)
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
pub fn from_prometheus(
    base: &str,
    target: &str,
    deadline: std::time::Duration,
) -> Result<Vec<Family>, String> {
    let started = std::time::Instant::now();
    let left = || deadline.saturating_sub(started.elapsed());
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
    let series: serde_json::Value = serde_json::from_str(&http_get(
        &format!(
            "{base}/api/v1/series?match[]={}",
            enc(&format!("{{job=\"{target}\"}}"))
        ),
        left(),
    )?)
    .map_err(|e| format!("Prometheus' series API: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_str(&http_get(&format!("{base}/api/v1/metadata"), left())?)
            .map_err(|e| format!("Prometheus' metadata API: {e}"))?;
    let meta = meta["data"].as_object().cloned().unwrap_or_default();
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    // Series seen, by family: a set, not a scan of the list (20,000 series in ms).
    let mut seen: std::collections::HashMap<String, std::collections::HashSet<Labels>> =
        std::collections::HashMap::new();
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
        if seen.entry(family).or_default().insert(labels.clone()) {
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
            safe_url(base.trim_end_matches('/'))
        ),
        text,
    )
}

/// Reads an exposition (`-`: stdin; `http://…`: fetched; else a file) into `sources`,
/// within `deadline` and [`MAX_BYTES`] whatever the source: an endless file
/// (`/dev/zero`), a FIFO no one writes to, or a server that trickles are errors, not
/// hangs.
pub fn read(
    source: &str,
    sources: &mut SourceSet,
    deadline: std::time::Duration,
) -> Result<(FileId, Vec<Family>), String> {
    let text = match source {
        u if u.starts_with("http://") || u.starts_with("https://") => http_get(u, deadline)?,
        "-" => read_within("stdin", None, deadline)?,
        path => read_within(path, Some(std::path::PathBuf::from(path)), deadline)?,
    };
    let families = parse(&text)?;
    let id = sources.add(SourceFile::new(
        if source == "-" {
            "<stdin>".to_string()
        } else {
            safe_url(source)
        },
        text,
    ));
    Ok((id, families))
}

/// Reads a file (or stdin when `path` is `None`) on a thread of its own, at most
/// [`MAX_BYTES`], giving up when `deadline` passes (the thread is left blocked on a FIFO
/// or a silent pipe; the process exits after the error).
fn read_within(
    name: &str,
    path: Option<std::path::PathBuf>,
    deadline: std::time::Duration,
) -> Result<String, String> {
    let shown = crate::secrets::redact(name).into_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let read = || -> std::io::Result<Vec<u8>> {
            let mut bytes = Vec::new();
            match path {
                Some(p) => std::fs::File::open(p)?
                    .take(MAX_BYTES + 1)
                    .read_to_end(&mut bytes)?,
                None => std::io::stdin()
                    .take(MAX_BYTES + 1)
                    .read_to_end(&mut bytes)?,
            };
            Ok(bytes)
        };
        let _ = tx.send(read());
    });
    let bytes = match rx.recv_timeout(deadline) {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return Err(format!("{shown}: {e}")),
        Err(_) => {
            return Err(format!(
                "{shown}: not read within {} s (a FIFO or a pipe no one writes to?)",
                deadline.as_secs_f64()
            ));
        }
    };
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("{shown}: larger than {MAX_BYTES} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8"))
}
