//! Owns exercise control's actions: firing, disabling and adding injects, changing a team's
//! capacity, and ending the exercise — each logged like a team's decision.

use bevy_ecs::world::World;

use super::actions::{Action, Outcome, emit, index_of};
use super::clock::SimClock;
use super::events::{EventKind, Keys};
use super::injects::InjectBook;
use super::response::ResponseBook;
use super::state::Catalog;

fn nation(world: &World, id: &str) -> Result<u32, String> {
    index_of("nation", id, world.resource::<Catalog>().nations.iter().map(|n| n.id.as_str()))
}

/// Applies an EXCON action.
pub fn apply(world: &mut World, action: &Action) -> Result<Outcome, String> {
    match action {
        Action::FireInject { inject } => fire(world, inject, true),
        Action::DisableInject { inject } => fire(world, inject, false),
        Action::AddInject { to, text } => {
            let to = to.as_deref().map(|t| nation(world, t)).transpose()?;
            super::desk::add_inject(world, to, text)
        }
        Action::SetCapacity { nation: id, analysts } => set_capacity(world, id, *analysts),
        Action::EndExercise => {
            let ev = emit(world, EventKind::ExconAction, Keys { detail: Some("end_exercise"), ..Keys::default() });
            let mut clock = world.resource_mut::<SimClock>();
            clock.n_ticks = clock.tick;
            Ok(Outcome { applied: true, note: None, events: vec![ev] })
        }
        _ => Err(format!("`{}` is a team's action", action.name())),
    }
}

/// `fire_inject` (deliver in the coming tick) or `disable_inject`.
fn fire(world: &mut World, id: &str, now: bool) -> Result<Outcome, String> {
    let i = index_of("inject", id, world.resource::<Catalog>().injects.iter().map(String::as_str))?;
    let book = world.resource::<InjectBook>();
    if book.was_delivered(i) {
        return Err(format!("inject `{id}` was already delivered"));
    }
    if book.disabled[i as usize] {
        return Err(format!("inject `{id}` is disabled"));
    }
    let detail = if now { "fire_inject" } else { "disable_inject" };
    let ev = emit(world, EventKind::ExconAction, Keys { inject: Some(i), detail: Some(detail), ..Keys::default() });
    let tick = world.resource::<SimClock>().tick;
    let mut book = world.resource_mut::<InjectBook>();
    book.unschedule(i);
    book.armed[i as usize] = true;
    if now {
        book.due.entry(tick).or_default().push((i, Some(ev)));
    } else {
        book.disabled[i as usize] = true;
    }
    Ok(Outcome { applied: true, note: None, events: vec![ev] })
}

fn set_capacity(world: &mut World, id: &str, analysts: u32) -> Result<Outcome, String> {
    let n = nation(world, id)?;
    let base = i64::from(world.resource::<Catalog>().nations[n as usize].analysts);
    let mut book = world.resource_mut::<ResponseBook>();
    let delta = i64::from(analysts) - base - book.capacity_delta[n as usize];
    book.capacity_delta[n as usize] = i64::from(analysts) - base;
    let keys = Keys { nation: Some(n), value: Some(delta as f64), detail: Some("excon"), ..Keys::default() };
    let ev = emit(world, EventKind::TeamCapacityChanged, keys);
    Ok(Outcome { applied: true, note: None, events: vec![ev] })
}
