//! The batch records: `batch.json` and shard partials (`BatchFile`), their provenance
//! (`BatchMeta`, `Shard`), one flattened run (`RunRecord`), the aggregation of runs into
//! per-metric and per-category statistics, and the merge of shard partials. Pure data and
//! arithmetic; running the batch belongs to `batch`.
//!
//! Determinism: every aggregate is computed from the per-run records in index order (sums in that
//! order, quantiles from sorted values, maps sorted by key), so `batch.json` is byte-identical for
//! any `--jobs`, after a resume, and after merging shards.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::engine_version;
use super::observe::Observation;
use super::stats::{CategoryStats, NumberStats, category_stats, number_stats};
use crate::scenario::Loaded;

/// The `format` tag of a batch file.
pub const BATCH_FORMAT: &str = "cydex-batch";
/// The batch schema version this build writes and reads. 2: `meta.tlp`, the exercise's marking.
pub const BATCH_VERSION: u32 = 2;
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
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard; write K/N with 0 ≤ K < N, e.g. `--shard 3/10`");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
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
    /// TLP marking of the exercise, printed on every page of the batch and compare reports.
    pub tlp: String,
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
            Some(s) => (0..runs).filter(|&i| s.contains(i)).count() as u64,
        };
        BatchMeta {
            engine: engine_version(),
            scenario: loaded.source.name.clone(),
            scenario_sha256: loaded.sha256.clone(),
            exercise_id: ex.id.clone(),
            exercise_title: ex.title.clone(),
            tlp: crate::scenario::model::name_of(&ex.tlp),
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
        (0..self.runs).filter(|&i| self.shard.is_none_or(|s| s.contains(i))).collect()
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
    /// Wraps an observation.
    pub fn new(run_index: u64, o: Observation) -> RunRecord {
        RunRecord { run_index, numbers: o.numbers, categories: o.categories }
    }
}

/// A batch, or a shard of one: what `batch.json` and `shard-K-of-N.json` hold.
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
    /// Every run's observation, by run index (what merge recomputes the aggregates from).
    pub runs: Vec<RunRecord>,
}

#[derive(Serialize)]
struct Head<'a> {
    format: &'a str,
    format_version: u32,
    meta: &'a BatchMeta,
    metrics: &'a BTreeMap<String, NumberStats>,
    categories: &'a BTreeMap<String, CategoryStats>,
}

impl BatchFile {
    /// Builds the file from records (any order; sorted here by run index).
    pub fn build(meta: BatchMeta, mut runs: Vec<RunRecord>) -> BatchFile {
        runs.sort_by_key(|r| r.run_index);
        let (metrics, categories) = aggregate(&runs);
        BatchFile { format: BATCH_FORMAT.to_string(), format_version: BATCH_VERSION, meta, metrics, categories, runs }
    }

    /// Pretty JSON for the aggregates, one compact line per run; trailing newline.
    pub fn to_json(&self) -> String {
        let head = Head {
            format: &self.format,
            format_version: self.format_version,
            meta: &self.meta,
            metrics: &self.metrics,
            categories: &self.categories,
        };
        let mut s = serde_json::to_string_pretty(&head).unwrap_or_default();
        if s.ends_with('}') {
            s.pop();
            while s.ends_with('\n') {
                s.pop();
            }
        }
        s.push_str(",\n  \"runs\": [");
        for (i, r) in self.runs.iter().enumerate() {
            s.push_str(if i == 0 { "\n    " } else { ",\n    " });
            s.push_str(&serde_json::to_string(r).unwrap_or_default());
        }
        s.push_str(if self.runs.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
        s
    }

    /// Parses a batch or shard file, checking its format tag and version.
    pub fn from_json(text: &str) -> Result<BatchFile, String> {
        let f: BatchFile = serde_json::from_str(text).map_err(|e| format!("not a cydex batch file: {e}"))?;
        if f.format != BATCH_FORMAT || f.format_version != BATCH_VERSION {
            return Err(format!(
                "format `{}` version {} is not `{BATCH_FORMAT}` version {BATCH_VERSION}",
                f.format, f.format_version
            ));
        }
        Ok(f)
    }
}

/// Aggregates records (sorted by run index) into per-metric and per-category statistics.
pub fn aggregate(runs: &[RunRecord]) -> (BTreeMap<String, NumberStats>, BTreeMap<String, CategoryStats>) {
    let total = runs.len() as u64;
    let number_keys: BTreeSet<&str> = runs.iter().flat_map(|r| r.numbers.keys().map(String::as_str)).collect();
    let category_keys: BTreeSet<&str> = runs.iter().flat_map(|r| r.categories.keys().map(String::as_str)).collect();
    let metrics = number_keys
        .into_iter()
        .map(|k| {
            let xs: Vec<f64> = runs.iter().filter_map(|r| r.numbers.get(k).copied()).collect();
            (k.to_string(), number_stats(&xs, total))
        })
        .collect();
    let categories = category_keys
        .into_iter()
        .map(|k| {
            (k.to_string(), category_stats(runs.iter().filter_map(|r| r.categories.get(k).map(String::as_str)), total))
        })
        .collect();
    (metrics, categories)
}

/// Merges shard partials into the whole batch. Refuses partials of different batches, duplicate
/// runs and missing runs, each with a message saying which file and which runs.
pub fn merge(parts: Vec<(String, BatchFile)>) -> Result<BatchFile, String> {
    let mut parts = parts;
    parts.sort_by(|a, b| a.1.meta.shard.cmp(&b.1.meta.shard).then(a.0.cmp(&b.0)));
    let Some((first_name, first)) = parts.first() else {
        return Err("nothing to merge".to_string());
    };
    let base = first.meta.clone();
    let same = |m: &BatchMeta| {
        let checks: [(&str, String, String); 5] = [
            ("engine version", base.engine.clone(), m.engine.clone()),
            ("scenario SHA-256", base.scenario_sha256.clone(), m.scenario_sha256.clone()),
            ("seed", base.seed.to_string(), m.seed.to_string()),
            ("number of runs", base.runs.to_string(), m.runs.to_string()),
            ("--set overrides", format!("{:?}", base.overrides), format!("{:?}", m.overrides)),
        ];
        checks.into_iter().find(|(_, a, b)| a != b)
    };
    let mut owner: BTreeMap<u64, &str> = BTreeMap::new();
    let mut runs = Vec::new();
    for (name, part) in &parts {
        if let Some((what, a, b)) = same(&part.meta) {
            return Err(format!("`{name}` is from another batch than `{first_name}`: {what} is {b}, not {a}"));
        }
        for r in &part.runs {
            if r.run_index >= base.runs {
                return Err(format!("`{name}` holds run {} but the batch has only {} runs", r.run_index, base.runs));
            }
            if let Some(other) = owner.insert(r.run_index, name) {
                return Err(format!("run {} is in both `{other}` and `{name}`; merge each shard once", r.run_index));
            }
            runs.push(r.clone());
        }
    }
    let missing: Vec<u64> = (0..base.runs).filter(|i| !owner.contains_key(i)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(u64::to_string).collect();
        let more = if missing.len() > 10 { format!(" and {} more", missing.len() - 10) } else { String::new() };
        let hint = match base.shard {
            Some(s) => {
                let have: BTreeSet<u64> = parts.iter().filter_map(|p| p.1.meta.shard.map(|x| x.index)).collect();
                let absent: Vec<String> =
                    (0..s.count).filter(|k| !have.contains(k)).map(|k| format!("{k}/{}", s.count)).collect();
                if absent.is_empty() { String::new() } else { format!(" (shards {} are missing)", absent.join(", ")) }
            }
            None => String::new(),
        };
        return Err(format!("{} of {} runs are missing: {}{more}{hint}", missing.len(), base.runs, shown.join(", ")));
    }
    let meta = BatchMeta { shard: None, runs_included: base.runs, ..base };
    Ok(BatchFile::build(meta, runs))
}
