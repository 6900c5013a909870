//! cydex: a cyber defence exercise engine. Loads YAML scenarios of Allied national networks,
//! injects ATT&CK-tagged campaigns, simulates detection, response and assistance on bevy_ecs, and
//! scores the run.

pub mod atomic;
pub mod batch;
pub mod cli;
pub mod fmt;
pub mod overrides;
pub mod par;
pub mod play;
pub mod readback;
pub mod report;
pub mod results;
pub mod scenario;
pub mod score;
pub mod serve;
pub mod sim;
#[doc(hidden)]
pub mod testkit;
