//! Owns the work a team's analysts do on a decision: hunts and restores, each holding analysts
//! from its start until it finishes, and what each finds or changes when it does.
//!
//! * **Hunt** a scope (a host group or a segment of the team's nation) for compromises: it holds
//!   `analysts` analysts (default 1) for `hosts × HUNT_SECS_PER_HOST × 1.25 / (0.25 + detect) /
//!   analysts` seconds, rounded up to whole ticks (at least 1): 20 hosts per analyst-hour at
//!   detect skill 1. When it ends, every compromised host of the scope the team has not detected
//!   is found, independently, with probability [`HUNT_P_INDICATORS`] if the team holds that
//!   host's campaign's indicators and [`HUNT_P_BLIND`] otherwise, sensor or not (one draw per such
//!   host, in slot order, from the nation's hunt stream). A found host is detected exactly as by
//!   Detection (`host_detected`, detail `hunt`; an incident opens; sharing and assistance policy
//!   see it). The scope is what the hunt covers when it ends.
//! * **Restore** a host (`backup` or `rebuild`, `doctrine.rs`): holds one analyst for the group's
//!   restore time × 1.25 / (0.25 + recover) (× 3 for a rebuild), rounded up to whole ticks. A
//!   restore from backup loses what the host wrote since its last backup (`data_lost`, detail
//!   `restore`), unless an impact already destroyed it (the host is down and not isolated); a
//!   rebuild loses nothing. When it ends the host is up, clean and back on the network.
//! * Work takes analysts the Response phase would otherwise give to queued incidents (the
//!   nation's `busy` count), and finishes in the Detection phase of its last tick.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{MessageWriter, Res, ResMut, Resource};
use rand::RngExt;

use super::campaigns::{CampaignBook, note_first};
use super::clock::SimClock;
use super::doctrine::{REBUILD_FACTOR, RestoreMode};
use super::events::{Detected, EventKind, EventLog, Keys, TriggerSeen};
use super::response::{ResponseBook, phase_mean_secs};
use super::rng::NationStreams;
use super::sharing::Intel;
use super::state::{Catalog, Hosts, flag};
use crate::scenario::model::TriggerEvent;

/// Analyst-seconds per host of a hunt's scope at detect skill 1 (20 hosts per analyst-hour).
pub const HUNT_SECS_PER_HOST: f64 = 180.0;
/// Probability that a hunt finds a compromised host when the team holds its campaign's
/// indicators.
pub const HUNT_P_INDICATORS: f64 = 0.9;
/// Probability without them.
pub const HUNT_P_BLIND: f64 = 0.3;

/// What a piece of work does when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// A hunt over slots `[start, end)`, optionally for one campaign only.
    Hunt {
        /// First slot.
        start: u32,
        /// One past the last slot.
        end: u32,
        /// Campaign looked for (`None`: any).
        campaign: Option<u32>,
    },
    /// A restore of one host.
    Restore {
        /// Host slot.
        host: u32,
        /// Mode.
        mode: RestoreMode,
    },
}

/// One piece of work.
#[derive(Debug, Clone, Copy)]
pub struct Work {
    /// Nation whose analysts do it.
    pub nation: u32,
    /// Analysts held.
    pub analysts: u32,
    /// What it does.
    pub task: Task,
    /// Tick it ends in.
    pub ends: u64,
    /// The event that started it.
    pub started: u64,
    /// Finished.
    pub done: bool,
}

/// Work in progress and done.
#[derive(Resource)]
pub struct WorkBook {
    /// Every piece of work, in start order.
    pub items: Vec<Work>,
    /// Ends by tick (indices into `items`).
    pub agenda: BTreeMap<u64, Vec<u32>>,
    /// Hunt draws, per nation.
    pub rng: NationStreams,
}

impl WorkBook {
    /// An empty book drawing from `rng`.
    pub fn new(rng: NationStreams) -> Self {
        WorkBook { items: Vec::new(), agenda: BTreeMap::new(), rng }
    }

    /// Starts work: holds its analysts and schedules its end `ticks` from now (at least 1).
    pub fn start(&mut self, response: &mut ResponseBook, now: u64, ticks: u64, work: Work) {
        response.busy[work.nation as usize] += work.analysts;
        let i = self.items.len() as u32;
        let ends = now + ticks.max(1);
        self.items.push(Work { ends, ..work });
        self.agenda.entry(ends).or_default().push(i);
    }

    /// Whether a restore of host `h` is under way.
    pub fn restoring(&self, h: u32) -> bool {
        self.items.iter().any(|w| !w.done && matches!(w.task, Task::Restore { host, .. } if host == h))
    }
}

/// Whole ticks a hunt of `hosts` hosts takes with `analysts` analysts at detect skill `skill`.
pub fn hunt_ticks(clock: &SimClock, hosts: u32, analysts: u32, skill: f64) -> u64 {
    let secs = phase_mean_secs(f64::from(hosts) * HUNT_SECS_PER_HOST, skill) / f64::from(analysts.max(1));
    clock.ticks_min1(secs.ceil() as u64)
}

/// Whole ticks a restore takes.
pub fn restore_ticks(clock: &SimClock, restore_secs: u64, mode: RestoreMode, skill: f64) -> u64 {
    let factor = if mode == RestoreMode::Rebuild { REBUILD_FACTOR } else { 1 };
    clock.ticks_min1(phase_mean_secs((restore_secs * factor) as f64, skill).ceil() as u64)
}

/// The readers and writers finishing work needs.
#[derive(bevy_ecs::system::SystemParam)]
pub struct WorkCtx<'w> {
    clock: Res<'w, SimClock>,
    cat: Res<'w, Catalog>,
    intel: Res<'w, Intel>,
    hosts: ResMut<'w, Hosts>,
    response: ResMut<'w, ResponseBook>,
    log: ResMut<'w, EventLog>,
    campaigns: ResMut<'w, CampaignBook>,
    detected: MessageWriter<'w, Detected>,
    triggers: MessageWriter<'w, TriggerSeen>,
}

/// Detection phase, after the detection draws: finishes the work due this tick, in start order.
pub fn finish_work(mut book: ResMut<WorkBook>, mut ctx: WorkCtx) {
    let Some(due) = book.agenda.remove(&ctx.clock.tick) else { return };
    for i in due {
        let work = book.items[i as usize];
        ctx.response.busy[work.nation as usize] -= work.analysts;
        book.items[i as usize].done = true;
        match work.task {
            Task::Hunt { start, end, campaign } => {
                let rng = book.rng.of(work.nation);
                finish_hunt(&mut ctx, &work, (start, end, campaign), rng);
            }
            Task::Restore { host, mode } => finish_restore(&mut ctx, &work, host, mode),
        }
    }
}

fn finish_hunt(
    ctx: &mut WorkCtx,
    work: &Work,
    (start, end, campaign): (u32, u32, Option<u32>),
    rng: &mut rand_chacha::ChaCha8Rng,
) {
    let mut found = 0u32;
    for h in start..end {
        let st = *ctx.hosts.get(h);
        if st.flags & (flag::COMPROMISED | flag::DETECTED) != flag::COMPROMISED {
            continue;
        }
        if campaign.is_some_and(|c| c != st.campaign) {
            continue;
        }
        let p = if ctx.intel.holds(work.nation, st.campaign) { HUNT_P_INDICATORS } else { HUNT_P_BLIND };
        if rng.random::<f64>() < p {
            detect_by_hunt(ctx, h, work.started);
            found += 1;
        }
    }
    let keys =
        Keys { nation: Some(work.nation), cause: Some(work.started), value: Some(f64::from(found)), ..Keys::default() };
    ctx.log.emit(&ctx.cat, &ctx.clock, EventKind::HuntCompleted, keys);
}

/// Detects a compromised host found by a hunt, as Detection does.
fn detect_by_hunt(ctx: &mut WorkCtx, h: u32, cause: u64) {
    let (cat, clock) = (&*ctx.cat, &*ctx.clock);
    let group = ctx.hosts.group_of(cat, h);
    let st = ctx.hosts.get_mut(h);
    st.flags |= flag::DETECTED;
    let st = *st;
    let c = st.campaign;
    let stage = u32::from(st.stage).min(cat.campaigns[c as usize].stages.len().saturating_sub(1) as u32);
    let keys = Keys {
        host: Some(h),
        campaign: Some(c),
        stage: Some(stage),
        cause: Some(cause),
        detail: Some("hunt"),
        ..Keys::default()
    };
    let ev = ctx.log.emit(cat, clock, EventKind::HostDetected, keys);
    ctx.hosts.undetected.remove(h);
    ctx.response.open_incident(cat, clock, &mut ctx.log, h, group, c, ev);
    let nation = cat.hot[group as usize].nation;
    ctx.detected.write(Detected { host: h, group, campaign: c, nation, event: ev });
    note_first(&mut ctx.campaigns.firsts, &mut ctx.triggers, TriggerEvent::FirstDetection, c, nation, clock.tick, ev);
}

fn finish_restore(ctx: &mut WorkCtx, work: &Work, h: u32, mode: RestoreMode) {
    let (cat, clock) = (&*ctx.cat, &*ctx.clock);
    ctx.hosts.restore(cat, h);
    let keys = Keys { host: Some(h), cause: Some(work.started), detail: Some(mode.name()), ..Keys::default() };
    ctx.log.emit(cat, clock, EventKind::HostRestored, keys);
}
