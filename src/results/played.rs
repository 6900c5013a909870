//! What a played session adds to its results: each decision's effects (the events it logged and
//! the events those caused, read from the event log so the report needs no log beside it), and
//! the counterfactual — the same exercise played by doctrine alone, for the same seed and over N
//! run indices — so the after-action report can set the trainees' outcome beside doctrine's.

use serde::{Deserialize, Serialize};

use super::{Decision, RunResults};
use crate::scenario::Loaded;
use crate::score::Rating;
use crate::sim::{EventStream, RunConfig};

/// One event a decision caused: logged by the decision itself, or caused by one it logged (a
/// hunt's detections, indicators received by a partner). The same record as a cited event.
pub type Effect = super::evidence::EvidenceEvent;

/// Fills each decision's `effects` from the event log: the events its outcome names, then every
/// event whose cause is one of those, in id order.
pub fn collect_effects(decisions: &mut [Decision], events: &EventStream) {
    let mut owner = std::collections::BTreeMap::new();
    for (i, d) in decisions.iter().enumerate() {
        for &id in &d.outcome.events {
            owner.insert(id, i);
        }
    }
    if owner.is_empty() {
        return;
    }
    let mut found: Vec<Vec<Effect>> = vec![Vec::new(); decisions.len()];
    for e in events.iter() {
        let by = owner.get(&e.id).or_else(|| e.cause.and_then(|c| owner.get(&c)));
        if let Some(&i) = by {
            found[i].push(Effect::from(e));
        }
    }
    for (d, effects) in decisions.iter_mut().zip(found) {
        d.effects = effects;
    }
}

/// How a paired metric's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Score points, 0–100.
    Points,
    /// A length of time in seconds.
    Seconds,
    /// A count.
    Count,
    /// Megabytes.
    Megabytes,
}

/// One key metric of the played run beside doctrine's on the same seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairedMetric {
    /// What is measured (`Alliance score`, `EST score`, `MTTD`, …).
    pub metric: String,
    /// How its values are written.
    pub unit: Unit,
    /// Whether a higher value is better for the defenders.
    pub higher_is_better: bool,
    /// The played run's value (absent: none, e.g. no incident contained).
    pub played: Option<f64>,
    /// Doctrine's value on the same seed and run index.
    pub doctrine: Option<f64>,
    /// `played − doctrine`, when both exist.
    pub difference: Option<f64>,
}

/// One objective's rating in the played run and in doctrine's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairedRating {
    /// Objective id.
    pub objective: String,
    /// The played run's rating.
    pub played: Rating,
    /// Doctrine's rating on the same seed.
    pub doctrine: Rating,
}

/// Where a played score falls among N doctrine runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standing {
    /// `alliance`, or a played nation's id.
    pub subject: String,
    /// The played run's score.
    pub played: f64,
    /// The fraction (0–1) of the doctrine runs whose score the played one beats; ties count half.
    pub beats: f64,
    /// Lowest doctrine score.
    pub doctrine_min: f64,
    /// Highest doctrine score.
    pub doctrine_max: f64,
}

/// The same exercise played by doctrine alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counterfactual {
    /// N: the doctrine runs of the distribution, run indices 0 to N−1 of the same seed.
    pub runs: u64,
    /// Key metrics, played beside doctrine on the same seed and run index.
    pub metrics: Vec<PairedMetric>,
    /// Ratings per objective, played beside doctrine on the same seed.
    pub ratings: Vec<PairedRating>,
    /// The alliance score's, then each played nation's, standing among the N doctrine runs.
    pub standing: Vec<Standing>,
    /// What doctrine decided in the played seats' place on the same seed and run index, with what
    /// each changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_their_place: Vec<Decision>,
}

/// The fraction of `runs` that `played` beats, ties counting half; 0 when there are none.
pub fn beats(played: f64, runs: &[f64]) -> f64 {
    if runs.is_empty() {
        return 0.0;
    }
    let wins: f64 = runs
        .iter()
        .map(|&x| match played.partial_cmp(&x) {
            Some(std::cmp::Ordering::Greater) => 1.0,
            Some(std::cmp::Ordering::Equal) => 0.5,
            _ => 0.0,
        })
        .sum();
    wins / runs.len() as f64
}

/// The most doctrine runs a counterfactual may have (`--counterfactual-runs` of `play`, `replay`
/// and `serve`), as for `compare --runs`: each is a whole run.
pub const MAX_COUNTERFACTUAL_RUNS: u64 = 1_000_000;

/// Runs the played session's scenario by doctrine alone — once on its seed and run index, and
/// `n` times over run indices 0 to `n`−1 — and pairs the outcomes with `played`'s. Deterministic
/// given the scenario, the seed and `n`; `n` = 0 gives none.
pub fn counterfactual(
    loaded: &Loaded,
    overrides: &[String],
    config: &RunConfig,
    played: &RunResults,
    n: u64,
) -> Option<Counterfactual> {
    use rayon::prelude::*;
    if n == 0 {
        return None;
    }
    let (same, events, doctrine) = super::run_with_doctrine(loaded, overrides, config);
    let mut in_their_place: Vec<Decision> = doctrine.into_iter().filter(|d| played.players.contains(&d.seat)).collect();
    collect_effects(&mut in_their_place, &events);
    // Each doctrine run is kept as the scores it is ranked by (the alliance's, then each played
    // nation's), not as its results: memory grows by a few numbers per run.
    let scores: Vec<Vec<f64>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let r = super::run(loaded, overrides, &RunConfig { seed: config.seed, run_index: i }).0;
            std::iter::once(alliance(&r))
                .chain(played.players.iter().map(|p| nation_score(&r, p).unwrap_or(0.0)))
                .collect()
        })
        .collect();
    let column = |k: usize| scores.iter().map(|s| s[k]).collect();
    let mut standing = vec![standing_of("alliance", alliance(played), column(0))];
    for (k, p) in played.players.iter().enumerate() {
        standing.push(standing_of(p, nation_score(played, p).unwrap_or(0.0), column(k + 1)));
    }
    Some(Counterfactual {
        runs: n,
        metrics: metrics(played, &same),
        ratings: ratings(played, &same),
        standing,
        in_their_place,
    })
}

fn standing_of(subject: &str, played: f64, scores: Vec<f64>) -> Standing {
    let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Standing {
        subject: subject.to_string(),
        played,
        beats: beats(played, &scores),
        doctrine_min: min,
        doctrine_max: max,
    }
}

fn alliance(r: &RunResults) -> f64 {
    r.assessment.scores.alliance
}

fn nation_score(r: &RunResults, nation: &str) -> Option<f64> {
    r.assessment.scores.nations.iter().find(|s| s.nation == nation).map(|s| s.total)
}

/// The key metrics of both runs, paired.
fn metrics(played: &RunResults, doctrine: &RunResults) -> Vec<PairedMetric> {
    let mut out = vec![pair("Alliance score", Unit::Points, true, |r| Some(alliance(r)), played, doctrine)];
    for p in &played.players {
        out.push(pair(&format!("{p} score"), Unit::Points, true, |r| nation_score(r, p), played, doctrine));
    }
    out.push(pair("MTTD", Unit::Seconds, false, |r| r.assessment.exercise.mttd.mean_s, played, doctrine));
    out.push(pair("MTTC", Unit::Seconds, false, |r| r.assessment.exercise.mttc.mean_s, played, doctrine));
    out.push(pair("MTTR", Unit::Seconds, false, |r| r.assessment.exercise.mttr.mean_s, played, doctrine));
    let hosts = |r: &RunResults| Some(r.summary.nations.iter().map(|n| n.hosts_compromised).sum::<u64>() as f64);
    out.push(pair("Hosts compromised", Unit::Count, false, hosts, played, doctrine));
    out.push(pair("Data lost", Unit::Megabytes, false, |r| Some(r.summary.data_lost_mb), played, doctrine));
    let down = |r: &RunResults| {
        let outages = r.assessment.availability.iter().flat_map(|x| &x.outages);
        Some(outages.map(|o| o.1.saturating_sub(o.0)).sum::<u64>() as f64)
    };
    out.push(pair("Services down-time", Unit::Seconds, false, down, played, doctrine));
    out
}

fn pair(
    metric: &str,
    unit: Unit,
    higher_is_better: bool,
    value: impl Fn(&RunResults) -> Option<f64>,
    played: &RunResults,
    doctrine: &RunResults,
) -> PairedMetric {
    let (p, d) = (value(played), value(doctrine));
    let difference = p.zip(d).map(|(p, d)| ((p - d) * 1000.0).round() / 1000.0);
    PairedMetric { metric: metric.to_string(), unit, higher_is_better, played: p, doctrine: d, difference }
}

/// Each objective the played run rated, with doctrine's rating of it.
fn ratings(played: &RunResults, doctrine: &RunResults) -> Vec<PairedRating> {
    played
        .assessment
        .ratings
        .iter()
        .filter_map(|p| {
            let d = doctrine.assessment.ratings.iter().find(|d| d.id == p.id)?;
            Some(PairedRating { objective: p.id.clone(), played: p.rating, doctrine: d.rating })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::beats;

    #[test]
    fn the_played_score_beats_lower_runs_and_half_of_ties() {
        assert_eq!(beats(50.0, &[]), 0.0);
        assert_eq!(beats(50.0, &[40.0, 60.0]), 0.5);
        assert_eq!(beats(50.0, &[50.0, 50.0]), 0.5);
        assert_eq!(beats(50.0, &[10.0, 20.0, 50.0, 70.0]), 0.625);
        assert_eq!(beats(100.0, &[10.0, 20.0, 30.0]), 1.0);
        assert_eq!(beats(0.0, &[10.0, 20.0, 30.0]), 0.0);
    }
}
