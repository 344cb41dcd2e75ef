//! Condition language: units and literals — durations, percentages, byte sizes — and
//! the canonical number format used in every output.

use super::ast::{Duration, LitUnit};
use std::fmt;

/// The longest duration Prometheus and Alertmanager read: they keep durations as
/// nanoseconds in a signed 64-bit integer (about 292 years); anything longer is refused
/// by them with "duration out of range".
pub const MAX_DURATION_MS: u64 = (i64::MAX / 1_000_000) as u64;

/// Reads a duration for a place where zero is allowed (`zero_ok`) or not, with the
/// message to show when it cannot be used: not a duration, zero, or longer than
/// Prometheus reads.
pub fn read_duration(s: &str, zero_ok: bool) -> Result<Duration, String> {
    let Some(d) = parse_duration(s) else {
        return Err(format!("`{s}` is not a valid duration"));
    };
    if d.ms > MAX_DURATION_MS {
        return Err(format!(
            "`{s}` is longer than Prometheus and Alertmanager can read (292 years)"
        ));
    }
    if d.ms == 0 && !zero_ok {
        return Err(format!("`{s}` is zero, and this duration must be positive"));
    }
    Ok(d)
}

/// Parses a Prometheus-style duration: `500ms`, `5m`, `1h30m`, `30d`, `2w`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut ms: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (size, len) = if rest.starts_with("ms") {
            (1, 2)
        } else {
            let size = match rest.chars().next()? {
                's' => 1_000,
                'm' => 60_000,
                'h' => 3_600_000,
                'd' => 86_400_000,
                'w' => 604_800_000,
                'y' => 31_536_000_000,
                _ => return None,
            };
            (size, 1)
        };
        ms = ms.checked_add(n.checked_mul(size)?)?;
        rest = &rest[len..];
    }
    Some(Duration { ms })
}

/// Multiplies a decimal string by 10^exp exactly (no binary rounding), so `99.9` / 100
/// is `0.999`, not `0.9990000000000001`.
pub fn scale_decimal(text: &str, exp: i32) -> Option<f64> {
    let (mantissa, e) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    format!("{mantissa}e{}", e.checked_add(exp)?).parse().ok()
}

/// Reads a number with an optional unit suffix into base units.
pub fn parse_quantity(text: &str) -> Option<(f64, LitUnit)> {
    let t = text.trim();
    let split = t
        .find(|c: char| {
            !(c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
        })
        .unwrap_or(t.len());
    // `e` may start a unit-less exponent only when followed by digits; units never start with e.
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    let bytes = |mult: f64| Some((n * mult, LitUnit::Bytes));
    match unit {
        "" => Some((n, LitUnit::None)),
        "%" => Some((scale_decimal(num, -2)?, LitUnit::Percent)),
        "ms" => Some((scale_decimal(num, -3)?, LitUnit::Seconds)),
        "s" | "m" | "h" | "d" | "w" | "y" => {
            let mult = match unit {
                "s" => 1.0,
                "m" => 60.0,
                "h" => 3600.0,
                "d" => 86400.0,
                "w" => 604_800.0,
                _ => 31_536_000.0,
            };
            Some((n * mult, LitUnit::Seconds))
        }
        "B" => bytes(1.0),
        "KB" => Some((scale_decimal(num, 3)?, LitUnit::Bytes)),
        "MB" => Some((scale_decimal(num, 6)?, LitUnit::Bytes)),
        "GB" => Some((scale_decimal(num, 9)?, LitUnit::Bytes)),
        "TB" => Some((scale_decimal(num, 12)?, LitUnit::Bytes)),
        "KiB" => bytes(1024.0),
        "MiB" => bytes(1024.0 * 1024.0),
        "GiB" => bytes(1024.0 * 1024.0 * 1024.0),
        "TiB" => bytes(1024.0 * 1024.0 * 1024.0 * 1024.0),
        _ => None,
    }
}

/// Canonical, stable number text: shortest form that round-trips after rounding to
/// 12 significant digits, so arithmetic noise never reaches an output
/// (`1 - 0.999` prints `0.001`).
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    // The shortest text of `x` is the answer when it has at most 12 digits (then `x`
    // is its own 12-digit rounding); only longer texts are rounded first.
    let plain = format!("{x}");
    let digits = plain
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|d| *d == b'0')
        .count();
    let s = if digits <= 12 {
        plain
    } else {
        format!("{}", round_exact(x))
    };
    if s == "-0" { "0".into() } else { s }
}

/// `x` rounded to 12 significant digits (binary noise such as `0.30000000000000004`
/// goes). A number whose shortest text has at most 12 digits is already that, and is
/// returned as it is: only noisy numbers pay for the exact decimal rounding.
pub fn round12(x: f64) -> f64 {
    if !x.is_finite() || shortest_digits(x) <= 12 {
        return x;
    }
    round_exact(x)
}

/// The exact decimal rounding of `x` to 12 significant digits (bignum formatting).
fn round_exact(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// Significant digits of the shortest text that reads back as `x` (counted as it is
/// formatted, without allocating).
fn shortest_digits(x: f64) -> usize {
    struct Count {
        digits: usize,
        exponent: bool,
    }
    impl fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for b in s.bytes() {
                if b == b'e' {
                    self.exponent = true;
                } else if b.is_ascii_digit() && !self.exponent {
                    self.digits += 1;
                }
            }
            Ok(())
        }
    }
    let mut count = Count {
        digits: 0,
        exponent: false,
    };
    let _ = fmt::Write::write_fmt(&mut count, format_args!("{x:e}"));
    count.digits
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The definition the fast paths must agree with: format to 12 significant digits
    /// and read back, for every number.
    fn round12_reference(x: f64) -> f64 {
        format!("{x:.11e}").parse().unwrap_or(x)
    }

    proptest! {
        #[test]
        fn round12_is_the_decimal_rounding(bits in any::<u64>(), small in -1.0e6f64..1.0e6, k in 1u32..40) {
            for x in [f64::from_bits(bits), small, small / f64::from(k), 1.0 - small / 1.0e6 / f64::from(k)] {
                let (fast, slow) = (round12(x), round12_reference(x));
                prop_assert!(fast.to_bits() == slow.to_bits() || (fast.is_nan() && slow.is_nan()), "{x:e}: {fast:e} vs {slow:e}");
                if x.is_finite() {
                    let reference = format!("{}", round12_reference(x));
                    let reference = if reference == "-0" { "0".to_string() } else { reference };
                    prop_assert_eq!(fmt_num(x), reference);
                }
            }
        }
    }

    #[test]
    fn noise_goes_and_short_numbers_stay() {
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(1.0 - 0.999), "0.001");
        assert_eq!(fmt_num(14.4 * (1.0 - 0.995)), "0.072");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(1.0 / 3.0), "0.333333333333");
        assert_eq!(fmt_num(123_456_789_012_345.0), "123456789012000");
        assert_eq!(fmt_num(f64::INFINITY), "+Inf");
        assert_eq!(shortest_digits(0.072), 2);
        assert_eq!(shortest_digits(1e-300), 1);
    }

    use super::*;

    /// Durations read Prometheus syntax and print canonically.
    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m").map(|d| d.ms), Some(300_000));
        assert_eq!(
            parse_duration("1h30m").map(|d| d.to_prometheus()),
            Some("1h30m".into())
        );
        assert_eq!(
            parse_duration("90m").map(|d| d.to_prometheus()),
            Some("1h30m".into())
        );
        assert_eq!(parse_duration("500ms").map(|d| d.seconds()), Some(0.5));
        assert_eq!(parse_duration("5 minutes"), None);
        assert_eq!(parse_duration("m"), None);
        assert_eq!(parse_duration("99999999999999999999d"), None);
    }

    /// Quantities convert to base units exactly as the issue states.
    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("12GB"), Some((12e9, LitUnit::Bytes)));
        assert_eq!(
            parse_quantity("12GiB"),
            Some((12.0 * 1073741824.0, LitUnit::Bytes))
        );
        assert_eq!(parse_quantity("5%"), Some((0.05, LitUnit::Percent)));
        assert_eq!(parse_quantity("99.9%"), Some((0.999, LitUnit::Percent)));
        assert_eq!(parse_quantity("500ms"), Some((0.5, LitUnit::Seconds)));
        assert_eq!(parse_quantity("2h"), Some((7200.0, LitUnit::Seconds)));
        assert_eq!(fmt_num(12e9), "12000000000");
        assert_eq!(fmt_num(1.0 - 0.999), "0.001");
        assert_eq!(fmt_num(14.4 * (1.0 - 0.999)), "0.0144");
    }
}
