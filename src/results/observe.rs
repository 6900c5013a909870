//! Owns the flattening of one run's results into an [`Observation`]: named numbers and named
//! categories, the only thing batches, shards, merges and comparisons aggregate.
//!
//! Key scheme (dot-separated, ids verbatim): `nation.<ID>.<metric>`, `campaign.<ID>.<metric>`,
//! `service.<ID>.<metric>`, `assistance.<NATION>.<PROVIDER>.<metric>`, `exercise.<metric>`,
//! `technique.<ID>.<metric>` (an ATT&CK id, which has a dot of its own for a sub-technique:
//! `technique.T1566.001.executed`; the metric is always the last segment).
//! Metric names ending in `_s` are seconds (rendered as durations). A value that does not exist
//! in a run (a nation never detected anything, so it has no dwell time) is simply absent from that
//! run's observation: aggregation counts it as missing and reports `n` present values.
//!
//! **Adding metrics** (e.g. the assessment's MTTD/MTTC/MTTR, scores and P/S/M/U ratings): add
//! them in [`observe`] below, in the marked block; numbers with [`Observation::num`] /
//! [`Observation::opt_secs`], ratings with [`Observation::cat`]. Nothing else needs to change.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::results::RunResults;

/// One run, flattened: numeric metrics and categorical outcomes, both sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Numeric metrics present in this run.
    #[serde(default)]
    pub numbers: BTreeMap<String, f64>,
    /// Categorical outcomes present in this run.
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
}

impl Observation {
    /// Records a number (non-finite values are treated as missing).
    pub fn num(&mut self, key: impl Into<String>, value: f64) {
        if value.is_finite() {
            self.numbers.insert(key.into(), value);
        }
    }

    /// Records a count.
    pub fn count(&mut self, key: impl Into<String>, value: u64) {
        self.num(key, value as f64);
    }

    /// Records a time in seconds if it exists.
    pub fn opt_secs(&mut self, key: impl Into<String>, value: Option<u64>) {
        if let Some(v) = value {
            self.num(key, v as f64);
        }
    }

    /// Records a category value.
    pub fn cat(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.categories.insert(key.into(), value.into());
    }
}

/// Value of a category that has no stage (the campaign never completed one / was not stopped).
pub const NONE: &str = "none";

/// Flattens one run's results. Deterministic: the same results give the same observation.
pub fn observe(results: &RunResults) -> Observation {
    let s = &results.summary;
    let mut o = Observation::default();

    o.count("exercise.hosts_compromised", s.nations.iter().map(|n| n.hosts_compromised).sum());
    o.count("exercise.reinfections", s.nations.iter().map(|n| n.reinfections).sum());
    o.num("exercise.data_lost_mb", s.data_lost_mb);
    o.opt_secs("exercise.first_compromise_s", s.first_compromise_s);
    o.opt_secs("exercise.first_detection_s", s.first_detection_s);

    for n in &s.nations {
        let k = |m: &str| format!("nation.{}.{m}", n.id);
        o.count(k("hosts_compromised"), n.hosts_compromised);
        o.count(k("reinfections"), n.reinfections);
        o.count(k("hosts_detected"), n.hosts_detected);
        o.count(k("hosts_contained"), n.hosts_contained);
        o.count(k("hosts_recovered"), n.hosts_recovered);
        o.num(k("data_lost_mb"), n.data_lost_mb);
        o.count(k("service_down_s"), n.service_down_s);
        o.opt_secs(k("first_compromise_s"), n.first_compromise_s);
        o.opt_secs(k("first_detection_s"), n.first_detection_s);
        if let (Some(c), Some(d)) = (n.first_compromise_s, n.first_detection_s) {
            o.count(k("dwell_s"), d.saturating_sub(c));
        }
    }

    for c in &s.campaigns {
        let k = |m: &str| format!("campaign.{}.{m}", c.id);
        o.count(k("reached_impact"), u64::from(c.impacts > 0));
        o.count(k("hosts_compromised"), c.hosts_compromised);
        o.count(k("reinfections"), c.reinfections);
        o.opt_secs(k("first_impact_s"), c.first_impact_s);
        o.cat(k("outcome"), c.outcome.clone());
        o.cat(k("furthest_stage"), c.furthest_stage.clone().unwrap_or_else(|| NONE.to_string()));
        o.cat(k("stopped_at_stage"), c.stopped_at_stage.clone().unwrap_or_else(|| NONE.to_string()));
    }

    for sv in &s.services {
        o.num(format!("service.{}.uptime", sv.id), sv.uptime);
        o.count(format!("service.{}.down_s", sv.id), sv.down_s);
    }

    // Assistance: the first request of each (nation, provider) pair, in summary order.
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for a in &s.assistance {
        if !seen.insert((a.nation.clone(), a.provider.clone())) {
            continue;
        }
        let k = |m: &str| format!("assistance.{}.{}.{m}", a.nation, a.provider);
        o.count(k("requested_s"), a.requested_s);
        o.opt_secs(k("request_to_on_task_s"), a.on_task_s.map(|t| t.saturating_sub(a.requested_s)));
    }

    // Assessment: lifecycle means exercise-wide and per nation, scores, and each objective's
    // P/S/M/U rating.
    let a = &results.assessment;
    lifecycle_means(&mut o, "exercise", &a.exercise);
    for l in a.lifecycle.iter().filter(|l| l.kind == "nation") {
        let k = |m: &str| format!("nation.{}.{m}", l.id);
        o.opt_secs(k("dwell_s"), l.dwell_s);
        lifecycle_means(&mut o, &format!("nation.{}", l.id), l);
        o.count(k("incidents_not_contained_at_endex"), l.mttc.open);
        o.count(k("incidents_not_recovered_at_endex"), l.mttr.open);
    }
    for n in &a.scores.nations {
        o.num(format!("nation.{}.score", n.nation), n.total);
        for (c, v) in &n.categories {
            o.num(format!("nation.{}.score.{c}", n.nation), *v);
        }
    }
    o.num("alliance.score", a.scores.alliance);
    for (n, v) in &a.nation_availability {
        o.num(format!("nation.{n}.weighted_availability"), *v);
    }
    for x in &a.ratings {
        o.cat(format!("objective.{}.rating", x.id), x.rating.code());
    }
    // ATT&CK coverage: the counts a batch's Navigator layer is computed from. A technique no host
    // reached in a run is absent from that run (read as 0 executions).
    for c in &a.attack_coverage {
        let k = |m: &str| format!("technique.{}.{m}", c.technique);
        o.count(k("executed"), c.executed);
        o.count(k("detected"), c.detected);
        o.count(k("contained"), c.contained);
    }

    o
}

/// The mean times to detect, acknowledge, contain and recover of one scope, as `PREFIX.mttd_s`
/// … `PREFIX.mttr_s`, in whole seconds; a mean with no finished incident is absent.
fn lifecycle_means(o: &mut Observation, prefix: &str, l: &crate::score::metrics::Lifecycle) {
    for (name, st) in [("mttd_s", &l.mttd), ("mtta_s", &l.mtta), ("mttc_s", &l.mttc), ("mttr_s", &l.mttr)] {
        o.opt_secs(format!("{prefix}.{name}"), st.mean_s.map(|m| m.round() as u64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_are_missing() {
        let mut o = Observation::default();
        o.num("a", f64::NAN);
        o.num("b", 1.5);
        o.opt_secs("c", None);
        assert_eq!(o.numbers.len(), 1);
        assert_eq!(o.numbers["b"], 1.5);
    }
}
