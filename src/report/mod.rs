//! Run results and their renderings. Depends only on results: the `RunResults` record (what
//! `results.json` holds) and the text made from it, never on the simulation's world.

pub mod html;
pub mod terminal;

use serde::{Deserialize, Serialize};

use crate::score::Assessment;
use crate::sim::RunSummary;

/// The `format` tag of a results file.
pub const RESULTS_FORMAT: &str = "cydex-results";
/// The results schema version this build writes and reads.
pub const RESULTS_VERSION: u32 = 1;

/// Provenance of a run: enough to reproduce it exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// Engine name and version, e.g. `cydex 0.1.0`.
    pub engine: String,
    /// The scenario as named on the command line (or the embedded default).
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// Exercise id.
    pub exercise_id: String,
    /// Exercise title.
    pub exercise_title: String,
    /// TLP marking of the exercise.
    pub tlp: String,
    /// Master seed.
    pub seed: u64,
    /// Run index within a batch.
    pub run_index: u64,
}

/// Everything `results.json` holds for one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    /// Always `cydex-results`.
    pub format: String,
    /// Schema version ([`RESULTS_VERSION`]).
    pub format_version: u32,
    /// Provenance.
    pub meta: RunMeta,
    /// What happened.
    pub summary: RunSummary,
    /// Metrics, scores, ratings and the executed MSEL.
    pub assessment: Assessment,
}

impl RunResults {
    /// Wraps a run's summary with its provenance.
    pub fn new(meta: RunMeta, summary: RunSummary, assessment: Assessment) -> RunResults {
        RunResults { format: RESULTS_FORMAT.to_string(), format_version: RESULTS_VERSION, meta, summary, assessment }
    }

    /// Pretty JSON with a trailing newline; keys in declaration order, maps sorted.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The engine's name and version, as recorded in every output.
pub fn engine_version() -> String {
    format!("cydex {}", env!("CARGO_PKG_VERSION"))
}

/// Formats scenario seconds as `T+1d02:30` (HSEEP "designated scenario time").
pub fn tplus(secs: u64) -> String {
    let (d, rem) = (secs / 86_400, secs % 86_400);
    let (h, m) = (rem / 3600, (rem % 3600) / 60);
    if d > 0 { format!("T+{d}d{h:02}:{m:02}") } else { format!("T+{h:02}:{m:02}") }
}

/// Formats a length of time compactly: `45m`, `3h20m`, `2d4h`.
pub fn span(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h{m:02}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_times() {
        assert_eq!(tplus(0), "T+00:00");
        assert_eq!(tplus(5400), "T+01:30");
        assert_eq!(tplus(86_400 + 9000), "T+1d02:30");
        assert_eq!(span(2700), "45m");
        assert_eq!(span(12_000), "3h20m");
        assert_eq!(span(7200), "2h");
        assert_eq!(span(187_200), "2d4h");
    }
}
