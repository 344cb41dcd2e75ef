//! Stage 2, resolve: SLOs: objectives, indicators (SLI selectors) and burn windows.

use super::*;

impl Resolver<'_> {
    pub(super) fn objective(&mut self, q: &Spanned<Quantity>) -> Option<f64> {
        let parsed = match &q.value {
            Quantity::Number(n) if *n > 1.0 => units::scale_decimal(&n.to_string(), -2),
            Quantity::Number(n) => Some(*n),
            Quantity::Text(t) => match units::parse_quantity(t) {
                Some((v, LitUnit::Percent | LitUnit::None)) if t.ends_with('%') || v <= 1.0 => {
                    Some(v)
                }
                Some((_, LitUnit::None)) => units::scale_decimal(t.trim(), -2),
                _ => None,
            },
        };
        if parsed.is_none() {
            self.invalid(
                q.span,
                format!("`{}` is not an objective", q.value),
                "write a percentage such as 99.9%",
            );
        }
        parsed
    }

    pub(super) fn sli_selector(
        &mut self,
        text: S,
        cat: &Catalog,
        kinds: &[MetricKind],
        role: &str,
    ) -> SliSelector {
        let map = SourceMap::new(self.sources, text.span, &text.value);
        let selector = match self.memo.as_ref().map_or_else(
            || expr::parse_selector(&text.value),
            |m| m.selector(&text.value),
        ) {
            Ok(sel) => {
                let checked = expr::check_selector(&sel, cat, map, kinds, role);
                self.out.extend(checked.diagnostics);
                Some(sel)
            }
            Err(e) => {
                self.syntax(
                    map,
                    &e,
                    "a metric selector such as `http_requests_total{code=\"5xx\"}`",
                );
                None
            }
        };
        SliSelector { text, selector }
    }

    pub(super) fn syntax(&mut self, map: SourceMap, e: &expr::ParseError, what: &str) {
        let d = Diagnostic::new(&x::EXPRESSION_SYNTAX, map.span(e.pos), e.message.clone())
            .label("here")
            .help(format!("expected {what}"));
        let d = if map.exact {
            d
        } else {
            d.note("the YAML string uses escapes or folding, so the whole value is marked")
        };
        self.out.push(d);
    }

    pub(super) fn slo(&mut self, name: S, sl: syntax::Slo, cat: &Catalog) -> Option<Slo> {
        self.allow(&name, &sl.allow);
        let objective = self.objective(&sl.objective)?;
        let calendar = sl
            .window
            .as_ref()
            .and_then(|w| self.calendar(w, sl.utc_offset.as_ref()));
        if let (None, Some(o)) = (calendar, &sl.utc_offset) {
            self.invalid(
                o.span,
                format!("`utc_offset` applies to calendar periods; SLO `{}` has a rolling window", name.value),
                "remove it, or set `window: calendar_month` (or `calendar_week`, `calendar_quarter`)",
            );
        }
        let (period, period_span) = match (&sl.window, calendar) {
            (Some(w), Some(c)) => (c.unit.nominal(), Some(w.span)),
            (Some(w), None) if calendar_window(&w.value).is_some() => (
                Duration {
                    ms: 30 * 86_400_000,
                },
                Some(w.span),
            ),
            (Some(w), None) => (
                self.duration(w).map_or(
                    Duration {
                        ms: 30 * 86_400_000,
                    },
                    |d| d.value,
                ),
                Some(w.span),
            ),
            (None, _) => (
                Duration {
                    ms: 30 * 86_400_000,
                },
                None,
            ),
        };
        let i = &sl.sli;
        let given: Vec<(&str, Span)> = [
            i.errors.as_ref().map(|v| ("errors", v.span)),
            i.good.as_ref().map(|v| ("good", v.span)),
            i.latency.as_ref().map(|v| ("latency", v.span)),
            i.uptime.as_ref().map(|v| ("uptime", v.span)),
            i.timeslice.as_ref().map(|v| ("timeslice", v.span)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if given.len() != 1 {
            let span = given.get(1).map_or(name.span, |g| g.1);
            let d = Diagnostic::new(
                &s::SLI_KIND_COUNT,
                span,
                format!(
                    "SLO `{}` must have exactly one indicator kind, found {}",
                    name.value,
                    given.len()
                ),
            )
            .label(if given.is_empty() {
                "no indicator"
            } else {
                "second indicator"
            })
            .help(
                "use one of `errors`+`total`, `good`+`total`, `latency`, `uptime` or `timeslice`",
            );
            self.out.push(d);
            if given.is_empty() {
                return None;
            }
        }
        let counters = [MetricKind::Counter];
        let sli = match given[0].0 {
            "errors" | "good" => {
                let good = given[0].0 == "good";
                let part = if good { sl.sli.good } else { sl.sli.errors }?;
                let Some(total) = sl.sli.total else {
                    self.out.push(
                        Diagnostic::new(
                            &p::MISSING_KEY,
                            part.span,
                            "a ratio indicator needs `total:`",
                        )
                        .label("no `total` beside this")
                        .help("add `total: <counter of all events>`"),
                    );
                    return None;
                };
                Sli::Ratio {
                    errors: self.sli_selector(part, cat, &counters, "an SLI's events"),
                    total: self.sli_selector(total, cat, &counters, "an SLI's total"),
                    good,
                }
            }
            "latency" => {
                let l = sl.sli.latency?.value;
                let below = match units::parse_quantity(&l.below.value) {
                    Some((v, LitUnit::Seconds | LitUnit::None)) => v,
                    _ => {
                        self.invalid(
                            l.below.span,
                            format!("`{}` is not a latency", l.below.value),
                            "write a duration such as 500ms",
                        );
                        return None;
                    }
                };
                Sli::Latency {
                    metric: self.sli_selector(
                        l.metric,
                        cat,
                        &[MetricKind::Histogram],
                        "a latency SLI",
                    ),
                    below,
                    below_span: l.below.span,
                }
            }
            "timeslice" => {
                let ts = sl.sli.timeslice?.value;
                let slice = match &ts.slice {
                    Some(d) => self.duration(d)?.value,
                    None => Duration { ms: 60_000 },
                };
                let (good, for_) = self.condition(ts.good, cat, false);
                let good = good?;
                if for_.is_some() {
                    self.invalid(
                        good.text.span,
                        "a timeslice condition has no `for`: a slice is good when it holds throughout the slice".into(),
                        "remove `for …`; set the slice's length with `slice:`",
                    );
                }
                Sli::Timeslice {
                    good: Box::new(good),
                    slice,
                }
            }
            _ => {
                let t = sl.sli.uptime?;
                if !cat.targets.contains(&t.value) {
                    let d = Diagnostic::new(
                        &n::UNKNOWN_TARGET,
                        t.span,
                        format!("unknown scrape target `{}`", t.value),
                    )
                    .unresolved(&t.value)
                    .label("not in `targets:`");
                    let d = d.suggest(
                        &t.value,
                        cat.targets.iter().map(String::as_str),
                        "declare it under `targets:`",
                    );
                    self.out.push(d);
                }
                Sli::Uptime { target: t }
            }
        };
        let mut al = sl.alerting;
        let own = al
            .as_mut()
            .map(|a| std::mem::take(&mut a.windows))
            .unwrap_or_default();
        let specs = if own.is_empty() {
            self.policy.to_vec()
        } else {
            own
        };
        let windows = if specs.is_empty() {
            super::slo::burn_windows(period).to_vec()
        } else {
            specs
                .iter()
                .filter_map(|w| self.burn_window(w, period))
                .collect()
        };
        let sev = |v: Option<&S>, d: &str| v.map_or_else(|| d.to_string(), |s| s.value.clone());
        let labels = self.free_labels(sl.labels, "SLO label");
        let (alert_labels, alert_annotations, page_labels, ticket_labels) = match al.as_mut() {
            Some(a) => (
                self.free_labels(std::mem::take(&mut a.labels), "alert label"),
                self.annotations(std::mem::take(&mut a.annotations)),
                self.free_labels(std::mem::take(&mut a.page_labels), "page alert label"),
                self.free_labels(std::mem::take(&mut a.ticket_labels), "ticket alert label"),
            ),
            None => (Vec::new(), Vec::new(), Vec::new(), Vec::new()),
        };
        for g in &sl.group_by {
            self.label_name(g, "SLO `group_by` label");
        }
        let sloth = match &sl.compat {
            None => false,
            Some(c) if c.value == "sloth" => true,
            Some(c) => {
                self.invalid(
                    c.span,
                    format!("`{}` is not a compatibility mode", c.value),
                    "the one mode is `sloth` (Sloth's labels and window names)",
                );
                false
            }
        };
        // Sloth has no low-traffic guard: with its compatibility, none unless asked.
        let min_events = match &sl.min_events {
            Some(n) => n.value,
            None if sloth || matches!(sli, Sli::Uptime { .. }) => 0,
            None => super::slo::default_min_events(objective, &windows),
        };
        Some(Slo {
            sloth,
            windows,
            group_by: sl.group_by,
            min_events,
            min_events_span: sl.min_events.as_ref().map(|n| n.span),
            expected_events_per_day: sl.expected_events_per_day,
            labels,
            alert_labels,
            alert_annotations,
            alert_summary: al.as_ref().and_then(|a| a.summary.clone()),
            page_labels,
            ticket_labels,
            alert_name: al
                .as_ref()
                .and_then(|a| a.name.as_ref())
                .map_or_else(|| camel(&name.value), |n| n.value.clone()),
            page_severity: sev(al.as_ref().and_then(|a| a.page.as_ref()), "critical"),
            ticket_severity: sev(al.as_ref().and_then(|a| a.ticket.as_ref()), "warning"),
            alerting_disabled: al
                .as_ref()
                .and_then(|a| a.disabled.as_ref())
                .is_some_and(|d| d.value),
            runbook: al.and_then(|a| a.runbook),
            name,
            objective,
            objective_span: sl.objective.span,
            period,
            period_span,
            calendar,
            description: sl.description,
            sli,
        })
    }

    /// A calendar period (`calendar_month`…) and its offset from UTC; `None` for a
    /// rolling window, or a calendar period that cannot be (a year: reported).
    fn calendar(&mut self, w: &S, offset: Option<&S>) -> Option<super::slo::Calendar> {
        use super::slo::{Calendar, CalendarUnit};
        let unit = match calendar_window(&w.value)? {
            "week" => CalendarUnit::Week,
            "month" => CalendarUnit::Month,
            "quarter" => CalendarUnit::Quarter,
            _ => {
                self.invalid(
                    w.span,
                    format!("`{}`: a calendar year is longer than burn-rate alerting supports", w.value),
                    "use `calendar_quarter`, `calendar_month` or `calendar_week` (periods up to 90 days, S002)",
                );
                return None;
            }
        };
        let offset_s = match offset {
            None => 0,
            Some(o) => match utc_offset(&o.value) {
                Some(s) => s,
                None => {
                    self.invalid(
                        o.span,
                        format!("`{}` is not an offset from UTC", o.value),
                        "write `+HH:MM` or `-HH:MM` in quarter hours (`+02:00`, `-05:30`), at most 14 hours; a time-zone name cannot be followed (PromQL's date functions know UTC alone)",
                    );
                    0
                }
            },
        };
        Some(Calendar { unit, offset_s })
    }

    /// One window pair of a burn-rate policy (its checks are S011's).
    pub(super) fn burn_window(
        &mut self,
        w: &syntax::BurnWindowSpec,
        period: Duration,
    ) -> Option<super::slo::BurnWindow> {
        use super::slo::Urgency;
        let urgency = match w.urgency.value.as_str() {
            "page" => Urgency::Page,
            "ticket" => Urgency::Ticket,
            other => {
                self.invalid(
                    w.urgency.span,
                    format!("`{other}` is not an urgency"),
                    "use `page` (the fast-burn alert) or `ticket` (the slow-burn alert)",
                );
                return None;
            }
        };
        let long = self.duration(&w.long)?.value;
        let short = self.duration(&w.short)?.value;
        Some(super::slo::BurnWindow {
            urgency,
            long,
            short,
            budget: w.factor.value * long.ms as f64 / period.ms.max(1) as f64,
            factor: w.factor.value,
            span: Some(w.urgency.span),
        })
    }
}
