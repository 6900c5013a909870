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
