//! Civil time in scenarios: STARTEX (a UTC instant) and each nation's UTC offset, parsed once when
//! the scenario is loaded, so that `cydex validate` and the engine read the very same values.
//!
//! [`Startex`] holds Unix seconds of a real calendar instant (no 31 February, no second 60);
//! [`UtcOffset`] holds whole minutes east of UTC. Both are written back in the form they are read
//! (`2026-11-23T08:00:00Z`, `+02:00`). No floating point, no time zone database, no wall clock.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::de::coded_message;

/// STARTEX: the UTC instant at which scenario time T+0 begins, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Startex {
    unix: i64,
}

/// Why a STARTEX or a UTC offset was refused: what is wrong, and how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    /// What is wrong, e.g. "`2027-02-31T08:00:00Z` is not a date: February 2027 has 28 days".
    pub message: String,
    /// How to write it, e.g. "write it as `2027-02-28T08:00:00Z` …".
    pub hint: String,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}

const STARTEX_HINT: &str = "write STARTEX in UTC as `YYYY-MM-DDTHH:MM:SSZ`, e.g. `2026-11-23T08:00:00Z`";

/// Days in `month` (1–12) of `year` in the proleptic Gregorian calendar.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_unix(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(86_400));
    let sod = unix.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", sod / 3600, sod % 3600 / 60, sod % 60)
}

/// The fields of `YYYY-MM-DDTHH:MM:SS` followed by `rest`, if the text has that shape (digits
/// where digits belong, separators where separators belong).
fn fields(text: &str) -> Option<([i64; 6], &str)> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        text.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<i64>().ok())
    };
    let f = [num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?];
    Some((f, text.get(19..)?))
}

/// Checks calendar fields, saying which one is out of range.
fn check(text: &str, [y, mo, d, h, mi, s]: [i64; 6]) -> Result<i64, TimeError> {
    let bad = |why: String, hint: String| Err(TimeError { message: format!("STARTEX `{text}` {why}"), hint });
    if !(1..=12).contains(&mo) {
        return bad(format!("has no month {mo:02}"), "months run from 01 to 12".into());
    }
    let last = days_in_month(y, mo);
    if !(1..=last).contains(&d) {
        let month = MONTHS[(mo - 1) as usize];
        let leap = if mo == 2 && last == 28 { format!(" ({y} is not a leap year)") } else { String::new() };
        return bad(
            format!("is not a date: {month} {y} has {last} days{leap}"),
            format!("days of {month} {y} run from 01 to {last}"),
        );
    }
    if h > 23 {
        return bad(
            format!("has hour {h:02}"),
            "hours run from 00 to 23; midnight at the end of a day is 00:00:00 of the next day".into(),
        );
    }
    if mi > 59 {
        return bad(format!("has minute {mi:02}"), "minutes run from 00 to 59".into());
    }
    if s > 59 {
        return bad(
            format!("has second {s:02}"),
            "seconds run from 00 to 59; leap seconds are not used, so write `:59` or the next minute's `:00`".into(),
        );
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// A spelling of STARTEX that cydex would accept, for text that is nearly right: a space instead
/// of `T`, lower case, no `Z`, no seconds, or a numeric offset instead of `Z` (converted to UTC).
fn suggest_startex(text: &str) -> Option<String> {
    let mut t = text.trim().to_ascii_uppercase();
    if t.len() >= 11 && t.as_bytes()[10] == b' ' {
        t.replace_range(10..11, "T");
    }
    let mut offset = 0;
    if let Some(rest) = t.strip_suffix('Z') {
        t = rest.to_string();
    } else if t.len() > 19 {
        let at = t.len() - 6;
        if let Ok(o) = UtcOffset::parse(&t[at..]) {
            offset = o.seconds();
            t.truncate(at);
        }
    }
    if t.len() == 16 {
        t.push_str(":00");
    }
    let (f, rest) = fields(&t)?;
    if !rest.is_empty() {
        return None;
    }
    let unix = check(&t, f).ok()?;
    Some(format_unix(unix - offset))
}

impl Startex {
    /// Parses `YYYY-MM-DDTHH:MM:SSZ` (UTC, a real calendar date and time, seconds 00–59).
    pub fn parse(text: &str) -> Result<Startex, TimeError> {
        if let Some((f, rest)) = fields(text)
            && rest == "Z"
        {
            return check(text, f).map(|unix| Startex { unix });
        }
        let hint = match suggest_startex(text) {
            Some(s) => format!("write `{s}` (STARTEX is in UTC, with the trailing Z)"),
            None => STARTEX_HINT.to_string(),
        };
        Err(TimeError { message: format!("STARTEX `{text}` is not a UTC datetime `YYYY-MM-DDTHH:MM:SSZ`"), hint })
    }

    /// STARTEX from Unix seconds.
    pub const fn from_unix(unix: i64) -> Startex {
        Startex { unix }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix(self) -> i64 {
        self.unix
    }
}

impl fmt::Display for Startex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_unix(self.unix))
    }
}

impl FromStr for Startex {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, TimeError> {
        Startex::parse(s)
    }
}

impl Serialize for Startex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Startex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Startex;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a UTC datetime such as `2026-11-23T08:00:00Z`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Startex, E> {
                Startex::parse(v).map_err(|e| E::custom(coded_message("invalid-datetime", &e.message, Some(&e.hint))))
            }
        }
        d.deserialize_str(V)
    }
}

/// Pattern of `YYYY-MM-DDTHH:MM:SSZ` for real calendar dates: months of 30 and 31 days, and
/// 29 February only in leap years (divisible by 4, centuries only when divisible by 400).
pub const STARTEX_PATTERN: &str = concat!(
    "^(",
    "[0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
    "|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
    "|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])",
    "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[048]|[2468][048]|[13579][26])00)-02-29",
    ")T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"
);

impl schemars::JsonSchema for Startex {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Startex".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A UTC datetime `YYYY-MM-DDTHH:MM:SSZ` on a real calendar date, seconds 00–59.",
            "pattern": STARTEX_PATTERN,
        })
    }
}

/// A fixed offset from UTC, in whole minutes east of Greenwich: `+02:00` is 120.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UtcOffset {
    minutes: i16,
}

const OFFSET_HINT: &str =
    "write the offset as `+HH:MM` or `-HH:MM` (quoted in YAML), e.g. `\"+02:00\"` or `\"-05:00\"`";

impl UtcOffset {
    /// UTC itself, `+00:00`.
    pub const UTC: UtcOffset = UtcOffset { minutes: 0 };

    /// Parses `+HH:MM` or `-HH:MM` from `-14:00` to `+14:00` (minutes 00–59).
    pub fn parse(text: &str) -> Result<UtcOffset, TimeError> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            text.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<i16>().ok())
        };
        if b.len() == 6
            && matches!(b[0], b'+' | b'-')
            && b[3] == b':'
            && let (Some(h), Some(m)) = (digits(1..3), digits(4..6))
        {
            if m > 59 || h * 60 + m > 14 * 60 {
                return Err(TimeError {
                    message: format!("`{text}` is not a UTC offset: offsets run from -14:00 to +14:00"),
                    hint: "hours run from 00 to 14 and minutes from 00 to 59".into(),
                });
            }
            let minutes = h * 60 + m;
            return Ok(UtcOffset { minutes: if b[0] == b'-' { -minutes } else { minutes } });
        }
        let hint = match suggest_offset(text) {
            Some(s) => format!("write `\"{s}\"` (quoted in YAML)"),
            None => OFFSET_HINT.to_string(),
        };
        Err(TimeError { message: format!("`{text}` is not a UTC offset `±HH:MM`"), hint })
    }

    /// The offset with this many minutes east of UTC, if within ±14:00.
    pub fn from_minutes(minutes: i16) -> Option<UtcOffset> {
        (minutes.abs() <= 14 * 60).then_some(UtcOffset { minutes })
    }

    /// Minutes east of UTC.
    pub const fn minutes(self) -> i16 {
        self.minutes
    }

    /// Seconds east of UTC.
    pub const fn seconds(self) -> i64 {
        self.minutes as i64 * 60
    }
}

/// `+02:00` for `+2`, `2`, `+0200`, `UTC+2`, `GMT+02:00` …; `+00:00` for `Z` and `UTC`.
fn suggest_offset(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_prefix("UTC").or_else(|| t.strip_prefix("GMT")).unwrap_or(&t).trim();
    if t.is_empty() || t == "Z" {
        return Some("+00:00".into());
    }
    let (sign, rest) = match t.as_bytes()[0] {
        b'-' => (-1, &t[1..]),
        b'+' => (1, &t[1..]),
        _ => (1, t),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let ok = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    let (h, m): (i16, i16) = (h.parse().ok()?, m.parse().ok()?);
    let o = UtcOffset::from_minutes(sign * (h * 60 + m)).filter(|_| m < 60)?;
    Some(o.to_string())
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minutes < 0 { '-' } else { '+' };
        let m = self.minutes.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
    }
}

impl FromStr for UtcOffset {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, TimeError> {
        UtcOffset::parse(s)
    }
}

impl Serialize for UtcOffset {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcOffset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl V {
            fn refuse<E: serde::de::Error>(number: &str) -> E {
                let hint = match suggest_offset(number) {
                    Some(s) => format!("write `\"{s}\"` (quoted in YAML)"),
                    None => OFFSET_HINT.to_string(),
                };
                let message = format!("the number `{number}` is not a UTC offset `±HH:MM`");
                E::custom(coded_message("invalid-utc-offset", &message, Some(&hint)))
            }
        }
        impl serde::de::Visitor<'_> for V {
            type Value = UtcOffset;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a UTC offset such as `\"+02:00\"`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<UtcOffset, E> {
                UtcOffset::parse(v)
                    .map_err(|e| E::custom(coded_message("invalid-utc-offset", &e.message, Some(&e.hint))))
            }
            // A bare number (`utc_offset: 2`, `utc_offset: -5`) is a whole-hour offset mistyped.
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<UtcOffset, E> {
                Err(V::refuse(&v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<UtcOffset, E> {
                Err(V::refuse(&v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Pattern of the offsets [`UtcOffset::parse`] accepts.
pub const UTC_OFFSET_PATTERN: &str = "^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$";

impl schemars::JsonSchema for UtcOffset {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UtcOffset".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A fixed offset from UTC, `+HH:MM` or `-HH:MM`, from `-14:00` to `+14:00`.",
            "pattern": UTC_OFFSET_PATTERN,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(s: &str) -> i64 {
        Startex::parse(s).unwrap().unix()
    }

    fn refused(s: &str) -> TimeError {
        Startex::parse(s).unwrap_err()
    }

    #[test]
    fn utc_datetimes() {
        assert_eq!(unix("1970-01-01T00:00:00Z"), 0);
        assert_eq!(unix("2026-01-05T08:00:00Z"), 1_767_600_000);
        assert_eq!(unix("2024-02-29T00:00:00Z") % 86_400, 0);
        assert_eq!(unix("2028-02-29T12:00:00Z") - unix("2028-02-28T12:00:00Z"), 86_400);
        assert_eq!(unix("2000-02-29T00:00:00Z") + 86_400, unix("2000-03-01T00:00:00Z"));
        assert_eq!(unix("1969-12-31T23:59:59Z"), -1);
    }

    #[test]
    fn impossible_dates_and_times_are_refused_with_the_reason() {
        let e = refused("2027-02-31T08:00:00Z");
        assert_eq!(
            e.message,
            "STARTEX `2027-02-31T08:00:00Z` is not a date: February 2027 has 28 days (2027 is not a leap year)"
        );
        assert!(refused("2028-02-30T08:00:00Z").message.contains("February 2028 has 29 days"));
        assert!(refused("1900-02-29T08:00:00Z").message.contains("1900 is not a leap year"));
        assert!(refused("2026-04-31T08:00:00Z").message.contains("April 2026 has 30 days"));
        assert!(refused("2026-13-05T08:00:00Z").message.contains("no month 13"));
        assert!(refused("2026-00-05T08:00:00Z").message.contains("no month 00"));
        assert!(refused("2026-01-00T08:00:00Z").message.contains("January 2026 has 31 days"));
        assert!(refused("2026-01-05T24:00:00Z").message.contains("hour 24"));
        assert!(refused("2026-01-05T08:60:00Z").message.contains("minute 60"));
        let e = refused("2026-12-31T23:59:60Z");
        assert!(e.message.contains("second 60"), "{e}");
        assert!(e.hint.contains("leap seconds are not used"), "{e}");
    }

    #[test]
    fn near_misses_get_the_utc_spelling() {
        let hint = |s: &str| refused(s).hint;
        assert_eq!(
            hint("2026-01-05 08:00:00"),
            "write `2026-01-05T08:00:00Z` (STARTEX is in UTC, with the trailing Z)"
        );
        assert!(hint("2026-01-05T08:00:00").contains("`2026-01-05T08:00:00Z`"));
        assert!(hint("2026-01-05t08:00z").contains("`2026-01-05T08:00:00Z`"));
        assert!(hint("2026-01-05T10:00:00+02:00").contains("`2026-01-05T08:00:00Z`"));
        assert!(hint("2026-01-05T00:30:00-01:00").contains("`2026-01-05T01:30:00Z`"));
        assert_eq!(hint("next monday"), STARTEX_HINT);
        assert_eq!(hint(""), STARTEX_HINT);
        assert_eq!(hint("2026-02-30 08:00:00"), STARTEX_HINT, "no suggestion of an impossible date");
    }

    #[test]
    fn startex_round_trips_through_text() {
        for s in ["2026-01-05T08:00:00Z", "2028-02-29T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
            assert_eq!(Startex::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Startex::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn offsets() {
        let m = |s: &str| UtcOffset::parse(s).unwrap().minutes();
        assert_eq!(m("+02:00"), 120);
        assert_eq!(m("-05:30"), -330);
        assert_eq!(m("+14:00"), 840);
        assert_eq!(m("-00:00"), 0);
        assert_eq!(UtcOffset::parse("+05:45").unwrap().seconds(), 20_700);
        assert_eq!(UtcOffset::parse("-03:30").unwrap().to_string(), "-03:30");
        assert_eq!(UtcOffset::UTC.to_string(), "+00:00");
        assert!(UtcOffset::parse("+15:00").unwrap_err().message.contains("-14:00 to +14:00"));
        assert!(UtcOffset::parse("-14:01").is_err());
        assert!(UtcOffset::parse("+02:60").is_err());
        let hint = |s: &str| UtcOffset::parse(s).unwrap_err().hint;
        assert_eq!(hint("+2"), "write `\"+02:00\"` (quoted in YAML)");
        assert!(hint("2").contains("`\"+02:00\"`"));
        assert!(hint("-5").contains("`\"-05:00\"`"));
        assert!(hint("+0530").contains("`\"+05:30\"`"));
        assert!(hint("UTC+1").contains("`\"+01:00\"`"));
        assert!(hint("Z").contains("`\"+00:00\"`"));
        assert_eq!(hint("bogus"), OFFSET_HINT);
        assert_eq!(hint("+99"), OFFSET_HINT);
    }
}
