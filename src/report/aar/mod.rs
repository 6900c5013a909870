//! The run's after-action report, shaped like an HSEEP AAR/IP and built once as a [`Document`]
//! from [`RunResults`]: `report.md`, `report.html` and the terminal summary are writings of it.
//! One file per section; the terminal summary ([`brief`]) is made of the same section builders,
//! so a value and its wording are the same wherever they are printed.

mod analysis;
mod assistance;
mod availability;
mod cells;
mod counterfactual;
mod cover;
mod coverage;
mod decisions;
mod evaluation;
mod events;
mod glossary;
mod metrics;
mod msel;
mod objectives;
mod plan;
mod reporting;
mod scores;
mod sharing;
mod summary;

pub use cells::Detail;

use crate::report::doc::{Block, Clock, Document, Section, Text};
use crate::results::RunResults;

/// The kind of document, as printed above its title.
pub const KIND: &str = "After-Action Report / Improvement Plan (AAR/IP)";

/// The full after-action report.
pub fn aar(r: &RunResults) -> Document {
    Document {
        kind: KIND.to_string(),
        title: cover::title(r),
        tlp: r.meta.tlp.clone(),
        draft: true,
        lead: cover::lead(),
        facts: cover::facts(r, Detail::Full),
        sections: vec![
            cover::overview(r),
            summary::section(r),
            objectives::section(r),
            analysis::section(r),
            metrics::section(r),
            availability::section(r),
            coverage::section(r),
            assistance::section(r),
            sharing::section(r),
            scores::section(r),
        ]
        .into_iter()
        .chain(decisions::section(r))
        .chain(counterfactual::section(r))
        .chain(reporting::section(r))
        .chain(evaluation::section(r))
        .collect(),
        appendices: vec![
            plan::appendix(r),
            msel::appendix(r),
            scores::ledger(r),
            events::appendix(r),
            glossary::appendix(),
        ],
        footer: cover::footer(r),
        clock: r.meta.startex_unix.map(|startex_unix| Clock { startex_unix }),
    }
}

/// The terminal summary: the headline figures and the brief tables of the report's sections.
pub fn brief(r: &RunResults) -> Document {
    let section = |id: &str, title: &str, blocks: Vec<Block>| Section { id: id.into(), title: title.into(), blocks };
    Document {
        kind: "Run summary".to_string(),
        title: format!("{} — {}", r.meta.exercise_id, cover::title(r)),
        tlp: r.meta.tlp.clone(),
        draft: false,
        lead: Text::default(),
        facts: cover::facts(r, Detail::Brief),
        sections: vec![
            section("headline", "Headline (all nations)", vec![Block::Cards(summary::cards(r))]),
            section("campaigns", "Campaigns", vec![metrics::campaigns(r, Detail::Brief)]),
            section("nations", "Nations", vec![Block::Table(summary::nations(r, Detail::Brief))]),
            section("metrics", "Incident handling", vec![Block::Table(metrics::headline_table(r))]),
            section("assistance", "Assistance", assistance::brief(r)),
            section("availability", "Services that went down", vec![availability::services(r)]),
            section("objectives", "Objectives (P/S/M/U, engine rule)", vec![objectives::table(r, Detail::Brief)]),
            section("scores", "Scores", scores::brief(r)),
        ]
        .into_iter()
        .chain(decisions::brief(r).map(|b| section("decisions", "Decisions", b)))
        .chain(counterfactual::brief(r).map(|b| section("counterfactual", "Counterfactual (doctrine alone)", b)))
        .collect(),
        appendices: Vec::new(),
        // `cydex run` says where the full report is (or how to write it) right after.
        footer: Text::default(),
        clock: None,
    }
}
