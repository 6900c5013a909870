//! Assessment of real runs: the ledger sums exactly to every score on every bundled scenario,
//! scores stay in range, every rating carries evidence that exists, and a hand-computed case.

use cydex::scenario::load_file;
use cydex::score::{Rating, assess, scoring::CATEGORIES};
use cydex::sim::{RunConfig, run};

fn assessed(path: &str, seed: u64) -> (cydex::sim::RunOutcome, cydex::score::Assessment) {
    let loaded = load_file(path.as_ref()).unwrap();
    let outcome = run(&loaded.scenario, &RunConfig { seed, run_index: 0 });
    let a = assess(&loaded.scenario, &outcome);
    (outcome, a)
}

#[test]
fn ledger_sums_to_the_score_on_every_bundled_scenario() {
    for path in ["scenarios/ransomware-drill.yaml", "scenarios/supply-chain.yaml", "scenarios/alliance-exercise.yaml"] {
        for seed in [1, 2] {
            let (outcome, a) = assessed(path, seed);
            let s = &a.scores;
            for n in &s.nations {
                let entries: Vec<_> = s.ledger.iter().filter(|e| e.subject == n.nation).collect();
                let total: i64 = entries.iter().map(|e| e.milli).sum();
                assert_eq!(total as f64 / 1000.0, n.total, "{path} {}: ledger {total} vs total {}", n.nation, n.total);
                assert!((0.0..=100.0).contains(&n.total), "{path} {}: {}", n.nation, n.total);
                for c in CATEGORIES {
                    let sum: i64 = entries.iter().filter(|e| e.category == c).map(|e| e.milli).sum();
                    assert_eq!(sum as f64 / 1000.0, n.categories[c], "{path} {} {c}", n.nation);
                    assert!(sum >= 0 && sum as f64 / 1000.0 <= s.weights[c] + 1e-9, "{path} {} {c} = {sum}", n.nation);
                }
            }
            let max_id = outcome.events.len() as u64;
            for e in &s.ledger {
                assert!(e.events.iter().all(|&id| id >= 1 && id <= max_id), "{path}: dangling evidence {e:?}");
            }
            for r in &a.ratings {
                assert!(r.evidence.iter().all(|&id| id >= 1 && id <= max_id), "{path}: {r:?}");
                assert!(!r.reason.is_empty());
                if r.rating != Rating::NotObserved {
                    assert!(r.measured.is_some(), "{path}: {} rated without a measurement", r.id);
                }
            }
            assert!((0.0..=100.0).contains(&s.alliance));
        }
    }
}

#[test]
fn every_objective_of_the_default_drill_is_rated() {
    let loaded = load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap();
    let (_, a) = assessed("scenarios/ransomware-drill.yaml", 20_260_105);
    assert_eq!(a.ratings.len(), loaded.scenario.objectives.len());
    assert_eq!(a.msel.len(), loaded.scenario.msel.len());
}

/// The minimal fixture: the MSEL takes EST-MAIL (the nation's only service) down for 1 h of a
/// 24 h exercise, and no campaign can reach it. Availability is 30 × (1 − 1/24) = 28.75 points.
#[test]
fn availability_score_is_hand_computable() {
    let (outcome, a) = assessed("tests/fixtures/valid/minimal.yaml", 3);
    let mail = a.availability.iter().find(|s| s.service == "EST-MAIL").unwrap();
    assert_eq!(mail.outages.len(), 1, "{:?}", mail.outages);
    let (down, up, _, _) = mail.outages[0];
    assert_eq!(up - down, 3600, "the inject's outage lasts `for: 1h`");
    let est = a.scores.nations.iter().find(|n| n.nation == "EST").unwrap();
    assert_eq!(est.categories["availability"], 28.75);
    assert!(outcome.events.iter().any(|e| e.kind == cydex::sim::EventKind::ServiceDown));
}
