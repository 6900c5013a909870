//! Owns running Monte Carlo batches: many seeded runs of one scenario in parallel (one bevy World
//! per run), each finished run saved to a journal under `DIR/runs/` (see [`journal`]) so an
//! interrupted batch can resume, and aggregated as it finishes by a [`spill::Spill`] in bounded
//! memory. The records and their statistics live in [`crate::results::batch`].
//!
//! Determinism: run `i` of a batch is `sim::run(scenario, (seed, i))`, whatever thread runs it,
//! and the aggregates do not depend on the order runs finish in.

pub mod journal;
pub mod merge;
pub mod spill;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::results::batch::RunRecord;
use crate::results::observe::observe;
use crate::scenario::Loaded;
use crate::sim::RunConfig;

/// Runs run `i` of a batch and flattens it.
pub fn run_one(loaded: &Loaded, seed: u64, i: u64) -> RunRecord {
    // The overrides are already applied to `loaded`; they are recorded in the batch's meta.
    let (results, _) = crate::results::run(loaded, &[], &RunConfig { seed, run_index: i });
    RunRecord::new(i, observe(&results))
}

/// Runs `indices` of a batch on a pool of `jobs` threads (one World per run). Before starting
/// each run it checks `stop`; runs already started finish. Each finished run is passed to
/// `on_done` (to persist and aggregate it and tick progress) on the worker thread; an error from
/// it stops the batch. Returns how many runs finished (all of them unless stopped) or the first
/// error. No run is kept.
pub fn execute<E: Send>(
    loaded: &Loaded,
    seed: u64,
    indices: &[u64],
    jobs: usize,
    stop: &AtomicBool,
    on_done: &(dyn Fn(&RunRecord) -> Result<(), E> + Sync),
) -> Result<u64, E> {
    let failure: Mutex<Option<E>> = Mutex::new(None);
    let work = || {
        indices
            .par_iter()
            .with_max_len(1)
            .map(|&i| {
                if stop.load(Ordering::SeqCst) {
                    return 0;
                }
                let r = run_one(loaded, seed, i);
                if let Err(e) = on_done(&r) {
                    stop.store(true, Ordering::SeqCst);
                    if let Ok(mut slot) = failure.lock() {
                        slot.get_or_insert(e);
                    }
                    return 0;
                }
                1
            })
            .sum::<u64>()
    };
    let done = match rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    };
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(done)
}
