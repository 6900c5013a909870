//! Fuzz target: the scenario loader and validator, and (for small valid scenarios) the engine.
//!
//! Any panic, hang or runaway allocation here is a bug: scenario files are untrusted input.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Valid scenarios at most this big (total hosts, ticks) are also simulated.
const MAX_SIM_HOSTS: u64 = 2_000;
const MAX_SIM_TICKS: u64 = 2_000;

fuzz_target!(|data: &[u8]| {
    match cydex::scenario::load_bytes("fuzz.yaml", data) {
        Ok(loaded) => {
            for d in &loaded.warnings {
                let _ = d.render(false);
            }
            let s = &loaded.scenario;
            let hosts: u64 = s
                .nations
                .iter()
                .flat_map(|n| &n.segments)
                .flat_map(|g| &g.host_groups)
                .map(|h| h.count)
                .fold(0u64, u64::saturating_add);
            let tick = s.clock.tick.secs().max(1);
            let ticks = s.clock.duration.secs().div_ceil(tick);
            if hosts <= MAX_SIM_HOSTS && ticks <= MAX_SIM_TICKS {
                let out = cydex::sim::run(s, &cydex::sim::RunConfig::default());
                assert_eq!(out.summary.events as usize, out.events.len());
            }
        }
        Err(rejected) => {
            assert!(!rejected.diagnostics.is_empty(), "rejected without a diagnostic");
            for d in &rejected.diagnostics {
                let _ = d.render(false);
            }
        }
    }
});
