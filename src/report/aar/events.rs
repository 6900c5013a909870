//! Appendix: the event timeline, every event the report cites as evidence in time order, each
//! row the target of the evidence links (`#ev-N`) elsewhere in the document.

use super::cells::{NONE, at};
use crate::report::doc::{Block, Section, Table, Text};
use crate::results::RunResults;
use crate::results::evidence::EvidenceEvent;

/// The event timeline appendix.
pub fn appendix(r: &RunResults) -> Section {
    let mut sec = Section::new("events", "Event timeline");
    if r.evidence.is_empty() {
        sec.push(Block::Para(
            Text::plain("These results list no cited events, so the event ids in this report refer to ")
                .with(crate::report::doc::Span::Code("events.jsonl".into()))
                .then(" of the same run."),
        ));
        return sec;
    }
    sec.push(Block::Note(
        Text::plain(format!(
            "The {} events cited as evidence in this report, in time order. The run's full log is ",
            r.evidence.len()
        ))
        .with(crate::report::doc::Span::Code("events.jsonl".into()))
        .then(" (and events.csv) beside this report."),
    ));
    let mut t =
        Table::new(&["#Event", "Time", "What", "Nation", "Host, service or party", "Campaign / stage · technique"]);
    for e in &r.evidence {
        let time = match &e.nation {
            Some(n) => at(r, n, e.time_s),
            None => Text::time(e.time_s),
        };
        let what = match &e.detail {
            Some(d) => format!("{} ({d})", e.kind.as_str().replace('_', " ")),
            None => e.kind.as_str().replace('_', " "),
        };
        t.anchored(
            format!("ev-{}", e.id),
            vec![
                Text::plain(format!("#{}", e.id)),
                time,
                Text::plain(what),
                Text::plain(e.nation.as_deref().unwrap_or(NONE)),
                Text::plain(subject(e)),
                Text::plain(campaign(e)),
            ],
        );
    }
    sec.push(Block::Table(t));
    sec
}

/// What the event happened to: a host, a service, a provider or an inject.
fn subject(e: &EvidenceEvent) -> String {
    let parts: Vec<&str> =
        [&e.host, &e.service, &e.provider, &e.inject].into_iter().filter_map(|v| v.as_deref()).collect();
    if parts.is_empty() { NONE.to_string() } else { parts.join(", ") }
}

/// The campaign, its stage and the technique, as far as the event has them.
fn campaign(e: &EvidenceEvent) -> String {
    let place = match (&e.campaign, &e.stage) {
        (Some(c), Some(s)) => format!("{c} / {s}"),
        (Some(c), None) => c.clone(),
        _ => String::new(),
    };
    match (place.is_empty(), &e.technique) {
        (true, None) => NONE.to_string(),
        (true, Some(t)) => t.clone(),
        (false, Some(t)) => format!("{place} · {t}"),
        (false, None) => place,
    }
}
