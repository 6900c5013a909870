//! Appendix: the glossary of HSEEP and NATO exercise terms, and how to regenerate the report.

use crate::report::doc::{Block, Section, Span, Table, Text};

/// The glossary appendix.
pub fn appendix() -> Section {
    let mut sec = Section::new("glossary", "Glossary");
    let mut t = Table::new(&["HSEEP", "NATO"]);
    for (h, n) in [
        ("MSEL (Master Scenario Events List)", "MEL/MIL (Main Events List / Main Incidents List)"),
        ("Players", "Training Audience"),
        ("Exercise Director / Controllers / SimCell", "EXCON / White Cell / ODE"),
        ("Simulated adversary", "OPFOR / Red"),
        ("AAR/IP", "AAR + Lessons Identified"),
    ] {
        t.row(vec![Text::plain(h), Text::plain(n)]);
    }
    sec.push(Block::Table(t));
    sec.push(Block::Para(
        Text::plain("Regenerate this report from the run's ")
            .with(Span::Code("results.json".into()))
            .then(" without re-running it:"),
    ));
    sec.push(Block::Command("cydex report results.json --format md".into()));
    sec.push(Block::Command("cydex report results.json --format html".into()));
    sec
}
