//! What every section of the AAR shares: tables built column by column from a list (the brief,
//! terminal table keeps a subset of the same columns), times in a nation's day, and the few
//! phrases more than one section prints.

use crate::fmt::{span, thousands};
use crate::report::doc::{Span, Table, Text};
use crate::results::RunResults;
use crate::score::metrics::{Stat, not_done_label};

/// How much a table shows: every column (the reports), or the columns a terminal has room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `report.md` and `report.html`.
    Full,
    /// The terminal summary.
    Brief,
}

/// What a missing value prints as.
pub const NONE: &str = "—";

/// An assistance team that never arrived, as the assessment's finding words it.
pub const NEVER_ON_TASK: &str = "never on task before ENDEX";

/// One column of a table built from a list: its heading (`#` first for a numeric column),
/// whether the brief table keeps it, and its cell for one item.
pub struct Col<'a, T> {
    head: String,
    brief: bool,
    cell: Box<dyn Fn(&T) -> Text + 'a>,
}

/// A column of both the full and the brief table.
pub fn col<'a, T>(head: impl Into<String>, cell: impl Fn(&T) -> Text + 'a) -> Col<'a, T> {
    Col { head: head.into(), brief: true, cell: Box::new(cell) }
}

/// A column of the full table only.
pub fn full<'a, T>(head: impl Into<String>, cell: impl Fn(&T) -> Text + 'a) -> Col<'a, T> {
    Col { head: head.into(), brief: false, cell: Box::new(cell) }
}

/// A table of `items`, one row each, with the columns `detail` keeps.
pub fn table<T>(items: impl IntoIterator<Item = T>, cols: &[Col<'_, T>], detail: Detail) -> Table {
    let kept: Vec<&Col<'_, T>> = cols.iter().filter(|c| detail == Detail::Full || c.brief).collect();
    let heads: Vec<&str> = kept.iter().map(|c| c.head.as_str()).collect();
    let mut t = Table::new(&heads);
    for item in items {
        t.row(kept.iter().map(|c| (c.cell)(&item)).collect());
    }
    t
}

/// A count with thousands separators, as a cell.
pub fn count(n: u64) -> Text {
    Text::plain(thousands(n))
}

/// A length of time, or [`NONE`].
pub fn opt_span(t: Option<u64>) -> String {
    t.map_or_else(|| NONE.to_string(), span)
}

/// A mean length of time, rounded to the second, or [`NONE`].
pub fn opt_mean(t: Option<f64>) -> String {
    opt_span(t.map(|v| v.round() as u64))
}

/// A duration metric as a value and what it rests on: (`9h02m`, `n=47, 134 not contained at
/// ENDEX`). `metric` (`MTTD`, `MTTA`, `MTTC`, `MTTR`) names what the censored incidents lack.
pub fn stat_parts(s: &Stat, metric: &str) -> (String, String) {
    let n = match s.open {
        0 => format!("n={}", s.n),
        open => format!("n={}, {open} {}", s.n, not_done_label(metric)),
    };
    match (s.mean_s, s.open) {
        (Some(m), _) => (span(m.round() as u64), n),
        (None, 0) => (NONE.to_string(), String::new()),
        (None, _) => ("none yet".to_string(), n),
    }
}

/// A duration metric in one cell: `9h02m (n=47, 134 not contained at ENDEX)`, `—` with no incident.
pub fn stat_text(s: &Stat, metric: &str) -> String {
    match stat_parts(s, metric) {
        (value, n) if n.is_empty() => value,
        (value, n) => format!("{value} ({n})"),
    }
}

/// Distinct hosts compromised, with re-infections named apart when there were any.
pub fn hosts_hit(compromised: u64, reinfections: u64) -> String {
    match reinfections {
        0 => format!("{compromised} host(s) compromised"),
        n => format!("{compromised} host(s) compromised (and {n} re-infection(s) of recovered hosts)"),
    }
}

/// A scenario time in `nation`'s day: the HTML shows its local time and UTC beside T+.
pub fn at(r: &RunResults, nation: &str, secs: u64) -> Text {
    Text(vec![local(r, nation, secs)])
}

/// [`at`] as one span, to go inside a sentence.
pub fn local(r: &RunResults, nation: &str, secs: u64) -> Span {
    match r.meta.utc_offset_min.get(nation) {
        Some(offset) => Span::LocalTime(secs, *offset),
        None => Span::Time(secs),
    }
}

/// [`at`], or `none` when the moment never came.
pub fn opt_at(r: &RunResults, nation: &str, t: Option<u64>, none: &str) -> Text {
    t.map_or_else(|| Text::plain(none), |s| at(r, nation, s))
}

/// An exercise-wide scenario time, or [`NONE`].
pub fn when(t: Option<u64>) -> Text {
    t.map_or_else(|| Text::plain(NONE), Text::time)
}

/// Text that is [`NONE`] when empty.
pub fn or_none(s: &str) -> Text {
    Text::plain(if s.is_empty() { NONE } else { s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_table_keeps_only_its_columns_in_order() {
        let cols: [Col<'_, (u64, &str)>; 3] = [
            col("name", |x: &(u64, &str)| Text::plain(x.1)),
            full("note", |_: &(u64, &str)| Text::plain("long")),
            col("#n", |x: &(u64, &str)| count(x.0)),
        ];
        let items = [(1234, "a"), (5, "b")];
        let f = table(items, &cols, Detail::Full);
        let b = table(items, &cols, Detail::Brief);
        assert_eq!(f.columns.len(), 3);
        assert_eq!(b.columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["name", "n"]);
        assert_eq!(b.rows[0].cells, vec![Text::plain("a"), Text::plain("1,234")]);
        assert_eq!(f.rows[1].cells[1], Text::plain("long"));
    }

    #[test]
    fn duration_metrics_name_their_count_and_what_is_censored() {
        let s = |mean_s: Option<f64>, n: u64, open: u64| Stat { n, open, mean_s, median_s: None, max_s: None };
        assert_eq!(stat_text(&s(Some(32_520.4), 47, 0), "MTTC"), "9h02m (n=47)");
        assert_eq!(stat_text(&s(Some(32_520.0), 47, 134), "MTTC"), "9h02m (n=47, 134 not contained at ENDEX)");
        assert_eq!(stat_text(&s(None, 0, 0), "MTTR"), "—");
        assert_eq!(stat_text(&s(None, 0, 3), "MTTA"), "none yet (n=0, 3 not acknowledged at ENDEX)");
        assert_eq!(hosts_hit(3, 0), "3 host(s) compromised");
        assert_eq!(hosts_hit(3, 1), "3 host(s) compromised (and 1 re-infection(s) of recovered hosts)");
    }
}
