//! Unit tests of the players' actions: every refusal, and each action's mechanics measured on
//! small simulations (statistically where the outcome is random).

use super::*;
use crate::scenario::model::{Lateral, Link, Reach, Scenario, Service, SharingAgreement, Stage};
use crate::sim::doctrine::Doctrine;
use crate::sim::events::Event;
use crate::sim::testkit::rendered;
use crate::sim::work::{HUNT_P_BLIND, HUNT_P_INDICATORS, HUNT_SECS_PER_HOST};
use crate::sim::{RunConfig, Simulation};
use crate::testkit::*;

fn sim(s: &Scenario, seed: u64) -> Simulation {
    Simulation::new(s, &RunConfig { seed, run_index: 0 })
}

fn steps(sim: &mut Simulation, n: u64) {
    for _ in 0..n {
        assert!(sim.step());
    }
}

fn events(sim: &Simulation) -> Vec<Event> {
    rendered(sim.world())
}

fn of(events: &[Event], kind: EventKind) -> Vec<&Event> {
    events.iter().filter(|e| e.kind == kind).collect()
}

fn applied(sim: &mut Simulation, seat: Seat, action: Action) -> Outcome {
    let out = sim.act(seat, &action);
    assert!(out.applied, "{action:?} was refused: {:?}", out.note);
    out
}

fn host(name: &str) -> Action {
    Action::IsolateHost { host: name.into() }
}

const EST: Seat = Seat::Team(0);
const LVA: Seat = Seat::Team(1);

/// EST: SEG-A (GA, 10 sensed hosts, SVC-A) linked to SEG-B (GB, 10 hosts, SVC-B needing SVC-A),
/// detect 1; LVA: SEG-L (GL, 5 hosts, SVC-L); provider P; agreement AG (2 min, ceiling AMBER);
/// inject I1 at one hour; campaign C (AMBER) holding one host of GA and never progressing.
fn base() -> Scenario {
    let mut s = tiny(&[("SEG-A", "GA", 10, 1.0), ("SEG-B", "GB", 10, 0.0)]);
    s.clock.duration = dur(4 * HOUR);
    s.nations[0].team.skills.detect = 1.0;
    s.nations[0].services = vec![
        service("SVC-A", vec!["GA".into()], 0.5),
        Service { depends_on: vec!["SVC-A".into()], ..service("SVC-B", vec!["GB".into()], 0.5) },
    ];
    let mut lva = nation("LVA", vec![segment("SEG-L", vec![group("GL", 5, 0.0)])]);
    lva.services.push(service("SVC-L", vec!["GL".into()], 0.5));
    s.nations.push(lva);
    s.links.push(Link { between: vec!["SEG-A".into(), "SEG-B".into()], filtering: 0.0 });
    s.assistance.push(provider("P", MIN, MIN));
    s.sharing.push(SharingAgreement {
        id: "AG".into(),
        between: vec!["EST".into(), "LVA".into()],
        latency: dur(2 * MIN),
        tlp_ceiling: Tlp::Amber,
    });
    s.msel.push(inject("I1", HOUR, vec![]));
    s.campaigns.push(campaign("C", &["GA"], vec![stage("never", 0.0, MIN)]));
    s
}

/// Asserts that `action` is refused with a note containing `why`, logging nothing and changing
/// nothing any seat can see.
fn refused(sim: &mut Simulation, seat: Seat, action: Action, why: &str) {
    let (before, log) = (sim.view(Seat::Excon), sim.world().resource::<EventLog>().len());
    let out = sim.act(seat, &action);
    assert!(!out.applied, "{action:?} by {seat:?} was applied");
    let note = out.note.unwrap_or_default();
    assert!(note.contains(why), "{action:?}: `{note}` does not say `{why}`");
    assert!(out.events.is_empty());
    assert_eq!(sim.world().resource::<EventLog>().len(), log, "{action:?} logged events");
    assert_eq!(sim.view(Seat::Excon), before, "{action:?} changed the world");
}

#[test]
fn unknown_ids_are_refused_naming_the_closest() {
    let mut sim = sim(&base(), 1);
    refused(&mut sim, EST, host("GX-1"), "did you mean `GA`");
    refused(&mut sim, EST, host("GA-11"), "hosts 1 to 10");
    refused(&mut sim, EST, Action::IsolateSegment { segment: "SEG-AX".into() }, "did you mean `SEG-A`");
    refused(&mut sim, EST, Action::BlockLink { from: "SEG-A".into(), to: "SEG-BB".into() }, "`SEG-B`");
    refused(&mut sim, EST, Action::TakeServiceOffline { service: "SVC-AA".into() }, "did you mean `SVC-A`");
    refused(&mut sim, EST, Action::RequestAssistance { provider: "PP".into() }, "did you mean `P`");
    let share = Action::ShareIndicators { campaign: "CC".into(), to: vec!["LVA".into()], tlp: None, via: None };
    refused(&mut sim, EST, share, "did you mean `C`");
    refused(&mut sim, Seat::Excon, Action::FireInject { inject: "I2".into() }, "did you mean `I1`");
    refused(&mut sim, Seat::Excon, Action::SetCapacity { nation: "ESTT".into(), analysts: 2 }, "`EST`");
    let hunt = Action::Hunt { scope: Scope::Group("GAA".into()), campaign: None, analysts: None };
    refused(&mut sim, EST, hunt, "did you mean `GA`");
}

#[test]
fn a_team_cannot_act_on_another_nation() {
    let mut sim = sim(&base(), 1);
    refused(&mut sim, EST, host("GL-1"), "belongs to LVA");
    refused(&mut sim, EST, Action::IsolateSegment { segment: "SEG-L".into() }, "not your nation's");
    refused(&mut sim, LVA, Action::BlockLink { from: "SEG-A".into(), to: "SEG-B".into() }, "neither");
    refused(&mut sim, EST, Action::TakeServiceOffline { service: "SVC-L".into() }, "not your nation's");
    let hunt = Action::Hunt { scope: Scope::Segment("SEG-L".into()), campaign: None, analysts: None };
    refused(&mut sim, EST, hunt, "belongs to LVA");
    refused(&mut sim, LVA, Action::RestoreHost { host: "GA-1".into(), mode: None }, "belongs to EST");
}

#[test]
fn seats_take_only_their_own_actions() {
    let mut sim = sim(&base(), 1);
    refused(&mut sim, EST, Action::EndExercise, "EXCON's action");
    refused(&mut sim, EST, Action::SetCapacity { nation: "EST".into(), analysts: 9 }, "EXCON's action");
    refused(&mut sim, LVA, Action::FireInject { inject: "I1".into() }, "EXCON's action");
    refused(&mut sim, Seat::Excon, host("GA-1"), "team's action");
    refused(&mut sim, Seat::Excon, Action::RequestAssistance { provider: "P".into() }, "team's action");
}

#[test]
fn state_refusals() {
    let mut sim = sim(&base(), 1);
    sim.set_doctrine(0, Doctrine::manual());
    // LVA holds no indicators.
    let share = |tlp| Action::ShareIndicators { campaign: "C".into(), to: vec!["LVA".into()], tlp, via: None };
    refused(
        &mut sim,
        LVA,
        Action::ShareIndicators { campaign: "C".into(), to: vec!["EST".into()], tlp: None, via: None },
        "does not hold",
    );
    refused(&mut sim, EST, share(None), "does not hold");
    applied(&mut sim, EST, host("GB-3"));
    refused(&mut sim, EST, host("GB-3"), "already isolated");
    applied(&mut sim, EST, Action::IsolateSegment { segment: "SEG-B".into() });
    refused(&mut sim, EST, Action::IsolateSegment { segment: "SEG-B".into() }, "already cut");
    refused(&mut sim, EST, Action::BlockLink { from: "SEG-A".into(), to: "SEG-B".into() }, "already cut");
    let hunt = |k| Action::Hunt { scope: Scope::Group("GB".into()), campaign: None, analysts: Some(k) };
    refused(&mut sim, EST, hunt(5), "4 free");
    refused(&mut sim, EST, hunt(0), "at least 1");
    // The foothold is detected in tick 1 (sensor, detect 1): an open incident, indicators held.
    steps(&mut sim, 2);
    let detected = of(&events(&sim), EventKind::HostDetected)[0].host.clone().unwrap();
    refused(&mut sim, EST, Action::RestoreHost { host: detected, mode: None }, "open incident");
    refused(&mut sim, EST, share(Some(Tlp::Green)), "lower the marking");
    refused(&mut sim, EST, share(Some(Tlp::Red)), "above the ceiling");
    refused(
        &mut sim,
        EST,
        Action::ShareIndicators { campaign: "C".into(), to: vec![], tlp: None, via: None },
        "at least one",
    );
    applied(&mut sim, EST, share(None));
    applied(&mut sim, Seat::Excon, Action::EndExercise);
    assert!(sim.ended());
    refused(&mut sim, EST, host("GA-2"), "ENDEX");
    refused(&mut sim, Seat::Excon, Action::SetCapacity { nation: "EST".into(), analysts: 2 }, "ENDEX");
    refused(&mut sim, Seat::Excon, Action::EndExercise, "ENDEX");
}

/// Whether campaign C, entering SEG-A, ever reaches SEG-B (linked) after `action` at T+0.
fn reaches_b(seed: u64, action: Option<&Action>) -> (bool, usize) {
    let mut s = tiny(&[("SEG-A", "GA", 10, 0.0), ("SEG-B", "GB", 10, 0.0)]);
    s.clock.duration = dur(4 * HOUR);
    s.links.push(Link { between: vec!["SEG-A".into(), "SEG-B".into()], filtering: 0.0 });
    let worm = Stage {
        lateral: Some(Lateral { reach: Reach::Linked, fanout: 1, repeat: true }),
        ..stage("spread", 0.5, 5 * MIN)
    };
    s.campaigns.push(campaign("C", &["GA"], vec![worm]));
    let mut sim = sim(&s, seed);
    if let Some(a) = action {
        applied(&mut sim, EST, a.clone());
    }
    while sim.step() {}
    let hit = events(&sim);
    let hit = of(&hit, EventKind::HostCompromised);
    let in_a = hit.iter().filter(|e| e.segment.as_deref() == Some("SEG-A")).count();
    (hit.iter().any(|e| e.segment.as_deref() == Some("SEG-B")), in_a)
}

#[test]
fn a_segment_isolated_at_startex_is_never_reached() {
    let seeds = 200;
    let reached = (0..seeds).filter(|&s| reaches_b(s, None).0).count();
    assert!(reached >= 180, "without the action the worm reaches SEG-B in most seeds ({reached}/{seeds})");
    for cut in [
        Action::IsolateSegment { segment: "SEG-B".into() },
        Action::IsolateSegment { segment: "SEG-A".into() },
        Action::BlockLink { from: "SEG-B".into(), to: "SEG-A".into() },
    ] {
        for seed in 0..seeds {
            let (b, a) = reaches_b(seed, Some(&cut));
            assert!(!b, "{cut:?}: seed {seed} reached SEG-B");
            assert!(a > 1, "the worm still spreads inside SEG-A");
        }
    }
}

/// A worm through GA (10 hosts, no sensors), 8 hours.
fn worm_in_ga(stages: Vec<Stage>) -> Scenario {
    let mut s = tiny(&[("SEG-A", "GA", 10, 0.0)]);
    s.clock.duration = dur(8 * HOUR);
    s.campaigns.push(campaign("C", &["GA"], stages));
    s
}

fn spread() -> Stage {
    Stage { lateral: Some(Lateral { reach: Reach::Segment, fanout: 10, repeat: true }), ..stage("spread", 1.0, MIN) }
}

#[test]
fn an_isolated_clean_host_is_never_compromised_until_restored() {
    for seed in 0..10 {
        let mut sim = sim(&worm_in_ga(vec![spread()]), seed);
        let out = applied(&mut sim, EST, host("GA-5"));
        assert_eq!(out.events.len(), 2, "host_isolated, host_down");
        steps(&mut sim, 120);
        let name = sim.world().resource::<Catalog>().host_name(4);
        let ev = events(&sim);
        let hit = of(&ev, EventKind::HostCompromised);
        assert_eq!(hit.len(), 9, "every other host falls");
        assert!(hit.iter().all(|e| e.host.as_deref() != Some(name.as_str())));
        assert!(!sim.world().resource::<Hosts>().has(4, flag::COMPROMISED));
        applied(&mut sim, EST, Action::RestoreHost { host: "GA-5".into(), mode: None });
        while sim.step() {}
        let ev = events(&sim);
        let back = of(&ev, EventKind::HostRestored)[0].tick;
        let later = of(&ev, EventKind::HostCompromised).into_iter().find(|e| e.host.as_deref() == Some(name.as_str()));
        assert!(later.is_some_and(|e| e.tick >= back), "restored, it is back in the worm's reach");
    }
}

#[test]
fn an_isolated_compromised_host_makes_no_more_progress() {
    let chain = || vec![stage("a", 1.0, 10 * MIN), stage("b", 1.0, 10 * MIN), stage("c", 1.0, 10 * MIN)];
    let mut s = worm_in_ga(chain());
    s.nations[0].segments[0].host_groups[0].count = 1;
    let completed = |isolate: bool| {
        let mut sim = sim(&s, 3);
        sim.step();
        if isolate {
            let out = applied(&mut sim, EST, host("GA-1"));
            assert_eq!(out.events.len(), 2);
            assert!(sim.world().resource::<Hosts>().has(0, flag::CONTAINED));
        }
        while sim.step() {}
        of(&events(&sim), EventKind::StageCompleted).len()
    };
    assert_eq!(completed(false), 3, "the chain runs to its end without the action");
    assert_eq!(completed(true), 0);
}

/// 100 hosts of GA all held at STARTEX by a silent campaign (stealth 1: no detection draw can
/// find them), detect 0.5; a hunt of GA with 4 analysts at the tick 1 boundary. Returns (found,
/// hunted).
fn hunt_once(seed: u64, indicators: bool) -> (u64, u64) {
    let mut s = tiny(&[("SEG-A", "GA", 100, 0.0)]);
    s.clock.duration = dur(4 * HOUR);
    let mut c = campaign("C", &["GA"], vec![Stage { stealth: 1.0, ..stage("never", 0.0, MIN) }]);
    c.entry.fraction = Some(1.0);
    s.campaigns.push(c);
    let mut sim = sim(&s, seed);
    sim.step();
    if indicators {
        sim.world_mut().resource_mut::<Intel>().grant(0, 0);
    }
    let hunted = sim.world().resource::<Hosts>().undetected.len() as u64;
    assert_eq!(hunted, 100);
    // 100 hosts × 180 s × 1.25 / (0.25 + 0.5) / 4 analysts = 7500 s = 125 one-minute ticks.
    let expected = (100.0 * HUNT_SECS_PER_HOST * 1.25 / 0.75 / 4.0 / 60.0_f64).ceil() as u64;
    assert_eq!(expected, 125);
    let out =
        applied(&mut sim, EST, Action::Hunt { scope: Scope::Group("GA".into()), campaign: None, analysts: Some(4) });
    assert!(out.note.unwrap().contains("ends in 125 tick"));
    let one = Action::Hunt { scope: Scope::Group("GA".into()), campaign: None, analysts: None };
    assert!(!sim.act(EST, &one).applied, "the hunt holds all four analysts");
    steps(&mut sim, expected);
    assert_eq!(sim.view(EST).teams[0].analysts.busy, 4, "held up to its last tick");
    assert!(of(&events(&sim), EventKind::HuntCompleted).is_empty());
    sim.step();
    let ev = events(&sim);
    let done = of(&ev, EventKind::HuntCompleted);
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].tick, 1 + expected);
    let found = of(&ev, EventKind::HostDetected);
    assert!(found.iter().all(|e| e.detail.as_deref() == Some("hunt") && e.tick == 1 + expected));
    assert_eq!(done[0].value, Some(found.len() as f64));
    (found.len() as u64, hunted)
}

#[test]
fn a_hunt_finds_each_host_with_its_probability_and_holds_its_analysts() {
    for (indicators, p) in [(true, HUNT_P_INDICATORS), (false, HUNT_P_BLIND)] {
        let (mut found, mut n) = (0, 0);
        for seed in 0..40 {
            let (f, h) = hunt_once(seed, indicators);
            found += f;
            n += h;
        }
        let rate = found as f64 / n as f64;
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!((rate - p).abs() < 5.0 * se, "indicators {indicators}: found {rate}, expected {p} ± {}", 5.0 * se);
    }
}

/// GA-1 (backed up hourly, writing 10 MB an hour, restored in an hour at recover 0.5) held by a
/// campaign and isolated at the tick 1 boundary; restored at the tick 90 boundary (t = 5400 s).
fn restored(mode: RestoreMode) -> (Simulation, Vec<u64>) {
    let mut s = worm_in_ga(vec![stage("never", 0.0, MIN)]);
    let g = &mut s.nations[0].segments[0].host_groups[0];
    (g.count, g.backup_interval, g.data_mb_per_hour) = (1, Some(dur(HOUR)), 10);
    let mut sim = sim(&s, 1);
    sim.step();
    applied(&mut sim, EST, host("GA-1"));
    steps(&mut sim, 89);
    let out = applied(&mut sim, EST, Action::RestoreHost { host: "GA-1".into(), mode: Some(mode) });
    (sim, out.events)
}

#[test]
fn restores_lose_data_since_the_last_backup_and_rebuilds_take_three_times_as_long() {
    for (mode, ticks, lost) in [(RestoreMode::Backup, 100, Some(5.0)), (RestoreMode::Rebuild, 300, None)] {
        let (mut sim, out) = restored(mode);
        let ev = events(&sim);
        assert_eq!(out.len(), 1 + usize::from(lost.is_some()));
        // 10 MB/h × (5400 − 3600) s.
        assert_eq!(of(&ev, EventKind::DataLost).first().and_then(|e| e.value), lost);
        assert!(sim.view(EST).teams[0].hosts[0].restoring);
        while sim.step() {}
        let ev = events(&sim);
        let back = of(&ev, EventKind::HostRestored);
        assert_eq!(back.len(), 1);
        // 3600 s × 1.25 / 0.75 = 6000 s = 100 ticks (× 3 rebuilt).
        assert_eq!(back[0].tick, 90 + ticks, "{mode:?}");
        let hosts = sim.world().resource::<Hosts>();
        assert_eq!(hosts.get(0).flags, 0, "up and clean");
        assert!(!hosts.is_isolated(0));
        assert!(sim.view(EST).teams[0].hosts.is_empty());
    }
}

#[test]
fn a_dependency_across_a_cut_link_takes_the_service_down_until_reconnected() {
    let mut s = base();
    s.campaigns.clear();
    for (cut, back) in [
        (Action::IsolateSegment { segment: "SEG-B".into() }, Action::ReconnectSegment { segment: "SEG-B".into() }),
        (
            Action::BlockLink { from: "SEG-A".into(), to: "SEG-B".into() },
            Action::ReconnectLink { from: "SEG-B".into(), to: "SEG-A".into() },
        ),
    ] {
        let mut sim = sim(&s, 1);
        steps(&mut sim, 2);
        let out = applied(&mut sim, EST, cut.clone());
        let ev = events(&sim);
        let severed = of(&ev, EventKind::ServiceSevered);
        assert_eq!(severed.len(), 1);
        assert_eq!(severed[0].service.as_deref(), Some("SVC-B"));
        assert!(out.events.contains(&severed[0].id));
        sim.step();
        let ev = events(&sim);
        let down = of(&ev, EventKind::ServiceDown);
        assert_eq!(down.iter().map(|e| (e.service.as_deref(), e.tick)).collect::<Vec<_>>(), [(Some("SVC-B"), 2)]);
        let view = sim.view(EST).teams[0].services.clone();
        assert!(view[0].up && !view[1].up && view[1].severed, "{view:?}");
        assert!(view[1].severed);
        applied(&mut sim, EST, back);
        sim.step();
        let ev = events(&sim);
        let up = of(&ev, EventKind::ServiceUp);
        assert_eq!(up.iter().map(|e| (e.service.as_deref(), e.tick)).collect::<Vec<_>>(), [(Some("SVC-B"), 3)]);
        assert!(sim.view(EST).teams[0].services.iter().all(|v| v.up && !v.severed));
    }
}

#[test]
fn shared_indicators_arrive_after_the_agreement_latency() {
    let mut sim = sim(&base(), 1);
    sim.set_doctrine(0, Doctrine::manual());
    steps(&mut sim, 3);
    assert_eq!(sim.view(EST).teams[0].indicators, ["C"], "its own detection in tick 1");
    assert!(of(&events(&sim), EventKind::IndicatorsShared).is_empty(), "manual: no automatic sharing");
    let out = applied(
        &mut sim,
        EST,
        Action::ShareIndicators { campaign: "C".into(), to: vec!["LVA".into()], tlp: None, via: None },
    );
    assert_eq!(out.events.len(), 1);
    steps(&mut sim, 2);
    assert!(sim.view(LVA).teams[0].indicators.is_empty(), "in flight for 2 ticks");
    sim.step();
    assert_eq!(sim.view(LVA).teams[0].indicators, ["C"]);
    let ev = events(&sim);
    let got = of(&ev, EventKind::IndicatorsReceived);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].tick, 3 + 2);
}

#[test]
fn requested_assistance_is_placed_and_released_assistance_frees_the_slot_and_the_analysts() {
    let mut sim = sim(&base(), 1);
    sim.set_doctrine(0, Doctrine::manual());
    sim.set_doctrine(1, Doctrine::manual());
    let ask = Action::RequestAssistance { provider: "P".into() };
    let release = Action::ReleaseAssistance { provider: "P".into() };
    refused(&mut sim, EST, release.clone(), "no deployment");
    applied(&mut sim, EST, ask.clone());
    sim.step();
    let ev = events(&sim);
    let req = of(&ev, EventKind::AssistanceRequested);
    assert_eq!(req.len(), 1);
    assert_eq!(
        (req[0].tick, req[0].detail.as_deref(), req[0].nation.as_deref()),
        (0, Some("team_request"), Some("EST"))
    );
    steps(&mut sim, 3);
    assert_eq!(sim.view(EST).teams[0].assistance[0].step, "on_task");
    assert_eq!(sim.view(EST).teams[0].analysts.capacity, 4 + 3);
    // The provider's one slot is taken: LVA's request is recorded as unavailable.
    applied(&mut sim, LVA, ask.clone());
    sim.step();
    assert_eq!(of(&events(&sim), EventKind::AssistanceUnavailable).len(), 1);
    let out = applied(&mut sim, EST, release.clone());
    let ev = events(&sim);
    let off = of(&ev, EventKind::AssistanceOffTask);
    assert_eq!(off.len(), 1);
    assert_eq!(off[0].detail.as_deref(), Some("released"));
    assert_eq!(out.events, [off[0].id]);
    assert_eq!(sim.view(EST).teams[0].analysts.capacity, 4);
    applied(&mut sim, LVA, ask);
    steps(&mut sim, 3);
    assert_eq!(of(&events(&sim), EventKind::AssistanceUnavailable).len(), 1, "the slot is free again");
    assert_eq!(sim.view(LVA).teams[0].assistance.last().map(|a| a.step), Some("on_task"));
}

/// Nine incidents at tick 1 for a team of one analyst: GA (6 hosts, medium) then GH (3, high).
fn queue_of_nine() -> Simulation {
    let mut s = tiny(&[("SEG-A", "GA", 6, 1.0), ("SEG-H", "GH", 3, 1.0)]);
    s.nations[0].segments[1].host_groups[0].criticality = crate::scenario::model::Criticality::High;
    s.nations[0].team.analysts = 1;
    s.nations[0].team.skills.detect = 1.0;
    let mut c = campaign("C", &["GA", "GH"], vec![stage("never", 0.0, MIN)]);
    c.entry.fraction = Some(1.0);
    s.campaigns.push(c);
    let mut sim = sim(&s, 1);
    steps(&mut sim, 2);
    sim
}

fn queued(sim: &Simulation) -> Vec<(u64, String)> {
    let view = sim.view(EST);
    view.teams[0].incidents.iter().filter(|i| i.phase == "queued").map(|i| (i.id, i.group.clone())).collect()
}

#[test]
fn prioritise_reorders_the_queue() {
    let mut sim = queue_of_nine();
    let ids: Vec<u64> = queued(&sim).iter().map(|q| q.0).collect();
    assert_eq!(ids, (2..=9).collect::<Vec<u64>>(), "fifo; incident 1 in work");
    refused(&mut sim, EST, Action::Prioritise { incidents: vec![1], rule: None }, "not waiting");
    refused(&mut sim, EST, Action::Prioritise { incidents: vec![], rule: None }, "give `incidents`");
    applied(&mut sim, EST, Action::Prioritise { incidents: vec![7, 3], rule: None });
    let ids: Vec<u64> = queued(&sim).iter().map(|q| q.0).collect();
    assert_eq!(ids, [7, 3, 2, 4, 5, 6, 8, 9]);
    applied(&mut sim, EST, Action::Prioritise { incidents: vec![], rule: Some(QueueRule::Criticality) });
    let q = queued(&sim);
    assert_eq!(q.iter().map(|q| q.0).collect::<Vec<_>>(), [7, 8, 9, 2, 3, 4, 5, 6]);
    assert!(q[..3].iter().all(|q| q.1 == "GH"));
}

#[test]
fn excon_fires_disables_injects_sets_capacity_and_ends_the_exercise() {
    let delivered = |sim: &Simulation| -> Vec<u64> {
        of(&events(sim), EventKind::InjectDelivered).iter().map(|e| e.tick).collect()
    };
    let mut sim = sim(&base(), 1);
    steps(&mut sim, 5);
    applied(&mut sim, Seat::Excon, Action::FireInject { inject: "I1".into() });
    sim.step();
    assert_eq!(delivered(&sim), [5]);
    refused(&mut sim, Seat::Excon, Action::FireInject { inject: "I1".into() }, "already delivered");
    while sim.step() {}
    assert_eq!(delivered(&sim), [5], "delivered once");

    let mut sim = sim_base_disabled();
    while sim.step() {}
    assert!(delivered(&sim).is_empty());

    let mut sim = self::sim(&base(), 1);
    assert_eq!(sim.view(EST).teams[0].analysts.capacity, 4);
    applied(&mut sim, Seat::Excon, Action::SetCapacity { nation: "EST".into(), analysts: 7 });
    assert_eq!(sim.view(EST).teams[0].analysts.capacity, 7);
    assert_eq!(of(&events(&sim), EventKind::TeamCapacityChanged)[0].value, Some(3.0));
    steps(&mut sim, 10);
    applied(&mut sim, Seat::Excon, Action::EndExercise);
    assert!(sim.ended() && !sim.step());
    assert_eq!(sim.tick(), 10);
    let outcome = sim.run_to_end();
    assert!(outcome.events.to_vec().iter().all(|e| e.tick <= 10));
    assert_eq!(outcome.events.to_vec().last().map(|e| (e.kind, e.tick)), Some((EventKind::ExconAction, 10)));
}

fn sim_base_disabled() -> Simulation {
    let mut sim = sim(&base(), 1);
    applied(&mut sim, Seat::Excon, Action::DisableInject { inject: "I1".into() });
    refused(&mut sim, Seat::Excon, Action::FireInject { inject: "I1".into() }, "disabled");
    sim
}
