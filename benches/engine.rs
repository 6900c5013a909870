//! Engine benchmarks (divan): cost must follow activity, not network size.
//!
//! `idle_*`: the same campaign in the same 1 000-host active segment, padded with 10 000 or
//! 100 000 idle hosts (10× more). `ticks_only` excludes world building (which is linear in hosts
//! by design); `full_run` includes it. Run: `cargo bench --bench engine`.

use cydex::sim::{RunConfig, Simulation, run};

#[path = "support/synthetic.rs"]
mod synthetic;

fn main() {
    divan::main();
}

const CFG: RunConfig = RunConfig { seed: 7, run_index: 0 };

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

#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 5)]
fn build_world(bencher: divan::Bencher, hosts: u64) {
    let s = synthetic::idle_padded(1_000, hosts - 1_020, 3);
    bencher.bench_local(|| Simulation::new(&s, &CFG));
}
