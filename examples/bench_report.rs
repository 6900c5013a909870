//! The in-process figures of `BENCHMARKS.md`, each pair measured in the same run (interleaved,
//! best-of-N and median), so machine noise cancels in the ratios.
//!
//! ```sh
//! cargo run --release --example bench_report              # everything (several minutes)
//! cargo run --release --example bench_report -- worst     # one section: worst | idle | batch | build | spawn | assess | linked
//! WORST_N=1000000 cargo run --release --example bench_report -- assess   # the whole run path at 1 M hosts
//! REPS=7 BATCH_RUNS=1000 cargo run --release --example bench_report -- batch
//! ```
//!
//! Sections:
//! * `worst`: virus on a 100 000-host G(n, m) graph of average degree 4 (one host per segment),
//!   the engine (`sim::run`, build excluded) against the hand-written dense loop of
//!   `synthetic::raw_virus` on the same graph with the same rules. Target: engine ≤ 5× the loop.
//! * `idle`: `scenarios/alliance-exercise.yaml` against the same scenario with 10× its idle hosts
//!   added as unlinked segments (the in-process half; the file `scenarios/bench/alliance-idle-x10.yaml`
//!   is the same scenario for whole-process timing). Target: ≤ 1.3×.
//! * `batch`: `BATCH_RUNS` (default 1000) runs of `scenarios/supply-chain.yaml` through
//!   `cydex::results::run`, run indices 0.., on a 1-thread and a 2-thread rayon pool (stand-in
//!   for `cydex batch --jobs 1|2`). Target: speed-up ≥ 1.8×.
//! * `assess`: the same worst case through the whole `cydex run` path (build, ticks, summary,
//!   `score::assess`, the cited evidence), each step timed, against the same loop. Targets:
//!   assessment ≤ 0.5× the simulation (ticks + summary), whole path ≤ 5× the loop.
//! * `linked`: the whole `cydex run` path, as `assess`, on the linked world: the bundled
//!   `scenarios/bench/virus-on-network.yaml` at `WORST_N` hosts in one segment (a generated
//!   G(n, p) of mean degree 4), 1 % infected at T+0, the worst case's rules and ticks, against the
//!   same loop on the very network the file generates. The worst case differs only in its shape
//!   (a segment, a host group and named links per host), which its world build pays for.
//! * `build`: world build time of `scenarios/bench/million-hosts.yaml`. Target: ≤ 0.5 s.
//! * `file PATH [K=V ...]`: any scenario file, with `--set`-style overrides, timed in process:
//!   world build, ticks (`Simulation::step` to ENDEX) and the end-of-run summary, with the ticks
//!   per host-tick (hosts × ticks: every host is a Mesa agent stepped every step). One line of
//!   JSON at the end, for `scripts/bench-peers.sh`.
//! * `spawn`: what bevy would charge per host if hosts were entities (they are slots of their
//!   group): `spawn_batch` of `SPAWN_N` (default 1 143 100, the idle padding) one-`u32`
//!   entities into an empty `World`, and dropping that world. The first rep pays the page faults
//!   of fresh memory, as a fresh `cydex` process does.
//!
//! Bad arguments (an unknown section, a file that does not load, a refused override) stop with
//! the problem on stderr and exit code 2, as `cydex` does.

use std::path::Path;
use std::time::{Duration, Instant};

use cydex::overrides::{Override, apply};
use cydex::scenario::load_file;
use cydex::sim::{EventKind, RunConfig, Simulation};
use rayon::prelude::*;

use cydex::testkit::synthetic;

fn reps() -> usize {
    std::env::var("REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

/// Best and median of a set of durations.
fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let secs = |d: Duration| d.as_secs_f64();
    let med =
        if v.len() % 2 == 1 { secs(v[v.len() / 2]) } else { (secs(v[v.len() / 2 - 1]) + secs(v[v.len() / 2])) / 2.0 };
    (secs(v[0]), med)
}

/// Usage so far, as (minor page faults, kernel µs, user µs, preemptions): of the whole process
/// (helper threads included) and of the calling thread alone. A minor fault is a fresh 4 KiB
/// page touched; on this workload the kernel time is almost all serving those faults.
fn usage() -> [(i64, i64, i64, i64); 2] {
    let of = |who| {
        // SAFETY: `getrusage` writes the struct it is given and nothing else.
        let u = unsafe {
            let mut u: libc::rusage = std::mem::zeroed();
            libc::getrusage(who, &raw mut u);
            u
        };
        let us = |t: libc::timeval| t.tv_sec * 1_000_000 + t.tv_usec;
        (u.ru_minflt, us(u.ru_stime), us(u.ru_utime), u.ru_nivcsw)
    };
    [of(libc::RUSAGE_SELF), of(libc::RUSAGE_THREAD)]
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed(), out)
}

/// Stops on bad input (a section, a path, an override) with `message` on stderr and exit code 2,
/// as `cydex` does: a mistyped argument is the user's to fix, not a crash.
fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("bench_report: {message}");
    std::process::exit(2)
}

fn load(path: &str) -> cydex::scenario::Loaded {
    load_file(Path::new(path)).unwrap_or_else(|rejected| {
        for d in &rejected.diagnostics {
            eprint!("{}", d.render(false));
        }
        fail(format_args!("{path} does not load ({} error(s); paths are from the repository root)", rejected.errors()))
    })
}

/// Scenario file `path` with `--set`-style overrides (`KEY=VALUE`) applied.
fn overridden(path: &str, sets: &[String]) -> cydex::scenario::model::Scenario {
    let sets: Vec<Override> =
        sets.iter().map(|s| Override::parse(s).unwrap_or_else(|e| fail(format_args!("--set {s}: {e}")))).collect();
    apply(&load(path).scenario, &sets).unwrap_or_else(|errors| {
        for e in &errors {
            eprintln!("  {e}");
        }
        fail(format_args!("{path}: the overrides were refused ({} error(s))", errors.len()))
    })
}

/// The size of the worst case and of the linked world: `WORST_N` hosts (default 100,000) and
/// `WORST_TICKS` ticks (default 20).
fn worst_size() -> (u32, u64) {
    let n = std::env::var("WORST_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let ticks = std::env::var("WORST_TICKS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    (n, ticks)
}

/// The worst case (`WORST_N` hosts, default 100,000; `WORST_TICKS`, default 20): its graph,
/// virus rules, scenario and run.
fn worst_case() -> (u32, u64, synthetic::Graph, synthetic::Virus, cydex::scenario::model::Scenario, RunConfig) {
    let (n, ticks) = worst_size();
    let g = synthetic::random_graph(n, 4, 42);
    let v = synthetic::mesa_virus(n, ticks);
    let s = synthetic::virus_on_network(&g, &v, 42);
    (n, ticks, g, v, s, RunConfig { seed: 42, run_index: 0 })
}

fn worst() {
    let (n, ticks, g, v, s, cfg) = worst_case();
    println!(
        "worst: {n} hosts, {} edges (mean degree {:.2}, max {}), {ticks} ticks, spread {}, detect {}, outbreak {}",
        g.edges.len(),
        2.0 * g.edges.len() as f64 / f64::from(n),
        g.max_degree(),
        v.spread,
        v.detect,
        v.outbreak
    );
    let (mut eng, mut raw, mut builds, mut steps) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in 0..reps() {
        let (b, mut sim) = time(|| Simulation::new(&s, &cfg));
        let [(f0, k0, _, _), (g0, j0, u0, c0)] = usage();
        let (tt, ()) = time(|| while sim.step() {});
        let [(f1, k1, _, _), (g1, j1, u1, c1)] = usage();
        let (ts, out) = time(|| sim.run_to_end());
        let (tr, ro) = time(|| synthetic::raw_virus(&g, &v, 42));
        builds.push(b);
        steps.push(tt);
        eng.push(tt + ts);
        raw.push(tr);
        if r == 0 {
            let count = |k: EventKind| out.events.iter().filter(|e| e.kind == k).count();
            println!(
                "  engine: {} events; compromised {}, detected {}, recovered {}; {} minor page faults in the ticks ({} MiB first touched, {} ms in the kernel of {} ms), {} of them on the simulation thread ({} ms in the kernel, {} ms in user space, {} preemptions)",
                out.events.len(),
                count(EventKind::HostCompromised),
                count(EventKind::HostDetected),
                count(EventKind::HostRecovered),
                f1 - f0,
                (f1 - f0) * 4 / 1024,
                (k1 - k0) / 1000,
                tt.as_millis(),
                g1 - g0,
                (j1 - j0) / 1000,
                (u1 - u0) / 1000,
                c1 - c0
            );
            println!(
                "  loop:   infections {}, detections {}, recoveries {}, mean prevalence {:.1} %",
                ro.infections,
                ro.detections,
                ro.recoveries,
                100.0 * ro.infected_host_ticks as f64 / (f64::from(n) * (ticks - 1) as f64)
            );
        }
        drop(out);
    }
    let ht = f64::from(n) * ticks as f64;
    let (eb, em) = stats(eng.clone());
    let (rb, rm) = stats(raw.clone());
    let (bb, bm) = stats(builds);
    let (sb, sm) = stats(steps.clone());
    let sorted_ratios = |e: &[Duration]| {
        let mut v: Vec<f64> = e.iter().zip(&raw).map(|(e, r)| e.as_secs_f64() / r.as_secs_f64()).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let rs = sorted_ratios(&eng);
    let ss = sorted_ratios(&steps);
    println!(
        "  ticks only     best {:8.1} ms  median {:8.1} ms  = {:6.1} / {:6.1} ns per host-tick (Simulation::step to ENDEX)",
        sb * 1e3,
        sm * 1e3,
        sb * 1e9 / ht,
        sm * 1e9 / ht
    );
    println!(
        "  engine run     best {:8.1} ms  median {:8.1} ms  = {:6.1} / {:6.1} ns per host-tick (ticks + summary + teardown)",
        eb * 1e3,
        em * 1e3,
        eb * 1e9 / ht,
        em * 1e9 / ht
    );
    println!(
        "  raw loop       best {:8.1} ms  median {:8.1} ms  = {:6.1} / {:6.1} ns per host-tick",
        rb * 1e3,
        rm * 1e3,
        rb * 1e9 / ht,
        rm * 1e9 / ht
    );
    println!("  engine build   best {:8.1} ms  median {:8.1} ms", bb * 1e3, bm * 1e3);
    println!(
        "  RATIO engine/loop: best/best {:.2}x, median of per-rep ratios {:.2}x (min {:.2}x)  target <= 5x",
        eb / rb,
        rs[rs.len() / 2],
        rs[0]
    );
    println!(
        "  RATIO ticks/loop:  best/best {:.2}x, median of per-rep ratios {:.2}x (min {:.2}x)  target <= 5x",
        sb / rb,
        ss[ss.len() / 2],
        ss[0]
    );
}

/// The whole `cydex run` path on the worst case: build, ticks, summary, assessment and the cited
/// evidence (`results::run` minus provenance), each timed, against the hand-written loop.
fn assess() {
    let (n, ticks, g, v, s, cfg) = worst_case();
    println!("assess: worst case, {n} hosts, {ticks} ticks (set WORST_N=1000000 for 1 M)");
    whole_path(&s, &cfg, || synthetic::raw_virus(&g, &v, 42));
}

/// The whole `cydex run` path on the linked world: `scenarios/bench/virus-on-network.yaml` at
/// `WORST_N` hosts (one segment, a generated G(n, p) of mean degree 4), 1 % infected at T+0,
/// `WORST_TICKS` ticks, against the hand-written loop on the network the file generates.
fn linked() {
    let (n, ticks) = worst_size();
    let path = "scenarios/bench/virus-on-network.yaml";
    let sets = [
        format!("nations.EST.segments.NET.host_groups.NODE.count={n}"),
        format!("nations.EST.team.analysts={n}"),
        format!("campaigns.VIRUS.entry.footholds={}", (n / 100).max(1)),
        format!("clock.duration={ticks}d"),
    ];
    let s = overridden(path, &sets);
    let segment = &s.nations[0].segments[0];
    let Some(topology) = &segment.topology else { fail(format_args!("{path}: its segment has no topology")) };
    let (offsets, adj) = cydex::sim::topology::HostGraph::generate(topology, &segment.id, n, 0).local_csr();
    let g = synthetic::of_csr(offsets, adj);
    let v = synthetic::mesa_virus(n, ticks);
    println!(
        "linked: {path}, {n} hosts in one segment, {} links (mean degree {:.2}), {ticks} ticks",
        g.edges.len(),
        2.0 * g.edges.len() as f64 / f64::from(n)
    );
    whole_path(&s, &RunConfig { seed: 42, run_index: 0 }, || synthetic::raw_virus(&g, &v, 42));
}

/// Times each step of the `cydex run` path on `s` (build, ticks, summary + teardown, assessment,
/// evidence, and all of them) and `raw`, the hand-written loop, in turn, and prints the ratios.
fn whole_path(s: &cydex::scenario::model::Scenario, cfg: &RunConfig, raw: impl Fn() -> synthetic::RawOutcome) {
    let mut t: [Vec<Duration>; 7] = Default::default();
    for r in 0..reps() {
        let t0 = Instant::now();
        let mut sim = Simulation::new(s, cfg);
        let t1 = Instant::now();
        while sim.step() {}
        let t2 = Instant::now();
        let out = sim.run_to_end();
        let t3 = Instant::now();
        let a = cydex::score::assess(s, &out);
        let t4 = Instant::now();
        let ev = cydex::results::evidence::collect(&a, &out.events);
        let t5 = Instant::now();
        if r == 0 {
            let compromised = out.events.log().records().filter(|e| e.kind == EventKind::HostCompromised).count();
            println!(
                "  {} events, {compromised} compromises, {} ledger entries, {} cited events",
                out.events.len(),
                a.scores.ledger.len(),
                ev.len()
            );
        }
        drop((out, a, ev));
        let (tr, _) = time(&raw);
        for (k, d) in [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0, tr].into_iter().enumerate() {
            t[k].push(d);
        }
    }
    let labels = ["world build", "ticks", "summary", "assessment", "evidence", "whole path", "raw loop"];
    for (k, label) in labels.iter().enumerate() {
        let (b, m) = stats(t[k].clone());
        println!("  {label:<12} best {:9.1} ms  median {:9.1} ms", b * 1e3, m * 1e3);
    }
    let best = |k: usize| stats(t[k].clone()).0;
    println!("  RATIO assessment/simulation (ticks + summary): {:.2}x  target <= 0.5x", best(3) / (best(1) + best(2)));
    println!("  RATIO assessment/ticks: {:.2}x", best(3) / best(1));
    println!("  RATIO whole path/loop: {:.2}x  target <= 5x", best(5) / best(6));
    println!("  RATIO ticks/loop: {:.2}x  target <= 5x", best(1) / best(6));
}

fn idle() {
    let base = load("scenarios/alliance-exercise.yaml").scenario;
    let hosts = synthetic::host_count(&base);
    let idle = synthetic::unreachable_hosts(&base);
    let extra = synthetic::idle_to_add(&base);
    let padded = synthetic::add_idle_hosts(&base, extra);
    println!(
        "idle: alliance {hosts} hosts, {idle} unreachable by any campaign; padded: +{extra} idle hosts in unlinked segments -> {} hosts",
        synthetic::host_count(&padded),
    );
    if let Ok(file) = load_file(Path::new("scenarios/bench/alliance-idle-x10.yaml")) {
        assert!(file.scenario == padded, "scenarios/bench/alliance-idle-x10.yaml is the padded scenario");
        println!("  (scenarios/bench/alliance-idle-x10.yaml is this padded scenario)");
    }
    let cfg = RunConfig::default();
    // full, build, ticks, summary + teardown, teardown alone × (1x, padded)
    let mut t: [[Vec<Duration>; 2]; 5] = Default::default();
    for _ in 0..reps() {
        for (k, sc) in [&base, &padded].into_iter().enumerate() {
            let t0 = Instant::now();
            let mut sim = Simulation::new(sc, &cfg);
            let t1 = Instant::now();
            while sim.step() {}
            let t2 = Instant::now();
            let out = sim.run_to_end();
            let t3 = Instant::now();
            drop(out);
            t[0][k].push(t3 - t0);
            t[1][k].push(t1 - t0);
            t[2][k].push(t2 - t1);
            t[3][k].push(t3 - t2);
            let sim = Simulation::new(sc, &cfg);
            t[4][k].push(time(|| drop(sim)).0);
        }
    }
    for (i, label) in [
        "full run (build+ticks+summary)",
        "world build",
        "ticks (Simulation::step)",
        "end-of-run summary + teardown",
        "teardown (drop a built sim)",
    ]
    .iter()
    .enumerate()
    {
        let (ab, am) = stats(t[i][0].clone());
        let (bb, bm) = stats(t[i][1].clone());
        let target = if i == 0 { "  target <= 1.3x" } else { "" };
        println!(
            "  {label:<31} 1x: best {:7.2} ms median {:7.2} ms | padded: best {:7.2} ms median {:7.2} ms | RATIO best {:.2}x median {:.2}x{target}",
            ab * 1e3,
            am * 1e3,
            bb * 1e3,
            bm * 1e3,
            bb / ab,
            bm / am
        );
    }
}

fn batch() {
    let runs: u64 = std::env::var("BATCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let loaded = load("scenarios/supply-chain.yaml");
    let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("thread pool");
    let (p1, p2) = (pool(1), pool(2));
    let one = |i: u64| {
        let (res, events) =
            cydex::results::run(&loaded, &[], &RunConfig { seed: cydex::sim::DEFAULT_SEED, run_index: i });
        res.summary.hosts_total + events.len() as u64
    };
    let go = |p: &rayon::ThreadPool| p.install(|| (0..runs).into_par_iter().map(one).sum::<u64>());
    let reps = std::env::var("BATCH_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(2);
    println!(
        "batch: {runs} runs of supply-chain.yaml via cydex::results::run on rayon pools (stand-in for `cydex batch`), {reps} reps"
    );
    let (mut t1, mut t2) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let (a, ca) = time(|| go(&p1));
        let (b, cb) = time(|| go(&p2));
        assert_eq!(ca, cb, "1 and 2 threads must give the same runs");
        t1.push(a);
        t2.push(b);
    }
    let speedups: Vec<f64> = t1.iter().zip(&t2).map(|(a, b)| a.as_secs_f64() / b.as_secs_f64()).collect();
    let (ab, am) = stats(t1);
    let (bb, bm) = stats(t2);
    println!(
        "  1 thread: best {ab:.2} s median {am:.2} s ({:.1} ms/run) | 2 threads: best {bb:.2} s median {bm:.2} s | SPEED-UP best/best {:.2}x, per-rep {:?}  target >= 1.8x",
        ab * 1e3 / runs as f64,
        ab / bb,
        speedups.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>()
    );
}

fn build() {
    let path = "scenarios/bench/million-hosts.yaml";
    let (tl, loaded) = time(|| load(path));
    let s = &loaded.scenario;
    let cfg = RunConfig::default();
    let mut v = Vec::new();
    for _ in 0..reps() {
        let (t, sim) = time(|| Simulation::new(s, &cfg));
        v.push(t);
        drop(sim);
    }
    let (b, m) = stats(v);
    println!(
        "build: {path}: {} hosts; load+validate {:.1} ms; Simulation::new best {:.1} ms median {:.1} ms ({:.0} ns/host)  target <= 500 ms",
        synthetic::host_count(s),
        tl.as_secs_f64() * 1e3,
        b * 1e3,
        m * 1e3,
        b * 1e9 / synthetic::host_count(s) as f64
    );
}

/// A host as an entity of its own would be: one `u32` component (its slot).
#[derive(bevy_ecs::component::Component)]
struct HostEntity(#[allow(dead_code, reason = "stored, as a real component would be")] u32);

fn spawn() {
    let n: u32 = std::env::var("SPAWN_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_143_100);
    let (mut s, mut d) = (Vec::new(), Vec::new());
    for _ in 0..reps() {
        let mut world = bevy_ecs::world::World::new();
        let (ts, ()) = time(|| {
            world.spawn_batch((0..n).map(HostEntity));
        });
        let (td, ()) = time(|| drop(world));
        s.push(ts);
        d.push(td);
    }
    let ns = |x: Duration| x.as_secs_f64() * 1e9 / f64::from(n);
    let (first_s, first_d) = (ns(s[0]), ns(d[0]));
    let ((sb, sm), (db, dm)) = (stats(s), stats(d));
    let per = |x: f64| x * 1e9 / f64::from(n);
    println!(
        "spawn: {n} one-u32 entities via World::spawn_batch into an empty world | spawn: first {first_s:.1} ns/entity, best {:.1}, median {:.1} | drop: first {first_d:.1} ns/entity, best {:.1}, median {:.1}",
        per(sb),
        per(sm),
        per(db),
        per(dm)
    );
}

fn main() {
    let which: Vec<String> = std::env::args().skip(1).collect();
    const SECTIONS: [&str; 7] = ["worst", "idle", "batch", "build", "spawn", "assess", "linked"];
    if which.first().is_none_or(|w| w != "file")
        && let Some(w) = which.iter().find(|w| !SECTIONS.contains(&w.as_str()))
    {
        fail(format_args!("unknown section `{w}` (sections: {} | file PATH [KEY=VALUE ...])", SECTIONS.join(" | ")));
    }
    let want = |s: &str| which.is_empty() || which.first().is_some_and(|w| w != "file") && which.iter().any(|w| w == s);
    println!(
        "reps = {} (REPS), best-of and median; load: {}",
        reps(),
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    if want("build") {
        build();
    }
    if want("idle") {
        idle();
    }
    if want("worst") {
        worst();
    }
    if want("batch") {
        batch();
    }
    if want("assess") {
        assess();
    }
    if want("linked") {
        linked();
    }
    if want("spawn") {
        spawn();
    }
    if which.first().is_some_and(|w| w == "file") {
        file(&which[1..]);
    }
}

/// `file PATH [K=V ...]`: build, ticks and summary of one scenario file, best-of and median.
fn file(args: &[String]) {
    let Some((path, sets)) = args.split_first() else {
        fail("usage: bench_report file PATH [KEY=VALUE ...]");
    };
    let scenario = overridden(path, sets);
    let hosts = synthetic::host_count(&scenario);
    let ticks = scenario.clock.duration.secs() / scenario.clock.tick.secs();
    let cfg = RunConfig::default();
    let (mut builds, mut steps, mut ends) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps() {
        let (b, mut sim) = time(|| Simulation::new(&scenario, &cfg));
        let (t, ()) = time(|| while sim.step() {});
        let (e, out) = time(|| sim.run_to_end());
        drop(out);
        builds.push(b);
        steps.push(t);
        ends.push(e);
    }
    let ht = hosts as f64 * ticks as f64;
    let ((bb, bm), (tb, tm), (eb, em)) = (stats(builds), stats(steps), stats(ends));
    println!("file: {path} {}: {hosts} hosts, {ticks} ticks", args[1..].join(" "));
    println!("  world build    best {:8.1} ms  median {:8.1} ms", bb * 1e3, bm * 1e3);
    println!(
        "  ticks          best {:8.1} ms  median {:8.1} ms = {:.1} / {:.1} ns per host-tick",
        tb * 1e3,
        tm * 1e3,
        tb * 1e9 / ht,
        tm * 1e9 / ht
    );
    println!("  summary        best {:8.1} ms  median {:8.1} ms", eb * 1e3, em * 1e3);
    println!(
        "{{\"peer\": \"cydex\", \"hosts\": {hosts}, \"ticks\": {ticks}, \"build_s\": {bb:.4}, \"steps_s\": {tb:.4}, \"steps_median_s\": {tm:.4}, \"summary_s\": {eb:.4}, \"ns_per_agent_step\": {:.1}}}",
        tb * 1e9 / ht
    );
}
