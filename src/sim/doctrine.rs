//! Owns doctrine, the default player of every team: the standing decisions a national team takes
//! on its own, per nation, read by the phases that carry them out.
//!
//! | setting | default (the engine before players) | carried out by |
//! |---|---|---|
//! | `queue` | `fifo`: incidents in id order | `response.rs` (where a new incident is queued) |
//! | `isolate_at` | none: never isolates on its own | `detection.rs` (a detected host at or above the criticality is isolated in the same tick) |
//! | `share_on_detection` | true: its first detection of a campaign sends the indicators under every agreement | `sharing.rs` |
//! | `assistance` | true: the scenario's `assistance_policy` asks on its own | `assistance.rs` |
//! | `restore` | `backup`: what `restore_host` uses when no mode is given | `actions.rs` |
//!
//! A scenario sets each team's doctrine under `nations[].team.doctrine` (docs/scenario-format.md
//! §7.1.2, where `assistance` is spelt `request_assistance`); `build.rs` converts it, and an
//! omitted doctrine is [`Doctrine::default`].
//!
//! A seat played by a program or a human starts from [`Doctrine::manual`]: the team keeps
//! working its queue (the analysts still triage, contain, eradicate and recover each incident they
//! take), but it shares, asks for help and isolates only when the player says so.

use bevy_ecs::prelude::Resource;
use serde::{Deserialize, Serialize};

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
