//! Rule R007 `route-timing`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports route timers that contradict each other: `repeat_interval` shorter than
    /// `group_interval`, or `group_wait` longer than `group_interval` (inherited values included).
    ///
    /// ## Why is this bad?
    /// Alertmanager cannot repeat a notification more often than it re-evaluates the group,
    /// and a long first wait delays the first page past later updates.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/am/pd}}
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    ///   email: {email: {to: team@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}}
    /// routing:
    ///   receiver: email
    ///   group_interval: 5m
    ///   repeat_interval: 1m
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warning}, receiver: slack}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// targets: {web: {address: "web:80"}}
    /// receivers:
    ///   pager: {pagerduty: {routing_key_file: /etc/am/pd}}
    ///   slack: {slack: {api_url_file: /etc/am/slack, channel: "#alerts"}}
    ///   email: {email: {to: team@example.com, from: am@example.com, smarthost: "smtp.example.com:587"}}
    /// routing:
    ///   receiver: email
    ///   group_interval: 5m
    ///   repeat_interval: 4h
    ///   routes:
    ///     - {match: {severity: critical}, receiver: pager}
    ///     - {match: {severity: warning}, receiver: slack}
    /// ```
    pub ROUTE_TIMING = ("R007", "route-timing", Warning);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_ir::Model;

use forge_spec_expr::Duration;
use forge_spec_ir::Route;

/// Alertmanager's defaults: group_wait 30s, group_interval 5m, repeat_interval 4h.
const DEFAULTS: (u64, u64, u64) = (30_000, 300_000, 14_400_000);

/// Detection: walk the tree with inherited timers.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m: &Model = cx.model;
    if let Some(r) = &m.routing {
        walk(&r.root, DEFAULTS, out);
    }
}

fn walk(r: &Route, inherited: (u64, u64, u64), out: &mut Vec<Diagnostic>) {
    let pick = |t: &Option<forge_spec_base::source::Spanned<Duration>>, d: u64| {
        t.as_ref().map_or(d, |x| x.value.ms)
    };
    let (wait, interval, repeat) = (
        pick(&r.group_wait, inherited.0),
        pick(&r.group_interval, inherited.1),
        pick(&r.repeat_interval, inherited.2),
    );
    let own = r
        .repeat_interval
        .as_ref()
        .or(r.group_interval.as_ref())
        .or(r.group_wait.as_ref());
    if let Some(at) = own {
        let d = |ms| Duration { ms };
        if repeat < interval {
            out.push(
                Diagnostic::new(
                    &ROUTE_TIMING,
                    at.span,
                    format!(
                        "repeat_interval {} is shorter than group_interval {}",
                        d(repeat),
                        d(interval)
                    ),
                )
                .label("contradictory timers")
                .help("make repeat_interval a multiple of group_interval (e.g. 4h with 5m)"),
            );
        }
        if wait > interval {
            out.push(
                Diagnostic::new(
                    &ROUTE_TIMING,
                    at.span,
                    format!(
                        "group_wait {} is longer than group_interval {}",
                        d(wait),
                        d(interval)
                    ),
                )
                .label("contradictory timers")
                .help("keep group_wait short (30s) and group_interval longer (5m)"),
            );
        }
    }
    for c in &r.routes {
        walk(c, (wait, interval, repeat), out);
    }
}
