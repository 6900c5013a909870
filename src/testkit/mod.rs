//! Scenario builders for tests, benchmarks and examples: the one place that writes a
//! [`Scenario`] in code. Not part of the public API (hidden from the docs).
//!
//! * This module: small building blocks with fixed, plain defaults ([`scenario`], [`nation`],
//!   [`group`], [`stage`], …) and [`tiny`], the one-nation exercise of the engine's unit tests.
//!   Callers change what a test is about with struct update syntax (`Stage { stealth: 0.5,
//!   ..stage("s", 1.0, MIN) }`).
//! * [`generated`]: small, always-valid scenarios drawn from a seed, for property tests.
//! * [`synthetic`]: the benchmark scenarios (idle padding, alliance scale, virus on a network) and
//!   the hand-written reference loop the engine is measured against.
//!
//! It sits at scenario level: it builds `scenario::model` values and depends on no other part of
//! the engine (the simulation's world helpers for unit tests live in `sim/testkit.rs`).

pub mod generated;
pub mod synthetic;

use crate::scenario::duration::Duration;
use crate::scenario::model::*;

/// A minute, in seconds.
pub const MIN: u64 = 60;
/// An hour, in seconds.
pub const HOUR: u64 = 3600;

/// A duration of `s` seconds.
pub fn dur(s: u64) -> Duration {
    Duration(s)
}

/// Team or provider skills.
pub fn skills(detect: f64, contain: f64, recover: f64) -> Skills {
    Skills { detect, contain, recover }
}

/// A cooperative drill, TLP:GREEN, ATT&CK 18.1, default STARTEX, no sponsor.
pub fn exercise(id: &str, title: &str) -> Exercise {
    Exercise {
        id: id.into(),
        title: title.into(),
        description: String::new(),
        kind: ExerciseType::Drill,
        mode: ExerciseMode::Cooperative,
        tlp: Tlp::Green,
        attack_version: "18.1".into(),
        startex: None,
        sponsor: None,
        poc: None,
    }
}

/// Exercise `TEST` of `nations` with the given tick and duration, and nothing else.
pub fn scenario(tick_s: u64, duration_s: u64, nations: Vec<Nation>) -> Scenario {
    Scenario {
        cydex: FORMAT_VERSION,
        exercise: exercise("TEST", "test"),
        clock: Clock { tick: dur(tick_s), duration: dur(duration_s) },
        objectives: vec![],
        nations,
        links: vec![],
        assistance: vec![],
        sharing: vec![],
        campaigns: vec![],
        msel: vec![],
        scoring: Scoring::default(),
    }
}

/// A nation at UTC+0 whose team `CERT-{id}` has 4 analysts, 24x7, skills 0.5, no assistance
/// policy, and no services.
pub fn nation(id: &str, segments: Vec<Segment>) -> Nation {
    Nation {
        id: id.into(),
        name: None,
        utc_offset: crate::scenario::time::UtcOffset::UTC,
        team: NationalTeam {
            id: format!("CERT-{id}"),
            name: None,
            analysts: 4,
            schedule: WorkPattern::TwentyFourSeven,
            skills: skills(0.5, 0.5, 0.5),
            assistance_policy: AssistancePolicy::default(),
            doctrine: DoctrineDef::default(),
        },
        segments,
        services: vec![],
    }
}

/// A government segment.
pub fn segment(id: &str, host_groups: Vec<HostGroup>) -> Segment {
    Segment { id: id.into(), name: None, kind: SegmentKind::Government, host_groups, topology: None }
}

/// Medium-criticality Windows workstations, unhardened, no backups, restored in an hour, writing
/// no data.
pub fn group(id: &str, count: u64, sensors: f64) -> HostGroup {
    HostGroup {
        id: id.into(),
        count,
        role: HostRole::Workstation,
        os: OsFamily::Windows,
        criticality: Criticality::Medium,
        sensors,
        hardening: 0.0,
        backup_interval: None,
        restore_time: dur(HOUR),
        data_mb_per_hour: 0,
    }
}

/// A service of weight 1 running on `runs_on` (group ids), up while `quorum` of their hosts are,
/// depending on no other service.
pub fn service(id: &str, runs_on: Vec<String>, quorum: f64) -> Service {
    Service { id: id.into(), name: None, runs_on, quorum, weight: 1.0, depends_on: vec![] }
}

/// An execution stage (technique `T-{id}`) with a fixed cadence, no stealth, no lateral movement
/// and no effect.
pub fn stage(id: &str, probability: f64, cadence_s: u64) -> Stage {
    Stage {
        id: id.into(),
        tactic: "TA0002".into(),
        technique: format!("T-{id}"),
        probability,
        cadence: Delay::Fixed(dur(cadence_s)),
        stealth: 0.0,
        lateral: None,
        effect: None,
    }
}

/// A criminal campaign (sophistication 0, TLP:AMBER) starting at STARTEX with one foothold in
/// the entry groups, entering by phishing (`T1566`).
pub fn campaign(id: &str, entry_groups: &[&str], stages: Vec<Stage>) -> Campaign {
    Campaign {
        id: id.into(),
        name: None,
        actor: Actor { name: "OPFOR".into(), kind: ActorKind::Criminal, sophistication: 0.0 },
        start: Some(dur(0)),
        tlp: Tlp::Amber,
        targets: Targets::default(),
        entry: Entry {
            technique: "T1566".into(),
            host_groups: entry_groups.iter().map(|s| s.to_string()).collect(),
            footholds: 1,
            fraction: None,
        },
        stages,
        recovery: Default::default(),
    }
}

/// A scheduled simulation-event inject, titled by its id.
pub fn inject(id: &str, at_s: u64, effects: Vec<InjectEffect>) -> Inject {
    Inject {
        id: id.into(),
        at: Some(dur(at_s)),
        trigger: None,
        from: None,
        to: None,
        kind: InjectType::Event,
        delivery: Delivery::SimEvent,
        title: id.into(),
        text: String::new(),
        expected_action: None,
        objectives: vec![],
        effects,
        expects: vec![],
    }
}

/// A remote NATO Rapid Reaction Team of 3 (skills 0.9), one deployment at a time, on task for a
/// day, serving every nation.
pub fn provider(id: &str, approval_s: u64, deployment_s: u64) -> AssistanceProvider {
    AssistanceProvider {
        id: id.into(),
        name: None,
        kind: ProviderKind::NatoRrt,
        approval: dur(approval_s),
        deployment: dur(deployment_s),
        deploy_mode: DeployMode::Remote,
        on_task: dur(24 * HOUR),
        size: 3,
        skills: skills(0.9, 0.9, 0.9),
        max_concurrent: 1,
        offers: vec![],
        serves: vec![],
    }
}

/// Exercise `UNIT`: one nation `EST` (team `CERT-EE`, see [`nation`]) with the given segments of
/// one group each, `(segment id, group id, hosts, sensors)`. Tick 1 min, duration 1 day.
pub fn tiny(segments: &[(&str, &str, u64, f64)]) -> Scenario {
    let segs = segments.iter().map(|&(s, g, n, sensors)| segment(s, vec![group(g, n, sensors)])).collect();
    let mut est = nation("EST", segs);
    est.team.id = "CERT-EE".into();
    Scenario { exercise: exercise("UNIT", "unit"), ..scenario(MIN, 24 * HOUR, vec![est]) }
}
