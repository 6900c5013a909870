//! Section 3, objectives and ratings: every objective against its target with its P/S/M/U rating
//! and evidence, HSEEP's rating definitions, and the engine rule that maps measurements to them.

use super::cells::{Detail, NONE, col, full, table as columns};
use crate::report::doc::{Block, Section, Span, Table, Text};
use crate::results::RunResults;
use crate::score::ratings::{HSEEP_DEFINITIONS, rule_text};
use crate::score::{ObjectiveRating, Rating};

/// Section 3.
pub fn section(r: &RunResults) -> Section {
    let a = &r.assessment;
    let mut sec = Section::new("objectives", "Objectives and ratings");
    if a.ratings.is_empty() {
        sec.push(Block::Para(Text::plain(
            "The scenario defines no rated objectives (objectives need a metric and a target to be rated).",
        )));
    } else {
        sec.push(table(r, Detail::Full));
        let bearing: Vec<Text> = a.ratings.iter().filter(|x| !x.expectations.is_empty()).map(expectations).collect();
        if !bearing.is_empty() {
            sec.push(Block::Heading(Text::plain("Inject expectations bearing on the objectives")));
            sec.push(Block::Note(Text::plain(
                "The expectations of the injects that name each objective: their events are part of its evidence, and each is a strength (met, validated) or an area for improvement (missed). They do not change the engine's rating, which stays the metric's; an evaluator may override it.",
            )));
            sec.push(Block::List(bearing));
        }
    }
    sec.push(Block::Heading(Text::plain("Rating definitions")));
    let mut t = Table::new(&["Rating", "HSEEP definition"]);
    for (k, d) in HSEEP_DEFINITIONS {
        t.row(vec![Text::strong(k), Text::plain(d)]);
    }
    t.row(vec![
        Text::strong("N/A — Not observed"),
        Text::plain("cydex: the situation the objective measures did not arise in this run."),
    ]);
    sec.push(Block::Table(t));
    sec.push(Block::Para(Text::strong("Engine rule.").then(" ").then(rule_text(&a.rating_thresholds))));
    sec
}

/// One objective's expectations and their verdicts, in words.
fn expectations(x: &ObjectiveRating) -> Text {
    let said: Vec<String> = x
        .expectations
        .iter()
        .map(|(id, status)| {
            let verdict = match status.as_str() {
                "unvalidated" => "not validated (neither passed nor failed)",
                "not_delivered" => "not applicable (inject never delivered)",
                other => other,
            };
            format!("{id} {verdict}")
        })
        .collect();
    Text::strong(&x.id).then(format!(": {}", said.join("; ")))
}

/// What was measured for an objective: the measurement, `not observed`, or `—`.
pub fn measured(x: &ObjectiveRating) -> &str {
    let none = if x.rating == Rating::NotObserved { "not observed" } else { NONE };
    x.measured.as_deref().unwrap_or(none)
}

/// The objectives table; the brief one is what a terminal has room for.
pub fn table(r: &RunResults, detail: Detail) -> Block {
    type O<'a> = &'a ObjectiveRating;
    let cols = [
        col("Objective", |x: &O| Text::strong(&x.id)),
        full("Statement", |x: &O| Text::plain(&x.text)),
        full("Core capability", |x: &O| Text::plain(&x.capability)),
        col("Scope", |x: &O| Text::plain(&x.scope)),
        // In words, so that the column wraps; the analysis gives the metric's key.
        col("Metric", |x: &O| Text::plain(x.metric.replace('_', " "))),
        col("Target", |x: &O| Text::plain(&x.target)),
        col("Measured", |x: &O| Text::plain(measured(x))),
        full("#Ratio", |x: &O| {
            Text::plain(x.ratio.map_or_else(|| NONE.to_string(), |v| format!("{:.3}", crate::fmt::nz(v))))
        }),
        col("Rating", |x: &O| Text(vec![Span::Rating(x.rating.code().to_string())])),
        full("Evidence (event ids)", |x: &O| Text(vec![Span::Evidence(x.evidence.clone())])),
    ];
    Block::Table(columns(r.assessment.ratings.iter(), &cols, detail))
}
