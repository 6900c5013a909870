//! Fuzz target: files cydex reads back — a run's `results.json`, a batch's `batch.json` or shard
//! partial, and a batch journal — and every rendering of what they hold
//! (`cydex::cli::fuzz::readback`).
//!
//! Any panic, hang or runaway allocation here is a bug: files read back are untrusted input
//! (`cydex report`, `cydex merge`, `cydex batch --resume`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cydex::cli::fuzz::readback(data));
