//! Owns simulated time: the tick counter, duration→tick rounding, STARTEX parsing and the
//! office-hours calendar. No wall clock is ever read.
//!
//! * Tick `k` covers scenario time `[k·tick, (k+1)·tick)`; events in tick `k` are stamped
//!   `time_s = k·tick`. Tick 0 starts at STARTEX. A run has `ceil(duration / tick)` ticks.
//! * Durations become whole ticks by rounding **up** (`ceil(d / tick)`); cadences are at least 1.
//! * STARTEX is `exercise.startex` (`YYYY-MM-DDTHH:MM:SSZ`, parsed here without chrono) or, when
//!   absent or unreadable, [`DEFAULT_STARTEX`] = Monday 2026-01-05T08:00:00Z.

use bevy_ecs::prelude::Resource;

/// Default STARTEX: Monday 2026-01-05 08:00:00 UTC, as Unix seconds.
pub const DEFAULT_STARTEX: i64 = 1_767_600_000;

/// The simulation clock.
#[derive(Resource, Debug, Clone)]
pub struct SimClock {
    /// The tick being simulated.
    pub tick: u64,
    /// Seconds per tick (at least 1).
    pub tick_secs: u64,
    /// Ticks in the run.
    pub n_ticks: u64,
    /// STARTEX as Unix seconds (UTC).
    pub startex_unix: i64,
}

impl SimClock {
    /// Builds a clock; a zero tick length is treated as one second.
    pub fn new(tick_secs: u64, duration_secs: u64, startex_unix: i64) -> Self {
        let tick_secs = tick_secs.max(1);
        SimClock { tick: 0, tick_secs, n_ticks: duration_secs.div_ceil(tick_secs), startex_unix }
    }

    /// Scenario seconds at the start of the current tick.
    pub fn now_s(&self) -> u64 {
        self.tick * self.tick_secs
    }

    /// Whole ticks for a duration, rounded up (0 stays 0).
    pub fn ticks(&self, secs: u64) -> u64 {
        secs.div_ceil(self.tick_secs)
    }

    /// Whole ticks for a duration, rounded up, at least 1.
    pub fn ticks_min1(&self, secs: u64) -> u64 {
        self.ticks(secs).max(1)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` into Unix seconds. `None` if malformed.
pub fn parse_startex(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = std::str::from_utf8(&b[r]).ok()?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Parses a `+HH:MM` / `-HH:MM` offset into seconds; malformed offsets count as UTC.
pub fn parse_utc_offset(text: &str) -> i64 {
    let t = text.trim();
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return 0,
    };
    let mut parts = rest.split(':');
    let h = parts.next().and_then(|p| p.parse::<i64>().ok());
    let m = parts.next().map_or(Some(0), |p| p.parse::<i64>().ok());
    match (h, m) {
        (Some(h), Some(m)) if h <= 14 && m < 60 => sign * (h * 3600 + m * 60),
        _ => 0,
    }
}

/// Whether local office hours (08:00–17:00, Monday–Friday) hold at this UTC instant.
pub fn in_office_hours(unix_utc: i64, offset_secs: i64) -> bool {
    let local = unix_utc + offset_secs;
    let days = local.div_euclid(86_400);
    let secs_of_day = local.rem_euclid(86_400);
    // 1970-01-01 was a Thursday: (days + 3) mod 7 gives 0 = Monday … 6 = Sunday.
    let weekday = (days + 3).rem_euclid(7);
    weekday < 5 && (8 * 3600..17 * 3600).contains(&secs_of_day)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (for the summary).
pub fn format_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let sod = unix.rem_euclid(86_400);
    // civil_from_days
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", sod / 3600, sod % 3600 / 60, sod % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_startex_is_monday_eight() {
        assert_eq!(parse_startex("2026-01-05T08:00:00Z"), Some(DEFAULT_STARTEX));
        assert_eq!(format_utc(DEFAULT_STARTEX), "2026-01-05T08:00:00Z");
        assert!(in_office_hours(DEFAULT_STARTEX, 0));
        assert!(!in_office_hours(DEFAULT_STARTEX - 1, 0));
        // Saturday 2026-01-10 at noon is outside office hours.
        assert!(!in_office_hours(parse_startex("2026-01-10T12:00:00Z").unwrap(), 0));
        // 07:30 UTC is 09:30 in +02:00.
        assert!(in_office_hours(parse_startex("2026-01-05T07:30:00Z").unwrap(), 7200));
    }

    #[test]
    fn parsing_refuses_garbage() {
        assert_eq!(parse_startex("2026-01-05 08:00:00"), None);
        assert_eq!(parse_startex("2026-13-05T08:00:00Z"), None);
        assert_eq!(parse_utc_offset("+02:00"), 7200);
        assert_eq!(parse_utc_offset("-05:30"), -19_800);
        assert_eq!(parse_utc_offset("bogus"), 0);
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn ticks_round_up() {
        let c = SimClock::new(60, 3600, 0);
        assert_eq!(c.n_ticks, 60);
        assert_eq!(c.ticks(0), 0);
        assert_eq!(c.ticks(61), 2);
        assert_eq!(c.ticks_min1(0), 1);
    }
}
