//! The counterfactual of a played session (only when the results carry one): the same exercise
//! played by doctrine alone on the same seed, side by side with the played run — key metrics,
//! paired differences, ratings — and where the played scores fall among N doctrine runs.

use crate::fmt::score;
use crate::report::doc::{Block, Section, Span, Table, Text};
use crate::report::labels::Unit as Shown;
use crate::results::RunResults;
use crate::results::played::{Counterfactual, PairedMetric, Standing, Unit};

/// The section, or none without a counterfactual.
pub fn section(r: &RunResults) -> Option<Section> {
    let c = r.counterfactual.as_ref()?;
    let mut sec = Section::new("counterfactual", "Counterfactual: the same exercise played by doctrine");
    sec.push(Block::Para(Text::plain(format!(
        "The same scenario, seed {} and run index {} played with doctrine deciding for every team, beside the played session; the difference is played − doctrine.",
        r.meta.seed, r.meta.run_index
    ))));
    sec.push(Block::Table(metrics(c)));
    if !c.ratings.is_empty() {
        sec.push(Block::Heading(Text::plain("Ratings (P/S/M/U, engine rule)")));
        let mut t = Table::new(&["Objective", "Played", "Doctrine"]);
        for x in &c.ratings {
            let rating = |v: crate::score::Rating| Text(vec![Span::Rating(v.code().to_string())]);
            t.row(vec![Text::code(&x.objective), rating(x.played), rating(x.doctrine)]);
        }
        sec.push(Block::Table(t));
    }
    if !c.in_their_place.is_empty() {
        sec.push(Block::Heading(Text::plain("What doctrine decided in the played seats' place (same seed)")));
        sec.push(Block::Note(Text::plain(
            "Doctrine's own decisions in the doctrine run on the same seed: when it would have shared, isolated or asked for help, and what that changed there. Times are the ticks it decided in.",
        )));
        let mut seats: Vec<&str> = Vec::new();
        for d in &c.in_their_place {
            if !seats.contains(&d.seat.as_str()) {
                seats.push(&d.seat);
            }
        }
        for seat in seats {
            sec.push(Block::Heading(Text::plain(format!("{seat} by doctrine"))));
            let mine = c.in_their_place.iter().filter(|d| d.seat == seat);
            sec.push(Block::Table(super::decisions::decision_table(r, mine)));
        }
    }
    sec.push(Block::Heading(Text::plain(format!("Among {} doctrine runs", c.runs))));
    sec.push(Block::List(c.standing.iter().map(|s| standing(s, c.runs)).collect()));
    sec.push(Block::Note(Text::plain(format!(
        "The doctrine runs are run indices 0 to {} of seed {}; a tie with a run counts half.",
        c.runs.saturating_sub(1),
        r.meta.seed
    ))));
    Some(sec)
}

/// The terminal's one line, or none without a counterfactual.
pub fn brief(r: &RunResults) -> Option<Vec<Block>> {
    let c = r.counterfactual.as_ref()?;
    let alliance = c.metrics.first().map(|m| {
        format!("alliance score {} vs doctrine's {} on the same seed", opt(m.unit, m.played), opt(m.unit, m.doctrine))
    });
    let ranks: Vec<String> = c.standing.iter().map(|s| format!("{} {}", subject(s), better(s, c.runs))).collect();
    let line = alliance.into_iter().chain(ranks).collect::<Vec<_>>().join("; ");
    Some(vec![Block::Para(Text::plain(format!("{line}.")))])
}

fn metrics(c: &Counterfactual) -> Table {
    let mut t = Table::new(&["Metric", "#Played", "#Doctrine (same seed)", "#Difference", "Played did"]);
    for m in &c.metrics {
        let diff = m.difference.map_or_else(|| "—".to_string(), |d| shown(m.unit).change(d));
        t.row(vec![
            Text::plain(&m.metric),
            Text::plain(opt(m.unit, m.played)),
            Text::plain(opt(m.unit, m.doctrine)),
            Text::plain(diff),
            Text::plain(verdict(m)),
        ]);
    }
    t
}

/// Better, worse or the same as doctrine, given which way is better.
fn verdict(m: &PairedMetric) -> &'static str {
    match m.difference {
        None => "—",
        Some(0.0) => "the same",
        Some(d) if (d > 0.0) == m.higher_is_better => "better",
        Some(_) => "worse",
    }
}

fn standing(s: &Standing, runs: u64) -> Text {
    Text::plain(format!(
        "The {} of {} is {} (doctrine's ranged from {} to {}).",
        subject(s),
        score(s.played),
        better(s, runs),
        score(s.doctrine_min),
        score(s.doctrine_max)
    ))
}

fn subject(s: &Standing) -> String {
    if s.subject == "alliance" { "alliance score".to_string() } else { format!("{} score", s.subject) }
}

/// `better than 83% of 30 doctrine runs`.
fn better(s: &Standing, runs: u64) -> String {
    format!("better than {:.0}% of {runs} doctrine runs", s.beats * 100.0)
}

fn shown(u: Unit) -> Shown {
    match u {
        Unit::Points => Shown::Points,
        Unit::Seconds => Shown::Duration,
        Unit::Count => Shown::Count,
        Unit::Megabytes => Shown::Megabytes,
    }
}

fn opt(u: Unit, v: Option<f64>) -> String {
    shown(u).opt(v)
}
