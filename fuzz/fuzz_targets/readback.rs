//! Fuzz target: files cydex reads back — a run's `results.json`, a batch's `batch.json` or shard
//! partial, and a batch journal line file — and every rendering of what they hold.
//!
//! Any panic, hang or runaway allocation here is a bug: files read back are untrusted input
//! (`cydex report`, `cydex merge`, `cydex batch --resume`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = cydex::results::RunResults::from_json(text) {
        let _ = cydex::report::markdown(&r);
        let _ = cydex::report::html(&r);
        let _ = cydex::report::terminal(&r, false);
        let _ = cydex::report::navigator::run(&r);
        assert!(cydex::results::RunResults::from_json(&r.to_json()).is_ok(), "results cydex wrote must read back");
    }
    if let Ok(b) = cydex::results::batch::BatchFile::from_json(text) {
        let _ = cydex::report::batch::markdown(&b);
        let _ = cydex::report::batch::html(&b);
        let _ = cydex::report::batch::terminal(&b, false);
        let _ = cydex::report::navigator::batch(&b);
        let meta = b.meta.clone();
        if let Ok(merged) = cydex::results::batch::merge(vec![("fuzz.json".to_string(), b)]) {
            let json = merged.to_json();
            assert!(cydex::results::batch::BatchFile::from_json(&json).is_ok(), "a merge must read back");
        }
        let _ = cydex::batch::journal::parse(data, &meta);
    }
    let meta = cydex::results::batch::BatchMeta {
        engine: cydex::results::engine_version(),
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
    };
    let _ = cydex::batch::journal::parse(data, &meta);
});
