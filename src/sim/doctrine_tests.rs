//! Unit tests of doctrine's decisions: the pure decision functions, and the decisions a team's
//! doctrine records on small simulations (with the events each logged).

use super::*;
use crate::scenario::model::{Scenario, SharingAgreement, Tlp};
use crate::sim::actions::{Outcome, Seat};
use crate::sim::events::{Event, EventKind};
use crate::sim::testkit::rendered;
use crate::sim::{RunConfig, Simulation};
use crate::testkit::*;

/// EST: GA (4 sensed hosts, detect 1), campaign C (AMBER) holding one of them from STARTEX and
/// never progressing, so it is found in tick 1. LVA and LTU, no hosts. Agreements: `AG1` EST–LVA
/// (2 min, AMBER), `AG2` EST–LVA–LTU (no latency, AMBER), `AG3` EST–LTU (GREEN: too low for C).
fn three_nations() -> Scenario {
    let mut s = tiny(&[("SEG-A", "GA", 4, 1.0)]);
    s.nations[0].team.skills.detect = 1.0;
    s.nations.push(nation("LVA", vec![]));
    s.nations.push(nation("LTU", vec![]));
    let agreement = |id: &str, between: &[&str], latency, tlp_ceiling| SharingAgreement {
        id: id.into(),
        between: between.iter().map(|n| n.to_string()).collect(),
        latency: dur(latency),
        tlp_ceiling,
    };
    s.sharing.push(agreement("AG1", &["EST", "LVA"], 2 * MIN, Tlp::Amber));
    s.sharing.push(agreement("AG2", &["EST", "LVA", "LTU"], 0, Tlp::Amber));
    s.sharing.push(agreement("AG3", &["EST", "LTU"], 0, Tlp::Green));
    s.campaigns.push(campaign("C", &["GA"], vec![stage("never", 0.0, MIN)]));
    s
}

fn sim(s: &Scenario) -> Simulation {
    Simulation::new(s, &RunConfig { seed: 1, run_index: 0 })
}

fn steps(sim: &mut Simulation, n: u64) {
    for _ in 0..n {
        assert!(sim.step());
    }
}

fn ids(events: &[Event], kind: EventKind) -> Vec<u64> {
    events.iter().filter(|e| e.kind == kind).map(|e| e.id).collect()
}

fn share_every(to: &[&str]) -> Action {
    Action::ShareIndicators {
        campaign: "C".into(),
        to: to.iter().map(|n| n.to_string()).collect(),
        tlp: None,
        via: Some(Via::EveryAgreement),
    }
}

/// EST's detection of C on GA-0003.
fn seen() -> Sighting {
    Sighting { nation: 0, host: 2, group: 0, campaign: 0, event: 7 }
}

#[test]
fn isolate_at_decides_at_or_above_its_criticality_and_never_twice() {
    let mut w = crate::sim::testkit::world(&three_nations());
    let at_high = Doctrine { isolate_at: Some(Criticality::High), ..Doctrine::default() };
    let isolate = Some(Action::IsolateHost { host: "GA-0003".into() });
    let decide = |w: &mut bevy_ecs::world::World, d: &Doctrine, c| {
        w.resource_mut::<Catalog>().groups[0].criticality = c;
        isolate_on_detection(d, w.resource::<Catalog>(), w.resource::<Hosts>(), &seen())
    };
    assert_eq!(decide(&mut w, &at_high, Criticality::High), isolate);
    assert_eq!(decide(&mut w, &at_high, Criticality::Critical), isolate);
    assert_eq!(decide(&mut w, &at_high, Criticality::Medium), None);
    assert_eq!(decide(&mut w, &Doctrine::default(), Criticality::Critical), None);
    w.resource_scope(|w, mut hosts: bevy_ecs::prelude::Mut<Hosts>| hosts.isolate(w.resource::<Catalog>(), 2));
    assert_eq!(decide(&mut w, &at_high, Criticality::High), None, "already isolated");
}

#[test]
fn share_on_detection_names_every_partner_reached_once_per_campaign() {
    let s = three_nations();
    let w = crate::sim::testkit::world(&s);
    let (cat, intel) = (w.resource::<Catalog>(), w.resource::<Intel>());
    let d = Doctrine::default();
    let first = share_on_detection(&d, cat, intel, &seen(), false);
    assert_eq!(first, Some(share_every(&["LVA", "LTU"])), "AG3's ceiling is below C's AMBER");
    assert_eq!(share_on_detection(&d, cat, intel, &seen(), true), None, "already sent");
    assert_eq!(share_on_detection(&Doctrine::manual(), cat, intel, &seen(), false), None);
    let alone = Sighting { nation: 1, ..seen() };
    let lva = share_on_detection(&d, cat, intel, &alone, false);
    assert_eq!(lva, Some(share_every(&["EST", "LTU"])), "AG1 and AG2");
    let mut lonely = three_nations();
    lonely.sharing.clear();
    let w = crate::sim::testkit::world(&lonely);
    let (cat, intel) = (w.resource::<Catalog>(), w.resource::<Intel>());
    assert_eq!(share_on_detection(&d, cat, intel, &seen(), false), None, "no partner");
}

#[test]
fn assistance_wishes_follow_the_policy_and_ask_only_when_nothing_runs() {
    let mut s = three_nations();
    s.assistance.push(provider("P", MIN, MIN));
    s.nations[0].team.assistance_policy.severity_at_least = Some(Criticality::High);
    s.nations[0].team.assistance_policy.backlog_over = Some(2);
    let w = crate::sim::testkit::world(&s);
    let cat = w.resource::<Catalog>();
    let (policy, d, manual) = (&cat.nations[0], Doctrine::default(), Doctrine::manual());
    assert!(wants_help_on_detection(&d, policy, Criticality::High));
    assert!(!wants_help_on_detection(&d, policy, Criticality::Medium));
    assert!(!wants_help_on_detection(&manual, policy, Criticality::Critical));
    assert!(wants_help_for_backlog(&d, policy, || 3), "more than 2");
    assert!(!wants_help_for_backlog(&d, policy, || 2));
    assert!(!wants_help_for_backlog(&manual, policy, || 30));
    assert!(!wants_help_for_backlog(&d, &cat.nations[1], || panic!("no backlog_over: not counted")));
    let ask = Some(Action::RequestAssistance { provider: "P".into() });
    assert_eq!(request_assistance(cat, 0, Some(0)), ask);
    assert_eq!(request_assistance(cat, 1, Some(0)), None, "its own request still runs");
    assert_eq!(request_assistance(cat, 0, None), None, "no provider left");
}

#[test]
fn the_default_doctrine_records_its_share_at_the_first_detection_with_its_events() {
    let mut sim = sim(&three_nations());
    steps(&mut sim, 1);
    assert!(sim.doctrine_decisions().is_empty(), "nothing detected in tick 0: nothing decided");
    steps(&mut sim, 30);
    let ev = rendered(sim.world());
    let detected = ids(&ev, EventKind::HostDetected);
    assert_eq!(detected.len(), 1);
    let shared = ids(&ev, EventKind::IndicatorsShared);
    let want = DoctrineDecision { tick: 1, nation: 0, action: share_every(&["LVA", "LTU"]), events: shared.clone() };
    assert_eq!(sim.doctrine_decisions(), std::slice::from_ref(&want), "one decision, none per idle tick");
    let shipments: Vec<(Option<&str>, Option<f64>, Option<u64>)> =
        (shared.iter()).map(|&id| &ev[(id - 1) as usize]).map(|e| (e.detail.as_deref(), e.value, e.cause)).collect();
    assert_eq!(
        shipments,
        vec![(Some("AG1"), Some(1.0), Some(detected[0])), (Some("AG2"), Some(2.0), Some(detected[0]))]
    );
    let out = sim.run_to_end();
    assert_eq!(out.doctrine, vec![want], "the run's outcome carries them");
}

#[test]
fn isolate_at_and_policy_requests_are_recorded_in_the_order_taken() {
    let mut s = three_nations();
    s.nations[0].segments[0].host_groups[0].criticality = Criticality::High;
    s.assistance.push(provider("P", MIN, MIN));
    s.nations[0].team.assistance_policy.severity_at_least = Some(Criticality::High);
    s.nations[0].team.assistance_policy.providers = vec!["P".into()];
    let mut sim = sim(&s);
    sim.set_doctrine(0, Doctrine { isolate_at: Some(Criticality::High), ..Doctrine::default() });
    steps(&mut sim, 2);
    let ev = rendered(sim.world());
    let host = ev.iter().find(|e| e.kind == EventKind::HostDetected).and_then(|e| e.host.clone()).unwrap();
    let of = |kind| ids(&ev, kind);
    let got: Vec<(u64, u32, &str, &[u64])> =
        sim.doctrine_decisions().iter().map(|d| (d.tick, d.nation, d.action.name(), &d.events[..])).collect();
    let (isolated, down) = (of(EventKind::HostIsolated), of(EventKind::HostDown));
    let (requested, shared) = (of(EventKind::AssistanceRequested), of(EventKind::IndicatorsShared));
    assert_eq!(
        got,
        vec![
            (1, 0, "isolate_host", &[isolated[0], down[0]][..]),
            (1, 0, "request_assistance", &requested[..]),
            (1, 0, "share_indicators", &shared[..]),
        ],
        "Detection, then Assistance, then Sharing"
    );
    assert_eq!(sim.doctrine_decisions()[0].action, Action::IsolateHost { host });
    assert_eq!(sim.doctrine_decisions()[1].action, Action::RequestAssistance { provider: "P".into() });
    assert_eq!(ev[(requested[0] - 1) as usize].detail.as_deref(), Some("policy_severity"));
}

type Shipment = (EventKind, Option<String>, Option<f64>);

#[test]
fn a_manual_team_records_no_decision_and_its_own_share_every_agreement_ships_alike() {
    let run = |manual: bool, act: Option<Action>| {
        let mut sim = sim(&three_nations());
        if manual {
            (0..3).for_each(|n| sim.set_doctrine(n, Doctrine::manual()));
        }
        steps(&mut sim, 2);
        let out = act.map(|a| sim.act(Seat::Team(0), &a));
        steps(&mut sim, 5);
        let shipments: Vec<Shipment> = (rendered(sim.world()).into_iter())
            .filter(|e| matches!(e.kind, EventKind::IndicatorsShared | EventKind::IndicatorsReceived))
            .map(|e| (e.kind, e.detail, e.value))
            .collect();
        (sim.doctrine_decisions().to_vec(), out, shipments)
    };
    let (decisions, _, shipments) = run(true, None);
    assert!(decisions.is_empty() && shipments.is_empty(), "manual: no decision, nothing sent");
    let (decisions, out, by_player) = run(true, Some(share_every(&["LVA", "LTU"])));
    assert!(decisions.is_empty(), "a player's action is not doctrine's");
    assert!(matches!(out, Some(Outcome { applied: true, ref events, .. }) if events.len() == 2), "{out:?}");
    let (_, _, by_doctrine) = run(false, None);
    assert_eq!(by_player, by_doctrine, "the same shipments (agreement, partners) and arrivals");
    assert_eq!(by_player.iter().filter(|s| s.0 == EventKind::IndicatorsReceived).count(), 3, "LVA twice, LTU once");
    // Only the named partners: LTU alone, under AG2 only.
    let (_, out, only_ltu) = run(true, Some(share_every(&["LTU"])));
    assert_eq!(out.map(|o| o.events.len()), Some(1));
    assert_eq!(only_ltu[0], (EventKind::IndicatorsShared, Some("AG2".into()), Some(1.0)));
    // The default (`fastest`): one shipment per partner, LTU under AG2, LVA under AG2 (no latency).
    let fastest =
        Action::ShareIndicators { campaign: "C".into(), to: vec!["LVA".into(), "LTU".into()], tlp: None, via: None };
    let (_, _, default) = run(true, Some(fastest));
    let shared: Vec<&Shipment> = default.iter().filter(|s| s.0 == EventKind::IndicatorsShared).collect();
    assert_eq!(shared, vec![&(EventKind::IndicatorsShared, Some("AG2".into()), Some(1.0)); 2]);
}

#[test]
fn decisions_are_deterministic_and_cheap() {
    let s = three_nations();
    let a = sim(&s).run_to_end();
    let b = sim(&s).run_to_end();
    assert_eq!(a.doctrine, b.doctrine);
    assert_eq!(a.doctrine.len(), 1, "one campaign, one first detection: one decision in a day of ticks");
}
