//! Owns the Injects phase: delivering scheduled and triggered MSEL injects and applying their
//! effects to the simulation.
//!
//! **Timing rule.** An inject is *delivered* in tick `k` (an `inject_delivered` event stamped
//! `k`); its effects are *applied* at the very start of tick `k + 1`, before any other phase, so
//! every phase of tick `k + 1` sees them and no phase of tick `k` does.
//! * Scheduled injects: `k = ceil(at / tick)`.
//! * Triggered injects: the first matching exercise event (campaign, nation and inject filters all
//!   optional) in tick `t` delivers the inject in tick `t + max(1, ceil(delay / tick))` — the
//!   Injects phase runs first in a tick, so an event can only be seen the tick after it happened.
//!   Each inject is delivered at most once. `first_compromise`, `first_detection` and `impact`
//!   are reported once per (campaign, nation), so a nation filter means "first in that nation".
//! * Effects: `share_indicators` gives the named nations the campaign's indicators;
//!   `team_capacity` changes the team's analysts on shift; `start_campaign` starts the campaign in
//!   that tick's Campaigns phase; `service_down` forces the service down for `for`;
//!   `request_assistance` places a request in that tick's Assistance phase. An effect naming an
//!   unknown id is recorded as `inject_effect_ignored`.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{MessageMutator, Res, ResMut, Resource};
use bevy_ecs::system::SystemParam;

use super::assistance::AssistanceBook;
use super::campaigns::CampaignBook;
use super::clock::SimClock;
use super::events::{EventKind, EventLog, Keys, TriggerSeen};
use super::response::ResponseBook;
use super::services::ServiceBook;
use super::sharing::Intel;
use super::state::Catalog;
use crate::scenario::model::TriggerEvent;

/// A compiled trigger. Unknown ids compile to `Some(NONE)`, which never matches.
#[derive(Debug, Clone)]
pub struct TriggerDef {
    /// Event.
    pub on: TriggerEvent,
    /// Campaign filter.
    pub campaign: Option<u32>,
    /// Nation filter.
    pub nation: Option<u32>,
    /// Inject filter (`inject_delivered`).
    pub inject: Option<u32>,
    /// Delay in ticks.
    pub delay_ticks: u64,
}

impl TriggerDef {
    /// Whether an exercise event matches.
    pub fn matches(&self, t: &TriggerSeen) -> bool {
        let campaign_ok = match (self.on, self.campaign) {
            (TriggerEvent::AssistanceRequested | TriggerEvent::AssistanceOnTask | TriggerEvent::InjectDelivered, _) => {
                true
            }
            (_, Some(c)) => t.campaign == Some(c),
            (_, None) => true,
        };
        let nation_ok = self.nation.is_none() || t.nation == self.nation;
        let inject_ok = self.on != TriggerEvent::InjectDelivered || self.inject.is_none() || t.inject == self.inject;
        self.on == t.on && campaign_ok && nation_ok && inject_ok
    }
}

/// A compiled inject effect.
#[derive(Debug, Clone)]
pub enum EffectRef {
    /// Give nations a campaign's indicators.
    Share {
        /// Campaign.
        campaign: u32,
        /// Nations.
        to: Vec<u32>,
    },
    /// Change a team's analysts.
    Capacity {
        /// Nation of the team.
        nation: u32,
        /// Change.
        delta: i32,
    },
    /// Start a campaign.
    Start(u32),
    /// Force a service down.
    ServiceDown {
        /// Service.
        service: u32,
        /// Ticks.
        ticks: u64,
    },
    /// Make a nation request assistance.
    Request {
        /// Nation.
        nation: u32,
        /// Provider.
        provider: u32,
    },
    /// Refers to an unknown id.
    Unresolved(&'static str),
}

/// A compiled inject.
#[derive(Debug, Clone)]
pub struct InjectDef {
    /// Scheduled tick.
    pub at_tick: Option<u64>,
    /// Trigger.
    pub trigger: Option<TriggerDef>,
    /// Effects.
    pub effects: Vec<EffectRef>,
    /// Recipient nation, when `to` names a nation or its team.
    pub to_nation: Option<u32>,
}

/// Inject definitions and delivery state.
#[derive(Resource, Debug, Default)]
pub struct InjectBook {
    /// Definitions.
    pub defs: Vec<InjectDef>,
    /// Delivered or armed (never again).
    pub armed: Vec<bool>,
    /// Deliveries by tick: (inject, cause).
    pub due: BTreeMap<u64, Vec<(u32, Option<u64>)>>,
    /// Delivered last tick, effects to apply now: (inject, delivery event).
    pub pending: Vec<(u32, u64)>,
    /// Every delivery so far, in order: (inject, tick, delivery event).
    pub delivered: Vec<(u32, u64, u64)>,
    /// Disabled by EXCON before delivery (never delivered).
    pub disabled: Vec<bool>,
}

impl InjectBook {
    /// Builds the book, scheduling the `at` injects.
    pub fn new(defs: Vec<InjectDef>) -> Self {
        let mut due: BTreeMap<u64, Vec<(u32, Option<u64>)>> = BTreeMap::new();
        let mut armed = vec![false; defs.len()];
        for (i, d) in defs.iter().enumerate() {
            if let Some(t) = d.at_tick {
                due.entry(t).or_default().push((i as u32, None));
                armed[i] = true;
            }
        }
        let disabled = vec![false; defs.len()];
        InjectBook { defs, armed, due, pending: Vec::new(), delivered: Vec::new(), disabled }
    }

    /// Whether inject `i` has been delivered.
    pub fn was_delivered(&self, i: u32) -> bool {
        self.delivered.iter().any(|&(d, _, _)| d == i)
    }

    /// Removes every scheduled delivery of inject `i` (EXCON fires it now, or disables it).
    pub fn unschedule(&mut self, i: u32) {
        self.due.retain(|_, v| {
            v.retain(|&(d, _)| d != i);
            !v.is_empty()
        });
    }
}

/// The books an inject effect changes.
#[derive(SystemParam)]
pub struct EffectBooks<'w> {
    intel: ResMut<'w, Intel>,
    response: ResMut<'w, ResponseBook>,
    campaigns: ResMut<'w, CampaignBook>,
    services: ResMut<'w, ServiceBook>,
    assistance: ResMut<'w, AssistanceBook>,
}

/// Injects phase: apply last tick's effects, arm triggered injects, deliver due injects.
pub fn apply_injects(
    clock: Res<SimClock>,
    cat: Res<Catalog>,
    mut book: ResMut<InjectBook>,
    mut triggers: MessageMutator<TriggerSeen>,
    mut log: ResMut<EventLog>,
    mut books: EffectBooks,
) {
    // 1. Effects of injects delivered last tick.
    for (i, delivered) in std::mem::take(&mut book.pending) {
        let effects = book.defs[i as usize].effects.clone();
        for effect in effects {
            apply_effect(effect, (i, delivered), &mut log, &cat, &clock, &mut books);
        }
    }
    // 2. Arm triggered injects on events seen since the last Injects phase.
    let seen: Vec<TriggerSeen> = triggers.read().map(|t| *t).collect();
    arm_triggered(&mut book, &seen, clock.tick);
    // 3. Deliver what is due now.
    deliver_due(&mut book, &mut log, &cat, &clock, &mut triggers);
}

/// Applies one effect of inject `i`, delivered by event `delivered`, and logs it (an unknown id
/// is logged as ignored).
fn apply_effect(
    effect: EffectRef,
    (i, delivered): (u32, u64),
    log: &mut EventLog,
    cat: &Catalog,
    clock: &SimClock,
    books: &mut EffectBooks,
) {
    let now = clock.tick;
    let keys = Keys { inject: Some(i), cause: Some(delivered), ..Keys::default() };
    let mut emit = |kind: EventKind, k: Keys| log.emit(cat, clock, kind, k);
    match effect {
        EffectRef::Share { campaign, to } => {
            let applied = Keys { campaign: Some(campaign), detail: Some("share_indicators"), ..keys };
            let ev = emit(EventKind::InjectEffectApplied, applied);
            for n in to {
                if books.intel.grant(n, campaign) {
                    let received = Keys {
                        nation: Some(n),
                        campaign: Some(campaign),
                        cause: Some(ev),
                        inject: Some(i),
                        ..Keys::default()
                    };
                    emit(EventKind::IndicatorsReceived, received);
                }
            }
        }
        EffectRef::Capacity { nation, delta } => {
            books.response.capacity_delta[nation as usize] += i64::from(delta);
            let changed =
                Keys { nation: Some(nation), value: Some(f64::from(delta)), detail: Some("team_capacity"), ..keys };
            emit(EventKind::TeamCapacityChanged, changed);
        }
        EffectRef::Start(c) => {
            let ev = emit(
                EventKind::InjectEffectApplied,
                Keys { campaign: Some(c), detail: Some("start_campaign"), ..keys },
            );
            books.campaigns.start_requests.push((c, ev));
        }
        EffectRef::ServiceDown { service, ticks } => {
            let nation = books.services.defs.get(service as usize).map(|d| d.nation);
            let applied = Keys { nation, service: Some(service), detail: Some("service_down"), ..keys };
            let ev = emit(EventKind::InjectEffectApplied, applied);
            books.services.force_down(service, now, now + ticks.max(1), ev);
        }
        EffectRef::Request { nation, provider } => {
            let applied =
                Keys { nation: Some(nation), provider: Some(provider), detail: Some("request_assistance"), ..keys };
            let ev = emit(EventKind::InjectEffectApplied, applied);
            books.assistance.inject_requests.push((nation, provider, ev));
        }
        EffectRef::Unresolved(what) => {
            emit(EventKind::InjectEffectIgnored, Keys { detail: Some(what), ..keys });
        }
    }
}

/// Arms each not yet armed triggered inject on the first event it matches: due `max(1, delay)`
/// ticks after that event, and never before the current tick.
fn arm_triggered(book: &mut InjectBook, seen: &[TriggerSeen], now: u64) {
    for t in seen {
        for i in 0..book.defs.len() {
            if book.armed[i] {
                continue;
            }
            let Some(tr) = &book.defs[i].trigger else {
                continue;
            };
            if tr.matches(t) {
                let at = t.tick + tr.delay_ticks.max(1);
                book.armed[i] = true;
                book.due.entry(at.max(now)).or_default().push((i as u32, Some(t.event)));
            }
        }
    }
}

/// Delivers the injects due now, in inject order: logs each delivery, keeps it for next tick's
/// effects and reports it to triggered injects.
fn deliver_due(
    book: &mut InjectBook,
    log: &mut EventLog,
    cat: &Catalog,
    clock: &SimClock,
    triggers: &mut MessageMutator<TriggerSeen>,
) {
    let now = clock.tick;
    let mut due = book.due.remove(&now).unwrap_or_default();
    due.sort_unstable();
    for (i, cause) in due {
        let to = book.defs[i as usize].to_nation;
        let ev = log.emit(
            cat,
            clock,
            EventKind::InjectDelivered,
            Keys { nation: to, inject: Some(i), cause, ..Keys::default() },
        );
        book.pending.push((i, ev));
        book.delivered.push((i, now, ev));
        triggers.write(TriggerSeen {
            on: TriggerEvent::InjectDelivered,
            campaign: None,
            nation: to,
            inject: Some(i),
            tick: now,
            event: ev,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::InjectEffect;
    use crate::sim::testkit::*;
    use crate::testkit::*;
    use bevy_ecs::system::RunSystemOnce;

    #[test]
    fn delivered_at_its_tick_applied_at_the_next() {
        let mut s = tiny(&[("SEG-A", "GA", 1, 1.0)]);
        s.msel.push(inject("M1", 2 * MIN, vec![InjectEffect::TeamCapacity { team: "CERT-EE".into(), analysts: -3 }]));
        s.msel.push(inject("M2", 2 * MIN, vec![InjectEffect::StartCampaign { campaign: "NOPE".into() }]));
        let mut w = world(&s);
        for t in 0..3 {
            at_tick(&mut w, t);
            w.run_system_once(apply_injects).unwrap();
        }
        assert_eq!(kinds(&w), vec![EventKind::InjectDelivered, EventKind::InjectDelivered]);
        assert_eq!(w.resource::<ResponseBook>().capacity_delta[0], 0);
        at_tick(&mut w, 3);
        w.run_system_once(apply_injects).unwrap();
        assert_eq!(w.resource::<ResponseBook>().capacity_delta[0], -3);
        assert_eq!(count(&w, EventKind::TeamCapacityChanged), 1);
        assert_eq!(count(&w, EventKind::InjectEffectIgnored), 1, "unknown ids are recorded, not fatal");
    }

    #[test]
    fn an_inject_can_chain_on_another_inject_delivery() {
        let mut s = tiny(&[("SEG-A", "GA", 1, 1.0)]);
        s.clock.duration = crate::scenario::duration::Duration(10 * MIN);
        s.msel.push(inject("M1", MIN, vec![]));
        let mut m2 = inject("M2", 0, vec![]);
        m2.at = None;
        m2.trigger = Some(crate::scenario::model::Trigger {
            event: TriggerEvent::InjectDelivered,
            campaign: None,
            nation: None,
            inject: Some("M1".into()),
            delay: crate::scenario::duration::Duration(0),
        });
        s.msel.push(m2);
        let out = crate::sim::run(&s, &crate::sim::RunConfig::default());
        let d: Vec<(Option<String>, u64, Option<u64>)> = out
            .events
            .iter()
            .filter(|e| e.kind == EventKind::InjectDelivered)
            .map(|e| (e.inject, e.tick, e.cause))
            .collect();
        assert_eq!(d, vec![(Some("M1".into()), 1, None), (Some("M2".into()), 2, Some(1))]);
    }

    fn seen(on: TriggerEvent, campaign: Option<u32>, nation: Option<u32>) -> TriggerSeen {
        TriggerSeen { on, campaign, nation, inject: None, tick: 0, event: 1 }
    }

    #[test]
    fn trigger_filters() {
        let t = TriggerDef {
            on: TriggerEvent::FirstDetection,
            campaign: Some(1),
            nation: Some(2),
            inject: None,
            delay_ticks: 0,
        };
        assert!(t.matches(&seen(TriggerEvent::FirstDetection, Some(1), Some(2))));
        assert!(!t.matches(&seen(TriggerEvent::FirstDetection, Some(0), Some(2))));
        assert!(!t.matches(&seen(TriggerEvent::FirstDetection, Some(1), Some(3))));
        assert!(!t.matches(&seen(TriggerEvent::Impact, Some(1), Some(2))));
        let any = TriggerDef {
            on: TriggerEvent::AssistanceOnTask,
            campaign: Some(9),
            nation: None,
            inject: None,
            delay_ticks: 0,
        };
        assert!(any.matches(&seen(TriggerEvent::AssistanceOnTask, None, Some(4))));
    }
}
