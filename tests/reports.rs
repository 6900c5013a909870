//! Snapshot tests of the reports of the default drill (seed fixed): the Markdown after-action
//! report and the terminal summary. A change to either shows up as a reviewable diff.

use cydex::report::{RunMeta, RunResults, markdown, terminal};
use cydex::scenario::load_file;
use cydex::score::assess;
use cydex::sim::{DEFAULT_SEED, RunConfig, run};

fn default_results() -> RunResults {
    let loaded = load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap();
    let config = RunConfig { seed: DEFAULT_SEED, run_index: 0 };
    let outcome = run(&loaded.scenario, &config);
    let assessment = assess(&loaded.scenario, &outcome);
    let meta = RunMeta {
        // Fixed so the snapshot does not change with every release or scenario comment edit.
        engine: "cydex (snapshot)".into(),
        scenario: "scenarios/ransomware-drill.yaml".into(),
        scenario_sha256: "0".repeat(64),
        exercise_id: loaded.scenario.exercise.id.clone(),
        exercise_title: loaded.scenario.exercise.title.clone(),
        tlp: "TLP:GREEN".into(),
        overrides: Vec::new(),
        seed: config.seed,
        run_index: 0,
    };
    RunResults::new(meta, outcome.summary, assessment)
}

#[test]
fn markdown_report_of_the_default_drill() {
    let md = markdown::render(&default_results());
    for section in [
        "## 1. Exercise overview",
        "## 2. Executive summary",
        "## 3. Analysis of objectives",
        "## 4. Objectives in detail",
        "## 5. Incident-handling metrics",
        "## 6. ATT&CK coverage",
        "## 7. Assistance timeline",
        "## 9. Scores",
        "## Appendix A: Improvement plan",
        "## Appendix B: Executed MSEL",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    insta::assert_snapshot!(md);
}

#[test]
fn terminal_summary_of_the_default_drill() {
    insta::assert_snapshot!(terminal::render(&default_results(), false));
}

#[test]
fn results_round_trip_through_json() {
    let r = default_results();
    let back = RunResults::from_json(&r.to_json()).unwrap();
    assert_eq!(back.to_json(), r.to_json());
}

#[test]
fn foreign_or_incompatible_results_are_refused_with_a_reason() {
    let err = RunResults::from_json("{\"hello\": 1}").unwrap_err();
    assert!(err.contains("not a cydex results file"), "{err}");
    let err = RunResults::from_json("not json").unwrap_err();
    assert!(err.contains("not valid JSON"), "{err}");
    let r = default_results().to_json().replacen("\"format_version\": 1", "\"format_version\": 99", 1);
    let err = RunResults::from_json(&r).unwrap_err();
    assert!(err.contains("version 99 is not supported"), "{err}");
    let err = RunResults::from_json("{\"format\": \"cydex-results\", \"format_version\": 1}").unwrap_err();
    assert!(err.contains("damaged or incomplete"), "{err}");
}

/// `docs/examples/` holds what `cydex run --out` writes for the default scenario; regenerate it
/// with `scripts/gen-examples.sh` whenever this fails.
#[test]
fn docs_examples_are_current() {
    let loaded = cydex::cli::load_default().unwrap();
    let (results, _) = cydex::pipeline::run(&loaded, &[], &RunConfig { seed: DEFAULT_SEED, run_index: 0 });
    let stale = "docs/examples/ is out of date: run scripts/gen-examples.sh";
    let current = |f: &str, text: String| std::fs::read_to_string(format!("docs/examples/{f}")).unwrap() == text;
    assert!(current("results.json", results.to_json()), "results.json: {stale}");
    assert!(current("report.md", markdown::render(&results)), "report.md: {stale}");
    assert!(current("report.html", cydex::report::html::render(&results)), "report.html: {stale}");
}
