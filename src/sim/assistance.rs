//! Owns the Assistance phase: when nations ask for outside help, provider slots, and the
//! request → approved → on task → off task timeline.
//!
//! * Policy requests: a nation asks when its open incidents (queued + in work) are **more
//!   than** `backlog_over` (`open > backlog_over`), or when a host of criticality ≥ `severity_at_least` is detected. It asks the
//!   first provider in its `providers` order that serves it (`serves` empty = everyone), has a
//!   free slot (deployments from request to off task < `max_concurrent`) and that this nation has
//!   not asked before: **a nation asks each provider at most once on its own**, and never while
//!   one of its own requests is still running.
//! * Policy requests are doctrine (`assistance`, `doctrine.rs`), which decides them as
//!   `request_assistance` actions placed through the same request path as every other request
//!   (recorded in doctrine's log with their event). A played seat asks only through
//!   its `request_assistance` action, placed like an inject request (reason `team_request`), and
//!   may `release` a deployment early ([`release`]).
//! * Inject requests (`request_assistance`) name the provider; they are placed whenever the
//!   provider serves the nation and has a free slot, else an `assistance_unavailable` event is
//!   recorded.
//! * Timeline, in whole ticks: each step's duration is rounded **up** to whole ticks on its own,
//!   then added. A request in tick `r` is approved in tick `r + ⌈approval / tick⌉`, on task in
//!   tick `r + ⌈approval / tick⌉ + ⌈deployment / tick⌉`, and off task `⌈on_task / tick⌉` ticks
//!   later. In seconds, on task comes `(⌈approval / tick⌉ + ⌈deployment / tick⌉) × tick` after
//!   the request: exactly `approval + deployment` when both are whole ticks, otherwise up to
//!   two ticks later (never earlier). Zero-length steps happen in the same tick.
//! * On task, the provider adds `size` analysts to the nation's capacity and raises each team
//!   skill to the provider's if higher; Response (which runs earlier in the tick) sees it from the
//!   next tick on.

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::{MessageReader, MessageWriter, Res, ResMut, Resource};

use super::clock::SimClock;
use super::doctrine::{DoctrineLog, Doctrines, request_assistance, wants_help_for_backlog, wants_help_on_detection};
use super::events::{Detected, EventKind, EventLog, Keys, TriggerSeen};
use super::response::ResponseBook;
use super::state::Catalog;
use crate::scenario::model::{Skills, TriggerEvent};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::AssistanceProvider;
    use crate::sim::testkit::*;
    use crate::testkit::*;
    use bevy_ecs::system::RunSystemOnce;

    /// Provider `RRT`: 3 analysts, on task for 10 minutes.
    fn rrt(approval: u64, deployment: u64) -> AssistanceProvider {
        AssistanceProvider {
            on_task: dur(10 * MIN),
            skills: skills(0.9, 0.2, 0.9),
            ..provider("RRT", approval, deployment)
        }
    }

    fn with_provider(approval: u64, deployment: u64) -> bevy_ecs::world::World {
        let mut s = tiny(&[("SEG-A", "GA", 1, 1.0)]);
        s.assistance.push(rrt(approval, deployment));
        let mut w = world(&s);
        w.resource_mut::<AssistanceBook>().inject_requests.push((0, 0, 0));
        w
    }

    #[test]
    fn zero_delays_put_the_team_on_task_in_the_request_tick() {
        let mut w = with_provider(0, 0);
        w.run_system_once(coordinate_assistance).unwrap();
        assert_eq!(
            kinds(&w),
            vec![EventKind::AssistanceRequested, EventKind::AssistanceApproved, EventKind::AssistanceOnTask]
        );
        let r = w.resource::<ResponseBook>();
        assert_eq!(r.assist_size[0], 3);
        let skills = r.skills(w.resource::<Catalog>(), 0);
        assert_eq!((skills.detect, skills.contain), (0.9, 0.5), "max of team and provider");
    }

    #[test]
    fn timeline_follows_approval_deployment_on_task_and_frees_the_slot() {
        let mut w = with_provider(2 * MIN, 3 * MIN);
        for t in 0..20 {
            at_tick(&mut w, t);
            w.run_system_once(coordinate_assistance).unwrap();
        }
        let ticks: Vec<u64> = w.resource::<EventLog>().records().map(|e| e.tick()).collect();
        assert_eq!(ticks, vec![0, 2, 5, 15]);
        let book = w.resource::<AssistanceBook>();
        assert_eq!((book.active[0], book.outstanding[0]), (0, 0));
        assert_eq!(w.resource::<ResponseBook>().assist_size[0], 0);
        // A second request while the slot is taken is refused.
        let mut w = with_provider(MIN, MIN);
        w.resource_mut::<AssistanceBook>().inject_requests.push((0, 0, 0));
        w.run_system_once(coordinate_assistance).unwrap();
        assert_eq!(kinds(&w), vec![EventKind::AssistanceRequested, EventKind::AssistanceUnavailable]);
    }

    #[test]
    fn each_step_rounds_up_to_whole_ticks_on_its_own() {
        // Tick 1 min; approval 90 s → 2 ticks, deployment 150 s → 3 ticks: on task 5 ticks
        // (300 s) after the request, not ⌈240 s / 60⌉ = 4 ticks.
        let mut w = with_provider(90, 150);
        for t in 0..20 {
            at_tick(&mut w, t);
            w.run_system_once(coordinate_assistance).unwrap();
        }
        let ticks: Vec<u64> = w.resource::<EventLog>().records().map(|e| e.tick()).collect();
        assert_eq!(ticks, vec![0, 2, 5, 15]);
        // Whole ticks: exactly approval + deployment.
        let mut w = with_provider(2 * MIN, MIN);
        for t in 0..5 {
            at_tick(&mut w, t);
            w.run_system_once(coordinate_assistance).unwrap();
        }
        assert_eq!(w.resource::<EventLog>().at(2).map(|e| e.tick()), Some(3));
    }

    #[test]
    fn backlog_over_means_more_than() {
        let mut s = tiny(&[("SEG-A", "GA", 10, 1.0)]);
        s.nations[0].team.assistance_policy.backlog_over = Some(2);
        s.nations[0].team.assistance_policy.providers = vec!["RRT".into()];
        s.assistance.push(rrt(HOUR, HOUR));
        let mut w = world(&s);
        let open = |w: &mut bevy_ecs::world::World, n: u32| {
            let (cat, clock) = (w.resource::<Catalog>().clone(), w.resource::<SimClock>().clone());
            w.resource_scope(|w, mut book: bevy_ecs::prelude::Mut<ResponseBook>| {
                w.resource_scope(|_, mut log: bevy_ecs::prelude::Mut<EventLog>| {
                    for h in 0..n {
                        book.open_incident(&cat, &clock, &mut log, h, 0, 0, 0);
                    }
                });
            });
        };
        open(&mut w, 2);
        w.run_system_once(coordinate_assistance).unwrap();
        assert_eq!(count(&w, EventKind::AssistanceRequested), 0, "2 open is not more than 2");
        open(&mut w, 1);
        w.run_system_once(coordinate_assistance).unwrap();
        assert_eq!(count(&w, EventKind::AssistanceRequested), 1, "3 open is more than 2");
    }
}

/// A compiled provider.
#[derive(Debug, Clone)]
pub struct ProviderDef {
    /// Request → approval, ticks.
    pub approval_ticks: u64,
    /// Approval → on task, ticks.
    pub deployment_ticks: u64,
    /// On task → off task, ticks.
    pub on_task_ticks: u64,
    /// Analysts added.
    pub size: u32,
    /// Skills.
    pub skills: Skills,
    /// Concurrent deployments.
    pub max_concurrent: u32,
    /// Nations served (empty = all).
    pub serves: Vec<u32>,
}

/// Where a deployment is in its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Waiting for approval.
    Requested,
    /// Approved, deploying.
    Approved,
    /// On task.
    OnTask,
    /// Finished.
    OffTask,
}

/// One assistance request and its timeline.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// Requesting nation.
    pub nation: u32,
    /// Provider.
    pub provider: u32,
    /// Why it was asked for.
    pub reason: &'static str,
    /// Current step.
    pub step: Step,
    /// Tick requested.
    pub requested: u64,
    /// Tick approved.
    pub approved: Option<u64>,
    /// Tick on task.
    pub on_task: Option<u64>,
    /// Tick off task.
    pub off_task: Option<u64>,
    /// Latest event.
    pub last_event: u64,
}

/// Providers and deployments.
#[derive(Resource, Debug, Default)]
pub struct AssistanceBook {
    /// Providers (scenario order).
    pub providers: Vec<ProviderDef>,
    /// Deployments in request order.
    pub deployments: Vec<Deployment>,
    /// Running deployments per provider.
    pub active: Vec<u32>,
    /// Running deployments per nation.
    pub outstanding: Vec<u32>,
    /// (nation, provider) pairs already asked.
    pub asked: BTreeSet<(u32, u32)>,
    /// Next steps by tick (deployment indices).
    pub agenda: BTreeMap<u64, Vec<u32>>,
    /// Requests from inject effects: (nation, provider, cause).
    pub inject_requests: Vec<(u32, u32, u64)>,
    /// Requests from teams' `request_assistance` actions: (nation, provider).
    pub team_requests: Vec<(u32, u32)>,
}

impl AssistanceBook {
    /// New book.
    pub fn new(providers: Vec<ProviderDef>, nations: usize) -> Self {
        AssistanceBook {
            active: vec![0; providers.len()],
            outstanding: vec![0; nations],
            providers,
            ..AssistanceBook::default()
        }
    }

    /// Whether provider `p` serves `nation`.
    pub fn serves(&self, p: u32, nation: u32) -> bool {
        let s = &self.providers[p as usize].serves;
        s.is_empty() || s.contains(&nation)
    }

    fn has_slot(&self, p: u32) -> bool {
        self.active[p as usize] < self.providers[p as usize].max_concurrent
    }
}

struct Ctx<'a, 'w> {
    clock: &'a SimClock,
    cat: &'a Catalog,
    book: &'a mut AssistanceBook,
    response: &'a mut ResponseBook,
    log: &'a mut EventLog,
    triggers: &'a mut MessageWriter<'w, TriggerSeen>,
}

impl Ctx<'_, '_> {
    /// Places a request (any: an inject's, a team's action, doctrine's); returns its event
    /// (`assistance_requested`, or `assistance_unavailable`).
    fn request(&mut self, nation: u32, provider: u32, reason: &'static str, cause: Option<u64>) -> u64 {
        let now = self.clock.tick;
        let keys =
            Keys { nation: Some(nation), provider: Some(provider), cause, detail: Some(reason), ..Keys::default() };
        if !self.book.serves(provider, nation) || !self.book.has_slot(provider) {
            return self.log.emit(self.cat, self.clock, EventKind::AssistanceUnavailable, keys);
        }
        let ev = self.log.emit(self.cat, self.clock, EventKind::AssistanceRequested, keys);
        self.triggers.write(TriggerSeen {
            on: TriggerEvent::AssistanceRequested,
            campaign: None,
            nation: Some(nation),
            inject: None,
            tick: now,
            event: ev,
        });
        self.book.asked.insert((nation, provider));
        self.book.active[provider as usize] += 1;
        self.book.outstanding[nation as usize] += 1;
        let d = self.book.deployments.len() as u32;
        self.book.deployments.push(Deployment {
            nation,
            provider,
            reason,
            step: Step::Requested,
            requested: now,
            approved: None,
            on_task: None,
            off_task: None,
            last_event: ev,
        });
        let wait = self.book.providers[provider as usize].approval_ticks;
        self.after(d, wait);
        ev
    }

    /// Schedules the next step of `d` in `ticks`, or takes it now when `ticks` is 0.
    fn after(&mut self, d: u32, ticks: u64) {
        if ticks == 0 {
            self.advance(d);
        } else {
            self.book.agenda.entry(self.clock.tick + ticks).or_default().push(d);
        }
    }

    fn advance(&mut self, d: u32) {
        let now = self.clock.tick;
        let dep = self.book.deployments[d as usize].clone();
        let prov = self.book.providers[dep.provider as usize].clone();
        let keys = Keys {
            nation: Some(dep.nation),
            provider: Some(dep.provider),
            cause: Some(dep.last_event),
            ..Keys::default()
        };
        let (kind, step, wait) = match dep.step {
            Step::Requested => (EventKind::AssistanceApproved, Step::Approved, Some(prov.deployment_ticks)),
            Step::Approved => (EventKind::AssistanceOnTask, Step::OnTask, Some(prov.on_task_ticks)),
            Step::OnTask => (EventKind::AssistanceOffTask, Step::OffTask, None),
            Step::OffTask => return,
        };
        let ev = self.log.emit(self.cat, self.clock, kind, Keys { value: Some(f64::from(prov.size)), ..keys });
        let entry = &mut self.book.deployments[d as usize];
        entry.step = step;
        entry.last_event = ev;
        match step {
            Step::Approved => entry.approved = Some(now),
            Step::OnTask => {
                entry.on_task = Some(now);
                self.response.assist_size[dep.nation as usize] += prov.size;
                self.triggers.write(TriggerSeen {
                    on: TriggerEvent::AssistanceOnTask,
                    campaign: None,
                    nation: Some(dep.nation),
                    inject: None,
                    tick: now,
                    event: ev,
                });
            }
            Step::OffTask => {
                entry.off_task = Some(now);
                self.response.assist_size[dep.nation as usize] -= prov.size;
                self.book.active[dep.provider as usize] -= 1;
                self.book.outstanding[dep.nation as usize] -= 1;
            }
            Step::Requested => {}
        }
        self.refresh_skills(dep.nation);
        if let Some(w) = wait {
            self.after(d, w);
        }
    }

    fn refresh_skills(&mut self, nation: u32) {
        refresh_skills(self.book, self.response, nation);
    }

    fn policy_provider(&self, nation: u32) -> Option<u32> {
        self.cat.nations[nation as usize]
            .providers
            .iter()
            .copied()
            .find(|&p| self.book.serves(p, nation) && self.book.has_slot(p) && !self.book.asked.contains(&(nation, p)))
    }
}

/// Sets the nation's assistance skills to the best of its deployments on task.
fn refresh_skills(book: &AssistanceBook, response: &mut ResponseBook, nation: u32) {
    let mut best: Option<Skills> = None;
    for dep in book.deployments.iter().filter(|d| d.nation == nation && d.step == Step::OnTask) {
        let s = book.providers[dep.provider as usize].skills;
        best = Some(match best {
            None => s,
            Some(b) => Skills {
                detect: b.detect.max(s.detect),
                contain: b.contain.max(s.contain),
                recover: b.recover.max(s.recover),
            },
        });
    }
    response.assist_skills[nation as usize] = best;
}

/// Ends deployment `d` now, whatever its step (a team releasing its helpers, or withdrawing a
/// request not yet on task): the provider's slot frees, on-task analysts leave the nation's
/// capacity from the next Response phase. Logs `assistance_off_task` (detail `released`), caused
/// by `cause`; its later agenda entry is ignored. `None` if it had already ended.
pub fn release(
    book: &mut AssistanceBook,
    response: &mut ResponseBook,
    (cat, clock, log): (&Catalog, &SimClock, &mut EventLog),
    d: u32,
    cause: u64,
) -> Option<u64> {
    let dep = book.deployments.get(d as usize)?.clone();
    if dep.step == Step::OffTask {
        return None;
    }
    let size = book.providers[dep.provider as usize].size;
    let keys = Keys {
        nation: Some(dep.nation),
        provider: Some(dep.provider),
        cause: Some(cause),
        value: Some(f64::from(size)),
        detail: Some("released"),
        ..Keys::default()
    };
    let ev = log.emit(cat, clock, EventKind::AssistanceOffTask, keys);
    if dep.step == Step::OnTask {
        response.assist_size[dep.nation as usize] -= size;
    }
    book.active[dep.provider as usize] -= 1;
    book.outstanding[dep.nation as usize] -= 1;
    let entry = &mut book.deployments[d as usize];
    entry.step = Step::OffTask;
    entry.off_task = Some(clock.tick);
    entry.last_event = ev;
    refresh_skills(book, response, dep.nation);
    Some(ev)
}

/// Assistance phase.
#[allow(clippy::too_many_arguments, reason = "a system's parameters are its declared data access")]
pub fn coordinate_assistance(
    clock: Res<SimClock>,
    cat: Res<Catalog>,
    mut book: ResMut<AssistanceBook>,
    mut response: ResMut<ResponseBook>,
    mut log: ResMut<EventLog>,
    mut detected: MessageReader<Detected>,
    mut triggers: MessageWriter<TriggerSeen>,
    (doctrines, mut decisions): (Res<Doctrines>, ResMut<DoctrineLog>),
) {
    let mut due = book.agenda.remove(&clock.tick).unwrap_or_default();
    due.sort_unstable();
    let injected = std::mem::take(&mut book.inject_requests);
    let asked = std::mem::take(&mut book.team_requests);
    // Doctrine's wishes, one per nation: (reason, cause), first reason wins.
    let mut wishes: BTreeMap<u32, (&'static str, Option<u64>)> = BTreeMap::new();
    for d in detected.read() {
        let crit = cat.groups[d.group as usize].criticality;
        if wants_help_on_detection(&doctrines.of(d.nation), &cat.nations[d.nation as usize], crit) {
            wishes.entry(d.nation).or_insert(("policy_severity", Some(d.event)));
        }
    }
    for (n, nat) in cat.nations.iter().enumerate() {
        if wants_help_for_backlog(&doctrines.of(n as u32), nat, || response.open_count(n as u32)) {
            wishes.entry(n as u32).or_insert(("policy_backlog", None));
        }
    }
    let mut ctx = Ctx {
        clock: &clock,
        cat: &cat,
        book: &mut book,
        response: &mut response,
        log: &mut log,
        triggers: &mut triggers,
    };
    for d in due {
        ctx.advance(d);
    }
    for (nation, provider, cause) in injected {
        ctx.request(nation, provider, "inject", Some(cause));
    }
    for (nation, provider) in asked {
        ctx.request(nation, provider, "team_request", None);
    }
    for (nation, (reason, cause)) in wishes {
        let provider = ctx.policy_provider(nation);
        let outstanding = ctx.book.outstanding[nation as usize];
        let (Some(action), Some(p)) = (request_assistance(ctx.cat, outstanding, provider), provider) else { continue };
        let ev = ctx.request(nation, p, reason, cause);
        decisions.record(clock.tick, nation, action, vec![ev]);
    }
}
