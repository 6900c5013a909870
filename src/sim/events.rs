//! Owns the event log (every state change, with cause → effect ids) and the bevy `Message`s the
//! phases pass to each other within and across ticks.
//!
//! An [`Event`] is the serialisable record; its field order is part of the output format. Phases
//! call [`EventLog::emit`] with compact integer [`Keys`]; the log turns them into readable names
//! through the [`Catalog`] and keeps the keys alongside so the Log phase can fold counters without
//! string lookups. Event ids are sequential from 1 in emission order, which is deterministic
//! because the phases run in a fixed order and iterate in stable id order.

use bevy_ecs::prelude::{Message, Resource};
use serde::{Deserialize, Serialize};

use super::clock::SimClock;
use super::state::Catalog;
use crate::scenario::model::TriggerEvent;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An MSEL inject was delivered.
    InjectDelivered,
    /// An inject effect was applied (one event per effect).
    InjectEffectApplied,
    /// An inject effect could not be applied (unknown id); recorded, not fatal.
    InjectEffectIgnored,
    /// A national team's analysts changed.
    TeamCapacityChanged,
    /// A campaign started.
    CampaignStarted,
    /// A host was compromised (entry or lateral movement).
    HostCompromised,
    /// A host completed a kill-chain stage.
    StageCompleted,
    /// A non-target host skipped an impact stage.
    StageSkipped,
    /// A host finished the kill chain.
    ChainCompleted,
    /// An impact effect was applied to a host.
    ImpactApplied,
    /// A host went down.
    HostDown,
    /// A service went down.
    ServiceDown,
    /// A service came back up.
    ServiceUp,
    /// A compromised host was detected.
    HostDetected,
    /// An incident was opened on the national team.
    IncidentOpened,
    /// An analyst took the incident (acknowledged).
    IncidentAcknowledged,
    /// Triage finished.
    TriageCompleted,
    /// The host was contained: the campaign cannot progress or spread from it any more.
    HostContained,
    /// The campaign was eradicated from the host.
    HostEradicated,
    /// The host was restored: up and clean. Closes the incident.
    HostRecovered,
    /// Data was lost (exfiltration, or wipe restored from backup).
    DataLost,
    /// A nation requested assistance.
    AssistanceRequested,
    /// A request could not be placed (no eligible provider / no free slot).
    AssistanceUnavailable,
    /// The request was approved.
    AssistanceApproved,
    /// The assistance team is on task.
    AssistanceOnTask,
    /// The assistance team left.
    AssistanceOffTask,
    /// Indicators were sent to a partner under an agreement.
    IndicatorsShared,
    /// A nation received indicators (from a partner or an inject).
    IndicatorsReceived,
}

impl EventKind {
    /// The snake_case name used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::InjectDelivered => "inject_delivered",
            EventKind::InjectEffectApplied => "inject_effect_applied",
            EventKind::InjectEffectIgnored => "inject_effect_ignored",
            EventKind::TeamCapacityChanged => "team_capacity_changed",
            EventKind::CampaignStarted => "campaign_started",
            EventKind::HostCompromised => "host_compromised",
            EventKind::StageCompleted => "stage_completed",
            EventKind::StageSkipped => "stage_skipped",
            EventKind::ChainCompleted => "chain_completed",
            EventKind::ImpactApplied => "impact_applied",
            EventKind::HostDown => "host_down",
            EventKind::ServiceDown => "service_down",
            EventKind::ServiceUp => "service_up",
            EventKind::HostDetected => "host_detected",
            EventKind::IncidentOpened => "incident_opened",
            EventKind::IncidentAcknowledged => "incident_acknowledged",
            EventKind::TriageCompleted => "triage_completed",
            EventKind::HostContained => "host_contained",
            EventKind::HostEradicated => "host_eradicated",
            EventKind::HostRecovered => "host_recovered",
            EventKind::DataLost => "data_lost",
            EventKind::AssistanceRequested => "assistance_requested",
            EventKind::AssistanceUnavailable => "assistance_unavailable",
            EventKind::AssistanceApproved => "assistance_approved",
            EventKind::AssistanceOnTask => "assistance_on_task",
            EventKind::AssistanceOffTask => "assistance_off_task",
            EventKind::IndicatorsShared => "indicators_shared",
            EventKind::IndicatorsReceived => "indicators_received",
        }
    }
}

/// One state change. Field order is stable and is the column order of the CSV export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Sequential id, from 1.
    pub id: u64,
    /// Tick in which it happened.
    pub tick: u64,
    /// Scenario time in seconds since STARTEX (`tick × tick length`).
    pub time_s: u64,
    /// What happened.
    pub kind: EventKind,
    /// Nation concerned.
    pub nation: Option<String>,
    /// National team concerned.
    pub team: Option<String>,
    /// Segment of the host concerned.
    pub segment: Option<String>,
    /// Host name, e.g. `EST-GOV-WS-0012`.
    pub host: Option<String>,
    /// Campaign id.
    pub campaign: Option<String>,
    /// Kill-chain stage id.
    pub stage: Option<String>,
    /// ATT&CK technique id.
    pub technique: Option<String>,
    /// Service id.
    pub service: Option<String>,
    /// Assistance provider id.
    pub provider: Option<String>,
    /// MSEL inject id.
    pub inject: Option<String>,
    /// Incident id.
    pub incident: Option<u64>,
    /// The event that caused this one.
    pub cause: Option<u64>,
    /// A number whose meaning depends on the kind (MB lost, analysts delta, receiving nation …).
    pub value: Option<f64>,
    /// A short qualifier (effect name, request reason …).
    pub detail: Option<String>,
}

/// Compact integer keys of an event, as the phases know them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keys {
    /// Nation index (filled from the host when absent).
    pub nation: Option<u32>,
    /// Host slot.
    pub host: Option<u32>,
    /// Campaign index.
    pub campaign: Option<u32>,
    /// Stage index within the campaign.
    pub stage: Option<u32>,
    /// The technique is the campaign's entry technique.
    pub entry: bool,
    /// Service index.
    pub service: Option<u32>,
    /// Provider index.
    pub provider: Option<u32>,
    /// Inject index.
    pub inject: Option<u32>,
    /// Incident id.
    pub incident: Option<u64>,
    /// Cause event id.
    pub cause: Option<u64>,
    /// Numeric value.
    pub value: Option<f64>,
    /// Static qualifier.
    pub detail: Option<&'static str>,
    /// Sharing agreement index (its id becomes the event's `detail`).
    pub agreement: Option<u32>,
}

/// The run's event log.
#[derive(Resource, Debug, Default)]
pub struct EventLog {
    /// Every event, in id order.
    pub events: Vec<Event>,
    /// The integer keys of each event (same index), with the nation resolved.
    pub keys: Vec<(EventKind, Keys)>,
}

impl EventLog {
    /// Records an event in the current tick and returns its id.
    pub fn emit(&mut self, cat: &Catalog, clock: &SimClock, kind: EventKind, mut k: Keys) -> u64 {
        let id = self.events.len() as u64 + 1;
        let mut segment = None;
        let mut host = None;
        if let Some(h) = k.host {
            let g = cat.group_of(h);
            let group = &cat.groups[g as usize];
            k.nation.get_or_insert(group.nation);
            segment = Some(cat.segments[group.segment as usize].id.clone());
            host = Some(cat.host_name(h));
        }
        let (nation, team) = match k.nation.and_then(|n| cat.nations.get(n as usize)) {
            Some(n) => (Some(n.id.clone()), Some(n.team_id.clone())),
            None => (None, None),
        };
        let camp = k.campaign.and_then(|c| cat.campaigns.get(c as usize));
        let stage = camp.zip(k.stage).and_then(|(c, s)| c.stages.get(s as usize));
        let technique = match (stage, camp) {
            (Some(s), _) => Some(s.technique.clone()),
            (None, Some(c)) if k.entry => Some(c.entry_technique.clone()),
            _ => None,
        };
        self.events.push(Event {
            id,
            tick: clock.tick,
            time_s: clock.now_s(),
            kind,
            nation,
            team,
            segment,
            host,
            campaign: camp.map(|c| c.id.clone()),
            stage: stage.map(|s| s.id.clone()),
            technique,
            service: k.service.and_then(|s| cat.services.get(s as usize)).cloned(),
            provider: k.provider.and_then(|p| cat.providers.get(p as usize)).cloned(),
            inject: k.inject.and_then(|i| cat.injects.get(i as usize)).cloned(),
            incident: k.incident,
            cause: k.cause,
            value: k.value,
            detail: k
                .detail
                .map(str::to_string)
                .or_else(|| k.agreement.and_then(|a| cat.agreements.get(a as usize)).cloned()),
        });
        self.keys.push((kind, k));
        id
    }
}

/// An exercise event that may fire a triggered inject. Written by any phase; read by the Injects
/// phase of the next tick.
#[derive(Message, Debug, Clone, Copy)]
pub struct TriggerSeen {
    /// What happened.
    pub on: TriggerEvent,
    /// Campaign concerned, if any.
    pub campaign: Option<u32>,
    /// Nation concerned, if any.
    pub nation: Option<u32>,
    /// Inject delivered (`inject_delivered`).
    pub inject: Option<u32>,
    /// Tick of the event.
    pub tick: u64,
    /// The event's id (becomes the inject's cause).
    pub event: u64,
}

/// A host was detected. Written by Detection; read by Assistance (severity policy) and Sharing
/// (indicators) in the same tick.
#[derive(Message, Debug, Clone, Copy)]
pub struct Detected {
    /// Host slot.
    pub host: u32,
    /// Campaign on the host.
    pub campaign: u32,
    /// Nation of the host.
    pub nation: u32,
    /// The detection event id.
    pub event: u64,
}
