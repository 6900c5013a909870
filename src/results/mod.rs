//! The results layer: what one run and one batch of runs produced, as records that every
//! renderer, the batch aggregator and the comparison read. Owns `RunResults` (what `results.json`
//! holds), `RunMeta`, the batch records (`batch.json`), the flattening into observations, and the
//! statistics over them. Sits above `score` and below `report`, `batch` and `cli`.

pub mod batch;
mod check;
pub mod compare;
pub mod evidence;
pub mod expectations;
pub mod observe;
pub mod played;
pub mod reporting;
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
    /// The seats played by a program or a human (nation ids; absent when doctrine played every
    /// team).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub players: Vec<String>,
    /// Every decision a player or EXCON took, in order (absent when there were none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    /// Evaluators' observations and rating overrides, in order (absent when there were none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluation: Vec<EvaluatorNote>,
    /// Situation reports of a played session, scored against the ground truth (absent when none
    /// was sent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reporting: Vec<reporting::ReportScore>,
    /// The decisions doctrine took for the teams nobody played (kept for a played session and
    /// for a scenario with inject expectations; absent otherwise, so that a doctrine-only run's
    /// results stay as they were), with what each changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doctrine: Vec<Decision>,
    /// Inject expectations, judged (absent when the scenario expects nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expectations: Vec<expectations::ExpectationResult>,
    /// The same exercise played by doctrine alone, beside the played run (absent unless a played
    /// session asked for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterfactual: Option<played::Counterfactual>,
}

/// An evaluator's note during a drill, as the journal and `results.json` keep it: an observation
/// in the style of an HSEEP Exercise Evaluation Guide, or a rating override with its
/// justification (the report shows the engine's rating beside it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluatorNote {
    /// Tick boundary it was written at.
    pub tick: u64,
    /// Evaluator seat name, e.g. `EVALUATOR-1`.
    pub evaluator: String,
    /// What it says.
    pub note: NoteBody,
}

/// An observation or an override.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NoteBody {
    /// An observation tied to an objective (and its capability).
    Observation {
        /// Objective id.
        objective: String,
        /// `strength` or `improvement` (an area for improvement).
        finding: Finding,
        /// What was observed.
        text: String,
    },
    /// A rating override.
    Override {
        /// Objective id.
        objective: String,
        /// The evaluator's rating: `P`, `S`, `M` or `U`.
        rating: crate::score::ratings::Rating,
        /// Why, in words.
        justification: String,
    },
    /// A manual inject expectation validated by hand, with its score.
    Validation {
        /// Expectation id.
        expectation: String,
        /// Points awarded, 0 to the expectation's `points`.
        points: f64,
        /// Why, in words.
        text: String,
    },
}

/// An observation's finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// A strength.
    Strength,
    /// An area for improvement.
    Improvement,
}

/// Longest note text accepted.
pub const MAX_NOTE: usize = 4000;

impl EvaluatorNote {
    /// Why the note cannot be kept for `scenario`, if it cannot.
    pub fn problem(&self, scenario: &Scenario) -> Option<String> {
        let (objective, text) = match &self.note {
            NoteBody::Observation { objective, text, .. } => (objective, text),
            NoteBody::Override { objective, justification, .. } => (objective, justification),
            NoteBody::Validation { expectation, points, text } => {
                match expectations::manual_points(scenario, expectation) {
                    Err(why) => return Some(why),
                    Ok(most) if !(0.0..=most).contains(points) => {
                        return Some(format!("`{expectation}` awards 0 to {most} points, not {points}"));
                    }
                    Ok(_) => {}
                }
                return (text.trim().is_empty() || text.chars().count() > MAX_NOTE)
                    .then(|| format!("the text must be 1 to {MAX_NOTE} characters"));
            }
        };
        if !scenario.objectives.iter().any(|o| &o.id == objective) {
            return Some(format!("unknown objective `{objective}`"));
        }
        if text.trim().is_empty() {
            return Some("the text (or justification) is empty".into());
        }
        if text.chars().count() > MAX_NOTE {
            return Some(format!("the text is over {MAX_NOTE} characters"));
        }
        if let NoteBody::Override { rating: crate::score::ratings::Rating::NotObserved, .. } = self.note {
            return Some("an override rates P, S, M or U".into());
        }
        None
    }
}

/// One decision: who took which action at which tick boundary, and what became of it. The same
/// record is a line of a session's journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The tick it took effect before (the next tick to run when it was taken).
    pub tick: u64,
    /// `EXCON` or a nation id.
    pub seat: String,
    /// The action.
    pub action: crate::sim::actions::Action,
    /// What became of it.
    pub outcome: crate::sim::actions::Outcome,
    /// What it changed: the events it logged and those they caused, filled in the results (never
    /// in the journal), see [`played::collect_effects`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<played::Effect>,
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
            players: Vec::new(),
            decisions: Vec::new(),
            evaluation: Vec::new(),
            reporting: Vec::new(),
            doctrine: Vec::new(),
            expectations: Vec::new(),
            counterfactual: None,
        }
    }

    /// Reads a results file, refusing one that is not cydex's, was written in another format
    /// version, or holds values out of range (a tampered or damaged file), with a reason.
    pub fn from_json(text: &str) -> Result<RunResults, ReadError> {
        // An object's format and version first, its other fields skipped unread; then the whole
        // file straight into its types. Anything else (not JSON, not an object, a repeated key)
        // is read as a JSON value to say what is wrong with it.
        #[derive(Deserialize)]
        struct Header {
            format: Option<serde_json::Value>,
            format_version: Option<serde_json::Value>,
        }
        let r = match serde_json::from_str::<Header>(text) {
            Ok(h) if text.trim_start().starts_with('{') => {
                check_header(h.format.as_ref(), h.format_version.as_ref())?;
                serde_json::from_str::<RunResults>(text).map_err(|e| ReadError::Damaged(e.to_string()))?
            }
            _ => Self::from_json_value(text)?,
        };
        r.check_ranges().map_err(ReadError::OutOfRange)?;
        Ok(r)
    }

    /// The results in `text` read through a JSON value, for files whose header does not read.
    fn from_json_value(text: &str) -> Result<RunResults, ReadError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ReadError::NotJson(e.to_string()))?;
        check_header(value.get("format"), value.get("format_version"))?;
        serde_json::from_value(value).map_err(|e| ReadError::Damaged(e.to_string()))
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
        check::times_within(self, "", s.duration_s)?;
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

/// Refuses a file that is not cydex's results, or is of another format version.
fn check_header(format: Option<&serde_json::Value>, version: Option<&serde_json::Value>) -> Result<(), ReadError> {
    match format.and_then(|f| f.as_str()) {
        Some(RESULTS_FORMAT) => {}
        Some(batch::BATCH_FORMAT) => return Err(ReadError::Batch),
        Some(other) => return Err(ReadError::Foreign(other.to_string())),
        None => return Err(ReadError::NoFormat),
    }
    match version.and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(RESULTS_VERSION) => Ok(()),
        Some(v) => Err(ReadError::Version { found: v, engine: engine_version() }),
        None => Err(ReadError::NoVersion),
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
    let (mut results, events, doctrine) = run_with_doctrine(loaded, overrides, config);
    if expects_anything(&loaded.scenario) {
        keep_doctrine(&mut results, doctrine, &events);
    }
    (results, events)
}

/// [`run`], with the decisions doctrine took ([`doctrine_decisions`]) whether or not the results
/// keep them.
pub fn run_with_doctrine(
    loaded: &Loaded,
    overrides: &[String],
    config: &RunConfig,
) -> (RunResults, EventStream, Vec<Decision>) {
    let outcome = crate::sim::run(&loaded.scenario, config);
    let doctrine = doctrine_decisions(&loaded.scenario, &outcome.doctrine);
    let (mut results, events) = from_outcome(loaded, overrides, config, outcome);
    settle_expectations(&mut results, &loaded.scenario, &doctrine, &events);
    (results, events, doctrine)
}

/// Whether any inject of the scenario carries expectations.
pub fn expects_anything(s: &Scenario) -> bool {
    s.msel.iter().any(|i| !i.expects.is_empty())
}

/// Keeps doctrine's decisions in the results, with what each changed.
pub fn keep_doctrine(results: &mut RunResults, mut doctrine: Vec<Decision>, events: &EventStream) {
    played::collect_effects(&mut doctrine, events);
    results.doctrine = doctrine;
}

/// What an outcome's note says of a decision doctrine took on a team's behalf.
pub const BY_DOCTRINE: &str = "taken by doctrine";

/// The decisions doctrine took on the teams' behalf, as decisions of their seats (tick: the tick
/// they were taken in), for judging expectations; never written to the results' `decisions`,
/// which are the players'.
pub fn doctrine_decisions(s: &Scenario, taken: &[crate::sim::doctrine::DoctrineDecision]) -> Vec<Decision> {
    taken
        .iter()
        .map(|d| Decision {
            tick: d.tick,
            seat: s.nations.get(d.nation as usize).map_or_else(String::new, |n| n.id.clone()),
            action: d.action.clone(),
            outcome: crate::sim::actions::Outcome {
                applied: true,
                note: Some(BY_DOCTRINE.to_string()),
                events: d.events.clone(),
            },
            effects: Vec::new(),
        })
        .collect()
}

/// [`run`] for an outcome already simulated (a played session's): assess it and stamp its
/// provenance.
pub fn from_outcome(
    loaded: &Loaded,
    overrides: &[String],
    config: &RunConfig,
    outcome: crate::sim::RunOutcome,
) -> (RunResults, EventStream) {
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

/// Judges the scenario's inject expectations against the run's decisions (the players', then
/// `doctrine`'s: [`doctrine_decisions`]) and the evaluators' notes, and writes the verdicts into the assessment (ledger, each nation's tally, the
/// objectives' evidence) and the cited events. Nothing changes for a scenario that expects
/// nothing.
pub fn settle_expectations(results: &mut RunResults, scenario: &Scenario, doctrine: &[Decision], events: &EventStream) {
    if !expects_anything(scenario) {
        return;
    }
    let a = &results.assessment;
    let decisions: Vec<Decision> = results.decisions.iter().chain(doctrine).cloned().collect();
    results.expectations = expectations::judge(scenario, &a.msel, &decisions, &results.evaluation);
    expectations::credit(scenario, &mut results.assessment, &results.expectations);
    results.evidence = evidence::collect(&results.assessment, events);
}

/// STARTEX as Unix seconds (the scenario's, or the engine's default when it has none, as the
/// simulation clock does) and each nation's UTC offset in minutes, as the loader parsed them.
fn scenario_clock(s: &Scenario) -> (i64, BTreeMap<String, i32>) {
    let startex = s.exercise.startex.map_or(crate::sim::clock::DEFAULT_STARTEX, |t| t.unix());
    (startex, s.nations.iter().map(|n| (n.id.clone(), i32::from(n.utc_offset.minutes()))).collect())
}
