//! The results layer: what one run and one batch of runs produced, as records that every
//! renderer, the batch aggregator and the comparison read. Owns `RunResults` (what `results.json`
//! holds), `RunMeta`, the batch records (`batch.json`), the flattening into observations, and the
//! statistics over them. Sits above `score` and below `report`, `batch` and `cli`.

pub mod batch;
mod check;
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
/// 3: `meta.attack_version`, and each `attack_coverage` entry carries the technique's `name` and
/// `tactics` in that ATT&CK version, so no renderer reads the ATT&CK table.
/// 4: each ledger entry is a rule applied `count` times at `each_milli` (per-host lines gathered
/// into one entry per reason and cost), citing the `events` and `hosts` of its first applications
/// only.
pub const RESULTS_VERSION: u32 = 4;

/// Why a results file was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// Not JSON at all.
    #[error("not a cydex results file: it is not valid JSON ({0})")]
    NotJson(String),
    /// A batch file given where a run's results were expected.
    #[error("this is a batch result (`cydex-batch`), not a single run's results.json")]
    Batch,
    /// Some other tool's JSON.
    #[error("not a cydex results file: its format is `{0}`, not `cydex-results`")]
    Foreign(String),
    /// No format tag.
    #[error("not a cydex results file: it has no `\"format\": \"cydex-results\"` field")]
    NoFormat,
    /// Another format version.
    #[error(
        "results format version {found} is not supported: this cydex ({engine}) reads version {RESULTS_VERSION}; re-run the scenario with this version"
    )]
    Version {
        /// The file's version.
        found: u64,
        /// This build.
        engine: String,
    },
    /// No version.
    #[error("the results file has no `format_version`")]
    NoVersion,
    /// Fields missing or of the wrong type.
    #[error("the results file is damaged or incomplete: {0}")]
    Damaged(String),
    /// Values no run can produce.
    #[error("the results file holds values no run can produce (damaged or edited): {0}")]
    OutOfRange(String),
}

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
    /// The MITRE ATT&CK Enterprise version the scenario pins (canonical, e.g. `18.1`): the
    /// version of every technique and tactic name in the results.
    pub attack_version: String,
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

    /// Reads a results file, refusing one that is not cydex's, was written in another format
    /// version, or holds values out of range (a tampered or damaged file), with a reason.
    pub fn from_json(text: &str) -> Result<RunResults, ReadError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ReadError::NotJson(e.to_string()))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(RESULTS_FORMAT) => {}
            Some(batch::BATCH_FORMAT) => return Err(ReadError::Batch),
            Some(other) => return Err(ReadError::Foreign(other.to_string())),
            None => return Err(ReadError::NoFormat),
        }
        match value.get("format_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(RESULTS_VERSION) => {}
            Some(v) => return Err(ReadError::Version { found: v, engine: engine_version() }),
            None => return Err(ReadError::NoVersion),
        }
        let r: RunResults = serde_json::from_value(value).map_err(|e| ReadError::Damaged(e.to_string()))?;
        r.check_ranges().map_err(ReadError::OutOfRange)?;
        Ok(r)
    }

    /// Checks what renderers rely on: every time within the exercise, the exercise no longer than
    /// a scenario may be, score weights finite and within 0–100.
    fn check_ranges(&self) -> Result<(), String> {
        let s = &self.summary;
        if s.tick_s == 0 || s.duration_s / s.tick_s > check::MAX_TICKS || s.ticks_run > check::MAX_TICKS {
            return Err(format!(
                "duration {} s in ticks of {} s is more than the {} ticks a scenario may have",
                s.duration_s,
                s.tick_s,
                check::MAX_TICKS
            ));
        }
        let value = serde_json::to_value(self).map_err(|e| e.to_string())?;
        check::times_within(&value, "", s.duration_s)?;
        if let Some(e) = self.assessment.scores.ledger.iter().find(|e| {
            i64::try_from(e.count).ok().and_then(|n| n.checked_mul(e.each_milli)) != Some(e.milli)
                || e.events.len() > 2 * crate::score::scoring::SAMPLE
        }) {
            return Err(format!(
                "the ledger entry `{}` of {} is {} × {} thousandths but says {} (or cites more than its sample)",
                e.rule, e.subject, e.count, e.each_milli, e.milli
            ));
        }
        for (category, w) in &self.assessment.scores.weights {
            if !(w.is_finite() && (0.0..=100.0).contains(w)) {
                return Err(format!("score weight `{category}` is {w}, not between 0 and 100"));
            }
        }
        // STARTEX from year 0 to 9999, offsets within ±14:00, as the scenario loader allows.
        if let Some(t) = self.meta.startex_unix.filter(|t| !(-62_167_219_200..=253_402_300_799).contains(t)) {
            return Err(format!("`meta.startex_unix` is {t}, not a date from year 0 to 9999"));
        }
        if let Some((n, m)) = self.meta.utc_offset_min.iter().find(|(_, m)| m.abs() > 14 * 60) {
            return Err(format!("the UTC offset of {n} is {m} minutes, beyond ±14:00"));
        }
        Ok(())
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
        attack_version: crate::score::techniques::attack_version(&loaded.scenario),
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
/// simulation clock does) and each nation's UTC offset in minutes, as the loader parsed them.
fn scenario_clock(s: &Scenario) -> (i64, BTreeMap<String, i32>) {
    let startex = s.exercise.startex.map_or(crate::sim::clock::DEFAULT_STARTEX, |t| t.unix());
    (startex, s.nations.iter().map(|n| (n.id.clone(), i32::from(n.utc_offset.minutes()))).collect())
}
