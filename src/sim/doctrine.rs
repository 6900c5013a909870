//! Owns doctrine, the default player of every team: the standing decisions a national team takes
//! on its own, per nation, as [`Action`]s, and the record of the decisions it took.
//!
//! | setting | default (the engine before players) | decides (function here) | carried out by |
//! |---|---|---|---|
//! | `queue` | `fifo`: incidents in id order | — (a setting of the team's routine work) | `response.rs` (where a new incident is queued) |
//! | `isolate_at` | none: never isolates on its own | `isolate_host` on a detected host at or above the criticality, in the detection's tick ([`isolate_on_detection`]) | `detection.rs`, with the `isolate_host` mechanics (`actions::isolate`) |
//! | `share_on_detection` | true: its first detection of a campaign sends the indicators | `share_indicators` to every partner, `via: every_agreement` ([`share_on_detection`]) | `sharing.rs`, with the `share_indicators` mechanics (`sharing::share`) |
//! | `assistance` | true: the scenario's `assistance_policy` asks on its own | `request_assistance` from the policy's provider ([`wants_help_on_detection`], [`wants_help_for_backlog`], [`request_assistance`]) | `assistance.rs`, through the request path of every request |
//! | `restore` | `backup`: what `restore_host` uses when no mode is given | — (a setting) | `actions.rs` |
//!
//! Doctrine acts mid-tick, in the phase that learns what it acts on (a detection, a backlog),
//! exactly when the engine acted before players: with every team on the default doctrine, a run
//! is the run of the engine before this split. The decision functions are pure: they read what
//! the team knows at that moment and return the action (or nothing); the phase applies it with
//! the same mechanics a player's action uses, and records it in the [`DoctrineLog`] with the
//! events it logged. Only decisions taken are recorded (a few per run: a first detection per
//! campaign, a policy request, an isolation); nothing is recorded per host or per idle tick.
//!
//! A scenario sets each team's doctrine under `nations[].team.doctrine` (docs/scenario-format.md
//! §7.1.2, where `assistance` is spelt `request_assistance`); `build.rs` converts it, and an
//! omitted doctrine is [`Doctrine::default`].
//!
//! A seat played by a program or a human starts from [`Doctrine::manual`]: the team keeps
//! working its queue (the analysts still triage, contain, eradicate and recover each incident they
//! take), but it shares, asks for help and isolates only when the player says so, and doctrine
//! records no decision for it.

use bevy_ecs::prelude::Resource;
use serde::{Deserialize, Serialize};

use super::actions::{Action, Via};
use super::sharing::Intel;
use super::state::{Catalog, Hosts, NationInfo};
use crate::scenario::model::Criticality;

/// How a team orders its incident queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueRule {
    /// First in, first out (incident id order).
    #[default]
    Fifo,
    /// Highest criticality of the host's group first, then first in.
    Criticality,
    /// By campaign (scenario order), then first in.
    Campaign,
}

impl QueueRule {
    /// Name in journals and events.
    pub fn name(self) -> &'static str {
        match self {
            QueueRule::Fifo => "fifo",
            QueueRule::Criticality => "criticality",
            QueueRule::Campaign => "campaign",
        }
    }
}

/// How a host is brought back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RestoreMode {
    /// From the last backup: the group's restore time; what the host wrote since that backup is
    /// lost.
    #[default]
    Backup,
    /// Rebuilt clean and its data migrated: [`REBUILD_FACTOR`] × the restore time, nothing lost.
    Rebuild,
}

impl RestoreMode {
    /// Name in journals and events.
    pub fn name(self) -> &'static str {
        match self {
            RestoreMode::Backup => "backup",
            RestoreMode::Rebuild => "rebuild",
        }
    }
}

/// A rebuild takes this many times a restore from backup.
pub const REBUILD_FACTOR: u64 = 3;

/// One team's standing decisions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Doctrine {
    /// Queue order.
    pub queue: QueueRule,
    /// Isolate a detected host whose group is at least this critical.
    pub isolate_at: Option<Criticality>,
    /// Share indicators on the team's first detection of a campaign.
    pub share_on_detection: bool,
    /// Ask for assistance under the scenario's `assistance_policy`.
    pub assistance: bool,
    /// Default restore mode.
    pub restore: RestoreMode,
}

impl Default for Doctrine {
    fn default() -> Self {
        Doctrine {
            queue: QueueRule::Fifo,
            isolate_at: None,
            share_on_detection: true,
            assistance: true,
            restore: RestoreMode::Backup,
        }
    }
}

impl Doctrine {
    /// A played seat's starting doctrine: no decision taken on the player's behalf.
    pub fn manual() -> Self {
        Doctrine { share_on_detection: false, assistance: false, isolate_at: None, ..Doctrine::default() }
    }
}

/// Every nation's doctrine (index = nation).
#[derive(Resource, Debug, Clone, Default)]
pub struct Doctrines(pub Vec<Doctrine>);

impl Doctrines {
    /// Nation `n`'s doctrine (the default for an index out of range).
    pub fn of(&self, n: u32) -> Doctrine {
        self.0.get(n as usize).copied().unwrap_or_default()
    }
}

/// What a team knows of one of its detections when doctrine acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    /// The team's nation.
    pub nation: u32,
    /// The host found (slot).
    pub host: u32,
    /// Its group (its criticality is read only by a decision that needs it).
    pub group: u32,
    /// The campaign found on it.
    pub campaign: u32,
    /// The `host_detected` event.
    pub event: u64,
}

/// `isolate_at`: isolate the host just found if its group is at least that critical and it is not
/// isolated already.
pub fn isolate_on_detection(d: &Doctrine, cat: &Catalog, hosts: &Hosts, s: &Sighting) -> Option<Action> {
    let at = d.isolate_at?;
    let wanted = cat.groups[s.group as usize].criticality >= at && !hosts.is_isolated(s.host);
    wanted.then(|| Action::IsolateHost { host: cat.host_name_in(s.group, s.host) })
}

/// `share_on_detection`: on the team's first detection of the campaign (`sent`: it already took
/// this decision for it), send the indicators to every partner of an agreement whose ceiling
/// allows the campaign's marking, under every such agreement. Nothing when no partner is reached.
pub fn share_on_detection(d: &Doctrine, cat: &Catalog, intel: &Intel, s: &Sighting, sent: bool) -> Option<Action> {
    if !d.share_on_detection || sent {
        return None;
    }
    let tlp = cat.campaigns[s.campaign as usize].tlp;
    let partners = intel.partners(s.nation, tlp);
    (!partners.is_empty()).then(|| Action::ShareIndicators {
        campaign: cat.campaigns[s.campaign as usize].id.clone(),
        to: partners.iter().map(|&m| cat.nations[m as usize].id.clone()).collect(),
        tlp: None,
        via: Some(Via::EveryAgreement),
    })
}

/// `assistance`: whether a detection of a host of this `criticality` makes the team want help
/// (`severity_at_least` of its `assistance_policy`; reason `policy_severity`).
pub fn wants_help_on_detection(d: &Doctrine, policy: &NationInfo, criticality: Criticality) -> bool {
    d.assistance && policy.severity_at_least.is_some_and(|s| criticality >= s)
}

/// `assistance`: whether the team's open incidents (queued and in work, counted by `open` only
/// when the policy has a `backlog_over`) make it want help: more than `backlog_over` (reason
/// `policy_backlog`).
pub fn wants_help_for_backlog(d: &Doctrine, policy: &NationInfo, open: impl FnOnce() -> usize) -> bool {
    d.assistance && policy.backlog_over.is_some_and(|b| open() > b as usize)
}

/// `assistance`: a team that wants help and has no request of its own running (`outstanding`)
/// asks `provider`, the first of its policy's providers that serves it, has a free slot and was
/// not asked by it before (`None`: none left).
pub fn request_assistance(cat: &Catalog, outstanding: u32, provider: Option<u32>) -> Option<Action> {
    let p = provider.filter(|_| outstanding == 0)?;
    Some(Action::RequestAssistance { provider: cat.providers[p as usize].clone() })
}

/// One decision doctrine took for a team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoctrineDecision {
    /// The tick it was taken in (mid-tick, in the phase that carries it out).
    pub tick: u64,
    /// The team's nation (index, as in [`super::actions::Seat::Team`]).
    pub nation: u32,
    /// What it decided, as a player would have said it.
    pub action: Action,
    /// The events the decision logged, in id order.
    pub events: Vec<u64>,
}

/// Every decision doctrine took, in the order taken (tick, then phase, then nation or host order
/// within the phase). Appended only when a decision is taken.
#[derive(Resource, Debug, Clone, Default)]
pub struct DoctrineLog(pub Vec<DoctrineDecision>);

impl DoctrineLog {
    /// Records a decision.
    pub fn record(&mut self, tick: u64, nation: u32, action: Action, events: Vec<u64>) {
        self.0.push(DoctrineDecision { tick, nation, action, events });
    }
}

#[cfg(test)]
#[path = "doctrine_tests.rs"]
mod tests;
