//! Owns what teams tell EXCON and what EXCON tells teams outside the MSEL: situation reports,
//! inject answers and ad-hoc injects, kept in order for the views, the journal and scoring.

use bevy_ecs::prelude::Resource;
use bevy_ecs::world::World;
use serde::{Deserialize, Serialize};

use super::actions::{Answer, Outcome, index_of};
use super::clock::SimClock;
use super::events::{EventKind, Keys};
use super::injects::InjectBook;
use super::state::Catalog;
use crate::scenario::model::ActorKind;

/// A team's attribution of the activity it sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// The suspected actor's name.
    pub actor: String,
    /// Its kind.
    pub kind: ActorKind,
    /// Confidence in [0, 1].
    pub confidence: f64,
}

/// A situation report: the team's estimates at the time it sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sitrep {
    /// Hosts the team believes compromised in its nation.
    pub compromised: u32,
    /// Campaign ids it believes active against it.
    #[serde(default)]
    pub campaigns: Vec<String>,
    /// Suspected actor, if it attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

/// One message on the desk.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<T> {
    /// Tick it was sent in.
    pub tick: u64,
    /// Nation (sender of a report or answer; recipient of an ad-hoc inject, `None` = all).
    pub nation: Option<u32>,
    /// Its event.
    pub event: u64,
    /// What it says.
    pub body: T,
}

/// Every report, answer and ad-hoc inject, in order.
#[derive(Resource, Debug, Default)]
pub struct Desk {
    /// Situation reports.
    pub sitreps: Vec<Entry<Sitrep>>,
    /// Inject answers: (inject index, answer).
    pub answers: Vec<Entry<(u32, Answer)>>,
    /// Ad-hoc injects.
    pub adhoc: Vec<Entry<String>>,
}

fn emit(world: &mut World, kind: EventKind, keys: Keys) -> (u64, u64) {
    let tick = world.resource::<SimClock>().tick;
    (tick, super::actions::emit(world, kind, keys))
}

/// `situation_report` for nation `n`.
pub fn situation_report(world: &mut World, n: u32, report: &Sitrep) -> Result<Outcome, String> {
    let cat = world.resource::<Catalog>();
    for c in &report.campaigns {
        index_of("campaign", c, cat.campaigns.iter().map(|d| d.id.as_str()))?;
    }
    if let Some(a) = &report.attribution
        && !(0.0..=1.0).contains(&a.confidence)
    {
        return Err(format!("attribution confidence {} is outside [0, 1]", a.confidence));
    }
    let keys = Keys { nation: Some(n), value: Some(f64::from(report.compromised)), ..Keys::default() };
    let (tick, event) = emit(world, EventKind::SituationReported, keys);
    world.resource_mut::<Desk>().sitreps.push(Entry { tick, nation: Some(n), event, body: report.clone() });
    Ok(Outcome { applied: true, note: None, events: vec![event] })
}

/// `answer_inject` for nation `n`: the inject must have been delivered to it (or to everyone).
pub fn answer_inject(world: &mut World, n: u32, inject: &str, answer: &Answer) -> Result<Outcome, String> {
    let cat = world.resource::<Catalog>();
    let i = index_of("inject", inject, cat.injects.iter().map(String::as_str))?;
    let book = world.resource::<InjectBook>();
    let to = book.defs[i as usize].to_nation;
    if to.is_some_and(|t| t != n) {
        return Err(format!("inject `{inject}` is addressed to another nation"));
    }
    if !book.was_delivered(i) {
        return Err(format!("inject `{inject}` has not been delivered yet"));
    }
    let detail = match answer {
        Answer::Acknowledged => "acknowledged",
        Answer::Choice(_) => "choice",
        Answer::Text(_) => "text",
    };
    let keys = Keys { nation: Some(n), inject: Some(i), detail: Some(detail), ..Keys::default() };
    let (tick, event) = emit(world, EventKind::InjectAnswered, keys);
    world.resource_mut::<Desk>().answers.push(Entry { tick, nation: Some(n), event, body: (i, answer.clone()) });
    Ok(Outcome { applied: true, note: None, events: vec![event] })
}

/// `add_inject` (EXCON).
pub fn add_inject(world: &mut World, to: Option<u32>, text: &str) -> Result<Outcome, String> {
    if text.trim().is_empty() {
        return Err("an ad-hoc inject needs a `text`".into());
    }
    let keys = Keys { nation: to, detail: Some("add_inject"), ..Keys::default() };
    let (tick, event) = emit(world, EventKind::ExconAction, keys);
    world.resource_mut::<Desk>().adhoc.push(Entry { tick, nation: to, event, body: text.to_string() });
    Ok(Outcome { applied: true, note: None, events: vec![event] })
}
