//! Helpers shared by the hardening tests (`tests/invariants.rs`, `tests/determinism.rs`).

#![allow(dead_code, reason = "each test binary uses a different part")]

pub mod r#gen;
