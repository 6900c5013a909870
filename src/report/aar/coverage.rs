//! Section 7, MITRE ATT&CK coverage: per technique the adversary executed, how often it was
//! detected, missed and contained.

use super::cells::{Detail, NONE, col, count, table};
use crate::fmt::pct;
use crate::report::doc::{Block, Chart, Figure, Section, Text};
use crate::results::RunResults;
use crate::score::metrics::Coverage;

/// Section 7.
pub fn section(r: &RunResults) -> Section {
    let cov = &r.assessment.attack_coverage;
    let mut sec = Section::new("attack", "ATT&CK coverage");
    if cov.is_empty() {
        sec.push(Block::Para(Text::plain("No ATT&CK technique was executed in this run.")));
        return sec;
    }
    sec.push(Block::Note(Text::plain(
        "Executed: successful executions (stage completions; entry compromises for the entry technique). Detected: detections of hosts at a stage using it. Missed: executions never followed by a detection (executed − detected). Contained: containments of incidents detected at that technique.",
    )));
    let rate = |c: &&Coverage| match c.executed {
        0 => Text::plain(NONE),
        n => Text::plain(pct((c.detected as f64 / n as f64).min(1.0))),
    };
    let cols = [
        col("Technique", |c: &&Coverage| Text::code(&c.technique)),
        col("#Executed", |c: &&Coverage| count(c.executed)),
        col("#Detected", |c: &&Coverage| count(c.detected)),
        col("#Missed", |c: &&Coverage| count(c.missed)),
        col("#Contained", |c: &&Coverage| count(c.contained)),
        col("#Detected / executed", rate),
    ];
    let rows = cov.iter().map(|c| (c.technique.clone(), vec![c.detected as f64, c.missed as f64])).collect();
    let full = cov.iter().map(|c| (c.detected + c.missed) as f64).fold(1.0, f64::max);
    let legend = vec![("detected".to_string(), "#1f6fb2".to_string()), ("missed".to_string(), "#c0392b".to_string())];
    sec.push(Block::Figure(Figure {
        caption: "Detected and missed executions per technique.".to_string(),
        chart: Chart::StackedBars { legend, rows, full },
        data: table(cov.iter(), &cols, Detail::Full),
        show_data: true,
    }));
    sec
}
