//! Owns simulated time: the tick counter, duration→tick rounding and the office-hours calendar.
//! No wall clock is ever read, and no date text is parsed here.
//!
//! * Tick `k` covers scenario time `[k·tick, (k+1)·tick)`; events in tick `k` are stamped
//!   `time_s = k·tick`. Tick 0 starts at STARTEX. A run has `ceil(duration / tick)` ticks.
//! * Durations become whole ticks by rounding **up** (`ceil(d / tick)`); cadences are at least 1.
//! * STARTEX is `exercise.startex`, which the loader parsed and checked (`scenario::time::Startex`),
//!   or, when absent, [`DEFAULT_STARTEX`] = Monday 2026-01-05T08:00:00Z. Nations' UTC offsets are
//!   likewise read already parsed (`scenario::time::UtcOffset`).

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
    crate::scenario::time::format_unix(unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> i64 {
        crate::scenario::time::Startex::parse(text).unwrap().unix()
    }

    #[test]
    fn default_startex_is_monday_eight() {
        assert_eq!(unix("2026-01-05T08:00:00Z"), DEFAULT_STARTEX);
        assert_eq!(format_utc(DEFAULT_STARTEX), "2026-01-05T08:00:00Z");
        assert!(in_office_hours(DEFAULT_STARTEX, 0));
        assert!(!in_office_hours(DEFAULT_STARTEX - 1, 0));
        // Saturday 2026-01-10 at noon is outside office hours.
        assert!(!in_office_hours(unix("2026-01-10T12:00:00Z"), 0));
        // 07:30 UTC is 09:30 in +02:00.
        assert!(in_office_hours(unix("2026-01-05T07:30:00Z"), 7200));
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
