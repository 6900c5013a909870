//! Writes the *hand-linked* form of the classic agent-based "virus on a network" model (Mesa's
//! `virus_on_network`) as a cydex scenario — one segment per host and one link per edge — from the
//! same generator the benchmark harness uses (`cydex::testkit::synthetic`,
//! `src/testkit/synthetic.rs`), so the file and the programmatic 100 000-host worst case are the
//! same model. This was `scenarios/bench/virus-on-network.yaml` until the format gained generated
//! networks (`topology`, issue 16); the bundled file now writes the network in a few lines (see
//! docs/mesa.md), and this form stays for comparing the two representations.
//!
//! ```sh
//! cargo run --release --example gen_virus_yaml -- 5000 100 > /tmp/virus-hand-linked.yaml
//! ```
//!
//! Arguments: hosts (default 5 000) and ticks (default 100). 5 000 hosts is about the largest
//! such file under the 250 000-node YAML limit: one host per segment costs ~18 nodes and each
//! link ~7 (see the file's header).

use std::fmt::Write as _;

use cydex::testkit::synthetic;

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(5_000) as u32;
    let ticks = args.get(1).copied().unwrap_or(100);
    let seed = 42;
    let g = synthetic::random_graph(n, 4, seed);
    let v = synthetic::mesa_virus(n, ticks);
    let s = synthetic::virus_on_network(&g, &v, seed);
    let c = &s.campaigns[0];
    let fanout = c.stages[0].lateral.as_ref().map_or(1, |l| l.fanout);
    let mut y = String::new();
    let w = &mut y;
    let _ = write!(
        w,
        r#"# ══════════════════════════════════════════════════════════════════════════════
#  BENCHMARK: virus on a network (the classic agent-based model, in cydex)
# ══════════════════════════════════════════════════════════════════════════════
#
# GENERATED FILE: regenerate with
#     cargo run --release --example gen_virus_yaml -- {n} {ticks} > virus-hand-linked.yaml
# (generator: benches/support/synthetic.rs, `random_graph` + `virus_on_network`, seed {seed}).
#
# THE MODEL (Mesa `examples/virus_on_network`): N agents on an Erdős–Rényi random graph of
# average degree 4; each step every infected agent infects each susceptible neighbour with
# probability virus_spread_chance (0.4); with probability virus_check_frequency (0.4) it checks
# itself and, if infected, recovers with probability recovery_chance (0.3), and then gains
# resistance with probability gain_resistance_chance (0.5).
#
# MAPPING, rule by rule:
#   * Graph: {n} hosts, {m} random links, mean degree {deg:.2} (max {maxdeg}): a G(n, m) graph
#     (m = 2n distinct pairs, no self-loops) — Mesa uses G(n, p) with p = 4/n; both have mean
#     degree ~4 and Poisson-like degrees. cydex links join *segments* and a worm picks a random
#     clean host of a reachable segment, so **each host is alone in its own segment** (V000123
#     holds host group H000123, count 1): the segment graph then IS the host graph.
#   * Spread (virus_spread_chance 0.4): one lateral stage with `repeat: true` (the host keeps
#     spreading), `probability: 1` (it tries every tick; cadence = 1 tick = 1 day), `fanout:
#     {fanout}` (>= max degree, so it tries every clean neighbour once) and every link's
#     `filtering: 0.6`, i.e. each try crosses with 1 − 0.6 = 0.4. The number of neighbours
#     infected per tick is Binomial(clean neighbours, 0.4), uniformly chosen — the same law as
#     Mesa's one Bernoulli per link. hardening 0 and sophistication 0 keep p = 1 exactly.
#   * Virus check + recovery (0.4 × 0.3 = 0.12 per step): detection. `sensors: 1` covers the
#     host (sensors are coverage: ceil(1 × 1) = 1 host of its group carries a sensor), so per
#     tick p = team detect (0.06) × (1 − stealth 0) × intel, tried from the tick after
#     infection; the nation's first detection gives it the worm's indicators (intel = 2), so
#     p = 0.12 from then on (p = 0.06 only until the first detection, i.e. in tick 1).
#     A detection opens an incident; with one analyst per host and contain/recover skill 1,
#     triage, containment, eradication and recovery (restore_time 1h) each take one 1-day
#     tick: the host still spreads for 2 ticks after detection (Mesa: 0), is contained, and is
#     clean — susceptible again — 4 ticks after detection (cydex has no "recover but stay
#     infected" path: recovery_chance is effectively 1 after a check that finds the virus).
#   * Resistance (gain_resistance_chance): NOT expressible. cydex hosts return to the clean pool
#     on recovery and can be re-infected (counted as re-infections, apart from distinct hosts).
#     `hardening` does protect the host a lateral pick lands on (a pick lands with
#     probability × (1 − filtering) × (1 − hardening_victim × (1 − sophistication))), but it is
#     a fixed property of the host group: nothing raises it when a host recovers, so a host
#     cannot *gain* resistance. This file is therefore the SIS variant
#     (gain_resistance_chance = 0), which is Mesa's endemic configuration.
#   * Initial outbreak: {outbreak} hosts (1 %), chosen at random with the seed, infected at tick 0.
#   * Schedule: Mesa shuffles agent order each step; cydex processes due attempts in host-slot
#     order within a tick (deterministic). Both apply infections immediately.
#
# Cost note: while infected, each host logs one `stage_completed` event per tick (the engine
# records every successful attempt), so the event log grows with prevalence × ticks.
# Validation note: the ~20 s validation of early builds (a reachability check quadratic in
# segments × links) is long fixed; see docs/benchmarks-history.md, "Problems found", item 2.
#
#   cydex validate virus-hand-linked.yaml
#   cydex run virus-hand-linked.yaml -q
#
# All names are fictional benchmark parameters.

cydex: 1

exercise:
  id: {id}
  title: "Benchmark: virus on a network ({n} hosts, mean degree 4)"
  type: drill
  mode: cooperative
  tlp: "TLP:GREEN"
  attack_version: "18.1"

clock:
  tick: 1d              # one Mesa step
  duration: {ticks}d          # {ticks} steps

nations:
  - id: EST
    utc_offset: "+02:00"
    team:
      id: CERT-EST
      analysts: {n}     # one per host: incidents never queue
      schedule: 24x7
      skills: {{ detect: {detect}, contain: 1.0, recover: 1.0 }}
    segments:
"#,
        m = g.edges.len(),
        deg = 2.0 * g.edges.len() as f64 / f64::from(n),
        maxdeg = g.max_degree(),
        outbreak = v.outbreak,
        id = s.exercise.id,
        detect = v.detect / 2.0,
    );
    for seg in &s.nations[0].segments {
        let h = &seg.host_groups[0];
        let _ = writeln!(
            w,
            "      - {{ id: {}, kind: enterprise, host_groups: [{{ id: {}, count: 1, role: workstation, os: linux, sensors: 1.0, restore_time: 1h }}] }}",
            seg.id, h.id
        );
    }
    let _ = writeln!(w, "\n# The random graph: filtering 0.6 = spread chance 0.4 per link and tick.\nlinks:");
    for l in &s.links {
        let _ = writeln!(w, "  - {{ between: [{}, {}], filtering: 0.6 }}", l.between[0], l.between[1]);
    }
    let _ = write!(
        w,
        r#"
campaigns:
  - id: VIRUS
    name: "Network worm (fictional)"
    actor: {{ name: "OPFOR worm (fictional)", kind: criminal, sophistication: 0.0 }}
    start: 0s
    tlp: "TLP:GREEN"
    targets: {{}}
    entry:
      technique: T1190              # Exploit Public-Facing Application
      footholds: {outbreak}
      host_groups: [{groups}]
    stages:
      - id: spread
        tactic: TA0008              # Lateral Movement
        technique: T1210            # Exploitation of Remote Services
        probability: 1.0
        cadence: 1d
        stealth: 0.0
        lateral: {{ reach: linked, fanout: {fanout}, repeat: true }}
"#,
        outbreak = v.outbreak,
        groups = c.entry.host_groups.join(", "),
    );
    print!("{y}");
}
