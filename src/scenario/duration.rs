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

/// Why a duration string was refused: what is wrong, and how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    /// What is wrong, e.g. "`5 minutes` is not a duration: it contains a space".
    pub message: String,
    /// How to write it: the corrected spelling when one can be guessed (`write `5m``), otherwise
    /// the accepted forms.
    pub hint: String,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message, self.hint)
    }
}

impl DurationError {
    /// The error as a serde custom message carrying its code and hint (see `de::coded_message`).
    pub fn to_serde<E: serde::de::Error>(&self) -> E {
        E::custom(super::de::coded_message("invalid-duration", &self.message, Some(&self.hint)))
    }
}

const UNITS_HINT: &str = "write a duration like `90s`, `45m`, `2h30m`, `3d` or ISO 8601 `PT90M`";

/// The longest duration a scenario may give: 100 years. Every time the engine computes (a tick
/// times at most `MAX_TICKS` ticks, plus a duration) then stays far inside `u64`, so no sum can
/// wrap.
pub const MAX_SECS: u64 = 36_525 * 86_400;

/// Parses `90s`, `45m`, `2h30m`, `1d12h`, `1w`, or ISO 8601 `PT90M` / `P1DT2H`. Fractions (`1.5h`,
/// `PT0.5H`) are refused: they would bring floating-point time back. Surrounding ASCII whitespace
/// is ignored. A refusal suggests the accepted spelling when the text is a near miss: `5 minutes`,
/// `90 sec`, `1.5h`, `1h 30m`, `30m2h`, `pt90m`.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let s = text.trim_ascii();
    if s.is_empty() {
        return Err(DurationError { message: "empty duration".into(), hint: UNITS_HINT.into() });
    }
    let result = match s.strip_prefix('P') {
        Some(rest) => parse_iso(rest),
        None if s.starts_with('p') => Err(Why::Bad("ISO 8601 designators are upper case".into())),
        None => parse_compact(s),
    };
    let result = result.and_then(|secs| if secs > MAX_SECS { Err(Why::TooLong) } else { Ok(secs) });
    result.map(Duration).map_err(|why| {
        let iso = s.starts_with(['P', 'p']);
        let no_unit = matches!(why, Why::NoUnit);
        let too_long = matches!(why, Why::TooLong);
        let message = match why {
            Why::TooLong => format!("`{s}` is longer than the longest duration cydex takes, 100 years (`36525d`)"),
            Why::NoUnit => format!("`{s}` has no unit"),
            Why::Bad(reason) if iso => format!("`{s}` is not an ISO 8601 duration: {reason}"),
            Why::Bad(reason) => format!("`{s}` is not a duration: {reason}"),
        };
        let hint = match suggest(s) {
            _ if too_long => "write at most `36525d` (100 years)".to_string(),
            Some(fix) => format!("write `{fix}`"),
            None if no_unit => format!("durations need a unit: `{s}s`? `{s}m`? `{s}h`?"),
            None => UNITS_HINT.to_string(),
        };
        DurationError { message, hint }
    })
}

/// Why text is not a duration, before it is put in words.
enum Why {
    Bad(String),
    NoUnit,
    TooLong,
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

/// The run of characters starting at `s[i..]` that names a unit (letters), for messages.
fn word_at(s: &str, i: usize) -> &str {
    let rest = &s[i..];
    let end = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
    &rest[..end.max(rest.chars().next().map_or(0, char::len_utf8))]
}

fn parse_compact(s: &str) -> Result<u64, Why> {
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut last_rank = usize::MAX;
    for (i, ch) in s.char_indices() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        if ch.is_whitespace() {
            return Err(Why::Bad("it contains a space".into()));
        }
        if ch == '.' || ch == ',' {
            let unitless = !s.contains(char::is_alphabetic);
            return Err(Why::Bad(if unitless {
                "it has no unit, and fractions are not accepted (time is whole seconds)".into()
            } else {
                "fractions are not accepted (time is whole seconds)".into()
            }));
        }
        let Some(mult) = unit_seconds(ch).filter(|_| !word_at(s, i).chars().nth(1).is_some_and(char::is_alphabetic))
        else {
            return Err(Why::Bad(format!("unknown unit `{}`", word_at(s, i))));
        };
        if digits.is_empty() {
            return Err(Why::Bad(format!("unit `{ch}` has no number before it")));
        }
        let rank = "smhdw".find(ch).unwrap_or(0);
        if rank >= last_rank {
            return Err(Why::Bad("units must go from largest to smallest, each once".into()));
        }
        last_rank = rank;
        total = add_part(total, &digits, mult)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(if total == 0 && last_rank == usize::MAX {
            Why::NoUnit
        } else {
            Why::Bad(format!("the last number, `{digits}`, has no unit"))
        });
    }
    Ok(total)
}

fn add_part(total: u64, digits: &str, mult: u64) -> Result<u64, Why> {
    digits.parse::<u64>().ok().and_then(|n| n.checked_mul(mult)).and_then(|n| total.checked_add(n)).ok_or(Why::TooLong)
}

/// ISO 8601 `P[nW][nD][T[nH][nM][nS]]`: each designator at most once and in this order, at least
/// one component, and at least one after a `T`.
fn parse_iso(rest: &str) -> Result<u64, Why> {
    let bad = |why: &str| Why::Bad(why.to_string());
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut in_time = false;
    let mut any = false;
    let mut any_time = false;
    let mut last_rank = usize::MAX;
    for ch in rest.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            'T' if !in_time && digits.is_empty() => in_time = true,
            '.' | ',' => return Err(bad("fractions are not accepted (time is whole seconds)")),
            _ => {
                let (mult, rank) = match (in_time, ch) {
                    (false, 'W') => (604_800, 4),
                    (false, 'D') => (86_400, 3),
                    (false, 'Y') | (false, 'M') => return Err(bad("years and months have no fixed length; use days")),
                    (true, 'H') => (3600, 2),
                    (true, 'M') => (60, 1),
                    (true, 'S') => (1, 0),
                    (false, 'H' | 'S') => return Err(bad(&format!("`{ch}` belongs after the `T`"))),
                    _ => return Err(bad(&format!("unexpected `{ch}`"))),
                };
                if digits.is_empty() {
                    return Err(bad(&format!("`{ch}` has no number before it")));
                }
                if rank >= last_rank {
                    return Err(bad("designators must go from largest to smallest, each once"));
                }
                last_rank = rank;
                total = add_part(total, &digits, mult)?;
                digits.clear();
                any = true;
                any_time |= in_time;
            }
        }
    }
    if !digits.is_empty() {
        return Err(bad("a number has no designator"));
    }
    if !any {
        return Err(bad("no components"));
    }
    if in_time && !any_time {
        return Err(bad("nothing follows the `T`"));
    }
    Ok(total)
}

// ───────────── suggestions ─────────────

/// The accepted spelling of a near-miss duration, if one can be read from it: unit words
/// (`5 minutes`, `90 sec`, `2 hours`), spaces and commas (`1h 30m`), decimals that make whole
/// seconds (`1.5h`), upper-case units (`5M`), units out of order or repeated (`30m2h`), and ISO
/// text in lower case or with fractions (`pt90m`, `PT0.5H`). Years and months are never guessed.
pub fn suggest(text: &str) -> Option<String> {
    let t = text.trim_ascii();
    let upper = t.to_ascii_uppercase();
    if let Some(rest) = upper.strip_prefix('P') {
        return if parse_iso(rest).is_ok() { Some(upper) } else { suggest_iso(rest) };
    }
    let parts = loose_parts(&t.to_lowercase())?;
    // Integers with distinct units, largest first: keep the planner's own units (`90m`, `2w`).
    let mut ranks = parts.iter().map(|p| "smhdw".find(p.unit));
    let mut ordered = true;
    let mut last = usize::MAX;
    for r in ranks.by_ref() {
        let r = r?;
        ordered &= r < last;
        last = r;
    }
    if ordered && parts.iter().all(|p| p.frac.is_empty()) {
        let spelt: String = parts.iter().map(|p| format!("{}{}", p.int, p.unit)).collect();
        return parse_compact(&spelt).is_ok().then_some(spelt);
    }
    let secs = total_seconds(&parts)?;
    Some(Duration(secs).to_string())
}

/// One `number unit` of loosely written text.
struct Part {
    int: String,
    frac: String,
    unit: char,
}

/// Splits `1 hour, 30 minutes` / `1.5h` / `90 sec` into parts; `None` if any piece is not a
/// number followed by a known unit word.
fn loose_parts(t: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = t.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        rest = rest.strip_prefix("and ").unwrap_or(rest);
        let n = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..n];
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if (int.is_empty() && frac.is_empty()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest = rest[n..].trim_start();
        let w = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
        let unit = match &rest[..w] {
            "s" | "sec" | "secs" | "second" | "seconds" => 's',
            "m" | "min" | "mins" | "minute" | "minutes" => 'm',
            "h" | "hr" | "hrs" | "hour" | "hours" => 'h',
            "d" | "day" | "days" => 'd',
            "w" | "wk" | "wks" | "week" | "weeks" => 'w',
            _ => return None,
        };
        rest = rest[w..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        parts.push(Part { int: if int.is_empty() { "0".into() } else { int.into() }, frac: frac.into(), unit });
    }
    (!parts.is_empty()).then_some(parts)
}

/// Exact total of parts in whole seconds, or `None` if it is not whole or overflows.
fn total_seconds(parts: &[Part]) -> Option<u64> {
    let mut total: u64 = 0;
    for p in parts {
        let mult = u128::from(unit_seconds(p.unit)?);
        let scale = 10u128.checked_pow(u32::try_from(p.frac.len()).ok()?)?;
        let digits: u128 = format!("{}{}", p.int, p.frac).parse().ok()?;
        let scaled = digits.checked_mul(mult)?;
        if scaled % scale != 0 {
            return None;
        }
        total = total.checked_add(u64::try_from(scaled / scale).ok()?)?;
    }
    Some(total)
}

/// ISO near misses (`pt90m`, `PT0.5H`, `PT30M2H`): the canonical ISO spelling of the same length.
fn suggest_iso(rest: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut in_time = false;
    let mut number = String::new();
    for ch in rest.chars() {
        match ch {
            '0'..='9' | '.' => number.push(ch),
            ',' => number.push('.'),
            'T' if number.is_empty() => in_time = true,
            _ => {
                let unit = match (in_time, ch) {
                    (false, 'W') => 'w',
                    (false, 'D') => 'd',
                    (true, 'H') => 'h',
                    (true, 'M') => 'm',
                    (true, 'S') => 's',
                    _ => return None,
                };
                let (int, frac) = number.split_once('.').unwrap_or((&number, ""));
                parts.push(Part { int: if int.is_empty() { "0".into() } else { int.into() }, frac: frac.into(), unit });
                number.clear();
            }
        }
    }
    if !number.is_empty() || parts.is_empty() {
        return None;
    }
    let secs = total_seconds(&parts)?;
    Some(iso(secs))
}

/// ISO 8601 spelling of whole seconds: `PT1H30M`, `P1DT2H`, `PT0S`.
fn iso(secs: u64) -> String {
    let (d, rest) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let mut out = String::from("P");
    if d > 0 {
        out.push_str(&format!("{d}D"));
    }
    if rest > 0 || d == 0 {
        out.push('T');
        for (n, u) in [(h, 'H'), (m, 'M'), (s, 'S')] {
            if n > 0 {
                out.push_str(&format!("{n}{u}"));
            }
        }
        if rest == 0 {
            out.push_str("0S");
        }
    }
    out
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
                parse_duration(v).map_err(|e| e.to_serde())
            }
            // Numbers are never durations; the text of the number gets the same explanation.
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Duration, E> {
                parse_duration(&v.to_string()).map_err(|e| e.to_serde())
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(DurationError {
                    message: format!("`{v}` is not a duration: durations are never negative"),
                    hint: UNITS_HINT.to_string(),
                }
                .to_serde())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Duration, E> {
                parse_duration(&v.to_string()).map_err(|e| e.to_serde())
            }
        }
        d.deserialize_any(V)
    }
}

/// Exactly the text [`parse_duration`] accepts, as far as a pattern can tell (it cannot tell a
/// length too long for 64 bits): compact units largest first, each at most once, or ISO 8601
/// designators in order, each at most once, with something after a `T`; at least one component;
/// surrounding ASCII whitespace allowed. Never empty.
pub const DURATION_PATTERN: &str = concat!(
    "^[ \\t\\n\\f\\r]*(",
    "[0-9]+w([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?",
    "|[0-9]+d([0-9]+h)?([0-9]+m)?([0-9]+s)?",
    "|[0-9]+h([0-9]+m)?([0-9]+s)?",
    "|[0-9]+m([0-9]+s)?",
    "|[0-9]+s",
    "|P([0-9]+W([0-9]+D)?|[0-9]+D)(T([0-9]+H([0-9]+M)?([0-9]+S)?|[0-9]+M([0-9]+S)?|[0-9]+S))?",
    "|PT([0-9]+H([0-9]+M)?([0-9]+S)?|[0-9]+M([0-9]+S)?|[0-9]+S)",
    ")[ \\t\\n\\f\\r]*$"
);

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A duration: compact (`90s`, `45m`, `2h30m`, `3d`, `1w`; units largest first, each once) or ISO 8601 (`PT90M`, `P1DT2H`). Held as whole seconds.",
            "pattern": DURATION_PATTERN,
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

    fn refused(text: &str) -> DurationError {
        parse_duration(text).unwrap_err()
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(refused("90").message, "`90` has no unit");
        assert_eq!(refused("90").hint, "durations need a unit: `90s`? `90m`? `90h`?");
        assert!(refused("2x").message.contains("unknown unit `x`"));
        assert!(refused("5min").message.contains("unknown unit `min`"));
        assert!(refused("30m2h").message.contains("largest to smallest"));
        assert!(refused("1h30").message.contains("the last number, `30`, has no unit"));
        assert!(refused("PT0.5H").message.contains("fractions"));
        assert!(refused("P1M").message.contains("months"));
        assert!(refused("PT1M1H").message.contains("largest to smallest"));
        assert!(refused("PT1H1H").message.contains("largest to smallest"));
        assert!(refused("P1D1W").message.contains("largest to smallest"));
        assert!(refused("P1H").message.contains("`H` belongs after the `T`"));
        assert!(refused("P1DT").message.contains("nothing follows the `T`"));
        assert!(refused("PT").message.contains("no components"));
        assert!(refused("P").message.contains("no components"));
        assert_eq!(refused("").message, "empty duration");
        assert_eq!(refused("   ").message, "empty duration");
        assert!(refused("99999999999999999999d").message.contains("longer than the longest"));
        assert!(parse_duration("36525d").is_ok(), "the limit itself is taken");
        assert!(refused("36526d").hint.contains("at most `36525d`"));
        assert!(refused("1.5").message.contains("no unit, and fractions"));
        assert!(refused("pt90m").message.contains("upper case"));
    }

    #[test]
    fn refusals_suggest_the_accepted_spelling() {
        for (written, fix) in [
            ("5 minutes", "5m"),
            ("1.5h", "1h30m"),
            ("90 sec", "90s"),
            ("2 hours", "2h"),
            ("1 hour", "1h"),
            ("3 days", "3d"),
            ("2 weeks", "2w"),
            ("45 mins", "45m"),
            ("10 secs", "10s"),
            ("1h 30m", "1h30m"),
            ("1 hour, 30 minutes", "1h30m"),
            ("1 hour and 30 minutes", "1h30m"),
            ("2.5 days", "2d12h"),
            ("0.5m", "30s"),
            ("30m2h", "2h30m"),
            ("1h1h", "2h"),
            ("5M", "5m"),
            ("2H30M", "2h30m"),
            ("5min", "5m"),
            ("pt90m", "PT90M"),
            ("PT0.5H", "PT30M"),
            ("PT1,5H", "PT1H30M"),
            ("PT30M2H", "PT2H30M"),
        ] {
            let e = refused(written);
            assert_eq!(e.hint, format!("write `{fix}`"), "{written}: {e}");
            assert!(parse_duration(fix).is_ok(), "the suggestion `{fix}` for `{written}` must parse");
        }
        // Nothing is guessed where a guess would be wrong: fractions of a second, months, nonsense.
        for written in ["0.3s", "P1M", "2x", "soon", "1,5h", "1.2.3h", "5 fortnights", "-5m"] {
            assert_eq!(refused(written).hint, UNITS_HINT, "{written}");
        }
    }

    #[test]
    fn surrounding_ascii_whitespace_is_ignored() {
        assert_eq!(parse_duration(" 5m\t").unwrap(), Duration(300));
        assert!(parse_duration("\u{a0}5m").is_err());
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
