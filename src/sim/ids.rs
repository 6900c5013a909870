//! Owns the compact-index conventions that the event log, the host records and the phases'
//! books share: the absent index [`NONE`] and the narrowing of ticks and ids to 32 bits. A leaf:
//! it depends on no other module of the engine, so `events.rs` and `state.rs` can both use it
//! without depending on each other (`state.rs` never imports `events.rs`).

/// Absent index.
pub const NONE: u32 = u32::MAX;

/// A tick or id narrowed to a record's 32 bits (see `events::Record`; never reached in practice:
/// a validated exercise has at most `validate::MAX_TICKS` ticks, and 2³² events would take
/// 128 GiB of records).
pub(crate) fn narrow(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}
