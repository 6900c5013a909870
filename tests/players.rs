//! Players through the public API: randomness isolation between nations (issue 17 §6), fog of
//! war in the team views, replay of action scripts, and doctrine as the engine's default player.

use std::sync::Arc;

use cydex::scenario::model::*;
use cydex::sim::actions::{Action, Answer, Outcome, Scope, Seat};
use cydex::sim::clock::SimClock;
use cydex::sim::desk::Sitrep;
use cydex::sim::doctrine::{Doctrine, QueueRule, RestoreMode};
use cydex::sim::events::EventLog;
use cydex::sim::services::ServiceBook;
use cydex::sim::state::{Catalog, Hosts, flag};
use cydex::sim::view::TeamView;
use cydex::sim::{Event, EventKind, EventStream, RunConfig, RunOutcome, Simulation};
use cydex::testkit::generated::scenario_from_seed;
use cydex::testkit::{HOUR, MIN, campaign, group, nation, scenario, segment, stage};
use proptest::prelude::*;

fn cfg(seed: u64) -> RunConfig {
    RunConfig { seed, run_index: 0 }
}

fn rendered(sim: &Simulation) -> Vec<Event> {
    let w = sim.world();
    let log = w.resource::<EventLog>().clone();
    EventStream::new(log, Arc::new(w.resource::<Catalog>().clone()), w.resource::<SimClock>().tick_secs).to_vec()
}

fn json(o: &impl serde::Serialize) -> String {
    serde_json::to_string(o).expect("serialisable")
}

// ───────────────────────────── randomness isolation ─────────────────────────────

/// An event as nation A sees it, without the ids that other nations' events shift.
fn key(e: &Event) -> String {
    let mut e = e.clone();
    (e.id, e.cause, e.incident) = (0, None, None);
    json(&e)
}

/// EST and LVA, 40 hosts each (half sensed), each with its own worm; `link` joins their
/// segments (filtering 0.8) and lets LVA's worm cross.
fn two_nations(link: bool) -> Scenario {
    let worm = |reach| Stage {
        lateral: Some(Lateral { reach, fanout: 2, repeat: true }),
        stealth: 0.5,
        ..stage("spread", 0.6, 10 * MIN)
    };
    let mut s = scenario(
        MIN,
        24 * HOUR,
        vec![
            nation("EST", vec![segment("SEG-E", vec![group("GE", 40, 0.2)])]),
            nation("LVA", vec![segment("SEG-L", vec![group("GL", 40, 0.2)])]),
        ],
    );
    s.campaigns.push(campaign("CE", &["GE"], vec![worm(Reach::Segment)]));
    s.campaigns.push(campaign("CL", &["GL"], vec![worm(if link { Reach::Linked } else { Reach::Segment })]));
    if link {
        s.links.push(Link { between: vec!["SEG-L".into(), "SEG-E".into()], filtering: 0.8 });
    }
    s
}

/// Runs with LVA isolating a host at the tick 30 boundary and hunting its segment at 60 (or
/// not): every event, rendered.
fn lva_acts(s: &Scenario, seed: u64, act: bool) -> Vec<Event> {
    let mut sim = Simulation::new(s, &cfg(seed));
    let lva = Seat::Team(1);
    while !sim.ended() {
        if act && sim.tick() == 30 {
            assert!(sim.act(lva, &Action::IsolateHost { host: "GL-7".into() }).applied);
        }
        if act && sim.tick() == 60 {
            // Applied when an analyst is free (a refusal changes nothing either).
            let hunt = Action::Hunt { scope: Scope::Segment("SEG-L".into()), campaign: None, analysts: Some(1) };
            sim.act(lva, &hunt);
        }
        sim.step();
    }
    rendered(&sim)
}

fn of_nation<'a>(events: &'a [Event], id: &str) -> Vec<&'a Event> {
    events.iter().filter(|e| e.nation.as_deref() == Some(id)).collect()
}

#[test]
fn an_action_in_one_nation_leaves_an_unlinked_nation_untouched() {
    let s = two_nations(false);
    let mut compared = 0;
    for seed in 0..5 {
        let (quiet, busy) = (lva_acts(&s, seed, false), lva_acts(&s, seed, true));
        let keys = |ev: &[Event], n| of_nation(ev, n).into_iter().map(key).collect::<Vec<_>>();
        assert_ne!(keys(&quiet, "LVA"), keys(&busy, "LVA"), "seed {seed}: the actions change LVA's run");
        let est = keys(&quiet, "EST");
        compared += est.len();
        assert_eq!(est, keys(&busy, "EST"), "seed {seed}");
    }
    assert!(compared > 100, "EST has a run of its own ({compared} events)");
}

#[test]
fn an_action_in_one_nation_leaves_the_other_untouched_up_to_the_first_crossing() {
    let s = two_nations(true);
    let (mut crossed, mut compared) = (0, 0);
    for seed in 0..6 {
        let runs = [lva_acts(&s, seed, false), lva_acts(&s, seed, true)];
        let est: Vec<Vec<&Event>> = runs.iter().map(|r| of_nation(r, "EST")).collect();
        // The first EST event of LVA's campaign (a crossing), or the end.
        let first = |ev: &[&Event]| ev.iter().position(|e| e.campaign.as_deref() == Some("CL")).unwrap_or(ev.len());
        let upto = first(&est[0]).min(first(&est[1]));
        crossed += usize::from(upto < est[0].len().max(est[1].len()));
        let keys = |ev: &[&Event]| ev[..upto].iter().map(|e| key(e)).collect::<Vec<_>>();
        compared += upto;
        assert_eq!(keys(&est[0]), keys(&est[1]), "seed {seed}");
    }
    assert!(compared > 50, "EST has a run before the crossings ({compared} events)");
    assert!(crossed >= 3, "LVA's worm must cross in most seeds for the test to mean anything ({crossed}/6)");
}

// ───────────────────────────── action scripts ─────────────────────────────

/// SplitMix64: the scripts' own dice.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One of `ids`, or (sometimes, or when there is none) an id no scenario has.
    fn id(&mut self, ids: &[String]) -> String {
        if ids.is_empty() || self.chance(0.1) { "NOPE-1".into() } else { ids[self.below(ids.len())].clone() }
    }
}

/// The ids of a scenario that actions name.
#[derive(Default)]
struct Ids {
    hosts: Vec<String>,
    groups: Vec<String>,
    segments: Vec<String>,
    links: Vec<(String, String)>,
    services: Vec<String>,
    campaigns: Vec<String>,
    providers: Vec<String>,
    injects: Vec<String>,
    nations: Vec<String>,
}

fn ids(s: &Scenario) -> Ids {
    let mut ids = Ids::default();
    for n in &s.nations {
        ids.nations.push(n.id.clone());
        ids.services.extend(n.services.iter().map(|v| v.id.clone()));
        for seg in &n.segments {
            ids.segments.push(seg.id.clone());
            for g in &seg.host_groups {
                ids.groups.push(g.id.clone());
                ids.hosts.extend((1..=g.count.min(3)).map(|k| format!("{}-{k}", g.id)));
            }
        }
    }
    ids.links = s.links.iter().map(|l| (l.between[0].clone(), l.between[1].clone())).collect();
    ids.campaigns = s.campaigns.iter().map(|c| c.id.clone()).collect();
    ids.providers = s.assistance.iter().map(|p| p.id.clone()).collect();
    ids.injects = s.msel.iter().map(|i| i.id.clone()).collect();
    ids
}

fn team_action(d: &mut Dice, ids: &Ids) -> Action {
    let tlp = |d: &mut Dice| [None, Some(Tlp::Green), Some(Tlp::Amber), Some(Tlp::Red)][d.below(4)];
    let link = |d: &mut Dice| {
        if ids.links.is_empty() || d.chance(0.1) {
            (d.id(&ids.segments), d.id(&ids.segments))
        } else {
            ids.links[d.below(ids.links.len())].clone()
        }
    };
    match d.below(16) {
        0 => Action::Prioritise {
            incidents: (0..d.below(3)).map(|_| d.below(12) as u64 + 1).collect(),
            rule: [None, Some(QueueRule::Criticality), Some(QueueRule::Campaign), Some(QueueRule::Fifo)][d.below(4)],
        },
        1 | 2 => Action::IsolateHost { host: d.id(&ids.hosts) },
        3 => {
            let (from, to) = link(d);
            if d.chance(0.5) { Action::BlockLink { from, to } } else { Action::ReconnectLink { from, to } }
        }
        4 => Action::IsolateSegment { segment: d.id(&ids.segments) },
        5 => Action::ReconnectSegment { segment: d.id(&ids.segments) },
        6 | 7 => Action::Hunt {
            scope: if d.chance(0.5) { Scope::Group(d.id(&ids.groups)) } else { Scope::Segment(d.id(&ids.segments)) },
            campaign: d.chance(0.3).then(|| d.id(&ids.campaigns)),
            analysts: Some(d.below(4) as u32),
        },
        8 => Action::RestoreHost {
            host: d.id(&ids.hosts),
            mode: [None, Some(RestoreMode::Backup), Some(RestoreMode::Rebuild)][d.below(3)],
        },
        9 => Action::RequestAssistance { provider: d.id(&ids.providers) },
        10 => Action::ReleaseAssistance { provider: d.id(&ids.providers) },
        11 => Action::ShareIndicators {
            campaign: d.id(&ids.campaigns),
            to: vec![d.id(&ids.nations)],
            tlp: tlp(d),
            via: None,
        },
        12 => Action::SituationReport(Sitrep {
            compromised: d.below(20) as u32,
            campaigns: (0..d.below(2)).map(|_| d.id(&ids.campaigns)).collect(),
            attribution: None,
        }),
        13 => Action::TakeServiceOffline { service: d.id(&ids.services) },
        14 => Action::BringServiceOnline { service: d.id(&ids.services) },
        _ => Action::AnswerInject { inject: d.id(&ids.injects), answer: Answer::Acknowledged },
    }
}

fn excon_action(d: &mut Dice, ids: &Ids) -> Action {
    match d.below(20) {
        0..=4 => Action::FireInject { inject: d.id(&ids.injects) },
        5..=7 => Action::DisableInject { inject: d.id(&ids.injects) },
        8..=11 => {
            Action::AddInject { to: d.chance(0.6).then(|| d.id(&ids.nations)), text: format!("msg {}", d.below(99)) }
        }
        12..=18 => Action::SetCapacity { nation: d.id(&ids.nations), analysts: d.below(7) as u32 },
        _ => Action::EndExercise,
    }
}

/// A script: (tick boundary, seat, action), by tick; team seats include one past the last
/// nation, and some actions fall after ENDEX.
fn script(s: &Scenario, seed: u64) -> Vec<(u64, Seat, Action)> {
    let (d, ids) = (&mut Dice(seed), ids(s));
    let n_ticks = s.clock.duration.secs() / s.clock.tick.secs();
    let mut out: Vec<(u64, Seat, Action)> = (0..d.below(40))
        .map(|_| {
            let tick = d.below(n_ticks as usize + 3) as u64;
            if d.chance(0.25) {
                (tick, Seat::Excon, excon_action(d, &ids))
            } else {
                (tick, Seat::Team(d.below(ids.nations.len() + 1) as u32), team_action(d, &ids))
            }
        })
        .collect();
    out.sort_by_key(|a| a.0);
    out
}

/// Plays `script` on `s`; `check` sees the simulation at every tick boundary, before and after
/// each action. Returns the actions' outcomes and the run's.
fn play(
    s: &Scenario,
    seed: u64,
    script: &[(u64, Seat, Action)],
    mut check: impl FnMut(&Simulation),
) -> (Vec<Outcome>, RunOutcome) {
    let mut sim = Simulation::new(s, &cfg(seed));
    let (mut outcomes, mut next) = (Vec::new(), 0);
    loop {
        check(&sim);
        while next < script.len() && script[next].0 <= sim.tick() {
            let (_, seat, action) = &script[next];
            outcomes.push(sim.act(*seat, action));
            check(&sim);
            next += 1;
        }
        if !sim.step() {
            break;
        }
    }
    for (_, seat, action) in &script[next..] {
        let out = sim.act(*seat, action);
        assert!(!out.applied, "{action:?} applied after ENDEX");
        outcomes.push(out);
    }
    (outcomes, sim.run_to_end())
}

// ───────────────────────────── fog of war ─────────────────────────────

/// Slot of a host name `{group}-{k}` (panics on a name no group has: a view names real hosts).
fn slot(cat: &Catalog, name: &str) -> u32 {
    let (g, k) = name.rsplit_once('-').expect("host name");
    let g = cat.groups.iter().find(|x| x.id == g).unwrap_or_else(|| panic!("no group for host {name}"));
    g.start + k.parse::<u32>().unwrap() - 1
}

/// What a team view says, checked against the world now: only its nation's things, and hosts
/// only in observable states. Returns the view, for the checks against the log.
fn check_now(sim: &Simulation, n: u32) -> TeamView {
    let (w, view) = (sim.world(), sim.view(Seat::Team(n)));
    let (cat, hosts) = (w.resource::<Catalog>(), w.resource::<Hosts>());
    assert!(view.truth.is_none() && view.teams.len() == 1, "a team sees one team view and no ground truth");
    let v = view.teams.into_iter().next().unwrap();
    assert_eq!(v.nation, cat.nations[n as usize].id);
    for h in &v.hosts {
        let slot = slot(cat, &h.host);
        assert_eq!(cat.nation_of(slot), n, "{} is another nation's host", h.host);
        assert!(h.isolated || h.down || h.restoring, "{} is listed in no observable state", h.host);
        assert_eq!((h.isolated, h.down), (hosts.is_isolated(slot), hosts.has(slot, flag::DOWN)), "{}", h.host);
    }
    for i in &v.incidents {
        assert_eq!(cat.nation_of(slot(cat, &i.host)), n, "incident {} is on another nation's host", i.id);
        assert!(cat.groups.iter().any(|g| g.id == i.group && g.nation == n));
    }
    for seg in &v.segments {
        assert!(cat.segments.iter().any(|x| x.id == seg.id && x.nation == n), "segment {}", seg.id);
    }
    let services = w.resource::<ServiceBook>();
    for sv in &v.services {
        let k = cat.services.iter().position(|x| *x == sv.id).unwrap();
        assert_eq!(services.defs[k].nation, n, "service {}", sv.id);
    }
    v
}

/// Checks a view taken when the log held `events` against them: incidents only on hosts the
/// nation detected, indicators only from its detections, partners or injects, and only its own
/// assistance, messages and inbox.
fn check_against_log(v: &TeamView, events: &[Event]) {
    let mine = |e: &Event| e.nation.as_deref() == Some(v.nation.as_str());
    let any = |kind: EventKind, f: &dyn Fn(&Event) -> bool| events.iter().any(|e| e.kind == kind && f(e));
    for i in &v.incidents {
        let c = Some(i.campaign.as_str());
        assert!(
            any(EventKind::HostDetected, &|e| e.host.as_deref() == Some(&i.host) && e.campaign.as_deref() == c),
            "incident {} on {}, never detected",
            i.id,
            i.host
        );
    }
    for c in &v.indicators {
        let of_c = |e: &Event| e.campaign.as_deref() == Some(c.as_str());
        assert!(
            any(EventKind::HostDetected, &|e| mine(e) && of_c(e))
                || any(EventKind::IndicatorsReceived, &|e| mine(e) && of_c(e))
                || any(EventKind::InjectEffectApplied, &of_c),
            "{} holds {c}'s indicators from nowhere",
            v.nation
        );
    }
    for a in &v.assistance {
        let p = Some(a.provider.as_str());
        assert!(
            any(EventKind::AssistanceRequested, &|e| mine(e) && e.provider.as_deref() == p && e.tick == a.requested),
            "{} sees {a:?}, which it never requested",
            v.nation
        );
    }
    let to_me = |e: &Event| e.nation.is_none() || mine(e);
    let sent = events
        .iter()
        .filter(|e| e.kind == EventKind::ExconAction && e.detail.as_deref() == Some("add_inject") && to_me(e));
    assert_eq!(sent.count(), v.messages.len(), "{}'s messages", v.nation);
    for item in &v.inbox {
        let i = Some(item.inject.as_str());
        assert!(
            any(EventKind::InjectDelivered, &|e| e.inject.as_deref() == i && e.tick == item.tick && to_me(e)),
            "{} sees {} delivered at {}",
            v.nation,
            item.inject,
            item.tick
        );
    }
}

/// Plays a script, checking every team's view at every boundary; returns the run.
fn play_checked(s: &Scenario, seed: u64, script: &[(u64, Seat, Action)]) -> (Vec<Outcome>, RunOutcome) {
    let mut seen: Vec<(usize, TeamView)> = Vec::new();
    let out = play(s, seed, script, |sim| {
        let len = sim.world().resource::<EventLog>().len();
        for n in 0..s.nations.len() as u32 {
            seen.push((len, check_now(sim, n)));
        }
    });
    let events = out.1.events.to_vec();
    for (len, v) in &seen {
        check_against_log(v, &events[..*len]);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Fog of war: over generated scenarios and random scripts of valid and invalid actions from
    /// every seat, no team view ever shows an undetected compromise or another nation's things;
    /// and the same scenario, seed and script replay byte for byte.
    #[test]
    fn teams_see_only_their_own_and_scripts_replay(scenario in any::<u64>(), seed in any::<u64>(), dice in any::<u64>()) {
        let s = scenario_from_seed(scenario);
        let script = script(&s, dice);
        let (outcomes, run) = play_checked(&s, seed, &script);
        let (again, rerun) = play(&s, seed, &script, |_| ());
        prop_assert_eq!(json(&outcomes), json(&again));
        prop_assert_eq!(json(&run), json(&rerun));
    }
}

#[test]
fn scripts_do_something() {
    // The property above must exercise applied actions, not only refusals.
    let (mut applied, mut total) = (0, 0);
    for k in 0..16 {
        let s = scenario_from_seed(k);
        let (outcomes, _) = play_checked(&s, k, &script(&s, k));
        total += outcomes.len();
        applied += outcomes.iter().filter(|o| o.applied).count();
    }
    assert!(applied > total / 5 && applied < total, "{applied} of {total} applied");
}

// ───────────────────────────── doctrine ─────────────────────────────

#[test]
fn the_default_doctrine_set_explicitly_is_the_engine_alone() {
    for k in 0..24 {
        let s = scenario_from_seed(k);
        let mut sim = Simulation::new(&s, &cfg(k));
        for n in 0..s.nations.len() as u32 {
            sim.set_doctrine(n, Doctrine::default());
        }
        assert_eq!(json(&sim.run_to_end()), json(&cydex::sim::run(&s, &cfg(k))), "scenario {k}");
    }
}

#[test]
fn an_isolating_doctrine_isolates_every_detection_in_its_tick() {
    // Also the contrast for the test above: a doctrine that is not the default changes runs.
    let (mut differs, mut isolated) = (0, 0);
    for k in 0..24 {
        let s = scenario_from_seed(k);
        let mut sim = Simulation::new(&s, &cfg(k));
        for n in 0..s.nations.len() as u32 {
            sim.set_doctrine(n, Doctrine { isolate_at: Some(Criticality::Low), ..Doctrine::manual() });
        }
        let out = sim.run_to_end();
        differs += usize::from(json(&out) != json(&cydex::sim::run(&s, &cfg(k))));
        let events = out.events.to_vec();
        for d in events.iter().filter(|e| e.kind == EventKind::HostDetected && e.detail.as_deref() != Some("hunt")) {
            let iso = events.iter().find(|e| e.kind == EventKind::HostIsolated && e.cause == Some(d.id));
            let iso = iso.unwrap_or_else(|| panic!("scenario {k}: {d:?} was not isolated"));
            assert_eq!((iso.tick, &iso.host), (d.tick, &d.host));
            isolated += 1;
        }
    }
    assert!(differs > 0 && isolated > 20, "{differs} runs changed, {isolated} hosts isolated");
}

#[test]
fn an_unknown_team_seat_is_refused() {
    let s = two_nations(false);
    let mut sim = Simulation::new(&s, &cfg(1));
    let len = sim.world().resource::<EventLog>().len();
    for action in [
        Action::Prioritise { incidents: vec![], rule: Some(QueueRule::Criticality) },
        Action::SituationReport(Sitrep { compromised: 1, campaigns: vec![], attribution: None }),
        Action::RequestAssistance { provider: "P".into() },
    ] {
        let out = sim.act(Seat::Team(2), &action);
        assert!(!out.applied, "{action:?}");
    }
    assert_eq!(sim.world().resource::<EventLog>().len(), len);
}
