//! Appendix: the improvement plan (HSEEP AAR/IP Appendix A), one row per area for improvement of
//! every objective not rated P, with the columns the after-action meeting fills in left blank.

use super::cells::{Detail, col, table};
use crate::report::doc::{Block, Section, Text};
use crate::results::RunResults;
use crate::score::Improvement;

/// The improvement plan appendix.
pub fn appendix(r: &RunResults) -> Section {
    let plan = &r.assessment.improvement_plan;
    let mut sec = Section::new("plan", "Improvement plan");
    sec.push(Block::Para(Text::plain(
        "One row per area for improvement of every objective not rated P. Corrective actions are engine suggestions for the after-action meeting to confirm, assign and date.",
    )));
    if plan.is_empty() {
        sec.push(Block::Para(Text::plain("No area for improvement was identified.")));
        return sec;
    }
    type I<'a> = &'a Improvement;
    let cols = [
        col("Objective", |x: &I| Text::code(&x.objective)),
        col("Core capability", |x: &I| Text::plain(&x.capability)),
        col("Issue / area for improvement", |x: &I| Text::plain(&x.issue)),
        col("Corrective action", |x: &I| Text::plain(&x.corrective_action)),
        col("Capability element", |x: &I| Text::plain(&x.element)),
        col("Primary responsible organization", |x: &I| Text::plain(&x.responsible)),
        col("Organization POC", |_: &I| Text::default()),
        col("Start date", |_: &I| Text::default()),
        col("Completion date", |_: &I| Text::default()),
    ];
    sec.push(Block::Table(table(plan.iter(), &cols, Detail::Full)));
    sec
}
