//! Owns what-if comparison: paired differences (variant − base) between two batches run with
//! common random numbers (run `i` of both uses the same seed and run index), with the 95% CI of
//! the mean difference, and the planner's headline of the differences that are significant.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::batch::RunRecord;
use super::stats::{ci95, mean, sd};

/// Paired difference of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    /// Run pairs where the metric is present in both.
    pub n: u64,
    /// Mean in the base runs of those pairs.
    pub base_mean: Option<f64>,
    /// Mean in the variant runs of those pairs.
    pub variant_mean: Option<f64>,
    /// Mean of (variant − base).
    pub diff_mean: Option<f64>,
    /// Standard deviation of the differences.
    pub diff_sd: Option<f64>,
    /// 95% CI of the mean difference (Student t).
    pub ci95: Option<(f64, f64)>,
    /// The CI excludes 0.
    pub significant: bool,
    /// For the indicator of a categorical outcome (keyed `KEY=VALUE`), the category's key and the
    /// value: what the key is, decided by type, never by reading `=` in its text (an id may hold
    /// one). Absent for numeric metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<(String, String)>,
}

/// The paired difference of `pairs` of (base, variant) values, in run-index order.
pub fn paired(pairs: &[(f64, f64)]) -> Paired {
    let b: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let v: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let d: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
    let ci = ci95(&d);
    let all_zero = d.iter().all(|x| *x == 0.0);
    Paired {
        n: d.len() as u64,
        base_mean: mean(&b),
        variant_mean: mean(&v),
        diff_mean: mean(&d),
        diff_sd: sd(&d),
        ci95: ci,
        significant: !all_zero && ci.is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0),
        outcome: None,
    }
}

/// Compares paired runs (both sorted by run index, same indices). Numbers: every metric present
/// in both runs of at least one pair. Categories: for each value seen, the indicator
/// "category = value" (its mean is the probability), keyed `KEY=VALUE`.
///
/// This is the definition, over both sides held in memory; `cydex compare` streams both sides
/// through a spill instead (`batch::spill::Spill::finish_paired`), held byte-equal to this by a
/// proptest.
pub fn compare(base: &[RunRecord], variant: &[RunRecord]) -> BTreeMap<String, Paired> {
    let by_index: BTreeMap<u64, &RunRecord> = variant.iter().map(|r| (r.run_index, r)).collect();
    let pairs: Vec<(&RunRecord, &RunRecord)> =
        base.iter().filter_map(|b| by_index.get(&b.run_index).map(|v| (b, *v))).collect();
    let mut out = BTreeMap::new();
    let keys: BTreeSet<&str> = pairs.iter().flat_map(|(b, _)| b.numbers.keys().map(String::as_str)).collect();
    for k in keys {
        let xs: Vec<(f64, f64)> =
            pairs.iter().filter_map(|(b, v)| Some((*b.numbers.get(k)?, *v.numbers.get(k)?))).collect();
        if !xs.is_empty() {
            out.insert(k.to_string(), paired(&xs));
        }
    }
    let mut values: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (b, v) in &pairs {
        for r in [b, v] {
            values.extend(r.categories.iter().map(|(k, x)| (k.as_str(), x.as_str())));
        }
    }
    for (k, val) in values {
        let ind = |r: &RunRecord| r.categories.get(k).map(|x| f64::from(u8::from(x == val)));
        let xs: Vec<(f64, f64)> = pairs.iter().filter_map(|(b, v)| Some((ind(b)?, ind(v)?))).collect();
        if !xs.is_empty() {
            let p = Paired { outcome: Some((k.to_string(), val.to_string())), ..paired(&xs) };
            out.insert(format!("{k}={val}"), p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: u64, x: f64) -> RunRecord {
        let mut r = RunRecord { run_index: i, numbers: BTreeMap::new(), categories: BTreeMap::new() };
        r.numbers.insert("m".into(), x);
        r.categories.insert("c".into(), if x > 2.0 { "hi".into() } else { "lo".into() });
        r
    }

    #[test]
    fn paired_differences_by_hand() {
        let base: Vec<RunRecord> = (0..4).map(|i| rec(i, i as f64)).collect();
        // differences 1, 2, 1, 2: mean 1.5, sd √(1/3), t(3) = 3.182446.
        let var: Vec<RunRecord> = (0..4).map(|i| rec(i, i as f64 + 1.0 + (i % 2) as f64)).collect();
        let c = compare(&base, &var);
        let m = &c["m"];
        assert_eq!(m.n, 4);
        assert_eq!(m.diff_mean, Some(1.5));
        let half = 3.182_446 * (1.0f64 / 3.0).sqrt() / 2.0;
        let (lo, hi) = m.ci95.unwrap();
        assert!((lo - (1.5 - half)).abs() < 1e-5 && (hi - (1.5 + half)).abs() < 1e-5);
        assert!(m.significant);
        assert!(c.contains_key("c=hi") && c.contains_key("c=lo"));
        let same = compare(&base, &base);
        assert!(!same["m"].significant);
    }
}
