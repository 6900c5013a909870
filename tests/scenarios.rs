//! Every bundled scenario, the starter template and the valid fixtures load without errors or warnings.

use cydex::scenario::load_file;

fn yaml_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn bundled_scenarios_validate_cleanly() {
    let mut files = yaml_files("scenarios");
    files.extend(yaml_files("tests/fixtures/valid"));
    files.push("src/scenario/starter.yaml".into());
    assert!(files.len() >= 5, "{files:?}");
    for f in files {
        match load_file(&f) {
            Ok(l) => assert!(l.warnings.is_empty(), "{}: {:#?}", f.display(), l.warnings),
            Err(r) => panic!(
                "{} is invalid:\n{}",
                f.display(),
                r.diagnostics.iter().map(|d| d.render(false)).collect::<String>()
            ),
        }
    }
}

#[test]
fn alliance_scenario_has_the_promised_scale() {
    let l = load_file("scenarios/alliance-exercise.yaml".as_ref()).unwrap();
    let s = &l.scenario;
    let hosts: u64 = s.nations.iter().flat_map(|n| &n.segments).flat_map(|g| &g.host_groups).map(|h| h.count).sum();
    assert!(s.nations.len() >= 25, "{} nations", s.nations.len());
    assert!(hosts >= 100_000, "{hosts} hosts");
    assert!(s.campaigns.len() >= 3);
    assert!(s.msel.len() >= 20);
}

#[test]
fn supply_chain_scenario_spans_five_nations() {
    let l = load_file("scenarios/supply-chain.yaml".as_ref()).unwrap();
    assert!(l.scenario.nations.len() >= 5);
    assert!(!l.scenario.sharing.is_empty());
}

#[test]
fn players_fixture_reads_a_doctrine_and_expectations_of_both_shapes() {
    use cydex::scenario::model::{Criticality, DoctrineDef, ExpectationCheck, QueueOrder, RestoreChoice};
    let l = load_file("tests/fixtures/valid/players.yaml".as_ref()).unwrap();
    let s = &l.scenario;
    assert_eq!(
        s.nations[0].team.doctrine,
        DoctrineDef {
            queue: QueueOrder::Criticality,
            isolate_at: Some(Criticality::Critical),
            share_on_detection: false,
            request_assistance: false,
            restore: RestoreChoice::Rebuild,
        }
    );
    let expects = &s.msel[0].expects;
    let ids: Vec<&str> = expects.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["EXP-001", "EXP-002", "EXP-003"]);
    match expects[0].check() {
        Some(ExpectationCheck::Action { action, within, to, campaign, points }) => {
            assert_eq!((action, within.secs(), to, campaign), ("isolate_host", 3600, None, Some("CAMP-1")));
            assert_eq!(points, 10.0, "an action expectation without `points` is worth the default");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(expects[1].by, "EST");
    assert!(matches!(expects[1].check(), Some(ExpectationCheck::Action { points: 5.0, .. })));
    assert_eq!(expects[2].check(), Some(ExpectationCheck::Manual { points: 10.0 }));
    // Omitted: the default doctrine and no expectations.
    let minimal = load_file("tests/fixtures/valid/minimal.yaml".as_ref()).unwrap().scenario;
    assert!(minimal.nations[0].team.doctrine.is_default());
    assert!(minimal.msel.iter().all(|i| i.expects.is_empty()));
}
