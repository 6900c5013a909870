//! Section 4, the analysis of capabilities: one block per objective with what was measured, the
//! rating and why, its strengths and areas for improvement (HSEEP's observation, reference and
//! analysis), and the events it rests on.

use super::objectives::measured;
use crate::report::doc::{Block, Section, Span, Text};
use crate::results::RunResults;
use crate::score::ObjectiveRating;

/// Section 4.
pub fn section(r: &RunResults) -> Section {
    let mut sec = Section::new("analysis", "Analysis of capabilities");
    if r.assessment.ratings.is_empty() {
        sec.push(Block::Para(Text::plain(
            "No objective was rated, so no strengths or areas for improvement were derived.",
        )));
    }
    for x in &r.assessment.ratings {
        sec.push(Block::Group(objective(x)));
    }
    sec
}

fn objective(x: &ObjectiveRating) -> Vec<Block> {
    let rating = Span::Rating(x.rating.code().to_string());
    let mut facts = vec![
        ("Scope".to_string(), Text::plain(&x.scope)),
        ("Metric".to_string(), Text::code(&x.metric)),
        ("Target / measured".to_string(), Text::plain(format!("{} / {}", x.target, measured(x)))),
        ("Rating".to_string(), Text(vec![rating.clone()]).then(format!(" — {}", x.reason))),
    ];
    if !x.csf.is_empty() {
        facts.push(("NIST CSF".to_string(), Text::plain(x.csf.join(", "))));
    }
    if !x.pledge.is_empty() {
        facts.push(("Cyber Defence Pledge".to_string(), Text::plain(x.pledge.join(", "))));
    }
    facts.push(("Evidence (event ids)".to_string(), Text(vec![Span::Evidence(x.evidence.clone())])));
    let mut out = vec![
        Block::Heading(Text(vec![rating]).then(format!(" {}: {}", x.id, x.capability))),
        Block::Para(Text::plain(&x.text)),
        Block::Facts(facts),
        Block::Para(Text::strong("Strengths")),
    ];
    out.push(list(x.strengths.iter().map(Text::plain).collect()));
    out.push(Block::Para(Text::strong("Areas for improvement")));
    // The metric's areas come first; a missed inject expectation's follow, and carry their own
    // reference (the deadline), not the metric's.
    let missed = x.expectations.iter().filter(|(_, s)| s == "missed").count();
    let metric = x.improvements.len().saturating_sub(missed);
    let afi = |(k, i): (usize, &String)| match k < metric {
        true => {
            Text::plain(i).then(format!(" Reference: the objective's target, {}. Analysis: {}", x.target, x.reason))
        }
        false => Text::plain(i),
    };
    out.push(list(x.improvements.iter().enumerate().map(afi).collect()));
    out
}

fn list(items: Vec<Text>) -> Block {
    if items.is_empty() { Block::Note(Text::plain("None recorded.")) } else { Block::List(items) }
}
