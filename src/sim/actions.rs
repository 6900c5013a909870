//! Owns the decisions players take: the defender and EXCON actions, who may take each, what each
//! changes in the world, what it costs and which events it logs, or why it is refused.
//!
//! An action is applied at a tick boundary, between two ticks (the session decides which:
//! `play`), and logs its events with the tick about to run. A refused action changes nothing and
//! logs nothing; the refusal says why. Mechanics, per action (analyst time is what it holds from
//! the team's capacity, see `work.rs`):
//!
//! | action | seat | costs | changes | events |
//! |---|---|---|---|---|
//! | `prioritise` | team | — | the named queued incidents go first, in that order; `rule` re-sorts the queue and places later incidents | `queue_reordered` |
//! | `isolate_host` | team | — | a compromised host is contained now; any host is down and off the network (no campaign lands on it) until restored | `host_isolated`, `host_down` |
//! | `block_link` / `reconnect_link` | team owning an end | — | lateral movement stops / resumes across the link; a service whose dependency now sits only across cut links goes down (`service_severed`) | `link_blocked` / `link_reconnected` |
//! | `isolate_segment` / `reconnect_segment` | team | — | every link of the segment, as above | one per link |
//! | `hunt` | team | analysts × duration (`work.rs`) | finds compromised hosts of the scope, sensors or not | `hunt_started`, `hunt_completed`, `host_detected` (detail `hunt`) |
//! | `restore_host` | team | 1 analyst × restore time (× 3 rebuild) | host up, clean, reconnected; backup loses data since the last backup | `restore_started`, `host_restored`, `data_lost` |
//! | `request_assistance` / `release_assistance` | team | — | as an inject request (reason `team_request`) / the deployment ends now | `assistance_requested` / `assistance_off_task` (detail `released`) |
//! | `share_indicators` | team | — | the campaign's indicators travel to the named partners under a common agreement whose ceiling allows the TLP: by default (`via: fastest`) the fastest, one shipment per partner; `via: every_agreement` under every such agreement, one shipment per agreement to the named partners it links (doctrine's `share_on_detection`) | `indicators_shared` (one per shipment, value = its partners), later `indicators_received` per partner |
//! | `situation_report` | team | — | recorded for scoring (estimates and attribution) | `situation_reported` |
//! | `take_service_offline` / `bring_service_online` | team | — | the team's service is down until brought back | `service_switched` |
//! | `answer_inject` | team | — | recorded against the inject's expectations | `inject_answered` |
//! | `fire_inject` / `disable_inject` | EXCON | — | delivered in the coming tick / never delivered | `excon_action` (+ `inject_delivered`) |
//! | `add_inject` | EXCON | — | an ad-hoc message to a team (or all) | `excon_action` |
//! | `set_capacity` | EXCON | — | the team's analysts on shift | `team_capacity_changed` |
//! | `end_exercise` | EXCON | — | ENDEX now: the coming tick is not run | `excon_action` |
//!
//! Doctrine, the default player (`doctrine.rs`), decides in these same actions, mid-tick: its
//! `isolate_host` and `share_indicators` use the same mechanics (`isolate`,
//! `sharing::share`), its `request_assistance` the same request path (with reason
//! `policy_severity` or `policy_backlog`, and the detection as cause where there is one).
//!
//! Refusals (never a panic): an unknown id (named, with the closest ids), a seat acting outside
//! its nation, an action on a state that does not allow it (a host already isolated, indicators
//! not held, a TLP above every common agreement's ceiling, no free analyst, …).

use bevy_ecs::world::World;
use serde::{Deserialize, Serialize};

use super::assistance::{self, AssistanceBook, Step};
use super::campaigns::CampaignBook;
use super::clock::SimClock;
use super::desk::Sitrep;
use super::doctrine::{Doctrines, QueueRule, RestoreMode};
use super::events::{EventKind, EventLog, Keys};
use super::response::{Phase, ResponseBook};
use super::services::ServiceBook;
use super::sharing::Intel;
use super::state::{Catalog, Hosts, flag};
use super::work::{Task, Work, WorkBook, hunt_ticks, restore_ticks};
use crate::scenario::model::Tlp;

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seat {
    /// Exercise control (the white cell).
    Excon,
    /// A nation's national team (by nation index).
    Team(u32),
}

/// What a hunt covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// A host group id.
    Group(String),
    /// A segment id.
    Segment(String),
}

/// An inject answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Read and acknowledged.
    Acknowledged,
    /// One of the offered choices.
    Choice(String),
    /// A free-text reply.
    Text(String),
}

/// Which sharing agreements carry a `share_indicators`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// One shipment per partner, under the common agreement allowing the marking with the
    /// shortest latency (the first listed among equals); one `indicators_shared` per partner.
    #[default]
    Fastest,
    /// Every agreement of the team allowing the marking that links it with a named partner, each
    /// to the named partners it links; one `indicators_shared` per agreement (value: partners),
    /// so a partner linked twice receives twice. What doctrine's `share_on_detection` sends.
    EveryAgreement,
}

/// One decision. Ids are the scenario's (hosts by name, e.g. `EST-GOV-WS-0012`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Reorder the incident queue.
    Prioritise {
        /// Queued incident ids to take first, in this order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        incidents: Vec<u64>,
        /// A rule for the whole queue from now on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<QueueRule>,
    },
    /// Isolate a host.
    IsolateHost {
        /// Host name.
        host: String,
    },
    /// Cut a segment link.
    BlockLink {
        /// One end (a segment id).
        from: String,
        /// The other end.
        to: String,
    },
    /// Reconnect a link the team cut.
    ReconnectLink {
        /// One end.
        from: String,
        /// The other end.
        to: String,
    },
    /// Cut every link of a segment.
    IsolateSegment {
        /// Segment id.
        segment: String,
    },
    /// Reconnect every cut link of a segment.
    ReconnectSegment {
        /// Segment id.
        segment: String,
    },
    /// Hunt a scope.
    Hunt {
        /// What to hunt.
        scope: Scope,
        /// Only this campaign's compromises (id).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign: Option<String>,
        /// Analysts to put on it (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        analysts: Option<u32>,
    },
    /// Restore or rebuild a host.
    RestoreHost {
        /// Host name.
        host: String,
        /// Mode (default: the team's doctrine).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: Option<RestoreMode>,
    },
    /// Ask a provider for help.
    RequestAssistance {
        /// Provider id.
        provider: String,
    },
    /// Send a provider's team home (or withdraw the request).
    ReleaseAssistance {
        /// Provider id.
        provider: String,
    },
    /// Send a campaign's indicators.
    ShareIndicators {
        /// Campaign id.
        campaign: String,
        /// Nation ids.
        to: Vec<String>,
        /// Marking (default: the campaign's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tlp: Option<Tlp>,
        /// Which agreements carry them (default `fastest`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<Via>,
    },
    /// Report the situation to EXCON.
    SituationReport(Sitrep),
    /// Take a service offline.
    TakeServiceOffline {
        /// Service id.
        service: String,
    },
    /// Bring a service the team took offline back.
    BringServiceOnline {
        /// Service id.
        service: String,
    },
    /// Answer an inject.
    AnswerInject {
        /// Inject id.
        inject: String,
        /// The answer.
        answer: Answer,
    },
    /// EXCON: deliver an inject in the coming tick.
    FireInject {
        /// Inject id.
        inject: String,
    },
    /// EXCON: never deliver an inject.
    DisableInject {
        /// Inject id.
        inject: String,
    },
    /// EXCON: an ad-hoc inject (a message).
    AddInject {
        /// Nation id (`None`: everyone).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        /// The message.
        text: String,
    },
    /// EXCON: set a team's analysts on shift.
    SetCapacity {
        /// Nation id.
        nation: String,
        /// Analysts.
        analysts: u32,
    },
    /// EXCON: ENDEX now.
    EndExercise,
}

impl Action {
    /// The action's name (its `type`).
    pub fn name(&self) -> &'static str {
        match self {
            Action::Prioritise { .. } => "prioritise",
            Action::IsolateHost { .. } => "isolate_host",
            Action::BlockLink { .. } => "block_link",
            Action::ReconnectLink { .. } => "reconnect_link",
            Action::IsolateSegment { .. } => "isolate_segment",
            Action::ReconnectSegment { .. } => "reconnect_segment",
            Action::Hunt { .. } => "hunt",
            Action::RestoreHost { .. } => "restore_host",
            Action::RequestAssistance { .. } => "request_assistance",
            Action::ReleaseAssistance { .. } => "release_assistance",
            Action::ShareIndicators { .. } => "share_indicators",
            Action::SituationReport(_) => "situation_report",
            Action::TakeServiceOffline { .. } => "take_service_offline",
            Action::BringServiceOnline { .. } => "bring_service_online",
            Action::AnswerInject { .. } => "answer_inject",
            Action::FireInject { .. } => "fire_inject",
            Action::DisableInject { .. } => "disable_inject",
            Action::AddInject { .. } => "add_inject",
            Action::SetCapacity { .. } => "set_capacity",
            Action::EndExercise => "end_exercise",
        }
    }

    /// Whether only EXCON may take it.
    pub fn is_excon(&self) -> bool {
        matches!(
            self,
            Action::FireInject { .. }
                | Action::DisableInject { .. }
                | Action::AddInject { .. }
                | Action::SetCapacity { .. }
                | Action::EndExercise
        )
    }
}

/// What became of an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Outcome {
    /// Applied (false: refused, nothing changed).
    pub applied: bool,
    /// Why it was refused, or a note on what it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The events it logged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<u64>,
}

impl Outcome {
    fn refused(why: impl Into<String>) -> Self {
        Outcome { applied: false, note: Some(why.into()), events: Vec::new() }
    }

    fn applied(events: Vec<u64>) -> Self {
        Outcome { applied: true, note: None, events }
    }

    fn noted(events: Vec<u64>, note: String) -> Self {
        Outcome { applied: true, note: Some(note), events }
    }
}

type Refusal = String;

/// Applies `action` for `seat` at the current tick boundary.
pub fn apply(world: &mut World, seat: Seat, action: &Action) -> Outcome {
    // A team seat past the last nation is refused here: the per-nation books are indexed by it
    // (found by tests/players.rs, where it panicked in the Assistance phase or logged events for
    // a nation that does not exist).
    let nations = world.resource::<Catalog>().nations.len();
    if let Seat::Team(n) = seat
        && n as usize >= nations
    {
        return Outcome::refused(format!("no team {n}: the scenario has {nations} nation(s), numbered from 0"));
    }
    let result = match (seat, action.is_excon()) {
        (Seat::Excon, true) => super::excon::apply(world, action),
        (Seat::Team(n), false) => apply_team(world, n, action),
        (Seat::Excon, false) => Err(format!("`{}` is a team's action; EXCON cannot take it", action.name())),
        (Seat::Team(_), true) => Err(format!("`{}` is EXCON's action; a team cannot take it", action.name())),
    };
    result.unwrap_or_else(Outcome::refused)
}

fn apply_team(world: &mut World, n: u32, action: &Action) -> Result<Outcome, Refusal> {
    match action {
        Action::Prioritise { incidents, rule } => prioritise(world, n, incidents, *rule),
        Action::IsolateHost { host } => isolate_host(world, n, host),
        Action::BlockLink { from, to } => super::network::cut_link(world, n, (from, to), true),
        Action::ReconnectLink { from, to } => super::network::cut_link(world, n, (from, to), false),
        Action::IsolateSegment { segment } => super::network::cut_segment(world, n, segment, true),
        Action::ReconnectSegment { segment } => super::network::cut_segment(world, n, segment, false),
        Action::Hunt { scope, campaign, analysts } => hunt(world, n, scope, campaign.as_deref(), analysts.unwrap_or(1)),
        Action::RestoreHost { host, mode } => restore_host(world, n, host, *mode),
        Action::RequestAssistance { provider } => request_assistance(world, n, provider),
        Action::ReleaseAssistance { provider } => release_assistance(world, n, provider),
        Action::ShareIndicators { campaign, to, tlp, via } => {
            share_indicators(world, n, campaign, to, *tlp, via.unwrap_or_default())
        }
        Action::SituationReport(report) => super::desk::situation_report(world, n, report),
        Action::TakeServiceOffline { service } => switch_service(world, n, service, true),
        Action::BringServiceOnline { service } => switch_service(world, n, service, false),
        Action::AnswerInject { inject, answer } => super::desk::answer_inject(world, n, inject, answer),
        _ => Err(format!("`{}` is EXCON's action", action.name())),
    }
}

/// The closest ids to `wanted` among `ids`, for a refusal's hint.
pub(crate) fn unknown<'a>(what: &str, wanted: &str, ids: impl Iterator<Item = &'a str>) -> Refusal {
    let mut close: Vec<(usize, &str)> = ids.map(|id| (strsim::levenshtein(wanted, id), id)).collect();
    close.sort();
    let near: Vec<&str> = close.iter().take(3).filter(|(d, _)| *d <= wanted.len().max(3)).map(|&(_, id)| id).collect();
    if near.is_empty() {
        format!("unknown {what} `{wanted}`")
    } else {
        format!(
            "unknown {what} `{wanted}` (did you mean {}?)",
            near.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        )
    }
}

/// Resolves a host name `{group}-{n}` to its slot.
pub(crate) fn host_slot(cat: &Catalog, name: &str) -> Result<u32, Refusal> {
    let bad = || {
        let near = unknown(
            "host group",
            name.rsplit_once('-').map_or(name, |(g, _)| g),
            cat.groups.iter().map(|g| g.id.as_str()),
        );
        format!("unknown host `{name}`: hosts are named GROUP-NNNN, 1-based within their group ({near})")
    };
    let (group, index) = name.rsplit_once('-').ok_or_else(bad)?;
    let g = cat.groups.iter().find(|g| g.id == group).ok_or_else(bad)?;
    let k: u32 = index.parse().map_err(|_| bad())?;
    if k == 0 || k > g.count {
        return Err(format!("host `{name}`: group `{group}` has hosts 1 to {}", g.count));
    }
    Ok(g.start + k - 1)
}

/// A host of nation `n`, or why not.
fn own_host(cat: &Catalog, n: u32, name: &str) -> Result<u32, Refusal> {
    let h = host_slot(cat, name)?;
    if cat.nation_of(h) != n {
        return Err(format!(
            "host `{name}` belongs to {}, not to your nation",
            cat.nations[cat.nation_of(h) as usize].id
        ));
    }
    Ok(h)
}

/// Index of id `wanted` among `ids`, or a refusal naming the closest.
pub(crate) fn index_of<'a>(
    what: &str,
    wanted: &str,
    ids: impl Iterator<Item = &'a str> + Clone,
) -> Result<u32, Refusal> {
    ids.clone().position(|id| id == wanted).map(|i| i as u32).ok_or_else(|| unknown(what, wanted, ids))
}

/// Logs an event from outside the schedule (a decision, at the current tick boundary).
pub(crate) fn emit(world: &mut World, kind: EventKind, keys: Keys) -> u64 {
    world.resource_scope(|world, mut log: bevy_ecs::prelude::Mut<EventLog>| {
        log.emit(world.resource::<Catalog>(), world.resource::<SimClock>(), kind, keys)
    })
}

fn prioritise(world: &mut World, n: u32, incidents: &[u64], rule: Option<QueueRule>) -> Result<Outcome, Refusal> {
    if incidents.is_empty() && rule.is_none() {
        return Err("give `incidents` (queued incident ids, in the order to take them) or a `rule`".into());
    }
    let book = world.resource::<ResponseBook>();
    for &id in incidents {
        let queued = book
            .incidents
            .get((id as usize).wrapping_sub(1))
            .is_some_and(|i| i.nation == n && i.phase == Phase::Queued);
        if !queued {
            return Err(format!("incident {id} is not waiting in your queue (only queued incidents can be reordered)"));
        }
    }
    let detail = world.resource_scope(|world, mut book: bevy_ecs::prelude::Mut<ResponseBook>| {
        let cat = world.resource::<Catalog>();
        if let Some(rule) = rule {
            book.rules[n as usize] = rule;
            let mut queue: Vec<u64> = book.queues[n as usize].drain(..).collect();
            queue.sort_by_key(|&id| book.queue_key(cat, rule, id));
            book.queues[n as usize] = queue.into();
        }
        let queue = &mut book.queues[n as usize];
        for (k, &id) in incidents.iter().enumerate() {
            if let Some(at) = queue.iter().position(|&q| q == id) {
                queue.remove(at);
                queue.insert(k.min(queue.len()), id);
            }
        }
        book.rules[n as usize].name()
    });
    let ev = emit(
        world,
        EventKind::QueueReordered,
        Keys { nation: Some(n), value: Some(incidents.len() as f64), detail: Some(detail), ..Keys::default() },
    );
    Ok(Outcome::applied(vec![ev]))
}

fn isolate_host(world: &mut World, n: u32, name: &str) -> Result<Outcome, Refusal> {
    let h = own_host(world.resource::<Catalog>(), n, name)?;
    if world.resource::<Hosts>().is_isolated(h) {
        return Err(format!("host `{name}` is already isolated; restore it to bring it back"));
    }
    let events = world.resource_scope(|world, mut hosts: bevy_ecs::prelude::Mut<Hosts>| {
        world.resource_scope(|world, mut log: bevy_ecs::prelude::Mut<EventLog>| {
            isolate((world.resource::<Catalog>(), world.resource::<SimClock>()), &mut hosts, &mut log, h, None)
        })
    });
    Ok(Outcome::applied(events))
}

/// The `isolate_host` mechanics, shared by a player's action and doctrine's `isolate_at`
/// (`detection.rs`): logs `host_isolated` (caused by `cause`), isolates host `h` (contained, off
/// the network) and, if it was up, takes it down (`host_down`, detail `isolated`). The host is
/// not isolated yet (both callers check it first). Returns the events logged.
pub(crate) fn isolate(
    (cat, clock): (&Catalog, &SimClock),
    hosts: &mut Hosts,
    log: &mut EventLog,
    h: u32,
    cause: Option<u64>,
) -> Vec<u64> {
    let ev = log.emit(cat, clock, EventKind::HostIsolated, Keys { host: Some(h), cause, ..Keys::default() });
    let mut events = vec![ev];
    hosts.isolate(cat, h);
    if hosts.set_down(cat, h, true) {
        let keys = Keys { host: Some(h), cause: Some(ev), detail: Some("isolated"), ..Keys::default() };
        events.push(log.emit(cat, clock, EventKind::HostDown, keys));
    }
    events
}

fn hunt(world: &mut World, n: u32, scope: &Scope, campaign: Option<&str>, analysts: u32) -> Result<Outcome, Refusal> {
    let cat = world.resource::<Catalog>();
    let (start, end, nation) = match scope {
        Scope::Group(id) => {
            let g = &cat.groups[index_of("host group", id, cat.groups.iter().map(|g| g.id.as_str()))? as usize];
            (g.start, g.start + g.count, g.nation)
        }
        Scope::Segment(id) => {
            let s = &cat.segments[index_of("segment", id, cat.segments.iter().map(|s| s.id.as_str()))? as usize];
            (s.start, s.end, s.nation)
        }
    };
    if nation != n {
        return Err(format!(
            "that scope belongs to {}; a team hunts only its own networks",
            cat.nations[nation as usize].id
        ));
    }
    let campaign =
        campaign.map(|c| index_of("campaign", c, cat.campaigns.iter().map(|d| d.id.as_str()))).transpose()?;
    if analysts == 0 {
        return Err("`analysts` must be at least 1".into());
    }
    let free = free_analysts(world, n);
    if analysts > free {
        return Err(format!(
            "{analysts} analyst(s) asked for, {free} free this tick (the rest are on incidents or other work)"
        ));
    }
    let hosts = end - start;
    let skill = world.resource::<ResponseBook>().detect_skill(world.resource::<Catalog>(), n);
    let ticks = hunt_ticks(world.resource::<SimClock>(), hosts, analysts, skill);
    let ev = emit(
        world,
        EventKind::HuntStarted,
        Keys { nation: Some(n), campaign, value: Some(f64::from(hosts)), ..Keys::default() },
    );
    let now = world.resource::<SimClock>().tick;
    let work =
        Work { nation: n, analysts, task: Task::Hunt { start, end, campaign }, ends: 0, started: ev, done: false };
    world.resource_scope(|world, mut book: bevy_ecs::prelude::Mut<WorkBook>| {
        book.start(&mut world.resource_mut::<ResponseBook>(), now, ticks, work);
    });
    Ok(Outcome::noted(vec![ev], format!("{hosts} host(s), {analysts} analyst(s), ends in {ticks} tick(s)")))
}

/// Analysts of nation `n` not busy this tick.
pub(crate) fn free_analysts(world: &World, n: u32) -> u32 {
    let book = world.resource::<ResponseBook>();
    book.capacity(world.resource::<Catalog>(), world.resource::<SimClock>(), n).saturating_sub(book.busy[n as usize])
}

fn restore_host(world: &mut World, n: u32, name: &str, mode: Option<RestoreMode>) -> Result<Outcome, Refusal> {
    let cat = world.resource::<Catalog>();
    let h = own_host(cat, n, name)?;
    let hosts = world.resource::<Hosts>();
    if hosts.has(h, flag::DETECTED) {
        return Err(format!("host `{name}` has an open incident; its recovery phase restores it"));
    }
    if world.resource::<WorkBook>().restoring(h) {
        return Err(format!("host `{name}` is already being restored"));
    }
    if free_analysts(world, n) == 0 {
        return Err("no analyst is free this tick".into());
    }
    let mode = mode.unwrap_or(world.resource::<Doctrines>().of(n).restore);
    let (g, isolated, down) = (cat.group_of(h), hosts.is_isolated(h), hosts.has(h, flag::DOWN));
    let info = &cat.groups[g as usize];
    let skill = world.resource::<ResponseBook>().skills(cat, n).recover;
    let ticks = restore_ticks(world.resource::<SimClock>(), info.restore_secs, mode, skill);
    let lost = if mode == RestoreMode::Backup && (isolated || !down) {
        info.destroyed_mb(world.resource::<SimClock>().now_s())
    } else {
        0.0
    };
    let ev =
        emit(world, EventKind::RestoreStarted, Keys { host: Some(h), detail: Some(mode.name()), ..Keys::default() });
    let mut events = vec![ev];
    if lost > 0.0 {
        events.push(emit(
            world,
            EventKind::DataLost,
            Keys { host: Some(h), cause: Some(ev), value: Some(lost), detail: Some("restore"), ..Keys::default() },
        ));
    }
    let now = world.resource::<SimClock>().tick;
    let work =
        Work { nation: n, analysts: 1, task: Task::Restore { host: h, mode }, ends: 0, started: ev, done: false };
    world.resource_scope(|world, mut book: bevy_ecs::prelude::Mut<WorkBook>| {
        book.start(&mut world.resource_mut::<ResponseBook>(), now, ticks, work);
    });
    Ok(Outcome::noted(events, format!("back in {ticks} tick(s)")))
}

fn provider_index(world: &World, id: &str) -> Result<u32, Refusal> {
    let cat = world.resource::<Catalog>();
    index_of("provider", id, cat.providers.iter().map(String::as_str))
}

fn request_assistance(world: &mut World, n: u32, provider: &str) -> Result<Outcome, Refusal> {
    let p = provider_index(world, provider)?;
    if !world.resource::<AssistanceBook>().serves(p, n) {
        return Err(format!("`{provider}` does not serve your nation"));
    }
    world.resource_mut::<AssistanceBook>().team_requests.push((n, p));
    Ok(Outcome::noted(
        Vec::new(),
        "placed in the Assistance phase of the coming tick (or recorded as unavailable)".into(),
    ))
}

fn release_assistance(world: &mut World, n: u32, provider: &str) -> Result<Outcome, Refusal> {
    let p = provider_index(world, provider)?;
    let book = world.resource::<AssistanceBook>();
    let Some(d) = book.deployments.iter().rposition(|d| d.nation == n && d.provider == p && d.step != Step::OffTask)
    else {
        return Err(format!("no deployment of `{provider}` is running for your nation"));
    };
    let cause = book.deployments[d].last_event;
    let ev = world.resource_scope(|world, mut book: bevy_ecs::prelude::Mut<AssistanceBook>| {
        world.resource_scope(|world, mut response: bevy_ecs::prelude::Mut<ResponseBook>| {
            world.resource_scope(|world, mut log: bevy_ecs::prelude::Mut<EventLog>| {
                let (cat, clock) = (world.resource::<Catalog>(), world.resource::<SimClock>());
                assistance::release(&mut book, &mut response, (cat, clock, &mut log), d as u32, cause)
            })
        })
    });
    Ok(Outcome::applied(ev.into_iter().collect()))
}

fn share_indicators(
    world: &mut World,
    n: u32,
    campaign: &str,
    to: &[String],
    tlp: Option<Tlp>,
    via: Via,
) -> Result<Outcome, Refusal> {
    let cat = world.resource::<Catalog>();
    let c = index_of("campaign", campaign, cat.campaigns.iter().map(|d| d.id.as_str()))?;
    let marking = cat.campaigns[c as usize].tlp;
    let tlp = tlp.unwrap_or(marking);
    if tlp < marking {
        return Err(format!(
            "`{campaign}`'s indicators are marked {marking:?}; sharing them as {tlp:?} would lower the marking"
        ));
    }
    let intel = world.resource::<Intel>();
    if !intel.holds(n, c) {
        return Err(format!("your team does not hold `{campaign}`'s indicators (detect it, or receive them)"));
    }
    if to.is_empty() {
        return Err("name at least one nation in `to`".into());
    }
    let mut partners = Vec::new();
    for id in to {
        let m = index_of("nation", id, cat.nations.iter().map(|x| x.id.as_str()))?;
        if m == n {
            return Err("a team cannot share with its own nation".into());
        }
        if intel.fastest(n, m, tlp).is_none() {
            if !intel.agreements.iter().any(|a| a.links(n, m)) {
                return Err(format!("no sharing agreement links your nation with {id}"));
            }
            return Err(format!("{tlp:?} is above the ceiling of every agreement with {id}"));
        }
        partners.push(m);
    }
    let events = world.resource_scope(|world, mut intel: bevy_ecs::prelude::Mut<Intel>| {
        world.resource_scope(|world, mut log: bevy_ecs::prelude::Mut<EventLog>| {
            let ctx = (world.resource::<Catalog>(), world.resource::<SimClock>(), &mut *log);
            super::sharing::share(&mut intel, ctx, (n, c, tlp), &partners, via, None)
        })
    });
    Ok(Outcome::applied(events))
}

fn switch_service(world: &mut World, n: u32, id: &str, offline: bool) -> Result<Outcome, Refusal> {
    let cat = world.resource::<Catalog>();
    let s = index_of("service", id, cat.services.iter().map(String::as_str))?;
    let book = world.resource::<ServiceBook>();
    if book.defs[s as usize].nation != n {
        return Err(format!("service `{id}` is not your nation's"));
    }
    if book.offline[s as usize] == offline {
        return Err(format!(
            "service `{id}` is already {}",
            if offline { "offline" } else { "online (as far as your team is concerned)" }
        ));
    }
    let mut book = world.resource_mut::<ServiceBook>();
    book.offline[s as usize] = offline;
    book.dirty = true;
    let detail = if offline { "offline" } else { "online" };
    let ev = emit(
        world,
        EventKind::ServiceSwitched,
        Keys { nation: Some(n), service: Some(s), detail: Some(detail), ..Keys::default() },
    );
    Ok(Outcome::applied(vec![ev]))
}

/// The world's blocked-link flags, allocated on first use.
pub(crate) fn blocked_links(world: &mut World) -> bevy_ecs::prelude::Mut<'_, CampaignBook> {
    let len = world.resource::<Catalog>().link_ends.len();
    let mut book = world.resource_mut::<CampaignBook>();
    if book.blocked.is_empty() {
        book.blocked = vec![false; len];
    }
    book
}

#[cfg(test)]
#[path = "actions_tests.rs"]
mod tests;
