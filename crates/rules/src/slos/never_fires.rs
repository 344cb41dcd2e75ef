//! Rule S012 `slo-never-fires`.

forge_spec_base::declare_code! {
    /// ## What it does
    /// Reports an SLO whose page alert, or ticket alert, can never fire: in every one of
    /// its window pairs, the error ratio it waits for is above 100% (the factor times the
    /// error budget: 14.4 × 10% for a 90% objective), or its short window is shorter than
    /// two scrapes, so that a rate over it has no result. The message shows the
    /// arithmetic of each pair.
    ///
    /// ## Why is this bad?
    /// The SLO looks guarded and never pages: every request can fail and no one is told
    /// (Sloth #341).
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    /// slos:
    ///   availability:
    ///     objective: 90%
    ///     sli: {errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}
    ///     alerting:
    ///       runbook: r.md
    ///       windows:
    ///         - {urgency: page, long: 1h, short: 5m, factor: 14.4}
    ///         - {urgency: ticket, long: 3d, short: 6h, factor: 1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop, metric_prefix: shop_}
    /// targets: {web: {address: "web:80"}}
    /// metrics:
    ///   shop_requests_total: {type: counter, help: Requests., labels: {code: {values: ["2xx", "5xx"]}}}
    /// slos:
    ///   availability:
    ///     objective: 90%
    ///     sli: {errors: 'shop_requests_total{code="5xx"}', total: shop_requests_total}
    ///     alerting:
    ///       runbook: r.md
    ///       windows:
    ///         - {urgency: page, long: 1h, short: 5m, factor: 6}
    ///         - {urgency: ticket, long: 3d, short: 6h, factor: 1}
    /// ```
    pub SLO_NEVER_FIRES = ("S012", "slo-never-fires", Error);
}

use forge_spec_base::diag::Diagnostic;
use forge_spec_expr::units::{fmt_num, round12};
use forge_spec_ir::slo::{BurnWindow, Urgency, threshold};
use forge_spec_ir::{Model, Slo};

/// Why a window pair can never fire, with its arithmetic; None when it can.
fn never(m: &Model, s: &Slo, w: &BurnWindow) -> Option<String> {
    let pct = |x: f64| format!("{}%", fmt_num(round12(x * 100.0)));
    let t = threshold(w, s.objective);
    let pair = format!("{}/{}", w.long.to_prometheus(), w.short.to_prometheus());
    if t >= 1.0 {
        return Some(format!(
            "{pair}: {} × {} = {}, and an error ratio never exceeds 100%",
            fmt_num(w.factor),
            pct(round12(1.0 - s.objective)),
            pct(t)
        ));
    }
    if s.counts_events() && w.short.ms < 2 * m.scrape_interval.ms {
        return Some(format!(
            "{pair}: a rate over {} sees at most one scrape every {}, so it has no result",
            w.short.to_prometheus(),
            m.scrape_interval.to_prometheus()
        ));
    }
    None
}

/// Detection: per SLO that alerts, per urgency, every pair impossible.
pub fn check(cx: &crate::Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    // An objective out of range is S001's.
    let judged = |s: &&Slo| !s.alerting_disabled && s.objective > 0.0 && s.objective < 1.0;
    for s in m.slos.iter().filter(judged) {
        for (urgency, what) in [(Urgency::Page, "page"), (Urgency::Ticket, "open a ticket")] {
            let pairs: Vec<&BurnWindow> =
                s.windows.iter().filter(|w| w.urgency == urgency).collect();
            let reasons: Vec<String> = pairs.iter().filter_map(|w| never(m, s, w)).collect();
            if pairs.is_empty() || reasons.len() < pairs.len() {
                continue;
            }
            let mut d = Diagnostic::new(
                &SLO_NEVER_FIRES,
                s.name.span,
                format!(
                    "SLO `{}` can never {what}: {}",
                    s.name.value,
                    reasons.join("; ")
                ),
            )
            .label("never fires")
            .help("raise the objective or lower the factors (a factor times the error budget above 100% cannot fire), or lengthen the short windows to two scrapes or more");
            for w in pairs {
                if let Some(span) = w.span {
                    d = d.secondary(span, "this window pair");
                }
            }
            out.push(d);
        }
    }
}
