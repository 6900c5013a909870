//! Measures the engine at scale: world build time for 1 M hosts, and run time plus host-ticks per
//! second for generated ~10 k and ~100 k host exercises, and the idle-padding comparison.
//!
//! Run: `cargo run --release --example scale`

use std::time::Instant;

use cydex::sim::{RunConfig, Simulation};

use cydex::testkit::synthetic;

fn timed(label: &str, s: &cydex::scenario::model::Scenario) {
    let cfg = RunConfig { seed: 7, run_index: 0 };
    let t0 = Instant::now();
    let sim = Simulation::new(s, &cfg);
    let build = t0.elapsed();
    let ticks = sim.n_ticks();
    let t1 = Instant::now();
    let out = sim.run_to_end();
    let run = t1.elapsed();
    let hosts = out.summary.hosts_total;
    let host_ticks = hosts as f64 * ticks as f64;
    println!(
        "{label:<28} hosts {hosts:>9}  ticks {ticks:>5}  build {:>8.1} ms  run {:>8.1} ms  {:>8.1} M host-ticks/s  {:>7} events  compromised {:>6}",
        build.as_secs_f64() * 1e3,
        run.as_secs_f64() * 1e3,
        host_ticks / run.as_secs_f64() / 1e6,
        out.events.len(),
        out.summary.nations.iter().map(|n| n.hosts_compromised).sum::<u64>(),
    );
}

fn main() {
    timed("alliance 10k, 3 days", &synthetic::alliance(4, 10_000, 3));
    timed("alliance 100k, 3 days", &synthetic::alliance(8, 100_000, 3));
    timed("idle-padded 1k+10k", &synthetic::idle_padded(1_000, 10_000, 3));
    timed("idle-padded 1k+100k", &synthetic::idle_padded(1_000, 100_000, 3));
    timed("idle-padded 1k+1M (build)", &synthetic::idle_padded(1_000, 1_000_000 - 1_020, 3));
}
