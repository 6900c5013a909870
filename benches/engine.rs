//! Engine benchmarks (divan). Run: `cargo bench --bench engine` (a few minutes; filter with
//! e.g. `cargo bench --bench engine -- worst`). The figures in `BENCHMARKS.md` come from
//! `examples/bench_report.rs`, which interleaves each compared pair in one process; these benches
//! are the same workloads for quick regression checks.
//!
//! * `idle_*`: cost must follow activity, not network size: the same campaign in the same
//!   1 000-host active segment, padded with 10 000 or 100 000 idle hosts (10× more).
//!   `ticks_only` excludes world building (its per-host part: bevy's host-entity spawn); `full_run`
//!   includes it.
//! * `alliance_idle`: `scenarios/alliance-exercise.yaml` as shipped (1) and with idle hosts added
//!   as unlinked segments (10): 10× its host count, since no host is unreachable as shipped.
//! * `worst_case`: every host active: a virus on a 100 000-host random graph of mean degree 4 with
//!   detection and recovery, in the engine and in a hand-written dense loop on the same graph.
//! * `batch_supply_chain`: 40 runs of `scenarios/supply-chain.yaml` on a 1- or 2-thread rayon
//!   pool (one World per run).
//! * `build_*`: world build; `event_emit`: the cost of one `EventLog::emit`.

use std::path::Path;
use std::sync::LazyLock;

use cydex::scenario::Loaded;
use cydex::scenario::model::Scenario;
use cydex::sim::clock::SimClock;
use cydex::sim::events::{EventKind, EventLog, Keys};
use cydex::sim::state::Catalog;
use cydex::sim::{RunConfig, Simulation, run};
use rayon::prelude::*;

use cydex::testkit::synthetic;

fn main() {
    divan::main();
}

const CFG: RunConfig = RunConfig { seed: 7, run_index: 0 };

fn load(path: &str) -> Loaded {
    match cydex::scenario::load_file(Path::new(path)) {
        Ok(l) => l,
        Err(_) => panic!("{path} does not load: run benches from the repository root"),
    }
}

#[divan::bench(args = [10_000, 100_000], sample_count = 10)]
fn idle_ticks_only(bencher: divan::Bencher, idle: u64) {
    let s = synthetic::idle_padded(1_000, idle, 3);
    bencher.with_inputs(|| Simulation::new(&s, &CFG)).bench_local_values(|sim| sim.run_to_end());
}

#[divan::bench(args = [10_000, 100_000], sample_count = 10)]
fn idle_full_run(bencher: divan::Bencher, idle: u64) {
    let s = synthetic::idle_padded(1_000, idle, 3);
    bencher.bench_local(|| run(&s, &CFG));
}

static ALLIANCE: LazyLock<(Scenario, Scenario)> = LazyLock::new(|| {
    let base = load("scenarios/alliance-exercise.yaml").scenario;
    let padded = synthetic::add_idle_hosts(&base, synthetic::idle_to_add(&base));
    (base, padded)
});

/// `idle_factor` 1: the alliance scenario as shipped; 10: with 10× its idle hosts.
#[divan::bench(args = [1, 10], sample_count = 5)]
fn alliance_idle(bencher: divan::Bencher, idle_factor: u32) {
    let s = if idle_factor == 1 { &ALLIANCE.0 } else { &ALLIANCE.1 };
    bencher.bench_local(|| run(s, &RunConfig::default()));
}

const WORST_N: u32 = 100_000;
const WORST_TICKS: u64 = 20;

static WORST: LazyLock<(synthetic::Graph, synthetic::Virus, Scenario)> = LazyLock::new(|| {
    let g = synthetic::random_graph(WORST_N, 4, 42);
    let v = synthetic::mesa_virus(WORST_N, WORST_TICKS);
    let s = synthetic::virus_on_network(&g, &v, 42);
    (g, v, s)
});

/// The engine on the worst case (world build excluded). Per host-tick: divide by 2 000 000.
#[divan::bench(sample_count = 3)]
fn worst_case_engine(bencher: divan::Bencher) {
    let s = &WORST.2;
    let cfg = RunConfig { seed: 42, run_index: 0 };
    bencher.with_inputs(|| Simulation::new(s, &cfg)).bench_local_values(|sim| sim.run_to_end());
}

/// The hand-written loop on the same graph and rules. Per host-tick: divide by 2 000 000.
#[divan::bench(sample_count = 10)]
fn worst_case_raw_loop(bencher: divan::Bencher) {
    let (g, v, _) = &*WORST;
    bencher.bench_local(|| synthetic::raw_virus(g, v, 42));
}

static SUPPLY: LazyLock<Loaded> = LazyLock::new(|| load("scenarios/supply-chain.yaml"));

/// 40 supply-chain runs (run indices 0..40) on a rayon pool of `threads` threads.
#[divan::bench(args = [1, 2], sample_count = 3)]
fn batch_supply_chain(bencher: divan::Bencher, threads: usize) {
    let loaded = &*SUPPLY;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    bencher.bench_local(|| {
        pool.install(|| {
            (0..40u64)
                .into_par_iter()
                .map(|i| {
                    cydex::results::run(loaded, &[], &RunConfig { seed: cydex::sim::DEFAULT_SEED, run_index: i })
                        .1
                        .len()
                })
                .sum::<usize>()
        })
    });
}

#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 5)]
fn build_world(bencher: divan::Bencher, hosts: u64) {
    let s = synthetic::idle_padded(1_000, hosts - 1_020, 3);
    bencher.bench_local(|| Simulation::new(&s, &CFG));
}

/// `scenarios/bench/million-hosts.yaml` (1 000 000 hosts): world build. Target ≤ 0.5 s.
#[divan::bench(sample_count = 5)]
fn build_million_yaml(bencher: divan::Bencher) {
    let s = load("scenarios/bench/million-hosts.yaml").scenario;
    bencher.bench_local(|| Simulation::new(&s, &CFG));
}

/// One `EventLog::emit` of a host event (what every compromise, stage and response step costs).
#[divan::bench(sample_count = 20)]
fn event_emit(bencher: divan::Bencher) {
    let sim = Simulation::new(&synthetic::idle_padded(1_000, 10_000, 1), &CFG);
    let cat = sim.world().resource::<Catalog>().clone();
    let clock = sim.world().resource::<SimClock>().clone();
    bencher.with_inputs(EventLog::default).bench_local_refs(|log| {
        for h in 0..1_000u32 {
            log.emit(
                &cat,
                &clock,
                EventKind::StageCompleted,
                Keys { host: Some(h), campaign: Some(0), stage: Some(3), cause: Some(1), ..Keys::default() },
            );
        }
    });
}
