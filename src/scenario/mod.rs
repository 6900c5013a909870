//! Scenario files: the format's types, the YAML loader and the semantic validator. Knows nothing of bevy.

pub mod attack;
pub mod de;
pub mod duration;
pub mod model;
pub mod suggest;
pub mod validate;
pub mod yaml;
