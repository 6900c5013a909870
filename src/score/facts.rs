//! The event log as the assessment reads it: every event with integer keys (nation, host,
//! campaign, stage, technique, service, provider, inject), read straight from the engine's compact
//! records without rendering a string, the name tables to print those keys, and the per-nation
//! and per-host indexes built once, from the events of the kinds they hold, that every rule of
//! the assessment looks up.
//!
//! Stage and technique keys are interned strings ([`Names::stages`], [`Names::techniques`]), in
//! string order, so grouping by key orders results exactly as grouping by the string did.
//!
//! The log is read whole once, on the first question about kinds ([`Kinds`]): the positions of
//! each kind's events, those of the kinds the per-nation rules read by nation ([`PER_NATION`]),
//! each host's first compromise, and where each tick starts. Every later pass reads only its
//! kinds' events, merged in id order ([`Merged`]), and an event's time is known from its position
//! alone.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::metrics::Incident;
use crate::sim::events::{EventLog, Record};
use crate::sim::state::Catalog;
use crate::sim::{Event, EventKind, EventStream};

/// An absent key.
pub const NONE: u32 = u32::MAX;

/// One event with integer keys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ev {
    /// Event id (from 1).
    pub id: u64,
    /// Scenario time, seconds.
    pub time_s: u64,
    /// What happened.
    pub kind: EventKind,
    /// Nation index ([`Names::nations`]).
    pub nation: Option<u32>,
    /// Host key ([`Facts::host_name`]).
    pub host: Option<u32>,
    /// Campaign index ([`Names::campaigns`]).
    pub campaign: Option<u32>,
    /// Stage id, interned ([`Names::stages`]).
    pub stage: Option<u32>,
    /// Technique id, interned ([`Names::techniques`]).
    pub technique: Option<u32>,
    /// Service index ([`Names::services`]).
    pub service: Option<u32>,
    /// Provider index ([`Names::providers`]).
    pub provider: Option<u32>,
    /// Inject index ([`Names::injects`]).
    pub inject: Option<u32>,
    /// Incident id.
    pub incident: Option<u64>,
    /// Cause event id.
    pub cause: Option<u64>,
    /// Numeric value.
    pub value: Option<f64>,
}

/// The strings the integer keys stand for, and the reverse lookups the scenario's ids need.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Nation ids.
    pub nations: Vec<String>,
    /// Each nation's team id (same index).
    pub teams: Vec<String>,
    /// Campaign ids.
    pub campaigns: Vec<String>,
    /// Stage ids, distinct, sorted.
    pub stages: Vec<String>,
    /// Technique ids, distinct, sorted.
    pub techniques: Vec<String>,
    /// Service ids.
    pub services: Vec<String>,
    /// Provider ids.
    pub providers: Vec<String>,
    /// Inject ids.
    pub injects: Vec<String>,
}

/// The first index of `id` in `list`, through a map built once.
fn lookup(list: &[String]) -> BTreeMap<String, u32> {
    let mut m = BTreeMap::new();
    for (k, s) in list.iter().enumerate() {
        m.entry(s.clone()).or_insert(k as u32);
    }
    m
}

/// Reverse lookups of [`Names`].
#[derive(Debug, Clone, Default)]
struct Lookups {
    nations: BTreeMap<String, u32>,
    campaigns: BTreeMap<String, u32>,
    stages: BTreeMap<String, u32>,
    services: BTreeMap<String, u32>,
    providers: BTreeMap<String, u32>,
    injects: BTreeMap<String, u32>,
}

impl Lookups {
    fn of(n: &Names) -> Lookups {
        Lookups {
            nations: lookup(&n.nations),
            campaigns: lookup(&n.campaigns),
            stages: lookup(&n.stages),
            services: lookup(&n.services),
            providers: lookup(&n.providers),
            injects: lookup(&n.injects),
        }
    }
}

/// Where the events come from.
enum Source<'a> {
    /// A run's compact log and catalog.
    Log {
        log: &'a EventLog,
        catalog: &'a Catalog,
        tick_secs: u64,
        /// Interned stage id per campaign and stage index.
        stage: Vec<Vec<u32>>,
        /// Interned technique per campaign and stage index.
        stage_tech: Vec<Vec<u32>>,
        /// Interned entry technique per campaign.
        entry_tech: Vec<u32>,
    },
    /// Rendered events (tests, and the reference implementation's inputs), already keyed.
    Events { evs: Vec<Ev>, hosts: Vec<String>, details: Vec<Option<String>> },
}

/// A run's events with integer keys and their names.
pub struct Facts<'a> {
    /// The name tables.
    pub names: Names,
    look: Lookups,
    src: Source<'a>,
    kinds: OnceLock<Kinds>,
}

/// The events by kind, read in one pass over the log.
struct Kinds {
    /// Per kind (`kind as usize`), the positions of its events, in id order.
    pos: Vec<Vec<u32>>,
    /// The kinds that occur, in order of first occurrence.
    present: Vec<EventKind>,
    /// (tick, first position) of each tick, when the log's ticks never decrease (the engine's
    /// always: an event is stamped with the tick that emits it); empty otherwise.
    ticks: Vec<(u64, u32)>,
    /// The events of the [`PER_NATION`] kinds, by nation.
    nations: PerNation,
}

/// What an event is, when and where, as [`Kinds::of`] reads it.
type Seen = (EventKind, u64, Option<u32>, Option<u32>);

/// The events of the kinds the per-nation rules read, by nation.
struct PerNation {
    /// Per nation, per kind of [`PER_NATION`] (same order), positions, in id order.
    lists: Vec<Vec<Vec<u32>>>,
    /// Per nation, the (position, host key) of each host's first compromise, in id order.
    first_compromised: Vec<Vec<(u32, u32)>>,
    /// Hosts compromised so far (bitmap).
    seen: Vec<u64>,
    /// Per kind (`kind as usize`), its place in [`PER_NATION`] + 1 (0: not kept).
    slot: [u8; 64],
}

impl PerNation {
    fn new(n_nations: usize, n_hosts: usize) -> PerNation {
        let mut slot = [0u8; 64];
        for (k, &kind) in PER_NATION.iter().enumerate() {
            slot[kind as usize % 64] = k as u8 + 1;
        }
        PerNation {
            lists: vec![vec![Vec::new(); PER_NATION.len()]; n_nations],
            first_compromised: vec![Vec::new(); n_nations],
            seen: vec![0u64; n_hosts.div_ceil(64)],
            slot,
        }
    }

    /// Files `events` (in id order) and drops the bitmap of hosts seen.
    fn filed(mut self, events: impl Iterator<Item = Seen>) -> PerNation {
        // Internal iteration: a chained iterator over the log's chunks runs as a loop per chunk.
        events.enumerate().for_each(|(i, seen)| self.add(i as u32, seen));
        self.seen = Vec::new();
        self
    }

    #[inline]
    fn add(&mut self, i: u32, (kind, _, nation, host): Seen) {
        let Some(slot) = self.slot.get(kind as usize).filter(|&&s| s > 0 && PER_NATION[s as usize - 1] == kind) else {
            return;
        };
        if let Some(lists) = nation.and_then(|n| self.lists.get_mut(n as usize)) {
            lists[*slot as usize - 1].push(i);
        }
        if let (EventKind::HostCompromised, Some(h)) = (kind, host) {
            let (w, b) = (h as usize / 64, 1u64 << (h % 64));
            if self.seen[w] & b == 0 {
                self.seen[w] |= b;
                if let Some(list) = nation.and_then(|n| self.first_compromised.get_mut(n as usize)) {
                    list.push((i, h));
                }
            }
        }
    }
}

impl Kinds {
    /// Files the `len` events `events()` gives, in id order: by kind and tick in one pass, by
    /// nation in another, side by side when there are many ([`crate::par`]).
    fn of<I: Iterator<Item = Seen>>(nations: PerNation, len: usize, events: impl Fn() -> I + Sync) -> Kinds {
        let (mut k, nations) = crate::par::join(len, || Kinds::by_kind(events()), || nations.filed(events()));
        k.nations = nations;
        k
    }

    fn by_kind(events: impl Iterator<Item = Seen>) -> Kinds {
        let mut k =
            Kinds { pos: vec![Vec::new(); 64], present: Vec::new(), ticks: Vec::new(), nations: PerNation::new(0, 0) };
        let mut monotonic = true;
        // Internal iteration, as in `PerNation::filed`.
        events.enumerate().for_each(|(i, (kind, tick, _, _))| {
            let slot = kind as usize;
            if k.pos.len() <= slot {
                k.pos.resize_with(slot + 1, Vec::new);
            }
            if k.pos[slot].is_empty() {
                k.present.push(kind);
            }
            k.pos[slot].push(i as u32);
            match k.ticks.last() {
                Some(&(t, _)) if t == tick => {}
                Some(&(t, _)) if t > tick => monotonic = false,
                _ => k.ticks.push((tick, i as u32)),
            }
        });
        if !monotonic {
            k.ticks = Vec::new();
        }
        k
    }
}

/// [`Facts::time_at`] for positions read in ascending order: when the log's ticks never
/// decrease, one cursor walks where they start instead of a search per event (a position below
/// the last one read is searched for).
pub struct TimeCursor<'f> {
    facts: &'f Facts<'f>,
    /// (tick, first position) of each tick ([`Kinds::ticks`]; empty when not monotonic).
    ticks: &'f [(u64, u32)],
    tick_secs: u64,
    /// Where in `ticks` the last position read falls.
    k: usize,
    /// The last position read.
    last: usize,
}

impl TimeCursor<'_> {
    /// The time (s) of the event at `index`.
    #[inline]
    pub fn time_at(&mut self, index: usize) -> Option<u64> {
        if self.ticks.is_empty() || index < self.last || index >= self.facts.len() {
            return self.facts.time_at(index);
        }
        self.last = index;
        while self.ticks.get(self.k + 1).is_some_and(|&(_, first)| first as usize <= index) {
            self.k += 1;
        }
        Some(self.ticks[self.k].0 * self.tick_secs)
    }
}

/// Positions from a few sorted lists, merged in order.
pub struct Merged<'s> {
    lists: Vec<&'s [u32]>,
}

impl<'s> Merged<'s> {
    /// The merge of `lists` (each sorted, no position in two).
    pub fn of(lists: impl IntoIterator<Item = &'s [u32]>) -> Merged<'s> {
        Merged { lists: lists.into_iter().collect() }
    }

    /// The next position, and which list (in the order given) it comes from.
    #[inline]
    pub fn next_from(&mut self) -> Option<(usize, usize)> {
        let (mut best, mut head) = (usize::MAX, u32::MAX);
        for (k, l) in self.lists.iter().enumerate() {
            if let Some(&h) = l.first().filter(|&&h| h < head || best == usize::MAX) {
                (best, head) = (k, h);
            }
        }
        let list = self.lists.get_mut(best)?;
        *list = &list[1..];
        Some((best, head as usize))
    }
}

impl Iterator for Merged<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        self.next_from().map(|(_, p)| p)
    }
}

fn sorted_set<'s>(items: impl IntoIterator<Item = &'s str>) -> Vec<String> {
    items.into_iter().collect::<BTreeSet<&str>>().into_iter().map(str::to_string).collect()
}

impl<'a> Facts<'a> {
    /// The events of a finished run, read from its compact log.
    pub fn from_stream(stream: &'a EventStream) -> Facts<'a> {
        let cat = stream.catalog();
        let stages = sorted_set(cat.campaigns.iter().flat_map(|c| c.stages.iter().map(|s| s.id.as_str())));
        let techniques = sorted_set(cat.campaigns.iter().flat_map(|c| {
            std::iter::once(c.entry_technique.as_str()).chain(c.stages.iter().map(|s| s.technique.as_str()))
        }));
        let sym = |list: &[String], s: &str| list.binary_search_by(|x| x.as_str().cmp(s)).map_or(NONE, |k| k as u32);
        let stage = cat.campaigns.iter().map(|c| c.stages.iter().map(|s| sym(&stages, &s.id)).collect()).collect();
        let stage_tech =
            cat.campaigns.iter().map(|c| c.stages.iter().map(|s| sym(&techniques, &s.technique)).collect()).collect();
        let entry_tech = cat.campaigns.iter().map(|c| sym(&techniques, &c.entry_technique)).collect();
        let names = Names {
            nations: cat.nations.iter().map(|n| n.id.clone()).collect(),
            teams: cat.nations.iter().map(|n| n.team_id.clone()).collect(),
            campaigns: cat.campaigns.iter().map(|c| c.id.clone()).collect(),
            stages,
            techniques,
            services: cat.services.clone(),
            providers: cat.providers.clone(),
            injects: cat.injects.clone(),
        };
        let src = Source::Log {
            log: stream.log(),
            catalog: cat,
            tick_secs: stream.tick_secs(),
            stage,
            stage_tech,
            entry_tech,
        };
        Facts { look: Lookups::of(&names), names, src, kinds: OnceLock::new() }
    }

    /// Rendered events, keyed by interning their strings (first-seen order for nations,
    /// campaigns, services, providers, injects and hosts; string order for stages and techniques).
    pub fn from_events(events: &[Event]) -> Facts<'static> {
        let mut names = Names {
            stages: sorted_set(events.iter().filter_map(|e| e.stage.as_deref())),
            techniques: sorted_set(events.iter().filter_map(|e| e.technique.as_deref())),
            ..Names::default()
        };
        let mut hosts: Vec<String> = Vec::new();
        let mut host_ix: BTreeMap<String, u32> = BTreeMap::new();
        let mut look = Lookups::of(&names);
        let evs = events
            .iter()
            .map(|e| {
                let nation = e.nation.as_deref().map(|n| {
                    let k = intern(&mut names.nations, &mut look.nations, n);
                    if names.teams.len() < names.nations.len() {
                        names.teams.push(e.team.clone().unwrap_or_default());
                    }
                    k
                });
                Ev {
                    id: e.id,
                    time_s: e.time_s,
                    kind: e.kind,
                    nation,
                    host: e.host.as_deref().map(|h| intern(&mut hosts, &mut host_ix, h)),
                    campaign: e.campaign.as_deref().map(|c| intern(&mut names.campaigns, &mut look.campaigns, c)),
                    stage: e.stage.as_deref().and_then(|s| look.stages.get(s).copied()),
                    technique: e
                        .technique
                        .as_deref()
                        .and_then(|t| names.techniques.binary_search_by(|x| x.as_str().cmp(t)).ok())
                        .map(|k| k as u32),
                    service: e.service.as_deref().map(|s| intern(&mut names.services, &mut look.services, s)),
                    provider: e.provider.as_deref().map(|p| intern(&mut names.providers, &mut look.providers, p)),
                    inject: e.inject.as_deref().map(|i| intern(&mut names.injects, &mut look.injects, i)),
                    incident: e.incident,
                    cause: e.cause,
                    value: e.value,
                }
            })
            .collect();
        let details = events.iter().map(|e| e.detail.clone()).collect();
        Facts { names, look, src: Source::Events { evs, hosts, details }, kinds: OnceLock::new() }
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        match &self.src {
            Source::Log { log, .. } => log.len(),
            Source::Events { evs, .. } => evs.len(),
        }
    }

    /// No events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The event at `index` (0-based, id order).
    #[inline]
    pub fn at(&self, index: usize) -> Ev {
        match &self.src {
            Source::Log { log, tick_secs, stage, stage_tech, entry_tech, .. } => {
                let Some(r) = log.at(index) else { unreachable!("event index {index} past the log") };
                keyed(log, r, index, *tick_secs, (stage, stage_tech, entry_tech))
            }
            Source::Events { evs, .. } => evs[index],
        }
    }

    /// Event `id`, if the log holds it (ids are positions + 1).
    pub fn get(&self, id: u64) -> Option<Ev> {
        let i = (id as usize).wrapping_sub(1);
        (i < self.len()).then(|| self.at(i)).filter(|e| e.id == id)
    }

    /// The time (s) of event `id`, if the log holds it ([`Facts::get`]).
    pub fn time_of(&self, id: u64) -> Option<u64> {
        match &self.src {
            Source::Log { .. } => self.time_at((id as usize).wrapping_sub(1)),
            Source::Events { .. } => self.get(id).map(|e| e.time_s),
        }
    }

    /// The time (s) of the event at `index` (0-based), read from where its tick starts when the
    /// log's ticks never decrease, else from the event.
    pub fn time_at(&self, index: usize) -> Option<u64> {
        match &self.src {
            Source::Log { log, tick_secs, .. } if index < log.len() => {
                let ticks = &self.kinds().ticks;
                let tick = match ticks.partition_point(|&(_, first)| first as usize <= index) {
                    0 => log.at(index)?.tick(),
                    k => ticks[k - 1].0,
                };
                Some(tick * tick_secs)
            }
            Source::Log { .. } => None,
            Source::Events { evs, .. } => evs.get(index).map(|e| e.time_s),
        }
    }

    /// A reader of event times for positions that mostly ascend.
    pub fn time_cursor(&self) -> TimeCursor<'_> {
        let (ticks, tick_secs) = match &self.src {
            Source::Log { tick_secs, .. } => (self.kinds().ticks.as_slice(), *tick_secs),
            Source::Events { .. } => (&[][..], 0),
        };
        TimeCursor { facts: self, ticks, tick_secs, k: 0, last: 0 }
    }

    /// The id of the event at `index` (0-based).
    pub fn id_at(&self, index: usize) -> u64 {
        match &self.src {
            Source::Log { .. } => index as u64 + 1,
            Source::Events { evs, .. } => evs[index].id,
        }
    }

    /// Every event, in id order.
    pub fn iter(&self) -> impl Iterator<Item = Ev> + '_ {
        (0..self.len()).map(|i| self.at(i))
    }

    /// The kind, nation and host of the event at `index` (0-based), read without keying the rest
    /// of it (what [`Index::build`] reads of each event of the kinds it keeps).
    #[inline]
    pub fn where_at(&self, index: usize) -> (EventKind, Option<u32>, Option<u32>) {
        match &self.src {
            Source::Log { log, .. } => {
                let Some(r) = log.at(index) else { unreachable!("event index {index} past the log") };
                (r.kind, r.nation(), r.host())
            }
            Source::Events { evs, .. } => (evs[index].kind, evs[index].nation, evs[index].host),
        }
    }

    /// The incident id of the event at `index` (0-based), read without keying the rest of it.
    #[inline]
    pub fn incident_at(&self, index: usize) -> Option<u64> {
        match &self.src {
            Source::Log { log, .. } => {
                let Some(r) = log.at(index) else { unreachable!("event index {index} past the log") };
                Some(r.incident()).filter(|&v| v != 0)
            }
            Source::Events { evs, .. } => evs[index].incident,
        }
    }

    /// The stage and technique of the event at `index` (0-based), read without keying the rest
    /// of it.
    #[inline]
    pub fn stage_technique_at(&self, index: usize) -> (Option<u32>, Option<u32>) {
        match &self.src {
            Source::Log { log, stage, stage_tech, entry_tech, .. } => {
                let Some(r) = log.at(index) else { unreachable!("event index {index} past the log") };
                stage_and_technique(r, (stage, stage_tech, entry_tech))
            }
            Source::Events { evs, .. } => (evs[index].stage, evs[index].technique),
        }
    }

    /// The kind of the event at `index` (0-based), read without keying the rest of it.
    #[inline]
    pub fn kind_at(&self, index: usize) -> EventKind {
        match &self.src {
            Source::Log { log, .. } => {
                let Some(r) = log.at(index) else { unreachable!("event index {index} past the log") };
                r.kind
            }
            Source::Events { evs, .. } => evs[index].kind,
        }
    }

    /// Reads the events by kind now, if not yet: before work side by side that all needs them
    /// (the first to ask would read them alone while the other waited).
    pub fn index_kinds(&self) {
        self.kinds();
    }

    /// The events by kind, read on first use.
    fn kinds(&self) -> &Kinds {
        self.kinds.get_or_init(|| {
            let nations = PerNation::new(self.names.nations.len(), self.n_hosts());
            match &self.src {
                Source::Log { log, .. } => {
                    Kinds::of(nations, log.len(), || log.records().map(|r| (r.kind, r.tick(), r.nation(), r.host())))
                }
                Source::Events { evs, .. } => {
                    Kinds::of(nations, evs.len(), || evs.iter().map(|e| (e.kind, e.time_s, e.nation, e.host)))
                }
            }
        })
    }

    /// Nation `n`'s events of `kind`, one of [`PER_NATION`] (empty for an unknown nation or
    /// another kind).
    pub fn of_nation(&self, n: Option<u32>, kind: EventKind) -> &[u32] {
        let slot = PER_NATION.iter().position(|&k| k == kind);
        let lists = n.and_then(|n| self.kinds().nations.lists.get(n as usize));
        lists.zip(slot).map_or(&[], |(lists, s)| lists[s].as_slice())
    }

    /// Nation `n`'s events of `kinds` (of [`PER_NATION`]), in id order.
    pub fn of_nation_where(&self, n: Option<u32>, kinds: &[EventKind]) -> Merged<'_> {
        Merged::of(kinds.iter().map(|&k| self.of_nation(n, k)))
    }

    /// Nation `n`'s first compromises of a host: (event position, host key), in id order.
    pub fn first_compromises_of(&self, n: Option<u32>) -> &[(u32, u32)] {
        n.and_then(|n| self.kinds().nations.first_compromised.get(n as usize)).map_or(&[], Vec::as_slice)
    }

    /// The positions (0-based, id order) of the events of `kind`.
    pub fn positions_of(&self, kind: EventKind) -> &[u32] {
        self.kinds().pos.get(kind as usize).map_or(&[], Vec::as_slice)
    }

    /// The positions (0-based, id order) of the events whose kind `keep` accepts: only the
    /// accepted kinds' events are visited.
    pub fn positions_where(&self, keep: impl Fn(EventKind) -> bool) -> Merged<'_> {
        let k = self.kinds();
        Merged::of(k.present.iter().filter(|&&kind| keep(kind)).map(|&kind| k.pos[kind as usize].as_slice()))
    }

    /// The events whose kind `keep` accepts, in id order; the others are never keyed.
    pub fn iter_where(&self, keep: impl Fn(EventKind) -> bool) -> impl Iterator<Item = Ev> + '_ {
        self.positions_where(keep).map(|i| self.at(i))
    }

    /// The events of `kind`, in id order.
    pub fn iter_kind(&self, kind: EventKind) -> impl Iterator<Item = Ev> + '_ {
        self.positions_of(kind).iter().map(|&i| self.at(i as usize))
    }

    /// The number of host keys (an upper bound of every `host`).
    pub fn n_hosts(&self) -> usize {
        match &self.src {
            Source::Log { catalog, .. } => catalog.n_hosts as usize,
            Source::Events { hosts, .. } => hosts.len(),
        }
    }

    /// A host's name.
    pub fn host_name(&self, h: u32) -> String {
        match &self.src {
            Source::Log { catalog, .. } => catalog.host_name(h),
            Source::Events { hosts, .. } => hosts[h as usize].clone(),
        }
    }

    /// The short qualifier of event `id` (effect name, request reason, agreement …).
    pub fn detail(&self, id: u64) -> Option<String> {
        let i = (id as usize).checked_sub(1)?;
        match &self.src {
            Source::Log { log, catalog, .. } => {
                let r = log.at(i)?;
                log.detail(r)
                    .map(str::to_string)
                    .or_else(|| log.agreement(r).and_then(|a| catalog.agreements.get(a as usize)).cloned())
            }
            Source::Events { details, .. } => details.get(i).cloned().flatten(),
        }
    }

    /// A nation's index.
    pub fn nation(&self, id: &str) -> Option<u32> {
        self.look.nations.get(id).copied()
    }

    /// A campaign's index.
    pub fn campaign(&self, id: &str) -> Option<u32> {
        self.look.campaigns.get(id).copied()
    }

    /// A stage id's key.
    pub fn stage(&self, id: &str) -> Option<u32> {
        self.look.stages.get(id).copied()
    }

    /// A service's index.
    pub fn service(&self, id: &str) -> Option<u32> {
        self.look.services.get(id).copied()
    }

    /// A provider's index.
    pub fn provider(&self, id: &str) -> Option<u32> {
        self.look.providers.get(id).copied()
    }

    /// An inject's index.
    pub fn inject(&self, id: &str) -> Option<u32> {
        self.look.injects.get(id).copied()
    }
}

fn intern(list: &mut Vec<String>, ix: &mut BTreeMap<String, u32>, s: &str) -> u32 {
    if let Some(&k) = ix.get(s) {
        return k;
    }
    list.push(s.to_string());
    ix.insert(s.to_string(), list.len() as u32 - 1);
    list.len() as u32 - 1
}

/// Record `r`'s interned stage and technique: its campaign's stage and that stage's technique,
/// or for an entry the campaign's entry technique (none where unknown).
fn stage_and_technique(
    r: &Record,
    (stage, stage_tech, entry_tech): (&[Vec<u32>], &[Vec<u32>], &[u32]),
) -> (Option<u32>, Option<u32>) {
    let c = r.campaign();
    let s = c.zip(r.stage()).and_then(|(c, s)| {
        let k = stage.get(c as usize)?.get(s as usize)?;
        Some((*k, stage_tech[c as usize][s as usize]))
    });
    let technique = match (s, c) {
        (Some((_, t)), _) => Some(t),
        (None, Some(c)) if r.entry() => entry_tech.get(c as usize).copied(),
        _ => None,
    };
    (s.map(|s| s.0), technique.filter(|&t| t != NONE))
}

/// A compact record as an [`Ev`]: what `EventLog::render` names, as keys.
#[inline]
fn keyed(
    log: &EventLog,
    r: &Record,
    index: usize,
    tick_secs: u64,
    (stage, stage_tech, entry_tech): (&[Vec<u32>], &[Vec<u32>], &[u32]),
) -> Ev {
    let c = r.campaign();
    let (s, technique) = stage_and_technique(r, (stage, stage_tech, entry_tech));
    let (has_extra, id) = (r.has_extra(), |v: u64| (v != 0).then_some(v));
    Ev {
        id: index as u64 + 1,
        time_s: r.tick() * tick_secs,
        kind: r.kind,
        nation: r.nation(),
        host: r.host(),
        campaign: c.filter(|&c| (c as usize) < entry_tech.len()),
        stage: s,
        technique,
        service: if has_extra { log.service(r) } else { None },
        provider: if has_extra { log.provider(r) } else { None },
        inject: if has_extra { log.inject(r) } else { None },
        incident: id(r.incident()),
        cause: id(r.cause()),
        value: if has_extra { log.value(r) } else { None },
    }
}

/// The incidents, and where each nation's and host's are, that every rule looks up.
pub struct Index {
    /// Incidents, in incident id order.
    pub incidents: Vec<Incident>,
    /// Per nation, positions in `incidents`, in incident id order.
    pub incidents_by_nation: Vec<Vec<u32>>,
    /// Per host key, the position + 1 in `incidents` of its first incident (0: none).
    pub first_incident_of_host: Vec<u32>,
}

/// The event kinds [`Facts::of_nation`] keeps by nation.
pub const PER_NATION: [EventKind; 9] = [
    EventKind::HostCompromised,
    EventKind::ImpactApplied,
    EventKind::HostDetected,
    EventKind::HostContained,
    EventKind::HostRecovered,
    EventKind::DataLost,
    EventKind::AssistanceRequested,
    EventKind::AssistanceOnTask,
    EventKind::IndicatorsShared,
];

impl Index {
    /// Indexes the events of `f`.
    pub fn build(f: &Facts) -> Index {
        let n_nations = f.names.nations.len();
        let incidents = super::metrics::incidents(f);
        let mut incidents_by_nation = vec![Vec::new(); n_nations];
        let mut first_incident_of_host = vec![0u32; f.n_hosts()];
        for (k, i) in incidents.iter().enumerate() {
            if let Some(list) = incidents_by_nation.get_mut(i.nation as usize) {
                list.push(k as u32);
            }
            if let Some(slot) = first_incident_of_host.get_mut(i.host as usize).filter(|s| **s == 0) {
                *slot = k as u32 + 1;
            }
        }
        Index { incidents, incidents_by_nation, first_incident_of_host }
    }

    /// The first incident of host `h`.
    pub fn incident_of_host(&self, h: u32) -> Option<&Incident> {
        let k = *self.first_incident_of_host.get(h as usize)?;
        (k > 0).then(|| &self.incidents[k as usize - 1])
    }

    /// Nation `n`'s incidents, in incident id order.
    pub fn incidents_of(&self, n: Option<u32>) -> Vec<&Incident> {
        let list = n.and_then(|n| self.incidents_by_nation.get(n as usize)).map_or(&[][..], Vec::as_slice);
        list.iter().map(|&k| &self.incidents[k as usize]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::RunConfig;
    use crate::testkit::synthetic;

    #[test]
    fn merged_lists_come_out_in_order() {
        let (a, b, c) = ([1u32, 4, 9], [0u32, 5, 6, 10], [2u32]);
        let got: Vec<usize> = Merged::of([&a[..], &[][..], &b[..], &c[..]]).collect();
        assert_eq!(got, vec![0, 1, 2, 4, 5, 6, 9, 10]);
        let mut m = Merged::of([&a[..], &[][..], &b[..], &c[..]]);
        let from: Vec<(usize, usize)> = std::iter::from_fn(|| m.next_from()).take(4).collect();
        assert_eq!(from, vec![(2, 0), (0, 1), (3, 2), (0, 4)]);
        assert_eq!(Merged::of([&[][..]]).next(), None);
    }

    /// The kind table and the times read from where ticks start agree with the events read one
    /// by one, from the compact log and from rendered events.
    #[test]
    fn kinds_and_times_match_a_scan_of_the_events() {
        let g = synthetic::random_graph(60, 3, 5);
        let s = synthetic::virus_on_network(&g, &synthetic::mesa_virus(60, 12), 5);
        let outcome = crate::sim::run(&s, &RunConfig { seed: 5, run_index: 0 });
        let events = outcome.events.to_vec();
        for f in [Facts::from_stream(&outcome.events), Facts::from_events(&events)] {
            assert!(f.len() > 100 && !f.kinds().ticks.is_empty());
            let wanted = |k| matches!(k, EventKind::HostCompromised | EventKind::HostDetected | EventKind::ServiceUp);
            let scanned: Vec<usize> = (0..f.len()).filter(|&i| wanted(f.kind_at(i))).collect();
            assert!(scanned.len() > 10);
            assert_eq!(f.positions_where(wanted).collect::<Vec<_>>(), scanned);
            for id in 0..=f.len() as u64 + 1 {
                assert_eq!(f.time_of(id), f.get(id).map(|e| e.time_s), "event {id}");
            }
            for i in 0..f.len() {
                assert_eq!((f.time_at(i), f.id_at(i)), (Some(f.at(i).time_s), f.at(i).id), "position {i}");
                let e = f.at(i);
                assert_eq!(f.stage_technique_at(i), (e.stage, e.technique), "position {i}");
            }
            // A cursor reads ascending positions, then any (back, repeated, past the end).
            let read = |positions: &mut dyn Iterator<Item = usize>| {
                let mut cursor = f.time_cursor();
                positions.map(|i| (cursor.time_at(i), f.time_at(i))).collect::<Vec<_>>()
            };
            for (got, want) in
                read(&mut (0..f.len())).into_iter().chain(read(&mut [3, 90, 90, 2, 40, f.len(), 7].into_iter()))
            {
                assert_eq!(got, want);
            }
            let mut seen = BTreeSet::new();
            let firsts: Vec<(u32, u32)> = (0..f.len() as u32)
                .filter(|&i| f.kind_at(i as usize) == EventKind::HostCompromised)
                .filter_map(|i| Some((i, f.at(i as usize).host?)))
                .filter(|&(_, h)| seen.insert(h))
                .collect();
            assert!(!firsts.is_empty());
            for n in 0..f.names.nations.len() as u32 {
                for kind in PER_NATION {
                    let own = |&i: &u32| f.kind_at(i as usize) == kind && f.at(i as usize).nation == Some(n);
                    let scanned: Vec<u32> = (0..f.len() as u32).filter(own).collect();
                    assert_eq!(f.of_nation(Some(n), kind), scanned, "nation {n}, {kind:?}");
                }
                let mine: Vec<(u32, u32)> =
                    firsts.iter().copied().filter(|&(i, _)| f.at(i as usize).nation == Some(n)).collect();
                assert_eq!(f.first_compromises_of(Some(n)), mine);
            }
        }
    }
}
