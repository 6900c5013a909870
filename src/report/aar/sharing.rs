//! Section 9, information sharing: when each nation's team sent indicators to its partners after
//! its first detection, and when they first reached one.

use super::cells::{Detail, at, col, opt_at, opt_span, table};
use crate::report::doc::{Block, Section, Text};
use crate::results::RunResults;
use crate::score::SharingTiming;

/// Section 9.
pub fn section(r: &RunResults) -> Section {
    let mut sec = Section::new("sharing", "Information sharing");
    if r.assessment.sharing.is_empty() {
        sec.push(Block::Para(Text::plain("No nation detected anything, so there was nothing to share.")));
        return sec;
    }
    type S<'a> = &'a SharingTiming;
    let cols = [
        col("Nation", |x: &S| Text::plain(&x.nation)),
        col("First detection", |x: &S| at(r, &x.nation, x.first_detection_s)),
        col("Indicators sent", |x: &S| opt_at(r, &x.nation, x.first_sent_s, "never")),
        col("First reached a partner", |x: &S| opt_at(r, &x.nation, x.first_arrival_s, "not by ENDEX")),
        col("#Time to share (detection → sent)", |x: &S| Text::plain(opt_span(x.time_to_share_s))),
    ];
    sec.push(Block::Table(table(r.assessment.sharing.iter(), &cols, Detail::Full)));
    sec.push(Block::Note(Text::plain(
        "Time to share runs from the nation's first detection to its team sending indicators; the agreement's transport latency (sent → reached) is not the team's doing and is not counted.",
    )));
    sec
}
