//! The bundled Mesa benchmarks (`scenarios/bench/virus-on-network*.yaml`, docs/mesa.md) against
//! the laws of Mesa's VirusOnNetwork rules: the generated network is the one the file names, every
//! run of a file spreads on the same network, one infected host infects Binomial(k, 0.4) of its k
//! clean neighbours per step, and a recovered host gains resistance with probability 0.5 (SIR) and
//! is never infected again by the virus once resistant. Tolerances are 5 σ of the statistic's own
//! sampling variance.

use std::collections::BTreeMap;
use std::path::Path;

use cydex::scenario::model::{Scenario, TopologyKind};
use cydex::sim::topology::HostGraph;
use cydex::sim::{EventKind, RunConfig};

fn bench(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench").join(name);
    cydex::scenario::load_file(&path).map_err(|r| format!("{r:?}")).unwrap().scenario
}

fn graph_of(s: &Scenario) -> HostGraph {
    let seg = &s.nations[0].segments[0];
    let n = seg.host_groups.iter().map(|g| g.count).sum::<u64>() as u32;
    HostGraph::generate(seg.topology.as_ref().unwrap(), &seg.id, n, 0)
}

#[test]
fn the_bench_network_is_mesas_erdos_renyi_graph_and_the_same_in_every_run() {
    let s = bench("virus-on-network.yaml");
    let t = s.nations[0].segments[0].topology.clone().unwrap();
    assert_eq!((t.kind, t.mean_degree, t.filtering), (TopologyKind::Random, Some(4.0), 0.6));
    let g = graph_of(&s);
    assert_eq!(g.hosts(), 5000);
    // Links ~ Binomial(n(n − 1)/2, p = 4/(n − 1)): mean degree 2L/n = 4 ± 5 × 2√(L)/n.
    let mean = 2.0 * g.links() as f64 / 5000.0;
    assert!((mean - 4.0).abs() < 5.0 * 2.0 * (10_000f64).sqrt() / 5000.0, "mean degree {mean}");
    // The network does not depend on the run: two seeds compromise hosts only along its links.
    for seed in [1, 2] {
        let out = cydex::sim::run(&s, &RunConfig { seed, run_index: 0 });
        let events: Vec<_> = out.events.to_vec();
        let by_id: BTreeMap<u64, &cydex::sim::Event> = events.iter().map(|e| (e.id, e)).collect();
        let slot = |name: &str| name.strip_prefix("NODE-").unwrap().parse::<u32>().unwrap() - 1;
        let mut checked = 0;
        for e in events.iter().filter(|e| e.kind == EventKind::HostCompromised && e.stage.is_some()).take(2000) {
            let cause = by_id[&e.cause.unwrap()];
            let (from, to) = (slot(cause.host.as_deref().unwrap()), slot(e.host.as_deref().unwrap()));
            assert!(g.neighbours(from).contains(&to), "seed {seed}: {from} → {to} is no link");
            checked += 1;
        }
        assert!(checked > 1000, "seed {seed}: only {checked} spreads");
    }
}

/// Hosts a single infected hub (host 0 of a `k + 1`-host star, filtering 0.6) infects in the
/// first step (tick 1: it is infected at tick 0), over `seeds` runs.
fn hub_infections(k: u64, seeds: u64) -> Vec<f64> {
    let mut s = bench("virus-on-network.yaml");
    let seg = &mut s.nations[0].segments[0];
    seg.topology.as_mut().unwrap().kind = TopologyKind::Star;
    seg.topology.as_mut().unwrap().mean_degree = None;
    seg.host_groups[0].count = k + 1;
    s.campaigns[0].entry.footholds = 1;
    s.clock.duration = cydex::scenario::duration::Duration(3 * s.clock.tick.secs());
    (1..=seeds)
        .map(|seed| {
            let out = cydex::sim::run(&s, &RunConfig { seed, run_index: 0 });
            out.events.to_vec().iter().filter(|e| e.kind == EventKind::HostCompromised && e.tick == 1).count() as f64
        })
        .collect()
}

#[test]
fn an_infected_host_infects_binomial_k_04_of_its_clean_neighbours_per_step() {
    // Mesa: one Bernoulli(virus_spread_chance = 0.4) per susceptible neighbour and step.
    let (k, n) = (10u64, 1500u64);
    let x = hub_infections(k, n);
    let mean = x.iter().sum::<f64>() / n as f64;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let (mu, sigma2) = (k as f64 * 0.4, k as f64 * 0.4 * 0.6);
    assert!((mean - mu).abs() < 5.0 * (sigma2 / n as f64).sqrt(), "mean {mean} vs {mu}");
    // The sample variance of a binomial has variance ≈ (μ4 − σ⁴)/n; μ4 ≤ 3σ⁴ + σ² bounds it.
    let sv = ((2.0 * sigma2 * sigma2 + sigma2) / n as f64).sqrt();
    assert!((var - sigma2).abs() < 5.0 * sv, "variance {var} vs {sigma2}");
}

#[test]
fn a_recovered_host_gains_resistance_with_probability_one_half_and_keeps_it() {
    let s = bench("virus-on-network-sir.yaml");
    assert_eq!(s.campaigns[0].recovery.resistance, 0.5);
    let out = cydex::sim::run(&s, &RunConfig { seed: 7, run_index: 0 });
    let events = out.events.to_vec();
    let recovered: Vec<_> = events.iter().filter(|e| e.kind == EventKind::HostRecovered).collect();
    let resistant = recovered.iter().filter(|e| e.detail.as_deref() == Some("resistant")).count();
    let n = recovered.len() as f64;
    assert!(n > 1000.0, "only {n} recoveries");
    let share = resistant as f64 / n;
    assert!((share - 0.5).abs() < 5.0 * (0.25 / n).sqrt(), "{resistant} of {n} recoveries gave resistance");
    // A resistant host is never compromised again.
    let mut immune: BTreeMap<&str, u64> = BTreeMap::new();
    for e in &events {
        let host = e.host.as_deref().unwrap_or_default();
        match e.kind {
            EventKind::HostRecovered if e.detail.as_deref() == Some("resistant") => {
                immune.insert(host, e.id);
            }
            EventKind::HostCompromised => {
                assert!(!immune.contains_key(host), "{host} compromised after gaining resistance");
            }
            _ => {}
        }
    }
    // SIS (the other file) keeps re-infecting; SIR with certain resistance never re-infects.
    let sis = cydex::sim::run(&bench("virus-on-network.yaml"), &RunConfig { seed: 7, run_index: 0 });
    assert!(sis.summary.campaigns[0].reinfections > 1000);
    let mut always = s.clone();
    always.campaigns[0].recovery.resistance = 1.0;
    let sir = cydex::sim::run(&always, &RunConfig { seed: 7, run_index: 0 });
    assert_eq!(sir.summary.campaigns[0].reinfections, 0);
    assert!(sir.summary.campaigns[0].hosts_compromised > 100);
}

#[test]
fn a_generated_network_batch_is_identical_for_any_number_of_jobs() {
    let t = tempfile::tempdir().unwrap();
    let run = |jobs: &str| {
        let dir = t.path().join(format!("j{jobs}"));
        assert_cmd::Command::cargo_bin("cydex")
            .unwrap()
            .args(["batch", "scenarios/bench/virus-on-network-sir.yaml", "--runs", "6", "--seed", "3", "-q"])
            .args(["--set", "nations.EST.segments.NET.host_groups.NODE.count=400"])
            .args(["--set", "nations.EST.team.analysts=400", "--set", "clock.duration=30d", "--jobs", jobs, "--out"])
            .arg(&dir)
            .assert()
            .success();
        std::fs::read_to_string(dir.join("batch.json")).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert!(one.contains("hosts_compromised"));
}
