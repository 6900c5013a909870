//! The results layer: what one run and one batch of runs produced, as records that every
//! renderer, the batch aggregator and the comparison read. Owns `RunResults` (what `results.json`
//! holds), `RunMeta`, the batch records (`batch.json`), the flattening into observations, and the
//! statistics over them. Sits above `score` and below `report`, `batch` and `cli`.

pub mod batch;
pub mod compare;
pub mod evidence;
pub mod observe;
pub mod stats;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scenario::Loaded;
use crate::scenario::model::Scenario;
use crate::score::Assessment;
use crate::sim::{EventStream, RunConfig, RunSummary};

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
    /// STARTEX in seconds since the Unix epoch (UTC), so reports can give wall-clock times beside
    /// T+. Absent in results written before it was recorded.
    #[serde(default)]
    pub startex_unix: Option<i64>,
    /// Each nation's offset from UTC in minutes (its `utc_offset`), for local times in reports.
    #[serde(default)]
    pub utc_offset_min: BTreeMap<String, i32>,
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
    /// Every event the assessment cites, in id order, so reports can show the evidence.
    #[serde(default)]
    pub evidence: Vec<evidence::EvidenceEvent>,
}

impl RunResults {
    /// Wraps a run's summary with its provenance; the cited events are added with
    /// [`evidence::collect`] (as [`run`] does).
    pub fn new(meta: RunMeta, summary: RunSummary, assessment: Assessment) -> RunResults {
        RunResults {
            format: RESULTS_FORMAT.to_string(),
            format_version: RESULTS_VERSION,
            meta,
            summary,
            assessment,
            evidence: Vec::new(),
        }
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

/// The engine's name and version, as recorded in every output.
pub fn engine_version() -> String {
    format!("cydex {}", env!("CARGO_PKG_VERSION"))
}

/// Runs `loaded` with `config` and returns the results and the event log: simulate, assess, and
/// stamp the provenance (engine version, scenario hash, seed, run index) that makes it
/// reproducible. `overrides` are the `--set PATH=VALUE` words already applied to `loaded`,
/// recorded so the run can be reproduced.
pub fn run(loaded: &Loaded, overrides: &[String], config: &RunConfig) -> (RunResults, EventStream) {
    let outcome = crate::sim::run(&loaded.scenario, config);
    let assessment = crate::score::assess(&loaded.scenario, &outcome);
    let ex = &loaded.scenario.exercise;
    let (startex, offsets) = scenario_clock(&loaded.scenario);
    let meta = RunMeta {
        engine: engine_version(),
        scenario: loaded.source.name.clone(),
        scenario_sha256: loaded.sha256.clone(),
        exercise_id: ex.id.clone(),
        exercise_title: ex.title.clone(),
        tlp: crate::scenario::model::name_of(&ex.tlp),
        overrides: overrides.to_vec(),
        seed: config.seed,
        run_index: config.run_index,
        startex_unix: Some(startex),
        utc_offset_min: offsets,
    };
    let mut results = RunResults::new(meta, outcome.summary, assessment);
    results.evidence = evidence::collect(&results.assessment, &outcome.events);
    (results, outcome.events)
}

/// STARTEX as Unix seconds (the scenario's, or the engine's default when it has none, as the
/// simulation clock does) and each nation's UTC offset in minutes, parsed as the simulation parses
/// them. The one place the results layer reads clock text.
fn scenario_clock(s: &Scenario) -> (i64, BTreeMap<String, i32>) {
    use crate::sim::clock::{DEFAULT_STARTEX, parse_startex, parse_utc_offset};
    let startex = s.exercise.startex.as_deref().and_then(parse_startex).unwrap_or(DEFAULT_STARTEX);
    let minutes = |t: &str| i32::try_from(parse_utc_offset(t) / 60).unwrap_or(0);
    (startex, s.nations.iter().map(|n| (n.id.clone(), minutes(&n.utc_offset))).collect())
}
