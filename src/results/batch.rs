//! The batch records: `batch.json` and shard partials (`BatchFile`, a summary: the per-run
//! records stay in the journals), their provenance (`BatchMeta`, `Shard`), one flattened run
//! (`RunRecord`), the in-memory aggregation of runs into per-metric and per-category statistics
//! (the reference the streaming aggregation in `batch::spill` must equal), and the checks of a
//! merge of shard partials. Pure data and arithmetic; running, spilling and merging runs belong
//! to `batch`.
//!
//! Determinism: every aggregate is computed from the per-run values in index order (sums in that
//! order, quantiles from sorted values, maps sorted by key), so `batch.json` is byte-identical for
//! any `--jobs`, after a resume, and after merging shards.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::engine_version;
use super::observe::Observation;
use super::stats::{CategoryStats, NumberStats, Shape, category_stats, summarise};
use crate::scenario::Loaded;
use crate::score::techniques::{Technique, attack_version, labels};

/// The `format` tag of a batch file.
pub const BATCH_FORMAT: &str = "cydex-batch";
/// The batch schema version this build writes and reads. 2: `meta.tlp`, the exercise's marking.
/// 3: `meta.attack_version` and `meta.techniques` (ATT&CK labels), and per-technique observations
/// (`technique.<ID>.executed` / `.detected` / `.contained`). 4: a summary — no `runs` array (the
/// per-run records stay in the journals under `runs/`), and `shapes`: per metric its sum, the
/// runs with its lowest and highest values and its histogram.
pub const BATCH_VERSION: u32 = 4;
/// Why a batch file, a shard or a merge was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    /// `--shard` text that is not K/N.
    #[error("`{0}` is not a shard; write K/N with 0 ≤ K < N, e.g. `--shard 3/10`")]
    Shard(String),
    /// Not JSON of a batch file.
    #[error("not a cydex batch file: {0}")]
    NotBatch(String),
    /// Another format version.
    #[error(
        "batch format version {found} is not supported: this cydex ({engine}) reads version {BATCH_VERSION}; re-run the batch (or its shards) with this version"
    )]
    Version {
        /// The file's version, or `missing`.
        found: String,
        /// This build.
        engine: String,
    },
    /// Fields missing, or values no batch can produce.
    #[error("the batch file is damaged or incomplete: {0}")]
    Damaged(String),
    /// Partials that do not make one batch.
    #[error("{0}")]
    Merge(String),
}

/// The most runs a batch may have (`batch --runs`): a hundred million runs is weeks of work for a
/// cluster of shards; above it the count is a typo, and a file claiming more is damaged.
pub const MAX_RUNS: u64 = 100_000_000;
/// The most paired runs a comparison may have (`compare --runs`). Both sides spill to disk as they
/// finish (`batch::spill`), so memory does not grow with the runs; this bounds the disk (16 bytes
/// per metric and run of each side) and the time.
pub const MAX_COMPARE_RUNS: u64 = 1_000_000;
/// Name of the finished batch in an output directory.
pub const BATCH_FILE: &str = "batch.json";

/// A deterministic slice of a batch: the run indices `i` with `i % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 0.
    pub index: u64,
    /// N, the number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` (0 ≤ K < N).
    pub fn parse(text: &str) -> Result<Shard, BatchError> {
        let bad = || BatchError::Shard(text.to_string());
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// How many of runs `0 .. runs` belong to this shard, counted without visiting them.
    pub fn size_of(&self, runs: u64) -> u64 {
        if self.index >= runs { 0 } else { (runs - 1 - self.index) / self.count + 1 }
    }

    /// Whether run `i` belongs to this shard.
    pub fn contains(&self, i: u64) -> bool {
        i % self.count == self.index
    }

    /// File name of this shard's partial result, e.g. `shard-3-of-10.json`.
    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.json", self.index, self.count)
    }
}

/// Provenance of a batch: what must match for runs to belong together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchMeta {
    /// Engine name and version.
    pub engine: String,
    /// The scenario as named on the command line.
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes (before overrides).
    pub scenario_sha256: String,
    /// Exercise id.
    pub exercise_id: String,
    /// Exercise title.
    pub exercise_title: String,
    /// TLP marking of the exercise (after overrides), for every rendering of the batch.
    pub tlp: String,
    /// The MITRE ATT&CK Enterprise version the scenario pins (canonical, e.g. `18.1`).
    pub attack_version: String,
    /// Every technique the scenario's campaigns use, with its name and tactics in that version:
    /// the labels of the `technique.<ID>.*` observations.
    pub techniques: Vec<Technique>,
    /// Each objective's text by id, so the batch report can say what a rating is about. Absent
    /// from batch files written before it existed (read as none).
    #[serde(default)]
    pub objectives: BTreeMap<String, String>,
    /// `--set` overrides applied to the scenario, in order.
    pub overrides: Vec<String>,
    /// Master seed; run `i` uses (seed, i).
    pub seed: u64,
    /// Runs in the whole batch (indices 0 … runs − 1).
    pub runs: u64,
    /// The slice this file holds; `null` for a whole batch.
    pub shard: Option<Shard>,
    /// Runs held in this file.
    pub runs_included: u64,
}

impl BatchMeta {
    /// Provenance for a batch of `runs` runs of `loaded` (after `overrides`) from `seed`.
    pub fn new(loaded: &Loaded, overrides: &[String], seed: u64, runs: u64, shard: Option<Shard>) -> BatchMeta {
        let ex = &loaded.scenario.exercise;
        let included = match shard {
            None => runs,
            Some(s) => s.size_of(runs),
        };
        BatchMeta {
            engine: engine_version(),
            scenario: loaded.source.name.clone(),
            scenario_sha256: loaded.sha256.clone(),
            exercise_id: ex.id.clone(),
            exercise_title: ex.title.clone(),
            tlp: crate::scenario::model::name_of(&ex.tlp),
            attack_version: attack_version(&loaded.scenario),
            techniques: labels(&loaded.scenario),
            objectives: loaded.scenario.objectives.iter().map(|o| (o.id.clone(), o.text.clone())).collect(),
            overrides: overrides.to_vec(),
            seed,
            runs,
            shard,
            runs_included: included,
        }
    }

    /// The run indices this batch (or shard) is made of, ascending.
    pub fn indices(&self) -> Vec<u64> {
        match self.shard {
            None => (0..self.runs).collect(),
            Some(s) if s.index >= self.runs => Vec::new(),
            Some(s) => (s.index..self.runs).step_by(usize::try_from(s.count).unwrap_or(usize::MAX)).collect(),
        }
    }
}

/// One run, flattened, with its index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Run index (the run used seed `meta.seed` and this index).
    pub run_index: u64,
    /// Numeric metrics present in the run.
    pub numbers: BTreeMap<String, f64>,
    /// Categorical outcomes present in the run.
    pub categories: BTreeMap<String, String>,
}

impl RunRecord {
    /// Refuses a record no run of a `runs`-run batch can produce: an index out of the batch, a
    /// metric that is not finite or beyond [`super::check::MAX_METRIC`] (a tampered file).
    pub fn check(&self, runs: u64) -> Result<(), BatchError> {
        if self.run_index >= runs {
            return Err(BatchError::Damaged(format!("run {} is outside a batch of {runs} runs", self.run_index)));
        }
        match self.numbers.iter().find(|(_, v)| !super::check::metric_ok(**v)) {
            Some((k, v)) => {
                Err(BatchError::Damaged(format!("run {}: `{k}` is {v:e}, which no run can produce", self.run_index)))
            }
            None => Ok(()),
        }
    }

    /// Wraps an observation.
    pub fn new(run_index: u64, o: Observation) -> RunRecord {
        RunRecord { run_index, numbers: o.numbers, categories: o.categories }
    }
}

/// A batch, or a shard of one: what `batch.json` and `shard-K-of-N.json` hold — a summary of its
/// runs, whose records are in the journals (`runs/*.jsonl`) beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchFile {
    /// Always [`BATCH_FORMAT`].
    pub format: String,
    /// [`BATCH_VERSION`].
    pub format_version: u32,
    /// Provenance.
    pub meta: BatchMeta,
    /// Per numeric metric: n, missing, mean, sd, quantiles and the 95% CI of the mean.
    pub metrics: BTreeMap<String, NumberStats>,
    /// Per category: n, missing, and the count and probability of each value.
    pub categories: BTreeMap<String, CategoryStats>,
    /// Per numeric metric: what the reports draw from single runs (sum, extremes, histogram).
    pub shapes: BTreeMap<String, Shape>,
}

/// The aggregates of a batch: per-metric statistics, per-category statistics, per-metric shapes.
pub type Aggregates = (BTreeMap<String, NumberStats>, BTreeMap<String, CategoryStats>, BTreeMap<String, Shape>);

impl BatchFile {
    /// Builds the file from records held in memory (any order; sorted here by run index).
    pub fn build(meta: BatchMeta, mut runs: Vec<RunRecord>) -> BatchFile {
        runs.sort_by_key(|r| r.run_index);
        BatchFile::of(meta, aggregate(&runs))
    }

    /// The file of a batch with these aggregates.
    pub fn of(meta: BatchMeta, (metrics, categories, shapes): Aggregates) -> BatchFile {
        BatchFile { format: BATCH_FORMAT.to_string(), format_version: BATCH_VERSION, meta, metrics, categories, shapes }
    }

    /// The run with the lowest value of numeric metric `key`, and that value (the lowest run index
    /// among equals); `None` when no run has it.
    pub fn lowest(&self, key: &str) -> Option<(u64, f64)> {
        self.shapes.get(key).map(|s| (s.lowest.1, s.lowest.0))
    }

    /// Pretty JSON; trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Parses a batch or shard file, checking its format tag and version before its contents (so
    /// a file of another version is refused as such rather than as damaged), then its values.
    pub fn from_json(text: &str) -> Result<BatchFile, BatchError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BatchError::NotBatch(format!("it is not valid JSON ({e})")))?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        let version = value.get("format_version").and_then(serde_json::Value::as_u64);
        if format != BATCH_FORMAT {
            return Err(BatchError::NotBatch(format!("its format is `{format}`, not `{BATCH_FORMAT}`")));
        }
        if version != Some(u64::from(BATCH_VERSION)) {
            let found = version.map_or_else(|| "missing".to_string(), |v| v.to_string());
            return Err(BatchError::Version { found, engine: engine_version() });
        }
        let f: BatchFile = serde_json::from_value(value).map_err(|e| BatchError::Damaged(e.to_string()))?;
        if f.meta.runs > MAX_RUNS || f.meta.shard.is_some_and(|s| s.count == 0 || s.index >= s.count) {
            return Err(BatchError::Damaged(format!("it claims {} runs or an impossible shard", f.meta.runs)));
        }
        for (k, shape) in &f.shapes {
            let h = &shape.histogram;
            let values = [shape.lowest.0, shape.highest.0, h.lo, h.hi];
            if h.counts.len() > super::stats::BINS + 3
                || values.iter().any(|x| !super::check::metric_ok(*x))
                || !shape.sum.is_finite()
                || !(h.width.is_finite() && h.width >= 0.0)
                || shape.lowest.1 >= f.meta.runs
                || shape.highest.1 >= f.meta.runs
            {
                return Err(BatchError::Damaged(format!("the shape of `{k}` is not one a batch can produce")));
            }
        }
        Ok(f)
    }
}

/// Aggregates records held in memory (sorted by run index) into per-metric and per-category
/// statistics and per-metric shapes.
pub fn aggregate(runs: &[RunRecord]) -> Aggregates {
    let total = runs.len() as u64;
    let number_keys: BTreeSet<&str> = runs.iter().flat_map(|r| r.numbers.keys().map(String::as_str)).collect();
    let category_keys: BTreeSet<&str> = runs.iter().flat_map(|r| r.categories.keys().map(String::as_str)).collect();
    let mut metrics = BTreeMap::new();
    let mut shapes = BTreeMap::new();
    for k in number_keys {
        let (index, xs): (Vec<u64>, Vec<f64>) =
            runs.iter().filter_map(|r| r.numbers.get(k).map(|v| (r.run_index, *v))).unzip();
        let (stats, shape) = summarise(&xs, &index, total);
        metrics.insert(k.to_string(), stats);
        if let Some(shape) = shape {
            shapes.insert(k.to_string(), shape);
        }
    }
    let categories = category_keys
        .into_iter()
        .map(|k| {
            (k.to_string(), category_stats(runs.iter().filter_map(|r| r.categories.get(k).map(String::as_str)), total))
        })
        .collect();
    (metrics, categories, shapes)
}

/// `--set` overrides as a person would type them (`` `--set a=b` ``), or "none".
pub fn show_overrides(overrides: &[String]) -> String {
    if overrides.is_empty() {
        "none".to_string()
    } else {
        overrides.iter().map(|o| format!("`--set {o}`")).collect::<Vec<_>>().join(" ")
    }
}

/// Checks that shard partials make one whole batch — same provenance, no run in two partials, no
/// run in none — each refusal saying which file and which runs. Returns the partials sorted by
/// shard and the whole batch's provenance; their runs are then read from their journals.
pub fn merge_plan(parts: Vec<(String, BatchFile)>) -> Result<(Vec<(String, BatchFile)>, BatchMeta), BatchError> {
    let mut parts = parts;
    parts.sort_by(|a, b| a.1.meta.shard.cmp(&b.1.meta.shard).then(a.0.cmp(&b.0)));
    let Some((first_name, first)) = parts.first() else {
        return Err(BatchError::Merge("nothing to merge".to_string()));
    };
    let base = first.meta.clone();
    let same = |m: &BatchMeta| {
        let checks: [(&str, String, String); 5] = [
            ("engine version", base.engine.clone(), m.engine.clone()),
            ("scenario SHA-256", base.scenario_sha256.clone(), m.scenario_sha256.clone()),
            ("seed", base.seed.to_string(), m.seed.to_string()),
            ("number of runs", base.runs.to_string(), m.runs.to_string()),
            ("--set overrides", show_overrides(&base.overrides), show_overrides(&m.overrides)),
        ];
        checks.into_iter().find(|(_, a, b)| a != b)
    };
    let mut owned = Bits::new(base.runs);
    for (n, (name, part)) in parts.iter().enumerate() {
        if let Some((what, a, b)) = same(&part.meta) {
            return Err(BatchError::Merge(format!(
                "`{name}` is from another batch than `{first_name}`: {what} is {b}, not {a}"
            )));
        }
        let (start, step) = part.meta.shard.map_or((0, 1), |s| (s.index, s.count));
        for i in (start..base.runs).step_by(usize::try_from(step).unwrap_or(usize::MAX)) {
            if !owned.insert(i) {
                let other = parts[..n].iter().find(|p| p.1.meta.shard.is_none_or(|s| s.contains(i)));
                let other = other.map_or(first_name, |p| &p.0);
                let why = format!("run {i} is in both `{other}` and `{name}`; merge each shard once");
                return Err(BatchError::Merge(why));
            }
        }
    }
    let missing = owned.missing();
    if !missing.is_empty() {
        let hint = match base.shard {
            Some(s) => {
                let have: BTreeSet<u64> = parts.iter().filter_map(|p| p.1.meta.shard.map(|x| x.index)).collect();
                let absent: Vec<String> =
                    (0..s.count).filter(|k| !have.contains(k)).map(|k| format!("{k}/{}", s.count)).collect();
                if absent.is_empty() { String::new() } else { format!(" (shards {} are missing)", absent.join(", ")) }
            }
            None => String::new(),
        };
        return Err(BatchError::Merge(format!("{}{hint}", missing_text(&missing, owned.missing_count(), base.runs))));
    }
    let meta = BatchMeta { shard: None, runs_included: base.runs, ..base };
    Ok((parts, meta))
}

/// `N of M runs are missing: 3, 5, 8` (the first ten of `missing`, `total_missing` of them).
pub fn missing_text(missing: &[u64], total_missing: u64, runs: u64) -> String {
    let shown: Vec<String> = missing.iter().take(10).map(u64::to_string).collect();
    let more = if total_missing > 10 { format!(" and {} more", total_missing - 10) } else { String::new() };
    format!("{total_missing} of {runs} runs are missing: {}{more}", shown.join(", "))
}

/// A set of run indices `0 .. len`, one bit each.
#[derive(Debug, Clone)]
pub struct Bits {
    words: Vec<u64>,
    len: u64,
    count: u64,
}

impl Bits {
    /// The empty set of indices below `len`.
    pub fn new(len: u64) -> Bits {
        Bits { words: vec![0; len.div_ceil(64) as usize], len, count: 0 }
    }

    /// Adds `i` (below `len`); false when it was already in.
    pub fn insert(&mut self, i: u64) -> bool {
        let (w, b) = ((i / 64) as usize, 1u64 << (i % 64));
        if self.words[w] & b != 0 {
            return false;
        }
        self.words[w] |= b;
        self.count += 1;
        true
    }

    /// Whether `i` is in.
    pub fn contains(&self, i: u64) -> bool {
        i < self.len && self.words[(i / 64) as usize] & (1u64 << (i % 64)) != 0
    }

    /// How many indices are in.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// How many indices below `len` are not in.
    pub fn missing_count(&self) -> u64 {
        self.len - self.count
    }

    /// The first ten indices that are not in.
    pub fn missing(&self) -> Vec<u64> {
        (0..self.len).filter(|&i| !self.contains(i)).take(10).collect()
    }
}

#[cfg(test)]
impl BatchMeta {
    /// Provenance of a made-up whole batch of `runs` runs, for unit tests.
    pub(crate) fn sample(runs: u64) -> BatchMeta {
        BatchMeta {
            engine: "cydex 0".into(),
            scenario: "s.yaml".into(),
            scenario_sha256: "abc".into(),
            exercise_id: "EX".into(),
            exercise_title: "T".into(),
            tlp: "TLP:CLEAR".into(),
            attack_version: "18.1".into(),
            techniques: vec![],
            objectives: BTreeMap::new(),
            overrides: vec![],
            seed: 7,
            runs,
            shard: None,
            runs_included: runs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(value: f64) -> BatchFile {
        let meta = BatchMeta { runs: 2, runs_included: 2, seed: 1, ..BatchMeta::sample(2) };
        let run = |i| RunRecord {
            run_index: i,
            numbers: BTreeMap::from([("x".to_string(), value)]),
            categories: BTreeMap::new(),
        };
        BatchFile::build(meta, vec![run(0), run(1)])
    }

    #[test]
    fn shard_sizes_are_counted_not_visited() {
        for (k, n, runs) in [(0, 3, 10), (2, 3, 10), (1, 3, 1), (0, 1, 7), (4, 5, 3), (0, 1_000_000_000, 100_000_000)] {
            let s = Shard { index: k, count: n };
            let visited = if runs <= 1000 { (0..runs).filter(|&i| s.contains(i)).count() as u64 } else { 1 };
            assert_eq!(s.size_of(runs), visited, "{k}/{n} of {runs}");
        }
    }

    #[test]
    fn a_batch_file_reads_back_what_it_wrote_and_refuses_extreme_values() {
        let good = file(3.0);
        assert_eq!(BatchFile::from_json(&good.to_json()).unwrap(), good);
        // A tampered value that would make the mean overflow to a `null` is refused on reading.
        let bad = good.to_json().replace("\"hi\": 3.0", "\"hi\": 1e300");
        assert_ne!(bad, good.to_json());
        let err = BatchFile::from_json(&bad).unwrap_err().to_string();
        assert!(err.contains("the shape of `x`"), "{err}");
        let huge = good.to_json().replacen("\"runs\": 2", "\"runs\": 18446744073709551615", 1);
        assert_ne!(huge, good.to_json());
        assert!(BatchFile::from_json(&huge).unwrap_err().to_string().contains("claims"));
    }
}
