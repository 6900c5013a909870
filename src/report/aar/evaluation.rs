//! The evaluators' part of a drill's report (only when they wrote anything): each rating override
//! beside the engine's proposed rating and its justification, the observations by objective
//! (strengths and areas for improvement, in the manner of an HSEEP Exercise Evaluation Guide),
//! and the manual expectations they validated.

use crate::fmt::tplus;
use crate::report::doc::{Block, Section, Table, Text};
use crate::results::{Finding, NoteBody, RunResults};

/// The section, or none when no evaluator wrote a note.
pub fn section(r: &RunResults) -> Option<Section> {
    if r.evaluation.is_empty() {
        return None;
    }
    let mut sec = Section::new("evaluation", "Evaluation: observations and rating overrides");
    sec.push(Block::Para(Text::plain(
        "The engine proposes each objective's rating from its rule; an evaluator may override it with a written justification. Both are shown: the override is the evaluator's judgement, the engine's rating is unchanged elsewhere in this report.",
    )));
    let mut overrides = Table::new(&["Objective", "Engine's rating", "Evaluator's rating", "Justification", "By, at"]);
    let mut observations = Table::new(&["Objective", "Finding", "Observation", "By, at"]);
    let mut validations = Table::new(&["Expectation", "#Points", "Note", "By, at"]);
    for n in &r.evaluation {
        let by = Text::plain(format!("{}, {}", n.evaluator, tplus(n.tick * r.summary.tick_s)));
        match &n.note {
            NoteBody::Override { objective, rating, justification } => {
                let engine = r
                    .assessment
                    .ratings
                    .iter()
                    .find(|x| &x.id == objective)
                    .map_or("—".to_string(), |x| x.rating.code().to_string());
                overrides.row(vec![
                    Text::plain(objective),
                    Text::plain(engine),
                    Text::strong(rating.code()),
                    Text::plain(justification),
                    by,
                ]);
            }
            NoteBody::Observation { objective, finding, text } => {
                let f = match finding {
                    Finding::Strength => "strength",
                    Finding::Improvement => "area for improvement",
                };
                observations.row(vec![Text::plain(objective), Text::plain(f), Text::plain(text), by]);
            }
            NoteBody::Validation { expectation, points, text } => {
                validations.row(vec![Text::plain(expectation), Text::plain(points.to_string()), Text::plain(text), by]);
            }
        }
    }
    for (title, t) in [
        ("Rating overrides", overrides),
        ("Observations", observations),
        ("Manual expectations validated", validations),
    ] {
        if !t.rows.is_empty() {
            sec.push(Block::Heading(Text::plain(title)));
            sec.push(Block::Table(t));
        }
    }
    Some(sec)
}
