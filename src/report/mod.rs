//! Run results and their renderings. Depends only on results: the `RunResults` record (what
//! `results.json` holds) and the text made from it, never on the simulation's world.

pub mod batch;
pub mod compare;
pub mod doc;
pub mod events;
pub mod html;
pub mod labels;
pub mod markdown;
pub mod navigator;
pub mod terminal;
pub mod write;

use crate::fmt::span;

/// Distinct hosts compromised, with re-infections named apart when there were any.
pub fn hosts_hit(compromised: u64, reinfections: u64) -> String {
    if reinfections == 0 {
        format!("{compromised} host(s) compromised")
    } else {
        format!("{compromised} host(s) compromised (and {reinfections} re-infection(s) of recovered hosts)")
    }
}

/// A duration metric as every text output prints it: `9h02m (n=47, 134 not contained at ENDEX)`.
/// `metric` is `MTTD`, `MTTA`, `MTTC` or `MTTR`; it names what the censored incidents lack.
pub fn stat_text(s: &crate::score::metrics::Stat, metric: &str) -> String {
    let label = crate::score::metrics::not_done_label(metric);
    match (s.mean_s, s.open) {
        (Some(m), 0) => format!("{} (n={})", span(m.round() as u64), s.n),
        (Some(m), open) => format!("{} (n={}, {open} {label})", span(m.round() as u64), s.n),
        (None, 0) => "—".to_string(),
        (None, open) => format!("none yet (n=0, {open} {label})"),
    }
}
