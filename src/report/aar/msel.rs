//! Appendix: the executed MSEL, each inject planned against what actually happened.

use super::cells::{Detail, NONE, col, or_none, table};
use crate::report::doc::{Block, Section, Span, Text};
use crate::results::RunResults;
use crate::score::MselRow;

/// The executed MSEL appendix.
pub fn appendix(r: &RunResults) -> Section {
    let msel = &r.assessment.msel;
    let mut sec = Section::new("msel", "Executed MSEL (planned against actual)");
    if msel.is_empty() {
        sec.push(Block::Para(Text::plain("The scenario has no MSEL injects.")));
        return sec;
    }
    let delivered = msel.iter().filter(|m| m.delivered_s.is_some()).count();
    sec.push(Block::Para(Text::plain(format!("{delivered} of {} inject(s) delivered.", msel.len()))));
    type M<'a> = &'a MselRow;
    let cols = [
        col("Inject", |m: &M| Text::code(&m.id)),
        col("Title", |m: &M| Text::plain(&m.title)),
        col("Planned", |m: &M| Text::plain(&m.planned)),
        col("Delivered", |m: &M| m.delivered_s.map_or_else(|| Text::plain(&m.status), Text::time)),
        col("To", |m: &M| or_none(&m.to)),
        col("Expected player action", |m: &M| or_none(&m.expected_action)),
        col("Objectives", |m: &M| or_none(&m.objectives.join(", "))),
        col("Event", |m: &M| m.event.map_or_else(|| Text::plain(NONE), |e| Text(vec![Span::Evidence(vec![e])]))),
    ];
    sec.push(Block::Table(table(msel.iter(), &cols, Detail::Full)));
    sec
}
