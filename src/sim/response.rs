//! Owns the Response phase: incident queues on national teams, analyst capacity (shifts,
//! injects, assistance), and the triage → containment → eradication → recovery pipeline.
//!
//! * Incidents queue on the host's national team by the team's queue rule (doctrine, or its
//!   `prioritise` action): FIFO by incident id by default; `criticality` puts the most critical
//!   host group first, `campaign` groups by campaign, each then by id. Each analyst works one
//!   incident at a time, from acknowledgement until the host is recovered.
//! * Capacity in tick `t` = analysts on shift + `size` of every assistance team on task for the
//!   nation. Analysts on shift = `max(0, analysts + inject deltas)`; for `office_hours` teams that
//!   holds 08:00–17:00 local time (`utc_offset`) Monday–Friday, and otherwise only one on-call
//!   analyst (`min(1, …)`). Capacity gates *taking* incidents; work in progress is finished even
//!   when a shift ends.
//! * Each phase lasts an exponential time with mean `base × 1.25 / (0.25 + skill)` (so skill 1 →
//!   `base`, skill 0 → `5 × base`), rounded up to whole ticks, at least 1. Bases: triage 15 min
//!   (`detect` skill), containment 30 min and eradication 1 h (`contain` skill), recovery the host
//!   group's `restore_time` (`recover` skill). The skill is the team's, raised to the best
//!   on-task assistance team's skill, taken when the phase starts.
//! * Containment completes → the host is contained: its campaign never progresses or spreads
//!   from it again. Recovery completes → the host is up and clean, restored from its last backup;
//!   restoring loses nothing more (the data was lost when it was destroyed: see
//!   `GroupInfo::destroyed_mb`). Every transition is an event whose `cause` is the previous one.
//! * Resistance: when recovery completes, the host becomes resistant to the incident's campaign
//!   with the campaign's `recovery.resistance` probability (its `host_recovered` event then has
//!   detail `resistant`); that campaign's lateral moves never land on it again (`campaigns.rs`).

use std::collections::VecDeque;

use bevy_ecs::prelude::{Res, ResMut, Resource};
use rand_chacha::ChaCha8Rng;

use super::agenda::Agenda;
use super::campaigns::exp_ticks;
use super::clock::{SimClock, in_office_hours};
use super::doctrine::QueueRule;
use super::events::{EventKind, EventLog, Keys};
use super::ids::narrow;
use super::prefetch::{AHEAD, prefetch};
use super::rng::{NationStreams, ResponseRng};
use super::state::{Catalog, Hosts};
use crate::scenario::model::Skills;

/// Base triage time at skill 1, seconds.
pub const TRIAGE_BASE_S: f64 = 15.0 * 60.0;
/// Base containment time at skill 1, seconds.
pub const CONTAIN_BASE_S: f64 = 30.0 * 60.0;
/// Base eradication time at skill 1, seconds.
pub const ERADICATE_BASE_S: f64 = 60.0 * 60.0;

/// Incident phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for an analyst.
    Queued,
    /// Being triaged.
    Triage,
    /// Being contained.
    Containment,
    /// Being eradicated.
    Eradication,
    /// Host being restored.
    Recovery,
    /// Done.
    Closed,
}

/// One incident (its id is its index in [`ResponseBook::incidents`] + 1). 24 bytes: Response
/// visits one per phase end, scattered over the whole run's incidents.
#[derive(Debug, Clone, Copy)]
pub struct Incident {
    /// Host slot.
    pub host: u32,
    /// The host's group.
    pub group: u32,
    /// Campaign.
    pub campaign: u32,
    /// Nation.
    pub nation: u32,
    /// Current phase.
    pub phase: Phase,
    /// Latest event of the incident (32-bit, as in the event log).
    last_event: u32,
}

impl Incident {
    /// Latest event of the incident.
    pub fn last_event(&self) -> u64 {
        u64::from(self.last_event)
    }
}

/// Incidents and team runtime state.
#[derive(Resource, Debug, Default)]
pub struct ResponseBook {
    /// All incidents; index = id − 1.
    pub incidents: Vec<Incident>,
    /// FIFO queue per nation (incident ids).
    pub queues: Vec<VecDeque<u64>>,
    /// Analysts busy per nation.
    pub busy: Vec<u32>,
    /// Analyst change from injects per nation.
    pub capacity_delta: Vec<i64>,
    /// Assistance analysts on task per nation.
    pub assist_size: Vec<u32>,
    /// Best on-task assistance skills per nation.
    pub assist_skills: Vec<Option<Skills>>,
    /// Queue order per nation (doctrine, or the team's `prioritise` action).
    pub rules: Vec<QueueRule>,
    /// Phase ends by tick (incident ids).
    pub agenda: Agenda<u64>,
    /// Scratch for the phase ends due this tick (kept to reuse its allocation).
    due: Vec<u64>,
}

/// Mean phase duration in seconds for a skill (see module docs).
pub fn phase_mean_secs(base: f64, skill: f64) -> f64 {
    base * 1.25 / (0.25 + skill.clamp(0.0, 1.0))
}

impl ResponseBook {
    /// Empty book for `nations` nations.
    pub fn new(nations: usize) -> Self {
        ResponseBook {
            queues: vec![VecDeque::new(); nations],
            busy: vec![0; nations],
            capacity_delta: vec![0; nations],
            assist_size: vec![0; nations],
            assist_skills: vec![None; nations],
            rules: vec![QueueRule::Fifo; nations],
            ..ResponseBook::default()
        }
    }

    /// The nation's effective skills (team, raised by on-task assistance).
    pub fn skills(&self, cat: &Catalog, nation: u32) -> Skills {
        let base = cat.nations[nation as usize].skills;
        match self.assist_skills[nation as usize] {
            Some(a) => Skills {
                detect: base.detect.max(a.detect),
                contain: base.contain.max(a.contain),
                recover: base.recover.max(a.recover),
            },
            None => base,
        }
    }

    /// Effective detection skill.
    pub fn detect_skill(&self, cat: &Catalog, nation: u32) -> f64 {
        self.skills(cat, nation).detect
    }

    /// Analysts available this tick.
    pub fn capacity(&self, cat: &Catalog, clock: &SimClock, nation: u32) -> u32 {
        let n = &cat.nations[nation as usize];
        let base = (i64::from(n.analysts) + self.capacity_delta[nation as usize]).clamp(0, i64::from(u32::MAX)) as u32;
        let now = clock.startex_unix + clock.now_s() as i64;
        let on_shift = if n.office_hours && !in_office_hours(now, n.offset_secs) { base.min(1) } else { base };
        on_shift + self.assist_size[nation as usize]
    }

    /// Open (queued or in work) incidents of a nation.
    pub fn open_count(&self, nation: u32) -> usize {
        self.queues[nation as usize].len() + self.busy[nation as usize] as usize
    }

    /// Opens an incident for a detection and queues it.
    #[allow(clippy::too_many_arguments, reason = "all are needed to log the opening")]
    pub fn open_incident(
        &mut self,
        cat: &Catalog,
        clock: &SimClock,
        log: &mut EventLog,
        host: u32,
        group: u32,
        campaign: u32,
        cause: u64,
    ) -> u64 {
        let id = self.incidents.len() as u64 + 1;
        let nation = cat.hot[group as usize].nation;
        let ev = log.emit(
            cat,
            clock,
            EventKind::IncidentOpened,
            Keys {
                host: Some(host),
                campaign: Some(campaign),
                incident: Some(id),
                cause: Some(cause),
                ..Keys::default()
            },
        );
        self.incidents.push(Incident { host, group, campaign, nation, phase: Phase::Queued, last_event: narrow(ev) });
        self.enqueue(cat, nation, id);
        id
    }

    /// The place of incident `id` in its queue under `rule` (smaller goes first).
    pub fn queue_key(&self, cat: &Catalog, rule: QueueRule, id: u64) -> (u64, u64) {
        let inc = &self.incidents[(id - 1) as usize];
        match rule {
            QueueRule::Fifo => (0, id),
            QueueRule::Criticality => (u64::from(u8::MAX - cat.groups[inc.group as usize].criticality as u8), id),
            QueueRule::Campaign => (u64::from(inc.campaign), id),
        }
    }

    /// Queues incident `id` on its nation's team by the team's rule: at the back for `fifo` (no
    /// search), else after every queued incident that goes before it (a scan from the back).
    fn enqueue(&mut self, cat: &Catalog, nation: u32, id: u64) {
        let rule = self.rules[nation as usize];
        if rule == QueueRule::Fifo {
            self.queues[nation as usize].push_back(id);
            return;
        }
        let key = self.queue_key(cat, rule, id);
        let queue = &self.queues[nation as usize];
        let mut at = queue.len();
        while at > 0 && self.queue_key(cat, rule, queue[at - 1]) > key {
            at -= 1;
        }
        self.queues[nation as usize].insert(at, id);
    }

    fn start_phase(&mut self, cat: &Catalog, clock: &SimClock, rng: &mut NationStreams, id: u64, phase: Phase) {
        let inc = &self.incidents[(id - 1) as usize];
        let skills = self.skills(cat, inc.nation);
        let mean = match phase {
            Phase::Triage => phase_mean_secs(TRIAGE_BASE_S, skills.detect),
            Phase::Containment => phase_mean_secs(CONTAIN_BASE_S, skills.contain),
            Phase::Eradication => phase_mean_secs(ERADICATE_BASE_S, skills.contain),
            Phase::Recovery => phase_mean_secs(cat.hot[inc.group as usize].restore_secs as f64, skills.recover),
            Phase::Queued | Phase::Closed => return,
        };
        let due = clock.tick + exp_ticks(rng.of(inc.nation), mean, clock);
        self.incidents[(id - 1) as usize].phase = phase;
        self.agenda.push(clock.tick, due, id);
    }
}

/// Whether a host just recovered from campaign `c` becomes resistant to it: with its
/// `recovery.resistance` probability, one draw from the response stream only when that is
/// strictly between 0 and 1 (incidents finish in ascending id order, so the draws are stable).
fn gains_resistance(cat: &Catalog, rng: &mut ChaCha8Rng, c: u32) -> bool {
    let p = cat.campaigns.get(c as usize).map_or(0.0, |d| d.resistance);
    p >= 1.0 || (p > 0.0 && rand::RngExt::random::<f64>(rng) < p)
}

/// Completes the current phase of `inc` on its host: the event it logs, the next phase and the
/// event's detail (`resistant` when a recovered host gains resistance). `None` for an incident
/// not in a working phase.
fn finish_phase(
    cat: &Catalog,
    hosts: &mut Hosts,
    rng: &mut NationStreams,
    inc: &Incident,
) -> Option<(EventKind, Phase, Option<&'static str>)> {
    let step = match inc.phase {
        Phase::Triage => (EventKind::TriageCompleted, Phase::Containment, None),
        Phase::Containment => {
            hosts.contain(inc.host);
            (EventKind::HostContained, Phase::Eradication, None)
        }
        Phase::Eradication => (EventKind::HostEradicated, Phase::Recovery, None),
        Phase::Recovery => {
            hosts.restore(cat, inc.host);
            let resistant = gains_resistance(cat, rng.of(inc.nation), inc.campaign);
            if resistant {
                hosts.set_resistant(inc.campaign, inc.host);
            }
            (EventKind::HostRecovered, Phase::Closed, resistant.then_some("resistant"))
        }
        Phase::Queued | Phase::Closed => return None,
    };
    Some(step)
}

/// Response phase: finish due phases, then hand queued incidents to free analysts.
pub fn respond_to_incidents(
    clock: Res<SimClock>,
    cat: Res<Catalog>,
    mut hosts: ResMut<Hosts>,
    mut book: ResMut<ResponseBook>,
    mut rng: ResMut<ResponseRng>,
    mut log: ResMut<EventLog>,
) {
    let rng = &mut rng.0;
    let mut due = std::mem::take(&mut book.due);
    book.agenda.take(clock.tick, &mut due);
    due.sort_unstable();
    for (i, &id) in due.iter().enumerate() {
        // Two steps: the incident, then (its record now in cache) its host and group.
        if let Some(&ahead) = due.get(i + 2 * AHEAD) {
            prefetch(&book.incidents, (ahead - 1) as usize);
        }
        if let Some(&ahead) = due.get(i + AHEAD) {
            let inc = &book.incidents[(ahead - 1) as usize];
            hosts.prefetch(inc.host);
            prefetch(&cat.hot, inc.group as usize);
        }
        let inc = book.incidents[(id - 1) as usize];
        let Some((kind, next, detail)) = finish_phase(&cat, &mut hosts, rng, &inc) else { continue };
        let keys = Keys {
            host: Some(inc.host),
            campaign: Some(inc.campaign),
            incident: Some(id),
            cause: Some(inc.last_event()),
            detail,
            ..Keys::default()
        };
        let ev = log.emit(&cat, &clock, kind, keys);
        book.incidents[(id - 1) as usize].last_event = narrow(ev);
        if next == Phase::Closed {
            book.incidents[(id - 1) as usize].phase = Phase::Closed;
            book.busy[inc.nation as usize] -= 1;
        } else {
            book.start_phase(&cat, &clock, rng, id, next);
        }
    }
    due.clear();
    book.due = due;
    for n in 0..cat.nations.len() as u32 {
        let cap = book.capacity(&cat, &clock, n);
        while book.busy[n as usize] < cap {
            let Some(id) = book.queues[n as usize].pop_front() else {
                break;
            };
            book.busy[n as usize] += 1;
            let inc = book.incidents[(id - 1) as usize];
            let ev = log.emit(
                &cat,
                &clock,
                EventKind::IncidentAcknowledged,
                Keys {
                    host: Some(inc.host),
                    campaign: Some(inc.campaign),
                    incident: Some(id),
                    cause: Some(inc.last_event()),
                    ..Keys::default()
                },
            );
            book.incidents[(id - 1) as usize].last_event = narrow(ev);
            book.start_phase(&cat, &clock, rng, id, Phase::Triage);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::WorkPattern;
    use crate::sim::testkit::*;
    use crate::testkit::*;
    use bevy_ecs::system::RunSystemOnce;

    #[test]
    fn incidents_are_taken_fifo_up_to_capacity_and_run_to_recovery() {
        let mut s = tiny(&[("SEG-A", "GA", 3, 1.0)]);
        s.nations[0].team.analysts = 2;
        let mut w = world(&s);
        w.resource_scope(|w, mut book: bevy_ecs::prelude::Mut<ResponseBook>| {
            let (cat, clock) = (w.resource::<Catalog>().clone(), w.resource::<SimClock>().clone());
            let mut log = w.resource_mut::<EventLog>();
            for h in 0..3 {
                book.open_incident(&cat, &clock, &mut log, h, 0, 0, 0);
            }
        });
        w.run_system_once(respond_to_incidents).unwrap();
        let book = w.resource::<ResponseBook>();
        assert_eq!(book.busy[0], 2);
        assert_eq!(book.queues[0].iter().copied().collect::<Vec<_>>(), vec![3], "incident 3 waits");
        for t in 1..2000 {
            at_tick(&mut w, t);
            w.run_system_once(respond_to_incidents).unwrap();
        }
        assert_eq!(count(&w, EventKind::HostRecovered), 3);
        assert_eq!(count(&w, EventKind::HostContained), 3);
        assert_eq!(w.resource::<ResponseBook>().open_count(0), 0);
    }

    #[test]
    fn office_hours_teams_have_one_analyst_off_hours() {
        let mut s = tiny(&[("SEG-A", "GA", 1, 1.0)]);
        s.nations[0].team.schedule = WorkPattern::OfficeHours;
        s.nations[0].team.analysts = 5;
        let w = world(&s);
        let (cat, book) = (w.resource::<Catalog>(), w.resource::<ResponseBook>());
        let mut clock = w.resource::<SimClock>().clone();
        // STARTEX defaults to Monday 08:00 UTC.
        assert_eq!(book.capacity(cat, &clock, 0), 5);
        clock.tick = 9 * 60; // 17:00
        assert_eq!(book.capacity(cat, &clock, 0), 1);
        clock.tick = 5 * 24 * 60 + 2 * 60; // Saturday 10:00
        assert_eq!(book.capacity(cat, &clock, 0), 1);
        clock.tick = 7 * 24 * 60; // next Monday 08:00
        assert_eq!(book.capacity(cat, &clock, 0), 5);
    }

    #[test]
    fn an_incident_stays_small() {
        assert_eq!(std::mem::size_of::<Incident>(), 24);
    }

    #[test]
    fn phase_means_scale_with_skill() {
        assert!((phase_mean_secs(600.0, 1.0) - 600.0).abs() < 1e-9);
        assert!((phase_mean_secs(600.0, 0.0) - 3000.0).abs() < 1e-9);
    }
}
