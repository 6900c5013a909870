//! Run results and their renderings. Depends only on results: the `RunResults` record (what
//! `results.json` holds) and the text made from it, never on the simulation's world.

pub mod html;
pub mod markdown;
pub mod terminal;

use serde::{Deserialize, Serialize};

use crate::score::Assessment;
use crate::sim::RunSummary;

/// The `format` tag of a results file.
pub const RESULTS_FORMAT: &str = "cydex-results";
/// The results schema version this build writes and reads. 2: host counts are distinct hosts
/// with `reinfections` apart, `incidents_not_recovered_at_endex`, sharing timed to the decision.
pub const RESULTS_VERSION: u32 = 2;

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
    /// `--set PATH=VALUE` overrides applied to the scenario before the run.
    #[serde(default)]
    pub overrides: Vec<String>,
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

    /// Reads a results file, refusing one that is not cydex's or was written in another format
    /// version, with a message that says why.
    pub fn from_json(text: &str) -> Result<RunResults, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a cydex results file: it is not valid JSON ({e})"))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(RESULTS_FORMAT) => {}
            Some("cydex-batch") => {
                return Err("this is a batch result (`cydex-batch`), not a single run's results.json".to_string());
            }
            Some(other) => {
                return Err(format!("not a cydex results file: its format is `{other}`, not `{RESULTS_FORMAT}`"));
            }
            None => {
                return Err(format!("not a cydex results file: it has no `\"format\": \"{RESULTS_FORMAT}\"` field"));
            }
        }
        match value.get("format_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(RESULTS_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "results format version {v} is not supported: this cydex ({}) reads version {RESULTS_VERSION}; re-run the scenario with this version",
                    engine_version()
                ));
            }
            None => return Err("the results file has no `format_version`".to_string()),
        }
        serde_json::from_value(value).map_err(|e| format!("the results file is damaged or incomplete: {e}"))
    }

    /// Pretty JSON with a trailing newline; keys in declaration order, maps sorted.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Distinct hosts compromised, with re-infections named apart when there were any.
pub fn hosts_hit(compromised: u64, reinfections: u64) -> String {
    if reinfections == 0 {
        format!("{compromised} host(s) compromised")
    } else {
        format!("{compromised} host(s) compromised (and {reinfections} re-infection(s) of recovered hosts)")
    }
}

/// The engine's name and version, as recorded in every output.
pub fn engine_version() -> String {
    format!("cydex {}", env!("CARGO_PKG_VERSION"))
}

/// A duration metric as every text output prints it: `9h02m (n=47, 134 not contained at ENDEX)`.
/// `metric` is `MTTD`, `MTTA`, `MTTC` or `MTTR`; it names what the censored incidents lack.
pub fn stat_text(s: &crate::score::metrics::Stat, metric: &str) -> String {
    let label = crate::score::metrics::not_done_label(metric);
    match (s.mean_s, s.open) {
        (Some(m), 0) => format!("{} (n={})", span(m.round() as u64), s.n),
        (Some(m), open) => format!("{} (n={}, {open} {label})", span(m.round() as u64), s.n),
        (None, 0) => "—".to_string(),
        (None, open) => format!("none yet (n=0, {open} {label})"),
    }
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
