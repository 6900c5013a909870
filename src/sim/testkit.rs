//! Test-only helpers of the engine's unit tests: worlds built from scenarios (which the tests
//! build with the shared `crate::testkit`) and readers of what a phase logged.

use bevy_ecs::world::World;

use super::RunConfig;
use super::build::build_world;
use super::clock::SimClock;
use super::events::{EventKind, EventLog};

/// Builds the world for seed 1.
pub fn world(s: &crate::scenario::model::Scenario) -> World {
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
