//! Stage 2, lowering of SLOs: the multi-window multi-burn-rate windows and factors
//! of the Google SRE workbook, as Sloth implements them.

use forge_spec_expr::Duration;
use forge_spec_expr::units::round12;

/// Whether a burn-rate alert pages or opens a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    Page,
    Ticket,
}

/// One window pair: alert when both the long and the short window burn faster
/// than `factor` times the sustainable rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BurnWindow {
    pub urgency: Urgency,
    pub long: Duration,
    pub short: Duration,
    /// Share of the period's error budget this window pair spends before alerting.
    pub budget: f64,
    pub factor: f64,
    /// Where the spec wrote it (`None`: a default window).
    pub span: Option<forge_spec_base::source::Span>,
}

const H: u64 = 3_600_000;
const M: u64 = 60_000;

/// The four window pairs for a compliance period. Windows stay fixed; factors scale
/// with the period: factor = budget share × period ÷ long window.
pub fn burn_windows(period: Duration) -> [BurnWindow; 4] {
    let w = |urgency, long_ms: u64, short_ms: u64, budget: f64| BurnWindow {
        urgency,
        long: Duration { ms: long_ms },
        short: Duration { ms: short_ms },
        budget,
        factor: round12(budget * period.ms as f64 / long_ms as f64),
        span: None,
    };
    [
        w(Urgency::Page, H, 5 * M, 0.02),
        w(Urgency::Page, 6 * H, 30 * M, 0.05),
        w(Urgency::Ticket, 24 * H, 2 * H, 0.1),
        w(Urgency::Ticket, 72 * H, 6 * H, 0.1),
    ]
}

/// Every window the error ratio is recorded over, shortest first, and the period.
pub fn recorded_windows(period: Duration) -> Vec<Duration> {
    recorded_windows_for(period, &[])
}

/// [`recorded_windows`] with the windows of a custom policy.
pub fn recorded_windows_for(period: Duration, policy: &[BurnWindow]) -> Vec<Duration> {
    let mut v: Vec<Duration> = [5 * M, 30 * M, H, 2 * H, 6 * H, 24 * H, 72 * H]
        .into_iter()
        .map(|ms| Duration { ms })
        .chain(policy.iter().flat_map(|w| [w.short, w.long]))
        .filter(|w| *w != period)
        .collect();
    v.sort();
    v.dedup();
    v.push(period);
    v
}

/// The default low-traffic guard of an event indicator: at least 10 events in a burn-rate
/// alert's long window, and enough that one error alone stays under the fastest page
/// threshold (99.9% over 30 days: 70).
pub fn default_min_events(objective: f64, windows: &[BurnWindow]) -> u64 {
    let fastest = windows
        .iter()
        .filter(|w| w.urgency == Urgency::Page)
        .map(|w| threshold(w, objective))
        .fold(0.0, f64::max);
    let one_error = if fastest > 0.0 {
        (1.0 / fastest).ceil() as u64
    } else {
        0
    };
    one_error.max(10)
}

/// The error-ratio threshold of a window pair: factor × (1 − objective).
pub fn threshold(w: &BurnWindow, objective: f64) -> f64 {
    round12(w.factor * round12(1.0 - objective))
}

/// The metadata recording rules every SLO defines (Sloth's names).
pub const META_RULES: &[&str] = &[
    "slo:objective:ratio",
    "slo:error_budget:ratio",
    "slo:time_period:days",
    "slo:current_burn_rate:ratio",
    "slo:period_burn_rate:ratio",
    "slo:period_error_budget_remaining:ratio",
];

/// Names of the recording rules the SLO rules define (raw PromQL may read them).
pub fn recorded_names() -> std::collections::BTreeSet<String> {
    let mut v = std::collections::BTreeSet::new();
    for w in recorded_windows(Duration {
        ms: 30 * 86_400_000,
    }) {
        v.insert(format!("slo:sli_error:ratio_rate{}", w.to_prometheus()));
    }
    for n in META_RULES.iter().chain(COUNT_RULES) {
        v.insert((*n).to_string());
    }
    v
}

/// The recording rules of an SLO's events per 5 minutes (errors, all), from which its
/// period's ratio is summed.
pub const COUNT_RULES: &[&str] = &["slo:sli_error:rate5m", "slo:sli_total:rate5m"];

/// Names of an SLO's page and ticket alerts, which the model defines and the backends
/// and the route checks read.
pub fn slo_alert_names(s: &super::Slo) -> (String, String) {
    if s.sloth {
        // Sloth's: one name, the page and the ticket told apart by `sloth_severity`.
        return (s.alert_name.clone(), s.alert_name.clone());
    }
    (
        format!("{}ErrorBudgetFastBurn", s.alert_name),
        format!("{}ErrorBudgetSlowBurn", s.alert_name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 30-day period gives Sloth's factors 14.4, 6, 3 and 1.
    #[test]
    fn thirty_days() {
        let f: Vec<f64> = burn_windows(Duration { ms: 30 * 24 * H })
            .iter()
            .map(|w| w.factor)
            .collect();
        assert_eq!(f, vec![14.4, 6.0, 3.0, 1.0]);
    }

    /// A 28-day period scales the factors: 13.44, 5.6, 2.8, 0.9333….
    #[test]
    fn twenty_eight_days() {
        let f: Vec<f64> = burn_windows(Duration { ms: 28 * 24 * H })
            .iter()
            .map(|w| w.factor)
            .collect();
        assert_eq!(f[0], 13.44);
        assert_eq!(f[1], 5.6);
        assert_eq!(f[2], 2.8);
        assert!((f[3] - 0.933_333_333_333).abs() < 1e-9, "{}", f[3]);
    }

    /// The default guard: 70 events for 99.9% (one error stays under 1.44%), else 10.
    #[test]
    fn default_guard() {
        let p = burn_windows(Duration { ms: 30 * 24 * H });
        assert_eq!(default_min_events(0.999, &p), 70);
        assert_eq!(default_min_events(0.99, &p), 10);
        assert_eq!(default_min_events(0.95, &p), 10);
        assert_eq!(default_min_events(0.9999, &p), 695);
    }

    /// A 99.9% SLO pages at 0.0144 and 0.006 and tickets at 0.003 and 0.001.
    #[test]
    fn thresholds_for_three_nines() {
        let t: Vec<f64> = burn_windows(Duration { ms: 30 * 24 * H })
            .iter()
            .map(|w| threshold(w, 0.999))
            .collect();
        assert_eq!(t, vec![0.0144, 0.006, 0.003, 0.001]);
    }
}

/// A calendar period: the error budget resets at its start (`window: calendar_month`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarUnit {
    /// An ISO week, from Monday 00:00.
    Week,
    Month,
    /// January, April, July and October the 1st, 00:00.
    Quarter,
}

/// A budget that resets at the start of every calendar period, midnight at a fixed
/// offset from UTC (no daylight saving: PromQL's date functions know UTC alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub unit: CalendarUnit,
    /// Seconds east of UTC (`+02:00` is 7200).
    pub offset_s: i64,
}

impl CalendarUnit {
    /// `week`, `month`, `quarter`: in record names and prose.
    pub fn name(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
        }
    }

    /// The nominal length the burn-rate factors are scaled by (a month is 30 days, as
    /// a rolling `30d` would be).
    pub fn nominal(self) -> Duration {
        let days = match self {
            Self::Week => 7,
            Self::Month => 30,
            Self::Quarter => 90,
        };
        Duration {
            ms: days * 86_400_000,
        }
    }

    /// The longest period (days): how far back the running sums are looked for after a
    /// gap, and still belong to the period.
    pub fn longest_days(self) -> u64 {
        match self {
            Self::Week => 7,
            Self::Month => 31,
            Self::Quarter => 92,
        }
    }
}

impl Calendar {
    /// The offset as written: `+02:00`, `-05:30`, `+00:00`.
    pub fn offset_text(&self) -> String {
        let a = self.offset_s.unsigned_abs();
        format!(
            "{}{:02}:{:02}",
            if self.offset_s < 0 { '-' } else { '+' },
            a / 3600,
            a % 3600 / 60
        )
    }

    /// The period starts (UTC seconds) around the epoch, in order: what the generated
    /// tests, which run from 1970-01-01 00:00 UTC, cross. Local dates of 1969-10-01 to
    /// 1970-07-01 (every Monday, month start and quarter start), shifted by the offset.
    pub fn starts_near_epoch(&self) -> Vec<i64> {
        const DAY: i64 = 86_400;
        // Local days since 1970-01-01 of each period start.
        let days: Vec<i64> = match self.unit {
            // 1970-01-05 was a Monday.
            CalendarUnit::Week => (-14..30).map(|w| 4 + 7 * w).collect(),
            CalendarUnit::Month => {
                let lens = [30, 31, 31, 28, 31, 30, 31, 30]; // Nov 1969 to Jun 1970
                let mut d = -61; // 1969-11-01
                let mut v = vec![-92, d]; // 1969-10-01 too
                for l in lens {
                    d += l;
                    v.push(d);
                }
                v
            }
            CalendarUnit::Quarter => vec![-92, 0, 90, 181],
        };
        days.into_iter().map(|d| d * DAY - self.offset_s).collect()
    }
}
