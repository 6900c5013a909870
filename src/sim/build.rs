//! Owns world construction: turns a validated `Scenario` into a bevy_ecs `World` holding every
//! entity (nations, teams, segments, host groups, services, providers, campaigns, injects) and the
//! resources the phases work on.
//!
//! Layout choice: a host group is an entity (`GroupIndex`) owning a contiguous range of host
//! slots; a host's hot state lives in the dense [`Hosts`] records, indexed by slot; adjacency is a
//! CSR array over segments. A host becomes an entity of its own (`HostSlot`) when it first takes
//! part in the run (spawned by the Log phase, `summary::fold_events`), so the hosts nothing ever
//! touches cost no entity: spawning one is ~50 ns and ~60 bytes of bevy storage, which for the
//! 1.1 M idle hosts of `scenarios/bench/alliance-idle-x10.yaml` was 3× the rest of the run. Every reference in the scenario (ids) is
//! resolved here, once, to a dense `u32` index; unknown ids (which validation rejects) are dropped
//! or compile to "never matches" rather than panicking.
//!
//! Cost: linear in ids and host groups, nothing per host. The per-host arrays ([`Hosts`],
//! [`HostRecords`]) are allocated zeroed, zero meaning "as built", so no pass writes them and
//! their pages stay untouched until a host takes part. Every resource is inserted before any host
//! entity exists: bevy keeps each resource in a sparse set indexed by entity index, so a resource
//! inserted after a million entities would allocate and zero a million-entry array.

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::message::Messages;
use bevy_ecs::schedule::Schedules;
use bevy_ecs::world::World;
use rand::RngExt;

use super::RunConfig;
use super::assistance::{AssistanceBook, ProviderDef};
use super::campaigns::CampaignBook;
use super::clock::{DEFAULT_STARTEX, SimClock};
use super::events::{Detected, EventLog, TriggerSeen};
use super::injects::{EffectRef, InjectBook, InjectDef, TriggerDef};
use super::response::ResponseBook;
use super::rng::{CampaignRng, DetectionRng, Purpose, ResponseRng, stream};
use super::services::{ServiceBook, ServiceDef};
use super::sharing::{AgreementDef, Intel};
use super::state::{
    CadenceDef, CampaignDef, CampaignIndex, Catalog, EffectDef, GroupHot, GroupIndex, GroupInfo, Hosts, InjectIndex,
    LateralDef, LinkEnd, NONE, NationIndex, NationInfo, ProviderIndex, SegmentIndex, SegmentInfo, ServiceIndex,
    StageDef, TeamOf,
};
use super::summary::{CampaignTally, HostRecords, NationTally};
use crate::scenario::model::{
    Delay, DelayDistribution, Effect, InjectEffect, Scenario, Targets, WorkPattern, ceil_fraction_of,
};

fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeMap<String, u32> {
    ids.enumerate().map(|(i, id)| (id.to_string(), i as u32)).collect()
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

    let provider_ix = index_of(scenario.assistance.iter().map(|p| p.id.as_str()));
    let nation_ix = index_of(scenario.nations.iter().map(|n| n.id.as_str()));
    let mut team_ix: BTreeMap<String, u32> = BTreeMap::new();

    // Nations, segments and host groups, allocating contiguous slots.
    let mut next_slot: u64 = 0;
    let slot_cap = u64::from(u32::MAX - 1);
    for (ni, n) in scenario.nations.iter().enumerate() {
        cat.nation_starts.push(next_slot as u32);
        team_ix.insert(n.team.id.clone(), ni as u32);
        let policy = &n.team.assistance_policy;
        cat.nations.push(NationInfo {
            id: n.id.clone(),
            team_id: n.team.id.clone(),
            offset_secs: n.utc_offset.seconds(),
            office_hours: n.team.schedule == WorkPattern::OfficeHours,
            analysts: n.team.analysts,
            skills: n.team.skills,
            backlog_over: policy.backlog_over,
            severity_at_least: policy.severity_at_least,
            providers: policy.providers.iter().filter_map(|p| provider_ix.get(p).copied()).collect(),
        });
        for s in &n.segments {
            let seg = cat.segments.len() as u32;
            let start = next_slot as u32;
            for g in &s.host_groups {
                let count = g.count.min(slot_cap - next_slot) as u32;
                cat.groups.push(GroupInfo {
                    id: g.id.clone(),
                    nation: ni as u32,
                    segment: seg,
                    role: g.role,
                    criticality: g.criticality,
                    covered: ceil_fraction_of(g.sensors, u64::from(count)) as u32,
                    hardening: g.hardening.clamp(0.0, 1.0),
                    backup_secs: g.backup_interval.map(|d| d.secs()),
                    restore_secs: g.restore_time.secs(),
                    data_mb_per_hour: g.data_mb_per_hour,
                    start: next_slot as u32,
                    count,
                    services: Vec::new(),
                });
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
    let group_ix = index_of(cat.groups.iter().map(|g| g.id.as_str()));
    let segment_ix = index_of(cat.segments.iter().map(|s| s.id.as_str()));

    // Links → CSR adjacency over segments (sorted by target for a stable order).
    let mut adjacency: Vec<Vec<(u32, f64)>> = vec![Vec::new(); cat.segments.len()];
    for link in &scenario.links {
        let ends: Vec<u32> = link.between.iter().filter_map(|s| segment_ix.get(s).copied()).collect();
        for (i, &a) in ends.iter().enumerate() {
            for &b in &ends[i + 1..] {
                if a != b {
                    let f = link.filtering.clamp(0.0, 1.0);
                    adjacency[a as usize].push((b, f));
                    adjacency[b as usize].push((a, f));
                }
            }
        }
    }
    cat.link_offsets.push(0);
    for adj in &mut adjacency {
        adj.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
        for &(t, f) in adj.iter() {
            cat.link_ends.push(LinkEnd { to: t, to_start: cat.segments[t as usize].start, filtering: f });
        }
        cat.link_offsets.push(cat.link_ends.len() as u32);
    }

    // Services.
    let all_services: Vec<(u32, &crate::scenario::model::Service)> = scenario
        .nations
        .iter()
        .enumerate()
        .flat_map(|(ni, n)| n.services.iter().map(move |s| (ni as u32, s)))
        .collect();
    let service_ix = index_of(all_services.iter().map(|(_, s)| s.id.as_str()));
    let mut service_defs = Vec::with_capacity(all_services.len());
    for (si, (nation, s)) in all_services.iter().enumerate() {
        let groups: Vec<u32> =
            s.runs_on.iter().filter_map(|g| group_ix.get(g).copied()).collect::<BTreeSet<_>>().into_iter().collect();
        for &g in &groups {
            cat.groups[g as usize].services.push(si as u32);
        }
        let total_hosts: u64 = groups.iter().map(|&g| u64::from(cat.groups[g as usize].count)).sum();
        service_defs.push(ServiceDef {
            nation: *nation,
            total_hosts,
            groups,
            needed: ceil_fraction_of(s.quorum, total_hosts),
            weight: s.weight,
            deps: s.depends_on.iter().filter_map(|d| service_ix.get(d).copied()).collect(),
        });
        cat.services.push(s.id.clone());
    }

    // Campaigns.
    let campaign_ix = index_of(scenario.campaigns.iter().map(|c| c.id.as_str()));
    let mut scheduled_starts: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for (ci, c) in scenario.campaigns.iter().enumerate() {
        let start_tick = c.start.map(|d| clock.ticks(d.secs()));
        if let Some(t) = start_tick {
            scheduled_starts.entry(t).or_default().push(ci as u32);
        }
        let stages = c
            .stages
            .iter()
            .map(|s| StageDef {
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
                        EffectDef::Disrupt(service_ix.get(service).copied(), clock.ticks_min1(duration.secs()))
                    }
                    Effect::Deface => EffectDef::Deface,
                }),
            })
            .collect();
        let target_group = cat.groups.iter().map(|g| is_target(&c.targets, &cat, g)).collect();
        cat.campaigns.push(CampaignDef {
            id: c.id.clone(),
            name: c.name.clone().unwrap_or_else(|| c.id.clone()),
            tlp: c.tlp,
            sophistication: c.actor.sophistication.clamp(0.0, 1.0),
            start_tick,
            entry_technique: c.entry.technique.clone(),
            entry_groups: c.entry.host_groups.iter().filter_map(|g| group_ix.get(g).copied()).collect(),
            footholds: c.entry.footholds,
            fraction: c.entry.fraction,
            stages,
            target_group,
        });
    }

    // Assistance providers.
    let providers: Vec<ProviderDef> = scenario
        .assistance
        .iter()
        .map(|p| ProviderDef {
            approval_ticks: clock.ticks(p.approval.secs()),
            deployment_ticks: clock.ticks(p.deployment.secs()),
            on_task_ticks: clock.ticks(p.on_task.secs()),
            size: p.size,
            skills: p.skills,
            max_concurrent: p.max_concurrent,
            serves: p.serves.iter().filter_map(|n| nation_ix.get(n).copied()).collect(),
        })
        .collect();
    cat.providers = scenario.assistance.iter().map(|p| p.id.clone()).collect();

    // Sharing agreements.
    let agreements = scenario
        .sharing
        .iter()
        .map(|a| AgreementDef {
            members: a
                .between
                .iter()
                .filter_map(|n| nation_ix.get(n).copied())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            latency_ticks: clock.ticks(a.latency.secs()),
            ceiling: a.tlp_ceiling,
        })
        .collect();

    cat.agreements = scenario.sharing.iter().map(|a| a.id.clone()).collect();

    // Injects.
    let inject_ix = index_of(scenario.msel.iter().map(|i| i.id.as_str()));
    let resolve =
        |m: &BTreeMap<String, u32>, id: &Option<String>| id.as_ref().map(|s| m.get(s).copied().unwrap_or(NONE));
    let injects: Vec<InjectDef> = scenario
        .msel
        .iter()
        .map(|inj| InjectDef {
            at_tick: if inj.trigger.is_none() { inj.at.map(|d| clock.ticks(d.secs())) } else { None },
            trigger: inj.trigger.as_ref().map(|t| TriggerDef {
                on: t.event,
                campaign: resolve(&campaign_ix, &t.campaign),
                nation: resolve(&nation_ix, &t.nation),
                inject: resolve(&inject_ix, &t.inject),
                delay_ticks: clock.ticks(t.delay.secs()),
            }),
            effects: inj
                .effects
                .iter()
                .map(|e| match e {
                    InjectEffect::ShareIndicators { campaign, to } => match campaign_ix.get(campaign) {
                        Some(&c) => EffectRef::Share {
                            campaign: c,
                            to: to.iter().filter_map(|n| nation_ix.get(n).copied()).collect(),
                        },
                        None => EffectRef::Unresolved("unknown_campaign"),
                    },
                    InjectEffect::TeamCapacity { team, analysts } => {
                        match team_ix.get(team).or_else(|| nation_ix.get(team)) {
                            Some(&n) => EffectRef::Capacity { nation: n, delta: *analysts },
                            None => EffectRef::Unresolved("unknown_team"),
                        }
                    }
                    InjectEffect::StartCampaign { campaign } => match campaign_ix.get(campaign) {
                        Some(&c) => EffectRef::Start(c),
                        None => EffectRef::Unresolved("unknown_campaign"),
                    },
                    InjectEffect::ServiceDown { service, duration } => match service_ix.get(service) {
                        Some(&s) => EffectRef::ServiceDown { service: s, ticks: clock.ticks_min1(duration.secs()) },
                        None => EffectRef::Unresolved("unknown_service"),
                    },
                    InjectEffect::RequestAssistance { nation, provider } => {
                        match (nation_ix.get(nation), provider_ix.get(provider)) {
                            (Some(&n), Some(&p)) => EffectRef::Request { nation: n, provider: p },
                            _ => EffectRef::Unresolved("unknown_nation_or_provider"),
                        }
                    }
                })
                .collect(),
            to_nation: inj.to.as_ref().and_then(|t| nation_ix.get(t).or_else(|| team_ix.get(t)).copied()),
        })
        .collect();
    cat.injects = scenario.msel.iter().map(|i| i.id.clone()).collect();

    // Dense host arrays (zeroed: no pass over the hosts).
    let n = cat.n_hosts as usize;
    let hosts = Hosts::new(n, cat.segments.iter().map(|s| (s.start, s.end - s.start)), cat.groups.len());

    // The world.
    let mut world = World::new();
    let n_nations = cat.nations.len();
    let n_campaigns = cat.campaigns.len();
    for i in 0..n_nations as u32 {
        world.spawn((NationIndex(i), NationTally::default()));
        world.spawn(TeamOf(i));
    }
    for i in 0..cat.segments.len() as u32 {
        world.spawn(SegmentIndex(i));
    }
    for i in 0..cat.groups.len() as u32 {
        world.spawn(GroupIndex(i));
    }
    for i in 0..cat.services.len() as u32 {
        world.spawn(ServiceIndex(i));
    }
    for i in 0..cat.providers.len() as u32 {
        world.spawn(ProviderIndex(i));
    }
    for i in 0..n_campaigns as u32 {
        world.spawn((CampaignIndex(i), CampaignTally::default()));
    }
    for i in 0..cat.injects.len() as u32 {
        world.spawn(InjectIndex(i));
    }

    world.insert_resource(CampaignBook {
        started: vec![None; n_campaigns],
        scheduled: scheduled_starts,
        ..CampaignBook::default()
    });
    world.insert_resource(ServiceBook::new(service_defs));
    world.insert_resource(ResponseBook::new(n_nations));
    world.insert_resource(AssistanceBook::new(providers, n_nations));
    world.insert_resource(Intel::new(n_nations, n_campaigns, agreements));
    world.insert_resource(InjectBook::new(injects));
    world.insert_resource(EventLog::default());
    world.insert_resource(HostRecords::new(n));
    world.insert_resource(CampaignRng(stream(config.seed, config.run_index, Purpose::Campaign)));
    world.insert_resource(DetectionRng(stream(config.seed, config.run_index, Purpose::Detection)));
    world.insert_resource(ResponseRng(stream(config.seed, config.run_index, Purpose::Response)));
    world.insert_resource(Messages::<TriggerSeen>::default());
    world.insert_resource(Messages::<Detected>::default());
    world.insert_resource(hosts);
    world.insert_resource(cat);
    world.insert_resource(clock);
    // `Schedule::initialize` inserts `Schedules` if absent: insert it now, before any host entity
    // (see the module doc: resources are sparse sets over entity indices).
    world.init_resource::<Schedules>();
    world
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::Link;
    use crate::sim::testkit::*;

    #[test]
    fn groups_are_entities_hosts_are_slots_and_links_are_symmetric_csr() {
        let mut s = tiny(&[("SEG-A", "GA", 700, 0.0), ("SEG-B", "GB", 300, 0.0), ("SEG-C", "GC", 5, 0.0)]);
        s.links.push(Link { between: vec!["SEG-A".into(), "SEG-B".into()], filtering: 0.25 });
        s.links.push(Link { between: vec!["SEG-C".into(), "SEG-A".into()], filtering: 0.5 });
        let mut w = world(&s);
        assert_eq!(w.query::<&GroupIndex>().iter(&w).count(), 3);
        assert_eq!(w.query::<&crate::sim::state::HostSlot>().iter(&w).count(), 0, "no host has taken part yet");
        assert_eq!(w.query::<&NationIndex>().iter(&w).count(), 1);
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
