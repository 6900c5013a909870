//! What cydex does with files it reads back — a run's `results.json`, a batch's `batch.json` or
//! shard partial, a batch journal — as one function of untrusted bytes, shared by the fuzz target
//! (`fuzz/fuzz_targets/readback.rs`) and the corpus replay test (`tests/hardening.rs`), so both
//! exercise exactly the same paths: parse, render every report, merge, and write back.

use crate::results::RunResults;
use crate::results::batch::{self, BatchFile, BatchMeta};

/// Parses `data` as each kind of file read back and, where it parses, renders and re-reads what
/// cydex would write from it. Panics only on a bug: a file cydex wrote that it cannot read back.
#[doc(hidden)]
pub fn readback(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = RunResults::from_json(text) {
        let _ = crate::report::markdown(&r);
        let _ = crate::report::html(&r);
        let _ = crate::report::terminal(&r, false);
        let _ = crate::report::navigator::run(&r);
        assert!(RunResults::from_json(&r.to_json()).is_ok(), "results cydex wrote must read back");
    }
    if let Ok(b) = BatchFile::from_json(text) {
        let _ = crate::report::batch::markdown(&b);
        let _ = crate::report::batch::html(&b);
        let _ = crate::report::batch::terminal(&b, false);
        let _ = crate::report::navigator::batch(&b);
        let _ = batch::merge_plan(vec![("fuzz.json".to_string(), b.clone())]);
        assert!(BatchFile::from_json(&b.to_json()).is_ok(), "a batch cydex wrote must read back");
    }
    let _ = crate::batch::journal::parse(data, &journal_meta());
}

/// The batch a fuzzed journal is read against: 20 runs, seed 1, no scenario hash, this engine.
fn journal_meta() -> BatchMeta {
    BatchMeta {
        engine: crate::results::engine_version(),
        scenario: "fuzz.yaml".into(),
        scenario_sha256: String::new(),
        exercise_id: "FUZZ".into(),
        exercise_title: String::new(),
        tlp: "TLP:CLEAR".into(),
        attack_version: "18.1".into(),
        techniques: vec![],
        objectives: Default::default(),
        overrides: vec![],
        seed: 1,
        runs: 20,
        shard: None,
        runs_included: 20,
    }
}
