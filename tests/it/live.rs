//! `forge-spec live-check`: an exposition (text 0.0.4 or OpenMetrics) or a Prometheus
//! server's series of a target, against the spec. A matching exposition passes; each
//! fault (an undeclared metric, a dropped one, a value outside a closed set, an
//! undeclared label, another type or unit, more series than declared, another help)
//! is found with its code. `ci/oracles` runs it on the example service's real
//! exposition, with and without injected faults.

use forge_spec::live;
use std::io::{Read, Write};

const SPEC: &str = r##"service: {name: shop, metric_prefix: shop_}
targets: {shop: {address: "shop:80"}}
metrics:
  shop_jobs_total: {type: counter, help: Jobs run., labels: {outcome: {values: [ok, failed]}}}
  shop_requests_total: {type: counter, help: Requests., labels: {route: {max_values: 2}}}
  shop_latency_seconds: {type: histogram, unit: seconds, help: Latency., buckets: [0.1, 1]}
  shop_queue_depth: {type: gauge, help: Jobs waiting.}
"##;

const TEXT: &str = "# HELP shop_jobs_total Jobs run.
# TYPE shop_jobs_total counter
shop_jobs_total{outcome=\"ok\"} 3
shop_jobs_total{outcome=\"failed\"} 1
# HELP shop_requests_total Requests.
# TYPE shop_requests_total counter
shop_requests_total{route=\"/a\"} 5
shop_requests_total{route=\"/b\"} 5
# HELP shop_latency_seconds Latency.
# TYPE shop_latency_seconds histogram
shop_latency_seconds_bucket{le=\"0.1\"} 1
shop_latency_seconds_bucket{le=\"1\"} 2
shop_latency_seconds_bucket{le=\"+Inf\"} 2
shop_latency_seconds_sum 0.6
shop_latency_seconds_count 2
# HELP shop_queue_depth Jobs waiting.
# TYPE shop_queue_depth gauge
shop_queue_depth 4
";

/// The findings (code, message) of `exposition` against SPEC.
fn check(exposition: &str) -> Vec<(String, String)> {
    let c = forge_spec::compile_str(&[("spec.yaml", SPEC)], &Default::default());
    assert!(!c.diagnostics.has_errors());
    let families = live::parse(exposition).expect("the exposition parses");
    live::compare(c.model.as_ref().unwrap(), Some("shop"), &families, None)
        .into_iter()
        .map(|d| (d.code.code.to_string(), d.message))
        .collect()
}

fn has(found: &[(String, String)], code: &str, text: &str) -> bool {
    found.iter().any(|(c, m)| c == code && m.contains(text))
}

#[test]
fn a_matching_exposition_passes() {
    assert_eq!(check(TEXT), []);
}

/// The same service in OpenMetrics (counters named without `_total`, units, `# EOF`)
/// passes too, and its unit is compared.
#[test]
fn openmetrics_is_read() {
    let om = TEXT
        .replace("# TYPE shop_jobs_total counter", "# TYPE shop_jobs counter")
        .replace("# HELP shop_jobs_total", "# HELP shop_jobs")
        .replace(
            "# TYPE shop_requests_total counter",
            "# TYPE shop_requests counter",
        )
        .replace("# HELP shop_requests_total", "# HELP shop_requests")
        .replace(
            "# TYPE shop_latency_seconds histogram",
            "# TYPE shop_latency_seconds histogram\n# UNIT shop_latency_seconds seconds",
        )
        + "# EOF\n";
    assert_eq!(check(&om), []);
    let wrong = om.replace(
        "# UNIT shop_latency_seconds seconds",
        "# UNIT shop_latency_seconds milliseconds",
    );
    assert!(has(
        &check(&wrong),
        "V003",
        "exported in milliseconds, declared in seconds"
    ));
}

/// Every fault is found, with its code.
#[test]
fn faults_are_found() {
    let undeclared = format!(
        "{TEXT}# HELP shop_cache_hits_total Hits.\n# TYPE shop_cache_hits_total counter\nshop_cache_hits_total 3\n"
    );
    assert!(has(
        &check(&undeclared),
        "V001",
        "`shop_cache_hits_total` (counter) is exported but not declared"
    ));
    let dropped: String = TEXT
        .lines()
        .filter(|l| !l.contains("shop_queue_depth"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(has(
        &check(&dropped),
        "V002",
        "`shop_queue_depth` is declared but not exported"
    ));
    let outside = TEXT.replace("outcome=\"failed\"", "outcome=\"timeout\"");
    assert!(has(&check(&outside), "V005", "outcome=`timeout`"));
    let label = TEXT.replace("shop_queue_depth 4", "shop_queue_depth{queue=\"a\"} 4");
    assert!(has(&check(&label), "V004", "with the label `queue`"));
    let retyped = TEXT.replace(
        "# TYPE shop_jobs_total counter",
        "# TYPE shop_jobs_total gauge",
    );
    assert!(has(
        &check(&retyped),
        "V003",
        "exported as a gauge, declared as a counter"
    ));
    let many = TEXT.replace(
        "shop_requests_total{route=\"/b\"} 5",
        "shop_requests_total{route=\"/b\"} 5\nshop_requests_total{route=\"/c\"} 5",
    );
    assert!(has(
        &check(&many),
        "V006",
        "has 3 series; its declared labels allow 2"
    ));
    let help = TEXT.replace(
        "# HELP shop_queue_depth Jobs waiting.",
        "# HELP shop_queue_depth queue",
    );
    assert!(has(&check(&help), "V007", "help is \"queue\""));
}

/// Input that is not an exposition is an error, never a panic.
#[test]
fn broken_expositions_are_errors() {
    for bad in [
        "shop_jobs_total{outcome=\"ok\" 3\n",
        "# TYPE x histogram\nx_bucket{le=\"1\"} 1\n# EOF\n",
        "\u{0}\u{1}garbage {{{",
    ] {
        assert!(live::parse(bad).is_err(), "{bad:?}");
    }
}

/// `--prometheus`: a target's series and metadata through Prometheus' HTTP API (served
/// here by a stand-in that answers as Prometheus does).
#[test]
fn prometheus_api_mode() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let series = r#"{"status":"success","data":[
        {"__name__":"shop_jobs_total","job":"shop","instance":"a:80","outcome":"ok"},
        {"__name__":"shop_jobs_total","job":"shop","instance":"a:80","outcome":"lost"},
        {"__name__":"shop_latency_seconds_bucket","job":"shop","instance":"a:80","le":"1"},
        {"__name__":"shop_latency_seconds_count","job":"shop","instance":"a:80"},
        {"__name__":"shop_requests_total","job":"shop","instance":"a:80","route":"/a"},
        {"__name__":"shop_queue_depth","job":"shop","instance":"a:80"},
        {"__name__":"up","job":"shop","instance":"a:80"},
        {"__name__":"ALERTS","job":"shop","alertname":"ShopDown","alertstate":"firing"},
        {"__name__":"job:shop_jobs:rate5m","job":"shop"}]}"#;
    let meta = r#"{"status":"success","data":{
        "shop_jobs_total":[{"type":"counter","help":"Jobs run.","unit":""}],
        "shop_latency_seconds":[{"type":"histogram","help":"Latency.","unit":""}],
        "shop_requests_total":[{"type":"counter","help":"Requests.","unit":""}],
        "shop_queue_depth":[{"type":"gauge","help":"Jobs waiting.","unit":""}]}}"#;
    let server = std::thread::spawn(move || {
        let mut paths = Vec::new();
        for _ in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            // The whole request, up to its blank line.
            let mut req = String::new();
            let mut buf = [0u8; 1024];
            while !req.contains("\r\n\r\n") {
                let n = s.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                req.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            let path = req
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string();
            let body = if path.starts_with("/api/v1/series") {
                series
            } else {
                meta
            };
            write!(
                s,
                "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{body}"
            )
            .unwrap();
            paths.push(path);
        }
        paths
    });
    let c = forge_spec::compile_str(&[("spec.yaml", SPEC)], &Default::default());
    let families = live::from_prometheus(&format!("http://{addr}"), "shop", live::DEADLINE)
        .expect("the API answers");
    let found: Vec<(String, String)> =
        live::compare(c.model.as_ref().unwrap(), Some("shop"), &families, None)
            .into_iter()
            .map(|d| (d.code.code.to_string(), d.message))
            .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(has(&found, "V005", "outcome=`lost`"), "{found:?}");
    let paths = server.join().unwrap();
    assert!(
        paths[0].contains("match[]=%7Bjob%3D%22shop%22%7D"),
        "{paths:?}"
    );
}

/// A family larger than a run is read whole, in either format, its series counted once.
#[test]
fn large_families_are_read_whole() {
    let mut text =
        String::from("# HELP shop_requests_total Requests.\n# TYPE shop_requests_total counter\n");
    for i in 0..2_000 {
        text.push_str(&format!("shop_requests_total{{route=\"/r{i}\"}} {i}\n"));
    }
    text.push_str("# TYPE shop_queue_depth gauge\nshop_queue_depth 1\n");
    let families = live::parse(&text).unwrap();
    let requests = families
        .iter()
        .find(|f| f.name == "shop_requests_total")
        .unwrap();
    assert_eq!(requests.series.len(), 2_000);
    assert!(has(
        &check(&text),
        "V006",
        "has 2000 series; its declared labels allow 2"
    ));
    let om = text
        .replace(
            "# TYPE shop_requests_total counter",
            "# TYPE shop_requests counter",
        )
        .replace("# HELP shop_requests_total", "# HELP shop_requests")
        + "# EOF\n";
    let families = live::parse(&om).unwrap();
    assert_eq!(
        families
            .iter()
            .find(|f| f.name == "shop_requests")
            .unwrap()
            .series
            .len(),
        2_000
    );
}

// ---- Hostile servers and sources ---------------------------------------------------

use std::time::{Duration, Instant};

/// A one-connection server: `answer` gets the request text and the stream.
fn serve(answer: impl FnOnce(String, std::net::TcpStream) + Send + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 1024];
        while !String::from_utf8_lossy(&req).contains("\r\n\r\n") {
            let n = s.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            req.extend_from_slice(&buf[..n]);
        }
        answer(String::from_utf8_lossy(&req).into_owned(), s);
    });
    format!("http://{addr}")
}

/// A server that sends a byte at a time, slowly, never finishing: one deadline for the
/// whole read ends it (not a timeout per read, which each byte would reset).
#[test]
fn a_trickling_server_meets_one_deadline() {
    let url = serve(|_, mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\n\r\n");
        for _ in 0..100 {
            if s.write_all(b"#").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    });
    let started = Instant::now();
    let e = live::http_get(&format!("{url}/metrics"), Duration::from_secs(2)).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert!(e.contains("no complete response within 2 s"), "{e}");
}

/// A server that keeps the connection open after a body of `Content-Length` bytes (or
/// after the last chunk of a chunked one) is not waited on.
#[test]
fn keep_alive_bodies_end_at_their_length() {
    let url = serve(|_, mut s| {
        let body = "a_total 1\n";
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
            body.len()
        );
        std::thread::sleep(Duration::from_secs(20));
    });
    let started = Instant::now();
    let body = live::http_get(&url, Duration::from_secs(15)).unwrap();
    assert_eq!(body, "a_total 1\n");
    assert!(started.elapsed() < Duration::from_secs(5));
    let url = serve(|_, mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\na_to\r\n6;x=y\r\ntal 1\n\r\n0\r\n\r\n");
        std::thread::sleep(Duration::from_secs(20));
    });
    assert_eq!(
        live::http_get(&url, Duration::from_secs(15)).unwrap(),
        "a_total 1\n"
    );
}

/// An endless body, or one that declares more than the cap, is an error at the cap.
#[test]
fn endless_bodies_stop_at_the_cap() {
    let url = serve(|_, mut s| {
        let _ = s.write_all(b"HTTP/1.0 200 OK\r\n\r\n");
        let block = vec![b'a'; 1 << 20];
        while s.write_all(&block).is_ok() {}
    });
    let e = live::http_get(&url, Duration::from_secs(60)).unwrap_err();
    assert!(e.contains("larger than"), "{e}");
    let url = serve(|_, mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\n");
    });
    let e = live::http_get(&url, Duration::from_secs(5)).unwrap_err();
    assert!(e.contains("larger than"), "{e}");
}

/// Credentials in a URL are sent as Basic authorisation (`user:pass@host` is not a
/// host name) and never printed: not in an error, not in a status line; a query's
/// values are masked too; a status line's terminal escapes are neutralised.
#[test]
fn credentials_are_sent_not_shown() {
    let (tx, rx) = std::sync::mpsc::channel();
    let url = serve(move |req, mut s| {
        let _ = tx.send(req);
        let _ =
            s.write_all(b"HTTP/1.0 403 Forbidden \x1b[31mhunter22-token\x1b]0;pwned\x07\r\n\r\n");
    });
    let with_creds =
        url.replace("http://", "http://admin:hunter22%21@") + "/metrics?token=s3cr3t-t0ken-value";
    let e = live::http_get(&with_creds, Duration::from_secs(5)).unwrap_err();
    let req = rx.recv().unwrap();
    // admin:hunter22! in base64 (header names are case-insensitive).
    assert!(
        req.to_ascii_lowercase()
            .contains("authorization: basic ywrtaw46ahvudgvymjih\r\n")
            && req.contains(" YWRtaW46aHVudGVyMjIh\r\n"),
        "{req}"
    );
    assert!(
        req.starts_with("GET /metrics?token=s3cr3t-t0ken-value HTTP/1.1\r\n"),
        "{req}"
    );
    assert!(
        !e.contains("hunter22%21@") && !e.contains("s3cr3t-t0ken-value"),
        "{e}"
    );
    assert!(e.contains("admin:*@") && e.contains("token=…"), "{e}");
    // A status line with terminal escapes is refused, and nothing of it is shown.
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    assert!(
        !e.contains("hunter22-token") && !e.contains("pwned"),
        "{e:?}"
    );
    let url = serve(|_, mut s| {
        let _ = s.write_all(b"HTTP/1.0 403 Forbidden\r\n\r\n");
    });
    let e = live::http_get(&format!("{url}/metrics"), Duration::from_secs(5)).unwrap_err();
    assert!(e.contains("HTTP 403"), "{e}");
    for bad in ["http://user:pass@/x", "http://a b/", "http://x\u{1b}[1m/"] {
        let e = live::http_get(bad, Duration::from_secs(2)).unwrap_err();
        assert!(!e.contains("pass@") && !e.contains('\u{1b}'), "{e:?}");
    }
    assert_eq!(
        live::safe_url("http://u:p4ssw0rd@h:9090/api?match[]=x&key=abc#f"),
        "http://u:*@h:9090/api?match[]=…&key=…"
    );
}

/// Files that never end (`/dev/zero`), FIFOs no one writes to: an error within the
/// deadline, not a hang or an exhausted memory.
#[cfg(unix)]
#[test]
fn endless_and_silent_files_are_errors() {
    let mut sources = forge_spec::source::SourceSet::default();
    let e = live::read("/dev/zero", &mut sources, Duration::from_secs(60)).unwrap_err();
    assert!(e.contains("larger than"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("metrics.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let e = live::read(fifo.to_str().unwrap(), &mut sources, Duration::from_secs(1)).unwrap_err();
    assert!(e.contains("not read within 1 s"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Expositions Prometheus accepts are read: a sample with no `# TYPE` (an untyped
/// family of its own), comments, timestamps, escapes, exemplars; errors name the line
/// and never print it (a bad line may hold a token).
#[test]
fn the_reader_takes_what_prometheus_takes() {
    for ok in [
        "a_total 1\n",
        "a_total 1 1700000000000\n# a comment\nb{x=\"1\"} NaN\n",
        "# TYPE c counter\nc_total{l=\"a\\\\b\\\"c\\nd\"} +Inf\n",
        "# TYPE c counter\nc_total 1 # {trace_id=\"abc\"} 1.0 1700000000.000\n# EOF\n",
        "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\n",
        "",
    ] {
        assert!(live::parse(ok).is_ok(), "{ok:?}: {:?}", live::parse(ok));
    }
    let e = live::parse("ok 1\nbad{token=\"ghp_abcdefghijklmnopqrstuvwxyz0123456789\" 1\n")
        .unwrap_err();
    assert!(e.contains("line 2"), "{e}");
    assert!(!e.contains("ghp_"), "{e}");
    for bad in [
        "# TYPE a counter\n# TYPE a gauge\na 1\n",
        "a 1\n# TYPE a counter\n",
        "a{x=\"1\",x=\"2\"} 1\n",
        "a{1x=\"1\"} 1\n",
        "a one\n",
        "a 1 2 3\n",
        "# TYPE a foo\n",
        "a 1\n# EOF\nb 2\n",
    ] {
        assert!(live::parse(bad).is_err(), "{bad:?}");
    }
}

/// Reading grows linearly: a histogram of 16,000 label sets (and a family of 100,000
/// series) is one family with each series once. (The old reader took 54 s on the
/// first; the time is measured by `benches/`, not asserted here.)
#[test]
fn large_histograms_are_one_family() {
    let mut text = String::from("# TYPE h_seconds histogram\n");
    for i in 0..16_000 {
        for le in ["0.1", "1", "+Inf"] {
            text.push_str(&format!("h_seconds_bucket{{id=\"{i}\",le=\"{le}\"}} 1\n"));
        }
        text.push_str(&format!(
            "h_seconds_count{{id=\"{i}\"}} 1\nh_seconds_sum{{id=\"{i}\"}} 1\n"
        ));
    }
    for i in 0..100_000 {
        text.push_str(&format!("g{{id=\"{i}\"}} 1\n"));
    }
    let families = live::parse(&text).unwrap();
    assert_eq!(families.len(), 2);
    assert_eq!(families[0].series.len(), 16_000);
    assert_eq!(families[1].series.len(), 100_000);
    assert!(families[0].series.iter().all(|s| !s.contains_key("le")));
}

/// `--prometheus` with 20,000 series of one target: each family's series counted
/// once, read in linear time (a set per family, not a scan of the list per series;
/// the old reader took 22 s).
#[test]
fn many_series_through_the_api() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut series = String::from(r#"{"status":"success","data":["#);
    for i in 0..20_000 {
        if i > 0 {
            series.push(',');
        }
        // Each series twice (two instances' `le` buckets collapse to one label set).
        series.push_str(&format!(
            r#"{{"__name__":"shop_latency_seconds_bucket","job":"shop","route":"/r{i}","le":"1"}},{{"__name__":"shop_latency_seconds_bucket","job":"shop","route":"/r{i}","le":"+Inf"}}"#
        ));
    }
    series.push_str("]}");
    let meta = r#"{"status":"success","data":{"shop_latency_seconds":[{"type":"histogram","help":"Latency.","unit":""}]}}"#;
    std::thread::spawn(move || {
        for _ in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !String::from_utf8_lossy(&req).contains("\r\n\r\n") {
                let n = s.read(&mut buf).unwrap();
                req.extend_from_slice(&buf[..n]);
            }
            let body = if String::from_utf8_lossy(&req).contains("/api/v1/series") {
                series.as_str()
            } else {
                meta
            };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let families =
        live::from_prometheus(&format!("http://{addr}"), "shop", Duration::from_secs(60)).unwrap();
    assert_eq!(families.len(), 1);
    assert_eq!(families[0].series.len(), 20_000);
}

/// `https://` is spoken (TLS through rustls): a server that answers in plain HTTP is a
/// TLS failure naming the URL, not a refusal of the scheme; other schemes are refused.
#[test]
fn https_is_spoken() {
    let url = serve(|_, mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\na_total 1\n");
    });
    let tls = url.replace("http://", "https://");
    let e = live::http_get(&format!("{tls}/metrics"), Duration::from_secs(2)).unwrap_err();
    assert!(!e.contains("only http"), "{e}");
    assert!(e.starts_with(&format!("{tls}/metrics: ")), "{e}");
    let e = live::http_get("ftp://example.org/metrics", Duration::from_secs(5)).unwrap_err();
    assert!(e.contains("only http:// and https://"), "{e}");
}
