//! Test-only helpers: tiny scenarios built in code and worlds built from them, for the unit tests
//! of each phase.

use bevy_ecs::world::World;

use super::RunConfig;
use super::build::build_world;
use super::clock::SimClock;
use super::events::{EventKind, EventLog};
use crate::scenario::duration::Duration;
use crate::scenario::model::*;

pub const MIN: u64 = 60;
pub const HOUR: u64 = 3600;

/// One nation `EST` (4 analysts, 24x7, skills 0.5) with the given segments of one group each:
/// `(segment id, group id, hosts, sensors)`. Tick 1 min, duration 1 day.
pub fn tiny(segments: &[(&str, &str, u64, f64)]) -> Scenario {
    let segs = segments
        .iter()
        .map(|&(s, g, n, sensors)| Segment {
            id: s.into(),
            name: None,
            kind: SegmentKind::Government,
            host_groups: vec![HostGroup {
                id: g.into(),
                count: n,
                role: HostRole::Workstation,
                os: OsFamily::Windows,
                criticality: Criticality::Medium,
                sensors,
                hardening: 0.0,
                backup_interval: None,
                restore_time: Duration(HOUR),
                data_mb_per_hour: 0,
            }],
        })
        .collect();
    Scenario {
        cydex: 1,
        exercise: Exercise {
            id: "UNIT".into(),
            title: "unit".into(),
            description: String::new(),
            kind: ExerciseType::Drill,
            mode: ExerciseMode::Cooperative,
            tlp: Tlp::Green,
            attack_version: "18.1".into(),
            startex: None,
            sponsor: None,
            poc: None,
        },
        clock: Clock { tick: Duration(MIN), duration: Duration(24 * HOUR) },
        objectives: vec![],
        nations: vec![Nation {
            id: "EST".into(),
            name: None,
            utc_offset: crate::scenario::time::UtcOffset::UTC,
            team: NationalTeam {
                id: "CERT-EE".into(),
                name: None,
                analysts: 4,
                schedule: WorkPattern::TwentyFourSeven,
                skills: Skills { detect: 0.5, contain: 0.5, recover: 0.5 },
                assistance_policy: AssistancePolicy::default(),
            },
            segments: segs,
            services: vec![],
        }],
        links: vec![],
        assistance: vec![],
        sharing: vec![],
        campaigns: vec![],
        msel: vec![],
        scoring: Scoring::default(),
    }
}

/// A stage with a fixed cadence.
pub fn stage(id: &str, probability: f64, cadence_s: u64) -> Stage {
    Stage {
        id: id.into(),
        tactic: "TA0002".into(),
        technique: format!("T-{id}"),
        probability,
        cadence: Delay::Fixed(Duration(cadence_s)),
        stealth: 0.0,
        lateral: None,
        effect: None,
    }
}

/// A campaign starting at STARTEX with one foothold.
pub fn campaign(id: &str, entry: &[&str], stages: Vec<Stage>) -> Campaign {
    Campaign {
        id: id.into(),
        name: None,
        actor: Actor { name: "OPFOR".into(), kind: ActorKind::Criminal, sophistication: 0.0 },
        start: Some(Duration(0)),
        tlp: Tlp::Amber,
        targets: Targets::default(),
        entry: Entry {
            technique: "T1566".into(),
            host_groups: entry.iter().map(|s| s.to_string()).collect(),
            footholds: 1,
            fraction: None,
        },
        stages,
    }
}

/// A scheduled inject.
pub fn inject(id: &str, at_s: u64, effects: Vec<InjectEffect>) -> Inject {
    Inject {
        id: id.into(),
        at: Some(Duration(at_s)),
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
    }
}

/// Builds the world for seed 1.
pub fn world(s: &Scenario) -> World {
    build_world(s, &RunConfig { seed: 1, run_index: 0 })
}

/// Sets the clock's tick.
pub fn at_tick(world: &mut World, tick: u64) {
    world.resource_mut::<SimClock>().tick = tick;
}

/// Kinds of the events logged so far.
pub fn kinds(world: &World) -> Vec<EventKind> {
    world.resource::<EventLog>().records().map(|r| r.kind).collect()
}

/// Count of logged events of a kind.
pub fn count(world: &World, kind: EventKind) -> usize {
    world.resource::<EventLog>().records().filter(|r| r.kind == kind).count()
}

/// The events logged so far, rendered with names.
pub fn rendered(world: &World) -> Vec<crate::sim::Event> {
    let log = world.resource::<EventLog>().clone();
    let cat = std::sync::Arc::new(world.resource::<crate::sim::state::Catalog>().clone());
    crate::sim::EventStream::new(log, cat, world.resource::<SimClock>().tick_secs).to_vec()
}
