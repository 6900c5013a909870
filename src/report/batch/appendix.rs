//! The appendices of the batch report — the only place raw observation keys are printed: every
//! numeric key's mean, SD and confidence interval, its quantiles, and every categorical key's
//! values. Numbers are split over two tables so each fits a printed A4 or Letter page.

use crate::report::doc::{Block, Section, Table, Text};
use crate::report::labels::{Unit, label};
use crate::results::batch::BatchFile;
use crate::results::stats::NumberStats;

/// A table whose first column is a raw key, written verbatim, and the rest plain cells.
pub(crate) fn keyed<'a>(head: &[&str], rows: impl IntoIterator<Item = (&'a str, Vec<String>)>) -> Table {
    let mut t = Table::new(head);
    for (key, cells) in rows {
        let mut row = vec![Text::code(key)];
        row.extend(cells.into_iter().map(Text::plain));
        t.row(row);
    }
    t
}

/// One table of every numeric key, `cells` giving each key's columns after the key.
fn per_key(b: &BatchFile, head: &[&str], cells: impl Fn(&NumberStats, Unit) -> Vec<String>) -> Table {
    keyed(head, b.metrics.iter().map(|(key, st)| (key.as_str(), cells(st, label(key).unit))))
}

/// Appendix A: every numeric key's n, missing, mean, SD and 95% CI.
pub(super) fn means(b: &BatchFile) -> Section {
    let mut s = Section::new("raw-means", "Every metric by observation key: means");
    s.push(Block::Note(Text::plain(
        "Every key in batch.json, in key order, values written in the metric's unit. n counts the runs where the \
         metric exists; missing, those where it does not (a nation never detected anything, so it has no time to \
         detect).",
    )));
    let head = ["Key", "#n", "#Missing", "#Mean", "#SD", "#95% CI of the mean"];
    s.push(Block::Table(per_key(b, &head, |st, u| {
        vec![st.n.to_string(), st.missing.to_string(), u.opt(st.mean), u.opt_size(st.sd), u.ci(st.ci95)]
    })));
    s
}

/// Appendix B: every numeric key's quantiles.
pub(super) fn quantiles(b: &BatchFile) -> Section {
    let mut s = Section::new("raw-quantiles", "Every metric by observation key: quantiles");
    let head = ["Key", "#Min", "#5%", "#Median", "#95%", "#Max"];
    s.push(Block::Table(per_key(b, &head, |st, u| {
        [st.min, st.p5, st.p50, st.p95, st.max].into_iter().map(|x| u.opt(x)).collect()
    })));
    s
}

/// Appendix C: every categorical key and value.
pub(super) fn outcomes(b: &BatchFile) -> Section {
    let mut s = Section::new("raw-outcomes", "Every outcome by observation key");
    let mut t = Table::new(&["Key", "Value", "#Runs", "#Share", "#Missing"]);
    for (key, c) in &b.categories {
        for (v, share) in &c.values {
            t.row(vec![
                Text::code(key.clone()),
                Text::code(v.clone()),
                Text::plain(share.count.to_string()),
                Text::plain(Unit::Share.value(share.p)),
                Text::plain(c.missing.to_string()),
            ]);
        }
    }
    s.push(Block::Table(t));
    s
}
