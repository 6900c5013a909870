//! The numeric sections of the batch report: the key metrics with their 95% confidence
//! intervals, histograms of those that spread, and every other metric by scope with the constant
//! ones collapsed into one line. Also the rules that decide what is constant and what spreads.

use std::collections::BTreeSet;

use crate::report::doc::{Block, Chart, Figure, Section, Table, Text};
use crate::report::labels::{Label, Unit, label, label_value};
use crate::results::batch::BatchFile;
#[cfg(test)]
use crate::results::stats::BINS;
use crate::results::stats::{Histogram, NumberStats, Shape};

/// Whether a metric took the same value in every run (present in all of them, min = max).
pub fn is_constant(s: &NumberStats) -> bool {
    s.missing == 0 && s.n > 0 && s.min == s.max
}

/// The spread rule: a histogram is worth drawing when the values take at least three distinct
/// values and the middle 90% of them is not a single value (5th percentile < 95th percentile).
/// Constants, yes/no indicators and metrics that nearly always take one value fail it.
pub fn spreads(s: &NumberStats, shape: &Shape) -> bool {
    shape.distinct >= 3 && s.p5 < s.p95
}

/// The histogram of metric `key` if its values spread (see [`spreads`]).
pub(super) fn spread<'a>(b: &'a BatchFile, key: &str) -> Option<&'a Histogram> {
    let (st, shape) = (b.metrics.get(key)?, b.shapes.get(key)?);
    spreads(st, shape).then_some(&shape.histogram)
}

/// Keys of numeric metrics with their labels, in the label table's order.
pub(super) fn labelled(b: &BatchFile) -> Vec<(&str, &NumberStats, Label)> {
    let mut v: Vec<(&str, &NumberStats, Label)> = b.metrics.iter().map(|(k, s)| (k.as_str(), s, label(k))).collect();
    v.sort_by(|a, b| a.2.rank.cmp(&b.2.rank).then(a.0.cmp(b.0)));
    v
}

const STATS_HEAD: [&str; 6] = ["Metric", "#Mean", "#95% CI", "#Median", "#Middle 90%", "#Runs"];

/// One row of a statistics table: label, mean, CI, median, 5th–95th percentile, n.
fn stats_row(l: &Label, s: &NumberStats, runs: u64) -> Vec<Text> {
    let u = l.unit;
    let ci = if is_constant(s) { "constant".to_string() } else { u.ci(s.ci95) };
    let n = if s.n == runs { s.n.to_string() } else { format!("{} of {runs}", s.n) };
    [l.text.clone(), u.opt(s.mean), ci, u.opt(s.p50), middle90(s, u), n].into_iter().map(Text::plain).collect()
}

/// The range the middle 90% of runs fell in: `5th percentile … 95th percentile`.
pub(super) fn middle90(s: &NumberStats, u: Unit) -> String {
    match (s.p5, s.p95) {
        (Some(lo), Some(hi)) => u.range(lo, hi),
        _ => "—".to_string(),
    }
}

/// Section 2: the key metrics of the label table.
pub(super) fn key_section(b: &BatchFile) -> Section {
    let mut s = Section::new("key-metrics", "Key metrics");
    s.push(Block::Note(Text::plain(
        "Mean: the mean over the runs. 95% CI: the 95% confidence interval of that mean (Student t: where the \
         mean of many more runs would lie; kept at 0 and 100% where a quantity ends). Middle 90%: the range from \
         the 5th to the 95th percentile of single runs. Runs: how many runs have a value — a time exists only in \
         runs where its incidents happened.",
    )));
    let mut t = Table::new(&STATS_HEAD);
    for (_, st, l) in labelled(b).into_iter().filter(|x| x.2.key) {
        t.row(stats_row(&l, st, b.meta.runs_included));
    }
    s.push(Block::Table(t));
    s
}

/// Section 3: a histogram of every key metric that spreads.
pub(super) fn distributions(b: &BatchFile) -> Section {
    let mut s = Section::new("distributions", "Distributions of the key metrics");
    s.push(Block::Note(Text::plain(
        "A histogram is drawn only where values spread: at least three distinct values, and the 5th and 95th \
         percentiles differ. Constant and near-constant metrics are summed up by their row in section 2; the \
         alliance score's histogram is in section 1.",
    )));
    let mut flat = Vec::new();
    for (key, _, l) in labelled(b).into_iter().filter(|x| x.2.key && x.0 != super::summary::SCORE) {
        if let Some(h) = spread(b, key) {
            let n: u64 = h.counts.iter().sum();
            s.push(Block::Figure(histogram(&format!("{}: runs per range (n = {n})", l.text), h, l.unit)));
        } else {
            flat.push(l.text);
        }
    }
    if !flat.is_empty() {
        s.push(Block::Para(Text::plain(format!("Too little spread for a histogram: {}.", flat.join("; ")))));
    }
    s
}

/// A histogram figure with its data table.
pub(super) fn histogram(caption: &str, h: &Histogram, unit: Unit) -> Figure {
    let bins = bins(h, unit);
    let mut data = Table::new(&["Range", "#Runs"]);
    for (range, c) in &bins {
        data.row(vec![Text::plain(range.clone()), Text::plain(c.to_string())]);
    }
    Figure { caption: caption.to_string(), chart: Chart::Histogram { bins }, data, show_data: false }
}

/// Bins of a histogram, labelled: one bar per value for small whole numbers, otherwise
/// equal-width bins labelled `low … high` — whole-number bins (`5 … 35`, `36 … 66`) when every
/// value is whole, the last bin closed otherwise.
pub(super) fn bins(h: &Histogram, unit: Unit) -> Vec<(String, u64)> {
    let (lo, hi, width, whole) = (h.lo, h.hi, h.width, h.whole);
    if h.steps() {
        return h.counts.iter().enumerate().map(|(i, c)| (unit.value(lo + i as f64), *c)).collect();
    }
    let last = |i: usize| if whole { (lo + width * (i + 1) as f64 - 1.0).min(hi) } else { lo + width * (i + 1) as f64 };
    h.counts.iter().enumerate().map(|(i, c)| (unit.range(lo + width * i as f64, last(i)), *c)).collect()
}

/// What a metric is about, for grouping: its key's first segment, as a heading and its place.
fn scope_heading(key: &str) -> (u8, &'static str) {
    match key.split('.').next().unwrap_or("") {
        "exercise" | "alliance" => (0, "Exercise-wide"),
        "nation" => (1, "Nations"),
        "campaign" => (2, "Campaigns"),
        "service" => (3, "Services"),
        "assistance" => (4, "Assistance"),
        _ => (5, "Other"),
    }
}

/// Section 4: every metric that is neither a key metric nor constant, grouped by scope and
/// ordered by id, then the constant ones in one line.
pub(super) fn detail_section(b: &BatchFile) -> Section {
    let mut s = Section::new("detail", "Metrics by nation, campaign, service and assistance");
    s.push(Block::Note(Text::plain("Columns as in section 2; constant metrics are listed at the end.")));
    let runs = b.meta.runs_included;
    let mut rows = labelled(b);
    rows.sort_by(|x, y| {
        let scope = |k: &str, l: &Label| (scope_heading(k), l.ids.first().cloned().unwrap_or_default());
        scope(x.0, &x.2).cmp(&scope(y.0, &y.2)).then(x.2.rank.cmp(&y.2.rank)).then(x.0.cmp(y.0))
    });
    // A 0/1 metric that is also an outcome (same words) is shown once, in the outcomes table.
    let outcomes: BTreeSet<String> =
        b.categories.iter().flat_map(|(k, c)| c.values.keys().map(move |v| label_value(k, v).text)).collect();
    rows.retain(|r| !outcomes.contains(&r.2.text));
    let mut table: Option<(&str, Table)> = None;
    let mut constant = Vec::new();
    for (key, st, l) in rows {
        if is_constant(st) {
            if !l.key {
                constant.push(format!("{} ({})", l.text, l.unit.opt(st.mean)));
            }
            continue;
        }
        if l.key {
            continue;
        }
        let heading = scope_heading(key).1;
        if table.as_ref().is_none_or(|(h, _)| *h != heading) {
            flush(&mut s, table.take());
            table = Some((heading, Table::new(&STATS_HEAD)));
        }
        if let Some((_, t)) = table.as_mut() {
            t.row(stats_row(&l, st, runs));
        }
    }
    flush(&mut s, table);
    if !constant.is_empty() {
        s.push(Block::Heading(Text::plain("Constant")));
        s.push(Block::Para(Text::plain(format!("Constant in all {runs} runs: {}.", constant.join("; ")))));
    }
    s
}

fn flush(s: &mut Section, table: Option<(&str, Table)>) {
    if let Some((heading, t)) = table {
        s.push(Block::Heading(Text::plain(heading)));
        s.push(Block::Table(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::stats::{MAX_STEPS, histogram, number_stats, quantile_sorted, summarise};
    use proptest::prelude::*;

    /// The spread rule on values, through their summary.
    fn spreads_of(xs: &[f64]) -> bool {
        let index: Vec<u64> = (0..xs.len() as u64).collect();
        let (st, shape) = summarise(xs, &index, xs.len() as u64);
        shape.is_some_and(|sh| spreads(&st, &sh))
    }

    /// The bins of values, through their histogram.
    fn bins_of(xs: &[f64], unit: Unit) -> Vec<(String, u64)> {
        histogram(xs).map(|h| bins(&h, unit)).unwrap_or_default()
    }

    /// The spread rule as it was computed from every run's value.
    fn spreads_reference(xs: &[f64]) -> bool {
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mut distinct = sorted.clone();
        distinct.dedup();
        distinct.len() >= 3 && quantile_sorted(&sorted, 0.05) < quantile_sorted(&sorted, 0.95)
    }

    /// The bins as they were computed from every run's value.
    fn bins_reference(xs: &[f64], unit: Unit) -> Vec<(String, u64)> {
        let (Some(lo), Some(hi)) = (xs.iter().copied().reduce(f64::min), xs.iter().copied().reduce(f64::max)) else {
            return Vec::new();
        };
        let whole = xs.iter().all(|x| x.fract() == 0.0);
        if whole && hi - lo <= MAX_STEPS {
            let steps = (hi - lo) as usize;
            return (0..=steps)
                .map(|i| {
                    let v = lo + i as f64;
                    (unit.value(v), xs.iter().filter(|x| **x == v).count() as u64)
                })
                .collect();
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
        let last =
            |i: usize| if whole { (lo + width * (i + 1) as f64 - 1.0).min(hi) } else { lo + width * (i + 1) as f64 };
        counts.iter().enumerate().map(|(i, c)| (unit.range(lo + width * i as f64, last(i)), *c)).collect()
    }

    proptest! {
        /// Histograms and the spread rule from a metric's summary equal those from its values.
        #[test]
        fn summaries_draw_what_the_values_drew(
            xs in prop::collection::vec(prop_oneof![(-5i32..400).prop_map(f64::from), -1e5f64..1e5, Just(-0.0)], 0..80)
        ) {
            for unit in [Unit::Count, Unit::Duration, Unit::Points] {
                prop_assert_eq!(bins_of(&xs, unit), bins_reference(&xs, unit));
            }
            prop_assert_eq!(spreads_of(&xs), spreads_reference(&xs));
        }
    }

    #[test]
    fn constants_are_the_same_in_every_run() {
        assert!(is_constant(&number_stats(&[15.0, 15.0, 15.0], 3)));
        assert!(!is_constant(&number_stats(&[15.0, 15.0], 3)), "missing in one run");
        assert!(!is_constant(&number_stats(&[15.0, 15.5, 15.0], 3)));
        assert!(!is_constant(&number_stats(&[], 3)));
    }

    #[test]
    fn only_spread_values_get_a_histogram() {
        assert!(!spreads_of(&[4.0; 20]), "constant");
        assert!(!spreads_of(&[0.0, 1.0, 0.0, 1.0, 1.0]), "an indicator has two values");
        let mut nearly = vec![0.0; 40];
        nearly.push(11_400.0);
        nearly.push(12_000.0);
        assert!(!spreads_of(&nearly), "three values, but the middle 90% of runs alike");
        assert!(spreads_of(&[1.0, 2.0, 3.0]));
        assert!(spreads_of(&[5.0, 9.0, 5.0, 7.0, 30.0]));
    }

    #[test]
    fn small_whole_numbers_get_a_bar_each_and_the_rest_equal_bins() {
        let b = bins_of(&[1.0, 3.0, 3.0, 4.0], Unit::Count);
        let got: Vec<(&str, u64)> = b.iter().map(|(l, c)| (l.as_str(), *c)).collect();
        assert_eq!(got, [("1", 1), ("2", 0), ("3", 2), ("4", 1)]);
        let b = bins_of(&[0.5, 700.0, 6000.0], Unit::Duration);
        assert_eq!(b.len(), BINS);
        assert_eq!(b[0], ("1s … 10m".to_string(), 1));
        assert_eq!(b[1].1, 1);
        assert_eq!(b[9], ("1h30m … 1h40m".to_string(), 1), "the last bin holds the maximum");
        // Whole numbers: whole-number bins that do not overlap.
        let b = bins_of(&[5.0, 20.0, 35.0, 36.0, 307.0], Unit::Count);
        let got: Vec<(&str, u64)> = b.iter().map(|(l, c)| (l.as_str(), *c)).collect();
        assert_eq!(got[0], ("5 … 35", 3));
        assert_eq!(got[1], ("36 … 66", 1));
        assert_eq!(got.len(), BINS);
        assert_eq!(got[9], ("284 … 307", 1), "the last bin ends at the maximum");
        assert!(bins_of(&[], Unit::Count).is_empty());
    }
}
