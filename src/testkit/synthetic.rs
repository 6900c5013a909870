//! The benchmark scenarios, built in code: an idle-padded nation, an alliance whose activity grows
//! with the network, and the virus-on-a-network model with its hand-written reference loop
//! ([`raw_virus`]); plus the idle padding of a real scenario. Used by `benches/engine.rs` and the
//! examples (`bench_report`, `scale`, `gen_virus_yaml`).

use std::collections::BTreeSet;

use rand::{RngExt, SeedableRng};

use super::{HOUR, MIN, campaign, dur, exercise, group, nation, provider, scenario, segment, service, skills, stage};
use crate::scenario::model::*;

/// Hosts of a benchmark network: hardened 0.3, backed up daily, restored in 4 hours, writing
/// 10 MB an hour; servers are of high criticality.
fn bench_group(id: String, count: u64, role: HostRole, sensors: f64) -> HostGroup {
    HostGroup {
        role,
        criticality: if role == HostRole::Server { Criticality::High } else { Criticality::Medium },
        hardening: 0.3,
        backup_interval: Some(dur(24 * HOUR)),
        restore_time: dur(4 * HOUR),
        data_mb_per_hour: 10,
        ..group(&id, count, sensors)
    }
}

/// A benchmark stage: stealth 0.3, any cadence.
fn bench_stage(id: &str, technique: &str, probability: f64, cadence: Delay) -> Stage {
    Stage { technique: technique.into(), cadence, stealth: 0.3, ..stage(id, probability, 0) }
}

/// Exercise `SYNTH` (full-scale, 1-minute ticks) of `nations`, with an on-site NATO Rapid
/// Reaction Team (`NATO-CRRT`: 6 people, two deployments at a time, on task for two days).
fn base(nations: Vec<Nation>, duration_s: u64) -> Scenario {
    Scenario {
        exercise: Exercise { kind: ExerciseType::FullScale, ..exercise("SYNTH", "synthetic") },
        assistance: vec![AssistanceProvider {
            deploy_mode: DeployMode::OnSite,
            on_task: dur(48 * HOUR),
            size: 6,
            skills: skills(0.9, 0.9, 0.8),
            max_concurrent: 2,
            ..provider("NATO-CRRT", 4 * HOUR, 12 * HOUR)
        }],
        ..scenario(MIN, duration_s, nations)
    }
}

/// A nation at UTC+2 whose team (6 analysts, office hours) asks `NATO-CRRT` for help above 20
/// open incidents or on a high-criticality detection.
fn bench_nation(id: String, segments: Vec<Segment>) -> Nation {
    let n = nation(&id, segments);
    Nation {
        utc_offset: "+02:00".parse().unwrap(),
        team: NationalTeam {
            analysts: 6,
            schedule: WorkPattern::OfficeHours,
            assistance_policy: AssistancePolicy {
                backlog_over: Some(20),
                severity_at_least: Some(Criticality::High),
                providers: vec!["NATO-CRRT".into()],
            },
            ..n.team
        },
        ..n
    }
}

/// A ransomware worm against servers, spreading with `reach` from three footholds in `entry`.
fn worm(id: &str, entry: &str, reach: Reach) -> Campaign {
    let mut spread = bench_stage(
        "spread",
        "T1021.002",
        0.4,
        Delay::Distribution(DelayDistribution::Exponential { mean: dur(30 * MIN) }),
    );
    spread.lateral = Some(Lateral { reach, fanout: 2, repeat: true });
    let mut encrypt = bench_stage("encrypt", "T1486", 0.5, Delay::Fixed(dur(HOUR)));
    encrypt.effect = Some(Effect::Encrypt);
    let stages = vec![
        bench_stage("exec", "T1204.002", 0.8, Delay::Fixed(dur(10 * MIN))),
        bench_stage(
            "cred",
            "T1003.001",
            0.5,
            Delay::Distribution(DelayDistribution::Uniform { min: dur(20 * MIN), max: dur(2 * HOUR) }),
        ),
        encrypt,
        spread,
    ];
    let mut c = campaign(id, &[entry], stages);
    c.actor.sophistication = 0.6;
    c.start = Some(dur(30 * MIN));
    c.targets = Targets { roles: vec![HostRole::Server], ..Targets::default() };
    c.entry.technique = "T1566.001".into();
    c.entry.footholds = 3;
    c
}

/// One nation: an active segment of `active` workstations + 20 servers where the campaign
/// plays, and `idle` hosts in unlinked segments of 10 000 that no campaign can reach.
pub fn idle_padded(active: u64, idle: u64, days: u64) -> Scenario {
    let mut segments = vec![segment(
        "N0-ACT",
        vec![
            bench_group("N0-ACT-WS".into(), active, HostRole::Workstation, 0.01),
            bench_group("N0-ACT-SRV".into(), 20, HostRole::Server, 0.6),
        ],
    )];
    let mut left = idle;
    let mut i = 0;
    while left > 0 {
        let n = left.min(10_000);
        segments.push(Segment {
            id: format!("N0-IDLE{i}"),
            name: None,
            kind: SegmentKind::Enterprise,
            host_groups: vec![bench_group(format!("N0-IDLE{i}-WS"), n, HostRole::Workstation, 0.01)],
            topology: None,
        });
        left -= n;
        i += 1;
    }
    let mut s = base(vec![bench_nation("N0".into(), segments)], days * 24 * HOUR);
    s.nations[0].services.push(service("N0-PORTAL", vec!["N0-ACT-SRV".into()], 0.6));
    s.campaigns.push(worm("CAMP-1", "N0-ACT-WS", Reach::Segment));
    s
}

/// `nations` nations × 4 linked segments, `hosts` hosts in total, a linked-reach worm entering
/// nation 0 and an exfiltration campaign in the last nation, sharing among all: activity grows
/// with the network.
pub fn alliance(nations: usize, hosts: u64, days: u64) -> Scenario {
    let per_seg = (hosts / (nations as u64 * 4)).max(21) - 20;
    let mut ns = Vec::new();
    let mut links = Vec::new();
    for n in 0..nations {
        let segs: Vec<Segment> = (0..4)
            .map(|k| {
                segment(
                    &format!("N{n}-S{k}"),
                    vec![
                        bench_group(format!("N{n}-S{k}-WS"), per_seg, HostRole::Workstation, 0.01),
                        bench_group(format!("N{n}-S{k}-SRV"), 20, HostRole::Server, 0.5),
                    ],
                )
            })
            .collect();
        let mut na = bench_nation(format!("N{n}"), segs);
        na.services.push(service(&format!("N{n}-PORTAL"), (0..4).map(|k| format!("N{n}-S{k}-SRV")).collect(), 0.7));
        ns.push(na);
        for k in 0..3 {
            links.push(Link { between: vec![format!("N{n}-S{k}"), format!("N{n}-S{}", k + 1)], filtering: 0.6 });
        }
        if n + 1 < nations {
            links.push(Link { between: vec![format!("N{n}-S0"), format!("N{}-S0", n + 1)], filtering: 0.9 });
        }
    }
    let mut s = base(ns, days * 24 * HOUR);
    s.links = links;
    s.sharing.push(SharingAgreement {
        id: "ALL".into(),
        between: (0..nations).map(|n| format!("N{n}")).collect(),
        latency: dur(2 * HOUR),
        tlp_ceiling: Tlp::Amber,
    });
    s.campaigns.push(worm("CAMP-WORM", "N0-S0-WS", Reach::Linked));
    let last = nations - 1;
    let mut exfil = bench_stage("exfil", "T1041", 0.3, Delay::Fixed(dur(2 * HOUR)));
    exfil.effect = Some(Effect::Exfiltrate { mb_per_host: 500 });
    let mut apt = campaign(
        "CAMP-APT",
        &[&format!("N{last}-S1-WS")],
        vec![bench_stage("persist", "T1547.001", 0.5, Delay::Fixed(dur(HOUR))), exfil],
    );
    apt.actor = Actor { name: "OPFOR APT".into(), kind: ActorKind::StateSponsored, sophistication: 0.9 };
    apt.start = Some(dur(6 * HOUR));
    apt.tlp = Tlp::Red;
    apt.entry.technique = "T1195.002".into();
    apt.entry.fraction = Some(0.02);
    s.campaigns.push(apt);
    s
}

// ───────────────────────────── virus on a network ─────────────────────────────

/// An undirected random graph G(n, m) with `m = n·degree/2` distinct edges and no self-loops,
/// plus its CSR adjacency (neighbours sorted ascending, as the engine sorts its link CSR).
pub struct Graph {
    /// Nodes.
    pub n: u32,
    /// Edges `(a, b)` with `a < b`, sorted.
    pub edges: Vec<(u32, u32)>,
    /// CSR offsets (len n + 1).
    pub offsets: Vec<u32>,
    /// CSR neighbours.
    pub adj: Vec<u32>,
}

impl Graph {
    /// Largest degree.
    pub fn max_degree(&self) -> u32 {
        self.offsets.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0)
    }
}

/// A seeded G(n, m) graph of average degree `degree` (ChaCha8, so identical on every machine).
pub fn random_graph(n: u32, degree: u32, seed: u64) -> Graph {
    let m = n as usize * degree as usize / 2;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut set = BTreeSet::new();
    while set.len() < m {
        let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
        if a != b {
            set.insert((a.min(b), a.max(b)));
        }
    }
    let edges: Vec<(u32, u32)> = set.into_iter().collect();
    let mut deg = vec![0u32; n as usize];
    for &(a, b) in &edges {
        deg[a as usize] += 1;
        deg[b as usize] += 1;
    }
    let mut offsets = Vec::with_capacity(n as usize + 1);
    offsets.push(0u32);
    for d in &deg {
        offsets.push(offsets.last().copied().unwrap_or(0) + d);
    }
    let mut fill = offsets.clone();
    let mut adj = vec![0u32; edges.len() * 2];
    for &(a, b) in &edges {
        adj[fill[a as usize] as usize] = b;
        fill[a as usize] += 1;
        adj[fill[b as usize] as usize] = a;
        fill[b as usize] += 1;
    }
    for v in 0..n as usize {
        adj[offsets[v] as usize..offsets[v + 1] as usize].sort_unstable();
    }
    Graph { n, edges, offsets, adj }
}

/// The graph of a CSR adjacency over hosts `0..n` (`offsets` of length n + 1, each link listed
/// from both ends): what the hand-written loop runs on, e.g. the very network a `topology`
/// generates (`HostGraph::local_csr`).
pub fn of_csr(offsets: Vec<u32>, adj: Vec<u32>) -> Graph {
    let n = offsets.len().saturating_sub(1) as u32;
    let edges = (0..n)
        .flat_map(|a| adj[offsets[a as usize] as usize..offsets[a as usize + 1] as usize].iter().map(move |&b| (a, b)))
        .filter(|&(a, b)| a < b)
        .collect();
    Graph { n, edges, offsets, adj }
}

/// Parameters of the virus-on-a-network model (Mesa `virus_on_network` mapped to cydex).
#[derive(Debug, Clone, Copy)]
pub struct Virus {
    /// Per-link, per-tick chance of infecting a susceptible neighbour (Mesa
    /// `virus_spread_chance`); becomes the link `filtering = 1 − spread`.
    pub spread: f64,
    /// Per-tick chance that an infected host is found (Mesa `virus_check_frequency ×
    /// recovery_chance`): detection with `sensors = 1`, `stealth = 0` and team `detect` skill
    /// `detect / 2`, doubled by the indicators the nation holds after its first detection.
    pub detect: f64,
    /// Initially infected hosts (Mesa `initial_outbreak_size`).
    pub outbreak: u32,
    /// Ticks (days) simulated.
    pub ticks: u64,
}

/// Mesa's defaults for spread and recovery (0.4; 0.4 × 0.3), 1 % initial outbreak.
pub fn mesa_virus(n: u32, ticks: u64) -> Virus {
    Virus { spread: 0.4, detect: 0.4 * 0.3, outbreak: (n / 100).max(1), ticks }
}

/// The hosts infected at the start: `outbreak` distinct hosts chosen with a seeded RNG, sorted.
pub fn outbreak_hosts(n: u32, outbreak: u32, seed: u64) -> Vec<u32> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5EED);
    let mut set = BTreeSet::new();
    while set.len() < outbreak.min(n) as usize {
        set.insert(rng.random_range(0..n));
    }
    set.into_iter().collect()
}

/// Segment / host-group ids of host `i` in the virus scenarios.
pub fn virus_ids(i: u32) -> (String, String) {
    (format!("V{i:06}"), format!("H{i:06}"))
}

/// The virus-on-a-network exercise on graph `g`: **one host per segment**, so cydex's
/// segment-level links *are* the host graph. Tick = 1 day. The worm's single stage succeeds every
/// tick (`probability: 1`) and tries every clean neighbour (`fanout ≥` max degree), each crossing
/// its link with probability `1 − filtering = spread`: the number of neighbours infected per tick
/// is Binomial(clean neighbours, spread), as in Mesa. Detection `p = 1 × detect × (1 − 0)`; the
/// team has one analyst per host (no queue) and skills 1, so triage, containment, eradication and
/// recovery each take one tick: contained 2 ticks and clean again 4 ticks after detection.
pub fn virus_on_network(g: &Graph, v: &Virus, seed: u64) -> Scenario {
    let mut segments = Vec::with_capacity(g.n as usize);
    for i in 0..g.n {
        let (seg, grp) = virus_ids(i);
        let hg = HostGroup { os: OsFamily::Linux, ..group(&grp, 1, 1.0) };
        segments.push(Segment {
            id: seg,
            name: None,
            kind: SegmentKind::Enterprise,
            host_groups: vec![hg],
            topology: None,
        });
    }
    let mut na = bench_nation("EST".into(), segments);
    na.team.analysts = g.n;
    na.team.schedule = WorkPattern::TwentyFourSeven;
    // The nation's first detection gives it the campaign's indicators, which double detection
    // from the next tick on (`sharing.rs`): half the skill gives `detect` per tick from then.
    na.team.skills = skills(v.detect / 2.0, 1.0, 1.0);
    na.team.assistance_policy = AssistancePolicy::default();
    let mut s = base(vec![na], v.ticks * 24 * HOUR);
    s.exercise.id = "VIRUS-ON-NETWORK".into();
    s.exercise.title = "virus on a network".into();
    s.clock.tick = dur(24 * HOUR);
    s.assistance.clear();
    s.links = g
        .edges
        .iter()
        .map(|&(a, b)| Link { between: vec![virus_ids(a).0, virus_ids(b).0], filtering: 1.0 - v.spread })
        .collect();
    let spread = Stage {
        tactic: "TA0008".into(),
        technique: "T1210".into(),
        lateral: Some(Lateral { reach: Reach::Linked, fanout: u64::from(g.max_degree().max(1)), repeat: true }),
        ..stage("spread", 1.0, 24 * HOUR)
    };
    let mut virus = campaign("VIRUS", &[], vec![spread]);
    virus.actor.name = "OPFOR worm (fictional)".into();
    virus.tlp = Tlp::Green;
    virus.entry.technique = "T1190".into();
    virus.entry.host_groups = outbreak_hosts(g.n, v.outbreak, seed).into_iter().map(|h| virus_ids(h).1).collect();
    virus.entry.footholds = u64::from(v.outbreak);
    s.campaigns.push(virus);
    s
}

/// Host states of the hand-written loop.
const CLEAN: u8 = 0;
const INFECTED: u8 = 1;
const DETECTED: u8 = 2;
const CONTAINED: u8 = 3;

/// What the hand-written loop reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawOutcome {
    /// Infections (entry + spread).
    pub infections: u64,
    /// Detections.
    pub detections: u64,
    /// Recoveries.
    pub recoveries: u64,
    /// Sum over ticks of hosts holding the virus at the end of the tick (prevalence × ticks).
    pub infected_host_ticks: u64,
}

/// The same model as [`virus_on_network`] as a hand-written, single-threaded loop over dense
/// arrays (state `u8`, tick stamps `u32`, CSR `u32` adjacency) with the engine's tick order and
/// timings: in tick `t`, (1) every infected host compromised before `t` and not yet contained
/// infects each clean neighbour with probability `spread`; (2) every infected, undetected host
/// compromised before `t` is detected with probability `detect` (`detect / 2` until the first
/// detection, as in the engine); (3) a host detected in tick `d` is
/// contained in tick `d + 2` and clean again in tick `d + 4`. Random numbers: one ChaCha8 `f64` per
/// (infected host, clean neighbour) and per detection draw (the engine draws differently — a
/// candidate pick, a filter draw and a victim pick — with the same distribution).
pub fn raw_virus(g: &Graph, v: &Virus, seed: u64) -> RawOutcome {
    let n = g.n as usize;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut state = vec![CLEAN; n];
    let mut since = vec![0u32; n]; // infection tick, then detection tick
    let mut out = RawOutcome::default();
    for h in outbreak_hosts(g.n, v.outbreak, seed) {
        state[h as usize] = INFECTED;
        out.infections += 1;
    }
    let mut infected_tick = vec![0u32; n];
    for t in 1..v.ticks as u32 {
        // (1) spread
        for h in 0..n {
            let s = state[h];
            if (s == INFECTED || s == DETECTED) && infected_tick[h] < t {
                for &nb in &g.adj[g.offsets[h] as usize..g.offsets[h + 1] as usize] {
                    if state[nb as usize] == CLEAN && rng.random::<f64>() < v.spread {
                        state[nb as usize] = INFECTED;
                        infected_tick[nb as usize] = t;
                        out.infections += 1;
                    }
                }
            }
        }
        // (2) detection: `detect / 2` until the first detection, `detect` from the next tick on
        // (the engine's indicator doubling).
        let p = if out.detections > 0 { v.detect } else { v.detect / 2.0 };
        for h in 0..n {
            if state[h] == INFECTED && infected_tick[h] < t && rng.random::<f64>() < p {
                state[h] = DETECTED;
                since[h] = t;
                out.detections += 1;
            }
        }
        // (3) response
        for h in 0..n {
            match state[h] {
                DETECTED if since[h] + 2 == t => state[h] = CONTAINED,
                CONTAINED if since[h] + 4 == t => {
                    state[h] = CLEAN;
                    out.recoveries += 1;
                }
                _ => {}
            }
            out.infected_host_ticks += u64::from(state[h] != CLEAN);
        }
    }
    out
}

// ───────────────────────────── idle padding of a real scenario ─────────────────────────────

/// Hosts of `s` that no campaign can ever reach: hosts outside every campaign's reachable
/// segments. A campaign reaches its entry groups' segments; if one of its stages moves laterally
/// with `reach: linked`, also every segment joined to those through links with `filtering < 1`
/// (the same closure `cydex validate` uses for its reachability check). Segment-level, so
/// conservative: a reachable segment counts all its hosts as reachable.
pub fn unreachable_hosts(s: &Scenario) -> u64 {
    let segs: Vec<&Segment> = s.nations.iter().flat_map(|n| n.segments.iter()).collect();
    let seg_of_group = |g: &str| segs.iter().position(|sg| sg.host_groups.iter().any(|h| h.id == g));
    let seg_ix = |id: &str| segs.iter().position(|sg| sg.id == id);
    let mut adj = vec![Vec::new(); segs.len()];
    for l in s.links.iter().filter(|l| l.filtering < 1.0) {
        let ends: Vec<usize> = l.between.iter().filter_map(|x| seg_ix(x)).collect();
        for &a in &ends {
            for &b in &ends {
                if a != b {
                    adj[a].push(b);
                }
            }
        }
    }
    let mut reached = vec![false; segs.len()];
    for c in &s.campaigns {
        let linked = c.stages.iter().any(|st| st.lateral.as_ref().is_some_and(|l| l.reach == Reach::Linked));
        let mut stack: Vec<usize> = c.entry.host_groups.iter().filter_map(|g| seg_of_group(g)).collect();
        let mut seen = vec![false; segs.len()];
        while let Some(x) = stack.pop() {
            if !std::mem::replace(&mut seen[x], true) {
                reached[x] = true;
                if linked {
                    stack.extend(adj[x].iter().copied());
                }
            }
        }
    }
    segs.iter()
        .zip(&reached)
        .filter(|(_, r)| !**r)
        .map(|(sg, _)| sg.host_groups.iter().map(|h| h.count).sum::<u64>())
        .sum()
}

/// `s` plus `extra` idle hosts in new, unlinked enterprise segments of at most 10 000 hosts,
/// dealt round-robin over the nations (no campaign targets them by entry, and with no links no
/// worm can reach them).
pub fn add_idle_hosts(s: &Scenario, extra: u64) -> Scenario {
    let mut s = s.clone();
    let n_nations = s.nations.len();
    let mut left = extra;
    let mut i = 0usize;
    while left > 0 {
        let count = left.min(10_000);
        let nation = &mut s.nations[i % n_nations];
        let id = format!("{}-BENCH-IDLE{i}", nation.id);
        nation.segments.push(Segment {
            id: id.clone(),
            name: None,
            kind: SegmentKind::Enterprise,
            host_groups: vec![bench_group(format!("{id}-WS"), count, HostRole::Workstation, 0.3)],
            topology: None,
        });
        left -= count;
        i += 1;
    }
    s
}

/// Idle hosts to add for the "10× idle hosts" benchmark: 9× the unreachable hosts (so there are
/// 10× as many), or, when no host is unreachable (the alliance scenario: a `reach: linked` worm
/// can cross every link), 10× the scenario's host count, all of them idle.
pub fn idle_to_add(s: &Scenario) -> u64 {
    match unreachable_hosts(s) {
        0 => 10 * host_count(s),
        idle => 9 * idle,
    }
}

/// Host count of a scenario.
pub fn host_count(s: &Scenario) -> u64 {
    s.nations.iter().flat_map(|n| n.segments.iter()).flat_map(|sg| sg.host_groups.iter()).map(|h| h.count).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSR adjacency becomes a graph with each link once in `edges`, and the hand-written loop
    /// runs on it.
    #[test]
    fn a_csr_adjacency_becomes_the_loops_graph() {
        // A square 0-1-2-3-0 and a spoke 0-4.
        let (offsets, adj) = (vec![0, 3, 5, 7, 9, 10], vec![1, 3, 4, 0, 2, 1, 3, 0, 2, 0]);
        let g = of_csr(offsets, adj);
        assert_eq!((g.n, g.edges.clone(), g.max_degree()), (5, vec![(0, 1), (0, 3), (0, 4), (1, 2), (2, 3)], 3));
        let big = random_graph(500, 3, 1);
        let g = of_csr(big.offsets.clone(), big.adj.clone());
        assert_eq!(g.edges, big.edges);
        let out = raw_virus(&g, &mesa_virus(g.n, 5), 1);
        assert!(out.infections > 5 && out.detections > 0, "the outbreak of 5 spreads and is found: {out:?}");
    }
}
