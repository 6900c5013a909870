//! Owns the per-seat views (fog of war): what a team can know at a tick boundary, and EXCON's
//! view of everything.
//!
//! A team sees its own incidents (so only compromises it has detected), its hosts that it has
//! isolated, is restoring or that are down (an outage is visible to the users), its segments'
//! links and which it cut, its services' status, the injects delivered to it (or to all), the
//! ad-hoc injects sent to it, the indicators it holds, its assistance and its analysts. Nothing
//! in a team view names an undetected compromise, another nation's hosts, incidents, links,
//! services, holdings or assistance. EXCON sees every team's view plus the ground truth: each
//! campaign's compromised hosts and the MSEL, planned against delivered. Building a team view
//! costs O(its incidents + its hosts listed + its segments and services); EXCON's also scans the
//! host states once.

use bevy_ecs::world::World;
use serde::Serialize;

use super::actions::Seat;
use super::assistance::{AssistanceBook, Step};
use super::campaigns::CampaignBook;
use super::clock::SimClock;
use super::desk::Desk;
use super::injects::InjectBook;
use super::response::{Phase, ResponseBook};
use super::services::ServiceBook;
use super::sharing::Intel;
use super::state::{Catalog, Hosts, flag};
use super::work::{Task, WorkBook};

/// What one seat sees.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct View {
    /// The next tick to run.
    pub tick: u64,
    /// Scenario seconds since STARTEX at that tick.
    pub time_s: u64,
    /// Ticks in the exercise (ENDEX).
    pub endex_tick: u64,
    /// The team views this seat may read (one for a team, all for EXCON).
    pub teams: Vec<TeamView>,
    /// Ground truth, for EXCON only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truth: Option<Truth>,
}

/// A national team's view.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TeamView {
    /// Nation id.
    pub nation: String,
    /// Team id.
    pub team: String,
    /// Analysts on shift this tick (with assistance), busy, free.
    pub analysts: Analysts,
    /// Open incidents, queue order first, then those in work by id.
    pub incidents: Vec<IncidentView>,
    /// Hosts the team has isolated, is restoring, or sees down.
    pub hosts: Vec<HostView>,
    /// Its segments and their links.
    pub segments: Vec<SegmentView>,
    /// Its services.
    pub services: Vec<ServiceView>,
    /// Injects delivered to it (or to every nation): (inject id, tick).
    pub inbox: Vec<InboxItem>,
    /// Ad-hoc injects from EXCON to it (or to all).
    pub messages: Vec<Message>,
    /// Campaign ids whose indicators it holds.
    pub indicators: Vec<String>,
    /// Its assistance requests and deployments.
    pub assistance: Vec<AssistanceView>,
    /// Hunts and restores under way.
    pub work: Vec<WorkView>,
}

/// Analysts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Analysts {
    /// On shift, with assistance on task.
    pub capacity: u32,
    /// On incidents or work.
    pub busy: u32,
}

/// An open incident.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IncidentView {
    /// Incident id.
    pub id: u64,
    /// Host name.
    pub host: String,
    /// Host group.
    pub group: String,
    /// Campaign id (the activity the alert was attributed to by its indicators).
    pub campaign: String,
    /// Phase: `queued`, `triage`, `containment`, `eradication`, `recovery`.
    pub phase: &'static str,
}

/// A host the team knows something about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HostView {
    /// Host name.
    pub host: String,
    /// Isolated by the team.
    pub isolated: bool,
    /// Down (unavailable to users).
    pub down: bool,
    /// Being restored.
    pub restoring: bool,
}

/// A segment and its links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SegmentView {
    /// Segment id.
    pub id: String,
    /// Linked segments: (id, cut).
    pub links: Vec<LinkView>,
}

/// One link end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LinkView {
    /// The segment at the other end.
    pub to: String,
    /// Cut (either direction).
    pub cut: bool,
}

/// A service's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ServiceView {
    /// Service id.
    pub id: String,
    /// Up.
    pub up: bool,
    /// Taken offline by the team.
    pub offline: bool,
    /// Lost a dependency across a cut link.
    pub severed: bool,
}

/// A delivered inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct InboxItem {
    /// Inject id.
    pub inject: String,
    /// Tick delivered.
    pub tick: u64,
    /// Answered by the team.
    pub answered: bool,
}

/// An ad-hoc inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Message {
    /// Tick sent.
    pub tick: u64,
    /// Text.
    pub text: String,
}

/// An assistance request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AssistanceView {
    /// Provider id.
    pub provider: String,
    /// `requested`, `approved`, `on_task`, `off_task`.
    pub step: &'static str,
    /// Tick requested.
    pub requested: u64,
}

/// Work under way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WorkView {
    /// `hunt` or `restore`.
    pub kind: &'static str,
    /// Analysts held.
    pub analysts: u32,
    /// Tick it ends in.
    pub ends: u64,
}

/// EXCON's ground truth.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Truth {
    /// Per campaign.
    pub campaigns: Vec<CampaignTruth>,
    /// The MSEL, planned against delivered.
    pub msel: Vec<MselItem>,
}

/// A campaign's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CampaignTruth {
    /// Campaign id.
    pub id: String,
    /// Tick started.
    pub started: Option<u64>,
    /// Hosts compromised now.
    pub compromised: u64,
    /// Of those, detected.
    pub detected: u64,
}

/// An MSEL inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MselItem {
    /// Inject id.
    pub id: String,
    /// Planned tick, for a timed inject.
    pub planned: Option<u64>,
    /// Tick delivered.
    pub delivered: Option<u64>,
    /// Disabled by EXCON.
    pub disabled: bool,
}

/// Builds the view of `seat`.
pub fn build(world: &World, seat: Seat) -> View {
    let clock = world.resource::<SimClock>();
    let cat = world.resource::<Catalog>();
    let teams = match seat {
        Seat::Team(n) => vec![team_view(world, n)],
        Seat::Excon => (0..cat.nations.len() as u32).map(|n| team_view(world, n)).collect(),
    };
    let truth = (seat == Seat::Excon).then(|| truth(world));
    View { tick: clock.tick, time_s: clock.now_s(), endex_tick: clock.n_ticks, teams, truth }
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Queued => "queued",
        Phase::Triage => "triage",
        Phase::Containment => "containment",
        Phase::Eradication => "eradication",
        Phase::Recovery => "recovery",
        Phase::Closed => "closed",
    }
}

fn team_view(world: &World, n: u32) -> TeamView {
    let cat = world.resource::<Catalog>();
    let nation = &cat.nations[n as usize];
    let response = world.resource::<ResponseBook>();
    let capacity = response.capacity(cat, world.resource::<SimClock>(), n);
    TeamView {
        nation: nation.id.clone(),
        team: nation.team_id.clone(),
        analysts: Analysts { capacity, busy: response.busy[n as usize] },
        incidents: incidents(cat, response, n),
        hosts: hosts(world, n),
        segments: segments(world, n),
        services: services(world, n),
        inbox: inbox(world, n),
        messages: messages(world, n),
        indicators: indicators(world, n),
        assistance: assistance(world, n),
        work: work(world, n),
    }
}

fn incidents(cat: &Catalog, book: &ResponseBook, n: u32) -> Vec<IncidentView> {
    let view = |id: u64| {
        let inc = &book.incidents[(id - 1) as usize];
        IncidentView {
            id,
            host: cat.host_name_in(inc.group, inc.host),
            group: cat.groups[inc.group as usize].id.clone(),
            campaign: cat.campaigns[inc.campaign as usize].id.clone(),
            phase: phase_name(inc.phase),
        }
    };
    let mut out: Vec<IncidentView> = book.queues[n as usize].iter().map(|&id| view(id)).collect();
    let in_work = book
        .incidents
        .iter()
        .enumerate()
        .filter(|(_, i)| i.nation == n && !matches!(i.phase, Phase::Queued | Phase::Closed));
    out.extend(in_work.map(|(k, _)| view(k as u64 + 1)).collect::<Vec<_>>());
    out
}

fn hosts(world: &World, n: u32) -> Vec<HostView> {
    let cat = world.resource::<Catalog>();
    let hosts = world.resource::<Hosts>();
    let work = world.resource::<WorkBook>();
    let restoring: Vec<u32> = work
        .items
        .iter()
        .filter_map(|w| match w.task {
            Task::Restore { host, .. } if !w.done => Some(host),
            _ => None,
        })
        .collect();
    let mut slots: Vec<u32> = hosts.isolated().chain(restoring.iter().copied()).collect();
    // Down hosts: only groups with any down host are scanned.
    for (g, info) in cat.groups.iter().enumerate().filter(|(_, i)| i.nation == n) {
        if hosts.group_down[g] > 0 {
            slots.extend((info.start..info.start + info.count).filter(|&h| hosts.has(h, flag::DOWN)));
        }
    }
    slots.retain(|&h| cat.nation_of(h) == n);
    slots.sort_unstable();
    slots.dedup();
    slots
        .into_iter()
        .map(|h| HostView {
            host: cat.host_name(h),
            isolated: hosts.is_isolated(h),
            down: hosts.has(h, flag::DOWN),
            restoring: restoring.contains(&h),
        })
        .collect()
}

fn segments(world: &World, n: u32) -> Vec<SegmentView> {
    let cat = world.resource::<Catalog>();
    let book = world.resource::<CampaignBook>();
    let own = cat.segments.iter().enumerate().filter(|(_, s)| s.nation == n);
    own.map(|(s, info)| {
        let base = cat.link_offsets[s] as usize;
        let links = cat.links(s as u32).iter().enumerate().filter(|(_, l)| l.to as usize != s);
        SegmentView {
            id: info.id.clone(),
            links: links
                .map(|(i, l)| LinkView { to: cat.segments[l.to as usize].id.clone(), cut: book.is_blocked(base + i) })
                .collect(),
        }
    })
    .collect()
}

fn services(world: &World, n: u32) -> Vec<ServiceView> {
    let cat = world.resource::<Catalog>();
    let book = world.resource::<ServiceBook>();
    let own = book.defs.iter().enumerate().filter(|(_, d)| d.nation == n);
    own.map(|(i, _)| ServiceView {
        id: cat.services[i].clone(),
        up: book.up[i],
        offline: book.offline[i],
        severed: book.severed[i],
    })
    .collect()
}

fn inbox(world: &World, n: u32) -> Vec<InboxItem> {
    let cat = world.resource::<Catalog>();
    let book = world.resource::<InjectBook>();
    let desk = world.resource::<Desk>();
    let mine = book.delivered.iter().filter(|&&(i, _, _)| book.defs[i as usize].to_nation.is_none_or(|t| t == n));
    mine.map(|&(i, tick, _)| InboxItem {
        inject: cat.injects[i as usize].clone(),
        tick,
        answered: desk.answers.iter().any(|a| a.nation == Some(n) && a.body.0 == i),
    })
    .collect()
}

fn messages(world: &World, n: u32) -> Vec<Message> {
    let desk = world.resource::<Desk>();
    let mine = desk.adhoc.iter().filter(|m| m.nation.is_none_or(|t| t == n));
    mine.map(|m| Message { tick: m.tick, text: m.body.clone() }).collect()
}

fn indicators(world: &World, n: u32) -> Vec<String> {
    let cat = world.resource::<Catalog>();
    let intel = world.resource::<Intel>();
    (0..cat.campaigns.len() as u32)
        .filter(|&c| intel.holds(n, c))
        .map(|c| cat.campaigns[c as usize].id.clone())
        .collect()
}

fn assistance(world: &World, n: u32) -> Vec<AssistanceView> {
    let cat = world.resource::<Catalog>();
    let book = world.resource::<AssistanceBook>();
    let step = |s: Step| match s {
        Step::Requested => "requested",
        Step::Approved => "approved",
        Step::OnTask => "on_task",
        Step::OffTask => "off_task",
    };
    let mine = book.deployments.iter().filter(|d| d.nation == n);
    mine.map(|d| AssistanceView {
        provider: cat.providers[d.provider as usize].clone(),
        step: step(d.step),
        requested: d.requested,
    })
    .collect()
}

fn work(world: &World, n: u32) -> Vec<WorkView> {
    let book = world.resource::<WorkBook>();
    let mine = book.items.iter().filter(|w| w.nation == n && !w.done);
    mine.map(|w| WorkView {
        kind: if matches!(w.task, Task::Hunt { .. }) { "hunt" } else { "restore" },
        analysts: w.analysts,
        ends: w.ends,
    })
    .collect()
}

fn truth(world: &World) -> Truth {
    let cat = world.resource::<Catalog>();
    let hosts = world.resource::<Hosts>();
    let book = world.resource::<CampaignBook>();
    let mut counts = vec![(0u64, 0u64); cat.campaigns.len()];
    for h in 0..hosts.len() as u32 {
        let st = hosts.get(h);
        if st.flags & flag::COMPROMISED != 0 {
            let c = &mut counts[st.campaign as usize];
            c.0 += 1;
            c.1 += u64::from(st.flags & flag::DETECTED != 0);
        }
    }
    let campaigns = cat.campaigns.iter().enumerate().map(|(c, d)| CampaignTruth {
        id: d.id.clone(),
        started: book.started[c],
        compromised: counts[c].0,
        detected: counts[c].1,
    });
    let injects = world.resource::<InjectBook>();
    let msel = cat.injects.iter().enumerate().map(|(i, id)| MselItem {
        id: id.clone(),
        planned: injects.defs[i].at_tick,
        delivered: injects.delivered.iter().find(|d| d.0 == i as u32).map(|d| d.1),
        disabled: injects.disabled[i],
    });
    Truth { campaigns: campaigns.collect(), msel: msel.collect() }
}
