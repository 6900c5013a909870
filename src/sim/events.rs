//! Owns the event log (every state change, with cause → effect ids) and the bevy `Message`s the
//! phases pass to each other within and across ticks.
//!
//! During a run, phases call [`EventLog::emit`] with integer [`Keys`]; the log stores a 32-byte
//! [`Record`] per event and no string, so logging is a push onto a `Vec` (the worst-case
//! benchmark logs about one event per host-tick). An [`Event`] is the serialisable record with
//! readable names; its field order is part of the output format. Events are rendered from
//! records and the [`Catalog`] only when an output asks for them ([`EventStream`]). Event ids are
//! sequential from 1 in emission order, which is deterministic because the phases run in a fixed
//! order and iterate in stable id order.

use std::sync::Arc;

use bevy_ecs::prelude::{Message, Resource};
use serde::{Deserialize, Serialize};

use super::clock::SimClock;
use super::fresh::Fresh;
use super::ids::{NONE, narrow};
use super::state::Catalog;
use crate::scenario::model::TriggerEvent;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// A team isolated a host (`actions.rs`): contained and off the network until restored.
    HostIsolated,
    /// A team cut a segment link (detail: the segment at the other end).
    LinkBlocked,
    /// A team reconnected a segment link it had cut (detail: the other end).
    LinkReconnected,
    /// A service lost a dependency it reaches across a cut link (`actions.rs`).
    ServiceSevered,
    /// A team started a hunt (value: hosts in scope).
    HuntStarted,
    /// A hunt finished (value: hosts found).
    HuntCompleted,
    /// A team started restoring or rebuilding a host (detail: `backup` or `rebuild`).
    RestoreStarted,
    /// A host was restored by a team's restore action (detail: the mode).
    HostRestored,
    /// A team took one of its services offline, or brought it back (detail: `offline`/`online`).
    ServiceSwitched,
    /// A team reordered its incident queue (detail: the rule).
    QueueReordered,
    /// A team sent a situation report to EXCON.
    SituationReported,
    /// A team answered an inject (detail: `acknowledged`, `choice` or `text`).
    InjectAnswered,
    /// EXCON acted (detail: what: `fire_inject`, `disable_inject`, `add_inject`, `set_capacity`,
    /// `end_exercise`).
    ExconAction,
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
            EventKind::HostIsolated => "host_isolated",
            EventKind::LinkBlocked => "link_blocked",
            EventKind::LinkReconnected => "link_reconnected",
            EventKind::ServiceSevered => "service_severed",
            EventKind::HuntStarted => "hunt_started",
            EventKind::HuntCompleted => "hunt_completed",
            EventKind::RestoreStarted => "restore_started",
            EventKind::HostRestored => "host_restored",
            EventKind::ServiceSwitched => "service_switched",
            EventKind::QueueReordered => "queue_reordered",
            EventKind::SituationReported => "situation_reported",
            EventKind::InjectAnswered => "inject_answered",
            EventKind::ExconAction => "excon_action",
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

/// An [`Event`] borrowed from its run's log and names rather than owned: the same fields, which
/// serialize the same. The event writers stream these, so a run's event files cost no
/// allocation per event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)] // the fields are `Event`'s
pub struct EventRef<'a> {
    pub id: u64,
    pub tick: u64,
    pub time_s: u64,
    pub kind: EventKind,
    pub nation: Option<&'a str>,
    pub team: Option<&'a str>,
    pub segment: Option<&'a str>,
    pub host: Option<&'a str>,
    pub campaign: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub technique: Option<&'a str>,
    pub service: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub inject: Option<&'a str>,
    pub incident: Option<u64>,
    pub cause: Option<u64>,
    pub value: Option<f64>,
    pub detail: Option<&'a str>,
}

impl EventRef<'_> {
    /// The owned event.
    pub fn to_event(&self) -> Event {
        let own = |s: Option<&str>| s.map(str::to_string);
        Event {
            id: self.id,
            tick: self.tick,
            time_s: self.time_s,
            kind: self.kind,
            nation: own(self.nation),
            team: own(self.team),
            segment: own(self.segment),
            host: own(self.host),
            campaign: own(self.campaign),
            stage: own(self.stage),
            technique: own(self.technique),
            service: own(self.service),
            provider: own(self.provider),
            inject: own(self.inject),
            incident: self.incident,
            cause: self.cause,
            value: self.value,
            detail: own(self.detail),
        }
    }
}

impl Event {
    /// This event, borrowed.
    pub fn borrowed(&self) -> EventRef<'_> {
        EventRef {
            id: self.id,
            tick: self.tick,
            time_s: self.time_s,
            kind: self.kind,
            nation: self.nation.as_deref(),
            team: self.team.as_deref(),
            segment: self.segment.as_deref(),
            host: self.host.as_deref(),
            campaign: self.campaign.as_deref(),
            stage: self.stage.as_deref(),
            technique: self.technique.as_deref(),
            service: self.service.as_deref(),
            provider: self.provider.as_deref(),
            inject: self.inject.as_deref(),
            incident: self.incident,
            cause: self.cause,
            value: self.value,
            detail: self.detail.as_deref(),
        }
    }
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
    /// Segment index, for an event about a segment rather than a host.
    pub segment: Option<u32>,
    /// The segment at the other end of a link (its id becomes the event's `detail`).
    pub peer: Option<u32>,
}

/// The rarely used keys of an event, kept out of line so a [`Record`] stays small.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extra {
    service: u32,
    provider: u32,
    inject: u32,
    agreement: u32,
    segment: u32,
    peer: u32,
    value: Option<f64>,
}

/// One event as the engine records it: integer keys only, 32 bytes (half a cache line: a worm
/// run writes a million of them), no allocation. Absent indices are [`NONE`]; absent ids (which
/// start at 1) are 0. Names are rendered only when an [`Event`] is asked for ([`EventStream`]),
/// so logging costs the same whatever the scenario's ids look like.
///
/// Ticks, event ids and incident ids are kept in 32 bits: a validated exercise has at most
/// `validate::MAX_TICKS` ticks, and 2³² events would take 128 GiB of records. Stage indices fit
/// 16 bits, as in the host records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    /// Tick in which it happened.
    tick: u32,
    /// Cause event id, or 0.
    cause: u32,
    /// Incident id, or 0.
    incident: u32,
    /// Nation index (resolved from the host when the phase gave none), or [`NONE`].
    nation: u32,
    /// Host slot, or [`NONE`].
    host: u32,
    /// Campaign index, or [`NONE`].
    campaign: u32,
    /// Index into the log's out-of-line keys, or [`NONE`].
    extra: u32,
    /// Stage index, or [`NONE16`].
    stage: u16,
    /// What happened.
    pub kind: EventKind,
    /// Index + 1 into the log's detail strings (0 = none), and [`ENTRY`] if the technique is the
    /// campaign's entry technique.
    detail: u8,
}

/// A stage index absent from a [`Record`].
const NONE16: u16 = u16::MAX;
/// The bit of [`Record::detail`] that marks the entry technique.
const ENTRY: u8 = 0x80;

fn opt(v: u32) -> Option<u32> {
    (v != NONE).then_some(v)
}

impl Record {
    /// Tick in which it happened.
    pub fn tick(&self) -> u64 {
        u64::from(self.tick)
    }

    /// Cause event id, or 0.
    pub fn cause(&self) -> u64 {
        u64::from(self.cause)
    }

    /// Incident id, or 0.
    pub fn incident(&self) -> u64 {
        u64::from(self.incident)
    }

    /// Whether the technique is the campaign's entry technique.
    pub fn entry(&self) -> bool {
        self.detail & ENTRY != 0
    }

    /// Nation index, if any.
    pub fn nation(&self) -> Option<u32> {
        opt(self.nation)
    }

    /// Host slot, if any.
    pub fn host(&self) -> Option<u32> {
        opt(self.host)
    }

    /// Campaign index, if any.
    pub fn campaign(&self) -> Option<u32> {
        opt(self.campaign)
    }

    /// Whether the event has out-of-line keys (service, provider, inject, agreement, value).
    pub fn has_extra(&self) -> bool {
        self.extra != NONE
    }

    /// Stage index, if any.
    pub fn stage(&self) -> Option<u32> {
        (self.stage != NONE16).then_some(u32::from(self.stage))
    }
}

fn id(v: u64) -> Option<u64> {
    (v != 0).then_some(v)
}

/// Records per chunk of the event log (2 MiB). The crate's unit tests use 1,024-record chunks, so
/// that their runs fill chunks and hand them to the summary's folding thread (`summary.rs`), and
/// the digests they hold check that path.
#[cfg(not(test))]
const CHUNK_BITS: u32 = 16;
#[cfg(test)]
const CHUNK_BITS: u32 = 10;
const CHUNK: usize = 1 << CHUNK_BITS;

/// Record `index` (0-based) of the log is record `.1` of its chunk `.0` (every chunk before the
/// open one holds [`CHUNK`] records).
#[inline]
pub(crate) const fn chunk_place(index: usize) -> (usize, usize) {
    (index >> CHUNK_BITS, index & (CHUNK - 1))
}

/// The run's event log: compact [`Record`]s in id order (id = index + 1).
///
/// Kept in chunks of [`CHUNK`] records, each allocated once at full size (the first grows from
/// empty, so a small run stays small): a long run's log never moves, where one growing `Vec`
/// copies everything written so far at each doubling and faults in twice the pages. From the
/// second chunk on, a helper thread makes the next one ahead with its pages already faulted in
/// (`fresh.rs`): on this project's VMs the kernel's first touch of a page costs 1.5–9 µs, up to
/// 40 % of a million-host run's ticks when the simulation thread pays it. A full chunk is never
/// written again and is shared ([`EventLog::full_chunk`]), so another thread can read it while
/// the run goes on.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct EventLog {
    /// Full chunks, read-only.
    full: Vec<Arc<Vec<Record>>>,
    /// The chunk being written.
    open: Vec<Record>,
    /// For each full chunk and the open one, the index of the first out-of-line keys its
    /// records use (keys are pushed in record order, so a chunk's are one range).
    extras_from: Vec<u32>,
    len: usize,
    extras: Vec<Extra>,
    details: Vec<&'static str>,
    /// Full-size chunks after the first, made ahead with their pages faulted in.
    fresh: Fresh<Record>,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog {
            full: Vec::new(),
            open: Vec::new(),
            extras_from: vec![0],
            len: 0,
            extras: Vec::new(),
            details: Vec::new(),
            fresh: Fresh::new(CHUNK),
        }
    }
}

/// A full chunk of the log, shared, with what reading its records needs beside them.
#[derive(Debug)]
pub struct FullChunk {
    /// Index (0-based) of its first record.
    pub first: usize,
    /// Its records.
    pub records: Arc<Vec<Record>>,
    extras: Vec<Extra>,
    extras_from: u32,
    details: Vec<&'static str>,
}

impl FullChunk {
    /// Reads the out-of-line keys and detail names of this chunk's records.
    pub fn lookup(&self) -> Lookup<'_> {
        Lookup { extras: &self.extras, extras_from: self.extras_from, details: &self.details }
    }
}

/// What reading a record's value and detail name takes beside the record: the out-of-line keys
/// (from index `extras_from` on) and the detail names.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<'a> {
    extras: &'a [Extra],
    extras_from: u32,
    details: &'a [&'static str],
}

impl<'a> Lookup<'a> {
    fn extra(&self, r: &Record) -> Option<&'a Extra> {
        opt(r.extra).and_then(|x| self.extras.get(x.wrapping_sub(self.extras_from) as usize))
    }

    /// The event's numeric value.
    pub fn value(&self, r: &Record) -> Option<f64> {
        self.extra(r).and_then(|x| x.value)
    }

    /// The code of the event's static qualifier (0 = none).
    pub fn detail_code(&self, r: &Record) -> u8 {
        r.detail & !ENTRY
    }

    /// The event's static qualifier (not the agreement id).
    pub fn detail(&self, r: &Record) -> Option<&'static str> {
        self.detail_of_code(self.detail_code(r))
    }

    /// The static qualifier of a detail code.
    pub fn detail_of_code(&self, code: u8) -> Option<&'static str> {
        (code > 0).then(|| self.details.get(code as usize - 1).copied()).flatten()
    }
}

impl EventLog {
    /// Records an event in the current tick and returns its id.
    pub fn emit(&mut self, cat: &Catalog, clock: &SimClock, kind: EventKind, k: Keys) -> u64 {
        let id = self.len as u64 + 1;
        let host = k.host.unwrap_or(NONE);
        let nation = match k.nation {
            Some(n) => n,
            None if host != NONE => cat.nation_of(host),
            None => NONE,
        };
        let extra = if k.service.is_some()
            || k.provider.is_some()
            || k.inject.is_some()
            || k.agreement.is_some()
            || k.segment.is_some()
            || k.peer.is_some()
            || k.value.is_some()
        {
            self.extras.push(Extra {
                service: k.service.unwrap_or(NONE),
                provider: k.provider.unwrap_or(NONE),
                inject: k.inject.unwrap_or(NONE),
                agreement: k.agreement.unwrap_or(NONE),
                segment: k.segment.unwrap_or(NONE),
                peer: k.peer.unwrap_or(NONE),
                value: k.value,
            });
            self.extras.len() as u32 - 1
        } else {
            NONE
        };
        let detail = match k.detail {
            None => 0,
            Some(d) => match self.details.iter().position(|&x| x == d) {
                Some(i) => i as u8 + 1,
                None => {
                    // The engine's qualifiers are a dozen static words, far below `ENTRY`.
                    debug_assert!(self.details.len() < usize::from(ENTRY) - 1);
                    self.details.push(d);
                    self.details.len() as u8
                }
            },
        };
        self.push(Record {
            tick: narrow(clock.tick),
            cause: narrow(k.cause.unwrap_or(0)),
            incident: narrow(k.incident.unwrap_or(0)),
            nation,
            host,
            campaign: k.campaign.unwrap_or(NONE),
            stage: k.stage.map_or(NONE16, |s| u16::try_from(s).unwrap_or(NONE16 - 1)),
            extra,
            kind,
            detail: if k.entry { detail | ENTRY } else { detail },
        });
        id
    }

    fn push(&mut self, r: Record) {
        if self.open.len() == CHUNK {
            let next = self.fresh.take();
            self.full.push(Arc::new(std::mem::replace(&mut self.open, next)));
            self.extras_from.push(if r.extra == NONE { narrow(self.extras.len() as u64) } else { r.extra });
        }
        self.open.push(r);
        self.len += 1;
    }

    /// Number of full chunks (never written again).
    pub fn full_chunks(&self) -> usize {
        self.full.len()
    }

    /// Full chunk `k`, shared, with a copy of the out-of-line keys and detail names its records
    /// use (a few per chunk: most events have none).
    pub fn full_chunk(&self, k: usize) -> Option<FullChunk> {
        let records = Arc::clone(self.full.get(k)?);
        let (from, to) = (self.extras_from[k], self.extras_from[k + 1]);
        Some(FullChunk {
            first: k << CHUNK_BITS,
            records,
            extras: self.extras[from as usize..to as usize].to_vec(),
            extras_from: from,
            details: self.details.clone(),
        })
    }

    /// The chunks from the `k`-th on (the open one last), each with the index of its first record.
    pub fn chunks_from(&self, k: usize) -> impl Iterator<Item = (usize, &[Record])> + '_ {
        let full = self.full.iter().map(|c| c.as_slice());
        full.chain(std::iter::once(self.open.as_slice())).enumerate().skip(k).map(|(i, c)| (i << CHUNK_BITS, c))
    }

    /// Reads any record's out-of-line keys and detail name.
    pub fn lookup(&self) -> Lookup<'_> {
        Lookup { extras: &self.extras, extras_from: 0, details: &self.details }
    }

    /// Stops making chunks ahead: the run is over and nothing more will be written (the helper
    /// thread, if one started, ends and frees the chunk it held ready).
    pub fn seal(&mut self) {
        self.fresh = Fresh::new(CHUNK);
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No event yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every record, in id order.
    pub fn records(&self) -> impl Iterator<Item = &Record> + '_ {
        self.chunks_from(0).flat_map(|(_, c)| c)
    }

    /// The records from `index` (0-based) on, in id order.
    pub fn records_from(&self, index: usize) -> impl Iterator<Item = &Record> + '_ {
        let within = index & (CHUNK - 1);
        self.chunks_from(index >> CHUNK_BITS)
            .enumerate()
            .flat_map(move |(k, (_, c))| &c[if k == 0 { within.min(c.len()) } else { 0 }..])
    }

    /// The chunk holding record `index` (0-based), and the record's place in it.
    fn chunk_of(&self, index: usize) -> Option<(&[Record], usize)> {
        let (k, within) = chunk_place(index);
        let chunk = match self.full.get(k) {
            Some(c) => c.as_slice(),
            None if k == self.full.len() => &self.open,
            None => return None,
        };
        Some((chunk, within))
    }

    /// The record at `index` (0-based: event id − 1).
    #[inline]
    pub fn at(&self, index: usize) -> Option<&Record> {
        self.chunk_of(index).and_then(|(c, i)| c.get(i))
    }

    /// The record of event `id` (ids start at 1).
    pub fn get(&self, id: u64) -> Option<&Record> {
        self.at((id as usize).wrapping_sub(1))
    }

    /// The event's numeric value.
    pub fn value(&self, r: &Record) -> Option<f64> {
        self.lookup().value(r)
    }

    /// The event's static qualifier (not the agreement id).
    pub fn detail(&self, r: &Record) -> Option<&'static str> {
        self.lookup().detail(r)
    }

    /// The code of the event's static qualifier (0 = none): one byte, for records that keep it
    /// for later; [`EventLog::detail_of_code`] gives the name back.
    pub fn detail_code(&self, r: &Record) -> u8 {
        self.lookup().detail_code(r)
    }

    /// The static qualifier of a [`EventLog::detail_code`].
    pub fn detail_of_code(&self, code: u8) -> Option<&'static str> {
        self.lookup().detail_of_code(code)
    }

    fn extra(&self, r: &Record) -> Option<&Extra> {
        self.lookup().extra(r)
    }

    /// The event's service index, if any.
    pub fn service(&self, r: &Record) -> Option<u32> {
        self.extra(r).and_then(|x| opt(x.service))
    }

    /// The event's provider index, if any.
    pub fn provider(&self, r: &Record) -> Option<u32> {
        self.extra(r).and_then(|x| opt(x.provider))
    }

    /// The event's inject index, if any.
    pub fn inject(&self, r: &Record) -> Option<u32> {
        self.extra(r).and_then(|x| opt(x.inject))
    }

    /// The event's sharing agreement index, if any.
    pub fn agreement(&self, r: &Record) -> Option<u32> {
        self.extra(r).and_then(|x| opt(x.agreement))
    }

    /// The event's segment index (an event about a segment, not a host), if any.
    pub fn segment(&self, r: &Record) -> Option<u32> {
        self.extra(r).and_then(|x| opt(x.segment))
    }

    /// The segment at the other end of a link event, if any.
    pub fn peer(&self, r: &Record) -> Option<u32> {
        self.extra(r).and_then(|x| opt(x.peer))
    }

    /// Renders event `index` (0-based) with readable names; without its segment and team (left
    /// `None`) unless `full`.
    fn render(&self, cat: &Catalog, tick_secs: u64, index: usize, full: bool) -> Event {
        let mut host = String::new();
        self.render_ref(cat, tick_secs, index, full, &mut host).to_event()
    }

    /// Event `index` borrowed from this log and `cat`, its host's name written into `host` (empty
    /// on entry); with `full`, the segment and team too.
    fn render_ref<'a>(
        &'a self,
        cat: &'a Catalog,
        tick_secs: u64,
        index: usize,
        full: bool,
        host: &'a mut String,
    ) -> EventRef<'a> {
        let Some(r) = self.at(index) else {
            unreachable!("event index {index} rendered past the log's {} events", self.len);
        };
        let extra = self.extra(r);
        let xs = |f: fn(&Extra) -> u32| extra.map(f).and_then(opt);
        let segment_id = |s: u32| cat.segments.get(s as usize).map(|s| s.id.as_str());
        let (segment, host) = match r.host() {
            Some(h) => {
                let gk = cat.group_of(h);
                cat.push_host_name_in(gk, h, host);
                let host: &'a String = host;
                (segment_id(cat.groups[gk as usize].segment).filter(|_| full), Some(host.as_str()))
            }
            None => (xs(|x| x.segment).filter(|_| full).and_then(segment_id), None),
        };
        let nation = r.nation().and_then(|n| cat.nations.get(n as usize));
        let camp = r.campaign().and_then(|c| cat.campaigns.get(c as usize));
        let stage = camp.zip(r.stage()).and_then(|(c, s)| c.stages.get(s as usize));
        let technique = match (stage, camp) {
            (Some(s), _) => Some(s.technique.as_str()),
            (None, Some(c)) if r.entry() => Some(c.entry_technique.as_str()),
            _ => None,
        };
        let name = |names: &'a [String], i: Option<u32>| i.and_then(|i| names.get(i as usize)).map(String::as_str);
        EventRef {
            id: index as u64 + 1,
            tick: r.tick(),
            time_s: r.tick() * tick_secs,
            kind: r.kind,
            nation: nation.map(|n| n.id.as_str()),
            team: nation.filter(|_| full).map(|n| n.team_id.as_str()),
            segment,
            host,
            campaign: camp.map(|c| c.id.as_str()),
            stage: stage.map(|s| s.id.as_str()),
            technique,
            service: name(&cat.services, xs(|x| x.service)),
            provider: name(&cat.providers, xs(|x| x.provider)),
            inject: name(&cat.injects, xs(|x| x.inject)),
            incident: id(r.incident()),
            cause: id(r.cause()),
            value: extra.and_then(|x| x.value),
            detail: self
                .detail(r)
                .or_else(|| name(&cat.agreements, xs(|x| x.agreement)))
                .or_else(|| xs(|x| x.peer).and_then(segment_id)),
        }
    }
}

/// A finished run's event log with the names to render it: what [`super::RunOutcome`] carries.
/// Events are rendered on demand, so a run that nobody reads the log of never pays for its
/// strings: into owned [`Event`]s (`iter`, `to_vec`), or borrowed one at a time
/// (`try_for_each`), as the event files are written.
#[derive(Debug, Clone)]
pub struct EventStream {
    log: EventLog,
    catalog: Arc<Catalog>,
    tick_secs: u64,
}

impl EventStream {
    /// The log of a run, with its catalog and tick length.
    pub fn new(log: EventLog, catalog: Arc<Catalog>, tick_secs: u64) -> Self {
        EventStream { log, catalog, tick_secs }
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// No events.
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }

    /// The compact log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The names the log's integer keys stand for.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Seconds per tick (an event's time is its tick × this).
    pub fn tick_secs(&self) -> u64 {
        self.tick_secs
    }

    /// Event `id` (from 1), rendered.
    pub fn get(&self, id: u64) -> Option<Event> {
        let i = (id as usize).checked_sub(1).filter(|&i| i < self.log.len())?;
        Some(self.log.render(&self.catalog, self.tick_secs, i, true))
    }

    /// Event `id` (from 1), rendered without its segment and team (both `None`): what the cited
    /// evidence keeps, two strings fewer to build.
    pub fn get_brief(&self, id: u64) -> Option<Event> {
        let i = (id as usize).checked_sub(1).filter(|&i| i < self.log.len())?;
        Some(self.log.render(&self.catalog, self.tick_secs, i, false))
    }

    /// Every event in id order, rendered one at a time.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Event> + '_ {
        (0..self.log.len()).map(|i| self.log.render(&self.catalog, self.tick_secs, i, true))
    }

    /// Every event, rendered.
    pub fn to_vec(&self) -> Vec<Event> {
        self.iter().collect()
    }

    /// Calls `f` on every event in id order, borrowed (one name buffer for the whole log, no
    /// allocation per event), stopping at its first error.
    pub fn try_for_each<E>(&self, mut f: impl FnMut(&EventRef<'_>) -> Result<(), E>) -> Result<(), E> {
        let mut host = String::new();
        for i in 0..self.log.len() {
            host.clear();
            f(&self.log.render_ref(&self.catalog, self.tick_secs, i, true, &mut host))?;
        }
        Ok(())
    }
}

impl PartialEq for EventStream {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Serialize for EventStream {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
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
    /// The host's group.
    pub group: u32,
    /// Campaign on the host.
    pub campaign: u32,
    /// Nation of the host.
    pub nation: u32,
    /// The detection event id.
    pub event: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testkit::*;
    use crate::testkit::*;

    /// A world of one nation with one three-host segment.
    fn three_hosts() -> bevy_ecs::world::World {
        world(&tiny(&[("SEG-A", "GA", 3, 0.0)]))
    }

    /// Runs `f` with the world's event log, catalog and clock.
    fn emitting(w: &mut bevy_ecs::world::World, f: impl FnOnce(&mut EventLog, &Catalog, &SimClock)) {
        w.resource_scope(|w, mut log: bevy_ecs::prelude::Mut<EventLog>| {
            f(&mut log, w.resource::<Catalog>(), w.resource::<SimClock>());
        });
    }

    /// Emits `n` events, the `i`-th with `keys(i)`, and returns their ids.
    fn fill(log: &mut EventLog, cat: &Catalog, clock: &SimClock, n: usize, keys: impl Fn(usize) -> Keys) -> Vec<u64> {
        (0..n).map(|i| log.emit(cat, clock, EventKind::DataLost, keys(i))).collect()
    }

    #[test]
    fn a_record_stays_small() {
        assert_eq!(std::mem::size_of::<Record>(), 32);
    }

    #[test]
    fn the_log_reads_the_same_across_chunk_boundaries() {
        let mut w = three_hosts();
        emitting(&mut w, |log, cat, clock| {
            let n = 2 * CHUNK + 5;
            let ids = fill(log, cat, clock, n, |i| Keys { cause: Some(i as u64), ..Keys::default() });
            assert!(ids.into_iter().eq(1..=n as u64), "ids count from 1");
            assert_eq!((log.len(), log.full_chunks(), log.open.len()), (n, 2, 5));
            assert!(log.full.iter().all(|c| c.capacity() == CHUNK), "chunks never grow past their size");
            assert!(log.records().enumerate().all(|(i, r)| r.cause() == i as u64));
            for start in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1, n, n + 7] {
                let from: Vec<u64> = log.records_from(start).map(Record::cause).collect();
                assert_eq!(from, (start.min(n) as u64..n as u64).collect::<Vec<_>>(), "from {start}");
                assert_eq!(log.at(start).map(Record::cause), (start < n).then_some(start as u64));
            }
            assert_eq!(log.get(0), None, "ids start at 1");
        });
    }

    #[test]
    fn a_full_chunk_reads_its_values_and_details_as_the_log_does() {
        let mut w = three_hosts();
        emitting(&mut w, |log, cat, clock| {
            // Out-of-line keys on every 7th event (one on a chunk's first record), details on
            // every 5th.
            let n = 3 * CHUNK + 11;
            fill(log, cat, clock, n, |i| Keys {
                value: (i % 7 == 0 || i == CHUNK).then_some(i as f64),
                detail: (i % 5 == 0).then_some(if i % 2 == 0 { "wipe" } else { "encrypt" }),
                ..Keys::default()
            });
            assert_eq!(log.full_chunks(), 3);
            assert!(log.full_chunk(3).is_none(), "the open chunk is not shared");
            for k in 0..3 {
                let chunk = log.full_chunk(k).unwrap();
                assert_eq!(chunk.first, k * CHUNK);
                let look = chunk.lookup();
                for (i, r) in (chunk.first..).zip(chunk.records.iter()) {
                    assert_eq!(look.value(r), log.value(r), "value of record {i}");
                    assert_eq!(look.value(r).is_some(), i % 7 == 0 || i == CHUNK);
                    assert_eq!(look.detail(r), log.detail(r), "detail of record {i}");
                }
            }
            let from: Vec<usize> = log.chunks_from(1).map(|(first, c)| first + c.len()).collect();
            assert_eq!(from, vec![2 * CHUNK, 3 * CHUNK, n], "chunks from the second, the open one last");
        });
    }

    #[test]
    fn the_entry_bit_and_the_detail_share_a_byte() {
        let mut w = three_hosts();
        emitting(&mut w, |log, cat, clock| {
            for (entry, detail) in [(true, Some("wipe")), (false, Some("encrypt")), (true, None), (false, None)] {
                let id = log.emit(
                    cat,
                    clock,
                    EventKind::HostDown,
                    Keys { host: Some(1), stage: Some(7), entry, detail, ..Keys::default() },
                );
                let r = *log.get(id).unwrap();
                assert_eq!((r.entry(), log.detail(&r), r.stage()), (entry, detail, Some(7)));
            }
            let r = *log.get(1).unwrap();
            assert_eq!((r.cause(), r.incident(), r.campaign()), (0, 0, None));
        });
    }

    #[test]
    fn records_render_back_to_named_events() {
        let mut w = three_hosts();
        at_tick(&mut w, 2);
        emitting(&mut w, |log, cat, clock| {
            let a = log.emit(
                cat,
                clock,
                EventKind::HostDown,
                Keys { host: Some(2), detail: Some("wipe"), ..Keys::default() },
            );
            let b = log.emit(
                cat,
                clock,
                EventKind::DataLost,
                Keys { host: Some(2), cause: Some(a), value: Some(12.5), detail: Some("wipe"), ..Keys::default() },
            );
            assert_eq!((a, b), (1, 2));
            assert_eq!(log.details, vec!["wipe"], "one interned detail");
            assert_eq!(log.extras.len(), 1, "only the event with a value has out-of-line keys");
        });
        let ev = rendered(&w);
        assert_eq!(ev[1].host.as_deref(), Some("GA-0003"));
        assert_eq!(ev[1].segment.as_deref(), Some("SEG-A"));
        assert_eq!(ev[1].nation.as_deref(), Some("EST"));
        assert_eq!((ev[1].tick, ev[1].time_s, ev[1].cause, ev[1].value), (2, 120, Some(1), Some(12.5)));
        assert_eq!(ev[0].detail.as_deref(), Some("wipe"));
        assert_eq!((ev[0].incident, ev[0].value, ev[0].campaign.as_deref()), (None, None, None));
    }
}
