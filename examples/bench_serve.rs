//! Goal G15 of `BENCHMARKS.md` (issue 18): ten seats on the alliance scenario, each tick's updates
//! delivered in under 100 ms.
//!
//! ```sh
//! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
//!     cargo build --release --bin cydex --example bench_serve
//! target/release/examples/bench_serve            # STEPS=30 CLOCK_SPEED=60 CLOCK_TICKS=4
//! ```
//!
//! Starts `cydex serve scenarios/alliance-exercise.yaml --speed 60 --evaluators 1` with eight
//! `--seat`s (EXCON + 8 teams + 1 evaluator = 10 seats), opens one server-sent-event stream per
//! seat and, as a browser page does, fetches and parses the seat's view on every `tick` event
//! (teams their own view, EXCON and the evaluator EXCON's). Two measurements:
//!
//! * **step**: EXCON steps the clock `STEPS` times (the alliance's ticks are 15 minutes, so ×60
//!   is one tick every 15 s: 30 ticks would take 7.5 minutes). Delivery of a tick = from sending
//!   the step request to the last of the ten seats having its view parsed; it includes the tick's
//!   simulation.
//! * **clock**: the clock runs at `CLOCK_SPEED` for `CLOCK_TICKS` ticks. The client cannot see
//!   when the server ran the tick, so delivery = from the first seat's `tick` event to the last
//!   seat's view parsed (the tick's simulation excluded).
//!
//! The binary is `CYDEX_BIN`, else `cydex` next to this example's directory.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SEATS: [&str; 8] = ["ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST"];

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn agent(timeout: Option<Duration>) -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(timeout).build().into()
}

/// One seat's delivery of one tick.
struct Delivered {
    tick: u64,
    event: Instant,
    done: Instant,
    bytes: usize,
}

fn stats(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    format!(
        "n={} best {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms.len(),
        ms[0],
        q(0.5),
        q(0.95),
        ms[ms.len() - 1]
    )
}

fn main() {
    let steps = env_num("STEPS", 30);
    let clock_speed = env_num("CLOCK_SPEED", 60);
    let clock_ticks = env_num("CLOCK_TICKS", 4);
    let exe = std::env::var_os("CYDEX_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("cydex"));
    let out = std::env::temp_dir().join(format!("cydex-bench-serve-{}", std::process::id()));
    let mut cmd = Command::new(&exe);
    cmd.args(["serve", "scenarios/alliance-exercise.yaml", "--seed", "1", "--speed", "60"])
        .args(["--listen", "127.0.0.1:0", "--evaluators", "1", "--out"])
        .arg(&out);
    for s in SEATS {
        cmd.args(["--seat", s]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut base, mut seats) = (String::new(), Vec::new());
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("journal:") {
            break;
        }
        if let (true, Some(url)) = (line.starts_with("  "), line.split_whitespace().nth(1)) {
            let (b, token) = url.split_once("/s/").unwrap();
            base = b.to_string();
            seats.push((line.split_whitespace().next().unwrap().to_string(), token.to_string()));
        }
    }
    std::thread::spawn(move || for _ in lines {}); // keep the pipe drained
    assert_eq!(seats.len(), 10, "ten seats: {seats:?}");
    let excon = seats[0].1.clone();

    let (tx, rx) = mpsc::channel::<(usize, Delivered)>();
    for (i, (seat, token)) in seats.iter().enumerate() {
        let view = if SEATS.contains(&seat.as_str()) { seat.clone() } else { "EXCON".to_string() };
        let (base, token, tx) = (base.clone(), token.clone(), tx.clone());
        std::thread::spawn(move || {
            let stream = agent(None).get(format!("{base}/api/stream/{view}?token={token}")).call().unwrap();
            assert_eq!(stream.status(), 200);
            let fetch = agent(Some(Duration::from_secs(30)));
            let mut event = false;
            for line in BufReader::new(stream.into_body().into_reader()).lines() {
                let Ok(line) = line else { return };
                if line == "event: tick" {
                    event = true;
                } else if let (true, Some(data)) = (event, line.strip_prefix("data: ")) {
                    event = false;
                    let at = Instant::now();
                    // The server going away at the end closes the stream or fails this fetch.
                    let Ok(mut r) = fetch.get(format!("{base}/api/view/{view}")).header("X-Cydex-Token", &token).call()
                    else {
                        return;
                    };
                    let Ok(body) = r.body_mut().read_to_string() else { return };
                    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                    assert!(v["tick"].is_u64());
                    let d =
                        Delivered { tick: data.parse().unwrap(), event: at, done: Instant::now(), bytes: body.len() };
                    if tx.send((i, d)).is_err() {
                        return;
                    }
                }
            }
        });
    }
    drop(tx);
    std::thread::sleep(Duration::from_millis(500)); // the ten streams subscribe
    let clock = |body: &str| {
        let mut r = agent(Some(Duration::from_secs(60)))
            .post(format!("{base}/api/clock"))
            .header("X-Cydex-Token", &excon)
            .send(body.to_string())
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        v["tick"].as_u64().unwrap_or_else(|| panic!("clock: {v}"))
    };
    // Collects the ten deliveries of `tick`; other ticks' deliveries are dropped.
    let collect = |tick: u64| -> Vec<Delivered> {
        let mut got: Vec<Option<Delivered>> = (0..10).map(|_| None).collect();
        while got.iter().any(Option::is_none) {
            let (i, d) = rx.recv_timeout(Duration::from_secs(60)).expect("a seat's delivery within 60 s");
            if d.tick == tick && got[i].is_none() {
                got[i] = Some(d);
            }
        }
        got.into_iter().flatten().collect()
    };

    let (mut step_ms, mut sim_ms, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..steps {
        let sent = Instant::now();
        let tick = clock(r#"{"op":"step"}"#);
        let replied = Instant::now();
        let ds = collect(tick);
        let last = ds.iter().map(|d| d.done).max().unwrap();
        step_ms.push((last - sent).as_secs_f64() * 1e3);
        sim_ms.push((replied - sent).as_secs_f64() * 1e3);
        sizes = ds.iter().map(|d| d.bytes).collect();
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("step: {steps} ticks × 10 seats (step request → last seat's view parsed): {}", stats(step_ms));
    println!("      of which the step request itself (simulation of the tick): {}", stats(sim_ms));
    println!("      view sizes (bytes, per seat): {sizes:?}");

    let start = clock(&format!(r#"{{"op":"speed","speed":{clock_speed}}}"#));
    clock(r#"{"op":"resume"}"#);
    let began = Instant::now();
    let mut clock_ms = Vec::new();
    for k in 1..=clock_ticks {
        let ds = collect(start + k);
        let first = ds.iter().map(|d| d.event).min().unwrap();
        let last = ds.iter().map(|d| d.done).max().unwrap();
        clock_ms.push((last - first).as_secs_f64() * 1e3);
    }
    clock(r#"{"op":"pause"}"#);
    println!(
        "clock ×{clock_speed}: {clock_ticks} ticks in {:.1} s (first seat's tick event → last seat's view parsed): {}",
        began.elapsed().as_secs_f64(),
        stats(clock_ms)
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&out);
}
