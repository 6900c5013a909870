//! Engine invariants, checked as property tests over generated valid scenarios and random seeds.

use cydex::scenario::validate::{Severity, validate};
use cydex::testkit::generated::scenario_from_seed;
use proptest::prelude::*;

/// Valid generated scenarios: the strategy is a seed (see `cydex::testkit::generated`).
fn generated() -> impl Strategy<Value = Scenario> {
    any::<u64>().prop_map(scenario_from_seed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The generator's own test: every generated scenario validates without errors.
    #[test]
    fn generator_yields_valid_scenarios(s in generated()) {
        let errors: Vec<_> = validate(&s).into_iter().filter(|f| f.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{:#?}", errors.iter().map(|f| (f.code, &f.message)).collect::<Vec<_>>());
    }
}

use std::collections::{BTreeMap, BTreeSet};

use cydex::scenario::model::Scenario;
use cydex::sim::{self, Event, EventKind as K, RunConfig, RunOutcome};

/// Where a host is in its incident life cycle, as seen in the event log. A host is compromised
/// only when clean; detection opens an incident that is acknowledged, triaged, contained,
/// eradicated and recovered in that order; recovery makes it clean again (and so re-compromisable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostState {
    Clean,
    Compromised,
    Detected,
    Opened,
    Acknowledged,
    Triaged,
    Contained,
    Eradicated,
}

#[derive(Debug, Clone)]
struct HostTrack {
    state: HostState,
    campaign: Option<String>,
    compromise_event: u64,
    compromise_tick: u64,
    incident: Option<u64>,
    chain_done: bool,
    /// A team isolated it (doctrine's `isolate_at` or the `isolate_host` action) and it has not
    /// been recovered or restored since: contained at once, off the network.
    isolated: bool,
}

impl HostTrack {
    fn new() -> Self {
        HostTrack {
            state: HostState::Clean,
            campaign: None,
            compromise_event: 0,
            compromise_tick: 0,
            incident: None,
            chain_done: false,
            isolated: false,
        }
    }

    /// The campaign can still act on the host: compromised and not (yet) contained, nor isolated.
    fn active(&self) -> bool {
        !self.isolated
            && matches!(
                self.state,
                HostState::Compromised
                    | HostState::Detected
                    | HostState::Opened
                    | HostState::Acknowledged
                    | HostState::Triaged
            )
    }
}

fn ticks(secs: u64, tick: u64) -> u64 {
    secs.div_ceil(tick)
}

/// Checks every invariant of one run; returns the first violation.
fn check(s: &Scenario, cfg: &RunConfig, out: &RunOutcome) -> Result<(), String> {
    let ev = out.events.to_vec();
    check_log(s, cfg, &out.summary, &ev)?;
    check_doctrine(s, out, &ev)
}

/// Doctrine's record of a run where every team plays its doctrine (`RunOutcome::doctrine`):
/// decisions in tick order, each naming its own events (in id order, of its tick, of its kind and
/// nation), and, together, exactly doctrine's events: every `indicators_shared`, every
/// `host_isolated` and the `host_down` it caused, every policy request.
fn check_doctrine(s: &Scenario, out: &RunOutcome, ev: &[Event]) -> Result<(), String> {
    let mut recorded = BTreeSet::new();
    let mut last = 0;
    for d in &out.doctrine {
        let nation = Some(&s.nations[d.nation as usize].id);
        let policy = |e: &Event| e.detail.as_deref().is_some_and(|r| r.starts_with("policy_"));
        let sorted = d.events.windows(2).all(|w| w[0] < w[1]);
        if d.tick < last || d.events.is_empty() || !sorted {
            return Err(format!("decision out of order or without events: {d:?}"));
        }
        last = d.tick;
        for &id in &d.events {
            let e = ev.get((id as usize).wrapping_sub(1)).ok_or_else(|| format!("{d:?}: no event {id}"))?;
            let fits = match d.action.name() {
                "share_indicators" => e.kind == K::IndicatorsShared && e.nation.as_ref() == nation,
                "isolate_host" => matches!(e.kind, K::HostIsolated | K::HostDown),
                "request_assistance" => e.kind == K::AssistanceRequested && e.nation.as_ref() == nation && policy(e),
                _ => false,
            };
            if !fits || e.tick != d.tick {
                return Err(format!("{d:?} names event {id}, not its own: {e:?}"));
            }
            recorded.insert(id);
        }
    }
    let doctrines: BTreeSet<u64> = (ev.iter())
        .filter(|e| match e.kind {
            K::IndicatorsShared | K::HostIsolated => true,
            K::HostDown => e.detail.as_deref() == Some("isolated"),
            K::AssistanceRequested => e.detail.as_deref().is_some_and(|r| r.starts_with("policy_")),
            _ => false,
        })
        .map(|e| e.id)
        .collect();
    if recorded != doctrines {
        let missing: Vec<_> = doctrines.difference(&recorded).collect();
        let extra: Vec<_> = recorded.difference(&doctrines).collect();
        return Err(format!("doctrine's record differs from its events: missing {missing:?}, extra {extra:?}"));
    }
    Ok(())
}

/// [`check`] on a summary and a rendered log (which a test may tamper with).
fn check_log(s: &Scenario, cfg: &RunConfig, sum: &sim::RunSummary, ev: &[Event]) -> Result<(), String> {
    let tick_s = s.clock.tick.secs();
    let n_ticks = ticks(s.clock.duration.secs(), tick_s);
    let fail = |e: &Event, what: &str| Err(format!("event {} ({:?}, tick {}): {what}\n{e:#?}", e.id, e.kind, e.tick));

    // ── the summary describes this run
    if sum.seed != cfg.seed || sum.run_index != cfg.run_index {
        return Err("summary seed / run index differ from the config".into());
    }
    if sum.events != ev.len() as u64 || sum.ticks_run != n_ticks || sum.tick_s != tick_s {
        return Err(format!(
            "summary counts: events {} vs {}, ticks {} vs {n_ticks}",
            sum.events,
            ev.len(),
            sum.ticks_run
        ));
    }
    let hosts_total: u64 =
        s.nations.iter().flat_map(|n| &n.segments).flat_map(|g| &g.host_groups).map(|h| h.count).sum();
    if sum.hosts_total != hosts_total {
        return Err(format!("hosts_total {} != {hosts_total}", sum.hosts_total));
    }

    // ── time is monotonic, ids sequential, causes point backwards
    let mut last_tick = 0;
    for (i, e) in ev.iter().enumerate() {
        if e.id != i as u64 + 1 {
            return fail(e, "ids are not sequential from 1");
        }
        if e.tick < last_tick {
            return fail(e, "tick went backwards");
        }
        last_tick = e.tick;
        if e.tick >= n_ticks {
            return fail(e, "event after ENDEX");
        }
        if e.time_s != e.tick * tick_s {
            return fail(e, "time_s is not tick × tick length");
        }
        if e.cause.is_some_and(|c| c == 0 || c >= e.id) {
            return fail(e, "cause does not name an earlier event");
        }
        if e.value.is_some_and(|v| !v.is_finite()) {
            return fail(e, "non-finite value");
        }
        if e.kind == K::DataLost && e.value.is_none_or(|v| v < 0.0) {
            return fail(e, "data loss must be a non-negative amount");
        }
    }

    // ── per-host state machine
    let mut hosts: BTreeMap<&str, HostTrack> = BTreeMap::new();
    let mut stage_host: BTreeMap<u64, &str> = BTreeMap::new();
    for e in ev {
        let Some(h) = e.host.as_deref() else {
            if matches!(
                e.kind,
                K::HostCompromised | K::HostDetected | K::StageCompleted | K::HostContained | K::HostRecovered
            ) {
                return fail(e, "host event without a host");
            }
            continue;
        };
        let t = hosts.entry(h).or_insert_with(HostTrack::new);
        use HostState as S;
        let step = |t: &mut HostTrack, from: S, to: S| -> Result<(), String> {
            if t.state != from {
                return Err(format!(
                    "event {} ({:?}) on {h} in state {:?}, expected {from:?}\n{e:#?}",
                    e.id, e.kind, t.state
                ));
            }
            t.state = to;
            Ok(())
        };
        match e.kind {
            K::HostIsolated => {
                let twice = std::mem::replace(&mut t.isolated, true);
                if twice {
                    return fail(e, "isolated twice without a restore between");
                }
            }
            K::HostDown if e.detail.as_deref() == Some("isolated") => {
                let follows = t.isolated && e.cause.is_some();
                if !follows {
                    return fail(e, "down as isolated, but not isolated");
                }
            }
            K::HostRestored => {
                if !matches!(t.state, S::Clean | S::Compromised) {
                    return fail(e, "restored by hand while its incident is open");
                }
                (t.state, t.isolated) = (S::Clean, false);
            }
            K::HostCompromised => {
                if t.isolated {
                    return fail(e, "compromised while isolated");
                }
                step(t, S::Clean, S::Compromised)?;
                t.campaign = e.campaign.clone();
                t.compromise_event = e.id;
                t.compromise_tick = e.tick;
                t.incident = None;
                t.chain_done = false;
                // Lateral movement is caused by a stage the spreading host completed while active.
                if let Some(c) = e.cause
                    && let Some(src) = stage_host.get(&c)
                    && !hosts.get(src).is_some_and(HostTrack::active)
                {
                    return fail(e, &format!("spread from {src}, which is no longer active"));
                }
            }
            K::HostDetected => {
                step(t, S::Compromised, S::Detected)?;
                if e.tick <= t.compromise_tick {
                    return fail(e, "detected in the tick of its compromise");
                }
                if e.cause != Some(t.compromise_event) || e.campaign != t.campaign {
                    return fail(e, "detection does not follow this host's compromise");
                }
            }
            K::IncidentOpened => {
                step(t, S::Detected, S::Opened)?;
                t.incident = e.incident;
            }
            K::IncidentAcknowledged | K::TriageCompleted | K::HostContained | K::HostEradicated | K::HostRecovered => {
                let (from, to) = match e.kind {
                    K::IncidentAcknowledged => (S::Opened, S::Acknowledged),
                    K::TriageCompleted => (S::Acknowledged, S::Triaged),
                    K::HostContained => (S::Triaged, S::Contained),
                    K::HostEradicated => (S::Contained, S::Eradicated),
                    _ => (S::Eradicated, S::Clean),
                };
                step(t, from, to)?;
                if e.kind == K::HostRecovered {
                    t.isolated = false; // recovery restores the host, back on the network
                }
                if e.incident.is_none() || e.incident != t.incident {
                    return fail(e, "incident id changed within one incident");
                }
            }
            K::StageCompleted | K::StageSkipped | K::ChainCompleted | K::ImpactApplied | K::HostDown => {
                if !t.active() {
                    return fail(e, &format!("campaign activity on a host in state {:?}", t.state));
                }
                if e.campaign != t.campaign {
                    return fail(e, "campaign activity by another campaign than the one holding the host");
                }
                if t.chain_done {
                    return fail(e, "campaign activity after the chain completed");
                }
                match e.kind {
                    K::StageCompleted => {
                        stage_host.insert(e.id, h);
                    }
                    K::ChainCompleted => t.chain_done = true,
                    _ => {}
                }
            }
            _ => {}
        }
    }

    // ── per-nation and per-campaign counts agree with the log, count distinct hosts, are ordered,
    //    and every "N of M hosts" has N ≤ M
    let events = |kind: K, nation: &str| {
        ev.iter().filter(|e| e.kind == kind && e.nation.as_deref() == Some(nation)).count() as u64
    };
    let hosts = |kind: K, nation: &str| {
        ev.iter()
            .filter(|e| e.kind == kind && e.nation.as_deref() == Some(nation))
            .filter_map(|e| e.host.as_deref())
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64
    };
    for n in &sum.nations {
        let want = (
            hosts(K::HostCompromised, &n.id),
            hosts(K::HostDetected, &n.id),
            hosts(K::HostContained, &n.id),
            hosts(K::HostRecovered, &n.id),
            events(K::IncidentOpened, &n.id),
        );
        let got = (n.hosts_compromised, n.hosts_detected, n.hosts_contained, n.hosts_recovered, n.incidents_opened);
        if want != got {
            return Err(format!("nation {}: summary {got:?} vs log {want:?}", n.id));
        }
        if n.hosts_compromised + n.reinfections != events(K::HostCompromised, &n.id) {
            return Err(format!("nation {}: hosts + re-infections ≠ compromise events", n.id));
        }
        if n.hosts_compromised > sum.hosts_total || n.hosts_detected > n.hosts_compromised {
            return Err(format!("nation {}: N of M hosts with N > M: {got:?} of {}", n.id, sum.hosts_total));
        }
        if !(n.hosts_detected >= n.hosts_contained && n.hosts_contained >= n.hosts_recovered) {
            return Err(format!("nation {}: detected ≥ contained ≥ recovered fails: {got:?}", n.id));
        }
        if n.incidents_opened != events(K::HostDetected, &n.id)
            || n.incidents_not_recovered_at_endex != n.incidents_opened - events(K::HostRecovered, &n.id)
        {
            return Err(format!("nation {}: incidents opened / open at ENDEX do not add up", n.id));
        }
        if !(n.data_lost_mb >= 0.0 && n.data_lost_mb.is_finite()) {
            return Err(format!("nation {}: data lost {}", n.id, n.data_lost_mb));
        }
        if n.first_detection_s.is_some() && n.first_compromise_s.is_none_or(|c| Some(c) >= n.first_detection_s) {
            return Err(format!("nation {}: first detection not after first compromise", n.id));
        }
    }
    let nation_total: u64 = sum.nations.iter().map(|n| n.hosts_compromised).sum();
    let campaign_total: u64 = sum.campaigns.iter().map(|c| c.hosts_compromised).sum();
    let nation_events: u64 = sum.nations.iter().map(|n| n.hosts_compromised + n.reinfections).sum();
    let campaign_events: u64 = sum.campaigns.iter().map(|c| c.hosts_compromised + c.reinfections).sum();
    if nation_total > sum.hosts_total || campaign_total < nation_total || nation_events != campaign_events {
        return Err(format!(
            "compromises: nations {nation_total} hosts / {nation_events} events vs campaigns {campaign_total} / {campaign_events}, of {} hosts",
            sum.hosts_total
        ));
    }
    for c in &sum.campaigns {
        if !(c.hosts_compromised >= c.hosts_detected && c.hosts_detected >= c.hosts_contained)
            || c.hosts_compromised > sum.hosts_total
            || c.hosts_active_at_endex > c.hosts_compromised
        {
            return Err(format!("campaign {}: counts out of order", c.id));
        }
        if c.started_s.is_none() && c.hosts_compromised > 0 {
            return Err(format!("campaign {} compromised hosts without starting", c.id));
        }
        if c.stopped_at_stage.is_some() != (c.outcome == "stopped") && c.outcome != "stopped" {
            return Err(format!("campaign {}: stopped_at_stage on a {} campaign", c.id, c.outcome));
        }
    }
    let lost: f64 = sum.nations.iter().map(|n| n.data_lost_mb).sum();
    if !(sum.data_lost_mb >= 0.0 && (sum.data_lost_mb - lost).abs() <= 1e-6 * lost.max(1.0)) {
        return Err(format!("data lost {} vs nations {lost}", sum.data_lost_mb));
    }

    // ── services: availability within [0, 1], outages alternate and add up
    for svc in &sum.services {
        if !(0.0..=1.0).contains(&svc.uptime)
            || svc.up_ticks + svc.down_ticks != n_ticks
            || svc.down_s != svc.down_ticks * tick_s
        {
            return Err(format!(
                "service {}: uptime {} up {} down {}",
                svc.id, svc.uptime, svc.up_ticks, svc.down_ticks
            ));
        }
        let mut down_since = None;
        let mut down = 0;
        let mut outages = 0;
        for e in ev.iter().filter(|e| e.service.as_deref() == Some(&svc.id)) {
            match (e.kind, down_since) {
                (K::ServiceDown, None) => {
                    down_since = Some(e.tick);
                    outages += 1;
                }
                (K::ServiceUp, Some(t)) => {
                    down += e.tick - t;
                    down_since = None;
                }
                (K::ServiceDown | K::ServiceUp, _) => return fail(e, "service up/down events do not alternate"),
                _ => {}
            }
        }
        if let Some(t) = down_since {
            down += n_ticks - t;
        }
        if down != svc.down_ticks || outages != svc.outages || down_since.is_some() != svc.down_at_endex {
            return Err(format!(
                "service {}: log says {down} ticks down in {outages} outages, summary {} in {}",
                svc.id, svc.down_ticks, svc.outages
            ));
        }
    }

    // ── assistance never arrives before approval, and takes exactly its latencies
    for a in &sum.assistance {
        let p = s.assistance.iter().find(|p| p.id == a.provider).ok_or("unknown provider")?;
        let approval = ticks(p.approval.secs(), tick_s) * tick_s;
        let deployment = ticks(p.deployment.secs(), tick_s) * tick_s;
        let on_task = ticks(p.on_task.secs(), tick_s) * tick_s;
        let bad = |what: &str| Err(format!("assistance {a:?}: {what}"));
        match (a.approved_s, a.on_task_s, a.off_task_s) {
            (None, Some(_), _) | (_, None, Some(_)) => return bad("a later step without an earlier one"),
            _ => {}
        }
        if let Some(ap) = a.approved_s
            && ap - a.requested_s != approval
        {
            return bad("approval latency");
        }
        if let (Some(ap), Some(on)) = (a.approved_s, a.on_task_s)
            && (on < ap || on - a.requested_s != approval + deployment)
        {
            return bad("on task before approval, or not after approval + deployment");
        }
        if let (Some(on), Some(off)) = (a.on_task_s, a.off_task_s)
            && off - on != on_task
        {
            return bad("time on task");
        }
        if a.approved_s.is_none() && a.requested_s + approval < sum.duration_s {
            return bad("never approved although the approval fell within the run");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every invariant holds for generated scenarios and random seeds and run indices.
    #[test]
    fn engine_invariants_hold(s in generated(), seed in any::<u64>(), run_index in 0u64..8) {
        let cfg = RunConfig { seed, run_index };
        let out = sim::run(&s, &cfg);
        if let Err(msg) = check(&s, &cfg, &out) {
            prop_assert!(false, "{msg}\nscenario: {s:#?}");
        }
        if let Err(msg) = check_assessment(&s, &out) {
            prop_assert!(false, "{msg}\nscenario: {s:#?}");
        }
    }
}

/// Scoring invariants: every score and category within range, each score exactly the sum of its
/// ledger entries, availability in [0, 1], metrics never negative, evidence ids that exist.
fn check_assessment(s: &Scenario, out: &RunOutcome) -> Result<(), String> {
    let a = cydex::score::assess(s, out);
    let max_id = out.events.len() as u64;
    for n in &a.scores.nations {
        if !(0.0..=100.0).contains(&n.total) {
            return Err(format!("{} scores {}", n.nation, n.total));
        }
        let sum: i64 = a.scores.ledger.iter().filter(|e| e.subject == n.nation).map(|e| e.milli).sum();
        if sum as f64 / 1000.0 != n.total {
            return Err(format!("{}: ledger sums to {sum} milli, score is {}", n.nation, n.total));
        }
        for (c, v) in &n.categories {
            let w = a.scores.weights.get(c).copied().unwrap_or(0.0);
            if *v < 0.0 || *v > w + 1e-9 {
                return Err(format!("{} {c} = {v} outside [0, {w}]", n.nation));
            }
        }
    }
    if !(0.0..=100.0).contains(&a.scores.alliance) {
        return Err(format!("alliance score {}", a.scores.alliance));
    }
    for v in &a.availability {
        if !(0.0..=1.0).contains(&v.uptime) {
            return Err(format!("{} uptime {}", v.service, v.uptime));
        }
    }
    for (n, v) in &a.nation_availability {
        if !(0.0..=1.0).contains(v) {
            return Err(format!("{n} weighted availability {v}"));
        }
    }
    for l in &a.lifecycle {
        for st in [&l.mttd, &l.mtta, &l.mttc, &l.mttr] {
            if st.mean_s.is_some_and(|m| m.is_nan() || m < 0.0) {
                return Err(format!("{} {}: negative or NaN mean {:?}", l.kind, l.id, st.mean_s));
            }
        }
    }
    for p in &a.scores.providers {
        if p.total.is_some_and(|t| !(0.0..=100.0).contains(&t)) {
            return Err(format!("provider {} scores {:?}", p.provider, p.total));
        }
    }
    let ids =
        a.scores.ledger.iter().flat_map(|e| e.events.iter()).chain(a.ratings.iter().flat_map(|r| r.evidence.iter()));
    for &id in ids {
        if id == 0 || id > max_id {
            return Err(format!("evidence #{id} does not exist (log has {max_id} events)"));
        }
    }
    Ok(())
}

/// The bundled drill (a much larger, hand-written scenario) satisfies the same invariants.
#[test]
fn ransomware_drill_satisfies_the_invariants() {
    let s = cydex::scenario::load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap().scenario;
    for seed in [1, 2] {
        let cfg = RunConfig { seed, run_index: 0 };
        let out = sim::run(&s, &cfg);
        assert!(out.events.iter().any(|e| e.kind == K::HostRecovered), "the drill exercises the whole life cycle");
        check(&s, &cfg, &out).unwrap();
    }
}

/// Doctrine's record on the drill with every team isolating what it finds (`isolate_at: low`):
/// every kind of decision is taken and recorded with exactly its events, and the whole run keeps
/// every invariant (an isolated host sees no more campaign activity until it is recovered).
#[test]
fn doctrine_records_every_decision_it_takes() {
    let mut s = cydex::scenario::load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap().scenario;
    for n in &mut s.nations {
        n.team.doctrine.isolate_at = Some(cydex::scenario::model::Criticality::Low);
    }
    let cfg = RunConfig { seed: 1, run_index: 0 };
    let out = sim::run(&s, &cfg);
    let names: BTreeSet<&str> = out.doctrine.iter().map(|d| d.action.name()).collect();
    assert_eq!(names, BTreeSet::from(["isolate_host", "request_assistance", "share_indicators"]), "{:?}", out.doctrine);
    let ev = out.events.to_vec();
    check(&s, &cfg, &out).unwrap();
    let isolated = ev.iter().find(|e| e.kind == K::HostIsolated).expect("the drill isolates").host.clone();
    let mut tampered_log = ev.clone();
    let later = tampered_log.iter_mut().find(|e| e.kind == K::HostDown && e.host == isolated).unwrap();
    later.detail = None;
    assert!(
        check_log(&s, &cfg, &out.summary, &tampered_log).is_err(),
        "campaign activity on an isolated host is caught"
    );
    let mut tampered = out.clone();
    tampered.doctrine.pop();
    assert!(check_doctrine(&s, &tampered, &ev).is_err(), "a decision left out is caught");
    let mut tampered = out.clone();
    tampered.doctrine[0].tick += 1;
    assert!(check_doctrine(&s, &tampered, &ev).is_err(), "a decision at another tick is caught");
}

/// The generator reaches every part of the engine the invariants talk about, so they are not
/// vacuous: over a fixed set of seeds, some run recovers a host, spreads laterally, gets
/// assistance on task, takes a service down, applies an impact and fires a triggered inject.
#[test]
fn generated_runs_exercise_the_engine() {
    let mut seen = BTreeMap::new();
    for seed in 0..60u64 {
        let s = scenario_from_seed(seed);
        let out = sim::run(&s, &RunConfig { seed, run_index: 0 });
        for e in out.events.iter() {
            let lateral = e.kind == K::HostCompromised && e.stage.is_some();
            *seen.entry(if lateral { "lateral" } else { e.kind.as_str() }).or_insert(0u32) += 1;
        }
    }
    for kind in [
        "host_recovered",
        "lateral",
        "assistance_on_task",
        "service_down",
        "impact_applied",
        "indicators_received",
        "inject_delivered",
        "team_capacity_changed",
    ] {
        assert!(seen.contains_key(kind), "no `{kind}` in 60 generated runs: {seen:?}");
    }
}

/// The checker itself catches a broken log.
#[test]
fn checker_rejects_tampered_logs() {
    let s = cydex::scenario::load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap().scenario;
    let cfg = RunConfig::default();
    let out = sim::run(&s, &cfg);
    let events = out.events.to_vec();
    check_log(&s, &cfg, &out.summary, &events).unwrap();
    let recovered = events.iter().position(|e| e.kind == K::HostRecovered).unwrap();
    // Drop the containment of the first recovered host: recovery without containment.
    let host = events[recovered].host.clone();
    let mut broken = events.clone();
    broken.retain(|e| !(e.kind == K::HostContained && e.host == host));
    for (i, e) in broken.iter_mut().enumerate() {
        e.id = i as u64 + 1;
        e.cause = None;
    }
    let mut summary = out.summary.clone();
    summary.events = broken.len() as u64;
    assert!(check_log(&s, &cfg, &summary, &broken).is_err());
    // Time running backwards.
    let mut broken = events.clone();
    broken.swap(1, events.iter().position(|e| e.tick > events[1].tick).unwrap());
    assert!(check_log(&s, &cfg, &out.summary, &broken).is_err());
}
