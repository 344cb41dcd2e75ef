//! Stage 2, resolve: Routing: receiver references, the route tree and inhibitions.

use super::*;

impl Resolver<'_> {
    /// Checks a reference to a receiver. An unknown name close to a known one is
    /// reported and then taken as that one for the rest of the checks, so a typo is one
    /// error, not also a failed routing test and an unused receiver.
    pub(super) fn receiver_ref(&mut self, r: S, known: &[String]) -> S {
        // In an organisation, `service/receiver` names another service's receiver: the
        // organisation checks it (the other service may not be compiled in this run).
        if known.contains(&r.value) || (self.org && r.value.contains('/')) {
            return r;
        }
        let d = Diagnostic::new(
            &n::UNKNOWN_RECEIVER,
            r.span,
            format!("unknown receiver `{}`", r.value),
        )
        .unresolved(&r.value)
        .label("not in `receivers:`");
        let assumed = did_you_mean(&r.value, known.iter().map(String::as_str));
        let d = match assumed {
            Some(s) => d
                .did_you_mean(s)
                .note(format!("the other checks take it as `{s}`")),
            None if known.is_empty() => d.help("define it under `receivers:`"),
            None => d.help(format!("receivers: {}", known.join(", "))),
        };
        self.out.push(d);
        match assumed {
            Some(s) => S::new(s.to_string(), r.span),
            None => r,
        }
    }

    /// Matchers written as Alertmanager writes them (`severity=~"warning|info"`), each
    /// checked; one that does not read is reported and left out.
    fn matcher_list(&mut self, texts: Vec<S>) -> Vec<RouteMatcher> {
        let mut out = Vec::new();
        for t in texts {
            match parse_matcher(&t) {
                Ok(m) => out.push(m),
                Err(why) => self.invalid(
                    t.span,
                    format!("`{}` is not a matcher: {why}", t.value),
                    "write `label=value`, `label!=value`, `label=~regex` or `label!~regex`",
                ),
            }
        }
        self.check_matchers(&out);
        out
    }

    /// Label names valid, regexes RE2's.
    fn check_matchers(&mut self, matchers: &[RouteMatcher]) {
        for m in matchers {
            self.label_name(&m.label, "route matcher");
            if m.regex
                && let Some(why) = expr::re2::refusal(&m.value.value)
            {
                self.out.push(
                    Diagnostic::new(
                        &x::INVALID_REGEX,
                        m.value.span,
                        format!("Alertmanager would refuse the regex of `{}`: {why}", m.label.value),
                    )
                    .label("not an RE2 regex")
                    .help("write it in RE2 syntax (Go's `regexp`): no look-around or back-references, repetitions up to 1000"),
                );
            }
        }
    }

    pub(super) fn route(&mut self, r: syntax::Route, span: Span, known: &[String]) -> Route {
        let receiver = r.receiver.map(|rc| self.receiver_ref(rc, known));
        let mut matchers: Vec<RouteMatcher> = r
            .match_
            .0
            .into_iter()
            .map(|(label, value)| RouteMatcher::eq(label, value))
            .collect();
        matchers.extend(r.match_re.0.into_iter().map(|(label, value)| RouteMatcher {
            label,
            value,
            regex: true,
            negative: false,
        }));
        self.check_matchers(&matchers);
        matchers.extend(self.matcher_list(r.matchers));
        let group_by = r.group_by.as_deref().unwrap_or(&[]);
        for (i, g) in group_by.iter().enumerate() {
            if g.value != "..." {
                self.label_name(g, "`group_by` label");
            } else if group_by.len() > 1 {
                self.invalid(
                    g.span,
                    "`...` (group by every label) cannot be listed with other labels".into(),
                    "keep `...` alone, or list the labels",
                );
            }
            if let Some(first) = group_by[..i].iter().find(|x| x.value == g.value) {
                self.out.push(
                    Diagnostic::new(
                        &n::DUPLICATE_DEFINITION,
                        g.span,
                        format!(
                            "`{}` is listed twice in `group_by`; Alertmanager refuses that",
                            g.value
                        ),
                    )
                    .label("second time")
                    .secondary(first.span, "first time")
                    .help("list each label once"),
                );
            }
        }
        let span = matchers
            .first()
            .map_or(receiver.as_ref().map_or(span, |x| x.span), |m| m.label.span);
        Route {
            span,
            matchers,
            // `group_wait: 0s` sends a group's first notification at once; the others
            // must be positive (Alertmanager refuses a zero interval).
            group_wait: r
                .group_wait
                .as_ref()
                .and_then(|d| self.duration_from(d, true)),
            group_interval: r.group_interval.as_ref().and_then(|d| self.duration(d)),
            repeat_interval: r.repeat_interval.as_ref().and_then(|d| self.duration(d)),
            receiver,
            continue_: r.continue_.is_some_and(|c| c.value),
            group_by: r.group_by,
            routes: r
                .routes
                .into_iter()
                .map(|c| self.route(c, span, known))
                .collect(),
            mute_time_intervals: r.mute_time_intervals,
            active_time_intervals: r.active_time_intervals,
        }
    }

    pub(super) fn routing(&mut self, mut rt: syntax::Routing, known: &[String]) -> Routing {
        let span = rt.receiver.span;
        let root = self.route(
            syntax::Route {
                match_: Map::default(),
                match_re: Map::default(),
                matchers: Vec::new(),
                receiver: Some(rt.receiver),
                continue_: None,
                group_by: Some(rt.group_by),
                group_wait: rt.group_wait,
                group_interval: rt.group_interval,
                repeat_interval: rt.repeat_interval,
                routes: rt.routes,
                mute_time_intervals: Vec::new(),
                active_time_intervals: Vec::new(),
            },
            span,
            known,
        );
        for t in &mut rt.tests {
            t.expect = std::mem::take(&mut t.expect)
                .into_iter()
                .map(|e| self.receiver_ref(e, known))
                .collect();
        }
        let (severities, severities_span) = match rt.severities {
            Some(s) => (s.value.into_iter().map(|v| v.value).collect(), Some(s.span)),
            None => (
                DEFAULT_SEVERITIES
                    .iter()
                    .map(|s| (*s).to_string())
                    .collect(),
                None,
            ),
        };
        let mut inhibit = Vec::new();
        for i in rt.inhibit {
            for e in &i.equal {
                self.label_name(e, "inhibit `equal` label");
            }
            let at = i
                .source
                .0
                .first()
                .map(|s| s.0.span)
                .or(i.source_matchers.first().map(|s| s.span))
                .unwrap_or(span);
            let side = |r: &mut Self, map: Map<S>, more: Vec<S>| {
                let mut v: Vec<RouteMatcher> = map
                    .0
                    .into_iter()
                    .map(|(l, x)| RouteMatcher::eq(l, x))
                    .collect();
                r.check_matchers(&v);
                v.extend(r.matcher_list(more));
                v
            };
            let source = side(self, i.source, i.source_matchers);
            let target = side(self, i.target, i.target_matchers);
            inhibit.push(Inhibit {
                span: at,
                source,
                target,
                equal: i.equal,
            });
        }
        let time_intervals: Vec<(S, Vec<syntax::TimeInterval>)> = rt.time_intervals.0;
        for (_, periods) in &time_intervals {
            for p in periods {
                self.time_interval(p);
            }
        }
        let names: Vec<&str> = time_intervals
            .iter()
            .map(|(n, _)| n.value.as_str())
            .collect();
        let mut refs = Vec::new();
        walk_routes(&root, &mut |r| {
            refs.extend(
                r.mute_time_intervals
                    .iter()
                    .chain(&r.active_time_intervals)
                    .cloned(),
            );
        });
        for r in refs {
            if !names.contains(&r.value.as_str()) {
                let d = Diagnostic::new(
                    &p::INVALID_VALUE,
                    r.span,
                    format!("unknown time interval `{}`", r.value),
                )
                .unresolved(&r.value)
                .label("not in `routing.time_intervals`");
                self.out
                    .push(match did_you_mean(&r.value, names.iter().copied()) {
                        Some(s) => d.did_you_mean(s),
                        None => d.help("define it under `routing.time_intervals:`"),
                    });
            }
        }
        for t in &rt.templates {
            if !t.value.starts_with('/') {
                self.out.push(
                    Diagnostic::new(
                        &p::INVALID_VALUE,
                        t.span,
                        format!("template path `{}` is relative", t.value),
                    )
                    .label("not an absolute path")
                    .help("give the path where Alertmanager reads it, e.g. /etc/alertmanager/templates/*.tmpl"),
                );
            }
        }
        Routing {
            templates: rt.templates,
            time_intervals,
            root,
            inhibit,
            tests: rt
                .tests
                .into_iter()
                .map(|t| RouteTest {
                    labels: t.labels.0,
                    expect: t.expect,
                })
                .collect(),
            severities,
            severities_span,
        }
    }
}

/// One matcher of `matchers:` (syntax::matcher reads it), pointing at its text.
fn parse_matcher(t: &S) -> Result<RouteMatcher, String> {
    let (label, op, value) = syntax::matcher::parse(&t.value)?;
    Ok(RouteMatcher {
        label: S::new(label.to_string(), t.span),
        value: S::new(value, t.span),
        regex: op.ends_with('~'),
        negative: op.starts_with('!'),
    })
}

fn walk_routes(r: &Route, f: &mut impl FnMut(&Route)) {
    f(r);
    for c in &r.routes {
        walk_routes(c, f);
    }
}

/// Whether one end of a range is a valid value.
type ValueCheck = dyn Fn(&str) -> bool;

const WEEKDAYS: &[&str] = &[
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl Resolver<'_> {
    /// One period of a time interval, as Alertmanager reads it: `HH:MM` times (start before
    /// end, `24:00` at most), weekday and month names or numbers, day and year ranges.
    fn time_interval(&mut self, p: &syntax::TimeInterval) {
        let minutes = |t: &str| -> Option<u32> {
            let (h, m) = t.split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60 && t.len() == 5 || t == "24:00").then_some(h * 60 + m)
        };
        for t in &p.times {
            match (minutes(&t.start_time.value), minutes(&t.end_time.value)) {
                (Some(a), Some(b)) if a < b => {}
                (Some(_), Some(_)) => self.invalid(
                    t.end_time.span,
                    format!(
                        "`{}` is not after `{}`",
                        t.end_time.value, t.start_time.value
                    ),
                    "a time range ends after it starts; write two ranges across midnight",
                ),
                (a, _) => {
                    let bad = if a.is_none() {
                        &t.start_time
                    } else {
                        &t.end_time
                    };
                    self.invalid(
                        bad.span,
                        format!("`{}` is not a time of day", bad.value),
                        "write `HH:MM`, 00:00 to 24:00",
                    );
                }
            }
        }
        let range_of = |v: &str, ok: &dyn Fn(&str) -> bool| -> bool {
            match v.split_once(':') {
                Some((a, b)) => ok(a) && ok(b),
                None => ok(v),
            }
        };
        let checks: [(&Vec<S>, &ValueCheck, &str); 4] = [
            (
                &p.weekdays,
                &|d: &str| WEEKDAYS.contains(&d.to_ascii_lowercase().as_str()),
                "a weekday or range: `monday:friday`",
            ),
            (
                &p.days_of_month,
                &|d: &str| {
                    d.parse::<i32>()
                        .is_ok_and(|n| n != 0 && (-31..=31).contains(&n))
                },
                "a day of the month (1 to 31, or -31 to -1 from the end) or range: `1:7`",
            ),
            (
                &p.months,
                &|d: &str| {
                    MONTHS.contains(&d.to_ascii_lowercase().as_str())
                        || d.parse::<u32>().is_ok_and(|n| (1..=12).contains(&n))
                },
                "a month by name or number or a range: `january:march`",
            ),
            (
                &p.years,
                &|d: &str| d.len() == 4 && d.parse::<u32>().is_ok(),
                "a year or range: `2026:2027`",
            ),
        ];
        for (values, ok, what) in checks {
            for v in values {
                if !range_of(&v.value, ok) {
                    self.invalid(
                        v.span,
                        format!("`{}` is not {what}", v.value),
                        "see Alertmanager's time_intervals",
                    );
                }
            }
        }
    }
}
