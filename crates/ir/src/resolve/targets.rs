//! Stage 2, resolve: Targets and metrics: scrape addresses and the metric definitions.

use super::*;

impl Resolver<'_> {
    /// Reports a target address Prometheus would refuse or misread: only `host` or
    /// `host:port` (no scheme, path, query or credentials).
    /// A target: scraped at its address, or probed (`probe:`); its catalogues known.
    pub(super) fn target(&mut self, name: S, t: syntax::Target) -> Target {
        let mut uses = syntax::catalogs::used_by(&t);
        for u in t.uses.iter().flatten() {
            let known =
                u.value == syntax::catalogs::OWN || syntax::catalogs::get(&u.value).is_some();
            if !known {
                let names = std::iter::once(syntax::catalogs::OWN)
                    .chain(syntax::catalogs::CATALOGS.iter().map(|(n, _)| *n));
                let d = Diagnostic::new(
                    &n::UNKNOWN_CATALOG,
                    u.span,
                    format!("no exporter catalogue is called `{}`", u.value),
                )
                .label("not a catalogue")
                .suggest(
                    &u.value,
                    names,
                    "`forge-spec explain N010` lists the catalogues",
                );
                self.out.push(d);
            }
        }
        uses.sort();
        uses.dedup();
        let (address, probe) = match (t.address, t.probe) {
            (Some(a), None) => {
                self.address(&a);
                (a, None)
            }
            (a, Some(p)) => {
                if let Some(a) = a {
                    self.invalid(
                        a.span,
                        format!("target `{}` has both `address:` and `probe:`", name.value),
                        "a target is scraped at its address or probed, not both",
                    );
                }
                let url = &p.url.value;
                if url.contains('@') || url.chars().any(char::is_whitespace) || url.is_empty() {
                    self.invalid(
                        p.url.span,
                        format!("`{url}` is not a probe URL"),
                        "write the URL without credentials or spaces, e.g. `http://ollama:11434/`",
                    );
                }
                let exporter = p.exporter.map_or_else(
                    || "blackbox-exporter:9115".to_string(),
                    |e| {
                        self.address(&e);
                        e.value
                    },
                );
                let module = p.module.map_or_else(|| "http_2xx".to_string(), |m| m.value);
                (p.url, Some(Probe { module, exporter }))
            }
            (None, None) => {
                self.out.push(
                    Diagnostic::new(
                        &p::MISSING_KEY,
                        name.span,
                        format!("target `{}` has no `address:`", name.value),
                    )
                    .label("nothing to scrape")
                    .help("add `address: host:port`, or `probe: {url: ...}` for a dependency without metrics"),
                );
                (Spanned::new(String::new(), name.span), None)
            }
        };
        let kubernetes = deploy::target(&name.value, t.kubernetes, self.out);
        Target {
            name,
            address,
            metrics_path: t
                .metrics_path
                .map_or_else(|| "/metrics".into(), |p| p.value),
            probe,
            uses,
            kubernetes,
            labels: t.labels,
        }
    }

    pub(super) fn address(&mut self, a: &S) {
        let v = a.value.as_str();
        let (host, port) = match v.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') && !h.contains('[') => (h, Some(p)),
            _ => (v, None),
        };
        let (host, port) = match v.strip_prefix('[').and_then(|x| x.split_once(']')) {
            Some((h, rest)) => (h, rest.strip_prefix(':')),
            None => (host, port),
        };
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
        let port_ok = port.is_none_or(|p| {
            !p.is_empty()
                && p.len() <= 5
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
        });
        if !(host_ok && port_ok) {
            let why = if v.contains("://") {
                "it has a scheme; Prometheus adds it (`scheme:`)"
            } else if v.contains('@') {
                "it has credentials, which would be written into prometheus.yml"
            } else if v.contains('/') {
                "it has a path; set the target's `metrics_path:` instead"
            } else {
                "an address is `host` or `host:port` (port 1–65535)"
            };
            self.invalid(
                a.span,
                format!("`{v}` is not a scrape address: {why}"),
                "write `host:port`, e.g. `ai-forge:8000`",
            );
        }
    }

    pub(super) fn metric(&mut self, name: S, mt: syntax::Metric) -> Option<Metric> {
        self.allow(&name, &mt.allow);
        // A misspelt type is reported and then read as the type it is closest to, so
        // the metric's uses are still checked (and not reported as unknown).
        let kind = MetricKind::parse(&mt.kind.value).or_else(|| {
            let d = Diagnostic::new(
                &p::INVALID_VALUE,
                mt.kind.span,
                format!("`{}` is not a metric type", mt.kind.value),
            )
            .label("unknown type");
            let assumed = did_you_mean(&mt.kind.value, crate::closed::METRIC_TYPES.iter().copied());
            self.out.push(match assumed {
                Some(s) => d
                    .did_you_mean(s)
                    .note(format!("the other checks take it as `{s}`")),
                None => d
                    .help("use counter, gauge, histogram or summary")
                    .drops(&name.value),
            });
            assumed.and_then(MetricKind::parse)
        })?;
        let labels = mt
            .labels
            .0
            .into_iter()
            .map(|(lname, spec)| Label {
                name: lname,
                values: spec.values.map(|v| v.value),
                max_values: spec.max_values,
            })
            .collect();
        let (buckets, buckets_span) = match mt.buckets {
            Some(b) => (b.value, Some(b.span)),
            None => (Vec::new(), None),
        };
        Some(Metric {
            unit: Unit::from_metric(mt.unit.as_ref().map(|u| u.value.as_str())),
            unit_text: mt.unit,
            name,
            kind,
            kind_span: mt.kind.span,
            help: mt.help,
            labels,
            buckets,
            buckets_span,
            standard: mt.standard.is_some_and(|s| s.value),
            provided_by: mt.provided_by,
            exporters: Vec::new(),
            catalog: false,
            absent_alert: mt.absent.as_ref().is_none_or(|a| a.alert.value),
        })
    }
}
