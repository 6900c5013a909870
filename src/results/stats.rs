//! Owns the batch statistics: mean, sample standard deviation, quantiles, the Student t quantile
//! and the 95% confidence interval of a mean, and the per-metric / per-category summaries built
//! from them. Every function takes values in run-index order and sums them in that order, so the
//! results do not depend on how runs were scheduled.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Arithmetic mean, summed in the given order. `None` for no values.
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let sum: f64 = xs.iter().sum();
    Some(sum / xs.len() as f64)
}

/// Sample standard deviation (divisor n − 1), two-pass. `None` for fewer than two values.
pub fn sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Some((ss / (xs.len() - 1) as f64).sqrt())
}

/// Quantile `p` in [0, 1] of values already sorted ascending, by linear interpolation between
/// order statistics (Hyndman & Fan type 7, the default of R and NumPy). `None` for no values.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = h - lo as f64;
    Some(sorted[lo] + frac * (sorted[hi] - sorted[lo]))
}

/// Two-sided 97.5% quantiles of Student's t for 1–30 degrees of freedom.
const T975: [f64; 30] = [
    12.706_204_736,
    4.302_652_730,
    3.182_446_305,
    2.776_445_105,
    2.570_581_836,
    2.446_911_851,
    2.364_624_252,
    2.306_004_135,
    2.262_157_163,
    2.228_138_852,
    2.200_985_160,
    2.178_812_830,
    2.160_368_656,
    2.144_786_688,
    2.131_449_546,
    2.119_905_299,
    2.109_815_578,
    2.100_922_040,
    2.093_024_054,
    2.085_963_447,
    2.079_613_845,
    2.073_873_068,
    2.068_657_610,
    2.063_898_562,
    2.059_538_553,
    2.055_529_439,
    2.051_830_516,
    2.048_407_142,
    2.045_229_642,
    2.042_272_456,
];

/// The 0.975 quantile of the standard normal distribution.
pub const Z975: f64 = 1.959_963_984_540_054;

/// The 0.975 quantile of Student's t with `df` degrees of freedom (the multiplier of a two-sided
/// 95% confidence interval): exact table values for df ≤ 30, the Cornish–Fisher expansion around
/// the normal quantile above (error below 1e-5 at df = 31, shrinking fast), the normal quantile
/// in the limit. `None` for df = 0.
pub fn t975(df: u64) -> Option<f64> {
    match df {
        0 => None,
        1..=30 => Some(T975[df as usize - 1]),
        _ => {
            let z = Z975;
            let v = df as f64;
            let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
            let g1 = (z3 + z) / 4.0;
            let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
            let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
            Some(z + g1 / v + g2 / (v * v) + g3 / (v * v * v))
        }
    }
}

/// 95% confidence interval of the mean, `mean ± t975(n−1) · sd / √n`. `None` for n < 2.
pub fn ci95(xs: &[f64]) -> Option<(f64, f64)> {
    let m = mean(xs)?;
    let s = sd(xs)?;
    let t = t975(xs.len() as u64 - 1)?;
    let half = t * s / (xs.len() as f64).sqrt();
    Some((m - half, m + half))
}

/// 95% Wilson score interval of a probability estimated as `count / n`: unlike `p ± z·se` it stays
/// inside [0, 1] and is not empty when `count` is 0 or `n`. `None` for n = 0.
pub fn wilson95(count: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (count.min(n) as f64, n as f64);
    let p = k / n;
    let z2 = Z975 * Z975;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z975 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Summary of one numeric metric over the runs where it is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberStats {
    /// Runs where the metric is present.
    pub n: u64,
    /// Runs where it is absent (e.g. never detected).
    pub missing: u64,
    /// Mean of the present values.
    pub mean: Option<f64>,
    /// Sample standard deviation.
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// 95% confidence interval of the mean, `[low, high]` (Student t).
    pub ci95: Option<(f64, f64)>,
}

/// Summarises `present` (values in run-index order) out of `runs` runs.
pub fn number_stats(present: &[f64], runs: u64) -> NumberStats {
    let mut sorted = present.to_vec();
    sorted.sort_by(f64::total_cmp);
    stats_of_sorted(present, &sorted, runs)
}

/// [`number_stats`] of `present` whose ascending copy (by `f64::total_cmp`) is `sorted`.
fn stats_of_sorted(present: &[f64], sorted: &[f64], runs: u64) -> NumberStats {
    NumberStats {
        n: present.len() as u64,
        missing: runs.saturating_sub(present.len() as u64),
        mean: mean(present),
        sd: sd(present),
        min: sorted.first().copied(),
        p5: quantile_sorted(sorted, 0.05),
        p50: quantile_sorted(sorted, 0.50),
        p95: quantile_sorted(sorted, 0.95),
        max: sorted.last().copied(),
        ci95: ci95(present),
    }
}

/// Equal-width bins of a histogram of values that are not small whole numbers.
pub const BINS: usize = 10;
/// Whole numbers spanning at most this many steps get one bar per value.
pub const MAX_STEPS: f64 = 12.0;

/// What the reports draw from one metric's single runs beyond its [`NumberStats`]: its sum, how
/// many runs had it above zero, the first run (lowest index) with its lowest and with its highest
/// value, how many distinct values it took (counted up to 3) and its histogram. Computed once
/// from the values in run-index order, so a batch report needs no per-run values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    /// Sum of the values, added in run-index order.
    pub sum: f64,
    /// Runs where the value is above zero.
    pub positive: u64,
    /// `[value, run index]` of the lowest value (the lowest run index among equals).
    pub lowest: (f64, u64),
    /// `[value, run index]` of the highest value (the lowest run index among equals).
    pub highest: (f64, u64),
    /// Distinct values, counted up to 3.
    pub distinct: u64,
    /// The histogram of the values.
    pub histogram: Histogram,
}

/// A histogram: one bar per value for whole numbers spanning at most [`MAX_STEPS`] (`width` 1),
/// otherwise at most [`BINS`] bins of `width` from `lo` — whole-number bins when every value is
/// whole, the last bin closed otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Smallest value.
    pub lo: f64,
    /// Largest value.
    pub hi: f64,
    /// Whether every value is a whole number.
    pub whole: bool,
    /// Width of a bin.
    pub width: f64,
    /// Runs per bin, from `lo` up.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// Whether the bars are single whole values rather than ranges.
    pub fn steps(&self) -> bool {
        self.whole && self.hi - self.lo <= MAX_STEPS
    }
}

/// The histogram of `xs`; `None` for no values.
pub fn histogram(xs: &[f64]) -> Option<Histogram> {
    let (lo, hi) = (xs.iter().copied().reduce(f64::min)?, xs.iter().copied().reduce(f64::max)?);
    let whole = xs.iter().all(|x| x.fract() == 0.0);
    if whole && hi - lo <= MAX_STEPS {
        let steps = (hi - lo) as usize;
        let mut counts = vec![0u64; steps + 1];
        for &x in xs {
            counts[((x - lo) as usize).min(steps)] += 1;
        }
        return Some(Histogram { lo, hi, whole, width: 1.0, counts });
    }
    let (width, n) = if whole {
        let w = ((hi - lo + 1.0) / BINS as f64).ceil();
        (w, ((hi - lo + 1.0) / w).ceil() as usize)
    } else {
        ((hi - lo) / BINS as f64, BINS)
    };
    let mut counts = vec![0u64; n];
    for &x in xs {
        counts[(((x - lo) / width) as usize).min(n - 1)] += 1;
    }
    Some(Histogram { lo, hi, whole, width, counts })
}

/// The statistics and the shape of one metric: `present` are its values in run-index order,
/// `index` their run indices, out of `runs` runs. `None` for the shape when no run has it.
pub fn summarise(present: &[f64], index: &[u64], runs: u64) -> (NumberStats, Option<Shape>) {
    let mut sorted = present.to_vec();
    sorted.sort_by(f64::total_cmp);
    let stats = stats_of_sorted(present, &sorted, runs);
    let mut distinct = 0u64;
    for (i, x) in sorted.iter().enumerate() {
        if distinct >= 3 {
            break;
        }
        if i == 0 || sorted[i - 1] != *x {
            distinct += 1;
        }
    }
    let mut lowest: Option<(f64, u64)> = None;
    let mut highest: Option<(f64, u64)> = None;
    for (&v, &i) in present.iter().zip(index) {
        if lowest.is_none_or(|(b, _)| v < b) {
            lowest = Some((v, i));
        }
        if highest.is_none_or(|(b, _)| v > b) {
            highest = Some((v, i));
        }
    }
    let shape = match (lowest, highest, histogram(present)) {
        (Some(lowest), Some(highest), Some(histogram)) => Some(Shape {
            sum: present.iter().sum(),
            positive: present.iter().filter(|x| **x > 0.0).count() as u64,
            lowest,
            highest,
            distinct,
            histogram,
        }),
        _ => None,
    };
    (stats, shape)
}

/// How often one value of a category occurred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueShare {
    /// Runs with this value.
    pub count: u64,
    /// `count / n` (share of the runs where the category is present).
    pub p: f64,
}

/// Distribution of one category over the runs where it is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryStats {
    /// Runs where the category is present.
    pub n: u64,
    /// Runs where it is absent.
    pub missing: u64,
    /// Each value seen, sorted by value.
    pub values: BTreeMap<String, ValueShare>,
}

/// Summarises the category values of the runs where it is present, out of `runs` runs.
pub fn category_stats<'a>(present: impl IntoIterator<Item = &'a str>, runs: u64) -> CategoryStats {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for v in present {
        *counts.entry(v.to_string()).or_default() += 1;
    }
    category_counts(counts, runs)
}

/// Summarises a category from how many runs had each value, out of `runs` runs.
pub fn category_counts(counts: BTreeMap<String, u64>, runs: u64) -> CategoryStats {
    let n: u64 = counts.values().sum();
    let values =
        counts.into_iter().map(|(v, count)| (v, ValueShare { count, p: count as f64 / n.max(1) as f64 })).collect();
    CategoryStats { n, missing: runs.saturating_sub(n), values }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn mean_and_sd_by_hand() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum 32, sample variance 32/7.
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&xs), Some(5.0));
        assert!(close(sd(&xs).unwrap(), (32.0f64 / 7.0).sqrt(), 1e-12));
        assert_eq!(mean(&[]), None);
        assert_eq!(sd(&[3.0]), None);
    }

    #[test]
    fn quantiles_interpolate_type_7() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&xs, 0.5), Some(3.0));
        assert_eq!(quantile_sorted(&xs, 0.0), Some(1.0));
        assert_eq!(quantile_sorted(&xs, 1.0), Some(5.0));
        // h = 4 · 0.05 = 0.2 → 1 + 0.2 · (2 − 1)
        assert!(close(quantile_sorted(&xs, 0.05).unwrap(), 1.2, 1e-12));
        // h = 4 · 0.95 = 3.8 → 4 + 0.8 · (5 − 4)
        assert!(close(quantile_sorted(&xs, 0.95).unwrap(), 4.8, 1e-12));
        assert_eq!(quantile_sorted(&[7.0], 0.95), Some(7.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert_eq!(t975(0), None);
        assert!(close(t975(1).unwrap(), 12.706, 1e-3));
        assert!(close(t975(2).unwrap(), 4.303, 1e-3));
        assert!(close(t975(10).unwrap(), 2.228, 1e-3));
        assert!(close(t975(30).unwrap(), 2.042, 1e-3));
        // Beyond the table: published values.
        assert!(close(t975(31).unwrap(), 2.039_513, 1e-5));
        assert!(close(t975(40).unwrap(), 2.021_075, 1e-5));
        assert!(close(t975(60).unwrap(), 2.000_298, 1e-5));
        assert!(close(t975(120).unwrap(), 1.979_930, 1e-5));
        assert!(close(t975(1_000_000).unwrap(), Z975, 1e-5));
        // Monotone decreasing across the table boundary.
        assert!(t975(31).unwrap() < t975(30).unwrap());
    }

    #[test]
    fn confidence_interval_by_hand() {
        // 1..=5: mean 3, sd √2.5, t(4) = 2.776445, half-width = 2.776445 · √2.5 / √5 = 1.963243.
        let (lo, hi) = ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!(close(lo, 3.0 - 1.963_243, 1e-5), "{lo}");
        assert!(close(hi, 3.0 + 1.963_243, 1e-5), "{hi}");
        assert_eq!(ci95(&[1.0]), None);
    }

    #[test]
    fn wilson_interval_by_hand() {
        // 9 of 20: p = 0.45, z² = 3.841459; centre = (0.45 + 0.096036) / 1.192073 = 0.458056,
        // half = 1.959964 / 1.192073 · √(0.012375 + 0.002401) = 0.199858.
        let (lo, hi) = wilson95(9, 20).unwrap();
        assert!(close(lo, 0.258_198, 1e-5), "{lo}");
        assert!(close(hi, 0.657_915, 1e-5), "{hi}");
        // All or nothing still leaves room for the other outcome.
        let (lo, hi) = wilson95(20, 20).unwrap();
        assert!(close(hi, 1.0, 1e-12) && close(lo, 0.838_875, 1e-5), "{lo}");
        let (lo, hi) = wilson95(0, 20).unwrap();
        assert!(lo == 0.0 && close(hi, 0.161_125, 1e-5), "{hi}");
        assert_eq!(wilson95(0, 0), None);
    }

    #[test]
    fn missing_values_are_counted() {
        let s = number_stats(&[3.0, 1.0], 5);
        assert_eq!((s.n, s.missing), (2, 3));
        assert_eq!(s.mean, Some(2.0));
        assert_eq!((s.min, s.max), (Some(1.0), Some(3.0)));
        let c = category_stats(["a", "b", "a"], 4);
        assert_eq!((c.n, c.missing), (3, 1));
        assert_eq!(c.values["a"].count, 2);
        assert!(close(c.values["a"].p, 2.0 / 3.0, 1e-12));
    }
}
