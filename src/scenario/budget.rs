//! Owns the work budget: an upper bound of one run's work and peak memory, worked out from a
//! validated scenario before anything is allocated, and the limits (`--budget work=…`,
//! `--budget memory=…`) it is checked against.
//!
//! # Cost model
//! The engine's cost grows with activity, never with idle hosts (`sim/mod.rs`, "Cost"): per-host
//! arrays are allocated zeroed and stay untouched until a host takes part. So the estimate counts
//! only what can take part:
//!
//! * **hosts at risk**: the hosts a campaign can ever hold. A campaign with a lateral stage can
//!   reach every host of its entry segments (`reach: segment`) or of every segment linked to them
//!   through links that do not block (`filtering < 1`, followed transitively; `reach: linked`); one
//!   without can hold only its entry (`footholds`, or `fraction` of each entry group). Union over
//!   campaigns, at most the exercise's hosts.
//! * **re-compromises**: a host is compromised again only after its incident is recovered; each
//!   analyst works one incident at a time through four phases of at least one tick each, so the
//!   recoveries are at most `capacity × ⌈ticks / 4⌉` (capacity: every team's analysts, every
//!   positive `team_capacity` inject and every provider's `size × max_concurrent`) and at most
//!   `hosts at risk × ⌈ticks / 5⌉` (compromise, detection, then four phases).
//! * **host-ticks**: every tick, Detection visits each compromised host not yet detected, so at
//!   most `hosts at risk × ticks` visits.
//! * **attempts**: a compromised host attempts its current stage once per cadence draw until its
//!   chain is done or it is contained, so at most `⌈ticks / shortest cadence⌉` per host at risk.
//! * **events** beyond a compromise and its first stage: each later stage completes at most once
//!   per compromise (and at most once per attempt); each nation's first detection of a campaign
//!   sends one shipment per agreement it belongs to and one arrival per partner, so at most
//!   `campaigns × Σ agreements m × m` for agreements of `m` nations.
//! * **service passes**: Services re-evaluates every service (its `runs_on` groups and
//!   `depends_on` services) in a tick where a host went down or up or an outage began or ended, so
//!   at most `min(ticks, 3 × compromises + inject effects)` passes over `Σ services (runs_on +
//!   depends_on + 1)` entries.
//! * **generated links**: a segment's `topology` is built in full before the first tick (two
//!   passes over its links, CSR: two 4-byte entries per link and one per host), whoever it
//!   reaches; and a compromised host of such a network scans its neighbours at each attempt, so
//!   at most `⌈ticks / shortest cadence⌉ × 2 × links` neighbour checks.
//! * **ticks**: every tick runs the schedule once, even when nothing happens.
//!
//! Work is in units of about one microsecond of the reference machine (2 vCPU, release build),
//! memory in bytes; the per-unit constants below were measured with `/usr/bin/time` on the
//! hostile inputs of `tests/hardening.rs` (see `docs/hardening.md`, "Work budgets"). The bounds
//! are loose for scenarios whose attacks mostly fail (they assume every reachable host falls);
//! the default limits leave room for every bundled scenario.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Delay, DelayDistribution, InjectEffect, Reach, Scenario, ceil_fraction_of};

/// Work of one tick of the schedule with nothing to do, in work units (≈ µs): 4.9 M idle ticks
/// ran in 3.97 s.
pub const WORK_PER_TICK: f64 = 0.8;
/// Work of one Detection visit of a compromised, undetected host: 100,000 hosts no draw can find
/// (sensors, detect skill 0) held for 14,400 ticks (1.44 × 10⁹ visits) ran in 16.9 s, 1,440
/// ticks in 2.7 s: 11 ns a visit.
pub const WORK_PER_HOST_TICK: f64 = 0.011;
/// Work of one stage attempt: a 100,000-host worm attempting every tick for 1,440 ticks
/// (1.44 × 10⁸ attempts) ran in 5.9 s, of which 1.1 s were its compromises.
pub const WORK_PER_ATTEMPT: f64 = 0.035;
/// Work of one service entry (`runs_on` group or `depends_on` service) in a Services pass: an
/// array read and a comparison, taken as 3 ns (not measured apart).
pub const WORK_PER_SERVICE_ENTRY: f64 = 0.003;
/// Work of one compromise with its events, incident and assessment: 22 µs per host for a
/// 1,000,000-host worm (11 µs at 100,000; the assessment grows a little faster than linearly).
pub const WORK_PER_COMPROMISE: f64 = 25.0;
/// Work of one more event (an indicator shipment or arrival, a stage completed beyond a
/// compromise's first) with its assessment: 8 M indicator events ran in 29.5 s.
pub const WORK_PER_EVENT: f64 = 4.0;
/// Memory of one compromise with its events, records and assessment: 2.48 GB for a 1,000,000-host
/// worm, 255 MB for 100,000.
pub const BYTES_PER_COMPROMISE: u64 = 2_600;
/// Memory of one more event: 8 M indicator events peaked at 3.96 GB; 20,000 compromises with 49
/// later stages each (10⁶ events) at 643 MB.
pub const BYTES_PER_EVENT: u64 = 600;
/// Work of building one generated link (CSR, both passes): 50 M links over 10 M hosts were
/// generated and run for one tick in 16.4 s.
pub const WORK_PER_LINK: f64 = 0.33;
/// Work of one neighbour check by a lateral attempt in a generated network (a bitmap test and a
/// draw; assumed, not measured apart).
pub const WORK_PER_NEIGHBOUR_CHECK: f64 = 0.005;
/// Memory of one generated link: two 4-byte CSR entries, plus the host's offset (476 MB for 50 M
/// links over 10 M hosts).
pub const BYTES_PER_LINK: u64 = 10;
/// Memory of a run that does nothing: the binary, the scenario, the world.
pub const BASE_BYTES: u64 = 16 << 20;

/// Default work limit: 300,000,000 units, about five minutes of the reference machine.
pub const DEFAULT_WORK: u64 = 300_000_000;
/// Default memory limit: 4 GiB.
pub const DEFAULT_MEMORY: u64 = 4 << 30;

/// An upper bound of one run's cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Estimate {
    /// Ticks in the run.
    pub ticks: u64,
    /// Hosts some campaign can hold.
    pub hosts_at_risk: u64,
    /// Compromises, first ones and re-compromises.
    pub compromises: u64,
    /// Detection visits of compromised, undetected hosts.
    pub host_ticks: u64,
    /// Stage attempts.
    pub attempts: u64,
    /// Service entries evaluated over the run's Services passes.
    pub service_entries: u64,
    /// Events beyond a compromise and its first stage: later stages, indicator shipments and
    /// arrivals.
    pub events: u64,
    /// Links of the generated networks (`topology`), expected.
    pub links: u64,
    /// Neighbour checks by lateral attempts in generated networks.
    pub neighbour_checks: u64,
    /// Work units (≈ µs of the reference machine).
    pub work: u64,
    /// Peak memory, bytes.
    pub memory: u64,
}

/// The limits a run's [`Estimate`] must stay within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Most work units.
    pub work: u64,
    /// Most bytes.
    pub memory: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { work: DEFAULT_WORK, memory: DEFAULT_MEMORY }
    }
}

/// A budget the estimate exceeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// `work` or `memory`.
    pub budget: &'static str,
    /// The estimate, as written for people.
    pub estimate: String,
    /// The limit, as written for people.
    pub limit: String,
    /// The `--budget` option that would let the run go ahead.
    pub raise: String,
}

impl Budget {
    /// Applies one `--budget KIND=LIMIT` word: `work=600000000`, `memory=8GiB`.
    pub fn set(&mut self, word: &str) -> Result<(), String> {
        let Some((kind, value)) = word.split_once('=') else {
            return Err(format!("`{word}` is not KIND=LIMIT; write e.g. `work=600000000` or `memory=8GiB`"));
        };
        match kind.trim() {
            "work" => {
                self.work = parse_count(value.trim())
                    .ok_or_else(|| format!("`{value}` is not a count of work units; write e.g. `work=600000000`"))?
            }
            "memory" => {
                self.memory = parse_bytes(value.trim()).ok_or_else(|| {
                    format!("`{value}` is not a size; write e.g. `memory=8GiB`, `512MiB` or a number of bytes")
                })?
            }
            other => return Err(format!("unknown budget `{other}`; the budgets are `work` and `memory`")),
        }
        Ok(())
    }

    /// Every budget `e` exceeds (work, then memory); none when it fits.
    pub fn check(&self, e: &Estimate) -> Result<(), Vec<Exceeded>> {
        let mut over = Vec::new();
        if e.work > self.work {
            over.push(Exceeded {
                budget: "work",
                estimate: format!("{} work units", crate::fmt::thousands(e.work)),
                limit: format!("{} units", crate::fmt::thousands(self.work)),
                raise: format!("--budget work={}", round_up(e.work)),
            });
        }
        if e.memory > self.memory {
            over.push(Exceeded {
                budget: "memory",
                estimate: bytes_text(e.memory),
                limit: bytes_text(self.memory),
                raise: format!("--budget memory={}GiB", e.memory.div_ceil(1 << 30)),
            });
        }
        if over.is_empty() { Ok(()) } else { Err(over) }
    }
}

/// `n` rounded up to two significant digits (a limit to suggest).
fn round_up(n: u64) -> u64 {
    let mut unit = 1u64;
    while n / unit >= 100 {
        unit = unit.saturating_mul(10);
    }
    n.div_ceil(unit).saturating_mul(unit)
}

fn parse_count(s: &str) -> Option<u64> {
    s.replace('_', "").parse().ok()
}

/// A size: bytes, or a number with `KiB`, `MiB`, `GiB`, `TiB` (or `K`, `M`, `G`, `T`, the same).
fn parse_bytes(s: &str) -> Option<u64> {
    let digits = s.find(|c: char| !c.is_ascii_digit() && c != '_').unwrap_or(s.len());
    let n: u64 = parse_count(&s[..digits])?;
    let shift = match s[digits..].trim() {
        "" | "B" => 0,
        "K" | "KiB" => 10,
        "M" | "MiB" => 20,
        "G" | "GiB" => 30,
        "T" | "TiB" => 40,
        _ => return None,
    };
    n.checked_mul(1 << shift)
}

/// Bytes for people: `2.4 GiB`, `310 MiB`.
pub fn bytes_text(b: u64) -> String {
    let gib = b as f64 / f64::from(1u32 << 30);
    if gib >= 1.0 { format!("{gib:.1} GiB") } else { format!("{} MiB", b.div_ceil(1 << 20)) }
}

/// The upper bound of one run of `s` (validated: unknown ids are ignored, not trusted).
pub fn estimate(s: &Scenario) -> Estimate {
    let tick = s.clock.tick.secs().max(1);
    let ticks = s.clock.duration.secs() / tick;
    let hosts_at_risk = hosts_at_risk(s);
    let capacity = capacity(s);
    let recoveries = hosts_at_risk.saturating_mul(ticks.div_ceil(5)).min(capacity.saturating_mul(ticks.div_ceil(4)));
    let compromises = hosts_at_risk.saturating_add(recoveries);
    let attempts = hosts_at_risk.saturating_mul(ticks.div_ceil(shortest_cadence(s, tick))).saturating_add(compromises);
    let longest_chain = s.campaigns.iter().map(|c| c.stages.len() as u64).max().unwrap_or(0);
    let later_stages = compromises.saturating_mul(longest_chain.saturating_sub(1)).min(attempts);
    let events = later_stages.saturating_add(indicator_events(s));
    let host_ticks = hosts_at_risk.saturating_mul(ticks);
    let service_entries = service_entries(s, ticks, compromises);
    let links = generated_links(s);
    let neighbour_checks = ticks.div_ceil(shortest_cadence(s, tick)).saturating_mul(links.saturating_mul(2));
    let work = ticks as f64 * WORK_PER_TICK
        + host_ticks as f64 * WORK_PER_HOST_TICK
        + service_entries as f64 * WORK_PER_SERVICE_ENTRY
        + attempts as f64 * WORK_PER_ATTEMPT
        + compromises as f64 * WORK_PER_COMPROMISE
        + events as f64 * WORK_PER_EVENT
        + links as f64 * WORK_PER_LINK
        + neighbour_checks as f64 * WORK_PER_NEIGHBOUR_CHECK;
    let memory = BASE_BYTES
        .saturating_add(links.saturating_mul(BYTES_PER_LINK))
        .saturating_add(compromises.saturating_mul(BYTES_PER_COMPROMISE))
        .saturating_add(events.saturating_mul(BYTES_PER_EVENT));
    Estimate {
        ticks,
        hosts_at_risk,
        compromises,
        host_ticks,
        attempts,
        service_entries,
        events,
        links,
        neighbour_checks,
        work: work.min(u64::MAX as f64) as u64,
        memory,
    }
}

/// The hosts some campaign can hold (see the module doc).
fn hosts_at_risk(s: &Scenario) -> u64 {
    // Segments in scenario order with their hosts; groups → (segment, count).
    let mut segment_at: BTreeMap<&str, usize> = BTreeMap::new();
    let mut segment_hosts: Vec<u64> = Vec::new();
    let mut group_at: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for seg in s.nations.iter().flat_map(|n| &n.segments) {
        let i = segment_hosts.len();
        segment_at.insert(&seg.id, i);
        segment_hosts.push(seg.host_groups.iter().fold(0u64, |a, g| a.saturating_add(g.count)));
        for g in &seg.host_groups {
            group_at.insert(&g.id, (i, g.count));
        }
    }
    let mut adjacency: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for l in s.links.iter().filter(|l| l.between.len() == 2 && l.filtering < 1.0) {
        if let (Some(&a), Some(&b)) = (segment_at.get(l.between[0].as_str()), segment_at.get(l.between[1].as_str())) {
            adjacency.entry(a).or_default().push(b);
            adjacency.entry(b).or_default().push(a);
        }
    }
    let mut whole: BTreeSet<usize> = BTreeSet::new();
    let mut entry_only: BTreeMap<&str, u64> = BTreeMap::new();
    for c in &s.campaigns {
        let groups: Vec<(&str, usize, u64)> = c
            .entry
            .host_groups
            .iter()
            .filter_map(|g| group_at.get(g.as_str()).map(|&(seg, n)| (g.as_str(), seg, n)))
            .collect();
        let reach =
            c.stages.iter().filter_map(|st| st.lateral.as_ref()).map(|l| l.reach).max_by_key(|r| *r == Reach::Linked);
        match reach {
            Some(reach) => {
                // This campaign's segments (another campaign's may stop short of its links).
                let mut seen: BTreeSet<usize> = BTreeSet::new();
                let mut frontier: Vec<usize> = groups.iter().map(|&(_, seg, _)| seg).collect();
                while let Some(at) = frontier.pop() {
                    if seen.insert(at) && reach == Reach::Linked {
                        frontier.extend(adjacency.get(&at).into_iter().flatten().filter(|to| !seen.contains(to)));
                    }
                }
                whole.extend(seen);
            }
            None => {
                let mut footholds = c.entry.footholds;
                for &(g, _, n) in &groups {
                    let held = match c.entry.fraction {
                        Some(f) => ceil_fraction_of(f, n),
                        None => n.min(footholds),
                    };
                    footholds -= held.min(footholds);
                    let e = entry_only.entry(g).or_default();
                    *e = e.saturating_add(held).min(n);
                }
            }
        }
    }
    let mut total = whole.iter().fold(0u64, |a, &seg| a.saturating_add(segment_hosts[seg]));
    for (g, n) in entry_only {
        if group_at.get(g).is_some_and(|(seg, _)| !whole.contains(seg)) {
            total = total.saturating_add(n);
        }
    }
    total
}

/// Links of every generated network, expected (`Topology::links_over` of the segment's hosts).
fn generated_links(s: &Scenario) -> u64 {
    let segments = s.nations.iter().flat_map(|n| &n.segments);
    segments.filter_map(|seg| seg.topology.as_ref().map(|t| (t, seg))).fold(0u64, |a, (t, seg)| {
        let hosts = seg.host_groups.iter().fold(0u64, |h, g| h.saturating_add(g.count));
        a.saturating_add(t.links_over(hosts).ceil().min(u64::MAX as f64) as u64)
    })
}

/// Service entries evaluated over the run (see the module doc).
fn service_entries(s: &Scenario, ticks: u64, compromises: u64) -> u64 {
    let services = s.nations.iter().flat_map(|n| &n.services);
    let size = services.fold(0u64, |a, v| a.saturating_add(v.runs_on.len() as u64 + v.depends_on.len() as u64 + 1));
    let effects = s.msel.iter().map(|i| i.effects.len() as u64).fold(0u64, u64::saturating_add);
    let passes = ticks.min(compromises.saturating_mul(3).saturating_add(effects));
    passes.saturating_mul(size)
}

/// Analysts that can work incidents at once, at most.
fn capacity(s: &Scenario) -> u64 {
    let teams = s.nations.iter().fold(0u64, |a, n| a.saturating_add(u64::from(n.team.analysts)));
    let injects = s.msel.iter().flat_map(|i| &i.effects).fold(0u64, |a, e| match e {
        InjectEffect::TeamCapacity { analysts, .. } if *analysts > 0 => a.saturating_add(*analysts as u64),
        _ => a,
    });
    let providers = s
        .assistance
        .iter()
        .fold(0u64, |a, p| a.saturating_add(u64::from(p.size).saturating_mul(u64::from(p.max_concurrent))));
    teams.saturating_add(injects).saturating_add(providers)
}

/// The shortest time between two attempts of one host, in ticks (at least 1).
fn shortest_cadence(s: &Scenario, tick: u64) -> u64 {
    let ticks = |secs: u64| secs.div_ceil(tick).max(1);
    s.campaigns
        .iter()
        .flat_map(|c| &c.stages)
        .map(|st| match st.cadence {
            Delay::Fixed(d) => ticks(d.secs()),
            Delay::Distribution(DelayDistribution::Uniform { min, max }) => ticks(min.secs().min(max.secs())),
            Delay::Distribution(DelayDistribution::Exponential { .. }) => 1,
        })
        .min()
        .unwrap_or(1)
}

/// Indicator shipments and arrivals, at most: per campaign, per agreement of `m` distinct known
/// nations, each member's first detection sends one shipment and `m − 1` arrivals.
fn indicator_events(s: &Scenario) -> u64 {
    let nations: BTreeSet<&str> = s.nations.iter().map(|n| n.id.as_str()).collect();
    let per_campaign = s.sharing.iter().fold(0u64, |a, ag| {
        let m = ag.between.iter().filter(|n| nations.contains(n.as_str())).collect::<BTreeSet<_>>().len() as u64;
        a.saturating_add(m.saturating_mul(m))
    });
    let injected = s.msel.iter().flat_map(|i| &i.effects).fold(0u64, |a, e| match e {
        InjectEffect::ShareIndicators { to, .. } => a.saturating_add(to.len() as u64),
        _ => a,
    });
    per_campaign.saturating_mul(s.campaigns.len() as u64).saturating_add(injected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Scenario {
        crate::scenario::load_bytes(name, text.as_bytes()).map_err(|r| r.diagnostics).unwrap().scenario
    }

    fn starter() -> Scenario {
        load("starter.yaml", include_str!("starter.yaml"))
    }

    #[test]
    fn budgets_parse_and_refuse_nonsense() {
        let mut b = Budget::default();
        b.set("work=1_000").unwrap();
        b.set("memory=8GiB").unwrap();
        assert_eq!(b, Budget { work: 1_000, memory: 8 << 30 });
        b.set("memory=512M").unwrap();
        assert_eq!(b.memory, 512 << 20);
        b.set("memory=1234").unwrap();
        assert_eq!(b.memory, 1234);
        for bad in ["work", "time=5", "work=-1", "memory=8GB", "memory=99999999999TiB", "work=1e9"] {
            assert!(b.set(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_refusal_names_the_budget_and_a_limit_that_lets_the_run_go_ahead() {
        let e = Estimate { work: 1_234_567, memory: 5 << 30, ..Estimate::default() };
        let over = Budget { work: 1_000, memory: 1 << 30 }.check(&e).unwrap_err();
        let raise: Vec<&str> = over.iter().map(|o| o.raise.as_str()).collect();
        assert_eq!(raise, ["--budget work=1300000", "--budget memory=5GiB"]);
        let over = Budget { work: 1_300_000, memory: 1 << 30 }.check(&e).unwrap_err();
        assert_eq!(over.len(), 1);
        assert_eq!(
            (over[0].budget, over[0].estimate.as_str(), over[0].limit.as_str()),
            ("memory", "5.0 GiB", "1.0 GiB")
        );
        assert!(Budget { work: 1_300_000, memory: 5 << 30 }.check(&e).is_ok());
    }

    #[test]
    fn idle_hosts_cost_nothing_and_reachable_ones_count() {
        let mut s = starter();
        let base = estimate(&s);
        assert!(base.hosts_at_risk > 0);
        // A million idle hosts in a segment no campaign reaches change nothing.
        let mut idle = s.nations[0].segments[0].clone();
        idle.id = "IDLE".into();
        idle.host_groups.truncate(1);
        idle.host_groups[0].id = "IDLE-WS".into();
        idle.host_groups[0].count = 1_000_000;
        s.nations[0].segments.push(idle);
        assert_eq!(estimate(&s).hosts_at_risk, base.hosts_at_risk);
        assert_eq!(estimate(&s).memory, base.memory);
        // Linked to a segment a lateral stage can reach, they are at risk.
        let reached = s.campaigns[0].entry.host_groups[0].clone();
        let seg = s.nations.iter().flat_map(|n| &n.segments).find(|g| g.host_groups.iter().any(|h| h.id == reached));
        let seg = seg.expect("the entry group's segment").id.clone();
        s.links.push(crate::scenario::model::Link { between: vec![seg, "IDLE".into()], filtering: 0.5 });
        let linked = estimate(&s);
        if s.campaigns[0].stages.iter().any(|st| st.lateral.as_ref().is_some_and(|l| l.reach == Reach::Linked)) {
            assert_eq!(linked.hosts_at_risk, base.hosts_at_risk + 1_000_000);
        }
        // Blocked links carry nothing.
        s.links.last_mut().expect("the link").filtering = 1.0;
        assert_eq!(estimate(&s).hosts_at_risk, base.hosts_at_risk);
    }

    #[test]
    fn every_bundled_scenario_fits_the_default_budget() {
        let files = [
            include_str!("../../scenarios/ransomware-drill.yaml"),
            include_str!("../../scenarios/supply-chain.yaml"),
            include_str!("../../scenarios/alliance-exercise.yaml"),
            include_str!("../../scenarios/bench/alliance-idle-x10.yaml"),
            include_str!("../../scenarios/bench/million-hosts.yaml"),
            include_str!("../../scenarios/bench/virus-on-network.yaml"),
            include_str!("../../scenarios/bench/virus-on-network-sir.yaml"),
            include_str!("starter.yaml"),
            include_str!("../../tests/fixtures/valid/minimal.yaml"),
        ];
        for text in files {
            let s = load("bundled.yaml", text);
            let e = estimate(&s);
            assert!(Budget::default().check(&e).is_ok(), "{} over the default budget: {e:?}", s.exercise.id);
        }
        // The benchmarks' generated inputs (`benches/engine.rs`, `examples/scale.rs`).
        use crate::testkit::synthetic;
        for s in [synthetic::alliance(8, 100_000, 3), synthetic::idle_padded(1_000, 1_000_000 - 1_020, 3)] {
            let e = estimate(&s);
            assert!(Budget::default().check(&e).is_ok(), "{} over the default budget: {e:?}", s.exercise.id);
        }
    }

    #[test]
    fn services_cost_each_pass_over_their_entries() {
        let mut s = starter();
        let base = estimate(&s);
        assert!(base.compromises > 0);
        let passes = base.ticks.min(3 * base.compromises + s.msel.iter().map(|i| i.effects.len() as u64).sum::<u64>());
        let svc = s.nations.iter_mut().flat_map(|n| &mut n.services).next().expect("the starter has a service");
        svc.depends_on.extend(std::iter::repeat_n("X".to_string(), 1000));
        let more = estimate(&s);
        assert_eq!(more.service_entries - base.service_entries, 1000 * passes);
        assert!(more.work > base.work);
    }

    #[test]
    fn generated_networks_cost_their_links_even_when_idle() {
        let s = load("virus.yaml", include_str!("../../scenarios/bench/virus-on-network.yaml"));
        let e = estimate(&s);
        // 5,000 hosts of mean degree 4: 10,000 links expected, scanned both ways every tick.
        assert_eq!(e.links, 10_000);
        assert_eq!(e.neighbour_checks, e.ticks * 20_000);
        let mut big = s.clone();
        big.campaigns.clear();
        big.nations[0].segments[0].host_groups[0].count = 10_000_000;
        let idle = estimate(&big);
        assert_eq!((idle.hosts_at_risk, idle.links), (0, 20_000_000));
        assert!(idle.memory >= 20_000_000 * BYTES_PER_LINK);
        assert!(idle.work as f64 >= 20_000_000.0 * WORK_PER_LINK);
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let mut s = starter();
        s.nations[0].team.analysts = u32::MAX;
        for g in s.nations.iter_mut().flat_map(|n| &mut n.segments).flat_map(|seg| &mut seg.host_groups) {
            g.count = u64::MAX;
        }
        let e = estimate(&s);
        assert!(e.memory > DEFAULT_MEMORY && e.work > DEFAULT_WORK);
    }
}
