//! Owns the Log phase (the fold of the event log into per-nation and per-campaign tallies and
//! per-host records, on a thread of its own once the log fills a chunk: [`LogFold`]) and the
//! end-of-run [`RunSummary`] built from them.
//!
//! The summary tells the story a terminal report needs: per campaign how far it got and whether
//! it reached its impact or was stopped; per nation what was compromised, detected, contained,
//! recovered, lost, and which services went down for how long; every assistance request with
//! its timestamps; and a host table (only hosts that took part in the run, by readable name).

use std::collections::BTreeMap;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use bevy_ecs::prelude::{Res, ResMut, Resource};
use bevy_ecs::world::World;
use serde::{Deserialize, Serialize};

use super::agenda::radix_sort_by_key;
use super::assistance::AssistanceBook;
use super::clock::{SimClock, format_utc};
use super::events::{EventKind, EventLog, FullChunk, Lookup, Record, chunk_place};
use super::ids::NONE;
use super::prefetch::{AHEAD, prefetch};
use super::response::ResponseBook;
use super::services::ServiceBook;
use super::state::{CampaignDef, Catalog, Hosts, NationInfo, flag};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{RunConfig, run};
    use crate::testkit::*;
    use std::collections::BTreeSet;

    /// A worm entering group `GA` and spreading inside its segment.
    fn worm_in_ga() -> crate::scenario::model::Campaign {
        let mut spread = stage("spread", 0.5, 5 * MIN);
        spread.lateral = Some(crate::scenario::model::Lateral {
            reach: crate::scenario::model::Reach::Segment,
            fanout: 1,
            repeat: true,
        });
        campaign("C", &["GA"], vec![spread])
    }

    /// That worm in a segment of `hosts` hosts (30 % sensors) whose team has these detect,
    /// contain and recover skills: a team that recovers hosts lets the worm re-infect them.
    fn worm_against(hosts: u64, (detect, contain, recover): (f64, f64, f64)) -> crate::scenario::model::Scenario {
        let mut s = tiny(&[("SEG-A", "GA", hosts, 0.3)]);
        s.nations[0].team.skills = crate::scenario::model::Skills { detect, contain, recover };
        s.campaigns.push(worm_in_ga());
        s
    }

    #[test]
    fn a_host_trace_stays_small() {
        // The Log phase touches one trace per host event, at random slots.
        assert_eq!(std::mem::size_of::<HostTrace>(), 40);
    }

    #[test]
    fn tallies_count_distinct_hosts_and_reinfections_apart() {
        // A worm in a 20-host segment whose team recovers hosts: recovered hosts fall again.
        let s = worm_against(20, (1.0, 1.0, 1.0));
        let out = run(&s, &RunConfig { seed: 3, run_index: 0 });
        let hosts_with = |k: EventKind| {
            out.events.iter().filter(|e| e.kind == k).filter_map(|e| e.host.clone()).collect::<BTreeSet<_>>().len()
                as u64
        };
        let events = |k: EventKind| out.events.iter().filter(|e| e.kind == k).count() as u64;
        let nat = &out.summary.nations[0];
        assert!(
            nat.reinfections > 0,
            "the scenario must re-infect ({} compromises)",
            events(EventKind::HostCompromised)
        );
        assert_eq!(nat.hosts_compromised, hosts_with(EventKind::HostCompromised));
        assert_eq!(nat.hosts_compromised + nat.reinfections, events(EventKind::HostCompromised));
        assert!(nat.hosts_compromised <= 20);
        assert_eq!(nat.hosts_detected, hosts_with(EventKind::HostDetected));
        assert_eq!(nat.hosts_contained, hosts_with(EventKind::HostContained));
        assert_eq!(nat.hosts_recovered, hosts_with(EventKind::HostRecovered));
        let camp = &out.summary.campaigns[0];
        assert_eq!((camp.hosts_compromised, camp.reinfections), (nat.hosts_compromised, nat.reinfections));
        assert_eq!(camp.hosts_detected, nat.hosts_detected);
        assert_eq!(camp.furthest_stage.as_deref(), Some("spread"));
        assert!(out.summary.hosts.iter().all(|h| h.name.starts_with("GA-00")));
    }

    #[test]
    fn only_a_stopped_campaign_names_the_stage_it_was_stopped_at() {
        let mut s = tiny(&[("SEG-A", "GA", 20, 0.0)]);
        s.campaigns.push(worm_in_ga());
        let out = run(&s, &RunConfig { seed: 3, run_index: 0 });
        let c = &out.summary.campaigns[0];
        assert_eq!(c.outcome, "running", "no sensors, no impact: still running at ENDEX");
        assert!(c.hosts_active_at_endex > 0);
        assert_eq!(c.stopped_at_stage, None);
    }

    #[test]
    fn hosts_that_take_part_get_records_and_no_host_gets_an_entity() {
        let mut s = tiny(&[("SEG-A", "GA", 20, 0.3), ("SEG-IDLE", "GI", 500, 0.3)]);
        s.campaigns.push(worm_in_ga());
        let cfg = RunConfig { seed: 3, run_index: 0 };
        let mut sim = crate::sim::Simulation::new(&s, &cfg);
        let entities = |sim: &mut crate::sim::Simulation| sim.world_mut().entities().len();
        let built = entities(&mut sim);
        while sim.step() {}
        assert_eq!(entities(&mut sim), built, "the run spawned no entity per host");
        let out = sim.run_to_end();
        let names: Vec<String> = out.summary.hosts.iter().map(|h| h.name.to_string()).collect();
        assert!(names.len() > 1 && names.iter().all(|h| h.starts_with("GA-")), "idle hosts get no record: {names:?}");
        assert!(names.is_sorted(), "the host table is in slot order");
    }

    /// The response times by definition, from the rendered log: a detection from its cause, the
    /// other steps from the latest opening of their incident before them.
    fn times_by_definition(events: &[crate::sim::Event]) -> [Option<f64>; 4] {
        let (mut sums, mut counts, mut opened) = ([0u64; 4], [0u64; 4], BTreeMap::new());
        for e in events {
            let which = match e.kind {
                EventKind::HostDetected => e.cause.map(|c| (0, events[c as usize - 1].time_s)),
                EventKind::IncidentOpened => {
                    opened.insert(e.incident, e.time_s);
                    None
                }
                EventKind::IncidentAcknowledged => opened.get(&e.incident).map(|&t| (1, t)),
                EventKind::HostContained => opened.get(&e.incident).map(|&t| (2, t)),
                EventKind::HostRecovered => opened.get(&e.incident).map(|&t| (3, t)),
                _ => None,
            };
            if let Some((k, from)) = which {
                sums[k] += e.time_s - from;
                counts[k] += 1;
            }
        }
        std::array::from_fn(|k| (counts[k] > 0).then(|| sums[k] as f64 / counts[k] as f64))
    }

    #[test]
    fn response_times_are_those_of_their_definition() {
        // Reinfections, several full chunks (1,024 records in unit tests), every step reached.
        let s = worm_against(2000, (0.6, 0.8, 1.0));
        let out = run(&s, &RunConfig { seed: 11, run_index: 0 });
        assert!(out.summary.nations[0].reinfections > 0 && out.events.len() > 3 * 1024);
        let want = times_by_definition(&out.events.iter().collect::<Vec<_>>());
        let n = &out.summary.nations[0];
        let got =
            [n.mean_time_to_detect_s, n.mean_time_to_acknowledge_s, n.mean_time_to_contain_s, n.mean_time_to_recover_s];
        assert_eq!(got, want);
        assert!(want.iter().all(Option::is_some));
        assert_eq!(out.summary.campaigns[0].mean_time_to_detect_s, want[0]);
    }

    #[test]
    fn a_fold_on_its_own_thread_gives_the_summary_of_a_fold_here() {
        // A worm the team keeps recovering from, re-infecting: thousands of events, several full
        // chunks (1,024 records in unit tests), host events of every kind.
        let s = worm_against(2000, (1.0, 1.0, 1.0));
        let cfg = RunConfig { seed: 5, run_index: 0 };
        let run = |thread: bool| {
            let mut sim = crate::sim::Simulation::new(&s, &cfg);
            // A fold that already asked for its thread and got none folds every chunk here.
            sim.world_mut().resource_mut::<LogFold>().started = !thread;
            while sim.step() {}
            let w = sim.world();
            assert!(w.resource::<EventLog>().full_chunks() >= 3, "{} events", w.resource::<EventLog>().len());
            assert_eq!(w.resource::<LogFold>().thread.is_some(), thread);
            sim.run_to_end().summary
        };
        assert_eq!(run(true), run(false));
    }

    #[test]
    fn response_times_are_measured_from_compromise_and_detection() {
        let mut s = tiny(&[("SEG-A", "GA", 1, 1.0)]);
        s.nations[0].team.skills.detect = 0.2;
        s.campaigns.push(campaign("C", &["GA"], vec![stage("never", 0.0, MIN)]));
        let out = run(&s, &RunConfig { seed: 9, run_index: 0 });
        let h = &out.summary.hosts.to_vec()[0];
        let nat = &out.summary.nations[0];
        let (c, d, k, r) =
            (h.compromised_s.unwrap(), h.detected_s.unwrap(), h.contained_s.unwrap(), h.recovered_s.unwrap());
        assert_eq!(nat.mean_time_to_detect_s, Some((d - c) as f64));
        assert_eq!(nat.mean_time_to_contain_s, Some((k - d) as f64));
        assert_eq!(nat.mean_time_to_recover_s, Some((r - d) as f64));
        assert_eq!(out.summary.campaigns[0].mean_time_to_detect_s, nat.mean_time_to_detect_s);
        assert!(nat.mean_time_to_acknowledge_s.is_some());
        assert_eq!(out.summary.campaigns[0].outcome, "stopped");
    }
}

/// Running counters of one nation (the fold's, by nation index).
#[derive(Debug, Clone, Default)]
pub struct NationTally {
    /// Distinct hosts compromised.
    pub compromised: u64,
    /// Compromises of a host compromised before.
    pub reinfections: u64,
    /// Distinct hosts detected.
    pub detected: u64,
    /// Distinct hosts contained.
    pub contained: u64,
    /// Distinct hosts recovered.
    pub recovered: u64,
    /// Incidents opened.
    pub incidents: u64,
    /// MB lost.
    pub data_lost_mb: f64,
    /// Indicators received (campaign, partner or inject).
    pub indicators_received: u64,
    /// First compromise, seconds.
    pub first_compromise_s: Option<u64>,
    /// First detection, seconds.
    pub first_detection_s: Option<u64>,
}

/// Running counters of one campaign (the fold's, by campaign index).
#[derive(Debug, Clone, Default)]
pub struct CampaignTally {
    /// Start, seconds.
    pub started_s: Option<u64>,
    /// Distinct hosts it compromised.
    pub compromised: u64,
    /// Compromises of a host it had compromised before.
    pub reinfections: u64,
    /// Distinct hosts detected while it held them.
    pub detected: u64,
    /// Distinct hosts contained while it held them.
    pub contained: u64,
    /// Furthest stage completed by any host.
    pub furthest_stage: Option<u32>,
    /// Impacts applied.
    pub impacts: u64,
    /// First compromise, seconds.
    pub first_compromise_s: Option<u64>,
    /// First detection, seconds.
    pub first_detection_s: Option<u64>,
    /// First impact, seconds.
    pub first_impact_s: Option<u64>,
}

/// Per-host record, raw and compact (40 bytes: the Log phase touches one per host event, and a
/// worm touches hundreds of thousands): ticks and indices, [`NONE`] for "not yet", turned into
/// seconds and names by [`summarize`].
#[derive(Debug, Clone, Copy)]
pub struct HostTrace {
    slot: u32,
    /// Campaign of the latest compromise.
    campaign: u32,
    /// Campaign of the first compromise: `pair_seen` holds its [`seen`] bits.
    first_campaign: u32,
    compromised: u32,
    detected: u32,
    contained: u32,
    recovered: u32,
    /// Furthest stage completed + 1 (0 = none), so that `max` folds it.
    furthest_stage: u16,
    /// [`EventLog::detail_code`] of the latest impact (0 = none).
    impact: u8,
    /// What happened to the host under `first_campaign` ([`seen`] bits).
    pair_seen: u8,
    data_lost_mb: f64,
}

/// Bits of what happened to a host under one campaign, so that per-campaign tallies count
/// distinct hosts.
mod seen {
    pub const COMPROMISED: u8 = 1;
    pub const DETECTED: u8 = 2;
    pub const CONTAINED: u8 = 4;
}

impl HostTrace {
    fn new(slot: u32) -> Self {
        HostTrace {
            slot,
            campaign: NONE,
            first_campaign: NONE,
            compromised: NONE,
            detected: NONE,
            contained: NONE,
            recovered: NONE,
            furthest_stage: 0,
            impact: 0,
            pair_seen: 0,
            data_lost_mb: 0.0,
        }
    }
}

/// Hosts that took part in the run: a dense slot → record index + 1 (0 = no record, so the index
/// is allocated zeroed and costs nothing for hosts that never take part), records in first-touch
/// order. Part of the fold ([`LogFold`]).
#[derive(Debug, Default)]
pub struct HostRecords {
    index: Vec<u32>,
    traces: Vec<HostTrace>,
    /// [`seen`] bits of (host, campaign) pairs beyond each host's first campaign (rare: a host
    /// hit by a second campaign).
    other_pairs: BTreeMap<(u32, u32), u8>,
}

impl HostRecords {
    /// Room for `n_hosts` slots (no records yet).
    pub fn new(n_hosts: usize) -> Self {
        HostRecords { index: vec![0; n_hosts], traces: Vec::new(), other_pairs: BTreeMap::new() }
    }

    /// Host `h`'s record and the other (host, campaign) pairs, borrowed apart.
    fn entry_and_pairs(&mut self, h: u32) -> (&mut HostTrace, &mut BTreeMap<(u32, u32), u8>) {
        self.entry(h);
        let i = self.index[h as usize] as usize - 1;
        (&mut self.traces[i], &mut self.other_pairs)
    }

    fn entry(&mut self, h: u32) -> &mut HostTrace {
        if self.index.len() <= h as usize {
            self.index.resize(h as usize + 1, 0);
        }
        let mut i = self.index[h as usize];
        if i == 0 {
            self.traces.push(HostTrace::new(h));
            i = self.traces.len() as u32;
            self.index[h as usize] = i;
        }
        &mut self.traces[i as usize - 1]
    }

    /// Hints that host `h`'s index slot will be read soon.
    fn prefetch_index(&self, h: u32) {
        prefetch(&self.index, h as usize);
    }

    /// Hints that host `h`'s record will be read soon (reads its index slot: ask for that first,
    /// further ahead, with [`HostRecords::prefetch_index`]).
    fn prefetch_trace(&self, h: u32) {
        if let Some(&i) = self.index.get(h as usize) {
            prefetch(&self.traces, (i as usize).wrapping_sub(1));
        }
    }

    /// Takes the records out, sorted by slot (radix).
    fn take_sorted(&mut self) -> Vec<HostTrace> {
        let mut v = std::mem::take(&mut self.traces);
        radix_sort_by_key(&mut v, &mut Vec::new(), |r| r.slot);
        v
    }
}

/// Catalog ids shared by the host table's rows, made on first use.
#[derive(Default)]
struct SharedNames {
    nations: NameCache,
    segments: NameCache,
    groups: NameCache,
    campaigns: NameCache,
    stages: BTreeMap<(u32, u32), Arc<str>>,
    impacts: NameCache,
}

impl SharedNames {
    /// The row of trace `r`, a host of group `gi`.
    fn row(
        &mut self,
        cat: &Catalog,
        gi: usize,
        r: &HostTrace,
        tick_secs: u64,
        impacts: &[Option<&'static str>],
    ) -> HostRecord {
        let g = &cat.groups[gi];
        let camp = cat.campaigns.get(r.campaign as usize);
        let secs = |tick: u32| (tick != NONE).then(|| u64::from(tick) * tick_secs);
        let stage =
            camp.zip(r.furthest_stage.checked_sub(1)).and_then(|(c, s)| c.stages.get(s as usize).map(|st| (s, &st.id)));
        HostRecord {
            name: cat.host_name_in(gi as u32, r.slot),
            nation: self.nations.get(g.nation as usize, &cat.nations[g.nation as usize].id),
            segment: self.segments.get(g.segment as usize, &cat.segments[g.segment as usize].id),
            group: self.groups.get(gi, &g.id),
            campaign: camp.map(|c| self.campaigns.get(r.campaign as usize, &c.id)),
            furthest_stage: stage.map(|(s, id)| {
                self.stages.entry((r.campaign, s.into())).or_insert_with(|| Arc::from(id.as_str())).clone()
            }),
            compromised_s: secs(r.compromised),
            detected_s: secs(r.detected),
            contained_s: secs(r.contained),
            recovered_s: secs(r.recovered),
            impact: impacts
                .get(usize::from(r.impact))
                .copied()
                .flatten()
                .map(|d| self.impacts.get(usize::from(r.impact), d)),
            data_lost_mb: r.data_lost_mb,
        }
    }
}

/// One shared string per catalog index, made on first use.
#[derive(Default)]
struct NameCache(Vec<Option<Arc<str>>>);

impl NameCache {
    fn get(&mut self, index: usize, name: &str) -> Arc<str> {
        if self.0.len() <= index {
            self.0.resize(index + 1, None);
        }
        self.0[index].get_or_insert_with(|| Arc::from(name)).clone()
    }
}

fn first(slot: &mut Option<u64>, t: u64) {
    slot.get_or_insert(t);
}

/// Sets `bit` for the host of `trace` under campaign `c` (its first campaign's bits live in the
/// trace, others in `others`); true if the pair did not have it yet.
fn mark_pair(trace: &mut HostTrace, others: &mut BTreeMap<(u32, u32), u8>, c: u32, bit: u8) -> bool {
    if trace.first_campaign == NONE {
        trace.first_campaign = c;
    }
    let bits =
        if trace.first_campaign == c { &mut trace.pair_seen } else { others.entry((trace.slot, c)).or_default() };
    let new = *bits & bit == 0;
    *bits |= bit;
    new
}

/// The [`seen`] bit a kind of event sets for its (host, campaign) pair.
fn pair_bit(kind: EventKind) -> Option<u8> {
    match kind {
        EventKind::HostCompromised => Some(seen::COMPROMISED),
        EventKind::HostDetected => Some(seen::DETECTED),
        EventKind::HostContained => Some(seen::CONTAINED),
        _ => None,
    }
}

/// Keeps the first tick in a [`HostTrace`] field.
fn first_tick(slot: &mut u32, tick: u32) {
    if *slot == NONE {
        *slot = tick;
    }
}

/// The fold of the event log: host records, tallies by nation and by campaign, and the deltas of
/// the batch being folded (one tick's events, added to the tallies at the tick's end, so that
/// floating-point sums keep one order whichever thread folds them).
#[derive(Debug, Default)]
struct Folder {
    records: HostRecords,
    nations: Vec<NationTally>,
    campaigns: Vec<CampaignTally>,
    nation_delta: Vec<Option<NationTally>>,
    campaign_delta: Vec<Option<CampaignTally>>,
    times: ResponseFold,
    tick_secs: u64,
}

impl Folder {
    /// Folds `records`, the log's from index `first` on; a tick's batch ends after each index
    /// (exclusive) in `ends`, ascending. Every full chunk before `first` was folded before.
    fn fold(&mut self, first: usize, records: &[Record], look: &Lookup, ends: &[usize]) {
        let mut ends = ends.iter().copied().peekable();
        for (k, r) in records.iter().enumerate() {
            self.prefetch_ahead(records, k);
            self.times.prefetch_cause(first, records, k + 4 * AHEAD);
            self.fold_one(r, look);
            self.times.fold(r, first, records, self.tick_secs);
            if ends.next_if_eq(&(first + k + 1)).is_some() {
                self.end_batch();
            }
        }
    }

    /// Folds a full chunk of the log (the next one), and keeps it for the causes read later.
    fn fold_chunk(&mut self, chunk: &FullChunk, ends: &[usize]) {
        self.fold(chunk.first, &chunk.records, &chunk.lookup(), ends);
        self.times.past.push(Arc::clone(&chunk.records));
    }

    #[inline]
    fn fold_one(&mut self, r: &Record, look: &Lookup) {
        let (trace, pairs) = match r.host() {
            Some(h) => {
                let (t, p) = self.records.entry_and_pairs(h);
                (Some(t), Some(p))
            }
            None => (None, None),
        };
        let nation = r.nation().and_then(|n| self.nation_delta.get_mut(n as usize)).map(|t| t.get_or_insert_default());
        let campaign =
            r.campaign().and_then(|c| self.campaign_delta.get_mut(c as usize)).map(|t| t.get_or_insert_default());
        Touched::new(r, self.tick_secs, nation, campaign, trace, pairs).fold(look, r);
    }

    /// Host events come at scattered slots: asks for the index slot of the host of the event
    /// `4 × AHEAD` after `k`, and for the record of the one `2 × AHEAD` after it.
    #[inline]
    fn prefetch_ahead(&self, records: &[Record], k: usize) {
        if let Some(h) = records.get(k + 4 * AHEAD).and_then(Record::host) {
            self.records.prefetch_index(h);
        }
        if let Some(h) = records.get(k + 2 * AHEAD).and_then(Record::host) {
            self.records.prefetch_trace(h);
        }
    }

    /// Adds the batch's deltas to the tallies.
    fn end_batch(&mut self) {
        for (t, d) in self.nations.iter_mut().zip(&mut self.nation_delta) {
            if let Some(d) = d.take() {
                t.add(&d);
            }
        }
        for (t, d) in self.campaigns.iter_mut().zip(&mut self.campaign_delta) {
            if let Some(d) = d.take() {
                t.add(&d);
            }
        }
    }
}

/// The response times' part of the fold: detect is measured from the compromise (the
/// detection's cause, an earlier event); acknowledge, contain and recover from the detection (the
/// incident's opening). Sums of whole seconds, so the order they are added in does not matter.
#[derive(Debug, Default)]
struct ResponseFold {
    /// The full chunks folded so far, shared with the log: a detection's cause is read there.
    past: Vec<Arc<Vec<Record>>>,
    /// Tick each incident was opened, by id − 1 (ids are dense from 1).
    opened: Vec<Option<u32>>,
    nations: Vec<Times>,
    campaigns: Vec<Times>,
}

impl ResponseFold {
    /// Room for `n_nations` and `n_campaigns` sums.
    fn new(n_nations: usize, n_campaigns: usize) -> Self {
        ResponseFold {
            nations: vec![Times::default(); n_nations],
            campaigns: vec![Times::default(); n_campaigns],
            ..ResponseFold::default()
        }
    }

    /// Where log index `index` is: in `records` (the log's from `first` on) or in a full chunk
    /// folded before; the slice and the place in it.
    #[inline]
    fn place<'a>(&'a self, index: usize, first: usize, records: &'a [Record]) -> Option<(&'a [Record], usize)> {
        match index.checked_sub(first) {
            Some(k) => Some((records, k)),
            None => {
                let (c, k) = chunk_place(index);
                self.past.get(c).map(|c| (c.as_slice(), k))
            }
        }
    }

    /// The cause of detection `d`, if the log holds it.
    #[inline]
    fn cause_of<'a>(&'a self, d: &Record, first: usize, records: &'a [Record]) -> Option<&'a Record> {
        self.place((d.cause() as usize).wrapping_sub(1), first, records).and_then(|(c, k)| c.get(k))
    }

    /// A detection reads its cause, a compromise far back in the log: asks for the cause of the
    /// record at `k` of `records` ahead, if it is a detection.
    #[inline]
    fn prefetch_cause(&self, first: usize, records: &[Record], k: usize) {
        let detection = records.get(k).filter(|r| r.kind == EventKind::HostDetected);
        if let Some(cause) = detection.and_then(|d| self.cause_of(d, first, records)) {
            prefetch(std::slice::from_ref(cause), 0);
        }
    }

    /// Time `which` measured by `r`, a step of an incident: the ticks since it was opened.
    #[inline]
    fn since_opened(&self, r: &Record, which: usize) -> Option<(usize, u64)> {
        let opened = (r.incident() as usize).checked_sub(1).and_then(|i| self.opened.get(i).copied().flatten());
        opened.map(|t| (which, r.tick() - u64::from(t)))
    }

    /// Adds the time `r` (the log's record at `first + k` for some `k`) measures, if any.
    #[inline]
    fn fold(&mut self, r: &Record, first: usize, records: &[Record], tick_secs: u64) {
        let measured = match r.kind {
            EventKind::HostDetected => self.cause_of(r, first, records).map(|c| (0, r.tick() - c.tick())),
            EventKind::IncidentOpened => {
                if let Some(i) = (r.incident() as usize).checked_sub(1) {
                    if self.opened.len() <= i {
                        self.opened.resize(i + 1, None);
                    }
                    self.opened[i] = Some(r.tick() as u32);
                }
                None
            }
            EventKind::IncidentAcknowledged => self.since_opened(r, 1),
            EventKind::HostContained => self.since_opened(r, 2),
            EventKind::HostRecovered => self.since_opened(r, 3),
            _ => None,
        };
        if let Some((which, ticks)) = measured {
            let secs = ticks * tick_secs;
            if let Some(t) = r.nation().and_then(|n| self.nations.get_mut(n as usize)) {
                t.add(which, secs);
            }
            if let Some(t) = r.campaign().and_then(|c| self.campaigns.get_mut(c as usize)) {
                t.add(which, secs);
            }
        }
    }
}

/// A full chunk of the log and where ticks ended in it, for the folding thread.
type Handover = (FullChunk, Vec<usize>);

/// The Log phase's fold of the event log, which nothing reads before ENDEX.
///
/// A run that never fills the log's first chunk (65,536 events) folds its log once, at ENDEX. A
/// longer one hands each full chunk, as it fills, to a thread of its own that folds it while the
/// run goes on (at a million hosts the fold is a seventh of the ticks' work, random writes to
/// host records), and folds the rest at ENDEX. The fold is a pure function of the log and of
/// where each tick ended, taken in log order, so the summary does not depend on the thread, its
/// timing, or whether the platform let it start.
#[derive(Resource, Default)]
pub struct LogFold {
    folder: Arc<Mutex<Folder>>,
    /// The folding thread and the way to it, once a chunk has filled (and the platform allowed
    /// a thread: if not, chunks are folded here).
    thread: Option<(Sender<Handover>, JoinHandle<()>)>,
    /// Whether a thread was asked for.
    started: bool,
    /// Full chunks handed over.
    sent: usize,
    /// Where the log stood at the end of each tick, not yet handed over (ascending).
    ends: Vec<usize>,
    /// Where the log stood at the end of the last tick.
    last_end: usize,
}

impl LogFold {
    /// Room for `n_hosts` host slots, `n_nations` and `n_campaigns` tallies.
    pub fn new(n_hosts: usize, n_nations: usize, n_campaigns: usize, tick_secs: u64) -> Self {
        let folder = Folder {
            records: HostRecords::new(n_hosts),
            nations: vec![NationTally::default(); n_nations],
            campaigns: vec![CampaignTally::default(); n_campaigns],
            nation_delta: vec![None; n_nations],
            campaign_delta: vec![None; n_campaigns],
            times: ResponseFold::new(n_nations, n_campaigns),
            tick_secs,
        };
        LogFold { folder: Arc::new(Mutex::new(folder)), ..LogFold::default() }
    }

    /// A tick ended with the log at `log.len()`: notes it, and hands over the chunks filled.
    fn tick_ended(&mut self, log: &EventLog) {
        if log.len() > self.last_end {
            self.last_end = log.len();
            self.ends.push(log.len());
        }
        while let Some(chunk) = log.full_chunk(self.sent) {
            let ends = self.take_ends(chunk.first + chunk.records.len());
            self.hand_over(chunk, ends);
            self.sent += 1;
        }
    }

    /// The tick ends up to `end`, taken out.
    fn take_ends(&mut self, end: usize) -> Vec<usize> {
        let n = self.ends.partition_point(|&e| e <= end);
        self.ends.drain(..n).collect()
    }

    /// Sends a full chunk to the folding thread (started on the first), or folds it here.
    fn hand_over(&mut self, chunk: FullChunk, ends: Vec<usize>) {
        if !self.started {
            self.started = true;
            let (tx, rx) = channel::<Handover>();
            let folder = Arc::clone(&self.folder);
            let spawned = std::thread::Builder::new().name("cydex-fold".into()).spawn(move || {
                for (chunk, ends) in rx {
                    lock(&folder).fold_chunk(&chunk, &ends);
                }
            });
            self.thread = spawned.ok().map(|h| (tx, h));
        }
        match &self.thread {
            // A send fails only if the thread panicked: `finish` re-raises that.
            Some((tx, _)) => {
                let _ = tx.send((chunk, ends));
            }
            None => lock(&self.folder).fold_chunk(&chunk, &ends),
        }
    }

    /// The fold of the whole log, at ENDEX: the thread's, joined, and the rest folded here.
    fn finish(mut self, log: &EventLog) -> Folder {
        if let Some((tx, handle)) = self.thread.take() {
            drop(tx);
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        if log.len() > self.last_end {
            self.ends.push(log.len());
        }
        let mut folder = std::mem::take(&mut *lock(&self.folder));
        for k in self.sent..log.full_chunks() {
            if let Some(chunk) = log.full_chunk(k) {
                let ends = self.take_ends(chunk.first + chunk.records.len());
                folder.fold_chunk(&chunk, &ends);
            }
        }
        let look = log.lookup();
        for (first, records) in log.chunks_from(log.full_chunks()) {
            let ends = self.take_ends(first + records.len());
            folder.fold(first, records, &look, &ends);
        }
        folder
    }
}

fn lock(folder: &Mutex<Folder>) -> std::sync::MutexGuard<'_, Folder> {
    folder.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Log phase: note where the tick ended, and hand the log's newly full chunks to the fold.
pub fn fold_events(log: Res<EventLog>, mut fold: ResMut<LogFold>) {
    fold.tick_ended(&log);
}

impl NationTally {
    /// Adds a tick's delta: counts add up, first times keep the earliest.
    fn add(&mut self, d: &NationTally) {
        self.compromised += d.compromised;
        self.reinfections += d.reinfections;
        self.detected += d.detected;
        self.contained += d.contained;
        self.recovered += d.recovered;
        self.incidents += d.incidents;
        self.data_lost_mb += d.data_lost_mb;
        self.indicators_received += d.indicators_received;
        self.first_compromise_s = self.first_compromise_s.or(d.first_compromise_s);
        self.first_detection_s = self.first_detection_s.or(d.first_detection_s);
    }
}

impl CampaignTally {
    /// Adds a tick's delta: counts add up, the furthest stage is the maximum, first times keep
    /// the earliest.
    fn add(&mut self, d: &CampaignTally) {
        self.started_s = self.started_s.or(d.started_s);
        self.compromised += d.compromised;
        self.reinfections += d.reinfections;
        self.detected += d.detected;
        self.contained += d.contained;
        self.furthest_stage = self.furthest_stage.max(d.furthest_stage);
        self.impacts += d.impacts;
        self.first_compromise_s = self.first_compromise_s.or(d.first_compromise_s);
        self.first_detection_s = self.first_detection_s.or(d.first_detection_s);
        self.first_impact_s = self.first_impact_s.or(d.first_impact_s);
    }
}

/// What one event touches: this tick's delta of its nation and of its campaign, its host's
/// trace, and when it happened.
struct Touched<'a> {
    /// Seconds since STARTEX.
    t: u64,
    /// The tick, for the host trace (below `validate::MAX_TICKS`, far from `NONE`).
    tick: u32,
    /// Campaign index of the event.
    campaign: Option<u32>,
    nation_delta: Option<&'a mut NationTally>,
    campaign_delta: Option<&'a mut CampaignTally>,
    host: Option<&'a mut HostTrace>,
    /// Whether this is the first such event of the (host, campaign) pair: campaign tallies count
    /// distinct hosts.
    pair_new: bool,
}

impl<'a> Touched<'a> {
    /// The view of event `r`, marking its (host, campaign) pair in the trace or in `pairs`.
    #[inline]
    fn new(
        r: &Record,
        tick_secs: u64,
        nation_delta: Option<&'a mut NationTally>,
        campaign_delta: Option<&'a mut CampaignTally>,
        mut host: Option<&'a mut HostTrace>,
        pairs: Option<&mut BTreeMap<(u32, u32), u8>>,
    ) -> Self {
        let campaign = r.campaign();
        let pair_new = match (host.as_deref_mut(), pairs, campaign, pair_bit(r.kind)) {
            (Some(t), Some(p), Some(c), Some(bit)) => mark_pair(t, p, c, bit),
            _ => false,
        };
        Touched {
            t: r.tick() * tick_secs,
            tick: u32::try_from(r.tick()).unwrap_or(NONE - 1),
            campaign,
            nation_delta,
            campaign_delta,
            host,
            pair_new,
        }
    }

    /// Folds event `r` by its kind.
    #[inline]
    fn fold(mut self, look: &Lookup, r: &Record) {
        match r.kind {
            EventKind::CampaignStarted => self.campaign_started(),
            EventKind::HostCompromised => self.compromised(),
            EventKind::StageCompleted => self.stage_completed(r.stage()),
            EventKind::ImpactApplied => self.impact_applied(look.detail_code(r)),
            EventKind::HostDetected => self.detected(),
            EventKind::IncidentOpened => {
                if let Some(n) = self.nation_delta.as_mut() {
                    n.incidents += 1;
                }
            }
            EventKind::HostContained => self.contained(),
            EventKind::HostRecovered => self.recovered(),
            EventKind::DataLost => self.data_lost(look.value(r).unwrap_or(0.0)),
            EventKind::IndicatorsReceived if look.detail(r) != Some("already_held") => {
                if let Some(n) = self.nation_delta.as_mut() {
                    n.indicators_received += 1;
                }
            }
            _ => {}
        }
    }

    /// 1 if the host never had this kind of event before (`field` still `NONE`): nation tallies
    /// count distinct hosts.
    #[inline]
    fn host_new(&self, field: fn(&HostTrace) -> u32) -> u64 {
        u64::from(self.host.as_ref().is_none_or(|h| field(h) == NONE))
    }

    /// Keeps this event's tick in the host trace's `field` unless it holds one already.
    #[inline]
    fn host_first_tick(&mut self, field: fn(&mut HostTrace) -> &mut u32) {
        if let Some(h) = self.host.as_mut() {
            first_tick(field(h), self.tick);
        }
    }

    /// A campaign's start time.
    #[inline]
    fn campaign_started(&mut self) {
        if let Some(c) = self.campaign_delta.as_mut() {
            first(&mut c.started_s, self.t);
        }
    }

    /// A compromise: a new host or a re-infection, for the nation and for the campaign apart; the
    /// host remembers its latest campaign and its first compromise.
    #[inline]
    fn compromised(&mut self) {
        let new = self.host_new(|h| h.compromised);
        if let Some(n) = self.nation_delta.as_mut() {
            n.compromised += new;
            n.reinfections += 1 - new;
            first(&mut n.first_compromise_s, self.t);
        }
        if let Some(c) = self.campaign_delta.as_mut() {
            c.compromised += u64::from(self.pair_new);
            c.reinfections += u64::from(!self.pair_new);
            first(&mut c.first_compromise_s, self.t);
        }
        if let Some(h) = self.host.as_mut() {
            h.campaign = self.campaign.unwrap_or(NONE);
            first_tick(&mut h.compromised, self.tick);
        }
    }

    /// A completed stage: the furthest stage of the campaign and of the host.
    #[inline]
    fn stage_completed(&mut self, stage: Option<u32>) {
        if let Some(c) = self.campaign_delta.as_mut() {
            c.furthest_stage = c.furthest_stage.max(stage);
        }
        if let Some(h) = self.host.as_mut() {
            let done = stage.map_or(0, |s| u16::try_from(s).unwrap_or(u16::MAX - 1) + 1);
            h.furthest_stage = h.furthest_stage.max(done);
        }
    }

    /// An impact: counted for the campaign; the host keeps the latest one's kind.
    #[inline]
    fn impact_applied(&mut self, detail_code: u8) {
        if let Some(c) = self.campaign_delta.as_mut() {
            c.impacts += 1;
            first(&mut c.first_impact_s, self.t);
        }
        if let Some(h) = self.host.as_mut() {
            h.impact = detail_code;
        }
    }

    /// A detection: distinct hosts for the nation and the campaign, and first times.
    #[inline]
    fn detected(&mut self) {
        let new = self.host_new(|h| h.detected);
        if let Some(n) = self.nation_delta.as_mut() {
            n.detected += new;
            first(&mut n.first_detection_s, self.t);
        }
        if let Some(c) = self.campaign_delta.as_mut() {
            c.detected += u64::from(self.pair_new);
            first(&mut c.first_detection_s, self.t);
        }
        self.host_first_tick(|h| &mut h.detected);
    }

    /// A containment: distinct hosts for the nation and the campaign.
    #[inline]
    fn contained(&mut self) {
        let new = self.host_new(|h| h.contained);
        if let Some(n) = self.nation_delta.as_mut() {
            n.contained += new;
        }
        if let Some(c) = self.campaign_delta.as_mut() {
            c.contained += u64::from(self.pair_new);
        }
        self.host_first_tick(|h| &mut h.contained);
    }

    /// A recovery: distinct hosts for the nation.
    #[inline]
    fn recovered(&mut self) {
        let new = self.host_new(|h| h.recovered);
        if let Some(n) = self.nation_delta.as_mut() {
            n.recovered += new;
        }
        self.host_first_tick(|h| &mut h.recovered);
    }

    /// Data lost, summed for the nation and the host.
    #[inline]
    fn data_lost(&mut self, mb: f64) {
        if let Some(n) = self.nation_delta.as_mut() {
            n.data_lost_mb += mb;
        }
        if let Some(h) = self.host.as_mut() {
            h.data_lost_mb += mb;
        }
    }
}

/// What a campaign achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignSummary {
    /// Campaign id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Start, seconds from STARTEX (None: never started).
    pub started_s: Option<u64>,
    /// `not_started`; `impact` (an impact was applied); `stopped` (no impact, and every host it
    /// holds at ENDEX is contained: it can no longer progress); or `running` (no impact yet, and
    /// an uncontained host still holds it at ENDEX).
    pub outcome: String,
    /// Stages in the kill chain.
    pub stages: u32,
    /// Furthest stage completed by any host (id).
    pub furthest_stage: Option<String>,
    /// Its index (0-based).
    pub furthest_stage_index: Option<u32>,
    /// For a `stopped` campaign only: the stage it was stopped at, the one after the furthest
    /// completed.
    pub stopped_at_stage: Option<String>,
    /// Distinct hosts it compromised.
    pub hosts_compromised: u64,
    /// Compromises of a host it had compromised before (after a recovery).
    pub reinfections: u64,
    /// Distinct hosts detected while it held them.
    pub hosts_detected: u64,
    /// Distinct hosts contained while it held them.
    pub hosts_contained: u64,
    /// Hosts it still held, uncontained, at ENDEX.
    pub hosts_active_at_endex: u64,
    /// Impacts applied.
    pub impacts: u64,
    /// First compromise, seconds.
    pub first_compromise_s: Option<u64>,
    /// First detection, seconds.
    pub first_detection_s: Option<u64>,
    /// First impact, seconds.
    pub first_impact_s: Option<u64>,
    /// Mean compromise → detection, seconds (MTTD), over detections.
    pub mean_time_to_detect_s: Option<f64>,
    /// Mean detection → acknowledgement, seconds (MTTA), over acknowledged incidents.
    pub mean_time_to_acknowledge_s: Option<f64>,
    /// Mean detection → containment, seconds (MTTC), over contained incidents.
    pub mean_time_to_contain_s: Option<f64>,
    /// Mean detection → recovery, seconds (MTTR), over recovered incidents.
    pub mean_time_to_recover_s: Option<f64>,
}

/// One service's availability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSummary {
    /// Service id.
    pub id: String,
    /// Owning nation.
    pub nation: String,
    /// Availability weight.
    pub weight: f64,
    /// Ticks up.
    pub up_ticks: u64,
    /// Ticks down.
    pub down_ticks: u64,
    /// Seconds down.
    pub down_s: u64,
    /// Fraction of the run up.
    pub uptime: f64,
    /// Number of outages.
    pub outages: u32,
    /// Down at ENDEX.
    pub down_at_endex: bool,
}

/// What happened to one nation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationSummary {
    /// Nation id.
    pub id: String,
    /// Team id.
    pub team: String,
    /// Distinct hosts compromised.
    pub hosts_compromised: u64,
    /// Compromises of a host compromised before (after a recovery).
    pub reinfections: u64,
    /// Distinct hosts detected.
    pub hosts_detected: u64,
    /// Distinct hosts contained.
    pub hosts_contained: u64,
    /// Distinct hosts recovered.
    pub hosts_recovered: u64,
    /// Incidents opened.
    pub incidents_opened: u64,
    /// Incidents not recovered (not closed) at ENDEX, whatever their phase.
    pub incidents_not_recovered_at_endex: u64,
    /// MB lost.
    pub data_lost_mb: f64,
    /// Indicator deliveries received.
    pub indicators_received: u64,
    /// Services that went down at least once.
    pub services_down: Vec<String>,
    /// Seconds of service down-time, summed over its services.
    pub service_down_s: u64,
    /// First compromise, seconds.
    pub first_compromise_s: Option<u64>,
    /// First detection, seconds.
    pub first_detection_s: Option<u64>,
    /// Mean compromise → detection, seconds (MTTD), over detections.
    pub mean_time_to_detect_s: Option<f64>,
    /// Mean detection → acknowledgement, seconds (MTTA), over acknowledged incidents.
    pub mean_time_to_acknowledge_s: Option<f64>,
    /// Mean detection → containment, seconds (MTTC), over contained incidents.
    pub mean_time_to_contain_s: Option<f64>,
    /// Mean detection → recovery, seconds (MTTR), over recovered incidents.
    pub mean_time_to_recover_s: Option<f64>,
}

/// One assistance request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistanceRecord {
    /// Requesting nation.
    pub nation: String,
    /// Provider.
    pub provider: String,
    /// Why (`policy_backlog`, `policy_severity`, `inject`).
    pub reason: String,
    /// Requested, seconds.
    pub requested_s: u64,
    /// Approved, seconds.
    pub approved_s: Option<u64>,
    /// On task, seconds.
    pub on_task_s: Option<u64>,
    /// Off task, seconds.
    pub off_task_s: Option<u64>,
}

/// One host that took part in the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostRecord {
    /// Readable name, e.g. `EST-GOV-WS-0012`.
    pub name: String,
    /// Nation.
    pub nation: Arc<str>,
    /// Segment.
    pub segment: Arc<str>,
    /// Host group.
    pub group: Arc<str>,
    /// Campaign that (last) compromised it.
    pub campaign: Option<Arc<str>>,
    /// Furthest stage completed.
    pub furthest_stage: Option<Arc<str>>,
    /// First compromise, seconds.
    pub compromised_s: Option<u64>,
    /// First detection, seconds.
    pub detected_s: Option<u64>,
    /// First containment, seconds.
    pub contained_s: Option<u64>,
    /// First recovery, seconds.
    pub recovered_s: Option<u64>,
    /// Impact applied to it.
    pub impact: Option<Arc<str>>,
    /// MB lost from it.
    pub data_lost_mb: f64,
}

/// The host table of a run ([`RunSummary::hosts`]): one row per host that took part, by slot.
///
/// A finished run keeps the compact per-host traces and the catalog, and renders rows into
/// [`HostRecord`]s on demand ([`HostTable::iter`], serialization), the way [`EventStream`]
/// renders events: a run whose table nobody reads (a batch member) never builds 100 000 rows of
/// strings. A table read back from JSON holds its rows.
///
/// [`EventStream`]: super::events::EventStream
#[derive(Clone)]
pub struct HostTable(Rows);

#[derive(Debug, Clone)]
enum Rows {
    /// Traces sorted by slot, and what it takes to name them.
    Traces { traces: Vec<HostTrace>, cat: Arc<Catalog>, tick_secs: u64, impacts: Vec<Option<&'static str>> },
    /// Rows as read back.
    Records(Vec<HostRecord>),
}

impl HostTable {
    /// Rows.
    pub fn len(&self) -> usize {
        match &self.0 {
            Rows::Traces { traces, .. } => traces.len(),
            Rows::Records(v) => v.len(),
        }
    }

    /// No row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row in slot order, rendered one at a time.
    pub fn iter(&self) -> Box<dyn Iterator<Item = HostRecord> + '_> {
        match &self.0 {
            Rows::Records(v) => Box::new(v.iter().cloned()),
            Rows::Traces { traces, cat, tick_secs, impacts } => {
                // Traces come in slot order and groups are slot ranges: walk the groups
                // alongside them instead of a binary search per host.
                let mut gi = 0usize;
                // Ids repeat across hosts: each is allocated once and shared.
                let mut names = SharedNames::default();
                Box::new(traces.iter().map(move |r| {
                    let h = r.slot;
                    while gi + 1 < cat.group_starts.len() && cat.group_starts[gi + 1] <= h {
                        gi += 1;
                    }
                    names.row(cat, gi, r, *tick_secs, impacts)
                }))
            }
        }
    }

    /// Every row.
    pub fn to_vec(&self) -> Vec<HostRecord> {
        self.iter().collect()
    }
}

impl std::fmt::Debug for HostTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<HostRecord>> for HostTable {
    fn from(rows: Vec<HostRecord>) -> Self {
        HostTable(Rows::Records(rows))
    }
}

impl PartialEq for HostTable {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Serialize for HostTable {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for HostTable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<HostRecord>::deserialize(deserializer).map(HostTable::from)
    }
}

/// The run's result, for reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Exercise id.
    pub exercise: String,
    /// Master seed.
    pub seed: u64,
    /// Run index.
    pub run_index: u64,
    /// STARTEX, UTC.
    pub startex: String,
    /// Tick length, seconds.
    pub tick_s: u64,
    /// Ticks simulated.
    pub ticks_run: u64,
    /// Simulated seconds.
    pub duration_s: u64,
    /// Hosts in the exercise.
    pub hosts_total: u64,
    /// Events logged.
    pub events: u64,
    /// First compromise anywhere, seconds.
    pub first_compromise_s: Option<u64>,
    /// First detection anywhere, seconds.
    pub first_detection_s: Option<u64>,
    /// MB lost in total.
    pub data_lost_mb: f64,
    /// Per campaign.
    pub campaigns: Vec<CampaignSummary>,
    /// Per nation.
    pub nations: Vec<NationSummary>,
    /// Per service.
    pub services: Vec<ServiceSummary>,
    /// Assistance requests.
    pub assistance: Vec<AssistanceRecord>,
    /// Hosts that took part (sorted by slot).
    pub hosts: HostTable,
}

/// Sums and counts of response times, for means.
#[derive(Debug, Clone, Copy, Default)]
struct Times {
    sums: [u64; 4],
    counts: [u64; 4],
}

impl Times {
    fn add(&mut self, which: usize, secs: u64) {
        self.sums[which] += secs;
        self.counts[which] += 1;
    }

    fn mean(&self, which: usize) -> Option<f64> {
        (self.counts[which] > 0).then(|| self.sums[which] as f64 / self.counts[which] as f64)
    }
}

/// Per campaign, the hosts it holds uncontained at ENDEX (only hosts that took part can).
fn active_at_endex(hosts: &Hosts, traces: &[HostTrace], campaigns: usize) -> Vec<u64> {
    let mut active = vec![0u64; campaigns];
    for t in traces {
        let st = hosts.get(t.slot);
        if st.flags & (flag::COMPROMISED | flag::CONTAINED) == flag::COMPROMISED
            && let Some(n) = active.get_mut(st.campaign as usize)
        {
            *n += 1;
        }
    }
    active
}

/// Builds the summary from the world at ENDEX.
pub fn summarize(world: &mut World, cat: &Arc<Catalog>, seed: u64, run_index: u64) -> RunSummary {
    let fold = world.remove_resource::<LogFold>().unwrap_or_default();
    let clock = world.resource::<SimClock>();
    let log = world.resource::<EventLog>();
    let Folder { mut records, nations: nation_tallies, campaigns: campaign_tallies, times, .. } = fold.finish(log);
    let traces = records.take_sorted();
    let (nation_times, campaign_times) = (times.nations, times.campaigns);
    let end = clock.n_ticks;
    let secs = |t: u64| t * clock.tick_secs;
    let services = service_summaries(world.resource::<ServiceBook>(), cat, clock);
    let active = active_at_endex(world.resource::<Hosts>(), &traces, cat.campaigns.len());
    let campaigns = campaign_tallies
        .iter()
        .enumerate()
        .map(|(i, t)| campaign_summary(&cat.campaigns[i], t, active[i], campaign_times.get(i)))
        .collect();
    let response = world.resource::<ResponseBook>();
    let nations = nation_tallies
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let open = response.open_count(i as u32) as u64;
            nation_summary(&cat.nations[i], t, open, &services, nation_times.get(i))
        })
        .collect();
    let assistance = assistance_records(world.resource::<AssistanceBook>(), cat, clock.tick_secs);
    // Rendered on demand (see `HostTable`): the detail names an impact code can take.
    let impacts: Vec<Option<&'static str>> = (0..=u8::MAX).map(|c| log.detail_of_code(c)).collect();
    let tick_secs = clock.tick_secs;
    RunSummary {
        exercise: cat.exercise_id.clone(),
        seed,
        run_index,
        startex: format_utc(clock.startex_unix),
        tick_s: clock.tick_secs,
        ticks_run: end,
        duration_s: secs(end),
        hosts_total: u64::from(cat.n_hosts),
        events: log.len() as u64,
        first_compromise_s: nation_tallies.iter().filter_map(|t| t.first_compromise_s).min(),
        first_detection_s: nation_tallies.iter().filter_map(|t| t.first_detection_s).min(),
        data_lost_mb: nation_tallies.iter().map(|t| t.data_lost_mb).sum(),
        campaigns,
        nations,
        services,
        assistance,
        hosts: HostTable(Rows::Traces { traces, cat: Arc::clone(cat), tick_secs, impacts }),
    }
}

/// Each service's up and down time over the run, outages and state at ENDEX.
fn service_summaries(services: &ServiceBook, cat: &Catalog, clock: &SimClock) -> Vec<ServiceSummary> {
    let end = clock.n_ticks;
    (0..services.defs.len())
        .map(|i| {
            let down = services.down_ticks_at(i, end).min(end);
            ServiceSummary {
                id: cat.services[i].clone(),
                nation: cat.nations[services.defs[i].nation as usize].id.clone(),
                weight: services.defs[i].weight,
                up_ticks: end - down,
                down_ticks: down,
                down_s: down * clock.tick_secs,
                uptime: if end == 0 { 1.0 } else { (end - down) as f64 / end as f64 },
                outages: services.outages[i],
                down_at_endex: !services.up[i],
            }
        })
        .collect()
}

/// A campaign's outcome: `not_started`; `impact` once an impact was applied; `stopped` when it
/// compromised hosts and holds none uncontained at ENDEX; else `running`.
fn campaign_outcome(t: &CampaignTally, active_at_endex: u64) -> &'static str {
    if t.started_s.is_none() {
        "not_started"
    } else if t.impacts > 0 {
        "impact"
    } else if t.compromised > 0 && active_at_endex == 0 {
        "stopped"
    } else {
        "running"
    }
}

/// What campaign `def` achieved, from its tally, the hosts it holds uncontained at ENDEX and its
/// response times; a stopped campaign names the stage after the furthest completed.
fn campaign_summary(def: &CampaignDef, t: &CampaignTally, active: u64, times: Option<&Times>) -> CampaignSummary {
    let outcome = campaign_outcome(t, active);
    let next_stage = t.furthest_stage.map_or(0, |s| s as usize + 1);
    let mean = |which: usize| times.and_then(|x| x.mean(which));
    CampaignSummary {
        id: def.id.clone(),
        name: def.name.clone(),
        started_s: t.started_s,
        outcome: outcome.to_string(),
        stages: def.stages.len() as u32,
        furthest_stage: t.furthest_stage.and_then(|s| def.stages.get(s as usize)).map(|s| s.id.clone()),
        furthest_stage_index: t.furthest_stage,
        stopped_at_stage: if outcome == "stopped" { def.stages.get(next_stage).map(|s| s.id.clone()) } else { None },
        hosts_compromised: t.compromised,
        reinfections: t.reinfections,
        hosts_detected: t.detected,
        hosts_contained: t.contained,
        hosts_active_at_endex: active,
        impacts: t.impacts,
        first_compromise_s: t.first_compromise_s,
        first_detection_s: t.first_detection_s,
        first_impact_s: t.first_impact_s,
        mean_time_to_detect_s: mean(0),
        mean_time_to_acknowledge_s: mean(1),
        mean_time_to_contain_s: mean(2),
        mean_time_to_recover_s: mean(3),
    }
}

/// What happened to nation `n`, from its tally, its incidents still open at ENDEX, its services
/// and its response times.
fn nation_summary(
    n: &NationInfo,
    t: &NationTally,
    open_at_endex: u64,
    services: &[ServiceSummary],
    times: Option<&Times>,
) -> NationSummary {
    let mine: Vec<&ServiceSummary> = services.iter().filter(|s| s.nation == n.id).collect();
    let mean = |which: usize| times.and_then(|x| x.mean(which));
    NationSummary {
        id: n.id.clone(),
        team: n.team_id.clone(),
        hosts_compromised: t.compromised,
        reinfections: t.reinfections,
        hosts_detected: t.detected,
        hosts_contained: t.contained,
        hosts_recovered: t.recovered,
        incidents_opened: t.incidents,
        incidents_not_recovered_at_endex: open_at_endex,
        data_lost_mb: t.data_lost_mb,
        indicators_received: t.indicators_received,
        services_down: mine.iter().filter(|s| s.outages > 0).map(|s| s.id.clone()).collect(),
        service_down_s: mine.iter().map(|s| s.down_s).sum(),
        first_compromise_s: t.first_compromise_s,
        first_detection_s: t.first_detection_s,
        mean_time_to_detect_s: mean(0),
        mean_time_to_acknowledge_s: mean(1),
        mean_time_to_contain_s: mean(2),
        mean_time_to_recover_s: mean(3),
    }
}

/// Every assistance request, with its timestamps in seconds.
fn assistance_records(assistance: &AssistanceBook, cat: &Catalog, tick_secs: u64) -> Vec<AssistanceRecord> {
    let secs = |t: u64| t * tick_secs;
    assistance
        .deployments
        .iter()
        .map(|d| AssistanceRecord {
            nation: cat.nations[d.nation as usize].id.clone(),
            provider: cat.providers[d.provider as usize].clone(),
            reason: d.reason.to_string(),
            requested_s: secs(d.requested),
            approved_s: d.approved.map(secs),
            on_task_s: d.on_task.map(secs),
            off_task_s: d.off_task.map(secs),
        })
        .collect()
}
