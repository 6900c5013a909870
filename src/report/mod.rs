//! Run results and their renderings. Depends only on results: the `RunResults` record (what
//! `results.json` holds) and the text made from it, never on the simulation's world. A run's
//! after-action report is built once as a document ([`aar`]) and written as Markdown, HTML or
//! terminal text by the thin writers in [`write`].

pub mod aar;
pub mod batch;
pub mod compare;
pub mod doc;
pub mod events;
pub mod labels;
pub mod navigator;
pub mod write;

use crate::results::RunResults;

/// `report.md`: the after-action report in Markdown.
pub fn markdown(r: &RunResults) -> String {
    write::markdown::write(&aar::aar(r))
}

/// `report.html`: the after-action report as one self-contained HTML file.
pub fn html(r: &RunResults) -> String {
    write::html::write(&aar::aar(r))
}

/// The terminal summary of a run; `color` adds ANSI bold and dim.
pub fn terminal(r: &RunResults, color: bool) -> String {
    write::text::write(&aar::brief(r), color)
}
