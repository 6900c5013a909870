//! Owns world construction: turns a validated `Scenario` into a bevy_ecs `World` holding an
//! entity per nation, team, service, provider, campaign and inject, and the resources the phases
//! work on.
//!
//! Layout choice: the network is rows of the [`Catalog`], not entities. A host group owns a
//! contiguous range of host slots; a host's hot state lives in the dense [`Hosts`] records,
//! indexed by slot; adjacency is a CSR array over segments. No system reads a segment, a group or
//! a host one entity at a time, and an entity costs ~50 ns and ~60 bytes of bevy storage
//! (`bench_report -- spawn`): host entities were 3× the rest of the run for the 1.1 M idle hosts
//! of `scenarios/bench/alliance-idle-x10.yaml` and, spawned as hosts took part, a tenth of the
//! ticks of the million-host worst case; segment and group entities (one of each per host, at
//! worst) were 2 M spawns in the million-segment world's build. Every reference in the scenario
//! (ids) is resolved here, once, to a dense `u32` index; unknown ids (which validation rejects)
//! are dropped or compile to "never matches" rather than panicking.
//!
//! Cost: linear in ids and host groups, nothing per host. The per-host arrays ([`Hosts`], the
//! summary's host records) are allocated zeroed, zero meaning "as built", so no pass writes them
//! and their pages stay untouched until a host takes part. Every resource is inserted here, none
//! during the run (bevy keeps each resource in a sparse set indexed by entity index).

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::message::Messages;
use bevy_ecs::schedule::Schedules;
use bevy_ecs::world::World;
use rand::RngExt;
use rayon::prelude::*;

use super::RunConfig;
use super::assistance::{AssistanceBook, ProviderDef};
use super::campaigns::CampaignBook;
use super::clock::{DEFAULT_STARTEX, SimClock};
use super::doctrine::{Doctrine, Doctrines, QueueRule, RestoreMode};
use super::events::{Detected, EventLog, TriggerSeen};
use super::ids::NONE;
use super::injects::{EffectRef, InjectBook, InjectDef, TriggerDef};
use super::prefetch::prefetch;
use super::response::ResponseBook;
use super::rng::{CampaignRng, DetectionRng, NationStreams, Purpose, ResponseRng, stream};
use super::services::{ServiceBook, ServiceDef};
use super::sharing::{AgreementDef, Intel};
use super::state::{
    CadenceDef, CampaignDef, CampaignIndex, Catalog, EffectDef, GroupHot, GroupInfo, Hosts, InjectIndex, LateralDef,
    LinkEnd, NationIndex, NationInfo, ProviderIndex, SegmentInfo, ServiceIndex, StageDef, TeamOf,
};
use super::summary::LogFold;
use super::topology::HostGraph;
use crate::par::{join, worth};
use crate::scenario::model::{
    Delay, DelayDistribution, DoctrineDef, Effect, HostGroup, InjectEffect, Link, Nation, QueueOrder, RestoreChoice,
    Scenario, Stage, Targets, WorkPattern, ceil_fraction_of,
};

/// Ids → dense indices, borrowing the scenario's strings (lookups only: no iteration order
/// reaches the world). Open addressing with linear probing, at most half full: a slot holds the
/// id's hash tag (high half) and its index + 1 (low half; 0 is an empty slot). Its batched
/// lookup, [`IdMap::resolve`], asks for each id's slot, key and bytes a few ids ahead, so that the
/// cache misses of resolving a large network's link ends (a slot, then the key's string, both
/// anywhere in memory) overlap instead of following one another.
struct IdMap<'a> {
    slots: Vec<u64>,
    keys: Vec<&'a str>,
    mask: usize,
}

/// How many lookups ahead [`IdMap::resolve`] asks for a slot (half as many for the key).
const RESOLVE_AHEAD: usize = 16;

impl<'a> IdMap<'a> {
    /// Indexes `ids` in order; a repeated id keeps its last index.
    fn of(ids: impl Iterator<Item = &'a str>) -> Self {
        let keys: Vec<&'a str> = ids.collect();
        let len = (keys.len() * 2).next_power_of_two().max(8);
        let mut map = IdMap { slots: vec![0; len], keys: Vec::new(), mask: len - 1 };
        let hashes: Vec<u64> = keys.iter().map(|id| id_hash(id)).collect();
        for (i, (&h, id)) in hashes.iter().zip(&keys).enumerate() {
            if let Some(&ahead) = hashes.get(i + RESOLVE_AHEAD) {
                prefetch(&map.slots, map.home(ahead));
            }
            let mut at = map.home(h);
            loop {
                let slot = map.slots[at];
                if slot == 0 || (slot >> 32 == h >> 32 && keys[Self::index(slot)] == *id) {
                    map.slots[at] = (h >> 32 << 32) | (i as u64 + 1);
                    break;
                }
                at = (at + 1) & map.mask;
            }
        }
        map.keys = keys;
        map
    }

    fn home(&self, hash: u64) -> usize {
        hash as usize & self.mask
    }

    fn index(slot: u64) -> usize {
        (slot as u32 - 1) as usize
    }

    fn get(&self, id: &str) -> Option<u32> {
        self.find(id_hash(id), id)
    }

    fn find(&self, hash: u64, id: &str) -> Option<u32> {
        let mut at = self.home(hash);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == hash >> 32 && self.keys[Self::index(slot)] == id {
                return Some(Self::index(slot) as u32);
            }
            at = (at + 1) & self.mask;
        }
    }

    /// [`IdMap::get`] of each of `ids`, in order, into `out`. The slot an id hashes to is asked
    /// for `RESOLVE_AHEAD` lookups ahead, the key it holds half as far ahead and that key's bytes
    /// a quarter: hints only, the answers are `get`'s.
    fn resolve(&self, ids: &[&str], out: &mut Vec<Option<u32>>) {
        let hashes: Vec<u64> = ids.iter().map(|id| id_hash(id)).collect();
        let held = |k: usize| {
            let slot = self.slots[self.home(*hashes.get(k)?)];
            (slot != 0).then(|| Self::index(slot))
        };
        for (k, (&h, id)) in hashes.iter().zip(ids).enumerate() {
            if let Some(&ahead) = hashes.get(k + RESOLVE_AHEAD) {
                prefetch(&self.slots, self.home(ahead));
            }
            if let Some(i) = held(k + RESOLVE_AHEAD / 2) {
                prefetch(&self.keys, i);
            }
            if let Some(i) = held(k + RESOLVE_AHEAD / 4) {
                prefetch(self.keys[i].as_bytes(), 0);
            }
            out.push(self.find(h, id));
        }
    }
}

/// The hash of an id (FxHash: ids are the scenario's, and a lookup only ever answers an index).
fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

/// Every id of the scenario resolved to its dense index, in scenario order (nations own slots in
/// that order, segments and groups follow their nation's). A duplicate id, which validation
/// rejects, resolves to its last occurrence.
struct Ids<'a> {
    nation: IdMap<'a>,
    /// Team id → its nation's index.
    team: IdMap<'a>,
    segment: IdMap<'a>,
    group: IdMap<'a>,
    service: IdMap<'a>,
    campaign: IdMap<'a>,
    provider: IdMap<'a>,
    inject: IdMap<'a>,
}

impl<'a> Ids<'a> {
    /// Indexes the ids of `scenario`.
    fn of(scenario: &'a Scenario) -> Ids<'a> {
        let nations = || scenario.nations.iter();
        let segments = || nations().flat_map(|n| n.segments.iter());
        // The two large maps (a segment or a group per host, at worst) side by side.
        let (segment, group) = join(
            segments().count(),
            || IdMap::of(segments().map(|s| s.id.as_str())),
            || IdMap::of(segments().flat_map(|s| s.host_groups.iter()).map(|g| g.id.as_str())),
        );
        Ids {
            nation: IdMap::of(nations().map(|n| n.id.as_str())),
            team: IdMap::of(nations().map(|n| n.team.id.as_str())),
            segment,
            group,
            service: IdMap::of(nations().flat_map(|n| n.services.iter()).map(|s| s.id.as_str())),
            campaign: IdMap::of(scenario.campaigns.iter().map(|c| c.id.as_str())),
            provider: IdMap::of(scenario.assistance.iter().map(|p| p.id.as_str())),
            inject: IdMap::of(scenario.msel.iter().map(|i| i.id.as_str())),
        }
    }

    /// The indices of the known ids among `ids`, in order (unknown ones are dropped).
    fn known(map: &IdMap, ids: &[String]) -> Vec<u32> {
        ids.iter().filter_map(|id| map.get(id)).collect()
    }
}

/// What the phases' books are built from: the scenario's services, campaign schedule, assistance
/// providers, sharing agreements and injects, compiled to indices.
struct Books {
    services: Vec<ServiceDef>,
    /// Campaigns by scheduled start tick.
    scheduled_starts: BTreeMap<u64, Vec<u32>>,
    providers: Vec<ProviderDef>,
    agreements: Vec<AgreementDef>,
    injects: Vec<InjectDef>,
    /// Each nation's doctrine, in nation order.
    doctrines: Vec<Doctrine>,
}

/// A team's doctrine as the engine holds it.
pub(crate) fn doctrine(d: &DoctrineDef) -> Doctrine {
    Doctrine {
        queue: match d.queue {
            QueueOrder::Fifo => QueueRule::Fifo,
            QueueOrder::Criticality => QueueRule::Criticality,
            QueueOrder::Campaign => QueueRule::Campaign,
        },
        isolate_at: d.isolate_at,
        share_on_detection: d.share_on_detection,
        assistance: d.request_assistance,
        restore: match d.restore {
            RestoreChoice::Backup => RestoreMode::Backup,
            RestoreChoice::Rebuild => RestoreMode::Rebuild,
        },
    }
}

fn cadence(d: &Delay) -> CadenceDef {
    match *d {
        Delay::Fixed(x) => CadenceDef::Fixed(x.secs()),
        Delay::Distribution(DelayDistribution::Uniform { min, max }) => CadenceDef::Uniform(min.secs(), max.secs()),
        Delay::Distribution(DelayDistribution::Exponential { mean }) => CadenceDef::Exponential(mean.secs()),
    }
}

fn is_target(t: &Targets, cat: &Catalog, g: &GroupInfo) -> bool {
    let seg = &cat.segments[g.segment as usize];
    (t.nations.is_empty() || t.nations.iter().any(|n| *n == cat.nations[g.nation as usize].id))
        && (t.segments.is_empty() || t.segments.contains(&seg.id))
        && (t.segment_kinds.is_empty() || t.segment_kinds.contains(&seg.kind))
        && (t.roles.is_empty() || t.roles.contains(&g.role))
        && t.criticality_at_least.is_none_or(|c| g.criticality >= c)
}

/// Builds the world for one run.
pub fn build_world(scenario: &Scenario, config: &RunConfig) -> World {
    let startex = scenario.exercise.startex.map_or(DEFAULT_STARTEX, |s| s.unix());
    let clock = SimClock::new(scenario.clock.tick.secs(), scenario.clock.duration.secs(), startex);
    let mut cat = Catalog {
        exercise_id: scenario.exercise.id.clone(),
        sensor_key: stream(config.seed, config.run_index, Purpose::Sensors).random::<u64>(),
        ..Catalog::default()
    };
    // The id maps and the catalog's network side by side: both walk every segment and group
    // (one of each per host, at worst), and only the nations' providers need the maps.
    let segments = scenario.nations.iter().map(|n| n.segments.len()).sum();
    let (ids, ()) = join(segments, || Ids::of(scenario), || add_nations(&mut cat, scenario));
    for (info, n) in cat.nations.iter_mut().zip(&scenario.nations) {
        info.providers = Ids::known(&ids.provider, &n.team.assistance_policy.providers);
    }
    index_groups(&mut cat);
    add_links(&mut cat, scenario, &ids);
    add_graphs(&mut cat, scenario);
    let books = Books {
        services: add_services(&mut cat, scenario, &ids),
        scheduled_starts: add_campaigns(&mut cat, scenario, &ids, &clock),
        providers: add_providers(&mut cat, scenario, &ids, &clock),
        agreements: add_agreements(&mut cat, scenario, &ids, &clock),
        injects: add_injects(&mut cat, scenario, &ids, &clock),
        doctrines: scenario.nations.iter().map(|n| doctrine(&n.team.doctrine)).collect(),
    };
    // Dense host arrays (zeroed: no pass over the hosts).
    let mut hosts =
        Hosts::new(cat.n_hosts as usize, cat.segments.iter().map(|s| (s.start, s.end - s.start)), cat.groups.len());
    hosts.track_resistance(cat.campaigns.iter().map(|c| c.resistance > 0.0));
    // A generated network's hosts are picked as neighbours; only a link into its segment would
    // pick one of them by position in the clean pool.
    for seg in 0..cat.segments.len() as u32 {
        if cat.graph(seg).is_some() && cat.links(seg).is_empty() {
            hosts.drop_order(seg);
        }
    }
    let mut world = World::new();
    spawn_entities(&mut world, &cat);
    insert_books(&mut world, books, &cat, config);
    world.insert_resource(LogFold::new(cat.n_hosts as usize, cat.nations.len(), cat.campaigns.len(), clock.tick_secs));
    world.insert_resource(hosts);
    world.insert_resource(cat);
    world.insert_resource(clock);
    // `Schedule::initialize` inserts `Schedules` if absent: insert it now, with the other
    // resources (see the module doc: resources are sparse sets over entity indices).
    world.init_resource::<Schedules>();
    world
}

/// Nations, their segments and host groups, in scenario order, each group on contiguous slots
/// (the exercise's slots stop short of `u32::MAX`: a group past them is cut). The nations'
/// providers are resolved once the id maps are built.
fn add_nations(cat: &mut Catalog, scenario: &Scenario) {
    let mut next_slot: u64 = 0;
    let slot_cap = u64::from(u32::MAX - 1);
    for (ni, n) in scenario.nations.iter().enumerate() {
        cat.nation_starts.push(next_slot as u32);
        cat.nations.push(nation_info(n));
        for s in &n.segments {
            let seg = cat.segments.len() as u32;
            let start = next_slot as u32;
            for g in &s.host_groups {
                let count = g.count.min(slot_cap - next_slot) as u32;
                cat.groups.push(group_info(g, (ni as u32, seg), next_slot as u32, count));
                next_slot += u64::from(count);
            }
            cat.segments.push(SegmentInfo {
                id: s.id.clone(),
                nation: ni as u32,
                kind: s.kind,
                start,
                end: next_slot as u32,
            });
        }
    }
    cat.n_hosts = next_slot as u32;
}

/// A nation and its team (its assistance policy's providers resolved later).
fn nation_info(n: &Nation) -> NationInfo {
    let policy = &n.team.assistance_policy;
    NationInfo {
        id: n.id.clone(),
        team_id: n.team.id.clone(),
        offset_secs: n.utc_offset.seconds(),
        office_hours: n.team.schedule == WorkPattern::OfficeHours,
        analysts: n.team.analysts,
        skills: n.team.skills,
        backlog_over: policy.backlog_over,
        severity_at_least: policy.severity_at_least,
        providers: Vec::new(),
    }
}

/// Host group `g` of (nation, segment) on `count` slots from `start`: `ceil(sensors × count)`
/// covered hosts, hardening clamped to [0, 1].
fn group_info(g: &HostGroup, (nation, segment): (u32, u32), start: u32, count: u32) -> GroupInfo {
    GroupInfo {
        id: g.id.clone(),
        nation,
        segment,
        role: g.role,
        criticality: g.criticality,
        covered: ceil_fraction_of(g.sensors, u64::from(count)) as u32,
        hardening: g.hardening.clamp(0.0, 1.0),
        backup_secs: g.backup_interval.map(|d| d.secs()),
        restore_secs: g.restore_time.secs(),
        data_mb_per_hour: g.data_mb_per_hour,
        start,
        count,
        services: Vec::new(),
    }
}

/// The group lookups the phases use: group starts, each segment's first group, the hot fields
/// of each group, and whether any group is hardened or any is partly covered.
fn index_groups(cat: &mut Catalog) {
    cat.group_starts = cat.groups.iter().map(|g| g.start).collect();
    cat.segment_groups = vec![0; cat.segments.len() + 1];
    for g in &cat.groups {
        cat.segment_groups[g.segment as usize + 1] += 1;
    }
    for i in 1..cat.segment_groups.len() {
        cat.segment_groups[i] += cat.segment_groups[i - 1];
    }
    cat.hot = cat
        .groups
        .iter()
        .map(|g| GroupHot {
            segment: g.segment,
            nation: g.nation,
            covered: g.covered,
            count: g.count,
            hardening: g.hardening,
            restore_secs: g.restore_secs,
        })
        .collect();
    cat.any_hardening = cat.hot.iter().any(|g| g.hardening > 0.0);
    cat.all_covered = cat.hot.iter().all(|g| g.covered >= g.count);
}

/// Links → CSR adjacency over segments: every pair of distinct known segments a link joins, both
/// ways, each segment's ends sorted by target (then filtering) for a stable order. Built by
/// counting (two passes over the links, one allocation per array), not a vector per segment.
fn add_links(cat: &mut Catalog, scenario: &Scenario, ids: &Ids) {
    let n = cat.segments.len();
    // Many: resolved in blocks on the rayon pool, concatenated in link order.
    let pairs = if worth(scenario.links.len()) {
        let blocks: Vec<Vec<(u32, u32, f64)>> =
            scenario.links.par_chunks(LINK_BLOCK).map(|links| link_pairs(links, ids)).collect();
        blocks.concat()
    } else {
        link_pairs(&scenario.links, ids)
    };
    let mut offsets = vec![0u32; n + 1];
    for &(a, b, _) in &pairs {
        offsets[a as usize + 1] += 1;
        offsets[b as usize + 1] += 1;
    }
    for i in 1..=n {
        offsets[i] += offsets[i - 1];
    }
    let mut fill: Vec<u32> = offsets[..n].to_vec();
    let blank = LinkEnd { to: 0, to_start: 0, filtering: 0.0 };
    let mut link_ends = vec![blank; offsets[n] as usize];
    for &(a, b, f) in &pairs {
        for (from, to) in [(a, b), (b, a)] {
            let at = &mut fill[from as usize];
            link_ends[*at as usize] = LinkEnd { to, to_start: cat.segments[to as usize].start, filtering: f };
            *at += 1;
        }
    }
    for w in offsets.windows(2) {
        link_ends[w[0] as usize..w[1] as usize]
            .sort_by(|x, y| x.to.cmp(&y.to).then(x.filtering.total_cmp(&y.filtering)));
    }
    cat.link_offsets = offsets;
    cat.link_ends = link_ends;
}

/// Links resolved per parallel block: enough that a block outweighs its scheduling (a few in
/// unit tests, so that their small networks come in several blocks).
const LINK_BLOCK: usize = if cfg!(test) { 3 } else { 16_384 };

/// The (segment, segment, filtering) pairs `links` join, in order: each pair of distinct known
/// segments of a link once. Every link end is resolved in one batch ([`IdMap::resolve`]).
fn link_pairs(links: &[Link], ids: &Ids) -> Vec<(u32, u32, f64)> {
    let names: Vec<&str> = links.iter().flat_map(|l| l.between.iter().map(String::as_str)).collect();
    let mut resolved = Vec::with_capacity(names.len());
    ids.segment.resolve(&names, &mut resolved);
    let mut pairs = Vec::with_capacity(links.len());
    let mut ends = Vec::new();
    let mut at = 0;
    for link in links {
        ends.clear();
        ends.extend(resolved[at..at + link.between.len()].iter().flatten());
        at += link.between.len();
        let f = link.filtering.clamp(0.0, 1.0);
        for (i, &a) in ends.iter().enumerate() {
            pairs.extend(ends[i + 1..].iter().filter(|&&b| b != a).map(|&b| (a, b, f)));
        }
    }
    pairs
}

/// Generated host networks: one CSR graph per segment with a `topology`, over its slots (see
/// `topology.rs`; keyed by the topology's seed and the segment id, not the run seed).
fn add_graphs(cat: &mut Catalog, scenario: &Scenario) {
    let segments = scenario.nations.iter().flat_map(|n| n.segments.iter());
    cat.segment_graph = vec![NONE; cat.segments.len()];
    for (si, s) in segments.enumerate() {
        if let (Some(t), Some(info)) = (&s.topology, cat.segments.get(si)) {
            cat.segment_graph[si] = cat.graphs.len() as u32;
            cat.graphs.push(HostGraph::generate(t, &s.id, info.end - info.start, info.start));
        }
    }
}

/// Services of every nation, in scenario order: the distinct known groups each runs on (which
/// learn that they run it), the hosts it needs up (`ceil(quorum × hosts)`) and its known
/// dependencies.
fn add_services(cat: &mut Catalog, scenario: &Scenario, ids: &Ids) -> Vec<ServiceDef> {
    let all_services = scenario.nations.iter().enumerate().flat_map(|(ni, n)| n.services.iter().map(move |s| (ni, s)));
    let mut defs = Vec::new();
    for (si, (nation, s)) in all_services.enumerate() {
        let groups: Vec<u32> =
            Ids::known(&ids.group, &s.runs_on).into_iter().collect::<BTreeSet<_>>().into_iter().collect();
        for &g in &groups {
            cat.groups[g as usize].services.push(si as u32);
        }
        let total_hosts: u64 = groups.iter().map(|&g| u64::from(cat.groups[g as usize].count)).sum();
        defs.push(ServiceDef {
            nation: nation as u32,
            total_hosts,
            groups,
            needed: ceil_fraction_of(s.quorum, total_hosts),
            weight: s.weight,
            deps: Ids::known(&ids.service, &s.depends_on),
        });
        cat.services.push(s.id.clone());
    }
    defs
}

/// Campaigns, compiled: stages, entry groups, and which groups are targets. Returns the
/// campaigns by scheduled start tick.
fn add_campaigns(cat: &mut Catalog, scenario: &Scenario, ids: &Ids, clock: &SimClock) -> BTreeMap<u64, Vec<u32>> {
    let mut scheduled_starts: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for (ci, c) in scenario.campaigns.iter().enumerate() {
        let start_tick = c.start.map(|d| clock.ticks(d.secs()));
        if let Some(t) = start_tick {
            scheduled_starts.entry(t).or_default().push(ci as u32);
        }
        let target_group = cat.groups.iter().map(|g| is_target(&c.targets, cat, g)).collect();
        cat.campaigns.push(CampaignDef {
            id: c.id.clone(),
            name: c.name.clone().unwrap_or_else(|| c.id.clone()),
            tlp: c.tlp,
            sophistication: c.actor.sophistication.clamp(0.0, 1.0),
            start_tick,
            entry_technique: c.entry.technique.clone(),
            entry_groups: Ids::known(&ids.group, &c.entry.host_groups),
            footholds: c.entry.footholds,
            fraction: c.entry.fraction,
            stages: c.stages.iter().map(|s| stage_def(s, ids, clock)).collect(),
            target_group,
            resistance: c.recovery.resistance.clamp(0.0, 1.0),
        });
    }
    scheduled_starts
}

/// A kill-chain stage, compiled: probabilities clamped to [0, 1], a fixed cadence also in whole
/// ticks (at least one), and its effect.
fn stage_def(s: &Stage, ids: &Ids, clock: &SimClock) -> StageDef {
    StageDef {
        id: s.id.clone(),
        technique: s.technique.clone(),
        probability: s.probability.clamp(0.0, 1.0),
        cadence: cadence(&s.cadence),
        fixed_ticks: match cadence(&s.cadence) {
            CadenceDef::Fixed(secs) => Some(clock.ticks_min1(secs)),
            CadenceDef::Uniform(..) | CadenceDef::Exponential(_) => None,
        },
        stealth: s.stealth.clamp(0.0, 1.0),
        lateral: s.lateral.as_ref().map(|l| LateralDef { reach: l.reach, fanout: l.fanout, repeat: l.repeat }),
        effect: s.effect.as_ref().map(|e| match e {
            Effect::Encrypt => EffectDef::Encrypt,
            Effect::Wipe => EffectDef::Wipe,
            Effect::Exfiltrate { mb_per_host } => EffectDef::Exfiltrate(*mb_per_host),
            Effect::Disrupt { service, duration } => {
                EffectDef::Disrupt(ids.service.get(service), clock.ticks_min1(duration.secs()))
            }
            Effect::Deface => EffectDef::Deface,
        }),
    }
}

/// Assistance providers, with their delays in ticks and the known nations they serve.
fn add_providers(cat: &mut Catalog, scenario: &Scenario, ids: &Ids, clock: &SimClock) -> Vec<ProviderDef> {
    cat.providers = scenario.assistance.iter().map(|p| p.id.clone()).collect();
    scenario
        .assistance
        .iter()
        .map(|p| ProviderDef {
            approval_ticks: clock.ticks(p.approval.secs()),
            deployment_ticks: clock.ticks(p.deployment.secs()),
            on_task_ticks: clock.ticks(p.on_task.secs()),
            size: p.size,
            skills: p.skills,
            max_concurrent: p.max_concurrent,
            serves: Ids::known(&ids.nation, &p.serves),
        })
        .collect()
}

/// Sharing agreements: their distinct known members (ascending), latency in ticks and ceiling.
fn add_agreements(cat: &mut Catalog, scenario: &Scenario, ids: &Ids, clock: &SimClock) -> Vec<AgreementDef> {
    cat.agreements = scenario.sharing.iter().map(|a| a.id.clone()).collect();
    scenario
        .sharing
        .iter()
        .map(|a| AgreementDef {
            members: Ids::known(&ids.nation, &a.between).into_iter().collect::<BTreeSet<_>>().into_iter().collect(),
            latency_ticks: clock.ticks(a.latency.secs()),
            ceiling: a.tlp_ceiling,
        })
        .collect()
}

/// MSEL injects: a scheduled one's tick (only when it has no trigger), its trigger with unknown
/// ids compiled to "never matches", its effects and its recipient nation (named directly or by
/// its team).
fn add_injects(cat: &mut Catalog, scenario: &Scenario, ids: &Ids, clock: &SimClock) -> Vec<InjectDef> {
    cat.injects = scenario.msel.iter().map(|i| i.id.clone()).collect();
    let resolve = |m: &IdMap, id: &Option<String>| id.as_ref().map(|s| m.get(s).unwrap_or(NONE));
    scenario
        .msel
        .iter()
        .map(|inj| InjectDef {
            at_tick: if inj.trigger.is_none() { inj.at.map(|d| clock.ticks(d.secs())) } else { None },
            trigger: inj.trigger.as_ref().map(|t| TriggerDef {
                on: t.event,
                campaign: resolve(&ids.campaign, &t.campaign),
                nation: resolve(&ids.nation, &t.nation),
                inject: resolve(&ids.inject, &t.inject),
                delay_ticks: clock.ticks(t.delay.secs()),
            }),
            effects: inj.effects.iter().map(|e| effect_ref(e, ids, clock)).collect(),
            to_nation: inj.to.as_ref().and_then(|t| ids.nation.get(t).or_else(|| ids.team.get(t))),
        })
        .collect()
}

/// An inject effect, compiled; one naming an unknown id becomes [`EffectRef::Unresolved`].
fn effect_ref(e: &InjectEffect, ids: &Ids, clock: &SimClock) -> EffectRef {
    match e {
        InjectEffect::ShareIndicators { campaign, to } => match ids.campaign.get(campaign) {
            Some(c) => EffectRef::Share { campaign: c, to: Ids::known(&ids.nation, to) },
            None => EffectRef::Unresolved("unknown_campaign"),
        },
        InjectEffect::TeamCapacity { team, analysts } => match ids.team.get(team).or_else(|| ids.nation.get(team)) {
            Some(n) => EffectRef::Capacity { nation: n, delta: *analysts },
            None => EffectRef::Unresolved("unknown_team"),
        },
        InjectEffect::StartCampaign { campaign } => match ids.campaign.get(campaign) {
            Some(c) => EffectRef::Start(c),
            None => EffectRef::Unresolved("unknown_campaign"),
        },
        InjectEffect::ServiceDown { service, duration } => match ids.service.get(service) {
            Some(s) => EffectRef::ServiceDown { service: s, ticks: clock.ticks_min1(duration.secs()) },
            None => EffectRef::Unresolved("unknown_service"),
        },
        InjectEffect::RequestAssistance { nation, provider } => {
            match (ids.nation.get(nation), ids.provider.get(provider)) {
                (Some(n), Some(p)) => EffectRef::Request { nation: n, provider: p },
                _ => EffectRef::Unresolved("unknown_nation_or_provider"),
            }
        }
    }
}

/// Indices `0..len` as entity keys.
fn count(len: usize) -> std::ops::Range<u32> {
    0..len as u32
}

/// One entity per nation and its team, then per service, provider, campaign and inject (entity
/// ids follow this order).
fn spawn_entities(world: &mut World, cat: &Catalog) {
    for i in count(cat.nations.len()) {
        world.spawn(NationIndex(i));
        world.spawn(TeamOf(i));
    }
    world.spawn_batch(count(cat.services.len()).map(ServiceIndex));
    world.spawn_batch(count(cat.providers.len()).map(ProviderIndex));
    world.spawn_batch(count(cat.campaigns.len()).map(CampaignIndex));
    world.spawn_batch(count(cat.injects.len()).map(InjectIndex));
}

/// The phases' books, the event log, the host records, the per-purpose random streams and the
/// message buffers.
fn insert_books(world: &mut World, books: Books, cat: &Catalog, config: &RunConfig) {
    let (n_nations, n_campaigns) = (cat.nations.len(), cat.campaigns.len());
    world.insert_resource(CampaignBook {
        started: vec![None; n_campaigns],
        scheduled: books.scheduled_starts,
        ..CampaignBook::default()
    });
    world.insert_resource(ServiceBook::new(books.services));
    let mut response = ResponseBook::new(n_nations);
    // The queue order starts as each team's doctrine has it (`Simulation::set_doctrine` likewise).
    for (rule, d) in response.rules.iter_mut().zip(&books.doctrines) {
        *rule = d.queue;
    }
    world.insert_resource(response);
    world.insert_resource(AssistanceBook::new(books.providers, n_nations));
    world.insert_resource(Intel::new(n_nations, n_campaigns, books.agreements));
    world.insert_resource(InjectBook::new(books.injects));
    world.insert_resource(EventLog::default());
    let streams = |purpose| NationStreams::new(config.seed, config.run_index, purpose, n_nations);
    world.insert_resource(CampaignRng(streams(Purpose::Campaign)));
    world.insert_resource(super::work::WorkBook::new(streams(Purpose::Hunt)));
    world.insert_resource(super::desk::Desk::default());
    world.insert_resource(Doctrines(books.doctrines));
    world.insert_resource(super::doctrine::DoctrineLog::default());
    world.insert_resource(DetectionRng(streams(Purpose::Detection)));
    world.insert_resource(ResponseRng(streams(Purpose::Response)));
    world.insert_resource(Messages::<TriggerSeen>::default());
    world.insert_resource(Messages::<Detected>::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::Link;
    use crate::sim::testkit::*;
    use crate::testkit::*;

    proptest::proptest! {
        /// The id map answers as a map of the ids in order would (a repeated id keeps its last
        /// index), one id at a time and in a batch, for ids known and unknown. Ids come from a
        /// small alphabet, so repeats, shared prefixes and long probe runs are common.
        #[test]
        fn the_id_map_answers_as_an_ordered_map(
            ids in proptest::collection::vec("[ab]{0,5}", 0..200),
            asked in proptest::collection::vec("[abc]{0,5}", 0..200),
        ) {
            let map = IdMap::of(ids.iter().map(String::as_str));
            let truth: BTreeMap<&str, u32> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i as u32)).collect();
            let asked: Vec<&str> = asked.iter().map(String::as_str).chain(ids.iter().map(String::as_str)).collect();
            let mut batch = Vec::new();
            map.resolve(&asked, &mut batch);
            for (id, got) in asked.iter().zip(batch) {
                let want = truth.get(id).copied();
                proptest::prop_assert_eq!(map.get(id), want, "get {:?}", id);
                proptest::prop_assert_eq!(got, want, "resolve {:?}", id);
            }
        }
    }

    #[test]
    fn groups_and_hosts_are_catalog_rows_and_links_are_symmetric_csr() {
        let mut s = tiny(&[("SEG-A", "GA", 700, 0.0), ("SEG-B", "GB", 300, 0.0), ("SEG-C", "GC", 5, 0.0)]);
        s.links.push(Link { between: vec!["SEG-A".into(), "SEG-B".into()], filtering: 0.25 });
        s.links.push(Link { between: vec!["SEG-C".into(), "SEG-A".into()], filtering: 0.5 });
        let mut w = world(&s);
        assert_eq!(w.query::<&NationIndex>().iter(&w).count(), 1);
        assert_eq!(w.resource::<Catalog>().groups.len(), 3);
        let cat = w.resource::<Catalog>();
        let links = |s: u32| cat.links(s).iter().map(|l| (l.to, l.filtering)).collect::<Vec<_>>();
        assert_eq!(links(0), vec![(1, 0.25), (2, 0.5)]);
        assert_eq!(links(1), vec![(0, 0.25)]);
        assert_eq!(links(2), vec![(0, 0.5)]);
        assert!(cat.link_ends.iter().all(|l| l.to_start == cat.segments[l.to as usize].start));
        assert_eq!((cat.segments[1].start, cat.segments[1].end), (700, 1000));
        assert_eq!(cat.host_name(700), "GB-0001");
        assert_eq!(cat.host_name(1004), "GC-0005");
        assert_eq!(cat.host_name(699), "GA-0700");
        let mut big = tiny(&[("SEG-A", "GA", 123_456, 0.0)]);
        big.nations[0].segments[0].host_groups[0].id = "X".into();
        let big = world(&big);
        let names: Vec<String> =
            [0, 9, 9_999, 123_455].iter().map(|&h| big.resource::<Catalog>().host_name(h)).collect();
        assert_eq!(names, ["X-0001", "X-0010", "X-10000", "X-123456"]);
        assert!((0..1005).all(|h| cat.nation_of(h) == 0));
        assert_eq!((0..3).map(|s| w.resource::<Hosts>().clean_in(s)).collect::<Vec<_>>(), vec![700, 300, 5]);
    }

    #[test]
    fn host_arrays_start_zeroed_and_the_clean_pool_round_trips() {
        let s = tiny(&[("SEG-A", "GA", 4, 0.0), ("SEG-B", "GB", 3, 0.0)]);
        let mut w = world(&s);
        let cat = w.resource::<Catalog>().clone();
        let mut hosts = w.remove_resource::<Hosts>().unwrap();
        // Zero is "as built": identity permutation, group looked up on demand.
        assert!((0..7).all(|h| *hosts.get(h) == crate::sim::state::HostState::default()));
        assert_eq!((0..4).map(|k| hosts.clean_at(0, k)).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
        assert_eq!((0..7).map(|h| hosts.group_of(&cat, h)).collect::<Vec<_>>(), vec![0, 0, 0, 0, 1, 1, 1]);
        // Compromising caches the group and takes the host out of its segment's clean pool.
        hosts.compromise(1, (0, 0), 0, 0, 1);
        hosts.compromise(5, (1, 1), 0, 0, 2);
        assert_eq!((hosts.group_of(&cat, 1), hosts.group_of(&cat, 5)), (0, 1));
        assert_eq!((hosts.clean_in(0), hosts.clean_in(1)), (3, 2));
        let mut a: Vec<u32> = (0..3).map(|k| hosts.clean_at(0, k)).collect();
        a.sort_unstable();
        assert_eq!(a, vec![0, 2, 3]);
        assert_eq!((0..2).map(|k| hosts.clean_at(1, k)).collect::<BTreeSet<_>>(), BTreeSet::from([4, 6]));
        // Restoring puts it back.
        hosts.restore(&cat, 1);
        let mut a: Vec<u32> = (0..4).map(|k| hosts.clean_at(0, k)).collect();
        a.sort_unstable();
        assert_eq!(a, vec![0, 1, 2, 3]);
        assert_eq!((hosts.clean_in(0), hosts.clean_in(1)), (4, 2));
    }

    #[test]
    fn startex_and_tick_come_from_the_scenario() {
        let mut s = tiny(&[("SEG-A", "GA", 1, 0.0)]);
        s.exercise.startex = Some("2026-03-02T06:30:00Z".parse().unwrap());
        let w = world(&s);
        let clock = w.resource::<SimClock>();
        assert_eq!(crate::sim::clock::format_utc(clock.startex_unix), "2026-03-02T06:30:00Z");
        assert_eq!((clock.tick_secs, clock.n_ticks), (60, 1440));
    }
}
