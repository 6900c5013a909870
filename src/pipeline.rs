//! One exercise run from a loaded scenario to its results: simulate, assess, and stamp the
//! provenance (engine version, scenario hash, seed, run index) that makes it reproducible.

use crate::report::{RunMeta, RunResults, engine_version};
use crate::scenario::Loaded;
use crate::sim::{EventStream, RunConfig};

/// Runs `loaded` with `config` and returns the results and the event log. `overrides` are the
/// `--set PATH=VALUE` words already applied to `loaded`, recorded so the run can be reproduced.
pub fn run(loaded: &Loaded, overrides: &[String], config: &RunConfig) -> (RunResults, EventStream) {
    let outcome = crate::sim::run(&loaded.scenario, config);
    let assessment = crate::score::assess(&loaded.scenario, &outcome);
    let ex = &loaded.scenario.exercise;
    let meta = RunMeta {
        engine: engine_version(),
        scenario: loaded.source.name.clone(),
        scenario_sha256: loaded.sha256.clone(),
        exercise_id: ex.id.clone(),
        exercise_title: ex.title.clone(),
        tlp: crate::scenario::model::name_of(&ex.tlp),
        overrides: overrides.to_vec(),
        seed: config.seed,
        run_index: config.run_index,
    };
    (RunResults::new(meta, outcome.summary, assessment), outcome.events)
}
