//! The executive summary of the batch report: headline cards, the probability of each P/S/M/U
//! rating per objective as stacked bars, the probability of each campaign outcome with its 95%
//! Wilson interval, and the distribution of the alliance score.

use std::cmp::Ordering;

use super::metrics::{histogram, is_constant, middle90, spread};
use crate::report::doc::{Block, Card, Chart, Figure, Section, Table, Text};
use crate::report::labels::{Unit, label, label_value};
use crate::results::batch::BatchFile;
use crate::results::stats::{CategoryStats, wilson95};

/// Rating codes in the order the bars stack them, with their colours.
pub(crate) const RATING_COLOURS: [(&str, &str); 5] =
    [("P", "#1e7b34"), ("S", "#c9a400"), ("M", "#d9822b"), ("U", "#b03a2e"), ("N/A", "#8a939c")];

/// The alliance score's key.
pub(super) const SCORE: &str = "alliance.score";

/// Section 1.
pub(super) fn section(b: &BatchFile) -> Section {
    let mut s = Section::new("summary", "Executive summary");
    s.push(Block::Cards(cards(b)));
    let objectives = objectives(b);
    if !objectives.is_empty() {
        s.push(Block::Heading(Text::plain("Objective ratings")));
        s.push(Block::Figure(ratings_figure(&objectives)));
        let texts: Vec<Text> = objectives
            .iter()
            .filter_map(|(id, c)| {
                let text = b.meta.objectives.get(*id)?;
                Some(Text::strong(*id).then(format!(" ({}) — {text}", rating_shares(c))))
            })
            .collect();
        if !texts.is_empty() {
            s.push(Block::List(texts));
        }
    }
    let outcomes = outcome_table(b);
    if !outcomes.rows.is_empty() {
        s.push(Block::Heading(Text::plain("Outcomes")));
        s.push(Block::Note(Text::plain(
            "How often each outcome happened, with its 95% Wilson interval: the range of probabilities these runs \
             are consistent with.",
        )));
        s.push(Block::Table(outcomes));
    }
    alliance_score(&mut s, b);
    s
}

/// The objectives' rating distributions, in natural id order (`OBJ-2` before `OBJ-10`).
fn objectives(b: &BatchFile) -> Vec<(&str, &CategoryStats)> {
    let mut v: Vec<(&str, &CategoryStats)> = b
        .categories
        .iter()
        .filter_map(|(k, c)| Some((k.strip_prefix("objective.")?.strip_suffix(".rating")?, c)))
        .collect();
    v.sort_by(|a, b| natural(a.0, b.0));
    v
}

/// Orders ids with their digit runs compared as numbers.
pub(crate) fn natural(a: &str, b: &str) -> Ordering {
    fn parts(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, run)) if *d == digit => run.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let key = |s: &str| -> Vec<(u8, u128, String)> {
        parts(s).into_iter().map(|(d, r)| if d { (0, r.parse().unwrap_or(u128::MAX), r) } else { (1, 0, r) }).collect()
    };
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// The ratings an objective got, likeliest first: `P 95%, S 5%`.
fn rating_shares(c: &CategoryStats) -> String {
    let mut shares: Vec<(&str, f64)> =
        RATING_COLOURS.iter().map(|(code, _)| (*code, share(c, code))).filter(|(_, p)| *p > 0.0).collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1));
    let words: Vec<String> = shares.iter().map(|(code, p)| format!("{code} {}", Unit::Probability.value(*p))).collect();
    words.join(", ")
}

fn share(c: &CategoryStats, code: &str) -> f64 {
    c.values.get(code).map_or(0.0, |v| v.p)
}

fn ratings_figure(objectives: &[(&str, &CategoryStats)]) -> Figure {
    let mut data = Table::new(&["Objective", "#P", "#S", "#M", "#U", "#N/A", "#Runs"]);
    let mut rows = Vec::new();
    for (id, c) in objectives {
        let shares: Vec<f64> = RATING_COLOURS.iter().map(|(code, _)| share(c, code)).collect();
        let mut cells = vec![Text::plain(*id)];
        cells.extend(shares.iter().map(|p| Text::plain(Unit::Probability.value(*p))));
        cells.push(Text::plain(c.n.to_string()));
        data.row(cells);
        rows.push((id.to_string(), shares));
    }
    let legend = RATING_COLOURS.iter().map(|(c, col)| (c.to_string(), col.to_string())).collect();
    Figure {
        caption: "Probability of each rating, per objective (share of runs)".into(),
        chart: Chart::StackedBars { legend, rows, full: 1.0 },
        data,
        show_data: false,
    }
}

/// Every outcome category but the ratings: each value's probability and Wilson interval, the
/// likeliest first within a category.
fn outcome_table(b: &BatchFile) -> Table {
    let mut t = Table::new(&["Outcome", "#Probability", "#95% CI", "#Runs"]);
    let mut keys: Vec<&String> = b.categories.keys().filter(|k| !k.starts_with("objective.")).collect();
    keys.sort_by(|x, y| label(x).rank.cmp(&label(y).rank).then(x.cmp(y)));
    for key in keys {
        let c = &b.categories[key];
        let mut values: Vec<(&String, u64)> = c.values.iter().map(|(v, s)| (v, s.count)).collect();
        values.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        for (v, count) in values {
            let ci = Unit::Probability.ci(wilson95(count, c.n));
            t.row(vec![
                Text::plain(label_value(key, v).text),
                Text::plain(Unit::Probability.value(count as f64 / c.n.max(1) as f64)),
                Text::plain(ci),
                Text::plain(format!("{count} of {}", c.n)),
            ]);
        }
    }
    t
}

/// Headline cards: the alliance score, each campaign's likeliest outcomes, and how many
/// objectives were rated P in every run.
fn cards(b: &BatchFile) -> Vec<Card> {
    let mut cards = Vec::new();
    if let Some(s) = b.metrics.get(SCORE) {
        let detail =
            if is_constant(s) { "constant".to_string() } else { format!("95% CI {}", Unit::Points.ci(s.ci95)) };
        cards.push(Card {
            label: "Alliance score (mean)".into(),
            value: Text::plain(Unit::Points.opt(s.mean)),
            detail: Text::plain(detail),
        });
    }
    for (key, c) in b.categories.iter().filter(|(k, _)| k.starts_with("campaign.") && k.ends_with(".outcome")) {
        let mut values: Vec<_> = c.values.iter().collect();
        values.sort_by(|x, y| y.1.count.cmp(&x.1.count).then(x.0.cmp(y.0)));
        for (v, share) in values {
            let ci = Unit::Probability.ci(wilson95(share.count, c.n));
            cards.push(Card {
                label: label_value(key, v).text,
                value: Text::plain(Unit::Probability.value(share.p)),
                detail: Text::plain(format!("95% CI {ci}; {} of {} runs", share.count, c.n)),
            });
        }
    }
    let objectives = objectives(b);
    if !objectives.is_empty() {
        let always = objectives.iter().filter(|(_, c)| share(c, "P") == 1.0).count();
        cards.push(Card {
            label: "Objectives rated P in every run".into(),
            value: Text::plain(format!("{always} of {}", objectives.len())),
            detail: Text::plain(format!("over {} runs", b.meta.runs_included)),
        });
    }
    cards
}

/// The alliance score: its statistics in a sentence and its histogram.
fn alliance_score(s: &mut Section, b: &BatchFile) {
    let Some(st) = b.metrics.get(SCORE) else {
        return;
    };
    let u = Unit::Points;
    s.push(Block::Heading(Text::plain("Alliance score")));
    let mut text = Text::plain("Mean ").with(crate::report::doc::Span::Strong(u.opt(st.mean)));
    if is_constant(st) {
        text = text.then(format!(" in every one of the {} runs.", st.n));
    } else {
        text = text.then(format!(
            " (95% CI {}); median {}; 90% of runs scored {}; lowest {}, highest {} (n = {}).",
            u.ci(st.ci95),
            u.opt(st.p50),
            middle90(st, u),
            u.opt(st.min),
            u.opt(st.max),
            st.n
        ));
    }
    s.push(Block::Para(text));
    if let Some(h) = spread(b, SCORE) {
        s.push(Block::Figure(histogram(&format!("Alliance score: runs per range (n = {})", st.n), h, u)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_naturally() {
        let mut ids = vec!["OBJ-10", "OBJ-2", "OBJ-1", "A", "OBJ-02"];
        ids.sort_by(|a, b| natural(a, b));
        assert_eq!(ids, ["A", "OBJ-1", "OBJ-02", "OBJ-2", "OBJ-10"]);
    }
}
