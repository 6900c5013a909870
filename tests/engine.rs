//! Scenario-level tests of the simulation engine, on small scenarios built in code.

use cydex::scenario::model::*;
use cydex::sim::events::EventLog;
use cydex::sim::services::ServiceBook;
use cydex::sim::{Event, EventKind, RunConfig, RunOutcome, RunSummary, Simulation};
use cydex::testkit::{self, HOUR, MIN, dur, group, inject, nation, provider, scenario, segment, service, skills};

/// A run with its log rendered, as the tests read it.
struct Out {
    events: Vec<Event>,
    summary: RunSummary,
}

fn rendered(o: RunOutcome) -> Out {
    Out { events: o.events.to_vec(), summary: o.summary }
}

fn run(s: &Scenario, config: &RunConfig) -> Out {
    rendered(cydex::sim::run(s, config))
}

// ───────────────────────────── builder helpers ─────────────────────────────

/// A stage of the shared builder, running technique `T1059` (the builder names it after the stage).
fn stage(id: &str, probability: f64, cadence_s: u64) -> Stage {
    Stage { technique: "T1059".into(), ..testkit::stage(id, probability, cadence_s) }
}

/// A campaign of the shared builder, entering by spear-phishing attachment (`T1566.001`).
fn campaign(id: &str, entry_groups: &[&str], stages: Vec<Stage>) -> Campaign {
    let mut c = testkit::campaign(id, entry_groups, stages);
    c.entry.technique = "T1566.001".into();
    c
}

fn worm(reach: Reach, fanout: u64) -> Stage {
    Stage { lateral: Some(Lateral { reach, fanout, repeat: true }), ..stage("spread", 1.0, 5 * MIN) }
}

fn cfg(seed: u64) -> RunConfig {
    RunConfig { seed, run_index: 0 }
}

fn of_kind(events: &[Event], kind: EventKind) -> Vec<&Event> {
    events.iter().filter(|e| e.kind == kind).collect()
}

// ───────────────────────────── behaviour ─────────────────────────────

#[test]
fn without_sensors_nothing_is_detected() {
    let mut s = scenario(
        MIN,
        2 * 24 * HOUR,
        vec![nation("EST", vec![segment("EST-GOV", vec![group("EST-GOV-WS", 200, 0.0)])])],
    );
    s.nations[0].team.skills = skills(1.0, 1.0, 1.0);
    s.campaigns.push(campaign("C1", &["EST-GOV-WS"], vec![worm(Reach::Segment, 2)]));
    for seed in 0..5 {
        let out = run(&s, &cfg(seed));
        assert!(out.summary.nations[0].hosts_compromised > 50, "the worm must spread for the test to mean anything");
        assert!(of_kind(&out.events, EventKind::HostDetected).is_empty());
        assert_eq!(out.summary.first_detection_s, None);
    }
}

#[test]
fn without_links_nothing_spreads_beyond_the_entry_segment() {
    let segs = vec![
        segment("EST-GOV", vec![group("EST-GOV-WS", 30, 0.0)]),
        segment("EST-MIL", vec![group("EST-MIL-WS", 30, 0.0)]),
    ];
    let mut s = scenario(MIN, 24 * HOUR, vec![nation("EST", segs)]);
    s.campaigns.push(campaign("C1", &["EST-GOV-WS"], vec![worm(Reach::Linked, 3)]));
    for seed in 0..5 {
        let out = run(&s, &cfg(seed));
        let hit = of_kind(&out.events, EventKind::HostCompromised);
        assert_eq!(hit.len(), 30, "the whole entry segment falls");
        assert!(hit.iter().all(|e| e.segment.as_deref() == Some("EST-GOV")));
    }
    // Contrast: with an open link, the same worm does cross.
    s.links.push(Link { between: vec!["EST-GOV".into(), "EST-MIL".into()], filtering: 0.0 });
    let out = run(&s, &cfg(1));
    assert!(of_kind(&out.events, EventKind::HostCompromised).iter().any(|e| e.segment.as_deref() == Some("EST-MIL")));
    // A fully filtering link blocks it again.
    s.links[0].filtering = 1.0;
    let out = run(&s, &cfg(1));
    assert!(of_kind(&out.events, EventKind::HostCompromised).iter().all(|e| e.segment.as_deref() == Some("EST-GOV")));
}

#[test]
fn assistance_arrives_exactly_approval_plus_deployment_after_the_request() {
    let mut s =
        scenario(MIN, 24 * HOUR, vec![nation("EST", vec![segment("EST-GOV", vec![group("EST-GOV-WS", 5, 1.0)])])]);
    s.assistance.push(provider("NATO-CRRT", 2 * HOUR, 3 * HOUR + 30 * MIN));
    s.assistance.push(provider("EU-CRRT", 45 * MIN, HOUR));
    // Inject-driven request.
    s.msel.push(inject(
        "MSEL-1",
        HOUR,
        vec![InjectEffect::RequestAssistance { nation: "EST".into(), provider: "NATO-CRRT".into() }],
    ));
    // Policy-driven request on the first detection of a medium host.
    s.nations[0].team.assistance_policy = AssistancePolicy {
        backlog_over: None,
        severity_at_least: Some(Criticality::Medium),
        providers: vec!["EU-CRRT".into()],
    };
    s.campaigns.push(campaign("C1", &["EST-GOV-WS"], vec![stage("x", 0.0, MIN)]));
    let out = run(&s, &cfg(3));
    let recs = &out.summary.assistance;
    assert_eq!(recs.len(), 2, "{recs:?}");
    for (r, p) in recs.iter().zip([&s.assistance[1], &s.assistance[0]]) {
        assert_eq!(r.provider, p.id);
        let on_task = r.on_task_s.expect("on task before ENDEX");
        assert_eq!(on_task - r.requested_s, p.approval.secs() + p.deployment.secs());
        assert_eq!(r.approved_s, Some(r.requested_s + p.approval.secs()));
    }
    assert_eq!(recs[0].reason, "policy_severity");
    assert_eq!(recs[1].reason, "inject");
    // The policy request is placed in the tick of the first detection.
    let det = of_kind(&out.events, EventKind::HostDetected)[0];
    assert_eq!(recs[0].requested_s, det.time_s);
    // The inject fires at 1 h; its request is placed in the next tick.
    assert_eq!(recs[1].requested_s, HOUR + MIN);
    // Every step is an event, each caused by the previous one.
    let steps = [EventKind::AssistanceRequested, EventKind::AssistanceApproved, EventKind::AssistanceOnTask];
    for kind in steps {
        assert_eq!(of_kind(&out.events, kind).len(), 2);
    }
    let on = of_kind(&out.events, EventKind::AssistanceOnTask)[0];
    let approved = &out.events[(on.cause.unwrap() - 1) as usize];
    assert_eq!(approved.kind, EventKind::AssistanceApproved);
}

#[test]
fn a_contained_host_never_progresses() {
    let mut s =
        scenario(MIN, 3 * 24 * HOUR, vec![nation("EST", vec![segment("EST-GOV", vec![group("EST-GOV-WS", 40, 1.0)])])]);
    s.nations[0].team.skills = skills(0.3, 1.0, 0.0);
    s.nations[0].team.analysts = 2;
    let mut spread = worm(Reach::Segment, 1);
    spread.cadence = Delay::Fixed(dur(20 * MIN));
    spread.probability = 0.5;
    s.campaigns.push(campaign("C1", &["EST-GOV-WS"], vec![stage("exec", 0.7, 10 * MIN), spread]));
    let mut contained_checked = 0;
    for seed in 0..8 {
        let out = run(&s, &cfg(seed));
        for c in of_kind(&out.events, EventKind::HostContained) {
            contained_checked += 1;
            let host = c.host.as_deref();
            // Until that host is recovered, nothing the campaign does originates from it.
            let recovered = out
                .events
                .iter()
                .find(|e| e.id > c.id && e.kind == EventKind::HostRecovered && e.host.as_deref() == host);
            let until = recovered.map_or(u64::MAX, |r| r.id);
            let later = out.events.iter().filter(|e| e.id > c.id && e.id < until && e.host.as_deref() == host);
            for e in later {
                assert!(
                    !matches!(e.kind, EventKind::StageCompleted | EventKind::ImpactApplied | EventKind::ChainCompleted),
                    "seed {seed}: {e:?} after containment {c:?}"
                );
            }
            // No host is compromised by a stage completed on the contained host after containment.
            for e in of_kind(&out.events, EventKind::HostCompromised) {
                let cause = &out.events[(e.cause.unwrap() - 1) as usize];
                if cause.host.as_deref() == host && cause.kind == EventKind::StageCompleted {
                    assert!(cause.id < c.id || cause.id > until);
                }
            }
        }
    }
    assert!(contained_checked > 10, "too few containments to test ({contained_checked})");
}

#[test]
fn a_destroyed_host_loses_exactly_the_data_since_its_last_backup_whether_or_not_it_is_restored() {
    for effect in [Effect::Wipe, Effect::Encrypt] {
        let mut g = group("EST-GOV-FS", 1, 1.0);
        g.backup_interval = Some(dur(6 * HOUR));
        g.data_mb_per_hour = 60;
        let mut s = scenario(MIN, 3 * 24 * HOUR, vec![nation("EST", vec![segment("EST-GOV", vec![g])])]);
        s.nations[0].team.skills = skills(1.0, 1.0, 1.0);
        let hit = Stage { stealth: 1.0, effect: Some(effect.clone()), ..stage("hit", 1.0, 8 * HOUR + 20 * MIN) };
        let linger = stage("linger", 0.0, HOUR);
        s.campaigns.push(campaign("C1", &["EST-GOV-FS"], vec![hit, linger]));
        for seed in 0..4 {
            let out = run(&s, &cfg(seed));
            let impact = of_kind(&out.events, EventKind::ImpactApplied);
            assert_eq!(impact.len(), 1);
            assert_eq!(impact[0].time_s, 8 * HOUR + 20 * MIN);
            let lost = of_kind(&out.events, EventKind::DataLost);
            assert_eq!(lost.len(), 1, "{effect:?} seed {seed}");
            assert_eq!(out.events[(lost[0].cause.unwrap() - 1) as usize].kind, EventKind::ImpactApplied);
            assert_eq!(lost[0].time_s, impact[0].time_s, "lost when destroyed, not when restored");
            // Last backup at 6 h; destroyed at 8 h 20 m → 2 h 20 m × 60 MB/h = 140 MB.
            assert_eq!(lost[0].value, Some(140.0));
            assert_eq!(out.summary.data_lost_mb, 140.0);
            assert_eq!(of_kind(&out.events, EventKind::HostRecovered).len(), 1, "restored, at no further loss");
            assert_eq!(out.summary.hosts.to_vec()[0].name, "EST-GOV-FS-0001");
        }
        // A team that never restores (no analysts) loses exactly as much: not restoring never pays.
        let mut idle = s.clone();
        idle.nations[0].team.analysts = 0;
        let out = run(&idle, &cfg(0));
        assert_eq!(of_kind(&out.events, EventKind::HostRecovered).len(), 0);
        assert_eq!(out.summary.data_lost_mb, 140.0);
        // Without backups, everything written since STARTEX is lost: 8 h 20 m × 60 MB/h = 500 MB.
        s.nations[0].segments[0].host_groups[0].backup_interval = None;
        let out = run(&s, &cfg(0));
        assert_eq!(out.summary.data_lost_mb, 500.0);
    }
}

#[test]
fn an_inject_fires_at_its_time_and_its_effect_is_visible_in_the_next_tick() {
    let mut s = scenario(MIN, 2 * HOUR, vec![nation("EST", vec![segment("EST-GOV", vec![group("EST-MAIL", 2, 0.0)])])]);
    s.nations[0].services.push(service("EST-MAIL-SVC", vec!["EST-MAIL".into()], 0.5));
    s.msel.push(inject(
        "MSEL-1",
        30 * MIN,
        vec![InjectEffect::ServiceDown { service: "EST-MAIL-SVC".into(), duration: dur(10 * MIN) }],
    ));
    let mut sim = Simulation::new(&s, &cfg(0));
    let up = |sim: &Simulation| sim.world().resource::<ServiceBook>().up[0];
    let delivered = |sim: &Simulation| {
        sim.world().resource::<EventLog>().records().filter(|e| e.kind == EventKind::InjectDelivered).count()
    };
    for _ in 0..30 {
        sim.step();
    }
    assert_eq!(delivered(&sim), 0);
    sim.step(); // tick 30 = T+30m: delivered, not yet applied
    assert_eq!(delivered(&sim), 1);
    assert!(up(&sim));
    sim.step(); // tick 31: applied
    assert!(!up(&sim));
    let out = rendered(sim.run_to_end());
    let d = of_kind(&out.events, EventKind::InjectDelivered)[0];
    assert_eq!((d.tick, d.time_s), (30, 30 * MIN));
    let down = of_kind(&out.events, EventKind::ServiceDown)[0];
    assert_eq!(down.tick, 31);
    let back = of_kind(&out.events, EventKind::ServiceUp)[0];
    assert_eq!(back.tick, 41);
    assert_eq!(out.summary.services[0].down_ticks, 10);
    // cause chain: service_down ← effect applied ← delivered
    let effect = &out.events[(down.cause.unwrap() - 1) as usize];
    assert_eq!(effect.kind, EventKind::InjectEffectApplied);
    assert_eq!(effect.cause, Some(d.id));
}

#[test]
fn a_triggered_inject_fires_after_its_event_and_can_start_a_campaign() {
    let mut s =
        scenario(MIN, 12 * HOUR, vec![nation("EST", vec![segment("EST-GOV", vec![group("EST-GOV-WS", 10, 1.0)])])]);
    s.nations[0].team.skills = skills(1.0, 1.0, 1.0);
    s.campaigns.push(campaign("C1", &["EST-GOV-WS"], vec![stage("x", 0.0, MIN)]));
    let mut c2 = campaign("C2", &["EST-GOV-WS"], vec![stage("y", 0.0, MIN)]);
    c2.start = None;
    s.campaigns.push(c2);
    let mut inj = inject("MSEL-2", 0, vec![InjectEffect::StartCampaign { campaign: "C2".into() }]);
    inj.at = None;
    inj.trigger = Some(Trigger {
        event: TriggerEvent::FirstDetection,
        campaign: Some("C1".into()),
        nation: Some("EST".into()),
        inject: None,
        delay: dur(5 * MIN),
    });
    s.msel.push(inj);
    let out = run(&s, &cfg(5));
    let det = of_kind(&out.events, EventKind::HostDetected)[0];
    let delivered = of_kind(&out.events, EventKind::InjectDelivered)[0];
    assert_eq!(delivered.tick, det.tick + 5);
    assert_eq!(delivered.cause, Some(det.id));
    let started: Vec<_> = of_kind(&out.events, EventKind::CampaignStarted);
    assert_eq!(started.len(), 2);
    assert_eq!(started[1].campaign.as_deref(), Some("C2"));
    assert_eq!(started[1].tick, delivered.tick + 1);
}

#[test]
fn indicators_reach_partners_after_the_latency_within_the_tlp_ceiling() {
    let mk = |id: &str| nation(id, vec![segment(&format!("{id}-GOV"), vec![group(&format!("{id}-GOV-WS"), 3, 1.0)])]);
    let mut s = scenario(MIN, 6 * HOUR, vec![mk("EST"), mk("LVA"), mk("LTU")]);
    s.nations[0].team.skills = skills(1.0, 1.0, 1.0);
    s.sharing.push(SharingAgreement {
        id: "BALTIC".into(),
        between: vec!["EST".into(), "LVA".into()],
        latency: dur(30 * MIN),
        tlp_ceiling: Tlp::Amber,
    });
    s.sharing.push(SharingAgreement {
        id: "GREEN-ONLY".into(),
        between: vec!["EST".into(), "LTU".into()],
        latency: dur(0),
        tlp_ceiling: Tlp::Green,
    });
    s.campaigns.push(campaign("C1", &["EST-GOV-WS"], vec![stage("x", 0.0, MIN)]));
    let out = run(&s, &cfg(2));
    let det = of_kind(&out.events, EventKind::HostDetected)[0];
    let got = of_kind(&out.events, EventKind::IndicatorsReceived);
    assert_eq!(got.len(), 1, "AMBER indicators may not travel under a GREEN ceiling");
    assert_eq!(got[0].nation.as_deref(), Some("LVA"));
    assert_eq!(got[0].time_s, det.time_s + 30 * MIN);
}

// ───────────────────────────── statistics & determinism ─────────────────────────────

/// Ticks from compromise (tick 0) to detection for one seed; None if not detected in time.
fn ticks_to_detect(s: &Scenario, seed: u64) -> Option<u64> {
    let mut sim = Simulation::new(s, &cfg(seed));
    while sim.step() {
        let log = sim.world().resource::<EventLog>();
        if let Some(e) = log.records().find(|e| e.kind == EventKind::HostDetected) {
            return Some(e.tick());
        }
    }
    None
}

/// Asserts that the tick of the first detection in `s` (one host compromised at tick 0, first
/// tried at tick 1) is geometric on {1, 2, …} with per-tick probability `p`: P(T = k) =
/// (1 − p)^(k−1) p, E[T] = 1/p, Var[T] = (1 − p)/p², sd = √(1 − p)/p. The mean of N independent
/// runs has standard error sd/√N; we allow 4 standard errors (by the CLT a false failure has
/// probability ≈ 6e-5). N = 4000 seeds in release; 2000 in debug builds to keep `cargo test`
/// quick (world building dominates there). The tolerance is derived from N either way.
fn assert_geometric_time_to_detect(s: &Scenario, p: f64) {
    let n: u64 = if cfg!(debug_assertions) { 2000 } else { 4000 };
    let samples: Vec<u64> = (0..n).map(|seed| ticks_to_detect(s, seed).expect("detected before ENDEX")).collect();
    let mean = samples.iter().sum::<u64>() as f64 / n as f64;
    let mu = 1.0 / p;
    let sd = (1.0 - p).sqrt() / p;
    let tol = 4.0 * sd / (n as f64).sqrt();
    assert!((mean - mu).abs() <= tol, "mean {mean}, expected {mu} ± {tol}");
    assert!(samples.iter().all(|&t| t >= 1), "never detected in the tick of the compromise");
    // Deterministic: the same seeds give the same samples.
    let again: Vec<u64> = (0..50).map(|seed| ticks_to_detect(s, seed).unwrap()).collect();
    assert_eq!(&samples[..50], &again[..]);
}

/// One host of a group with the given sensor coverage, compromised at tick 0 by a stage that
/// never completes (probability 0), so it stays compromised with a constant detection
/// probability. 1000 one-minute ticks: P(no detection) = (1 − p)^1000, negligible for p ≥ 0.05.
fn one_lingering_host(sensors: f64, detect: f64, stealth: f64) -> Scenario {
    let mut s =
        scenario(MIN, 1000 * MIN, vec![nation("EST", vec![segment("EST-GOV", vec![group("EST-GOV-WS", 1, sensors)])])]);
    s.nations[0].team.skills = skills(detect, 0.5, 0.5);
    s.campaigns.push(campaign("C1", &["EST-GOV-WS"], vec![Stage { stealth, ..stage("never", 0.0, MIN) }]));
    s
}

#[test]
fn mean_time_to_detect_matches_the_geometric_distribution() {
    // A covered host: p = detect × (1 − stealth) = 0.1 × 0.5.
    assert_geometric_time_to_detect(&one_lingering_host(1.0, 0.1, 0.5), 0.05);
}

#[test]
fn an_indicator_sweep_finds_an_uncovered_host_at_the_documented_rate() {
    // No sensor: never found without indicators.
    let mut s = one_lingering_host(0.0, 0.2, 0.5);
    assert_eq!(ticks_to_detect(&s, 1), None);
    // Indicators handed over at T+0 (applied from tick 1, the host's first chance):
    // p = detect × (1 − stealth) = 0.2 × 0.5, without the ×2 a covered host gets.
    s.msel.push(inject(
        "MSEL-IOC",
        0,
        vec![InjectEffect::ShareIndicators { campaign: "C1".into(), to: vec!["EST".into()] }],
    ));
    assert_geometric_time_to_detect(&s, 0.1);
}

fn rich_scenario() -> Scenario {
    let mk = |id: &str, n: u64| {
        let mut na = nation(
            id,
            vec![
                segment(
                    &format!("{id}-GOV"),
                    vec![group(&format!("{id}-GOV-WS"), n, 0.5), group(&format!("{id}-GOV-SRV"), 4, 1.0)],
                ),
                segment(&format!("{id}-MIL"), vec![group(&format!("{id}-MIL-WS"), n, 0.5)]),
            ],
        );
        na.services
            .push(Service { weight: 2.0, ..service(&format!("{id}-PORTAL"), vec![format!("{id}-GOV-SRV")], 0.75) });
        na.team.schedule = WorkPattern::OfficeHours;
        na.team.assistance_policy =
            AssistancePolicy { backlog_over: Some(3), severity_at_least: None, providers: vec!["NATO-CRRT".into()] };
        na
    };
    let mut s = scenario(5 * MIN, 3 * 24 * HOUR, vec![mk("EST", 40), mk("LVA", 30)]);
    s.links.push(Link { between: vec!["EST-GOV".into(), "EST-MIL".into()], filtering: 0.5 });
    s.links.push(Link { between: vec!["EST-GOV".into(), "LVA-GOV".into()], filtering: 0.7 });
    s.assistance.push(provider("NATO-CRRT", HOUR, 4 * HOUR));
    s.sharing.push(SharingAgreement {
        id: "BALTIC".into(),
        between: vec!["EST".into(), "LVA".into()],
        latency: dur(HOUR),
        tlp_ceiling: Tlp::Amber,
    });
    let mut spread = worm(Reach::Linked, 2);
    spread.probability = 0.3;
    spread.cadence = Delay::Distribution(DelayDistribution::Exponential { mean: dur(30 * MIN) });
    spread.stealth = 0.5;
    let enc = Stage { effect: Some(Effect::Encrypt), ..stage("encrypt", 0.5, HOUR) };
    let mut c = campaign("CAMP-RW", &["EST-GOV-WS"], vec![stage("exec", 0.8, 10 * MIN), enc, spread]);
    c.targets.roles = vec![HostRole::Server, HostRole::Workstation];
    c.entry.footholds = 2;
    s.campaigns.push(c);
    let exfil = Stage { effect: Some(Effect::Exfiltrate { mb_per_host: 250 }), ..stage("exfil", 0.2, HOUR) };
    let mut c2 = campaign("CAMP-APT", &["LVA-GOV-SRV"], vec![stage("persist", 0.5, HOUR), exfil]);
    c2.start = Some(dur(6 * HOUR));
    c2.entry.fraction = Some(0.5);
    s.campaigns.push(c2);
    s.msel.push(inject("MSEL-1", 2 * HOUR, vec![InjectEffect::TeamCapacity { team: "CERT-LVA".into(), analysts: 2 }]));
    s.msel.push(inject(
        "MSEL-2",
        10 * HOUR,
        vec![InjectEffect::ServiceDown { service: "EST-PORTAL".into(), duration: dur(HOUR) }],
    ));
    s
}

#[test]
fn same_seed_same_bytes_other_seed_other_log() {
    let s = rich_scenario();
    let a = run(&s, &cfg(42));
    let b = run(&s, &cfg(42));
    let json = |o: &Out| serde_json::to_vec(&(&o.events, &o.summary)).unwrap();
    assert!(a.events.len() > 40, "the scenario must do something ({} events)", a.events.len());
    assert_eq!(json(&a), json(&b));
    let c = run(&s, &cfg(43));
    assert_ne!(serde_json::to_vec(&a.events).unwrap(), serde_json::to_vec(&c.events).unwrap());
    let d = run(&s, &RunConfig { seed: 42, run_index: 1 });
    assert_ne!(serde_json::to_vec(&a.events).unwrap(), serde_json::to_vec(&d.events).unwrap());
}

#[test]
fn events_are_sequential_and_causes_point_backwards() {
    let out = run(&rich_scenario(), &cfg(7));
    for (i, e) in out.events.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1);
        if let Some(c) = e.cause {
            assert!(c < e.id && c >= 1, "{e:?}");
        }
        assert_eq!(e.time_s, e.tick * 5 * MIN);
    }
    assert!(out.events.windows(2).all(|w| w[0].tick <= w[1].tick));
    let summary = &out.summary;
    assert_eq!(summary.campaigns.len(), 2);
    assert!(summary.campaigns[0].hosts_compromised >= 2);
    assert_eq!(summary.ticks_run, 3 * 24 * 12);
}

#[test]
fn bundled_scenarios_run_deterministically() {
    let mut files: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let loaded = cydex::scenario::load_file(&f).unwrap_or_else(|_| panic!("{} loads", f.display()));
        let a = run(&loaded.scenario, &RunConfig::default());
        let b = run(&loaded.scenario, &RunConfig::default());
        assert!(!a.events.is_empty(), "{}", f.display());
        let json = |o: &Out| serde_json::to_vec(&(&o.events, &o.summary)).unwrap();
        assert_eq!(json(&a), json(&b), "{}", f.display());
        assert!(a.summary.campaigns.iter().any(|c| c.started_s.is_some()), "{}", f.display());
    }
}

// ───────────────────────────── doctrine from the scenario ─────────────────────────────

/// One analyst, twenty hosts compromised at STARTEX and all detected in the next tick: ten
/// low-criticality hosts in the first segment (the lower incident ids), ten critical ones after.
fn crowded_queue(queue: QueueOrder) -> Scenario {
    let mut low = group("EST-LOW", 10, 1.0);
    low.criticality = Criticality::Low;
    let mut crit = group("EST-CRIT", 10, 1.0);
    crit.criticality = Criticality::Critical;
    let mut est = nation("EST", vec![segment("EST-A", vec![low]), segment("EST-B", vec![crit])]);
    est.team.analysts = 1;
    est.team.skills = skills(1.0, 1.0, 1.0);
    est.team.doctrine.queue = queue;
    let mut s = scenario(MIN, 2 * 24 * HOUR, vec![est]);
    let mut c = campaign("C1", &["EST-LOW", "EST-CRIT"], vec![stage("run", 0.0, HOUR)]);
    c.entry.fraction = Some(1.0);
    s.campaigns.push(c);
    s
}

/// The groups of the hosts in the order their incidents were acknowledged.
fn acknowledged_groups(s: &Scenario) -> Vec<String> {
    let out = run(s, &cfg(7));
    of_kind(&out.events, EventKind::IncidentAcknowledged)
        .iter()
        .map(|e| e.host.as_deref().unwrap_or_default().rsplit_once('-').map_or("", |(g, _)| g).to_string())
        .collect()
}

#[test]
fn a_criticality_queue_takes_the_critical_incidents_first() {
    let fifo = acknowledged_groups(&crowded_queue(QueueOrder::Fifo));
    let by_criticality = acknowledged_groups(&crowded_queue(QueueOrder::Criticality));
    assert!(fifo.len() > 11 && by_criticality.len() > 11, "{fifo:?} {by_criticality:?}");
    assert!(fifo[..10].iter().all(|g| g == "EST-LOW"), "first in, first out: {fifo:?}");
    assert!(by_criticality[..10].iter().all(|g| g == "EST-CRIT"), "critical first: {by_criticality:?}");
}

#[test]
fn a_written_default_doctrine_runs_exactly_as_none() {
    let s = crowded_queue(QueueOrder::Fifo);
    let mut written = s.clone();
    written.nations[0].team.doctrine =
        DoctrineDef { share_on_detection: true, request_assistance: true, ..DoctrineDef::default() };
    let (a, b) = (cydex::sim::run(&s, &cfg(3)), cydex::sim::run(&written, &cfg(3)));
    assert_eq!(a, b);
}

/// The action types a scenario's `expects` may name (`scenario::model::EXPECTABLE_ACTIONS`) are
/// exactly the actions a team may take, and the EXCON list exactly the others.
#[test]
fn the_scenario_lists_of_action_types_match_the_engine() {
    // serde names every variant when refusing an unknown one.
    let err =
        serde_json::from_str::<cydex::sim::actions::Action>(r#"{"type":"no-such-action"}"#).unwrap_err().to_string();
    let listed: Vec<&str> = err.split('`').skip(3).step_by(2).collect();
    let mut ours: Vec<&str> = EXPECTABLE_ACTIONS.iter().chain(EXCON_ACTIONS).copied().collect();
    let mut engine = listed.clone();
    ours.sort_unstable();
    engine.sort_unstable();
    assert_eq!(ours, engine, "{err}");
    for name in listed {
        let fields = if name == "situation_report" { r#","estimate":{}"# } else { "" };
        let probe = serde_json::from_str::<cydex::sim::actions::Action>(&format!(r#"{{"type":"{name}"{fields}}}"#));
        // A probe without fields is refused for the missing ones, never for its type.
        if let Ok(a) = &probe {
            assert_eq!(a.is_excon(), EXCON_ACTIONS.contains(&name), "{name}");
        }
        let msg = probe.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!msg.contains("unknown variant"), "{name}: {msg}");
    }
    assert!(EXPECTABLE_ACTIONS.iter().all(|a| !EXCON_ACTIONS.contains(a)));
}
