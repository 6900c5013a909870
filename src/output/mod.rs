//! Output formats for run results. Knows the engine's `Event` type, never the `World`.

pub mod events;
