//! The simulation engine: runs a seeded exercise tick by tick on bevy_ecs. Knows nothing of YAML,
//! the CLI or output formats; imports only `scenario::model`, `scenario::duration` and
//! `scenario::time` (STARTEX and UTC offsets arrive parsed: the engine parses no text).
//!
//! # Tick pipeline
//! One [`Schedule`] with the [`SingleThreadedExecutor`] set explicitly, ambiguity detection at
//! `LogLevel::Error`, initialised when the simulation is built. Its system sets run chained, in
//! this order, once per tick:
//!
//! | set | module | does |
//! |---|---|---|
//! | `Clock` | `mod.rs` | rotates the message buffers |
//! | `Injects` | `injects.rs` | applies last tick's inject effects, delivers due injects |
//! | `Campaigns` | `campaigns.rs` | starts campaigns, runs due kill-chain attempts, spreads, impacts |
//! | `Services` | `services.rs` | recomputes service availability if host health changed |
//! | `Detection` | `detection.rs` | detection draws for compromised, undetected hosts |
//! | `Response` | `response.rs` | incident phases and analyst assignment |
//! | `Assistance` | `assistance.rs` | requests, approvals, deployments |
//! | `Sharing` | `sharing.rs` | indicators to partner nations |
//! | `Log` | `summary.rs` | notes where the tick ended; hands the log's full chunks to the fold (its own thread) |
//!
//! A consequence of the order: a change made by a later phase is seen by an earlier phase on
//! the next tick (e.g. a host recovered in Response brings its service back up in the next
//! tick's Services phase).
//!
//! # Modelling choices at a glance (details in each module)
//! * Time: tick `k` is `[k·tick, (k+1)·tick)` from STARTEX; durations round **up** to whole
//!   ticks. STARTEX = `exercise.startex` or Monday 2026-01-05T08:00:00Z (`clock.rs`).
//! * Injects: delivered in tick `k = ceil(at / tick)` (triggered: event tick + max(1, delay));
//!   effects apply at the start of tick `k + 1` (`injects.rs`).
//! * Fractions of hosts (`entry.fraction`, `sensors`, `quorum`) are `ceil(f × n)` in exact
//!   arithmetic on `f`'s parts per billion (`scenario::model::ceil_fraction_of`).
//! * Attack success per attempt: `probability × resist(target)`, `resist = 1 − hardening ×
//!   (1 − sophistication)`; a lateral stage's target is each victim it picks, not the attacking
//!   host (`campaigns.rs`).
//! * Sensors: exactly `ceil(sensors × count)` hosts of a group carry one, a per-run keyed
//!   permutation decides which (`coverage.rs`).
//! * Detection per tick: covered hosts `detect × (1 − stealth) × intel` (intel = 2 once the
//!   nation holds the campaign's indicators, which its own first detection gives it; p capped
//!   at 1); uncovered hosts only by an indicator sweep (`detect × (1 − stealth)`) or a visible
//!   impact (certain); first tried the tick **after** the compromise (`detection.rs`).
//! * Response phase durations: exponential, mean `base × 1.25 / (0.25 + skill)` (`response.rs`).
//! * Assistance: on task `⌈approval/tick⌉ + ⌈deployment/tick⌉` ticks after the request;
//!   `backlog_over` means more than (`assistance.rs`).
//! * Data loss: an encrypt or wipe impact destroys `data_mb_per_hour × (t − last backup)`; no
//!   backups → since STARTEX; restoring loses nothing more (`state.rs`, `GroupInfo::destroyed_mb`).
//! * Host counts in the summary are distinct hosts; re-infections are counted apart
//!   (`summary.rs`).
//! * Doctrine, every team's default player, decides in players' actions mid-tick, in the phase
//!   that learns what it acts on; its decisions are recorded in [`RunOutcome::doctrine`]
//!   (`doctrine.rs`).
//! * [`DEFAULT_SEED`] = 20260105.
//!
//! # Cost
//! Per-tick work touches only active things: due attempts and phase ends (a timing-wheel agenda,
//! `agenda.rs`), compromised undetected hosts (`slotset.rs`), open incidents, running
//! deployments, in-flight indicators, and services only when host health changed. Idle hosts cost
//! nothing per tick, and their per-host arrays are allocated zeroed and never touched. Events are
//! logged as 32-byte integer records and rendered with names only when an output reads them
//! (`events.rs`).
//!
//! # Determinism
//! Same scenario + seed + run index → byte-identical events and summary. Randomness comes only
//! from per-purpose `ChaCha8Rng` streams (`rng.rs`); iteration is always over sorted ids,
//! `BTreeMap`/`BTreeSet`s or a [`slotset::SlotSet`]'s ascending list, and what an agenda returns
//! for a tick is sorted before use; there is no hash map and no wall clock.

pub mod actions;
pub(crate) mod agenda;
pub(crate) mod assistance;
pub(crate) mod build;
pub(crate) mod campaigns;
pub mod clock;
pub(crate) mod coverage;
pub mod desk;
pub(crate) mod detection;
pub mod doctrine;
pub mod events;
pub(crate) mod excon;
pub(crate) mod fresh;
pub(crate) mod ids;
pub(crate) mod injects;
pub(crate) mod network;
pub(crate) mod prefetch;
pub(crate) mod response;
pub(crate) mod rng;
pub mod services;
pub(crate) mod sharing;
pub(crate) mod slotset;
pub mod state;
pub(crate) mod summary;
#[cfg(test)]
mod testkit;
pub mod topology;
pub mod view;
pub(crate) mod work;

use bevy_ecs::message::Messages;
use bevy_ecs::prelude::{IntoScheduleConfigs, ResMut, Schedule, SystemSet};
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use bevy_ecs::world::World;
use serde::{Deserialize, Serialize};

pub use events::{Event, EventKind, EventRef, EventStream};
pub use summary::{AssistanceRecord, CampaignSummary, HostRecord, NationSummary, RunSummary, ServiceSummary};

use crate::scenario::model::Scenario;
use clock::SimClock;
use events::{Detected, EventLog, TriggerSeen};

/// The seed used when none is given: `20260105`, the default STARTEX date (2026-01-05).
pub const DEFAULT_SEED: u64 = 20_260_105;

/// Which run to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    /// Master seed.
    pub seed: u64,
    /// Index of the run within a batch (each index is an independent random stream).
    pub run_index: u64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig { seed: DEFAULT_SEED, run_index: 0 }
    }
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunOutcome {
    /// Every state change, in id order (rendered with names on demand).
    pub events: EventStream,
    /// The story of the run.
    pub summary: RunSummary,
    /// Every decision doctrine took on a team's behalf (`doctrine.rs`), in the order taken: the
    /// tick, the nation (index), the action as a player would have taken it and the events it
    /// logged (ids into `events`). Empty when no team's doctrine decided anything (e.g. every seat
    /// played with [`doctrine::Doctrine::manual`]). Deterministic, like the events.
    pub doctrine: Vec<doctrine::DoctrineDecision>,
}

/// The ordered phases of a tick.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimSystems {
    /// Message buffer rotation.
    Clock,
    /// MSEL injects.
    Injects,
    /// Campaign progress.
    Campaigns,
    /// Service availability.
    Services,
    /// Detection.
    Detection,
    /// Incident response.
    Response,
    /// Assistance.
    Assistance,
    /// Information sharing.
    Sharing,
    /// Event folding.
    Log,
}

/// Label of the tick schedule.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimTick;

/// Clock phase: rotate message buffers so each message lives for this tick and the next.
fn rotate_messages(mut triggers: ResMut<Messages<TriggerSeen>>, mut detected: ResMut<Messages<Detected>>) {
    triggers.update();
    detected.update();
}

/// Builds the tick schedule (not yet initialised).
pub fn build_schedule() -> Schedule {
    build_schedule_shuffled(None)
}

/// [`build_schedule`] with bevy's debug `shuffle_seed`: the system graph is shuffled before the
/// topological sort, keeping every explicit ordering constraint. The engine's phases are fully
/// chained, so any shuffle must give the same run; `tests/determinism.rs` checks that it does.
pub fn build_schedule_shuffled(shuffle_seed: Option<u64>) -> Schedule {
    let mut schedule = Schedule::new(SimTick);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        shuffle_seed,
        ..ScheduleBuildSettings::default()
    });
    schedule.configure_sets(
        (
            SimSystems::Clock,
            SimSystems::Injects,
            SimSystems::Campaigns,
            SimSystems::Services,
            SimSystems::Detection,
            SimSystems::Response,
            SimSystems::Assistance,
            SimSystems::Sharing,
            SimSystems::Log,
        )
            .chain(),
    );
    schedule.add_systems((
        rotate_messages.in_set(SimSystems::Clock),
        injects::apply_injects.in_set(SimSystems::Injects),
        campaigns::advance_campaigns.in_set(SimSystems::Campaigns),
        services::update_services.in_set(SimSystems::Services),
        (detection::detect_compromises, work::finish_work).chain().in_set(SimSystems::Detection),
        response::respond_to_incidents.in_set(SimSystems::Response),
        assistance::coordinate_assistance.in_set(SimSystems::Assistance),
        sharing::share_indicators.in_set(SimSystems::Sharing),
        summary::fold_events.in_set(SimSystems::Log),
    ));
    schedule
}

/// A simulation in progress: a world and its tick schedule.
pub struct Simulation {
    world: World,
    schedule: Schedule,
    config: RunConfig,
}

impl Simulation {
    /// Builds the world from a (validated) scenario and initialises the schedule.
    pub fn new(scenario: &Scenario, config: &RunConfig) -> Self {
        Self::with_shuffle_seed(scenario, config, None)
    }

    /// [`Simulation::new`] with the schedule built by [`build_schedule_shuffled`] (for
    /// determinism tests: the outcome must not depend on `shuffle_seed`).
    pub fn with_shuffle_seed(scenario: &Scenario, config: &RunConfig, shuffle_seed: Option<u64>) -> Self {
        let mut world = build::build_world(scenario, config);
        let mut schedule = build_schedule_shuffled(shuffle_seed);
        if let Err(e) = schedule.initialize(&mut world) {
            // The schedule does not depend on the scenario; a failure is a programming error
            // that the `schedule_initialises` test catches.
            panic!("the tick schedule is invalid: {}", e.to_string(schedule.graph(), &world));
        }
        Simulation { world, schedule, config: *config }
    }

    /// The world (for tests and inspection).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, mutably (for tests and inspection: queries need it).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The current tick (the next one to simulate).
    pub fn tick(&self) -> u64 {
        self.world.resource::<SimClock>().tick
    }

    /// Ticks in the run.
    pub fn n_ticks(&self) -> u64 {
        self.world.resource::<SimClock>().n_ticks
    }

    /// Simulates one tick; returns false (doing nothing) once ENDEX is reached.
    pub fn step(&mut self) -> bool {
        let clock = self.world.resource::<SimClock>();
        if clock.tick >= clock.n_ticks {
            return false;
        }
        self.schedule.run(&mut self.world);
        self.world.resource_mut::<SimClock>().tick += 1;
        true
    }

    /// Applies a decision at the current tick boundary (before the next tick runs): see
    /// `actions.rs`. Refusals change nothing.
    pub fn act(&mut self, seat: actions::Seat, action: &actions::Action) -> actions::Outcome {
        if self.ended() {
            return actions::Outcome {
                applied: false,
                note: Some("the exercise has ended (ENDEX)".into()),
                events: Vec::new(),
            };
        }
        actions::apply(&mut self.world, seat, action)
    }

    /// Whether ENDEX has been reached (or EXCON ended the exercise).
    pub fn ended(&self) -> bool {
        let clock = self.world.resource::<SimClock>();
        clock.tick >= clock.n_ticks
    }

    /// Replaces nation `n`'s doctrine (a played seat starts from [`doctrine::Doctrine::manual`]).
    pub fn set_doctrine(&mut self, n: u32, d: doctrine::Doctrine) {
        self.world.resource_mut::<response::ResponseBook>().rules[n as usize] = d.queue;
        let mut all = self.world.resource_mut::<doctrine::Doctrines>();
        if let Some(slot) = all.0.get_mut(n as usize) {
            *slot = d;
        }
    }

    /// Every decision doctrine has taken so far, in the order taken (see [`RunOutcome::doctrine`]).
    pub fn doctrine_decisions(&self) -> &[doctrine::DoctrineDecision] {
        &self.world.resource::<doctrine::DoctrineLog>().0
    }

    /// What `seat` can see now (`view.rs`).
    pub fn view(&self, seat: actions::Seat) -> view::View {
        view::build(&self.world, seat)
    }

    /// Runs to ENDEX and returns the outcome.
    pub fn run_to_end(mut self) -> RunOutcome {
        while self.step() {}
        let catalog = std::sync::Arc::new(self.world.remove_resource::<state::Catalog>().unwrap_or_default());
        let summary = summary::summarize(&mut self.world, &catalog, self.config.seed, self.config.run_index);
        let mut log = std::mem::take(&mut *self.world.resource_mut::<EventLog>());
        log.seal();
        let tick_secs = self.world.resource::<SimClock>().tick_secs;
        let doctrine = std::mem::take(&mut self.world.resource_mut::<doctrine::DoctrineLog>().0);
        RunOutcome { events: EventStream::new(log, catalog, tick_secs), summary, doctrine }
    }
}

/// Runs one seeded exercise to ENDEX.
pub fn run(scenario: &Scenario, config: &RunConfig) -> RunOutcome {
    Simulation::new(scenario, config).run_to_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_initialises_without_ambiguities() {
        let mut world = World::new();
        let mut schedule = build_schedule();
        // Resources are not needed to build the graph.
        let r = schedule.initialize(&mut world);
        assert!(r.is_ok(), "{:?}", r.err().map(|e| e.to_string(schedule.graph(), &world)));
    }
}
