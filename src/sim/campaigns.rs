//! Owns the Campaigns phase: campaign starts, entry footholds, per-host kill-chain attempts,
//! lateral movement along links, and impact effects.
//!
//! Modelling rules (all documented here, tested in this module and in `tests/engine.rs`):
//! * A campaign starts at `ceil(start / tick)` or when a `start_campaign` inject effect applies;
//!   it starts at most once.
//! * Entry: without `fraction`, `footholds` hosts are taken round-robin over `entry.host_groups`
//!   in the listed order, each time the lowest-numbered clean host of the group. With
//!   `fraction`, `ceil(fraction × count)` lowest-numbered clean hosts of **every** listed group
//!   are compromised at once (supply chain), in exact arithmetic (`0.28 × 25` takes 7 hosts).
//! * Every compromised host (entry or lateral) starts at stage 0 and attempts its current stage
//!   once per cadence draw (`fixed`, `uniform` [min, max] seconds, `exponential` mean seconds →
//!   `ceil(secs / tick)`, at least 1 tick). Attempts are kept in a tick-keyed agenda, so idle
//!   hosts cost nothing and a compromised host costs one agenda entry per attempt.
//! * Hardening protects the host an action lands on. Its protection against an actor is
//!   `resist = 1 − hardening × (1 − sophistication)` (a fully sophisticated actor ignores it).
//! * Per-attempt success of a stage without `lateral`: `p = stage.probability × resist(host)`,
//!   the attempting host's own group being the target. A stage with `lateral` acts on other
//!   hosts, so the attempt succeeds with `stage.probability` alone and each victim resists below.
//! * On success with `lateral`: `fanout` times, pick a segment uniformly among the host's own
//!   segment and (for `reach: linked`) the segments linked to it that still have clean hosts; a
//!   linked segment is entered with probability `1 − filtering`; then a uniformly random clean host
//!   `v` of that segment is picked and compromised with probability `resist(v)`. One pick at a
//!   clean host across a link thus lands with
//!   `stage.probability × (1 − filtering) × (1 − hardening_v × (1 − sophistication))`.
//!   Movement never leaves a segment except along a link. No random number is drawn for a
//!   filtering of 0 or a `resist` of 1.
//! * In a segment with a generated network (`topology`, see `topology.rs`) the hosts are linked
//!   one by one: instead of the segment as one candidate, each clean neighbour of the host in the
//!   network is a candidate of its own, picked like a one-host segment across a link with the
//!   network's `filtering`. A host with `k` clean neighbours and `fanout ≥ k` thus infects
//!   Binomial(k, 1 − filtering) of them, uniformly chosen (with `resist` 1): one Bernoulli per
//!   link. Segment links to and from such a segment work as for any segment (a uniformly random
//!   clean host of it).
//! * Resistance: a host made resistant to the campaign when it recovered (`response.rs`) is no
//!   candidate as a neighbour, and a pick that lands on it in a segment's pool fails, drawing
//!   nothing; other campaigns still reach it.
//! * A link a team cut (`block_link`, `isolate_segment`: `actions.rs`) is no candidate, in
//!   either direction, until it is reconnected.
//! * `lateral.repeat`: the host stays on the stage and keeps attempting it (worm); otherwise it
//!   advances. A repeating stage logs `stage_completed` once per compromise of the host (its
//!   first success); later successes show only through the `host_compromised` events they cause
//!   (cause: the host's latest campaign event), so a worm does not log one event per host per
//!   tick. A host whose next stage has an `effect` but which is not a target skips that stage.
//! * Impact when a target host completes an `effect` stage: encrypt or wipe → host down, and the
//!   data it wrote since its last backup is destroyed at once (`data_lost`, see
//!   `GroupInfo::destroyed_mb`; restoring later loses nothing more); exfiltrate → `mb_per_host` MB
//!   lost; disrupt → the service is forced down for `for`; deface → recorded only. Every effect
//!   but exfiltrate is visible: an undetected host it hits is found in the next Detection phase.
//! * Contained or recovered hosts never progress: their generation is bumped, and stale agenda
//!   entries are dropped when they come due.

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::{MessageWriter, Res, ResMut, Resource};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::agenda::{Agenda, radix_sort_by_key};
use super::clock::SimClock;
use super::events::{EventKind, EventLog, Keys, TriggerSeen};
use super::prefetch::{AHEAD, prefetch};
use super::rng::{CampaignRng, NationStreams};
use super::services::ServiceBook;
use super::state::{CadenceDef, Catalog, EffectDef, Hosts, flag};
use crate::scenario::model::{Reach, TriggerEvent, ceil_fraction_of};

/// Campaign running state.
#[derive(Resource, Debug, Default)]
pub struct CampaignBook {
    /// Tick each campaign started.
    pub started: Vec<Option<u64>>,
    /// Starts requested by inject effects this tick: (campaign, cause event).
    pub start_requests: Vec<(u32, u64)>,
    /// Scheduled starts by tick.
    pub scheduled: BTreeMap<u64, Vec<u32>>,
    /// Host attempts due by tick: (host, generation).
    pub agenda: Agenda<(u32, u32)>,
    /// Attempts due in tick `again_due` that a host scheduled during its own attempt, in the
    /// ascending host order of the attempt loop: a worm's hosts re-attempt every tick, and this
    /// list needs neither the agenda nor a sort (it is merged with the agenda's sorted entries).
    pub again: Vec<(u32, u32)>,
    /// The tick `again` is due in.
    pub again_due: u64,
    /// Scratch for the attempts due this tick (kept to reuse its allocation).
    pub due: Vec<(u32, u32)>,
    /// Scratch for sorting `due`, and for merging it with `again`.
    pub sort_scratch: Vec<(u32, u32)>,
    /// Scratch for lateral movement's candidates: (segment, first slot — or the host itself for
    /// a neighbour in a generated network —, filtering, is a neighbour host).
    pub candidates: Vec<(u32, u32, f64, bool)>,
    /// (trigger kind, campaign, nation) already reported as a trigger.
    pub firsts: BTreeSet<(u8, u32, u32)>,
    /// Per link entry of the catalog's `link_ends`: cut by a team (`actions.rs`). Empty until
    /// the first cut, so a run without decisions reads nothing more per lateral move.
    pub blocked: Vec<bool>,
}

/// Draws a cadence in whole ticks (≥ 1).
pub fn draw_ticks(rng: &mut ChaCha8Rng, cadence: CadenceDef, clock: &SimClock) -> u64 {
    match cadence {
        CadenceDef::Fixed(s) => clock.ticks_min1(s),
        CadenceDef::Uniform(a, b) => {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            clock.ticks_min1(rng.random_range(lo..=hi))
        }
        CadenceDef::Exponential(mean) => exp_ticks(rng, mean as f64, clock),
    }
}

/// The exponential of mean `mean` at the uniform draw `u` ∈ [0, 1), in whole seconds (rounded
/// up; 0 when not a positive finite number).
fn secs_of_draw(u: f64, mean: f64) -> u64 {
    let x = -mean * (1.0 - u).ln();
    if x.is_finite() && x > 0.0 { x.ceil().min(u64::MAX as f64 / 2.0) as u64 } else { 0 }
}

/// An exponential draw of mean `mean` seconds in whole ticks, rounded up, at least 1 (see
/// [`ticks_of_draw`]).
pub fn exp_ticks(rng: &mut ChaCha8Rng, mean: f64, clock: &SimClock) -> u64 {
    ticks_of_draw(rng.random::<f64>(), mean, clock)
}

/// [`secs_of_draw`] in whole ticks, at least 1, without the logarithm when the draw is surely
/// within one tick, as most response phases are: `−ln q ≤ 1/q − 1` for `q = 1 − u`, so
/// `q (1 + tick / mean) ≥ 1 + 1e-9` puts the draw below one tick with room to spare for rounding
/// (a relative 1e-9 against the logarithm's few ulps).
fn ticks_of_draw(u: f64, mean: f64, clock: &SimClock) -> u64 {
    if (1.0 - u) * (1.0 + clock.tick_secs as f64 / mean) >= 1.0 + 1e-9 {
        return 1;
    }
    clock.ticks_min1(secs_of_draw(u, mean))
}

/// Per-attempt success probability (see module docs).
pub fn attempt_probability(probability: f64, hardening: f64, sophistication: f64) -> f64 {
    (probability * (1.0 - hardening * (1.0 - sophistication))).clamp(0.0, 1.0)
}

/// Emits a trigger message the first time (kind, campaign, nation) happens.
pub fn note_first(
    firsts: &mut BTreeSet<(u8, u32, u32)>,
    out: &mut MessageWriter<TriggerSeen>,
    on: TriggerEvent,
    campaign: u32,
    nation: u32,
    tick: u64,
    event: u64,
) {
    if firsts.insert((on as u8, campaign, nation)) {
        out.write(TriggerSeen { on, campaign: Some(campaign), nation: Some(nation), inject: None, tick, event });
    }
}

struct Ctx<'a, 'w> {
    clock: &'a SimClock,
    cat: &'a Catalog,
    hosts: &'a mut Hosts,
    book: &'a mut CampaignBook,
    rng: &'a mut NationStreams,
    log: &'a mut EventLog,
    services: &'a mut ServiceBook,
    triggers: &'a mut MessageWriter<'w, TriggerSeen>,
    /// The host whose attempt is being handled (`u32::MAX` outside the attempt loop).
    current: u32,
}

impl CampaignBook {
    /// Whether link entry `i` (an index into the catalog's `link_ends`) was cut by a team.
    #[inline]
    pub fn is_blocked(&self, i: usize) -> bool {
        !self.blocked.is_empty() && self.blocked[i]
    }

    /// Attempts scheduled and not yet taken.
    #[cfg(test)]
    pub fn pending_attempts(&self) -> usize {
        self.agenda.len() + self.again.len()
    }

    /// Every attempt due in tick `now`, ascending by host slot, into `due` (empty on entry).
    /// Entries of one host with different generations may come in any order: at most one of
    /// them is current, and a stale one is dropped without drawing.
    fn take_due(&mut self, now: u64, due: &mut Vec<(u32, u32)>) {
        if !self.again.is_empty() && self.again_due != now {
            // Only when ticks are skipped (tests that jump the clock): back to the agenda.
            let (at, again) = (self.again_due, std::mem::take(&mut self.again));
            for item in again {
                self.agenda.push(at.saturating_sub(1), at, item);
            }
        }
        self.agenda.take(now, due);
        radix_sort_by_key(due, &mut self.sort_scratch, |&(h, _)| h);
        if self.again.is_empty() {
            return;
        }
        let merged = &mut self.sort_scratch;
        merged.clear();
        merged.reserve(due.len() + self.again.len());
        let (mut a, mut b) = (due.iter().peekable(), self.again.iter().peekable());
        while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
            if x.0 <= y.0 {
                merged.push(x);
                a.next();
            } else {
                merged.push(y);
                b.next();
            }
        }
        merged.extend(a);
        merged.extend(b);
        std::mem::swap(due, merged);
        self.again.clear();
    }
}

impl Ctx<'_, '_> {
    /// Hints the records that the attempts due a few steps after `due[i]` will read, each step
    /// one link further along the chain: host state, group, segment pool and link offsets, links.
    /// Each hint reads only records an earlier hint asked for.
    fn prefetch_attempts(&self, due: &[(u32, u32)], i: usize) {
        let (cat, hosts) = (self.cat, &*self.hosts);
        if let Some(&(h, _)) = due.get(i + 2 * AHEAD) {
            hosts.prefetch(h);
        }
        let group = |k: usize| due.get(i + k).and_then(|&(h, _)| hosts.cached_group(h));
        if let Some(g) = group(AHEAD) {
            prefetch(&cat.hot, g as usize);
        }
        if let Some(g) = group(AHEAD / 2) {
            let seg = cat.hot[g as usize].segment;
            hosts.prefetch_segment(seg);
            prefetch(&cat.link_offsets, seg as usize);
        }
        if let Some(g) = group(AHEAD / 4) {
            let seg = cat.hot[g as usize].segment as usize;
            if let Some(&a) = cat.link_offsets.get(seg) {
                prefetch(&cat.link_ends, a as usize);
            }
        }
    }

    /// Compromises a clean host of group `g` in segment `seg` and puts it on stage 0.
    fn infect(&mut self, h: u32, (g, seg): (u32, u32), c: u32, keys: Keys) {
        debug_assert_eq!((g, seg), (self.cat.group_of(h), self.cat.hot[g as usize].segment));
        let now = self.clock.tick;
        let ev = self.log.emit(
            self.cat,
            self.clock,
            EventKind::HostCompromised,
            Keys { host: Some(h), campaign: Some(c), ..keys },
        );
        self.hosts.compromise(h, (g, seg), c, now, ev);
        if self.cat.has_sensor(g, h) {
            self.hosts.set(h, flag::SENSOR);
        }
        // From the few nation starts, not the group's record: a worm's victims are scattered.
        let nation = self.cat.nation_of(h);
        note_first(&mut self.book.firsts, self.triggers, TriggerEvent::FirstCompromise, c, nation, now, ev);
        self.enter_stage(h, 0);
    }

    /// Puts a host on stage `s`, skipping impact stages for non-targets, and schedules its attempt.
    fn enter_stage(&mut self, h: u32, mut s: usize) {
        let c = self.hosts.get(h).campaign;
        let def = &self.cat.campaigns[c as usize];
        let group = self.hosts.group_of(self.cat, h) as usize;
        // Whether the host is a target is read only before an impact stage.
        while s < def.stages.len() && def.stages[s].effect.is_some() && !def.target_group[group] {
            let ev = self.log.emit(
                self.cat,
                self.clock,
                EventKind::StageSkipped,
                Keys {
                    host: Some(h),
                    campaign: Some(c),
                    stage: Some(s as u32),
                    cause: Some(self.hosts.get(h).last_event()),
                    detail: Some("not_a_target"),
                    ..Keys::default()
                },
            );
            self.hosts.get_mut(h).set_last_event(ev);
            s += 1;
        }
        if s >= def.stages.len() {
            let cause = self.hosts.get(h).last_event();
            let ev = self.log.emit(
                self.cat,
                self.clock,
                EventKind::ChainCompleted,
                Keys { host: Some(h), campaign: Some(c), cause: Some(cause), ..Keys::default() },
            );
            let st = self.hosts.get_mut(h);
            st.flags |= flag::DONE;
            st.set_last_event(ev);
            return;
        }
        self.hosts.get_mut(h).stage = s as u16;
        self.schedule(h, s);
    }

    fn schedule(&mut self, h: u32, s: usize) {
        let st = self.hosts.get(h);
        let (c, generation) = (st.campaign, st.generation);
        let stage = &self.cat.campaigns[c as usize].stages[s];
        let ticks = match stage.fixed_ticks {
            Some(t) => t,
            None => draw_ticks(self.rng.of(self.cat.nation_of(h)), stage.cadence, self.clock),
        };
        let due = self.clock.tick + ticks;
        if ticks == 1 && h == self.current {
            // In the attempt loop's host order: stays sorted.
            self.book.again_due = due;
            self.book.again.push((h, generation));
        } else {
            self.book.agenda.push(self.clock.tick, due, (h, generation));
        }
    }

    fn start(&mut self, c: u32, cause: Option<u64>) {
        if self.book.started[c as usize].is_some() {
            return;
        }
        self.book.started[c as usize] = Some(self.clock.tick);
        let ev = self.log.emit(
            self.cat,
            self.clock,
            EventKind::CampaignStarted,
            Keys { campaign: Some(c), cause, ..Keys::default() },
        );
        let cat = self.cat;
        let def = &cat.campaigns[c as usize];
        let keys = Keys { entry: true, cause: Some(ev), ..Keys::default() };
        // Per listed group, the next slot to look at: hosts are taken lowest-numbered first and
        // compromised at once, so a group listed twice never yields the same host twice.
        let mut cursor: Vec<u32> = def.entry_groups.iter().map(|&g| cat.groups[g as usize].start).collect();
        let next_clean = |hosts: &Hosts, g: usize, cursor: &mut [u32]| -> Option<u32> {
            let info = &cat.groups[def.entry_groups[g] as usize];
            while cursor[g] < info.start + info.count {
                let h = cursor[g];
                cursor[g] += 1;
                if !hosts.has(h, flag::COMPROMISED) && !hosts.is_isolated(h) {
                    return Some(h);
                }
            }
            None
        };
        if let Some(fraction) = def.fraction {
            for g in 0..def.entry_groups.len() {
                let count = cat.groups[def.entry_groups[g] as usize].count;
                let n = ceil_fraction_of(fraction, u64::from(count));
                for _ in 0..n {
                    let Some(h) = next_clean(self.hosts, g, &mut cursor) else { break };
                    let group = def.entry_groups[g];
                    self.infect(h, (group, cat.hot[group as usize].segment), c, keys);
                }
            }
        } else if !def.entry_groups.is_empty() {
            let groups = def.entry_groups.len();
            let mut exhausted = vec![false; groups];
            let mut live = groups;
            let mut i = 0usize;
            let mut placed = 0u64;
            while placed < def.footholds && live > 0 {
                let g = i % groups;
                i += 1;
                if exhausted[g] {
                    continue;
                }
                match next_clean(self.hosts, g, &mut cursor) {
                    Some(h) => {
                        let group = def.entry_groups[g];
                        self.infect(h, (group, cat.hot[group as usize].segment), c, keys);
                        placed += 1;
                    }
                    None => {
                        exhausted[g] = true;
                        live -= 1;
                    }
                }
            }
        }
    }

    fn attempt(&mut self, h: u32, generation: u32) {
        let st = *self.hosts.get(h);
        if st.generation != generation
            || st.flags & (flag::COMPROMISED | flag::CONTAINED | flag::DONE) != flag::COMPROMISED
        {
            return;
        }
        let c = st.campaign;
        let s = st.stage as usize;
        let cat = self.cat;
        let def = &cat.campaigns[c as usize];
        let stage = &def.stages[s];
        // A lateral stage lands on other hosts: their hardening counts, in `spread`.
        let p = if stage.lateral.is_some() {
            stage.probability.clamp(0.0, 1.0)
        } else {
            let group = &cat.hot[self.hosts.group_of(cat, h) as usize];
            attempt_probability(stage.probability, group.hardening, def.sophistication)
        };
        if !(p > 0.0 && self.rng.of(cat.nation_of(h)).random::<f64>() < p) {
            self.schedule(h, s);
            return;
        }
        let repeat = stage.lateral.is_some_and(|l| l.repeat);
        let ev = if repeat && st.flags & flag::REPEATING != 0 {
            // A repeat of a stage the host already completed: what it does is logged through the
            // compromises it causes, not as one more `stage_completed` per attempt.
            st.last_event()
        } else {
            if repeat {
                self.hosts.get_mut(h).flags |= flag::REPEATING;
            }
            let ev = self.log.emit(
                cat,
                self.clock,
                EventKind::StageCompleted,
                Keys {
                    host: Some(h),
                    campaign: Some(c),
                    stage: Some(s as u32),
                    cause: Some(st.last_event()),
                    ..Keys::default()
                },
            );
            self.hosts.get_mut(h).set_last_event(ev);
            ev
        };
        if let Some(lat) = stage.lateral {
            self.spread(h, c, s, lat.reach, lat.fanout, ev);
        }
        if let Some(effect) = &stage.effect {
            self.impact(h, c, s, effect, ev);
        }
        if repeat {
            self.schedule(h, s);
        } else {
            self.enter_stage(h, s + 1);
        }
    }

    fn spread(&mut self, h: u32, c: u32, s: usize, reach: Reach, fanout: u64, cause: u64) {
        let seg = self.cat.hot[self.hosts.group_of(self.cat, h) as usize].segment;
        let mut candidates = std::mem::take(&mut self.book.candidates);
        candidates.clear();
        let mut budget = self.own_candidates(h, c, seg, &mut candidates);
        if reach == Reach::Linked {
            let base = self.cat.link_offsets[seg as usize] as usize;
            for (i, l) in self.cat.links(seg).iter().enumerate() {
                if l.to != seg && self.hosts.has_clean(l.to) && !self.book.is_blocked(base + i) {
                    self.hosts.prefetch_pool(self.cat, l.to, l.to_start);
                    budget += u64::from(self.hosts.clean_count(l.to));
                    candidates.push((l.to, l.to_start, l.filtering, false));
                }
            }
        }
        let sophistication = self.cat.campaigns[c as usize].sophistication;
        let resisting = self.hosts.tracks_resistance(c);
        let nation = self.cat.nation_of(h);
        for _ in 0..fanout.min(budget) {
            if candidates.is_empty() {
                break;
            }
            let pick = self.rng.of(nation).random_range(0..candidates.len());
            let (t, start, filtering, neighbour) = candidates[pick];
            if filtering > 0.0 && self.rng.of(nation).random::<f64>() >= 1.0 - filtering {
                continue; // the link filtered this attempt
            }
            let victim = if neighbour {
                start
            } else {
                // The count from the bitmap and the slot from the link: a segment with one clean
                // host costs no read of its pool here nor in `compromise`.
                let k = self.rng.of(nation).random_range(0..self.hosts.clean_count(t));
                debug_assert_eq!(self.hosts.clean_at_from(t, start, k), self.hosts.clean_at(t, k));
                self.hosts.clean_at_from(t, start, k)
            };
            if resisting && self.hosts.is_resistant(c, victim) {
                continue; // recovered from this campaign and resistant to it
            }
            let g = self.cat.group_in_segment(t, victim);
            // Read only when some group is hardened: the victim's record is a cache miss.
            let resist = if self.cat.any_hardening {
                attempt_probability(1.0, self.cat.hot[g as usize].hardening, sophistication)
            } else {
                1.0
            };
            if resist < 1.0 && self.rng.of(nation).random::<f64>() >= resist {
                continue; // the victim's hardening held
            }
            self.infect(victim, (g, t), c, Keys { stage: Some(s as u32), cause: Some(cause), ..Keys::default() });
            if neighbour {
                candidates.remove(pick);
            } else if !self.hosts.has_clean(t) {
                candidates.retain(|&(x, _, _, _)| x != t);
            }
        }
        self.book.candidates = candidates;
    }

    /// The candidates inside the host's own segment, returning how many clean hosts they hold:
    /// the segment itself (a uniformly random clean host of it), or, in a segment with a
    /// generated network, each clean neighbour of the host that is not resistant to campaign `c`,
    /// in ascending slot order, with the network's filtering.
    fn own_candidates(&mut self, h: u32, c: u32, seg: u32, candidates: &mut Vec<(u32, u32, f64, bool)>) -> u64 {
        match self.cat.graph(seg) {
            Some(graph) => {
                let resisting = self.hosts.tracks_resistance(c);
                for &v in graph.neighbours(h) {
                    let clean = self.hosts.in_clean_pool(v);
                    debug_assert_eq!(clean, !(self.hosts.has(v, flag::COMPROMISED) || self.hosts.is_isolated(v)));
                    if clean && !(resisting && self.hosts.is_resistant(c, v)) {
                        candidates.push((seg, v, graph.filtering, true));
                    }
                }
                candidates.len() as u64
            }
            None => {
                let clean = self.hosts.clean_in(seg);
                if clean > 0 {
                    candidates.push((seg, self.hosts.pool_start(seg), 0.0, false));
                }
                u64::from(clean)
            }
        }
    }

    fn impact(&mut self, h: u32, c: u32, s: usize, effect: &EffectDef, cause: u64) {
        let now = self.clock.tick;
        let keys = Keys { host: Some(h), campaign: Some(c), stage: Some(s as u32), ..Keys::default() };
        let ev = self.log.emit(
            self.cat,
            self.clock,
            EventKind::ImpactApplied,
            Keys { cause: Some(cause), detail: Some(effect.name()), ..keys },
        );
        self.hosts.get_mut(h).set_last_event(ev);
        let nation = self.cat.nation_of(h);
        note_first(&mut self.book.firsts, self.triggers, TriggerEvent::Impact, c, nation, now, ev);
        if effect.is_visible() && !self.hosts.has(h, flag::DETECTED) {
            self.hosts.set(h, flag::IMPACT_SEEN);
        }
        match *effect {
            EffectDef::Encrypt | EffectDef::Wipe => {
                if self.hosts.set_down(self.cat, h, true) {
                    self.log.emit(
                        self.cat,
                        self.clock,
                        EventKind::HostDown,
                        Keys { cause: Some(ev), detail: Some(effect.name()), ..keys },
                    );
                }
                let g = &self.cat.groups[self.hosts.group_of(self.cat, h) as usize];
                let mb = g.destroyed_mb(self.clock.now_s());
                if mb > 0.0 {
                    self.log.emit(
                        self.cat,
                        self.clock,
                        EventKind::DataLost,
                        Keys { cause: Some(ev), value: Some(mb), detail: Some(effect.name()), ..keys },
                    );
                }
            }
            EffectDef::Exfiltrate(mb) => {
                self.log.emit(
                    self.cat,
                    self.clock,
                    EventKind::DataLost,
                    Keys { cause: Some(ev), value: Some(mb as f64), detail: Some("exfiltrate"), ..keys },
                );
            }
            EffectDef::Disrupt(Some(svc), ticks) => self.services.force_down(svc, now, now + ticks.max(1), ev),
            EffectDef::Disrupt(None, _) | EffectDef::Deface => {}
        }
    }
}

/// Campaigns phase: start due campaigns, then process every attempt due this tick.
#[allow(clippy::too_many_arguments, reason = "a system's parameters are its declared data access")]
pub fn advance_campaigns(
    clock: Res<SimClock>,
    cat: Res<Catalog>,
    mut hosts: ResMut<Hosts>,
    mut book: ResMut<CampaignBook>,
    mut rng: ResMut<CampaignRng>,
    mut log: ResMut<EventLog>,
    mut services: ResMut<ServiceBook>,
    mut triggers: MessageWriter<TriggerSeen>,
) {
    let now = clock.tick;
    let mut starts: Vec<(u32, Option<u64>)> =
        book.scheduled.remove(&now).unwrap_or_default().into_iter().map(|c| (c, None)).collect();
    starts.extend(book.start_requests.drain(..).map(|(c, e)| (c, Some(e))));
    starts.sort_by_key(|&(c, _)| c);
    let mut due = std::mem::take(&mut book.due);
    book.take_due(now, &mut due);
    let mut ctx = Ctx {
        clock: &clock,
        cat: &cat,
        hosts: &mut hosts,
        book: &mut book,
        rng: &mut rng.0,
        log: &mut log,
        services: &mut services,
        triggers: &mut triggers,
        current: u32::MAX,
    };
    for (c, cause) in starts {
        ctx.start(c, cause);
    }
    for (i, &(h, generation)) in due.iter().enumerate() {
        ctx.prefetch_attempts(&due, i);
        ctx.current = h;
        ctx.attempt(h, generation);
    }
    due.clear();
    book.due = due;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::events::EventKind;
    use crate::sim::rng::{Purpose, stream};
    use crate::sim::testkit::*;
    use crate::testkit::*;
    use bevy_ecs::system::RunSystemOnce;

    fn compromised(w: &bevy_ecs::world::World) -> Vec<u32> {
        let h = w.resource::<Hosts>();
        (0..h.len() as u32).filter(|&i| h.has(i, flag::COMPROMISED)).collect()
    }

    #[test]
    fn footholds_land_round_robin_then_stages_advance_each_cadence() {
        let mut s = tiny(&[("SEG-A", "GA", 3, 0.0), ("SEG-B", "GB", 3, 0.0)]);
        let mut c = campaign("C", &["GA", "GB"], vec![stage("a", 1.0, MIN), stage("b", 1.0, 2 * MIN)]);
        c.entry.footholds = 3;
        s.campaigns.push(c);
        let mut w = world(&s);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(compromised(&w), vec![0, 1, 3], "GA-1, GB-1, GA-2");
        assert_eq!(count(&w, EventKind::CampaignStarted), 1);
        at_tick(&mut w, 1);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(count(&w, EventKind::StageCompleted), 3);
        assert!((0..2).all(|h| w.resource::<Hosts>().get(h).stage == 1));
        at_tick(&mut w, 2);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(count(&w, EventKind::StageCompleted), 3, "stage b has a 2-tick cadence");
        at_tick(&mut w, 3);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(count(&w, EventKind::ChainCompleted), 3);
        assert_eq!(w.resource::<CampaignBook>().pending_attempts(), 0, "finished hosts schedule nothing");
    }

    #[test]
    fn supply_chain_fraction_hits_every_listed_group_at_once() {
        let mut s = tiny(&[("SEG-A", "GA", 4, 0.0), ("SEG-B", "GB", 3, 0.0)]);
        let mut c = campaign("C", &["GA", "GB"], vec![stage("a", 0.0, MIN)]);
        c.entry.fraction = Some(0.5);
        s.campaigns.push(c);
        let mut w = world(&s);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(compromised(&w), vec![0, 1, 4, 5]);
    }

    #[test]
    fn supply_chain_fraction_is_exact() {
        // 0.28 × 25 is 7.000000000000001 in f64: eight hosts used to fall.
        let mut s = tiny(&[("SEG-A", "GA", 25, 0.0)]);
        let mut c = campaign("C", &["GA"], vec![stage("a", 0.0, MIN)]);
        c.entry.fraction = Some(0.28);
        s.campaigns.push(c);
        let mut w = world(&s);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(compromised(&w), (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn only_targets_suffer_the_impact_stage() {
        let mut s = tiny(&[("SEG-A", "GA", 1, 0.0)]);
        let mut enc = stage("enc", 1.0, MIN);
        enc.effect = Some(crate::scenario::model::Effect::Encrypt);
        let mut c = campaign("C", &["GA"], vec![enc]);
        c.targets.roles = vec![crate::scenario::model::HostRole::Server];
        s.campaigns.push(c.clone());
        let mut w = world(&s);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(count(&w, EventKind::StageSkipped), 1);
        assert_eq!(count(&w, EventKind::ChainCompleted), 1);
        // Now as a target: the host goes down one tick later.
        c.targets.roles.clear();
        s.campaigns[0] = c;
        let mut w = world(&s);
        w.run_system_once(advance_campaigns).unwrap();
        at_tick(&mut w, 1);
        w.run_system_once(advance_campaigns).unwrap();
        assert_eq!(count(&w, EventKind::ImpactApplied), 1);
        assert_eq!(count(&w, EventKind::HostDown), 1);
        assert_eq!(w.resource::<Hosts>().group_down, vec![1]);
        assert!(w.resource::<Hosts>().has(0, flag::IMPACT_SEEN), "encryption is visible: Detection finds the host");
    }

    #[test]
    fn segment_reach_stays_in_the_segment_even_across_a_link() {
        let mut s = tiny(&[("SEG-A", "GA", 5, 0.0), ("SEG-B", "GB", 5, 0.0)]);
        s.links.push(crate::scenario::model::Link { between: vec!["SEG-A".into(), "SEG-B".into()], filtering: 0.0 });
        let mut spread = stage("spread", 1.0, MIN);
        spread.lateral = Some(crate::scenario::model::Lateral { reach: Reach::Segment, fanout: 10, repeat: true });
        s.campaigns.push(campaign("C", &["GA"], vec![spread]));
        let mut w = world(&s);
        for t in 0..5 {
            at_tick(&mut w, t);
            w.run_system_once(advance_campaigns).unwrap();
        }
        assert_eq!(compromised(&w), vec![0, 1, 2, 3, 4]);
        assert_eq!((w.resource::<Hosts>().clean_in(0), w.resource::<Hosts>().clean_in(1)), (0, 5));
    }

    #[test]
    fn a_worm_logs_its_stage_once_per_host_and_each_spread_as_a_compromise() {
        let mut s = tiny(&[("SEG-A", "GA", 6, 0.0)]);
        let mut spread = stage("spread", 1.0, MIN);
        spread.lateral = Some(crate::scenario::model::Lateral { reach: Reach::Segment, fanout: 1, repeat: true });
        s.campaigns.push(campaign("C", &["GA"], vec![spread]));
        let mut w = world(&s);
        for t in 0..12 {
            at_tick(&mut w, t);
            w.run_system_once(advance_campaigns).unwrap();
        }
        let ev = rendered(&w);
        let done: Vec<&str> =
            ev.iter().filter(|e| e.kind == EventKind::StageCompleted).map(|e| e.host.as_deref().unwrap()).collect();
        let unique: BTreeSet<&str> = done.iter().copied().collect();
        assert_eq!(done.len(), unique.len(), "one stage_completed per host: {done:?}");
        assert_eq!(compromised(&w).len(), 6, "the worm still reached every host");
        assert_eq!(done.len(), 6, "and every host completed the stage once");
        for e in ev.iter().filter(|e| e.kind == EventKind::HostCompromised && e.stage.is_some()) {
            let cause = &ev[(e.cause.unwrap() - 1) as usize];
            assert_eq!(cause.kind, EventKind::StageCompleted, "a spread is caused by its host's stage");
        }
    }

    /// A segment of an attacker's host (group GA, hardening `attacker`) and one victim host
    /// (group GV, hardening `victim`); the campaign's only stage moves laterally once.
    fn lateral_pair(attacker: f64, victim: f64, sophistication: f64) -> crate::scenario::model::Scenario {
        let mut s = tiny(&[("SEG-A", "GA", 1, 0.0)]);
        let seg = &mut s.nations[0].segments[0];
        let mut v = seg.host_groups[0].clone();
        v.id = "GV".into();
        v.hardening = victim;
        seg.host_groups[0].hardening = attacker;
        seg.host_groups.push(v);
        let mut hop = stage("hop", 1.0, MIN);
        hop.lateral = Some(crate::scenario::model::Lateral { reach: Reach::Segment, fanout: 1, repeat: false });
        let mut c = campaign("C", &["GA"], vec![hop]);
        c.actor.sophistication = sophistication;
        s.campaigns.push(c);
        s
    }

    /// Share of seeds in which the victim falls at its one chance (tick 1).
    fn victim_falls(s: &crate::scenario::model::Scenario, seeds: u64) -> f64 {
        let mut fell = 0u64;
        for seed in 1..=seeds {
            let mut w = crate::sim::build::build_world(s, &crate::sim::RunConfig { seed, run_index: 0 });
            w.run_system_once(advance_campaigns).unwrap();
            at_tick(&mut w, 1);
            w.run_system_once(advance_campaigns).unwrap();
            fell += u64::from(w.resource::<Hosts>().has(1, flag::COMPROMISED));
        }
        fell as f64 / seeds as f64
    }

    #[test]
    fn lateral_movement_reads_the_victims_hardening_not_the_attackers() {
        // A fully hardened attacking host still moves; a fully hardened victim never falls.
        assert_eq!(victim_falls(&lateral_pair(1.0, 0.0, 0.0), 50), 1.0);
        assert_eq!(victim_falls(&lateral_pair(0.0, 1.0, 0.0), 50), 0.0);
        assert_eq!(victim_falls(&lateral_pair(0.0, 1.0, 1.0), 50), 1.0, "sophistication 1 ignores hardening");
    }

    #[test]
    fn a_lateral_pick_lands_with_the_documented_probability() {
        // resist = 1 − 0.6 × (1 − 0.5) = 0.7; a Bernoulli mean over n seeds has σ = √(p(1−p)/n).
        let n = 3000;
        let p = 0.7;
        let sigma = (p * (1.0 - p) / n as f64).sqrt();
        let got = victim_falls(&lateral_pair(0.9, 0.6, 0.5), n);
        assert!((got - p).abs() < 4.5 * sigma, "{got} vs {p} ± {}", 4.5 * sigma);
    }

    #[test]
    fn a_resistant_host_is_never_landed_on_again_by_that_campaign() {
        // One segment of 4 hosts (no network: picks come from the pool) and a line of 4 hosts.
        for topology in [None, Some(crate::scenario::model::TopologyKind::Line)] {
            let mut s = tiny(&[("SEG-A", "GA", 4, 0.0)]);
            s.nations[0].segments[0].topology = topology.map(crate::scenario::model::Topology::bare);
            let mut spread = stage("spread", 1.0, MIN);
            spread.lateral = Some(crate::scenario::model::Lateral { reach: Reach::Segment, fanout: 4, repeat: true });
            let mut c = campaign("C", &["GA"], vec![spread]);
            c.recovery.resistance = 0.5;
            s.campaigns.push(c);
            let mut w = world(&s);
            w.resource_mut::<Hosts>().set_resistant(0, 1);
            for t in 0..8 {
                at_tick(&mut w, t);
                w.run_system_once(advance_campaigns).unwrap();
            }
            let hit = compromised(&w);
            assert!(!hit.contains(&1), "{topology:?}: {hit:?}");
            // On the line 0 – 1 – 2 – 3 the resistant host 1 cuts the rest off.
            let expected = if topology.is_some() { vec![0] } else { vec![0, 2, 3] };
            assert_eq!(hit, expected, "{topology:?}");
        }
    }

    #[test]
    fn success_formula() {
        assert!((attempt_probability(0.5, 0.0, 0.0) - 0.5).abs() < 1e-12);
        assert!((attempt_probability(0.5, 1.0, 0.0) - 0.0).abs() < 1e-12);
        assert!((attempt_probability(0.5, 1.0, 1.0) - 0.5).abs() < 1e-12);
        assert!((attempt_probability(0.8, 0.5, 0.5) - 0.6).abs() < 1e-12);
    }

    /// An exponential draw with the given mean, in whole seconds (rounded up).
    fn exp_secs(rng: &mut ChaCha8Rng, mean: f64) -> u64 {
        secs_of_draw(rng.random::<f64>(), mean)
    }

    #[test]
    fn cadence_draws_are_whole_ticks_at_least_one() {
        let clock = SimClock::new(60, 3600, 0);
        let mut rng = stream(1, 0, Purpose::Campaign);
        assert_eq!(draw_ticks(&mut rng, CadenceDef::Fixed(0), &clock), 1);
        assert_eq!(draw_ticks(&mut rng, CadenceDef::Fixed(61), &clock), 2);
        for _ in 0..100 {
            let t = draw_ticks(&mut rng, CadenceDef::Uniform(60, 180), &clock);
            assert!((1..=3).contains(&t));
            assert!(draw_ticks(&mut rng, CadenceDef::Exponential(600), &clock) >= 1);
        }
        let n = 20_000;
        let mean: f64 = (0..n).map(|_| exp_secs(&mut rng, 600.0) as f64).sum::<f64>() / f64::from(n);
        assert!((mean - 600.5).abs() < 20.0, "mean {mean}");
    }

    proptest::proptest! {
        /// The shortcut of `ticks_of_draw` answers what rounding the draw's seconds up to ticks
        /// answers, for any draw, mean and tick: near its bound (`u` = 1 − 1/(1 + tick/mean)),
        /// at the ends of [0, 1) and for means of zero, of a second and of years.
        #[test]
        fn exponential_ticks_skip_the_logarithm_only_where_it_changes_nothing(
            tick in proptest::prop_oneof![1u64..=120, 1u64..=100_000_000],
            mean in proptest::prop_oneof![
                proptest::strategy::Just(0.0f64), 1e-9f64..1.0, 1.0f64..1e5, 1e5f64..1e12
            ],
            at in proptest::prop_oneof![0.0f64..1.0, -1e-6f64..1e-6, proptest::strategy::Just(0.0)],
            edge in proptest::prop_oneof![
                proptest::strategy::Just(0.0f64), proptest::strategy::Just(1.0 - f64::EPSILON / 2.0), 0.0f64..1.0
            ],
        ) {
            let clock = SimClock::new(tick, tick * 10, 0);
            let bound = 1.0 - 1.0 / (1.0 + tick as f64 / mean);
            for u in [edge, (bound + at).clamp(0.0, 1.0 - f64::EPSILON / 2.0), at.abs().min(0.999)] {
                proptest::prop_assert_eq!(
                    ticks_of_draw(u, mean, &clock),
                    clock.ticks_min1(secs_of_draw(u, mean)),
                    "u {} mean {} tick {}", u, mean, tick
                );
            }
        }
    }

    #[test]
    fn exponential_ticks_draw_as_exponential_seconds_do() {
        let clock = SimClock::new(3600, 86_400, 0);
        for mean in [0.0, 60.0, 1_800.0, 3_600.0, 7_200.0, 86_400.0] {
            let (mut a, mut b) = (stream(7, 0, Purpose::Response), stream(7, 0, Purpose::Response));
            for _ in 0..5_000 {
                assert_eq!(exp_ticks(&mut a, mean, &clock), clock.ticks_min1(exp_secs(&mut b, mean)), "mean {mean}");
            }
        }
    }
}
