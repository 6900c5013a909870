//! Scenario durations: compact (`90s`, `2h30m`, `3d`) and ISO 8601 (`PT90M`) text, held as integer seconds.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A length of scenario time, in whole seconds. No floating-point time anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub u64);

impl Duration {
    /// Zero seconds.
    pub const ZERO: Duration = Duration(0);

    /// Whole seconds.
    pub fn secs(self) -> u64 {
        self.0
    }

    /// Builds a duration from minutes.
    pub const fn minutes(m: u64) -> Duration {
        Duration(m * 60)
    }

    /// Builds a duration from hours.
    pub const fn hours(h: u64) -> Duration {
        Duration(h * 3600)
    }
}

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError(pub String);

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const UNITS_HINT: &str = "write a duration like `90s`, `45m`, `2h30m`, `3d` or ISO 8601 `PT90M`";

/// Parses `90s`, `45m`, `2h30m`, `1d12h`, `1w`, or ISO 8601 `PT90M` / `P1DT2H` / `PT0.5H` is refused
/// (fractions would bring floating-point time back).
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(DurationError(format!("empty duration; {UNITS_HINT}")));
    }
    if let Some(rest) = s.strip_prefix('P') {
        return parse_iso(rest, s);
    }
    parse_compact(s)
}

fn unit_seconds(unit: char) -> Option<u64> {
    Some(match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return None,
    })
}

fn parse_compact(s: &str) -> Result<Duration, DurationError> {
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut last_rank = usize::MAX;
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let Some(mult) = unit_seconds(ch) else {
            return Err(DurationError(format!("`{s}` is not a duration: unknown unit `{ch}`; {UNITS_HINT}")));
        };
        if digits.is_empty() {
            return Err(DurationError(format!(
                "`{s}` is not a duration: unit `{ch}` has no number before it; {UNITS_HINT}"
            )));
        }
        let rank = "smhdw".find(ch).unwrap_or(0);
        if rank >= last_rank {
            return Err(DurationError(format!(
                "`{s}` is not a duration: units must go from largest to smallest, each once; {UNITS_HINT}"
            )));
        }
        last_rank = rank;
        total = add_part(total, &digits, mult, s)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(DurationError(format!("`{s}` has no unit: durations need one (`{s}s`? `{s}m`?); {UNITS_HINT}")));
    }
    Ok(Duration(total))
}

fn add_part(total: u64, digits: &str, mult: u64, whole: &str) -> Result<u64, DurationError> {
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .and_then(|n| total.checked_add(n))
        .ok_or_else(|| DurationError(format!("`{whole}` is too long a duration")))
}

fn parse_iso(rest: &str, whole: &str) -> Result<Duration, DurationError> {
    let bad = |why: &str| DurationError(format!("`{whole}` is not an ISO 8601 duration: {why}; {UNITS_HINT}"));
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut in_time = false;
    let mut any = false;
    for ch in rest.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            'T' if !in_time && digits.is_empty() => in_time = true,
            '.' | ',' => return Err(bad("fractions are not accepted (time is whole seconds)")),
            _ => {
                let mult = match (in_time, ch) {
                    (false, 'W') => 604_800,
                    (false, 'D') => 86_400,
                    (false, 'Y') | (false, 'M') => {
                        return Err(bad("years and months have no fixed length; use days"));
                    }
                    (true, 'H') => 3600,
                    (true, 'M') => 60,
                    (true, 'S') => 1,
                    _ => return Err(bad(&format!("unexpected `{ch}`"))),
                };
                if digits.is_empty() {
                    return Err(bad(&format!("`{ch}` has no number before it")));
                }
                total = add_part(total, &digits, mult, whole)?;
                digits.clear();
                any = true;
            }
        }
    }
    if !digits.is_empty() {
        return Err(bad("a number has no designator"));
    }
    if !any {
        return Err(bad("no components"));
    }
    Ok(Duration(total))
}

impl fmt::Display for Duration {
    /// Compact form, largest unit first: `2h30m`, `3d`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0s");
        }
        for (unit, secs) in [('d', 86_400), ('h', 3600), ('m', 60), ('s', 1)] {
            if rest >= secs {
                write!(f, "{}{unit}", rest / secs)?;
                rest %= secs;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as `90s`, `2h30m` or `PT90M`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Duration, E> {
                parse_duration(v).map_err(|e| E::custom(e.0))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Duration, E> {
                Err(E::custom(format!("`{v}` has no unit: durations need one (`{v}s`? `{v}m`?); {UNITS_HINT}")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(E::custom(format!("`{v}` is not a duration; {UNITS_HINT}")))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Duration, E> {
                Err(E::custom(format!("`{v}` is not a duration; {UNITS_HINT}")))
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A duration: compact (`90s`, `45m`, `2h30m`, `3d`, `1w`) or ISO 8601 (`PT90M`, `P1DT2H`). Held as whole seconds.",
            "pattern": "^(P(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?|(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?)$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_forms() {
        assert_eq!(parse_duration("90s").unwrap(), Duration(90));
        assert_eq!(parse_duration("45m").unwrap(), Duration(2700));
        assert_eq!(parse_duration("2h30m").unwrap(), Duration(9000));
        assert_eq!(parse_duration("3d").unwrap(), Duration(259_200));
        assert_eq!(parse_duration("1w1d").unwrap(), Duration(691_200));
        assert_eq!(parse_duration("0s").unwrap(), Duration(0));
    }

    #[test]
    fn iso_forms() {
        assert_eq!(parse_duration("PT90M").unwrap(), Duration(5400));
        assert_eq!(parse_duration("P1DT2H").unwrap(), Duration(93_600));
        assert_eq!(parse_duration("PT1H30M15S").unwrap(), Duration(5415));
        assert_eq!(parse_duration("P2W").unwrap(), Duration(1_209_600));
    }

    #[test]
    fn refusals_say_why() {
        assert!(parse_duration("90").unwrap_err().0.contains("no unit"));
        assert!(parse_duration("2x").unwrap_err().0.contains("unknown unit"));
        assert!(parse_duration("30m2h").unwrap_err().0.contains("largest to smallest"));
        assert!(parse_duration("PT0.5H").unwrap_err().0.contains("fractions"));
        assert!(parse_duration("P1M").unwrap_err().0.contains("months"));
        assert!(parse_duration("P").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999999999999d").unwrap_err().0.contains("too long"));
    }

    #[test]
    fn display_round_trips() {
        for s in ["2h30m", "3d", "90s", "1d1h1m1s", "0s"] {
            let d = parse_duration(s).unwrap();
            assert_eq!(parse_duration(&d.to_string()).unwrap(), d);
        }
        assert_eq!(Duration(5400).to_string(), "1h30m");
    }
}
