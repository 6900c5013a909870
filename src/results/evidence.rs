//! The events a run's assessment cites as evidence (ledger entries, ratings, outages, the MSEL),
//! kept in `results.json` so a report can show each cited event without the event log beside it.

use serde::{Deserialize, Serialize};

use crate::score::Assessment;
use crate::sim::{EventKind, EventStream};

/// One cited event: what happened, when, and to what. Absent fields did not apply to the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EvidenceEvent {
    /// Event id, as in `events.jsonl`.
    pub id: u64,
    /// Scenario time in seconds since STARTEX.
    pub time_s: u64,
    /// What happened.
    pub kind: EventKind,
    /// Nation concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nation: Option<String>,
    /// Host name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Service id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Assistance provider id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// MSEL inject id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject: Option<String>,
    /// Campaign id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Kill-chain stage id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// ATT&CK technique id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technique: Option<String>,
    /// A short qualifier (effect name, request reason, agreement …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Every event id the assessment cites, in id order, each once: ledger entries, objective
/// ratings, service outages (down and up) and MSEL deliveries.
pub fn cited_ids(a: &Assessment) -> Vec<u64> {
    let n = a.scores.ledger.iter().map(|e| e.events.len()).sum::<usize>()
        + a.ratings.iter().map(|x| x.evidence.len()).sum::<usize>()
        + a.availability.iter().map(|s| 2 * s.outages.len()).sum::<usize>()
        + a.msel.len();
    let mut ids = Vec::with_capacity(n);
    for e in &a.scores.ledger {
        ids.extend_from_slice(&e.events);
    }
    for x in &a.ratings {
        ids.extend(x.evidence.iter().copied());
    }
    for s in &a.availability {
        for &(_, _, down, up) in &s.outages {
            ids.push(down);
            ids.extend(up);
        }
    }
    ids.extend(a.msel.iter().filter_map(|m| m.event));
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The cited events of a run, in id order (which is time order).
pub fn collect(a: &Assessment, events: &EventStream) -> Vec<EvidenceEvent> {
    let ids = cited_ids(a);
    let mut out = Vec::with_capacity(ids.len());
    out.extend(ids.into_iter().filter_map(|id| events.get_brief(id)).map(EvidenceEvent::from));
    out
}

impl From<crate::sim::Event> for EvidenceEvent {
    fn from(e: crate::sim::Event) -> Self {
        EvidenceEvent {
            id: e.id,
            time_s: e.time_s,
            kind: e.kind,
            nation: e.nation,
            host: e.host,
            service: e.service,
            provider: e.provider,
            inject: e.inject,
            campaign: e.campaign,
            stage: e.stage,
            technique: e.technique,
            detail: e.detail,
        }
    }
}
